package dev.jvk.properties.guarantees;

import dev.jvk.kernels.Kernels;
import dev.jvk.kernels.Transpose;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

/**
 * Every public static method of the package {@code dev.jvk.kernels}, found by reflection (EJML
 * style: a method added tomorrow is found too), and for each a valid call with a description of
 * its arguments: which parameters are sizes, which arrays or memory segments it reads or writes,
 * with which offset, leading dimension and extent. Tests perturb one argument at a time from these
 * valid calls. Parameter names come from the class files ({@code javac -parameters}), so a test can
 * check that an exception names the parameter exactly as it is declared.
 *
 * <p>A method whose parameters fit none of the shapes below makes {@link #callsOf} fail with a
 * message that says so: describe its shape here, then every trust test covers it.
 */
final class PublicApi {
    private static final String PACKAGE = "dev.jvk.kernels";

    private PublicApi() {}

    /** How an output may share memory with an input of the same call. */
    enum Aliasing {
        /** Elementwise: the output may be the input at the same offset (in place); no other intersection. */
        SAME_OFFSET,
        /** Row-wise blocks: the output may be the input block itself (same offset and leading dimension). */
        SAME_BLOCK,
        /** No intersection at all (GEMM's C with A or B, a bias with its block, columnSums' out with x). */
        NEVER
    }

    /**
     * One array or segment argument.
     *
     * @param index       its parameter index
     * @param offsetIndex the index of its offset parameter, or -1 (whole-array forms)
     * @param ldIndex     the index of its leading dimension, or -1
     * @param extent      the elements the call touches from the offset, given the arguments (0 for none)
     * @param ldMinimum   with a leading dimension: the {@code x} of the rule {@code ld >= max(1, x)}
     * @param written     whether the call writes it
     */
    record Operand(String name, int index, int offsetIndex, int ldIndex, ToLongFunction<Object[]> extent,
                   ToIntFunction<Object[]> ldMinimum, boolean written) {

        long extentOf(Object[] args) {
            return extent.applyAsLong(args);
        }

        long offsetOf(Object[] args) {
            return offsetIndex < 0 ? 0 : ((Number) args[offsetIndex]).longValue();
        }
    }

    /** A valid call of one public method, with what each argument is. */
    static final class Call {
        final Method method;
        final String variant;
        final Object[] args;
        final List<Operand> operands;
        final List<Integer> sizes;
        final Aliasing aliasing;
        /** Bytes per element of each segment parameter, by index, where a call mixes element types (bf16 conversions); else null. */
        int[] segmentBytes;

        Call(Method method, String variant, Object[] args, List<Operand> operands, List<Integer> sizes, Aliasing aliasing) {
            this.method = method;
            this.variant = variant;
            this.args = args;
            this.operands = operands;
            this.sizes = sizes;
            this.aliasing = aliasing;
        }

        String name(int index) {
            return method.getParameters()[index].getName();
        }

        /** Bytes per element of the float or double data (for segments, GEMM's alpha says which). */
        int elementBytes() {
            for (Class<?> t : method.getParameterTypes()) {
                if (t == double[].class || t == double.class) {
                    return Double.BYTES;
                }
            }
            return Float.BYTES;
        }

        /** Elements in an array, or in a segment of this call's element type. */
        long length(Object arrayOrSegment) {
            return arrayOrSegment instanceof MemorySegment s ? s.byteSize() / elementBytes() : lengthOf(arrayOrSegment);
        }

        /** Bytes per element of an operand's segment. */
        int elementBytes(Operand op) {
            return segmentBytes != null ? segmentBytes[op.index()] : elementBytes();
        }

        /** Elements in an operand's array or segment (given, as an attempt may have replaced it). */
        long length(Operand op, Object arrayOrSegment) {
            return arrayOrSegment instanceof MemorySegment s ? s.byteSize() / elementBytes(op) : lengthOf(arrayOrSegment);
        }

        /** An offset argument of the parameter's type (int, or long for segments). */
        Object offsetArg(int index, long value) {
            return method.getParameterTypes()[index] == long.class ? (Object) value : (Object) (int) value;
        }

