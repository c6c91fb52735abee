package dev.jvk.kernels.reference;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Scalar reference float GEMM and GEMV: the reference BLAS algorithm ({@code sgemm.f}, {@code sgemv.f})
 * written for row-major storage. The fallback where the Vector API cannot run, and the twin the
 * vector kernels are checked against.
 *
 * <p>GEMM computes {@code C = alpha * op(A) * op(B) + beta * C} row by row: first
 * {@code C[i][:] = beta * C[i][:]} (zeros when {@code beta == 0}, without reading C), then for each
 * {@code p}: {@code C[i][:] += (alpha * op(A)[i][p]) * op(B)[p][:]}. When {@code alpha == 0} A and B
 * are never read. Each term passes through at most {@code k + 2} roundings (alpha times A, the
 * product, {@code k} additions), so {@code |C - exact| <= gamma(k + 2) * (|alpha| |op(A)| |op(B)| + |beta| |C0|)}
 * per element.
 *
 * <p>Arguments are as {@code dev.jvk.kernels.Gemm} documents them, with {@code transA == true}
 * for {@code Transpose.TRANS}, and are not checked here.
 * The {@code MemorySegment} forms take offsets in elements and read native byte order, at any
 * alignment. The single-precision file is written by hand; the double-precision one is generated from
 * it (its first line names the generator).
 */
public final class ReferenceSgemm {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private ReferenceSgemm() {}

    /** {@code C = alpha * op(A) * op(B) + beta * C}; see {@code dev.jvk.kernels.Gemm.sgemm}. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float alpha, float[] a, int aOffset, int lda,
                             float[] b, int bOffset, int ldb,
                             float beta, float[] c, int cOffset, int ldc) {
        // op(A)[i][p] = a[aOffset + i * aRow + p * aCol]; op(B)[p][j] = b[bOffset + p * bRow + j * bCol]
        int aRow = !transA ? lda : 1;
        int aCol = !transA ? 1 : lda;
        int bRow = !transB ? ldb : 1;
        int bCol = !transB ? 1 : ldb;
        for (int i = 0; i < m; i++) {
            int ci = cOffset + i * ldc;
            for (int j = 0; j < n; j++) {
                c[ci + j] = beta == 0 ? 0f : beta * c[ci + j];
            }
            if (alpha == 0) {
                continue;
            }
            for (int p = 0; p < k; p++) {
                float t = alpha * a[aOffset + i * aRow + p * aCol];
                int bp = bOffset + p * bRow;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += t * b[bp + j * bCol];
                }
            }
        }
    }

    /** Off-heap {@code C = alpha * op(A) * op(B) + beta * C}, offsets in floats; see {@link dev.jvk.kernels.Gemm}. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float alpha, MemorySegment a, long aOffset, int lda,
                             MemorySegment b, long bOffset, int ldb,
                             float beta, MemorySegment c, long cOffset, int ldc) {
        long aRow = !transA ? lda : 1;
        long aCol = !transA ? 1 : lda;
        long bRow = !transB ? ldb : 1;
        long bCol = !transB ? 1 : ldb;
        for (int i = 0; i < m; i++) {
            long ci = cOffset + (long) i * ldc;
            for (int j = 0; j < n; j++) {
                c.setAtIndex(FLOAT, ci + j, beta == 0 ? 0f : beta * c.getAtIndex(FLOAT, ci + j));
            }
            if (alpha == 0) {
                continue;
            }
            for (int p = 0; p < k; p++) {
                float t = alpha * a.getAtIndex(FLOAT, aOffset + i * aRow + p * aCol);
                long bp = bOffset + p * bRow;
                for (int j = 0; j < n; j++) {
                    c.setAtIndex(FLOAT, ci + j, c.getAtIndex(FLOAT, ci + j) + t * b.getAtIndex(FLOAT, bp + j * bCol));
                }
            }
        }
    }

    /**
     * {@code y = alpha * op(A) * x + beta * y}, A stored {@code m x n}; see {@code dev.jvk.kernels.Gemm.sgemv}.
     * Each output is {@code beta * y} followed by one addition per term, as {@code sgemv.f} does.
     */
    public static void sgemv(boolean transA, int m, int n, float alpha, float[] a, int aOffset, int lda,
                             float[] x, int xOffset, float beta, float[] y, int yOffset) {
        if (m == 0 || n == 0) {
            return; // as sgemv.f: nothing to do, y untouched
        }
        int rows = !transA ? m : n;   // length of y
        int terms = !transA ? n : m;  // length of x
        int aRow = !transA ? lda : 1; // op(A)[i][p] = a[aOffset + i * aRow + p * aCol]
        int aCol = !transA ? 1 : lda;
        for (int i = 0; i < rows; i++) {
            float s = beta == 0 ? 0f : beta * y[yOffset + i];
            if (alpha != 0) {
                for (int p = 0; p < terms; p++) {
                    s += alpha * x[xOffset + p] * a[aOffset + i * aRow + p * aCol];
                }
            }
            y[yOffset + i] = s;
        }
    }
}
