package dev.jvk.nn.onnx;

import static dev.jvk.nn.onnx.TestGraph.Store.DOUBLE_RAW;
import static dev.jvk.nn.onnx.TestGraph.Store.FLOAT16_RAW;
import static dev.jvk.nn.onnx.TestGraph.Store.FLOAT16_TYPED;
import static dev.jvk.nn.onnx.TestGraph.Store.FLOAT_RAW;
import static dev.jvk.nn.onnx.TestGraph.Store.FLOAT_TYPED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvk.nn.Dense;
import dev.jvk.nn.Loss;
import dev.jvk.nn.Mlp;
import dev.jvk.nn.QuantizedDense;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A NaN or infinity in a constant that becomes a weight, bias, input scaling or output mapping is refused on import naming
 * the constant and its index: such a model predicts NaN or infinity for every row, and jvk would only refuse it on saving.
 */
class OnnxNonFiniteTest {
    @TempDir
    Path dir;

    private static final String WHY = "; jvk imports finite weights, biases, scaling and output mappings only";

    /** {@code n} finite values, with {@code bad} at {@code at} (none when negative). */
    private static double[] with(int n, int at, double bad) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 0.25 * (i + 1) - 0.9;   // none zero: a divisor too
        }
        if (at >= 0) {
            v[at] = bad;
        }
        return v;
    }

    private void assertRefused(TestGraph g, String message) {
        assertThatThrownBy(() -> OnnxModel.read(g.write(dir.resolve("bad.onnx")))).isInstanceOf(OnnxFormatException.class)
                .hasMessageStartingWith(dir.resolve("bad.onnx") + ": " + message + WHY);
    }

    /** The graph built with {@code bad} at its place imports and predicts finite values when {@code bad} is finite. */
    private void assertFiniteImports(Function<Double, TestGraph> graph) throws IOException {
        OnnxModel m = OnnxModel.read(graph.apply(0.5).write(dir.resolve("ok.onnx")));
        for (float y : m.mlp().predict(new float[] {1, -2, 3, 0.5f, 0, 7, -1, 2}, 2)) {
            assertThat(y).isFinite();
        }
    }

    @Test
    void a_non_finite_matmul_or_gemm_weight_is_refused_naming_the_initializer_and_its_stored_index() throws IOException {
        Function<Double, TestGraph> matMul = bad -> {
            TestGraph g = new TestGraph().input("x", "n", 4).output("y");
            g.init("W", new long[] {4, 3}, with(12, 5, bad), FLOAT_RAW);
            return g.node("MatMul", "m", List.of("x", "W"), "y");
        };
        assertRefused(matMul.apply(Double.NaN), "node 'm' (MatMul) reads initializer 'W'[5] = NaN as a weight");
        assertFiniteImports(matMul);
        // float16's infinity, and a double beyond float's range, are float's infinity
        TestGraph half = new TestGraph().input("x", "n", 4).output("y");
        half.init("W", new long[] {4, 3}, with(12, 11, Double.NEGATIVE_INFINITY), FLOAT16_TYPED);
        half.node("MatMul", "m", List.of("x", "W"), "y");
        assertRefused(half, "node 'm' (MatMul) reads initializer 'W'[11] = -Infinity as a weight");
        TestGraph wide = new TestGraph().input("x", "n", 4).output("y");
        wide.init("W", new long[] {4, 3}, with(12, 0, 1e300), DOUBLE_RAW);
        wide.node("MatMul", "m", List.of("x", "W"), "y");
        assertRefused(wide, "node 'm' (MatMul) reads initializer 'W'[0] = Infinity as a weight");

        // transB=1: W is [out, in] as stored, so index 6 is output 1, input 2 (the layer's weight 2 * 3 + 1)
        Function<Double, TestGraph> gemm = bad -> {
            TestGraph g = new TestGraph().input("x", "n", 4).output("y");
            g.init("W", new long[] {3, 4}, with(12, 6, bad), FLOAT16_RAW);
            g.init("C", new long[] {3}, with(3, -1, 0), FLOAT_RAW);
            return g.node("Gemm", "g", List.of("x", "W", "C"), "y", "transB", 1L);
        };
        assertRefused(gemm.apply(Double.POSITIVE_INFINITY), "node 'g' (Gemm) reads initializer 'W'[6] = Infinity as a weight");
        assertFiniteImports(gemm);
        // finite weights that alpha takes beyond float
        TestGraph alpha = new TestGraph().input("x", "n", 4).output("y");
        alpha.init("W", new long[] {4, 3}, with(12, 4, 1e30), FLOAT_RAW);
        alpha.node("Gemm", "g", List.of("x", "W"), "y", "alpha", 1e10f);
        assertRefused(alpha, "node 'g' (Gemm) makes initializer 'W'[4] times alpha 1.0E10 a weight of Infinity");
    }

    @Test
    void a_non_finite_bias_is_refused_naming_the_initializer_and_index() throws IOException {
        Function<Double, TestGraph> gemm = bad -> {
            TestGraph g = new TestGraph().input("x", "n", 4).output("y");
            g.init("W", new long[] {4, 3}, with(12, -1, 0), FLOAT_RAW);
            g.init("C", new long[] {3}, with(3, 1, bad), FLOAT16_TYPED);
            return g.node("Gemm", "g", List.of("x", "W", "C"), "y");
        };
        assertRefused(gemm.apply(Double.NaN), "node 'g' (Gemm) reads initializer 'C'[1] = NaN as a bias");
        assertFiniteImports(gemm);
        Function<Double, TestGraph> add = bad -> {
            TestGraph g = new TestGraph().input("x", "n", 4).output("y");
            g.init("W", new long[] {4, 3}, with(12, -1, 0), FLOAT_RAW);
            g.init("b", new long[] {1, 3}, with(3, 2, bad), FLOAT_TYPED);
            g.node("MatMul", "m", List.of("x", "W"), "h");
            return g.node("Add", "a", List.of("b", "h"), "y");
        };
        assertRefused(add.apply(Double.NEGATIVE_INFINITY), "node 'a' (Add) reads initializer 'b'[2] = -Infinity as a bias");
        assertFiniteImports(add);
        // a bias of two finite halves whose sum is beyond float: caught on the model as imported
        TestGraph sum = new TestGraph().input("x", "n", 4).output("y");
        sum.init("W", new long[] {4, 3}, with(12, -1, 0), FLOAT_RAW);
        sum.init("C", new long[] {3}, new double[] {0, 3e38, 0}, FLOAT_RAW);
        sum.init("b", new long[] {3}, new double[] {0, 3e38, 0}, FLOAT_RAW);
        sum.node("Gemm", "g", List.of("x", "W", "C"), "h");
        sum.node("Add", "a", List.of("h", "b"), "y");
        assertRefused(sum, "the imported model's layer 1's bias[1] = Infinity (finite constants that overflow float together)");
    }

    @Test
    void a_non_finite_input_scaling_is_refused_naming_the_constant_and_index() throws IOException {
        Function<Double, TestGraph> sub = bad -> {
            TestGraph g = new TestGraph().input("x", "n", 4).output("y");
            g.init("mean", new long[] {4}, with(4, 3, bad), FLOAT_RAW);
            g.init("W", new long[] {4, 3}, with(12, -1, 0), FLOAT_RAW);
            g.node("Sub", "s", List.of("x", "mean"), "c");
            return g.node("MatMul", "m", List.of("c", "W"), "y");
        };
        assertRefused(sub.apply(Double.NaN), "node 's' (Sub) reads initializer 'mean'[3] = NaN as the input shift");
        assertFiniteImports(sub);
        Function<Double, TestGraph> div = bad -> {
            TestGraph g = new TestGraph().input("x", "n", 4).output("y");
            g.init("sd", new long[] {4}, with(4, 2, bad), FLOAT_RAW);
            g.init("W", new long[] {4, 3}, with(12, -1, 0), FLOAT_RAW);
            g.node("Div", "d", List.of("x", "sd"), "c");
            return g.node("MatMul", "m", List.of("c", "W"), "y");
        };
        assertRefused(div.apply(Double.POSITIVE_INFINITY), "node 'd' (Div) reads initializer 'sd'[2] = Infinity as the input scale");
        assertRefused(div.apply(0.0), "node 'd' (Div) divides by initializer 'sd'[2] = 0.0, which makes the input scale Infinity");
        assertFiniteImports(div);
        // a Constant node's value is named by its output
        TestGraph constant = new TestGraph().input("x", "n", 4).output("y");
        constant.constant("k", Double.NaN);
        constant.init("W", new long[] {4, 3}, with(12, -1, 0), FLOAT_RAW);
        constant.node("Mul", "s", List.of("x", "k"), "c");
        constant.node("MatMul", "m", List.of("c", "W"), "y");
        assertRefused(constant, "node 's' (Mul) reads constant 'k'[0] = NaN as the input scale");
        // ai.onnx.ml's Scaler holds its scaling in attributes, named as such
        for (String attribute : List.of("offset", "scale")) {
            TestGraph scaler = new ExporterGraphs(5).sklearnScaler();
            ((float[]) scaler.nodes.getFirst().attributes().get(attribute))[3] = Float.NEGATIVE_INFINITY;
            assertRefused(scaler, "node 'Scaler' (Scaler) has " + attribute + "[3] = -Infinity");
        }
        assertThat(OnnxModel.read(new ExporterGraphs(5).sklearnScaler().write(dir.resolve("scaler.onnx"))).mlp().scaling().nonFiniteValue()).isNull();
    }

    @Test
    void a_non_finite_target_mapping_is_refused_naming_the_initializer_and_index() throws IOException {
        Function<double[], TestGraph> mapped = stdMean -> {
            TestGraph g = new TestGraph().input("x", "n", 4).output("y");
            g.init("W", new long[] {4, 2}, with(8, -1, 0), FLOAT_RAW);
            g.init("std", new long[] {2}, new double[] {2, stdMean[0]}, FLOAT_RAW);
            g.init("mean", new long[] {2}, new double[] {stdMean[1], 1}, FLOAT_RAW);
            g.node("MatMul", "m", List.of("x", "W"), "h");
            g.node("Mul", "s", List.of("h", "std"), "z");
            return g.node("Add", "a", List.of("z", "mean"), "y");
        };
        assertRefused(mapped.apply(new double[] {Double.NaN, 0}),
                "node 's' (Mul) reads initializer 'std'[1] = NaN as an output scale (a regressor's target deviation, or a temperature)");
        assertRefused(mapped.apply(new double[] {3, Double.POSITIVE_INFINITY}),
                "node 'a' (Add) reads initializer 'mean'[0] = Infinity as an output shift (a regressor's target mean)");
        OnnxModel m = OnnxModel.read(mapped.apply(new double[] {3, -1}).write(dir.resolve("ok.onnx")));
        assertThat(m.mlp().metadata().targetStd()).containsExactly(2f, 3f);
    }

    /**
     * jvk's own quantized layers as its export writes them, one value then replaced in the file's bytes (the export refuses
     * a non-finite value: these are the bytes a hand-made file holds).
     */
    @Test
    void a_non_finite_bf16_weight_or_int8_dynamic_bias_is_refused() throws IOException {
        short marker = (short) 0x4B5A;   // a bf16 weight whose two bytes occur once in the file
        short nan = (short) (Float.floatToRawIntBits(Float.NaN) >>> 16);
        short one = (short) (Float.floatToRawIntBits(1f) >>> 16);
        short[] weights = {one, one, one, one, marker, one};
        Path bf16 = dir.resolve("bf16.onnx");
        OnnxModel.export(new Mlp(List.of(QuantizedDense.bf16(3, 2, weights, new float[2])), Loss.named("mse"), null), bf16);
        replaceOnce(bf16, new byte[] {(byte) marker, (byte) (marker >>> 8)}, new byte[] {(byte) nan, (byte) (nan >>> 8)});
        assertThatThrownBy(() -> OnnxModel.read(bf16)).isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("[4] = NaN as a bf16 weight" + WHY);
        weights[4] = one;
        OnnxModel.export(new Mlp(List.of(QuantizedDense.bf16(3, 2, weights, new float[2])), Loss.named("mse"), null), bf16);
        assertThat(OnnxModel.read(bf16).mlp().layers().getFirst()).isInstanceOf(QuantizedDense.class);

        byte[] q = {1, -2, 3, 4, 5, -6};
        float biasMarker = 1234.5677f;
        Path dynamic = dir.resolve("dynamic.onnx");
        OnnxModel.export(new Mlp(List.of(QuantizedDense.int8Dynamic(3, 2, q, new float[] {0.1f, 0.2f}, new float[] {0f, biasMarker})),
                Loss.named("mse"), null), dynamic);
        replaceOnce(dynamic, littleEndian(biasMarker), littleEndian(Float.NaN));
        assertThatThrownBy(() -> OnnxModel.read(dynamic)).isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("[1] = NaN as a bias" + WHY);
        OnnxModel.export(new Mlp(List.of(QuantizedDense.int8Dynamic(3, 2, q, new float[] {0.1f, 0.2f}, new float[] {0f, 1f})),
                Loss.named("mse"), null), dynamic);
        assertThat(OnnxModel.read(dynamic).mlp().layers().getFirst()).isInstanceOf(QuantizedDense.class);
    }

    @Test
    void the_export_refuses_a_non_finite_weight_and_writes_nothing() {
        Dense dense = new Dense(3, 2);
        dense.weights()[5] = Float.POSITIVE_INFINITY;
        Path file = dir.resolve("inf.onnx");
        assertThatThrownBy(() -> OnnxModel.export(new Mlp(List.of(dense), Loss.named("mse"), null), file))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not written").hasMessageContaining("Infinity");
        assertThat(file).doesNotExist();
    }

    private static byte[] littleEndian(float v) {
        int bits = Float.floatToRawIntBits(v);
        return new byte[] {(byte) bits, (byte) (bits >>> 8), (byte) (bits >>> 16), (byte) (bits >>> 24)};
    }

    /** Replaces the one occurrence of {@code from} in {@code file} by {@code to} (fails when it is not exactly one). */
    private static void replaceOnce(Path file, byte[] from, byte[] to) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int at = -1;
        for (int i = 0; i + from.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + from.length, from, 0, from.length)) {
                assertThat(at).as("a second occurrence of the marker at byte %d", i).isEqualTo(-1);
                at = i;
            }
        }
        assertThat(at).as("the marker's bytes in %s", file).isNotNegative();
        System.arraycopy(to, 0, bytes, at, to.length);
        Files.write(file, bytes);
    }
}
