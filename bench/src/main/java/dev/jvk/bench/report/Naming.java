package dev.jvk.bench.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import dev.jvk.bench.ceiling.FmaPeakBench;
import dev.jvk.bench.ceiling.StreamBench;

/**
 * The naming conventions of the benchmark suite, in code; {@code bench/README.md} says the same
 * in prose. A JMH benchmark {@code dev.jvk.bench.<family>.<Op>Bench.<implementation>} with
 * parameters such as {@code size}, {@code shape}, {@code threads} and {@code batch} becomes a row
 * of the report. Anything else is "unrecognised" and listed raw.
 */
public final class Naming {
    /** The package every benchmark of the suite lives under. */
    public static final String ROOT_PACKAGE = "dev.jvk.bench";

    /** Implementations the report knows, in the order of its columns; others follow alphabetically. */
    public static final List<String> KNOWN_IMPLEMENTATIONS = List.of(
            "jvk", "reference", "plain", "openblas", "netlib", "ejml", "lucene", "pytorch", "onnxruntime", "lanewise",
            "arraycopy", "arraysFill", "stream");

    /** Operations of {@code dev.jvk.bench.blas1} that reduce a vector to a number: the "reductions" table. */
    public static final Set<String> REDUCTIONS = Set.of(
            "sum", "dot", "max", "min", "argmax", "asum", "nrm2", "logsumexp", "mean", "variance");

    /** Operations a method name may carry besides the implementation ({@code dotLucene}, {@code lanewiseMax}). */
    static final Set<String> METHOD_OPERATIONS = Set.of(
            "sum", "dot", "max", "min", "argmax", "asum", "nrm2", "logsumexp", "mean", "variance",
            "axpy", "scal", "add", "sub", "mul", "copy", "fill", "addbias", "columnsums", "triad");

    /** Parameters that say what a row is, rather than being shown as extra parameters. */
    private static final Set<String> STRUCTURAL = Set.of("op", "size", "shape", "m", "n", "k", "rows", "cols", "threads");

    private Naming() {}

    /**
     * Who a benchmark row is, if it follows the conventions.
     *
     * @param family  the table it belongs to
     * @param op      the operation, e.g. {@code sgemm}, {@code dot}, {@code exp}
     * @param group   the operation its class is named for ({@code activations} for
     *                {@code ActivationsBench}, whose rows are {@code exp}, {@code tanh}...): rows of two
     *                classes with the same operation are kept apart by it
     * @param impl    the implementation, e.g. {@code jvk}, {@code openblas}
     * @param shape   the problem size
     * @param threads threads the kernel uses: the {@code threads} parameter, else JMH's thread count
     * @param extras  the other parameters, sorted, shown in a column of their own
     * @param work    what one call does
     */
    public record Identity(Family family, String op, String group, String impl, Shape shape, int threads,
                           Map<String, String> extras, Work work) {
        public Identity {
            extras = Map.copyOf(extras);
        }

        /** Extra parameters as {@code a=1, b=x}; empty when there are none. */
        public String extrasLabel() {
            StringBuilder s = new StringBuilder();
            new TreeMap<>(extras).forEach((k, v) -> s.append(s.isEmpty() ? "" : ", ").append(k).append('=').append(v));
            return s.toString();
        }
    }

