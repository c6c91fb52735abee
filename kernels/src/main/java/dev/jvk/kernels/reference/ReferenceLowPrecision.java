package dev.jvk.kernels.reference;

import dev.jvk.kernels.spi.LowPrecisionKernels;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Scalar reference low-precision kernels: bf16 and fp16 conversions, symmetric int8 quantization,
 * int8 dot products and GEMM with int32 accumulation, and GEMM/GEMV with bf16 or int8 weights and
 * float activations. The fallback where the Vector API cannot run, and the twin
 * {@link dev.jvk.kernels.LowPrecision} is checked against. Every definition here is the contract:
 * conversions and quantization are bitwise, integer arithmetic is exact, and the mixed kernels sum
 * in index order with {@code Math.fma}. No argument checks: call these through
 * {@link dev.jvk.kernels.LowPrecision}, or check yourself.
 */
public final class ReferenceLowPrecision {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;

    private ReferenceLowPrecision() {}

    // ================================================================ bf16 and fp16

    /**
     * The bf16 nearest to x, ties to even (the upper 16 bits of x after rounding its lower 16); a NaN
     * keeps its sign and upper payload and gets the quiet bit, so it stays a NaN even when its payload
     * lived only in the lower bits. Overflow rounds to infinity as IEEE rounding does.
     */
    public static short floatToBf16(float x) {
        int bits = Float.floatToRawIntBits(x);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }

    /** The float whose upper 16 bits are b: exact. */
    public static float bf16ToFloat(short b) {
        return Float.intBitsToFloat(b << 16);
    }

    public static void floatToBf16(float[] x, int xOffset, short[] y, int yOffset, int n) {
        for (int i = 0; i < n; i++) {
            y[yOffset + i] = floatToBf16(x[xOffset + i]);
        }
    }

    public static void bf16ToFloat(short[] x, int xOffset, float[] y, int yOffset, int n) {
        for (int i = 0; i < n; i++) {
            y[yOffset + i] = bf16ToFloat(x[xOffset + i]);
        }
    }

    /** Segments in native byte order; offsets and n in elements (4 bytes for x, 2 for y). */
    public static void floatToBf16(MemorySegment x, long xOffset, MemorySegment y, long yOffset, long n) {
        for (long i = 0; i < n; i++) {
            y.setAtIndex(SHORT, yOffset + i, floatToBf16(x.getAtIndex(FLOAT, xOffset + i)));
        }
    }

    public static void bf16ToFloat(MemorySegment x, long xOffset, MemorySegment y, long yOffset, long n) {
        for (long i = 0; i < n; i++) {
            y.setAtIndex(FLOAT, yOffset + i, bf16ToFloat(x.getAtIndex(SHORT, xOffset + i)));
        }
    }

    /** {@link Float#floatToFloat16} per element. */
    public static void floatToFp16(float[] x, int xOffset, short[] y, int yOffset, int n) {
        for (int i = 0; i < n; i++) {
            y[yOffset + i] = Float.floatToFloat16(x[xOffset + i]);
        }
    }

    /** {@link Float#float16ToFloat} per element. */
    public static void fp16ToFloat(short[] x, int xOffset, float[] y, int yOffset, int n) {
        for (int i = 0; i < n; i++) {
            y[yOffset + i] = Float.float16ToFloat(x[xOffset + i]);
        }
    }

    // ================================================================ int8 quantization

