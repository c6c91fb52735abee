package dev.jvk.kernels.simd;

import dev.jvk.kernels.platform.Platform.Species;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The lanewise elementary functions every vector activation and softmax is built on: exp, expm1 and
 * log, and the constants of their reductions and polynomials (also those of the erfc fits of GELU).
 * One core each, so every kernel inherits the same error bound. exp's steps are also written into the
 * kernels that cannot call it, from the template of {@code kernels/gen/InlineExp.java} (see the
 * package documentation on what C2 inlines); {@link #exp} and {@link #expm1NonPositive} are its
 * copies here, small enough to be inlined when a kernel calls them first (exp 236 bytecodes, log 317).
 *
 * <p>Everything is float: where float alone is not accurate enough, a value is carried as a float
 * pair hi + lo (x^2 in the Gaussian, GELU's 2u), and the generated exp takes such a pair.
 * (Widening to double needs Vector API conversions, which cost C2 too many nodes.)
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


    // ------------------------------------------------------------------ float exp: reduction constants

    /** Beyond [-125, 89] e^x is 0 or +Inf in float; clamping keeps n inside the two-step scaling's range. */
    static final float EXP_MIN = -125f;
    static final float EXP_MAX = 89f;
    static final float LOG2E = 1.44269504088896341f;
    /** ln 2 split: LN2_HI has 9 significant bits, so n * LN2_HI is exact and x - n * LN2_HI too (Sterbenz). */
    static final float LN2_HI = 0.693359375f;
    static final float LN2_LO = -2.12194440e-4f;
    /** 1.5 * 2^23: adding it rounds to an integer, whose value then sits in the low bits of the float. */
    static final float ROUND = 0x1.8p23f;
    static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);

    // e^r - 1 - r = r^2 * P(r) on |r| <= 0.3467 (ln 2 / 2 plus the slack of rounding n); relative error of
    // 1 + r + r^2 P(r) below 1.4e-9 (0.02 ulp).
    static final float E0 = 0.5f, E1 = 0.1666666716337204f, E2 = 0.041666463017463684f,
            E3 = 0.00833328627049923f, E4 = 0.0013933676527813077f, E5 = 0.0001990761811612174f;

    /**
     * e^x in float: within 1.2 ulp by construction, subnormal results included. In ulps of e^r, which lies
     * in [0.707, 1.415) and has its finer ulp below 1: the polynomial's 0.02, the roundings of r and of
     * e^r - 1 (up to 2^-26 absolute each: 0.25), those of r^2 and of P inside it (0.07 each), and 0.5 for
     * 1 + (e^r - 1); the scaling by 2^n is exact, or the one rounding of a subnormal result. Measured:
     * 0.96 ulp (x = 5.247061, r = -0.298). x > 88.72284 gives +Inf, x = -Inf gives 0, NaN gives NaN.
     */
    static FloatVector exp(FloatVector x) {
        // GENERATED exp e = e^(x), clamped both by kernels/gen/InlineExp.java: do not edit up to END
        FloatVector eX = x.blend(EXP_MIN, x.compare(VectorOperators.LT, EXP_MIN)).blend(EXP_MAX, x.compare(VectorOperators.GT, EXP_MAX));
        FloatVector eK = eX.fma(LOG2E, ROUND); // n + 1.5 * 2^23: n = round(x / ln 2) in the low bits
        FloatVector eN = eK.sub(ROUND);
        FloatVector eR = eN.fma(FloatVector.broadcast(F, -LN2_HI), eX); // exact (Sterbenz)
        eR = eN.fma(FloatVector.broadcast(F, -LN2_LO), eR);
        FloatVector eP = eR.fma(E5, E4).fma(eR, FloatVector.broadcast(F, E3)).fma(eR, FloatVector.broadcast(F, E2))
                .fma(eR, FloatVector.broadcast(F, E1)).fma(eR, FloatVector.broadcast(F, E0)).fma(eR.mul(eR), eR).add(1f); // e^r
        IntVector eBits = eK.reinterpretAsInts().sub(ROUND_BITS);
        IntVector eHalf = eBits.lanewise(VectorOperators.ASHR, 1);
        FloatVector eFirst = eHalf.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector eSecond = eBits.sub(eHalf).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector e = eP.mul(eFirst).mul(eSecond); // rounds once, also when subnormal
        // END exp e
        return e;
    }

    /**
     * e^y - 1 for y <= 0, relative error about 1 ulp: e^y - 1 = 2^n (e^r - 1) + (2^n - 1), where 2^n - 1
     * is exact for n >= -24 and the fma rounds once. Near 0 (n = 0) it is the polynomial itself, so it
     * keeps full relative accuracy where e^y - 1 cancels. y below -125 gives -1.
     */
    static FloatVector expm1NonPositive(FloatVector y) {
        // GENERATED expm1 e = e^(y), clamped below by kernels/gen/InlineExp.java: do not edit up to END
        FloatVector eX = y.blend(EXP_MIN, y.compare(VectorOperators.LT, EXP_MIN));
        FloatVector eK = eX.fma(LOG2E, ROUND); // n + 1.5 * 2^23: n = round(x / ln 2) in the low bits
        FloatVector eN = eK.sub(ROUND);
        FloatVector eR = eN.fma(FloatVector.broadcast(F, -LN2_HI), eX); // exact (Sterbenz)
        eR = eN.fma(FloatVector.broadcast(F, -LN2_LO), eR);
        FloatVector ePm1 = eR.fma(E5, E4).fma(eR, FloatVector.broadcast(F, E3)).fma(eR, FloatVector.broadcast(F, E2))
                .fma(eR, FloatVector.broadcast(F, E1)).fma(eR, FloatVector.broadcast(F, E0)).fma(eR.mul(eR), eR);
        IntVector eBits = eK.reinterpretAsInts().sub(ROUND_BITS);
        IntVector eHalf = eBits.lanewise(VectorOperators.ASHR, 1);
        FloatVector eFirst = eHalf.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector eSecond = eBits.sub(eHalf).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector eTwoToN = eFirst.mul(eSecond);
        FloatVector e = eTwoToN.fma(ePm1, eTwoToN.sub(1f));
        // END expm1 e
        return e;
    }

    // ------------------------------------------------------------------ float log

    static final float LN2_HI_LOG = 0.693359375f;
    static final float LN2_LO_LOG = -2.12194440e-4f;
    private static final int SQRT_HALF_BITS = 0x3f3504f3; // bits of 0.70710677f
    // log(1 + f) - f + f^2/2 = f^3 Q(f) on [-0.2929, 0.5]; relative error of the sum below 2.2e-9.
    static final float L0 = 0.33333319425582886f, L1 = -0.2500027120113373f, L2 = 0.20001786947250366f,
            L3 = -0.1665402501821518f, L4 = 0.14216062426567078f, L5 = -0.12636859714984894f,
            L6 = 0.12129702419042587f, L7 = -0.10456825792789459f, L8 = 0.048063505440950394f;


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
        FloatVector f = m.sub(1f);
        FloatVector l = kf.fma(FloatVector.broadcast(F, LN2_HI_LOG), kf.fma(FloatVector.broadcast(F, LN2_LO_LOG), f.fma(L8, L7).fma(f, FloatVector.broadcast(F, L6)).fma(f, FloatVector.broadcast(F, L5)).fma(f, FloatVector.broadcast(F, L4)).fma(f, FloatVector.broadcast(F, L3)).fma(f, FloatVector.broadcast(F, L2)).fma(f, FloatVector.broadcast(F, L1)).fma(f, FloatVector.broadcast(F, L0)).fma(f, FloatVector.broadcast(F, -0.5f)).fma(f.mul(f), f)));
        l = l.blend(Float.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0f));
        l = l.blend(Float.NaN, x.compare(VectorOperators.LT, 0f));
        l = l.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
        return l.blend(x, x.test(VectorOperators.IS_NAN));
    }


    // ------------------------------------------------------------------ erf pieces for GELU

    /** Below this |x| GELU uses erf's odd series, above it erfc's tail form. */
    static final float ERF_SERIES_LIMIT = 0.7f;
    /** Where erfc's tail form switches from its near fit to its far fit. */
    static final float ERFC_NEAR_LIMIT = 3.6f;
    /** Beyond this |x|, Phi(x) is 0 or 1 and e^(-x^2/2) is 0 as floats: gelu(x) is x or -0. */
    static final float ERFC_TAIL_LIMIT = 16f;

    // erf(x / sqrt 2) / x = P(x^2) on |x| <= 0.7, relative error below 1.1e-11 (before rounding to float).
    static final float S0 = 0.7978845834732056f, S1 = -0.13298076391220093f, S2 = 0.01994708552956581f,
            S3 = -0.0023744055069983006f, S4 = 0.00022987066768109798f, S5 = -1.704071655694861e-05f;

    // G(a) = e^(a^2/2) erfc(a / sqrt 2), in two fits. Near, a in [0.7, 3.6], where GELU needs G's
    // relative accuracy: degree 12 in v = (a - 2.15) / 1.45 (no division; 7e-10 before rounding, 1.6u
    // evaluated in float). Far, a in [3.6, 16], where |gelu(x)| < 1e-3 for x < 0 and 1 - 0.5 E is 1 to
    // within 2e-4 for x > 0: degree 6 in w = (t - 0.2341) / 0.1230, t = 1 / (1 + a/2) (2e-8 before rounding).
    static final float N_MID = 2.15f, N_INV_HALF = 1 / 1.45f;
    static final float N0 = 0.31829825043678284f, N1 = -0.16463778913021088f, N2 = 0.07798188924789429f,
            N3 = -0.03434756398200989f, N4 = 0.014219635166227818f, N5 = -0.005576489958912134f,
            N6 = 0.002085022395476699f, N7 = -0.0007488603005185723f, N8 = 0.00025729191838763654f,
            N9 = -8.159415301633999e-05f, N10 = 2.671076072147116e-05f, N11 = -1.1442692084528971e-05f,
            N12 = 3.2922559967119014e-06f;
    static final float F_MID = 0.23412698412698413f, F_INV_HALF = (float) (1 / 0.12301587301587302);
    static final float F0 = 0.11928672343492508f, F1 = 0.07839535921812057f, F2 = 0.009327507577836514f,
            F3 = 0.0005086166202090681f, F4 = -4.286932380637154e-05f, F5 = -7.417335837089922e-06f,
            F6 = 4.2917739051517856e-07f;

    static final float INV_SQRT_2PI = 0.3989422804014327f;
}
