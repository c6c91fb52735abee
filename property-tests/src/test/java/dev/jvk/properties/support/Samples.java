package dev.jvk.properties.support;

import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Test arrays: n elements from a random offset, with a few elements after them. Elements outside
 * [offset, offset + n) are NaN, a poison that shows up in any result that reads them. The values come
 * from a seeded generator (fast for thousands of elements; jqwik still shrinks n, offset and mix).
 * Only lengths, offsets and mixes bring jqwik's edge cases (0, 1, the range ends): with edge cases of
 * the seed and padding too, their combinations took up most of the tries.
 */
public final class Samples {
    /** Outside the range under test. */
    public static final float FLOAT_POISON = Float.NaN;
    public static final double DOUBLE_POISON = Double.NaN;

    private Samples() {}

    /**
     * Lengths: mostly up to a few vector widths with every remainder (a 512-bit float loop takes 64
     * per step), sometimes up to 300, one time in 19 up to 5000.
     */
    public static Arbitrary<Integer> lengths() {
        return Arbitraries.frequencyOf(
                Tuple.of(10, Arbitraries.integers().between(0, 40)),
                Tuple.of(8, Arbitraries.integers().between(41, 300)),
                Tuple.of(1, Arbitraries.integers().between(301, 5000)));
    }

    public static Arbitrary<FloatCase> floatCases(ValueMix... mixes) {
        return Combinators.combine(lengths(), Arbitraries.integers().between(0, 9), Arbitraries.integers().between(0, 5).withoutEdgeCases(),
                        Arbitraries.of(mixes), Arbitraries.longs().withoutEdgeCases())
                .as((n, offset, padding, mix, seed) -> new FloatCase(floats(new SplittableRandom(seed), offset, n, padding, mix), offset, n, mix, seed));
    }

    public static Arbitrary<DoubleCase> doubleCases(ValueMix... mixes) {
        return Combinators.combine(lengths(), Arbitraries.integers().between(0, 9), Arbitraries.integers().between(0, 5).withoutEdgeCases(),
                        Arbitraries.of(mixes), Arbitraries.longs().withoutEdgeCases())
                .as((n, offset, padding, mix, seed) -> new DoubleCase(doubles(new SplittableRandom(seed), offset, n, padding, mix), offset, n, mix, seed));
    }

    /** A poisoned array of offset + n + padding elements with n values of the mix from offset. */
    public static float[] floats(SplittableRandom random, int offset, int n, int padding, ValueMix mix) {
        float[] a = new float[offset + n + padding];
        java.util.Arrays.fill(a, FLOAT_POISON);
        for (int i = 0; i < n; i++) {
            a[offset + i] = floatValue(random, mix);
        }
        return a;
    }

    public static double[] doubles(SplittableRandom random, int offset, int n, int padding, ValueMix mix) {
        double[] a = new double[offset + n + padding];
        java.util.Arrays.fill(a, DOUBLE_POISON);
        for (int i = 0; i < n; i++) {
            a[offset + i] = doubleValue(random, mix);
        }
        return a;
    }

    public static float floatValue(SplittableRandom r, ValueMix mix) {
        float sign = r.nextBoolean() ? 1f : -1f;
        int p = r.nextInt(100);
        return switch (mix) {
            case ORDINARY -> p < 5 ? sign * 0f : sign * Math.scalb((float) (1 + r.nextDouble()), r.nextInt(-8, 9));
            case WIDE -> p < 3 ? sign * 0f
                    : p < 6 ? sign * Float.MIN_VALUE
                    : p < 8 ? sign * Float.MAX_VALUE
                    : p < 14 ? sign * Float.intBitsToFloat(r.nextInt(1, 0x00800000)) // subnormal
                    : sign * Math.scalb((float) (1 + r.nextDouble()), r.nextInt(-149, 128));
            case SPECIAL -> p < 3 ? Float.NaN
                    : p < 7 ? sign * Float.POSITIVE_INFINITY
                    : p < 10 ? sign * 0f
                    : p < 11 ? sign * Float.MAX_VALUE
                    : sign * Math.scalb((float) (1 + r.nextDouble()), r.nextInt(-8, 9));
            case TIES -> switch (r.nextInt(8)) {
                case 0 -> 0f;
                case 1 -> -0f;
                case 2 -> 1f;
                case 3 -> -1f;
                case 4 -> 2f;
                case 5 -> -2f;
                case 6 -> Float.NEGATIVE_INFINITY;
                default -> sign * (r.nextInt(4) + 0.5f);
            };
            case HUGE -> p < 5 ? sign * Float.MAX_VALUE : sign * Math.scalb((float) (1 + r.nextDouble()), r.nextInt(60, 128));
            case TINY -> p < 5 ? sign * Float.MIN_VALUE
                    : p < 50 ? sign * Float.intBitsToFloat(r.nextInt(1, 0x00800000))
                    : sign * Math.scalb((float) (1 + r.nextDouble()), r.nextInt(-149, -60));
        };
    }

    public static double doubleValue(SplittableRandom r, ValueMix mix) {
        double sign = r.nextBoolean() ? 1 : -1;
        int p = r.nextInt(100);
        return switch (mix) {
            case ORDINARY -> p < 5 ? sign * 0.0 : sign * Math.scalb(1 + r.nextDouble(), r.nextInt(-8, 9));
            case WIDE -> p < 3 ? sign * 0.0
                    : p < 6 ? sign * Double.MIN_VALUE
                    : p < 8 ? sign * Double.MAX_VALUE
                    : p < 14 ? sign * Double.longBitsToDouble(r.nextLong(1, 0x0010000000000000L))
                    : sign * Math.scalb(1 + r.nextDouble(), r.nextInt(-1074, 1024));
            case SPECIAL -> p < 3 ? Double.NaN
                    : p < 7 ? sign * Double.POSITIVE_INFINITY
                    : p < 10 ? sign * 0.0
                    : p < 11 ? sign * Double.MAX_VALUE
                    : sign * Math.scalb(1 + r.nextDouble(), r.nextInt(-8, 9));
            case TIES -> switch (r.nextInt(8)) {
                case 0 -> 0.0;
                case 1 -> -0.0;
                case 2 -> 1.0;
                case 3 -> -1.0;
                case 4 -> 2.0;
                case 5 -> -2.0;
                case 6 -> Double.NEGATIVE_INFINITY;
                default -> sign * (r.nextInt(4) + 0.5);
            };
            case HUGE -> p < 5 ? sign * Double.MAX_VALUE : sign * Math.scalb(1 + r.nextDouble(), r.nextInt(500, 1024));
            case TINY -> p < 5 ? sign * Double.MIN_VALUE
                    : p < 50 ? sign * Double.longBitsToDouble(r.nextLong(1, 0x0010000000000000L))
                    : sign * Math.scalb(1 + r.nextDouble(), r.nextInt(-1074, -500));
        };
    }
}
