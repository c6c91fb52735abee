package dev.jvk.properties.guarantees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvk.kernels.Gemm;
import dev.jvk.properties.guarantees.PublicApi.Aliasing;
import dev.jvk.properties.guarantees.PublicApi.Call;
import dev.jvk.properties.guarantees.PublicApi.Operand;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Hostile arguments through every public method of {@code dev.jvk.kernels}, table-driven from the
 * valid calls of {@link PublicApi}: one argument at a time is made negative, zero, huge, null, one
 * element too short, or aliased with another. Each bad call must throw the documented exception,
 * of exactly that class, whose message starts with the parameter's declared name, thrown by the
 * argument checks of the public class (not from deep inside a kernel), and leave every array and
 * segment bitwise as it was. Calls the contract allows (zero sizes, in place, inputs sharing an
 * array, an empty block far past the end) must run, and compute what the same call on separate
 * arrays computes.
 */
class HostileInputTest {

    /**
     * Public static methods of dev.jvk.kernels. A new one makes this test fail until it is counted
     * here; if its shape is new, {@link PublicApi#callsOf} says so too.
     */
    static final int PUBLIC_METHODS = 125;

    /** Methods without arrays, checked by their own tests below and in DispatchTest. */
    static final List<String> WITHOUT_ARRAYS = List.of("Gemm.setThreads(int threads)", "Gemm.threads()",
            "Kernels.info()", "Kernels.vectorBits()", "Parallel.forRange(int n, int bytesPerElement, Range body)",
            "Parallel.forTasks(int tasks, long flops, Task body)",
            "Parallel.threadsFor(long flops)");

    @Test
    void everyPublicMethodIsCounted() {
        List<Method> methods = PublicApi.publicMethods();
        List<String> signatures = methods.stream().map(PublicApi::signature).toList();
        assertThat(methods).as("public static methods of dev.jvk.kernels (a new one? count it in PUBLIC_METHODS "
                + "and check it is covered):%n%s", String.join("\n", signatures)).hasSize(PUBLIC_METHODS);
        List<String> noArrays = methods.stream().filter(PublicApi::takesNoArray).map(PublicApi::signature).toList();
        assertThat(noArrays).containsExactlyInAnyOrderElementsOf(WITHOUT_ARRAYS);
        long described = methods.stream().filter(m -> !PublicApi.takesNoArray(m)).filter(m -> !PublicApi.callsOf(m).isEmpty()).count();
        assertThat(described).isEqualTo(PUBLIC_METHODS - WITHOUT_ARRAYS.size());
    }

    @TestFactory
    Stream<DynamicTest> everyMethodRejectsHostileArgumentsBeforeWriting() {
        return PublicApi.publicMethods().stream().filter(m -> !PublicApi.takesNoArray(m))
                .map(m -> DynamicTest.dynamicTest(PublicApi.signature(m), () -> {
                    List<String> failures = new ArrayList<>();
                    int attempts = 0;
                    for (Call call : PublicApi.callsOf(m)) {
                        for (Attempt attempt : attempts(call)) {
                            attempts++;
                            String failure = run(call, attempt);
                            if (failure != null) {
                                failures.add(call + ", " + attempt.fault + ": " + failure);
                            }
                        }
                    }
                    assertThat(failures).as("%d attempts", attempts).isEmpty();
                    assertThat(attempts).isGreaterThanOrEqualTo(2); // the least: sum(x) with x null, and empty
                }));
    }

    @Test
    void setThreadsRejectsLessThanOneAndKeepsTheCount() {
        int before = Gemm.threads();
        for (int bad : new int[] {0, -1, Integer.MIN_VALUE}) {
            assertThatThrownBy(() -> Gemm.setThreads(bad)).isExactlyInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("threads ").hasMessageContaining(String.valueOf(bad));
            assertThat(Gemm.threads()).isEqualTo(before);
        }
    }

    /** Deliberately wrong kernels, in the shape of relu: the same table must catch each. */
    public static final class WrongKernels {
        private WrongKernels() {}

