package dev.jvk.kernels.gemm;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * jvk's own GEMM threads: daemon workers that run the parts of one call beside the calling thread,
 * which always runs part 0 itself. One call uses the workers at a time; a call that finds them busy
 * (another thread is multiplying) runs all its parts on its own thread, with the same result.
 *
 * <p>Handing a part over allocates nothing: the task is the caller's reusable call object, and
 * workers are woken with {@link LockSupport#unpark}. After a part a worker spins for a short while
 * before it parks, because GEMM calls tend to come in a row (training steps, benchmarks) and waking
 * a parked thread costs tens of microseconds.
 */
final class GemmPool {
    /** How long a worker (or the waiting caller) spins before parking. */
    private static final long SPIN_NANOS = 50_000;

    /** Work split into independent parts. */
    interface Task {
        void runPart(int part, Workspace workspace);
    }

    private static final ReentrantLock IN_USE = new ReentrantLock();
    private static final AtomicInteger UNFINISHED = new AtomicInteger();
    /** Guarded by IN_USE. */
    private static Worker[] workers = new Worker[0];
    private static volatile Thread caller;
    private static volatile Throwable failure;

    private GemmPool() {}

    /** Runs parts 0 .. parts-1 of the task, on this thread (with its workspace {@code own}) and up to parts-1 workers, and returns when all are done. */
    static void run(Task task, int parts, Workspace own) {
        if (parts <= 1 || !IN_USE.tryLock()) {
            for (int part = 0; part < parts; part++) {
                task.runPart(part, own);
            }
            return;
        }
        Throwable failed;
        try {
            ensureWorkers(parts - 1);
            failure = null;
            caller = Thread.currentThread();
            UNFINISHED.set(parts - 1);
            for (int part = 1; part < parts; part++) {
                workers[part - 1].assign(task, part);
            }
            try {
                task.runPart(0, own);
            } finally {
                awaitWorkers(); // they read the task: it must not change before they are done
            }
            failed = failure;
            failure = null;
            caller = null;
        } finally {
            IN_USE.unlock();
        }
        if (failed instanceof RuntimeException e) {
            throw e;
        }
        if (failed instanceof Error e) {
            throw e;
        }
        if (failed != null) {
            throw new IllegalStateException("a GEMM worker failed", failed);
        }
    }

    private static void ensureWorkers(int count) {
        if (workers.length >= count) {
            return;
        }
        Worker[] grown = java.util.Arrays.copyOf(workers, count);
        for (int i = workers.length; i < count; i++) {
            grown[i] = new Worker(i + 1);
            grown[i].start();
        }
        workers = grown;
    }

    private static void awaitWorkers() {
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        while (UNFINISHED.get() != 0) {
            if (System.nanoTime() < spinUntil) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(GemmPool.class);
            }
        }
    }

    /** A daemon thread with its own workspace, running one part at a time. */
    static final class Worker extends Thread {
        final Workspace workspace = new Workspace(false);
        private volatile Task task;
        private int part;

        Worker(int index) {
            super("jvk-gemm-" + index);
            setDaemon(true);
        }

        void assign(Task task, int part) {
            this.part = part;
            this.task = task; // volatile write publishes part
            LockSupport.unpark(this);
        }

        @Override
        public void run() {
            while (true) {
                Task current = awaitTask();
                try {
                    current.runPart(part, workspace);
                } catch (Throwable e) {
                    failure = e;
                }
                task = null;
                if (UNFINISHED.decrementAndGet() == 0) {
                    LockSupport.unpark(caller);
                }
            }
        }

        private Task awaitTask() {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            Task current;
            while ((current = task) == null) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            return current;
        }
    }
}
