package dev.jvk.nn;

import static dev.jvk.kernels.Transpose.NO_TRANS;
import static dev.jvk.kernels.Transpose.TRANS;

import dev.jvk.kernels.Gemm;
import dev.jvk.kernels.PackedMatrix;
import dev.jvk.kernels.Parallel;
import dev.jvk.kernels.Vectors;
import dev.jvk.nn.optim.Parameter;
import java.util.List;

/**
 * A fully connected layer {@code y = x W + b}: {@code W} is {@code in x out} (row-major, so the
 * forward pass is one NN GEMM with the batch as M), {@code b} has {@code out} entries.
 *
 * <p>Backward is three kernel calls: {@code dW} by a TN GEMM, {@code db} by column sums, and
 * {@code dx} by an NT GEMM, skipped when the caller passes no {@code dx} (the first layer: nobody
 * needs the gradient of the input data, and it is the largest GEMM of the backward pass).
 *
 * <p>The gradient arrays are allocated on first training use ({@link #parameters()} or
 * {@link #backward}), not by the constructor: a model loaded or imported only to predict holds its
 * weights and nothing more. A layer is trained by one thread at a time.
 *
 * <p>For inference the layer keeps its weights packed as the GEMM reads them ({@link PackedMatrix}),
 * made by {@link #packWeights} (the model's predict and evaluate) and reused by every inference pass,
 * with the same bits as the unpacked product of two rows or more (a single row is summed as a row of
 * those, not as a GEMV). That copy is dropped whenever the
 * values may change: when {@link #weights()} or {@link #parameters()} hands out the live array, when
 * the layer is initialised, and by every training pass (an optimizer step follows). Values written
 * through an array obtained earlier are seen once the copy is dropped: change them, then predict.
 */
public final class Dense implements Layer {
    /** The fewest rows of {@code dW} a part of the weight gradient gets ({@link #parameterGradientPart}). */
    static final int MIN_SLICE_ROWS = 96;
    /** The most parts the weight gradient is cut into. */
    static final int MAX_SLICES = 8;
    /**
     * The narrowest column block of {@link #columnBlocks}: two vectors at 512 bits, a register tile of GEMM. It must stay
     * wider than GEMM's narrow paths take (a vector and a half at most): those sum in their own order, so a block that
     * took one would lose the whole half's bits.
     */
    static final int MIN_BLOCK_COLUMNS = 32;
    /** Column blocks start on multiples of this many columns ({@link #blockStart}): 16 floats, 64 bytes. */
    static final int BLOCK_UNIT = 16;
    private final int in;
    private final int out;
    private final float[] weights;      // [in x out]
    private final float[] bias;         // [out]
    /** Weights and bias with their gradients ([in x out], [out]); made on first training use. */
    private List<Parameter> parameters;
    /** The weights packed for products of two rows or more, or null (see the class comment). */
    private PackedMatrix packed;

