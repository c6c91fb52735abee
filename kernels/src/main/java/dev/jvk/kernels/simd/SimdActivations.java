package dev.jvk.kernels.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API activations, reached only through {@link dev.jvk.kernels.Activations} after its argument
 * checks. Each kernel is a plain loop over full vectors plus one masked vector for the tail (so every
 * element goes through the same lane arithmetic, wherever it sits), around a lanewise function:
 * {@code relu(v)}, {@code sigmoid(v)}, ... The transcendentals come from {@link VectorMath}.
 *
 * <p>Float forward kernels (exp, log, sigmoid, tanh, silu, softplus) compute in float. GELU (both
 * forms) and the backward forms of silu, softplus and GELU convert to double, compute there and round
 * once: GELU's argument (x + 0.044715 x^3, or x^2 / 2 inside erfc) and the zeros of the derivatives
 * would otherwise cost more than the 4 ulp (resp. 2 ulp) the contract allows.
 */
public final class SimdActivations {
    private static final VectorSpecies<Float> F = Species.FLOAT;
    private static final int L = F.length();
    private static final VectorSpecies<Double> D = Species.DOUBLE;
    /** Float lanes that widen to one double vector: half the float width. */
    private static final VectorSpecies<Float> F_HALF =
            VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final int LD = D.length();

    private static final double SQRT_2_OVER_PI = 0.7978845608028654;
    private static final double GELU_CUBIC = 0.044715;
    /** Beyond +-200, silu and gelu (tanh form) and their derivatives have reached their limits as floats. */
    private static final double CLAMP = 200;

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
        int i = 0;
        for (; i <= n - L; i += L) {
            VectorMath.exp(FloatVector.fromArray(F, x, xOffset + i)).intoArray(y, yOffset + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            VectorMath.exp(FloatVector.fromArray(F, x, xOffset + i, m)).intoArray(y, yOffset + i, m);
        }
    }

    public static void log(float[] x, int xOffset, float[] y, int yOffset, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            VectorMath.log(FloatVector.fromArray(F, x, xOffset + i)).intoArray(y, yOffset + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            VectorMath.log(FloatVector.fromArray(F, x, xOffset + i, m)).intoArray(y, yOffset + i, m);
        }
    }