        /** Calls the method; returns its result, or throws what it threw. */
        Object invoke(Object[] arguments) throws Throwable {
            try {
                return method.invoke(null, arguments);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }

        /** A copy of the arguments whose arrays are new copies (segments stay: see {@link #snapshot}). */
        Object[] copyArgs() {
            Object[] copy = args.clone();
            IdentityHashMap<Object, Object> copies = new IdentityHashMap<>();
            for (int i = 0; i < copy.length; i++) {
                if (copy[i] != null && copy[i].getClass().isArray()) {
                    copy[i] = copies.computeIfAbsent(copy[i], PublicApi::cloneArray);
                }
            }
            return copy;
        }

        @Override
        public String toString() {
            return signature(method) + (variant.isEmpty() ? "" : " [" + variant + "]");
        }
    }

    // ================================================================ finding the methods

    /** Public static methods of every public class of dev.jvk.kernels (sub-packages excluded), sorted by signature. */
    static List<Method> publicMethods() {
        List<Method> methods = new ArrayList<>();
        for (Class<?> type : publicClasses()) {
            for (Method m : type.getDeclaredMethods()) {
                boolean enumSynthetic = type.isEnum() && (m.getName().equals("values") || m.getName().equals("valueOf"));
                if (Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers()) && !m.isSynthetic() && !enumSynthetic) {
                    methods.add(m);
                }
            }
        }
        methods.sort(Comparator.comparing(PublicApi::signature));
        return methods;
    }

    /** The public classes of the package, read from where Kernels.class was loaded (a directory or a jar). */
    static List<Class<?>> publicClasses() {
        try {
            URI location = Kernels.class.getProtectionDomain().getCodeSource().getLocation().toURI();
            Path root = Path.of(location);
            if (Files.isDirectory(root)) {
                return classesIn(root.resolve(PACKAGE.replace('.', '/')));
            }
            try (FileSystem jar = FileSystems.newFileSystem(root)) {
                return classesIn(jar.getPath(PACKAGE.replace('.', '/')));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot list the classes of " + PACKAGE, e);
        }
    }

    private static List<Class<?>> classesIn(Path dir) throws IOException {
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                String fileName = file.getFileName().toString();
                if (fileName.endsWith(".class") && !fileName.contains("$") && !fileName.equals("package-info.class")) {
                    Class<?> type = Class.forName(PACKAGE + "." + fileName.substring(0, fileName.length() - 6), false,
                            Kernels.class.getClassLoader());
                    if (Modifier.isPublic(type.getModifiers())) {
                        classes.add(type);
                    }
                }
            }
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        return classes;
    }

    static String signature(Method m) {
        StringBuilder s = new StringBuilder(m.getDeclaringClass().getSimpleName()).append('.').append(m.getName()).append('(');
        Parameter[] ps = m.getParameters();
        for (int i = 0; i < ps.length; i++) {
            s.append(i == 0 ? "" : ", ").append(ps[i].getType().getSimpleName()).append(' ').append(ps[i].getName());
        }
        return s.append(')').toString();
    }

    // ================================================================ shapes

    /** Methods that take no array: they are checked by their own tests (setThreads, info, ...). */
    static boolean takesNoArray(Method m) {
        return Arrays.stream(m.getParameterTypes()).noneMatch(t -> t.isArray() || t == MemorySegment.class);
    }

