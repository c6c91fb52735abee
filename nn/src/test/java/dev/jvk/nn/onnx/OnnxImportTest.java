package dev.jvk.nn.onnx;

import static dev.jvk.nn.onnx.TestGraph.Store.DOUBLE_RAW;
import static dev.jvk.nn.onnx.TestGraph.Store.DOUBLE_TYPED;
import static dev.jvk.nn.onnx.TestGraph.Store.FLOAT16_RAW;
import static dev.jvk.nn.onnx.TestGraph.Store.FLOAT16_TYPED;
import static dev.jvk.nn.onnx.TestGraph.Store.FLOAT_RAW;
import static dev.jvk.nn.onnx.TestGraph.Store.FLOAT_TYPED;
import static dev.jvk.nn.onnx.TestGraph.Store.INT64_RAW;
import static dev.jvk.nn.onnx.TestGraph.Store.INT64_TYPED;
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
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Graphs written the way PyTorch, Keras (tf2onnx) and skl2onnx write MLPs, imported and compared
 * with the test's own double-precision evaluation of the same graph ({@link TestGraph#evaluate}).
 */
class OnnxImportTest {
    @TempDir
    Path dir;

    private final SplittableRandom random = new SplittableRandom(7);

    double[] values(int n, double scale) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (random.nextDouble() * 2 - 1) * scale;
        }
        return v;
    }

    float[] inputs(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (random.nextDouble() * 4 - 2);
        }
        return x;
    }

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
        float[] x = inputs(rows * features);
        double[] expected = g.evaluate(x, rows);
        if (m.logProbabilities()) {
            for (int i = 0; i < expected.length; i++) {
                expected[i] = Math.exp(expected[i]);
            }
        }
        assertClose(m.mlp().predict(x, rows), expected);
        return m;
    }

    @Test
    void pytorch_style_gemm_with_transB_constants_and_the_erf_gelu_pattern() throws IOException {
        TestGraph g = new TestGraph();
        g.opset = 17;
        g.producer = "pytorch";
        g.input("input", "batch_size", 1, 4, 4).output("logits");
        g.init("fc1.weight", new long[] {20, 16}, values(320, 0.5), FLOAT_RAW);
        g.init("fc1.bias", new long[] {20}, values(20, 0.5), FLOAT_RAW);
        g.init("fc2.weight", new long[] {12, 20}, values(240, 0.5), FLOAT_RAW);
        g.init("fc2.bias", new long[] {12}, values(12, 0.5), FLOAT_RAW);
        g.init("fc3.weight", new long[] {5, 12}, values(60, 0.5), FLOAT_RAW);
        g.init("fc3.bias", new long[] {5}, values(5, 0.5), FLOAT_RAW);
        g.node("Flatten", "/flatten/Flatten", List.of("input"), "/flatten/Flatten_output_0", "axis", 1L);
        g.node("Gemm", "/fc1/Gemm", List.of("/flatten/Flatten_output_0", "fc1.weight", "fc1.bias"), "/fc1/Gemm_output_0",
                "alpha", 1f, "beta", 1f, "transB", 1L);
        g.node("Relu", "/act1/Relu", List.of("/fc1/Gemm_output_0"), "/act1/Relu_output_0");
        g.node("Gemm", "/fc2/Gemm", List.of("/act1/Relu_output_0", "fc2.weight", "fc2.bias"), "/fc2/Gemm_output_0",
                "alpha", 1f, "beta", 1f, "transB", 1L);
        g.constant("/act2/Constant_output_0", 1.4142135381698608);
        g.node("Div", "/act2/Div", List.of("/fc2/Gemm_output_0", "/act2/Constant_output_0"), "/act2/Div_output_0");
        g.node("Erf", "/act2/Erf", List.of("/act2/Div_output_0"), "/act2/Erf_output_0");
        g.constant("/act2/Constant_1_output_0", 1.0);
        g.node("Add", "/act2/Add", List.of("/act2/Erf_output_0", "/act2/Constant_1_output_0"), "/act2/Add_output_0");
        g.node("Mul", "/act2/Mul", List.of("/fc2/Gemm_output_0", "/act2/Add_output_0"), "/act2/Mul_output_0");
        g.constant("/act2/Constant_2_output_0", 0.5);
        g.node("Mul", "/act2/Mul_1", List.of("/act2/Mul_output_0", "/act2/Constant_2_output_0"), "/act2/Mul_1_output_0");
        g.node("Gemm", "/fc3/Gemm", List.of("/act2/Mul_1_output_0", "fc3.weight", "fc3.bias"), "logits",
                "alpha", 1f, "beta", 1f, "transB", 1L);

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
        TestGraph g = new TestGraph();
        g.opset = 13;
        g.producer = "tf2onnx";
        g.input("input_1", "unk__6", 12).output("dense_1");
        g.init("W1", new long[] {12, 10}, values(120, 0.5), FLOAT16_RAW);
        g.init("b1", new long[] {10}, values(10, 0.5), FLOAT16_TYPED);
        g.init("W2", new long[] {10, 4}, values(40, 0.5), FLOAT_RAW);
        g.init("b2", new long[] {4}, values(4, 0.5), FLOAT_TYPED);
        g.node("Cast", "W1_cast", List.of("W1"), "W1f", "to", 1L);
        g.node("Cast", "b1_cast", List.of("b1"), "b1f", "to", 1L);
        g.node("MatMul", "sequential/dense/MatMul", List.of("input_1", "W1f"), "mm1");
        g.node("Add", "sequential/dense/BiasAdd", List.of("mm1", "b1f"), "add1");
        g.node("Relu", "sequential/dense/Relu", List.of("add1"), "relu1");
        g.node("Identity", "sequential/dropout/Identity", List.of("relu1"), "id1");
        g.node("MatMul", "sequential/dense_1/MatMul", List.of("id1", "W2"), "mm2");
        g.node("Add", "sequential/dense_1/BiasAdd", List.of("b2", "mm2"), "add2");
        g.node("Softmax", "sequential/dense_1/Softmax", List.of("add2"), "dense_1");

        OnnxModel m = importAndCompare(g, 7, 12);
        assertThat(m.mlp().describe()).isEqualTo("12-10-4 relu");
        assertThat(m.mlp().loss().name()).isEqualTo("softmax-cross-entropy");
        assertThat(m.classNames()).isEmpty();
    }

    @Test
    void skl2onnx_style_scaler_as_sub_div_then_matmul_add_relu_tanh_softmax_at_opset_9() throws IOException {
        TestGraph g = new TestGraph();
        g.opset = 9;
        g.producer = "skl2onnx";
        g.input("float_input", "N", 8).output("probabilities");
        g.init("mean", new long[] {8}, values(8, 2), DOUBLE_RAW);
        g.init("std", new long[] {1, 8}, new double[] {0.5, 1, 2, 3, 0.25, 1.5, 4, 0.75}, FLOAT_RAW);
        g.init("coef0", new long[] {8, 6}, values(48, 0.5), FLOAT_TYPED);
        g.init("intercept0", new long[] {1, 6}, values(6, 0.5), DOUBLE_TYPED);
        g.init("coef1", new long[] {6, 6}, values(36, 0.5), FLOAT_RAW);
        g.init("intercept1", new long[] {6}, values(6, 0.5), FLOAT_RAW);
        g.init("coef2", new long[] {6, 3}, values(18, 0.5), FLOAT_RAW);
        g.init("intercept2", new long[] {3}, values(3, 0.5), FLOAT_RAW);
        g.node("Cast", "mean_cast", List.of("mean"), "meanf", "to", 1L);
        g.node("Cast", "i0_cast", List.of("intercept0"), "i0f", "to", 1L);
        g.node("Sub", "Sub", List.of("float_input", "meanf"), "centred");
        g.node("Div", "Div", List.of("centred", "std"), "scaled");
        g.node("MatMul", "MatMul", List.of("scaled", "coef0"), "m0");
        g.node("Add", "Add", List.of("m0", "i0f"), "a0");
        g.node("Relu", "Relu", List.of("a0"), "r0");
        g.node("MatMul", "MatMul1", List.of("r0", "coef1"), "m1");
        g.node("Add", "Add1", List.of("m1", "intercept1"), "a1");
        g.node("Tanh", "Tanh", List.of("a1"), "t1");
        g.node("MatMul", "MatMul2", List.of("t1", "coef2"), "m2");
        g.node("Add", "Add2", List.of("m2", "intercept2"), "a2");
        g.node("Softmax", "Softmax", List.of("a2"), "probabilities");

        OnnxModel m = importAndCompare(g, 11, 8);
        assertThat(m.mlp().scaling().kind()).isEqualTo(FeatureScaling.Kind.STANDARD);
        assertThat(m.mlp().scaling().scale()[2]).isEqualTo(0.5f);
        assertThat(m.mlp().describe()).isEqualTo("8-6-6-3 relu");
    }

    @Test
    void gemm_alpha_beta_without_transB_every_activation_silu_gelu_op_reshape_and_log_softmax_at_opset_20() throws IOException {
        TestGraph g = new TestGraph();
        g.opset = 20;
        g.input("x", "batch", 2, 5).output("logp");
        g.init("shape", new long[] {2}, new double[] {0, -1}, INT64_TYPED);
        g.init("W1", new long[] {10, 9}, values(90, 0.5), FLOAT_RAW);
        g.init("c1", new long[] {1, 9}, values(9, 0.5), FLOAT_RAW);
        g.init("W2", new long[] {9, 9}, values(81, 0.5), DOUBLE_RAW);
        g.init("W3", new long[] {9, 9}, values(81, 0.5), FLOAT_RAW);
        g.init("W4", new long[] {9, 7}, values(63, 0.5), FLOAT_RAW);
        g.init("b4", new long[] {}, new double[] {0.25}, FLOAT_RAW);
        g.node("Reshape", "flat", List.of("x", "shape"), "x2");
        g.node("Gemm", "g1", List.of("x2", "W1", "c1"), "h1", "alpha", 0.5f, "beta", 2f);
        g.node("LeakyRelu", "lrelu", List.of("h1"), "a1", "alpha", 0.01f);
        g.node("Cast", "w2cast", List.of("W2"), "W2f", "to", 1L);
        g.node("Gemm", "g2", List.of("a1", "W2f"), "h2");
        g.node("Sigmoid", "sig", List.of("h2"), "s2");
        g.node("Mul", "silu", List.of("s2", "h2"), "a2");
        g.node("MatMul", "g3", List.of("a2", "W3"), "h3");
        g.node("Gelu", "gelu", List.of("h3"), "a3");
        g.node("Dropout", "drop", List.of("a3"), List.of("d3", "mask"));
        g.node("MatMul", "g4", List.of("d3", "W4"), "h4");
        g.node("Add", "bias4", List.of("h4", "b4"), "z");
        g.node("LogSoftmax", "out", List.of("z"), "logp", "axis", -1L);

        OnnxModel m = importAndCompare(g, 5, 10);
        assertThat(m.logProbabilities()).isTrue();
        List<Activation> activations = m.mlp().layers().stream().filter(l -> l instanceof ActivationLayer)
                .map(l -> ((ActivationLayer) l).activation()).toList();
        assertThat(activations).containsExactly(Activation.LEAKY_RELU, Activation.SILU, Activation.GELU);
    }

    @Test
    void sigmoid_output_opset_21_and_int64_shape_in_raw_data() throws IOException {
        TestGraph g = new TestGraph();
        g.opset = 21;
        g.input("x", 3, 6).output("y");
        g.init("shape", new long[] {2}, new double[] {-1, 6}, INT64_RAW);
        g.init("W", new long[] {6, 2}, values(12, 1), FLOAT_RAW);
        g.node("Reshape", "r", List.of("x", "shape"), "xr");
        g.node("MatMul", "m", List.of("xr", "W"), "h");
        g.node("Sigmoid", "s", List.of("h"), "y");
        OnnxModel m = importAndCompare(g, 3, 6);
        assertThat(m.mlp().describe()).isEqualTo("6-2 sigmoid");
    }

    @Test
    void external_data_next_to_the_model_at_an_offset() throws IOException {
        double[] w = values(24, 1);
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

    /** A 4 -> 6 MatMul whose weights live in {@code location}. */
    static Path externalModel(Path dir, String location, long offset, long length) throws IOException {
        TestGraph g = new TestGraph();
        g.input("x", "n", 4).output("y");
        g.node("MatMul", "m", List.of("x", "W"), "y");
        g.rawInitializers.add(new ProtoWriter().packedVarints(1, new long[] {4, 6}).varint(2, 1).string(8, "W")
                .message(13, new ProtoWriter().string(1, "location").string(2, location))
                .message(13, new ProtoWriter().string(1, "offset").string(2, Long.toString(offset)))
                .message(13, new ProtoWriter().string(1, "length").string(2, Long.toString(length)))
                .varint(14, 1));
        Path model = dir.resolve("ext.onnx");
        g.write(model);
        return model;
    }
}
