package dev.jvk.kernels;

import dev.jvk.kernels.spi.ReductionKernels;

/**
 * Reductions over {@code n} elements of a {@code float[]} or {@code double[]} from an offset:
 * sum, dot, max, min, argmax, asum, nrm2, logSumExp, mean and (population) variance.
 *
 * <h2>Arguments</h2>
 * A null array is a {@link NullPointerException}; a negative {@code n} or offset an
 * {@link IllegalArgumentException}; an array shorter than {@code offset + n} an
 * {@link IndexOutOfBoundsException} naming it. Nothing is ever written. The forms without offsets
 * take the whole array ({@code dot(x, y)}: x and y must be of one length, else an
 * {@link IllegalArgumentException}, as Lucene's {@code VectorUtil.dotProduct}).
 *
 * <h2>Error bounds</h2>
 * {@code u} is the unit roundoff (2<sup>-24</sup> for float, 2<sup>-53</sup> for double),
 * {@code gamma(d) = d*u / (1 - d*u)}, and {@code d} is the longest chain of additions any term passes
 * through: {@code d = n} on the scalar reference; on the vector path, with {@code L} lanes
 * ({@code Kernels.vectorBits() / 32} for float, {@code / 64} for double) and {@code A = 4}
 * accumulators, {@code d = floor(n / (L*A)) + 1 + log2(L*A)} (the main loop, one more vector for what
 * remains, then the pairwise tree over accumulators and lanes). At 512 bits that is
 * {@code n/64 + 7} for float sums, {@code n/32 + 6} for double. Where a float result is computed in
 * double, {@code gammaD} below uses the double {@code u} and the double lane count.
 * The bounds assume no partial sum overflows: when {@code sum|terms|} exceeds {@code MAX_VALUE}, a sum
 * may overflow to an infinity or NaN. A NaN element gives NaN; infinities of one sign give that infinity.
 * Every sum starts from +0, as netlib's loops do ({@code TEMP = ZERO}) and {@code s = 0; s += x[i]} does, so a
 * sum of -0 terms is +0 (sum, dot, asum, nrm2, mean; GEMM and GEMV likewise) on every path and width.
 *
 * <p>Results are deterministic: bitwise the same on every run and at every JIT tier for a given
 * vector width (widths and the scalar path may differ within the bounds; max, min and argmax never do).
 */
public final class Reductions {
    private static final ReductionKernels IMPL = Dispatch.CHOSEN.reductions();

    private Reductions() {}

    // ================================================================ float

    /**
     * The sum of {@code x[offset .. offset+n)}; 0 for {@code n == 0}.
     * Reordered: {@code |s - sum| <= gamma(d) * sum|x|} with {@code d} as in the class comment.
     */
    public static float sum(float[] x, int offset, int n) {
        Checks.xOffsetN(x, offset, n);
        return IMPL.sum(x, offset, n);
    }

    /** {@link #sum(float[], int, int)} over the whole array. */
    public static float sum(float[] x) {
        return sum(x, 0, Checks.notNull(x, "x").length);
    }

    /**
     * The dot product {@code sum x[xOffset+i] * y[yOffset+i]}; each product enters through one
     * {@code fma}, never rounded alone. {@code |s - exact| <= gamma(d) * sum|x*y| + n * Float.MIN_VALUE}
     * (the last term for products that underflow), {@code d} as in the class comment. x and y may be
     * the same array, overlapping in any way.
     */
    public static float dot(float[] x, int xOffset, float[] y, int yOffset, int n) {
        Checks.xyN(x, xOffset, y, yOffset, n);
        return IMPL.dot(x, xOffset, y, yOffset, n);
    }

    /** {@link #dot(float[], int, float[], int, int)} over the whole arrays, which must be of one length. */
    public static float dot(float[] x, float[] y) {
        return dot(x, 0, y, 0, Checks.sameLength(x, y));
    }

