package dev.jvk.kernels.reference;

/**
 * Scalar reference reductions: the fallback where the Vector API cannot run, and the twin the
 * vector kernels are checked against. Plain loops in index order, no cleverness beyond what the
 * numeric contract of {@link dev.jvk.kernels.Reductions} demands (scaling against overflow, a
 * maximum subtracted before exponentials, a double accumulator where float would overflow).
 *
 * <p>Every sum here runs from index 0 to n - 1 in one chain, so its chain length is {@code d = n}.
 * No argument checks: call these through {@link dev.jvk.kernels.Reductions}, or check yourself.
 */
public final class ReferenceReductions {
    /**
     * Scales a double sum or mean so that no partial sum of finite values can overflow: n terms of
     * at most MAX_VALUE * 2^-32 stay below MAX_VALUE for every int n. A power of two, so the
     * scaling itself is exact (except for terms below 2^-990, far below any rounding that matters).
     */
    private static final double MEAN_RESCUE_SCALE = 0x1p-32;
    /**
     * Scales double data for variance when (x - mean)^2 overflows: {@code |x * 2^-540| <= 2^484}, so every
     * square stays below 2^969 and their sum below 2^1000 for every int n.
     */
    private static final double VARIANCE_RESCUE_SCALE = 0x1p-540;

    private ReferenceReductions() {}

    // ---------------------------------------------------------------- float

    public static float sum(float[] x, int offset, int n) {
        return ReferenceFloatReductions.sum(x, offset, n);
    }

    public static float dot(float[] x, int xOffset, float[] y, int yOffset, int n) {
        return ReferenceFloatReductions.dot(x, xOffset, y, yOffset, n);
    }

    /** Math.max over the elements: NaN if any is NaN, +0 over -0, -Infinity for n == 0. */
    public static float max(float[] x, int offset, int n) {
        return ReferenceFloatReductions.max(x, offset, n);
    }

    /** Math.min over the elements: NaN if any is NaN, -0 under +0, +Infinity for n == 0. */
    public static float min(float[] x, int offset, int n) {
        return ReferenceFloatReductions.min(x, offset, n);
    }

    /** The first NaN, else the first element no later element is '>' than; -1 for n == 0. */
    public static int argmax(float[] x, int offset, int n) {
        return ReferenceFloatReductions.argmax(x, offset, n);
    }

    public static float asum(float[] x, int offset, int n) {
        return ReferenceFloatReductions.asum(x, offset, n);
    }