    /**
     * Valid calls of a method that takes arrays or segments (several for GEMM: every transpose pair).
     *
     * @throws AssertionError if the method has a shape this class does not know
     */
    static List<Call> callsOf(Method m) {
        Parameter[] ps = m.getParameters();
        if (ps.length > 0 && !ps[0].isNamePresent()) {
            throw new AssertionError("parameter names are missing from the class files: compile kernels with javac -parameters");
        }
        List<String> names = Arrays.stream(ps).map(Parameter::getName).toList();
        SplittableRandom random = new SplittableRandom(signature(m).hashCode());
        if (names.equals(List.of("transA", "transB", "m", "n", "k", "alpha", "a", "aOffset", "lda", "b", "bOffset", "ldb",
                "beta", "c", "cOffset", "ldc"))) {
            return gemm(m, random, true);
        }
        if (names.equals(List.of("transA", "transB", "m", "n", "k", "alpha", "a", "b", "beta", "c"))) {
            return gemm(m, random, false);
        }
        if (names.equals(List.of("transA", "m", "n", "alpha", "a", "aOffset", "lda", "x", "xOffset", "beta", "y", "yOffset"))) {
            return gemv(m, random);
        }
        if (endsWith(names, "bias", "biasOffset", "x", "xOffset", "rows", "cols", "ld")) {
            return List.of(named(m, random, "", 4, 9, Aliasing.NEVER,
                    vec("bias", "biasOffset", "cols", false), block("x", "xOffset", "ld", true)));
        }
        if (names.equals(List.of("x", "xOffset", "rows", "cols", "ld", "out", "outOffset"))) {
            return List.of(named(m, random, "", 4, 9, Aliasing.NEVER,
                    block("x", "xOffset", "ld", false), vec("out", "outOffset", "cols", true)));
        }
        if (names.equals(List.of("x", "xOffset", "rows", "cols", "ldx", "y", "yOffset", "ldy"))) {
            return List.of(named(m, random, "", 4, 9, Aliasing.SAME_BLOCK,
                    block("x", "xOffset", "ldx", false), block("y", "yOffset", "ldy", true)));
        }
        if (names.equals(List.of("logits", "offset", "rows", "cols", "ld", "labels", "labelsOffset", "dLogits", "dOffset", "ldd"))) {
            return List.of(named(m, random, "", 4, 9, Aliasing.SAME_BLOCK,
                    block("logits", "offset", "ld", false), vec("labels", "labelsOffset", "rows", false),
                    block("dLogits", "dOffset", "ldd", true)));
        }
        if (names.equals(List.of("x", "xOffset", "y", "yOffset", "n")) && ps[0].getType() == MemorySegment.class) {
            return List.of(segmentConversion(m, random));
        }
        if (names.equals(List.of("x", "xOffset", "rows", "cols", "ldx", "q", "qOffset", "ldq", "scales", "scalesOffset"))) {
            return List.of(named(m, random, "", 4, 9, Aliasing.NEVER, block("x", "xOffset", "ldx", false),
                    block("q", "qOffset", "ldq", true), vec("scales", "scalesOffset", "rows", true)));
        }
        if (m.getDeclaringClass().getSimpleName().equals("LowPrecision") && names.get(0).equals("m") && names.get(1).equals("n")) {
            return List.of(lowPrecisionProduct(m, random));
        }
        if (isElementwise(m)) {
            return List.of(elementwise(m, random));
        }
        if (isWholeArray(m)) {
            return List.of(wholeArray(m, random));
        }
        throw new AssertionError(signature(m) + " has a shape PublicApi does not know: describe it there, so that "
                + "the trust tests check its arguments");
    }

    private static boolean endsWith(List<String> names, String... tail) {
        return names.size() >= tail.length && names.subList(names.size() - tail.length, names.size()).equals(List.of(tail));
    }

    /** Leading scalars, then (array, offset) pairs, then n: the level-1, reduction and activation shape. */
    private static boolean isElementwise(Method m) {
        Parameter[] ps = m.getParameters();
        int i = 0;
        while (i < ps.length && isScalar(ps[i].getType())) {
            i++;
        }
        int pairs = 0;
        while (i + 1 < ps.length && ps[i].getType().isArray() && ps[i + 1].getType() == int.class
                && isOffsetName(ps[i + 1].getName())) {
            i += 2;
            pairs++;
        }
        return pairs > 0 && i == ps.length - 1 && ps[i].getType() == int.class && ps[i].getName().equals("n");
    }

    /** Leading scalars, then whole arrays: the convenience overloads. */
    private static boolean isWholeArray(Method m) {
        Parameter[] ps = m.getParameters();
        int i = 0;
        while (i < ps.length && isScalar(ps[i].getType())) {
            i++;
        }
        int arrays = 0;
        while (i < ps.length && ps[i].getType().isArray()) {
            i++;
            arrays++;
        }
        return arrays > 0 && i == ps.length;
    }

    private static boolean isScalar(Class<?> t) {
        return t == float.class || t == double.class;
    }

    private static boolean isOffsetName(String name) {
        return name.equals("offset") || name.endsWith("Offset");
    }

    // ================================================================ builders