    /**
     * The largest element, as {@code Math.max} would find it: NaN if any element is NaN, +0 over -0,
     * {@code -Infinity} for {@code n == 0}. Exact: bitwise the reference's.
     */
    public static float max(float[] x, int offset, int n) {
        Checks.xOffsetN(x, offset, n);
        return IMPL.max(x, offset, n);
    }

    /** {@link #max(float[], int, int)} over the whole array. */
    public static float max(float[] x) {
        return max(x, 0, Checks.notNull(x, "x").length);
    }

    /**
     * The smallest element, as {@code Math.min} would find it: NaN if any element is NaN, -0 under +0,
     * {@code +Infinity} for {@code n == 0}. Exact: bitwise the reference's.
     */
    public static float min(float[] x, int offset, int n) {
        Checks.xOffsetN(x, offset, n);
        return IMPL.min(x, offset, n);
    }

    /** {@link #min(float[], int, int)} over the whole array. */
    public static float min(float[] x) {
        return min(x, 0, Checks.notNull(x, "x").length);
    }

    /**
     * The index, relative to {@code offset}, of the largest element: elements are compared with
     * {@code '>'}, so the first of equal maxima wins (-0 and +0 are equal: the first of them wins);
     * if any element is NaN, the index of the first NaN; -1 for {@code n == 0}. Exact.
     */
    public static int argmax(float[] x, int offset, int n) {
        Checks.xOffsetN(x, offset, n);
        return IMPL.argmax(x, offset, n);
    }

    /** {@link #argmax(float[], int, int)} over the whole array. */
    public static int argmax(float[] x) {
        return argmax(x, 0, Checks.notNull(x, "x").length);
    }

    /** The sum of magnitudes, {@code sum |x|}: {@code |s - exact| <= gamma(d) * sum|x|} as {@link #sum(float[], int, int)}. */
    public static float asum(float[] x, int offset, int n) {
        Checks.xOffsetN(x, offset, n);
        return IMPL.asum(x, offset, n);
    }

    /** {@link #asum(float[], int, int)} over the whole array. */
    public static float asum(float[] x) {
        return asum(x, 0, Checks.notNull(x, "x").length);
    }

    /**
     * The Euclidean norm {@code sqrt(sum x^2)}, without overflow or underflow on the way
     * ({@code nrm2([1e30f, 1e30f]) = 1.4142135e30f}): the squares are summed in double, where no float
     * square overflows or underflows. {@code |r - ||x||| <= 2u * ||x|| + Float.MIN_VALUE / 2} (the
     * error is essentially the final rounding to float), inside the contract's
     * {@code (gamma(d) + 2u) * ||x||}. NaN if any element is NaN, else +Infinity if one is infinite;
     * 0 for {@code n == 0}.
     */
    public static float nrm2(float[] x, int offset, int n) {
        Checks.xOffsetN(x, offset, n);
        return IMPL.nrm2(x, offset, n);
    }

    /** {@link #nrm2(float[], int, int)} over the whole array. */
    public static float nrm2(float[] x) {
        return nrm2(x, 0, Checks.notNull(x, "x").length);
    }

    /**
     * {@code log(sum exp(x))}, computed as {@code max + log(sum exp(x - max))} so that nothing
     * overflows for large inputs; the exponentials and their sum in double (jvk's own polynomial on the
     * vector path, never the Vector API's lanewise EXP). {@code |r - lse| <= 2u * max(1, |lse|)}, inside
     * the contract's {@code (gamma(d) + 4u) * max(1, |lse|)}. {@code -Infinity} for {@code n == 0} or
     * when every element is {@code -Infinity}; {@code +Infinity} if one is; NaN if one is NaN.
     */
    public static float logSumExp(float[] x, int offset, int n) {
        Checks.xOffsetN(x, offset, n);
        return IMPL.logSumExp(x, offset, n);
    }

