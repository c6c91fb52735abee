package dev.jvk.kernels.gemm;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * jvk's own GEMM threads: daemon workers that run the parts of one call beside the calling thread,
 * which always runs part 0 itself.
 *
 * <p>The policy against oversubscription: one call uses the workers at a time. A call that finds
 * them busy (another of the caller's threads is multiplying) runs as one part on its own thread,
 * with the same result, so {@code N} calling threads never run more than {@code N + threads - 1}
 * threads between them, and callers that are already parallel get no helpers they would fight.
 *
 * <p>Handing a part over allocates nothing: workers read the caller's task, and are woken with
 * {@link LockSupport#unpark}. After a part a worker spins for a short while before it parks (then
 * it costs nothing), because GEMM calls tend to come in a row (training steps, benchmarks) and
 * waking a parked thread costs tens of microseconds. Workers are daemons: they never keep a JVM
 * alive.
 *
 * <p>A part no worker has started by the time the caller finishes its own is taken back and run by
 * the caller: on a machine busier than its
 * cores, a worker the scheduler has not run yet would otherwise hold up the whole call for a time
 * slice, milliseconds, when a part is microseconds.
 */
final class GemmPool {
    /** How long a worker (or the waiting caller) spins before parking; {@code -Djvk.gemm.spinNanos} for sweeps. */
    private static final long SPIN_NANOS = Long.getLong("jvk.gemm.spinNanos", 50_000);
    /** Spins between yields while a part waits: the part it waits for may be off the CPU on a busy machine. */
    private static final int SPINS_PER_YIELD = 1 << 10;
    /**
     * Whether a spin executes PAUSE ({@link Thread#onSpinWait}); off unless {@code -Djvk.gemm.spinPause=true}. On the
     * 2-vCPU KVM guests this project measures on, the 2-thread training step at batch 32 ran at one of two levels
     * (2/1 about 1.7 or about 1.15, every phase's CPU time 15-95% higher on both threads in the slow one): with PAUSE
     * the slow level took 2 of 5 windows, without it 0 of 4, and batch 128's median rose from 1.75 to 1.83
     * (bench/RESULTS-threads.md). A hypervisor may take a vCPU that loops on PAUSE for a waiter on a lock and
     * deschedule it (pause-loop exiting). An idle worker or caller spins at most {@link #SPIN_NANOS} before it parks,
     * and a part waiting on another's data yields every {@link #SPINS_PER_YIELD} turns, so no spin needs PAUSE to
     * leave the core to others.
     */
    private static final boolean SPIN_PAUSE = Boolean.getBoolean("jvk.gemm.spinPause");
    /**
     * After a worker could not be started, how long calls that want more workers run as one part before one
     * tries again. A limit on threads (a container's pids limit) is often passing, and a pool kept short for
     * good would slow every later product; but each failed start costs a native thread attempt and a warning
     * line in the JVM's log, which a try at every call would repeat at the rate of the calls.
     */
    private static final long RETRY_START_NANOS = 1_000_000_000L;

    /**
     * Work split into parts that may wait for what another part writes ({@link Waiting}), never for another
     * part to start: one part may run the others' share, or the parts may run one after another.
     */
    interface Task {
        /** Runs part {@code part} of {@code parts}. */
        void runPart(int part, int parts, Workspace workspace, Waiting waiting);
    }

    private static final ReentrantLock IN_USE = new ReentrantLock();
    private static final AtomicInteger UNFINISHED = new AtomicInteger();
    /**
     * Guarded by IN_USE (grown and stamped by the caller before its workers start): task {@code t} of the current
     * call is taken when {@code taken[t] == stamp} ({@link #take}). A new stamp per call frees every task at once.
     */
    private static AtomicIntegerArray taken = new AtomicIntegerArray(0);
    private static int stamp;
    /** Guarded by IN_USE. */
    private static Worker[] workers = new Worker[0];
    /** Guarded by IN_USE: whether a worker failed to start, and when ({@link System#nanoTime}). */
    private static boolean startFailed;
    private static long startFailedAt;
    /** Guarded by IN_USE: reused by every call, so that a call allocates nothing here. */
    private static final Waiting WAITING = new Waiting();
    private static volatile Thread caller;
    private static volatile Throwable failure;
    private static volatile int parts;

    private GemmPool() {}

    /**
     * Runs the task as {@code wanted} parts, on this thread (with its workspace {@code own}) and
     * {@code wanted - 1} workers, all at once, and returns when all are done; as one part on this
     * thread when {@code wanted <= 1}, the workers are busy with another call, or they cannot all be started.
     */
    static void run(Task task, int wanted, Workspace own) {
        run(task, wanted, own, 0);
    }

    /**
     * {@link #run(Task, int, Workspace)} for a task whose parts {@link #take} tasks {@code [0, tasks)} of their call:
     * each task goes to the first part that asks for it.
     */
    static void run(Task task, int wanted, Workspace own, int tasks) {
        // a part that itself splits work (a Parallel body calling GEMM) already holds the lock: the lock is reentrant
        if (wanted <= 1 || IN_USE.isHeldByCurrentThread() || !lockWithWorkers(wanted - 1)) {
            task.runPart(0, 1, own, Waiting.NONE);
            return;
        }
        Throwable failed = null;
        try {
            failure = null;
            caller = Thread.currentThread();
            WAITING.reset();
            freeTasks(tasks);
            parts = wanted;
            UNFINISHED.set(wanted - 1);
            for (int part = 1; part < wanted; part++) {
                workers[part - 1].assign(task, part);
            }
            Throwable ownFailure = null;
            try {
                task.runPart(0, wanted, own, WAITING);
            } catch (Throwable e) {
                ownFailure = e;
                WAITING.breakFor(e);
                throw e;
            } finally {
                try {
                    takeBackUnstarted(task, wanted, own, ownFailure == null);
                } finally {
                    awaitWorkers(); // they read the task: it must not change before they are done
                    failed = failure;
                    failure = null;
                    caller = null;
                    // a worker that failed on its own (not only stopped by this part's failure) goes with the
                    // failure this thread throws, rather than being lost
                    if (ownFailure != null && failed != null && failed.getCause() != ownFailure) {
                        ownFailure.addSuppressed(failed);
                    }
                }
            }
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

    /**
     * Takes task {@code t} of the current call for the part that asks: true for the first part that asks, false
     * for every other. Only for a part of a call that has its workers ({@code parts > 1} in {@link Task#runPart}),
     * started with the number of tasks: a call run as one part runs its tasks itself.
     */
    static boolean take(int t) {
        int mine = stamp;
        return taken.get(t) != mine && taken.getAndSet(t, mine) != mine;
    }

    /** Frees tasks {@code [0, tasks)} for the call about to start (guarded by IN_USE; allocates only to grow). */
    private static void freeTasks(int tasks) {
        if (taken.length() < tasks) {
            taken = new AtomicIntegerArray(Math.max(tasks, 2 * taken.length()));
        }
        if (++stamp == 0) {
            // a stamp comes back after 2^32 calls: clear what an old call left with it
            for (int t = 0; t < taken.length(); t++) {
                taken.set(t, 0);
            }
            stamp = 1;
        }
    }

    /**
     * Takes the workers for a call of {@code count} of them, starting those missing: true when this thread now holds
     * {@link #IN_USE} with {@code count} workers; false, and not holding it, when another call has them or they
     * cannot all be started (the call then runs as one part, as when they are busy: the same result).
     */
    private static boolean lockWithWorkers(int count) {
        if (!IN_USE.tryLock()) {
            return false;
        }
        if (ensureWorkers(count)) {
            return true;
        }
        IN_USE.unlock();
        return false;
    }

    /**
     * Starts workers until there are {@code count}; false when one could not be (no native thread left: an
     * OutOfMemoryError in a process at its thread limit), or one failed to start less than
     * {@link #RETRY_START_NANOS} ago. Throws nothing. A worker is kept from the moment it has started, so that
     * those started before a failure are used by later calls rather than left running unreachable.
     */
    private static boolean ensureWorkers(int count) {
        if (workers.length >= count) {
            return true;
        }
        if (startFailed && System.nanoTime() - startFailedAt < RETRY_START_NANOS) {
            return false;
        }
        try {
            while (workers.length < count) {
                Worker[] grown = java.util.Arrays.copyOf(workers, workers.length + 1);
                grown[workers.length] = new Worker(workers.length + 1);
                grown[workers.length].start();
                workers = grown;
            }
            startFailed = false;
            return true;
        } catch (Throwable e) {
            startFailed = true;
            startFailedAt = System.nanoTime();
            return false;
        }
    }

    /**
     * Takes back every part no worker has started and, when {@code run}, runs it on this thread with its
     * workspace {@code own} (free again: this thread's own part is done); else drops it (a part failed).
     */
    private static void takeBackUnstarted(Task task, int wanted, Workspace own, boolean run) {
        for (int part = 1; part < wanted; part++) {
            if (workers[part - 1].revoke(task)) {
                try {
                    if (run) {
                        task.runPart(part, wanted, own, Waiting.NONE);
                    }
                } catch (Throwable e) {
                    // a worker's part may be waiting for what this part was to write: as for this thread's own part
                    WAITING.breakFor(e);
                    throw e;
                } finally {
                    UNFINISHED.decrementAndGet();
                }
            }
        }
    }

    private static void spinWait() {
        if (SPIN_PAUSE) {
            Thread.onSpinWait();
        }
    }

    /**
     * Waits until every worker's part is done, however the caller is interrupted: the workers read and write the
     * caller's operands, so the call cannot end before them. An interrupt makes {@code park} return at once, so the
     * flag is cleared while waiting (else the caller would spin on a core the workers need) and set again after.
     */
    private static void awaitWorkers() {
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        boolean interrupted = false;
        while (UNFINISHED.get() != 0) {
            if (System.nanoTime() < spinUntil) {
                spinWait();
            } else {
                LockSupport.park(GemmPool.class);
                interrupted |= Thread.interrupted();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * How the parts of one call wait for what another part writes: spinning, yielding now and then, and
     * stopping when another part has failed instead of waiting forever.
     */
    static final class Waiting {
        /** For a call run as one part, whose parts never wait. */
        static final Waiting NONE = new Waiting();

        private volatile Throwable broken;

        void reset() {
            broken = null;
        }

        /**
         * One turn of a wait (call with 0, 1, 2, ... until what is awaited is there): spins, yields now and
         * then (the part waited for may be off the CPU on a busy machine), and throws when another part failed.
         */
        void pause(int spins) {
            if (broken != null) {
                throw new IllegalStateException("another part of this GEMM failed", broken);
            }
            if ((spins + 1) % SPINS_PER_YIELD == 0) {
                Thread.yield();
            } else {
                spinWait();
            }
        }

        void breakFor(Throwable cause) {
            broken = cause;
        }
    }

    /** A daemon thread with its own workspace, running one part at a time. */
    static final class Worker extends Thread {
        final Workspace workspace = new Workspace(false);
        /** The task assigned and not yet started: the worker or the caller takes it out, whichever comes first. */
        private final AtomicReference<Task> assigned = new AtomicReference<>();
        private int part;

        Worker(int index) {
            // Started by whichever thread first needs it (a request's, in a server) and alive as long as the JVM:
            // it takes none of that thread's InheritableThreadLocal values, which it would keep reachable for good,
            super(null, null, "jvk-gemm-" + index, 0, false);
            setDaemon(true);
            // nor its context class loader (an application's, which a server unloading it expects to let go of),
            setContextClassLoader(GemmPool.class.getClassLoader());
            // nor its priority (a background job's low one would hold back every later caller's products)
            setPriority(NORM_PRIORITY);
        }

        void assign(Task task, int part) {
            this.part = part;
            assigned.set(task); // volatile write publishes part
            LockSupport.unpark(this);
        }

        /** Takes {@code task} back unless this worker has started it; true when taken back. */
        boolean revoke(Task task) {
            return assigned.compareAndSet(task, null);
        }

        @Override
        public void run() {
            while (true) {
                Task current = awaitTask();
                try {
                    current.runPart(part, parts, workspace, WAITING);
                } catch (Throwable e) {
                    failure = e;
                    WAITING.breakFor(e);
                }
                // an interrupt a part left (a Parallel task restoring one it caught) is that part's: not the next
                // part's, and not the idle worker's, whose park would return at once and spin on the core for good
                Thread.interrupted();
                if (UNFINISHED.decrementAndGet() == 0) {
                    LockSupport.unpark(caller);
                }
            }
        }

        /** The next task, taken out of {@link #assigned} (so the caller can no longer take it back). */
        private Task awaitTask() {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            int spins = 0;
            while (true) {
                Task current = assigned.get();
                if (current != null && assigned.compareAndSet(current, null)) {
                    return current;
                }
                if (current != null) {
                    continue; // taken back just now: wait for the next
                }
                if (System.nanoTime() >= spinUntil) {
                    Thread.interrupted(); // nothing stops a worker: an interrupt from outside must not make it spin
                    LockSupport.park(this);
                } else if (++spins % SPINS_PER_YIELD == 0) {
                    Thread.yield(); // spinning must not keep a busy machine's other threads (the caller's among them) off this core
                } else {
                    spinWait();
                }
            }
        }
    }
}
