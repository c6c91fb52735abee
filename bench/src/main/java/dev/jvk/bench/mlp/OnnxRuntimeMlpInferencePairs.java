package dev.jvk.bench.mlp;

import java.util.Arrays;

/**
 * jvk's {@code Mlp.predict} and ONNX Runtime's run of the same model, timed in alternating blocks in one JVM on one
 * thread: each block times a fixed number of calls of one side (about 0.1 s of them), the two sides take turns,
 * which of them goes first alternating, and each pair of neighbouring blocks gives one ratio, jvk's time over ONNX
 * Runtime's within the same fraction of a second. The calls are those of {@link MlpInferenceBenchmark} and
 * {@link OnnxRuntimeMlpInferenceBenchmark} (their setup and their benchmark method, so the same model, data and
 * bound tensors). Why beside JMH: this shared host changes speed for seconds at a time, so JMH's forks, run one
 * after the other, differ by 5-10% where the paired ratios' quartiles span 2-3%. On more than one thread each
 * runtime's idle workers spin for a while after its block and would take the core the other side's worker needs,
 * so the blocks are then {@link #SETTLE_MILLIS} apart, long enough for both runtimes' workers to stop spinning.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp "bench/target/classes:bench/target/lib/*" \
 *   dev.jvk.bench.mlp.OnnxRuntimeMlpInferencePairs 1024 [pairs, default 40] [warm-up seconds, default 8] [threads, default 1] \
 *   [scaling: none (default) or standard, as MlpInferenceBenchmark's]
 * </pre>
 */
public final class OnnxRuntimeMlpInferencePairs {
    private static int whole(String name, String text, int least) {
        if (text == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, not '" + text + "'");
        }
        if (value < least) {
            throw new IllegalArgumentException(name + " must be at least " + least + ", not " + value);
        }
        return value;
    }

    private static void usage(String problem) {
        System.err.println("OnnxRuntimeMlpInferencePairs: " + problem + "; usage: OnnxRuntimeMlpInferencePairs BATCH [PAIRS] [WARM_UP_SECONDS] [THREADS] [none|standard]");
        System.exit(2);
    }

    /** The pause between blocks on more than one thread (see the class comment). */
    private static final long SETTLE_MILLIS = 30;

    private static final int MAX_BATCH = 1 << 16;
    private static final int MAX_PAIRS = 100_000;

    private OnnxRuntimeMlpInferencePairs() {}

    public static void main(String[] args) throws Exception {
        int batch = 0;
        int pairs = 0;
        long warmUpSeconds = -1;
        int threads = 0;
        try {
            batch = whole("BATCH", args.length > 0 ? args[0] : null, 1);
            pairs = whole("PAIRS", args.length > 1 ? args[1] : "40", 1);
            warmUpSeconds = whole("WARM_UP_SECONDS", args.length > 2 ? args[2] : "8", 0);
            threads = whole("THREADS", args.length > 3 ? args[3] : "1", 1);
            if (args.length > 4 && !args[4].equals("none") && !args[4].equals("standard")) {
                throw new IllegalArgumentException("SCALING must be none or standard, got '" + args[4] + "'");
            }
        } catch (IllegalArgumentException e) {
            usage(e.getMessage());
        }
        String scaling = args.length > 4 ? args[4] : "none";
        // the bounds keep the inputs (batch x 784 floats per runtime) and the pairs' arrays small whatever is typed
        if (args.length > 5 || batch > MAX_BATCH || pairs > MAX_PAIRS || warmUpSeconds > 3600
                || threads > Runtime.getRuntime().availableProcessors()) {
            usage("BATCH must be in [1, " + MAX_BATCH + "], PAIRS in [1, " + MAX_PAIRS
                    + "], THREADS in [1, the processors: " + Runtime.getRuntime().availableProcessors()
                    + "] and WARM_UP_SECONDS in [0, 3600], got " + String.join(" ", args));
        }
        long warmUpNanos = warmUpSeconds * 1_000_000_000L;
        MlpInferenceBenchmark jvk = new MlpInferenceBenchmark();
        jvk.batch = batch;
        jvk.threads = threads;
        jvk.scaling = scaling;
        jvk.setUp();
        OnnxRuntimeMlpInferenceBenchmark ort = new OnnxRuntimeMlpInferenceBenchmark();
        ort.batch = batch;
        ort.threads = threads;
        ort.scaling = scaling;
        ort.setUp();
        try {
            int calls = Math.max(1, 20_000 / batch);
            for (long end = System.nanoTime() + warmUpNanos; System.nanoTime() < end; ) {
                block(jvk, ort, true, calls);
                block(jvk, ort, false, calls);
            }
            double[] jvkMicros = new double[pairs];
            double[] ortMicros = new double[pairs];
            double[] ratios = new double[pairs];
            for (int i = 0; i < pairs; i++) {
                boolean jvkFirst = i % 2 == 0;
                double first = block(jvk, ort, jvkFirst, calls) / 1e3 / calls;
                double second = block(jvk, ort, !jvkFirst, calls) / 1e3 / calls;
                jvkMicros[i] = jvkFirst ? first : second;
                ortMicros[i] = jvkFirst ? second : first;
                ratios[i] = jvkMicros[i] / ortMicros[i];
            }
            System.out.printf("batch %d, %d thread(s), scaling %s, %d pairs of %d calls: jvk %s us, ONNX Runtime %s us, jvk time / ORT time %s%n",
                    batch, threads, scaling, pairs, calls, quartiles(jvkMicros, "%.1f"), quartiles(ortMicros, "%.1f"), quartiles(ratios, "%.4f"));
        } finally {
            ort.tearDown();
        }
    }

    /** Nanoseconds for {@code calls} calls of jvk ({@code jvkSide}) or ONNX Runtime. */
    private static long block(MlpInferenceBenchmark jvk, OnnxRuntimeMlpInferenceBenchmark ort, boolean jvkSide, int calls) throws Exception {
        if (jvk.threads > 1) {
            Thread.sleep(SETTLE_MILLIS);
        }
        long start = System.nanoTime();
        for (int c = 0; c < calls; c++) {
            if (jvkSide) {
                jvk.predict();
            } else {
                ort.predict();
            }
        }
        return System.nanoTime() - start;
    }

    /** "median (q25-q75)" of {@code values}. */
    private static String quartiles(double[] values, String format) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return String.format(format + " (" + format + "-" + format + ")", sorted[n / 2], sorted[n / 4], sorted[(3 * n) / 4]);
    }
}