    /** {@link #logSumExp(float[], int, int)} over the whole array. */
    public static float logSumExp(float[] x) {
        return logSumExp(x, 0, Checks.notNull(x, "x").length);
    }

    /**
     * The mean {@code sum x / n}, summed in double (it cannot overflow) and rounded once:
     * {@code |m - mean| <= u * |mean| + gammaD(d + 2) * sum|x| / n + Float.MIN_VALUE / 2}, inside
     * the contract's {@code gamma(d) * sum|x/n|}. NaN for {@code n == 0}.
     */
    public static float mean(float[] x, int offset, int n) {
        Checks.xOffsetN(x, offset, n);
        return IMPL.mean(x, offset, n);
    }

    /** {@link #mean(float[], int, int)} over the whole array. */
    public static float mean(float[] x) {
        return mean(x, 0, Checks.notNull(x, "x").length);
    }

    /**
     * The population variance {@code sum (x - mean)^2 / n} (divides by n), two-pass in double: the
     * mean first, then the squared deviations from it, so no large sums cancel.
     * {@code |v - var| <= 2u * var + 2 * (gammaD(d + 2) * sum|x| / n)^2 + Float.MIN_VALUE / 2}: the
     * second term, of second order, comes from the error of the mean. NaN for {@code n == 0}.
     * Reads x twice.
     */
    public static float variance(float[] x, int offset, int n) {
        Checks.xOffsetN(x, offset, n);
        return IMPL.variance(x, offset, n);
    }

    /** {@link #variance(float[], int, int)} over the whole array. */
    public static float variance(float[] x) {
        return variance(x, 0, Checks.notNull(x, "x").length);
    }

    // ================================================================ double

    /** As {@link #sum(float[], int, int)}, in double. */
    public static double sum(double[] x, int offset, int n) {
        Checks.xOffsetN(x, offset, n);
        return IMPL.sum(x, offset, n);
    }

    /** {@link #sum(double[], int, int)} over the whole array. */
    public static double sum(double[] x) {
        return sum(x, 0, Checks.notNull(x, "x").length);
    }

    /** As {@link #dot(float[], int, float[], int, int)}, in double (underflow term {@code n * Double.MIN_VALUE}). */
    public static double dot(double[] x, int xOffset, double[] y, int yOffset, int n) {
        Checks.xyN(x, xOffset, y, yOffset, n);
        return IMPL.dot(x, xOffset, y, yOffset, n);
    }

    /** {@link #dot(double[], int, double[], int, int)} over the whole arrays, which must be of one length. */
    public static double dot(double[] x, double[] y) {
        return dot(x, 0, y, 0, Checks.sameLength(x, y));
    }

    /** As {@link #max(float[], int, int)}, in double. Exact. */
    public static double max(double[] x, int offset, int n) {
        Checks.xOffsetN(x, offset, n);
        return IMPL.max(x, offset, n);
    }

    /** {@link #max(double[], int, int)} over the whole array. */
    public static double max(double[] x) {
        return max(x, 0, Checks.notNull(x, "x").length);
    }

    /** As {@link #min(float[], int, int)}, in double. Exact. */
    public static double min(double[] x, int offset, int n) {
        Checks.xOffsetN(x, offset, n);
        return IMPL.min(x, offset, n);
    }

    /** {@link #min(double[], int, int)} over the whole array. */
    public static double min(double[] x) {
        return min(x, 0, Checks.notNull(x, "x").length);
    }

    /** As {@link #argmax(float[], int, int)}, in double. Exact. */
    public static int argmax(double[] x, int offset, int n) {
        Checks.xOffsetN(x, offset, n);
        return IMPL.argmax(x, offset, n);
    }

    /** {@link #argmax(double[], int, int)} over the whole array. */
    public static int argmax(double[] x) {
        return argmax(x, 0, Checks.notNull(x, "x").length);
    }