    private static final int N = 150; // past one main-loop iteration of 4 accumulators at 512 bits, plus a tail

    private static Call elementwise(Method m, SplittableRandom random) {
        Parameter[] ps = m.getParameters();
        Object[] args = new Object[ps.length];
        int nIndex = ps.length - 1;
        args[nIndex] = N;
        int lastArray = -1;
        for (int i = 0; i < ps.length; i++) {
            if (ps[i].getType().isArray()) {
                lastArray = i;
            }
        }
        boolean writes = m.getReturnType() == void.class;
        List<Operand> operands = new ArrayList<>();
        for (int i = 0; i < nIndex; i++) {
            Class<?> t = ps[i].getType();
            if (isScalar(t)) {
                args[i] = t == float.class ? (Object) 0.5f : (Object) 0.5;
            } else if (t.isArray()) {
                int offset = 2 + operands.size();
                args[i] = randomArray(t, offset + N + 3, random);
                args[i + 1] = offset;
                operands.add(new Operand(ps[i].getName(), i, i + 1, -1, a -> (int) a[nIndex], null, writes && i == lastArray));
                i++;
            }
        }
        return new Call(m, "", args, operands, List.of(nIndex), Aliasing.SAME_OFFSET);
    }

    private static Call wholeArray(Method m, SplittableRandom random) {
        Parameter[] ps = m.getParameters();
        Object[] args = new Object[ps.length];
        int firstArray = -1;
        int lastArray = -1;
        for (int i = 0; i < ps.length; i++) {
            if (ps[i].getType().isArray()) {
                firstArray = firstArray < 0 ? i : firstArray;
                lastArray = i;
            }
        }
        boolean writes = m.getReturnType() == void.class;
        int first = firstArray;
        List<Operand> operands = new ArrayList<>();
        for (int i = 0; i < ps.length; i++) {
            Class<?> t = ps[i].getType();
            if (isScalar(t)) {
                args[i] = t == float.class ? (Object) 0.5f : (Object) 0.5;
            } else {
                args[i] = randomArray(t, N, random);
                // n is the first array's length: the others must hold n elements.
                operands.add(new Operand(ps[i].getName(), i, -1, -1, a -> a[first] == null ? 0 : lengthOf(a[first]), null,
                        writes && i == lastArray));
            }
        }
        return new Call(m, "", args, operands, List.of(), Aliasing.SAME_OFFSET);
    }

    /** An operand described by parameter names, resolved against a method in {@link #named}. */
    private record Spec(String array, String offset, String ld, String length, boolean written) {}

    private static Spec vec(String array, String offset, String length, boolean written) {
        return new Spec(array, offset, null, length, written);
    }

    private static Spec block(String array, String offset, String ld, boolean written) {
        return new Spec(array, offset, ld, null, written);
    }

    /**
     * A call of a rows x cols shape (bias, column sums, softmax, cross-entropy): blocks get a leading
     * dimension of cols + 3, offsets 1, 2, 3..., arrays 2 elements of slack, labels valid classes.
     */
    private static Call named(Method m, SplittableRandom random, String variant, int rows, int cols, Aliasing aliasing, Spec... specs) {
        Parameter[] ps = m.getParameters();
        List<String> names = Arrays.stream(ps).map(Parameter::getName).toList();
        Object[] args = new Object[ps.length];
        int rowsIndex = names.indexOf("rows");
        int colsIndex = names.indexOf("cols");
        args[rowsIndex] = rows;
        args[colsIndex] = cols;
        List<Operand> operands = new ArrayList<>();
        for (int i = 0; i < ps.length; i++) {
            if (isScalar(ps[i].getType())) {
                args[i] = ps[i].getType() == float.class ? (Object) 0.5f : (Object) 0.5;
            }
        }
        for (Spec spec : specs) {
            int index = names.indexOf(spec.array);
            int offsetIndex = names.indexOf(spec.offset);
            int offset = 1 + operands.size();
            args[offsetIndex] = offset;
            ToLongFunction<Object[]> extent;
            int ldIndex = -1;
            if (spec.ld != null) {
                ldIndex = names.indexOf(spec.ld);
                args[ldIndex] = cols + 3;
                int ld = ldIndex;
                extent = a -> extent((int) a[rowsIndex], (int) a[colsIndex], (int) a[ld]);
            } else {
                int lengthIndex = names.indexOf(spec.length);
                extent = a -> (int) a[lengthIndex];
            }
            Class<?> type = ps[index].getType();
            Object[] sized = args.clone();
            long length = offset + extent.applyAsLong(sized) + 2;
            args[index] = type == int[].class ? labels((int) length, cols, random) : randomArray(type, (int) length, random);
            operands.add(new Operand(spec.array, index, offsetIndex, ldIndex, extent, spec.ld == null ? null : a -> (int) a[colsIndex],
                    spec.written));
        }
        return new Call(m, variant, args, operands, List.of(rowsIndex, colsIndex), aliasing);
    }

