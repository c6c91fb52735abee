package dev.jvk.kernels;

import dev.jvk.kernels.spi.GemmKernels;

/**
 * The B of a GEMM, packed once for many products: a layer's weights, multiplied by every batch of
 * inputs that comes. {@link Gemm#sgemm} packs op(B) into the panels its micro-kernels read on every
 * call; for a 784 x 256 weight matrix that copy costs about as much as multiplying 16 rows by it.
 * A {@code PackedMatrix} makes the copy once, and {@link #sgemm} reads it.
 *
 * <pre>{@code
 * PackedMatrix w = new PackedMatrix(Transpose.NO_TRANS, in, out, weights, 0, out);
 * w.sgemm(Transpose.NO_TRANS, rows, 1f, x, 0, in, 0f, y, 0, out);   // y = x W
 * }</pre>
 *
 * <p>Each element of C is summed in K blocks of up to 1024 terms ({@code -Djvk.gemm.packedKc}), each block one
 * chain of fused multiply-adds added into C, where {@link Gemm#sgemm} sums blocks of up to 256
 * ({@code -Djvk.gemm.kc}): a deep block costs a call here nothing, since B is never packed again, and saves a
 * pass over C (784 inputs: one block, not four). So up to {@code k = 256}, and when {@code m >= 2} and
 * {@code n >= 2} (a single row or column takes GEMV's summation order there), C is bitwise what
 * {@link Gemm#sgemm} computes from the same operands; deeper it differs from it within the bound. The error
 * bound, quick returns, threads and determinism are {@link Gemm}'s. A single row
 * ({@code m == 1}, batch-1 inference) is summed here as each row of a product of two rows or more is,
 * so a row gets the same bits whatever the number of rows it comes with; it streams B at the speed
 * of the cache that holds it rather than computing a padded register tile. The packed
 * matrix is a copy: later changes to the array it came from are not seen. It is immutable, may be
 * used by several threads at once, and belongs to the kernels that packed it (one set per JVM).
 * It holds about {@code k * n} floats ({@code n} rounded up to whole panels of two vectors), outside the Java heap
 * when n is wider than one vector: there each block of it starts on a cache line, which a heap array does only
 * by chance, and a product reading a misaligned copy from L2 runs up to 1.6x as long (bench/RESULTS-onnx.md).
 * {@link #close} frees that memory at once; otherwise it is freed after the matrix becomes unreachable.
 */
public final class PackedMatrix implements AutoCloseable {
    private static final GemmKernels IMPL = Dispatch.CHOSEN.gemm();

    private final int k;
    private final int n;
    /** B stored transposed: Gemm's path for a shape depends on it, and so do the bits this matrix must match. */
    private final boolean transB;
    private final GemmKernels.PackedB blocks;
    private volatile boolean closed;

    /**
     * Packs op(B), {@code k x n}: B stored {@code k x n} ({@link Transpose#NO_TRANS}, {@code ldb >= max(1, n)})
     * or {@code n x k} and used transposed ({@link Transpose#TRANS}, {@code ldb >= max(1, k)}).
     *
     * @throws NullPointerException      if {@code transB} or {@code b} is null
     * @throws IllegalArgumentException  if {@code k}, {@code n} or {@code bOffset} is negative, or {@code ldb} is short
     * @throws IndexOutOfBoundsException if {@code b} is too short for its offset and shape
     */
    public PackedMatrix(Transpose transB, int k, int n, float[] b, int bOffset, int ldb) {
        Checks.notNull(transB, "transB");
        Checks.notNull(b, "b");
        Checks.size(k, "k");
        Checks.size(n, "n");
        Checks.offsetOf(bOffset, "b");
        boolean trans = transB == Transpose.TRANS;
        Checks.leadingDimensionOf(ldb, trans ? k : n, "b");
        Checks.fits(b.length, bOffset, trans ? Checks.extent(n, k, ldb) : Checks.extent(k, n, ldb), "b");
        this.k = k;
        this.n = n;
        this.transB = trans;
        this.blocks = IMPL.packB(trans, k, n, b, bOffset, ldb);
    }

    /** Rows of op(B): the depth of the products it takes part in. */
    public int k() {
        return k;
    }

    /** Columns of op(B), and of C. */
    public int n() {
        return n;
    }

