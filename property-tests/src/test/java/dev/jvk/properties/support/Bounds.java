package dev.jvk.properties.support;

import java.math.BigDecimal;

/**
 * The error measures of the numeric contract (DESIGN.md), computed independently of the kernels.
 */
public final class Bounds {
    /** Unit roundoff of float, 2^-24. */
    public static final double U_FLOAT = 0x1p-24;
    /** Unit roundoff of double, 2^-53. */
    public static final double U_DOUBLE = 0x1p-53;

    private Bounds() {}

    /** gamma(d) = d*u / (1 - d*u): the classic bound on a chain of d roundings. */
    public static double gamma(double d, double u) {
        double du = d * u;
        if (du >= 1) {
            return Double.POSITIVE_INFINITY;
        }
        return du / (1 - du);
    }

    /**
     * Distance in float ulps between a float result and the exact value (given in double, or better).
     * The ulp is that of the exact value rounded to float, so a correctly rounded result is at most 0.5.
     * NaN against NaN and equal infinities are 0; a NaN or infinity against anything else is +Inf.
     */
    public static double floatUlps(float actual, double exact) {
        if (Double.isNaN(exact) || Float.isNaN(actual)) {
            return Double.isNaN(exact) && Float.isNaN(actual) ? 0 : Double.POSITIVE_INFINITY;
        }
        if (Double.isInfinite(exact) || Float.isInfinite(actual)) {
            return actual == exact ? 0 : Double.POSITIVE_INFINITY;
        }
        float rounded = (float) exact;
        double ulp = Float.isInfinite(rounded) ? Math.ulp(Float.MAX_VALUE) : Math.ulp(rounded);
        return Math.abs(actual - exact) / ulp;
    }

    /** The exact sum of the terms, as BigDecimal: the oracle for reordered sums. */
    public static BigDecimal exactSum(float[] x, int offset, int n) {
        BigDecimal s = BigDecimal.ZERO;
        for (int i = 0; i < n; i++) {
            s = s.add(new BigDecimal(x[offset + i]));
        }
        return s;
    }
}