    /**
     * LowPrecision's float/bf16 conversions on segments: x and y of different element sizes (from
     * the method's name: the side named "bf16" holds shorts), offsets and n in elements.
     */
    private static Call segmentConversion(Method m, SplittableRandom random) {
        boolean fromFloat = m.getName().startsWith("float");
        int xBytes = fromFloat ? Float.BYTES : Short.BYTES;
        int yBytes = fromFloat ? Short.BYTES : Float.BYTES;
        Object[] args = {null, 2L, null, 3L, (long) N};
        float[] values = (float[]) randomArray(float[].class, 2 + N + 2, random);
        MemorySegment x = Arena.ofAuto().allocate((2L + N + 2) * xBytes, 8);
        for (int i = 0; i < values.length; i++) {
            if (fromFloat) {
                x.setAtIndex(ValueLayout.JAVA_FLOAT, i, values[i]);
            } else {
                x.setAtIndex(ValueLayout.JAVA_SHORT, i, (short) (Float.floatToRawIntBits(values[i]) >>> 16));
            }
        }
        args[0] = x;
        args[2] = Arena.ofAuto().allocate((3L + N + 2) * yBytes, 8);
        List<Operand> operands = List.of(new Operand("x", 0, 1, -1, a -> ((Number) a[4]).longValue(), null, false),
                new Operand("y", 2, 3, -1, a -> ((Number) a[4]).longValue(), null, true));
        Call call = new Call(m, "", args, operands, List.of(4), Aliasing.NEVER);
        call.segmentBytes = new int[] {xBytes, 0, yBytes, 0, 0};
        return call;
    }

    /**
     * LowPrecision's products, C = A * B^T with int8 or bf16 B (m, n, k first), and y = A x with int8 or
     * bf16 A (m, n first): the operands found by name, with their extents, leading dimensions and
     * types; m = 5, n = 7, k = 3; offsets 1, 2, 3...; leading dimensions 2 past their minimum; scales
     * valid (finite, positive).
     */
    private static Call lowPrecisionProduct(Method m, SplittableRandom random) {
        Parameter[] ps = m.getParameters();
        List<String> names = Arrays.stream(ps).map(Parameter::getName).toList();
        boolean gemm = names.get(2).equals("k");
        int mi = 0;
        int ni = 1;
        int ki = gemm ? 2 : -1;
        Object[] args = new Object[ps.length];
        args[mi] = 5;
        args[ni] = 7;
        if (gemm) {
            args[ki] = 3;
        }
        // extent and leading-dimension minimum of each operand, from the sizes
        Map<String, ToLongFunction<Object[]>> lengths = Map.of(
                "scales", a -> (int) a[gemm ? ni : mi],
                "x", a -> (int) a[ni] == 0 || (int) a[mi] == 0 ? 0 : (int) a[ni],
                "y", a -> (int) a[mi]);
        Map<String, ToIntFunction<Object[]>> ldMinimum = gemm
                ? Map.of("a", a -> (int) a[ki], "b", a -> (int) a[ki], "c", a -> (int) a[ni])
                : Map.of("a", a -> (int) a[ni]);
        Map<String, int[]> blockSizes = gemm ? Map.of("a", new int[] {mi, ki}, "b", new int[] {ni, ki}, "c", new int[] {mi, ni})
                : Map.of("a", new int[] {mi, ni});
        List<Operand> operands = new ArrayList<>();
        String output = gemm ? "c" : "y";
        for (int i = 0; i < ps.length; i++) {
            if (!ps[i].getType().isArray()) {
                continue;
            }
            String name = names.get(i);
            int offsetIndex = i + 1;
            args[offsetIndex] = 1 + operands.size();
            int ldIndex = -1;
            ToLongFunction<Object[]> extent;
            ToIntFunction<Object[]> minimum = null;
            if (blockSizes.containsKey(name)) {
                int[] rc = blockSizes.get(name);
                ldIndex = i + 2;
                minimum = ldMinimum.get(name);
                int ld = ldIndex;
                extent = a -> extent((int) a[rc[0]], (int) a[rc[1]], (int) a[ld]);
                args[ldIndex] = minimum.applyAsInt(args) + 2;
            } else {
                extent = lengths.get(name);
            }
            long length = (int) args[offsetIndex] + extent.applyAsLong(args) + 2;
            Object array = randomArray(ps[i].getType(), (int) length, random);
            if (name.equals("scales")) {
                float[] positive = (float[]) array;
                for (int j = 0; j < positive.length; j++) {
                    positive[j] = Math.abs(positive[j]) + 0.25f;
                }
            }
            args[i] = array;
            operands.add(new Operand(name, i, offsetIndex, ldIndex, extent, minimum, name.equals(output)));
        }
        return new Call(m, "", args, operands, gemm ? List.of(mi, ni, ki) : List.of(mi, ni), Aliasing.NEVER);
    }