    /**
     * {@code C = alpha * op(A) * B + beta * C} with this matrix as B: op(A) is {@code m x k()}, stored as
     * {@link Gemm#sgemm} takes it ({@code lda >= max(1, k())} as is, {@code >= max(1, m)} transposed);
     * C is {@code m x n()}, {@code ldc >= max(1, n())}. {@link Gemm#sgemm}'s rules: everything is checked
     * before anything is written, C must not intersect A, {@code beta == 0} never reads C, and
     * {@code alpha == 0} reads no A.
     *
     * @throws NullPointerException      if {@code transA}, {@code a} or {@code c} is null
     * @throws IllegalArgumentException  if {@code m} or an offset is negative, a leading dimension is short, or C intersects A
     * @throws IndexOutOfBoundsException if {@code a} or {@code c} is too short for its offset and shape
     * @throws IllegalStateException     if this matrix is closed
     */
    public void sgemm(Transpose transA, int m, float alpha, float[] a, int aOffset, int lda,
                      float beta, float[] c, int cOffset, int ldc) {
        if (closed) {
            throw new IllegalStateException("this packed matrix is closed");
        }
        Checks.notNull(transA, "transA");
        Checks.notNull(a, "a");
        Checks.notNull(c, "c");
        // this matrix stands for B: an operand that fits (it was checked when packed) and is no array of C's
        Checks.gemmArrays(transA, Transpose.NO_TRANS, m, n, k, a, a.length, aOffset, lda,
                this, (long) k * n, 0, Math.max(1, n), c, c.length, cOffset, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        IMPL.sgemmPacked(transA == Transpose.TRANS, transB, m, n, k, alpha, a, aOffset, lda, blocks, beta, c, cOffset, ldc);
    }

    /**
     * {@link #sgemm} of A as stored ({@link Transpose#NO_TRANS}) with each column p of A read as
     * {@code (a - shift[shiftOffset + p]) * scale[scaleOffset + p]}: the difference rounded to float, then the
     * product, never one fused operation, as a loop of them (or {@link Vectors#sub} then {@link Vectors#mul}) rounds
     * them. C gets bitwise what {@link #sgemm} gives on a copy of A mapped so beforehand; A is not changed. For the
     * input layer of a model whose features are standardised: where the product packs A (two rows or more and C
     * wider than one vector) the map is applied as A is packed, so the pass that writes a mapped copy of the input
     * and the one that packs the copy become one; the other shapes read A in place, and take a mapped copy made
     * first in the calling thread's buffers (as much as A: they then cost what mapping a copy beforehand costs).
     * {@code alpha == 0} reads neither A nor the map.
     *
     * @throws NullPointerException      if {@code a}, {@code shift}, {@code scale} or {@code c} is null
     * @throws IllegalArgumentException  as {@link #sgemm}, or if C intersects {@code shift} or {@code scale}
     * @throws IndexOutOfBoundsException as {@link #sgemm}, or if {@code shift} or {@code scale} holds fewer than
     *                                   {@link #k()} values from its offset
     * @throws IllegalStateException     if this matrix is closed
     */
    public void sgemmMapped(int m, float alpha, float[] a, int aOffset, int lda, float[] shift, int shiftOffset,
                            float[] scale, int scaleOffset, float beta, float[] c, int cOffset, int ldc) {
        if (closed) {
            throw new IllegalStateException("this packed matrix is closed");
        }
        Checks.notNull(a, "a");
        Checks.notNull(c, "c");
        Checks.gemmArrays(Transpose.NO_TRANS, Transpose.NO_TRANS, m, n, k, a, a.length, aOffset, lda,
                this, (long) k * n, 0, Math.max(1, n), c, c.length, cOffset, ldc);
        Checks.vector(shift, shiftOffset, k, "shift");
        Checks.vector(scale, scaleOffset, k, "scale");
        // later K blocks pack A after C's first writes: C must not hold the map either
        long cExtent = Checks.extent(m, n, ldc);
        Checks.disjoint(c, cOffset, cExtent, "c", shift, shiftOffset, k, "shift");
        Checks.disjoint(c, cOffset, cExtent, "c", scale, scaleOffset, k, "scale");
        if (m == 0 || n == 0) {
            return;
        }
        IMPL.sgemmPackedMapped(transB, m, n, k, alpha, a, aOffset, lda, shift, shiftOffset, scale, scaleOffset, blocks, beta,
                c, cOffset, ldc);
    }

    /**
     * Frees the packed copy now rather than when the garbage collector finds this matrix unreachable (its memory,
     * outside the heap, does not prompt a collection): for a caller that packs again and again, such as a model
     * whose weights change between evaluations. Later products throw {@link IllegalStateException}; a second call
     * does nothing. Not while another thread multiplies by this matrix.
     */
    @Override
    public void close() {
        closed = true;
        blocks.free();
    }
}
