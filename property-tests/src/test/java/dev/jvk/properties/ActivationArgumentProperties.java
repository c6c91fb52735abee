package dev.jvk.properties;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvk.kernels.Activations;
import dev.jvk.kernels.Softmax;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Every public method of {@link Activations} and {@link Softmax}, found by reflection (so a new one
 * cannot go untested), called with one bad argument at a time: a null array, a negative size or
 * offset, a short leading dimension, an array one element too short, a partial overlap of output and
 * input, a label out of range. Each gives the documented exception, whose message names the
 * parameter, and leaves every array untouched.
 */
class ActivationArgumentProperties {

    /** How a public method takes its arguments, told from its parameter types. */
    enum Shape { UNARY, BACKWARD, BIAS, ROW_WISE, CROSS_ENTROPY }

    /** A public kernel: the method, its shape, whether a float alpha comes first, its parameter names. */
    record Op(Method method, Shape shape, boolean alpha, List<String> names) {
        @Override
        public String toString() {
            return method.getDeclaringClass().getSimpleName() + "." + method.getName();
        }
    }

    static final List<Op> OPS = publicKernels();

    private static List<Op> publicKernels() {
        List<Op> ops = new ArrayList<>();
        for (Class<?> c : new Class<?>[] {Activations.class, Softmax.class}) {
            for (Method m : c.getDeclaredMethods()) {
                if (!Modifier.isPublic(m.getModifiers()) || !Modifier.isStatic(m.getModifiers())) {
                    continue;
                }
                ops.add(describe(m));
            }
        }
        ops.sort((a, b) -> a.toString().compareTo(b.toString()));
        return ops;
    }

    private static Op describe(Method m) {
        Class<?>[] p = m.getParameterTypes();
        boolean alpha = p[0] == float.class;
        List<Class<?>> rest = Arrays.asList(p).subList(alpha ? 1 : 0, p.length);
        String in = m.getName().equals("sigmoidBackward") || m.getName().equals("tanhBackward") ? "y" : "x";
        List<Class<?>> unary = List.of(float[].class, int.class, float[].class, int.class, int.class);
        List<Class<?>> backward = List.of(float[].class, int.class, float[].class, int.class, float[].class, int.class, int.class);
        List<Class<?>> bias = List.of(float[].class, int.class, float[].class, int.class, int.class, int.class, int.class);
        List<Class<?>> rowWise = List.of(float[].class, int.class, int.class, int.class, int.class, float[].class, int.class, int.class);
        if (rest.equals(unary)) {
            return new Op(m, Shape.UNARY, alpha, List.of("x", "xOffset", "y", "yOffset", "n"));
        } else if (rest.equals(backward)) {
            return new Op(m, Shape.BACKWARD, alpha, List.of(in, in + "Offset", "dy", "dyOffset", "dx", "dxOffset", "n"));
        } else if (rest.equals(bias)) {
            return new Op(m, Shape.BIAS, alpha, List.of("bias", "biasOffset", "x", "xOffset", "rows", "cols", "ld"));
        } else if (rest.equals(rowWise)) {
            return new Op(m, Shape.ROW_WISE, alpha, List.of("x", "xOffset", "rows", "cols", "ldx", "y", "yOffset", "ldy"));
        } else if (m.getName().equals("crossEntropy")) {
            return new Op(m, Shape.CROSS_ENTROPY, alpha, List.of("logits", "offset", "rows", "cols", "ld", "labels", "labelsOffset", "dLogits", "dOffset", "ldd"));
        }
        throw new AssertionError("no argument check test knows the shape of " + m);
    }

    @Example
    void everyPublicMethodIsCovered() {
        // 10 forward + 8 backward + 2 fused bias in Activations; softmax, logSoftmax, crossEntropy in Softmax.
        assertThat(OPS).hasSize(23);
        assertThat(OPS.stream().filter(o -> o.shape() == Shape.UNARY).count()).isEqualTo(10);
        assertThat(OPS.stream().filter(o -> o.shape() == Shape.BACKWARD).count()).isEqualTo(8);
    }

