package dev.jvk.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.jvk.bench.report.Family;
import dev.jvk.bench.report.Naming;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * What {@code jvk bench} runs: the curated quick selection and the full suite, as JMH include
 * patterns and parameter overrides per family. A parameter override applies only to the
 * benchmarks that declare that {@code @Param}; see {@code bench/README.md} for the names.
 *
 * <p>Each selection is a JMH run of its own (overrides are per run: GEMM's {@code size} is not
 * BLAS-1's). The ceilings run first, in every run.
 */
final class Suite {

    /**
     * How JMH measures each benchmark.
     *
     * @param forks            JVM forks per benchmark (0 runs in this JVM: tests only)
     * @param warmupIterations warm-up iterations per fork
     * @param warmupTime       time of each warm-up iteration
     * @param iterations       measured iterations per fork
     * @param iterationTime    time of each measured iteration
     */
    record Timing(int forks, int warmupIterations, TimeValue warmupTime, int iterations, TimeValue iterationTime) {
        /** Seconds one benchmark run takes, about: iterations plus a fork's start-up and setup. */
        double secondsPerRun() {
            double perFork = warmupIterations * seconds(warmupTime) + iterations * seconds(iterationTime) + 2;
            return Math.max(1, forks) * perFork;
        }

        private static double seconds(TimeValue t) {
            return t.convertTo(java.util.concurrent.TimeUnit.MILLISECONDS) / 1000.0;
        }

        String describe() {
            return forks + (forks == 1 ? " fork" : " forks") + ", warm-up " + warmupIterations + " x " + warmupTime
                    + ", measurement " + iterations + " x " + iterationTime;
        }
    }

    /**
     * One JMH run.
     *
     * @param name       its name, also the stem of its JSON file
     * @param includes   JMH include patterns (regular expressions over {@code package.Class.method})
     * @param params     {@code @Param} overrides
     * @param jmhThreads JMH worker threads; 0 keeps each benchmark's own {@code @Threads}
     * @param minWarmupIterations at least this many warm-up iterations, whatever the timing says
     */
    record Selection(String name, List<String> includes, Map<String, List<String>> params, int jmhThreads, int minWarmupIterations) {
        Selection {
            includes = List.copyOf(includes);
            params = new LinkedHashMap<>(params);
        }

        Selection(String name, List<String> includes, Map<String, List<String>> params, int jmhThreads) {
            this(name, includes, params, jmhThreads, 0);
        }
    }

    /**
     * The ceilings warm up longer than the kernels: every share in the report is taken of them, and
     * an FMA loop still running boxed in the interpreter measured 0.02 GFLOP/s on a busy machine.
     */
    static final int CEILING_WARMUP_ITERATIONS = 5;

    /**
     * Quick: one fork, 2 s of warm-up. GEMM reaches C2 speed in about 0.5 s, but a small vector
     * kernel can take longer: the interpreter runs Vector API code a thousand times slower, so the
     * first calls are few and C2 comes late (1 s was not enough for exp on 4096 floats on a busy
     * machine). Six measurements of 250 ms rather than three of 500: JMH's 99.9% interval
     * multiplies the spread by Student's t, 31.6 for 3 samples and 6.9 for 6.
     */
    static final Timing QUICK = new Timing(1, 2, TimeValue.seconds(1), 6, TimeValue.milliseconds(250));
    /** Full: longer warm-up and measurement, still one fork so the suite finishes in reasonable time. */
    static final Timing FULL = new Timing(1, 3, TimeValue.seconds(1), 5, TimeValue.seconds(1));

    private static final String ROOT = "^" + Naming.ROOT_PACKAGE.replace(".", "\\.") + "\\.";
    private static final String REDUCTION_WORDS = "sum|dot|max|min|argmax|asum|nrm2|logSumExp|mean|variance";
    /**
     * A {@code blas1} benchmark of a reduction: a class named for one ({@code DotBench},
     * {@code SumDotBench}, {@code ReductionsBench}), or a method named for one ({@code DoublesBench.dotJvk}).
     */
    private static final String REDUCTION = "(?:(?i:(?:" + REDUCTION_WORDS + "|reductions?)\\w*)\\.\\w+$"
            + "|\\w+\\.(?:" + REDUCTION_WORDS + ")(?:[A-Z]\\w*)?$)";

    // The quick selection: the sizes and operations the targets in DESIGN.md are stated for, few
    // enough for about 5 minutes on 2 cores (each benchmark run costs about 5.5 s with its fork).
    /** SGEMM, jvk against OpenBLAS (the target's peer), 1 thread and all: two squares, the MLP's first layer and its narrow output layer. */
    static final List<String> QUICK_SGEMM_SHAPES = List.of("NN:256x256x256", "NN:1024x1024x1024", "NN:128x256x784", "NN:128x10x128");
    /** SGEMM, the single-threaded peers (scalar reference, netlib, EJML): one square, enough to place them. */
    static final List<String> QUICK_SGEMM_PEER_SHAPES = List.of("NN:256x256x256");
    /** DGEMM: the size its target is quoted at. */
    static final List<String> QUICK_DGEMM_SHAPES = List.of("NN:1024x1024x1024");
    /** SGEMV: the MLP's first layer at batch 1, A in L2. */
    static final List<String> QUICK_SGEMV_SHAPES = List.of("N:256x784");
    /** In L1 (where C2's own vectorization competes) and far beyond the last-level cache (where STREAM is the bound). */
    static final List<String> QUICK_VECTOR_SIZES = List.of("4096", "16777216");
    /** dot: the reduction with targets against Lucene and the reference. */
    static final List<String> QUICK_REDUCTIONS = List.of("dot");
    /** exp: a transcendental, jvk's own polynomial, against a plain Math.exp loop. */
    static final List<String> QUICK_ACTIVATIONS = List.of("exp");
    /** axpy and copy beyond the caches: the STREAM target of the memory-bound operations; copy against System.arraycopy. */
    static final List<String> QUICK_VECTOR_OPS = List.of("axpy", "copy");
    static final List<String> QUICK_STREAMING_SIZES = List.of("16777216");
    /** MLP training against PyTorch: the optimizer and batch of its baseline. */
    static final List<String> QUICK_OPTIMIZERS = List.of("sgd");
    static final List<String> QUICK_TRAINING_BATCHES = List.of("128");
    /** MLP inference against ONNX Runtime: batch 1 (the GEMV path), 128 (GEMM) and 1024 (where a second thread should pay). */
    static final List<String> QUICK_INFERENCE_BATCHES = List.of("1", "128", "1024");

    private Suite() {}

    /** The JMH include pattern of each family in the full suite. */
    static String familyPattern(Family family) {
        return switch (family) {
            case GEMM -> ROOT + "gemm\\.";
            case REDUCTIONS -> ROOT + "blas1\\." + REDUCTION;
            case ELEMENTWISE -> ROOT + "(?:activations\\.|blas1\\.(?!" + REDUCTION + "))";
            case MLP -> ROOT + "mlp\\.";
            case CEILING -> ROOT + "ceiling\\.";
        };
    }

    /**
     * The selections of one run.
     *
     * @param full        the whole suite rather than the quick selection
     * @param families    the families to run (empty: all)
     * @param threads     the {@code threads} parameter for GEMM and MLP; 0 keeps the benchmarks' own
     * @param widths      the vector widths whose FMA peak to measure (at most the preferred one)
     * @param jvkWidth    jvk's width: its double FMA peak and multi-thread peak are measured there
     * @param cores       the processors available: the ceiling is also measured on all of them
     */
    static List<Selection> plan(boolean full, Set<Family> families, int threads, List<Integer> widths, int jvkWidth, int cores) {
        // quick: 1 thread and all cores side by side, unless --threads names one count
        List<String> counts = threads > 0 ? List.of(Integer.toString(threads))
                : cores > 1 ? List.of("1", Integer.toString(cores)) : List.of("1");
        int most = threads > 0 ? threads : cores;
        List<Selection> plan = new ArrayList<>(full
                ? ceilings(widths, jvkWidth, threads > 1 ? threads : cores, true)
                : ceilings(widths, jvkWidth, most, false));
        Map<String, List<String>> threadParam = threads > 0 ? Map.of("threads", List.of(Integer.toString(threads))) : Map.of();
        Map<String, List<String>> sideBySide = Map.of("threads", counts);
        // the scalar reference, netlib and EJML are single-threaded whatever the parameter says
        Map<String, List<String>> oneThread = Map.of("threads", List.of("1"));
        boolean all = families.isEmpty();
        if (all || families.contains(Family.GEMM)) {
            if (full) {
                plan.add(new Selection("gemm", List.of(familyPattern(Family.GEMM)), threadParam, 0));
            } else {
                // GEMM only: GEMV benchmarks take shapes of their own form
                plan.add(new Selection("gemm-sgemm", List.of(ROOT + "gemm\\.(?i:sgemm\\w*)\\.(?:jvk|openblas)$"),
                        merged(sideBySide, Map.of("shape", QUICK_SGEMM_SHAPES)), 0));
                plan.add(new Selection("gemm-sgemm-peers", List.of(ROOT + "gemm\\.(?i:sgemm\\w*)\\.(?:reference|netlib|ejml)$"),
                        merged(oneThread, Map.of("shape", QUICK_SGEMM_PEER_SHAPES)), 0));
                plan.add(new Selection("gemm-dgemm", List.of(ROOT + "gemm\\.(?i:dgemm\\w*)\\.(?:jvk|openblas)$"),
                        merged(sideBySide, Map.of("shape", QUICK_DGEMM_SHAPES)), 0));
                plan.add(new Selection("gemm-sgemv", List.of(ROOT + "gemm\\.(?i:sgemv\\w*)\\.(?:jvk|openblas|netlib)$"),
                        Map.of("shape", QUICK_SGEMV_SHAPES), 0));
            }
        }
        if (all || families.contains(Family.REDUCTIONS)) {
            if (full) {
                plan.add(new Selection("reductions", List.of(familyPattern(Family.REDUCTIONS)), Map.of(), 0));
            } else {
                plan.add(new Selection("reductions", quick("blas1", "SumDotBench", QUICK_REDUCTIONS),
                        Map.of("size", QUICK_VECTOR_SIZES, "n", QUICK_VECTOR_SIZES), 0));
            }
        }
        if (all || families.contains(Family.ELEMENTWISE)) {
            if (full) {
                plan.add(new Selection("elementwise", List.of(familyPattern(Family.ELEMENTWISE)), Map.of(), 0));
            } else {
                // two runs: an "op" override must not send an activation's name to a BLAS-1 class
                plan.add(new Selection("elementwise-activations", quick("activations", "ActivationsBench", QUICK_ACTIVATIONS),
                        Map.of("size", QUICK_VECTOR_SIZES, "n", QUICK_VECTOR_SIZES, "op", QUICK_ACTIVATIONS), 0));
                plan.add(new Selection("elementwise-vectors", quick("blas1", "VectorsBench", QUICK_VECTOR_OPS),
                        Map.of("size", QUICK_STREAMING_SIZES, "n", QUICK_STREAMING_SIZES, "op", QUICK_VECTOR_OPS), 0));
            }
        }
        if (all || families.contains(Family.MLP)) {
            if (full) {
                plan.add(new Selection("mlp", List.of(familyPattern(Family.MLP)), threadParam, 0));
            } else {
                // two runs: training's batch is its step's, inference's the call's; jvk and each peer's class
                // (PyTorchMlpTrainingBenchmark, OnnxRuntimeMlpInferenceBenchmark) side by side; not the diagnostic
                // classes beside them (MlpInferenceBreakdownBenchmark: 14 pieces, half the quick run's forks)
                plan.add(new Selection("mlp-training", List.of(ROOT + "mlp\\.\\w*Training(Bench|Benchmark)\\.\\w+$"),
                        merged(sideBySide, Map.of("optimizer", QUICK_OPTIMIZERS, "batch", QUICK_TRAINING_BATCHES)), 0));
                plan.add(new Selection("mlp-inference", List.of(ROOT + "mlp\\.\\w*Inference(Bench|Benchmark)\\.\\w+$"),
                        merged(sideBySide, Map.of("batch", QUICK_INFERENCE_BATCHES)), 0));
            }
        }
        if (full && all) {
            // the whole suite: benchmarks outside the families too (the report lists them raw)
            plan.add(new Selection("other", List.of(ROOT + "(?!(gemm|blas1|activations|mlp|ceiling)\\.)"), threadParam, 0));
        }
        return plan;
    }

    /**
     * FMA peak at each width on one thread (double at jvk's width), STREAM copy and triad; on
     * {@code allThreads}, when more than one, the float FMA peak at jvk's width (the bound of
     * multi-threaded GEMM) and, with {@code streamToo}, STREAM.
     */
    static List<Selection> ceilings(List<Integer> widths, int jvkWidth, int allThreads, boolean streamToo) {
        List<Selection> s = new ArrayList<>();
        List<String> fma = new ArrayList<>();
        for (int w : widths) {
            fma.add("float" + w);
        }
        if (widths.contains(jvkWidth)) {
            fma.add("double" + jvkWidth);
        }
        List<String> oneThread = new ArrayList<>();
        if (!fma.isEmpty()) {
            oneThread.add(ROOT + "ceiling\\.FmaPeakBench\\.(" + String.join("|", fma) + ")$");
        }
        oneThread.add(ROOT + "ceiling\\.StreamBench\\.(copy|triad|arraycopy|update)$");
        s.add(new Selection("ceiling", oneThread, Map.of(), 1, CEILING_WARMUP_ITERATIONS));
        if (allThreads > 1) {
            List<String> many = new ArrayList<>();
            if (widths.contains(jvkWidth)) {
                many.add(ROOT + "ceiling\\.FmaPeakBench\\.float" + jvkWidth + "$");
            }
            if (streamToo) {
                many.add(ROOT + "ceiling\\.StreamBench\\.(copy|triad|arraycopy|update)$");
            }
            s.add(new Selection("ceiling-" + allThreads + "threads", many, Map.of(), allThreads, CEILING_WARMUP_ITERATIONS));
        }
        return s;
    }

    private static Map<String, List<String>> merged(Map<String, List<String>> a, Map<String, List<String>> b) {
        Map<String, List<String>> p = new LinkedHashMap<>(a);
        p.putAll(b);
        return p;
    }

    /**
     * The benchmarks of {@code ops} in a package: in a class named for one ({@code DotBench.jvk}),
     * as methods named for one in {@code container} ({@code SumDotBench.dotLucene}), or every method
     * of {@code container} when it takes the operation as its {@code op} parameter ({@code ActivationsBench}).
     */
    private static List<String> quick(String pkg, String container, List<String> ops) {
        String names = String.join("|", ops);
        return List.of(
                ROOT + pkg + "\\.(?i:(?:" + names + ")(?:bench|benchmark|benchmarks)?)\\.\\w+$",
                ROOT + pkg + "\\." + container + "\\.(?:(?:" + names + ")[A-Z]\\w*|" + String.join("|", Naming.KNOWN_IMPLEMENTATIONS) + ")$");
    }
}
