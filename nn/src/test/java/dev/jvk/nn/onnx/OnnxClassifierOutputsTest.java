package dev.jvk.nn.onnx;

import static dev.jvk.nn.onnx.TestGraph.Store.FLOAT_RAW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvk.nn.ModelMetadata;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Classifiers with a label output and a probability map beside their scores, as skl2onnx, tf2onnx and PyTorch write
 * them: jvk's model computes the probabilities (against the test's own evaluation of the graph, in double) and takes
 * the class names from the graph's label constant or ZipMap; what is not derived from the scores is refused by name.
 */
class OnnxClassifierOutputsTest {
    @TempDir
    Path dir;

    private final SklearnGraphs sklearn = new SklearnGraphs(11);

    @Test
    void skl2onnx_classifiers_import_with_their_probabilities_and_class_labels() throws IOException {
        int rows = 40;
        for (SklearnGraphs.Options o : SklearnGraphs.variants()) {
            TestGraph g = sklearn.classifier(o);
            OnnxModel m = OnnxModel.read(g.write(dir.resolve("sk.onnx")));
            float[] x = sklearn.random.inputs(rows * SklearnGraphs.FEATURES);
            double[] p = g.evaluate(x, rows, SklearnGraphs.probabilities(o));
            List<String> labels = SklearnGraphs.labels(o.classes(), o.stringLabels());

            assertThat(m.classNames()).as("%s", o).isEqualTo(labels);
            assertThat(m.mlp().metadata().classNames()).as("%s", o).isEqualTo(labels);
            assertThat(m.mlp().metadata().isClassification()).isTrue();
            assertThat(m.mlp().loss().name()).isEqualTo("softmax-cross-entropy");
            OnnxImportTest.assertClose(m.mlp().predict(x, rows), p);
            int[] classes = m.mlp().predictClasses(x, rows);
            int positives = 0;
            for (int r = 0; r < rows; r++) {
                assertThat(classes[r]).as("%s row %d", o, r).isEqualTo(OnnxLogitsImportTest.argmax(p, r * o.classes(), o.classes()));
                positives += classes[r];
            }
            assertThat(positives).as("%s: both classes are predicted", o).isBetween(1, rows * (o.classes() - 1) - 1);
        }
    }

    @Test
    void class_names_in_the_metadata_must_agree_with_the_graphs_labels() throws IOException {
        SklearnGraphs.Options o = new SklearnGraphs.Options(3, true, true, true);
        TestGraph same = sklearn.classifier(o);
        same.metadata.put(OnnxModel.CLASS_NAMES, "[\"setosa\",\"versicolor\",\"virginica\"]");
        assertThat(OnnxModel.read(same.write(dir.resolve("same.onnx"))).classNames()).containsExactly("setosa", "versicolor", "virginica");

        TestGraph other = sklearn.classifier(o);
        other.metadata.put(OnnxModel.CLASS_NAMES, "[\"a\",\"b\",\"c\"]");
        assertError(other, "class_names [a, b, c] disagrees with the class labels [setosa, versicolor, virginica]", "'ZipMap'");
    }

    @Test
    void an_argmax_label_beside_logits_or_probabilities_imports_without_names() throws IOException {
        ExporterGraphs graphs = new ExporterGraphs(5);
        TestGraph torch = graphs.pytorch();   // 16 -> 20 -> 12 -> 5 logits
        torch.node("ArgMax", "/ArgMax", List.of("logits"), "preds", "axis", 1L, "keepdims", 0L, "select_last_index", 0L);
        torch.output("preds");
        torch.outputTypes.put("preds", TestGraph.tensorType(7));
        Path file = torch.write(dir.resolve("torch.onnx"));
        float[] x = graphs.inputs(6 * 16);
        double[] logits = torch.evaluate(x, 6);
        OnnxModel m = OnnxModel.read(file, ModelMetadata.CLASSIFICATION);
        assertThat(m.classNames()).isEmpty();
        int[] classes = m.mlp().predictClasses(x, 6);
        for (int r = 0; r < 6; r++) {
            assertThat(classes[r]).isEqualTo(OnnxLogitsImportTest.argmax(logits, r * 5, 5));
        }

        assertThatThrownBy(() -> OnnxModel.read(file, ModelMetadata.REGRESSION)).isInstanceOf(OnnxFormatException.class)
                .hasMessageContainingAll("output 'preds' is a classifier's label", "node '/ArgMax' (ArgMax)", "regression");

        TestGraph keras = graphs.keras();   // ends in Softmax 'dense_1'; tf.argmax of the probabilities, cast to int32
        keras.node("ArgMax", "ArgMax", List.of("dense_1"), "am", "axis", -1L, "keepdims", 0L);
        keras.node("Cast", "Cast", List.of("am"), "class_ids", "to", 6L);
        keras.output("class_ids");
        keras.outputTypes.put("class_ids", TestGraph.tensorType(6));
        float[] xk = graphs.inputs(5 * 12);
        OnnxImportTest.assertClose(OnnxModel.read(keras.write(dir.resolve("keras.onnx"))).mlp().predict(xk, 5), keras.evaluate(xk, 5));
    }

