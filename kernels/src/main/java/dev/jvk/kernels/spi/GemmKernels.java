package dev.jvk.kernels.spi;

import java.lang.foreign.MemorySegment;

/**
 * GEMM and GEMV, row-major: the kernels behind {@code dev.jvk.kernels.Gemm}. {@code transA} (or
 * {@code transB}) is true for {@code Transpose.TRANS}. Arguments are checked by the public class
 * before a call gets here, and {@code m > 0}, {@code n > 0}; the contract of each method is on the
 * public method of the same name.
 */
public interface GemmKernels {
    void sgemm(boolean transA, boolean transB, int m, int n, int k,
               float alpha, float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
               float beta, float[] c, int cOffset, int ldc);

    void dgemm(boolean transA, boolean transB, int m, int n, int k,
               double alpha, double[] a, int aOffset, int lda, double[] b, int bOffset, int ldb,
               double beta, double[] c, int cOffset, int ldc);

    /** Offsets count floats. */
    void sgemm(boolean transA, boolean transB, int m, int n, int k,
               float alpha, MemorySegment a, long aOffset, int lda, MemorySegment b, long bOffset, int ldb,
               float beta, MemorySegment c, long cOffset, int ldc);

    /** Offsets count doubles. */
    void dgemm(boolean transA, boolean transB, int m, int n, int k,
               double alpha, MemorySegment a, long aOffset, int lda, MemorySegment b, long bOffset, int ldb,
               double beta, MemorySegment c, long cOffset, int ldc);

    void sgemv(boolean transA, int m, int n, float alpha, float[] a, int aOffset, int lda,
               float[] x, int xOffset, float beta, float[] y, int yOffset);

    void dgemv(boolean transA, int m, int n, double alpha, double[] a, int aOffset, int lda,
               double[] x, int xOffset, double beta, double[] y, int yOffset);

    /**
     * op(B) packed by {@link #packB}, in the layout the same implementation's {@link #sgemmPacked} reads; the
     * caller keeps it, passes it to every product with that B, and frees it when done.
     */
    interface PackedB {
        /** Frees the memory it holds now, when that is not the heap's (no product may use it after); a second call does nothing. */
        void free();
    }

    /** op(B) ({@code k x n}) in the layout this implementation's {@link #sgemmPacked} reads. */
    PackedB packB(boolean transB, int k, int n, float[] b, int bOffset, int ldb);

    /**
     * {@code C = alpha * op(A) * B + beta * C} with B from {@link #packB} of the same transB, k and n: transB
     * is how B was stored when packed, since a path chosen by shape may depend on it (as {@code sgemm}'s does).
     */
    void sgemmPacked(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOffset, int lda,
                     PackedB packedB, float beta, float[] c, int cOffset, int ldc);

    /**
     * {@link #sgemmPacked} of A as stored with column p of A read as {@code (a - shift[shiftOffset + p]) *
     * scale[scaleOffset + p]}, the difference rounded to float and then the product: C gets the bits
     * {@code sgemmPacked} gives on A so mapped beforehand, and A is not changed.
     */
    void sgemmPackedMapped(boolean transB, int m, int n, int k, float alpha, float[] a, int aOffset, int lda,
                           float[] shift, int shiftOffset, float[] scale, int scaleOffset,
                           PackedB packedB, float beta, float[] c, int cOffset, int ldc);
}
