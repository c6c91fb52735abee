package dev.jvk.kernels;

import dev.jvk.kernels.spi.GemmKernels;
import dev.jvk.kernels.spi.LowPrecisionKernels;
import java.lang.foreign.MemorySegment;

/**
 * Low-precision storage and arithmetic for smaller, faster models: float to and from bf16 and fp16,
 * symmetric int8 quantization, exact int8 dot products and GEMM with int32 accumulation, and GEMM
 * and GEMV with bf16 or int8 weights times float activations. Row-major; scalars first, then each
 * array with its offset, then sizes as the other kernels have them.
 *
 * <h2>Storage</h2>
 * bf16 and fp16 values live in {@code short[]} (or a {@link MemorySegment} of native-order shorts):
 * {@code short} is what {@link Float#floatToFloat16} returns and what the Vector API has lanes for
 * ({@code ShortVector}; there is no {@code char} vector), and its bits are the value's bits.
 * int8 values live in {@code byte[]}.
 *
 * <h2>Results</h2>
 * <ul>
 *   <li>bf16: {@code floatToBf16} rounds to nearest, ties to even; overflow gives infinity; a NaN
 *       stays a NaN (sign and upper payload kept, quiet bit set). {@code bf16ToFloat} is exact.</li>
 *   <li>fp16: bitwise {@link Float#floatToFloat16} and {@link Float#float16ToFloat}.</li>
 *   <li>int8 quantization is symmetric: {@code q = rint(x / scale)} saturated to [-127, 127], with
 *       {@link Math#rint} (ties to even) after the correctly rounded division; NaN quantizes to 0,
 *       infinities to ±127. {@code dequantize} is {@code q * scale}, one rounding. Scales from data:
 *       {@link #int8Scale}.</li>
 *   <li>int8 arithmetic is exact, in int32. Products of int8 are at most 128 * 128 = 16384 in
 *       magnitude, so a sum of at most {@value #INT8_MAX_TERMS} products always fits an int; that is
 *       the limit on {@code n} (dot) and {@code k} (GEMM), and longer sums are refused with an
 *       {@link IllegalArgumentException} rather than computed in long. The whole int8 range, -128
 *       included, is accepted.</li>
 *   <li>Mixed GEMM/GEMV: with {@code w'} the dequantized weights ({@code q * scale} as
 *       {@link #dequantizeInt8} gives them, or the bf16 values widened), every output is within
 *       {@code (gamma(d) + 3u) * sum |w' x|} of the exact {@code sum w' x}, {@code u = 2^-24},
 *       {@code d} the length of the sum (barring underflow). The vector and scalar paths may differ
 *       within that bound; each is deterministic.</li>
 * </ul>
 * bf16 weights multiplied by many inputs are best packed once as a {@link PackedBf16Matrix}, whose
 * batch-1 GEMV streams them faster than {@link #sgemvBf16} reads rows and sums each output as the
 * reference does.
 * All but the mixed kernels are bitwise those of the scalar reference
 * ({@code dev.jvk.kernels.reference.ReferenceLowPrecision}) on every path and at every vector width.
 *
 * <h2>Arguments</h2>
 * As the other kernels (BLAS {@code xerbla} rules with Java exceptions): a null array is a
 * {@link NullPointerException}; a negative size or offset, a short leading dimension, a quantization
 * scale that is not finite and positive, a weight scale that is not finite, or an output that
 * overlaps an input in the same array an {@link IllegalArgumentException}; an array shorter than its
 * offset and extent an {@link IndexOutOfBoundsException} naming it. All checks come before anything
 * is written.
 */
public final class LowPrecision {
    /** The longest int8 dot product (n) or GEMM depth (k) whose int32 sum cannot overflow: floor((2^31 - 1) / 128^2). */
    public static final int INT8_MAX_TERMS = Integer.MAX_VALUE / (128 * 128);

    private static final LowPrecisionKernels IMPL = Dispatch.CHOSEN.lowPrecision();
    private static final GemmKernels GEMM = Dispatch.CHOSEN.gemm();