    /** The identity of a benchmark at these parameters, or empty when it does not follow the conventions. */
    public static Optional<Identity> identify(String benchmark, Map<String, String> params, int jmhThreads) {
        String[] parts = benchmark.split("\\.");
        String[] root = ROOT_PACKAGE.split("\\.");
        // dev.jvk.bench.<family>.<Class>.<method>: nothing deeper, nothing shallower
        if (parts.length != root.length + 3 || !benchmark.startsWith(ROOT_PACKAGE + ".")) {
            return Optional.empty();
        }
        String pkg = parts[root.length];
        String className = parts[root.length + 1];
        String method = parts[root.length + 2];
        // A class that measures one peer alone is named for it: PyTorchMlpTrainingBenchmark is
        // pytorch's mlpTraining. Otherwise the class is the operation.
        String classOp = operationOf(className);
        String classImpl = "jvk";
        Optional<String[]> peerClass = splitLeadingImplementation(classOp);
        if (peerClass.isPresent()) {
            classImpl = peerClass.get()[0];
            classOp = peerClass.get()[1];
        }
        String op = params.containsKey("op") ? params.get("op") : classOp;
        String impl;
        // <op><Impl> or <impl><Op>, when the operation is one the report knows; else the method
        // is a variant of the class's operation (SgemmBench.jvkNoPacking: jvk's sgemm.jvkNoPacking)
        Optional<String[]> trailing = splitTrailingImplementation(method).filter(p -> isMethodOperation(p[0]));
        Optional<String[]> leading = splitLeadingImplementation(method).filter(p -> isMethodOperation(p[1]));
        if (pkg.equals("ceiling") || KNOWN_IMPLEMENTATIONS.contains(method)) {
            impl = method;                                   // SgemmBench.openblas
        } else if (trailing.isPresent() && !params.containsKey("op")) {
            op = trailing.get()[0];                          // SumDotBench.dotLucene
            impl = trailing.get()[1];
        } else if (leading.isPresent() && !params.containsKey("op")) {
            impl = leading.get()[0];                         // MaxFormulationsBench.lanewiseMax
            op = leading.get()[1];
        } else {
            impl = splitLeadingImplementation(method).map(p -> p[0]).orElse(classImpl); // MlpTrainingBenchmark.trainStep
            op = op + "." + method;
        }
        Family family = familyOf(pkg, op, method, classOp);
        if (family == null || op.isEmpty()) {
            return Optional.empty();
        }
        Shape shape = shapeOf(family, params);
        int threads = intParam(params, "threads").orElse(jmhThreads);
        Map<String, String> extras = new TreeMap<>();
        params.forEach((k, v) -> {
            if (!STRUCTURAL.contains(k)) {
                extras.put(k, v);
            }
        });
        Work work = family == Family.CEILING ? ceilingWork(className, method, params)
                : workOf(family, baseOperation(op), shape, params, classOp);
        return Optional.of(new Identity(family, op, classOp, impl, shape, threads, extras, work));
    }

    /** {@code "dotLucene"} → {@code ["dot", "lucene"]}: an operation, then a known implementation with a capital. */
    static Optional<String[]> splitTrailingImplementation(String method) {
        for (String known : KNOWN_IMPLEMENTATIONS) {
            int at = method.length() - known.length();
            if (at > 0 && method.regionMatches(true, at, known, 0, known.length()) && Character.isUpperCase(method.charAt(at))
                    && !Character.isUpperCase(method.charAt(at - 1))) {
                return Optional.of(new String[] {method.substring(0, at), known});
            }
        }
        return Optional.empty();
    }

    /** {@code "lanewiseMax"} → {@code ["lanewise", "max"]}: a known implementation, then an operation with a capital. */
    static Optional<String[]> splitLeadingImplementation(String name) {
        for (String known : KNOWN_IMPLEMENTATIONS) {
            if (name.length() > known.length() && name.regionMatches(true, 0, known, 0, known.length())
                    && Character.isUpperCase(name.charAt(known.length()))) {
                String rest = name.substring(known.length());
                return Optional.of(new String[] {known, Character.toLowerCase(rest.charAt(0)) + rest.substring(1)});
            }
        }
        return Optional.empty();
    }

    private static boolean isMethodOperation(String op) {
        return METHOD_OPERATIONS.contains(op.toLowerCase(Locale.ROOT));
    }

    /** The operation whose work a row does: {@code "sgemm"} for {@code "sgemm.jvkNoPacking"}. */
    private static String baseOperation(String op) {
        int dot = op.indexOf('.');
        return dot < 0 ? op : op.substring(0, dot);
    }

    /** {@code SgemmBench} → {@code sgemm}; {@code LogSumExpBenchmark} → {@code logSumExp}. */
    static String operationOf(String className) {
        String name = className;
        for (String suffix : List.of("Benchmarks", "Benchmark", "Bench")) {
            if (name.endsWith(suffix) && name.length() > suffix.length()) {
                name = name.substring(0, name.length() - suffix.length());
                break;
            }
        }
        return name.isEmpty() ? name : Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }

    /**
     * The family of a row: by package, and in {@code blas1} by whether the operation reduces,
     * judged from the operation or, for a method of its own, from the first word of the method or
     * class ({@code AccumulatorsBench.dotFourAccumulators}, {@code MaxFormulationsBench.plainMathMax}).
     */
    static Family familyOf(String pkg, String op, String method, String classOp) {
        boolean reduction = isReduction(op) || isReduction(firstWord(method)) || isReduction(firstWord(classOp));
        return switch (pkg) {
            case "gemm" -> Family.GEMM;
            case "blas1" -> reduction ? Family.REDUCTIONS : Family.ELEMENTWISE;
            case "activations" -> Family.ELEMENTWISE;
            case "mlp" -> Family.MLP;
            case "ceiling" -> Family.CEILING;
            default -> null;
        };
    }

