package dev.jvk.nn.onnx;

import static dev.jvk.nn.onnx.TestGraph.Store.FLOAT_RAW;
import static dev.jvk.nn.onnx.TestGraph.Store.INT64_RAW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jvk.nn.Activation;
import dev.jvk.nn.ActivationLayer;
import dev.jvk.nn.Dense;
import dev.jvk.nn.Mlp;
import dev.jvk.nn.data.FeatureScaling;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Graphs written the way PyTorch, Keras (tf2onnx) and skl2onnx write MLPs, imported and compared
 * with the test's own double-precision evaluation of the same graph ({@link TestGraph#evaluate}).
 */
class OnnxImportTest {
    @TempDir
    Path dir;

    private final ExporterGraphs graphs = new ExporterGraphs(7);

    /** jvk's predictions within 1e-5 (relative above 1) of the double evaluation. */
    static void assertClose(float[] jvk, double[] oracle) {
        assertThat(jvk).hasSize(oracle.length);
        for (int i = 0; i < jvk.length; i++) {
            double tolerance = 1e-5 * Math.max(1, Math.abs(oracle[i]));
            assertThat((double) jvk[i]).as("output %d", i).isCloseTo(oracle[i], org.assertj.core.data.Offset.offset(tolerance));
        }
    }

    OnnxModel importAndCompare(TestGraph g, int rows, int features) throws IOException {
        OnnxModel m = OnnxModel.read(g.write(dir.resolve("m.onnx")));
        float[] x = graphs.inputs(rows * features);
        double[] expected = g.evaluate(x, rows);
        if (m.logProbabilities()) {
            for (int i = 0; i < expected.length; i++) {
                expected[i] = Math.exp(expected[i]);
            }
        }
        assertClose(m.mlp().predict(x, rows), expected);
        return m;
    }

    /** JSON's escapes in class_names as Python's json.dumps writes them: \\b and \\f were read as the letters b and f. */
    @Test
    void class_names_are_read_with_every_json_escape() throws IOException {
        TestGraph g = new TestGraph().input("x", "N", 2).output("y");
        g.init("W", new long[] {2, 3}, new double[] {1, 2, 3, 4, 5, 6}, FLOAT_RAW);
        g.node("MatMul", "m", List.of("x", "W"), "z");
        g.node("Softmax", "s", List.of("z"), "y");
        g.metadata.put(OnnxModel.CLASS_NAMES, "[\"a\\bb\", \"c\\fd\", \"e\\n\\t\\r\\\"\\\\\\/\\u00e9\"]");
        assertThat(OnnxModel.read(g.write(dir.resolve("names.onnx"))).classNames())
                .containsExactly("a\bb", "c\fd", "e\n\t\r\"\\/\u00e9");
    }

    @Test
    void pytorch_style_gemm_with_transB_constants_and_the_erf_gelu_pattern() throws IOException {
        TestGraph g = graphs.pytorch();

        OnnxModel m = importAndCompare(g, 9, 16);
        assertThat(m.mlp().describe()).isEqualTo("16-20-12-5 relu");
        assertThat(m.mlp().layers().get(3)).isInstanceOf(ActivationLayer.class);
        assertThat(((ActivationLayer) m.mlp().layers().get(3)).activation()).isEqualTo(Activation.GELU);
        assertThat(m.mlp().loss().name()).isEqualTo("mse");
        assertThat(m.producer()).isEqualTo("pytorch");
        assertThat(m.opset()).isEqualTo(17);
    }

    @Test
    void keras_tf2onnx_style_matmul_add_float16_weights_cast_to_float_and_a_softmax_output() throws IOException {
        TestGraph g = graphs.keras();

        OnnxModel m = importAndCompare(g, 7, 12);
        assertThat(m.mlp().describe()).isEqualTo("12-10-4 relu");
        assertThat(m.mlp().loss().name()).isEqualTo("softmax-cross-entropy");
        assertThat(m.classNames()).isEmpty();
    }

    @Test
    void skl2onnx_style_scaler_as_sub_div_then_matmul_add_relu_tanh_softmax_at_opset_9() throws IOException {
        TestGraph g = graphs.sklearn();

        OnnxModel m = importAndCompare(g, 11, 8);
        assertThat(m.mlp().scaling().kind()).isEqualTo(FeatureScaling.Kind.STANDARD);
        assertThat(m.mlp().scaling().scale()[2]).isEqualTo(0.5f);
        assertThat(m.mlp().describe()).isEqualTo("8-6-6-3 relu");
    }

    @Test
    void gemm_alpha_beta_without_transB_every_activation_silu_gelu_op_reshape_and_log_softmax_at_opset_20() throws IOException {
        TestGraph g = graphs.everyActivation();

        OnnxModel m = importAndCompare(g, 5, 10);
        assertThat(m.logProbabilities()).isTrue();
        List<Activation> activations = m.mlp().layers().stream().filter(l -> l instanceof ActivationLayer)
                .map(l -> ((ActivationLayer) l).activation()).toList();
        assertThat(activations).containsExactly(Activation.LEAKY_RELU, Activation.SILU, Activation.GELU);
    }

