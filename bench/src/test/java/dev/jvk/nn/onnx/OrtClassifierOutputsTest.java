package dev.jvk.nn.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.jvk.nn.ModelMetadata;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * skl2onnx's MLPClassifier in every converter variant (2 and 3 classes, ZipMap on and off, int64 and string labels,
 * Identity kept or optimised away; behind a StandardScaler's Scaler in a pipeline), and ArgMax labels beside PyTorch's logits and Keras's probabilities, run in ONNX
 * Runtime 1.23.2 (its ai.onnx.ml ZipMap and ArrayFeatureExtractor) and imported by jvk on the same random rows: jvk's
 * probabilities within 1e-5 of ORT's (its tensor, or its ZipMap's maps, whose keys are jvk's class names in order) and
 * jvk's predicted class name ORT's label on every row whose two largest probabilities are further apart than that.
 */
class OrtClassifierOutputsTest {
    @TempDir
    Path dir;

    private static final double BOUND = 1e-5;

    /** What ONNX Runtime made of one file: the probabilities row by row, the keys of its maps (if any), its labels. */
    record Ort(float[] probabilities, List<String> keys, List<String> labels) {}

    static Ort run(Path file, String input, float[] x, long rows, long features) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(file.toString());
             OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {rows, features});
             OrtSession.Result res = s.run(Map.of(input, in))) {
            List<Float> p = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            for (Map.Entry<String, OnnxValue> e : res) {
                OnnxValue v = e.getValue();
                if (v instanceof OnnxSequence seq) {   // ZipMap: one map from class label to probability per row
                    for (Object row : seq.getValue()) {
                        Map<?, ?> map = row instanceof OnnxMap m ? m.getValue() : (Map<?, ?>) row;
                        List<String> rowKeys = new ArrayList<>();
                        for (Map.Entry<?, ?> kv : map.entrySet()) {
                            rowKeys.add(kv.getKey().toString());
                        }
                        // the maps are unordered: read them in the order of the first row's sorted keys, checked against jvk's below
                        if (keys.isEmpty()) {
                            keys.addAll(rowKeys);
                        }
                        for (String k : keys) {
                            Object key = map.keySet().iterator().next() instanceof Long ? (Object) Long.parseLong(k) : k;
                            p.add(((Number) map.get(key)).floatValue());
                        }
                    }
                } else if (v instanceof OnnxTensor t && t.getInfo().type == ai.onnxruntime.OnnxJavaType.FLOAT) {
                    FloatBuffer b = t.getFloatBuffer();
                    while (b.hasRemaining()) {
                        p.add(b.get());
                    }
                } else if (v instanceof OnnxTensor t) {   // a label: int64, int32 or string, one per row
                    Object values = t.getValue();
                    switch (values) {
                        case long[] l -> { for (long c : l) labels.add(Long.toString(c)); }
                        case int[] l -> { for (int c : l) labels.add(Integer.toString(c)); }
                        case String[] l -> labels.addAll(List.of(l));
                        default -> throw new AssertionError(e.getKey() + ": " + values);
                    }
                }
            }
            float[] probabilities = new float[p.size()];
            for (int i = 0; i < probabilities.length; i++) {
                probabilities[i] = p.get(i);
            }
            return new Ort(probabilities, keys, labels);
        }
    }

    /** jvk's probabilities and class names against ORT's, softly; {@code names} is what jvk calls each class. */
    static void compare(SoftAssertions softly, String what, float[] ours, int[] classes, List<String> names, Ort theirs, int k) {
        if (!theirs.keys().isEmpty()) {
            softly.assertThat(theirs.keys()).as(what + ": ZipMap keys").containsExactlyInAnyOrderElementsOf(names);
        }
        float[] p = theirs.probabilities();
        if (!theirs.keys().isEmpty()) {   // the maps' values put in jvk's class order
            float[] ordered = new float[p.length];
            for (int r = 0; r < p.length / k; r++) {
                for (int c = 0; c < k; c++) {
                    ordered[r * k + names.indexOf(theirs.keys().get(c))] = p[r * k + c];
                }
            }
            p = ordered;
        }
        softly.assertThat(ours).as(what + ": probabilities").hasSameSizeAs(p);
        for (int i = 0; i < Math.min(ours.length, p.length); i++) {
            softly.assertThat((double) ours[i]).as(what + ": probability %d", i).isCloseTo(p[i], org.assertj.core.data.Offset.offset(BOUND));
        }
        softly.assertThat(theirs.labels()).as(what + ": labels").hasSize(classes.length);
        for (int r = 0; r < Math.min(classes.length, theirs.labels().size()); r++) {
            float first = Float.NEGATIVE_INFINITY;
            float second = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                float v = p[r * k + c];
                if (v > first) {
                    second = first;
                    first = v;
                } else if (v > second) {
                    second = v;
                }
            }
            if (first - second > BOUND) {
                softly.assertThat(names.get(classes[r])).as(what + ": row %d", r).isEqualTo(theirs.labels().get(r));
            }
        }
    }

    @Test
    void skl2onnx_classifiers_give_onnx_runtimes_probabilities_and_labels() throws Exception {
        SklearnGraphs sklearn = new SklearnGraphs(23);
        SoftAssertions softly = new SoftAssertions();
        int rows = 64;
        for (SklearnGraphs.Options o : SklearnGraphs.variants()) {
            Path file = sklearn.classifier(o).write(dir.resolve("sk.onnx"));
            float[] x = sklearn.random.inputs(rows * SklearnGraphs.FEATURES);
            Ort theirs = run(file, "float_input", x, rows, SklearnGraphs.FEATURES);
            OnnxModel m = OnnxModel.read(file);
            softly.assertThat(m.classNames()).as(o + ": class names").isEqualTo(SklearnGraphs.labels(o.classes(), o.stringLabels()));
            compare(softly, o.toString(), m.mlp().predict(x, rows), m.mlp().predictClasses(x, rows), m.classNames(), theirs, o.classes());
        }
        for (SklearnGraphs.Options o : List.of(new SklearnGraphs.Options(3, true, true, true), new SklearnGraphs.Options(2, true, false, true))) {
            Path file = sklearn.pipeline(o).write(dir.resolve("pipeline.onnx"));   // StandardScaler + MLPClassifier
            float[] x = sklearn.random.inputs(rows * SklearnGraphs.FEATURES);
            OnnxModel m = OnnxModel.read(file);
            compare(softly, "pipeline " + o, m.mlp().predict(x, rows), m.mlp().predictClasses(x, rows), m.classNames(),
                    run(file, "float_input", x, rows, SklearnGraphs.FEATURES), o.classes());
        }
        softly.assertAll();
    }

    @Test
    void argmax_labels_beside_logits_and_probabilities_are_predict_classes() throws IOException, OrtException {
        ExporterGraphs graphs = new ExporterGraphs(29);
        SoftAssertions softly = new SoftAssertions();
        TestGraph torch = graphs.pytorch();   // [N, 1, 4, 4] -> 5 logits, and their argmax
        torch.node("ArgMax", "/ArgMax", List.of("logits"), "preds", "axis", 1L, "keepdims", 0L, "select_last_index", 0L);
        torch.output("preds");
        torch.outputTypes.put("preds", TestGraph.tensorType(7));
        Path file = torch.write(dir.resolve("torch.onnx"));
        int rows = 32;
        float[] x = graphs.inputs(rows * 16);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        float[] logits;
        long[] preds;
        try (OrtSession s = env.createSession(file.toString());
             OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {rows, 1, 4, 4});
             OrtSession.Result res = s.run(Map.of("input", in))) {
            FloatBuffer b = ((OnnxTensor) res.get("logits").orElseThrow()).getFloatBuffer();
            logits = new float[b.remaining()];
            b.get(logits);
            preds = (long[]) res.get("preds").orElseThrow().getValue();
        }
        OnnxModel m = OnnxModel.read(file, ModelMetadata.CLASSIFICATION);
        int[] classes = m.mlp().predictClasses(x, rows);
        for (int r = 0; r < rows; r++) {
            softly.assertThat((long) classes[r]).as("torch row %d", r).isEqualTo(preds[r]);
        }
        softly.assertThat(OnnxModel.read(file).mlp().predict(x, rows)).as("torch logits").hasSize(logits.length);

        TestGraph keras = graphs.keras();   // 12 -> 10 -> 4 softmax 'dense_1', and tf.argmax of it cast to int32
        keras.node("ArgMax", "ArgMax", List.of("dense_1"), "am", "axis", -1L, "keepdims", 0L);
        keras.node("Cast", "Cast", List.of("am"), "class_ids", "to", 6L);
        keras.output("class_ids");
        keras.outputTypes.put("class_ids", TestGraph.tensorType(6));
        Path kfile = keras.write(dir.resolve("keras.onnx"));
        float[] xk = graphs.inputs(rows * 12);
        Ort theirs = run(kfile, "input_1", xk, rows, 12);
        OnnxModel km = OnnxModel.read(kfile);
        compare(softly, "keras", km.mlp().predict(xk, rows), km.mlp().predictClasses(xk, rows), List.of("0", "1", "2", "3"), theirs, 4);
        softly.assertAll();
    }
}
