package dev.jvk.properties.guarantees;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvk.kernels.Kernels;
import dev.jvk.properties.guarantees.PublicApi.Call;
import dev.jvk.properties.guarantees.PublicApi.Operand;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Each public method runs exactly the implementation {@code Kernels.info()} names, and each
 * convenience form is its full form on the whole array. Mutation testing found both untested
 * (bench/RESULTS-pit.md): swapping a dispatch branch, or a convenience form returning 0 or doing
 * nothing, survived every property, because the vector kernels and the reference agree within bounds
 * and nothing compared the convenience forms' results.
 *
 * <p>The compiler checks that both implementations have every kernel (they implement the same
 * interfaces); this checks what it cannot: that each public method passes its arguments through
 * unchanged to the implementation chosen. The tests run on the class path, where the internal
 * {@code dev.jvk.kernels.simd} classes are reachable: on the vector path the public result must be
 * bitwise that of a {@code new SimdX().op}, on the scalar path that of {@code ReferenceX.op} (GEMM's
 * internal entry points take booleans for Transpose, and the GEMM properties judge it directly).
 */
class DispatchTwinsTest {
    /**
     * LowPrecision's GEMMs: the implementation takes the float GEMM as well (the mixed ones dequantize into it, the int8
     * one sums exact stretches of k on it), so no Simd method has the public signature; LowPrecisionProperties judges them.
     */
    private static final List<String> MIXED_GEMM = List.of("sgemmInt8", "sgemmBf16", "gemmInt8");

    @Test
    void everyPublicKernelRunsTheImplementationInfoNames() throws Throwable {
        boolean vector = Kernels.info().implementation().equals("vector");
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (Method m : PublicApi.publicMethods()) {
            if (PublicApi.takesNoArray(m) || PublicApi.twin(m).isEmpty() || m.getDeclaringClass().getSimpleName().equals("Gemm")
                    || MIXED_GEMM.contains(m.getName())) {
                continue;
            }
            Method twin = vector ? simdTwin(m).orElseThrow(() -> new AssertionError("no Simd twin of " + PublicApi.signature(m)))
                    : PublicApi.twin(m).orElseThrow();
            Object receiver = vector ? twin.getDeclaringClass().getConstructor().newInstance() : null;
            for (Call call : PublicApi.callsOf(m)) {
                String d = sameAs(call, call.args, receiver, twin);
                if (d != null) {
                    failures.add(call + " vs " + twin.getDeclaringClass().getSimpleName() + ": " + d);
                }
            }
            checked++;
        }
        assertThat(failures).isEmpty();
        assertThat(checked).isEqualTo(SpecialValuesTest.WITH_TWINS - 6 - MIXED_GEMM.size()); // less the six GEMM/GEMV forms
    }

    @Test
    void everyConvenienceFormIsItsFullFormOnTheWholeArray() throws Throwable {
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (Method m : PublicApi.publicMethods()) {
            if (PublicApi.takesNoArray(m) || PublicApi.twin(m).isPresent()) {
                continue;
            }
            Method full = fullForm(m);
            for (Call call : PublicApi.callsOf(m)) {
                Object[] fullArgs = fullArguments(call, full);
                String d = sameAs(call, fullArgs, null, full);
                if (d != null) {
                    failures.add(call + " vs " + PublicApi.signature(full) + ": " + d);
                }
            }
            checked++;
        }
        assertThat(failures).isEmpty();
        assertThat(checked).isEqualTo(HostileInputTest.PUBLIC_METHODS - HostileInputTest.WITHOUT_ARRAYS.size() - SpecialValuesTest.WITH_TWINS);
    }

