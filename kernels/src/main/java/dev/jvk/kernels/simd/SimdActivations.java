package dev.jvk.kernels.simd;

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
 * <p>Everything computes in float (see {@link VectorMath} on why not double); where a rounding would
 * be amplified (GELU's 2u and x^2 / 2 inside exponentials), the value is carried as a float pair.
 */
public final class SimdActivations {
    private static final VectorSpecies<Float> F = Species.FLOAT;
    private static final int L = F.length();

    private static final double SQRT_2_OVER_PI = 0.7978845608028654;
    private static final double GELU_CUBIC = 0.044715;
    /** GELU's 2u = x (A + B x^2): A = 2 sqrt(2/pi), B = 0.044715 A, each split into a float pair. */
    private static final double TWO_C = 2 * SQRT_2_OVER_PI, TWO_C_K = TWO_C * GELU_CUBIC;
    private static final float A_HI = (float) TWO_C, A_LO = (float) (TWO_C - A_HI);
    private static final float B_HI = (float) TWO_C_K, B_LO = (float) (TWO_C_K - B_HI);

    private SimdActivations() {}

    // ================================================================ forward, exact

    public static void relu(float[] x, int xOffset, float[] y, int yOffset, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            relu(FloatVector.fromArray(F, x, xOffset + i)).intoArray(y, yOffset + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            relu(FloatVector.fromArray(F, x, xOffset + i, m)).intoArray(y, yOffset + i, m);
        }
    }

    /** Math.max(0f, v) by compare + blend (lanewise MAX is several times slower here): v <= 0 (with -0) gives +0, NaN stays. */
    private static FloatVector relu(FloatVector v) {
        return v.blend(0f, v.compare(VectorOperators.LE, 0f));
    }

    public static void leakyRelu(float alpha, float[] x, int xOffset, float[] y, int yOffset, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            leakyRelu(alpha, FloatVector.fromArray(F, x, xOffset + i)).intoArray(y, yOffset + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            leakyRelu(alpha, FloatVector.fromArray(F, x, xOffset + i, m)).intoArray(y, yOffset + i, m);
        }
    }

    private static FloatVector leakyRelu(float alpha, FloatVector v) {
        return v.mul(alpha).blend(v, v.compare(VectorOperators.GT, 0f));
    }

    // ================================================================ forward, float transcendentals

    public static void exp(float[] x, int xOffset, float[] y, int yOffset, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = F.indexInRange(i, n);
            VectorMath.exp(FloatVector.fromArray(F, x, xOffset + i, m)).intoArray(y, yOffset + i, m);
        }
    }

    public static void log(float[] x, int xOffset, float[] y, int yOffset, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = F.indexInRange(i, n);
            VectorMath.log(FloatVector.fromArray(F, x, xOffset + i, m)).intoArray(y, yOffset + i, m);
        }
    }

    public static void sigmoid(float[] x, int xOffset, float[] y, int yOffset, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = F.indexInRange(i, n);
            sigmoid(FloatVector.fromArray(F, x, xOffset + i, m)).intoArray(y, yOffset + i, m);
        }
    }

    /**
     * With e = e^-|x| (never overflows): 1 / (1 + e) for x >= 0, e / (1 + e) for x < 0, so that tiny
     * (subnormal) results keep the accuracy of exp. Error: exp's 0.6 ulp in the numerator, at most as
     * much through 1 + e, and two roundings: below 2.5 ulp.
     */
    private static FloatVector sigmoid(FloatVector v) {
        FloatVector e = VectorMath.exp(v.abs().neg());
        return e.blend(1f, v.compare(VectorOperators.GE, 0f)).div(e.add(1f));
    }

    public static void tanh(float[] x, int xOffset, float[] y, int yOffset, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = F.indexInRange(i, n);
            tanh(FloatVector.fromArray(F, x, xOffset + i, m)).intoArray(y, yOffset + i, m);
        }
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

    public static void silu(float[] x, int xOffset, float[] y, int yOffset, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = F.indexInRange(i, n);
            silu(FloatVector.fromArray(F, x, xOffset + i, m)).intoArray(y, yOffset + i, m);
        }
    }

    /**
     * x / (1 + e^-x) for x >= 0; for x < 0, x e^x / (1 + e^x), where x e^x is formed as (x p) 2^n from
     * exp's reduced parts, so a subnormal result is rounded once (x times an already subnormal e^x would
     * lose up to |x| ulps). Below -125 the clamped x still gives the right -0.
     */
    private static FloatVector silu(FloatVector v) {
        FloatVector negAbs = VectorMath.clampExp(v.abs().neg());
        FloatVector k = VectorMath.exponentOf(negAbs);
        FloatVector p = VectorMath.expOfRemainder(negAbs, k);
        FloatVector first = VectorMath.twoToHalfOf(k);
        FloatVector second = VectorMath.twoToRestOf(k);
        FloatVector e = p.mul(first).mul(second);
        FloatVector negativeSide = negAbs.mul(p).mul(first).mul(second);
        return negativeSide.blend(v, v.compare(VectorOperators.GE, 0f)).div(e.add(1f));
    }

    public static void softplus(float[] x, int xOffset, float[] y, int yOffset, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = F.indexInRange(i, n);
            softplus(FloatVector.fromArray(F, x, xOffset + i, m)).intoArray(y, yOffset + i, m);
        }
    }

    /** max(x, 0) + log1p(e^-|x|): e^x never overflows, and for x < 0 the result is log1p of exp. */
    private static FloatVector softplus(FloatVector v) {
        FloatVector tail = VectorMath.log1pOfExpNegativeAbs(v);
        return FloatVector.zero(F).blend(v, v.compare(VectorOperators.GT, 0f)).add(tail);
    }

    public static void geluTanh(float[] x, int xOffset, float[] y, int yOffset, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = F.indexInRange(i, n);
            geluTanh(FloatVector.fromArray(F, x, xOffset + i, m)).intoArray(y, yOffset + i, m);
        }
    }

    /**
     * x sigmoid(2u), 2u = x (A + B x^2) with A = 2 sqrt(2/pi), B = 0.044715 A. 2u reaches ~10 where the
     * result still matters, so a float rounding of it would cost e^-|2u| several ulps: 2u is carried as
     * a float pair (x^2 exact by fma, A and B split in two, each product's error kept), and exp takes
     * the pair. The quotient then is as silu's: below 3 ulp. Below x = -20 the result is -0 anyway.
     */
    private static FloatVector geluTanh(FloatVector v) {
        FloatVector xc = v.blend(-20f, v.compare(VectorOperators.LT, -20f));
        VectorMask<Float> negative = xc.compare(VectorOperators.LT, 0f);
        FloatVector e = VectorMath.exp(negativeAbsTwoU(xc), negativeAbsTwoULow(xc, negative));
        return xc.mul(e).blend(v, negative.not()).div(e.add(1f));
    }

    /** -|2u| rounded, 2u = x ((x x) B + A) in exactly the steps whose errors {@link #negativeAbsTwoULow} keeps. */
    private static FloatVector negativeAbsTwoU(FloatVector xc) {
        return xc.mul(xc.mul(xc).mul(B_HI).add(A_HI)).abs().neg();
    }

    /**
     * The low part of the pair -|2u| = hi + lo, where hi = {@link #negativeAbsTwoU}: 2u = x (A + B x^2)
     * with x^2, B x^2, A + B x^2 and the product by x each split into value and exact error.
     */
    private static FloatVector negativeAbsTwoULow(FloatVector xc, VectorMask<Float> negative) {
        FloatVector square = xc.mul(xc);
        FloatVector squareLow = xc.fma(xc, square.neg());
        FloatVector bs = square.mul(B_HI);
        FloatVector bsLow = square.fma(FloatVector.broadcast(F, B_HI), bs.neg()).add(squareLow.mul(B_HI).add(square.mul(B_LO)));
        FloatVector a = FloatVector.broadcast(F, A_HI);
        FloatVector t = bs.add(a);
        FloatVector tLow = VectorMath.sumError(bs, a, t).add(bsLow).add(A_LO);
        FloatVector twoU = xc.mul(t);
        FloatVector twoULow = xc.fma(t, twoU.neg()).add(xc.mul(tLow));
        return twoULow.neg().blend(twoULow, negative);
    }

    public static void geluErf(float[] x, int xOffset, float[] y, int yOffset, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = F.indexInRange(i, n);
            geluErf(FloatVector.fromArray(F, x, xOffset + i, m)).intoArray(y, yOffset + i, m);
        }
    }

    /**
     * x Phi(x), Phi(x) = 0.5 (1 + erf(x / sqrt 2)) = 0.5 erfc(-x / sqrt 2) from {@link VectorMath#normalCdf},
     * which keeps its relative accuracy for x < 0 (no 1 + erf cancellation). Beyond +-16, Phi is 0 or 1.
     */
    private static FloatVector geluErf(FloatVector v) {
        FloatVector cdf = VectorMath.normalCdf(clampAbs(v, VectorMath.ERFC_TAIL_LIMIT));
        return v.blend(-VectorMath.ERFC_TAIL_LIMIT, v.compare(VectorOperators.LT, -VectorMath.ERFC_TAIL_LIMIT)).mul(cdf);
    }

    /** x clamped to [-limit, limit]; NaN stays NaN. */
    private static FloatVector clampAbs(FloatVector x, float limit) {
        return x.blend(-limit, x.compare(VectorOperators.LT, -limit)).blend(limit, x.compare(VectorOperators.GT, limit));
    }

    // ================================================================ backward, transcendental
    // Each derivative is evaluated in float as the sum of its terms; the error is relative to the sum
    // of their magnitudes T(x) (documented on Activations), which is what float allows near the zeros of f'.

    public static void siluBackward(float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector g = FloatVector.fromArray(F, dy, dyOffset + i, m);
            g.mul(siluDerivative(FloatVector.fromArray(F, x, xOffset + i, m))).intoArray(dx, dxOffset + i, m);
        }
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

    public static void geluTanhBackward(float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector g = FloatVector.fromArray(F, dy, dyOffset + i, m);
            g.mul(geluTanhDerivative(FloatVector.fromArray(F, x, xOffset + i, m))).intoArray(dx, dxOffset + i, m);
        }
    }

    /**
     * geluTanh'(x) = s (1 + 2 x (1 - s) u'), s = sigmoid(2u), u' = c (1 + 3 * 0.044715 x^2); x clamped to
     * +-20 (0 or 1 beyond). 2u is carried as a float pair, as in the forward form: |2u| reaches 65 where
     * f' is still a normal float, and a rounded 2u would cost e^-|2u| a relative 1e-5.
     */
    private static FloatVector geluTanhDerivative(FloatVector v) {
        FloatVector xc = clampAbs(v, 20f);
        VectorMask<Float> negative = xc.compare(VectorOperators.LT, 0f);
        FloatVector e = VectorMath.exp(negativeAbsTwoU(xc), negativeAbsTwoULow(xc, negative));
        FloatVector inverse = FloatVector.broadcast(F, 1f).div(e.add(1f));
        FloatVector s = FloatVector.broadcast(F, 1f).blend(e, negative).mul(inverse);
        FloatVector oneMinusS = e.blend(1f, negative).mul(inverse);
        FloatVector du = xc.mul(xc).fma((float) (3 * GELU_CUBIC * SQRT_2_OVER_PI), (float) SQRT_2_OVER_PI);
        return s.mul(xc.mul(2f).mul(oneMinusS).fma(du, FloatVector.broadcast(F, 1f)));
    }

    public static void geluErfBackward(float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector g = FloatVector.fromArray(F, dy, dyOffset + i, m);
            g.mul(geluErfDerivative(FloatVector.fromArray(F, x, xOffset + i, m))).intoArray(dx, dxOffset + i, m);
        }
    }

    /** geluErf'(x) = Phi(x) + x phi(x) from {@link VectorMath#normalCdfPlusXDensity}; x clamped to +-16 (0 or 1 beyond). */
    private static FloatVector geluErfDerivative(FloatVector v) {
        return VectorMath.normalCdfPlusXDensity(clampAbs(v, VectorMath.ERFC_TAIL_LIMIT));
    }

    // ================================================================ backward, exact

    public static void reluBackward(float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xOffset + i);
            FloatVector g = FloatVector.fromArray(F, dy, dyOffset + i);
            g.blend(0f, v.compare(VectorOperators.GT, 0f).not()).intoArray(dx, dxOffset + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(F, x, xOffset + i, m);
            FloatVector g = FloatVector.fromArray(F, dy, dyOffset + i, m);
            g.blend(0f, v.compare(VectorOperators.GT, 0f).not()).intoArray(dx, dxOffset + i, m);
        }
    }

    public static void leakyReluBackward(float alpha, float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xOffset + i);
            FloatVector g = FloatVector.fromArray(F, dy, dyOffset + i);
            g.mul(alpha).blend(g, v.compare(VectorOperators.GT, 0f)).intoArray(dx, dxOffset + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(F, x, xOffset + i, m);
            FloatVector g = FloatVector.fromArray(F, dy, dyOffset + i, m);
            g.mul(alpha).blend(g, v.compare(VectorOperators.GT, 0f)).intoArray(dx, dxOffset + i, m);
        }
    }

    /** dy * fma(-y, y, y), as the reference. */
    public static void sigmoidBackward(float[] y, int yOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(F, y, yOffset + i);
            FloatVector g = FloatVector.fromArray(F, dy, dyOffset + i);
            g.mul(v.neg().fma(v, v)).intoArray(dx, dxOffset + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(F, y, yOffset + i, m);
            FloatVector g = FloatVector.fromArray(F, dy, dyOffset + i, m);
            g.mul(v.neg().fma(v, v)).intoArray(dx, dxOffset + i, m);
        }
    }

    /** dy * fma(-y, y, 1), as the reference. */
    public static void tanhBackward(float[] y, int yOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        FloatVector one = FloatVector.broadcast(F, 1f);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(F, y, yOffset + i);
            FloatVector g = FloatVector.fromArray(F, dy, dyOffset + i);
            g.mul(v.neg().fma(v, one)).intoArray(dx, dxOffset + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(F, y, yOffset + i, m);
            FloatVector g = FloatVector.fromArray(F, dy, dyOffset + i, m);
            g.mul(v.neg().fma(v, one)).intoArray(dx, dxOffset + i, m);
        }
    }

    public static void softplusBackward(float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector g = FloatVector.fromArray(F, dy, dyOffset + i, m);
            g.mul(sigmoid(FloatVector.fromArray(F, x, xOffset + i, m))).intoArray(dx, dxOffset + i, m);
        }
    }

    // ================================================================ fused bias + activation

    public static void addBiasRelu(float[] bias, int biasOffset, float[] x, int xOffset, int rows, int cols, int ld) {
        for (int r = 0; r < rows; r++) {
            int row = xOffset + r * ld;
            int c = 0;
            for (; c <= cols - L; c += L) {
                FloatVector v = FloatVector.fromArray(F, x, row + c).add(FloatVector.fromArray(F, bias, biasOffset + c));
                relu(v).intoArray(x, row + c);
            }
            if (c < cols) {
                VectorMask<Float> m = F.indexInRange(c, cols);
                FloatVector v = FloatVector.fromArray(F, x, row + c, m).add(FloatVector.fromArray(F, bias, biasOffset + c, m));
                relu(v).intoArray(x, row + c, m);
            }
        }
    }

    public static void addBiasLeakyRelu(float alpha, float[] bias, int biasOffset, float[] x, int xOffset, int rows, int cols, int ld) {
        for (int r = 0; r < rows; r++) {
            int row = xOffset + r * ld;
            int c = 0;
            for (; c <= cols - L; c += L) {
                FloatVector v = FloatVector.fromArray(F, x, row + c).add(FloatVector.fromArray(F, bias, biasOffset + c));
                leakyRelu(alpha, v).intoArray(x, row + c);
            }
            if (c < cols) {
                VectorMask<Float> m = F.indexInRange(c, cols);
                FloatVector v = FloatVector.fromArray(F, x, row + c, m).add(FloatVector.fromArray(F, bias, biasOffset + c, m));
                leakyRelu(alpha, v).intoArray(x, row + c, m);
            }
        }
    }

}
