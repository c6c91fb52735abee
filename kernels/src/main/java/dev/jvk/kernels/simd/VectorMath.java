package dev.jvk.kernels.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The lanewise elementary functions every vector activation and softmax is built on: exp, expm1,
 * log, log1p (float), exp (double), and the erf pieces of GELU (double). One core each, so every
 * kernel inherits the same error bound.
 *
 * <p>Built only from exactly rounded operations (add, mul, fma, div, compare, blend, bit operations,
 * conversions), never the Vector API's lanewise transcendentals: in JDK 25 those compute
 * {@code Math.exp} per lane until C2 compiles the caller and a native library afterwards, so their
 * results change with the JIT tier. Everything here gives bitwise the same lanes at every tier.
 *
 * <p>The polynomials were fitted (weighted least squares, then Lawson's iteration towards minimax) to
 * the named functions on the stated intervals; the comment on each gives its approximation error.
 * The error bounds of the kernels are proven by the property tests against independent oracles.
 */
final class VectorMath {
    private VectorMath() {}

    private static final VectorSpecies<Float> F = Species.FLOAT;
    private static final VectorSpecies<Double> D = Species.DOUBLE;

    /** A constant in every lane (C2 hoists the broadcast out of loops). */
    private static FloatVector splat(float c) {
        return FloatVector.broadcast(F, c);
    }

    private static DoubleVector splat(double c) {
        return DoubleVector.broadcast(D, c);
    }

    // ------------------------------------------------------------------ float exp: reduction constants

    /** Beyond [-125, 89] e^x is 0 or +Inf in float; clamping keeps n inside the two-step scaling's range. */
    static final float EXP_MIN = -125f;
    static final float EXP_MAX = 89f;
    private static final float LOG2E = 1.44269504088896341f;
    /** ln 2 split: LN2_HI has 9 significant bits, so n * LN2_HI is exact and x - n * LN2_HI too (Sterbenz). */
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5 * 2^23: adding it rounds to an integer, whose value then sits in the low bits of the float. */
    private static final float ROUND = 0x1.8p23f;
    private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);

    // e^r - 1 - r = r^2 * P(r) on |r| <= 0.3467 (ln 2 / 2 plus the slack of rounding n); relative error of
    // 1 + r + r^2 P(r) below 1.4e-9 (0.02 ulp).
    private static final float E0 = 0.5f, E1 = 0.1666666716337204f, E2 = 0.041666463017463684f,
            E3 = 0.00833328627049923f, E4 = 0.0013933676527813077f, E5 = 0.0001990761811612174f;

    /** x clamped to [EXP_MIN, EXP_MAX]; NaN stays NaN (a comparison with NaN is false). */
    static FloatVector clampExp(FloatVector x) {
        return x.blend(EXP_MIN, x.compare(VectorOperators.LT, EXP_MIN))
                .blend(EXP_MAX, x.compare(VectorOperators.GT, EXP_MAX));
    }

    /**
     * k = round(x / ln 2) + 1.5 * 2^23, for x already clamped: as a float it is n + 1.5 * 2^23, and its
     * bits minus those of 1.5 * 2^23 are the integer n that {@link #timesTwoTo} applies.
     */
    static FloatVector exponentOf(FloatVector x) {
        return x.fma(LOG2E, ROUND);
    }

    /** e^(x - n ln 2) for the n held in k: a number in [0.707, 1.415]. Exact reduction, then the polynomial. */
    static FloatVector expOfRemainder(FloatVector x, FloatVector k) {
        FloatVector n = k.sub(ROUND);
        FloatVector r = n.fma(splat(-LN2_HI), x);
        r = n.fma(splat(-LN2_LO), r);
        return expm1Small(r).add(1f);
    }

    /** e^r - 1 = r + r^2 P(r) for |r| <= 0.3467, with a relative error below 1.4e-9. */
    private static FloatVector expm1Small(FloatVector r) {
        FloatVector p = r.fma(E5, E4).fma(r, splat(E3)).fma(r, splat(E2)).fma(r, splat(E1)).fma(r, splat(E0));
        return p.fma(r.mul(r), r);
    }

    /**
     * v * 2^n for the n held in k (n in [-181, 128]), in two exact halves 2^(n/2) * 2^(n - n/2): each
     * factor is a normal float, so the product rounds only once, at the end, even when the result
     * is subnormal (gradual underflow) or overflows to Inf.
     */
    static FloatVector timesTwoTo(FloatVector v, FloatVector k) {
        IntVector n = k.reinterpretAsInts().sub(ROUND_BITS);
        IntVector half = n.lanewise(VectorOperators.ASHR, 1);
        IntVector rest = n.sub(half);
        FloatVector first = half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector second = rest.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return v.mul(first).mul(second);
    }

    /**
     * e^x in float: within 0.6 ulp by construction (the polynomial's 0.02 ulp, the rounding of 1 + (e^r - 1)
     * and of the final scaling), subnormal results included. x > 88.72284 gives +Inf, x = -Inf gives 0,
     * NaN gives NaN.
     */
    static FloatVector exp(FloatVector x) {
        FloatVector xc = clampExp(x);
        FloatVector k = exponentOf(xc);
        return timesTwoTo(expOfRemainder(xc, k), k);
    }

    /**
     * e^(hi + lo) for a value given as an unevaluated sum, |lo| small against ulp(hi) (e.g. the exact
     * rounding error of hi = a - b): lo joins the reduced argument, so the result is as accurate as if
     * hi + lo were exact. Where hi is clamped (below -125 or above 89) lo is ignored.
     */
    static FloatVector exp(FloatVector hi, FloatVector lo) {
        VectorMask<Float> outside = hi.compare(VectorOperators.LT, EXP_MIN).or(hi.compare(VectorOperators.GT, EXP_MAX));
        FloatVector xc = clampExp(hi);
        FloatVector low = lo.blend(0f, outside);
        FloatVector k = exponentOf(xc);
        FloatVector n = k.sub(ROUND);
        FloatVector r = n.fma(splat(-LN2_HI), xc);
        r = n.fma(splat(-LN2_LO), r).add(low);
        return timesTwoTo(expm1Small(r).add(1f), k);
    }

    /**
     * e^y - 1 for y <= 0, relative error about 1 ulp: e^y - 1 = 2^n (e^r - 1) + (2^n - 1), where 2^n - 1
     * is exact for n >= -24 and the fma rounds once. Near 0 (n = 0) it is the polynomial itself, so it
     * keeps full relative accuracy where e^y - 1 cancels. y below -125 gives -1.
     */
    static FloatVector expm1NonPositive(FloatVector y) {
        FloatVector yc = y.blend(EXP_MIN, y.compare(VectorOperators.LT, EXP_MIN));
        FloatVector k = exponentOf(yc);
        FloatVector n = k.sub(ROUND);
        FloatVector r = n.fma(splat(-LN2_HI), yc);
        r = n.fma(splat(-LN2_LO), r);
        FloatVector twoToN = timesTwoTo(FloatVector.broadcast(F, 1f), k);
        return twoToN.fma(expm1Small(r), twoToN.sub(1f));
    }

    // ------------------------------------------------------------------ float log

    private static final float LN2_HI_LOG = 0.693359375f;
    private static final float LN2_LO_LOG = -2.12194440e-4f;
    private static final int SQRT_HALF_BITS = 0x3f3504f3; // bits of 0.70710677f
    // log(1 + f) - f + f^2/2 = f^3 Q(f) on [-0.2929, 0.5]; relative error of the sum below 2.2e-9.
    private static final float L0 = 0.33333319425582886f, L1 = -0.2500027120113373f, L2 = 0.20001786947250366f,
            L3 = -0.1665402501821518f, L4 = 0.14216062426567078f, L5 = -0.12636859714984894f,
            L6 = 0.12129702419042587f, L7 = -0.10456825792789459f, L8 = 0.048063505440950394f;

    /** log(1 + f) for f in [-0.2929, 0.5]: f + f^2 (-1/2 + f Q(f)), rounded once at the end. */
    private static FloatVector log1pSmall(FloatVector f) {
        FloatVector q = f.fma(L8, L7).fma(f, splat(L6)).fma(f, splat(L5)).fma(f, splat(L4)).fma(f, splat(L3)).fma(f, splat(L2)).fma(f, splat(L1)).fma(f, splat(L0));
        return q.fma(f, splat(-0.5f)).fma(f.mul(f), f);
    }

    /**
     * ln x in float, within about 1 ulp: x = 2^k m with m in [sqrt(1/2), sqrt 2), so f = m - 1 is exact
     * (Sterbenz) and ln x = k ln 2 + log1p(f), with k ln 2 split so that k * LN2_HI is exact.
     * Subnormal x is scaled by 2^23 first. As Math.log: ln(±0) = -Inf, ln(x < 0) = NaN, ln(+Inf) = +Inf.
     */
    static FloatVector log(FloatVector x) {
        VectorMask<Float> subnormal = x.compare(VectorOperators.LT, Float.MIN_NORMAL);
        FloatVector xs = x.blend(x.mul(0x1p23f), subnormal);
        IntVector bits = xs.reinterpretAsInts();
        IntVector k = bits.sub(SQRT_HALF_BITS).lanewise(VectorOperators.ASHR, 23);
        FloatVector m = bits.sub(k.lanewise(VectorOperators.LSHL, 23)).reinterpretAsFloats();
        FloatVector kf = ((FloatVector) k.convert(VectorOperators.I2F, 0)).sub(FloatVector.zero(F).blend(23f, subnormal));
        FloatVector l = kf.fma(splat(LN2_HI_LOG), kf.fma(splat(LN2_LO_LOG), log1pSmall(m.sub(1f))));
        l = l.blend(Float.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0f));
        l = l.blend(Float.NaN, x.compare(VectorOperators.LT, 0f));
        l = l.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
        return l.blend(x, x.test(VectorOperators.IS_NAN));
    }

    /**
     * ln(1 + y) for y in [0, 1] (softplus' e^-|x|), about 1 ulp, without forming 1 + y: for y < 1/2 it is
     * the polynomial at y itself; for y >= 1/2, ln(1 + y) = ln 2 + log1p((y - 1) / 2), where y - 1 is exact.
     */
    static FloatVector log1pOfUnit(FloatVector y) {
        VectorMask<Float> upper = y.compare(VectorOperators.GE, 0.5f);
        FloatVector f = y.blend(y.sub(1f).mul(0.5f), upper);
        FloatVector k = FloatVector.zero(F).blend(1f, upper);
        return k.fma(splat(LN2_HI_LOG), k.fma(splat(LN2_LO_LOG), log1pSmall(f)));
    }

    // ------------------------------------------------------------------ exact sums

    /** The exact rounding error of s = a + b (Knuth's TwoSum: a + b = s + error exactly, any magnitudes). */
    static FloatVector sumError(FloatVector a, FloatVector b, FloatVector s) {
        FloatVector bVirtual = s.sub(a);
        FloatVector aVirtual = s.sub(bVirtual);
        return a.sub(aVirtual).add(b.sub(bVirtual));
    }

    // ------------------------------------------------------------------ double exp (GELU runs in double)

    private static final double LOG2E_D = 1.4426950408889634;
    /** fdlibm's split of ln 2: LN2_HI_D has 32 significant bits, so n * LN2_HI_D is exact for |n| < 2^21. */
    private static final double LN2_HI_D = 6.93147180369123816490e-01;
    private static final double LN2_LO_D = 1.90821492927058770002e-10;
    private static final double ROUND_D = 0x1.8p52;
    private static final long ROUND_D_BITS = Double.doubleToRawLongBits(ROUND_D);
    static final double EXP_MIN_D = -700, EXP_MAX_D = 700;

    /**
     * e^y in double for the GELU kernels, relative error below 3e-13 (Taylor to degree 10 on
     * |r| <= ln2/2: the remainder is below r^11/11! = 2.2e-13). y is clamped to [-700, 700], so 2^n
     * stays a normal double; the callers round to float, where e^-700 is 0 anyway. NaN stays NaN.
     */
    static DoubleVector exp(DoubleVector y) {
        DoubleVector yc = y.blend(EXP_MIN_D, y.compare(VectorOperators.LT, EXP_MIN_D))
                .blend(EXP_MAX_D, y.compare(VectorOperators.GT, EXP_MAX_D));
        DoubleVector k = yc.fma(LOG2E_D, ROUND_D);
        DoubleVector n = k.sub(ROUND_D);
        DoubleVector r = n.fma(splat(-LN2_HI_D), yc);
        r = n.fma(splat(-LN2_LO_D), r);
        DoubleVector p = r.fma(1.0 / 3628800, 1.0 / 362880).fma(r, splat(1.0 / 40320)).fma(r, splat(1.0 / 5040)).fma(r, splat(1.0 / 720))
                .fma(r, splat(1.0 / 120)).fma(r, splat(1.0 / 24)).fma(r, splat(1.0 / 6)).fma(r, splat(0.5)).fma(r, splat(1.0)).fma(r, splat(1.0));
        LongVector scale = k.reinterpretAsLongs().sub(ROUND_D_BITS).add(1023).lanewise(VectorOperators.LSHL, 52);
        return p.mul(scale.reinterpretAsDoubles());
    }

    // ------------------------------------------------------------------ erf pieces for GELU (double)

    /** Below this |x| GELU uses erf's odd series, above it erfc's tail form. */
    static final double ERF_SERIES_LIMIT = 0.7;
    /** Beyond this |x| the erfc tail is below 1e-56: gelu(x) is x or -0 as a float. */
    static final double ERFC_TAIL_LIMIT = 16;

    // erf(x / sqrt 2) / x = P(x^2) on |x| <= 0.7, relative error below 1e-13.
    private static final double S0 = 0.7978845608028048, S1 = -0.13298076012152155, S2 = 0.019947113616775,
            S3 = -0.0023746514665032616, S4 = 0.00023084022973705008, S5 = -1.8801155737178075e-05,
            S6 = 1.1984518773226673e-06;

    /** erf(x / sqrt 2) / x as a polynomial in x^2, for |x| <= 0.7. */
    static DoubleVector erfOverX(DoubleVector x2) {
        return x2.fma(S6, S5).fma(x2, splat(S4)).fma(x2, splat(S3)).fma(x2, splat(S2)).fma(x2, splat(S1)).fma(x2, splat(S0));
    }

    // G(a) = e^(a^2/2) erfc(a / sqrt 2) on a in [0.7, 16], as a polynomial in s = (t - T_MID) / T_HALF,
    // t = 1 / (1 + a/2) (which maps the long tail to a short interval); relative error below 3.3e-12.
    private static final double T_MID = 0.42592592592592593, T_HALF = 0.31481481481481477;
    private static final double[] G = {
        0.2658040817164613, 0.2824080713251294, 0.07109246226852933, 0.0018886557989677422,
        -0.003138739634731255, 3.891843016871899e-05, 0.00023162811059783406, -4.265936995116737e-05,
        -1.3384067614918838e-05, 8.10186900848664e-06, -8.609651750840497e-07, -8.028890848277292e-07,
        3.9273414417090313e-07, 1.974897149981114e-08, -4.687522758839435e-08};
    private static final double G0 = G[0], G1 = G[1], G2 = G[2], G3 = G[3], G4 = G[4], G5 = G[5], G6 = G[6],
            G7 = G[7], G8 = G[8], G9 = G[9], G10 = G[10], G11 = G[11], G12 = G[12], G13 = G[13], G14 = G[14];

    /** e^(a^2/2) erfc(a / sqrt 2) for a in [0.7, 16]; erfc(a / sqrt 2) = e^(-a^2/2) times this. */
    static DoubleVector erfcScaled(DoubleVector a) {
        DoubleVector t = splat(1.0).div(a.fma(0.5, 1.0));
        DoubleVector s = t.fma(1 / T_HALF, -T_MID / T_HALF);
        return s.fma(G14, G13).fma(s, splat(G12)).fma(s, splat(G11)).fma(s, splat(G10)).fma(s, splat(G9)).fma(s, splat(G8)).fma(s, splat(G7)).fma(s, splat(G6))
                .fma(s, splat(G5)).fma(s, splat(G4)).fma(s, splat(G3)).fma(s, splat(G2)).fma(s, splat(G1)).fma(s, splat(G0));
    }
}