    /** max |x[i]|, NaN if any element is NaN. */
    public static float absMax(float[] x, int offset, int n) {
        float m = 0f;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, Math.abs(x[offset + i]));
        }
        return m;
    }

    /**
     * The symmetric int8 scale {@code max|x| / 127}: 1 when max|x| is 0, at least {@link Float#MIN_VALUE},
     * one float off the quotient at the ends of the range where the round trip needs it
     * ({@link LowPrecisionKernels#scaleOfAbsMax}); NaN when x holds a NaN or an infinity (no finite
     * scale represents it).
     */
    public static float int8Scale(float[] x, int offset, int n) {
        return LowPrecisionKernels.scaleOfAbsMax(absMax(x, offset, n));
    }

    /** rint(v) saturated to [-127, 127]; NaN gives 0. */
    public static byte saturate(float v) {
        return (byte) (int) Math.rint(Math.min(127f, Math.max(-127f, v)));
    }

    /** q[i] = rint(x[i] / scale) saturated to [-127, 127], ties to even; NaN gives 0. */
    public static void quantizeInt8(float scale, float[] x, int xOffset, byte[] q, int qOffset, int n) {
        for (int i = 0; i < n; i++) {
            q[qOffset + i] = saturate(x[xOffset + i] / scale);
        }
    }

    /** Row r of the rows x cols block gets scales[r] = int8Scale(row r) and is quantized with it; rows already checked finite. */
    public static void quantizeInt8Rows(float[] x, int xOffset, int rows, int cols, int ldx,
                                        byte[] q, int qOffset, int ldq, float[] scales, int scalesOffset) {
        for (int r = 0; r < rows; r++) {
            float s = int8Scale(x, xOffset + r * ldx, cols);
            scales[scalesOffset + r] = s;
            quantizeInt8(s, x, xOffset + r * ldx, q, qOffset + r * ldq, cols);
        }
    }

    /** y[i] = q[i] * scale, one rounding. */
    public static void dequantizeInt8(float scale, byte[] q, int qOffset, float[] y, int yOffset, int n) {
        for (int i = 0; i < n; i++) {
            y[yOffset + i] = q[qOffset + i] * scale;
        }
    }

    // ================================================================ int8 arithmetic

    /** The exact sum of x[i] * y[i]; the caller keeps n small enough for int (see LowPrecision). */
    public static int dotInt8(byte[] x, int xOffset, byte[] y, int yOffset, int n) {
        int s = 0;
        for (int i = 0; i < n; i++) {
            s += x[xOffset + i] * y[yOffset + i];
        }
        return s;
    }

    /** C = A * B^T exactly: A is m x k, B is n x k (each row k contiguous bytes), C is m x n. */
    public static void gemmInt8(int m, int n, int k, byte[] a, int aOffset, int lda, byte[] b, int bOffset, int ldb,
                                int[] c, int cOffset, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                c[cOffset + i * ldc + j] = dotInt8(a, aOffset + i * lda, b, bOffset + j * ldb, k);
            }
        }
    }

    // ================================================================ float activations times low-precision weights

    /** y[i] = scales[i] * sum_j fma-chain(a[i][j] * x[j]) in j order. */
    public static void sgemvInt8(int m, int n, byte[] a, int aOffset, int lda, float[] scales, int scalesOffset,
                                 float[] x, int xOffset, float[] y, int yOffset) {
        for (int i = 0; i < m; i++) {
            float s = 0f;
            for (int j = 0; j < n; j++) {
                s = Math.fma(a[aOffset + i * lda + j], x[xOffset + j], s);
            }
            y[yOffset + i] = scales[scalesOffset + i] * s;
        }
    }

    /** y[i] = sum_j fma-chain(bf16(a[i][j]) * x[j]) in j order. */
    public static void sgemvBf16(int m, int n, short[] a, int aOffset, int lda, float[] x, int xOffset, float[] y, int yOffset) {
        for (int i = 0; i < m; i++) {
            float s = 0f;
            for (int j = 0; j < n; j++) {
                s = Math.fma(bf16ToFloat(a[aOffset + i * lda + j]), x[xOffset + j], s);
            }
            y[yOffset + i] = s;
        }
    }

    /** C = A * (diag(scales) * B)^T: A m x k float, B n x k int8 with one scale per row, C m x n. */
    public static void sgemmInt8(int m, int n, int k, float[] a, int aOffset, int lda, byte[] b, int bOffset, int ldb,
                                 float[] scales, int scalesOffset, float[] c, int cOffset, int ldc) {
        for (int i = 0; i < m; i++) {
            sgemvInt8(n, k, b, bOffset, ldb, scales, scalesOffset, a, aOffset + i * lda, c, cOffset + i * ldc);
        }
    }

    /** C = A * B^T: A m x k float, B n x k bf16, C m x n. */
    public static void sgemmBf16(int m, int n, int k, float[] a, int aOffset, int lda, short[] b, int bOffset, int ldb,
                                 float[] c, int cOffset, int ldc) {
        for (int i = 0; i < m; i++) {
            sgemvBf16(n, k, b, bOffset, ldb, a, aOffset + i * lda, c, cOffset + i * ldc);
        }
    }

    /** y = B x with B n x k bf16 packed (LowPrecisionKernels.bf16PackedIndex): each y[j] as {@link #sgemvBf16} sums row j. */
    public static void sgemvBf16Packed(int n, int k, short[] packed, float[] x, int xOffset, float[] y, int yOffset) {
        for (int j = 0; j < n; j++) {
            int at = (int) LowPrecisionKernels.bf16PackedIndex(j, n, k);
            int stride = LowPrecisionKernels.bf16PackedStride(j, n);
            float s = 0f;
            for (int p = 0; p < k; p++) {
                s = Math.fma(bf16ToFloat(packed[at + p * stride]), x[xOffset + p], s);
            }
            y[yOffset + j] = s;
        }
    }

    /** C = A * B^T with B packed: each row of C as {@link #sgemvBf16Packed} computes it. */
    public static void sgemmBf16Packed(int m, int n, int k, float[] a, int aOffset, int lda, short[] packed,
                                       float[] c, int cOffset, int ldc) {
        for (int i = 0; i < m; i++) {
            sgemvBf16Packed(n, k, packed, a, aOffset + i * lda, c, cOffset + i * ldc);
        }
    }
}