    /** sgemm/dgemm on arrays (with or without offsets and leading dimensions) or segments: every transpose pair. */
    private static List<Call> gemm(Method method, SplittableRandom random, boolean full) {
        Class<?>[] types = method.getParameterTypes();
        boolean segments = types[6] == MemorySegment.class;
        boolean isFloat = types[5] == float.class;
        List<Call> calls = new ArrayList<>();
        for (Transpose ta : Transpose.values()) {
            for (Transpose tb : Transpose.values()) {
                int m = 5;
                int n = 7;
                int k = 3;
                Object[] args = new Object[types.length];
                args[0] = ta;
                args[1] = tb;
                args[2] = m;
                args[3] = n;
                args[4] = k;
                args[5] = isFloat ? (Object) 0.5f : (Object) 0.5;
                List<Operand> operands = new ArrayList<>();
                if (full) {
                    // a: 6, b: 10, c: 13 (alpha and beta at 5 and 12)
                    int[][] layout = {{6, 7, 8}, {9, 10, 11}, {13, 14, 15}};
                    String[] names = {"a", "b", "c"};
                    args[12] = isFloat ? (Object) 0.25f : (Object) 0.25;
                    for (int op = 0; op < 3; op++) {
                        int[] at = layout[op];
                        int which = op;
                        ToIntFunction<Object[]> ldMinimum = a -> gemmLdMinimum(which, a);
                        ToLongFunction<Object[]> extent = a -> gemmExtent(which, a, ((Number) a[at[2]]).intValue());
                        args[at[1]] = segments ? (Object) (long) (op + 1) : (Object) (op + 1);
                        args[at[2]] = ldMinimum.applyAsInt(args) + 2;
                        long length = op + 1 + extent.applyAsLong(args) + 2;
                        Object array = randomArray(isFloat ? float[].class : double[].class, (int) length, random);
                        args[at[0]] = segments ? nativeCopy(array) : array;
                        operands.add(new Operand(names[op], at[0], at[1], at[2], extent, ldMinimum, op == 2));
                    }
                } else {
                    // sgemm(transA, transB, m, n, k, alpha, a, b, beta, c) with minimal leading dimensions
                    int[] at = {6, 7, 9};
                    String[] names = {"a", "b", "c"};
                    args[8] = isFloat ? (Object) 0.25f : (Object) 0.25;
                    for (int op = 0; op < 3; op++) {
                        int which = op;
                        ToLongFunction<Object[]> extent = a -> gemmExtent(which, a, Math.max(1, gemmLdMinimum(which, a)));
                        args[at[op]] = randomArray(isFloat ? float[].class : double[].class, (int) extent.applyAsLong(args), random);
                        operands.add(new Operand(names[op], at[op], -1, -1, extent, null, op == 2));
                    }
                }
                calls.add(new Call(method, ta + "/" + tb, args, operands, List.of(2, 3, 4), Aliasing.NEVER));
            }
        }
        return calls;
    }

