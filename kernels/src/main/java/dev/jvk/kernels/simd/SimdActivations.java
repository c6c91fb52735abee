package dev.jvk.kernels.simd;

import dev.jvk.kernels.spi.ActivationKernels;
// The constants of exp, log and the Gaussian pieces, for the kernels that write those steps out.
import dev.jvk.kernels.platform.Platform.Species;
import static dev.jvk.kernels.simd.VectorMath.*;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API activations, reached only through {@link dev.jvk.kernels.Activations} after its argument
 * checks. Each kernel is a loop around a lanewise function ({@code relu(v)}, {@code sigmoid(v)}, ...;
 * the transcendentals come from {@link VectorMath}), so every element goes through the same lane
 * arithmetic wherever it sits. The exact kernels run full vectors, then one masked vector for the
 * tail. The transcendental ones run one masked vector per step (the mask is all-true but at the
 * end): their lanewise function is large, and inlining it twice, for a main loop and a tail, makes
 * C2 reach its inlining node limit (NodeCountInliningCutoff) and box vectors; masked loads and
 * stores cost next to nothing beside an exp.
 *
 * <p>The largest kernels (softplus, both GELU forms and their backward forms) have their lanewise
 * steps written out in the loop body instead, exp's from the template of
 * {@code kernels/gen/InlineExp.java}: see the package documentation on what C2 inlines. The smaller
 * kernels call {@code sigmoid(v)}, {@code VectorMath.exp} and the like first thing in the body,
 * which C2 inlines. The loops themselves (loads, the last vector, the store) come from one template,
 * {@code kernels/gen/Elementwise.java}, which writes them into the {@code GENERATED ... loop}
 * regions; a kernel's own steps sit between {@code BEGIN steps} and {@code END steps}.
 *
 * <p><b>The last vector.</b> A masked load or store whose L-lane window runs past the end of its array
 * takes the Vector API's slow path (a lane-by-lane bounds check that C2 does not fully intrinsify:
 * it allocated ~32-48 B per access, measured), even though the masked-off lanes are never touched.
 * So where the last vector's window would run past the end of any of the arrays ({@code room}, the
 * elements from the offset to the shortest array's end), the window is moved back to end at
 * {@code room}: it starts at {@code at <= i}, and its mask keeps only the lanes of elements
 * {@code [i, n)}. The lanes are computed independently, so a moved window gives the same bits. (Only
 * an array shorter than one vector is left to the slow path.)
 *
 * <p>Everything computes in float (see {@link VectorMath} on why not double); where a rounding would
 * be amplified (GELU's 2u and x^2 / 2 inside exponentials), the value is carried as a float pair.
 */
public final class SimdActivations implements ActivationKernels {
    private static final VectorSpecies<Float> F = Species.FLOAT;
    private static final int L = F.length();

    private static final double SQRT_2_OVER_PI = 0.7978845608028654;
    private static final double GELU_CUBIC = 0.044715;
    /** GELU's 2u = x (A + B x^2): A = 2 sqrt(2/pi), B = 0.044715 A, each split into a float pair. */
    private static final double TWO_C = 2 * SQRT_2_OVER_PI, TWO_C_K = TWO_C * GELU_CUBIC;
    private static final float A_HI = (float) TWO_C, A_LO = (float) (TWO_C - A_HI);
    private static final float B_HI = (float) TWO_C_K, B_LO = (float) (TWO_C_K - B_HI);

    public SimdActivations() {}

    // ================================================================ forward, exact

    @Override
    public void relu(float[] x, int xOffset, float[] y, int yOffset, int n) {
        // GENERATED exact loop v = x -> y: relu(v) by kernels/gen/Elementwise.java: do not edit up to END
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xOffset + i);
            relu(v).intoArray(y, yOffset + i);
        }
        if (i < n) {
            int room = Math.min(x.length - xOffset, y.length - yOffset);
            int at = i + L <= room ? i : Math.max(room - L, -Math.min(xOffset, yOffset)); // see the class comment on the last vector
            VectorMask<Float> m = F.indexInRange(at, n).andNot(F.indexInRange(0, i - at));
            FloatVector v = FloatVector.fromArray(F, x, xOffset + at, m);
            relu(v).intoArray(y, yOffset + at, m);
        }
        // END loop
    }

    /** Math.max(0f, v) by compare + blend (lanewise MAX is several times slower here): v <= 0 (with -0) gives +0, NaN stays. */
    private static FloatVector relu(FloatVector v) {
        return v.blend(0f, v.compare(VectorOperators.LE, 0f));
    }

    @Override
    public void leakyRelu(float alpha, float[] x, int xOffset, float[] y, int yOffset, int n) {
        // GENERATED exact loop v = x -> y: leakyRelu(alpha, v) by kernels/gen/Elementwise.java: do not edit up to END
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xOffset + i);
            leakyRelu(alpha, v).intoArray(y, yOffset + i);
        }
        if (i < n) {
            int room = Math.min(x.length - xOffset, y.length - yOffset);
            int at = i + L <= room ? i : Math.max(room - L, -Math.min(xOffset, yOffset)); // see the class comment on the last vector
            VectorMask<Float> m = F.indexInRange(at, n).andNot(F.indexInRange(0, i - at));
            FloatVector v = FloatVector.fromArray(F, x, xOffset + at, m);
            leakyRelu(alpha, v).intoArray(y, yOffset + at, m);
        }
        // END loop
    }

    private static FloatVector leakyRelu(float alpha, FloatVector v) {
        return v.mul(alpha).blend(v, v.compare(VectorOperators.GT, 0f));
    }

    // ================================================================ forward, float transcendentals

    @Override
    public void exp(float[] x, int xOffset, float[] y, int yOffset, int n) {
        // GENERATED masked loop v = x -> y: VectorMath.exp(v) by kernels/gen/Elementwise.java: do not edit up to END
        int room = Math.min(x.length - xOffset, y.length - yOffset);
        for (int i = 0; i < n; i += L) {
            int at = i + L <= room ? i : Math.max(room - L, -Math.min(xOffset, yOffset)); // see the class comment on the last vector
            VectorMask<Float> m = F.indexInRange(at, n).andNot(F.indexInRange(0, i - at));
            FloatVector v = FloatVector.fromArray(F, x, xOffset + at, m);
            VectorMath.exp(v).intoArray(y, yOffset + at, m);
        }
        // END loop
    }

    @Override
    public void log(float[] x, int xOffset, float[] y, int yOffset, int n) {
        // GENERATED masked loop v = x -> y: VectorMath.log(v) by kernels/gen/Elementwise.java: do not edit up to END
        int room = Math.min(x.length - xOffset, y.length - yOffset);
        for (int i = 0; i < n; i += L) {
            int at = i + L <= room ? i : Math.max(room - L, -Math.min(xOffset, yOffset)); // see the class comment on the last vector
            VectorMask<Float> m = F.indexInRange(at, n).andNot(F.indexInRange(0, i - at));
            FloatVector v = FloatVector.fromArray(F, x, xOffset + at, m);
            VectorMath.log(v).intoArray(y, yOffset + at, m);
        }
        // END loop
    }

    @Override
    public void sigmoid(float[] x, int xOffset, float[] y, int yOffset, int n) {
        // GENERATED masked loop v = x -> y: sigmoid(v) by kernels/gen/Elementwise.java: do not edit up to END
        int room = Math.min(x.length - xOffset, y.length - yOffset);
        for (int i = 0; i < n; i += L) {
            int at = i + L <= room ? i : Math.max(room - L, -Math.min(xOffset, yOffset)); // see the class comment on the last vector
            VectorMask<Float> m = F.indexInRange(at, n).andNot(F.indexInRange(0, i - at));
            FloatVector v = FloatVector.fromArray(F, x, xOffset + at, m);
            sigmoid(v).intoArray(y, yOffset + at, m);
        }
        // END loop
    }

    /**
     * With e = e^-|x| (never overflows): 1 / (1 + e) for x >= 0, e / (1 + e) for x < 0, so that tiny
     * (subnormal) results keep the accuracy of exp. Error: exp's 1.2 ulp in the numerator, at most as
     * much through 1 + e, and two roundings: below 3.4 ulp (measured: 2.3 ulp).
     */
    private static FloatVector sigmoid(FloatVector v) {
        FloatVector e = VectorMath.exp(v.abs().neg());
        return e.blend(1f, v.compare(VectorOperators.GE, 0f)).div(e.add(1f));
    }

    @Override
    public void tanh(float[] x, int xOffset, float[] y, int yOffset, int n) {
        // GENERATED masked loop v = x -> y: tanh(v) by kernels/gen/Elementwise.java: do not edit up to END
        int room = Math.min(x.length - xOffset, y.length - yOffset);
        for (int i = 0; i < n; i += L) {
            int at = i + L <= room ? i : Math.max(room - L, -Math.min(xOffset, yOffset)); // see the class comment on the last vector
            VectorMask<Float> m = F.indexInRange(at, n).andNot(F.indexInRange(0, i - at));
            FloatVector v = FloatVector.fromArray(F, x, xOffset + at, m);
            tanh(v).intoArray(y, yOffset + at, m);
        }
        // END loop
    }

    /**
     * tanh|x| = -E / (2 + E) with E = expm1(-2|x|) in (-1, 0]: no cancellation near 0 (E keeps its
     * relative accuracy there) and no overflow for large |x| (E tends to -1, the quotient to exactly 1).
     * The sign of x is put back on the magnitude, so tanh(-0) = -0.
     */
    private static FloatVector tanh(FloatVector v) {
        FloatVector e = VectorMath.expm1NonPositive(v.abs().mul(-2f));
        FloatVector magnitude = e.neg().div(e.add(2f)).abs();
        IntVector sign = v.reinterpretAsInts().and(0x80000000);
        return magnitude.reinterpretAsInts().or(sign).reinterpretAsFloats();
    }

    // ================================================================ forward, silu, softplus, GELU

    @Override
    public void silu(float[] x, int xOffset, float[] y, int yOffset, int n) {
        // GENERATED masked loop v = x -> y: silu(v) by kernels/gen/Elementwise.java: do not edit up to END
        int room = Math.min(x.length - xOffset, y.length - yOffset);
        for (int i = 0; i < n; i += L) {
            int at = i + L <= room ? i : Math.max(room - L, -Math.min(xOffset, yOffset)); // see the class comment on the last vector
            VectorMask<Float> m = F.indexInRange(at, n).andNot(F.indexInRange(0, i - at));
            FloatVector v = FloatVector.fromArray(F, x, xOffset + at, m);
            silu(v).intoArray(y, yOffset + at, m);
        }
        // END loop
    }

    /**
     * x / (1 + e^-x) for x >= 0; for x < 0, x e^x / (1 + e^x), where x e^x is formed as (x p) 2^n from
     * exp's reduced parts, so a subnormal result is rounded once (x times an already subnormal e^x would
     * lose up to |x| ulps). Below -125 the clamped x still gives the right -0.
     */
    private static FloatVector silu(FloatVector v) {
        FloatVector negAbs = v.abs().neg();
        // GENERATED exp e = e^(negAbs), clamped below by kernels/gen/InlineExp.java: do not edit up to END
        FloatVector eX = negAbs.blend(EXP_MIN, negAbs.compare(VectorOperators.LT, EXP_MIN));
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
        FloatVector negativeSide = eX.mul(eP).mul(eFirst).mul(eSecond);
        return negativeSide.blend(v, v.compare(VectorOperators.GE, 0f)).div(e.add(1f));
    }

    /**
     * max(x, 0) + log1p(e^-|x|): e^x never overflows, and for x &lt; 0 the result is log1p of exp. The
     * lanewise steps are written out in the loop body, not called: see {@link #geluErf} on why.
     */
    @Override
    public void softplus(float[] x, int xOffset, float[] y, int yOffset, int n) {
        // GENERATED masked loop v = x -> y: softplus by kernels/gen/Elementwise.java: do not edit up to END
        int room = Math.min(x.length - xOffset, y.length - yOffset);
        for (int i = 0; i < n; i += L) {
            int at = i + L <= room ? i : Math.max(room - L, -Math.min(xOffset, yOffset)); // see the class comment on the last vector
            VectorMask<Float> m = F.indexInRange(at, n).andNot(F.indexInRange(0, i - at));
            FloatVector v = FloatVector.fromArray(F, x, xOffset + at, m);
            // BEGIN steps
            // e = e^-|x| in (0, 1] (the argument is <= 0, so only the lower clamp)
            FloatVector negAbs = v.abs().neg();
            // GENERATED exp e = e^(negAbs), clamped below by kernels/gen/InlineExp.java: do not edit up to END
            FloatVector eX = negAbs.blend(EXP_MIN, negAbs.compare(VectorOperators.LT, EXP_MIN));
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
            // log1p(e): for e >= 0.5, ln 2 + log1p((e - 1) / 2) (exact argument), else log1p(e) itself;
            // log1p(f) = f - f^2/2 + f^3 Q(f), VectorMath.log's polynomial on [-0.25, 0.5)
            VectorMask<Float> upper = e.compare(VectorOperators.GE, 0.5f);
            FloatVector f = e.blend(e.sub(1f).mul(0.5f), upper);
            FloatVector kk = FloatVector.zero(F).blend(1f, upper);
            FloatVector tail = kk.fma(FloatVector.broadcast(F, LN2_HI_LOG), kk.fma(FloatVector.broadcast(F, LN2_LO_LOG),
                    f.fma(L8, L7).fma(f, FloatVector.broadcast(F, L6)).fma(f, FloatVector.broadcast(F, L5))
                            .fma(f, FloatVector.broadcast(F, L4)).fma(f, FloatVector.broadcast(F, L3)).fma(f, FloatVector.broadcast(F, L2))
                            .fma(f, FloatVector.broadcast(F, L1)).fma(f, FloatVector.broadcast(F, L0))
                            .fma(f, FloatVector.broadcast(F, -0.5f)).fma(f.mul(f), f)));
            FloatVector softplus = FloatVector.zero(F).blend(v, v.compare(VectorOperators.GT, 0f)).add(tail);
            // END steps
            softplus.intoArray(y, yOffset + at, m);
        }
        // END loop
    }

    /**
     * x sigmoid(2u), 2u = x (A + B x^2) with A = 2 sqrt(2/pi), B = 0.044715 A. 2u reaches ~10 where the
     * result still matters, so a float rounding of it would cost e^-|2u| several ulps: 2u is carried as
     * a float pair hi + lo (x^2 exact by fma, A and B split in two, each product's error kept), and exp
     * takes the pair. The quotient then is as silu's: within the 4 ulp of the contract (measured: 2.9 ulp
     * here, 3.04 ulp for silu at x = -1.9106168). Below x = -20 the result is -0 anyway.
     * Written out in the loop body, as {@link #geluErf}: with the steps in helpers, C2 cut off the exp
     * of the pair at NodeCountInliningCutoff in the backward form (18 KB per 1K floats in JMH).
     */
    @Override
    public void geluTanh(float[] x, int xOffset, float[] y, int yOffset, int n) {
        // GENERATED masked loop v = x -> y: gelu by kernels/gen/Elementwise.java: do not edit up to END
        int room = Math.min(x.length - xOffset, y.length - yOffset);
        for (int i = 0; i < n; i += L) {
            int at = i + L <= room ? i : Math.max(room - L, -Math.min(xOffset, yOffset)); // see the class comment on the last vector
            VectorMask<Float> m = F.indexInRange(at, n).andNot(F.indexInRange(0, i - at));
            FloatVector v = FloatVector.fromArray(F, x, xOffset + at, m);
            // BEGIN steps
            FloatVector xc = v.blend(-20f, v.compare(VectorOperators.LT, -20f));
            // -|2u| = hi + lo, 2u = x ((x x) B + A), each step's rounding error kept (the float pair)
            VectorMask<Float> negative = xc.compare(VectorOperators.LT, 0f);
            FloatVector hi = xc.mul(xc.mul(xc).mul(B_HI).add(A_HI)).abs().neg();
            FloatVector square = xc.mul(xc);
            FloatVector squareLow = xc.fma(xc, square.neg());
            FloatVector bs = square.mul(B_HI);
            FloatVector bsLow = square.fma(FloatVector.broadcast(F, B_HI), bs.neg()).add(squareLow.mul(B_HI).add(square.mul(B_LO)));
            FloatVector a = FloatVector.broadcast(F, A_HI);
            FloatVector t = bs.add(a);
            FloatVector bVirtual = t.sub(bs); // TwoSum: t + (bs - aVirtual) + (a - bVirtual) = bs + a exactly
            FloatVector aVirtual = t.sub(bVirtual);
            FloatVector tLow = bs.sub(aVirtual).add(a.sub(bVirtual)).add(bsLow).add(A_LO);
            FloatVector twoU = xc.mul(t);
            FloatVector twoULow = xc.fma(t, twoU.neg()).add(xc.mul(tLow));
            FloatVector lo = twoULow.neg().blend(twoULow, negative);
            // GENERATED exp e = e^(hi + lo), clamped both by kernels/gen/InlineExp.java: do not edit up to END
            VectorMask<Float> eOutside = hi.compare(VectorOperators.LT, EXP_MIN).or(hi.compare(VectorOperators.GT, EXP_MAX));
            FloatVector eX = hi.blend(EXP_MIN, hi.compare(VectorOperators.LT, EXP_MIN)).blend(EXP_MAX, hi.compare(VectorOperators.GT, EXP_MAX));
            FloatVector eK = eX.fma(LOG2E, ROUND); // n + 1.5 * 2^23: n = round(x / ln 2) in the low bits
            FloatVector eN = eK.sub(ROUND);
            FloatVector eR = eN.fma(FloatVector.broadcast(F, -LN2_HI), eX); // exact (Sterbenz)
            eR = eN.fma(FloatVector.broadcast(F, -LN2_LO), eR).add(lo.blend(0f, eOutside));
            FloatVector eP = eR.fma(E5, E4).fma(eR, FloatVector.broadcast(F, E3)).fma(eR, FloatVector.broadcast(F, E2))
                    .fma(eR, FloatVector.broadcast(F, E1)).fma(eR, FloatVector.broadcast(F, E0)).fma(eR.mul(eR), eR).add(1f); // e^r
            IntVector eBits = eK.reinterpretAsInts().sub(ROUND_BITS);
            IntVector eHalf = eBits.lanewise(VectorOperators.ASHR, 1);
            FloatVector eFirst = eHalf.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector eSecond = eBits.sub(eHalf).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector e = eP.mul(eFirst).mul(eSecond); // rounds once, also when subnormal
            // END exp e
            FloatVector gelu = xc.mul(e).blend(v, negative.not()).div(e.add(1f));
            // END steps
            gelu.intoArray(y, yOffset + at, m);
        }
        // END loop
    }

    /**
     * x Phi(x), Phi(x) = 0.5 (1 + erf(x / sqrt 2)) = 0.5 erfc(-x / sqrt 2), which keeps its relative
     * accuracy for x &lt; 0 (no 1 + erf cancellation). |x| &lt;= 0.7: erf's odd series; beyond:
     * e^(-x^2/2) G(|x|), x^2 carried exactly. Beyond +-16, Phi is 0 or 1 as a float.
     *
     * <p>The lanewise steps are written out in the loop body rather than called. A lanewise helper of
     * this size, called once per vector, is hot on its own: C2 compiles it alone, then refuses to inline
     * it into the kernel ("hot method too big", "already compiled into a big method"), and every call
     * boxes its vectors (12 KB per 1K floats, measured). A loop body with no call to a method of ours
     * that takes or returns a vector has nothing C2 can refuse: the kernel's own call takes arrays.
     */
    @Override
    public void geluErf(float[] x, int xOffset, float[] y, int yOffset, int n) {
        // GENERATED masked loop v = x -> y: gelu by kernels/gen/Elementwise.java: do not edit up to END
        int room = Math.min(x.length - xOffset, y.length - yOffset);
        for (int i = 0; i < n; i += L) {
            int at = i + L <= room ? i : Math.max(room - L, -Math.min(xOffset, yOffset)); // see the class comment on the last vector
            VectorMask<Float> m = F.indexInRange(at, n).andNot(F.indexInRange(0, i - at));
            FloatVector v = FloatVector.fromArray(F, x, xOffset + at, m);
            // BEGIN steps
            FloatVector xc = v.blend(-ERFC_TAIL_LIMIT, v.compare(VectorOperators.LT, -ERFC_TAIL_LIMIT))
                    .blend(ERFC_TAIL_LIMIT, v.compare(VectorOperators.GT, ERFC_TAIL_LIMIT));
            // GENERATED phi cdf = Phi(xc), gauss = e^(-xc^2/2) by kernels/gen/InlineExp.java: do not edit up to END
            FloatVector a = xc.abs();
            FloatVector square = xc.mul(xc);
            FloatVector squareLow = xc.fma(xc, square.neg()); // square + squareLow = x^2 exactly
            FloatVector hi = square.mul(-0.5f);
            FloatVector lo = squareLow.mul(-0.5f);
            VectorMask<Float> gaussOutside = hi.compare(VectorOperators.LT, EXP_MIN);
            FloatVector gaussX = hi.blend(EXP_MIN, hi.compare(VectorOperators.LT, EXP_MIN));
            FloatVector gaussK = gaussX.fma(LOG2E, ROUND); // n + 1.5 * 2^23: n = round(x / ln 2) in the low bits
            FloatVector gaussN = gaussK.sub(ROUND);
            FloatVector gaussR = gaussN.fma(FloatVector.broadcast(F, -LN2_HI), gaussX); // exact (Sterbenz)
            gaussR = gaussN.fma(FloatVector.broadcast(F, -LN2_LO), gaussR).add(lo.blend(0f, gaussOutside));
            FloatVector gaussP = gaussR.fma(E5, E4).fma(gaussR, FloatVector.broadcast(F, E3)).fma(gaussR, FloatVector.broadcast(F, E2))
                    .fma(gaussR, FloatVector.broadcast(F, E1)).fma(gaussR, FloatVector.broadcast(F, E0)).fma(gaussR.mul(gaussR), gaussR).add(1f); // e^r
            IntVector gaussBits = gaussK.reinterpretAsInts().sub(ROUND_BITS);
            IntVector gaussHalf = gaussBits.lanewise(VectorOperators.ASHR, 1);
            FloatVector gaussFirst = gaussHalf.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector gaussSecond = gaussBits.sub(gaussHalf).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector gauss = gaussP.mul(gaussFirst).mul(gaussSecond); // rounds once, also when subnormal
            // G(a) by the near and the far fit (a clamped into their ranges); erfc(|x| / sqrt 2) = gauss G
            FloatVector an = a.blend(ERF_SERIES_LIMIT, a.compare(VectorOperators.LT, ERF_SERIES_LIMIT));
            FloatVector v1 = an.sub(N_MID).mul(N_INV_HALF);
            FloatVector near = v1.fma(N12, N11).fma(v1, FloatVector.broadcast(F, N10)).fma(v1, FloatVector.broadcast(F, N9))
                    .fma(v1, FloatVector.broadcast(F, N8)).fma(v1, FloatVector.broadcast(F, N7)).fma(v1, FloatVector.broadcast(F, N6))
                    .fma(v1, FloatVector.broadcast(F, N5)).fma(v1, FloatVector.broadcast(F, N4)).fma(v1, FloatVector.broadcast(F, N3))
                    .fma(v1, FloatVector.broadcast(F, N2)).fma(v1, FloatVector.broadcast(F, N1)).fma(v1, FloatVector.broadcast(F, N0));
            FloatVector w = FloatVector.broadcast(F, 1f).div(a.fma(0.5f, 1f)).sub(F_MID).mul(F_INV_HALF);
            FloatVector far = w.fma(F6, F5).fma(w, FloatVector.broadcast(F, F4)).fma(w, FloatVector.broadcast(F, F3))
                    .fma(w, FloatVector.broadcast(F, F2)).fma(w, FloatVector.broadcast(F, F1)).fma(w, FloatVector.broadcast(F, F0));
            FloatVector erfc = gauss.mul(far.blend(near, a.compare(VectorOperators.LE, ERFC_NEAR_LIMIT)));
            // |x| <= 0.7: Phi = 0.5 + 0.5 x (x P(x^2)) (erf's odd series); beyond: 0.5 erfc for x < 0, 1 - 0.5 erfc for x > 0
            FloatVector series = xc.mul(square.fma(S5, S4).fma(square, FloatVector.broadcast(F, S3)).fma(square, FloatVector.broadcast(F, S2))
                            .fma(square, FloatVector.broadcast(F, S1)).fma(square, FloatVector.broadcast(F, S0)))
                    .fma(FloatVector.broadcast(F, 0.5f), FloatVector.broadcast(F, 0.5f));
            FloatVector tail = erfc.mul(0.5f).blend(erfc.fma(-0.5f, 1f), xc.compare(VectorOperators.GE, 0f));
            FloatVector cdf = tail.blend(series, a.compare(VectorOperators.LE, ERF_SERIES_LIMIT));
            // END phi cdf
            FloatVector gelu = v.blend(-ERFC_TAIL_LIMIT, v.compare(VectorOperators.LT, -ERFC_TAIL_LIMIT)).mul(cdf);
            // END steps
            gelu.intoArray(y, yOffset + at, m);
        }
        // END loop
    }

    /** x clamped to [-limit, limit]; NaN stays NaN. */
    private static FloatVector clampAbs(FloatVector x, float limit) {
        return x.blend(-limit, x.compare(VectorOperators.LT, -limit)).blend(limit, x.compare(VectorOperators.GT, limit));
    }

    // ================================================================ backward, transcendental
    // Each derivative is evaluated in float as the sum of its terms; the error is relative to the sum
    // of their magnitudes T(x) (documented on Activations), which is what float allows near the zeros of f'.

    @Override
    public void siluBackward(float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        // GENERATED masked loop g = dy, v = x -> dx: g.mul(siluDerivative(v)) by kernels/gen/Elementwise.java: do not edit up to END
        int room = Math.min(Math.min(dy.length - dyOffset, x.length - xOffset), dx.length - dxOffset);
        for (int i = 0; i < n; i += L) {
            int at = i + L <= room ? i : Math.max(room - L, -Math.min(Math.min(dyOffset, xOffset), dxOffset)); // see the class comment on the last vector
            VectorMask<Float> m = F.indexInRange(at, n).andNot(F.indexInRange(0, i - at));
            FloatVector g = FloatVector.fromArray(F, dy, dyOffset + at, m);
            FloatVector v = FloatVector.fromArray(F, x, xOffset + at, m);
            g.mul(siluDerivative(v)).intoArray(dx, dxOffset + at, m);
        }
        // END loop
    }

    /** silu'(x) = s (1 + x (1 - s)); s = sigmoid(x) and 1 - s = sigmoid(-x), both from e = e^-|x| (|x| clamped at 125). */
    private static FloatVector siluDerivative(FloatVector v) {
        FloatVector xc = clampAbs(v, 125f);
        FloatVector e = VectorMath.exp(xc.abs().neg());
        FloatVector inverse = FloatVector.broadcast(F, 1f).div(e.add(1f));
        VectorMask<Float> positive = xc.compare(VectorOperators.GE, 0f);
        FloatVector s = e.blend(1f, positive).mul(inverse);
        FloatVector oneMinusS = FloatVector.broadcast(F, 1f).blend(e, positive).mul(inverse);
        return s.mul(xc.fma(oneMinusS, FloatVector.broadcast(F, 1f)));
    }

    /**
     * geluTanh'(x) = s (1 + 2 x (1 - s) u'), s = sigmoid(2u), u' = c (1 + 3 * 0.044715 x^2); x clamped to
     * +-20 (0 or 1 beyond). 2u is carried as a float pair, as in the forward form (and written out in
     * the loop body, as there): |2u| reaches 65 where f' is still a normal float, and a rounded 2u
     * would cost e^-|2u| a relative 1e-5.
     */
    @Override
    public void geluTanhBackward(float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        // GENERATED masked loop g = dy, v = x -> dx: gradient by kernels/gen/Elementwise.java: do not edit up to END
        int room = Math.min(Math.min(dy.length - dyOffset, x.length - xOffset), dx.length - dxOffset);
        for (int i = 0; i < n; i += L) {
            int at = i + L <= room ? i : Math.max(room - L, -Math.min(Math.min(dyOffset, xOffset), dxOffset)); // see the class comment on the last vector
            VectorMask<Float> m = F.indexInRange(at, n).andNot(F.indexInRange(0, i - at));
            FloatVector g = FloatVector.fromArray(F, dy, dyOffset + at, m);
            FloatVector v = FloatVector.fromArray(F, x, xOffset + at, m);
            // BEGIN steps
            FloatVector xc = v.blend(-20f, v.compare(VectorOperators.LT, -20f)).blend(20f, v.compare(VectorOperators.GT, 20f));
            // -|2u| = hi + lo, 2u = x ((x x) B + A), each step's rounding error kept (the float pair)
            VectorMask<Float> negative = xc.compare(VectorOperators.LT, 0f);
            FloatVector hi = xc.mul(xc.mul(xc).mul(B_HI).add(A_HI)).abs().neg();
            FloatVector square = xc.mul(xc);
            FloatVector squareLow = xc.fma(xc, square.neg());
            FloatVector bs = square.mul(B_HI);
            FloatVector bsLow = square.fma(FloatVector.broadcast(F, B_HI), bs.neg()).add(squareLow.mul(B_HI).add(square.mul(B_LO)));
            FloatVector a = FloatVector.broadcast(F, A_HI);
            FloatVector t = bs.add(a);
            FloatVector bVirtual = t.sub(bs); // TwoSum: t + (bs - aVirtual) + (a - bVirtual) = bs + a exactly
            FloatVector aVirtual = t.sub(bVirtual);
            FloatVector tLow = bs.sub(aVirtual).add(a.sub(bVirtual)).add(bsLow).add(A_LO);
            FloatVector twoU = xc.mul(t);
            FloatVector twoULow = xc.fma(t, twoU.neg()).add(xc.mul(tLow));
            FloatVector lo = twoULow.neg().blend(twoULow, negative);
            // GENERATED exp e = e^(hi + lo), clamped both by kernels/gen/InlineExp.java: do not edit up to END
            VectorMask<Float> eOutside = hi.compare(VectorOperators.LT, EXP_MIN).or(hi.compare(VectorOperators.GT, EXP_MAX));
            FloatVector eX = hi.blend(EXP_MIN, hi.compare(VectorOperators.LT, EXP_MIN)).blend(EXP_MAX, hi.compare(VectorOperators.GT, EXP_MAX));
            FloatVector eK = eX.fma(LOG2E, ROUND); // n + 1.5 * 2^23: n = round(x / ln 2) in the low bits
            FloatVector eN = eK.sub(ROUND);
            FloatVector eR = eN.fma(FloatVector.broadcast(F, -LN2_HI), eX); // exact (Sterbenz)
            eR = eN.fma(FloatVector.broadcast(F, -LN2_LO), eR).add(lo.blend(0f, eOutside));
            FloatVector eP = eR.fma(E5, E4).fma(eR, FloatVector.broadcast(F, E3)).fma(eR, FloatVector.broadcast(F, E2))
                    .fma(eR, FloatVector.broadcast(F, E1)).fma(eR, FloatVector.broadcast(F, E0)).fma(eR.mul(eR), eR).add(1f); // e^r
            IntVector eBits = eK.reinterpretAsInts().sub(ROUND_BITS);
            IntVector eHalf = eBits.lanewise(VectorOperators.ASHR, 1);
            FloatVector eFirst = eHalf.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector eSecond = eBits.sub(eHalf).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector e = eP.mul(eFirst).mul(eSecond); // rounds once, also when subnormal
            // END exp e
            FloatVector inverse = FloatVector.broadcast(F, 1f).div(e.add(1f));
            FloatVector s = FloatVector.broadcast(F, 1f).blend(e, negative).mul(inverse);
            FloatVector oneMinusS = e.blend(1f, negative).mul(inverse);
            FloatVector du = xc.mul(xc).fma((float) (3 * GELU_CUBIC * SQRT_2_OVER_PI), (float) SQRT_2_OVER_PI);
            FloatVector gradient = g.mul(s.mul(xc.mul(2f).mul(oneMinusS).fma(du, FloatVector.broadcast(F, 1f))));
            // END steps
            gradient.intoArray(dx, dxOffset + at, m);
        }
        // END loop
    }


    /**
     * dx = dy (Phi(x) + x phi(x)), phi the normal density e^(-x^2/2) / sqrt(2 pi), which shares Phi's
     * exponential; x clamped to +-16 (f' is 0 or 1 beyond). Phi's steps are those of {@link #geluErf},
     * written out in the loop body for the same reason.
     */
    @Override
    public void geluErfBackward(float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        // GENERATED masked loop g = dy, v = x -> dx: gradient by kernels/gen/Elementwise.java: do not edit up to END
        int room = Math.min(Math.min(dy.length - dyOffset, x.length - xOffset), dx.length - dxOffset);
        for (int i = 0; i < n; i += L) {
            int at = i + L <= room ? i : Math.max(room - L, -Math.min(Math.min(dyOffset, xOffset), dxOffset)); // see the class comment on the last vector
            VectorMask<Float> m = F.indexInRange(at, n).andNot(F.indexInRange(0, i - at));
            FloatVector g = FloatVector.fromArray(F, dy, dyOffset + at, m);
            FloatVector v = FloatVector.fromArray(F, x, xOffset + at, m);
            // BEGIN steps
            FloatVector xc = v.blend(-ERFC_TAIL_LIMIT, v.compare(VectorOperators.LT, -ERFC_TAIL_LIMIT))
                    .blend(ERFC_TAIL_LIMIT, v.compare(VectorOperators.GT, ERFC_TAIL_LIMIT));
            // GENERATED phi cdf = Phi(xc), gauss = e^(-xc^2/2) by kernels/gen/InlineExp.java: do not edit up to END
            FloatVector a = xc.abs();
            FloatVector square = xc.mul(xc);
            FloatVector squareLow = xc.fma(xc, square.neg()); // square + squareLow = x^2 exactly
            FloatVector hi = square.mul(-0.5f);
            FloatVector lo = squareLow.mul(-0.5f);
            VectorMask<Float> gaussOutside = hi.compare(VectorOperators.LT, EXP_MIN);
            FloatVector gaussX = hi.blend(EXP_MIN, hi.compare(VectorOperators.LT, EXP_MIN));
            FloatVector gaussK = gaussX.fma(LOG2E, ROUND); // n + 1.5 * 2^23: n = round(x / ln 2) in the low bits
            FloatVector gaussN = gaussK.sub(ROUND);
            FloatVector gaussR = gaussN.fma(FloatVector.broadcast(F, -LN2_HI), gaussX); // exact (Sterbenz)
            gaussR = gaussN.fma(FloatVector.broadcast(F, -LN2_LO), gaussR).add(lo.blend(0f, gaussOutside));
            FloatVector gaussP = gaussR.fma(E5, E4).fma(gaussR, FloatVector.broadcast(F, E3)).fma(gaussR, FloatVector.broadcast(F, E2))
                    .fma(gaussR, FloatVector.broadcast(F, E1)).fma(gaussR, FloatVector.broadcast(F, E0)).fma(gaussR.mul(gaussR), gaussR).add(1f); // e^r
            IntVector gaussBits = gaussK.reinterpretAsInts().sub(ROUND_BITS);
            IntVector gaussHalf = gaussBits.lanewise(VectorOperators.ASHR, 1);
            FloatVector gaussFirst = gaussHalf.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector gaussSecond = gaussBits.sub(gaussHalf).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector gauss = gaussP.mul(gaussFirst).mul(gaussSecond); // rounds once, also when subnormal
            // G(a) by the near and the far fit (a clamped into their ranges); erfc(|x| / sqrt 2) = gauss G
            FloatVector an = a.blend(ERF_SERIES_LIMIT, a.compare(VectorOperators.LT, ERF_SERIES_LIMIT));
            FloatVector v1 = an.sub(N_MID).mul(N_INV_HALF);
            FloatVector near = v1.fma(N12, N11).fma(v1, FloatVector.broadcast(F, N10)).fma(v1, FloatVector.broadcast(F, N9))
                    .fma(v1, FloatVector.broadcast(F, N8)).fma(v1, FloatVector.broadcast(F, N7)).fma(v1, FloatVector.broadcast(F, N6))
                    .fma(v1, FloatVector.broadcast(F, N5)).fma(v1, FloatVector.broadcast(F, N4)).fma(v1, FloatVector.broadcast(F, N3))
                    .fma(v1, FloatVector.broadcast(F, N2)).fma(v1, FloatVector.broadcast(F, N1)).fma(v1, FloatVector.broadcast(F, N0));
            FloatVector w = FloatVector.broadcast(F, 1f).div(a.fma(0.5f, 1f)).sub(F_MID).mul(F_INV_HALF);
            FloatVector far = w.fma(F6, F5).fma(w, FloatVector.broadcast(F, F4)).fma(w, FloatVector.broadcast(F, F3))
                    .fma(w, FloatVector.broadcast(F, F2)).fma(w, FloatVector.broadcast(F, F1)).fma(w, FloatVector.broadcast(F, F0));
            FloatVector erfc = gauss.mul(far.blend(near, a.compare(VectorOperators.LE, ERFC_NEAR_LIMIT)));
            // |x| <= 0.7: Phi = 0.5 + 0.5 x (x P(x^2)) (erf's odd series); beyond: 0.5 erfc for x < 0, 1 - 0.5 erfc for x > 0
            FloatVector series = xc.mul(square.fma(S5, S4).fma(square, FloatVector.broadcast(F, S3)).fma(square, FloatVector.broadcast(F, S2))
                            .fma(square, FloatVector.broadcast(F, S1)).fma(square, FloatVector.broadcast(F, S0)))
                    .fma(FloatVector.broadcast(F, 0.5f), FloatVector.broadcast(F, 0.5f));
            FloatVector tail = erfc.mul(0.5f).blend(erfc.fma(-0.5f, 1f), xc.compare(VectorOperators.GE, 0f));
            FloatVector cdf = tail.blend(series, a.compare(VectorOperators.LE, ERF_SERIES_LIMIT));
            // END phi cdf
            FloatVector gradient = g.mul(xc.mul(gauss).fma(FloatVector.broadcast(F, INV_SQRT_2PI), cdf));
            // END steps
            gradient.intoArray(dx, dxOffset + at, m);
        }
        // END loop
    }

    // ================================================================ backward, exact

    @Override
    public void reluBackward(float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        // GENERATED exact loop v = x, g = dy -> dx: g.blend(0f, v.compare(VectorOperators.GT, 0f).not()) by kernels/gen/Elementwise.java: do not edit up to END
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xOffset + i);
            FloatVector g = FloatVector.fromArray(F, dy, dyOffset + i);
            g.blend(0f, v.compare(VectorOperators.GT, 0f).not()).intoArray(dx, dxOffset + i);
        }
        if (i < n) {
            int room = Math.min(Math.min(x.length - xOffset, dy.length - dyOffset), dx.length - dxOffset);
            int at = i + L <= room ? i : Math.max(room - L, -Math.min(Math.min(xOffset, dyOffset), dxOffset)); // see the class comment on the last vector
            VectorMask<Float> m = F.indexInRange(at, n).andNot(F.indexInRange(0, i - at));
            FloatVector v = FloatVector.fromArray(F, x, xOffset + at, m);
            FloatVector g = FloatVector.fromArray(F, dy, dyOffset + at, m);
            g.blend(0f, v.compare(VectorOperators.GT, 0f).not()).intoArray(dx, dxOffset + at, m);
        }
        // END loop
    }

    @Override
    public void leakyReluBackward(float alpha, float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        // GENERATED exact loop v = x, g = dy -> dx: g.mul(alpha).blend(g, v.compare(VectorOperators.GT, 0f)) by kernels/gen/Elementwise.java: do not edit up to END
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xOffset + i);
            FloatVector g = FloatVector.fromArray(F, dy, dyOffset + i);
            g.mul(alpha).blend(g, v.compare(VectorOperators.GT, 0f)).intoArray(dx, dxOffset + i);
        }
        if (i < n) {
            int room = Math.min(Math.min(x.length - xOffset, dy.length - dyOffset), dx.length - dxOffset);
            int at = i + L <= room ? i : Math.max(room - L, -Math.min(Math.min(xOffset, dyOffset), dxOffset)); // see the class comment on the last vector
            VectorMask<Float> m = F.indexInRange(at, n).andNot(F.indexInRange(0, i - at));
            FloatVector v = FloatVector.fromArray(F, x, xOffset + at, m);
            FloatVector g = FloatVector.fromArray(F, dy, dyOffset + at, m);
            g.mul(alpha).blend(g, v.compare(VectorOperators.GT, 0f)).intoArray(dx, dxOffset + at, m);
        }
        // END loop
    }

    /** dy * fma(-y, y, y), as the reference. */
    @Override
    public void sigmoidBackward(float[] y, int yOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        // GENERATED exact loop v = y, g = dy -> dx: g.mul(v.neg().fma(v, v)) by kernels/gen/Elementwise.java: do not edit up to END
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(F, y, yOffset + i);
            FloatVector g = FloatVector.fromArray(F, dy, dyOffset + i);
            g.mul(v.neg().fma(v, v)).intoArray(dx, dxOffset + i);
        }
        if (i < n) {
            int room = Math.min(Math.min(y.length - yOffset, dy.length - dyOffset), dx.length - dxOffset);
            int at = i + L <= room ? i : Math.max(room - L, -Math.min(Math.min(yOffset, dyOffset), dxOffset)); // see the class comment on the last vector
            VectorMask<Float> m = F.indexInRange(at, n).andNot(F.indexInRange(0, i - at));
            FloatVector v = FloatVector.fromArray(F, y, yOffset + at, m);
            FloatVector g = FloatVector.fromArray(F, dy, dyOffset + at, m);
            g.mul(v.neg().fma(v, v)).intoArray(dx, dxOffset + at, m);
        }
        // END loop
    }

    /** dy * fma(-y, y, 1), as the reference. */
    @Override
    public void tanhBackward(float[] y, int yOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        FloatVector one = FloatVector.broadcast(F, 1f);
        // GENERATED exact loop v = y, g = dy -> dx: g.mul(v.neg().fma(v, one)) by kernels/gen/Elementwise.java: do not edit up to END
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(F, y, yOffset + i);
            FloatVector g = FloatVector.fromArray(F, dy, dyOffset + i);
            g.mul(v.neg().fma(v, one)).intoArray(dx, dxOffset + i);
        }
        if (i < n) {
            int room = Math.min(Math.min(y.length - yOffset, dy.length - dyOffset), dx.length - dxOffset);
            int at = i + L <= room ? i : Math.max(room - L, -Math.min(Math.min(yOffset, dyOffset), dxOffset)); // see the class comment on the last vector
            VectorMask<Float> m = F.indexInRange(at, n).andNot(F.indexInRange(0, i - at));
            FloatVector v = FloatVector.fromArray(F, y, yOffset + at, m);
            FloatVector g = FloatVector.fromArray(F, dy, dyOffset + at, m);
            g.mul(v.neg().fma(v, one)).intoArray(dx, dxOffset + at, m);
        }
        // END loop
    }

    @Override
    public void softplusBackward(float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        // GENERATED masked loop g = dy, v = x -> dx: g.mul(sigmoid(v)) by kernels/gen/Elementwise.java: do not edit up to END
        int room = Math.min(Math.min(dy.length - dyOffset, x.length - xOffset), dx.length - dxOffset);
        for (int i = 0; i < n; i += L) {
            int at = i + L <= room ? i : Math.max(room - L, -Math.min(Math.min(dyOffset, xOffset), dxOffset)); // see the class comment on the last vector
            VectorMask<Float> m = F.indexInRange(at, n).andNot(F.indexInRange(0, i - at));
            FloatVector g = FloatVector.fromArray(F, dy, dyOffset + at, m);
            FloatVector v = FloatVector.fromArray(F, x, xOffset + at, m);
            g.mul(sigmoid(v)).intoArray(dx, dxOffset + at, m);
        }
        // END loop
    }

    // ================================================================ fused bias + activation

    @Override
    public void addBiasRelu(float[] bias, int biasOffset, float[] x, int xOffset, int rows, int cols, int ld) {
        // GENERATED exact rows v = x + bias -> x: relu(v) by kernels/gen/Elementwise.java: do not edit up to END
        for (int r = 0; r < rows; r++) {
            int row = xOffset + r * ld;
            int c = 0;
            for (; c <= cols - L; c += L) {
                FloatVector v = FloatVector.fromArray(F, x, row + c).add(FloatVector.fromArray(F, bias, biasOffset + c));
                relu(v).intoArray(x, row + c);
            }
            if (c < cols) {
                int room = Math.min(x.length - row, bias.length - biasOffset);
                int at = c + L <= room ? c : Math.max(room - L, -Math.min(row, biasOffset)); // see the class comment on the last vector
                VectorMask<Float> m = F.indexInRange(at, cols).andNot(F.indexInRange(0, c - at));
                FloatVector v = FloatVector.fromArray(F, x, row + at, m).add(FloatVector.fromArray(F, bias, biasOffset + at, m));
                relu(v).intoArray(x, row + at, m);
            }
        }
        // END rows
    }

    @Override
    public void addBiasLeakyRelu(float alpha, float[] bias, int biasOffset, float[] x, int xOffset, int rows, int cols, int ld) {
        // GENERATED exact rows v = x + bias -> x: leakyRelu(alpha, v) by kernels/gen/Elementwise.java: do not edit up to END
        for (int r = 0; r < rows; r++) {
            int row = xOffset + r * ld;
            int c = 0;
            for (; c <= cols - L; c += L) {
                FloatVector v = FloatVector.fromArray(F, x, row + c).add(FloatVector.fromArray(F, bias, biasOffset + c));
                leakyRelu(alpha, v).intoArray(x, row + c);
            }
            if (c < cols) {
                int room = Math.min(x.length - row, bias.length - biasOffset);
                int at = c + L <= room ? c : Math.max(room - L, -Math.min(row, biasOffset)); // see the class comment on the last vector
                VectorMask<Float> m = F.indexInRange(at, cols).andNot(F.indexInRange(0, c - at));
                FloatVector v = FloatVector.fromArray(F, x, row + at, m).add(FloatVector.fromArray(F, bias, biasOffset + at, m));
                leakyRelu(alpha, v).intoArray(x, row + at, m);
            }
        }
        // END rows
    }

}