    static final double GELU_CUBIC = 0.044715, SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

    @Test
    void the_tanh_gelu_as_one_node_and_in_the_spellings_exporters_write_imports_as_gelu_tanh() throws IOException {
        for (ExporterGraphs.GeluTanhForm form : ExporterGraphs.GeluTanhForm.values()) {
            int opset = form == ExporterGraphs.GeluTanhForm.NODE ? 20 : 17;
            TestGraph g = graphs.geluTanh(form, opset, 6, 9, 3, GELU_CUBIC, SQRT_2_OVER_PI, 0.5, 3);
            // inputs of [-2, 2) through weights of +-0.6: the hidden values span GELU's curved part and its tails
            OnnxModel m = importAndCompare(g, 40, 6);
            List<Activation> activations = m.mlp().layers().stream().filter(l -> l instanceof ActivationLayer)
                    .map(l -> ((ActivationLayer) l).activation()).toList();
            assertThat(activations).as(form.name()).containsExactly(Activation.GELU_TANH);
            assertThat(m.mlp().describe()).as(form.name()).isEqualTo("6-9-3 gelu-tanh");
        }
    }

    @Test
    void skl2onnx_standard_scaler_as_the_ml_domain_scaler() throws IOException {
        OnnxModel m = importAndCompare(graphs.sklearnScaler(), 13, 6);
        assertThat(m.mlp().describe()).isEqualTo("6-5-2 relu");
        assertThat(m.mlp().scaling().kind()).isEqualTo(FeatureScaling.Kind.STANDARD);
    }

    @Test
    void sigmoid_output_opset_21_and_int64_shape_in_raw_data() throws IOException {
        TestGraph g = new TestGraph();
        g.opset = 21;
        g.input("x", 3, 6).output("y");
        g.init("shape", new long[] {2}, new double[] {-1, 6}, INT64_RAW);
        g.init("W", new long[] {6, 2}, graphs.values(12, 1), FLOAT_RAW);
        g.node("Reshape", "r", List.of("x", "shape"), "xr");
        g.node("MatMul", "m", List.of("xr", "W"), "h");
        g.node("Sigmoid", "s", List.of("h"), "y");
        OnnxModel m = importAndCompare(g, 3, 6);
        assertThat(m.mlp().describe()).isEqualTo("6-2 sigmoid");
    }

    /** The start of the dead-code tests: {@link ExporterGraphs#twoLayers}. */
    TestGraph twoLayers(int opset) {
        return graphs.twoLayers(opset);
    }

    /**
     * Dead code, which ONNX Runtime runs past (bench's OrtImportAuditTest): a side branch nothing reads, nodes after
     * the output, an unused initializer, an input nothing reads, and an intermediate value exported as the output.
     * jvk used to refuse each ("feeds 2 nodes", "not on the path"); the output does not depend on them.
     */
    @Test
    void dead_code_and_an_unread_input_are_left_out() throws IOException {
        TestGraph g = twoLayers(13).output("z");
        g.input("unread", "n", 2);
        g.init("unused", new long[] {2}, new double[] {1, 2}, FLOAT_RAW);
        g.node("Sigmoid", "side", List.of("h"), "hs");
        g.node("Tanh", "tail", List.of("z"), "zt");
        assertThat(importAndCompare(g, 4, 6).mlp().describe()).isEqualTo("6-5-3 relu");

        TestGraph hidden = twoLayers(13).output("h");
        assertThat(importAndCompare(hidden, 4, 6).mlp().describe()).isEqualTo("6-5");
    }

    /** Identity (and Cast to float, Dropout) after the final Softmax, as some converters name the output: still the classifier. */
    @Test
    void identity_and_cast_after_the_softmax() throws IOException {
        TestGraph g = twoLayers(13).output("y");
        g.node("Softmax", "s", List.of("z"), "p");
        g.node("Identity", "i", List.of("p"), "pi");
        g.node("Cast", "c", List.of("pi"), "y", "to", 1L);
        OnnxModel m = importAndCompare(g, 4, 6);
        assertThat(m.mlp().loss().name()).isEqualTo("softmax-cross-entropy");
    }

