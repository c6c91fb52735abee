package dev.jvk.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvk.nn.compress.Compression;
import dev.jvk.nn.data.DataSet;
import dev.jvk.nn.data.FeatureScaling;
import dev.jvk.nn.data.SyntheticData;
import dev.jvk.nn.optim.OptimizerConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quantized and pruned models: their outputs against a double-precision oracle on weights decoded here
 * (not by the code under test), the units pruning removes, the refusal to train, and the model file:
 * bitwise round trips and a clear message for each kind of damage.
 */
class CompressionTest {
    @TempDir
    Path dir;

    static final int FEATURES = 20;

    /** A trained classifier 20-24-16-10 with standard scaling. */
    static Mlp trained() {
        SyntheticData problem = new SyntheticData(3, FEATURES);
        DataSet train = problem.sample(600, 0, "train");
        Mlp mlp = Mlp.classifier(FEATURES, new int[] {24, 16}, Activation.RELU, 10, 7);
        mlp.setScaling(FeatureScaling.fit(FeatureScaling.Kind.STANDARD, train));
        new Trainer(Trainer.Config.builder().epochs(2).batchSize(32).build()).fit(mlp, train, null);
        return mlp;
    }

    static float[] inputs(int rows) {
        return new SyntheticData(3, FEATURES).sample(rows, 1, "x").features();
    }

    /** The network's raw outputs (before softmax) for raw inputs, through the model's own passes (which scale them). */
    static float[] logits(Mlp mlp, float[] x, int rows) {
        Workspace ws = mlp.workspace(rows, false);
        System.arraycopy(x, 0, ws.input, 0, rows * mlp.inputs());
        mlp.forward(ws, rows, false);
        return java.util.Arrays.copyOf(ws.logits(), rows * mlp.classes());
    }

    /** The same in double from the textbook formulas, each quantized layer's weights decoded here. */
    static double[] oracle(Mlp mlp, float[] x, int rows) {
        float[] scaled = x.clone();
        mlp.scaling().apply(scaled, rows);
        double[] v = Oracle.toDouble(scaled, rows * mlp.inputs());
        for (Layer layer : mlp.layers()) {
            switch (layer) {
                case Dense d -> v = Oracle.dense(v, Oracle.toDouble(d.weights(), d.weights().length),
                        Oracle.toDouble(d.bias(), d.outputSize()), rows, d.inputSize(), d.outputSize());
                case QuantizedDense q -> v = Oracle.dense(v, decoded(q), Oracle.toDouble(q.bias(), q.outputSize()),
                        rows, q.inputSize(), q.outputSize());
                case ActivationLayer a -> {
                    for (int i = 0; i < v.length; i++) {
                        v[i] = Oracle.activation(a.activation(), v[i]);
                    }
                }
                case Dropout d -> { }
            }
        }
        return v;
    }

    /** W[i][j] (in x out) of a quantized layer: q[j][i] * scale[j], or the bf16 bits as the top half of a float. */
    static double[] decoded(QuantizedDense q) {
        int in = q.inputSize();
        int out = q.outputSize();
        double[] w = new double[in * out];
        short[] bf16 = q.bf16Weights();
        for (int j = 0; j < out; j++) {
            for (int i = 0; i < in; i++) {
                w[i * out + j] = q.format().int8Weights()
                        ? q.int8Weights()[j * in + i] * (double) q.scales()[j]
                        : Float.intBitsToFloat(bf16[j * in + i] << 16);
            }
        }
        return w;
    }

