package dev.jvk.properties.support;

import dev.jvk.kernels.Transpose;
import dev.jvk.kernels.reference.ReferenceSgemm;
import dev.jvk.kernels.reference.ReferenceDgemm;
import java.lang.foreign.MemorySegment;

/**
 * The reference GEMM and GEMV with the public {@link Transpose} arguments, so that a property can
 * run the reference and {@code Gemm} through the same functional interface. (The reference itself
 * takes booleans: nothing below the public package depends on it.)
 */
public final class ReferenceBlas {
    private ReferenceBlas() {}

    public static void sgemm(Transpose transA, Transpose transB, int m, int n, int k,
                             float alpha, float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                             float beta, float[] c, int cOffset, int ldc) {
        ReferenceSgemm.sgemm(transA == Transpose.TRANS, transB == Transpose.TRANS, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    }

    public static void dgemm(Transpose transA, Transpose transB, int m, int n, int k,
                             double alpha, double[] a, int aOffset, int lda, double[] b, int bOffset, int ldb,
                             double beta, double[] c, int cOffset, int ldc) {
        ReferenceDgemm.dgemm(transA == Transpose.TRANS, transB == Transpose.TRANS, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    }

    public static void sgemm(Transpose transA, Transpose transB, int m, int n, int k,
                             float alpha, MemorySegment a, long aOffset, int lda, MemorySegment b, long bOffset, int ldb,
                             float beta, MemorySegment c, long cOffset, int ldc) {
        ReferenceSgemm.sgemm(transA == Transpose.TRANS, transB == Transpose.TRANS, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    }

    public static void dgemm(Transpose transA, Transpose transB, int m, int n, int k,
                             double alpha, MemorySegment a, long aOffset, int lda, MemorySegment b, long bOffset, int ldb,
                             double beta, MemorySegment c, long cOffset, int ldc) {
        ReferenceDgemm.dgemm(transA == Transpose.TRANS, transB == Transpose.TRANS, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    }

    public static void sgemv(Transpose transA, int m, int n, float alpha, float[] a, int aOffset, int lda,
                             float[] x, int xOffset, float beta, float[] y, int yOffset) {
        ReferenceSgemm.sgemv(transA == Transpose.TRANS, m, n, alpha, a, aOffset, lda, x, xOffset, beta, y, yOffset);
    }

    public static void dgemv(Transpose transA, int m, int n, double alpha, double[] a, int aOffset, int lda,
                             double[] x, int xOffset, double beta, double[] y, int yOffset) {
        ReferenceDgemm.dgemv(transA == Transpose.TRANS, m, n, alpha, a, aOffset, lda, x, xOffset, beta, y, yOffset);
    }
}