    @Test
    void skl2onnx_mlp_regressor_with_its_reshape_imports_as_before() throws IOException {
        TestGraph g = new TestGraph();
        g.opset = 15;
        g.producer = "skl2onnx";
        g.input("float_input", "N", 6).output("variable");
        g.init("coefficient", new long[] {6, 5}, sklearn.random.values(30, 0.5), FLOAT_RAW);
        g.init("intercepts", new long[] {1, 5}, sklearn.random.values(5, 0.5), FLOAT_RAW);
        g.init("coefficient1", new long[] {5, 1}, sklearn.random.values(5, 0.5), FLOAT_RAW);
        g.init("intercepts1", new long[] {1, 1}, sklearn.random.values(1, 0.5), FLOAT_RAW);
        g.init("shape_tensor", new long[] {2}, new double[] {-1, 1}, TestGraph.Store.INT64_RAW);
        g.node("Cast", "Cast", List.of("float_input"), "cast_input", "to", 1L);
        g.node("MatMul", "MatMul", List.of("cast_input", "coefficient"), "mul_result");
        g.node("Add", "Add", List.of("mul_result", "intercepts"), "add_result");
        g.node("Tanh", "Tanh", List.of("add_result"), "next_activations");
        g.node("MatMul", "MatMul1", List.of("next_activations", "coefficient1"), "mul_result1");
        g.node("Add", "Add1", List.of("mul_result1", "intercepts1"), "add_result1");
        g.node("Identity", "Tanh1", List.of("add_result1"), "out_activations_result");
        g.node("Reshape", "Reshape", List.of("out_activations_result", "shape_tensor"), "variable");
        float[] x = sklearn.random.inputs(9 * 6);
        OnnxModel m = OnnxModel.read(g.write(dir.resolve("regressor.onnx")), ModelMetadata.REGRESSION);
        OnnxImportTest.assertClose(m.mlp().predict(x, 9), g.evaluate(x, 9));
        assertThat(m.classNames()).isEmpty();
    }

    /** A variant of skl2onnx's 3-class classifier with string labels and ZipMap, changed by {@code change}. */
    private TestGraph changed(Consumer<TestGraph> change) {
        TestGraph g = sklearn.classifier(new SklearnGraphs.Options(3, true, true, true));
        change.accept(g);
        return g;
    }

    private static void replace(TestGraph g, String name, TestGraph.Node with) {
        g.nodes.replaceAll(n -> n.name().equals(name) ? with : n);
    }

    void assertError(TestGraph g, String... parts) {
        OnnxUnsupportedGraphTest.assertError(dir, g, parts);
    }

