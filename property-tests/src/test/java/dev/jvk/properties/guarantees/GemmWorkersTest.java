package dev.jvk.properties.guarantees;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvk.kernels.Parallel;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What jvk's GEMM threads (the daemon workers beside the caller) take from the program around them, as
 * a service running them for weeks sees it: nothing of the thread that happened to start them, and no
 * core spinning after an interrupt. Each check runs in a child JVM told to use 2 threads
 * ({@code -Djvk.threads=2 -Djvk.gemm.processors=2}), whatever this machine has, so that its workers are
 * started by the child's own first call and the caller can be watched while a worker holds the call.
 */
@Tag("child-jvm")
class GemmWorkersTest {
    /** Work enough for {@link Parallel#forTasks} to use both threads. */
    static final long MUCH_WORK = 10_000_000_000L;
    /**
     * How long a thread may take to settle in a wait, counted in sleeps and parks of a known length (no clock is read:
     * a bound on the wait, not a measurement); a child that sees it spinning this long reports it.
     */
    static final long SETTLE_MILLIS = 20_000;

    /**
     * The workers start on the first call that needs them, in whatever thread makes it (a request's thread in a
     * server): they must not inherit its InheritableThreadLocal values (kept reachable for the life of the JVM),
     * its context class loader (an application's, which a server that unloads it expects to be unreachable), nor
     * its priority (a background job's low one would slow every later product where priorities count).
     */
    @Test
    void workersInheritNothingFromTheThreadThatStartsThem() throws Exception {
        assertThat(child("inherit")).contains("WORKER RAN", "WORKER SEES NO INHERITED VALUE", "WORKER HAS NOT THE CALLER'S LOADER",
                "WORKER HAS THE NORMAL PRIORITY");
    }

    /**
     * The same from the other side: once a thread that set an InheritableThreadLocal value and a context class
     * loader has made one call of each kind (arrays and segments, float and double, split between threads or
     * not, a packed matrix, Parallel) and ended, neither its value nor its loader is reachable from anything jvk
     * keeps.
     */
    @Test
    void nothingOfAFinishedCallersThreadStaysReachable() throws Exception {
        assertThat(child("unreachable")).contains("CALLS RAN", "VALUE COLLECTED", "LOADER COLLECTED");
    }

    /**
     * A Parallel task that restores an interrupt it caught (the usual idiom) leaves the worker's flag set: the
     * worker must still park when idle, not spin on a core for the rest of the JVM's life.
     */
    @Test
    void aWorkerLeftInterruptedParksWhenIdle() throws Exception {
        assertThat(child("interruptedWorker")).contains("WORKER RAN", "WORKER PARKED");
    }

    /**
     * A caller interrupted during a call (a cancelled request) waits for the workers, which read its arrays, as
     * parked as before, not spinning on a core the workers need: its flag held aside while it waits, and set
     * again when the call returns.
     */
    @Test
    void anInterruptedCallerWaitsParkedAndKeepsItsInterrupt() throws Exception {
        assertThat(child("interruptedCaller")).contains("WORKER RAN", "CALLER PARKED", "CALLER STILL INTERRUPTED");
    }

    /** Both threads' tasks fail: the caller throws its own failure, with the worker's suppressed in it rather than lost. */
    @Test
    void aFailureOnEachThreadIsThrownWithTheOtherSuppressed() throws Exception {
        assertThat(child("bothFail")).contains("BOTH FAILURES REPORTED");
    }

    /**
     * In a process at its thread limit (a container's pids limit) a worker cannot be started: Thread.start throws
     * OutOfMemoryError. The product is still computed, on the caller's thread; the worker that did start is kept
     * (not left running unreachable, with another started in its place later); and a later call starts the one
     * missing. The child makes the starts fail by loading jvk in a class loader whose GemmPool.Worker fails its
     * start when told to, since no JVM option makes one start fail and not the JVM's own threads; 3 threads, so
     * that the first call starts one worker and fails on the second.
     */
    @Test
    void aWorkerThatCannotBeStartedLeavesTheProductToTheCaller() throws Exception {
        assertThat(child("failedStart", 3)).contains("SECOND START FAILED", "PRODUCT COMPUTED", "WORKERS STARTED LATER",
                "NO WORKER ORPHANED");
    }

    /**
     * A part no worker had started, taken back and run by the caller, fails while a worker's part waits for what it
     * was to write: the waiting part must be told, and stop, rather than wait forever (and the caller with it). No
     * public call has parts that wait and a failure in the right part, so the child runs its own three-part task
     * through GemmPool by reflection, until the caller has taken back the failing part at least once (which
     * thread starts a part first is the scheduler's choice).
     */
    @Test
    void aFailingPartTakenBackByTheCallerStopsThePartsWaitingForIt() throws Exception {
        assertThat(child("takenBackFails", 3)).contains("PART TAKEN BACK", "EVERY CALL RETURNED");
    }

