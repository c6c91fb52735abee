package dev.jvk.properties.guarantees;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvk.kernels.Activations;
import dev.jvk.kernels.Gemm;
import dev.jvk.kernels.Reductions;
import dev.jvk.kernels.Softmax;
import dev.jvk.kernels.Transpose;
import dev.jvk.kernels.Vectors;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Kernels called from 8 threads at once, while another thread keeps changing
 * {@link Gemm#setThreads}: every result is bitwise the one the same call gives on one thread.
 * Determinism across GEMM thread counts is part of the contract, so changing the count mid-flight
 * must change nothing either. The GEMM products include ones large enough to be split between
 * the pool's threads (over 4M flops per part), on arrays and on shared native segments.
 */
class ConcurrencyTest {
    private static final int CALLERS = 8;
    private static final int ROUNDS = 2;

    private final int threadsBefore = Gemm.threads();

    @AfterEach
    void restoreThreads() {
        Gemm.setThreads(threadsBefore);
    }

    /** One kernel call on inputs drawn from a seed: returns the bytes of everything it produced. */
    record Task(String name, Supplier<byte[]> run) {}

    @Test
    void eightThreadsGetTheSingleThreadedResultsBitwiseWhileTheGemmThreadCountChanges() throws Exception {
        List<Task> tasks = tasks();
        Gemm.setThreads(2);
        List<byte[]> expected = new ArrayList<>();
        for (Task t : tasks) {
            expected.add(t.run.get());
        }
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean done = new AtomicBoolean();
        Thread toggler = new Thread(() -> {
            int i = 0;
            while (!done.get()) {
                Gemm.setThreads(1 + i++ % 4);
                Thread.onSpinWait();
                try {
                    Thread.sleep(0, 200_000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "setThreads toggler");
        toggler.start();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> callers = new ArrayList<>();
        for (int c = 0; c < CALLERS; c++) {
            int caller = c;
            Thread t = new Thread(() -> {
                List<Integer> order = new ArrayList<>();
                for (int r = 0; r < ROUNDS; r++) {
                    for (int i = 0; i < tasks.size(); i++) {
                        order.add(i);
                    }
                }
                Collections.shuffle(order, new Random(caller));
                try {
                    start.await();
                    for (int i : order) {
                        byte[] got = tasks.get(i).run.get();
                        if (!Arrays.equals(got, expected.get(i))) {
                            failures.add("caller " + caller + ": " + tasks.get(i).name + " differs from its single-threaded result");
                        }
                    }
                } catch (Throwable e) {
                    failures.add("caller " + caller + " threw " + e);
                }
            }, "caller " + c);
            callers.add(t);
            t.start();
        }
        start.countDown();
        for (Thread t : callers) {
            t.join(TimeUnit.MINUTES.toMillis(3));
            assertThat(t.isAlive()).as("%s finished", t.getName()).isFalse();
        }
        done.set(true);
        toggler.join();
        assertThat(failures).isEmpty();
        assertThat(tasks.size() * ROUNDS * CALLERS).isGreaterThanOrEqualTo(700);
    }

    // ================================================================ the tasks

    static List<Task> tasks() {
        List<Task> tasks = new ArrayList<>();
        int[] lengths = {1, 15, 64, 1000, 4099};
        for (int n : lengths) {
            tasks.add(new Task("sum " + n, () -> floats(Reductions.sum(floats(n, 1), 0, n))));
            tasks.add(new Task("dot " + n, () -> floats(Reductions.dot(floats(n, 2), 0, floats(n, 3), 0, n))));
            tasks.add(new Task("double dot " + n, () -> doubles(Reductions.dot(doubles(n, 4), 0, doubles(n, 5), 0, n))));
            tasks.add(new Task("nrm2 " + n, () -> floats(Reductions.nrm2(floats(n, 6), 0, n))));
            tasks.add(new Task("logSumExp " + n, () -> floats(Reductions.logSumExp(floats(n, 7), 0, n))));
            tasks.add(new Task("axpy " + n, () -> {
                float[] y = floats(n, 9);
                Vectors.axpy(0.75f, floats(n, 8), 0, y, 0, n);
                return floats(y);
            }));
            tasks.add(new Task("exp, tanh, geluErf " + n, () -> {
                float[] x = floats(n, 10);
                float[] y = new float[3 * n];
                Activations.exp(x, 0, y, 0, n);
                Activations.tanh(x, 0, y, n, n);
                Activations.geluErf(x, 0, y, 2 * n, n);
                return floats(y);
            }));
        }
        tasks.add(new Task("softmax 33 x 130", () -> {
            float[] y = new float[33 * 130];
            Softmax.softmax(floats(33 * 130, 11), 0, 33, 130, 130, y, 0, 130);
            return floats(y);
        }));
        for (Transpose ta : Transpose.values()) {
            for (Transpose tb : Transpose.values()) {
                tasks.add(gemm(ta, tb, 7, 9, 5, 12));
                tasks.add(gemm(ta, tb, 64, 48, 33, 13));
            }
        }
        tasks.add(gemm(Transpose.NO_TRANS, Transpose.NO_TRANS, 200, 190, 210, 14)); // 16M flops: split
        tasks.add(gemm(Transpose.TRANS, Transpose.NO_TRANS, 130, 260, 128, 15));
        tasks.add(new Task("dgemm 150^3", () -> {
            int n = 150;
            double[] c = doubles(n * n, 16);
            Gemm.dgemm(Transpose.NO_TRANS, Transpose.TRANS, n, n, n, 1.0, doubles(n * n, 17), 0, n, doubles(n * n, 18), 0, n, 0.5, c, 0, n);
            return doubles(c);
        }));
        tasks.add(new Task("sgemm on shared segments 180^3", () -> {
            int n = 180;
            try (Arena arena = Arena.ofShared()) {
                MemorySegment a = arena.allocate((long) n * n * 4).copyFrom(MemorySegment.ofArray(floats(n * n, 19)));
                MemorySegment b = arena.allocate((long) n * n * 4).copyFrom(MemorySegment.ofArray(floats(n * n, 20)));
                MemorySegment c = arena.allocate((long) n * n * 4);
                Gemm.sgemm(Transpose.NO_TRANS, Transpose.NO_TRANS, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
                return c.toArray(ValueLayout.JAVA_BYTE);
            }
        }));
        tasks.add(new Task("sgemv 300 x 257", () -> {
            float[] y = floats(300, 21);
            Gemm.sgemv(Transpose.NO_TRANS, 300, 257, 1f, floats(300 * 257, 22), 0, 257, floats(257, 23), 0, 0.5f, y, 0);
            Gemm.sgemv(Transpose.TRANS, 300, 257, 1f, floats(300 * 257, 22), 0, 257, floats(300, 24), 0, 0f, y, 0);
            return floats(y);
        }));
        return tasks;
    }

    private static Task gemm(Transpose ta, Transpose tb, int m, int n, int k, long seed) {
        return new Task("sgemm " + ta + "/" + tb + " " + m + "x" + n + "x" + k, () -> {
            int lda = ta == Transpose.NO_TRANS ? k : m;
            int ldb = tb == Transpose.NO_TRANS ? n : k;
            float[] c = floats(m * n, seed + 100);
            Gemm.sgemm(ta, tb, m, n, k, 0.5f, floats(m * k, seed), 0, lda, floats(k * n, seed + 50), 0, ldb, -1f, c, 0, n);
            return floats(c);
        });
    }

    static float[] floats(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed * 31 + n);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextDouble(-1, 1);
        }
        return x;
    }

    static double[] doubles(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed * 37 + n);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextDouble(-1, 1);
        }
        return x;
    }

    static byte[] floats(float... x) {
        ByteBuffer b = ByteBuffer.allocate(4 * x.length);
        b.asFloatBuffer().put(x);
        return b.array();
    }

    static byte[] doubles(double... x) {
        ByteBuffer b = ByteBuffer.allocate(8 * x.length);
        b.asDoubleBuffer().put(x);
        return b.array();
    }
}
