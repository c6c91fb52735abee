package dev.jvk.nn;

import java.util.Locale;

/**
 * Memory planned before it is spent: a size computed from a model's shape or a file's header is
 * compared, in {@code long}, with the most the JVM may use ({@link Runtime#maxMemory()}) before the
 * first array of it is allocated, so a request that cannot fit fails with a message naming the need
 * and how to raise the limit, instead of an {@link OutOfMemoryError} after minutes of work.
 *
 * <p>The plan is against the whole heap: what fits the heap but not beside what is already live
 * still ends in an {@code OutOfMemoryError}, which the command line turns into one line.
 */
public final class MemoryPlan {
    private MemoryPlan() {}

    /**
     * Refuses {@code bytes} that the heap cannot hold.
     *
     * @param bytes the need, {@code >= 0}; a sum that overflowed ({@code < 0}) is treated as unbounded
     * @param what  what needs it, e.g. {@code "the model 784-30000-30000-10 (weights and gradients)"}
     * @throws InsufficientMemoryException when {@code bytes} exceeds {@link Runtime#maxMemory()}
     */
    public static void require(long bytes, String what) {
        long max = Runtime.getRuntime().maxMemory();
        if (bytes < 0 || bytes > max) {
            String need = bytes < 0 ? "more than " + describe(Long.MAX_VALUE) : describe(bytes);
            String heap = suggestHeap(bytes < 0 ? Long.MAX_VALUE : bytes + bytes / 4);
            throw new InsufficientMemoryException(what + " needs " + need + ", this JVM may use at most " + describe(max)
                    + "; raise it with JAVA_OPTS=-Xmx" + heap + " ./jvk ... (java -Xmx" + heap + ")");
        }
    }

    /** The product {@code a * b * c}, or -1 when it does not fit a {@code long} (an unbounded need for {@link #require}). */
    public static long product(long a, long b, long c) {
        try {
            return Math.multiplyExact(Math.multiplyExact(a, b), c);
        } catch (ArithmeticException e) {
            return -1;
        }
    }

    /** Bytes for people in the JVM's units ({@code -Xmx256m} is 256 MB): {@code 512 B}, {@code 3.4 MB}, {@code 6.7 GB}, powers of 1024. */
    public static String describe(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB", "PB", "EB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** An {@code -Xmx} value of at least {@code bytes}: a power of two in megabytes ({@code 512m}) or gigabytes ({@code 16g}). */
    public static String suggestHeap(long bytes) {
        long mb = Math.max(64, (bytes + (1 << 20) - 1) >>> 20);
        long pow = Long.highestOneBit(mb);
        if (pow < mb) {
            pow = pow << 1 > 0 ? pow << 1 : pow;
        }
        return pow >= 1024 ? (pow >>> 10) + "g" : pow + "m";
    }
}