    /** As {@link #asum(float[], int, int)}, in double. */
    public static double asum(double[] x, int offset, int n) {
        Checks.xOffsetN(x, offset, n);
        return IMPL.asum(x, offset, n);
    }

    /** {@link #asum(double[], int, int)} over the whole array. */
    public static double asum(double[] x) {
        return asum(x, 0, Checks.notNull(x, "x").length);
    }

    /**
     * The Euclidean norm without overflow or underflow on the way. The vector path sums plain squares
     * in one pass and keeps the result when it can have neither overflowed nor lost anything to
     * underflow (the common case); otherwise, and always on the reference, the elements are scaled by
     * the power of two (exact) that brings the largest magnitude into [1, 2).
     * {@code |r - ||x||| <= (gamma(d) + 2u) * ||x|| + Double.MIN_VALUE / 2}. Specials as the float version.
     */
    public static double nrm2(double[] x, int offset, int n) {
        Checks.xOffsetN(x, offset, n);
        return IMPL.nrm2(x, offset, n);
    }

    /** {@link #nrm2(double[], int, int)} over the whole array. */
    public static double nrm2(double[] x) {
        return nrm2(x, 0, Checks.notNull(x, "x").length);
    }

    /**
     * {@code log(sum exp(x))} as {@code max + log(sum exp(x - max))}: nothing overflows.
     * {@code |r - lse| <= (gamma(d') + 4u) * max(1, |lse|)} with {@code d' = c + 3 * ceil(ln n) + 1}, where
     * {@code c} is the chain of the sum of exponentials ({@code n} on the reference; on the vector path,
     * one accumulator: {@code ceil(n / L) + 1 + log2(L)}) and {@code 3 * ceil(ln n) + 1} accounts
     * for rounding {@code x - max} and {@code log(sum)}, which can reach {@code ln n} while {@code lse}
     * is near 0. The exponentials are jvk's own polynomial on the vector path, {@code Math.exp} on the
     * reference. Specials as the float version.
     */
    public static double logSumExp(double[] x, int offset, int n) {
        Checks.xOffsetN(x, offset, n);
        return IMPL.logSumExp(x, offset, n);
    }

    /** {@link #logSumExp(double[], int, int)} over the whole array. */
    public static double logSumExp(double[] x) {
        return logSumExp(x, 0, Checks.notNull(x, "x").length);
    }

    /**
     * The mean {@code sum x / n}: {@code |m - mean| <= gamma(d + 1) * sum|x| / n + Double.MIN_VALUE / 2}.
     * If the sum overflows while every element is finite, it is summed again scaled by 2<sup>-32</sup>
     * (exact), so the mean of finite values is never infinite. NaN for {@code n == 0}.
     */
    public static double mean(double[] x, int offset, int n) {
        Checks.xOffsetN(x, offset, n);
        return IMPL.mean(x, offset, n);
    }

    /** {@link #mean(double[], int, int)} over the whole array. */
    public static double mean(double[] x) {
        return mean(x, 0, Checks.notNull(x, "x").length);
    }

    /**
     * The population variance (divides by n), two-pass: the mean, then the squared deviations from it.
     * {@code |v - var| <= 3 * gamma(d + 2) * var + 2 * (gamma(d + 2) * sum|x| / n)^2 + Double.MIN_VALUE}.
     * If a square overflows while every element is finite, both passes run again on the data scaled by
     * 2<sup>-540</sup> (exact) and shifted by its first element (so that equal elements deviate by
     * exactly 0), and the result is scaled back, so it is infinite only when the variance is. NaN for {@code n == 0}. Reads x twice.
     */
    public static double variance(double[] x, int offset, int n) {
        Checks.xOffsetN(x, offset, n);
        return IMPL.variance(x, offset, n);
    }

    /** {@link #variance(double[], int, int)} over the whole array. */
    public static double variance(double[] x) {
        return variance(x, 0, Checks.notNull(x, "x").length);
    }
}