    private static String child(String check) throws Exception {
        return child(check, 2);
    }

    private static String child(String check, int threads) throws Exception {
        return ChildJvm.run(Workers.class, 120, List.of("-Xmx256m", "-Djvk.threads=" + threads, "-Djvk.gemm.processors=" + threads), check);
    }

    /** The child: one check, its findings printed as lines the test looks for. */
    public static final class Workers {
        private static final InheritableThreadLocal<String> CONTEXT = new InheritableThreadLocal<>();
        private static final InheritableThreadLocal<byte[]> CONTEXT_VALUE = new InheritableThreadLocal<>();

        private Workers() {}

        public static void main(String[] args) throws Exception {
            switch (args[0]) {
                case "inherit" -> inherit();
                case "interruptedWorker" -> interruptedWorker();
                case "interruptedCaller" -> interruptedCaller();
                case "bothFail" -> bothFail();
                case "unreachable" -> unreachable();
                case "failedStart" -> failedStart();
                case "takenBackFails" -> takenBackFails();
                default -> throw new IllegalArgumentException(args[0]);
            }
        }

        private static void inherit() throws Exception {
            ClassLoader application = new URLClassLoader(new URL[0]);
            AtomicReference<Thread> worker = new AtomicReference<>();
            AtomicReference<String> seen = new AtomicReference<>();
            Thread request = new Thread(() -> {
                CONTEXT.set("a request's context");
                Thread.currentThread().setContextClassLoader(application);
                Thread.currentThread().setPriority(Thread.MIN_PRIORITY); // a background job's thread
                onAWorker(() -> {
                    worker.set(Thread.currentThread());
                    seen.set(CONTEXT.get());
                });
            });
            request.start();
            request.join();
            report(worker.get() != null, "WORKER RAN");
            report(seen.get() == null, "WORKER SEES NO INHERITED VALUE");
            report(worker.get() != null && worker.get().getContextClassLoader() != application, "WORKER HAS NOT THE CALLER'S LOADER");
            report(worker.get() != null && worker.get().getPriority() == Thread.NORM_PRIORITY, "WORKER HAS THE NORMAL PRIORITY");
        }

        private static void unreachable() throws Exception {
            java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();
            java.lang.ref.WeakReference<?>[] refs = finishedRequest(ran);
            report(ran.get(), "CALLS RAN");
            for (int i = 0; i < 20 && (refs[0].get() != null || refs[1].get() != null); i++) {
                System.gc();
                Thread.sleep(10);
            }
            report(refs[0].get() == null, "VALUE COLLECTED");
            report(refs[1].get() == null, "LOADER COLLECTED");
        }

        /**
         * A thread with an InheritableThreadLocal value and a context class loader of its own makes the calls and
         * ends; returns weak references to the value and the loader. In a frame of its own, so that the ended
         * thread (which keeps its context class loader) is not reachable from the caller's.
         */
        private static java.lang.ref.WeakReference<?>[] finishedRequest(java.util.concurrent.atomic.AtomicBoolean ran)
                throws InterruptedException {
            java.lang.ref.WeakReference<?>[] refs = new java.lang.ref.WeakReference<?>[2];
            Thread request = new Thread(() -> {
                byte[] value = new byte[1 << 20];
                ClassLoader application = new URLClassLoader(new URL[0]);
                refs[0] = new java.lang.ref.WeakReference<>(value);
                refs[1] = new java.lang.ref.WeakReference<>(application);
                CONTEXT_VALUE.set(value);
                Thread.currentThread().setContextClassLoader(application);
                ran.set(callsOfEveryKind());
            });
            request.start();
            request.join();
            return refs;
        }