        /** No checks at all: errors surface deep inside, as ArrayIndexOutOfBounds or a bare NullPointerException. */
        public static void unchecked(float[] x, int xOffset, float[] y, int yOffset, int n) {
            for (int i = 0; i < n; i++) {
                y[yOffset + i] = Math.max(0f, x[xOffset + i]);
            }
        }

        /** Writes y's first element, then checks. */
        public static void writesFirst(float[] x, int xOffset, float[] y, int yOffset, int n) {
            if (y != null && yOffset >= 0 && yOffset < y.length) {
                y[yOffset] = 42;
            }
            dev.jvk.kernels.Activations.relu(x, xOffset, y, yOffset, n);
        }

        /** Checks as relu does, but the message names the wrong offset. */
        public static void wrongName(float[] x, int xOffset, float[] y, int yOffset, int n) {
            if (yOffset < 0) {
                throw new IllegalArgumentException("xOffset must be >= 0, got " + yOffset);
            }
            dev.jvk.kernels.Activations.relu(x, xOffset, y, yOffset, n);
        }

        /** Checks offset + n > length in int, which wraps: a huge offset passes and fails deep inside. */
        public static void wrappingFits(float[] x, int xOffset, float[] y, int yOffset, int n) {
            if (xOffset + n > x.length || yOffset + n > y.length) {
                throw new IndexOutOfBoundsException("x is too short");
            }
            unchecked(x, Math.max(0, xOffset), y, Math.max(0, yOffset), Math.max(0, n));
        }

        /** Rejects in place (same offset), which the contract allows. */
        public static void rejectsInPlace(float[] x, int xOffset, float[] y, int yOffset, int n) {
            if (x == y) {
                throw new IllegalArgumentException("y overlaps x");
            }
            dev.jvk.kernels.Activations.relu(x, xOffset, y, yOffset, n);
        }
    }

    /** Each wrong kernel, and what the table must say about it. */
    static final Map<String, String> WRONG_KERNEL_FINDINGS = Map.of(
            "unchecked", "got java.lang.ArrayIndexOutOfBoundsException",
            "writesFirst", "must stay untouched changed",
            "wrongName", "got java.lang.IllegalArgumentException: xOffset must be",
            "wrappingFits", "got java.lang.ArrayIndexOutOfBoundsException",
            "rejectsInPlace", "but the call is valid");

    @TestFactory
    Stream<DynamicTest> theTableCatchesWrongKernels() {
        List<Method> wrong = Arrays.stream(WrongKernels.class.getDeclaredMethods())
                .filter(m -> java.lang.reflect.Modifier.isPublic(m.getModifiers())).toList();
        assertThat(wrong).hasSize(WRONG_KERNEL_FINDINGS.size());
        return wrong.stream().map(m -> DynamicTest.dynamicTest(m.getName(), () -> {
            List<String> findings = PublicApi.callsOf(m).stream()
                    .flatMap(call -> attempts(call).stream().map(attempt -> run(call, attempt)))
                    .filter(java.util.Objects::nonNull).toList();
            assertThat(findings).as("what the table found in %s", m.getName())
                    .anyMatch(f -> f.contains(WRONG_KERNEL_FINDINGS.get(m.getName())));
        }));
    }

    // ================================================================ the table

    /** What a call must do: throw one of these (class, message prefix), or, with none, succeed. */
    record Expect(Class<? extends Throwable> type, String prefix, String mentions) {
        Expect(Class<? extends Throwable> type, String prefix) {
            this(type, prefix, "");
        }

        boolean matches(Throwable thrown) {
            String message = String.valueOf(thrown.getMessage());
            // "x must ...", or "labels[5] = -1 ..." for an element of an array argument
            return thrown.getClass() == type && (message.startsWith(prefix + " ") || message.startsWith(prefix + "["))
                    && message.contains(mentions);
        }
    }

