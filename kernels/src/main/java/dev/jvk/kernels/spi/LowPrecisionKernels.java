package dev.jvk.kernels.spi;

import java.lang.foreign.MemorySegment;

/**
 * bf16/fp16 conversions, int8 quantization and int8 arithmetic, and the float-times-low-precision
 * products: the kernels behind {@code dev.jvk.kernels.LowPrecision}. Arguments are checked by the
 * public class before a call gets here: implementations may assume them valid. Implemented by the
 * Vector API code and by the scalar reference; the contract of each method is on the public method
 * of the same name.
 */
public interface LowPrecisionKernels {
    void floatToBf16(float[] x, int xOffset, short[] y, int yOffset, int n);
    void bf16ToFloat(short[] x, int xOffset, float[] y, int yOffset, int n);
    /** Offsets and n count elements: floats in x, shorts in y. */
    void floatToBf16(MemorySegment x, long xOffset, MemorySegment y, long yOffset, long n);
    void bf16ToFloat(MemorySegment x, long xOffset, MemorySegment y, long yOffset, long n);
    void floatToFp16(float[] x, int xOffset, short[] y, int yOffset, int n);
    void fp16ToFloat(short[] x, int xOffset, float[] y, int yOffset, int n);

    /** The scale, or NaN when x holds a NaN or an infinity (the public class turns that into its exception). */
    float int8Scale(float[] x, int offset, int n);
    void quantizeInt8(float scale, float[] x, int xOffset, byte[] q, int qOffset, int n);
    /** Every row already known finite. */
    void quantizeInt8Rows(float[] x, int xOffset, int rows, int cols, int ldx, byte[] q, int qOffset, int ldq, float[] scales, int scalesOffset);
    void dequantizeInt8(float scale, byte[] q, int qOffset, float[] y, int yOffset, int n);

    int dotInt8(byte[] x, int xOffset, byte[] y, int yOffset, int n);
    /** {@code gemm} as for {@link #sgemmInt8}: implementations may run the exact integer product on it. */
    void gemmInt8(GemmKernels gemm, int m, int n, int k, byte[] a, int aOffset, int lda, byte[] b, int bOffset, int ldb,
                  int[] c, int cOffset, int ldc);

    void sgemvInt8(int m, int n, byte[] a, int aOffset, int lda, float[] scales, int scalesOffset, float[] x, int xOffset, float[] y, int yOffset);
    void sgemvBf16(int m, int n, short[] a, int aOffset, int lda, float[] x, int xOffset, float[] y, int yOffset);

    /**
     * C = A * (diag(scales) * B)^T; {@code gemm} is the float GEMM of the same implementation, for
     * implementations that dequantize panels of B and multiply them with it.
     */
    void sgemmInt8(GemmKernels gemm, int m, int n, int k, float[] a, int aOffset, int lda, byte[] b, int bOffset, int ldb,
                   float[] scales, int scalesOffset, float[] c, int cOffset, int ldc);
    /** C = A * B^T with bf16 B; {@code gemm} as for {@link #sgemmInt8}. */
    void sgemmBf16(GemmKernels gemm, int m, int n, int k, float[] a, int aOffset, int lda, short[] b, int bOffset, int ldb,
                   float[] c, int cOffset, int ldc);

    /**
     * The symmetric int8 scale from the largest magnitude: {@code max / 127}, 1 when max is 0, at least
     * {@link Float#MIN_VALUE}; NaN when max is not finite. One formula for both implementations.
     */
    static float scaleOfAbsMax(float max) {
        if (!Float.isFinite(max)) {
            return Float.NaN;
        }
        return max == 0f ? 1f : Math.max(max / 127f, Float.MIN_VALUE);
    }
}
