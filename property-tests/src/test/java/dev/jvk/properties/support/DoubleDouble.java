package dev.jvk.properties.support;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Double-double numbers (hi + lo, about 106 bits): just enough arithmetic for an exp and a log
 * precise to ~1e-29 relative, the oracle for logSumExp, where BigDecimal has no exp and double
 * alone would be as imprecise as the kernel under test.
 */
public record DoubleDouble(double hi, double lo) {
    public static final DoubleDouble ZERO = new DoubleDouble(0, 0);
    public static final DoubleDouble ONE = new DoubleDouble(1, 0);
    private static final DoubleDouble LN2 = of(new BigDecimal("0.69314718055994530941723212145817656807550013436"));
    /** exp reduces its argument to |r| <= ln2/2, then divides it by 2^10 and squares the result ten times. */
    private static final int SQUARINGS = 10;
    private static final DoubleDouble[] INVERSE_FACTORIALS = new DoubleDouble[16];

    static {
        BigDecimal factorial = BigDecimal.ONE;
        for (int i = 0; i < INVERSE_FACTORIALS.length; i++) {
            if (i > 0) {
                factorial = factorial.multiply(BigDecimal.valueOf(i));
            }
            INVERSE_FACTORIALS[i] = of(BigDecimal.ONE.divide(factorial, new MathContext(50)));
        }
    }

    public static DoubleDouble of(double a) {
        return new DoubleDouble(a, 0);
    }

    public static DoubleDouble of(BigDecimal a) {
        double hi = a.doubleValue();
        return new DoubleDouble(hi, a.subtract(new BigDecimal(hi)).doubleValue());
    }

    /** a + b exactly, as a double-double (Knuth's two-sum). */
    public static DoubleDouble twoSum(double a, double b) {
        double s = a + b;
        double bb = s - a;
        return new DoubleDouble(s, (a - (s - bb)) + (b - bb));
    }

    private static DoubleDouble fastTwoSum(double a, double b) {
        double s = a + b;
        return new DoubleDouble(s, b - (s - a));
    }

    public DoubleDouble add(DoubleDouble b) {
        DoubleDouble s = twoSum(hi, b.hi);
        DoubleDouble t = twoSum(lo, b.lo);
        DoubleDouble u = fastTwoSum(s.hi, s.lo + t.hi);
        return fastTwoSum(u.hi, u.lo + t.lo);
    }

    public DoubleDouble negate() {
        return new DoubleDouble(-hi, -lo);
    }

    public DoubleDouble subtract(DoubleDouble b) {
        return add(b.negate());
    }

    public DoubleDouble multiply(DoubleDouble b) {
        double p = hi * b.hi;
        double e = Math.fma(hi, b.hi, -p);
        e += hi * b.lo + lo * b.hi;
        return fastTwoSum(p, e);
    }

    public DoubleDouble scalb(int k) {
        return new DoubleDouble(Math.scalb(hi, k), Math.scalb(lo, k));
    }

    public double doubleValue() {
        return hi + lo;
    }

    public BigDecimal toBigDecimal() {
        return new BigDecimal(hi).add(new BigDecimal(lo));
    }

    /** e^a for a up to ~700 in magnitude; 0 below -746 (where e^a is below half the smallest double). */
    public static DoubleDouble exp(DoubleDouble a) {
        if (a.hi < -746) {
            return ZERO;
        }
        double k = Math.rint(a.hi / LN2.hi);
        DoubleDouble r = a.subtract(LN2.multiply(of(k))).scalb(-SQUARINGS);
        DoubleDouble p = INVERSE_FACTORIALS[INVERSE_FACTORIALS.length - 1];
        for (int i = INVERSE_FACTORIALS.length - 2; i >= 0; i--) {
            p = p.multiply(r).add(INVERSE_FACTORIALS[i]);
        }
        for (int i = 0; i < SQUARINGS; i++) {
            p = p.multiply(p);
        }
        return p.scalb((int) k);
    }

    /** ln(s) for s > 0: Math.log, then one Newton step y + s*e^-y - 1, which squares its error. */
    public static DoubleDouble log(DoubleDouble s) {
        double y0 = Math.log(s.hi);
        DoubleDouble y = of(y0);
        return y.add(s.multiply(exp(y.negate())).subtract(ONE));
    }
}