    /**
     * One perturbed call.
     *
     * @param mayChange    on success, the arrays (by identity) the call may write; all others must stay
     * @param sameAs       on success, a call on separate arrays whose result it must equal (or null),
     *                     and which argument of each holds the output to compare
     */
    record Attempt(String fault, Object[] args, List<Expect> expect, String mentions, List<Object> mayChange,
                   Object[] sameAs, int outputIndex) {

        static Attempt rejected(String fault, Object[] args, Class<? extends Throwable> type, String prefix) {
            return new Attempt(fault, args, List.of(new Expect(type, prefix)), null, List.of(), null, -1);
        }

        static Attempt accepted(String fault, Object[] args, List<Object> mayChange) {
            return new Attempt(fault, args, List.of(), null, mayChange, null, -1);
        }
    }

    static List<Attempt> attempts(Call c) {
        List<Attempt> list = new ArrayList<>();
        sizes(c, list);
        for (Operand op : c.operands) {
            nulls(c, op, list);
            offsets(c, op, list);
            shortArrays(c, op, list);
            leadingDimensions(c, op, list);
        }
        aliasing(c, list);
        segments(c, list);
        labels(c, list);
        return list;
    }

    private static void sizes(Call c, List<Attempt> list) {
        for (int s : c.sizes) {
            String name = c.name(s);
            for (int bad : new int[] {-1, Integer.MIN_VALUE}) {
                Object[] a = c.copyArgs();
                a[s] = bad;
                list.add(Attempt.rejected(name + " = " + bad, a, IllegalArgumentException.class, name));
            }
            Object[] zero = c.copyArgs();
            zero[s] = 0;
            boolean hasLabels = c.operands.stream().anyMatch(op -> op.name().equals("labels"));
            if (hasLabels && name.equals("cols")) { // no label can be a class of [0, 0)
                list.add(Attempt.rejected("cols = 0 with labels", zero, IllegalArgumentException.class, "labels"));
                continue;
            }
            list.add(Attempt.accepted(name + " = 0", zero, written(c, zero, true)));
            // An empty problem needs no storage: offsets far past the end are fine then.
            Object[] farZero = zero.clone();
            for (Operand op : c.operands) {
                if (op.offsetIndex() >= 0 && op.extentOf(farZero) == 0) {
                    farZero[op.offsetIndex()] = c.offsetArg(op.offsetIndex(), Integer.MAX_VALUE);
                }
            }
            list.add(Attempt.accepted(name + " = 0, empty operands' offsets past the end", farZero, written(c, farZero, true)));
            Object[] huge = c.copyArgs();
            huge[s] = Integer.MAX_VALUE;
            List<Expect> expect = new ArrayList<>();
            for (Operand op : c.operands) {
                expect.add(new Expect(IndexOutOfBoundsException.class, op.name()));
                if (op.ldIndex() >= 0) {
                    expect.add(new Expect(IllegalArgumentException.class, c.name(op.ldIndex())));
                }
            }
            list.add(new Attempt(name + " = MAX_VALUE", huge, expect, null, List.of(), null, -1));
        }
        if (c.sizes.isEmpty()) { // whole-array forms: empty arrays are a valid, empty call
            Object[] empty = c.copyArgs();
            for (Operand op : c.operands) {
                empty[op.index()] = PublicApi.resize(empty[op.index()], 0);
            }
            list.add(Attempt.accepted("empty arrays", empty, List.of()));
        }
    }

    private static void nulls(Call c, Operand op, List<Attempt> list) {
        Object[] a = c.copyArgs();
        a[op.index()] = null;
        list.add(Attempt.rejected(op.name() + " = null", a, NullPointerException.class, op.name()));
        for (int i = 0; i < c.args.length; i++) { // the transposes
            if (c.args[i] instanceof Enum<?> && op.written()) {
                Object[] t = c.copyArgs();
                t[i] = null;
                list.add(Attempt.rejected(c.name(i) + " = null", t, NullPointerException.class, c.name(i)));
            }
        }
    }

