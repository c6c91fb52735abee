package dev.jvk.kernels;

import dev.jvk.kernels.gemm.GemmThreads;

/**
 * Elementwise work split between GEMM's threads (the caller's and jvk's daemon threads), for
 * passes large enough to pay for it: an optimizer's update over a weight matrix, for one. The
 * number of parts comes from the same decision as GEMM's ({@link Gemm#threads()} caps it, never more
 * than the processors, and each part gets enough work), and the parts are contiguous ranges: a body
 * that computes each element from that element alone gives bitwise the same result for every
 * thread count.
 *
 * <p>A body may run on the caller's thread or on one of jvk's daemon threads, so it must not count on
 * the caller's thread-local state, nor use a {@link java.lang.foreign.MemorySegment} confined to the
 * caller's thread (a {@link WrongThreadException} there): jvk's threads hold no {@link InheritableThreadLocal} values of the
 * caller, their context class loader is jvk's own, and an interrupt a body leaves on one of them
 * (restoring one it caught) is cleared when its part ends. An exception thrown by a body on any thread
 * is thrown to the caller once every part has ended; when bodies fail on two threads, the caller's
 * thread throws its own with the other's {@linkplain Throwable#getSuppressed() suppressed} in it.
 */
public final class Parallel {
    private Parallel() {}

    /** The work of one part: the elements {@code [from, to)}. */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    /**
     * Runs {@code body} over {@code [0, n)}, on this thread alone or split into ranges of whole
     * cache lines run at once on several threads, and returns when all are done. Each element is in
     * exactly one range; {@code bytesPerElement} (what one element reads and writes) sizes the work.
     *
     * @throws NullPointerException     if {@code body} is null
     * @throws IllegalArgumentException if {@code n < 0} or {@code bytesPerElement < 1}
     */
    public static void forRange(int n, int bytesPerElement, Range body) {
        java.util.Objects.requireNonNull(body, "body");
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        if (bytesPerElement < 1) {
            throw new IllegalArgumentException("bytesPerElement must be >= 1, got " + bytesPerElement);
        }
        int parts = GemmThreads.forStream(n, (long) n * bytesPerElement);
        if (parts <= 1) {
            body.run(0, n); // no hand-over, and no allocation
            return;
        }
        GemmThreads.forRange(n, parts, body::run);
    }

    /**
     * How many threads {@link #forTasks} runs tasks of {@code flops} floating-point operations in all on, when there
     * are at least that many tasks and the workers are free: at least 1, at most {@link Gemm#threads()} and the
     * processors. For a caller that cuts its work into as many tasks as there are threads to run them; the count
     * may differ from call to call (the thread count, other callers), so tasks cut by it must give the same bits
     * however many there are.
     *
     * @throws IllegalArgumentException if {@code flops < 0}
     */
    public static int threadsFor(long flops) {
        if (flops < 0) {
            throw new IllegalArgumentException("flops must be >= 0, got " + flops);
        }
        return GemmThreads.forTasks(Integer.MAX_VALUE, flops);
    }

    /** One task of {@link #forTasks}: task {@code index}. */
    @FunctionalInterface
    public interface Task {
        void run(int index);
    }

    /**
     * Runs {@code body} once for every task in {@code [0, tasks)} and returns when all are done: on
     * this thread in order, or, when the work pays for it, on {@code p} threads at once: thread
     * {@code i} runs tasks {@code i, i + p, i + 2p, ...} (so a task goes to the same thread call after
     * call, and what it writes stays in that core's cache), then takes over, from the last task down,
     * those no thread has started (so a thread the machine delays, or one given larger tasks, leaves
     * the rest to the others: put the largest tasks first, the smallest last).
     * {@code flops} (the floating-point operations of all the tasks together) sizes the work by the
     * rule GEMM uses, so each thread gets enough of it. A task that computes its own outputs from
     * inputs no other task writes gives bitwise the same result for every thread count, whichever
     * thread runs it; GEMM calls inside a task run on that task's thread.
     *
     * @throws NullPointerException     if {@code body} is null
     * @throws IllegalArgumentException if {@code tasks < 0} or {@code flops < 0}
     */
    public static void forTasks(int tasks, long flops, Task body) {
        java.util.Objects.requireNonNull(body, "body");
        if (tasks < 0) {
            throw new IllegalArgumentException("tasks must be >= 0, got " + tasks);
        }
        if (flops < 0) {
            throw new IllegalArgumentException("flops must be >= 0, got " + flops);
        }
        int parts = GemmThreads.forTasks(tasks, flops);
        if (parts <= 1) {
            for (int t = 0; t < tasks; t++) {
                body.run(t); // no hand-over, and no allocation
            }
            return;
        }
        GemmThreads.forEachTask(tasks, parts, body::run);
    }
}