        /** One call of each kind, on operands large enough to be split between the two threads; true when all ran. */
        private static boolean callsOfEveryKind() {
            int n = 256;
            float[] a = new float[n * n];
            java.util.Arrays.fill(a, 1f);
            float[] c = new float[n * n];
            dev.jvk.kernels.Gemm.sgemm(dev.jvk.kernels.Transpose.NO_TRANS, dev.jvk.kernels.Transpose.NO_TRANS, n, n, n, 1f, a, a, 0f, c);
            try (java.lang.foreign.Arena shared = java.lang.foreign.Arena.ofShared();
                 java.lang.foreign.Arena confined = java.lang.foreign.Arena.ofConfined()) {
                for (java.lang.foreign.Arena arena : List.of(shared, confined)) {
                    java.lang.foreign.MemorySegment s = arena.allocate((long) n * n * Double.BYTES);
                    java.lang.foreign.MemorySegment t = arena.allocate((long) n * n * Double.BYTES);
                    dev.jvk.kernels.Gemm.sgemm(dev.jvk.kernels.Transpose.NO_TRANS, dev.jvk.kernels.Transpose.NO_TRANS,
                            n, n, n, 1f, s, 0, n, s, 0, n, 0f, t, 0, n);
                    dev.jvk.kernels.Gemm.dgemm(dev.jvk.kernels.Transpose.NO_TRANS, dev.jvk.kernels.Transpose.NO_TRANS,
                            n, n, n, 1, s, 0, n, s, 0, n, 0, t, 0, n);
                }
            }
            try (dev.jvk.kernels.PackedMatrix packed = new dev.jvk.kernels.PackedMatrix(dev.jvk.kernels.Transpose.NO_TRANS, n, n, a, 0, n)) {
                packed.sgemm(dev.jvk.kernels.Transpose.NO_TRANS, n, 1f, a, 0, n, 0f, c, 0, n);
            }
            Parallel.forTasks(2, MUCH_WORK, t -> { });
            return c[n * n - 1] == n;
        }

        private static void interruptedWorker() {
            AtomicReference<Thread> worker = new AtomicReference<>();
            onAWorker(() -> {
                worker.set(Thread.currentThread());
                Thread.currentThread().interrupt(); // as a task restoring an interrupt it caught does
            });
            report(worker.get() != null, "WORKER RAN");
            report(worker.get() != null && settlesParked(worker.get()), "WORKER PARKED");
        }

