package dev.jvk.nn.compress;

import dev.jvk.kernels.LowPrecision;
import dev.jvk.nn.ActivationLayer;
import dev.jvk.nn.Dense;
import dev.jvk.nn.Dropout;
import dev.jvk.nn.Layer;
import dev.jvk.nn.Mlp;
import dev.jvk.nn.QuantizedDense;
import dev.jvk.nn.data.FeatureScaling;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Compresses a trained float model. Both operations return a new {@link Mlp} with the same loss, feature
 * scaling (quantization moves its shift into the first layer's bias) and metadata, and leave the given model
 * as it was.
 *
 * <pre>{@code
 * Mlp small = Compression.prune(mlp, 0.5);                   // half the hidden units, still float
 * new Trainer(Trainer.Config.builder().epochs(2).build()).fit(small, train, null);   // fine-tune
 * Mlp int8 = Compression.quantize(small, QuantizedDense.Format.INT8);                // inference only
 * int8.save(Path.of("small-int8.jvk"));
 * }</pre>
 */
public final class Compression {
    private Compression() {}

    /**
     * The model with every {@link Dense} layer's weights quantized: int8 with one symmetric scale per output
     * unit ({@link LowPrecision#quantizeInt8Rows}: {@code max|w| / 127}, round to nearest even), the same int8
     * weights with each input row quantized to int8 at inference ({@link QuantizedDense.Format#INT8_DYNAMIC}, as
     * PyTorch's dynamic quantization), or bf16 (round to nearest even). Biases stay float. The result predicts and evaluates; it cannot be trained.
     *
     * <p>The feature scaling's shift moves into the first layer's bias, when the first layer that is not dropout
     * is dense: {@code W ((x - shift) * scale) + b = W (x * scale) + (b - W (shift * scale))}, the new bias
     * computed in double from the quantized weights and rounded once, so the quantized model's scaling has a
     * shift of zeros, which its file does not store ({@code docs/model-format.md}, version 4). The two forms
     * differ only by float rounding, far below the quantization's.
     *
     * @throws IllegalArgumentException when the model is already quantized, or a weight, bias, shift or scale is NaN or infinite
     */
    public static Mlp quantize(Mlp mlp, QuantizedDense.Format format) {
        Objects.requireNonNull(mlp, "mlp");
        Objects.requireNonNull(format, "format");
        String nonFinite = mlp.nonFiniteParameter();
        if (nonFinite != null) {
            // int8 has no scale for it (the kernel would name its transposed copy), bf16 would make every output NaN
            throw new IllegalArgumentException("cannot quantize a model whose " + nonFinite + ": NaN or infinite weights come from diverged training");
        }
        String nonFiniteScaling = mlp.scaling().nonFiniteValue();
        if (nonFiniteScaling != null) {
            // the shift folds into the first layer's bias, which would then be blamed for it
            throw new IllegalArgumentException("cannot quantize a model whose " + nonFiniteScaling + ": FeatureScaling.fit on finite data makes finite ones only");
        }
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < mlp.layers().size(); i++) {
            Layer layer = mlp.layers().get(i);
            switch (layer) {
                case Dense d -> layers.add(quantize(d, format));
                case QuantizedDense q -> throw new IllegalArgumentException("layer " + (i + 1) + " (" + q
                        + ") is quantized already: quantize the float model");
                default -> layers.add(elementwise(layer, layer.outputSize(), i));
            }
        }
        FeatureScaling scaling = mlp.scaling();
        int first = 0;
        while (first < layers.size() && layers.get(first) instanceof Dropout) {
            first++;
        }
        if (first < layers.size() && layers.get(first) instanceof QuantizedDense q) {
            QuantizedDense folded = withShiftFolded(q, scaling);
            if (folded != null) {
                layers.set(first, folded);
                scaling = new FeatureScaling(scaling.kind(), new float[scaling.features()], scaling.scale());
            }
        }
        return new Mlp(layers, mlp.loss(), scaling, mlp.metadata());
    }

    /**
     * The first layer with bias {@code b - W (shift * scale)} (W as the layer multiplies with it), or null when
     * there is nothing to fold (a shift of +0s) or a folded bias would not be finite.
     */
    private static QuantizedDense withShiftFolded(QuantizedDense q, FeatureScaling scaling) {
        float[] shift = scaling.shift();
        float[] scale = scaling.scale();
        boolean zeros = true;
        for (float s : shift) {
            zeros &= Float.floatToRawIntBits(s) == 0;
        }
        if (zeros) {
            return null;
        }
        int in = q.inputSize();
        int out = q.outputSize();
        float[] w = q.dequantizedWeights();   // in x out
        double[] sum = new double[out];
        for (int i = 0; i < in; i++) {
            double c = (double) shift[i] * scale[i];
            for (int j = 0; j < out; j++) {
                sum[j] += w[i * out + j] * c;
            }
        }
        float[] bias = q.bias().clone();
        for (int j = 0; j < out; j++) {
            bias[j] = (float) (bias[j] - sum[j]);
            if (!Float.isFinite(bias[j])) {
                return null;
            }
        }
        return switch (q.format()) {
            case INT8 -> QuantizedDense.int8(in, out, q.int8Weights(), q.scales(), bias);
            case INT8_DYNAMIC -> QuantizedDense.int8Dynamic(in, out, q.int8Weights(), q.scales(), bias);
            case BF16 -> QuantizedDense.bf16(in, out, q.bf16Weights(), bias);
        };
    }

    /** One dense layer's weights, transposed to {@code out x in} (a row per output unit, as the kernels read them) and quantized. */
    static QuantizedDense quantize(Dense dense, QuantizedDense.Format format) {
        int in = dense.inputSize();
        int out = dense.outputSize();
        float[] w = dense.weights();
        float[] rows = new float[in * out];
        for (int i = 0; i < in; i++) {
            for (int j = 0; j < out; j++) {
                rows[j * in + i] = w[i * out + j];
            }
        }
        float[] bias = dense.bias().clone();
        return switch (format) {
            case INT8, INT8_DYNAMIC -> {
                byte[] q = new byte[in * out];
                float[] scales = new float[out];
                LowPrecision.quantizeInt8Rows(rows, 0, out, in, in, q, 0, in, scales, 0);
                yield format == QuantizedDense.Format.INT8
                        ? QuantizedDense.int8(in, out, q, scales, bias)
                        : QuantizedDense.int8Dynamic(in, out, q, scales, bias);
            }
            case BF16 -> {
                short[] bf16 = new short[in * out];
                LowPrecision.floatToBf16(rows, 0, bf16, 0, in * out);
                yield QuantizedDense.bf16(in, out, bf16, bias);
            }
        };
    }

    /**
     * The model with {@code round(fraction * h)} of the {@code h} units of every hidden layer removed (at least
     * one kept): a smaller dense model, the dense layer before each hidden layer losing output columns and the
     * one after it the matching input rows. Fine-tune it with a {@code Trainer} to win back accuracy.
     *
     * <p>The units removed are those whose incoming weights and bias have the least L2 norm (PyTorch's
     * {@code ln_structured} along the output dimension): a unit whose weights are all near zero outputs about
     * {@code f(0)} whatever the input, which the next layer's bias can stand in for. Measured on Fashion-MNIST
     * (docs/compression.md), this keeps more accuracy before fine-tuning than the outgoing weights' norm or
     * the product of both, and after two epochs of fine-tuning the three are level. Ties remove the later unit;
     * the kept units keep their order.
     *
     * @param fraction in [0, 1): the share of each hidden layer's units to remove
     * @throws IllegalArgumentException when {@code fraction} is outside [0, 1), or the model is quantized (prune
     *                                  the float model, then quantize)
     */
    public static Mlp prune(Mlp mlp, double fraction) {
        Objects.requireNonNull(mlp, "mlp");
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("the pruning fraction must be in [0, 1), got " + fraction);
        }
        List<Layer> layers = mlp.layers();
        List<Integer> dense = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i) instanceof QuantizedDense q) {
                throw new IllegalArgumentException("layer " + (i + 1) + " (" + q + ") is quantized: prune the float model, then quantize it");
            }
            if (layers.get(i) instanceof Dense) {
                dense.add(i);
            }
        }
        List<Layer> pruned = new ArrayList<>();
        int[] keptIn = IntStream.range(0, mlp.inputs()).toArray();
        int next = 0;   // the position in `dense` of the next dense layer
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            if (layer instanceof Dense d) {
                boolean hidden = next + 1 < dense.size();
                int[] keptOut = hidden
                        ? keep(importance(d), fraction)
                        : IntStream.range(0, d.outputSize()).toArray();
                pruned.add(select(d, keptIn, keptOut));
                keptIn = keptOut;
                next++;
            } else {
                pruned.add(elementwise(layer, keptIn.length, i));
            }
        }
        return new Mlp(pruned, mlp.loss(), mlp.scaling(), mlp.metadata());
    }

    /** Each output unit j of {@code dense}: {@code ||(W[:, j], b[j])||}, summed in double. */
    static double[] importance(Dense dense) {
        int in = dense.inputSize();
        int units = dense.outputSize();
        float[] w = dense.weights();
        float[] b = dense.bias();
        double[] score = new double[units];
        for (int j = 0; j < units; j++) {
            double incoming = (double) b[j] * b[j];
            for (int i = 0; i < in; i++) {
                incoming += (double) w[i * units + j] * w[i * units + j];
            }
            score[j] = Math.sqrt(incoming);
        }
        return score;
    }

    /** The units to keep, ascending: all but the {@code round(fraction * n)} of least score (at least one kept). */
    static int[] keep(double[] score, double fraction) {
        int n = score.length;
        int remove = (int) Math.min(n - 1, Math.round(fraction * n));
        // least score first; of equal scores the later unit first, so that it is the one removed
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.<Integer>comparingDouble(j -> score[j]).thenComparing(Comparator.reverseOrder()));
        int[] kept = new int[n - remove];
        for (int r = remove; r < n; r++) {
            kept[r - remove] = order[r];
        }
        Arrays.sort(kept);
        return kept;
    }

    /** The dense layer restricted to input rows {@code rows} and output columns {@code columns}. */
    private static Dense select(Dense d, int[] rows, int[] columns) {
        int out = d.outputSize();
        Dense s = new Dense(rows.length, columns.length);
        float[] w = d.weights();
        float[] ws = s.weights();
        for (int a = 0; a < rows.length; a++) {
            for (int c = 0; c < columns.length; c++) {
                ws[a * columns.length + c] = w[rows[a] * out + columns[c]];
            }
        }
        for (int c = 0; c < columns.length; c++) {
            s.bias()[c] = d.bias()[columns[c]];
        }
        return s;
    }

    /** A fresh copy of an element-wise layer (activation, dropout) of {@code size} features, at position {@code index}. */
    private static Layer elementwise(Layer layer, int size, int index) {
        return switch (layer) {
            case ActivationLayer a -> a.resized(size);
            case Dropout d -> new Dropout(size, d.rate(), DROPOUT_SEED + index);
            default -> throw new IllegalStateException("not an element-wise layer: " + layer);
        };
    }

    /** Dropout masks of a compressed model come from this seed (plus the layer's position): its fine-tuning repeats bitwise. */
    private static final long DROPOUT_SEED = 0x5EED_D80FL;
}