    @Test
    void labels_that_do_not_fit_the_scores_are_refused_by_name() {
        assertError(changed(g -> {
            g.rawInitializers.clear();
            g.rawInitializers.add(TestGraph.stringTensor("classes", "setosa", "versicolor"));
        }), "node 'ArrayFeatureExtractor' (ArrayFeatureExtractor)", "picks from 2 class labels", "3 classes");
        assertError(changed(g -> replace(g, "ArgMax", new TestGraph.Node("ArgMax", "ArgMax", List.of("probabilities"),
                List.of("argmax_output"), java.util.Map.of("axis", 0L)))), "node 'ArgMax' (ArgMax)", "has axis 0", "over the classes");
        assertError(changed(g -> replace(g, "ArgMax", new TestGraph.Node("ArgMax", "ArgMax", List.of("probabilities"),
                List.of("argmax_output"), java.util.Map.of()))), "node 'ArgMax' (ArgMax)", "has axis 0");   // ONNX's default axis
        assertError(changed(g -> replace(g, "ArgMax", new TestGraph.Node("ArgMax", "ArgMax", List.of("probabilities"),
                List.of("argmax_output"), java.util.Map.of("axis", 1L, "select_last_index", 1L)))), "select_last_index=1");
        assertError(changed(g -> replace(g, "ZipMap", new TestGraph.Node("ZipMap", "ZipMap", List.of("probabilities"),
                        List.of("output_probability"), java.util.Map.of("classlabels_strings", new String[] {"setosa", "virginica", "versicolor"})))),
                "node 'ZipMap' (ZipMap) of output 'output_probability' names the classes [setosa, virginica, versicolor]",
                "node 'ArrayFeatureExtractor' (ArrayFeatureExtractor) of output 'output_label' names them [setosa, versicolor, virginica]");
        assertError(changed(g -> replace(g, "ZipMap", new TestGraph.Node("ZipMap", "ZipMap", List.of("probabilities"),
                        List.of("output_probability"), java.util.Map.of("classlabels_int64s", new long[] {1, 2})))),
                "node 'ZipMap' (ZipMap)", "has 2 class labels", "3 classes");
        assertError(changed(g -> replace(g, "ZipMap", new TestGraph.Node("ZipMap", "ZipMap", List.of("probabilities"),
                        List.of("output_probability"), java.util.Map.of("classlabels_int64s", new long[] {1, 2, 3},
                        "classlabels_strings", new String[] {"a", "b", "c"})))), "node 'ZipMap' (ZipMap)", "has both");
        // beside the probabilities tensor (zipmap=False), a ZipMap of the logits would map other values than predict's
        TestGraph logitsMap = sklearn.classifier(new SklearnGraphs.Options(3, false, true, true));
        logitsMap.node("ZipMap", "ZipMap", List.of("add_result1"), "logit_map", "classlabels_strings", new String[] {"setosa", "versicolor", "virginica"});
        logitsMap.domains.put("ZipMap", GraphMatcher.ML_DOMAIN);
        logitsMap.output("logit_map");
        logitsMap.outputTypes.put("logit_map", TestGraph.sequenceOfMaps(8));
        assertError(logitsMap, "node 'ZipMap' (ZipMap) of output 'logit_map'", "maps 'add_result1', not the scores 'probabilities'");
        assertError(changed(g -> replace(g, "ArgMax", new TestGraph.Node("ArgMax", "ArgMax", List.of("next_activations"),
                List.of("argmax_output"), java.util.Map.of("axis", 1L)))), "node 'ArgMax' (ArgMax)", "argmax of 'next_activations'");
        assertError(changed(g -> {
            g.init("bad_shape", new long[] {2}, new double[] {-1, 3}, TestGraph.Store.INT64_RAW);
            replace(g, "Reshape", new TestGraph.Node("Reshape", "Reshape", List.of("array_feature_extractor_result", "bad_shape"),
                    List.of("label"), java.util.Map.of()));
        }), "node 'Reshape' (Reshape)", "reshapes the labels to [-1, 3]");
    }

    @Test
    void a_hidden_layer_or_an_unrelated_second_output_is_named() {
        TestGraph hidden = sklearn.classifier(new SklearnGraphs.Options(3, false, false, true));
        hidden.output("next_activations");
        assertError(hidden, "output 'next_activations' is an intermediate value", "output 'probabilities' is computed from it");

        TestGraph two = sklearn.classifier(new SklearnGraphs.Options(3, false, false, true));
        two.node("Tanh", "side", List.of("next_activations"), "side_out");
        two.output("side_out");
        assertError(two, "outputs ['probabilities', 'side_out']", "not derived from one another");

        TestGraph cast = sklearn.classifier(new SklearnGraphs.Options(3, false, false, true));
        cast.nodes.replaceAll(n -> n.name().equals("Cast1") ? new TestGraph.Node("Cast", "Cast1", List.of("reshaped_result"),
                List.of("label"), java.util.Map.of("to", 1L)) : n);
        assertError(cast, "node 'Cast1' (Cast)", "casts the integer labels to FLOAT");
    }

    @Test
    void a_binary_classifier_other_than_one_sigmoid_unit_is_refused() {
        TestGraph reversed = sklearn.classifier(new SklearnGraphs.Options(2, false, false, true));
        replace(reversed, "Concat", new TestGraph.Node("Concat", "Concat", List.of("out_activations_result", "negative_class_proba"),
                List.of("probabilities"), java.util.Map.of("axis", 1L)));
        assertError(reversed, "node 'Concat' (Concat)", "is not Concat([1 - p, p], axis=1)");

        TestGraph two = sklearn.classifier(new SklearnGraphs.Options(2, false, false, true));
        two.inits.remove("unity");
        two.init("unity", new long[0], new double[] {2}, FLOAT_RAW);
        assertError(two, "node 'Sub' (Sub)", "is not Sub(1, p)");
    }
}