    /** {@code "dotFourAccumulators"} → {@code "dot"}. */
    private static String firstWord(String camel) {
        for (int i = 1; i < camel.length(); i++) {
            if (Character.isUpperCase(camel.charAt(i))) {
                return camel.substring(0, i);
            }
        }
        return camel;
    }

    /** True for the operations of the reductions table (case does not matter). */
    public static boolean isReduction(String op) {
        return REDUCTIONS.contains(op.toLowerCase(Locale.ROOT));
    }

    /** Sorts implementation names: the known ones in their order, then the others alphabetically. */
    public static final Comparator<String> IMPLEMENTATION_ORDER = Comparator
            .comparingInt((String impl) -> {
                int i = KNOWN_IMPLEMENTATIONS.indexOf(impl);
                return i < 0 ? KNOWN_IMPLEMENTATIONS.size() : i;
            })
            .thenComparing(Comparator.naturalOrder());

    static Shape shapeOf(Family family, Map<String, String> params) {
        if (params.containsKey("shape")) {
            String label = params.get("shape");
            // "MxNxK", or with the transpositions first: "NT:128x784x256"
            String sizes = label.substring(label.indexOf(':') + 1);
            List<Long> dims = new ArrayList<>();
            for (String d : sizes.split("[x×X*, ]+")) {
                try {
                    dims.add(Long.parseLong(d.trim()));
                } catch (NumberFormatException notANumber) {
                    return new Shape(List.of(), label);
                }
            }
            return new Shape(dims, label);
        }
        List<Long> mnk = new ArrayList<>();
        for (String name : List.of("m", "n", "k")) {
            longParam(params, name).ifPresent(mnk::add);
        }
        if (params.containsKey("m") && !mnk.isEmpty()) {
            return new Shape(mnk, join(mnk));
        }
        Optional<Long> size = longParam(params, "size").or(() -> longParam(params, "n"));
        if (size.isPresent()) {
            long n = size.get();
            return new Shape(List.of(n), family == Family.GEMM ? Long.toString(n) : Shape.humanCount(n));
        }
        Optional<Long> rows = longParam(params, "rows");
        Optional<Long> cols = longParam(params, "cols");
        if (rows.isPresent() && cols.isPresent()) {
            List<Long> dims = List.of(rows.get(), cols.get());
            return new Shape(dims, join(dims));
        }
        return Shape.NONE;
    }

    /** True for an MLP operation that trains: its name says {@code train} ({@code mlpTraining.trainStep}). */
    public static boolean isTraining(String op) {
        return op.toLowerCase(Locale.ROOT).contains("train");
    }

    /** True for an MLP operation that infers: its name says {@code inference} or {@code predict}. */
    public static boolean isInference(String op) {
        String name = op.toLowerCase(Locale.ROOT);
        return !isTraining(op) && (name.contains("inference") || name.contains("predict"));
    }

    /**
     * Flops and bytes per call. GEMM: {@code 2mnk} flops, A, B and C once each; GEMV: {@code 2mn},
     * A, x and y once. BLAS-1 operations and activations: by operation, {@code n} elements of 4
     * bytes (8 when the parameter {@code type} or {@code precision} is {@code double}, or for the
     * {@code d}-prefixed BLAS names such as {@code dgemm}). MLP training: one sample per JMH
     * operation (a step's time depends on its batch, so training benchmarks count samples with
     * {@code @OperationsPerInvocation}; {@code batch} is then the step's). MLP inference: a call
     * of {@code batch} samples (one without the parameter). Other MLP operations (a model import):
     * unknown, shown as time per call.
     */
    static Work workOf(Family family, String op, Shape shape, Map<String, String> params, String classOp) {
        String name = op.toLowerCase(Locale.ROOT);
        int e = elementBytes(name, params, classOp);
        List<Long> d = shape.dims();
        double n = shape.volume();
        switch (family) {
            case GEMM -> {
                if (name.contains("gemm")) {
                    if (d.size() == 1) {
                        double s = d.get(0);
                        return Work.compute(2 * s * s * s, e * 3 * s * s, e);
                    }
                    if (d.size() == 3) {
                        double m = d.get(0), nn = d.get(1), k = d.get(2);
                        return Work.compute(2 * m * nn * k, e * (m * k + k * nn + m * nn), e);
                    }
                } else if (name.contains("gemv")) {
                    double m = d.isEmpty() ? Double.NaN : d.get(0);
                    double nn = d.size() >= 2 ? d.get(1) : m;
                    return Work.compute(2 * m * nn, e * (m * nn + m + nn), e);
                }
                return Work.UNKNOWN;
            }
            case MLP -> {
                if (isTraining(op)) {
                    return Work.samples(1);
                }
                return isInference(op) ? Work.samples(longParam(params, "batch").orElse(1L)) : Work.UNKNOWN;
            }
            case REDUCTIONS, ELEMENTWISE -> {
                return n == 0 ? Work.UNKNOWN : elementwiseWork(name, n, e);
            }
            default -> {
                return Work.UNKNOWN;
            }
        }
    }

