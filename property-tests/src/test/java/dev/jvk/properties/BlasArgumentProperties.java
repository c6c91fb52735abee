package dev.jvk.properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvk.kernels.Reductions;
import dev.jvk.kernels.Vectors;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Every bad argument to Reductions and Vectors, float and double, gives the documented exception
 * naming the argument, and leaves every array untouched: a null array (NullPointerException), a
 * negative n, offset, rows or cols, or a short leading dimension (IllegalArgumentException), an array
 * too short for its offset and extent, even where offset + n overflows an int
 * (IndexOutOfBoundsException), an output overlapping an input other than exactly in place
 * (IllegalArgumentException). The operation tables are checked against the public methods by
 * reflection, so a new method cannot go untested.
 */
class BlasArgumentProperties {

    /** Arrays as Object (float[] or double[]), offsets, n. */
    @FunctionalInterface
    interface VectorCall {
        void call(Object[] a, int[] offsets, int n);
    }

    /**
     * A vector-shaped operation: its array and offset parameter names in order, and which array it
     * writes (-1: none). written may be an input at the same offset; no other overlap.
     */
    record VectorOp(String name, List<String> arrays, List<String> offsets, int written, VectorCall floats, VectorCall doubles) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static VectorOp reduction(String name, VectorCall floats, VectorCall doubles) {
        return new VectorOp(name, List.of("x"), List.of("offset"), -1, floats, doubles);
    }

    private static float[] f(Object a) {
        return (float[]) a;
    }

    private static double[] d(Object a) {
        return (double[]) a;
    }

    static final List<VectorOp> VECTOR_OPS = List.of(
            reduction("sum", (a, o, n) -> Reductions.sum(f(a[0]), o[0], n), (a, o, n) -> Reductions.sum(d(a[0]), o[0], n)),
            reduction("max", (a, o, n) -> Reductions.max(f(a[0]), o[0], n), (a, o, n) -> Reductions.max(d(a[0]), o[0], n)),
            reduction("min", (a, o, n) -> Reductions.min(f(a[0]), o[0], n), (a, o, n) -> Reductions.min(d(a[0]), o[0], n)),
            reduction("argmax", (a, o, n) -> Reductions.argmax(f(a[0]), o[0], n), (a, o, n) -> Reductions.argmax(d(a[0]), o[0], n)),
            reduction("asum", (a, o, n) -> Reductions.asum(f(a[0]), o[0], n), (a, o, n) -> Reductions.asum(d(a[0]), o[0], n)),
            reduction("nrm2", (a, o, n) -> Reductions.nrm2(f(a[0]), o[0], n), (a, o, n) -> Reductions.nrm2(d(a[0]), o[0], n)),
            reduction("logSumExp", (a, o, n) -> Reductions.logSumExp(f(a[0]), o[0], n), (a, o, n) -> Reductions.logSumExp(d(a[0]), o[0], n)),
            reduction("mean", (a, o, n) -> Reductions.mean(f(a[0]), o[0], n), (a, o, n) -> Reductions.mean(d(a[0]), o[0], n)),
            reduction("variance", (a, o, n) -> Reductions.variance(f(a[0]), o[0], n), (a, o, n) -> Reductions.variance(d(a[0]), o[0], n)),
            new VectorOp("dot", List.of("x", "y"), List.of("xOffset", "yOffset"), -1,
                    (a, o, n) -> Reductions.dot(f(a[0]), o[0], f(a[1]), o[1], n), (a, o, n) -> Reductions.dot(d(a[0]), o[0], d(a[1]), o[1], n)),
            new VectorOp("axpy", List.of("x", "y"), List.of("xOffset", "yOffset"), 1,
                    (a, o, n) -> Vectors.axpy(2f, f(a[0]), o[0], f(a[1]), o[1], n), (a, o, n) -> Vectors.axpy(2.0, d(a[0]), o[0], d(a[1]), o[1], n)),
            new VectorOp("scal", List.of("x"), List.of("offset"), 0,
                    (a, o, n) -> Vectors.scal(2f, f(a[0]), o[0], n), (a, o, n) -> Vectors.scal(2.0, d(a[0]), o[0], n)),
            new VectorOp("fill", List.of("x"), List.of("offset"), 0,
                    (a, o, n) -> Vectors.fill(7f, f(a[0]), o[0], n), (a, o, n) -> Vectors.fill(7.0, d(a[0]), o[0], n)),
            new VectorOp("copy", List.of("x", "y"), List.of("xOffset", "yOffset"), 1,
                    (a, o, n) -> Vectors.copy(f(a[0]), o[0], f(a[1]), o[1], n), (a, o, n) -> Vectors.copy(d(a[0]), o[0], d(a[1]), o[1], n)),
            new VectorOp("add", List.of("x", "y", "z"), List.of("xOffset", "yOffset", "zOffset"), 2,
                    (a, o, n) -> Vectors.add(f(a[0]), o[0], f(a[1]), o[1], f(a[2]), o[2], n),
                    (a, o, n) -> Vectors.add(d(a[0]), o[0], d(a[1]), o[1], d(a[2]), o[2], n)),
            new VectorOp("sub", List.of("x", "y", "z"), List.of("xOffset", "yOffset", "zOffset"), 2,
                    (a, o, n) -> Vectors.sub(f(a[0]), o[0], f(a[1]), o[1], f(a[2]), o[2], n),
                    (a, o, n) -> Vectors.sub(d(a[0]), o[0], d(a[1]), o[1], d(a[2]), o[2], n)),
            new VectorOp("mul", List.of("x", "y", "z"), List.of("xOffset", "yOffset", "zOffset"), 2,
                    (a, o, n) -> Vectors.mul(f(a[0]), o[0], f(a[1]), o[1], f(a[2]), o[2], n),
                    (a, o, n) -> Vectors.mul(d(a[0]), o[0], d(a[1]), o[1], d(a[2]), o[2], n)));

