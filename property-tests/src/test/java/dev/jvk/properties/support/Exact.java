package dev.jvk.properties.support;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Exact binary fixed point: every finite double is an integer multiple of 2^-1074, every product of
 * two doubles one of 2^-2148, so sums and products of them are exact BigIntegers at that scale, and
 * cheap (no decimal expansion of 2^-1074 per element, which makes BigDecimal slow on wide exponents).
 * {@link #round} turns such a value back into the correctly rounded float or double.
 */
public final class Exact {
    /** Scale of a double: v = k * 2^-1074 with k an integer. */
    public static final int DOUBLE = 1074;
    /** Scale of a product of two doubles. */
    public static final int DOUBLE_PRODUCT = 2 * DOUBLE;

    private Exact() {}

    /** v * 2^scale as an exact integer; v finite and a multiple of 2^-scale (any double for scale >= 1074). */
    public static BigInteger fixed(double v, int scale) {
        if (v == 0) {
            return BigInteger.ZERO;
        }
        long bits = Double.doubleToRawLongBits(v);
        long mantissa = bits & 0x000FFFFFFFFFFFFFL;
        int exponent = (int) ((bits >>> 52) & 0x7FF);
        int e;
        if (exponent == 0) {
            e = -1074; // subnormal
        } else {
            mantissa |= 1L << 52;
            e = exponent - 1075;
        }
        BigInteger k = BigInteger.valueOf(mantissa).shiftLeft(e + scale);
        return v < 0 ? k.negate() : k;
    }

    /** k * 2^-scale exactly as a BigDecimal. */
    public static BigDecimal toBigDecimal(BigInteger k, int scale) {
        // 2^-s = 5^s / 10^s
        return new BigDecimal(k.multiply(BigInteger.valueOf(5).pow(scale)), scale);
    }

    /** k * 2^-scale rounded to the nearest double, ties to even; +-Infinity past the range. */
    public static double roundToDouble(BigInteger k, int scale) {
        return round(k, scale, 53, -1022, 1023);
    }

    /** k * 2^-scale rounded to the nearest float, ties to even (once: no double rounding). */
    public static float roundToFloat(BigInteger k, int scale) {
        return (float) round(k, scale, 24, -126, 127);
    }

    /**
     * Rounds k * 2^-scale to precision bits (fewer below 2^minExponent, as subnormals have), ties to
     * even, and returns it as a double (exact: at most 53 bits at a representable exponent), or an
     * infinity when it exceeds 2^(maxExponent+1) minus half an ulp.
     */
    static double round(BigInteger k, int scale, int precision, int minExponent, int maxExponent) {
        int sign = k.signum();
        if (sign == 0) {
            return 0;
        }
        BigInteger m = k.abs();
        int top = m.bitLength() - 1 - scale; // value in [2^top, 2^(top+1))
        int keep = top >= minExponent ? precision : precision - (minExponent - top);
        int shift = m.bitLength() - keep;
        BigInteger q = m;
        if (shift > 0) {
            q = m.shiftRight(shift);
            BigInteger remainder = m.subtract(q.shiftLeft(shift));
            int c = remainder.shiftLeft(1).compareTo(BigInteger.ONE.shiftLeft(shift));
            if (c > 0 || (c == 0 && q.testBit(0))) {
                q = q.add(BigInteger.ONE);
            }
        } else {
            shift = 0;
        }
        int exponentOfUnit = shift - scale; // q * 2^exponentOfUnit
        if (q.bitLength() - 1 + exponentOfUnit > maxExponent) {
            return sign * Double.POSITIVE_INFINITY;
        }
        return sign * Math.scalb(q.doubleValue(), exponentOfUnit);
    }
}
