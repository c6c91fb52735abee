package dev.jvk.kernels.simd;

import dev.jvk.kernels.platform.Platform.Species;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The reductions that are the same in both precisions (sum, asum, dot, max, min, argmax), which
 * {@link SimdReductions} inherits. The single-precision file is written by hand and extends the
 * double-precision one, which is generated from it (its first line names the generator); a property
 * test fails when the two drift apart, so what is said here holds for both.
 *
 * <p>Sums keep {@link #ACCUMULATORS} independent vector accumulators, so that the loop runs at the
 * throughput of the adds rather than their latency; the lanes and accumulators meet once, after the
 * loop, in a fixed pairwise tree (the one {@link Lanes} documents). What is left after the main
 * loop (fewer than {@code ACCUMULATORS} vectors) goes one vector per accumulator, the last through a
 * masked load, so the hot loop has no tail test and every chain grows by at most one addition. A term
 * therefore passes through at most {@code d = floor(n / (L*A)) + 1 + log2(L*A)} additions (L lanes,
 * A = 4).
 *
 * <p>max, min and argmax work on the raw bits as integers of the element's width: a signed max finds
 * the largest non-negative element, a signed min the negative element of least magnitude, an unsigned
 * max the negative of largest magnitude, and NaNs (both signs) stand out as the largest signed or
 * unsigned patterns. Three one-cycle integer ops per vector, bitwise equal to {@code Math.max/min}
 * for NaN and signed zeros; measured faster than the Vector API's lanewise MAX (which Java semantics
 * make a sequence of instructions) and than compare + blend (see bench/RESULTS-blas1.md).
 *
 * <p>No method here takes or returns a vector (see the package documentation on what C2 inlines):
 * the lane tree and the tails are written out in each, the steps over the four accumulators and the
 * lane tree in the {@code each}, {@code pick} and {@code lanes} regions of {@code kernels/gen/Elementwise.java}. A tail is one masked
 * vector per step in a loop, vector k sent to accumulator k: written out four times, as the main
 * loop's step is, it made C1 give up on dot ("out of virtual registers in LIR generator"), and a
 * method C1 gives up on can stay in C1's boxed-vector code. max, min and argmax run over long arrays in
 * blocks, each block one call of a method that C2 compiles as a whole: a loop over millions of
 * elements in one call is otherwise only ever compiled on-stack (OSR), which measured here once boxed
 * the vectors of these loops (megabytes per call). Blocks change no result: max and min combine exactly.
 */
abstract class SimdFloatReductions extends SimdDoubleReductions {
    private static final VectorSpecies<Float> SPECIES = Species.FLOAT;
    private static final int LANES = SPECIES.length();
    /** The elements' raw bits, as integers of the same width: max, min and argmax compare these. */
    private static final VectorSpecies<Integer> BITS = Species.INT;

    /** Independent accumulators in the sums: the A of the chain length d. */
    static final int ACCUMULATORS = 4;

    /** Elements per block of max and min (in L1 at either width). */
    private static final int BLOCK = 4096;

    /** argmax scans blocks of this many elements: a block is still in L1 when it is searched. */
    private static final int ARGMAX_BLOCK = 2048;

    // ================================================================ sums

    public float sum(float[] x, int offset, int n) {
        return sumOf(x, offset, n, false);
    }

    public float asum(float[] x, int offset, int n) {
        return sumOf(x, offset, n, true);
    }

