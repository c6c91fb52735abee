package dev.jvk.nn.onnx;

import static dev.jvk.nn.onnx.TestGraph.Store.FLOAT_RAW;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Graphs jvk does not map: each is a clear error naming the node and its operator, never a model that computes something else. */
class OnnxUnsupportedGraphTest {
    @TempDir
    Path dir;

    /** x[n, 4] -> MatMul W[4, 3] -> ..., the start most tests modify. */
    static TestGraph base() {
        TestGraph g = new TestGraph();
        g.input("x", "n", 4);
        g.init("W", new long[] {4, 3}, new double[12], FLOAT_RAW);
        return g;
    }

    void assertError(TestGraph g, String... parts) {
        assertError(dir, g, parts);
    }

    /** {@code g}, written to {@code dir}, is refused on import with a message naming the file and holding every part. */
    static void assertError(Path dir, TestGraph g, String... parts) {
        assertThatThrownBy(() -> OnnxModel.read(g.write(dir.resolve("bad.onnx"))))
                .isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("bad.onnx")
                .hasMessageContainingAll(parts);
    }

    @Test
    void an_operator_outside_the_list_is_named_with_its_node() {
        TestGraph g = base().output("y");
        g.node("MatMul", "m", List.of("x", "W"), "h");
        g.node("Conv", "conv1", List.of("h", "W"), "y");
        assertError(g, "node 'conv1' (Conv)", "not an operator jvk imports");
    }

    /**
     * The tanh-GELU sub-graphs with one constant off (as a typo or another approximation would have it): each is
     * refused naming the value that feeds the pattern, never imported as GELU_TANH (nor as anything else).
     */
    @Test
    void a_tanh_gelu_sub_graph_with_another_constant_is_refused() {
        ExporterGraphs graphs = new ExporterGraphs(5);
        double cubic = 0.044715, scale = Math.sqrt(2 / Math.PI);
        for (ExporterGraphs.GeluTanhForm form : List.of(ExporterGraphs.GeluTanhForm.TORCHSCRIPT, ExporterGraphs.GeluTanhForm.POW,
                ExporterGraphs.GeluTanhForm.DISTRIBUTED)) {
            double[][] wrong = {{0.0447, scale, 0.5, 3}, {cubic, 0.7978, 0.5, 3}, {cubic, scale, 0.49, 3}, {cubic, scale, 0.5, 2},
                    {cubic, 2 * scale, 0.5, 3}, {cubic, scale, 1, 3}, {cubic * (1 + 2e-6), scale, 0.5, 3}};
            for (double[] w : wrong) {
                if (form != ExporterGraphs.GeluTanhForm.POW && w[3] != 3) {
                    continue;   // only the Pow form has an exponent
                }
                TestGraph g = graphs.geluTanh(form, 17, 4, 3, 2, w[0], w[1], w[2], w[3]);
                assertThatThrownBy(() -> OnnxModel.read(g.write(dir.resolve("bad.onnx"))))
                        .as("%s with %s", form, java.util.Arrays.toString(w))
                        .isInstanceOf(OnnxFormatException.class)
                        .hasMessageContainingAll("value 'h' feeds", "tanh-GELU");
            }
        }
        // a term off that the others do not move: the x t term's weight alone, and a small constant term
        for (double[] w : new double[][] {{1.02, 0}, {1, 1e-4}}) {
            TestGraph g = graphs.geluTanh(ExporterGraphs.GeluTanhForm.DISTRIBUTED, 17, 4, 3, 2, cubic, scale, 0.5, 3, w[0], w[1]);
            assertThatThrownBy(() -> OnnxModel.read(g.write(dir.resolve("bad.onnx"))))
                    .as("x t weighted %s, x - %s", w[0], w[1])
                    .isInstanceOf(OnnxFormatException.class)
                    .hasMessageContainingAll("value 'h' feeds", "tanh-GELU");
        }
    }

    @Test
    void a_pow_outside_the_tanh_gelu_is_named() {
        TestGraph g = base().output("y");
        g.init("two", new long[0], new double[] {2}, FLOAT_RAW);
        g.node("MatMul", "m", List.of("x", "W"), "h");
        g.node("Pow", "p", List.of("h", "two"), "y");
        assertError(g, "node 'p' (Pow)", "tanh-GELU pattern");
    }

