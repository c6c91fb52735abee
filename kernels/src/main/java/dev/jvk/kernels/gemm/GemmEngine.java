package dev.jvk.kernels.gemm;

import dev.jvk.kernels.spi.GemmKernels;
import java.lang.foreign.MemorySegment;

/** The Vector API GEMM and GEMV: the loop nests of {@link Sgemm} and {@link Dgemm}, and {@link Sgemv} and {@link Dgemv}. */
public final class GemmEngine implements GemmKernels {

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                      float beta, float[] c, int cOffset, int ldc) {
        Sgemm.gemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    }

    @Override
    public void dgemm(boolean transA, boolean transB, int m, int n, int k,
                      double alpha, double[] a, int aOffset, int lda, double[] b, int bOffset, int ldb,
                      double beta, double[] c, int cOffset, int ldc) {
        Dgemm.gemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, MemorySegment a, long aOffset, int lda, MemorySegment b, long bOffset, int ldb,
                      float beta, MemorySegment c, long cOffset, int ldc) {
        Sgemm.gemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    }

    @Override
    public void dgemm(boolean transA, boolean transB, int m, int n, int k,
                      double alpha, MemorySegment a, long aOffset, int lda, MemorySegment b, long bOffset, int ldb,
                      double beta, MemorySegment c, long cOffset, int ldc) {
        Dgemm.gemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    }

    @Override
    public void sgemv(boolean transA, int m, int n, float alpha, float[] a, int aOffset, int lda,
                      float[] x, int xOffset, float beta, float[] y, int yOffset) {
        Sgemv.gemv(transA, m, n, alpha, a, aOffset, lda, x, xOffset, beta, y, yOffset);
    }

    @Override
    public void dgemv(boolean transA, int m, int n, double alpha, double[] a, int aOffset, int lda,
                      double[] x, int xOffset, double beta, double[] y, int yOffset) {
        Dgemv.gemv(transA, m, n, alpha, a, aOffset, lda, x, xOffset, beta, y, yOffset);
    }

    @Override
    public PackedB packB(boolean transB, int k, int n, float[] b, int bOffset, int ldb) {
        return SgemmPrepacked.packB(transB, k, n, b, bOffset, ldb);
    }

    @Override
    public void sgemmPacked(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOffset, int lda,
                            PackedB packedB, float beta, float[] c, int cOffset, int ldc) {
        SgemmPrepacked.gemm(transA, transB, m, n, k, alpha, a, aOffset, lda, (SgemmPrepacked.Packed) packedB, beta, c, cOffset, ldc);
    }

    @Override
    public void sgemmPackedMapped(boolean transB, int m, int n, int k, float alpha, float[] a, int aOffset, int lda,
                                  float[] shift, int shiftOffset, float[] scale, int scaleOffset,
                                  PackedB packedB, float beta, float[] c, int cOffset, int ldc) {
        SgemmPrepacked.gemmMapped(transB, m, n, k, alpha, a, aOffset, lda, shift, shiftOffset, scale, scaleOffset,
                (SgemmPrepacked.Packed) packedB, beta, c, cOffset, ldc);
    }
}
