package dev.jvk.bench.mlp;

import static dev.jvk.bench.PairedRounds.column;
import static dev.jvk.bench.PairedRounds.positive;
import static dev.jvk.bench.PairedRounds.quantile;

import dev.jvk.kernels.Gemm;
import dev.jvk.nn.Activation;
import dev.jvk.nn.Mlp;
import dev.jvk.nn.data.DataSet;
import dev.jvk.nn.data.FeatureScaling;
import dev.jvk.nn.optim.Optimizer;
import dev.jvk.nn.optim.OptimizerConfig;
import java.io.File;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A development tool, not the report: the training step of {@link MlpTrainingBenchmark} (784-256-128-10, ReLU,
 * softmax cross-entropy, SGD at 0.1, {@link Mlp#trainStep} on the next batch of a pool) on 1 and 2 threads, and two
 * independent one-thread steps at once ({@code indep}: two models, each stepping on its own Java thread; what the host
 * gives two cores with nothing shared), each step on a batch of the pool where it lies, as {@code ./jvk train} hands a
 * step its rows (each thread of the step copies and scales its part itself), in short rounds that rotate through the three in one JVM, as
 * {@code gemm.ThreadPairs} does for GEMM: on a host whose cores change speed second by second, forks a minute apart
 * (JMH) do not compare, ratios paired by round do. The 1- and 2-thread modes step the same model on the same batches
 * (the pool's position is reset at each round), so they differ only in the thread count, whose bits are the same.
 * Prints per batch the median step time of each mode over the rounds after the first quarter with its quartiles, and
 * the ratios paired by round (2/1, indep/1, 2/indep) as median [quartiles] (range).
 *
 * <p>With {@code -Dpairs.base=<nn jar>:<kernels jar>} (another build's two jars, in a class loader of their own) also
 * that build's step on 1 and 2 threads ({@code base 1}, {@code base 2}), in the same rounds: a before/after paired by
 * round, printed as {@code base 2/1}, {@code 1 / base 1} and {@code 2 / base 2}. A JVM's 2-thread step at batch 32 on the
 * Zen 4 host runs at one of two levels, often for the whole JVM, so builds compared JVM against JVM differ by the
 * level they drew (bench/RESULTS-threads.md); in one JVM both draw the same.
 *
 * <p>{@code java --add-modules jdk.incubator.vector -cp "bench/target/classes:bench/target/lib/*"
 * dev.jvk.bench.mlp.TrainingPairs 32 128 512} ({@code -Dpairs.rounds=24}, {@code -Dpairs.roundSeconds=0.25},
 * {@code -Dpairs.oversubscribed=true}, {@code -Dpairs.base=...}, {@code -Dpairs.baseCopies=true}).
 */
public final class TrainingPairs {
    private static final int ROUNDS = Integer.getInteger("pairs.rounds", 24);
    private static final long ROUND_NANOS = (long) (Double.parseDouble(System.getProperty("pairs.roundSeconds", "0.25")) * 1e9);
    /**
     * With {@code -Dpairs.oversubscribed=true} also 4 and 8 threads (issue 10: on a 2-core host they must stay within
     * 10% of 2 threads), paired by round with the 2-thread mode.
     */
    private static final boolean OVERSUBSCRIBED = Boolean.getBoolean("pairs.oversubscribed");
    /** The other build, when {@code -Dpairs.base} names its jars ({@link Base}), else null. */
    private static final Base BASE = Base.load(System.getProperty("pairs.base"));
    /**
     * With {@code -Dpairs.baseCopies=true} the other build's steps get each batch copied into one buffer on the caller's
     * thread first ({@link Stepper}): the old way of this tool against the new, paired by round.
     */
    private static final boolean BASE_COPIES = Boolean.getBoolean("pairs.baseCopies");
    private static final String[] MODES = modes();
    /** The index in {@link #MODES} of {@code base 1} ({@code base 2} follows), or -1. */
    private static final int BASE_MODE = BASE == null ? -1 : MODES.length - 2;
    /** Rows in the pool of batches (as the JMH benchmark's, whose figures these pair). */
    private static final int POOL_ROWS = MlpTrainingBenchmark.SAMPLES * MlpTrainingBenchmark.BATCHES / 4;

    private TrainingPairs() {}

    private static String[] modes() {
        List<String> modes = new java.util.ArrayList<>(List.of("1 thread", "2 threads", "indep"));
        if (OVERSUBSCRIBED) {
            modes.addAll(List.of("4 threads", "8 threads"));
        }
        if (BASE != null) {
            modes.addAll(List.of("base 1", "base 2"));
        }
        return modes.toArray(String[]::new);
    }

    /** One training step of a model on {@code rows} rows of {@code x} and {@code y}; returns the batch's mean loss. */
    @FunctionalInterface
    interface Step {
        float step(float[] x, int[] y, int rows) throws Throwable;
    }

    /** This build's model: {@code MlpTrainingBenchmark}'s. */
    static Step model(FashionShapedData data) {
        Mlp mlp = Mlp.classifier(FashionShapedData.FEATURES, new int[] {256, 128}, Activation.RELU, FashionShapedData.CLASSES, 42);
        mlp.setScaling(FeatureScaling.fit(FeatureScaling.Kind.MIN_MAX,
                new DataSet(data.pixels, data.labels, data.rows, FashionShapedData.FEATURES, FashionShapedData.CLASSES, "pairs")));
        Optimizer update = OptimizerConfig.sgd().create(mlp.parameters());
        return (x, y, rows) -> mlp.trainStep(x, y, rows, update, 0.1f);
    }

    /**
     * The other build ({@code -Dpairs.base}): its nn and kernels jars in a class loader whose parent sees the JDK alone,
     * so none of its classes are this build's; the same model made and stepped through its public API.
     */
    static final class Base {
        private final MethodHandle classifier;
        private final Object relu;
        private final MethodHandle dataSet;
        private final MethodHandle fit;
        private final Object minMax;
        private final MethodHandle setScaling;
        private final MethodHandle parameters;
        private final Object sgd;
        private final MethodHandle create;
        private final MethodHandle trainStep;
        private final MethodHandle setThreads;
        /** The other build's {@code Mlp}. */
        final Class<?> mlpClass;

        private Base(ClassLoader loader) throws Throwable {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            Class<?> mlp = Class.forName("dev.jvk.nn.Mlp", true, loader);
            mlpClass = mlp;
            Class<?> activation = Class.forName("dev.jvk.nn.Activation", true, loader);
            Class<?> data = Class.forName("dev.jvk.nn.data.DataSet", true, loader);
            Class<?> scaling = Class.forName("dev.jvk.nn.data.FeatureScaling", true, loader);
            Class<?> kind = Class.forName("dev.jvk.nn.data.FeatureScaling$Kind", true, loader);
            Class<?> config = Class.forName("dev.jvk.nn.optim.OptimizerConfig", true, loader);
            Class<?> optimizer = Class.forName("dev.jvk.nn.optim.Optimizer", true, loader);
            classifier = lookup.findStatic(mlp, "classifier", MethodType.methodType(mlp, int.class, int[].class, activation, int.class, long.class));
            relu = constant(activation, "RELU");
            dataSet = lookup.findConstructor(data, MethodType.methodType(void.class, float[].class, int[].class, int.class, int.class, int.class,
                    String.class));
            fit = lookup.findStatic(scaling, "fit", MethodType.methodType(scaling, kind, data));
            minMax = constant(kind, "MIN_MAX");
            setScaling = lookup.findVirtual(mlp, "setScaling", MethodType.methodType(void.class, scaling));
            parameters = lookup.findVirtual(mlp, "parameters", MethodType.methodType(List.class));
            sgd = lookup.findStatic(config, "sgd", MethodType.methodType(config)).invoke();
            create = lookup.findVirtual(config, "create", MethodType.methodType(optimizer, List.class));
            trainStep = lookup.findVirtual(mlp, "trainStep", MethodType.methodType(float.class, float[].class, int[].class, int.class, optimizer,
                    float.class));
            setThreads = lookup.findStatic(Class.forName("dev.jvk.kernels.Gemm", true, loader), "setThreads",
                    MethodType.methodType(void.class, int.class));
        }

        private static Object constant(Class<?> type, String name) {
            return Arrays.stream(type.getEnumConstants()).filter(c -> ((Enum<?>) c).name().equals(name)).findFirst().orElseThrow();
        }

        /** The other build named by {@code jars} ({@code <nn jar>:<kernels jar>}), or null when none is named. */
        static Base load(String jars) {
            if (jars == null) {
                return null;
            }
            try {
                String[] paths = jars.split(File.pathSeparator);
                URL[] urls = new URL[paths.length];
                for (int i = 0; i < paths.length; i++) {
                    urls[i] = Path.of(paths[i]).toUri().toURL();
                }
                @SuppressWarnings("resource") // lives as long as the run
                ClassLoader loader = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader());
                return new Base(loader);
            } catch (Throwable e) {
                throw new IllegalArgumentException("-Dpairs.base=" + jars + ": not a jvk nn jar and its kernels jar (" + e + ")", e);
            }
        }

        /** The model of {@link TrainingPairs#model} in the other build. */
        Step model(FashionShapedData data) throws Throwable {
            Object mlp = classifier.invoke(FashionShapedData.FEATURES, new int[] {256, 128}, relu, FashionShapedData.CLASSES, 42L);
            Object set = dataSet.invoke(data.pixels, data.labels, data.rows, FashionShapedData.FEATURES, FashionShapedData.CLASSES, "pairs");
            setScaling.invoke(mlp, fit.invoke(minMax, set));
            Object update = create.invoke(sgd, (List<?>) parameters.invoke(mlp));
            return (x, y, rows) -> (float) trainStep.invoke(mlp, x, y, rows, update, 0.1f);
        }

        void setThreads(int threads) throws Throwable {
            setThreads.invoke(threads);
        }
    }

    /**
     * One model stepping through the pool's batches ({@link FashionShapedData#batchFeatures}), each handed to the step
     * where it lies, as the trainer hands its rows; or, for a stepper that {@code copies}, first copied into one buffer
     * on the caller's thread, as this tool and {@code MlpTrainingBenchmark} did until 2026-12-07 ({@code -Dpairs.baseCopies}).
     */
    private static final class Stepper {
        final Step model;
        final float[][] xs;
        final int[][] ys;
        /** The buffers a stepper that copies puts each batch in, else null. */
        final float[] x;
        final int[] y;
        final int batch;
        int next;

        Stepper(float[][] xs, int[][] ys, int batch, Step model, boolean copies) {
            this.xs = xs;
            this.ys = ys;
            this.batch = batch;
            this.model = model;
            x = copies ? new float[batch * FashionShapedData.FEATURES] : null;
            y = copies ? new int[batch] : null;
        }

        void step() {
            int b = next;
            next = (next + 1) % xs.length;
            float[] features = xs[b];
            int[] labels = ys[b];
            if (x != null) {
                System.arraycopy(features, 0, x, 0, x.length);
                System.arraycopy(labels, 0, y, 0, batch);
                features = x;
                labels = y;
            }
            try {
                model.step(features, labels, batch);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);   // the other build's checked exceptions, through its method handles
            }
        }

        /** Steps per second from {@code start} for one round. */
        double steps(long start) {
            long steps = 0;
            long now;
            do {
                step();
                steps++;
                now = System.nanoTime();
            } while (now - start < ROUND_NANOS);
            return steps / ((now - start) / 1e9);
        }
    }

    public static void main(String[] args) throws Throwable {
        int[] batches;
        try {
            batches = Arrays.stream(args.length == 0 ? new String[] {"32", "128", "512"} : args)
                    .mapToInt(a -> positive("batch", a)).toArray();
        } catch (IllegalArgumentException e) {
            System.err.println("TrainingPairs: " + e.getMessage() + "; usage: TrainingPairs BATCH... (e.g. 32 128 512)");
            System.exit(2);
            return;
        }
        FashionShapedData data = new FashionShapedData(POOL_ROWS, 1);
        for (int batch : batches) {
            if (batch > POOL_ROWS) {
                System.err.println("TrainingPairs: batch must be at most " + POOL_ROWS + ", got " + batch);
                System.exit(2);
            }
        }
        System.out.printf("processors %d, rounds %d of %.2f s per mode%n", Runtime.getRuntime().availableProcessors(), ROUNDS, ROUND_NANOS / 1e9);
        for (int batch : batches) {
            run(data, batch);
        }
    }


    private static void run(FashionShapedData data, int batch) throws Throwable {
        float[][] xs = data.batchFeatures(batch);
        int[][] ys = data.batchLabels(batch);
        Stepper main = new Stepper(xs, ys, batch, model(data), false);
        Stepper other = new Stepper(xs, ys, batch, model(data), false);
        Stepper base = BASE == null ? null : new Stepper(xs, ys, batch, BASE.model(data), BASE_COPIES);
        int modes = MODES.length;
        for (int warm = 0; warm < 4; warm++) {
            for (int mode = 0; mode < modes; mode++) {
                rate(mode, main, other, base);
            }
        }
        double[][] rate = new double[ROUNDS][modes];
        for (int r = 0; r < ROUNDS; r++) {
            for (int j = 0; j < modes; j++) {
                int mode = (j + r) % modes; // each round starts one mode later
                rate[r][mode] = rate(mode, main, other, base);
            }
        }
        int from = ROUNDS / 4;
        System.out.printf("%nbatch %d: %d rounds of %.2f s, medians of rounds %d-%d [quartiles] (range)%n", batch, ROUNDS,
                ROUND_NANOS / 1e9, from, ROUNDS - 1);
        for (int mode = 0; mode < modes; mode++) {
            double[] us = column(rate, from, mode, -1);
            for (int i = 0; i < us.length; i++) {
                us[i] = 1e6 / us[i];
            }
            System.out.printf("  %-10s %9.1f us per step (%8.0f samples/s) %s%n", MODES[mode], quantile(us, 0.5),
                    batch * 1e6 / quantile(us, 0.5), spread(us, 1));
        }
        ratio(rate, from, "2/1", 1, 0);
        ratio(rate, from, "indep/1", 2, 0);
        ratio(rate, from, "2/indep", 1, 2);
        if (OVERSUBSCRIBED) {
            ratio(rate, from, "4/2", 3, 1);
            ratio(rate, from, "8/2", 4, 1);
        }
        if (BASE != null) {
            ratio(rate, from, "base 2/1", BASE_MODE + 1, BASE_MODE);
            ratio(rate, from, "1 / base 1", 0, BASE_MODE);
            ratio(rate, from, "2 / base 2", 1, BASE_MODE + 1);
        }
    }

    private static void ratio(double[][] rate, int from, String name, int over, int under) {
        double[] q = column(rate, from, over, under);
        System.out.printf("  %-10s %.2f %s%n", name, quantile(q, 0.5), spread(q, 2));
    }

    /** "[q1-q3] (min-max)" of {@code x}, with {@code digits} decimals. */
    private static String spread(double[] x, int digits) {
        String f = "%." + digits + "f";
        return String.format("[" + f + "-" + f + "] (" + f + "-" + f + ")", quantile(x, 0.25), quantile(x, 0.75),
                Arrays.stream(x).min().orElse(0), Arrays.stream(x).max().orElse(0));
    }



    /** Steps per second of one round of {@code mode} (an index into {@link #MODES}); the modes on one model start at the pool's first batch. */
    private static double rate(int mode, Stepper main, Stepper other, Stepper base) throws Throwable {
        if (mode >= BASE_MODE && BASE_MODE >= 0) {
            BASE.setThreads(mode - BASE_MODE + 1);
            base.next = 0;
            return base.steps(System.nanoTime());
        }
        if (mode != 2) {
            Gemm.setThreads(mode < 2 ? mode + 1 : mode == 3 ? 4 : 8);
            main.next = 0;
            return main.steps(System.nanoTime());
        }
        Gemm.setThreads(1);
        long start = System.nanoTime();
        double[] rates = new double[2];
        Thread second = new Thread(() -> rates[1] = other.steps(start));
        second.start();
        rates[0] = main.steps(start);
        second.join();
        return rates[0] + rates[1];
    }
}