    private static void offsets(Call c, Operand op, List<Attempt> list) {
        int o = op.offsetIndex();
        if (o < 0) {
            return;
        }
        boolean isLong = c.method.getParameterTypes()[o] == long.class;
        long[] negatives = isLong ? new long[] {-1, Integer.MIN_VALUE, Long.MIN_VALUE} : new long[] {-1, Integer.MIN_VALUE};
        for (long bad : negatives) {
            Object[] a = c.copyArgs();
            a[o] = c.offsetArg(o, bad);
            list.add(Attempt.rejected(c.name(o) + " = " + bad, a, IllegalArgumentException.class, c.name(o)));
        }
        long extent = op.extentOf(c.args);
        if (extent == 0) {
            return;
        }
        // Past the end; and where offset + extent wraps past the largest int (or long): never a false "fits".
        List<Long> huge = new ArrayList<>(List.of((long) Integer.MAX_VALUE, Integer.MAX_VALUE - extent + 1,
                c.length(op, c.args[op.index()]) - extent + 1));
        if (isLong) {
            huge.addAll(List.of(Long.MAX_VALUE, Long.MAX_VALUE - extent + 1));
        }
        for (long bad : huge) {
            Object[] a = c.copyArgs();
            a[o] = c.offsetArg(o, bad);
            list.add(Attempt.rejected(c.name(o) + " = " + bad + " (extent " + extent + ")", a, IndexOutOfBoundsException.class, op.name()));
        }
    }

    private static void shortArrays(Call c, Operand op, List<Attempt> list) {
        Object[] a = c.copyArgs();
        long needed = op.offsetOf(a) + op.extentOf(a);
        if (op.extentOf(a) == 0) {
            return;
        }
        Object original = a[op.index()];
        if (original instanceof MemorySegment s) {
            // One byte short of the last element: the segment holds needed - 1 whole elements.
            MemorySegment shorter = Arena.ofAuto().allocate(needed * c.elementBytes(op) - 1, 8);
            shorter.copyFrom(s.asSlice(0, shorter.byteSize()));
            a[op.index()] = shorter;
        } else {
            a[op.index()] = PublicApi.resize(original, (int) needed - 1);
        }
        if (op.offsetOf(a) + op.extentOf(a) <= c.length(op, a[op.index()])) {
            return; // its own length sets n (the whole-array forms' first array): shorter is still valid
        }
        if (c.method.getName().equals("dot") && c.method.getParameterCount() == 2) {
            // the whole-array dot takes two vectors of one length (as Lucene's dotProduct): y shorter than x is refused as such
            list.add(Attempt.rejected(op.name() + " one element too short", a, IllegalArgumentException.class, "x and y"));
            return;
        }
        list.add(Attempt.rejected(op.name() + " one element too short", a, IndexOutOfBoundsException.class, op.name()));
    }

    private static void leadingDimensions(Call c, Operand op, List<Attempt> list) {
        int l = op.ldIndex();
        if (l < 0) {
            return;
        }
        int required = Math.max(1, op.ldMinimum().applyAsInt(c.args));
        for (int bad : new int[] {required - 1, -1, Integer.MIN_VALUE}) {
            Object[] a = c.copyArgs();
            a[l] = bad;
            list.add(new Attempt(c.name(l) + " = " + bad + " (needs " + required + ")", a,
                    List.of(new Expect(IllegalArgumentException.class, c.name(l))), "= " + required + ", got " + bad,
                    List.of(), null, -1));
        }
        // A huge leading dimension: the extent (rows - 1) * ld + cols passes the largest int; computed in long, it does not fit.
        Object[] a = c.copyArgs();
        a[l] = Integer.MAX_VALUE;
        if (op.offsetOf(a) + op.extentOf(a) > c.length(a[op.index()])) {
            list.add(Attempt.rejected(c.name(l) + " = MAX_VALUE", a, IndexOutOfBoundsException.class, op.name()));
        } else {
            list.add(Attempt.accepted(c.name(l) + " = MAX_VALUE on one row", a, written(c, a, false)));
        }
    }

    /** Outputs overlapping inputs; inputs sharing an array; outputs in place where allowed. */
    private static void aliasing(Call c, List<Attempt> list) {
        for (Operand w : c.operands) {
            for (Operand r : c.operands) {
                if (w == r || r.written() || c.args[w.index()].getClass() != c.args[r.index()].getClass()
                        || c.args[w.index()] instanceof MemorySegment) {
                    continue;
                }
                if (w.written()) {
                    outputOverInput(c, w, r, list);
                } else if (w.index() < r.index()) {
                    inputsShareAnArray(c, w, r, list);
                }
            }
        }
    }

