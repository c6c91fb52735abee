package dev.jvk.nn;

/**
 * Picks, while training runs, the faster of one thread and {@code candidate} threads for the coming steps. On a
 * machine whose virtual processors share cores with other guests the 2-thread step runs for seconds at a time
 * either clearly faster than one thread or slower, so no count fixed in advance is the faster one: the chooser
 * times short windows of steps on each count, alternating, runs the faster for a stretch, and probes again.
 * The training step gives bitwise the same weights for every thread count, so switching between steps changes
 * nothing but the speed.
 *
 * <p>Pure decision logic: the caller asks {@link #threads()} before each step, runs it on that many threads and
 * reports its wall time to {@link #stepTook}. Not thread-safe (one training loop).
 */
public final class ThreadChooser {
    /** Steps per probe window: {@value}; the first of them is not timed (it may wake the pool). */
    public static final int WINDOW = 5;
    /** Windows per count in one probe, alternating: {@value}. */
    public static final int ROUNDS = 2;
    /**
     * The most steps on the chosen count between probes: {@value}. At Fashion-MNIST's ~1.3 ms step this is ~0.5 s, shorter
     * than the seconds a level lasts; a probe's {@code WINDOW x ROUNDS} steps on the slower count cost under 4% of
     * the stretch when one count is 1.5x the other, nothing when they are equal.
     */
    public static final int STRETCH = 400;
    /**
     * The first stretch: {@value}, each next one twice as long up to {@link #STRETCH}. The first probes run while the
     * JIT is still compiling the step, when their times say little, so a wrong first choice is not kept for long.
     */
    public static final int FIRST_STRETCH = 50;

    /**
     * One thread is chosen only when its probe windows took less than this share of the candidate's: {@value}.
     * Short windows understate the candidate (probe times logged on Fashion-MNIST put 2 threads 1.07x one thread
     * in epoch 3, where the 2-thread run sustained 1.5x), so a near tie keeps it.
     */
    public static final double ONE_THREAD_SHARE = 0.9;

    private final int candidate;
    private final long[] steps = new long[2];
    private final long[] probeNanos = new long[2];
    /** Position in the current probe ({@code < 2 x ROUNDS x WINDOW}), or -1 while running a stretch. */
    private int probeStep;
    private int stretchLeft;
    private int nextStretch = FIRST_STRETCH;
    private int chosen;

    /**
     * @param candidate the thread count tried against one thread, {@code >= 1}; 1 never probes
     * @throws IllegalArgumentException if {@code candidate < 1}
     */
    public ThreadChooser(int candidate) {
        if (candidate < 1) {
            throw new IllegalArgumentException("candidate threads must be >= 1, got " + candidate);
        }
        this.candidate = candidate;
        this.chosen = candidate;
        this.probeStep = candidate == 1 ? -1 : 0;
        this.stretchLeft = candidate == 1 ? Integer.MAX_VALUE : 0;
    }

    /** The thread count tried against one thread. */
    public int candidate() {
        return candidate;
    }

    /** The thread count for the next step. */
    public int threads() {
        return probeStep >= 0 ? countOf(slot(probeStep)) : chosen;
    }

    /** Whether the next step is part of a probe. */
    public boolean probing() {
        return probeStep >= 0;
    }

    /**
     * Reports the wall time of the step just run on {@link #threads()} threads.
     *
     * @throws IllegalArgumentException if {@code nanos < 0}
     */
    public void stepTook(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("a step's time must be >= 0 ns, got " + nanos);
        }
        int count = threads();
        steps[count == 1 ? 0 : 1]++;
        if (probeStep < 0) {
            if (--stretchLeft == 0) {
                probeStep = 0;
                probeNanos[0] = 0;
                probeNanos[1] = 0;
            }
            return;
        }
        if (probeStep % WINDOW != 0) {
            probeNanos[slot(probeStep)] += nanos;
        }
        if (++probeStep == 2 * ROUNDS * WINDOW) {
            chosen = probeNanos[0] < ONE_THREAD_SHARE * probeNanos[1] ? 1 : candidate;
            probeStep = -1;
            stretchLeft = nextStretch;
            nextStretch = Math.min(2 * nextStretch, STRETCH);
        }
    }

    /** Steps run on one thread so far. */
    public long stepsOnOne() {
        return steps[0];
    }

    /** Steps run on {@link #candidate()} threads so far (all of them when the candidate is 1). */
    public long stepsOnCandidate() {
        return candidate == 1 ? steps[0] + steps[1] : steps[1];
    }

    /** Which counts ran, e.g. {@code "auto (2 for 87% of steps)"}. */
    public String describe() {
        long total = steps[0] + steps[1];
        if (candidate == 1 || total == 0) {
            return "auto (" + candidate + ")";
        }
        long percent = Math.round(100.0 * steps[1] / total);
        return "auto (" + candidate + " for " + percent + "% of steps, 1 for the rest)";
    }

    /** The probe's windows alternate: window w runs on one thread when w is even. */
    private static int slot(int probeStep) {
        return (probeStep / WINDOW) % 2;
    }

    private int countOf(int slot) {
        return slot == 0 ? 1 : candidate;
    }
}
