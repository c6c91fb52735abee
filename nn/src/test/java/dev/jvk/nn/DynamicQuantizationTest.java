package dev.jvk.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvk.kernels.LowPrecision;
import dev.jvk.nn.compress.Compression;
import dev.jvk.nn.data.DataSet;
import dev.jvk.nn.data.SyntheticData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * int8-dynamic layers: each input row quantized to int8 with its own scale, an exact int32 product with the
 * int8 weights, then scaled. The oracle quantizes the inputs here, from the rule (scale {@code max|x| / 127},
 * {@code rint} ties to even, saturated to ±127), and sums in long.
 */
class DynamicQuantizationTest {
    static final float[] SPECIALS = {0f, -0f, 1e-30f, -3.5f, 1e6f};

    static QuantizedDense layer(int in, int out, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] q = new byte[in * out];
        float[] scales = new float[out];
        float[] bias = new float[out];
        for (int i = 0; i < q.length; i++) {
            q[i] = (byte) random.nextInt(-127, 128);
        }
        for (int j = 0; j < out; j++) {
            scales[j] = (float) Math.scalb(1 + random.nextDouble(), random.nextInt(-12, 2));
            bias[j] = (float) random.nextGaussian();
        }
        return QuantizedDense.int8Dynamic(in, out, q, scales, bias);
    }

    /** Rows of mixed magnitudes (a few special values among them); row 1 all zeros when there are two rows or more. */
    static float[] inputs(int rows, int in, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[rows * in];
        for (int r = 0; r < rows; r++) {
            double magnitude = Math.scalb(1.0, random.nextInt(-20, 20));
            for (int i = 0; i < in; i++) {
                x[r * in + i] = r == 1 ? 0f : random.nextInt(10) == 0 ? SPECIALS[random.nextInt(SPECIALS.length)] * (float) magnitude
                        : (float) (random.nextGaussian() * magnitude);
            }
        }
        return x;
    }

    /** Row r of x quantized as the rule says; its scale in {@code scale[0]}. */
    static int[] quantizedRow(float[] x, int offset, int n, float[] scale) {
        float max = 0f;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, Math.abs(x[offset + i]));
        }
        scale[0] = max == 0f ? 1f : Math.max(max / 127f, Float.MIN_VALUE);
        int[] q = new int[n];
        for (int i = 0; i < n; i++) {
            q[i] = (int) Math.rint(Math.max(-127f, Math.min(127f, x[offset + i] / scale[0])));
        }
        return q;
    }

    @Test
    void each_output_is_the_exact_integer_sum_scaled_by_both_scales_then_the_bias_within_two_roundings() {
        // up to 1040 inputs batch 1 runs the int8 GEMV on exact float sums, beyond it int8 dot products
        for (int[] shape : new int[][] {{1, 1}, {7, 3}, {33, 17}, {200, 40}, {1030, 9}, {1100, 5}}) {
            int in = shape[0];
            int out = shape[1];
            QuantizedDense layer = layer(in, out, 31L * in + out);
            // one layer for every batch, growing and then shrinking: its kept buffers must not leak one call into the next
            for (int rows : new int[] {5, 37, 1, 2}) {
                float[] x = inputs(rows, in, rows * 1000L + in);
                float[] y = new float[rows * out];
                layer.forward(x, y, rows, false);
                for (int r = 0; r < rows; r++) {
                    float[] rowScale = new float[1];
                    int[] qx = quantizedRow(x, r * in, in, rowScale);
                    for (int j = 0; j < out; j++) {
                        long sum = 0;
                        for (int i = 0; i < in; i++) {
                            sum += (long) qx[i] * layer.int8Weights()[j * in + i];
                        }
                        double product = sum * (double) rowScale[0] * layer.scales()[j];
                        double expected = product + layer.bias()[j];
                        // one rounding of the scaled sum to float, one of the bias addition: 2^-24 each, relative
                        double bound = 0x1p-23 * (Math.abs(product) + Math.abs(layer.bias()[j])) + Float.MIN_VALUE;
                        assertThat(Math.abs(y[r * out + j] - expected)).as("%d x %d, %d rows: row %d, output %d", in, out, rows, r, j)
                                .isLessThanOrEqualTo(bound);
                    }
                }
            }
        }
    }

    @Test
    void a_row_of_zeros_gives_the_bias_exactly_and_no_nan() {
        QuantizedDense layer = layer(50, 6, 5);
        for (int rows : new int[] {1, 3}) {
            float[] y = new float[rows * 6];
            layer.forward(new float[rows * 50], y, rows, false);
            for (int r = 0; r < rows; r++) {
                assertThat(ModelFileTest.bits(java.util.Arrays.copyOfRange(y, r * 6, r * 6 + 6))).isEqualTo(ModelFileTest.bits(layer.bias()));
            }
        }
    }

    @Test
    void a_non_finite_row_gives_nan_outputs_and_leaves_the_other_rows_as_they_are_alone() {
        QuantizedDense layer = layer(40, 3, 9);
        float[] x = inputs(4, 40, 11);
        float[] alone = new float[4 * 3];
        for (int r = 0; r < 4; r++) {
            layer.forwardRows(x, alone, r, 1);
        }
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            float[] hostile = x.clone();
            hostile[40 + 7] = bad;
            for (int rows : new int[] {1, 4}) {
                float[] y = new float[4 * 3];
                int from = rows == 1 ? 1 : 0;
                layer.forwardRows(hostile, y, from, rows);
                for (int r = from; r < from + rows; r++) {
                    float[] got = java.util.Arrays.copyOfRange(y, r * 3, r * 3 + 3);
                    if (r == 1) {
                        assertThat(got).as("%s, %d rows", bad, rows).containsOnly(Float.NaN);
                    } else {
                        assertThat(ModelFileTest.bits(got)).as("row %d of %d", r, rows)
                                .isEqualTo(ModelFileTest.bits(java.util.Arrays.copyOfRange(alone, r * 3, r * 3 + 3)));
                    }
                }
            }
        }
    }

    /**
     * The first layer of a model without feature scaling, against the float layer it came from: with weight scale s_j
     * and row scale t, each quantized weight is within s_j / 2 and each quantized input within t / 2 of its float value,
     * so |y - y_float| <= sum_i (|x_i| s_j / 2 + |w_ij| t / 2 + s_j t / 4), plus float rounding.
     */
    @Test
    void the_first_layer_is_within_the_quantization_steps_of_the_float_layer() {
        int features = CompressionTest.FEATURES;
        Mlp mlp = Mlp.classifier(features, new int[] {24}, Activation.RELU, 10, 3);
        Dense dense = (Dense) mlp.layers().get(0);
        QuantizedDense q = (QuantizedDense) Compression.quantize(mlp, QuantizedDense.Format.INT8_DYNAMIC).layers().get(0);
        assertThat(q.format()).isEqualTo(QuantizedDense.Format.INT8_DYNAMIC);
        int rows = 23;
        int out = dense.outputSize();
        float[] x = CompressionTest.inputs(rows);
        float[] expected = new float[rows * out];
        float[] y = new float[rows * out];
        dense.forward(x, expected, rows, false);
        q.forward(x, y, rows, false);
        for (int r = 0; r < rows; r++) {
            float[] t = new float[1];
            quantizedRow(x, r * features, features, t);
            for (int j = 0; j < out; j++) {
                double bound = 0;
                double magnitude = Math.abs(dense.bias()[j]);
                for (int i = 0; i < features; i++) {
                    double xi = Math.abs(x[r * features + i]);
                    double wij = Math.abs(dense.weights()[i * out + j]);
                    bound += xi * q.scales()[j] / 2 + wij * t[0] / 2 + (double) q.scales()[j] * t[0] / 4;
                    magnitude += xi * wij;
                }
                bound += 1e-5 * magnitude;   // the float layer's own rounding and the dynamic layer's, with room
                assertThat((double) Math.abs(y[r * out + j] - expected[r * out + j])).as("row %d, output %d", r, j).isLessThanOrEqualTo(bound);
            }
        }
    }

    @Test
    void a_trained_model_keeps_its_accuracy_within_two_points_and_its_predictions_mostly() {
        Mlp mlp = CompressionTest.trained();
        Mlp dynamic = Compression.quantize(mlp, QuantizedDense.Format.INT8_DYNAMIC);
        DataSet test = new SyntheticData(3, CompressionTest.FEATURES).sample(400, 2, "test");
        assertThat(dynamic.evaluate(test).accuracy()).isCloseTo(mlp.evaluate(test).accuracy(), org.assertj.core.data.Offset.offset(0.02));
    }

    @Test
    void a_dynamic_layer_is_written_in_version_5_and_refused_in_an_older_file_by_name() throws IOException {
        Mlp dynamic = Compression.quantize(ModelFileTest.sample(), QuantizedDense.Format.INT8_DYNAMIC);
        byte[] bytes = ModelFile.encode(dynamic);
        assertThat(ByteBuffer.wrap(bytes).getInt(8)).isEqualTo(5);
        byte[] int8 = ModelFile.encode(Compression.quantize(ModelFileTest.sample(), QuantizedDense.Format.INT8));
        assertThat(bytes).hasSameSizeAs(int8);
        int layer1 = CompressionTest.firstLayer(bytes);
        assertThat(bytes[layer1]).isEqualTo((byte) ModelFile.DENSE_INT8_DYNAMIC);
        Mlp loaded = ModelFile.decode(bytes, "d.jvk");
        assertThat(loaded.layers()).filteredOn(l -> l instanceof QuantizedDense d && d.format() == QuantizedDense.Format.INT8_DYNAMIC)
                .hasSize(3);

        byte[] old = bytes.clone();
        ByteBuffer.wrap(old).putInt(8, 4);
        ModelFileTest.resign(old);
        assertThatThrownBy(() -> ModelFile.decode(old, "d.jvk")).isInstanceOf(ModelFileException.class)
                .hasMessage("d.jvk: layer 1 (dense 12 x 7, int8-dynamic) is dynamically quantized, which needs format version 5; the file says 4");

        byte[] zero = bytes.clone();
        ByteBuffer.wrap(zero).putFloat(layer1 + 9, 0f);
        ModelFileTest.resign(zero);
        assertThatThrownBy(() -> ModelFile.decode(zero, "d.jvk"))
                .hasMessage("d.jvk: layer 1 (dense 12 x 7, int8-dynamic): the scale of output unit 0 is 0.0, must be finite and > 0");
    }

    @Test
    void more_inputs_than_an_int32_sum_holds_are_refused() {
        int in = LowPrecision.INT8_MAX_TERMS + 1;
        assertThatThrownBy(() -> QuantizedDense.int8Dynamic(in, 1, new byte[in], new float[] {1f}, new float[1]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most " + LowPrecision.INT8_MAX_TERMS + " inputs");
    }
}
