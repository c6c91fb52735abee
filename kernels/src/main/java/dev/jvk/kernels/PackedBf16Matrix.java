package dev.jvk.kernels;

import dev.jvk.kernels.spi.GemmKernels;
import dev.jvk.kernels.spi.LowPrecisionKernels;

/**
 * bf16 weights laid out once for fast products with float activations: the B of
 * {@link LowPrecision#sgemmBf16} ({@code n x k}, a row per output), rearranged so that the batch-1
 * product {@link #sgemv} streams one array at the memory's speed with no work across lanes. Batch-1
 * inference on a model larger than the caches reads every weight once per call, so its time is the
 * bytes read over the bandwidth; laid out this way the bf16 GEMV reads faster than the row-major
 * {@link LowPrecision#sgemvBf16} (bench/RESULTS-lowp.md).
 *
 * <pre>{@code
 * PackedBf16Matrix w = new PackedBf16Matrix(out, in, weights, 0, in);   // weights: out x in bf16
 * w.sgemv(x, 0, y, 0);                                                 // y = W x
 * w.sgemm(rows, xs, 0, in, ys, 0, out);                                // ys = xs W^T
 * }</pre>
 *
 * <p>Layout: groups of 32 rows, each a contiguous {@code k x 32} block in which rows t and 16 + t
 * ({@code t < 16}) sit side by side, then the last {@code n % 32} rows as one {@code k x (n % 32)} block:
 * exactly {@code n * k} shorts, the bytes of the rows. It does not depend on the vector width, so one
 * layout serves every path.
 *
 * <p>Results: {@link #sgemv} sums each output as {@link LowPrecision#sgemvBf16}'s reference does, a
 * chain of fused multiply-adds over the columns in order from zero, on every path and at every vector
 * width (bitwise the scalar reference); {@link #sgemm} with two rows or more runs on the float GEMM and
 * is within {@link LowPrecision}'s bound for the mixed kernels with {@code d = k}. The matrix is a copy
 * (later changes to the array it came from are not seen), immutable, and may be used by several
 * threads at once.
 */
public final class PackedBf16Matrix {
    private static final LowPrecisionKernels IMPL = Dispatch.CHOSEN.lowPrecision();
    private static final GemmKernels GEMM = Dispatch.CHOSEN.gemm();

    private final int n;
    private final int k;
    private final short[] packed;

    /**
     * Packs B, {@code n x k} bf16 stored by rows ({@code ldb >= max(1, k)}), row j the weights of output j.
     *
     * @throws NullPointerException      if {@code b} is null
     * @throws IllegalArgumentException  if {@code n}, {@code k} or {@code bOffset} is negative, or {@code ldb} is short
     * @throws IndexOutOfBoundsException if {@code b} is too short for its offset and shape
     */
    public PackedBf16Matrix(int n, int k, short[] b, int bOffset, int ldb) {
        Checks.notNull(b, "b");
        Checks.size(n, "n");
        Checks.size(k, "k");
        Checks.offsetOf(bOffset, "b");
        Checks.leadingDimensionOf(ldb, k, "b");
        Checks.fits(b.length, bOffset, Checks.extent(n, k, ldb), "b");
        this.n = n;
        this.k = k;
        this.packed = new short[n * k]; // fits: b holds at least n * k elements
        for (int j = 0; j < n; j++) {
            int at = (int) LowPrecisionKernels.bf16PackedIndex(j, n, k);
            int stride = LowPrecisionKernels.bf16PackedStride(j, n);
            int row = bOffset + j * ldb;
            for (int p = 0; p < k; p++) {
                packed[at + p * stride] = b[row + p];
            }
        }
    }

    /** Rows of B: the outputs of a product. */
    public int n() {
        return n;
    }

    /** Columns of B: the inputs of a product. */
    public int k() {
        return k;
    }

    /**
     * Copies B back into {@code b}, {@code n x k} by rows ({@code ldb >= max(1, k)}): the bits it was packed from.
     *
     * @throws NullPointerException      if {@code b} is null
     * @throws IllegalArgumentException  if {@code bOffset} is negative or {@code ldb} is short
     * @throws IndexOutOfBoundsException if {@code b} is too short for its offset and shape
     */
    public void copyTo(short[] b, int bOffset, int ldb) {
        Checks.notNull(b, "b");
        Checks.offsetOf(bOffset, "b");
        Checks.leadingDimensionOf(ldb, k, "b");
        Checks.fits(b.length, bOffset, Checks.extent(n, k, ldb), "b");
        for (int j = 0; j < n; j++) {
            int at = (int) LowPrecisionKernels.bf16PackedIndex(j, n, k);
            int stride = LowPrecisionKernels.bf16PackedStride(j, n);
            int row = bOffset + j * ldb;
            for (int p = 0; p < k; p++) {
                b[row + p] = packed[at + p * stride];
            }
        }
    }

    /**
     * {@code y = B x}: x has {@code k()} floats, y gets {@code n()} (zeros when {@code k() == 0}). The batch-1
     * product; each output the in-order fma chain of the class comment.
     *
     * @throws NullPointerException      if {@code x} or {@code y} is null
     * @throws IllegalArgumentException  if an offset is negative, or y overlaps x in the same array
     * @throws IndexOutOfBoundsException if {@code x} or {@code y} is too short for its offset and length
     */
    public void sgemv(float[] x, int xOffset, float[] y, int yOffset) {
        Checks.notNull(x, "x");
        Checks.notNull(y, "y");
        Checks.vector(x, xOffset, k, "x");
        Checks.vector(y, yOffset, n, "y");
        Checks.disjoint(y, yOffset, n, "y", x, xOffset, k, "x");
        if (n == 0) {
            return;
        }
        IMPL.sgemvBf16Packed(n, k, packed, x, xOffset, y, yOffset);
    }

    /**
     * {@code C = A * B^T}: A is {@code m x k()} floats ({@code lda >= max(1, k())}), C is {@code m x n()}
     * ({@code ldc >= max(1, n())}), overwritten. One row is {@link #sgemv}; more run on the float GEMM, a
     * group of 32 rows of B widened at a time.
     *
     * @throws NullPointerException      if {@code a} or {@code c} is null
     * @throws IllegalArgumentException  if {@code m} or an offset is negative, a leading dimension is short, or C intersects A
     * @throws IndexOutOfBoundsException if {@code a} or {@code c} is too short for its offset and shape
     */
    public void sgemm(int m, float[] a, int aOffset, int lda, float[] c, int cOffset, int ldc) {
        Checks.notNull(a, "a");
        Checks.notNull(c, "c");
        // this matrix stands for B: an operand that fits (it was checked when packed) and is no array of C's
        Checks.gemmArrays(Transpose.NO_TRANS, Transpose.TRANS, m, n, k, a, a.length, aOffset, lda,
                this, (long) n * k, 0, Math.max(1, k), c, c.length, cOffset, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        IMPL.sgemmBf16Packed(GEMM, m, n, k, a, aOffset, lda, packed, c, cOffset, ldc);
    }
}
