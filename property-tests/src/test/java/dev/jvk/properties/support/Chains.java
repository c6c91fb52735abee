package dev.jvk.properties.support;

import dev.jvk.kernels.Kernels;

/**
 * The chain lengths d that the Javadoc of {@code dev.jvk.kernels.Reductions} states, written out
 * again here from the Javadoc (not taken from the kernels): n for the scalar reference; for the vector
 * path with L lanes and A accumulators, floor(n / (L*A)) + 1 + log2(L*A).
 */
public final class Chains {
    /** The accumulators the Javadoc states for sums, dot, asum, mean, variance, nrm2. */
    public static final int SUM_ACCUMULATORS = 4;

    private Chains() {}

    /** A sum over n terms with L lanes and A accumulators; lanes == 0 means the scalar reference (d = n). */
    public static long sum(long n, int lanes, int accumulators) {
        if (lanes == 0) {
            return n;
        }
        int width = lanes * accumulators;
        return n / width + 1 + Integer.numberOfTrailingZeros(width);
    }

    /** Float lanes of the path the public entry points run: 0 on the scalar reference. */
    public static int publicFloatLanes() {
        return Kernels.vectorBits() / 32;
    }

    /** Double lanes of the path the public entry points run: 0 on the scalar reference. */
    public static int publicDoubleLanes() {
        return Kernels.vectorBits() / 64;
    }

    /**
     * d' for the double logSumExp: the chain of its sum of exponentials (n on the reference; one
     * accumulator on the vector path: ceil(n / L) + 1 + log2(L)) plus 3 * ceil(ln n) + 1.
     */
    public static long logSumExp(long n, int lanes) {
        long chain = lanes == 0 ? n : (n + lanes - 1) / lanes + 1 + Integer.numberOfTrailingZeros(lanes);
        return chain + 3 * (long) Math.ceil(Math.log(Math.max(n, 1))) + 1;
    }
}