    /**
     * Euclidean norm. The squares are summed in double: a float squared can neither overflow nor
     * underflow there ({@code |x| <= 2^128} gives {@code x^2 <= 2^256}; the smallest float squared is 2^-298).
     */
    public static float nrm2(float[] x, int offset, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            double v = x[offset + i];
            s += v * v;
        }
        return (float) Math.sqrt(s);
    }

    /**
     * log(sum exp(x)), as max + log(sum exp(x - max)) so that no exponential overflows; in double,
     * so the float result has one rounding that matters. -Infinity for n == 0 or when every element
     * is -Infinity; +Infinity when one is +Infinity; NaN when one is NaN.
     */
    public static float logSumExp(float[] x, int offset, int n) {
        float m = max(x, offset, n);
        if (m != m || Float.isInfinite(m)) {
            return m;
        }
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += Math.exp((double) x[offset + i] - m);
        }
        return (float) (m + Math.log(s));
    }

    /** The mean, summed in double (no overflow), rounded once to float; NaN for n == 0. */
    public static float mean(float[] x, int offset, int n) {
        return (float) meanInDouble(x, offset, n);
    }

    /**
     * Population variance (divides by n), two-pass in double: the mean first, then the squared
     * deviations from it, so nothing cancels catastrophically. NaN for n == 0.
     */
    public static float variance(float[] x, int offset, int n) {
        double mean = meanInDouble(x, offset, n);
        double s = 0;
        for (int i = 0; i < n; i++) {
            double d = x[offset + i] - mean;
            s += d * d;
        }
        return (float) (s / n);
    }

    private static double meanInDouble(float[] x, int offset, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += x[offset + i];
        }
        return s / n;
    }

    // ---------------------------------------------------------------- double

    public static double sum(double[] x, int offset, int n) {
        return ReferenceDoubleReductions.sum(x, offset, n);
    }

    public static double dot(double[] x, int xOffset, double[] y, int yOffset, int n) {
        return ReferenceDoubleReductions.dot(x, xOffset, y, yOffset, n);
    }

    public static double max(double[] x, int offset, int n) {
        return ReferenceDoubleReductions.max(x, offset, n);
    }

    public static double min(double[] x, int offset, int n) {
        return ReferenceDoubleReductions.min(x, offset, n);
    }

    public static int argmax(double[] x, int offset, int n) {
        return ReferenceDoubleReductions.argmax(x, offset, n);
    }

    public static double asum(double[] x, int offset, int n) {
        return ReferenceDoubleReductions.asum(x, offset, n);
    }

    /**
     * Euclidean norm by two passes: the largest magnitude first, then the sum of squares of the
     * elements scaled by a power of two (exact) that brings the largest into [1, 2), so nothing
     * overflows and no square that matters underflows; the root is scaled back, exactly.
     */
    public static double nrm2(double[] x, int offset, int n) {
        double largest = 0;
        for (int i = 0; i < n; i++) {
            largest = Math.max(largest, Math.abs(x[offset + i]));
        }
        if (largest == 0 || !Double.isFinite(largest)) {
            return largest; // 0, +Infinity or NaN
        }
        int exponent = Math.getExponent(largest);
        double s = 0;
        for (int i = 0; i < n; i++) {
            double v = Math.scalb(x[offset + i], -exponent);
            s += v * v;
        }
        return Math.scalb(Math.sqrt(s), exponent);
    }

    /** log(sum exp(x)) as max + log(sum exp(x - max)); specials as the float version. */
    public static double logSumExp(double[] x, int offset, int n) {
        double m = max(x, offset, n);
        if (m != m || Double.isInfinite(m)) {
            return m;
        }
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += Math.exp(x[offset + i] - m);
        }
        return m + Math.log(s);
    }

    /**
     * The mean, sum / n; NaN for n == 0. If the sum overflows while no element is NaN, it is
     * summed again scaled by 2^-32 (exact), which cannot overflow.
     */
    public static double mean(double[] x, int offset, int n) {
        double m = scaledSum(x, offset, n, 1.0) / n;
        // Rescued whenever no element is NaN: finite terms can overflow a partial sum, even to the
        // opposite infinity of an infinite element (-MAX + -MAX + Inf); scaled, they cannot.
        if (!Double.isFinite(m) && noNaN(x, offset, n)) {
            m = Math.scalb(scaledSum(x, offset, n, MEAN_RESCUE_SCALE) / n, 32);
        }
        return m;
    }

    /**
     * Population variance (divides by n), two-pass: the mean, then the squared deviations from it.
     * If a square overflows while every element is finite, both passes run again on the data scaled
     * by 2^-540 (exact) and shifted by its first element, and the result is scaled back by 2^1080.
     * The shift is what makes the rescue work: above about 2^564 a mean off by one ulp leaves
     * deviations whose squares overflow once scaled back (equal elements gave +Inf); measured from
     * the first element, equal elements deviate by exactly 0, and the mean's error is relative to
     * the spread of the data rather than to its magnitude.
     */
    public static double variance(double[] x, int offset, int n) {
        double v = twoPassVariance(x, offset, n, 1.0, 0.0);
        if (!Double.isFinite(v) && n > 0 && allFinite(x, offset, n)) { // n == 0: NaN, nothing to rescue
            v = Math.scalb(twoPassVariance(x, offset, n, VARIANCE_RESCUE_SCALE, x[offset] * VARIANCE_RESCUE_SCALE), 1080);
        }
        return v;
    }

    /** The variance of x * scale: the mean as shift + mean(x * scale - shift), then the squared deviations from it. */
    private static double twoPassVariance(double[] x, int offset, int n, double scale, double shift) {
        double shifted = 0;
        for (int i = 0; i < n; i++) {
            shifted += x[offset + i] * scale - shift;
        }
        double mean = shift + shifted / n;
        double s = 0;
        for (int i = 0; i < n; i++) {
            double d = x[offset + i] * scale - mean;
            s += d * d;
        }
        return s / n;
    }

    private static double scaledSum(double[] x, int offset, int n, double scale) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += x[offset + i] * scale;
        }
        return s;
    }

    private static boolean noNaN(double[] x, int offset, int n) {
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(x[offset + i])) {
                return false;
            }
        }
        return true;
    }

    private static boolean allFinite(double[] x, int offset, int n) {
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(x[offset + i])) {
                return false;
            }
        }
        return true;
    }
}