    /**
     * A fixed batch of 1 (the exporter's example input): Flatten at axis 0 keeps it one row, so jvk maps it. jvk then
     * predicts any number of rows, each as the graph computes it alone (ONNX Runtime refuses other batch sizes).
     */
    @Test
    void flatten_at_axis_0_with_a_fixed_batch_of_1() throws IOException {
        TestGraph g = new TestGraph().input("x", 1, 1, 2, 3).output("y");
        g.init("W", new long[] {6, 3}, graphs.values(18, 0.5), FLOAT_RAW);
        g.node("Flatten", "f", List.of("x"), "xf", "axis", 0L);
        g.node("MatMul", "m", List.of("xf", "W"), "y");
        importAndCompare(g, 1, 6);
        importAndCompare(g, 3, 6);   // the oracle flattens each row alone
    }

    /**
     * Logits scaled before the Softmax, a temperature ({@code Div} by T, or {@code Mul} by 1/T) perhaps with a per-class
     * shift: folded into the last layer. jvk used to refuse the file ('comes after dense', 'follows the Mul').
     * A regressor's outputs divided by a constant are its target mapping, as a Mul by the reciprocal.
     */
    @Test
    void a_temperature_before_the_softmax_and_a_division_of_a_regressors_outputs() throws IOException {
        for (String op : List.of("Mul", "Div", "MulAdd")) {
            TestGraph g = twoLayers(op.equals("Div") ? 11 : 13).output("y");
            g.init("T", new long[0], new double[] {0.37}, FLOAT_RAW);
            g.init("shift", new long[] {1, 3}, new double[] {0.5, -1, 2}, FLOAT_RAW);
            g.node(op.equals("Div") ? "Div" : "Mul", "t", List.of(op.equals("Mul") ? "T" : "z", op.equals("Mul") ? "z" : "T"), "zt");
            String logits = "zt";
            if (op.equals("MulAdd")) {
                g.node("Add", "a", List.of("zt", "shift"), "zs");
                logits = "zs";
            }
            g.node(op.equals("Div") ? "LogSoftmax" : "Softmax", "s", List.of(logits), "y");
            OnnxModel m = importAndCompare(g, 5, 6);
            assertThat(m.mlp().loss().name()).as(op).isEqualTo("softmax-cross-entropy");
        }
        TestGraph r = twoLayers(13).output("y");
        r.init("d", new long[] {3}, new double[] {4, 0.25, 3}, FLOAT_RAW);
        r.node("Div", "t", List.of("z", "d"), "y");
        importAndCompare(r, 5, 6);
    }

    /**
     * A regressor's outputs times a scale no standard deviation can be (negative, zero), plus a shift: folded into the
     * last layer where it used to be refused ('standard deviation -2.0; ... positive and finite').
     */
    @Test
    void outputs_scaled_by_a_negative_or_zero_constant() throws IOException {
        TestGraph g = twoLayers(13).output("y");
        g.init("s", new long[] {3}, new double[] {-2, 0.5, 0}, FLOAT_RAW);
        g.init("m", new long[] {3}, new double[] {1, 2, 3}, FLOAT_RAW);
        g.node("Mul", "t", List.of("z", "s"), "zs");
        g.node("Add", "a", List.of("m", "zs"), "y");
        OnnxModel m = importAndCompare(g, 5, 6);
        assertThat(m.mlp().metadata().targetStd()).isEmpty();
    }

