package dev.jvk.kernels.reference;

import dev.jvk.kernels.spi.ActivationKernels;
import dev.jvk.kernels.spi.GemmKernels;
import dev.jvk.kernels.spi.LowPrecisionKernels;
import dev.jvk.kernels.spi.ReductionKernels;
import dev.jvk.kernels.spi.SoftmaxKernels;
import dev.jvk.kernels.spi.VectorKernels;
import java.lang.foreign.MemorySegment;

/**
 * The scalar reference as an implementation of the kernel interfaces: what runs where the Vector
 * API cannot. Each method is its static twin in {@link ReferenceActivations}, {@link ReferenceReductions},
 * {@link ReferenceVectors}, {@link ReferenceSoftmax}, {@link ReferenceSgemm}, {@link ReferenceDgemm} or {@link ReferenceLowPrecision}, which tests and
 * benchmarks call directly.
 */
public final class ReferenceKernels implements ActivationKernels, ReductionKernels, VectorKernels, SoftmaxKernels, GemmKernels,
        LowPrecisionKernels {

    // ================================================================ ActivationKernels
    @Override
    public void relu(float[] x, int xOffset, float[] y, int yOffset, int n) {
        ReferenceActivations.relu(x, xOffset, y, yOffset, n);
    }
    @Override
    public void leakyRelu(float alpha, float[] x, int xOffset, float[] y, int yOffset, int n) {
        ReferenceActivations.leakyRelu(alpha, x, xOffset, y, yOffset, n);
    }
    @Override
    public void exp(float[] x, int xOffset, float[] y, int yOffset, int n) {
        ReferenceActivations.exp(x, xOffset, y, yOffset, n);
    }
    @Override
    public void log(float[] x, int xOffset, float[] y, int yOffset, int n) {
        ReferenceActivations.log(x, xOffset, y, yOffset, n);
    }
    @Override
    public void sigmoid(float[] x, int xOffset, float[] y, int yOffset, int n) {
        ReferenceActivations.sigmoid(x, xOffset, y, yOffset, n);
    }
    @Override
    public void tanh(float[] x, int xOffset, float[] y, int yOffset, int n) {
        ReferenceActivations.tanh(x, xOffset, y, yOffset, n);
    }
    @Override
    public void silu(float[] x, int xOffset, float[] y, int yOffset, int n) {
        ReferenceActivations.silu(x, xOffset, y, yOffset, n);
    }
    @Override
    public void softplus(float[] x, int xOffset, float[] y, int yOffset, int n) {
        ReferenceActivations.softplus(x, xOffset, y, yOffset, n);
    }
    @Override
    public void geluTanh(float[] x, int xOffset, float[] y, int yOffset, int n) {
        ReferenceActivations.geluTanh(x, xOffset, y, yOffset, n);
    }
    @Override
    public void geluErf(float[] x, int xOffset, float[] y, int yOffset, int n) {
        ReferenceActivations.geluErf(x, xOffset, y, yOffset, n);
    }
    @Override
    public void siluBackward(float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        ReferenceActivations.siluBackward(x, xOffset, dy, dyOffset, dx, dxOffset, n);
    }
    @Override
    public void geluTanhBackward(float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        ReferenceActivations.geluTanhBackward(x, xOffset, dy, dyOffset, dx, dxOffset, n);
    }
    @Override
    public void geluErfBackward(float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        ReferenceActivations.geluErfBackward(x, xOffset, dy, dyOffset, dx, dxOffset, n);
    }
    @Override
    public void reluBackward(float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        ReferenceActivations.reluBackward(x, xOffset, dy, dyOffset, dx, dxOffset, n);
    }
    @Override
    public void leakyReluBackward(float alpha, float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        ReferenceActivations.leakyReluBackward(alpha, x, xOffset, dy, dyOffset, dx, dxOffset, n);
    }
    @Override
    public void sigmoidBackward(float[] y, int yOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        ReferenceActivations.sigmoidBackward(y, yOffset, dy, dyOffset, dx, dxOffset, n);
    }
    @Override
    public void tanhBackward(float[] y, int yOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        ReferenceActivations.tanhBackward(y, yOffset, dy, dyOffset, dx, dxOffset, n);
    }
    @Override
    public void softplusBackward(float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        ReferenceActivations.softplusBackward(x, xOffset, dy, dyOffset, dx, dxOffset, n);
    }
    @Override
    public void addBiasRelu(float[] bias, int biasOffset, float[] x, int xOffset, int rows, int cols, int ld) {
        ReferenceActivations.addBiasRelu(bias, biasOffset, x, xOffset, rows, cols, ld);
    }
    @Override
    public void addBiasLeakyRelu(float alpha, float[] bias, int biasOffset, float[] x, int xOffset, int rows, int cols, int ld) {
        ReferenceActivations.addBiasLeakyRelu(alpha, bias, biasOffset, x, xOffset, rows, cols, ld);
    }

    // ================================================================ ReductionKernels
    @Override
    public float sum(float[] x, int offset, int n) {
        return ReferenceReductions.sum(x, offset, n);
    }
    @Override
    public float asum(float[] x, int offset, int n) {
        return ReferenceReductions.asum(x, offset, n);
    }
    @Override
    public float dot(float[] x, int xOffset, float[] y, int yOffset, int n) {
        return ReferenceReductions.dot(x, xOffset, y, yOffset, n);
    }
    @Override
    public float mean(float[] x, int offset, int n) {
        return ReferenceReductions.mean(x, offset, n);
    }
    @Override
    public float variance(float[] x, int offset, int n) {
        return ReferenceReductions.variance(x, offset, n);
    }
    @Override
    public float nrm2(float[] x, int offset, int n) {
        return ReferenceReductions.nrm2(x, offset, n);
    }
    @Override
    public float logSumExp(float[] x, int offset, int n) {
        return ReferenceReductions.logSumExp(x, offset, n);
    }
    @Override
    public float max(float[] x, int offset, int n) {
        return ReferenceReductions.max(x, offset, n);
    }
    @Override
    public float min(float[] x, int offset, int n) {
        return ReferenceReductions.min(x, offset, n);
    }
    @Override
    public int argmax(float[] x, int offset, int n) {
        return ReferenceReductions.argmax(x, offset, n);
    }
    @Override
    public double sum(double[] x, int offset, int n) {
        return ReferenceReductions.sum(x, offset, n);
    }
    @Override
    public double asum(double[] x, int offset, int n) {
        return ReferenceReductions.asum(x, offset, n);
    }
    @Override
    public double dot(double[] x, int xOffset, double[] y, int yOffset, int n) {
        return ReferenceReductions.dot(x, xOffset, y, yOffset, n);
    }
    @Override
    public double mean(double[] x, int offset, int n) {
        return ReferenceReductions.mean(x, offset, n);
    }
    @Override
    public double variance(double[] x, int offset, int n) {
        return ReferenceReductions.variance(x, offset, n);
    }
    @Override
    public double nrm2(double[] x, int offset, int n) {
        return ReferenceReductions.nrm2(x, offset, n);
    }
    @Override
    public double logSumExp(double[] x, int offset, int n) {
        return ReferenceReductions.logSumExp(x, offset, n);
    }
    @Override
    public double max(double[] x, int offset, int n) {
        return ReferenceReductions.max(x, offset, n);
    }
    @Override
    public double min(double[] x, int offset, int n) {
        return ReferenceReductions.min(x, offset, n);
    }
    @Override
    public int argmax(double[] x, int offset, int n) {
        return ReferenceReductions.argmax(x, offset, n);
    }

    // ================================================================ VectorKernels
    @Override
    public void axpy(float alpha, float[] x, int xOffset, float[] y, int yOffset, int n) {
        ReferenceVectors.axpy(alpha, x, xOffset, y, yOffset, n);
    }
    @Override
    public void scal(float alpha, float[] x, int offset, int n) {
        ReferenceVectors.scal(alpha, x, offset, n);
    }
    @Override
    public void add(float[] x, int xOffset, float[] y, int yOffset, float[] z, int zOffset, int n) {
        ReferenceVectors.add(x, xOffset, y, yOffset, z, zOffset, n);
    }
    @Override
    public void sub(float[] x, int xOffset, float[] y, int yOffset, float[] z, int zOffset, int n) {
        ReferenceVectors.sub(x, xOffset, y, yOffset, z, zOffset, n);
    }
    @Override
    public void mul(float[] x, int xOffset, float[] y, int yOffset, float[] z, int zOffset, int n) {
        ReferenceVectors.mul(x, xOffset, y, yOffset, z, zOffset, n);
    }
    @Override
    public void copy(float[] x, int xOffset, float[] y, int yOffset, int n) {
        ReferenceVectors.copy(x, xOffset, y, yOffset, n);
    }
    @Override
    public void fill(float value, float[] x, int offset, int n) {
        ReferenceVectors.fill(value, x, offset, n);
    }
    @Override
    public void addBias(float[] bias, int biasOffset, float[] x, int xOffset, int rows, int cols, int ld) {
        ReferenceVectors.addBias(bias, biasOffset, x, xOffset, rows, cols, ld);
    }
    @Override
    public void columnSums(float[] x, int xOffset, int rows, int cols, int ld, float[] out, int outOffset) {
        ReferenceVectors.columnSums(x, xOffset, rows, cols, ld, out, outOffset);
    }
    @Override
    public void axpy(double alpha, double[] x, int xOffset, double[] y, int yOffset, int n) {
        ReferenceVectors.axpy(alpha, x, xOffset, y, yOffset, n);
    }
    @Override
    public void scal(double alpha, double[] x, int offset, int n) {
        ReferenceVectors.scal(alpha, x, offset, n);
    }
    @Override
    public void add(double[] x, int xOffset, double[] y, int yOffset, double[] z, int zOffset, int n) {
        ReferenceVectors.add(x, xOffset, y, yOffset, z, zOffset, n);
    }
    @Override
    public void sub(double[] x, int xOffset, double[] y, int yOffset, double[] z, int zOffset, int n) {
        ReferenceVectors.sub(x, xOffset, y, yOffset, z, zOffset, n);
    }
    @Override
    public void mul(double[] x, int xOffset, double[] y, int yOffset, double[] z, int zOffset, int n) {
        ReferenceVectors.mul(x, xOffset, y, yOffset, z, zOffset, n);
    }
    @Override
    public void copy(double[] x, int xOffset, double[] y, int yOffset, int n) {
        ReferenceVectors.copy(x, xOffset, y, yOffset, n);
    }
    @Override
    public void fill(double value, double[] x, int offset, int n) {
        ReferenceVectors.fill(value, x, offset, n);
    }
    @Override
    public void addBias(double[] bias, int biasOffset, double[] x, int xOffset, int rows, int cols, int ld) {
        ReferenceVectors.addBias(bias, biasOffset, x, xOffset, rows, cols, ld);
    }
    @Override
    public void columnSums(double[] x, int xOffset, int rows, int cols, int ld, double[] out, int outOffset) {
        ReferenceVectors.columnSums(x, xOffset, rows, cols, ld, out, outOffset);
    }

    // ================================================================ SoftmaxKernels
    @Override
    public void softmax(float[] x, int xOffset, int rows, int cols, int ldx, float[] y, int yOffset, int ldy) {
        ReferenceSoftmax.softmax(x, xOffset, rows, cols, ldx, y, yOffset, ldy);
    }
    @Override
    public void logSoftmax(float[] x, int xOffset, int rows, int cols, int ldx, float[] y, int yOffset, int ldy) {
        ReferenceSoftmax.logSoftmax(x, xOffset, rows, cols, ldx, y, yOffset, ldy);
    }
    @Override
    public float crossEntropy(float[] logits, int offset, int rows, int cols, int ld, int[] labels, int labelsOffset, float[] dLogits, int dOffset, int ldd) {
        return ReferenceSoftmax.crossEntropy(logits, offset, rows, cols, ld, labels, labelsOffset, dLogits, dOffset, ldd);
    }

    // ================================================================ GemmKernels
    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset, int ldc) {
        ReferenceSgemm.sgemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    }
    @Override
    public void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha, double[] a, int aOffset, int lda, double[] b, int bOffset, int ldb, double beta, double[] c, int cOffset, int ldc) {
        ReferenceDgemm.dgemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    }
    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a, long aOffset, int lda, MemorySegment b, long bOffset, int ldb, float beta, MemorySegment c, long cOffset, int ldc) {
        ReferenceSgemm.sgemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    }
    @Override
    public void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha, MemorySegment a, long aOffset, int lda, MemorySegment b, long bOffset, int ldb, double beta, MemorySegment c, long cOffset, int ldc) {
        ReferenceDgemm.dgemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    }
    @Override
    public void sgemv(boolean transA, int m, int n, float alpha, float[] a, int aOffset, int lda, float[] x, int xOffset, float beta, float[] y, int yOffset) {
        ReferenceSgemm.sgemv(transA, m, n, alpha, a, aOffset, lda, x, xOffset, beta, y, yOffset);
    }
    @Override
    public void dgemv(boolean transA, int m, int n, double alpha, double[] a, int aOffset, int lda, double[] x, int xOffset, double beta, double[] y, int yOffset) {
        ReferenceDgemm.dgemv(transA, m, n, alpha, a, aOffset, lda, x, xOffset, beta, y, yOffset);
    }

    /** op(B) copied as stored k x n, on the heap: the reference sums all of k in one pass. */
    private record Copied(float[] values) implements PackedB {
        @Override
        public void free() {}
    }

    @Override
    public PackedB packB(boolean transB, int k, int n, float[] b, int bOffset, int ldb) {
        float[] copy = new float[k * n];
        for (int p = 0; p < k; p++) {
            for (int j = 0; j < n; j++) {
                copy[p * n + j] = transB ? b[bOffset + j * ldb + p] : b[bOffset + p * ldb + j];
            }
        }
        return new Copied(copy);
    }
    @Override
    public void sgemmPacked(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOffset, int lda, PackedB packedB, float beta, float[] c, int cOffset, int ldc) {
        ReferenceSgemm.sgemm(transA, false, m, n, k, alpha, a, aOffset, lda, ((Copied) packedB).values(), 0, Math.max(1, n), beta, c, cOffset, ldc);
    }
    @Override
    public void sgemmPackedMapped(boolean transB, int m, int n, int k, float alpha, float[] a, int aOffset, int lda,
                                  float[] shift, int shiftOffset, float[] scale, int scaleOffset,
                                  PackedB packedB, float beta, float[] c, int cOffset, int ldc) {
        // ReferenceSgemm's loops on B as copied, each element of A mapped as it is read (so no copy of A is made)
        float[] b = ((Copied) packedB).values();
        for (int i = 0; i < m; i++) {
            int ci = cOffset + i * ldc;
            for (int j = 0; j < n; j++) {
                c[ci + j] = beta == 0 ? 0f : beta * c[ci + j];
            }
            if (alpha == 0) {
                continue;
            }
            for (int p = 0; p < k; p++) {
                float t = alpha * ((a[aOffset + i * lda + p] - shift[shiftOffset + p]) * scale[scaleOffset + p]);
                for (int j = 0; j < n; j++) {
                    c[ci + j] += t * b[p * n + j];
                }
            }
        }
    }

    // ================================================================ LowPrecisionKernels
    @Override
    public void floatToBf16(float[] x, int xOffset, short[] y, int yOffset, int n) {
        ReferenceLowPrecision.floatToBf16(x, xOffset, y, yOffset, n);
    }
    @Override
    public void bf16ToFloat(short[] x, int xOffset, float[] y, int yOffset, int n) {
        ReferenceLowPrecision.bf16ToFloat(x, xOffset, y, yOffset, n);
    }
    @Override
    public void floatToBf16(MemorySegment x, long xOffset, MemorySegment y, long yOffset, long n) {
        ReferenceLowPrecision.floatToBf16(x, xOffset, y, yOffset, n);
    }
    @Override
    public void bf16ToFloat(MemorySegment x, long xOffset, MemorySegment y, long yOffset, long n) {
        ReferenceLowPrecision.bf16ToFloat(x, xOffset, y, yOffset, n);
    }
    @Override
    public void floatToFp16(float[] x, int xOffset, short[] y, int yOffset, int n) {
        ReferenceLowPrecision.floatToFp16(x, xOffset, y, yOffset, n);
    }
    @Override
    public void fp16ToFloat(short[] x, int xOffset, float[] y, int yOffset, int n) {
        ReferenceLowPrecision.fp16ToFloat(x, xOffset, y, yOffset, n);
    }
    @Override
    public float int8Scale(float[] x, int offset, int n) {
        return ReferenceLowPrecision.int8Scale(x, offset, n);
    }
    @Override
    public void quantizeInt8(float scale, float[] x, int xOffset, byte[] q, int qOffset, int n) {
        ReferenceLowPrecision.quantizeInt8(scale, x, xOffset, q, qOffset, n);
    }
    @Override
    public void quantizeInt8Rows(float[] x, int xOffset, int rows, int cols, int ldx, byte[] q, int qOffset, int ldq, float[] scales, int scalesOffset) {
        ReferenceLowPrecision.quantizeInt8Rows(x, xOffset, rows, cols, ldx, q, qOffset, ldq, scales, scalesOffset);
    }
    @Override
    public void dequantizeInt8(float scale, byte[] q, int qOffset, float[] y, int yOffset, int n) {
        ReferenceLowPrecision.dequantizeInt8(scale, q, qOffset, y, yOffset, n);
    }
    @Override
    public int dotInt8(byte[] x, int xOffset, byte[] y, int yOffset, int n) {
        return ReferenceLowPrecision.dotInt8(x, xOffset, y, yOffset, n);
    }
    @Override
    public void gemmInt8(GemmKernels gemm, int m, int n, int k, byte[] a, int aOffset, int lda, byte[] b, int bOffset, int ldb, int[] c, int cOffset, int ldc) {
        ReferenceLowPrecision.gemmInt8(m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
    }
    @Override
    public void sgemvInt8(int m, int n, byte[] a, int aOffset, int lda, float[] scales, int scalesOffset, float[] x, int xOffset, float[] y, int yOffset) {
        ReferenceLowPrecision.sgemvInt8(m, n, a, aOffset, lda, scales, scalesOffset, x, xOffset, y, yOffset);
    }
    @Override
    public void sgemvBf16(int m, int n, short[] a, int aOffset, int lda, float[] x, int xOffset, float[] y, int yOffset) {
        ReferenceLowPrecision.sgemvBf16(m, n, a, aOffset, lda, x, xOffset, y, yOffset);
    }
    @Override
    public void sgemmInt8(GemmKernels gemm, int m, int n, int k, float[] a, int aOffset, int lda, byte[] b, int bOffset, int ldb,
                          float[] scales, int scalesOffset, float[] c, int cOffset, int ldc) {
        ReferenceLowPrecision.sgemmInt8(m, n, k, a, aOffset, lda, b, bOffset, ldb, scales, scalesOffset, c, cOffset, ldc);
    }
    @Override
    public void sgemmBf16(GemmKernels gemm, int m, int n, int k, float[] a, int aOffset, int lda, short[] b, int bOffset, int ldb,
                          float[] c, int cOffset, int ldc) {
        ReferenceLowPrecision.sgemmBf16(m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
    }
    @Override
    public void sgemvBf16Packed(int n, int k, short[] packed, float[] x, int xOffset, float[] y, int yOffset) {
        ReferenceLowPrecision.sgemvBf16Packed(n, k, packed, x, xOffset, y, yOffset);
    }
    @Override
    public void sgemmBf16Packed(GemmKernels gemm, int m, int n, int k, float[] a, int aOffset, int lda, short[] packed,
                                float[] c, int cOffset, int ldc) {
        ReferenceLowPrecision.sgemmBf16Packed(m, n, k, a, aOffset, lda, packed, c, cOffset, ldc);
    }
}
