package dev.jvk.bench.gemm;

import dev.jvk.kernels.Gemm;
import dev.jvk.kernels.Transpose;
import dev.jvk.nn.Activation;
import dev.jvk.nn.Mlp;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Time to speed: how long after the JVM starts the first call runs at 80% of its steady speed or
 * better, for {@code sgemm} at 512^3 or {@code Mlp.predict} of a 784-256-128-10 classifier at batch 1.
 * It calls the one operation in a loop for {@code seconds}, takes the median duration of the calls in
 * the last quarter of that time as the steady speed, and prints the JVM's uptime at the end of the first
 * call no slower than steady / 0.8, with the number of calls before it, and the mean of the first 50
 * calls (the issue's first measure of a new user's experience). Not JMH: JMH's own warm-up is
 * what this measures. One thread ({@code Gemm.setThreads(1)}).
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp "bench/target/classes:bench/target/lib/*"
 * dev.jvk.bench.gemm.FirstFastCall sgemm|predict [seconds]}; JVM options (an AOT cache, say) go before the class.
 */
public final class FirstFastCall {
    private FirstFastCall() {}

    public static void main(String[] args) {
        String what = args.length > 0 ? args[0] : "sgemm";
        double seconds = 8;
        try {
            seconds = args.length > 1 ? Double.parseDouble(args[1]) : 8;
        } catch (NumberFormatException e) {
            seconds = Double.NaN;
        }
        if (!(what.equals("sgemm") || what.equals("predict")) || !(seconds > 0 && seconds <= 3600) || args.length > 2) {
            System.err.println("FirstFastCall: usage: FirstFastCall [sgemm|predict] [SECONDS in (0, 3600]], got " + String.join(" ", args));
            System.exit(2);
        }
        Gemm.setThreads(1);
        Runnable call = what.equals("sgemm") ? sgemm(512) : predict();
        int capacity = 1 << 22;
        long[] ends = new long[capacity];
        long[] durations = new long[capacity];
        long start = System.nanoTime();
        long uptimeAtStart = ManagementFactory.getRuntimeMXBean().getUptime(); // ms, JVM start to here
        long stop = start + (long) (seconds * 1e9);
        int calls = 0;
        long before = start;
        while (calls < capacity && before < stop) {
            call.run();
            long after = System.nanoTime();
            ends[calls] = after - start;
            durations[calls++] = after - before;
            before = after;
        }
        long lastQuarter = (long) (seconds * 0.75e9);
        int from = 0;
        while (from < calls - 1 && ends[from] < lastQuarter) {
            from++;
        }
        long[] tail = Arrays.copyOfRange(durations, from, calls);
        Arrays.sort(tail);
        long steady = tail[tail.length / 2];
        int first = 0;
        while (first < calls && durations[first] * 0.8 > steady) {
            first++;
        }
        double firstMs = uptimeAtStart + ends[first] / 1e6;
        long sumBefore = 0;
        for (int i = 0; i < first; i++) {
            sumBefore += durations[i];
        }
        // the issue's first measure: the mean of a new user's first 50 calls
        int early = Math.min(50, calls);
        long sumEarly = 0;
        for (int i = 0; i < early; i++) {
            sumEarly += durations[i];
        }
        System.out.printf("%s: steady %.3f ms per call; first call at >= 80%% of it: #%d, %.0f ms after JVM start "
                        + "(main started at %d ms; the %d calls before it averaged %.2f ms; the first %d calls %.2f ms)%n",
                what, steady / 1e6, first + 1, firstMs, uptimeAtStart, first, first == 0 ? 0 : sumBefore / 1e6 / first,
                early, sumEarly / 1e6 / early);
    }

    private static Runnable sgemm(int n) {
        SplittableRandom r = new SplittableRandom(1);
        float[] a = new float[n * n];
        float[] b = new float[n * n];
        float[] c = new float[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextDouble(-1, 1);
            b[i] = (float) r.nextDouble(-1, 1);
        }
        return () -> Gemm.sgemm(Transpose.NO_TRANS, Transpose.NO_TRANS, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
    }

    private static Runnable predict() {
        Mlp mlp = Mlp.classifier(784, new int[] {256, 128}, Activation.RELU, 10, 42);
        SplittableRandom r = new SplittableRandom(1);
        float[] x = new float[784];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        float[] scores = new float[10];
        return () -> mlp.predict(x, 1, scores);
    }
}
