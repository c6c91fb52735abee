package dev.jvk.bench.gemm;

import dev.jvk.kernels.Gemm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;

/**
 * A development tool, not the report: jvk's sgemm on 1 and 2 threads, two independent one-thread
 * jvk products at once ({@code indep}: what the host gives two cores with nothing shared), and
 * OpenBLAS on 1 and 2 threads, in short rounds that rotate through the five in one JVM, so that
 * every mode sees the same host. On a host whose cores change speed second by second, forks a
 * minute apart (JMH) do not compare; ratios paired by round do. Prints per shape the median rate
 * of each mode (over the rounds after the first quarter) with its range, and the medians of the
 * ratios paired by round: 2/1 for jvk and OpenBLAS, jvk's indep/1 and 2/indep, jvk 2 / OpenBLAS 2.
 *
 * <p>{@code java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Djvk.openblas.coretype=SkylakeX
 * -cp "bench/target/classes:bench/target/lib/*" dev.jvk.bench.gemm.ThreadPairs NN:256x256x256 NN:128x256x784}
 * ({@code -Dpairs.rounds=30}, {@code -Dpairs.roundSeconds=0.1}).
 */
public final class ThreadPairs {
    private static final int ROUNDS = Integer.getInteger("pairs.rounds", 30);
    private static final long ROUND_NANOS = (long) (Double.parseDouble(System.getProperty("pairs.roundSeconds", "0.1")) * 1e9);
    /** OpenBLAS's workers spin for a while after a call: the pause keeps them off the next round's cores. */
    private static final long OPENBLAS_SETTLE_MILLIS = 250;
    private static final String[] MODES = {"jvk 1", "jvk 2", "jvk indep", "OpenBLAS 1", "OpenBLAS 2"};

    private ThreadPairs() {}

    public static void main(String[] args) throws InterruptedException {
        List<Shape> shapes = new ArrayList<>();
        try {
            if (args.length == 0) {
                throw new IllegalArgumentException("no shape given");
            }
            for (String arg : args) {
                shapes.add(Shape.parse(arg));
            }
        } catch (IllegalArgumentException e) {
            System.err.println("ThreadPairs: " + e.getMessage() + "; usage: ThreadPairs SHAPE... (e.g. NN:256x256x256)");
            System.exit(2);
            return;
        }
        System.out.println("OpenBLAS kernels: " + OpenBlas.load());
        for (int i = 0; i < args.length; i++) {
            run(args[i], shapes.get(i));
        }
    }

