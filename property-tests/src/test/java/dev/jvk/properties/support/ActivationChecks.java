package dev.jvk.properties.support;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;

/**
 * The checks behind the activation properties, written over kernels passed in as functions, so that
 * a test can feed a deliberately wrong kernel through exactly the same checks and see them fail.
 * Every check throws {@link AssertionError} with the function, the index, the input and both values.
 */
public final class ActivationChecks {
    private ActivationChecks() {}

    /** A forward kernel: y[yOffset + i] = f(x[xOffset + i]) for i < n. */
    @FunctionalInterface
    public interface Unary {
        void apply(float[] x, int xOffset, float[] y, int yOffset, int n);
    }

    /** A backward kernel: dx = dy * f'(in), in being the forward input x or output y. */
    @FunctionalInterface
    public interface Backward {
        void apply(float[] in, int inOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n);
    }

    /**
     * The error allowed against the exact value: at most {@code ulps} float ulps, or, where the exact
     * value's magnitude is below {@code smallBelow}, at most {@code absolute} away.
     */
    public record Bound(double ulps, double smallBelow, double absolute) {
        public static Bound ulps(double ulps) {
            return new Bound(ulps, 0, 0);
        }

        /** GELU's contract: 4 ulp, or 1e-7 absolute where the result is below 1e-3 in magnitude. */
        public static Bound gelu() {
            return new Bound(4, 1e-3, 1e-7);
        }

        public boolean allows(float actual, double exact) {
            if (floatUlps(actual, exact) <= ulps) {
                return true;
            }
            return Math.abs(exact) < smallBelow && Math.abs(actual - exact) <= absolute;
        }
    }

    /**
     * Backward bound. For the transcendental derivatives ({@code termsFactor > 0}):
     * {@code |dx - dy f'(x)| <= termsFactor * u * |dy| * T(x) + |dy| 2^-120 + 2^-149}, T(x) the sum of the
     * magnitudes of f''s terms (relative accuracy away from f''s zeros, absolute near them; the last two
     * terms cover gradients below the normal float range). Otherwise (products of exact operations):
     * at most {@code ulps} ulps of dy f'(x), or within {@code |dy| * dyFloor}.
     */
    public record BackwardBound(double termsFactor, double ulps, double dyFloor) {
        public static BackwardBound terms(double factor) {
            return new BackwardBound(factor, 0, 0);
        }

        public static BackwardBound ulps(double ulps, double dyFloor) {
            return new BackwardBound(0, ulps, dyFloor);
        }

        public boolean allows(float actual, double dy, double derivative, double terms) {
            double exact = dy * derivative;
            if (Double.isNaN(exact)) {
                return Float.isNaN(actual);
            }
            double error = Math.abs(actual - exact);
            if (termsFactor > 0) {
                if (Float.isInfinite(actual) || Double.isInfinite(exact)) {
                    return actual == (float) exact; // an overflow must be the one the exact value rounds to
                }
                return error <= termsFactor * Bounds.U_FLOAT * Math.abs(dy) * terms + Math.abs(dy) * 0x1p-120 + 0x1p-149;
            }
            return floatUlps(actual, exact) <= ulps || error <= Math.abs(dy) * dyFloor;
        }
    }

    /**
     * Float ulps between a result and the exact value, as {@link Bounds#floatUlps}, except that an exact
     * value beyond the float range counts as the infinity it rounds to (exp(88.75) is +Inf, exactly right).
     */
    public static double floatUlps(float actual, double exact) {
        if (!Double.isNaN(exact) && Float.isInfinite((float) exact)) {
            return actual == (float) exact ? 0 : Double.POSITIVE_INFINITY;
        }
        return Bounds.floatUlps(actual, exact);
    }

    // ------------------------------------------------------------------ inputs