    /** A layer with zero weights and bias; fill them with {@link #initialise} or from a model file. */
    public Dense(int in, int out) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("a dense layer needs in >= 1 and out >= 1, got " + in + " x " + out);
        }
        if ((long) in * out > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("dense layer " + in + " x " + out + " is too large for one array");
        }
        this.in = in;
        this.out = out;
        this.weights = new float[in * out];
        this.bias = new float[out];
    }

    /** Draws the weights with {@code init} from {@code seed}; the bias becomes zero. */
    public Dense initialise(Init init, long seed) {
        dropPackedWeights();
        init.fill(weights, in, out, seed);
        Vectors.fill(0f, bias, 0, out);
        return this;
    }

    @Override
    public int inputSize() {
        return in;
    }

    @Override
    public int outputSize() {
        return out;
    }

    /**
     * The live weight matrix, {@code in x out} row-major (not a copy). Predictions see values written
     * into it after this call (the packed copy of the class comment is made again).
     */
    public float[] weights() {
        dropPackedWeights();
        return weights;
    }

    /** The live bias vector (not a copy). */
    public float[] bias() {
        return bias;
    }

    /** The weights and bias with their gradient arrays, which the first call allocates. */
    @Override
    public List<Parameter> parameters() {
        dropPackedWeights();
        if (parameters == null) {
            parameters = List.of(new Parameter("weights", weights, new float[in * out], true),
                    new Parameter("bias", bias, new float[out], false));
        }
        return parameters;
    }

    /** Whether the gradient arrays exist yet (they do once the layer has been trained or asked for its parameters). */
    boolean holdsGradients() {
        return parameters != null;
    }

    @Override
    public long parameterCount() {
        return (long) in * out + out;
    }

    @Override
    public void forward(float[] x, float[] y, int rows, boolean training) {
        forwardRows(x, y, 0, rows);
    }

    @Override
    public void forwardRows(float[] x, int xFrom, float[] y, int yFrom, int rows) {
        if (rows == 1 && packed == null) {
            // one row, weights not packed (a training pass): y[out] = b + W^T[out x in] x[in], a GEMV that reads W once. A W that
            // pays for it has its columns split between threads, each reading its share from its own
            // cache; every y is summed over the rows of W alone, so the split changes no bit.
            int xo = xFrom * in;
            int yo = yFrom * out;
            Parallel.forRange(out, in * Float.BYTES, (j0, j1) -> {
                Vectors.copy(bias, j0, y, yo + j0, j1 - j0);
                Gemm.sgemv(TRANS, in, j1 - j0, 1f, weights, j0, out, x, xo, 1f, y, yo + j0);
            });
            return;
        }
        forwardWithoutBias(x, xFrom, y, yFrom, rows);
        // y[B x out] += b[out], broadcast over rows
        Vectors.addBias(bias, 0, y, yFrom * out, rows, out, out);
    }

    /**
     * The forward pass of rows {@code [from, from + rows)} without the bias, for a caller that adds the bias
     * fused with the activation ({@link Activation#addBiasAndApply}): {@code y[B x out] = x[B x in] . W}. Two rows
     * or more, or one on packed weights ({@link #holdsPackedWeights}).
     */
    void forwardWithoutBias(float[] x, int xFrom, float[] y, int yFrom, int rows) {
        // y[B x out] = x[B x in] . W[in x out]
        if (packed != null) {
            packed.sgemm(NO_TRANS, rows, 1f, x, xFrom * in, in, 0f, y, yFrom * out, out);
            return;
        }
        Gemm.sgemm(NO_TRANS, NO_TRANS, rows, out, in, 1f, x, xFrom * in, in, weights, 0, out, 0f, y, yFrom * out, out);
    }

    @Override
    public boolean forwardRowsMapped(float[] x, int xFrom, float[] shift, float[] scale, float[] y, int from, int rows) {
        if (!forwardMappedWithoutBias(x, xFrom, shift, scale, y, from, rows)) {
            return false;
        }
        Vectors.addBias(bias, 0, y, from * out, rows, out, out);
        return true;
    }

    /**
     * {@link #forwardWithoutBias} of rows {@code [xFrom, xFrom + rows)} of {@code x} mapped as {@link Pass#forwardRowsMapped}
     * maps them, into rows {@code [from, from + rows)} of {@code y}: on packed weights, whose product maps the rows
     * as it packs them ({@link PackedMatrix#sgemmMapped}); false, nothing written, on the live ones.
     */
    boolean forwardMappedWithoutBias(float[] x, int xFrom, float[] shift, float[] scale, float[] y, int from, int rows) {
        if (packed == null) {
            return false;
        }
        packed.sgemmMapped(rows, 1f, x, xFrom * in, in, shift, 0, scale, 0, 0f, y, from * out, out);
        return true;
    }

    /**
     * The product over inputs {@code [k0, k1)} alone, into output columns {@code [j0, j1)}, for a training pass that
     * splits the first layer's product by inputs ({@link #inputSplit}) and, on more than two threads, by blocks of
     * output columns ({@link #columnBlocks}): {@code y[B x (j0..j1)] = x[B x (k0..k1)] . W[(k0..k1) x (j0..j1)]} over
     * rows {@code [0, rows)}, without the bias. Each element is GEMM's chain of multiply-adds over {@code k0..k1} in
     * order whatever the columns around it, so a block of columns has the bits of the whole half's product.
     */
    void forwardInputs(float[] x, float[] y, int rows, int k0, int k1, int j0, int j1) {
        Gemm.sgemm(NO_TRANS, NO_TRANS, rows, j1 - j0, k1 - k0, 1f, x, k0, in, weights, k0 * out + j0, out, 0f, y, j0, out);
    }

    /**
     * The input gradient over inputs {@code [k0, k1)} alone, for a training pass that splits this layer's product by
     * inputs as the second of the model ({@code Mlp}): {@code dx[B x (k0..k1)] = dy[B x out] . W[(k0..k1) x out]^T} over
     * rows {@code [0, rows)}. Each element sums over all of {@code out}; the thread that runs it reads only its rows of
     * {@code W}, the ones it multiplied with in the forward pass and updates after.
     */
    void backwardInputs(float[] dy, float[] dx, int rows, int k0, int k1) {
        Gemm.sgemm(NO_TRANS, TRANS, rows, k1 - k0, out, 1f, dy, 0, out, weights, k0 * out, out, 0f, dx, k0, in);
    }

    /**
     * How many blocks of output columns each half of the split product ({@link #inputSplit}) is cut into on a pool of
     * {@code threads} threads: 1 up to two threads (a half per thread); from three, half the threads for an even count
     * (task {@code t} is half {@code t % 2}, block {@code t / 2}, so thread {@code i} of {@code p} multiplies one block of
     * half {@code i % 2} alone, and then computes and updates slices of the same half, {@link #parameterGradientPart}),
     * the threads for an odd one (two blocks each, one in each half), at most {@code out / MIN_BLOCK_COLUMNS}. The blocks
     * change no bit ({@link #forwardInputs}), so they may follow the threads. The weight gradient stays in row slices:
     * in these blocks its update ran one short run per row, and each block's product packed the half's inputs again
     * (on one core, 2.2x and 1.4x the parameter phase's time at batch 32 and 128 in 4 blocks, bench/RESULTS-threads.md).
     */
    int columnBlocks(int threads) {
        if (threads <= 2 || inputSplit() == 0) {
            return 1;
        }
        return Math.max(1, Math.min(threads % 2 == 0 ? threads / 2 : threads, out / MIN_BLOCK_COLUMNS));
    }

    /**
     * The first output column of block {@code block} of {@code blocks} ({@code out} for {@code block == blocks}): the
     * columns cut in whole units of {@code BLOCK_UNIT} (a cache line of floats, so that the updates of two blocks
     * never write one line of a row of {@code W}), the blocks within a unit of each other.
     */
    int blockStart(int block, int blocks) {
        int units = (out + BLOCK_UNIT - 1) / BLOCK_UNIT;
        return Math.min(out, block * units / blocks * BLOCK_UNIT);
    }

    /**
     * Where a training pass splits this layer's product by inputs, when it is the model's first ({@link Mlp}): the
     * first row of {@code W} of the second half, half of the rows in whole 8-row tiles, and a boundary of the weight
     * gradient's slices, so that the thread that multiplies with the rows of one half also computes and updates their
     * gradient ({@link #parameterGradientPart} gives the first half's slices the even parts); 0 when the gradient is
     * one slice. Fixed by the shape alone.
     */
    int inputSplit() {
        return weightSlices() < 2 ? 0 : (in / 2 + 7) / 8 * 8;
    }

    /** {@link #forwardRows} after {@code y = x . W} was summed elsewhere: {@code y += b}. */
    @Override
    public void forwardAfterProduct(float[] y, int from, int rows) {
        Vectors.addBias(bias, 0, y, from * out, rows, out, out);
    }

    /**
     * Packs the weights for the inference passes that follow, unless they are packed already. Not for one
     * output column, where the unpacked product sums in GEMV's order. A single row on packed weights is
     * summed as each row of a larger product is (so a row's scores do not depend on the batch it came in).
     */
    void packWeights() {
        if (packed == null && out > 1) {
            packed = new PackedMatrix(NO_TRANS, in, out, weights, 0, out);
        }
    }

    /**
     * Drops the packed weights, freeing their memory at once (it lies outside the heap, where a layer packed again
     * after every evaluation of a long training would otherwise pile copies up until a collection): the passes that
     * follow read the live ones until {@link #packWeights}.
     */
    void dropPackedWeights() {
        PackedMatrix dropped = packed;
        if (dropped != null) {
            packed = null;
            dropped.close();
        }
    }

    /** Whether the weights are packed for inference now. */
    boolean holdsPackedWeights() {
        return packed != null;
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int rows) {
        parameterGradients(x, dy, rows);
        backwardRows(x, y, dy, dx, 0, rows);
    }

    @Override
    public void backwardRows(float[] x, float[] y, float[] dy, float[] dx, int from, int rows) {
        if (dx != null) {
            // from y = x . W:  dx[B x in] = dy[B x out] . W^T[out x in]
            Gemm.sgemm(NO_TRANS, TRANS, rows, in, out, 1f, dy, from * out, out, weights, 0, out, 0f, dx, from * in, in);
        }
    }

    /** The weight gradient's parts, then the bias gradient's. */
    @Override
    public int parameterParts() {
        return weightSlices() + 1;
    }

    /**
     * How many row slices of {@code dW} the weight gradient is cut into: {@code in / MIN_SLICE_ROWS}, at least 1 and
     * at most {@code MAX_SLICES}; from two on an even number, half of them in each half of the inputs
     * ({@link #inputSplit}). Each slice is a product of its own that packs all of {@code dy} again, so slices stay
     * large; 8 balance up to 8 threads.
     */
    private int weightSlices() {
        int slices = Math.max(1, Math.min(MAX_SLICES, in / MIN_SLICE_ROWS));
        return slices < 2 ? 1 : (slices + 1) / 2 * 2;
    }

    @Override
    public void parameterGradientPart(float[] x, float[] dy, int rows, int part, GradientReady ready) {
        dropPackedWeights(); // an optimizer step is about to change the weights
        int slices = weightSlices();
        if (part < slices) {
            int from = 0;
            int n = in;
            if (slices > 1) {
                // the first half's slices at the even parts, the second half's at the odd: a thread that runs every
                // other task of two threads (Parallel.forTasks) takes the rows it multiplied with in the forward pass
                int split = inputSplit();
                int start = part % 2 == 0 ? 0 : split;
                int end = part % 2 == 0 ? split : in;
                int perHalf = slices / 2;
                int sliceRows = ((end - start + perHalf - 1) / perHalf + 7) / 8 * 8;   // whole 8-row tiles of GEMM
                from = start + part / 2 * sliceRows;
                n = Math.min(sliceRows, end - from);
            }
            if (n > 0) {
                // from y = x . W:  dW[in x out] = x^T[in x B] . dy[B x out]; rows [from, from + n) of dW from columns [from, from + n) of x
                Gemm.sgemm(TRANS, NO_TRANS, n, out, rows, 1f, x, from, in, dy, 0, out, 0f, parameters().get(0).grad(), from * out, out);
                ready.ready(0, from * out, (from + n) * out);
            }
        } else if (part == slices) {
            // from y += b:     db[out] = sum over rows of dy[B x out]
            Vectors.columnSums(dy, 0, rows, out, out, parameters().get(1).grad(), 0);
            ready.ready(1, 0, out);
        } else {
            throw new IllegalArgumentException(this + " has " + (slices + 1) + " parameter gradient parts, not " + (part + 1));
        }
    }

    @Override
    public String toString() {
        return "dense " + in + " -> " + out;
    }
}
