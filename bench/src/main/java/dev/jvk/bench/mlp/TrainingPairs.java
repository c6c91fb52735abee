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
import java.util.Arrays;

/**
 * A development tool, not the report: the training step of {@link MlpTrainingBenchmark} (784-256-128-10, ReLU,
 * softmax cross-entropy, SGD at 0.1, {@link Mlp#trainStep} on the next batch of a pool) on 1 and 2 threads, and two
 * independent one-thread steps at once ({@code indep}: two models, each stepping on its own Java thread; what the host
 * gives two cores with nothing shared), in short rounds that rotate through the three in one JVM, as
 * {@code gemm.ThreadPairs} does for GEMM: on a host whose cores change speed second by second, forks a minute apart
 * (JMH) do not compare, ratios paired by round do. The 1- and 2-thread modes step the same model on the same batches
 * (the pool's position is reset at each round), so they differ only in the thread count, whose bits are the same.
 * Prints per batch the median step time of each mode over the rounds after the first quarter with its quartiles, and
 * the ratios paired by round (2/1, indep/1, 2/indep) as median [quartiles] (range).
 *
 * <p>{@code java --add-modules jdk.incubator.vector -cp "bench/target/classes:bench/target/lib/*"
 * dev.jvk.bench.mlp.TrainingPairs 32 128 512} ({@code -Dpairs.rounds=24}, {@code -Dpairs.roundSeconds=0.25},
 * {@code -Dpairs.oversubscribed=true}).
 */
public final class TrainingPairs {
    private static final int ROUNDS = Integer.getInteger("pairs.rounds", 24);
    private static final long ROUND_NANOS = (long) (Double.parseDouble(System.getProperty("pairs.roundSeconds", "0.25")) * 1e9);
    /**
     * With {@code -Dpairs.oversubscribed=true} also 4 and 8 threads (issue 10: on a 2-core host they must stay within
     * 10% of 2 threads), paired by round with the 2-thread mode.
     */
    private static final boolean OVERSUBSCRIBED = Boolean.getBoolean("pairs.oversubscribed");
    private static final String[] MODES = OVERSUBSCRIBED
            ? new String[] {"1 thread", "2 threads", "indep", "4 threads", "8 threads"}
            : new String[] {"1 thread", "2 threads", "indep"};
    /** Rows in the pool of batches (as the JMH benchmark's, whose figures these pair). */
    private static final int POOL_ROWS = MlpTrainingBenchmark.SAMPLES * MlpTrainingBenchmark.BATCHES / 4;

    private TrainingPairs() {}

    /** One model stepping through the pool of batches. */
    private static final class Stepper {
        final FashionShapedData data;
        final Mlp mlp;
        final Optimizer update;
        final float[] x;
        final int[] y;
        final int batch;
        int next;

        Stepper(FashionShapedData data, int batch) {
            this.data = data;
            this.batch = batch;
            mlp = Mlp.classifier(FashionShapedData.FEATURES, new int[] {256, 128}, Activation.RELU, FashionShapedData.CLASSES, 42);
            mlp.setScaling(FeatureScaling.fit(FeatureScaling.Kind.MIN_MAX,
                    new DataSet(data.pixels, data.labels, data.rows, FashionShapedData.FEATURES, FashionShapedData.CLASSES, "pairs")));
            update = OptimizerConfig.sgd().create(mlp.parameters());
            x = new float[batch * FashionShapedData.FEATURES];
            y = new int[batch];
        }

        void step() {
            int from = next;
            next = (next + batch) % (data.rows - batch + 1);
            System.arraycopy(data.pixels, from * FashionShapedData.FEATURES, x, 0, x.length);
            System.arraycopy(data.labels, from, y, 0, batch);
            mlp.trainStep(x, y, batch, update, 0.1f);
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

    public static void main(String[] args) throws InterruptedException {
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


    private static void run(FashionShapedData data, int batch) throws InterruptedException {
        Stepper main = new Stepper(data, batch);
        Stepper other = new Stepper(data, batch);
        int modes = MODES.length;
        for (int warm = 0; warm < 4; warm++) {
            for (int mode = 0; mode < modes; mode++) {
                rate(mode, main, other);
            }
        }
        double[][] rate = new double[ROUNDS][modes];
        for (int r = 0; r < ROUNDS; r++) {
            for (int j = 0; j < modes; j++) {
                int mode = (j + r) % modes; // each round starts one mode later
                rate[r][mode] = rate(mode, main, other);
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
    private static double rate(int mode, Stepper main, Stepper other) throws InterruptedException {
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
