package dev.jvk.properties.guarantees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvk.kernels.Gemm;
import dev.jvk.kernels.Parallel;
import dev.jvk.kernels.Transpose;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Parallel#forRange}: every element in exactly one range, ranges starting on multiples of
 * 64, for every thread count and for lengths around the split points; {@link Parallel#forTasks}:
 * every task exactly once, on at most as many threads as there are tasks, each thread's own tasks first;
 * {@link Parallel#threadsFor}: the threads tasks of that work run on; bad arguments refused
 * before the body runs.
 */
class ParallelTest {
    private final int threadsBefore = Gemm.threads();

    @AfterEach
    void restoreThreads() {
        Gemm.setThreads(threadsBefore);
    }

    @Test
    void everyElementIsInExactlyOneRangeStartingOnAMultipleOf64() {
        int checked = 0;
        for (int threads = 1; threads <= 4; threads++) {
            Gemm.setThreads(threads);
            for (int n : new int[] {0, 1, 63, 64, 65, 1000, 100_003, 2_000_000}) {
                AtomicIntegerArray visits = new AtomicIntegerArray(n);
                ConcurrentLinkedQueue<Integer> starts = new ConcurrentLinkedQueue<>();
                Parallel.forRange(n, 28, (from, to) -> {
                    starts.add(from);
                    for (int i = from; i < to; i++) {
                        visits.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < n; i++) {
                    assertThat(visits.get(i)).as("element %d of %d, %d threads", i, n, threads).isEqualTo(1);
                }
                assertThat(starts).allMatch(s -> s % 64 == 0);
                checked++;
            }
        }
        assertThat(checked).isEqualTo(32);
    }

    /** A part that multiplies gets the product on its own thread (it already holds the pool), with the bits of one thread. */
    @Test
    void aBodyThatCallsGemmGetsTheSingleThreadedProduct() {
        int n = 256;
        float[] a = new float[n * n];
        float[] b = new float[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i % 7) - 3;
            b[i] = (i % 5) - 2;
        }
        Gemm.setThreads(1);
        float[] one = new float[n * n];
        Gemm.sgemm(Transpose.NO_TRANS, Transpose.NO_TRANS, n, n, n, 1f, a, 0, n, b, 0, n, 0f, one, 0, n);
        Gemm.setThreads(2);
        float[][] inParts = new float[1 << 12][];
        Parallel.forRange(1 << 12, 1 << 12, (from, to) -> {
            float[] c = new float[n * n];
            Gemm.sgemm(Transpose.NO_TRANS, Transpose.NO_TRANS, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
            inParts[from] = c;
        });
        long parts = java.util.Arrays.stream(inParts).filter(java.util.Objects::nonNull).count();
        assertThat(parts).isBetween(1L, 2L);
        java.util.Arrays.stream(inParts).filter(java.util.Objects::nonNull).forEach(c -> assertThat(c).isEqualTo(one));
    }

    @Test
    void everyTaskRunsExactlyOnceOnAtMostOneThreadPerTask() {
        int checked = 0;
        for (int threads = 1; threads <= 4; threads++) {
            Gemm.setThreads(threads);
            for (int tasks : new int[] {0, 1, 2, 3, 7, 64}) {
                for (long flops : new long[] {0, 1L << 40}) {
                    AtomicIntegerArray runs = new AtomicIntegerArray(tasks);
                    java.util.Set<Thread> ranOn = java.util.concurrent.ConcurrentHashMap.newKeySet();
                    Parallel.forTasks(tasks, flops, t -> {
                        runs.incrementAndGet(t);
                        ranOn.add(Thread.currentThread());
                    });
                    for (int t = 0; t < tasks; t++) {
                        assertThat(runs.get(t)).as("task %d of %d, %d threads, %d flops", t, tasks, threads, flops).isEqualTo(1);
                    }
                    assertThat(ranOn.size()).isLessThanOrEqualTo(Math.max(1, Math.min(tasks, threads)));
                    if (flops == 0) {
                        assertThat(ranOn).as("no work: all on the caller's thread").allMatch(t -> t == Thread.currentThread());
                    }
                    checked++;
                }
            }
        }
        assertThat(checked).isEqualTo(48);
    }

    /**
     * Each thread runs its own tasks first, in order ({@code i, i + p, ...} for thread {@code i} of {@code p}; the
     * caller is thread 0 and starts with task 0), then those left, from the last down: whatever the machine's
     * timing, a thread's sequence is an ascending run of one residue mod p followed by a descending run.
     */
    @Test
    void eachThreadRunsItsOwnTasksInOrderThenTakesTheRestFromTheLastDown() {
        Gemm.setThreads(2);
        int checked = 0;
        for (int round = 0; round < 200; round++) {
            int tasks = 14 + round % 7;
            java.util.Map<Thread, java.util.List<Integer>> ran = new java.util.concurrent.ConcurrentHashMap<>();
            Parallel.forTasks(tasks, 1L << 40, t -> ran.computeIfAbsent(Thread.currentThread(), k -> new java.util.ArrayList<>()).add(t));
            assertThat(ran.values().stream().mapToInt(java.util.List::size).sum()).isEqualTo(tasks);
            for (var e : ran.entrySet()) {
                java.util.List<Integer> order = e.getValue();
                // own tasks: the longest ascending run of one residue; a task taken from the rest may come after it
                // at a higher index (the rest starts from the last), but then only lower ones
                int own = 1;
                while (own < order.size() && order.get(own) > order.get(own - 1) && order.get(own) % 2 == order.get(0) % 2) {
                    own++;
                }
                for (int i = own + 1; i < order.size(); i++) {
                    assertThat(order.get(i)).as("the rest from the last down: %s", order).isLessThan(order.get(i - 1));
                }
                if (e.getKey() == Thread.currentThread()) {
                    assertThat(order.get(0)).as("the caller starts with task 0: %s", order).isZero();
                }
                checked++;
            }
        }
        assertThat(checked).isBetween(200, 400);
    }

    /** The threads a caller may cut its work for: one for no work, the thread count and the processors for much, never fewer than run. */
    @Test
    void threadsForIsOneWithoutWorkAndTheThreadsTheTasksOfMuchWorkRunOn() {
        int processors = Runtime.getRuntime().availableProcessors();
        int checked = 0;
        for (int threads = 1; threads <= 4; threads++) {
            Gemm.setThreads(threads);
            assertThat(Parallel.threadsFor(0)).as("no work, %d threads", threads).isEqualTo(1);
            assertThat(Parallel.threadsFor(1L << 40)).as("much work, %d threads", threads).isEqualTo(Math.min(threads, processors));
            java.util.Set<Thread> ranOn = java.util.concurrent.ConcurrentHashMap.newKeySet();
            Parallel.forTasks(64, 1L << 40, t -> ranOn.add(Thread.currentThread()));
            assertThat(ranOn.size()).isLessThanOrEqualTo(Parallel.threadsFor(1L << 40));
            checked++;
        }
        assertThat(checked).isEqualTo(4);
        assertThatThrownBy(() -> Parallel.threadsFor(-1)).isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("flops must be >= 0, got -1");
    }

    @Test
    void aNegativeTaskCountOrWorkIsRefusedBeforeTheBodyRuns() {
        assertThatThrownBy(() -> Parallel.forTasks(-1, 4, t -> { throw new AssertionError("ran"); }))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("tasks must be >= 0, got -1");
        assertThatThrownBy(() -> Parallel.forTasks(3, -1, t -> { throw new AssertionError("ran"); }))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("flops must be >= 0, got -1");
        assertThatThrownBy(() -> Parallel.forTasks(3, 4, null)).isExactlyInstanceOf(NullPointerException.class).hasMessage("body");
    }

    @Test
    void aNegativeLengthOrNoBytesPerElementIsRefusedBeforeTheBodyRuns() {
        assertThatThrownBy(() -> Parallel.forRange(-1, 4, (from, to) -> { throw new AssertionError("ran"); }))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("n must be >= 0, got -1");
        assertThatThrownBy(() -> Parallel.forRange(10, 0, (from, to) -> { throw new AssertionError("ran"); }))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("bytesPerElement must be >= 1, got 0");
        assertThatThrownBy(() -> Parallel.forRange(10, 4, null)).isExactlyInstanceOf(NullPointerException.class).hasMessage("body");
    }
}
