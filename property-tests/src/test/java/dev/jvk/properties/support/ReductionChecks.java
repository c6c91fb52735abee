package dev.jvk.properties.support;

import java.math.BigDecimal;
import java.util.Arrays;

/**
 * The numeric contract of {@code Reductions}, as checks that take the kernel as an argument: the
 * properties pass jvk's public entry points and its references, and {@code PropertiesCanFailTest}
 * passes deliberately wrong kernels to show that the same checks catch them. Every check throws
 * {@link AssertionError} with the numbers when the contract is broken, and also fails when the kernel
 * wrote to its input.
 */
public final class ReductionChecks {
    private static final double U_FLOAT = Bounds.U_FLOAT;
    private static final double U_DOUBLE = Bounds.U_DOUBLE;

    private ReductionChecks() {}

    @FunctionalInterface
    public interface FloatReduction {
        float apply(float[] x, int offset, int n);
    }

    @FunctionalInterface
    public interface DoubleReduction {
        double apply(double[] x, int offset, int n);
    }

    @FunctionalInterface
    public interface FloatDot {
        float apply(float[] x, int xOffset, float[] y, int yOffset, int n);
    }

    @FunctionalInterface
    public interface DoubleDot {
        double apply(double[] x, int xOffset, double[] y, int yOffset, int n);
    }

    @FunctionalInterface
    public interface FloatIndex {
        int apply(float[] x, int offset, int n);
    }

    @FunctionalInterface
    public interface DoubleIndex {
        int apply(double[] x, int offset, int n);
    }

    // ================================================================ reordered sums

    /** sum or (magnitudes) asum: |s - exact| <= gamma(d) * sum|x|. */
    public static void sum(FloatReduction kernel, FloatCase c, long d, boolean magnitudes) {
        float r = untouched(c.data(), () -> kernel.apply(c.data(), c.offset(), c.n()));
        Oracles.Terms t = Oracles.sumTerms(c.data(), c.offset(), c.n(), magnitudes);
        reorderedSum(magnitudes ? "asum" : "sum", r, t, Bounds.gamma(d, U_FLOAT), 0, Float.MAX_VALUE, d, c);
    }

    public static void sum(DoubleReduction kernel, DoubleCase c, long d, boolean magnitudes) {
        double r = untouched(c.data(), () -> kernel.apply(c.data(), c.offset(), c.n()));
        Oracles.Terms t = Oracles.sumTerms(c.data(), c.offset(), c.n(), magnitudes);
        reorderedSum(magnitudes ? "asum" : "sum", r, t, Bounds.gamma(d, U_DOUBLE), 0, Double.MAX_VALUE, d, c);
    }

    /** |s - exact| <= gamma(d) * sum|x*y| + n * MIN_VALUE. */
    public static void dot(FloatDot kernel, float[] x, int xOffset, float[] y, int yOffset, int n, long d) {
        float[] xBefore = x.clone();
        float[] yBefore = y.clone();
        float r = kernel.apply(x, xOffset, y, yOffset, n);
        unchanged(xBefore, x);
        unchanged(yBefore, y);
        Oracles.Terms t = Oracles.dotTerms(x, xOffset, y, yOffset, n);
        reorderedSum("dot", r, t, Bounds.gamma(d, U_FLOAT), n * (double) Float.MIN_VALUE, Float.MAX_VALUE, d,
                "xOffset=" + xOffset + " yOffset=" + yOffset + " n=" + n);
    }

    public static void dot(DoubleDot kernel, double[] x, int xOffset, double[] y, int yOffset, int n, long d) {
        double[] xBefore = x.clone();
        double[] yBefore = y.clone();
        double r = kernel.apply(x, xOffset, y, yOffset, n);
        unchanged(xBefore, x);
        unchanged(yBefore, y);
        Oracles.Terms t = Oracles.dotTerms(x, xOffset, y, yOffset, n);
        reorderedSum("dot", r, t, Bounds.gamma(d, U_DOUBLE), n * Double.MIN_VALUE, Double.MAX_VALUE, d,
                "xOffset=" + xOffset + " yOffset=" + yOffset + " n=" + n);
    }