    @Test
    void an_operator_in_another_domain() {
        TestGraph g = base().output("y");
        g.node("FusedMatMul", "fm", List.of("x", "W"), "y");
        g.domains.put("fm", "com.microsoft");
        assertError(g, "node 'fm' (FusedMatMul)", "domain 'com.microsoft'");
    }

    @Test
    void a_second_input() {
        TestGraph g = base().input("mask", "n", 4).output("y");
        g.node("Mul", "masked", List.of("x", "mask"), "xm");
        g.node("MatMul", "m", List.of("xm", "W"), "y");
        assertError(g, "2 inputs", "'x'", "'mask'");
    }

    @Test
    void a_dynamic_dimension_other_than_the_batch() {
        TestGraph g = new TestGraph().input("x", "n", "features").output("y");
        g.init("W", new long[] {4, 3}, new double[12], FLOAT_RAW);
        g.node("MatMul", "m", List.of("x", "W"), "y");
        assertError(g, "input 'x'", "dynamic dimension 'features' at axis 1");
    }

    @Test
    void a_cycle() {
        TestGraph g = base().output("y");
        g.node("MatMul", "m", List.of("x", "W"), "h");
        g.node("Add", "loop_add", List.of("h", "y"), "a");
        g.node("Relu", "loop_relu", List.of("a"), "y");
        assertError(g, "(Add)", "cycle");
    }

    @Test
    void a_gemm_with_the_data_transposed() {
        TestGraph g = new TestGraph().input("x", "n", 4).output("y");
        g.init("W", new long[] {4, 3}, new double[12], FLOAT_RAW);
        g.node("Gemm", "gemm_t", List.of("x", "W"), "y", "transA", 1L);
        assertError(g, "node 'gemm_t' (Gemm)", "transA=1");
    }

    @Test
    void isnan_and_where_other_than_the_fill_of_the_input_with_constant_means() {
        TestGraph inverted = base().output("y");
        inverted.init("means", new long[] {4}, new double[] {1, 2, 3, 4}, FLOAT_RAW);
        inverted.node("IsNaN", "nan", List.of("x"), "missing");
        inverted.node("Where", "fill", List.of("missing", "x", "means"), "filled");
        inverted.node("MatMul", "m", List.of("filled", "W"), "y");
        assertError(inverted, "node 'fill' (Where)", "is not Where(IsNaN(x), means, x)");

        TestGraph afterLayer = base().output("y");
        afterLayer.init("means", new long[] {3}, new double[] {1, 2, 3}, FLOAT_RAW);
        afterLayer.node("MatMul", "m", List.of("x", "W"), "h");
        afterLayer.node("IsNaN", "nan", List.of("h"), "missing");
        afterLayer.node("Where", "fill", List.of("missing", "means", "h"), "y");
        assertError(afterLayer, "node 'fill' (Where)", "only on the graph's input");

        TestGraph alone = base().output("y");
        alone.node("MatMul", "m", List.of("x", "W"), "h");
        alone.node("IsNaN", "nan", List.of("h"), "y");
        assertError(alone, "node 'nan' (IsNaN)", "missing-value fill");

        TestGraph infinite = base().output("y");
        infinite.init("means", new long[] {4}, new double[] {1, Double.POSITIVE_INFINITY, 3, 4}, FLOAT_RAW);
        infinite.node("IsNaN", "nan", List.of("x"), "missing");
        infinite.node("Where", "fill", List.of("missing", "means", "x"), "filled");
        infinite.node("MatMul", "m", List.of("filled", "W"), "y");
        assertError(infinite, "node 'fill' (Where)", "feature 1", "must be finite");
    }

    @Test
    void softmax_before_the_last_layer() {
        TestGraph g = base().output("y");
        g.init("W2", new long[] {3, 2}, new double[6], FLOAT_RAW);
        g.node("MatMul", "m", List.of("x", "W"), "h");
        g.node("Softmax", "sm", List.of("h"), "p");
        g.node("MatMul", "m2", List.of("p", "W2"), "y");
        assertError(g, "Softmax");
    }

