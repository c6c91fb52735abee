package dev.jvk.kernels.gemm;

import dev.jvk.kernels.platform.Platform;

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
    static final long FLOPS_PER_NANO = Long.getLong("jvk.gemm.flopsPerNano", 200);
    /** One core's share of memory bandwidth for operands that do not stay in cache (a conservative 10 GB/s). */
    static final long BYTES_PER_NANO = 10;
    /**
     * The least work worth a thread, in nanoseconds of one core: measured in bench/RESULTS-threads.md
     * (the 1- and 2-thread sweep); {@code -Djvk.gemm.minNanosPerThread} for sweeps.
     */
    static final long MIN_NANOS_PER_THREAD = Long.getLong("jvk.gemm.minNanosPerThread", 20_000);
    /** The processors threads may run on; {@code -Djvk.gemm.processors} lets a test split as a larger machine would. */
    static final int PROCESSORS = Integer.getInteger("jvk.gemm.processors", Runtime.getRuntime().availableProcessors());

    private GemmThreads() {}

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
}
