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

    /*
     * The packed bf16 layout of dev.jvk.kernels.PackedBf16Matrix: an n x k bf16 B (a row per output) in
     * groups of BF16_GROUP = 32 rows, each group k x 32 shorts, contiguous. At column p a group holds 32
     * shorts, rows t and 16 + t (t < 16) side by side at 2t and 2t + 1: read as 16 ints, lane t is row t
     * in its low half and row 16 + t in its high half, so a float vector of rows t.. comes from one shift
     * and one of rows 16 + t.. from one mask, at any width up to 512 bits, with x's element p broadcast
     * to every lane. The last n % 32 rows follow as one k x (n % 32) block, column by column (no padding:
     * the layout holds exactly n * k shorts).
     */

    /** Rows of B per group of the packed bf16 layout. */
    int BF16_GROUP = 32;

    /** Where row j of the packed bf16 layout of an n x k B starts: its element at column p is at this + p * bf16PackedStride(j, n). */
    static long bf16PackedIndex(int j, int n, int k) {
        int full = n - n % BF16_GROUP;
        if (j >= full) {
            return (long) full * k + (j - full);
        }
        int t = j % BF16_GROUP;
        return (long) (j / BF16_GROUP) * BF16_GROUP * k + (t < BF16_GROUP / 2 ? 2 * t : 2 * (t - BF16_GROUP / 2) + 1);
    }

    /** The distance between row j's elements of consecutive columns in the packed bf16 layout of an n-row B. */
    static int bf16PackedStride(int j, int n) {
        int full = n - n % BF16_GROUP;
        return j >= full ? n - full : BF16_GROUP;
    }

    /** y (n) = B x (x has k) with B packed (bf16PackedIndex): each y[j] the fma chain over p in order from 0. */
    void sgemvBf16Packed(int n, int k, short[] packed, float[] x, int xOffset, float[] y, int yOffset);

    /** C (m x n) = A (m x k) * B^T with B packed; {@code gemm} as for {@link #sgemmInt8}. */
    void sgemmBf16Packed(GemmKernels gemm, int m, int n, int k, float[] a, int aOffset, int lda, short[] packed,
                         float[] c, int cOffset, int ldc);

    /**
     * The symmetric int8 scale from the largest magnitude: {@code max / 127}, 1 when max is 0, at least
     * {@link Float#MIN_VALUE}; NaN when max is not finite. One formula for both implementations.
     * At the ends of the range the rounded quotient is moved by one float so that the largest
     * magnitude still comes back within half a step: below the normal range the scale is so coarse
     * that {@code max / 127} can round down until max saturates (190 * MIN_VALUE would quantize to
     * 127 * MIN_VALUE), and near MAX_VALUE it can round up until {@code 127 * scale} overflows.
     */
    static float scaleOfAbsMax(float max) {
        if (!Float.isFinite(max)) {
            return Float.NaN;
        }
        if (max == 0f) {
            return 1f;
        }
        float scale = Math.max(max / 127f, Float.MIN_VALUE);
        if (max / scale > 127.5f) {
            scale = Math.nextUp(scale); // enough: the quotient was rounded by at most half a subnormal step
        }
        if (Float.isInfinite(127f * scale)) {
            scale = Math.nextDown(scale);
        }
        return scale;
    }
}