    /**
     * The sum of x[i], or of |x[i]| when absolute is true. The flag is tested in the loop, not
     * passed to a helper: C2 hoists the test out of the loop (loop unswitching).
     */
    private static float sumOf(float[] x, int offset, int n, boolean absolute) {
        FloatVector a0 = FloatVector.zero(SPECIES), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i <= n - 4 * LANES; i += 4 * LANES) {
            FloatVector v0 = FloatVector.fromArray(SPECIES, x, offset + i);
            FloatVector v1 = FloatVector.fromArray(SPECIES, x, offset + i + LANES);
            FloatVector v2 = FloatVector.fromArray(SPECIES, x, offset + i + 2 * LANES);
            FloatVector v3 = FloatVector.fromArray(SPECIES, x, offset + i + 3 * LANES);
            if (absolute) {
                // GENERATED each: a# = a#.add(v#.abs()) by kernels/gen/Elementwise.java: do not edit up to END
                a0 = a0.add(v0.abs());
                a1 = a1.add(v1.abs());
                a2 = a2.add(v2.abs());
                a3 = a3.add(v3.abs());
                // END each
            } else {
                // GENERATED each: a# = a#.add(v#) by kernels/gen/Elementwise.java: do not edit up to END
                a0 = a0.add(v0);
                a1 = a1.add(v1);
                a2 = a2.add(v2);
                a3 = a3.add(v3);
                // END each
            }
        }
        // At most four vectors remain, the last partial (masked lanes load as 0): vector k of them enters ak.
        for (int k = 0; i < n; i += LANES, k++) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, offset + i, SPECIES.indexInRange(i, n));
            v = absolute ? v.abs() : v;
            // GENERATED pick k: a# = a#.add(v) by kernels/gen/Elementwise.java: do not edit up to END
            if (k == 0) {
                a0 = a0.add(v);
            } else if (k == 1) {
                a1 = a1.add(v);
            } else if (k == 2) {
                a2 = a2.add(v);
            } else {
                a3 = a3.add(v);
            }
            // END pick
        }
        // GENERATED lanes FloatVector s = a0 + a1 + a2 + a3 by kernels/gen/Elementwise.java: do not edit up to END
        FloatVector s = a0.add(a1).add(a2.add(a3));
        s = LANES >= 16 ? s.add(s.rearrange(Lanes.F_ROTATE_8)) : s;
        s = LANES >= 8 ? s.add(s.rearrange(Lanes.F_ROTATE_4)) : s;
        s = LANES >= 4 ? s.add(s.rearrange(Lanes.F_ROTATE_2)) : s;
        s = s.add(s.rearrange(Lanes.F_ROTATE_1));
        // END lanes
        return s.lane(0);
    }

    /** Each term x*y enters its accumulator through one fma: the product is never rounded on its own. */
    public float dot(float[] x, int xOffset, float[] y, int yOffset, int n) {
        FloatVector a0 = FloatVector.zero(SPECIES), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i <= n - 4 * LANES; i += 4 * LANES) {
            a0 = FloatVector.fromArray(SPECIES, x, xOffset + i).fma(FloatVector.fromArray(SPECIES, y, yOffset + i), a0);
            a1 = FloatVector.fromArray(SPECIES, x, xOffset + i + LANES).fma(FloatVector.fromArray(SPECIES, y, yOffset + i + LANES), a1);
            a2 = FloatVector.fromArray(SPECIES, x, xOffset + i + 2 * LANES).fma(FloatVector.fromArray(SPECIES, y, yOffset + i + 2 * LANES), a2);
            a3 = FloatVector.fromArray(SPECIES, x, xOffset + i + 3 * LANES).fma(FloatVector.fromArray(SPECIES, y, yOffset + i + 3 * LANES), a3);
        }
        // At most four vectors remain, the last partial: vector k of them enters ak (class comment).
        // Turning the accumulators round instead of choosing one measured twice as slow at n = 100.
        for (int k = 0; i < n; i += LANES, k++) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            FloatVector xv = FloatVector.fromArray(SPECIES, x, xOffset + i, m);
            FloatVector yv = FloatVector.fromArray(SPECIES, y, yOffset + i, m);
            // GENERATED pick k: a# = xv.fma(yv, a#) by kernels/gen/Elementwise.java: do not edit up to END
            if (k == 0) {
                a0 = xv.fma(yv, a0);
            } else if (k == 1) {
                a1 = xv.fma(yv, a1);
            } else if (k == 2) {
                a2 = xv.fma(yv, a2);
            } else {
                a3 = xv.fma(yv, a3);
            }
            // END pick
        }
        // GENERATED lanes FloatVector s = a0 + a1 + a2 + a3 by kernels/gen/Elementwise.java: do not edit up to END
        FloatVector s = a0.add(a1).add(a2.add(a3));
        s = LANES >= 16 ? s.add(s.rearrange(Lanes.F_ROTATE_8)) : s;
        s = LANES >= 8 ? s.add(s.rearrange(Lanes.F_ROTATE_4)) : s;
        s = LANES >= 4 ? s.add(s.rearrange(Lanes.F_ROTATE_2)) : s;
        s = s.add(s.rearrange(Lanes.F_ROTATE_1));
        // END lanes
        return s.lane(0);
    }

    // ================================================================ max, min, argmax

    public float max(float[] x, int offset, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int start = 0; start < n; start += BLOCK) {
            m = Math.max(m, extremum(x, offset + start, Math.min(BLOCK, n - start), true));
        }
        return m;
    }

    public float min(float[] x, int offset, int n) {
        float m = Float.POSITIVE_INFINITY;
        for (int start = 0; start < n; start += BLOCK) {
            m = Math.min(m, extremum(x, offset + start, Math.min(BLOCK, n - start), false));
        }
        return m;
    }

    /**
     * Math.max (or Math.min) over n >= 1 elements, from three integer accumulators over the raw
     * bits (class comment). As signed integers, non-negative elements order as their bits, negative
     * ones (sign bit set) are negative integers that grow with the magnitude, so -0 is the least of
     * all. As unsigned integers the negative elements come after every non-negative one, again by
     * magnitude, and the negative NaNs after -Infinity.
     */
    private static float extremum(float[] x, int offset, int n, boolean max) {
        IntVector sMax0 = IntVector.broadcast(BITS, Integer.MIN_VALUE), sMax1 = sMax0;
        IntVector sMin0 = IntVector.broadcast(BITS, Integer.MAX_VALUE), sMin1 = sMin0;
        IntVector uMax0 = IntVector.zero(BITS), uMax1 = uMax0;
        int i = 0;
        for (; i <= n - 2 * LANES; i += 2 * LANES) {
            IntVector b0 = FloatVector.fromArray(SPECIES, x, offset + i).reinterpretAsInts();
            IntVector b1 = FloatVector.fromArray(SPECIES, x, offset + i + LANES).reinterpretAsInts();
            sMax0 = sMax0.max(b0);
            sMax1 = sMax1.max(b1);
            sMin0 = sMin0.min(b0);
            sMin1 = sMin1.min(b1);
            uMax0 = uMax0.lanewise(VectorOperators.UMAX, b0);
            uMax1 = uMax1.lanewise(VectorOperators.UMAX, b1);
        }
        // The rest, fewer than two vectors. Max and min do not mind seeing an element twice: a whole
        // vector if one remains, then the vector that ends at n; when n < L, one vector padded with x[offset].
        if (i < n) {
            if (n >= LANES) {
                if (n - i > LANES) {
                    IntVector b = FloatVector.fromArray(SPECIES, x, offset + i).reinterpretAsInts();
                    sMax0 = sMax0.max(b);
                    sMin0 = sMin0.min(b);
                    uMax0 = uMax0.lanewise(VectorOperators.UMAX, b);
                }
                IntVector b = FloatVector.fromArray(SPECIES, x, offset + n - LANES).reinterpretAsInts();
                sMax1 = sMax1.max(b);
                sMin1 = sMin1.min(b);
                uMax1 = uMax1.lanewise(VectorOperators.UMAX, b);
            } else {
                VectorMask<Float> valid = SPECIES.indexInRange(0, n);
                IntVector b = FloatVector.fromArray(SPECIES, x, offset, valid).blend(x[offset], valid.not()).reinterpretAsInts();
                sMax0 = sMax0.max(b);
                sMin0 = sMin0.min(b);
                uMax0 = uMax0.lanewise(VectorOperators.UMAX, b);
            }
        }
        // The bits as elements: the largest non-negative (a positive NaN if there is one), the
        // negative nearest 0 (or the least non-negative), the negative farthest from 0 (a negative NaN
        // if there is one; a non-negative element when there are no negative ones).
        float signedMax = Float.intBitsToFloat(sMax0.max(sMax1).reduceLanes(VectorOperators.MAX));
        float signedMin = Float.intBitsToFloat(sMin0.min(sMin1).reduceLanes(VectorOperators.MIN));
        // reduceLanes(UMAX) is not intrinsified in JDK 25 (it allocates); with the sign bit flipped it is a signed MAX.
        float unsignedMax = Float.intBitsToFloat(uMax0.lanewise(VectorOperators.UMAX, uMax1)
                .lanewise(VectorOperators.XOR, Integer.MIN_VALUE).reduceLanes(VectorOperators.MAX) ^ Integer.MIN_VALUE);
        if (signedMax != signedMax || unsignedMax != unsignedMax) {
            return Float.NaN;
        }
        if (max) {
            return signedMax >= 0 ? signedMax : signedMin; // a non-negative one, else the negative nearest 0
        }
        return unsignedMax < 0 ? unsignedMax : signedMin; // the negative farthest from 0, else the least non-negative
    }

    /**
     * Block by block: the block's max (NaN if it holds one) by {@code extremum}; a block whose max
     * is '>' the best so far becomes the best block, so the first block holding the maximum wins;
     * then the first element of that block equal ('==', so -0 == +0) to the maximum. The first NaN
     * is searched in the first block holding one, and returned at once.
     */
    public int argmax(float[] x, int offset, int n) {
        if (n == 0) {
            return -1;
        }
        float best = 0;
        int bestBlock = -1;
        for (int start = 0; start < n; start += ARGMAX_BLOCK) {
            int length = Math.min(ARGMAX_BLOCK, n - start);
            float m = extremum(x, offset + start, length, true);
            if (m != m) {
                return start + firstNaN(x, offset + start, length);
            }
            if (bestBlock < 0 || m > best) {
                best = m;
                bestBlock = start;
            }
        }
        return bestBlock + firstEqual(x, offset + bestBlock, Math.min(ARGMAX_BLOCK, n - bestBlock), best);
    }

    private static int firstEqual(float[] x, int offset, int n, float value) {
        int i = 0;
        for (; i <= n - LANES; i += LANES) {
            int lane = FloatVector.fromArray(SPECIES, x, offset + i).compare(VectorOperators.EQ, value).firstTrue();
            if (lane < LANES) {
                return i + lane;
            }
        }
        for (; i < n; i++) {
            if (x[offset + i] == value) {
                return i;
            }
        }
        throw new AssertionError("the maximum was not found again");
    }

    private static int firstNaN(float[] x, int offset, int n) {
        for (int i = 0; i < n; i++) {
            if (Float.isNaN(x[offset + i])) {
                return i;
            }
        }
        throw new AssertionError("the NaN was not found again");
    }
}
