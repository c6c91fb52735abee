package dev.jvk.kernels.gemm;

import dev.jvk.kernels.platform.Platform;
import java.lang.foreign.MemorySegment;

/**
 * The one place that decides how many threads a product gets: from its work (flops and bytes), the
 * thread count set by the user, and the processors there are. Every GEMM path asks here; so does
 * any new path (small or skinny shapes) that wants to split its work.
 *
 * <p>The model: one thread would take {@code flops / FLOPS_PER_NANO + bytes / BYTES_PER_NANO}
 * nanoseconds; {@code t} threads take that over {@code t} plus the cost of handing parts to
 * workers and joining them. A thread is added only while each keeps at least
 * {@link #MIN_NANOS_PER_THREAD} of work, many times the hand-over (a few microseconds when the
 * workers spin, tens when they have parked), so that no product gets slower with more threads.
 * Never more threads than processors: a part queued behind another on the same core makes the whole
 * call wait for it, and spinning parts steal the core from the part they wait for.
 */
public final class GemmThreads {
    /** One core's multiply-add throughput on the packed path, 2 flops each (about 200 GFLOP/s at 512 bits, bench/RESULTS-gemm.md). */
    static final long FLOPS_PER_NANO = Platform.property("jvk.gemm.flopsPerNano", 200, Integer.MAX_VALUE);
    /** One core's share of memory bandwidth for operands that do not stay in cache (a conservative 10 GB/s). */
    static final long BYTES_PER_NANO = 10;
    /**
     * The least work worth a thread, in nanoseconds of one core: measured in bench/RESULTS-threads.md
     * (the 1- and 2-thread sweep); {@code -Djvk.gemm.minNanosPerThread} for sweeps.
     */
    static final long MIN_NANOS_PER_THREAD = Platform.property("jvk.gemm.minNanosPerThread", 20_000, Integer.MAX_VALUE);
    /**
     * Threads from which the packed path's threads share one packed B block, its row blocks dealt as
     * threads free up, instead of each packing its own operand for a fixed range (see
     * {@code Sgemm.Plan.split}); {@code -Djvk.gemm.shareBFrom} for sweeps.
     */
    static final int SHARE_B_FROM = Integer.getInteger("jvk.gemm.shareBFrom", 2);
    /**
     * Row blocks per thread in each step of the shared B block (at most MC rows, at least two tiles):
     * a thread waits at most one block per step for the others; {@code -Djvk.gemm.blocksPerPart} for sweeps.
     */
    static final int BLOCKS_PER_PART = Platform.property("jvk.gemm.blocksPerPart", 4, 1 << 10);
    /** The least NR-column panels per dealt column block of the shared-A split; {@code -Djvk.gemm.columnPanels} for sweeps. */
    static final int COLUMN_PANELS = Platform.property("jvk.gemm.columnPanels", 1, 1 << 10);
    /** Elements per unit of an elementwise range: 64 floats are four cache lines, never shared by two parts. */
    static final int RANGE_UNIT = 64;
    /** The processors threads may run on; {@code -Djvk.gemm.processors} lets a test split as a larger machine would. */
    static final int PROCESSORS = Integer.getInteger("jvk.gemm.processors", Runtime.getRuntime().availableProcessors());

    /**
     * Any thread but a caller: a segment it may use is not confined to the caller's thread, so workers may use it
     * too. Never started; made without the InheritableThreadLocal values and the context class loader of the
     * thread that happens to load this class, which a static field would keep reachable for good.
     */
    private static final Thread ANOTHER_THREAD = unstartedThread();

    private GemmThreads() {}

    private static Thread unstartedThread() {
        Thread thread = Thread.ofPlatform().inheritInheritableThreadLocals(false).unstarted(() -> { });
        thread.setContextClassLoader(null);
        return thread;
    }

    /** Whether a product of these segments may be split between threads: none of them is confined to the caller's. */
    static boolean shareable(MemorySegment a, MemorySegment b, MemorySegment c) {
        return a.isAccessibleBy(ANOTHER_THREAD) && b.isAccessibleBy(ANOTHER_THREAD) && c.isAccessibleBy(ANOTHER_THREAD);
    }

    /**
     * Threads for {@code C (m x n) = A (m x k) * B (k x n)} with elements of {@code elementBytes}:
     * at least 1, at most {@code min(Platform.threads(), processors)}. The result never changes a
     * bit of C (K is never split); it only decides how fast C comes.
     */
    public static int forProduct(long m, long n, long k, int elementBytes) {
        int cap = Math.min(Platform.threads(), PROCESSORS);
        if (cap <= 1) {
            return 1;
        }
        long flops = 2 * m * n * k;
        long bytes = elementBytes * (m * k + k * n + 2 * m * n);
        long nanos = flops / FLOPS_PER_NANO + bytes / BYTES_PER_NANO;
        return (int) Math.max(1, Math.min(cap, nanos / MIN_NANOS_PER_THREAD));
    }