    public static void sigmoid(float[] x, int xOffset, float[] y, int yOffset, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            sigmoid(FloatVector.fromArray(F, x, xOffset + i)).intoArray(y, yOffset + i);
        }
        if (i < n) {
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
        int i = 0;
        for (; i <= n - L; i += L) {
            tanh(FloatVector.fromArray(F, x, xOffset + i)).intoArray(y, yOffset + i);
        }
        if (i < n) {
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

    public static void silu(float[] x, int xOffset, float[] y, int yOffset, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            silu(FloatVector.fromArray(F, x, xOffset + i)).intoArray(y, yOffset + i);
        }
        if (i < n) {
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
        FloatVector e = VectorMath.timesTwoTo(p, k);
        FloatVector negativeSide = VectorMath.timesTwoTo(negAbs.mul(p), k);
        return negativeSide.blend(v, v.compare(VectorOperators.GE, 0f)).div(e.add(1f));
    }

    public static void softplus(float[] x, int xOffset, float[] y, int yOffset, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            softplus(FloatVector.fromArray(F, x, xOffset + i)).intoArray(y, yOffset + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            softplus(FloatVector.fromArray(F, x, xOffset + i, m)).intoArray(y, yOffset + i, m);
        }
    }

    /** max(x, 0) + log1p(e^-|x|): e^x never overflows, and for x < 0 the result is log1p of exp. */
    private static FloatVector softplus(FloatVector v) {
        FloatVector tail = VectorMath.log1pOfUnit(VectorMath.exp(v.abs().neg()));
        return FloatVector.zero(F).blend(v, v.compare(VectorOperators.GT, 0f)).add(tail);
    }

    // ================================================================ forward, GELU in double

    public static void geluTanh(float[] x, int xOffset, float[] y, int yOffset, int n) {
        int i = 0;
        for (; i <= n - LD; i += LD) {
            toFloat(geluTanh(toDouble(FloatVector.fromArray(F_HALF, x, xOffset + i)))).intoArray(y, yOffset + i);
        }
        if (i < n) {
            VectorMask<Float> m = F_HALF.indexInRange(i, n);
            toFloat(geluTanh(toDouble(FloatVector.fromArray(F_HALF, x, xOffset + i, m)))).intoArray(y, yOffset + i, m);
        }
    }

    /** x sigmoid(2u), 2u = x (2c + 2c * 0.044715 x^2), c = sqrt(2/pi): as silu, with e = e^-|2u|. */
    private static DoubleVector geluTanh(DoubleVector x) {
        DoubleVector xc = x.blend(-CLAMP, x.compare(VectorOperators.LT, -CLAMP));
        DoubleVector twoU = xc.mul(xc.mul(xc).fma(splat(2 * SQRT_2_OVER_PI * GELU_CUBIC), splat(2 * SQRT_2_OVER_PI)));
        DoubleVector e = VectorMath.exp(twoU.abs().neg());
        return xc.mul(e).blend(xc, xc.compare(VectorOperators.GE, 0.0)).div(e.add(1.0));
    }

    public static void geluErf(float[] x, int xOffset, float[] y, int yOffset, int n) {
        int i = 0;
        for (; i <= n - LD; i += LD) {
            toFloat(geluErf(toDouble(FloatVector.fromArray(F_HALF, x, xOffset + i)))).intoArray(y, yOffset + i);
        }
        if (i < n) {
            VectorMask<Float> m = F_HALF.indexInRange(i, n);
            toFloat(geluErf(toDouble(FloatVector.fromArray(F_HALF, x, xOffset + i, m)))).intoArray(y, yOffset + i, m);
        }
    }

    /**
     * |x| <= 0.7: 0.5 x (1 + x P(x^2)) with erf's odd series; beyond, through E = erfc(|x| / sqrt 2)
     * = e^(-x^2/2) G(|x|): 0.5 x E for x < 0 (no cancellation), x (1 - 0.5 E) for x > 0.
     */
    private static DoubleVector geluErf(DoubleVector x) {
        DoubleVector xc = x.blend(-VectorMath.ERFC_TAIL_LIMIT, x.compare(VectorOperators.LT, -VectorMath.ERFC_TAIL_LIMIT));
        DoubleVector x2 = xc.mul(xc);
        DoubleVector series = xc.mul(0.5).mul(xc.mul(VectorMath.erfOverX(x2)).add(1.0));
        DoubleVector tailE = erfcOfAbs(xc);
        DoubleVector tail = xc.mul(0.5).mul(tailE).blend(xc.mul(tailE.fma(splat(-0.5), splat(1.0))), xc.compare(VectorOperators.GE, 0.0));
        return tail.blend(series, xc.abs().compare(VectorOperators.LE, VectorMath.ERF_SERIES_LIMIT));
    }

    /** erfc(|x| / sqrt 2) for |x| >= 0.7 (|x| is clamped into [0.7, 16]; other lanes are discarded by the caller). */
    private static DoubleVector erfcOfAbs(DoubleVector x) {
        DoubleVector a = x.abs();
        a = a.blend(VectorMath.ERF_SERIES_LIMIT, a.compare(VectorOperators.LT, VectorMath.ERF_SERIES_LIMIT))
                .blend(VectorMath.ERFC_TAIL_LIMIT, a.compare(VectorOperators.GT, VectorMath.ERFC_TAIL_LIMIT));
        return VectorMath.exp(a.mul(a).mul(-0.5)).mul(VectorMath.erfcScaled(a));
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

    // ================================================================ backward, transcendental (double)

    // Each backward loop converts x and dy to double, applies the derivative there and rounds
    // dx = dy * f'(x) once to float. One loop per derivative (not one loop with a switch): the
    // lanewise function must inline into its loop, or C2 would box the vectors it returns.

    public static void siluBackward(float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        int i = 0;
        for (; i <= n - LD; i += LD) {
            DoubleVector g = toDouble(FloatVector.fromArray(F_HALF, dy, dyOffset + i));
            toFloat(g.mul(siluDerivative(toDouble(FloatVector.fromArray(F_HALF, x, xOffset + i))))).intoArray(dx, dxOffset + i);
        }
        if (i < n) {
            VectorMask<Float> m = F_HALF.indexInRange(i, n);
            DoubleVector g = toDouble(FloatVector.fromArray(F_HALF, dy, dyOffset + i, m));
            toFloat(g.mul(siluDerivative(toDouble(FloatVector.fromArray(F_HALF, x, xOffset + i, m))))).intoArray(dx, dxOffset + i, m);
        }
    }

    public static void softplusBackward(float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        int i = 0;
        for (; i <= n - LD; i += LD) {
            DoubleVector g = toDouble(FloatVector.fromArray(F_HALF, dy, dyOffset + i));
            toFloat(g.mul(sigmoid(toDouble(FloatVector.fromArray(F_HALF, x, xOffset + i))))).intoArray(dx, dxOffset + i);
        }
        if (i < n) {
            VectorMask<Float> m = F_HALF.indexInRange(i, n);
            DoubleVector g = toDouble(FloatVector.fromArray(F_HALF, dy, dyOffset + i, m));
            toFloat(g.mul(sigmoid(toDouble(FloatVector.fromArray(F_HALF, x, xOffset + i, m))))).intoArray(dx, dxOffset + i, m);
        }
    }

    public static void geluTanhBackward(float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        int i = 0;
        for (; i <= n - LD; i += LD) {
            DoubleVector g = toDouble(FloatVector.fromArray(F_HALF, dy, dyOffset + i));
            toFloat(g.mul(geluTanhDerivative(toDouble(FloatVector.fromArray(F_HALF, x, xOffset + i))))).intoArray(dx, dxOffset + i);
        }
        if (i < n) {
            VectorMask<Float> m = F_HALF.indexInRange(i, n);
            DoubleVector g = toDouble(FloatVector.fromArray(F_HALF, dy, dyOffset + i, m));
            toFloat(g.mul(geluTanhDerivative(toDouble(FloatVector.fromArray(F_HALF, x, xOffset + i, m))))).intoArray(dx, dxOffset + i, m);
        }
    }

    public static void geluErfBackward(float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        int i = 0;
        for (; i <= n - LD; i += LD) {
            DoubleVector g = toDouble(FloatVector.fromArray(F_HALF, dy, dyOffset + i));
            toFloat(g.mul(geluErfDerivative(toDouble(FloatVector.fromArray(F_HALF, x, xOffset + i))))).intoArray(dx, dxOffset + i);
        }
        if (i < n) {
            VectorMask<Float> m = F_HALF.indexInRange(i, n);
            DoubleVector g = toDouble(FloatVector.fromArray(F_HALF, dy, dyOffset + i, m));
            toFloat(g.mul(geluErfDerivative(toDouble(FloatVector.fromArray(F_HALF, x, xOffset + i, m))))).intoArray(dx, dxOffset + i, m);
        }
    }

    /** sigmoid(x) = 1 / (1 + e^-x) in double, from e = e^-|x| (so nothing overflows). */
    private static DoubleVector sigmoid(DoubleVector x) {
        DoubleVector e = VectorMath.exp(x.abs().neg());
        return e.blend(1.0, x.compare(VectorOperators.GE, 0.0)).div(e.add(1.0));
    }

    /** silu'(x) = s (1 + x (1 - s)), s = sigmoid(x) and 1 - s = sigmoid(-x), both from e = e^-|x|. */
    private static DoubleVector siluDerivative(DoubleVector x) {
        DoubleVector xc = clamp(x, CLAMP);
        DoubleVector e = VectorMath.exp(xc.abs().neg());
        DoubleVector inverse = splat(1.0).div(e.add(1.0));
        VectorMask<Double> positive = xc.compare(VectorOperators.GE, 0.0);
        DoubleVector s = e.blend(1.0, positive).mul(inverse);
        DoubleVector oneMinusS = splat(1.0).blend(e, positive).mul(inverse);
        return s.mul(xc.fma(oneMinusS, splat(1.0)));
    }

    /** geluTanh'(x) = s (1 + 2 x (1 - s) u'), s = sigmoid(2u), u' = c (1 + 3 * 0.044715 x^2). */
    private static DoubleVector geluTanhDerivative(DoubleVector x) {
        DoubleVector xc = clamp(x, CLAMP);
        DoubleVector x2 = xc.mul(xc);
        DoubleVector twoU = xc.mul(x2.fma(splat(2 * SQRT_2_OVER_PI * GELU_CUBIC), splat(2 * SQRT_2_OVER_PI)));
        DoubleVector e = VectorMath.exp(twoU.abs().neg());
        DoubleVector inverse = splat(1.0).div(e.add(1.0));
        VectorMask<Double> positive = xc.compare(VectorOperators.GE, 0.0);
        DoubleVector s = e.blend(1.0, positive).mul(inverse);
        DoubleVector oneMinusS = splat(1.0).blend(e, positive).mul(inverse);
        DoubleVector du = x2.fma(splat(3 * GELU_CUBIC * SQRT_2_OVER_PI), splat(SQRT_2_OVER_PI));
        return s.mul(xc.mul(2.0).mul(oneMinusS).fma(du, splat(1.0)));
    }

    /**
     * geluErf'(x) = Phi(x) + x phi(x); phi = e^(-x^2/2) / sqrt(2 pi) shares its exp with erfc's tail.
     * Clamped to +-16, where Phi and x phi are below 1e-56: inside the 1e-7 |dy| allowance for |f'| < 1e-3.
     */
    private static DoubleVector geluErfDerivative(DoubleVector x) {
        DoubleVector xc = clamp(x, VectorMath.ERFC_TAIL_LIMIT);
        DoubleVector x2 = xc.mul(xc);
        DoubleVector gauss = VectorMath.exp(x2.mul(-0.5));
        DoubleVector a = xc.abs().blend(VectorMath.ERF_SERIES_LIMIT,
                xc.abs().compare(VectorOperators.LT, VectorMath.ERF_SERIES_LIMIT));
        DoubleVector tailE = gauss.mul(VectorMath.erfcScaled(a));
        DoubleVector tailCdf = tailE.mul(0.5).blend(tailE.fma(splat(-0.5), splat(1.0)), xc.compare(VectorOperators.GE, 0.0));
        DoubleVector seriesCdf = xc.mul(VectorMath.erfOverX(x2)).fma(splat(0.5), splat(0.5));
        DoubleVector cdf = tailCdf.blend(seriesCdf, xc.abs().compare(VectorOperators.LE, VectorMath.ERF_SERIES_LIMIT));
        return xc.mul(gauss).fma(splat(INV_SQRT_2PI), cdf);
    }

    private static final double INV_SQRT_2PI = 0.3989422804014327;

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

    // ================================================================ helpers

    private static DoubleVector toDouble(FloatVector v) {
        return (DoubleVector) v.convertShape(VectorOperators.F2D, D, 0);
    }

    private static FloatVector toFloat(DoubleVector v) {
        return (FloatVector) v.convertShape(VectorOperators.D2F, F_HALF, 0);
    }

    private static DoubleVector splat(double c) {
        return DoubleVector.broadcast(D, c);
    }

    /** x clamped to [-limit, limit]; NaN stays NaN. */
    private static DoubleVector clamp(DoubleVector x, double limit) {
        return x.blend(-limit, x.compare(VectorOperators.LT, -limit)).blend(limit, x.compare(VectorOperators.GT, limit));
    }
}