    /**
     * Null when the call and the other method, each on its own copy of the same data, give the same
     * bits (result and every written array). otherArgs holds the call's own array objects where they
     * correspond, which is how written arrays are matched.
     */
    private static String sameAs(Call call, Object[] otherArgs, Object receiver, Method other) throws Throwable {
        Object[] mine = deepCopyKeepingAliases(call.args);
        Object[] theirs = deepCopyKeepingAliases(otherArgs);
        Object a = call.invoke(mine);
        Object b;
        try {
            b = other.invoke(receiver, theirs);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
        if (!(a == null ? b == null : a.equals(b))) { // Float/Double equals compares bits (NaN equal to NaN)
            return "returned " + a + ", the twin " + b;
        }
        for (Operand op : call.operands) {
            if (op.written()) {
                int at = -1;
                for (int i = 0; i < otherArgs.length; i++) {
                    at = otherArgs[i] == call.args[op.index()] ? i : at;
                }
                if (at < 0 || !Arrays.equals(PublicApi.bytesOf(mine[op.index()]), PublicApi.bytesOf(theirs[at]))) {
                    return op.name() + " differs";
                }
            }
        }
        return null;
    }

    private static Object[] deepCopyKeepingAliases(Object[] args) {
        Object[] copy = args.clone();
        java.util.IdentityHashMap<Object, Object> copies = new java.util.IdentityHashMap<>();
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] != null && copy[i].getClass().isArray()) {
                copy[i] = copies.computeIfAbsent(copy[i], PublicApi::cloneArray);
            }
        }
        return copy;
    }

    private static Optional<Method> simdTwin(Method m) {
        try {
            Class<?> simd = Class.forName("dev.jvk.kernels.simd.Simd" + m.getDeclaringClass().getSimpleName());
            return Optional.of(simd.getMethod(m.getName(), m.getParameterTypes()));
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            return Optional.empty();
        }
    }

    /** The public full form of a convenience form: same class and name, with offsets (and leading dimensions). */
    private static Method fullForm(Method m) {
        return Arrays.stream(m.getDeclaringClass().getMethods())
                .filter(f -> f.getName().equals(m.getName()) && PublicApi.twin(f).isPresent()
                        && f.getParameterCount() > m.getParameterCount()
                        && Arrays.stream(f.getParameterTypes()).filter(t -> t.isArray()).toList()
                                .equals(Arrays.stream(m.getParameterTypes()).filter(t -> t.isArray()).toList())
                        && Arrays.stream(f.getParameterTypes()).noneMatch(t -> t == java.lang.foreign.MemorySegment.class))
                .findFirst().orElseThrow(() -> new AssertionError("no full form of " + PublicApi.signature(m)));
    }

    /** The full form's arguments for a convenience call: the same scalars and arrays, offsets 0, n the first array's length, minimal ld. */
    private static Object[] fullArguments(Call call, Method full) {
        List<String> names = Arrays.stream(full.getParameters()).map(p -> p.getName()).toList();
        List<String> own = Arrays.stream(call.method.getParameters()).map(p -> p.getName()).toList();
        Object[] args = new Object[names.size()];
        long n = -1;
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            int same = own.indexOf(name);
            if (same >= 0) {
                args[i] = call.args[same];
                if (n < 0 && call.args[same] != null && call.args[same].getClass().isArray()) {
                    n = PublicApi.lengthOf(call.args[same]);
                }
            }
        }
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (args[i] != null) {
                continue;
            }
            if (name.equals("offset") || name.endsWith("Offset")) {
                args[i] = 0;
            } else if (name.equals("n")) {
                args[i] = (int) n;
            } else if (name.startsWith("ld")) { // GEMM: the stored column count, at least 1
                boolean transA = args[0] == dev.jvk.kernels.Transpose.TRANS;
                boolean transB = args[1] == dev.jvk.kernels.Transpose.TRANS;
                int m = (int) args[2];
                int nn = (int) args[3];
                int k = (int) args[4];
                args[i] = Math.max(1, switch (name) {
                    case "lda" -> transA ? m : k;
                    case "ldb" -> transB ? k : nn;
                    default -> nn;
                });
            } else {
                throw new AssertionError("no value for " + name + " of " + PublicApi.signature(full));
            }
        }
        return args;
    }
}