    private static Work elementwiseWork(String name, double n, int e) {
        Work.StreamKind copy = Work.StreamKind.COPY;
        Work.StreamKind triad = Work.StreamKind.TRIAD;
        return switch (name) {
            // reductions: read x (and y), no writes
            case "sum", "mean", "asum" -> Work.memory(n, e * n, triad, e);
            case "nrm2" -> Work.memory(2 * n, e * n, triad, e);
            case "dot" -> Work.memory(2 * n, 2 * e * n, triad, e);
            case "max", "min", "argmax", "logsumexp", "variance" -> Work.memory(Double.NaN, e * n, triad, e);
            // BLAS-1 and vector operations
            case "axpy", "triad" -> Work.memory(2 * n, 3 * e * n, triad, e);
            case "add", "sub", "mul" -> Work.memory(n, 3 * e * n, triad, e);
            case "scal" -> Work.memory(n, 2 * e * n, copy, e);
            case "copy" -> Work.memory(0, 2 * e * n, copy, e);
            case "fill" -> Work.memory(0, e * n, copy, e);
            case "addbias" -> Work.memory(n, 2 * e * n, copy, e);
            case "columnsums" -> Work.memory(n, e * n, triad, e);
            // every other elementwise operation (activations, softmax): x -> y, or (x, dy) -> dx backward
            default -> name.endsWith("backward")
                    ? Work.memory(Double.NaN, 3 * e * n, triad, e)
                    : Work.memory(Double.NaN, 2 * e * n, copy, e);
        };
    }

    private static int elementBytes(String op, Map<String, String> params, String classOp) {
        String type = params.getOrDefault("type", params.getOrDefault("precision", "float")).toLowerCase(Locale.ROOT);
        boolean isDouble = type.equals("double") || type.equals("f64") || classOp.startsWith("double")
                || op.startsWith("dgem") || op.equals("ddot") || op.equals("daxpy");
        return isDouble ? Double.BYTES : Float.BYTES;
    }

    private static Work ceilingWork(String className, String method, Map<String, String> params) {
        try {
            if (className.equals(FmaPeakBench.class.getSimpleName())) {
                return Work.compute(FmaPeakBench.flopsPerCall(method), Double.NaN, method.startsWith("double") ? Double.BYTES : Float.BYTES);
            }
            if (className.equals(StreamBench.class.getSimpleName())) {
                long size = longParam(params, "size").orElseThrow(() -> new IllegalArgumentException("no size"));
                return Work.memory(StreamBench.flopsPerCall(method, size), StreamBench.bytesPerCall(method, size),
                        StreamBench.readsPerWrite(method) == 1 ? Work.StreamKind.COPY : Work.StreamKind.TRIAD, Float.BYTES);
            }
        } catch (IllegalArgumentException notACeiling) {
            return Work.UNKNOWN;
        }
        return Work.UNKNOWN;
    }

    private static String join(List<Long> dims) {
        StringBuilder s = new StringBuilder();
        for (long d : dims) {
            s.append(s.isEmpty() ? "" : "x").append(d);
        }
        return s.toString();
    }

    private static Optional<Long> longParam(Map<String, String> params, String name) {
        try {
            return Optional.ofNullable(params.get(name)).map(String::trim).map(Long::parseLong);
        } catch (NumberFormatException notANumber) {
            return Optional.empty();
        }
    }

    private static Optional<Integer> intParam(Map<String, String> params, String name) {
        return longParam(params, name).map(Long::intValue);
    }
}
