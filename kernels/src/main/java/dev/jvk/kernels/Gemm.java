package dev.jvk.kernels;

import dev.jvk.kernels.platform.Platform;
import dev.jvk.kernels.spi.GemmKernels;
import java.lang.foreign.MemorySegment;

/**
 * General matrix multiply (GEMM) and matrix-vector multiply (GEMV), row-major, CBLAS argument order.
 *
 * <h2>Shapes</h2>
 * {@code op(A)} is {@code m x k} and {@code op(B)} is {@code k x n}; C is {@code m x n}. Every
 * matrix is row-major: element {@code (i, j)} of a matrix stored from {@code offset} with leading
 * dimension {@code ld} is at {@code offset + i * ld + j}. With {@link Transpose#NO_TRANS} A is stored
 * as {@code m x k} ({@code lda >= max(1, k)}); with {@link Transpose#TRANS} it is stored as
 * {@code k x m} ({@code lda >= max(1, m)}) and used transposed. B likewise with {@code ldb};
 * {@code ldc >= max(1, n)}.
 *
 * <h2>Argument rules</h2>
 * As BLAS {@code xerbla}, with Java exceptions, all thrown before anything is written:
 * a null array, segment or {@link Transpose}: {@link NullPointerException} naming it; a negative
 * size or offset, or a short leading dimension: {@link IllegalArgumentException} naming the
 * parameter and the value expected; an array too short for its offset and shape:
 * {@link IndexOutOfBoundsException} naming it (extents computed in {@code long}; a matrix with a
 * zero dimension has no extent); C intersecting A or B in the same array (or the same memory):
 * {@link IllegalArgumentException}. A and B may share an array.
 *
 * <h2>Quick returns (as BLAS), after the checks</h2>
 * {@code m == 0 || n == 0}: nothing is touched. {@code alpha == 0 || k == 0}: {@code C = beta * C}
 * and A and B are not read. {@code beta == 0}: C is overwritten without being read, so a NaN or
 * infinity in C does not survive.
 *
 * <h2>Accuracy and determinism</h2>
 * Each element is {@code alpha * s + beta * C0} where {@code s}, the dot product of a row of op(A)
 * and a column of op(B), is summed in order with fused multiply-adds in blocks of at most
 * {@code kc} terms ({@code -Djvk.gemm.kc}), each block added into C with one more fused
 * multiply-add. No term passes through more than {@code k + 2} roundings, so per element
 * {@code |C - exact| <= gamma(k + 2) * (|alpha| |op(A)| |op(B)| + |beta| |C0|)}, with
 * {@code gamma(d) = d u / (1 - d u)} and u = 2^-24 for float, 2^-53 for double. The same inputs give bitwise the same C on every run, at
 * every JIT tier and for every thread count ({@link #setThreads}): K is never split between threads.
 * Different vector widths, block sizes and the scalar fallback may differ within the bound.
 *
 * <h2>Threads</h2>
 * Large products are split between up to {@link #threads()} threads, and never more than the
 * available processors: the caller's thread and jvk's own daemon threads, which split the rows or
 * the columns of C (from 4 threads on, sharing one packed block of B). Each product gets as many threads as keep at least about
 * 20 microseconds of work each; smaller products run on the caller's thread, so a product is never
 * slower for more threads. Calls from several threads at once are safe; one call at a time gets
 * the daemon threads, and the others run on their callers' threads alone, so callers that are
 * already parallel are not oversubscribed (docs/threads.md). An interrupt does not stop a call (the
 * daemon threads may still be reading and writing its operands): the call completes and the caller's
 * interrupt status is kept. The daemon threads live as long as the JVM and take nothing from the
 * thread whose call starts them: no {@link InheritableThreadLocal} values, jvk's own class loader
 * as their context class loader, and the normal priority.
 */
public final class Gemm {
    private static final GemmKernels IMPL = Dispatch.CHOSEN.gemm();

