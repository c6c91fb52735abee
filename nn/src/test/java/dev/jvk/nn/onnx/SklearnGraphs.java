package dev.jvk.nn.onnx;

import static dev.jvk.nn.onnx.TestGraph.Store.FLOAT_RAW;
import static dev.jvk.nn.onnx.TestGraph.Store.INT64_RAW;

import java.util.ArrayList;
import java.util.List;

/**
 * Classifiers as skl2onnx's {@code MLPClassifier} converter writes them (skl2onnx/operator_converters/
 * multilayer_perceptron.py and zip_map.py): its node and value names, {@code ai.onnx.ml} at opset 1, a {@code label}
 * output (ArgMax over the probabilities, ArrayFeatureExtractor over a constant of the class labels, int32 or string,
 * Reshape to [-1], and for integers a Cast to int64) and the probabilities, either as a tensor ({@code zipmap=False}) or
 * through a {@code ZipMap} into {@code output_probability} beside {@code output_label} (the default). Binary
 * classifiers end in a Sigmoid of one unit, then {@code Concat([Sub(1, p), p])}. The weights are seeded random.
 */
final class SklearnGraphs {
    /** How the converter was called, and what the classifier was trained on. */
    record Options(int classes, boolean zipMap, boolean stringLabels, boolean identity) {}

    final ExporterGraphs random;

    SklearnGraphs(long seed) {
        random = new ExporterGraphs(seed);
    }

    static final int FEATURES = 6;
    static final int HIDDEN = 7;

    /** The class labels of a classifier of {@code classes} classes: integers 10, 20, ... or names. */
    static List<String> labels(int classes, boolean strings) {
        List<String> names = new ArrayList<>();
        String[] words = {"setosa", "versicolor", "virginica", "other", "unknown"};
        for (int c = 0; c < classes; c++) {
            names.add(strings ? words[c] : Integer.toString(10 * (c + 1)));
        }
        return names;
    }

    /** An MLPClassifier (6 -> 7 relu -> classes, or one logistic unit for two classes) converted with {@code o}. */
    TestGraph classifier(Options o) {
        TestGraph g = new TestGraph();
        g.opset = 15;
        g.producer = "skl2onnx";
        g.input("float_input", "N", FEATURES);
        boolean binary = o.classes() == 2;
        int units = binary ? 1 : o.classes();
        g.init("coefficient", new long[] {FEATURES, HIDDEN}, random.values(FEATURES * HIDDEN, 0.6), FLOAT_RAW);
        g.init("intercepts", new long[] {1, HIDDEN}, random.values(HIDDEN, 0.5), FLOAT_RAW);
        g.init("coefficient1", new long[] {HIDDEN, units}, random.values(HIDDEN * units, 1.5), FLOAT_RAW);
        g.init("intercepts1", new long[] {1, units}, random.values(units, 0.5), FLOAT_RAW);
        g.node("Cast", "Cast", List.of("float_input"), "cast_input", "to", 1L);
        g.node("MatMul", "MatMul", List.of("cast_input", "coefficient"), "mul_result");
        g.node("Add", "Add", List.of("mul_result", "intercepts"), "add_result");
        g.node("Relu", "Relu", List.of("add_result"), "next_activations");
        g.node("MatMul", "MatMul1", List.of("next_activations", "coefficient1"), "mul_result1");
        g.node("Add", "Add1", List.of("mul_result1", "intercepts1"), "add_result1");
        // the converter names the output activation after the hidden one
        g.node(binary ? "Sigmoid" : "Softmax", "Relu1", List.of("add_result1"), "out_activations_result");
        String probabilities = "probabilities";
        if (binary) {
            g.init("unity", new long[0], new double[] {1}, FLOAT_RAW);
            g.node("Sub", "Sub", List.of("unity", "out_activations_result"), "negative_class_proba");
            g.node("Concat", "Concat", List.of("negative_class_proba", "out_activations_result"), probabilities, "axis", 1L);
        } else if (o.identity()) {
            g.node("Identity", "Identity", List.of("out_activations_result"), probabilities);
        } else {   // the converter's optimiser removes Identity nodes
            probabilities = "out_activations_result";
        }
        labelNodes(g, o, probabilities);
        return g;
    }

