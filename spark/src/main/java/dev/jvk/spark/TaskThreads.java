package dev.jvk.spark;

import dev.jvk.kernels.Gemm;

/**
 * GEMM's thread count for a task's work, and the user's back when the work ends. The setting is the process's: in
 * local mode the tasks run in the driver's JVM, several at a time, so the first task to start keeps the value it
 * finds and the last to end puts it back (one task ending must not hand another's setting to the driver).
 * Results do not depend on the thread count, so overlapping tasks may run with either value.
 */
final class TaskThreads {
    private static int running;
    private static int kept;

    private TaskThreads() {}

    /** Sets GEMM's threads for a task's work; {@link #end()} once when that work ends. */
    static synchronized void begin(int threads) {
        int before = Gemm.threads();
        try {
            Gemm.setThreads(threads);   // first, so that a refused value leaves nothing to end
        } catch (IllegalArgumentException e) {
            // the driver cannot know the executors' cores, so the param's upper bound is checked here, in the task
            throw new IllegalArgumentException("threadsPerTask " + threads + " is more than this executor takes: "
                    + e.getMessage() + "; match spark.task.cpus", e);
        }
        if (running++ == 0) {
            kept = before;
        }
    }

    /** Ends a task's work: the last one running puts back the thread count the first one found. */
    static synchronized void end() {
        if (--running == 0) {
            Gemm.setThreads(kept);
        }
    }
}
