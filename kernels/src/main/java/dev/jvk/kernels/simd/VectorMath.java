package dev.jvk.kernels.simd;

import dev.jvk.kernels.platform.Platform.Species;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The lanewise elementary functions every vector activation and softmax is built on: exp (also of a
 * float pair), expm1 and log, and the constants of their reductions and polynomials (also those of
 * the erfc fits of GELU). One core each, so every kernel inherits the same error bound.
 *
 * <p>Everything is float: where float alone is not accurate enough, a value is carried as a float
 * pair hi + lo (x^2 in the Gaussian, GELU's 2u), and {@link #exp(FloatVector, FloatVector)} takes such
 * a pair. (Widening to double needs Vector API conversions, which cost C2 too many nodes, below.)
 *
 * <p><b>Why the functions are written out in one piece.</b> In JDK 25, C2 stops inlining a method's
 * calls once it has parsed about 18000 nodes (NodeCountInliningCutoff), and a Vector API operation
 * costs hundreds. The API's own methods are force-inlined anyway, but a call to one of ours that comes
 * after that point stays a call, its vectors are boxed, and the kernel runs 10-100x slower. So each
 * function here is straight-line Vector API code (exp's steps repeated rather than called), and a
 * kernel calls at most one or two of them, first. (JDK-8382700 lifts the limit in later JDKs.)
 *
 * <p><b>And why the largest ones are not here.</b> A lanewise function is also refused when it is
 * large: above 325 bytecodes (FreqInlineSize: "hot method too big"), or once C2 has compiled it alone
 * into more than 2500 bytes of code (InlineSmallCode: "already compiled into a big method"), which
 * happens when it is hot on its own, being called once per vector. The Gaussian pieces of GELU (exp
 * of a pair, the erfc fits, erf's series: some 800 bytecodes) and softplus' log1p(e^-|x|) (some 450)
 * were far above the first limit, and boxed 12 KB per 1K floats inside JMH; softmax's exp of a pair followed by its lane sum hit the node cutoff. Those
 * steps are now written out in the loop bodies of their kernels ({@code SimdActivations.softplus},
 * {@code geluErf}, {@code geluErfBackward}, {@code geluTanh}, {@code geluTanhBackward} (whose exp of a
 * pair came after its 2u pair and was cut off at NodeCountInliningCutoff), {@code SimdSoftmax.expAndSum})
 * with the constants from here, so that no call of ours taking or returning a vector is left in them.
 * The functions kept here are below those limits (exp 236 bytecodes, log 317) and are called first.
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

    /** x clamped to [EXP_MIN, EXP_MAX]; NaN stays NaN (a comparison with NaN is false). */
    static FloatVector clampExp(FloatVector x) {
        return x.blend(EXP_MIN, x.compare(VectorOperators.LT, EXP_MIN))
                .blend(EXP_MAX, x.compare(VectorOperators.GT, EXP_MAX));
    }

    /**
     * k = round(x / ln 2) + 1.5 * 2^23, for x already clamped: as a float it is n + 1.5 * 2^23, and its
     * bits minus those of 1.5 * 2^23 are the integer n (see {@link #twoToHalfOf}).
     */
    static FloatVector exponentOf(FloatVector x) {
        return x.fma(LOG2E, ROUND);
    }

    /** e^(x - n ln 2) for the n held in k: a number in [0.707, 1.415]. Exact reduction, then the polynomial. */
    static FloatVector expOfRemainder(FloatVector x, FloatVector k) {
        FloatVector n = k.sub(ROUND);
        FloatVector r = n.fma(FloatVector.broadcast(F, -LN2_HI), x);
        r = n.fma(FloatVector.broadcast(F, -LN2_LO), r);
        return r.fma(E5, E4).fma(r, FloatVector.broadcast(F, E3)).fma(r, FloatVector.broadcast(F, E2)).fma(r, FloatVector.broadcast(F, E1)).fma(r, FloatVector.broadcast(F, E0)).fma(r.mul(r), r).add(1f);
    }



    /**
     * 2^(n >> 1) for the n held in k. v * 2^n = (v * 2^(n >> 1)) * 2^(n - (n >> 1)): each factor is a
     * normal float for n in [-181, 128], so the product rounds once, at the end, even when the result
     * is subnormal (gradual underflow) or overflows to Inf.
     */
    static FloatVector twoToHalfOf(FloatVector k) {
        IntVector n = k.reinterpretAsInts().sub(ROUND_BITS);
        return n.lanewise(VectorOperators.ASHR, 1).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    }

    /** 2^(n - (n >> 1)) for the n held in k: the second factor (see {@link #twoToHalfOf}). */
    static FloatVector twoToRestOf(FloatVector k) {
        IntVector n = k.reinterpretAsInts().sub(ROUND_BITS);
        return n.sub(n.lanewise(VectorOperators.ASHR, 1)).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    }

    /**
     * e^x in float: within 0.6 ulp by construction (the polynomial's 0.02 ulp, the rounding of 1 + (e^r - 1)
     * and of the final scaling), subnormal results included. x > 88.72284 gives +Inf, x = -Inf gives 0,
     * NaN gives NaN.
     */
    static FloatVector exp(FloatVector x) {
        // The steps of clampExp, exponentOf, expOfRemainder and the two-factor scaling, written out: a chain of our
        // own small methods would give C2 more call sites to refuse once a kernel is large.
        FloatVector xc = x.blend(EXP_MIN, x.compare(VectorOperators.LT, EXP_MIN)).blend(EXP_MAX, x.compare(VectorOperators.GT, EXP_MAX));
        FloatVector k = xc.fma(LOG2E, ROUND);
        FloatVector n = k.sub(ROUND);
        FloatVector r = n.fma(FloatVector.broadcast(F, -LN2_HI), xc);
        r = n.fma(FloatVector.broadcast(F, -LN2_LO), r);
        FloatVector p = r.fma(E5, E4).fma(r, FloatVector.broadcast(F, E3)).fma(r, FloatVector.broadcast(F, E2)).fma(r, FloatVector.broadcast(F, E1)).fma(r, FloatVector.broadcast(F, E0)).fma(r.mul(r), r).add(1f);
        IntVector bits = k.reinterpretAsInts().sub(ROUND_BITS);
        IntVector half = bits.lanewise(VectorOperators.ASHR, 1);
        FloatVector first = half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector second = bits.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(first).mul(second);
    }

    /**
     * e^(hi + lo) for a value given as an unevaluated sum, |lo| small against ulp(hi) (e.g. the exact
     * rounding error of hi = a - b): lo joins the reduced argument, so the result is as accurate as if
     * hi + lo were exact. Where hi is clamped (below -125 or above 89) lo is ignored.
     */
    static FloatVector exp(FloatVector hi, FloatVector lo) {
        VectorMask<Float> outside = hi.compare(VectorOperators.LT, EXP_MIN).or(hi.compare(VectorOperators.GT, EXP_MAX));
        FloatVector xc = hi.blend(EXP_MIN, hi.compare(VectorOperators.LT, EXP_MIN)).blend(EXP_MAX, hi.compare(VectorOperators.GT, EXP_MAX));
        FloatVector k = xc.fma(LOG2E, ROUND);
        FloatVector n = k.sub(ROUND);
        FloatVector r = n.fma(FloatVector.broadcast(F, -LN2_HI), xc);
        r = n.fma(FloatVector.broadcast(F, -LN2_LO), r).add(lo.blend(0f, outside));
        FloatVector p = r.fma(E5, E4).fma(r, FloatVector.broadcast(F, E3)).fma(r, FloatVector.broadcast(F, E2)).fma(r, FloatVector.broadcast(F, E1)).fma(r, FloatVector.broadcast(F, E0)).fma(r.mul(r), r).add(1f);
        IntVector bits = k.reinterpretAsInts().sub(ROUND_BITS);
        IntVector half = bits.lanewise(VectorOperators.ASHR, 1);
        FloatVector first = half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector second = bits.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(first).mul(second);
    }

    /**
     * e^y - 1 for y <= 0, relative error about 1 ulp: e^y - 1 = 2^n (e^r - 1) + (2^n - 1), where 2^n - 1
     * is exact for n >= -24 and the fma rounds once. Near 0 (n = 0) it is the polynomial itself, so it
     * keeps full relative accuracy where e^y - 1 cancels. y below -125 gives -1.
     */
    static FloatVector expm1NonPositive(FloatVector y) {
        FloatVector yc = y.blend(EXP_MIN, y.compare(VectorOperators.LT, EXP_MIN));
        FloatVector k = yc.fma(LOG2E, ROUND);
        FloatVector n = k.sub(ROUND);
        FloatVector r = n.fma(FloatVector.broadcast(F, -LN2_HI), yc);
        r = n.fma(FloatVector.broadcast(F, -LN2_LO), r);
        IntVector bits = k.reinterpretAsInts().sub(ROUND_BITS);
        IntVector half = bits.lanewise(VectorOperators.ASHR, 1);
        FloatVector first = half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector second = bits.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector twoToN = first.mul(second);
        return twoToN.fma(r.fma(E5, E4).fma(r, FloatVector.broadcast(F, E3)).fma(r, FloatVector.broadcast(F, E2)).fma(r, FloatVector.broadcast(F, E1)).fma(r, FloatVector.broadcast(F, E0)).fma(r.mul(r), r), twoToN.sub(1f));
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


    // ------------------------------------------------------------------ exact sums

    /** The exact rounding error of s = a + b (Knuth's TwoSum: a + b = s + error exactly, any magnitudes). */
    static FloatVector sumError(FloatVector a, FloatVector b, FloatVector s) {
        FloatVector bVirtual = s.sub(a);
        FloatVector aVirtual = s.sub(bVirtual);
        return a.sub(aVirtual).add(b.sub(bVirtual));
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