    /** Block operations: addBias (bias, x written) and columnSums (x, out written), as a call on (vector, vector offset, x, x offset, rows, cols, ld). */
    @FunctionalInterface
    interface BlockCall {
        void call(Object vector, int vectorOffset, Object x, int xOffset, int rows, int cols, int ld);
    }

    record BlockOp(String name, String vectorName, String vectorOffsetName, BlockCall floats, BlockCall doubles) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final List<BlockOp> BLOCK_OPS = List.of(
            new BlockOp("addBias", "bias", "biasOffset",
                    (v, vo, x, xo, r, c, ld) -> Vectors.addBias(f(v), vo, f(x), xo, r, c, ld),
                    (v, vo, x, xo, r, c, ld) -> Vectors.addBias(d(v), vo, d(x), xo, r, c, ld)),
            new BlockOp("columnSums", "out", "outOffset",
                    (v, vo, x, xo, r, c, ld) -> Vectors.columnSums(f(x), xo, r, c, ld, f(v), vo),
                    (v, vo, x, xo, r, c, ld) -> Vectors.columnSums(d(x), xo, r, c, ld, d(v), vo)));

    enum Fault { NULL_ARRAY, NEGATIVE_N, NEGATIVE_OFFSET, TOO_SHORT, OFFSET_PLUS_N_OVERFLOWS, PARTIAL_OVERLAP }

    enum BlockFault { NULL_VECTOR, NULL_X, NEGATIVE_ROWS, NEGATIVE_COLS, SHORT_LD, NEGATIVE_X_OFFSET, NEGATIVE_VECTOR_OFFSET,
        X_TOO_SHORT, VECTOR_TOO_SHORT, EXTENT_OVERFLOWS_INT, VECTOR_OVERLAPS_X }

    @Provide
    Arbitrary<VectorOp> vectorOps() {
        return Arbitraries.of(VECTOR_OPS);
    }

    @Provide
    Arbitrary<BlockOp> blockOps() {
        return Arbitraries.of(BLOCK_OPS);
    }