        private static void interruptedCaller() throws Exception {
            Thread caller = Thread.currentThread();
            CountDownLatch release = new CountDownLatch(1);
            AtomicReference<Boolean> parked = new AtomicReference<>(false);
            Thread watcher = new Thread(() -> {
                parked.set(settlesParked(caller));
                release.countDown();
            });
            AtomicReference<Thread> worker = new AtomicReference<>();
            onAWorker(() -> {
                worker.set(Thread.currentThread());
                caller.interrupt(); // the request is cancelled while the call runs
                watcher.start();
                try {
                    release.await(); // the worker holds the call until the watcher has seen the caller wait
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            report(worker.get() != null, "WORKER RAN");
            report(parked.get(), "CALLER PARKED");
            report(Thread.interrupted(), "CALLER STILL INTERRUPTED");
        }

        private static void bothFail() {
            // two parties: the tasks meet, so they run on two threads at once, and then each fails
            java.util.concurrent.CyclicBarrier met = new java.util.concurrent.CyclicBarrier(2);
            try {
                Parallel.forTasks(2, MUCH_WORK, t -> {
                    try {
                        met.await(60, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException("the tasks did not meet", e);
                    }
                    throw new UnsupportedOperationException("task " + t);
                });
                report(false, "BOTH FAILURES REPORTED");
            } catch (UnsupportedOperationException e) {
                java.util.Set<String> messages = new java.util.TreeSet<>();
                messages.add(e.getMessage());
                for (Throwable s : e.getSuppressed()) {
                    messages.add(s.getMessage());
                }
                System.out.println("thrown: " + messages);
                report(messages.equals(java.util.Set.of("task 0", "task 1")), "BOTH FAILURES REPORTED");
            }
        }

        private static void failedStart() throws Exception {
            ClassLoader jvk = new FailingStartsLoader(Path.of(PlatformPathsTest.kernels()).toUri().toURL(), Workers.class.getClassLoader());
            Class<?> gemm = jvk.loadClass("dev.jvk.kernels.Gemm");
            @SuppressWarnings({"unchecked", "rawtypes"})
            Object noTrans = Enum.valueOf((Class) jvk.loadClass("dev.jvk.kernels.Transpose"), "NO_TRANS");
            java.lang.reflect.Method sgemm = gemm.getMethod("sgemm", noTrans.getClass(), noTrans.getClass(),
                    int.class, int.class, int.class, float.class, float[].class, float[].class, float.class, float[].class);
            int n = 256;
            float[] a = new float[n * n];
            float[] b = new float[n * n];
            for (int i = 0; i < n * n; i++) {
                a[i] = i % 7 - 3;
                b[i] = i % 5 - 2;
            }
            // small integers: every sum is exact in float, whatever the order
            float[] expected = new float[n * n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    long sum = 0;
                    for (int p = 0; p < n; p++) {
                        sum += (long) a[i * n + p] * (long) b[p * n + j];
                    }
                    expected[i * n + j] = sum;
                }
            }
            boolean computed = true;
            FailingStarts.allowed.set(1);
            for (int call = 0; call < 3; call++) {
                float[] c = new float[n * n];
                sgemm.invoke(null, noTrans, noTrans, n, n, n, 1f, a, b, 0f, c);
                computed &= java.util.Arrays.equals(c, expected);
                if (call == 0) {
                    report(FailingStarts.attempts.get() == 2, "SECOND START FAILED");
                }
            }
            FailingStarts.allowed.set(Integer.MAX_VALUE);
            for (int tries = 0; workers().size() < 2 && tries < SETTLE_MILLIS / 100; tries++) {
                Thread.sleep(100);
                float[] c = new float[n * n];
                sgemm.invoke(null, noTrans, noTrans, n, n, n, 1f, a, b, 0f, c);
                computed &= java.util.Arrays.equals(c, expected);
            }
            report(computed, "PRODUCT COMPUTED");
            List<String> workers = workers();
            System.out.println("workers: " + workers);
            report(workers.contains("jvk-gemm-2"), "WORKERS STARTED LATER");
            report(workers.equals(List.of("jvk-gemm-1", "jvk-gemm-2")), "NO WORKER ORPHANED");
        }

        /**
         * Part 0 (the caller's) returns once part 2 has started on a worker; part 2 waits for part 1's output, which
         * never comes; part 1 fails. When worker 1 starts part 1 first, its failure stops part 2; when the caller
         * takes part 1 back, so must the caller's failure.
         */
        private static void takenBackFails() throws Exception {
            Class<?> taskType = Class.forName("dev.jvk.kernels.gemm.GemmPool$Task");
            java.lang.reflect.Method run = Class.forName("dev.jvk.kernels.gemm.GemmPool")
                    .getDeclaredMethod("run", taskType, int.class, dev.jvk.kernels.gemm.Workspace.class);
            run.setAccessible(true);
            java.lang.reflect.Method pause = Class.forName("dev.jvk.kernels.gemm.GemmPool$Waiting").getDeclaredMethod("pause", int.class);
            pause.setAccessible(true);
            Thread caller = Thread.currentThread();
            AtomicReference<Thread> partOneRanOn = new AtomicReference<>();
            java.util.concurrent.atomic.AtomicBoolean partTwoStarted = new java.util.concurrent.atomic.AtomicBoolean();
            Object task = java.lang.reflect.Proxy.newProxyInstance(taskType.getClassLoader(), new Class<?>[] {taskType}, (proxy, method, args) -> {
                if (!method.getName().equals("runPart")) {
                    throw new UnsupportedOperationException(method.getName());
                }
                int part = (Integer) args[0];
                if (part == 0) {
                    // at most SETTLE_MILLIS in parks of 0.1 ms: a bound on the wait, not a measure of anything
                    for (long parks = 0; !partTwoStarted.get() && parks < SETTLE_MILLIS * 10; parks++) {
                        java.util.concurrent.locks.LockSupport.parkNanos(100_000);
                    }
                } else if (part == 1) {
                    partOneRanOn.set(Thread.currentThread());
                    throw new IllegalStateException("part 1");
                } else if (Thread.currentThread() != caller) { // taken back (no worker started in time), it waits for nothing
                    partTwoStarted.set(true);
                    try {
                        for (int spins = 0; ; spins++) {
                            pause.invoke(args[3], spins);
                        }
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                }
                return null;
            });
            Thread watchdog = new Thread(() -> {
                try {
                    Thread.sleep(3 * SETTLE_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
                report(false, "EVERY CALL RETURNED");
                Runtime.getRuntime().halt(1);
            });
            watchdog.setDaemon(true);
            watchdog.start();
            boolean takenBack = false;
            for (int call = 0; call < 5000 && !takenBack; call++) {
                partOneRanOn.set(null);
                partTwoStarted.set(false);
                try {
                    run.invoke(null, task, 3, dev.jvk.kernels.gemm.Workspace.acquire());
                    report(false, "EVERY CALL THREW PART 1'S FAILURE");
                } catch (java.lang.reflect.InvocationTargetException e) {
                    Throwable cause = e.getCause();
                    while (cause != null && !"part 1".equals(cause.getMessage())) {
                        cause = cause.getCause();
                    }
                    if (cause == null) {
                        throw e;
                    }
                }
                takenBack = partOneRanOn.get() == caller;
                Thread.sleep(1); // the workers park between calls, as between a program's calls: either may wake first
            }
            watchdog.interrupt();
            report(takenBack, "PART TAKEN BACK");
            report(true, "EVERY CALL RETURNED");
        }

        /** The names of the live GEMM workers, sorted. */
        private static List<String> workers() {
            return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                    .filter(name -> name.startsWith("jvk-gemm-")).sorted().toList();
        }

        /**
         * Loads jvk's classes itself (not from its parent, which has them too), with a {@code start()} added to
         * GemmPool.Worker that asks {@link FailingStarts#beforeStart} first.
         */
        private static final class FailingStartsLoader extends URLClassLoader {
            FailingStartsLoader(URL kernels, ClassLoader parent) {
                super(new URL[] {kernels}, parent);
            }

            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (!name.startsWith("dev.jvk.kernels.")) {
                    return super.loadClass(name, resolve);
                }
                synchronized (getClassLoadingLock(name)) {
                    Class<?> loaded = findLoadedClass(name);
                    if (loaded != null) {
                        return loaded;
                    }
                    if (!name.equals("dev.jvk.kernels.gemm.GemmPool$Worker")) {
                        return findClass(name);
                    }
                    try (java.io.InputStream in = getResourceAsStream(name.replace('.', '/') + ".class")) {
                        java.lang.classfile.ClassFile files = java.lang.classfile.ClassFile.of();
                        java.lang.constant.MethodTypeDesc noArgs = java.lang.constant.MethodTypeDesc.of(java.lang.constant.ConstantDescs.CD_void);
                        byte[] bytes = files.transformClass(files.parse(in.readAllBytes()),
                                java.lang.classfile.ClassTransform.endHandler(cb -> cb.withMethodBody("start", noArgs,
                                        java.lang.classfile.ClassFile.ACC_PUBLIC, code -> code
                                                .invokestatic(java.lang.constant.ClassDesc.of(FailingStarts.class.getName()), "beforeStart", noArgs)
                                                .aload(0)
                                                .invokespecial(java.lang.constant.ClassDesc.of(Thread.class.getName()), "start", noArgs)
                                                .return_())));
                        return defineClass(name, bytes, 0, bytes.length);
                    } catch (java.io.IOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                }
            }
        }

        /** What the GemmPool.Worker of {@link FailingStartsLoader} does before it starts. */
        public static final class FailingStarts {
            static final java.util.concurrent.atomic.AtomicInteger allowed = new java.util.concurrent.atomic.AtomicInteger();
            static final java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();

            private FailingStarts() {}

            /** Throws what Thread.start throws when no native thread can be made, once {@link #allowed} starts are used. */
            public static void beforeStart() {
                attempts.incrementAndGet();
                if (allowed.getAndDecrement() <= 0) {
                    allowed.incrementAndGet();
                    throw new OutOfMemoryError("unable to create native thread: possibly out of memory or process/resource limits reached");
                }
            }
        }

        /**
         * Runs a two-task {@link Parallel#forTasks} whose tasks on the caller's thread only wait until a worker has
         * started, so that the caller never takes a worker's task: {@code onWorker} runs once, on the first worker
         * task; any other worker task does nothing. (A part runs its own task first and then takes whatever is
         * left, so a quick worker may run both tasks, and a quick caller could otherwise run both.)
         */
        private static void onAWorker(Runnable onWorker) {
            Thread caller = Thread.currentThread();
            CountDownLatch started = new CountDownLatch(1);
            java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean();
            Parallel.forTasks(2, MUCH_WORK, t -> {
                if (Thread.currentThread() != caller) {
                    if (first.compareAndSet(false, true)) {
                        started.countDown();
                        onWorker.run();
                    }
                    return;
                }
                try {
                    if (!started.await(60, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("no worker started");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // the worker interrupts this thread just after it has started
                }
            });
        }

        /**
         * True once the thread has been seen parked (WAITING) with its interrupt flag clear 200 times in a row, 1 ms
         * apart; false if not within {@link #SETTLE_MILLIS} polls. A set flag makes every park return at once: a thread seen WAITING with its
         * flag set is only between two turns of a spin (or off its core while the machine is busy).
         */
        private static boolean settlesParked(Thread thread) {
            int inARow = 0;
            for (int polls = 0; inARow < 200 && polls < SETTLE_MILLIS; polls++) {
                inARow = thread.getState() == Thread.State.WAITING && !thread.isInterrupted() ? inARow + 1 : 0;
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            return inARow >= 200;
        }

        private static void report(boolean holds, String finding) {
            System.out.println(holds ? finding : "NOT: " + finding);
        }
    }
}
