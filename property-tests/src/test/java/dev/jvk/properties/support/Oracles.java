package dev.jvk.properties.support;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;

/**
 * Independent exact or high-precision answers: BigDecimal for sums, products, norms, means and
 * variances; double-double ({@link DoubleDouble}) for logSumExp. Nothing here calls jvk.
 */
public final class Oracles {
    /** Enough digits that rounding the oracle never matters beside a float or double bound. */
    public static final MathContext PRECISE = new MathContext(60);

    private Oracles() {}

    /**
     * The terms of a sum, classified as IEEE arithmetic would see them: NaN and infinities apart, the
     * finite ones summed exactly in binary fixed point ({@link Exact}), and their magnitudes too.
     */
    public static final class Terms {
        private final int scale;
        private boolean nan;
        private boolean positiveInfinity;
        private boolean negativeInfinity;
        private BigInteger exact = BigInteger.ZERO;
        private BigInteger magnitudes = BigInteger.ZERO;

        Terms(int scale) {
            this.scale = scale;
        }

        void add(double t) {
            if (Double.isNaN(t)) {
                nan = true;
            } else if (t == Double.POSITIVE_INFINITY) {
                positiveInfinity = true;
            } else if (t == Double.NEGATIVE_INFINITY) {
                negativeInfinity = true;
            } else {
                add(Exact.fixed(t, scale));
            }
        }

        void add(BigInteger fixed) {
            exact = exact.add(fixed);
            magnitudes = magnitudes.add(fixed.abs());
        }

        /** The exact sum of the finite terms. */
        public BigDecimal exact() {
            return Exact.toBigDecimal(exact, scale);
        }

        /** The exact sum of the magnitudes of the finite terms. */
        public BigDecimal magnitudes() {
            return Exact.toBigDecimal(magnitudes, scale);
        }

        /** What IEEE addition gives whatever the order, when it is determined: NaN, ±Infinity, or null for finite. */
        public Double special() {
            if (nan || (positiveInfinity && negativeInfinity)) {
                return Double.NaN;
            }
            if (positiveInfinity) {
                return Double.POSITIVE_INFINITY;
            }
            if (negativeInfinity) {
                return Double.NEGATIVE_INFINITY;
            }
            return null;
        }
    }

    public static Terms sumTerms(float[] x, int offset, int n, boolean magnitudes) {
        Terms t = new Terms(Exact.DOUBLE);
        for (int i = 0; i < n; i++) {
            double v = x[offset + i];
            t.add(magnitudes ? Math.abs(v) : v);
        }
        return t;
    }

    public static Terms sumTerms(double[] x, int offset, int n, boolean magnitudes) {
        Terms t = new Terms(Exact.DOUBLE);
        for (int i = 0; i < n; i++) {
            double v = x[offset + i];
            t.add(magnitudes ? Math.abs(v) : v);
        }
        return t;
    }

    /** Products x*y: exact for finite factors, IEEE's NaN or infinity (Inf * 0 = NaN) otherwise. */
    public static Terms dotTerms(float[] x, int xOffset, float[] y, int yOffset, int n) {
        Terms t = new Terms(Exact.DOUBLE);
        for (int i = 0; i < n; i++) {
            t.add((double) x[xOffset + i] * y[yOffset + i]); // exact in double for float factors
        }
        return t;
    }

    public static Terms dotTerms(double[] x, int xOffset, double[] y, int yOffset, int n) {
        Terms t = new Terms(Exact.DOUBLE_PRODUCT);
        for (int i = 0; i < n; i++) {
            double a = x[xOffset + i];
            double b = y[yOffset + i];
            if (Double.isFinite(a) && Double.isFinite(b)) {
                t.add(Exact.fixed(a, Exact.DOUBLE).multiply(Exact.fixed(b, Exact.DOUBLE)));
            } else {
                t.add(a * b);
            }
        }
        return t;
    }

    /** The exact Euclidean norm of finite values, to 60 digits. */
    public static BigDecimal norm(double[] values) {
        return Exact.toBigDecimal(sumOfSquares(values), Exact.DOUBLE_PRODUCT).sqrt(PRECISE);
    }

    /** The mean of finite values, to 60 digits. */
    public static BigDecimal mean(double[] values) {
        return Exact.toBigDecimal(sum(values), Exact.DOUBLE).divide(BigDecimal.valueOf(values.length), PRECISE);
    }

    /** The mean magnitude of finite values, to 60 digits. */
    public static BigDecimal meanMagnitude(double[] values) {
        BigInteger s = BigInteger.ZERO;
        for (double v : values) {
            s = s.add(Exact.fixed(Math.abs(v), Exact.DOUBLE));
        }
        return Exact.toBigDecimal(s, Exact.DOUBLE).divide(BigDecimal.valueOf(values.length), PRECISE);
    }

    /** The population variance of finite values, (n sum x^2 - (sum x)^2) / n^2 computed exactly, to 60 digits. */
    public static BigDecimal variance(double[] values) {
        BigInteger n = BigInteger.valueOf(values.length);
        BigInteger s = sum(values);
        BigInteger numerator = n.multiply(sumOfSquares(values)).subtract(s.multiply(s)); // at scale 2148
        return Exact.toBigDecimal(numerator, Exact.DOUBLE_PRODUCT).divide(new BigDecimal(n.multiply(n)), PRECISE);
    }

    private static BigInteger sum(double[] values) {
        BigInteger s = BigInteger.ZERO;
        for (double v : values) {
            s = s.add(Exact.fixed(v, Exact.DOUBLE));
        }
        return s;
    }

    private static BigInteger sumOfSquares(double[] values) {
        BigInteger s = BigInteger.ZERO;
        for (double v : values) {
            BigInteger k = Exact.fixed(v, Exact.DOUBLE);
            s = s.add(k.multiply(k));
        }
        return s;
    }

    /** log(sum exp(v)) of finite values (n >= 1) in double-double: max + log(sum exp(v - max)), each v - max exact. */
    public static DoubleDouble logSumExp(double[] values) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            max = Math.max(max, v);
        }
        DoubleDouble s = DoubleDouble.ZERO;
        for (double v : values) {
            if (v != Double.NEGATIVE_INFINITY) {
                s = s.add(DoubleDouble.exp(DoubleDouble.twoSum(v, -max)));
            }
        }
        return DoubleDouble.of(max).add(DoubleDouble.log(s));
    }

    public static double[] widen(float[] x, int offset, int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = x[offset + i];
        }
        return d;
    }

    public static double[] slice(double[] x, int offset, int n) {
        return java.util.Arrays.copyOfRange(x, offset, offset + n);
    }
}