    @Test
    void leaky_relu_with_a_slope_that_is_not_a_number() {
        TestGraph g = base().output("y");
        g.node("MatMul", "m", List.of("x", "W"), "h");
        g.node("LeakyRelu", "broken_leaky", List.of("h"), "y", "alpha", Float.NaN);
        assertError(g, "node 'broken_leaky' (LeakyRelu)", "alpha NaN", "finite slope");
    }

    @Test
    void an_unknown_gelu_approximation_and_gelu_before_opset_20() {
        TestGraph g = base().output("y");
        g.opset = 20;
        g.node("MatMul", "m", List.of("x", "W"), "h");
        g.node("Gelu", "g", List.of("h"), "y", "approximate", "fast");
        assertError(g, "node 'g' (Gelu)", "approximate='fast'", "'none' (erf) and 'tanh'");
        g.opset = 17;
        g.nodes.set(1, new TestGraph.Node("Gelu", "g", List.of("h"), List.of("y"), java.util.Map.of()));
        assertError(g, "node 'g' (Gelu)", "opset 20");
    }

    @Test
    void weights_that_do_not_fit_the_features() {
        TestGraph g = new TestGraph().input("x", "n", 5).output("y");
        g.init("W", new long[] {4, 3}, new double[12], FLOAT_RAW);
        g.node("MatMul", "m", List.of("x", "W"), "y");
        assertError(g, "node 'm' (MatMul)", "[4, 3]", "5 features");
    }

    @Test
    void opsets_outside_9_to_21() {
        TestGraph g = base().output("y");
        g.node("MatMul", "m", List.of("x", "W"), "y");
        g.opset = 8;
        assertError(g, "opset 8", "9 to 21");
        g.opset = 22;
        assertError(g, "opset 22");
    }

    @Test
    void a_residual_connection_and_a_lone_erf() {
        TestGraph g = base().output("y");
        g.init("W2", new long[] {3, 3}, new double[9], FLOAT_RAW);
        g.node("MatMul", "m", List.of("x", "W"), "h");
        g.node("MatMul", "m2", List.of("h", "W2"), "h2");
        g.node("Add", "residual", List.of("h", "h2"), "y");
        assertError(g, "value 'h' feeds 2 nodes", "node 'm2' (MatMul)", "node 'residual' (Add)");

        TestGraph e = base().output("y");
        e.node("MatMul", "m", List.of("x", "W"), "h");
        e.node("Erf", "erf", List.of("h"), "y");
        assertError(e, "node 'erf' (Erf)", "GELU pattern");
    }

    @Test
    void reshape_that_mixes_samples_and_flatten_at_axis_2() {
        TestGraph g = new TestGraph().input("x", "n", 2, 2).output("y");
        g.init("shape", new long[] {2}, new double[] {2, -1}, TestGraph.Store.INT64_RAW);
        g.init("W", new long[] {4, 3}, new double[12], FLOAT_RAW);
        g.node("Reshape", "r", List.of("x", "shape"), "xr");
        g.node("MatMul", "m", List.of("xr", "W"), "y");
        assertError(g, "node 'r' (Reshape)", "[2, -1]");

        TestGraph f = new TestGraph().input("x", "n", 2, 2).output("y");
        f.init("W", new long[] {4, 3}, new double[12], FLOAT_RAW);
        f.node("Flatten", "f", List.of("x"), "xf", "axis", 2L);
        f.node("MatMul", "m", List.of("xf", "W"), "y");
        assertError(f, "node 'f' (Flatten)", "axis 2");

        TestGraph zero = new TestGraph().input("x", "n", 4).output("y");   // [n, 4] at axis 0 is [1, 4n]: samples mixed
        zero.init("W", new long[] {4, 3}, new double[12], FLOAT_RAW);
        zero.node("Flatten", "f", List.of("x"), "xf", "axis", 0L);
        zero.node("MatMul", "m", List.of("xf", "W"), "y");
        assertError(zero, "node 'f' (Flatten)", "axis 0");
    }

    @Test
    void a_computed_weight_and_an_undefined_value() {
        TestGraph g = base().output("y");
        g.node("Relu", "w_relu", List.of("W"), "Wr");
        g.node("MatMul", "m", List.of("x", "Wr"), "y");
        assertError(g, "node 'm' (MatMul)", "constant weights");

        TestGraph u = base().output("y");
        u.node("MatMul", "m", List.of("x", "nowhere"), "y");
        assertError(u, "node 'm' (MatMul)", "'nowhere'", "no node, input or initializer");
    }