    /** The x of {@code ld >= max(1, x)} for GEMM operand 0 (A), 1 (B) or 2 (C). */
    private static int gemmLdMinimum(int operand, Object[] a) {
        int m = (int) a[2];
        int n = (int) a[3];
        int k = (int) a[4];
        boolean transA = a[0] == Transpose.TRANS;
        boolean transB = a[1] == Transpose.TRANS;
        return switch (operand) {
            case 0 -> transA ? m : k;
            case 1 -> transB ? k : n;
            default -> n;
        };
    }

    private static long gemmExtent(int operand, Object[] a, int ld) {
        int m = (int) a[2];
        int n = (int) a[3];
        int k = (int) a[4];
        boolean transA = a[0] == Transpose.TRANS;
        boolean transB = a[1] == Transpose.TRANS;
        return switch (operand) {
            case 0 -> transA ? extent(k, m, ld) : extent(m, k, ld);
            case 1 -> transB ? extent(n, k, ld) : extent(k, n, ld);
            default -> extent(m, n, ld);
        };
    }

    private static List<Call> gemv(Method method, SplittableRandom random) {
        boolean isFloat = method.getParameterTypes()[3] == float.class;
        Class<?> arrayType = isFloat ? float[].class : double[].class;
        List<Call> calls = new ArrayList<>();
        for (Transpose t : Transpose.values()) {
            Object[] args = new Object[12];
            args[0] = t;
            args[1] = 5;
            args[2] = 7;
            args[3] = isFloat ? (Object) 0.5f : (Object) 0.5;
            args[9] = isFloat ? (Object) 0.25f : (Object) 0.25;
            ToLongFunction<Object[]> aExtent = a -> extent((int) a[1], (int) a[2], (int) a[6]);
            ToLongFunction<Object[]> xExtent = a -> gemvLength(a, a[0] == Transpose.NO_TRANS ? 2 : 1);
            ToLongFunction<Object[]> yExtent = a -> gemvLength(a, a[0] == Transpose.NO_TRANS ? 1 : 2);
            args[5] = 1;
            args[6] = 9;
            args[4] = randomArray(arrayType, (int) (1 + aExtent.applyAsLong(args) + 2), random);
            args[8] = 2;
            args[7] = randomArray(arrayType, (int) (2 + xExtent.applyAsLong(args) + 2), random);
            args[11] = 3;
            args[10] = randomArray(arrayType, (int) (3 + yExtent.applyAsLong(args) + 2), random);
            List<Operand> operands = List.of(
                    new Operand("a", 4, 5, 6, aExtent, a -> (int) a[2], false),
                    new Operand("x", 7, 8, -1, xExtent, null, false),
                    new Operand("y", 10, 11, -1, yExtent, null, true));
            calls.add(new Call(method, t.toString(), args, operands, List.of(1, 2), Aliasing.NEVER));
        }
        return calls;
    }

    /** GEMV's x or y length: the size at args[sizeIndex] (m at 1, n at 2), 0 when A is empty. */
    private static long gemvLength(Object[] a, int sizeIndex) {
        return (int) a[1] == 0 || (int) a[2] == 0 ? 0 : (int) a[sizeIndex];
    }

    // ================================================================ values

    static long extent(int rows, int cols, int ld) {
        return rows == 0 || cols == 0 ? 0 : (long) (rows - 1) * ld + cols;
    }

    static Object randomArray(Class<?> type, int length, SplittableRandom random) {
        if (type == float[].class) {
            float[] x = new float[length];
            for (int i = 0; i < length; i++) {
                x[i] = (float) random.nextDouble(-2, 2);
            }
            return x;
        }
        if (type == double[].class) {
            double[] x = new double[length];
            for (int i = 0; i < length; i++) {
                x[i] = random.nextDouble(-2, 2);
            }
            return x;
        }
        if (type == byte[].class) {
            byte[] x = new byte[length];
            random.nextBytes(x);
            return x;
        }
        if (type == short[].class) { // bf16 values in [-2, 2]
            short[] x = new short[length];
            for (int i = 0; i < length; i++) {
                x[i] = (short) (Float.floatToRawIntBits((float) random.nextDouble(-2, 2)) >>> 16);
            }
            return x;
        }
        if (type == int[].class) {
            int[] x = new int[length];
            for (int i = 0; i < length; i++) {
                x[i] = random.nextInt();
            }
            return x;
        }
        throw new IllegalArgumentException("no random " + type);
    }

