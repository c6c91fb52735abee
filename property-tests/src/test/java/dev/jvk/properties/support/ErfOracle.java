package dev.jvk.properties.support;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * The normal distribution function Phi(x) = 0.5 (1 + erf(x / sqrt 2)) = 0.5 erfc(-x / sqrt 2), as an
 * oracle for GELU's erf form, computed independently of every kernel:
 * <ul>
 *   <li>|x| <= 7.5: the Maclaurin series erf(x / sqrt 2) = sqrt(2/pi) sum_n (-1)^n x^(2n+1) / (2^n n! (2n+1))
 *       summed in double-double arithmetic (about 32 digits). Its terms grow to e^(x^2/2) = 1.6e12 at
 *       most, and 1 + erf(x / sqrt 2) is at least 6e-14 there, so about 7 digits are lost to cancellation
 *       and some 25 remain.</li>
 *   <li>|x| > 7.5: the asymptotic series erfc(z) = e^(-z^2) / (z sqrt pi) sum_n (-1)^n (2n-1)!! / (2 z^2)^n,
 *       z = |x| / sqrt 2 >= 5.3, cut at its smallest term: relative error below e^(-z^2) < 1e-12.</li>
 * </ul>
 * (The reference kernel uses a double Maclaurin series only below |z| = 2 and a continued fraction
 * above; the vector kernel uses fitted polynomials. None of that is shared with this class.)
 */
public final class ErfOracle {
    private static final MathContext MC = new MathContext(40);
    /** sqrt(2/pi) as a double-double. */
    private static final double SQRT_2_OVER_PI_HI, SQRT_2_OVER_PI_LO;
    /** 1 / sqrt(pi). */
    private static final double INV_SQRT_PI = 1 / Math.sqrt(Math.PI);

    static {
        BigDecimal pi = new BigDecimal("3.14159265358979323846264338327950288419716939937510");
        BigDecimal c = BigDecimal.valueOf(2).divide(pi, MC).sqrt(MC);
        SQRT_2_OVER_PI_HI = c.doubleValue();
        SQRT_2_OVER_PI_LO = c.subtract(new BigDecimal(SQRT_2_OVER_PI_HI)).doubleValue();
    }

    private ErfOracle() {}

    /** Phi(x) = 0.5 erfc(-x / sqrt 2), to about 1e-12 relative error or better, for every double x. */
    public static double normalCdf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        if (Math.abs(x) > 7.5) {
            double tail = 0.5 * erfcAsymptotic(Math.abs(x));
            return x > 0 ? 1 - tail : tail;
        }
        // 1 + erf(x / sqrt 2) in double-double, then halved (exact).
        DD sum = erfSeriesScaledSum(x);
        sum.mul(SQRT_2_OVER_PI_HI, SQRT_2_OVER_PI_LO);
        sum.add(1, 0);
        return 0.5 * (sum.hi + sum.lo);
    }

    /** The normal density phi(x) = e^(-x^2/2) / sqrt(2 pi) (x^2 / 2 is exact for a float x). */
    public static double normalDensity(double x) {
        return StrictMath.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
    }

    /** sum_n (-1)^n x^(2n+1) / (2^n n! (2n+1)) in double-double. */
    private static DD erfSeriesScaledSum(double x) {
        double halfSquare = -0.5 * x * x; // exact for float x
        DD power = new DD(x, 0);          // (-1)^n x^(2n+1) / (2^n n!)
        DD sum = new DD(0, 0);
        for (int n = 0; n < 2000; n++) {
            DD term = power.copy();
            term.div(2 * n + 1);
            sum.add(term.hi, term.lo);
            if (n > -halfSquare && Math.abs(term.hi) <= 1e-36 * Math.abs(sum.hi)) {
                return sum;
            }
            power.mulDouble(halfSquare);
            power.div(n + 1);
        }
        throw new AssertionError("erf series did not converge at x = " + x);
    }

    /** erfc(a / sqrt 2) for a >= 7.5 by the asymptotic series, cut at its smallest term. */
    private static double erfcAsymptotic(double a) {
        if (a == Double.POSITIVE_INFINITY) {
            return 0;
        }
        double z = a / Math.sqrt(2);
        double inverse = 1 / (2 * z * z);
        double term = 1, sum = 1;
        for (int n = 1; n < 200; n++) {
            double next = -term * (2 * n - 1) * inverse;
            if (Math.abs(next) >= Math.abs(term)) {
                break;
            }
            term = next;
            sum += term;
        }
        return StrictMath.exp(-0.5 * a * a) / (z) * INV_SQRT_PI * sum;
    }

    /** A mutable double-double number hi + lo, |lo| <= ulp(hi) / 2 (Dekker, Knuth, Shewchuk). */
    private static final class DD {
        double hi, lo;

        DD(double hi, double lo) {
            this.hi = hi;
            this.lo = lo;
        }

        DD copy() {
            return new DD(hi, lo);
        }

        void add(double bHi, double bLo) {
            double s = hi + bHi;
            double bb = s - hi;
            double e = (hi - (s - bb)) + (bHi - bb);
            e += lo + bLo;
            normalize(s, e);
        }

        void mulDouble(double b) {
            double p = hi * b;
            double e = Math.fma(hi, b, -p) + lo * b;
            normalize(p, e);
        }

        void mul(double bHi, double bLo) {
            double p = hi * bHi;
            double e = Math.fma(hi, bHi, -p) + (hi * bLo + lo * bHi);
            normalize(p, e);
        }

        void div(double b) {
            double q1 = hi / b;
            double p = q1 * b;
            double pe = Math.fma(q1, b, -p);
            double r = ((hi - p) - pe + lo) / b;
            normalize(q1, r);
        }

        private void normalize(double s, double e) {
            double h = s + e;
            lo = e - (h - s);
            hi = h;
        }
    }
}