    @Test
    void a_graph_with_two_outputs_or_no_layer() {
        TestGraph g = base().output("y").output("h");
        g.node("MatMul", "m", List.of("x", "W"), "h");
        g.node("Relu", "r", List.of("h"), "y");
        assertError(g, "output 'h' is an intermediate value", "output 'y' is computed from it");

        TestGraph n = new TestGraph().input("x", "n", 4).output("y");
        n.node("Relu", "r", List.of("x"), "y");
        assertError(n, "no Gemm or MatMul");
    }

    /** A graph whose declared output shape is not what its layers compute: an error, not a model of another width. */
    @Test
    void an_output_declared_with_another_shape_than_the_graph_computes() throws java.io.IOException {
        TestGraph wide = base().output("y", "n", 5);
        wide.node("MatMul", "m", List.of("x", "W"), "y");
        assertError(wide, "output 'y' is declared [n, 5]", "computes [batch, 3]");
        TestGraph flat = base().output("y", "n");
        flat.node("MatMul", "m", List.of("x", "W"), "y");
        assertError(flat, "output 'y' is declared [n]");

        TestGraph symbolic = base().output("y", "n", "classes");   // symbolic or fixed and equal: fine
        symbolic.node("MatMul", "m", List.of("x", "W"), "y");
        org.assertj.core.api.Assertions.assertThat(OnnxModel.importMlp(symbolic.write(dir.resolve("s.onnx"))).classes()).isEqualTo(3);
        TestGraph fixed = base().output("y", 1, 3);
        fixed.node("MatMul", "m", List.of("x", "W"), "y");
        org.assertj.core.api.Assertions.assertThat(OnnxModel.importMlp(fixed.write(dir.resolve("f.onnx"))).classes()).isEqualTo(3);
    }

    /**
     * Dropout with a training_mode input (PyTorch's exporter with TrainingMode.PRESERVE, opset 12+): a constant false is
     * inference, the identity; true, or a mode computed at run time, would drop units and is refused by name.
     */
    @Test
    void dropout_with_a_constant_training_mode() throws java.io.IOException {
        float[] x = {0.5f, -1f, 2f, 0.25f, 1f, 1f, -3f, 0.5f};
        TestGraph plain = base().output("y");
        plain.init("W", new long[] {4, 3}, new double[] {1, -2, 3, 0.5, 4, -1, 2, 2, -3, 1, 0, 1}, FLOAT_RAW);
        plain.node("MatMul", "m", List.of("x", "W"), "y");
        float[] expected = OnnxModel.importMlp(plain.write(dir.resolve("plain.onnx"))).predict(x, 2);
        for (int mode : new int[] {0, 1}) {
            TestGraph g = base().output("y");
            g.opset = 13;
            g.init("W", new long[] {4, 3}, new double[] {1, -2, 3, 0.5, 4, -1, 2, 2, -3, 1, 0, 1}, FLOAT_RAW);
            g.init("ratio", new long[0], new double[] {0.5}, FLOAT_RAW);
            g.rawInitializers.add(OnnxExport.rawTensor("training", new long[0], 9, new byte[] {(byte) mode}));   // BOOL
            g.node("Dropout", "drop", List.of("x", "ratio", "training"), "xd");
            g.node("MatMul", "m", List.of("xd", "W"), "y");
            if (mode == 0) {
                org.assertj.core.api.Assertions.assertThat(OnnxModel.importMlp(g.write(dir.resolve("eval.onnx"))).predict(x, 2))
                        .containsExactly(expected);
            } else {
                assertError(g, "node 'drop' (Dropout)", "training_mode true");
            }
        }
        TestGraph computed = base().output("y");
        computed.opset = 13;
        computed.node("Greater", "gt", List.of("x", "x"), "flag");
        computed.node("Dropout", "drop", List.of("x", "", "flag"), "xd");
        computed.node("MatMul", "m", List.of("xd", "W"), "y");
        assertError(computed, "node 'gt' (Greater)");   // an operator jvk does not import, named before the walk
    }
}