    private static void outputOverInput(Call c, Operand w, Operand r, List<Attempt> list) {
        long wExt = w.extentOf(c.args);
        long rExt = r.extentOf(c.args);
        if (w.offsetIndex() < 0) { // whole arrays: the same array is in place, or rejected
            Object[] a = c.copyArgs();
            a[w.index()] = a[r.index()];
            if (c.aliasing == Aliasing.NEVER) {
                Object both = PublicApi.resize(a[r.index()], (int) Math.max(c.length(c.args[r.index()]), c.length(c.args[w.index()])));
                a[w.index()] = both;
                a[r.index()] = both;
                list.add(rejectedOverlap(w.name() + " is " + r.name(), a, w, r));
            } else {
                Object[] separate = c.copyArgs();
                separate[w.index()] = PublicApi.cloneArray(separate[r.index()]);
                list.add(new Attempt(w.name() + " is " + r.name() + " (in place)", a, List.of(), null, List.of(a[w.index()]),
                        separate, w.index()));
            }
            return;
        }
        long rOff = wExt + 1;
        List<long[]> placements = new ArrayList<>(); // {w offset} partially over r
        if (rExt >= 2) {
            placements.add(new long[] {rOff + 1});
        }
        if (wExt >= 2) {
            placements.add(new long[] {rOff - wExt + 1});
        }
        if (c.aliasing == Aliasing.NEVER || w.ldIndex() >= 0 && r.ldIndex() >= 0) {
            placements.add(new long[] {rOff}); // the same start: rejected unless the whole operand is in place
        }
        for (long[] placement : placements) {
            long wOff = placement[0];
            Object[] a = c.copyArgs();
            int length = (int) Math.max(rOff + rExt, wOff + wExt) + 1;
            Object shared = PublicApi.randomArray(a[r.index()].getClass(), length, new SplittableRandom(length));
            a[r.index()] = shared;
            a[r.offsetIndex()] = c.offsetArg(r.offsetIndex(), rOff);
            a[w.index()] = shared;
            a[w.offsetIndex()] = c.offsetArg(w.offsetIndex(), wOff);
            if (wOff == rOff && w.ldIndex() >= 0 && r.ldIndex() >= 0 && c.aliasing == Aliasing.SAME_BLOCK) {
                a[w.ldIndex()] = (int) a[r.ldIndex()] + 1; // same start, another leading dimension: not in place
                int len = (int) Math.max(rOff + r.extentOf(a), wOff + w.extentOf(a)) + 1;
                Object grown = PublicApi.resize(shared, len);
                a[r.index()] = grown;
                a[w.index()] = grown;
            }
            list.add(rejectedOverlap(w.name() + " at " + wOff + " over " + r.name() + " at " + rOff, a, w, r));
        }
        if (c.aliasing != Aliasing.NEVER) { // in place: the same array, offset (and leading dimension)
            Object[] a = c.copyArgs();
            a[w.index()] = a[r.index()];
            a[w.offsetIndex()] = a[r.offsetIndex()];
            if (w.ldIndex() >= 0 && r.ldIndex() >= 0) {
                a[w.ldIndex()] = a[r.ldIndex()];
            }
            Object[] separate = a.clone();
            separate[w.index()] = PublicApi.cloneArray(a[r.index()]);
            separate[r.index()] = PublicApi.cloneArray(a[r.index()]);
            list.add(new Attempt(w.name() + " in place of " + r.name(), a, List.of(), null, List.of(a[w.index()]), separate, w.index()));
        }
    }

    /** An overlap is an IllegalArgumentException whose message names both, either first ("c overlaps a", "bias overlaps x"). */
    private static Attempt rejectedOverlap(String fault, Object[] a, Operand w, Operand r) {
        return new Attempt(fault, a, List.of(new Expect(IllegalArgumentException.class, w.name(), r.name()),
                new Expect(IllegalArgumentException.class, r.name(), w.name())), null, List.of(), null, -1);
    }

