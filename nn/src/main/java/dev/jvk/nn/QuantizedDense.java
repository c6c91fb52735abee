package dev.jvk.nn;

import dev.jvk.kernels.LowPrecision;
import dev.jvk.kernels.PackedBf16Matrix;
import dev.jvk.kernels.Reductions;
import dev.jvk.kernels.Vectors;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * A fully connected layer {@code y = x W + b} for inference only, its weights stored in low precision:
 * int8 with one scale per output unit ({@code W[i][j] = q[j][i] * scale[j]}), or bf16. With
 * {@link Format#INT8_DYNAMIC} the inputs are quantized too, as PyTorch's dynamic quantization does: each
 * input row gets its own symmetric int8 scale at inference ({@link LowPrecision#quantizeInt8Rows}), the
 * product of int8 rows and int8 weights is exact in int32, and output j of row r is that sum times
 * {@code rowScale[r] * scale[j]} (the three multiplied in double, rounded once to float), plus the bias. The bias stays
 * float (it is {@code out} values against {@code in x out} weights). Made from a trained {@link Dense}
 * by {@code dev.jvk.nn.compress.Compression.quantize}, or read from a model file.
 *
 * <p>The weights are kept transposed, {@code out x in}: each output unit's weights are contiguous,
 * which is what the low-precision kernels read ({@link LowPrecision#sgemvInt8} at batch 1, where a
 * model larger than the caches is bound by memory bandwidth and a weight costs one byte instead of
 * four; {@link LowPrecision#sgemmInt8} for larger batches). bf16 weights are kept packed once, as a
 * {@link PackedBf16Matrix} (the same bytes, laid out for the batch-1 GEMV to stream them). Results are
 * within the kernels' stated bound of the float product with the dequantized weights.
 *
 * <p>There is no backward pass: a model with such a layer refuses training
 * ({@link UnsupportedOperationException}); train the float model and quantize it again.
 */
public final class QuantizedDense implements Layer {
    /** How the weights are stored. */
    public enum Format {
        /** Symmetric int8, one scale per output unit: 1 byte per weight. */
        INT8(1),
        /** bfloat16 (float's exponent, 8 bits of significand): 2 bytes per weight. */
        BF16(2),
        /**
         * int8 weights as {@link #INT8}, and each input row quantized to int8 with its own scale at inference:
         * integer products, 1 byte per weight.
         */
        INT8_DYNAMIC(1);

        private final int bytesPerWeight;

        Format(int bytesPerWeight) {
            this.bytesPerWeight = bytesPerWeight;
        }

        /** Bytes one stored weight takes. */
        public int bytesPerWeight() {
            return bytesPerWeight;
        }

        /** Whether the weights are int8 with a scale per output unit. */
        public boolean int8Weights() {
            return this != BF16;
        }

        /** The name on the command line and in messages: {@code int8}, {@code bf16}, {@code int8-dynamic}. */
        public String cliName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final Format format;
    private final int in;
    private final int out;
    private final byte[] int8;      // [out x in] for INT8 and INT8_DYNAMIC, else empty
    private final float[] scales;   // [out] for INT8 and INT8_DYNAMIC, else empty
    private final PackedBf16Matrix bf16;   // out x in for BF16, else null
    private final float[] bias;     // [out]
    private float[] ones;           // [out] of 1f, INT8_DYNAMIC at batch 1
    // INT8_DYNAMIC's quantized rows, their scales and int32 sums: per thread (forwardRows runs on several at
    // once), grown to the largest batch seen and kept, so a serving loop allocates nothing per call
    private final ThreadLocal<DynamicBuffers> dynamicBuffers = ThreadLocal.withInitial(DynamicBuffers::new);

    /** The most int8 products (127 x 127 each) whose every partial sum float holds exactly: floor(2^24 / 127^2). */
    static final int EXACT_FLOAT_TERMS = (1 << 24) / (127 * 127);

    private QuantizedDense(Format format, int in, int out, byte[] int8, float[] scales, PackedBf16Matrix bf16, float[] bias) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("a dense layer needs in >= 1 and out >= 1, got " + in + " x " + out);
        }
        if ((long) in * out > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("dense layer " + in + " x " + out + " is too large for one array");
        }
        this.format = format;
        this.in = in;
        this.out = out;
        this.int8 = int8;
        this.scales = scales;
        this.bf16 = bf16;
        this.bias = bias;
        length(bias.length, out, "bias");
    }

    /**
     * An int8 layer from its quantized weights {@code q} ({@code out x in}, row j the weights of output unit j),
     * their scales (one per output unit, finite and positive) and the bias; the arrays are kept, not copied.
     *
     * @throws IllegalArgumentException when a size is below 1, an array's length does not fit the sizes, or a scale
     *                                  is not finite and positive
     */
    public static QuantizedDense int8(int in, int out, byte[] q, float[] scales, float[] bias) {
        return int8(Format.INT8, in, out, q, scales, bias);
    }

    /**
     * A dynamically quantized int8 layer ({@link Format#INT8_DYNAMIC}) from the same arrays as {@link #int8}; its
     * input size is at most {@link LowPrecision#INT8_MAX_TERMS}, so that the int32 sums cannot overflow.
     *
     * @throws IllegalArgumentException as {@link #int8}, or when {@code in > LowPrecision.INT8_MAX_TERMS}
     */
    public static QuantizedDense int8Dynamic(int in, int out, byte[] q, float[] scales, float[] bias) {
        if (in > LowPrecision.INT8_MAX_TERMS) {
            throw new IllegalArgumentException("a dynamically quantized layer takes at most " + LowPrecision.INT8_MAX_TERMS
                    + " inputs (beyond, an int32 sum of int8 products could overflow), got " + in);
        }
        return int8(Format.INT8_DYNAMIC, in, out, q, scales, bias);
    }

    private static QuantizedDense int8(Format format, int in, int out, byte[] q, float[] scales, float[] bias) {
        QuantizedDense layer = new QuantizedDense(format, in, out, Objects.requireNonNull(q, "q"),
                Objects.requireNonNull(scales, "scales"), null, Objects.requireNonNull(bias, "bias"));
        length(q.length, (long) in * out, "q");
        length(scales.length, out, "scales");
        for (int j = 0; j < out; j++) {
            if (!(scales[j] > 0f && Float.isFinite(scales[j]))) {
                throw new IllegalArgumentException("scale of output unit " + j + " is " + scales[j] + ", must be finite and > 0");
            }
        }
        return layer;
    }

    /**
     * A bf16 layer from its weights ({@code out x in} bf16 bits, row j the weights of output unit j) and the bias;
     * the bias is kept, the weights are packed (copied) into a {@link PackedBf16Matrix}.
     *
     * @throws IllegalArgumentException when a size is below 1 or an array's length does not fit the sizes
     */
    public static QuantizedDense bf16(int in, int out, short[] weights, float[] bias) {
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(bias, "bias");
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("a dense layer needs in >= 1 and out >= 1, got " + in + " x " + out);
        }
        length(weights.length, (long) in * out, "weights");
        return new QuantizedDense(Format.BF16, in, out, new byte[0], new float[0], new PackedBf16Matrix(out, in, weights, 0, in), bias);
    }

    private static void length(int length, long expected, String name) {
        if (length != expected) {
            throw new IllegalArgumentException(name + " has " + length + " values, expected " + expected);
        }
    }

    /** How the weights are stored. */
    public Format format() {
        return format;
    }

    @Override
    public int inputSize() {
        return in;
    }

    @Override
    public int outputSize() {
        return out;
    }

    /** The live int8 weights, {@code out x in} (empty for {@link Format#BF16}). */
    public byte[] int8Weights() {
        return int8;
    }

    /** The live per-output-unit scales of the int8 weights (empty for {@link Format#BF16}). */
    public float[] scales() {
        return scales;
    }

    /** A copy of the bf16 weights, {@code out x in} (empty unless {@link Format#BF16}): the layer keeps them packed. */
    public short[] bf16Weights() {
        if (bf16 == null) {
            return new short[0];
        }
        short[] rows = new short[in * out];
        bf16.copyTo(rows, 0, in);
        return rows;
    }

    /** The live bias vector. */
    public float[] bias() {
        return bias;
    }

    /** Stored weights: {@code in * out}. */
    public long weightCount() {
        return (long) in * out;
    }

    /**
     * The weights as the layer multiplies with them, widened to float in {@link Dense}'s layout ({@code in x out}):
     * {@code q * scale} as {@link LowPrecision#dequantizeInt8} rounds it, or the bf16 value exactly.
     */
    public float[] dequantizedWeights() {
        float[] row = new float[in];
        float[] w = new float[in * out];
        short[] bf16Rows = bf16Weights();
        for (int j = 0; j < out; j++) {
            if (format.int8Weights()) {
                LowPrecision.dequantizeInt8(scales[j], int8, j * in, row, 0, in);
            } else {
                LowPrecision.bf16ToFloat(bf16Rows, j * in, row, 0, in);
            }
            for (int i = 0; i < in; i++) {
                w[i * out + j] = row[i];
            }
        }
        return w;
    }

    @Override
    public void forward(float[] x, float[] y, int rows, boolean training) {
        forwardRows(x, y, 0, rows);
    }

    // forward of rows [from, from + rows): y[B x out] = x[B x in] . W[in x out] + b, W stored transposed (out x in) in int8 or bf16
    @Override
    public void forwardRows(float[] x, int xFrom, float[] y, int yFrom, int rows) {
        int xOffset = xFrom * in;
        int yOffset = yFrom * out;
        if (format == Format.INT8_DYNAMIC) {
            forwardDynamic(x, xOffset, y, yOffset, rows);
        } else if (rows == 1) {
            // y[out] = W^T[out x in] x[in]: each weight read once, 1 or 2 bytes
            if (format == Format.INT8) {
                LowPrecision.sgemvInt8(out, in, int8, 0, in, scales, 0, x, xOffset, y, yOffset);
            } else {
                bf16.sgemv(x, xOffset, y, yOffset);
            }
        } else if (format == Format.INT8) {
            // y[B x out] = x[B x in] . (W^T[out x in])^T
            LowPrecision.sgemmInt8(rows, out, in, x, xOffset, in, int8, 0, in, scales, 0, y, yOffset, out);
        } else {
            bf16.sgemm(rows, x, xOffset, in, y, yOffset, out);
        }
        // y[B x out] += b[out], broadcast over rows
        Vectors.addBias(bias, 0, y, yOffset, rows, out, out);
    }

    /**
     * y[B x out] = diag(rowScale) . (qx[B x in] . q^T[in x out]) . diag(scale), qx the rows of x quantized each
     * with its own scale; the buffers are the calling thread's, as forwardRows runs on several threads at once.
     *
     * <p>A row holding a NaN or an infinity (a feature far outside the training range overflows the layer before)
     * has no int8 scale: its scale is NaN and its quantized row zeros, so its outputs are NaN, as a float layer's
     * are, and the other rows are what they are alone.
     */
    private void forwardDynamic(float[] x, int xOffset, float[] y, int yOffset, int rows) {
        DynamicBuffers buffers = dynamicBuffers.get().fit(rows, in, out);
        byte[] qx = buffers.qx;
        float[] rowScales = buffers.rowScales;
        if (Float.isFinite(Reductions.sum(x, xOffset, rows * in))) {
            // a finite sum has no NaN or infinite term: the common case, one call
            LowPrecision.quantizeInt8Rows(x, xOffset, rows, in, in, qx, 0, in, rowScales, 0);
        } else {
            for (int r = 0; r < rows; r++) {
                if (finite(x, xOffset + r * in, in)) {
                    LowPrecision.quantizeInt8Rows(x, xOffset + r * in, 1, in, in, qx, r * in, in, rowScales, r);
                } else {
                    Arrays.fill(qx, r * in, (r + 1) * in, (byte) 0);
                    rowScales[r] = Float.NaN;
                }
            }
        }
        if (rows == 1 && in <= EXACT_FLOAT_TERMS) {
            // the batch-1 int8 GEMV, each weight read once as a byte, with unit scales and the integer row widened: every
            // product and partial sum is an integer below 2^24, so its float sum is the exact int32 one (and faster than
            // int8 dot products, which the Vector API widens through shorts)
            float[] widened = buffers.widened;
            LowPrecision.dequantizeInt8(1f, qx, 0, widened, 0, in);
            LowPrecision.sgemvInt8(out, in, int8, 0, in, ones(), 0, widened, 0, y, yOffset);
            double rowScale = rowScales[0];
            for (int j = 0; j < out; j++) {
                y[yOffset + j] = (float) (y[yOffset + j] * (rowScale * scales[j]));
            }
            return;
        }
        int[] sums = buffers.sums;
        if (rows == 1) {
            for (int j = 0; j < out; j++) {
                sums[j] = LowPrecision.dotInt8(qx, 0, int8, j * in, in);
            }
        } else {
            LowPrecision.gemmInt8(rows, out, in, qx, 0, in, int8, 0, in, sums, 0, out);
        }
        for (int r = 0; r < rows; r++) {
            // rowScale * scale is exact in double (24 + 24 significant bits): one rounding of the sum's product, one to float
            double rowScale = rowScales[r];
            for (int j = 0; j < out; j++) {
                y[yOffset + r * out + j] = (float) (sums[r * out + j] * (rowScale * scales[j]));
            }
        }
    }

    private static boolean finite(float[] x, int offset, int n) {
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(x[offset + i])) {
                return false;
            }
        }
        return true;
    }

    /** One thread's buffers of {@link #forwardDynamic}, at least as large as the last call needed. */
    private static final class DynamicBuffers {
        byte[] qx = new byte[0];
        float[] rowScales = new float[0];
        float[] widened = new float[0];
        int[] sums = new int[0];

        DynamicBuffers fit(int rows, int in, int out) {
            if (qx.length < rows * in) {
                qx = new byte[rows * in];
            }
            if (rowScales.length < rows) {
                rowScales = new float[rows];
            }
            if (widened.length < in) {
                widened = new float[in];
            }
            if (sums.length < rows * out) {
                sums = new int[rows * out];
            }
            return this;
        }
    }

    /** A scale of 1 per output unit, made on first use (a race makes equal arrays). */
    private float[] ones() {
        float[] o = ones;
        if (o == null) {
            o = new float[out];
            Arrays.fill(o, 1f);
            ones = o;
        }
        return o;
    }

    /** Always throws: quantized weights have no gradient here. */
    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int rows) {
        throw inferenceOnly();
    }

    /** Always throws: quantized weights have no gradient here. */
    @Override
    public void backwardRows(float[] x, float[] y, float[] dy, float[] dx, int from, int rows) {
        throw inferenceOnly();
    }

    /** Always throws: quantized weights have no gradient here. */
    @Override
    public void parameterGradients(float[] x, float[] dy, int rows) {
        throw inferenceOnly();
    }

    private UnsupportedOperationException inferenceOnly() {
        return new UnsupportedOperationException(this + " is for inference only: train the float model, then quantize it");
    }

    @Override
    public String toString() {
        return "dense " + in + " -> " + out + " (" + format.cliName() + ")";
    }
}