    private LowPrecision() {}

    // ================================================================ bf16 and fp16

    /** {@code y[i] = bf16(x[i])}: round to nearest even, NaN stays NaN (quiet). */
    public static void floatToBf16(float[] x, int xOffset, short[] y, int yOffset, int n) {
        Checks.xyN(x, xOffset, y, yOffset, n);
        IMPL.floatToBf16(x, xOffset, y, yOffset, n);
    }

    /** {@code y[i] = float(x[i])} for bf16 x: exact. */
    public static void bf16ToFloat(short[] x, int xOffset, float[] y, int yOffset, int n) {
        Checks.xyN(x, xOffset, y, yOffset, n);
        IMPL.bf16ToFloat(x, xOffset, y, yOffset, n);
    }

    /**
     * {@code y[i] = bf16(x[i])} off-heap: x holds floats, y shorts, both in native byte order; offsets
     * and n count elements. y must be writable and must not share memory with x's range.
     *
     * @throws IllegalStateException if a segment's arena is closed
     * @throws WrongThreadException  if a segment is confined to another thread
     */
    public static void floatToBf16(MemorySegment x, long xOffset, MemorySegment y, long yOffset, long n) {
        segments(x, xOffset, Float.BYTES, y, yOffset, Short.BYTES, n);
        IMPL.floatToBf16(x, xOffset, y, yOffset, n);
    }

    /** {@code y[i] = float(x[i])} off-heap: x holds bf16 shorts, y floats; as {@link #floatToBf16(MemorySegment, long, MemorySegment, long, long)}. */
    public static void bf16ToFloat(MemorySegment x, long xOffset, MemorySegment y, long yOffset, long n) {
        segments(x, xOffset, Short.BYTES, y, yOffset, Float.BYTES, n);
        IMPL.bf16ToFloat(x, xOffset, y, yOffset, n);
    }

    /** {@code y[i] = Float.floatToFloat16(x[i])}. */
    public static void floatToFp16(float[] x, int xOffset, short[] y, int yOffset, int n) {
        Checks.xyN(x, xOffset, y, yOffset, n);
        IMPL.floatToFp16(x, xOffset, y, yOffset, n);
    }

    /** {@code y[i] = Float.float16ToFloat(x[i])}. */
    public static void fp16ToFloat(short[] x, int xOffset, float[] y, int yOffset, int n) {
        Checks.xyN(x, xOffset, y, yOffset, n);
        IMPL.fp16ToFloat(x, xOffset, y, yOffset, n);
    }

    // ================================================================ int8 quantization

    /**
     * The symmetric int8 scale of x: {@code max|x[i]| / 127}, so that the largest magnitude quantizes
     * to ±127; 1 when every element is zero (any positive scale quantizes zeros to zeros, and 1
     * dequantizes them exactly), and at least {@link Float#MIN_VALUE} (a tiny maximum must not
     * round the scale to 0). Every element then comes back from {@link #quantizeInt8} and
     * {@link #dequantizeInt8} within half a step (plus the two roundings) at both ends of the range:
     * near {@code MAX_VALUE} the quotient is taken one float lower where {@code 127 * scale} would
     * overflow, and where the scale is subnormal (max below about 1.5e-36), one float higher where
     * max would saturate; there the largest magnitude may quantize to less than 127.
     *
     * @throws IllegalArgumentException if an element is NaN or infinite (no finite scale represents it)
     */
    public static float int8Scale(float[] x, int offset, int n) {
        Checks.size(n, "n");
        Checks.vector(x, offset, "offset", n, "x");
        return scaleOf(x, offset, n);
    }

    /** int8Scale of checked arguments. */
    private static float scaleOf(float[] x, int offset, int n) {
        float scale = IMPL.int8Scale(x, offset, n);
        if (Float.isNaN(scale)) {
            throw new IllegalArgumentException("x holds a non-finite value (NaN or infinity) in [" + offset + ", "
                    + (offset + n) + "); a symmetric int8 scale needs finite values");
        }
        return scale;
    }