    /**
     * A reordered sum of the terms t: NaN when IEEE addition must give NaN, the infinity when it
     * must give one; finite terms within gamma * sum|t| + slack of the exact sum. Where sum|t| could
     * overflow the type, an overflowed result (infinite or NaN) is accepted as the Javadoc says.
     */
    static void reorderedSum(String what, double r, Oracles.Terms t, double gamma, double slack, double max, long d, Object where) {
        boolean mayOverflow = t.magnitudes().multiply(BigDecimal.valueOf(1 + gamma)).compareTo(new BigDecimal(max)) > 0;
        Double special = t.special();
        if (special != null) {
            boolean ok = special.isNaN() ? Double.isNaN(r) : r == special || (mayOverflow && Double.isNaN(r));
            if (!ok) {
                throw new AssertionError(what + " = " + r + ", expected " + special + " (" + where + ")");
            }
            return;
        }
        if (mayOverflow && !Double.isFinite(r)) {
            return;
        }
        BigDecimal bound = new BigDecimal(gamma).multiply(t.magnitudes()).add(new BigDecimal(slack));
        if (!Double.isFinite(r) || new BigDecimal(r).subtract(t.exact()).abs().compareTo(bound) > 0) {
            throw new AssertionError(what + " = " + r + ", exact " + t.exact().doubleValue() + ", error "
                    + (Double.isFinite(r) ? new BigDecimal(r).subtract(t.exact()).abs().doubleValue() : "inf")
                    + " > bound gamma(" + d + ") * " + t.magnitudes().doubleValue() + " + " + slack + " = " + bound.doubleValue()
                    + " (" + where + ")");
        }
    }

    // ================================================================ exact: max, min, argmax