    /** A valid call: the arguments, and which of them are arrays (for the untouched check). */
    record Call(Op op, Object[] args) {
        Call with(int index, Object value) {
            Object[] copy = args.clone();
            copy[index] = value;
            return new Call(op, copy);
        }

        int at(String name) {
            return (op.alpha() ? 1 : 0) + op.names().indexOf(name);
        }

        Object get(String name) {
            return args[at(name)];
        }
    }

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs();
    }

    @Provide
    Arbitrary<Op> ops() {
        return Arbitraries.of(OPS);
    }

    /** A valid call of op with random sizes (n, rows, cols >= 2, so that overlaps and short arrays exist) and offsets. */
    private static Call validCall(Op op, SplittableRandom random) {
        int n = random.nextInt(2, 40);
        int rows = random.nextInt(1, 5);
        int cols = random.nextInt(2, 20);
        int ld = cols + random.nextInt(3);
        int o1 = random.nextInt(5), o2 = random.nextInt(5), o3 = random.nextInt(5);
        List<Object> a = new ArrayList<>();
        if (op.alpha()) {
            a.add(0.1f);
        }
        switch (op.shape()) {
            case UNARY -> a.addAll(List.of(fill(random, o1 + n), o1, fill(random, o2 + n), o2, n));
            case BACKWARD -> a.addAll(List.of(fill(random, o1 + n), o1, fill(random, o2 + n), o2, fill(random, o3 + n), o3, n));
            case BIAS -> a.addAll(List.of(fill(random, o1 + cols), o1, fill(random, o2 + (rows - 1) * ld + cols), o2, rows, cols, ld));
            case ROW_WISE -> {
                int ldy = cols + random.nextInt(3);
                a.addAll(List.of(fill(random, o1 + (rows - 1) * ld + cols), o1, rows, cols, ld, fill(random, o2 + (rows - 1) * ldy + cols), o2, ldy));
            }
            case CROSS_ENTROPY -> {
                int ldd = cols + random.nextInt(3);
                int[] labels = new int[o3 + rows];
                for (int i = 0; i < labels.length; i++) {
                    labels[i] = random.nextInt(cols);
                }
                a.addAll(List.of(fill(random, o1 + (rows - 1) * ld + cols), o1, rows, cols, ld, labels, o3,
                        fill(random, o2 + (rows - 1) * ldd + cols), o2, ldd));
            }
        }
        return new Call(op, a.toArray());
    }

    private static float[] fill(SplittableRandom random, int length) {
        float[] a = new float[length];
        for (int i = 0; i < length; i++) {
            a[i] = (float) random.nextDouble(-3, 3);
        }
        return a;
    }

    /** Every single-argument corruption of a valid call, with the exception and the name it must give. */
    record Bad(String what, Call call, Class<? extends RuntimeException> expected, String named) {}

    private static List<Bad> corruptions(Call valid, SplittableRandom random) {
        Op op = valid.op();
        List<Bad> bad = new ArrayList<>();
        for (String name : op.names()) {
            int i = valid.at(name);
            Object v = valid.args()[i];
            if (v instanceof float[] || v instanceof int[]) {
                bad.add(new Bad(name + " = null", valid.with(i, null), NullPointerException.class, name));
                bad.add(new Bad(name + " one element too short", valid.with(i, shorter(v)), IndexOutOfBoundsException.class, name));
            } else if (v instanceof Integer value) {
                bad.add(new Bad(name + " = -1", valid.with(i, -1), IllegalArgumentException.class, name));
                if (name.startsWith("ld")) {
                    int cols = (Integer) valid.get("cols");
                    bad.add(new Bad(name + " = cols - 1", valid.with(i, cols - 1), IllegalArgumentException.class, name));
                }
            }
        }
        switch (op.shape()) {
            case UNARY -> bad.add(overlap(valid, "x", "xOffset", "y", "yOffset", "y"));
            case BACKWARD -> {
                bad.add(overlap(valid, op.names().get(0), op.names().get(1), "dx", "dxOffset", "dx"));
                bad.add(overlap(valid, "dy", "dyOffset", "dx", "dxOffset", "dx"));
            }
            case BIAS -> {
                // bias inside x's block, in the same array
                float[] x = (float[]) valid.get("x");
                Call c = valid.with(valid.at("bias"), x).with(valid.at("biasOffset"), valid.get("xOffset"));
                bad.add(new Bad("bias inside x", c, IllegalArgumentException.class, "bias"));
            }
            case ROW_WISE -> bad.add(overlapBlock(valid, "x", "xOffset", "ldx", "y", "yOffset", "ldy", "y"));
            case CROSS_ENTROPY -> {
                bad.add(overlapBlock(valid, "logits", "offset", "ld", "dLogits", "dOffset", "ldd", "dLogits"));
                int rows = (Integer) valid.get("rows");
                int row = random.nextInt(rows);
                int[] labels = ((int[]) valid.get("labels")).clone();
                labels[(Integer) valid.get("labelsOffset") + row] = random.nextBoolean() ? -1 : (Integer) valid.get("cols");
                bad.add(new Bad("label out of range at row " + row, valid.with(valid.at("labels"), labels), IllegalArgumentException.class, "row " + row));
            }
        }
        return bad;
    }

    private static Object shorter(Object array) {
        return array instanceof float[] f ? Arrays.copyOf(f, f.length - 1) : Arrays.copyOf((int[]) array, ((int[]) array).length - 1);
    }

    /** The output array made the input array, one element further on: a partial overlap. */
    private static Bad overlap(Call valid, String in, String inOffset, String out, String outOffset, String named) {
        float[] a = ((float[]) valid.get(in)).clone();
        float[] longer = Arrays.copyOf(a, a.length + 1);
        Call c = valid.with(valid.at(in), longer).with(valid.at(out), longer).with(valid.at(outOffset), (Integer) valid.get(inOffset) + 1);
        return new Bad(out + " overlapping " + in + " by all but one element", c, IllegalArgumentException.class, named);
    }

    /** The output block in the input's array, one element further on (same leading dimension): a partial overlap. */
    private static Bad overlapBlock(Call valid, String in, String inOffset, String inLd, String out, String outOffset, String outLd, String named) {
        float[] a = ((float[]) valid.get(in)).clone();
        float[] longer = Arrays.copyOf(a, a.length + 1);
        Call c = valid.with(valid.at(in), longer).with(valid.at(out), longer)
                .with(valid.at(outOffset), (Integer) valid.get(inOffset) + 1).with(valid.at(outLd), valid.get(inLd));
        return new Bad(out + " overlapping " + in + " one element on", c, IllegalArgumentException.class, named);
    }

    @Property
    void everyBadArgumentIsRejectedBeforeAnythingIsWritten(@ForAll("ops") Op op, @ForAll("seeds") long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        Call valid = validCall(op, random);
        invoke(valid); // the valid call itself must pass
        for (Bad bad : corruptions(valid, random)) {
            Object[] before = deepCopy(bad.call().args());
            Throwable thrown = null;
            try {
                invoke(bad.call());
            } catch (RuntimeException e) {
                thrown = e;
            }
            assertThat(thrown).as(op + " with " + bad.what()).isInstanceOf(bad.expected());
            assertThat(thrown.getMessage()).as(op + " with " + bad.what() + ": the message names it").contains(bad.named());
            Object[] after = bad.call().args();
            for (int i = 0; i < after.length; i++) {
                if (after[i] instanceof float[] f) {
                    assertThat(Arrays.equals(f, (float[]) before[i])).as(op + " with " + bad.what() + ": argument " + i + " untouched").isTrue();
                } else if (after[i] instanceof int[] l) {
                    assertThat(l).as(op + " with " + bad.what() + ": argument " + i + " untouched").isEqualTo(before[i]);
                }
            }
        }
    }

    private static void invoke(Call call) throws Exception {
        try {
            call.op().method().invoke(null, call.args());
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    private static Object[] deepCopy(Object[] args) {
        Object[] copy = args.clone();
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] instanceof float[] f) {
                copy[i] = f.clone();
            } else if (copy[i] instanceof int[] l) {
                copy[i] = l.clone();
            }
        }
        return copy;
    }
}