    /** {@code q[i] = rint(x[i] / scale)} saturated to [-127, 127] (NaN gives 0); scale finite and positive. */
    public static void quantizeInt8(float scale, float[] x, int xOffset, byte[] q, int qOffset, int n) {
        scale(scale, "scale");
        Checks.size(n, "n");
        Checks.vector(x, xOffset, n, "x");
        Checks.vector(q, qOffset, n, "q");
        IMPL.quantizeInt8(scale, x, xOffset, q, qOffset, n);
    }

    /** {@code y[i] = q[i] * scale}, one rounding; scale finite and positive. */
    public static void dequantizeInt8(float scale, byte[] q, int qOffset, float[] y, int yOffset, int n) {
        scale(scale, "scale");
        Checks.size(n, "n");
        Checks.vector(q, qOffset, n, "q");
        Checks.vector(y, yOffset, n, "y");
        IMPL.dequantizeInt8(scale, q, qOffset, y, yOffset, n);
    }

    /**
     * Per-row (per-output-channel) symmetric quantization of a rows x cols block: row r gets
     * {@code scales[r] = int8Scale(row r)} and is quantized with it, as {@link #quantizeInt8} does.
     *
     * @throws IllegalArgumentException if an element of the block is NaN or infinite (nothing is written)
     */
    public static void quantizeInt8Rows(float[] x, int xOffset, int rows, int cols, int ldx,
                                        byte[] q, int qOffset, int ldq, float[] scales, int scalesOffset) {
        Checks.notNull(x, "x");
        Checks.notNull(q, "q");
        Checks.size(rows, "rows");
        Checks.size(cols, "cols");
        Checks.offsetOf(xOffset, "x");
        Checks.leadingDimension(ldx, cols, "ldx");
        Checks.fits(x.length, xOffset, Checks.extent(rows, cols, ldx), "x");
        Checks.offsetOf(qOffset, "q");
        Checks.leadingDimension(ldq, cols, "ldq");
        Checks.fits(q.length, qOffset, Checks.extent(rows, cols, ldq), "q");
        Checks.vector(scales, scalesOffset, rows, "scales");
        Checks.disjoint(scales, scalesOffset, rows, "scales", x, xOffset, Checks.extent(rows, cols, ldx), "x");
        if (cols == 0) { // empty rows (their offsets may lie anywhere): scale 1, as int8Scale gives
            java.util.Arrays.fill(scales, scalesOffset, scalesOffset + rows, 1f);
            return;
        }
        for (int r = 0; r < rows; r++) { // every row's values checked before anything is written
            scaleOf(x, xOffset + r * ldx, cols);
        }
        IMPL.quantizeInt8Rows(x, xOffset, rows, cols, ldx, q, qOffset, ldq, scales, scalesOffset);
    }

    // ================================================================ int8 arithmetic

    /**
     * The exact int8 dot product {@code sum x[i] * y[i]} in int32; {@code n <= INT8_MAX_TERMS}.
     *
     * @throws IllegalArgumentException if {@code n > INT8_MAX_TERMS} (the sum could overflow an int)
     */
    public static int dotInt8(byte[] x, int xOffset, byte[] y, int yOffset, int n) {
        Checks.size(n, "n");
        Checks.vector(x, xOffset, n, "x");
        Checks.vector(y, yOffset, n, "y");
        terms(n, "n");
        return IMPL.dotInt8(x, xOffset, y, yOffset, n);
    }