    /** Two inputs in one array, at the same offset: allowed, and the same as on separate copies. */
    private static void inputsShareAnArray(Call c, Operand x, Operand y, List<Attempt> list) {
        if (x.offsetIndex() < 0 && y.offsetIndex() < 0 && x.extentOf(c.args) != y.extentOf(c.args)) {
            return;
        }
        Object[] a = c.copyArgs();
        if (x.offsetIndex() < 0 && c.length(a[x.index()]) != c.length(a[y.index()])) {
            return;
        }
        if (y.offsetIndex() >= 0) {
            a[y.offsetIndex()] = a[x.offsetIndex()]; // the same start; each keeps its own leading dimension
        }
        long length = Math.max(x.offsetOf(a) + x.extentOf(a), y.offsetOf(a) + y.extentOf(a));
        Object shared = PublicApi.resize(a[x.index()], (int) Math.max(length, c.length(a[x.index()])));
        a[x.index()] = shared;
        a[y.index()] = shared;
        Object[] separate = a.clone();
        separate[y.index()] = PublicApi.cloneArray(shared);
        Operand out = c.operands.stream().filter(Operand::written).findFirst().orElse(null);
        List<Object> mayChange = out == null ? List.of() : List.of(a[out.index()]);
        if (out != null) {
            separate[out.index()] = PublicApi.cloneArray(a[out.index()]);
        }
        list.add(new Attempt(x.name() + " and " + y.name() + " share an array", a, List.of(), null, mayChange, separate,
                out == null ? -1 : out.index()));
    }

    /** Segment-only faults: a read-only C, a closed arena, a segment confined to another thread, C over A in memory. */
    private static void segments(Call c, List<Attempt> list) {
        for (Operand op : c.operands) {
            if (!(c.args[op.index()] instanceof MemorySegment s)) {
                return;
            }
            if (op.written()) {
                Object[] a = c.copyArgs();
                a[op.index()] = s.asReadOnly();
                list.add(Attempt.rejected(op.name() + " read-only", a, IllegalArgumentException.class, op.name()));
            }
            Object[] closed = c.copyArgs();
            Arena arena = Arena.ofConfined();
            closed[op.index()] = arena.allocate(s.byteSize(), 8).copyFrom(s);
            arena.close();
            list.add(Attempt.rejected(op.name() + " of a closed arena", closed, IllegalStateException.class, op.name()));
            Object[] foreign = c.copyArgs();
            foreign[op.index()] = confinedToAnotherThread(s);
            list.add(Attempt.rejected(op.name() + " confined to another thread", foreign, WrongThreadException.class, op.name()));
        }
        if (c.operands.size() < 3) {
            return; // two-operand segment calls (bf16 conversions): their overlap is LowPrecisionProperties'
        }
        Operand cOp = c.operands.get(2);
        for (Operand r : c.operands.subList(0, 2)) {
            // C and A (or B) are different segment objects over the same memory: C starts one element inside.
            long rExt = r.extentOf(c.args);
            long cExt = cOp.extentOf(c.args);
            int es = c.elementBytes();
            MemorySegment memory = Arena.ofAuto().allocate((rExt + cExt + 4) * es, 8);
            Object[] a = c.copyArgs();
            a[r.index()] = memory;
            a[r.offsetIndex()] = 0L;
            a[cOp.index()] = memory.asSlice((rExt - 1) * es);
            a[cOp.offsetIndex()] = 0L;
            list.add(rejectedOverlap("c over the last element of " + r.name() + " through another segment", a, cOp, r));
        }
    }

    private static MemorySegment confinedToAnotherThread(MemorySegment s) {
        AtomicReference<MemorySegment> made = new AtomicReference<>();
        Thread t = new Thread(() -> made.set(Arena.ofConfined().allocate(s.byteSize(), 8).copyFrom(s))); // never closed: freed at exit
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        return made.get();
    }