    private Gemm() {}

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C} in float, row-major (CBLAS {@code cblas_sgemm}
     * with {@code CblasRowMajor}). See the class comment for shapes, argument rules, quick returns,
     * the error bound and threads.
     *
     * @throws NullPointerException      if a transpose or an array is null
     * @throws IllegalArgumentException  if a size or offset is negative, a leading dimension is short,
     *                                   or C intersects A or B in the same array
     * @throws IndexOutOfBoundsException if an array is too short for its offset and shape
     */
    public static void sgemm(Transpose transA, Transpose transB, int m, int n, int k,
                             float alpha, float[] a, int aOffset, int lda,
                             float[] b, int bOffset, int ldb,
                             float beta, float[] c, int cOffset, int ldc) {
        Checks.gemm(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        IMPL.sgemm(transA == Transpose.TRANS, transB == Transpose.TRANS, m, n, k,
                    alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    }

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C} in float on whole arrays with minimal leading
     * dimensions: {@code sgemm(transA, transB, m, n, k, alpha, a, 0, lda, b, 0, ldb, beta, c, 0, ldc)}
     * where each leading dimension is {@code max(1, stored column count)}.
     */
    public static void sgemm(Transpose transA, Transpose transB, int m, int n, int k,
                             float alpha, float[] a, float[] b, float beta, float[] c) {
        Checks.notNull(transA, "transA");
        Checks.notNull(transB, "transB");
        sgemm(transA, transB, m, n, k, alpha, a, 0, Math.max(1, transA == Transpose.NO_TRANS ? k : m),
                b, 0, Math.max(1, transB == Transpose.NO_TRANS ? n : k), beta, c, 0, Math.max(1, n));
    }

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C} in double, row-major (CBLAS {@code cblas_dgemm}
     * with {@code CblasRowMajor}). The same contract as {@link #sgemm} with u = 2^-53.
     *
     * @throws NullPointerException      if a transpose or an array is null
     * @throws IllegalArgumentException  if a size or offset is negative, a leading dimension is short,
     *                                   or C intersects A or B in the same array
     * @throws IndexOutOfBoundsException if an array is too short for its offset and shape
     */
    public static void dgemm(Transpose transA, Transpose transB, int m, int n, int k,
                             double alpha, double[] a, int aOffset, int lda,
                             double[] b, int bOffset, int ldb,
                             double beta, double[] c, int cOffset, int ldc) {
        Checks.gemm(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        IMPL.dgemm(transA == Transpose.TRANS, transB == Transpose.TRANS, m, n, k,
                    alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    }

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C} in float on off-heap memory (a mapped file, an
     * arena's allocation) or any {@link MemorySegment}. Offsets count floats, not bytes; elements are
     * read and written in the native byte order at any alignment. The same contract as the array
     * form: a segment too small for its offset and shape is an {@link IndexOutOfBoundsException};
     * C overlapping A or B anywhere in memory an {@link IllegalArgumentException} (found by address:
     * two mappings of the same region of a file are different memory to this check, so C must not be
     * mapped over the file bytes A or B are mapped from); a read-only C an
     * {@link IllegalArgumentException}. A segment of a closed arena gives an
     * {@link IllegalStateException}, one confined to another thread a {@link WrongThreadException},
     * both before anything is written. Segments confined to the caller's thread are multiplied on
     * that thread alone; shared and global segments may use all {@link #threads()}.
     */
    public static void sgemm(Transpose transA, Transpose transB, int m, int n, int k,
                             float alpha, MemorySegment a, long aOffset, int lda,
                             MemorySegment b, long bOffset, int ldb,
                             float beta, MemorySegment c, long cOffset, int ldc) {
        Checks.gemm(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, Float.BYTES);
        if (m == 0 || n == 0) {
            return;
        }
        IMPL.sgemm(transA == Transpose.TRANS, transB == Transpose.TRANS, m, n, k,
                    alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    }

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C} in double on {@link MemorySegment}s, offsets
     * counting doubles; the same contract as the float segment form.
     */
    public static void dgemm(Transpose transA, Transpose transB, int m, int n, int k,
                             double alpha, MemorySegment a, long aOffset, int lda,
                             MemorySegment b, long bOffset, int ldb,
                             double beta, MemorySegment c, long cOffset, int ldc) {
        Checks.gemm(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, Double.BYTES);
        if (m == 0 || n == 0) {
            return;
        }
        IMPL.dgemm(transA == Transpose.TRANS, transB == Transpose.TRANS, m, n, k,
                    alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    }

    /**
     * {@code y = alpha * op(A) * x + beta * y} in float, row-major (CBLAS {@code cblas_sgemv} with
     * {@code CblasRowMajor} and unit increments): the batch-1 inference path.
     *
     * <p>A is stored {@code m x n} with {@code lda >= max(1, n)}. With {@link Transpose#NO_TRANS}
     * x has n elements and y has m; with {@link Transpose#TRANS} x has m and y has n. y must not
     * intersect A or x in the same array. Quick returns as {@code sgemv.f}: {@code m == 0 || n == 0}
     * touches nothing; {@code alpha == 0} gives {@code y = beta * y} without reading A or x;
     * {@code beta == 0} overwrites y without reading it. Each y is a sum of {@code d} terms
     * ({@code d = n} for NO_TRANS, {@code m} for TRANS), reordered over a few vector accumulators:
     * {@code |y - exact| <= gamma(d + 2) * (|alpha| |op(A)| |x| + |beta| |y0|)}. Runs on the
     * caller's thread.
     *
     * @throws NullPointerException      if transA or an array is null
     * @throws IllegalArgumentException  if a size or offset is negative, lda is short, or y
     *                                   intersects A or x in the same array
     * @throws IndexOutOfBoundsException if an array is too short for its offset and shape
     */
    public static void sgemv(Transpose transA, int m, int n, float alpha, float[] a, int aOffset, int lda,
                             float[] x, int xOffset, float beta, float[] y, int yOffset) {
        Checks.gemv(transA, m, n, a, aOffset, lda, x, xOffset, y, yOffset);
        if (m == 0 || n == 0) {
            return;
        }
        IMPL.sgemv(transA == Transpose.TRANS, m, n, alpha, a, aOffset, lda, x, xOffset, beta, y, yOffset);
    }

    /**
     * {@code y = alpha * op(A) * x + beta * y} in double: the contract of {@link #sgemv} with
     * u = 2^-53.
     */
    public static void dgemv(Transpose transA, int m, int n, double alpha, double[] a, int aOffset, int lda,
                             double[] x, int xOffset, double beta, double[] y, int yOffset) {
        Checks.gemv(transA, m, n, a, aOffset, lda, x, xOffset, y, yOffset);
        if (m == 0 || n == 0) {
            return;
        }
        IMPL.dgemv(transA == Transpose.TRANS, m, n, alpha, a, aOffset, lda, x, xOffset, beta, y, yOffset);
    }

    /**
     * Sets the number of threads GEMM uses, the caller's included: {@code 1 <= threads <= 4 x}
     * {@link Runtime#availableProcessors()} (more would only add idle threads, each holding its own
     * packing buffers). Results do not depend on it.
     *
     * @throws IllegalArgumentException if {@code threads < 1} or above 4 x the available processors
     */
    public static void setThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        if (threads > Platform.MAX_THREADS) {
            throw new IllegalArgumentException("threads must be <= " + Platform.MAX_THREADS
                    + " (4 x the available processors), got " + threads);
        }
        Platform.setThreads(threads);
    }

    /**
     * The number of threads GEMM uses: {@code -Djvk.threads}, else the available processors, unless
     * set; at most 4 x the available processors.
     */
    public static int threads() {
        return Platform.threads();
    }
}
