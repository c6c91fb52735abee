package dev.jvk.properties.guarantees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.jvk.kernels.Transpose;
import dev.jvk.properties.guarantees.PublicApi.Call;
import dev.jvk.properties.guarantees.PublicApi.Operand;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * NaN and infinities through every kernel of dev.jvk.kernels that has a scalar reference twin (all
 * but the whole-array convenience forms, which delegate). Specials are sprinkled over every array
 * and segment (inside the operands, in the padding around them, and always in each operand's last
 * element, in a vector tail), sometimes filling whole arrays. Every call must return within its time limit without
 * throwing, and then:
 * <ul>
 *   <li>agree with the reference on every output element and result: NaN where it has NaN, the same
 *       infinity, finite where it is finite; bitwise for the exact operations;</li>
 *   <li>give what the Javadoc promises for specials: the limits of the activations, NaN for a NaN
 *       anywhere in a reduction or a softmax row, a GEMM element NaN exactly where the product in
 *       double is (with BLAS's quick returns: alpha = 0 reads neither A nor B, beta = 0 not C).</li>
 * </ul>
 * A training step with NaN belongs to the nn tests.
 */
class SpecialValuesTest {

    /** Kernels bitwise equal to their reference, specials included (Javadoc "Exact"). */
    static final List<String> EXACT = List.of("relu", "leakyRelu", "reluBackward", "leakyReluBackward", "sigmoidBackward",
            "tanhBackward", "addBiasRelu", "addBiasLeakyRelu", "axpy", "scal", "add", "sub", "mul", "copy", "fill", "addBias",
            "max", "min", "argmax", "columnSums", "floatToBf16", "bf16ToFloat", "floatToFp16", "fp16ToFloat", "quantizeInt8",
            "dequantizeInt8", "dotInt8", "gemmInt8");

    /** Kernels documented to reject a non-finite input with an IllegalArgumentException naming x (no int8 scale represents it). */
    static final List<String> REJECT_NON_FINITE = List.of("int8Scale", "quantizeInt8Rows");

    /** Methods with a reference twin: every public method that takes arrays, less the convenience forms. */
    static final int WITH_TWINS = 83;

    @Test
    void everyKernelWithoutATwinIsAConvenienceForm() {
        List<Method> withArrays = PublicApi.publicMethods().stream().filter(m -> !PublicApi.takesNoArray(m)).toList();
        List<Method> withTwins = withArrays.stream().filter(m -> PublicApi.twin(m).isPresent()).toList();
        assertThat(withTwins).hasSize(WITH_TWINS);
        for (Method m : withArrays) {
            if (PublicApi.twin(m).isEmpty()) {
                assertThat(m.getParameters()).as("%s has no reference twin; only convenience forms (no offsets) may lack one",
                        PublicApi.signature(m)).noneMatch(p -> p.getName().equals("offset") || p.getName().endsWith("Offset"));
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> specialsPropagateAsTheContractSays() {
        return PublicApi.publicMethods().stream().filter(m -> !PublicApi.takesNoArray(m) && PublicApi.twin(m).isPresent())
                .map(m -> DynamicTest.dynamicTest(PublicApi.signature(m), () -> {
                    Method reference = PublicApi.twin(m).orElseThrow();
                    List<String> failures = new ArrayList<>();
                    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                        for (Call call : PublicApi.callsOf(m)) {
                            for (Object[] base : scalarVariants(call)) {
                                for (int seed = 0; seed < 6; seed++) {
                                    String failure = check(call, reference, base, seed);
                                    if (failure != null) {
                                        failures.add(call + " seed " + seed + ": " + failure);
                                    }
                                }
                            }
                        }
                    }, "a kernel did not return with specials in its input");
                    assertThat(failures).isEmpty();
                }));
    }

    /** Deliberately wrong kernels with the names and shapes of real ones: the same checks must catch each. */
    public static final class WrongKernels {
        private WrongKernels() {}

        /** A blend, x > 0 ? x : 0, turns NaN into 0: what Math.max does not do. */
        public static void relu(float[] x, int xOffset, float[] y, int yOffset, int n) {
            for (int i = 0; i < n; i++) {
                float v = x[xOffset + i];
                y[yOffset + i] = v > 0 ? v : 0f;
            }
        }

        /** Drops the vector tail: the last element (always a special here) is never looked at. */
        public static float max(float[] x, int offset, int n) {
            float m = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n - 1; i++) {
                m = Math.max(m, x[offset + i]);
            }
            return m;
        }

        /** exp without its overflow handling: a clamp makes exp(+Inf) finite. */
        public static void exp(float[] x, int xOffset, float[] y, int yOffset, int n) {
            for (int i = 0; i < n; i++) {
                y[yOffset + i] = (float) Math.exp(Math.min(x[xOffset + i], 88f));
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> theChecksCatchWrongKernels() throws Exception {
        return Stream.of(WrongKernels.class.getDeclaredMethods()).filter(m -> java.lang.reflect.Modifier.isPublic(m.getModifiers()))
                .map(wrong -> DynamicTest.dynamicTest(wrong.getName(), () -> {
                    Class<?> twinClass = wrong.getName().equals("max") ? dev.jvk.kernels.reference.ReferenceReductions.class
                            : dev.jvk.kernels.reference.ReferenceActivations.class;
                    Method reference = twinClass.getMethod(wrong.getName(), wrong.getParameterTypes());
                    int caught = 0;
                    for (Call call : PublicApi.callsOf(wrong)) {
                        for (int seed = 0; seed < 6; seed++) {
                            caught += check(call, reference, call.args, seed) != null ? 1 : 0;
                        }
                    }
                    assertThat(caught).as("seeds on which the checks caught the wrong %s", wrong.getName()).isPositive();
                }));
    }

    // ================================================================ one check

    private static String check(Call call, Method reference, Object[] base, int seed) throws Throwable {
        SplittableRandom random = new SplittableRandom(seed * 7919L + PublicApi.signature(call.method).hashCode());
        Object[] args = deepCopy(base);
        double density = switch (seed) {
            case 0 -> 0.0; // only the last element of each array (and finite edge values, below)
            case 1, 2 -> 0.02;
            case 3 -> 0.2;
            default -> seed == 4 ? 1.0 : 0.5;
        };
        for (int i = 0; i < args.length; i++) {
            sprinkle(args[i], density, random, call.method.getName(), seed == 5);
        }
        for (Operand op : call.operands) { // the last element of each operand: in the vector tail, or the last row's
            long extent = op.extentOf(args);
            boolean floats = args[op.index()] instanceof float[] || args[op.index()] instanceof double[]
                    || args[op.index()] instanceof MemorySegment && call.elementBytes(op) >= Float.BYTES;
            if (extent > 0 && floats) {
                set(args[op.index()], op.offsetOf(args) + extent - 1,
                        seed == 5 ? Float.NEGATIVE_INFINITY : SPECIALS[random.nextInt(SPECIALS.length)], call.method.getName());
            }
        }
        List<String> names = List.of(call.method.getParameters()).stream().map(p -> p.getName()).toList();
        int scales = names.indexOf("scales");
        if (scales >= 0 && !call.operands.stream().anyMatch(op -> op.index() == scales && op.written())) {
            args[scales] = PublicApi.cloneArray(base[scales]); // weight scales are parameters, checked finite and positive
        }
        Object[] theirs = deepCopy(args);
        Object[] inputs = deepCopy(args);
        Object result;
        try {
            result = call.invoke(args);
        } catch (Throwable t) {
            boolean documented = REJECT_NON_FINITE.contains(call.method.getName()) && t instanceof IllegalArgumentException
                    && String.valueOf(t.getMessage()).startsWith("x holds a non-finite value");
            return documented ? null : "threw " + t;
        }
        Object expected = reference.invoke(null, theirs);
        String name = call.method.getName();
        boolean exact = EXACT.contains(name);
        // Every output element and the result, against the reference.
        if (!agree(result, expected, exact)) {
            return "returned " + result + ", the reference " + expected;
        }
        for (Operand op : call.operands) {
            if (op.written()) {
                String d = agreeElements(args[op.index()], theirs[op.index()], exact, call.elementBytes(op));
                if (d != null) {
                    return op.name() + " " + d + " for inputs " + inputsAt(call, inputs, d);
                }
            }
        }
        return contract(call, inputs, args, result);
    }

    /** The scalars a call runs with: as built, and for GEMM and GEMV also alpha = 0 and beta = 0 (the quick returns). */
    private static List<Object[]> scalarVariants(Call call) {
        List<Object[]> variants = new ArrayList<>();
        variants.add(call.args);
        String name = call.method.getName();
        if (name.endsWith("gemm") || name.endsWith("gemv")) {
            List<String> names = List.of(call.method.getParameters()).stream().map(p -> p.getName()).toList();
            for (String zero : List.of("alpha", "beta")) {
                Object[] v = call.args.clone();
                int i = names.indexOf(zero);
                v[i] = v[i] instanceof Float ? (Object) 0f : (Object) 0.0;
                variants.add(v);
            }
        }
        return variants;
    }

    // ================================================================ what the contract promises for specials

    /** Null when the outputs are what the Javadoc says for the specials in the inputs. */
    private static String contract(Call call, Object[] in, Object[] out, Object result) {
        String name = call.method.getName();
        if (FORWARD_LIMITS.containsKey(name)) {
            return activationLimits(name, in, out);
        }
        if (call.method.getDeclaringClass().getSimpleName().equals("Reductions") || name.equals("max")) {
            return reduction(name, in, result);
        }
        if (name.endsWith("gemm") || name.endsWith("gemv")) {
            return gemmClasses(call, in, out);
        }
        if (name.equals("softmax") || name.equals("logSoftmax") || name.equals("crossEntropy")) {
            return softmaxRows(call, in, out, result);
        }
        return null; // Vectors and the backward forms: the reference agreement above is the contract
    }

    /** f(NaN), f(+Inf), f(-Inf) for each forward activation, and documented finite edges. leakyRelu runs with alpha = 0.5. */
    static final Map<String, float[][]> FORWARD_LIMITS = Map.of(
            "relu", new float[][] {{Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY}, {Float.NEGATIVE_INFINITY, 0f}, {-0f, 0f}},
            "leakyRelu", new float[][] {{Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY}, {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}},
            "exp", new float[][] {{Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY}, {Float.NEGATIVE_INFINITY, 0f}, {89f, Float.POSITIVE_INFINITY}},
            "log", new float[][] {{Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY}, {Float.NEGATIVE_INFINITY, Float.NaN},
                    {0f, Float.NEGATIVE_INFINITY}, {-0f, Float.NEGATIVE_INFINITY}, {-1f, Float.NaN}},
            "sigmoid", new float[][] {{Float.POSITIVE_INFINITY, 1f}, {Float.NEGATIVE_INFINITY, 0f}, {-105f, 0f}, {18f, 1f}},
            "tanh", new float[][] {{Float.POSITIVE_INFINITY, 1f}, {Float.NEGATIVE_INFINITY, -1f}, {10f, 1f}, {-0f, -0f}},
            "silu", new float[][] {{Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY}, {Float.NEGATIVE_INFINITY, -0f}},
            "softplus", new float[][] {{Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY}, {Float.NEGATIVE_INFINITY, 0f}, {1e30f, 1e30f}},
            "geluTanh", new float[][] {{Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY}, {Float.NEGATIVE_INFINITY, -0f}},
            "geluErf", new float[][] {{Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY}, {Float.NEGATIVE_INFINITY, -0f}});

    private static String activationLimits(String name, Object[] in, Object[] out) {
        int shift = name.equals("leakyRelu") ? 1 : 0; // alpha comes first
        float[] x = (float[]) in[shift];
        int xOffset = (int) in[shift + 1];
        float[] y = (float[]) out[shift + 2];
        int yOffset = (int) out[shift + 3];
        int n = (int) in[in.length - 1];
        for (int i = 0; i < n; i++) {
            float xi = x[xOffset + i];
            float yi = y[yOffset + i];
            if (Float.isNaN(xi)) {
                if (!Float.isNaN(yi)) {
                    return name + "(NaN) = " + yi;
                }
                continue;
            }
            for (float[] pair : FORWARD_LIMITS.get(name)) {
                if (Float.floatToIntBits(pair[0]) == Float.floatToIntBits(xi) && Float.floatToIntBits(pair[1]) != Float.floatToIntBits(yi)) {
                    return name + "(" + xi + ") = " + yi + ", the contract says " + pair[1];
                }
            }
        }
        return null;
    }

    /** The class of a reduction's result from the classes of its elements (the elements are finite, small, or special). */
    private static String reduction(String name, Object[] in, Object result) {
        double[] x = values(in[0], (int) in[1], (int) in[in.length - 1]);
        double[] y = name.equals("dot") ? values(in[2], (int) in[3], (int) in[4]) : null;
        int n = x.length;
        boolean anyNaN = false;
        boolean posInf = false;
        boolean negInf = false;
        boolean allNegInf = n > 0;
        boolean allPosInf = n > 0;
        double exactSum = 0; // in double: classes as IEEE gives them, no overflow from small finite terms
        int firstNaN = -1;
        for (int i = 0; i < n; i++) {
            double t = y == null ? x[i] : x[i] * y[i];
            anyNaN |= Double.isNaN(x[i]);
            if (Double.isNaN(x[i]) && firstNaN < 0) {
                firstNaN = i;
            }
            posInf |= x[i] == Double.POSITIVE_INFINITY;
            negInf |= x[i] == Double.NEGATIVE_INFINITY;
            allNegInf &= x[i] == Double.NEGATIVE_INFINITY;
            allPosInf &= x[i] == Double.POSITIVE_INFINITY;
            exactSum += name.equals("asum") ? Math.abs(t) : t;
        }
        double r = result instanceof Number num ? num.doubleValue() : Double.NaN;
        double expected = switch (name) {
            case "sum", "dot", "asum" -> exactSum;
            case "mean" -> n == 0 ? Double.NaN : exactSum / n;
            case "max" -> anyNaN ? Double.NaN : posInf ? Double.POSITIVE_INFINITY : allNegInf || n == 0 ? Double.NEGATIVE_INFINITY : 0.5;
            case "min" -> anyNaN ? Double.NaN : negInf ? Double.NEGATIVE_INFINITY : allPosInf || n == 0 ? Double.POSITIVE_INFINITY : 0.5;
            case "nrm2" -> anyNaN ? Double.NaN : posInf || negInf ? Double.POSITIVE_INFINITY : 0.5;
            case "logSumExp" -> anyNaN ? Double.NaN : posInf ? Double.POSITIVE_INFINITY : allNegInf || n == 0 ? Double.NEGATIVE_INFINITY : 0.5;
            case "variance" -> anyNaN || posInf || negInf || n == 0 ? Double.NaN : 0.5;
            case "argmax" -> Double.NaN;
            default -> throw new AssertionError("no special-value rule for Reductions." + name);
        };
        if (name.equals("argmax")) { // compares with '>': the first NaN wins, else the first of equal maxima
            int best = -1;
            for (int i = 0; i < n && (best < 0 || !Double.isNaN(x[best])); i++) {
                if (best < 0 || Double.isNaN(x[i]) || x[i] > x[best]) {
                    best = i;
                }
            }
            return (int) result == best ? null : "argmax = " + result + ", expected " + best;
        }
        return sameClass(r, expected) ? null : name + " = " + r + ", expected the class of " + expected;
    }

    /** Each element of C (or y) is NaN, infinite or finite as the product in double, with BLAS's quick returns. */
    private static String gemmClasses(Call call, Object[] in, Object[] out) {
        boolean gemv = call.method.getName().endsWith("gemv");
        int m = (int) in[gemv ? 1 : 2];
        int n = (int) in[gemv ? 2 : 3];
        int k = gemv ? 0 : (int) in[4];
        double alpha = ((Number) in[gemv ? 3 : 5]).doubleValue();
        boolean transA = in[0] == Transpose.TRANS;
        boolean transB = !gemv && in[1] == Transpose.TRANS;
        Operand aOp = call.operands.get(0);
        Operand bOp = call.operands.get(1);
        Operand cOp = call.operands.get(2);
        double beta = ((Number) in[gemv ? 9 : cOp.index() - 1]).doubleValue();
        long aOff = aOp.offsetOf(in);
        long bOff = bOp.offsetOf(in);
        long cOff = cOp.offsetOf(in);
        int lda = aOp.ldIndex() >= 0 ? (int) in[aOp.ldIndex()] : Math.max(1, transA ? m : k);
        int ldb = bOp.ldIndex() >= 0 ? (int) in[bOp.ldIndex()] : Math.max(1, transB ? k : n);
        int ldc = cOp.ldIndex() >= 0 ? (int) in[cOp.ldIndex()] : Math.max(1, n);
        int es = call.elementBytes();
        if (gemv) {
            // y = alpha * op(A) x + beta y: as GEMM with op(A) of rows x inner, x an inner x 1 "B", y a rows x 1 "C".
            int rows = transA ? n : m;
            int inner = transA ? m : n;
            for (int i = 0; i < rows; i++) {
                double s = 0;
                for (int p = 0; p < inner; p++) {
                    double aip = transA ? get(in[4], aOff + (long) p * lda + i, es) : get(in[4], aOff + (long) i * lda + p, es);
                    s += aip * get(in[7], bOff + p, es);
                }
                String d = element(alpha, s, beta, get(in[10], cOff + i, es), get(out[10], cOff + i, es), "y[" + i + "]");
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double aip = transA ? get(in[6], aOff + (long) p * lda + i, es) : get(in[6], aOff + (long) i * lda + p, es);
                    double bpj = transB ? get(in[bOp.index()], bOff + (long) j * ldb + p, es) : get(in[bOp.index()], bOff + (long) p * ldb + j, es);
                    s += aip * bpj;
                }
                long at = cOff + (long) i * ldc + j;
                String d = element(alpha, k == 0 ? 0 : s, beta, get(in[cOp.index()], at, es), get(out[cOp.index()], at, es),
                        "C[" + i + "][" + j + "]");
                if (d != null) {
                    return d;
                }
            }
        }
        return null;
    }

    private static String element(double alpha, double s, double beta, double c0, double c, String where) {
        double expected = (alpha == 0 ? 0 : alpha * s) + (beta == 0 ? 0 : beta * c0);
        return sameClass(c, expected) ? null : where + " = " + c + ", the product in double is " + expected
                + " (alpha " + alpha + ", beta " + beta + ", C0 " + c0 + ")";
    }

    /** A row with a NaN or +Inf, or of only -Inf, is all NaN; other rows are finite (a -Inf logit gives 0, or -Inf in log space). */
    private static String softmaxRows(Call call, Object[] in, Object[] out, Object result) {
        boolean ce = call.method.getName().equals("crossEntropy");
        float[] x = (float[]) in[0];
        int xOff = (int) in[1];
        int rows = (int) in[2];
        int cols = (int) in[3];
        int ldx = (int) in[4];
        float[] y = (float[]) out[ce ? 7 : 5];
        int yOff = (int) in[ce ? 8 : 6];
        int ldy = (int) in[ce ? 9 : 7];
        boolean anyNaNRow = false;
        for (int r = 0; r < rows; r++) {
            boolean poisoned = false;
            boolean allNegInf = true;
            for (int j = 0; j < cols; j++) {
                float v = x[xOff + r * ldx + j];
                poisoned |= Float.isNaN(v) || v == Float.POSITIVE_INFINITY;
                allNegInf &= v == Float.NEGATIVE_INFINITY;
            }
            poisoned |= allNegInf;
            anyNaNRow |= poisoned;
            for (int j = 0; j < cols; j++) {
                float v = y[yOff + r * ldy + j];
                float xv = x[xOff + r * ldx + j];
                boolean ok = poisoned ? Float.isNaN(v)
                        : xv == Float.NEGATIVE_INFINITY && !ce ? (call.method.getName().equals("softmax") ? v == 0f : v == Float.NEGATIVE_INFINITY)
                        : Float.isFinite(v);
                if (!ok) {
                    return "row " + r + " col " + j + ": " + v + " for x " + xv + (poisoned ? " in a row that must be all NaN" : "");
                }
            }
        }
        if (ce && anyNaNRow && !Float.isNaN((float) result)) {
            return "loss " + result + " with a NaN row";
        }
        return null;
    }

    // ================================================================ values

    /** The input elements at the index a message "[i] = ..." names, for elementwise calls (offsets equal in the built calls or not). */
    private static String inputsAt(Call call, Object[] in, String message) {
        long outIndex = Long.parseLong(message.substring(1, message.indexOf(']')));
        Operand out = call.operands.stream().filter(Operand::written).findFirst().orElseThrow();
        long i = outIndex - out.offsetOf(in);
        StringBuilder s = new StringBuilder();
        for (Operand op : call.operands) {
            if (!op.written() && op.offsetIndex() >= 0 && i >= 0 && i < op.extentOf(in) && !(in[op.index()] instanceof int[])) {
                s.append(op.name()).append('=').append(get(in[op.index()], op.offsetOf(in) + i, call.elementBytes())).append(' ');
            }
        }
        return s.toString();
    }

    private static boolean sameClass(double a, double b) {
        return Double.isNaN(a) ? Double.isNaN(b) : Double.isInfinite(a) ? a == b : Double.isFinite(b);
    }

    private static boolean agree(Object mine, Object theirs, boolean exact) {
        if (mine instanceof Float f) {
            float g = (Float) theirs;
            return exact ? Float.floatToIntBits(f) == Float.floatToIntBits(g) : sameClass(f, g);
        }
        if (mine instanceof Double f) {
            double g = (Double) theirs;
            return exact ? Double.doubleToLongBits(f) == Double.doubleToLongBits(g) : sameClass(f, g);
        }
        return java.util.Objects.equals(mine, theirs);
    }

    private static String agreeElements(Object mine, Object theirs, boolean exact, int es) {
        long length = mine instanceof MemorySegment s ? s.byteSize() / es : PublicApi.lengthOf(mine);
        for (long i = 0; i < length; i++) {
            double a = get(mine, i, es);
            double b = get(theirs, i, es);
            boolean same = exact ? Double.doubleToLongBits(a) == Double.doubleToLongBits(b) : sameClass(a, b);
            if (!same) {
                return "[" + i + "] = " + a + ", the reference " + b;
            }
        }
        return null;
    }

    private static double get(Object arrayOrSegment, long i, int es) {
        return switch (arrayOrSegment) {
            case float[] f -> f[(int) i];
            case double[] d -> d[(int) i];
            case short[] h -> h[(int) i];
            case byte[] b -> b[(int) i];
            case int[] n -> n[(int) i];
            case MemorySegment s -> es == Float.BYTES ? s.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i)
                    : es == Short.BYTES ? s.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i)
                    : s.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, i);
            default -> throw new IllegalArgumentException(String.valueOf(arrayOrSegment));
        };
    }

    private static double[] values(Object array, int offset, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = get(array, offset + i, 0);
        }
        return v;
    }

    private static final float[] SPECIALS = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.intBitsToFloat(0x7fc12345), Float.intBitsToFloat(0xffa00001)}; // NaNs with payloads, quiet and signalling bits

    /**
     * Puts specials into an array or segment: each element with probability {@code density}, and the
     * last element always; for the activations with documented finite edges (exp(89) = +Inf, ...),
     * those inputs too. {@code onlyNegInf}: the specials are all -Inf (rows of only -Inf for softmax).
     */
    private static void sprinkle(Object arg, double density, SplittableRandom random, String name, boolean onlyNegInf) {
        if (!(arg instanceof float[] || arg instanceof double[] || arg instanceof MemorySegment)) {
            return;
        }
        float[][] edges = FORWARD_LIMITS.getOrDefault(name, new float[0][]);
        long length = arg instanceof MemorySegment s ? s.byteSize() / (name.startsWith("d") ? 8 : 4) : PublicApi.lengthOf(arg);
        for (long i = 0; i < length; i++) {
            boolean last = i == length - 1;
            if (last || random.nextDouble() < density) {
                float v = onlyNegInf ? Float.NEGATIVE_INFINITY : SPECIALS[random.nextInt(SPECIALS.length)];
                set(arg, i, v, name);
            } else if (edges.length > 0 && random.nextDouble() < 0.1) {
                set(arg, i, edges[random.nextInt(edges.length)][0], name);
            }
        }
    }

    private static void set(Object arg, long i, float v, String name) {
        switch (arg) {
            case float[] f -> f[(int) i] = v;
            case double[] d -> d[(int) i] = v;
            case MemorySegment s -> {
                if (name.startsWith("d")) {
                    s.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, i, v);
                } else {
                    s.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, v);
                }
            }
            default -> throw new IllegalArgumentException();
        }
    }

    /** Arguments with every array and segment copied. */
    private static Object[] deepCopy(Object[] args) {
        Object[] copy = args.clone();
        java.util.IdentityHashMap<Object, Object> copies = new java.util.IdentityHashMap<>();
        for (int i = 0; i < copy.length; i++) {
            Object a = copy[i];
            if (a == null) {
                continue;
            }
            if (a.getClass().isArray()) {
                copy[i] = copies.computeIfAbsent(a, PublicApi::cloneArray);
            } else if (a instanceof MemorySegment s) {
                copy[i] = copies.computeIfAbsent(a, x -> Arena.ofAuto().allocate(s.byteSize(), 8).copyFrom(s));
            }
        }
        return copy;
    }

}