    /** crossEntropy's labels must be classes in [0, cols). */
    private static void labels(Call c, List<Attempt> list) {
        for (Operand op : c.operands) {
            if (op.name().equals("labels")) {
                int cols = (int) c.args[List.of(c.method.getParameters()).stream().map(p -> p.getName()).toList().indexOf("cols")];
                for (int bad : new int[] {-1, cols, Integer.MAX_VALUE}) {
                    Object[] a = c.copyArgs();
                    int[] labels = (int[]) a[op.index()];
                    labels[(int) op.offsetOf(a) + (int) op.extentOf(a) - 1] = bad;
                    list.add(Attempt.rejected("last label = " + bad, a, IllegalArgumentException.class, op.name()));
                }
            }
        }
    }

    /** The outputs a successful call may write: those with something to write (or all, when not only the empty ones count). */
    private static List<Object> written(Call c, Object[] args, boolean onlyNonEmpty) {
        List<Object> out = new ArrayList<>();
        for (Operand op : c.operands) {
            if (op.written() && (!onlyNonEmpty || op.extentOf(args) > 0)) {
                out.add(args[op.index()]);
            }
        }
        return out;
    }

    // ================================================================ running one attempt

    /** Null when the attempt behaved as the contract says, else what went wrong. */
    static String run(Call c, Attempt attempt) {
        Map<Object, byte[]> before = PublicApi.snapshot(attempt.args);
        Object result;
        try {
            result = c.invoke(attempt.args);
        } catch (Throwable thrown) {
            if (attempt.expect.isEmpty()) {
                return "threw " + thrown + " but the call is valid";
            }
            String message = String.valueOf(thrown.getMessage());
            boolean matches = attempt.expect.stream().anyMatch(e -> e.matches(thrown));
            if (!matches) {
                return "expected " + attempt.expect + ", got " + thrown.getClass().getName() + ": " + message;
            }
            if (attempt.mentions != null && !message.contains(attempt.mentions)) {
                return "the message should mention \"" + attempt.mentions + "\": " + message;
            }
            if (message.matches(".*needs -\\d.*")) {
                return "the message counts a negative number of elements (offset + extent wrapped): " + message;
            }
            StackTraceElement top = thrown.getStackTrace()[0];
            String thrower = top.getClassName();
            if (!thrower.substring(0, thrower.lastIndexOf('.')).equals("dev.jvk.kernels")) {
                return "thrown from " + top + ", not by the argument checks: " + message;
            }
            return changed(before, List.of());
        }
        if (!attempt.expect.isEmpty()) {
            return "no exception, expected " + attempt.expect;
        }
        String changed = changed(before, attempt.mayChange);
        if (changed != null) {
            return changed;
        }
        if (attempt.sameAs != null) {
            Object expected;
            try {
                expected = c.invoke(attempt.sameAs);
            } catch (Throwable t) {
                return "the same call on separate arrays threw " + t;
            }
            if (!bitwiseEqual(result, expected)) {
                return "returned " + result + ", on separate arrays " + expected;
            }
            if (attempt.outputIndex >= 0 && !Arrays.equals(PublicApi.bytesOf(attempt.args[attempt.outputIndex]),
                    PublicApi.bytesOf(attempt.sameAs[attempt.outputIndex]))) {
                return "the output differs from the same call on separate arrays";
            }
        }
        return null;
    }

    private static String changed(Map<Object, byte[]> before, List<Object> mayChange) {
        for (Map.Entry<Object, byte[]> e : before.entrySet()) {
            if (mayChange.stream().noneMatch(m -> m == e.getKey()) && !Arrays.equals(e.getValue(), PublicApi.bytesOf(e.getKey()))) {
                return "an array or segment that must stay untouched changed";
            }
        }
        return null;
    }

    private static boolean bitwiseEqual(Object x, Object y) {
        if (x instanceof Float f && y instanceof Float g) {
            return Float.floatToRawIntBits(f) == Float.floatToRawIntBits(g);
        }
        if (x instanceof Double f && y instanceof Double g) {
            return Double.doubleToRawLongBits(f) == Double.doubleToRawLongBits(g);
        }
        return java.util.Objects.equals(x, y);
    }
}