    /** Math.max semantics, from an independent oracle: NaN if any NaN, else the greatest under Float.compare (+0 > -0), -Inf for n == 0. */
    public static void max(FloatReduction kernel, FloatCase c) {
        float r = untouched(c.data(), () -> kernel.apply(c.data(), c.offset(), c.n()));
        float expected = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < c.n(); i++) {
            float v = c.data()[c.offset() + i];
            if (Float.compare(v, expected) > 0) {
                expected = v; // Float.compare puts NaN above everything, so NaN sticks
            }
        }
        sameBits("max", r, expected, c);
    }

    public static void max(DoubleReduction kernel, DoubleCase c) {
        double r = untouched(c.data(), () -> kernel.apply(c.data(), c.offset(), c.n()));
        double expected = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < c.n(); i++) {
            double v = c.data()[c.offset() + i];
            if (Double.compare(v, expected) > 0) {
                expected = v;
            }
        }
        sameBits("max", r, expected, c);
    }

    /** Math.min semantics: NaN if any NaN, else the least under Float.compare (-0 < +0), +Inf for n == 0. */
    public static void min(FloatReduction kernel, FloatCase c) {
        float r = untouched(c.data(), () -> kernel.apply(c.data(), c.offset(), c.n()));
        float expected = Float.POSITIVE_INFINITY;
        boolean nan = false;
        for (int i = 0; i < c.n(); i++) {
            float v = c.data()[c.offset() + i];
            nan |= Float.isNaN(v);
            if (Float.compare(v, expected) < 0) {
                expected = v;
            }
        }
        sameBits("min", r, nan ? Float.NaN : expected, c);
    }

    public static void min(DoubleReduction kernel, DoubleCase c) {
        double r = untouched(c.data(), () -> kernel.apply(c.data(), c.offset(), c.n()));
        double expected = Double.POSITIVE_INFINITY;
        boolean nan = false;
        for (int i = 0; i < c.n(); i++) {
            double v = c.data()[c.offset() + i];
            nan |= Double.isNaN(v);
            if (Double.compare(v, expected) < 0) {
                expected = v;
            }
        }
        sameBits("min", r, nan ? Double.NaN : expected, c);
    }

    /** The first NaN; else the first index holding a value numerically equal (-0 == +0) to the greatest; -1 for n == 0. */
    public static void argmax(FloatIndex kernel, FloatCase c) {
        int r = untouchedIndex(c.data(), () -> kernel.apply(c.data(), c.offset(), c.n()));
        double[] v = Oracles.widen(c.data(), c.offset(), c.n()); // exact, NaN stays NaN
        int expected = expectedArgmax(v);
        if (r != expected) {
            throw new AssertionError("argmax = " + r + ", expected " + expected + " (" + c + ")");
        }
    }

    public static void argmax(DoubleIndex kernel, DoubleCase c) {
        int r = untouchedIndex(c.data(), () -> kernel.apply(c.data(), c.offset(), c.n()));
        int expected = expectedArgmax(Oracles.slice(c.data(), c.offset(), c.n()));
        if (r != expected) {
            throw new AssertionError("argmax = " + r + ", expected " + expected + " (" + c + ")");
        }
    }

    private static int expectedArgmax(double[] v) {
        double greatest = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < v.length; i++) {
            if (Double.isNaN(v[i])) {
                return i;
            }
            greatest = Math.max(greatest, v[i]);
        }
        for (int i = 0; i < v.length; i++) {
            if (v[i] == greatest) {
                return i;
            }
        }
        return -1;
    }

    // ================================================================ nrm2

    /** Float: |r - ||x||| <= 2u ||x|| + MIN_VALUE/2; NaN if any NaN, else +Inf if any infinity. */
    public static void nrm2(FloatReduction kernel, FloatCase c) {
        float r = untouched(c.data(), () -> kernel.apply(c.data(), c.offset(), c.n()));
        double[] v = Oracles.widen(c.data(), c.offset(), c.n());
        norm("nrm2", r, v, 2 * U_FLOAT, halfOf(Float.MIN_VALUE), Float.MAX_VALUE, 0, c);
    }

    /** Double: |r - ||x||| <= (gamma(d) + 2u) ||x|| + MIN_VALUE/2. */
    public static void nrm2(DoubleReduction kernel, DoubleCase c, long d) {
        double r = untouched(c.data(), () -> kernel.apply(c.data(), c.offset(), c.n()));
        double[] v = Oracles.slice(c.data(), c.offset(), c.n());
        norm("nrm2", r, v, Bounds.gamma(d, U_DOUBLE) + 2 * U_DOUBLE, halfOf(Double.MIN_VALUE), Double.MAX_VALUE, d, c);
    }

    /** Half the smallest subnormal, exactly: the rounding error of a result in the subnormal range
     *  (in double arithmetic, Double.MIN_VALUE / 2 would round to 0). */
    private static BigDecimal halfOf(double minValue) {
        return new BigDecimal(minValue).divide(BigDecimal.valueOf(2));
    }

    private static void norm(String what, double r, double[] v, double relative, BigDecimal slack, double max, long d, Object where) {
        boolean nan = false;
        boolean infinite = false;
        for (double e : v) {
            nan |= Double.isNaN(e);
            infinite |= Double.isInfinite(e);
        }
        if (nan || infinite) {
            if (nan ? !Double.isNaN(r) : r != Double.POSITIVE_INFINITY) {
                throw new AssertionError(what + " = " + r + ", expected " + (nan ? "NaN" : "+Infinity") + " (" + where + ")");
            }
            return;
        }
        BigDecimal exact = Oracles.norm(v);
        BigDecimal bound = exact.multiply(new BigDecimal(relative)).add(slack);
        if (r == Double.POSITIVE_INFINITY && roundsToInfinity(exact.add(bound), max)) {
            return; // a norm within the bound is beyond the type
        }
        if (!Double.isFinite(r) || new BigDecimal(r).subtract(exact).abs().compareTo(bound) > 0) {
            throw new AssertionError(what + " = " + r + ", exact " + exact.doubleValue() + ", bound " + bound.doubleValue()
                    + (d > 0 ? " (d = " + d + ")" : "") + " (" + where + ")");
        }
    }

    // ================================================================ logSumExp

    /** Float: |r - lse| <= 2u * max(1, |lse|). */
    public static void logSumExp(FloatReduction kernel, FloatCase c) {
        float r = untouched(c.data(), () -> kernel.apply(c.data(), c.offset(), c.n()));
        logSumExp(r, Oracles.widen(c.data(), c.offset(), c.n()), 2 * U_FLOAT, c);
    }

    /** Double: |r - lse| <= (gamma(d') + 4u) * max(1, |lse|). */
    public static void logSumExp(DoubleReduction kernel, DoubleCase c, long dPrime) {
        double r = untouched(c.data(), () -> kernel.apply(c.data(), c.offset(), c.n()));
        logSumExp(r, Oracles.slice(c.data(), c.offset(), c.n()), Bounds.gamma(dPrime, U_DOUBLE) + 4 * U_DOUBLE, c);
    }

    private static void logSumExp(double r, double[] v, double relative, Object where) {
        boolean nan = false;
        boolean positiveInfinity = false;
        boolean allNegativeInfinity = true;
        for (double e : v) {
            nan |= Double.isNaN(e);
            positiveInfinity |= e == Double.POSITIVE_INFINITY;
            allNegativeInfinity &= e == Double.NEGATIVE_INFINITY;
        }
        double special = nan ? Double.NaN : positiveInfinity ? Double.POSITIVE_INFINITY : allNegativeInfinity ? Double.NEGATIVE_INFINITY : 0;
        if (special != 0) {
            if (Double.compare(r, special) != 0) {
                throw new AssertionError("logSumExp = " + r + ", expected " + special + " (" + where + ")");
            }
            return;
        }
        DoubleDouble lse = Oracles.logSumExp(v);
        double bound = relative * Math.max(1, Math.abs(lse.doubleValue()));
        double error = Double.isFinite(r) ? DoubleDouble.of(r).subtract(lse).doubleValue() : Double.POSITIVE_INFINITY;
        if (!(Math.abs(error) <= bound)) {
            throw new AssertionError("logSumExp = " + r + ", oracle " + lse.doubleValue() + ", error " + error + " > bound " + bound + " (" + where + ")");
        }
    }

    // ================================================================ mean and variance

    /** Float: |m - mean| <= u |mean| + gammaD(dDouble + 2) * mean|x| + MIN_VALUE/2 (summed in double). */
    public static void mean(FloatReduction kernel, FloatCase c, long dDouble) {
        float r = untouched(c.data(), () -> kernel.apply(c.data(), c.offset(), c.n()));
        mean("mean", r, Oracles.widen(c.data(), c.offset(), c.n()), U_FLOAT, Bounds.gamma(dDouble + 2, U_DOUBLE),
                halfOf(Float.MIN_VALUE), dDouble, c);
    }

    /** Double: |m - mean| <= gamma(d + 1) * mean|x| + MIN_VALUE/2, never overflowing for finite data. */
    public static void mean(DoubleReduction kernel, DoubleCase c, long d) {
        double r = untouched(c.data(), () -> kernel.apply(c.data(), c.offset(), c.n()));
        mean("mean", r, Oracles.slice(c.data(), c.offset(), c.n()), 0, Bounds.gamma(d + 1, U_DOUBLE), halfOf(Double.MIN_VALUE), d, c);
    }

    private static void mean(String what, double r, double[] v, double relativeToMean, double relativeToMagnitude, BigDecimal slack, long d, Object where) {
        if (v.length == 0) {
            if (!Double.isNaN(r)) {
                throw new AssertionError(what + " of nothing = " + r + ", expected NaN");
            }
            return;
        }
        Oracles.Terms t = Oracles.sumTerms(v, 0, v.length, false);
        if (t.special() != null) {
            if (Double.compare(r, t.special()) != 0) {
                throw new AssertionError(what + " = " + r + ", expected " + t.special() + " (" + where + ")");
            }
            return;
        }
        BigDecimal mean = Oracles.mean(v);
        BigDecimal bound = mean.abs().multiply(new BigDecimal(relativeToMean))
                .add(Oracles.meanMagnitude(v).multiply(new BigDecimal(relativeToMagnitude))).add(slack);
        if (!Double.isFinite(r) || new BigDecimal(r).subtract(mean).abs().compareTo(bound) > 0) {
            throw new AssertionError(what + " = " + r + ", exact " + mean.doubleValue() + ", bound " + bound.doubleValue()
                    + " (d = " + d + ", " + where + ")");
        }
    }

    /** Float: |v - var| <= 2u var + 2 (gammaD(dDouble + 2) * mean|x|)^2 + MIN_VALUE/2. */
    public static void variance(FloatReduction kernel, FloatCase c, long dDouble) {
        float r = untouched(c.data(), () -> kernel.apply(c.data(), c.offset(), c.n()));
        variance(r, Oracles.widen(c.data(), c.offset(), c.n()), 2 * U_FLOAT, Bounds.gamma(dDouble + 2, U_DOUBLE),
                Float.MIN_VALUE / 2.0, Float.MAX_VALUE, dDouble, c);
    }

    /** Double: |v - var| <= 3 gamma(d + 2) var + 2 (gamma(d + 2) * mean|x|)^2 + MIN_VALUE. */
    public static void variance(DoubleReduction kernel, DoubleCase c, long d) {
        double r = untouched(c.data(), () -> kernel.apply(c.data(), c.offset(), c.n()));
        double g = Bounds.gamma(d + 2, U_DOUBLE);
        variance(r, Oracles.slice(c.data(), c.offset(), c.n()), 3 * g, g, Double.MIN_VALUE, Double.MAX_VALUE, d, c);
    }

    private static void variance(double r, double[] v, double relative, double gammaOfMean, double slack, double max, long d, Object where) {
        boolean special = v.length == 0;
        for (double e : v) {
            special |= !Double.isFinite(e);
        }
        if (special) {
            if (!Double.isNaN(r)) {
                throw new AssertionError("variance = " + r + ", expected NaN (" + where + ")");
            }
            return;
        }
        BigDecimal variance = Oracles.variance(v);
        BigDecimal meanError = Oracles.meanMagnitude(v).multiply(new BigDecimal(gammaOfMean));
        BigDecimal bound = variance.multiply(new BigDecimal(relative))
                .add(meanError.multiply(meanError).multiply(BigDecimal.TWO)).add(new BigDecimal(slack));
        if (r == Double.POSITIVE_INFINITY && roundsToInfinity(variance.add(bound), max)) {
            return; // a variance within the bound is beyond the type
        }
        if (!Double.isFinite(r) || new BigDecimal(r).subtract(variance).abs().compareTo(bound) > 0) {
            throw new AssertionError("variance = " + r + ", exact " + variance.doubleValue() + ", bound " + bound.doubleValue()
                    + " (d = " + d + ", " + where + ")");
        }
    }

    // ================================================================ helpers

    /** v rounds to +Infinity in the type whose largest value is max: v >= max + ulp(max) / 2. */
    private static boolean roundsToInfinity(BigDecimal v, double max) {
        return v.compareTo(new BigDecimal(max).add(new BigDecimal(Math.ulp(max) / 2))) >= 0;
    }

    /** Bitwise equality, any NaN equal to any NaN (the contract's "NaN for NaN"). */
    public static void sameBits(String what, float actual, float expected, Object where) {
        if (Float.floatToIntBits(actual) != Float.floatToIntBits(expected)) {
            throw new AssertionError(what + " = " + actual + " (0x" + Integer.toHexString(Float.floatToRawIntBits(actual))
                    + "), expected " + expected + " (0x" + Integer.toHexString(Float.floatToRawIntBits(expected)) + ") (" + where + ")");
        }
    }

    public static void sameBits(String what, double actual, double expected, Object where) {
        if (Double.doubleToLongBits(actual) != Double.doubleToLongBits(expected)) {
            throw new AssertionError(what + " = " + actual + " (0x" + Long.toHexString(Double.doubleToRawLongBits(actual))
                    + "), expected " + expected + " (0x" + Long.toHexString(Double.doubleToRawLongBits(expected)) + ") (" + where + ")");
        }
    }

    private interface FloatCall {
        float call();
    }

    private interface DoubleCall {
        double call();
    }

    private interface IntCall {
        int call();
    }

    private static float untouched(float[] x, FloatCall call) {
        float[] before = x.clone();
        float r = call.call();
        unchanged(before, x);
        return r;
    }

    private static double untouched(double[] x, DoubleCall call) {
        double[] before = x.clone();
        double r = call.call();
        unchanged(before, x);
        return r;
    }

    private static int untouchedIndex(float[] x, IntCall call) {
        float[] before = x.clone();
        int r = call.call();
        unchanged(before, x);
        return r;
    }

    private static int untouchedIndex(double[] x, IntCall call) {
        double[] before = x.clone();
        int r = call.call();
        unchanged(before, x);
        return r;
    }

    static void unchanged(float[] before, float[] after) {
        for (int i = 0; i < before.length; i++) {
            if (Float.floatToRawIntBits(before[i]) != Float.floatToRawIntBits(after[i])) {
                throw new AssertionError("a reduction wrote to its input at index " + i + ": " + before[i] + " -> " + after[i]);
            }
        }
    }

    static void unchanged(double[] before, double[] after) {
        for (int i = 0; i < before.length; i++) {
            if (Double.doubleToRawLongBits(before[i]) != Double.doubleToRawLongBits(after[i])) {
                throw new AssertionError("a reduction wrote to its input at index " + i + ": " + before[i] + " -> " + after[i]);
            }
        }
    }

    /** Arrays equal bit for bit, NaN for NaN. */
    public static boolean sameBits(float[] a, float[] b) {
        return Arrays.equals(a, b); // Arrays.equals compares floatToIntBits
    }
}