    /**
     * {@code C = A * B^T} exactly in int32: A is m x k int8 ({@code lda >= max(1, k)}), B is n x k int8
     * ({@code ldb >= max(1, k)}: each row of B, an output channel, is contiguous, as the rows of A are),
     * C is m x n int ({@code ldc >= max(1, n)}), overwritten. {@code k <= INT8_MAX_TERMS}.
     *
     * <p>On the vector path it runs on the float GEMM, which is exact here: a sum of at most 1024 int8
     * products, and every partial sum of it, is an integer float holds exactly, so the product is taken
     * in stretches of 1024 along k and the stretches are added in int. The widened blocks of A and B
     * and a float block of C (at most 4 MB each) are the calling thread's GEMM buffers, kept for its
     * next call: a call allocates nothing once they have grown.
     *
     * @throws IllegalArgumentException if {@code k > INT8_MAX_TERMS}, a size or offset is negative, or
     *                                   a leading dimension is short
     */
    public static void gemmInt8(int m, int n, int k, byte[] a, int aOffset, int lda, byte[] b, int bOffset, int ldb,
                                int[] c, int cOffset, int ldc) {
        Checks.notNull(a, "a");
        Checks.notNull(b, "b");
        Checks.notNull(c, "c");
        Checks.gemmArrays(Transpose.NO_TRANS, Transpose.TRANS, m, n, k, a, a.length, aOffset, lda, b, b.length, bOffset, ldb,
                c, c.length, cOffset, ldc);
        terms(k, "k");
        if (m == 0 || n == 0) {
            return;
        }
        IMPL.gemmInt8(GEMM, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
    }

    // ================================================================ float activations times low-precision weights

    /**
     * {@code y = diag(scales) * A * x}: A is m x n int8 with one scale per row ({@code lda >= max(1, n)}),
     * x has n floats, y gets m (zeros when {@code n == 0}). The batch-1 inference path: A is read once,
     * one byte per weight. Within the bound of the class comment with {@code d = n}.
     */
    public static void sgemvInt8(int m, int n, byte[] a, int aOffset, int lda, float[] scales, int scalesOffset,
                                 float[] x, int xOffset, float[] y, int yOffset) {
        Checks.notNull(a, "a");
        Checks.notNull(x, "x");
        Checks.notNull(y, "y");
        Checks.gemvArrays(Transpose.NO_TRANS, m, n, a, a.length, aOffset, lda, x, x.length, xOffset, y, y.length, yOffset);
        Checks.vector(y, yOffset, m, "y"); // gemvArrays does not count y when n == 0; here y = 0 then
        Checks.vector(scales, scalesOffset, m, "scales");
        Checks.disjoint(y, yOffset, m, "y", scales, scalesOffset, m, "scales");
        scales(scales, scalesOffset, m);
        if (m == 0) {
            return;
        }
        IMPL.sgemvInt8(m, n, a, aOffset, lda, scales, scalesOffset, x, xOffset, y, yOffset);
    }

    /** {@code y = A * x} with A m x n bf16: as {@link #sgemvInt8}, two bytes per weight and no scales. */
    public static void sgemvBf16(int m, int n, short[] a, int aOffset, int lda, float[] x, int xOffset, float[] y, int yOffset) {
        Checks.notNull(a, "a");
        Checks.notNull(x, "x");
        Checks.notNull(y, "y");
        Checks.gemvArrays(Transpose.NO_TRANS, m, n, a, a.length, aOffset, lda, x, x.length, xOffset, y, y.length, yOffset);
        Checks.vector(y, yOffset, m, "y");
        if (m == 0) {
            return;
        }
        IMPL.sgemvBf16(m, n, a, aOffset, lda, x, xOffset, y, yOffset);
    }

    /**
     * {@code C = A * (diag(scales) * B)^T}: float activations A (m x k) times int8 weights B (n x k, one
     * output channel per row, with its scale), float C (m x n), overwritten. A dense layer's forward
     * pass with quantized weights. Within the bound of the class comment with {@code d = k}.
     *
     * <p>On the vector path batch 1 runs {@link #sgemvInt8}, which reads each weight once as a byte;
     * larger batches dequantize a panel of weight rows at a time (sized to stay in L2) and multiply it
     * with the float GEMM, so each weight is dequantized once per call.
     */
    public static void sgemmInt8(int m, int n, int k, float[] a, int aOffset, int lda, byte[] b, int bOffset, int ldb,
                                 float[] scales, int scalesOffset, float[] c, int cOffset, int ldc) {
        Checks.notNull(a, "a");
        Checks.notNull(b, "b");
        Checks.notNull(c, "c");
        Checks.gemmArrays(Transpose.NO_TRANS, Transpose.TRANS, m, n, k, a, a.length, aOffset, lda, b, b.length, bOffset, ldb,
                c, c.length, cOffset, ldc);
        Checks.vector(scales, scalesOffset, n, "scales");
        Checks.disjoint(c, cOffset, Checks.extent(m, n, ldc), "c", scales, scalesOffset, n, "scales");
        scales(scales, scalesOffset, n);
        if (m == 0 || n == 0) {
            return;
        }
        IMPL.sgemmInt8(GEMM, m, n, k, a, aOffset, lda, b, bOffset, ldb, scales, scalesOffset, c, cOffset, ldc);
    }

    /** {@code C = A * B^T} with bf16 weights B (n x k): as {@link #sgemmInt8}, without scales. */
    public static void sgemmBf16(int m, int n, int k, float[] a, int aOffset, int lda, short[] b, int bOffset, int ldb,
                                 float[] c, int cOffset, int ldc) {
        Checks.notNull(a, "a");
        Checks.notNull(b, "b");
        Checks.notNull(c, "c");
        Checks.gemmArrays(Transpose.NO_TRANS, Transpose.TRANS, m, n, k, a, a.length, aOffset, lda, b, b.length, bOffset, ldb,
                c, c.length, cOffset, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        IMPL.sgemmBf16(GEMM, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
    }

    // ================================================================ checks

    private static void scale(float scale, String name) {
        if (!(scale > 0f) || scale == Float.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(name + " must be finite and > 0, got " + scale);
        }
    }

    /** Weight scales are finite: an infinite one would make a zero weight NaN, and the two paths would disagree on it. */
    private static void scales(float[] scales, int offset, int count) {
        for (int i = 0; i < count; i++) {
            float s = scales[offset + i];
            if (!Float.isFinite(s)) {
                throw new IllegalArgumentException("scales[" + (offset + i) + "] must be finite, got " + s);
            }
        }
    }

    private static void terms(int count, String name) {
        if (count > INT8_MAX_TERMS) {
            throw new IllegalArgumentException(name + " must be <= " + INT8_MAX_TERMS
                    + " (INT8_MAX_TERMS: a longer int8 sum could overflow int32), got " + count);
        }
    }

    /** Two segments of an elementwise conversion: alive, this thread's, in range, y writable and apart from x. */
    private static void segments(MemorySegment x, long xOffset, int xBytes, MemorySegment y, long yOffset, int yBytes, long n) {
        Checks.notNull(x, "x");
        Checks.notNull(y, "y");
        Checks.accessible(x, "x");
        Checks.accessible(y, "y");
        Checks.offset(n, "n");
        Checks.offsetOf(xOffset, "x");
        Checks.fits(x.byteSize() / xBytes, xOffset, n, "x");
        Checks.offsetOf(yOffset, "y");
        Checks.fits(y.byteSize() / yBytes, yOffset, n, "y");
        if (y.isReadOnly()) {
            throw new IllegalArgumentException("y is a read-only segment; the output must be writable");
        }
        if (n > 0 && !x.asOverlappingSlice(y).isEmpty()) {
            long xStart = x.address() + xOffset * xBytes;
            long yStart = y.address() + yOffset * yBytes;
            if (Checks.intersects(xStart, n * xBytes, yStart, n * yBytes)) {
                throw new IllegalArgumentException("y overlaps x in memory: x spans elements [" + xOffset + ", " + (xOffset + n)
                        + ") of its segment, y spans [" + yOffset + ", " + (yOffset + n) + ") of one that shares memory with it");
            }
        }
    }
}