    /**
     * How many dealt blocks {@code parts} parts share along {@code extent} rows (columns) of C in panels of {@code panel}:
     * as many as blocks of at most {@code most} need, rounded up to a multiple of the parts so that every part owns as
     * many (784 rows in 5 blocks on 2 threads left one part 2 blocks and the other 3), and no more than the panels.
     */
    static int dealtBlocks(int extent, int panel, int most, int parts) {
        int panels = (extent + panel - 1) / panel;
        return Math.min(panels, Platform.roundUp((extent + most - 1) / most, parts));
    }

    /**
     * Where dealt block {@code b} of {@code blocks} starts along {@code extent} rows (columns) of C in panels of
     * {@code panel} rows (columns); block {@code blocks} ends at {@code extent}. Whole panels, the blocks' sizes
     * within one panel of each other: blocks of one size rounded up to whole panels left the last one short (784 rows
     * in 7 blocks of 104 and one of 56 on 2 threads), so one part's own blocks held 416 rows and the other's 368, and
     * the call waited for the larger half (bench/RESULTS-threads.md).
     */
    static int blockStart(int b, int blocks, int extent, int panel) {
        int panels = (extent + panel - 1) / panel;
        return (int) Math.min(extent, (long) b * panels / blocks * panel);
    }

    /**
     * Parts for {@code tasks} independent tasks that between them do {@code flops} floating-point
     * operations of GEMM-like work, by the same rule as {@link #forProduct}: at most one part per task.
     */
    public static int forTasks(int tasks, long flops) {
        int cap = Math.min(Platform.threads(), PROCESSORS);
        long byWork = flops / FLOPS_PER_NANO / MIN_NANOS_PER_THREAD;
        return (int) Math.max(1, Math.min(Math.min(cap, byWork), tasks));
    }

    /** The work of {@link #forEachTask}: task {@code index}. */
    @FunctionalInterface
    public interface Task {
        void run(int index);
    }

    /**
     * Runs tasks {@code [0, tasks)} on {@code parts} threads at once (the caller's and GEMM's workers): part
     * {@code p} first runs its own tasks {@code p, p + parts, p + 2 parts, ...} in that order, then takes whatever
     * no part has taken yet, from the last task down. All on the caller's thread, in order, when the workers are
     * busy. Each task runs once.
     *
     * <p>Why own tasks: the same task goes to the same thread call after call while the machine lets every part
     * run, so what a task writes (a slice of a weight gradient, and the weights it updates) stays in that core's
     * cache for the next call instead of moving to the other core (measured in bench/RESULTS-threads.md). Why
     * from the last down: a part that finishes early (or a thread the machine delays) leaves the others' last,
     * smallest tasks to whoever is free. Put the largest tasks first.
     */
    public static void forEachTask(int tasks, int parts, Task body) {
        GemmPool.run((part, count, workspace, waiting) -> {
            if (count == 1) {
                for (int t = 0; t < tasks; t++) {
                    body.run(t);
                }
                return;
            }
            for (int t = part; t < tasks; t += count) {
                if (GemmPool.take(t)) {
                    body.run(t);
                }
            }
            for (int t = tasks - 1; t >= 0; t--) {
                if (GemmPool.take(t)) {
                    body.run(t);
                }
            }
        }, parts, null, tasks);
    }

    /**
     * Parts for an elementwise pass over {@code n} elements touching {@code bytes} bytes, by the same
     * rule as {@link #forProduct}: at most one part per 64 elements (a cache line of floats
     * at least, so that no two parts write one line).
     */
    public static int forStream(long n, long bytes) {
        int cap = Math.min(Platform.threads(), PROCESSORS);
        long byWork = bytes / BYTES_PER_NANO / MIN_NANOS_PER_THREAD;
        return (int) Math.max(1, Math.min(Math.min(cap, byWork), n / RANGE_UNIT));
    }

    /** The work of one part of {@link #forRange}: elements {@code [from, to)}. */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    /**
     * Runs {@code body} over {@code [0, n)} in {@code parts} contiguous ranges of whole multiples of
     * 64 elements (the last takes the rest), at once on the caller's thread and GEMM's workers, or
     * all on the caller's thread when the workers are busy.
     */
    public static void forRange(int n, int parts, Range body) {
        GemmPool.run((part, count, workspace, waiting) -> {
            int units = (n + RANGE_UNIT - 1) / RANGE_UNIT;
            int from = (int) Math.min(n, (long) part * units / count * RANGE_UNIT);
            int to = (int) Math.min(n, (long) (part + 1) * units / count * RANGE_UNIT);
            if (from < to) {
                body.run(from, to);
            }
        }, parts, null);
    }
}