    /** Every output within {@code 1e-5 * (1 + |oracle|)}: the float kernels' rounding over sums of ~24 terms, with room. */
    static void assertNear(float[] actual, double[] expected) {
        assertThat(actual).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) actual[i]).as("output %d", i).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-5 * (1 + Math.abs(expected[i]))));
        }
    }

    @Test
    void aModelWithANonFiniteWeightIsRefusedNamingTheWeight() {
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
            for (QuantizedDense.Format format : QuantizedDense.Format.values()) {
                Mlp mlp = Mlp.classifier(4, new int[] {3}, Activation.RELU, 2, 1);
                ((Dense) mlp.layers().get(0)).weights()[5] = bad;
                assertThatThrownBy(() -> Compression.quantize(mlp, format)).as("%s, %s", bad, format)
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("cannot quantize a model whose layer 1's weights[5] = " + bad + ": NaN or infinite weights come from diverged training");
            }
        }
    }

    @Test
    void int8_and_bf16_models_compute_their_decoded_weights_at_batch_1_and_above() {
        Mlp mlp = trained();
        // int8-dynamic quantizes the activations too: DynamicQuantizationTest holds it to its own oracle
        for (QuantizedDense.Format format : List.of(QuantizedDense.Format.INT8, QuantizedDense.Format.BF16)) {
            Mlp quantized = Compression.quantize(mlp, format);
            assertThat(quantized.layers()).filteredOn(l -> l instanceof QuantizedDense).hasSize(3);
            assertThat(quantized.describe()).isEqualTo(mlp.describe());
            for (int rows : new int[] {1, 2, 37}) {
                float[] x = inputs(rows);
                assertNear(logits(quantized, x, rows), oracle(quantized, x, rows));
            }
        }
    }

    @Test
    void int8_weights_are_within_half_a_step_of_the_float_ones_and_bf16_within_half_an_ulp() {
        Mlp mlp = trained();
        Mlp int8 = Compression.quantize(mlp, QuantizedDense.Format.INT8);
        Mlp bf16 = Compression.quantize(mlp, QuantizedDense.Format.BF16);
        for (int l = 0; l < mlp.layers().size(); l++) {
            if (!(mlp.layers().get(l) instanceof Dense d)) {
                continue;
            }
            QuantizedDense q = (QuantizedDense) int8.layers().get(l);
            QuantizedDense b = (QuantizedDense) bf16.layers().get(l);
            double[] wq = decoded(q);
            double[] wb = decoded(b);
            int in = d.inputSize();
            int out = d.outputSize();
            for (int j = 0; j < out; j++) {
                double max = 0;
                for (int i = 0; i < in; i++) {
                    max = Math.max(max, Math.abs(d.weights()[i * out + j]));
                }
                // the scale maps the largest magnitude of the unit's weights to 127
                assertThat((double) q.scales()[j]).isCloseTo(max / 127, org.assertj.core.data.Offset.offset(max / 127 * 1e-6));
                for (int i = 0; i < in; i++) {
                    double w = d.weights()[i * out + j];
                    assertThat(Math.abs(wq[i * out + j] - w)).isLessThanOrEqualTo(q.scales()[j] * 0.5000001);
                    assertThat(Math.abs(wb[i * out + j] - w)).isLessThanOrEqualTo(Math.abs(w) * 0x1p-8);
                }
            }
            if (l > 0) {
                assertThat(q.bias()).isEqualTo(d.bias());
                assertThat(b.bias()).isEqualTo(d.bias());
            }
        }
    }

    /**
     * Quantization moves the scaling's shift into the first layer's bias: the quantized model's outputs against
     * the double oracle of its weights with the float model's own scaling (shift included) and biases.
     */
    @Test
    void the_shift_moved_into_the_first_bias_computes_what_the_scaling_computed() {
        Mlp mlp = trained();
        assertThat(mlp.scaling().shift()).as("a model whose shift has something to fold").isNotEqualTo(new float[FEATURES]);
        for (QuantizedDense.Format format : List.of(QuantizedDense.Format.INT8, QuantizedDense.Format.BF16)) {
            Mlp quantized = Compression.quantize(mlp, format);
            assertThat(quantized.scaling().shift()).isEqualTo(new float[FEATURES]);
            assertThat(ModelFileTest.bits(quantized.scaling().scale())).isEqualTo(ModelFileTest.bits(mlp.scaling().scale()));
            assertThat(quantized.scaling().kind()).isEqualTo(mlp.scaling().kind());
            List<Layer> unfolded = new ArrayList<>();
            for (int l = 0; l < quantized.layers().size(); l++) {
                Layer layer = quantized.layers().get(l);
                if (layer instanceof QuantizedDense q && mlp.layers().get(l) instanceof Dense d) {
                    layer = format == QuantizedDense.Format.INT8 ? QuantizedDense.int8(q.inputSize(), q.outputSize(), q.int8Weights(), q.scales(), d.bias())
                            : QuantizedDense.bf16(q.inputSize(), q.outputSize(), q.bf16Weights(), d.bias());
                }
                unfolded.add(layer);
            }
            Mlp expected = new Mlp(unfolded, mlp.loss(), mlp.scaling());
            for (int rows : new int[] {1, 37}) {
                float[] x = inputs(rows);
                assertNear(logits(quantized, x, rows), oracle(expected, x, rows));
            }
        }
    }

    @Test
    void the_summary_counts_quantized_weights_and_their_stored_bytes() {
        Mlp mlp = trained();
        int weights = 20 * 24 + 24 * 16 + 16 * 10;
        int units = 24 + 16 + 10;
        assertThat(mlp.summary()).contains(String.format(java.util.Locale.ROOT, "%,d parameters (%,d bytes as stored)", weights + units, 4 * (weights + units)));
        String int8 = Compression.quantize(mlp, QuantizedDense.Format.INT8).summary();
        assertThat(int8).contains("dense 20 -> 24 (int8)")
                .contains(String.format(java.util.Locale.ROOT, "%,d parameters (%,d bytes as stored)", weights + units, weights + 8 * units));
        assertThat(Compression.quantize(mlp, QuantizedDense.Format.BF16).summary())
                .contains(String.format(java.util.Locale.ROOT, "%,d parameters (%,d bytes as stored)", weights + units, 2 * weights + 4 * units));
    }

    @Test
    void a_quantized_model_refuses_training_and_a_second_quantization() {
        Mlp int8 = Compression.quantize(trained(), QuantizedDense.Format.INT8);
        DataSet data = new SyntheticData(3, FEATURES).sample(64, 0, "train");
        assertThatThrownBy(() -> new Trainer(Trainer.Config.defaults()).fit(int8, data, null))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("layer 1 (dense 20 -> 24 (int8)) is quantized, for inference only: train the float model, then quantize it");
        assertThatThrownBy(() -> int8.trainStep(data.features(), data.labels(), 4,
                OptimizerConfig.adam().create(int8.parameters()), 1e-3f))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> Compression.quantize(int8, QuantizedDense.Format.BF16))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("layer 1 (dense 20 -> 24 (int8)) is quantized already: quantize the float model");
        assertThatThrownBy(() -> Compression.prune(int8, 0.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("layer 1 (dense 20 -> 24 (int8)) is quantized: prune the float model, then quantize it");
    }

    @Test
    void pruning_nothing_keeps_every_bit_and_pruning_half_halves_each_hidden_layer() {
        Mlp mlp = trained();
        Mlp same = Compression.prune(mlp, 0);
        float[] x = inputs(9);
        assertThat(ModelFileTest.bits(same.predict(x, 9))).isEqualTo(ModelFileTest.bits(mlp.predict(x, 9)));
        Mlp half = Compression.prune(mlp, 0.5);
        assertThat(half.describe()).isEqualTo("20-12-8-10 relu");
        assertThat(half.parameterCount()).isEqualTo(20 * 12 + 12 + 12 * 8 + 8 + 8 * 10 + 10);
        assertThat(Compression.prune(mlp, 0.99).describe()).isEqualTo("20-1-1-10 relu");
        assertThatThrownBy(() -> Compression.prune(mlp, 1.0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the pruning fraction must be in [0, 1), got 1.0");
        assertThatThrownBy(() -> Compression.prune(mlp, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    /** 4 inputs, 5 hidden units, 3 outputs; unit u's incoming weights scaled by a[u], outgoing by c[u]. */
    static Mlp handMade(double[] a, double[] c) {
        Dense first = new Dense(4, 5);
        Dense second = new Dense(5, 3);
        for (int u = 0; u < 5; u++) {
            for (int i = 0; i < 4; i++) {
                first.weights()[i * 5 + u] = (float) (a[u] * (1 + 0.1 * i) * (i % 2 == 0 ? 1 : -1));
            }
            first.bias()[u] = (float) (0.1 * a[u]);
            for (int k = 0; k < 3; k++) {
                second.weights()[u * 3 + k] = (float) (c[u] * (0.5 + 0.25 * k));
            }
        }
        second.bias()[1] = 0.5f;
        return new Mlp(List.of(first, new ActivationLayer(Activation.RELU, 5), second), new SoftmaxCrossEntropy(), null);
    }

    @Test
    void pruning_removes_the_units_of_least_incoming_norm_and_keeps_the_rest_exactly() {
        // incoming norms are proportional to a[u]: units 3 and 2 go, whatever their outgoing weights
        Mlp mlp = handMade(new double[] {2, 1, 0.5, 0.001, 1.5}, new double[] {0.001, 1, 3, 10, 1});
        Mlp pruned = Compression.prune(mlp, 0.4);
        assertThat(pruned.describe()).isEqualTo("4-3-3 relu");
        // the kept units 1, 2, 4 in their order, every weight copied exactly
        Dense first = (Dense) mlp.layers().get(0);
        Dense second = (Dense) mlp.layers().get(2);
        Dense p1 = (Dense) pruned.layers().get(0);
        Dense p2 = (Dense) pruned.layers().get(2);
        int[] kept = {0, 1, 4};
        for (int a = 0; a < 3; a++) {
            for (int i = 0; i < 4; i++) {
                assertThat(p1.weights()[i * 3 + a]).isEqualTo(first.weights()[i * 5 + kept[a]]);
            }
            assertThat(p1.bias()[a]).isEqualTo(first.bias()[kept[a]]);
            for (int k = 0; k < 3; k++) {
                assertThat(p2.weights()[a * 3 + k]).isEqualTo(second.weights()[kept[a] * 3 + k]);
            }
        }
        assertThat(p2.bias()).isEqualTo(second.bias());
        assertThat(pruned.layers().get(1).inputSize()).isEqualTo(3);
    }

    @Test
    void a_dead_unit_is_removed_first_and_changes_nothing() {
        // unit 2's incoming weights and bias are zero: ReLU(0) = 0 whatever the input
        Mlp mlp = handMade(new double[] {1, 2, 0, 3, 4}, new double[] {1, 1, 1, 1, 1});
        Mlp pruned = Compression.prune(mlp, 0.2);
        assertThat(pruned.describe()).isEqualTo("4-4-3 relu");
        float[] x = {0.3f, -1f, 2f, 0.5f, 1f, 1f, -1f, 0f};
        assertNear(logits(pruned, x, 2), oracle(mlp, x, 2));
    }

    @Test
    void a_pruned_model_fine_tunes_and_its_loss_goes_down() {
        Mlp pruned = Compression.prune(trained(), 0.5);
        DataSet train = new SyntheticData(3, FEATURES).sample(600, 0, "train");
        double before = pruned.evaluate(train).loss();
        new Trainer(Trainer.Config.builder().epochs(3).batchSize(32).build()).fit(pruned, train, null);
        assertThat(pruned.evaluate(train).loss()).isLessThan(before);
    }

    // ---- the model file ----

    @Test
    void quantized_and_pruned_models_round_trip_bitwise_through_the_file() throws IOException {
        Mlp mlp = trained();
        mlp.setMetadata(new ModelMetadata(ModelMetadata.CLASSIFICATION, List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j"),
                List.of(), List.of("label"), FEATURES, new float[0], new float[0]));
        List<Mlp> models = new ArrayList<>();
        for (QuantizedDense.Format format : QuantizedDense.Format.values()) {
            models.add(Compression.quantize(mlp, format));
        }
        models.add(Compression.prune(mlp, 0.5));
        models.add(Compression.quantize(Compression.prune(mlp, 0.5), QuantizedDense.Format.INT8));
        float[] x = inputs(11);
        for (Mlp model : models) {
            Path file = dir.resolve("m.jvk");
            model.save(file);
            Mlp loaded = Mlp.load(file);
            assertThat(loaded.describe()).isEqualTo(model.describe());
            for (int l = 0; l < model.layers().size(); l++) {
                Layer a = model.layers().get(l);
                Layer b = loaded.layers().get(l);
                assertThat(b.toString()).isEqualTo(a.toString());
                if (a instanceof QuantizedDense qa) {
                    QuantizedDense qb = (QuantizedDense) b;
                    assertThat(qb.int8Weights()).isEqualTo(qa.int8Weights());
                    assertThat(ModelFileTest.bits(qb.scales())).isEqualTo(ModelFileTest.bits(qa.scales()));
                    assertThat(qb.bf16Weights()).isEqualTo(qa.bf16Weights());
                    assertThat(ModelFileTest.bits(qb.bias())).isEqualTo(ModelFileTest.bits(qa.bias()));
                }
            }
            assertThat(loaded.metadata().classNames()).isEqualTo(mlp.metadata().classNames());
            assertThat(ModelFileTest.bits(loaded.predict(x, 11))).isEqualTo(ModelFileTest.bits(model.predict(x, 11)));
            assertThat(ModelFileTest.bits(loaded.predict(x, 1))).isEqualTo(ModelFileTest.bits(model.predict(x, 1)));
            Path again = dir.resolve("again.jvk");
            loaded.save(again);
            assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(file));
        }
    }

    @Test
    void a_float_model_is_written_as_version_2_and_a_quantized_one_as_version_4_with_one_byte_per_int8_weight() throws IOException {
        Mlp mlp = trained();
        byte[] floats = ModelFile.encode(mlp);
        byte[] int8 = ModelFile.encode(Compression.quantize(mlp, QuantizedDense.Format.INT8));
        byte[] bf16 = ModelFile.encode(Compression.quantize(mlp, QuantizedDense.Format.BF16));
        assertThat(ByteBuffer.wrap(floats).getInt(8)).isEqualTo(2);
        assertThat(ByteBuffer.wrap(int8).getInt(8)).isEqualTo(4);
        assertThat(ByteBuffer.wrap(bf16).getInt(8)).isEqualTo(4);
        int weights = 20 * 24 + 24 * 16 + 16 * 10;
        int units = 24 + 16 + 10;
        // int8: 3 bytes fewer per weight, one float scale more per output unit; bf16: 2 bytes fewer per weight;
        // both: the shift (folded into the first bias) not stored, one byte saying so
        int shift = 4 * FEATURES - 1;
        assertThat(int8.length).isEqualTo(floats.length - 3 * weights + 4 * units - shift);
        assertThat(bf16.length).isEqualTo(floats.length - 2 * weights - shift);
    }

    @Test
    void a_version_3_quantized_file_still_loads_and_predicts_as_before() throws IOException {
        for (QuantizedDense.Format format : List.of(QuantizedDense.Format.INT8, QuantizedDense.Format.BF16)) {
            Mlp quantized = Compression.quantize(trained(), format);
            byte[] v3 = ModelFile.encode(quantized, 3);
            byte[] v4 = ModelFile.encode(quantized);
            assertThat(ByteBuffer.wrap(v3).getInt(8)).isEqualTo(3);
            assertThat(v3.length).as("version 3 stores the shift of zeros").isEqualTo(v4.length + 4 * FEATURES - 1);
            Mlp loaded = ModelFile.decode(v3, "v3.jvk");
            assertThat(ModelFileTest.bits(loaded.scaling().shift())).isEqualTo(ModelFileTest.bits(quantized.scaling().shift()));
            float[] x = inputs(9);
            assertThat(ModelFileTest.bits(loaded.predict(x, 9))).isEqualTo(ModelFileTest.bits(quantized.predict(x, 9)));
            assertThat(ModelFile.encode(loaded)).as("saved again: version 4").isEqualTo(v4);
        }
    }

    @Test
    void version_4_leaves_out_a_shift_of_zeros_and_a_scale_of_ones_and_keeps_minus_zero() throws IOException {
        Mlp mlp = ModelFileTest.sample();
        Mlp quantized = Compression.quantize(mlp, QuantizedDense.Format.INT8);
        float[] ones = new float[12];
        java.util.Arrays.fill(ones, 1f);
        float[] minusZero = new float[12];
        minusZero[5] = -0f;
        float[][][] cases = {{new float[12], ones}, {minusZero, ones}, {new float[12], mlp.scaling().scale()}, {mlp.scaling().shift(), ones}};
        int[] stored = {0, ModelFile.SHIFT_STORED, ModelFile.SCALE_STORED, ModelFile.SHIFT_STORED};
        for (int c = 0; c < cases.length; c++) {
            Mlp model = new Mlp(quantized.layers(), quantized.loss(), new FeatureScaling(FeatureScaling.Kind.MIN_MAX, cases[c][0], cases[c][1]));
            byte[] bytes = ModelFile.encode(model);
            int kindAt = scalingKind(bytes);
            assertThat(bytes[kindAt]).isEqualTo((byte) FeatureScaling.Kind.MIN_MAX.ordinal());
            assertThat(bytes[kindAt + 1]).as("case %d", c).isEqualTo((byte) stored[c]);
            Mlp loaded = ModelFile.decode(bytes, "m.jvk");
            assertThat(ModelFileTest.bits(loaded.scaling().shift())).as("case %d", c).isEqualTo(ModelFileTest.bits(cases[c][0]));
            assertThat(ModelFileTest.bits(loaded.scaling().scale())).as("case %d", c).isEqualTo(ModelFileTest.bits(cases[c][1]));
            assertThat(loaded.scaling().kind()).isEqualTo(FeatureScaling.Kind.MIN_MAX);
        }
    }

    @Test
    void every_truncation_and_bit_flip_of_a_quantized_file_is_detected() throws IOException {
        Mlp small = Compression.quantize(ModelFileTest.sample(), QuantizedDense.Format.INT8);
        byte[] bytes = ModelFile.encode(small);
        for (int length = 0; length < bytes.length; length++) {
            byte[] cut = java.util.Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> ModelFile.decode(cut, "q.jvk")).isInstanceOf(ModelFileException.class)
                    .hasMessageMatching("q\\.jvk: (truncated: .*|not a jvk model file \\(wrong magic number\\))");
        }
        for (int i = 0; i < bytes.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] flipped = bytes.clone();
                flipped[i] ^= (byte) (1 << bit);
                assertThatThrownBy(() -> ModelFile.decode(flipped, "q.jvk")).as("byte %d bit %d", i, bit)
                        .isInstanceOf(ModelFileException.class)
                        .hasMessageMatching("q\\.jvk: (checksum mismatch: the file is corrupted|not a jvk model file .*"
                                + "|model format version .*|truncated: .*|\\d+ unexpected bytes after the end of the model"
                                + "|the header promises a payload of -?\\d+ bytes, more than a jvk model file holds \\(\\d+\\))");
            }
        }
    }

    /** The offset of the scaling kind in a model file: after inputs, classes and the loss's name. */
    static int scalingKind(byte[] bytes) {
        int lossLength = ((bytes[ModelFile.HEADER + 8] & 0xff) << 8) | (bytes[ModelFile.HEADER + 9] & 0xff);
        return ModelFile.HEADER + 8 + 2 + lossLength;
    }

    /**
     * The offset of the first layer's tag in a version 4 file of the quantized {@link ModelFileTest#sample()} (12 features,
     * standard scaling, its shift folded into the first bias: the scale alone stored).
     */
    static int firstLayer(byte[] bytes) {
        int kind = scalingKind(bytes);
        assertThat(bytes[kind + 1]).isEqualTo((byte) ModelFile.SCALE_STORED);
        return kind + 2 + 4 * 12 + 4;
    }

    @Test
    void a_damaged_quantized_layer_with_a_valid_checksum_is_named() throws IOException {
        byte[] bytes = ModelFile.encode(Compression.quantize(ModelFileTest.sample(), QuantizedDense.Format.INT8));
        int layer1 = firstLayer(bytes);
        assertThat(bytes[layer1]).isEqualTo((byte) ModelFile.DENSE_INT8);
        ByteBuffer.wrap(bytes).putFloat(layer1 + 9 + 4 * 3, Float.NaN);   // output unit 3's scale
        ModelFileTest.resign(bytes);
        assertThatThrownBy(() -> ModelFile.decode(bytes, "q.jvk")).isInstanceOf(ModelFileException.class)
                .hasMessage("q.jvk: layer 1 (dense 12 x 7, int8): the scale of output unit 3 is NaN, must be finite and > 0");

        byte[] zero = ModelFile.encode(Compression.quantize(ModelFileTest.sample(), QuantizedDense.Format.INT8));
        ByteBuffer.wrap(zero).putFloat(layer1 + 9, 0f);
        ModelFileTest.resign(zero);
        assertThatThrownBy(() -> ModelFile.decode(zero, "q.jvk"))
                .hasMessage("q.jvk: layer 1 (dense 12 x 7, int8): the scale of output unit 0 is 0.0, must be finite and > 0");

        byte[] old = ModelFile.encode(Compression.quantize(ModelFileTest.sample(), QuantizedDense.Format.BF16), 3);
        ByteBuffer.wrap(old).putInt(8, 2);   // a quantized layer in a file that claims the version before quantization
        ModelFileTest.resign(old);
        assertThatThrownBy(() -> ModelFile.decode(old, "q.jvk"))
                .hasMessage("q.jvk: layer 1 (dense 12 x 7, bf16) is quantized, which needs format version 3; the file says 2");

        byte[] flags = ModelFile.encode(Compression.quantize(ModelFileTest.sample(), QuantizedDense.Format.BF16));
        flags[scalingKind(flags) + 1] = 6;   // a flag this version does not know
        ModelFileTest.resign(flags);
        assertThatThrownBy(() -> ModelFile.decode(flags, "q.jvk"))
                .hasMessage("q.jvk: feature scaling: unknown flags 6 (expected 0 to 3: 1 when the shift is stored, plus 2 when the scale is)");

        byte[] wide = ModelFile.encode(Compression.quantize(ModelFileTest.sample(), QuantizedDense.Format.BF16));
        ByteBuffer.wrap(wide).putInt(layer1 + 5, 7_000_000);   // claims 12 x 7,000,000 bf16 weights
        ModelFileTest.resign(wide);
        assertThatThrownBy(() -> ModelFile.decode(wide, "q.jvk"))
                .hasMessageStartingWith("q.jvk: layer 1 (dense 12 x 7000000, bf16) needs 196000000 bytes, ");
    }

    @Test
    void an_old_float_file_still_loads_and_predicts_as_before() throws IOException {
        Mlp mlp = trained();
        Mlp v1 = ModelFile.decode(ModelFile.encode(mlp, 1), "v1.jvk");
        Mlp v2 = ModelFile.decode(ModelFile.encode(mlp, 2), "v2.jvk");
        float[] x = inputs(5);
        assertThat(ModelFileTest.bits(v1.predict(x, 5))).isEqualTo(ModelFileTest.bits(mlp.predict(x, 5)));
        assertThat(ModelFileTest.bits(v2.predict(x, 5))).isEqualTo(ModelFileTest.bits(mlp.predict(x, 5)));
    }
}