    @Property
    void badVectorArgumentsAreRejectedBeforeAnythingIsWritten(@ForAll("vectorOps") VectorOp op, @ForAll Fault fault,
                                                              @ForAll boolean doubles, @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int arrays = op.arrays().size();
        int n = 2 + random.nextInt(40);
        Object[] a = new Object[arrays];
        int[] offsets = new int[arrays];
        for (int k = 0; k < arrays; k++) {
            offsets[k] = random.nextInt(5);
            a[k] = randomArray(random, offsets[k] + n + random.nextInt(3), doubles);
        }
        int k = random.nextInt(arrays);
        Class<? extends Throwable> expected;
        String named;
        switch (fault) {
            case NULL_ARRAY -> {
                a[k] = null;
                expected = NullPointerException.class;
                named = op.arrays().get(k);
            }
            case NEGATIVE_N -> {
                n = -1 - random.nextInt(1000);
                expected = IllegalArgumentException.class;
                named = "n must be";
            }
            case NEGATIVE_OFFSET -> {
                offsets[k] = -1 - random.nextInt(1000);
                expected = IllegalArgumentException.class;
                named = op.offsets().get(k);
            }
            case TOO_SHORT -> {
                offsets[k] = length(a[k]) - n + 1 + random.nextInt(3);
                expected = IndexOutOfBoundsException.class;
                named = op.arrays().get(k);
            }
            case OFFSET_PLUS_N_OVERFLOWS -> {
                offsets[k] = Integer.MAX_VALUE - random.nextInt(n - 1);
                expected = IndexOutOfBoundsException.class;
                named = op.arrays().get(k);
            }
            case PARTIAL_OVERLAP -> {
                if (op.written() < 0 || arrays == 1) {
                    return; // nothing written, or nothing else to overlap with: inputs may overlap freely
                }
                int in = random.nextInt(arrays - 1);
                if (in >= op.written()) {
                    in++;
                }
                // The output shares the input's array, shifted by 1 .. n-1 either way.
                int shift = 1 + random.nextInt(n - 1);
                Object shared = randomArray(random, n + 2 * n, doubles);
                a[in] = shared;
                offsets[in] = n;
                a[op.written()] = shared;
                offsets[op.written()] = random.nextBoolean() ? n + shift : n - shift;
                expected = IllegalArgumentException.class;
                named = op.arrays().get(op.written());
            }
            default -> throw new AssertionError(fault);
        }
        Object[] before = copies(a);
        int finalN = n;
        VectorCall call = doubles ? op.doubles() : op.floats();
        assertThatThrownBy(() -> call.call(a, offsets, finalN))
                .as(op + " with " + fault)
                .isInstanceOf(expected)
                .hasMessageContaining(named);
        assertUntouched(before, a, op + " with " + fault);
    }

    @Property
    void badBlockArgumentsAreRejectedBeforeAnythingIsWritten(@ForAll("blockOps") BlockOp op, @ForAll BlockFault fault,
                                                             @ForAll boolean doubles, @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int rows = 1 + random.nextInt(6);
        int cols = 1 + random.nextInt(30);
        int ld = cols + random.nextInt(4);
        int xOffset = random.nextInt(5);
        int vectorOffset = random.nextInt(5);
        Object x = randomArray(random, xOffset + rows * ld + cols, doubles); // room after the block for an overlapping vector
        Object vector = randomArray(random, vectorOffset + cols + random.nextInt(3), doubles);
        Class<? extends Throwable> expected;
        String named;
        switch (fault) {
            case NULL_VECTOR -> {
                vector = null;
                expected = NullPointerException.class;
                named = op.vectorName();
            }
            case NULL_X -> {
                x = null;
                expected = NullPointerException.class;
                named = "x";
            }
            case NEGATIVE_ROWS -> {
                rows = -1 - random.nextInt(100);
                expected = IllegalArgumentException.class;
                named = "rows";
            }
            case NEGATIVE_COLS -> {
                cols = -1 - random.nextInt(100);
                expected = IllegalArgumentException.class;
                named = "cols";
            }
            case SHORT_LD -> {
                ld = random.nextInt(cols);
                expected = IllegalArgumentException.class;
                named = "ld";
            }
            case NEGATIVE_X_OFFSET -> {
                xOffset = -1 - random.nextInt(100);
                expected = IllegalArgumentException.class;
                named = "xOffset";
            }
            case NEGATIVE_VECTOR_OFFSET -> {
                vectorOffset = -1 - random.nextInt(100);
                expected = IllegalArgumentException.class;
                named = op.vectorOffsetName();
            }
            case X_TOO_SHORT -> {
                xOffset = length(x) - ((rows - 1) * ld + cols) + 1 + random.nextInt(3);
                expected = IndexOutOfBoundsException.class;
                named = "x";
            }
            case VECTOR_TOO_SHORT -> {
                vectorOffset = length(vector) - cols + 1 + random.nextInt(3);
                expected = IndexOutOfBoundsException.class;
                named = op.vectorName();
            }
            case EXTENT_OVERFLOWS_INT -> {
                rows = 3;
                ld = (1 << 30) + random.nextInt(1000); // (rows - 1) * ld + cols > Integer.MAX_VALUE
                expected = IndexOutOfBoundsException.class;
                named = "x";
            }
            case VECTOR_OVERLAPS_X -> {
                vector = x;
                vectorOffset = xOffset + random.nextInt((rows - 1) * ld + cols);
                x = vector;
                expected = IllegalArgumentException.class;
                named = op.vectorName();
            }
            default -> throw new AssertionError(fault);
        }
        Object[] arrays = {vector, x};
        Object[] before = copies(arrays);
        Object v = vector;
        Object xx = x;
        int vo = vectorOffset;
        int xo = xOffset;
        int r = rows;
        int c = cols;
        int l = ld;
        BlockCall call = doubles ? op.doubles() : op.floats();
        assertThatThrownBy(() -> call.call(v, vo, xx, xo, r, c, l))
                .as(op + " with " + fault)
                .isInstanceOf(expected)
                .hasMessageContaining(named);
        assertUntouched(before, arrays, op + " with " + fault);
    }