    /**
     * {@link #classifier} behind a StandardScaler in a pipeline: skl2onnx's {@code ai.onnx.ml} {@code Scaler} (offset =
     * the means, scale = 1 / the deviations) before the classifier's Cast of its input.
     */
    TestGraph pipeline(Options o) {
        TestGraph g = classifier(o);
        float[] offset = new float[FEATURES];
        float[] scale = new float[FEATURES];
        double[] mean = random.values(FEATURES, 2);
        double[] spread = random.values(FEATURES, 1);
        for (int i = 0; i < FEATURES; i++) {
            offset[i] = (float) mean[i];
            scale[i] = (float) (1 / (1.5 + spread[i]));
        }
        g.nodes.replaceAll(n -> n.name().equals("Cast") ? new TestGraph.Node("Cast", "Cast", List.of("variable"), n.outputs(), n.attributes()) : n);
        g.nodes.addFirst(new TestGraph.Node("Scaler", "Scaler", List.of("float_input"), List.of("variable"),
                java.util.Map.of("offset", offset, "scale", scale)));
        g.domains.put("Scaler", GraphMatcher.ML_DOMAIN);
        return g;
    }

    /** The label and probability outputs after {@code probabilities}, as the converter and its ZipMap write them. */
    static void labelNodes(TestGraph g, Options o, String probabilities) {
        List<String> names = labels(o.classes(), o.stringLabels());
        if (o.stringLabels()) {
            g.rawInitializers.add(TestGraph.stringTensor("classes", names.toArray(String[]::new)));
        } else {
            g.rawInitializers.add(TestGraph.int32Tensor("classes", names.stream().mapToLong(Long::parseLong).toArray()));
        }
        g.init("shape_tensor", new long[] {1}, new double[] {-1}, INT64_RAW);
        g.node("ArgMax", "ArgMax", List.of(probabilities), "argmax_output", "axis", 1L);
        g.node("ArrayFeatureExtractor", "ArrayFeatureExtractor", List.of("classes", "argmax_output"), "array_feature_extractor_result");
        g.domains.put("ArrayFeatureExtractor", GraphMatcher.ML_DOMAIN);
        if (o.stringLabels()) {
            g.node("Reshape", "Reshape", List.of("array_feature_extractor_result", "shape_tensor"), "label");
        } else {
            g.node("Reshape", "Reshape", List.of("array_feature_extractor_result", "shape_tensor"), "reshaped_result");
            g.node("Cast", "Cast1", List.of("reshaped_result"), "label", "to", 7L);
        }
        int labelType = o.stringLabels() ? 8 : 7;
        if (o.zipMap()) {
            if (o.stringLabels()) {
                g.node("Identity", "Identity1", List.of("label"), "output_label");
                g.node("ZipMap", "ZipMap", List.of(probabilities), "output_probability",
                        "classlabels_strings", names.toArray(String[]::new));
            } else {
                g.node("Cast", "Cast2", List.of("label"), "output_label", "to", 7L);
                g.node("ZipMap", "ZipMap", List.of(probabilities), "output_probability",
                        "classlabels_int64s", names.stream().mapToLong(Long::parseLong).toArray());
            }
            g.domains.put("ZipMap", GraphMatcher.ML_DOMAIN);
            g.output("output_label").output("output_probability");
            g.outputTypes.put("output_label", TestGraph.tensorType(labelType));
            g.outputTypes.put("output_probability", TestGraph.sequenceOfMaps(labelType));
        } else {
            g.output("label").output(probabilities, "N", o.classes());
            g.outputTypes.put("label", TestGraph.tensorType(labelType));
        }
    }

    /** The value holding the probabilities in {@link #classifier}'s graph. */
    static String probabilities(Options o) {
        return o.classes() != 2 && !o.identity() ? "out_activations_result" : "probabilities";
    }

    /** Every converter variant: 2 and 3 classes, ZipMap on and off, integer and string labels, Identity kept or optimised away. */
    static List<Options> variants() {
        List<Options> all = new ArrayList<>();
        for (int classes : new int[] {3, 2}) {
            for (boolean zipMap : new boolean[] {true, false}) {
                for (boolean strings : new boolean[] {false, true}) {
                    for (boolean identity : classes == 2 ? new boolean[] {true} : new boolean[] {true, false}) {
                        all.add(new Options(classes, zipMap, strings, identity));
                    }
                }
            }
        }
        return all;
    }
}
