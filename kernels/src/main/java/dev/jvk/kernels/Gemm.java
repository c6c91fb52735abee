package dev.jvk.kernels;

/** General matrix multiply (GEMM) and matrix-vector multiply (GEMV), row-major, CBLAS argument order. */
public final class Gemm {
    private static volatile int threads = defaultThreads();

    private Gemm() {}

    /** Sets the number of threads GEMM uses; {@code threads >= 1}. */
    public static void setThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        Gemm.threads = threads;
    }

    /** The number of threads GEMM uses: {@code -Djvk.threads}, else the available processors, unless set. */
    public static int threads() {
        return threads;
    }

    private static int defaultThreads() {
        Integer property = Integer.getInteger("jvk.threads");
        return property != null && property >= 1 ? property : Runtime.getRuntime().availableProcessors();
    }
}