    /** The same calls with the arguments left good run, and in place is allowed where documented. */
    @Property(tries = 200)
    void goodArgumentsAndInPlaceAreAccepted(@ForAll("vectorOps") VectorOp op, @ForAll boolean doubles, @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int arrays = op.arrays().size();
        int n = random.nextInt(40);
        Object[] a = new Object[arrays];
        int[] offsets = new int[arrays];
        for (int k = 0; k < arrays; k++) {
            offsets[k] = random.nextInt(5);
            a[k] = randomArray(random, offsets[k] + n, doubles);
        }
        if (op.written() >= 0 && arrays > 1) {
            int in = random.nextInt(arrays);
            a[op.written()] = a[in];
            offsets[op.written()] = offsets[in];
        }
        (doubles ? op.doubles() : op.floats()).call(a, offsets, n);
    }

    @Example
    void everyPublicMethodHasArgumentChecksHere() {
        Set<String> covered = new TreeSet<>();
        VECTOR_OPS.forEach(op -> covered.add(op.name()));
        BLOCK_OPS.forEach(op -> covered.add(op.name()));
        Set<String> methods = Arrays.stream(new Class<?>[] {Reductions.class, Vectors.class})
                .flatMap(c -> Arrays.stream(c.getDeclaredMethods()))
                .filter(m -> Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers()))
                .map(Method::getName)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(covered).isEqualTo(methods);
        assertThat(methods).hasSize(VECTOR_OPS.size() + BLOCK_OPS.size());
    }

    // ================================================================ helpers

    private static Object randomArray(SplittableRandom random, int length, boolean doubles) {
        if (doubles) {
            double[] a = new double[length];
            for (int i = 0; i < length; i++) {
                a[i] = random.nextGaussian();
            }
            return a;
        }
        float[] a = new float[length];
        for (int i = 0; i < length; i++) {
            a[i] = (float) random.nextGaussian();
        }
        return a;
    }

    private static int length(Object a) {
        return a instanceof float[] f ? f.length : ((double[]) a).length;
    }

    private static Object[] copies(Object[] a) {
        Object[] c = new Object[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i] instanceof float[] f ? f.clone() : a[i] instanceof double[] d ? d.clone() : null;
        }
        return c;
    }

    private static void assertUntouched(Object[] before, Object[] after, String what) {
        for (int i = 0; i < after.length; i++) {
            if (after[i] instanceof float[] f) {
                assertThat(f).as(what + ": array " + i + " untouched").isEqualTo((float[]) before[i]);
            } else if (after[i] instanceof double[] d) {
                assertThat(d).as(what + ": array " + i + " untouched").isEqualTo((double[]) before[i]);
            }
        }
    }
}