    /**
     * A double input whose only reader is a Cast to float: imported (jvk's float rows are the Cast's output), where it
     * used to be refused as 'a DOUBLE tensor'. A double input read by a layer, or a float16 one, is still refused.
     */
    @Test
    void a_double_input_cast_to_float_first() throws IOException {
        TestGraph g = new TestGraph().input("x", "n", 6).output("y");
        g.inputType = 11;
        g.init("W", new long[] {6, 3}, graphs.values(18, 0.5), FLOAT_RAW);
        g.node("Cast", "c", List.of("x"), "xf", "to", 1L);
        g.node("MatMul", "m", List.of("xf", "W"), "y");
        importAndCompare(g, 4, 6);

        for (int type : new int[] {11, 10}) {
            TestGraph bad = new TestGraph().input("x", "n", 6).output("y");
            bad.inputType = type;
            bad.init("W", new long[] {6, 3}, graphs.values(18, 0.5), FLOAT_RAW);
            bad.node(type == 11 ? "Relu" : "Cast", "first", List.of("x"), "xf", "to", 1L);
            bad.node("MatMul", "m", List.of("xf", "W"), "y");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> OnnxModel.read(bad.write(dir.resolve("bad.onnx"))))
                    .isInstanceOf(OnnxFormatException.class)
                    .hasMessageContaining("input 'x' is a " + (type == 11 ? "DOUBLE" : "FLOAT16") + " tensor; jvk takes a float tensor");
        }
    }

    /**
     * External data given by its offset alone in a file that holds more (writers that put every tensor in one file):
     * the tensor's own size from the offset, as ONNX Runtime reads it. jvk used to require the rest of the file to be
     * exactly the tensor ('needs 24 values, the file has 112 bytes').
     */
    @Test
    void external_data_without_a_length_in_a_file_holding_more() throws IOException {
        double[] w = graphs.values(24, 1);
        ByteBuffer b = ByteBuffer.allocate(8 + 4 * 24 + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.position(8);
        for (double v : w) {
            b.putFloat((float) v);
        }
        Files.createDirectories(dir.resolve("data/sub"));
        Files.write(dir.resolve("data/sub/all.bin"), b.array());
        Dense dense = (Dense) OnnxModel.importMlp(externalModel(dir, "./data/sub/all.bin", 8, -1)).layers().getFirst();
        for (int i = 0; i < 24; i++) {
            assertThat(dense.weights()[i]).isEqualTo((float) w[i]);
        }
        Path past = externalModel(dir, "data/sub/all.bin", 8 + 4 * 24, -1);   // 16 bytes left for 96
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OnnxModel.read(past)).isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("do not fit in 'data/sub/all.bin'");
    }

    @Test
    void external_data_next_to_the_model_at_an_offset() throws IOException {
        double[] w = graphs.values(24, 1);
        ByteBuffer b = ByteBuffer.allocate(16 + 4 * 24).order(ByteOrder.LITTLE_ENDIAN);
        b.position(16);
        for (double v : w) {
            b.putFloat((float) v);
        }
        Files.write(dir.resolve("weights.bin"), b.array());
        Path model = externalModel(dir, "weights.bin", 16, 96);
        Mlp mlp = OnnxModel.importMlp(model);
        Dense dense = (Dense) mlp.layers().getFirst();
        for (int i = 0; i < 24; i++) {
            assertThat(dense.weights()[i]).isEqualTo((float) w[i]);
        }
    }

    /**
     * Per-tensor quantization written with a one-element 1-D scale and zero point ({@code [1]}, as some quantizers
     * write it; ONNX Runtime runs it) imports as the same graph with scalar ones, and predicts what a plain loop over
     * the dequantized weights does.
     */
    @Test
    void dequantize_linear_with_a_one_element_scale_is_per_tensor() throws IOException {
        byte[] q = {-7, 3, 0, 12, -128, 127, 5, -1, 9, 2, -60, 33};   // [4, 3]
        float scale = 0.0371f;
        byte zero = 3;
        float[] x = graphs.inputs(5 * 4);
        float[] scalar = OnnxModel.importMlp(dequantizedModel("scalar.onnx", q, scale, zero, new long[0])).predict(x, 5);
        float[] oneElement = OnnxModel.importMlp(dequantizedModel("one.onnx", q, scale, zero, new long[] {1})).predict(x, 5);
        assertThat(oneElement).isEqualTo(scalar);
        double[] loop = new double[5 * 3];
        for (int r = 0; r < 5; r++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 4; k++) {
                    loop[r * 3 + j] += x[r * 4 + k] * (double) ((q[k * 3 + j] - zero) * scale);
                }
            }
        }
        assertClose(oneElement, loop);
    }

    /** {@code x [n, 4]} times int8 weights {@code q [4, 3]} through DequantizeLinear with a scale and zero point of {@code dims}. */
    private Path dequantizedModel(String name, byte[] q, float scale, byte zero, long[] dims) throws IOException {
        TestGraph g = new TestGraph().input("x", "n", 4).output("y");
        g.node("DequantizeLinear", "dq", List.of("Wq", "s", "z"), "W");
        g.node("MatMul", "m", List.of("x", "W"), "y");
        g.rawInitializers.add(new ProtoWriter().packedVarints(1, new long[] {4, 3}).varint(2, 3).string(8, "Wq").bytes(9, q));
        g.rawInitializers.add(new ProtoWriter().packedVarints(1, dims).varint(2, 1).string(8, "s")
                .bytes(9, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(scale).array()));
        g.rawInitializers.add(new ProtoWriter().packedVarints(1, dims).varint(2, 3).string(8, "z").bytes(9, new byte[] {zero}));
        return g.write(dir.resolve(name));
    }

    /** A 4 -> 6 MatMul whose weights live in {@code location} (no {@code length} entry when it is negative). */
    static Path externalModel(Path dir, String location, long offset, long length) throws IOException {
        TestGraph g = new TestGraph();
        g.input("x", "n", 4).output("y");
        g.node("MatMul", "m", List.of("x", "W"), "y");
        ProtoWriter w = new ProtoWriter().packedVarints(1, new long[] {4, 6}).varint(2, 1).string(8, "W")
                .message(13, new ProtoWriter().string(1, "location").string(2, location))
                .message(13, new ProtoWriter().string(1, "offset").string(2, Long.toString(offset)));
        if (length >= 0) {
            w.message(13, new ProtoWriter().string(1, "length").string(2, Long.toString(length)));
        }
        g.rawInitializers.add(w.varint(14, 1));
        Path model = dir.resolve("ext.onnx");
        g.write(model);
        return model;
    }
}