    /** {@code text} as an int of at least 1, or an exception naming {@code what}. */
    static int positive(String what, String text) {
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            value = 0;
        }
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be a whole number at least 1, not '" + text + "'");
        }
        return value;
    }

    private static float[] random(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextDouble(-1, 1);
        }
        return x;
    }

    private static void run(String name, Shape s) throws InterruptedException {
        float[] a = random(s.m() * s.k(), 1);
        float[] b = random(s.k() * s.n(), 2);
        float[] c = new float[s.m() * s.n()];
        float[] a2 = random(s.m() * s.k(), 3);
        float[] b2 = random(s.k() * s.n(), 4);
        float[] c2 = new float[s.m() * s.n()];
        try (FloatPointer pa = new FloatPointer(a); FloatPointer pb = new FloatPointer(b); FloatPointer pc = new FloatPointer(c)) {
            Runnable jvk = () -> Gemm.sgemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, a, 0, s.lda(), b, 0, s.ldb(), 0f, c, 0, s.ldc());
            Runnable other = () -> Gemm.sgemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, a2, 0, s.lda(), b2, 0, s.ldb(), 0f, c2, 0, s.ldc());
            Runnable blas = () -> openblas.cblas_sgemm(openblas.CblasRowMajor, s.aTransposed() ? openblas.CblasTrans : openblas.CblasNoTrans,
                    s.bTransposed() ? openblas.CblasTrans : openblas.CblasNoTrans, s.m(), s.n(), s.k(), 1f, pa, s.lda(), pb, s.ldb(), 0f, pc, s.ldc());
            int modes = MODES.length;
            for (int warm = 0; warm < 3; warm++) {
                for (int mode = 0; mode < modes; mode++) {
                    rate(mode, jvk, other, blas);
                }
            }
            double[][] rate = new double[ROUNDS][modes];
            for (int r = 0; r < ROUNDS; r++) {
                for (int j = 0; j < modes; j++) {
                    int mode = (j + r) % modes; // each round starts one mode later
                    rate[r][mode] = rate(mode, jvk, other, blas);
                }
            }
            int from = ROUNDS / 4;
            double gflop = 2.0 * s.m() * s.n() * s.k() / 1e9;
            System.out.printf("%n%s: %d rounds of %.2f s, medians of rounds %d-%d%n", name, ROUNDS, ROUND_NANOS / 1e9, from, ROUNDS - 1);
            for (int mode = 0; mode < modes; mode++) {
                double[] x = column(rate, from, mode, -1);
                System.out.printf("  %-11s %10.1f calls/s (%6.1f GFLOP/s) [%.1f-%.1f]%n", MODES[mode], median(x), median(x) * gflop,
                        Arrays.stream(x).min().orElse(0), Arrays.stream(x).max().orElse(0));
            }
            ratio(rate, from, "jvk 2/1", 1, 0);
            ratio(rate, from, "jvk indep/1", 2, 0);
            ratio(rate, from, "jvk 2/indep", 1, 2);
            ratio(rate, from, "OpenBLAS 2/1", 4, 3);
            ratio(rate, from, "jvk 2 / OpenBLAS 2", 1, 4);
        }
    }

    private static void ratio(double[][] rate, int from, String name, int over, int under) {
        double[] q = column(rate, from, over, under);
        System.out.printf("  %-19s %.2f [%.2f-%.2f]%n", name, median(q), Arrays.stream(q).min().orElse(0), Arrays.stream(q).max().orElse(0));
    }

    /** Rates of {@code mode} per round from {@code from}, each divided by the same round's rate of {@code under} (none: -1). */
    private static double[] column(double[][] rate, int from, int mode, int under) {
        double[] x = new double[rate.length - from];
        for (int r = from; r < rate.length; r++) {
            x[r - from] = rate[r][mode] / (under < 0 ? 1 : rate[r][under]);
        }
        return x;
    }

    private static double median(double[] x) {
        double[] y = x.clone();
        Arrays.sort(y);
        int h = y.length / 2;
        return y.length % 2 == 1 ? y[h] : (y[h - 1] + y[h]) / 2;
    }

    /** Calls per second of one round of {@code mode} (an index into {@link #MODES}). */
    private static double rate(int mode, Runnable jvk, Runnable other, Runnable blas) throws InterruptedException {
        switch (mode) {
            case 0, 1 -> {
                Gemm.setThreads(mode + 1);
                return calls(jvk, System.nanoTime());
            }
            case 2 -> {
                Gemm.setThreads(1);
                long start = System.nanoTime();
                double[] rates = new double[2];
                Thread second = new Thread(() -> rates[1] = calls(other, start));
                second.start();
                rates[0] = calls(jvk, start);
                second.join();
                return rates[0] + rates[1];
            }
            default -> {
                openblas.blas_set_num_threads(mode - 2);
                double r = calls(blas, System.nanoTime());
                Thread.sleep(OPENBLAS_SETTLE_MILLIS);
                return r;
            }
        }
    }

    /** Calls per second of {@code call} from {@code start} for one round. */
    private static double calls(Runnable call, long start) {
        long calls = 0;
        long now;
        do {
            call.run();
            calls++;
            now = System.nanoTime();
        } while (now - start < ROUND_NANOS);
        return calls / ((now - start) / 1e9);
    }
}