    private static int[] labels(int length, int classes, SplittableRandom random) {
        int[] labels = new int[length];
        for (int i = 0; i < length; i++) {
            labels[i] = random.nextInt(classes);
        }
        return labels;
    }

    static long lengthOf(Object array) {
        return switch (array) {
            case float[] f -> f.length;
            case double[] d -> d.length;
            case int[] i -> i.length;
            case short[] h -> h.length;
            case byte[] b -> b.length;
            default -> throw new IllegalArgumentException(String.valueOf(array));
        };
    }

    static Object cloneArray(Object array) {
        return switch (array) {
            case float[] f -> f.clone();
            case double[] d -> d.clone();
            case int[] i -> i.clone();
            case short[] h -> h.clone();
            case byte[] b -> b.clone();
            default -> throw new IllegalArgumentException(String.valueOf(array));
        };
    }

    /** An array of the same type holding {@code length} elements: the first of the original's, then zeros. */
    static Object resize(Object array, int length) {
        return switch (array) {
            case float[] f -> Arrays.copyOf(f, length);
            case double[] d -> Arrays.copyOf(d, length);
            case int[] i -> Arrays.copyOf(i, length);
            case short[] h -> Arrays.copyOf(h, length);
            case byte[] b -> Arrays.copyOf(b, length);
            default -> throw new IllegalArgumentException(String.valueOf(array));
        };
    }

    /** The bytes of every array and segment among the arguments, to compare after a call. */
    static Map<Object, byte[]> snapshot(Object[] args) {
        Map<Object, byte[]> bytes = new IdentityHashMap<>();
        for (Object arg : args) {
            if (arg != null && (arg.getClass().isArray() || arg instanceof MemorySegment)) {
                bytes.computeIfAbsent(arg, PublicApi::bytesOf);
            }
        }
        return bytes;
    }

    static byte[] bytesOf(Object arrayOrSegment) {
        MemorySegment s = switch (arrayOrSegment) {
            case float[] f -> MemorySegment.ofArray(f);
            case double[] d -> MemorySegment.ofArray(d);
            case int[] i -> MemorySegment.ofArray(i);
            case short[] h -> MemorySegment.ofArray(h);
            case byte[] b -> MemorySegment.ofArray(b);
            case MemorySegment segment -> segment;
            default -> throw new IllegalArgumentException(String.valueOf(arrayOrSegment));
        };
        // A closed or foreign segment cannot be read (and so cannot have been written) from here.
        return s.scope().isAlive() && s.isAccessibleBy(Thread.currentThread()) ? s.toArray(ValueLayout.JAVA_BYTE) : new byte[0];
    }

    /** A native segment holding the elements of a float[] or double[], in an automatic (shared) arena. */
    static MemorySegment nativeCopy(Object array) {
        MemorySegment source = array instanceof float[] f ? MemorySegment.ofArray(f) : MemorySegment.ofArray((double[]) array);
        MemorySegment copy = Arena.ofAuto().allocate(source.byteSize(), 8);
        copy.copyFrom(source);
        return copy;
    }

    /**
     * The reference twin: ReferenceX.name with the same parameter types, for a method of X (for Gemm,
     * {@link dev.jvk.properties.support.ReferenceBlas}, which takes Transpose as Gemm does); empty for
     * the convenience forms.
     */
    static java.util.Optional<Method> twin(Method m) {
        try {
            Class<?> ref = m.getDeclaringClass() == dev.jvk.kernels.Gemm.class ? dev.jvk.properties.support.ReferenceBlas.class
                    : Class.forName("dev.jvk.kernels.reference.Reference" + m.getDeclaringClass().getSimpleName(), false,
                            Kernels.class.getClassLoader());
            return java.util.Optional.of(ref.getMethod(m.getName(), m.getParameterTypes()));
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            return java.util.Optional.empty();
        }
    }
}
