package dev.jvk.bench.gemm;

import static dev.jvk.bench.PairedRounds.column;
import static dev.jvk.bench.PairedRounds.positive;
import static dev.jvk.bench.PairedRounds.quantile;

import dev.jvk.kernels.Gemm;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * ratios paired by round: 2/1 for jvk and OpenBLAS, jvk's indep/1 and 2/indep, jvk 2 / OpenBLAS 2; each with
 * its quartiles [q1-q3] and range (min-max).
 *
 * <p>{@code -Dpairs.modes} picks the modes (default {@code jvk1,jvk2,indep,blas1,blas2}); {@code jvk4} and
 * {@code jvk8} are jvk on 4 and 8 threads (printed against 2), {@code base1} and {@code base2} a second build's
 * kernels jar ({@code -Dpairs.base=kernels.jar}, in a class loader of its own) on 1 and 2 threads, printed
 * against this build's: a before/after paired by round. {@code -Dpairs.baseProperties=jvk.gemm.shareBFrom=3,...} sets
 * system properties for the other build alone (set while its classes initialize, then put back), so that the base may
 * be this build's own jar with a tuning property changed.
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
    private static final String[] MODES = {"jvk 1", "jvk 2", "jvk indep", "OpenBLAS 1", "OpenBLAS 2", "jvk 4", "jvk 8", "base 1", "base 2"};
    private static final String[] KEYS = {"jvk1", "jvk2", "indep", "blas1", "blas2", "jvk4", "jvk8", "base1", "base2"};
    /** The modes run, as indices into {@link #MODES}, in the order they rotate. */
    private static final int[] RUN = modes(System.getProperty("pairs.modes", "jvk1,jvk2,indep,blas1,blas2"));
    /** The other build's {@code Gemm.sgemm} (array form) and {@code Gemm.setThreads}, when {@code -Dpairs.base} names its jar. */
    private static MethodHandle baseSgemm;
    private static MethodHandle baseSetThreads;
    private static Object[] baseTranspose;

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
        String base = System.getProperty("pairs.base");
        if (base != null) {
            loadBase(Path.of(base));
        } else if (has(7) || has(8)) {
            System.err.println("ThreadPairs: modes base1 and base2 need -Dpairs.base=<kernels jar>");
            System.exit(2);
            return;
        }
        for (int i = 0; i < args.length; i++) {
            run(args[i], shapes.get(i));
        }
    }

    private static int[] modes(String text) {
        String[] names = text.split(",");
        int[] run = new int[names.length];
        for (int i = 0; i < names.length; i++) {
            run[i] = Arrays.asList(KEYS).indexOf(names[i].trim());
            if (run[i] < 0) {
                throw new IllegalArgumentException("-Dpairs.modes: no mode '" + names[i] + "'; the modes are " + String.join(",", KEYS));
            }
        }
        return run;
    }

    private static boolean has(int mode) {
        return Arrays.stream(RUN).anyMatch(m -> m == mode);
    }

    /** The other build: its kernels jar in a class loader whose parent sees the JDK alone, so none of its classes are this build's. */
    private static void loadBase(Path jar) {
        try {
            @SuppressWarnings("resource") // lives as long as the run
            ClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            Class<?> gemm = Class.forName("dev.jvk.kernels.Gemm", true, loader);
            Class<?> transpose = Class.forName("dev.jvk.kernels.Transpose", true, loader);
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            baseSgemm = lookup.findStatic(gemm, "sgemm", MethodType.methodType(void.class, transpose, transpose, int.class, int.class, int.class,
                    float.class, float[].class, int.class, int.class, float[].class, int.class, int.class, float.class, float[].class, int.class,
                    int.class));
            baseSetThreads = lookup.findStatic(gemm, "setThreads", MethodType.methodType(void.class, int.class));
            baseTranspose = transpose.getEnumConstants();
            // the classes that read tuning properties when they initialize, initialized now with the base's properties
            Map<String, String> before = new HashMap<>();
            for (String pair : System.getProperty("pairs.baseProperties", "").split(",")) {
                if (!pair.isBlank()) {
                    String[] kv = pair.split("=", 2);
                    before.put(kv[0], System.getProperty(kv[0]));
                    System.setProperty(kv[0], kv.length > 1 ? kv[1] : "");
                }
            }
            try {
                for (String name : new String[] {"platform.Platform", "gemm.GemmThreads", "gemm.Sgemm", "gemm.Dgemm", "gemm.GemmPool"}) {
                    Class.forName("dev.jvk.kernels." + name, true, loader);
                }
            } finally {
                before.forEach((key, value) -> {
                    if (value == null) {
                        System.clearProperty(key);
                    } else {
                        System.setProperty(key, value);
                    }
                });
            }
        } catch (ReflectiveOperationException | java.net.MalformedURLException e) {
            throw new IllegalArgumentException("-Dpairs.base=" + jar + ": not a jvk kernels jar (" + e + ")", e);
        }
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
            Runnable older = baseSgemm == null ? null : () -> {
                try {
                    baseSgemm.invoke(baseTranspose[s.transA().ordinal()], baseTranspose[s.transB().ordinal()], s.m(), s.n(), s.k(), 1f, a, 0,
                            s.lda(), b, 0, s.ldb(), 0f, c, 0, s.ldc());
                } catch (Throwable e) {
                    throw new IllegalStateException(e);
                }
            };
            int modes = MODES.length;
            for (int warm = 0; warm < 3; warm++) {
                for (int mode : RUN) {
                    rate(mode, jvk, other, blas, older);
                }
            }
            double[][] rate = new double[ROUNDS][modes];
            for (int r = 0; r < ROUNDS; r++) {
                for (int j = 0; j < RUN.length; j++) {
                    int mode = RUN[(j + r) % RUN.length]; // each round starts one mode later
                    rate[r][mode] = rate(mode, jvk, other, blas, older);
                }
            }
            int from = ROUNDS / 4;
            double gflop = 2.0 * s.m() * s.n() * s.k() / 1e9;
            System.out.printf("%n%s: %d rounds of %.2f s, medians of rounds %d-%d%n", name, ROUNDS, ROUND_NANOS / 1e9, from, ROUNDS - 1);
            for (int mode : RUN) {
                double[] x = column(rate, from, mode, -1);
                System.out.printf("  %-11s %10.1f calls/s (%6.1f GFLOP/s) [q %.1f-%.1f] (%.1f-%.1f)%n", MODES[mode], quantile(x, 0.5),
                        quantile(x, 0.5) * gflop, quantile(x, 0.25), quantile(x, 0.75), quantile(x, 0), quantile(x, 1));
            }
            ratio(rate, from, "jvk 2/1", 1, 0);
            ratio(rate, from, "jvk indep/1", 2, 0);
            ratio(rate, from, "jvk 2/indep", 1, 2);
            ratio(rate, from, "OpenBLAS 2/1", 4, 3);
            ratio(rate, from, "jvk 2 / OpenBLAS 2", 1, 4);
            ratio(rate, from, "jvk 4/2", 5, 1);
            ratio(rate, from, "jvk 8/2", 6, 1);
            ratio(rate, from, "base 2/1", 8, 7);
            ratio(rate, from, "jvk 1 / base 1", 0, 7);
            ratio(rate, from, "jvk 2 / base 2", 1, 8);
        }
    }

    /** The median of the paired ratios, their quartiles and range; nothing unless both modes ran. */
    private static void ratio(double[][] rate, int from, String name, int over, int under) {
        if (!has(over) || !has(under)) {
            return;
        }
        double[] q = column(rate, from, over, under);
        System.out.printf("  %-19s %.2f [q %.2f-%.2f] (%.2f-%.2f)%n", name, quantile(q, 0.5), quantile(q, 0.25), quantile(q, 0.75),
                quantile(q, 0), quantile(q, 1));
    }



    /** Calls per second of one round of {@code mode} (an index into {@link #MODES}). */
    private static double rate(int mode, Runnable jvk, Runnable other, Runnable blas, Runnable older) throws InterruptedException {
        switch (mode) {
            case 0, 1 -> {
                Gemm.setThreads(mode + 1);
                return calls(jvk, System.nanoTime());
            }
            case 5, 6 -> {
                Gemm.setThreads(mode == 5 ? 4 : 8);
                return calls(jvk, System.nanoTime());
            }
            case 7, 8 -> {
                try {
                    baseSetThreads.invoke(mode - 6);
                } catch (Throwable e) {
                    throw new IllegalStateException(e);
                }
                return calls(older, System.nanoTime());
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
                openblas.blas_set_num_threads(mode - 2); // modes 3 and 4
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