    /** The special values every elementwise property mixes in. */
    public static final float[] SPECIALS = {
        Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f,
        Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL, 0x1.fffffcp-127f, -0x1p-140f,
        Float.MAX_VALUE, -Float.MAX_VALUE, 1f, -1f, 0.5f, -0.5f
    };

    /**
     * n values drawn from the seed: a third uniform in [lo, hi] (the function's interesting range), a
     * sixth of small magnitude (2^-40 .. 2^3, either sign), a sixth any float bit pattern, a sixth the
     * specials, a sixth integers and halves near the range's ends.
     */
    public static float[] values(long seed, int n, double lo, double hi) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            int kind = random.nextInt(6);
            v[i] = switch (kind) {
                case 0, 1 -> (float) (lo + (hi - lo) * random.nextDouble());
                case 2 -> (random.nextBoolean() ? 1 : -1) * (float) Math.scalb(1 + random.nextDouble(), random.nextInt(-40, 4));
                case 3 -> Float.intBitsToFloat(random.nextInt());
                case 4 -> SPECIALS[random.nextInt(SPECIALS.length)];
                default -> (float) (random.nextBoolean() ? Math.rint(lo * 2 * random.nextDouble()) / 2 : Math.rint(hi * 2 * random.nextDouble()) / 2);
            };
        }
        return v;
    }

    /** Gradients dy: finite (the contract's bounds are for finite dy), mostly moderate, some extreme, some NaN. */
    public static float[] gradients(long seed, int n) {
        SplittableRandom random = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            int kind = random.nextInt(10);
            v[i] = switch (kind) {
                case 0 -> Float.NaN;
                case 1 -> new float[] {0f, -0f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, 1e-30f, -1e30f}[random.nextInt(7)];
                default -> (float) (random.nextDouble(-10, 10));
            };
        }
        return v;
    }

    /** An array of the given length holding random bits: what a kernel must not touch stays recognisable. */
    public static float[] garbage(long seed, int length) {
        SplittableRandom random = new SplittableRandom(seed + 17);
        float[] g = new float[length];
        for (int i = 0; i < length; i++) {
            g[i] = Float.intBitsToFloat(random.nextInt());
        }
        return g;
    }

    // ------------------------------------------------------------------ forward checks

    /**
     * Runs the kernel on x[xOffset .. xOffset + n) into a fresh output (or in place) and asserts, for
     * every element, that the bound holds against the oracle; that nothing outside the output range
     * was written; and that the input was not modified (when not in place).
     */
    public static void againstOracle(String name, Unary kernel, DoubleUnaryOperator oracle, Bound bound,
                                     float[] x, int xOffset, int yOffset, int n, boolean inPlace, long seed) {
        float[] input = x.clone();
        float[] y;
        int yo;
        float[] xArg;
        if (inPlace) {
            y = x.clone();
            xArg = y;
            yo = xOffset;
        } else {
            y = garbage(seed, yOffset + n + 7);
            xArg = x;
            yo = yOffset;
        }
        float[] before = y.clone();
        kernel.apply(xArg, xOffset, y, yo, n);
        for (int i = 0; i < n; i++) {
            float xi = input[xOffset + i];
            double exact = oracle.applyAsDouble(xi);
            float actual = y[yo + i];
            if (!bound.allows(actual, exact)) {
                throw new AssertionError(name + ": element " + i + " of " + n + ": f(" + xi + " = 0x"
                        + Integer.toHexString(Float.floatToRawIntBits(xi)) + ") = " + actual + ", exact " + exact
                        + " (" + floatUlps(actual, exact) + " ulp; bound " + bound + ")" + (inPlace ? " in place" : ""));
            }
        }
        untouchedOutside(name, y, before, yo, n);
        if (!inPlace) {
            sameBits(name + ": input modified", input, x);
        }
    }

    /** The kernel's outputs equal the expected kernel's bitwise (NaN for NaN), out of place and in place. */
    public static void bitwiseAsExpected(String name, Unary kernel, Unary expected, float[] x, int xOffset, int yOffset, int n, long seed) {
        float[] want = garbage(seed, yOffset + n + 7);
        float[] got = want.clone();
        expected.apply(x.clone(), xOffset, want, yOffset, n);
        kernel.apply(x.clone(), xOffset, got, yOffset, n);
        for (int i = 0; i < got.length; i++) {
            if (Float.floatToIntBits(got[i]) != Float.floatToIntBits(want[i])) {
                String where = i >= yOffset && i < yOffset + n ? "element " + (i - yOffset) + " of " + n + ", x = " + x[xOffset + i - yOffset] : "outside the output range, index " + i;
                throw new AssertionError(name + ": " + where + ": got " + got[i] + ", expected " + want[i]);
            }
        }
        float[] inPlace = x.clone();
        kernel.apply(inPlace, xOffset, inPlace, xOffset, n);
        for (int i = 0; i < n; i++) {
            if (Float.floatToIntBits(inPlace[xOffset + i]) != Float.floatToIntBits(want[yOffset + i])) {
                throw new AssertionError(name + " in place: element " + i + " of " + n + ": got " + inPlace[xOffset + i] + ", expected " + want[yOffset + i]);
            }
        }
    }

    // ------------------------------------------------------------------ backward checks

    /** Where dx goes in a backward check: a separate array, over dy (dx == dy), or over the forward input. */
    public enum Aliasing { SEPARATE, OVER_DY, OVER_INPUT }

    /**
     * Runs the backward kernel and asserts for every element that dx is within the bound of
     * dy * f'(in) (f' and its terms' magnitudes T from the oracle; NaN dy must give NaN), nothing outside dx's range was written,
     * and the inputs were not modified (except the one dx overwrites).
     */
    public static void backwardAgainstOracle(String name, Backward kernel, DoubleUnaryOperator derivative, DoubleUnaryOperator terms, BackwardBound bound,
                                             float[] in, int inOffset, float[] dy, int dyOffset, int dxOffset, int n,
                                             Aliasing aliasing, long seed) {
        float[] inCopy = in.clone();
        float[] dyCopy = dy.clone();
        float[] dx;
        int dxo;
        float[] inArg = in.clone();
        float[] dyArg = dy.clone();
        switch (aliasing) {
            case OVER_DY -> {
                dx = dyArg;
                dxo = dyOffset;
            }
            case OVER_INPUT -> {
                dx = inArg;
                dxo = inOffset;
            }
            default -> {
                dx = garbage(seed, dxOffset + n + 7);
                dxo = dxOffset;
            }
        }
        float[] before = dx.clone();
        kernel.apply(inArg, inOffset, dyArg, dyOffset, dx, dxo, n);
        for (int i = 0; i < n; i++) {
            float v = inCopy[inOffset + i];
            float g = dyCopy[dyOffset + i];
            double d = derivative.applyAsDouble(v);
            float actual = dx[dxo + i];
            double t = terms == null ? Math.abs(d) : terms.applyAsDouble(v);
            boolean ok = Float.isNaN(g) ? Float.isNaN(actual) : bound.allows(actual, g, d, t);
            if (!ok) {
                throw new AssertionError(name + ": element " + i + " of " + n + ": in = " + v + ", dy = " + g + ": dx = " + actual
                        + ", exact " + ((double) g * d) + " (f' = " + d + ", " + floatUlps(actual, (double) g * d) + " ulp; bound "
                        + bound + ", " + aliasing + ")");
            }
        }
        untouchedOutside(name, dx, before, dxo, n);
        if (aliasing != Aliasing.OVER_INPUT) {
            sameBits(name + ": forward input modified", inCopy, inArg);
        }
        if (aliasing != Aliasing.OVER_DY) {
            sameBits(name + ": dy modified", dyCopy, dyArg);
        }
    }

    /** Backward outputs equal the expected kernel's bitwise, separate and over dy. */
    public static void backwardBitwiseAsExpected(String name, Backward kernel, Backward expected, float[] in, int inOffset,
                                                 float[] dy, int dyOffset, int dxOffset, int n, long seed) {
        float[] want = garbage(seed, dxOffset + n + 7);
        float[] got = want.clone();
        expected.apply(in.clone(), inOffset, dy.clone(), dyOffset, want, dxOffset, n);
        kernel.apply(in.clone(), inOffset, dy.clone(), dyOffset, got, dxOffset, n);
        for (int i = 0; i < got.length; i++) {
            if (Float.floatToIntBits(got[i]) != Float.floatToIntBits(want[i])) {
                String where = i >= dxOffset && i < dxOffset + n
                        ? "element " + (i - dxOffset) + " of " + n + ", in = " + in[inOffset + i - dxOffset] + ", dy = " + dy[dyOffset + i - dxOffset]
                        : "outside the output range, index " + i;
                throw new AssertionError(name + ": " + where + ": got " + got[i] + ", expected " + want[i]);
            }
        }
        float[] over = dy.clone();
        kernel.apply(in.clone(), inOffset, over, dyOffset, over, dyOffset, n);
        for (int i = 0; i < n; i++) {
            if (Float.floatToIntBits(over[dyOffset + i]) != Float.floatToIntBits(want[dxOffset + i])) {
                throw new AssertionError(name + " with dx over dy: element " + i + " of " + n + ": got " + over[dyOffset + i] + ", expected " + want[dxOffset + i]);
            }
        }
    }

    // ------------------------------------------------------------------ sweeps

    /** A dense sweep: every value of xs through the kernel in one call, each within the bound of the oracle. */
    public static void sweep(String name, Unary kernel, DoubleUnaryOperator oracle, Bound bound, float[] xs) {
        againstOracle(name + " sweep", kernel, oracle, bound, xs, 0, 0, xs.length, false, xs.length);
    }

    /** Every step-th float from lo to hi (inclusive), in order: step 1 is every float in between. */
    public static float[] floatsBetween(float lo, float hi, int step) {
        long from = orderKey(lo), to = orderKey(hi);
        if (from > to) {
            throw new IllegalArgumentException(lo + " > " + hi);
        }
        float[] xs = new float[(int) ((to - from) / step + 1)];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = fromOrderKey(from + (long) i * step);
        }
        return xs;
    }

    /** count values evenly spaced from lo to hi (inclusive), rounded to float. */
    public static float[] grid(double lo, double hi, int count) {
        float[] xs = new float[count];
        for (int i = 0; i < count; i++) {
            xs[i] = (float) (lo + (hi - lo) * i / (count - 1));
        }
        return xs;
    }

    /** Floats in order as integers: ..., -MIN_VALUE = -1, 0, MIN_VALUE = 1, ... (both zeros are 0). */
    private static long orderKey(float v) {
        int bits = Float.floatToRawIntBits(v);
        return bits >= 0 ? bits : -(long) (bits & 0x7fffffff);
    }

    private static float fromOrderKey(long key) {
        return key >= 0 ? Float.intBitsToFloat((int) key) : Float.intBitsToFloat(0x80000000 | (int) -key);
    }

    // ------------------------------------------------------------------ helpers

    private static void untouchedOutside(String name, float[] out, float[] before, int from, int n) {
        for (int i = 0; i < out.length; i++) {
            if ((i < from || i >= from + n) && Float.floatToRawIntBits(out[i]) != Float.floatToRawIntBits(before[i])) {
                throw new AssertionError(name + ": wrote outside its output range: index " + i + " (range [" + from + ", " + (from + n) + "))");
            }
        }
    }

    private static void sameBits(String what, float[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError(what + " at index " + i + ": " + expected[i] + " became " + actual[i]);
            }
        }
    }

    /** For messages. */
    public static String show(float[] a) {
        return Arrays.toString(a);
    }
}
