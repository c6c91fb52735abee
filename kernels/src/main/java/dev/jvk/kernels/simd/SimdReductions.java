package dev.jvk.kernels.simd;

import dev.jvk.kernels.spi.ReductionKernels;
import dev.jvk.kernels.platform.Platform.Species;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API reductions behind {@link dev.jvk.kernels.Reductions}. Arguments are checked there.
 *
 * <p>Sums keep {@link #ACCUMULATORS} independent vector accumulators, so that the loop runs at the
 * throughput of the adds rather than their latency; the lanes and accumulators meet once, after the
 * loop, in a fixed pairwise tree (the one {@link Lanes} documents). What is left after the main
 * loop (fewer than {@code ACCUMULATORS} vectors) goes one vector per accumulator, the last through a
 * masked load, so the hot loop has no tail test and every chain grows by at most one addition. A term
 * therefore passes through at most {@code d = floor(n / (L*A)) + 1 + log2(L*A)} additions (L lanes,
 * A = 4).
 *
 * <p>max, min and argmax work on the raw bits as integers: a signed max finds the largest
 * non-negative float, a signed min the negative float of least magnitude, an unsigned max the
 * negative of largest magnitude, and NaNs (both signs) stand out as the largest signed or unsigned
 * patterns. Three one-cycle integer ops per vector, bitwise equal to {@code Math.max/min} for NaN and
 * signed zeros; measured faster than the Vector API's lanewise MAX (which Java semantics make a
 * sequence of instructions) and than compare + blend (see bench/RESULTS-blas1.md).
 *
 * <h2>Written for C2: no method here takes or returns a vector</h2>
 * A vector stays in a register only where C2 inlines every call that carries it; a call that is not
 * inlined gets the vector as a heap object, allocated on every call. Measured here (JMH with
 * {@code -XX:+PrintInlining}): small helpers such as a lane sum, a masked tail load or an exp were
 * refused for inlining, either because they had been compiled alone first ("already compiled into
 * a big method") or because the caller's compilation unit (JMH's loop, with the kernel inlined into
 * it) had passed {@code NodeCountInliningCutoff}; the JDK's own vector classes escape both with
 * {@code @ForceInline}, which user code cannot use. So every method below that touches vectors has
 * only arrays and scalars as arguments and result: the lane tree, tails and the exponential are
 * written out in place, which repeats a few lines on purpose. Such a method is a compilation unit of
 * its own whether C2 inlines it or calls it.
 *
 * <p>Long arrays go through max, min, argmax, mean, variance, nrm2, logSumExp and the double sums in
 * blocks of {@link #BLOCK} elements, each block one call of a method that C2 compiles as a whole
 * (called often enough). When one call runs a loop over 256K or 16M elements, the method is only ever
 * compiled on-stack (OSR), which measured here once boxed the vectors of these loops (megabytes per
 * call). Blocks change no result that the contract fixes: max and min combine exactly, and a sum of
 * block sums has a shorter chain than the d stated in the Javadoc.
 */
public final class SimdReductions implements ReductionKernels {
    private static final VectorSpecies<Float> F = Species.FLOAT;
    private static final VectorSpecies<Double> D = Species.DOUBLE;
    private static final VectorSpecies<Integer> I = Species.INT;
    private static final VectorSpecies<Long> LG = Species.LONG;
    private static final int FL = F.length();
    private static final int DL = D.length();
    /**
     * Floats of half the width: as many lanes as D, so one load converts to one double vector with
     * a single instruction. Converting the upper half of a full float vector instead goes through
     * {@code slice}, which measured here made the float mean slower than the double one.
     */
    private static final VectorSpecies<Float> F_HALF =
            VectorSpecies.of(float.class, VectorShape.forBitSize(F.vectorBitSize() / 2));

    /** Independent accumulators in the sums: the A of the chain length d. */
    public static final int ACCUMULATORS = 4;

    /** Elements per block of the blocked loops (16 KB of floats, in L1). */
    private static final int BLOCK = 4096;

    /** argmax scans blocks of this many elements (8 KB of floats: the block is still in L1 when searched). */
    private static final int ARGMAX_BLOCK = 2048;

    private static final int FLOAT_POSITIVE_INFINITY_BITS = 0x7F800000;
    private static final int FLOAT_NEGATIVE_INFINITY_BITS = 0xFF800000;
    private static final long DOUBLE_POSITIVE_INFINITY_BITS = 0x7FF0000000000000L;
    private static final long DOUBLE_NEGATIVE_INFINITY_BITS = 0xFFF0000000000000L;

    public SimdReductions() {}

    // ================================================================ float sums

    @Override
    public float sum(float[] x, int offset, int n) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i <= n - 4 * FL; i += 4 * FL) {
            a0 = a0.add(FloatVector.fromArray(F, x, offset + i));
            a1 = a1.add(FloatVector.fromArray(F, x, offset + i + FL));
            a2 = a2.add(FloatVector.fromArray(F, x, offset + i + 2 * FL));
            a3 = a3.add(FloatVector.fromArray(F, x, offset + i + 3 * FL));
        }
        // At most four vectors remain, the last partial (masked lanes load as 0): one per accumulator.
        if (i < n) {
            a0 = a0.add(FloatVector.fromArray(F, x, offset + i, F.indexInRange(i, n)));
            i += FL;
            if (i < n) {
                a1 = a1.add(FloatVector.fromArray(F, x, offset + i, F.indexInRange(i, n)));
                i += FL;
                if (i < n) {
                    a2 = a2.add(FloatVector.fromArray(F, x, offset + i, F.indexInRange(i, n)));
                    i += FL;
                    if (i < n) {
                        a3 = a3.add(FloatVector.fromArray(F, x, offset + i, F.indexInRange(i, n)));
                    }
                }
            }
        }
        FloatVector s = a0.add(a1).add(a2.add(a3));
        // The lane tree of Lanes, in place (class comment).
        if (FL >= 16) {
            s = s.add(s.rearrange(Lanes.F_ROTATE_8));
        }
        if (FL >= 8) {
            s = s.add(s.rearrange(Lanes.F_ROTATE_4));
        }
        if (FL >= 4) {
            s = s.add(s.rearrange(Lanes.F_ROTATE_2));
        }
        s = s.add(s.rearrange(Lanes.F_ROTATE_1));
        return s.lane(0);
    }

    @Override
    public float asum(float[] x, int offset, int n) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i <= n - 4 * FL; i += 4 * FL) {
            a0 = a0.add(FloatVector.fromArray(F, x, offset + i).abs());
            a1 = a1.add(FloatVector.fromArray(F, x, offset + i + FL).abs());
            a2 = a2.add(FloatVector.fromArray(F, x, offset + i + 2 * FL).abs());
            a3 = a3.add(FloatVector.fromArray(F, x, offset + i + 3 * FL).abs());
        }
        if (i < n) {
            a0 = a0.add(FloatVector.fromArray(F, x, offset + i, F.indexInRange(i, n)).abs());
            i += FL;
            if (i < n) {
                a1 = a1.add(FloatVector.fromArray(F, x, offset + i, F.indexInRange(i, n)).abs());
                i += FL;
                if (i < n) {
                    a2 = a2.add(FloatVector.fromArray(F, x, offset + i, F.indexInRange(i, n)).abs());
                    i += FL;
                    if (i < n) {
                        a3 = a3.add(FloatVector.fromArray(F, x, offset + i, F.indexInRange(i, n)).abs());
                    }
                }
            }
        }
        FloatVector s = a0.add(a1).add(a2.add(a3));
        if (FL >= 16) {
            s = s.add(s.rearrange(Lanes.F_ROTATE_8));
        }
        if (FL >= 8) {
            s = s.add(s.rearrange(Lanes.F_ROTATE_4));
        }
        if (FL >= 4) {
            s = s.add(s.rearrange(Lanes.F_ROTATE_2));
        }
        s = s.add(s.rearrange(Lanes.F_ROTATE_1));
        return s.lane(0);
    }

    /** Each term x*y enters its accumulator through one fma: the product is never rounded on its own. */
    @Override
    public float dot(float[] x, int xOffset, float[] y, int yOffset, int n) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i <= n - 4 * FL; i += 4 * FL) {
            a0 = FloatVector.fromArray(F, x, xOffset + i).fma(FloatVector.fromArray(F, y, yOffset + i), a0);
            a1 = FloatVector.fromArray(F, x, xOffset + i + FL).fma(FloatVector.fromArray(F, y, yOffset + i + FL), a1);
            a2 = FloatVector.fromArray(F, x, xOffset + i + 2 * FL).fma(FloatVector.fromArray(F, y, yOffset + i + 2 * FL), a2);
            a3 = FloatVector.fromArray(F, x, xOffset + i + 3 * FL).fma(FloatVector.fromArray(F, y, yOffset + i + 3 * FL), a3);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            a0 = FloatVector.fromArray(F, x, xOffset + i, m).fma(FloatVector.fromArray(F, y, yOffset + i, m), a0);
            i += FL;
            if (i < n) {
                m = F.indexInRange(i, n);
                a1 = FloatVector.fromArray(F, x, xOffset + i, m).fma(FloatVector.fromArray(F, y, yOffset + i, m), a1);
                i += FL;
                if (i < n) {
                    m = F.indexInRange(i, n);
                    a2 = FloatVector.fromArray(F, x, xOffset + i, m).fma(FloatVector.fromArray(F, y, yOffset + i, m), a2);
                    i += FL;
                    if (i < n) {
                        m = F.indexInRange(i, n);
                        a3 = FloatVector.fromArray(F, x, xOffset + i, m).fma(FloatVector.fromArray(F, y, yOffset + i, m), a3);
                    }
                }
            }
        }
        FloatVector s = a0.add(a1).add(a2.add(a3));
        if (FL >= 16) {
            s = s.add(s.rearrange(Lanes.F_ROTATE_8));
        }
        if (FL >= 8) {
            s = s.add(s.rearrange(Lanes.F_ROTATE_4));
        }
        if (FL >= 4) {
            s = s.add(s.rearrange(Lanes.F_ROTATE_2));
        }
        s = s.add(s.rearrange(Lanes.F_ROTATE_1));
        return s.lane(0);
    }

    // ================================================================ float sums in double lanes

    /** The float mean, summed in double (no overflow at any n), then divided and rounded once. */
    @Override
    public float mean(float[] x, int offset, int n) {
        double s = 0;
        for (int start = 0; start < n; start += BLOCK) {
            s += widenedDeviations(x, offset + start, Math.min(BLOCK, n - start), 0, false);
        }
        return (float) (s / n);
    }

    /** Two passes in double: the mean, then the squared deviations from it. */
    @Override
    public float variance(float[] x, int offset, int n) {
        double s = 0;
        for (int start = 0; start < n; start += BLOCK) {
            s += widenedDeviations(x, offset + start, Math.min(BLOCK, n - start), 0, false);
        }
        double mean = s / n;
        double squares = 0;
        for (int start = 0; start < n; start += BLOCK) {
            squares += widenedDeviations(x, offset + start, Math.min(BLOCK, n - start), mean, true);
        }
        return (float) (squares / n);
    }

    /** Squares summed in double: a float squared neither overflows nor underflows there. */
    @Override
    public float nrm2(float[] x, int offset, int n) {
        double squares = 0;
        for (int start = 0; start < n; start += BLOCK) {
            squares += widenedDeviations(x, offset + start, Math.min(BLOCK, n - start), 0, true);
        }
        return (float) Math.sqrt(squares);
    }

    /**
     * The sum of x[i] - center, or of its square when squares is true, each float widened to double
     * first. Four half-width float vectors per step become four double vectors, one per accumulator:
     * the same chain as {@link #sum(float[], int, int)}, with L the double lane count. The flag is tested in
     * the loop, not passed to a helper: C2 hoists the test out of the loop (loop unswitching).
     */
    private static double widenedDeviations(float[] x, int offset, int n, double center, boolean squares) {
        DoubleVector c = DoubleVector.broadcast(D, center);
        DoubleVector a0 = DoubleVector.zero(D), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i <= n - 4 * DL; i += 4 * DL) {
            DoubleVector d0 = ((DoubleVector) FloatVector.fromArray(F_HALF, x, offset + i).convertShape(VectorOperators.F2D, D, 0)).sub(c);
            DoubleVector d1 = ((DoubleVector) FloatVector.fromArray(F_HALF, x, offset + i + DL).convertShape(VectorOperators.F2D, D, 0)).sub(c);
            DoubleVector d2 = ((DoubleVector) FloatVector.fromArray(F_HALF, x, offset + i + 2 * DL).convertShape(VectorOperators.F2D, D, 0)).sub(c);
            DoubleVector d3 = ((DoubleVector) FloatVector.fromArray(F_HALF, x, offset + i + 3 * DL).convertShape(VectorOperators.F2D, D, 0)).sub(c);
            if (squares) {
                a0 = d0.fma(d0, a0);
                a1 = d1.fma(d1, a1);
                a2 = d2.fma(d2, a2);
                a3 = d3.fma(d3, a3);
            } else {
                a0 = a0.add(d0);
                a1 = a1.add(d1);
                a2 = a2.add(d2);
                a3 = a3.add(d3);
            }
        }
        // At most four half vectors remain, one per accumulator. Lanes past n would add 0 - center: zeroed instead.
        DoubleVector zero = DoubleVector.zero(D);
        if (i < n) {
            DoubleVector d0 = zero.blend(((DoubleVector) FloatVector.fromArray(F_HALF, x, offset + i, F_HALF.indexInRange(i, n))
                    .convertShape(VectorOperators.F2D, D, 0)).sub(c), D.indexInRange(i, n));
            a0 = squares ? d0.fma(d0, a0) : a0.add(d0);
            i += DL;
            if (i < n) {
                DoubleVector d1 = zero.blend(((DoubleVector) FloatVector.fromArray(F_HALF, x, offset + i, F_HALF.indexInRange(i, n))
                        .convertShape(VectorOperators.F2D, D, 0)).sub(c), D.indexInRange(i, n));
                a1 = squares ? d1.fma(d1, a1) : a1.add(d1);
                i += DL;
                if (i < n) {
                    DoubleVector d2 = zero.blend(((DoubleVector) FloatVector.fromArray(F_HALF, x, offset + i, F_HALF.indexInRange(i, n))
                            .convertShape(VectorOperators.F2D, D, 0)).sub(c), D.indexInRange(i, n));
                    a2 = squares ? d2.fma(d2, a2) : a2.add(d2);
                    i += DL;
                    if (i < n) {
                        DoubleVector d3 = zero.blend(((DoubleVector) FloatVector.fromArray(F_HALF, x, offset + i, F_HALF.indexInRange(i, n))
                                .convertShape(VectorOperators.F2D, D, 0)).sub(c), D.indexInRange(i, n));
                        a3 = squares ? d3.fma(d3, a3) : a3.add(d3);
                    }
                }
            }
        }
        DoubleVector s = a0.add(a1).add(a2.add(a3));
        if (DL >= 8) {
            s = s.add(s.rearrange(Lanes.D_ROTATE_4));
        }
        if (DL >= 4) {
            s = s.add(s.rearrange(Lanes.D_ROTATE_2));
        }
        s = s.add(s.rearrange(Lanes.D_ROTATE_1));
        return s.lane(0);
    }

    /**
     * max + log(sum exp(x - max)), the sum in double lanes with jvk's double exp written out in
     * {@link #sumOfExponentials(float[], int, int, float)}, so the float result carries one rounding
     * that matters.
     */
    @Override
    public float logSumExp(float[] x, int offset, int n) {
        float m = max(x, offset, n);
        if (m != m || Float.isInfinite(m)) {
            return m; // NaN, +Infinity, or -Infinity (n == 0 or every element -Infinity)
        }
        double s = 0;
        for (int start = 0; start < n; start += BLOCK) {
            s += sumOfExponentials(x, offset + start, Math.min(BLOCK, n - start), m);
        }
        return (float) (m + Math.log(s));
    }

    /**
     * The sum of e^(x - m) over n elements, in double lanes, two accumulators (one per half-width
     * float vector of a step). Every step loads through a mask, so the last, partial vector needs no copy of
     * the exponential; its lanes past n are masked out of the adds (they would add e^(0 - m)).
     *
     * <p>e^t for t <= 0, t below -708 counted as -708 (see EXP_LOWEST): t = k ln2 + r, |r| <= ln2/2,
     * k = round(t / ln2) by the magic-number addition, r in two fma steps (Cody and Waite), e^r by
     * its Taylor polynomial to degree 8 (truncation below 2^-32, far under a float ulp), times 2^k
     * built in the exponent field: (k + magic)'s low bits hold k, and (k + 1023) << 52 is 2^k.
     */
    private static double sumOfExponentials(float[] x, int offset, int n, float m) {
        DoubleVector c = DoubleVector.broadcast(D, m);
        DoubleVector lowest = DoubleVector.broadcast(D, EXP_LOWEST);
        DoubleVector magic = DoubleVector.broadcast(D, ROUNDING_MAGIC);
        DoubleVector minusLn2High = DoubleVector.broadcast(D, -LN2_HIGH);
        DoubleVector minusLn2Low = DoubleVector.broadcast(D, -LN2_LOW);
        DoubleVector a0 = DoubleVector.zero(D), a1 = a0;
        for (int i = 0; i < n; i += FL) {
            DoubleVector t0 = ((DoubleVector) FloatVector.fromArray(F_HALF, x, offset + i, F_HALF.indexInRange(i, n))
                    .convertShape(VectorOperators.F2D, D, 0)).sub(c);
            DoubleVector t1 = ((DoubleVector) FloatVector.fromArray(F_HALF, x, offset + i + DL, F_HALF.indexInRange(i + DL, n))
                    .convertShape(VectorOperators.F2D, D, 0)).sub(c);
            t0 = t0.blend(lowest, t0.compare(VectorOperators.LT, lowest));
            t1 = t1.blend(lowest, t1.compare(VectorOperators.LT, lowest));
            DoubleVector kMagic0 = t0.fma(LOG2_E, ROUNDING_MAGIC);
            DoubleVector kMagic1 = t1.fma(LOG2_E, ROUNDING_MAGIC);
            DoubleVector k0 = kMagic0.sub(magic);
            DoubleVector k1 = kMagic1.sub(magic);
            DoubleVector r0 = k0.fma(minusLn2Low, k0.fma(minusLn2High, t0));
            DoubleVector r1 = k1.fma(minusLn2Low, k1.fma(minusLn2High, t1));
            DoubleVector p0 = DoubleVector.broadcast(D, 1.0 / 40320);
            DoubleVector p1 = p0;
            p0 = p0.lanewise(VectorOperators.FMA, r0, 1.0 / 5040);
            p1 = p1.lanewise(VectorOperators.FMA, r1, 1.0 / 5040);
            p0 = p0.lanewise(VectorOperators.FMA, r0, 1.0 / 720);
            p1 = p1.lanewise(VectorOperators.FMA, r1, 1.0 / 720);
            p0 = p0.lanewise(VectorOperators.FMA, r0, 1.0 / 120);
            p1 = p1.lanewise(VectorOperators.FMA, r1, 1.0 / 120);
            p0 = p0.lanewise(VectorOperators.FMA, r0, 1.0 / 24);
            p1 = p1.lanewise(VectorOperators.FMA, r1, 1.0 / 24);
            p0 = p0.lanewise(VectorOperators.FMA, r0, 1.0 / 6);
            p1 = p1.lanewise(VectorOperators.FMA, r1, 1.0 / 6);
            p0 = p0.lanewise(VectorOperators.FMA, r0, 0.5);
            p1 = p1.lanewise(VectorOperators.FMA, r1, 0.5);
            p0 = p0.lanewise(VectorOperators.FMA, r0, 1.0);
            p1 = p1.lanewise(VectorOperators.FMA, r1, 1.0);
            p0 = p0.lanewise(VectorOperators.FMA, r0, 1.0);
            p1 = p1.lanewise(VectorOperators.FMA, r1, 1.0);
            DoubleVector twoToK0 = kMagic0.reinterpretAsLongs().add(1023L).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
            DoubleVector twoToK1 = kMagic1.reinterpretAsLongs().add(1023L).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
            a0 = a0.add(p0.mul(twoToK0), D.indexInRange(i, n));
            a1 = a1.add(p1.mul(twoToK1), D.indexInRange(i + DL, n));
        }
        DoubleVector s = a0.add(a1);
        if (DL >= 8) {
            s = s.add(s.rearrange(Lanes.D_ROTATE_4));
        }
        if (DL >= 4) {
            s = s.add(s.rearrange(Lanes.D_ROTATE_2));
        }
        s = s.add(s.rearrange(Lanes.D_ROTATE_1));
        return s.lane(0);
    }

    // ================================================================ float max, min, argmax

    @Override
    public float max(float[] x, int offset, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int start = 0; start < n; start += BLOCK) {
            m = Math.max(m, extremum(x, offset + start, Math.min(BLOCK, n - start), true));
        }
        return m;
    }

    @Override
    public float min(float[] x, int offset, int n) {
        float m = Float.POSITIVE_INFINITY;
        for (int start = 0; start < n; start += BLOCK) {
            m = Math.min(m, extremum(x, offset + start, Math.min(BLOCK, n - start), false));
        }
        return m;
    }

    /**
     * Math.max (or Math.min) over n >= 1 elements, from three integer accumulators over the raw
     * bits (class comment). Floats as signed ints: non-negative floats order as their bits, negative
     * floats (sign bit set) are negative ints that grow with the magnitude, so -0 is the least of all.
     * As unsigned ints the negative floats come after every non-negative one, again by magnitude, and
     * the negative NaNs after -Infinity.
     */
    private static float extremum(float[] x, int offset, int n, boolean max) {
        IntVector sMax0 = IntVector.broadcast(I, Integer.MIN_VALUE), sMax1 = sMax0;
        IntVector sMin0 = IntVector.broadcast(I, Integer.MAX_VALUE), sMin1 = sMin0;
        IntVector uMax0 = IntVector.zero(I), uMax1 = uMax0;
        int i = 0;
        for (; i <= n - 2 * FL; i += 2 * FL) {
            IntVector b0 = FloatVector.fromArray(F, x, offset + i).reinterpretAsInts();
            IntVector b1 = FloatVector.fromArray(F, x, offset + i + FL).reinterpretAsInts();
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
            if (n >= FL) {
                if (n - i > FL) {
                    IntVector b = FloatVector.fromArray(F, x, offset + i).reinterpretAsInts();
                    sMax0 = sMax0.max(b);
                    sMin0 = sMin0.min(b);
                    uMax0 = uMax0.lanewise(VectorOperators.UMAX, b);
                }
                IntVector b = FloatVector.fromArray(F, x, offset + n - FL).reinterpretAsInts();
                sMax1 = sMax1.max(b);
                sMin1 = sMin1.min(b);
                uMax1 = uMax1.lanewise(VectorOperators.UMAX, b);
            } else {
                VectorMask<Float> valid = F.indexInRange(0, n);
                IntVector b = FloatVector.fromArray(F, x, offset, valid).blend(x[offset], valid.not()).reinterpretAsInts();
                sMax0 = sMax0.max(b);
                sMin0 = sMin0.min(b);
                uMax0 = uMax0.lanewise(VectorOperators.UMAX, b);
            }
        }
        int sMax = sMax0.max(sMax1).reduceLanes(VectorOperators.MAX);
        int sMin = sMin0.min(sMin1).reduceLanes(VectorOperators.MIN);
        // reduceLanes(UMAX) is not intrinsified in JDK 25 (it allocates); with the sign bit flipped it is a signed MAX.
        int uMax = uMax0.lanewise(VectorOperators.UMAX, uMax1).lanewise(VectorOperators.XOR, Integer.MIN_VALUE)
                .reduceLanes(VectorOperators.MAX) ^ Integer.MIN_VALUE;
        if (sMax > FLOAT_POSITIVE_INFINITY_BITS || Integer.compareUnsigned(uMax, FLOAT_NEGATIVE_INFINITY_BITS) > 0) {
            return Float.NaN;
        }
        if (max) {
            return Float.intBitsToFloat(sMax >= 0 ? sMax : sMin); // a non-negative one, else the negative nearest 0
        }
        return Float.intBitsToFloat(uMax < 0 ? uMax : sMin); // the negative farthest from 0, else the least non-negative
    }

    /**
     * Block by block: the block's max (NaN if it holds one) by {@link #extremum}; a block whose max
     * is '>' the best so far becomes the best block, so the first block holding the maximum wins;
     * then the first element of that block equal ('==', so -0 == +0) to the maximum. The first NaN
     * is searched in the first block holding one, and returned at once.
     */
    @Override
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
        for (; i <= n - FL; i += FL) {
            int lane = FloatVector.fromArray(F, x, offset + i).compare(VectorOperators.EQ, value).firstTrue();
            if (lane < FL) {
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

    // ================================================================ exp in double lanes

    private static final double LOG2_E = 1.4426950408889634;
    /** ln 2 split so that k * LN2_HIGH is exact for |k| < 2^11 (its low 11 bits are zero). */
    private static final double LN2_HIGH = 0x1.62e42fefa3800p-1;
    private static final double LN2_LOW = 0x1.ef35793c76730p-45;
    /** 1.5 * 2^52: adding it rounds a double below 2^51 in magnitude to an integer, held in the low bits. */
    private static final double ROUNDING_MAGIC = 0x1.8p52;
    /**
     * Arguments are clamped at -708 so that 2^k stays a normal number (k >= -1021). Whatever lies
     * below adds at most e^-708 ~ 3e-308 per term to a sum that is at least 1 (the maximum's term).
     */
    private static final double EXP_LOWEST = -708;

    // ================================================================ double sums

    @Override
    public double sum(double[] x, int offset, int n) {
        return blockedScaledSum(x, offset, n, 1.0);
    }

    private static double blockedScaledSum(double[] x, int offset, int n, double scale) {
        double s = 0;
        for (int start = 0; start < n; start += BLOCK) {
            s += scaledSum(x, offset + start, Math.min(BLOCK, n - start), scale);
        }
        return s;
    }

    private static double blockedSquaredDeviations(double[] x, int offset, int n, double scale, double center) {
        double s = 0;
        for (int start = 0; start < n; start += BLOCK) {
            s += squaredDeviations(x, offset + start, Math.min(BLOCK, n - start), scale, center);
        }
        return s;
    }

    /**
     * The sum of x[i] * scale, each term entering by one fma: for scale = 1 that is exactly the
     * rounded x[i] + acc of a plain sum, and scale = 2^-k (the overflow rescue) is exact as well.
     */
    private static double scaledSum(double[] x, int offset, int n, double factor) {
        DoubleVector scale = DoubleVector.broadcast(D, factor);
        DoubleVector a0 = DoubleVector.zero(D), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i <= n - 4 * DL; i += 4 * DL) {
            a0 = DoubleVector.fromArray(D, x, offset + i).fma(scale, a0);
            a1 = DoubleVector.fromArray(D, x, offset + i + DL).fma(scale, a1);
            a2 = DoubleVector.fromArray(D, x, offset + i + 2 * DL).fma(scale, a2);
            a3 = DoubleVector.fromArray(D, x, offset + i + 3 * DL).fma(scale, a3);
        }
        if (i < n) {
            a0 = DoubleVector.fromArray(D, x, offset + i, D.indexInRange(i, n)).fma(scale, a0);
            i += DL;
            if (i < n) {
                a1 = DoubleVector.fromArray(D, x, offset + i, D.indexInRange(i, n)).fma(scale, a1);
                i += DL;
                if (i < n) {
                    a2 = DoubleVector.fromArray(D, x, offset + i, D.indexInRange(i, n)).fma(scale, a2);
                    i += DL;
                    if (i < n) {
                        a3 = DoubleVector.fromArray(D, x, offset + i, D.indexInRange(i, n)).fma(scale, a3);
                    }
                }
            }
        }
        DoubleVector s = a0.add(a1).add(a2.add(a3));
        if (DL >= 8) {
            s = s.add(s.rearrange(Lanes.D_ROTATE_4));
        }
        if (DL >= 4) {
            s = s.add(s.rearrange(Lanes.D_ROTATE_2));
        }
        s = s.add(s.rearrange(Lanes.D_ROTATE_1));
        return s.lane(0);
    }

    @Override
    public double asum(double[] x, int offset, int n) {
        DoubleVector a0 = DoubleVector.zero(D), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i <= n - 4 * DL; i += 4 * DL) {
            a0 = a0.add(DoubleVector.fromArray(D, x, offset + i).abs());
            a1 = a1.add(DoubleVector.fromArray(D, x, offset + i + DL).abs());
            a2 = a2.add(DoubleVector.fromArray(D, x, offset + i + 2 * DL).abs());
            a3 = a3.add(DoubleVector.fromArray(D, x, offset + i + 3 * DL).abs());
        }
        if (i < n) {
            a0 = a0.add(DoubleVector.fromArray(D, x, offset + i, D.indexInRange(i, n)).abs());
            i += DL;
            if (i < n) {
                a1 = a1.add(DoubleVector.fromArray(D, x, offset + i, D.indexInRange(i, n)).abs());
                i += DL;
                if (i < n) {
                    a2 = a2.add(DoubleVector.fromArray(D, x, offset + i, D.indexInRange(i, n)).abs());
                    i += DL;
                    if (i < n) {
                        a3 = a3.add(DoubleVector.fromArray(D, x, offset + i, D.indexInRange(i, n)).abs());
                    }
                }
            }
        }
        DoubleVector s = a0.add(a1).add(a2.add(a3));
        if (DL >= 8) {
            s = s.add(s.rearrange(Lanes.D_ROTATE_4));
        }
        if (DL >= 4) {
            s = s.add(s.rearrange(Lanes.D_ROTATE_2));
        }
        s = s.add(s.rearrange(Lanes.D_ROTATE_1));
        return s.lane(0);
    }

    @Override
    public double dot(double[] x, int xOffset, double[] y, int yOffset, int n) {
        DoubleVector a0 = DoubleVector.zero(D), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i <= n - 4 * DL; i += 4 * DL) {
            a0 = DoubleVector.fromArray(D, x, xOffset + i).fma(DoubleVector.fromArray(D, y, yOffset + i), a0);
            a1 = DoubleVector.fromArray(D, x, xOffset + i + DL).fma(DoubleVector.fromArray(D, y, yOffset + i + DL), a1);
            a2 = DoubleVector.fromArray(D, x, xOffset + i + 2 * DL).fma(DoubleVector.fromArray(D, y, yOffset + i + 2 * DL), a2);
            a3 = DoubleVector.fromArray(D, x, xOffset + i + 3 * DL).fma(DoubleVector.fromArray(D, y, yOffset + i + 3 * DL), a3);
        }
        if (i < n) {
            VectorMask<Double> m = D.indexInRange(i, n);
            a0 = DoubleVector.fromArray(D, x, xOffset + i, m).fma(DoubleVector.fromArray(D, y, yOffset + i, m), a0);
            i += DL;
            if (i < n) {
                m = D.indexInRange(i, n);
                a1 = DoubleVector.fromArray(D, x, xOffset + i, m).fma(DoubleVector.fromArray(D, y, yOffset + i, m), a1);
                i += DL;
                if (i < n) {
                    m = D.indexInRange(i, n);
                    a2 = DoubleVector.fromArray(D, x, xOffset + i, m).fma(DoubleVector.fromArray(D, y, yOffset + i, m), a2);
                    i += DL;
                    if (i < n) {
                        m = D.indexInRange(i, n);
                        a3 = DoubleVector.fromArray(D, x, xOffset + i, m).fma(DoubleVector.fromArray(D, y, yOffset + i, m), a3);
                    }
                }
            }
        }
        DoubleVector s = a0.add(a1).add(a2.add(a3));
        if (DL >= 8) {
            s = s.add(s.rearrange(Lanes.D_ROTATE_4));
        }
        if (DL >= 4) {
            s = s.add(s.rearrange(Lanes.D_ROTATE_2));
        }
        s = s.add(s.rearrange(Lanes.D_ROTATE_1));
        return s.lane(0);
    }

    /**
     * The sum of (x[i] * scale - center)^2, each deviation rounded once (fma) and each square
     * entering by one fma. Same chain as {@link #scaledSum}.
     */
    private static double squaredDeviations(double[] x, int offset, int n, double scale, double center) {
        double negatedCenter = -center;
        DoubleVector a0 = DoubleVector.zero(D), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i <= n - 4 * DL; i += 4 * DL) {
            DoubleVector d0 = DoubleVector.fromArray(D, x, offset + i).fma(scale, negatedCenter);
            DoubleVector d1 = DoubleVector.fromArray(D, x, offset + i + DL).fma(scale, negatedCenter);
            DoubleVector d2 = DoubleVector.fromArray(D, x, offset + i + 2 * DL).fma(scale, negatedCenter);
            DoubleVector d3 = DoubleVector.fromArray(D, x, offset + i + 3 * DL).fma(scale, negatedCenter);
            a0 = d0.fma(d0, a0);
            a1 = d1.fma(d1, a1);
            a2 = d2.fma(d2, a2);
            a3 = d3.fma(d3, a3);
        }
        // At most four vectors remain, one per accumulator. Lanes past n would add (0 - center)^2: zeroed.
        DoubleVector zero = DoubleVector.zero(D);
        if (i < n) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector d0 = zero.blend(DoubleVector.fromArray(D, x, offset + i, m).fma(scale, negatedCenter), m);
            a0 = d0.fma(d0, a0);
            i += DL;
            if (i < n) {
                m = D.indexInRange(i, n);
                DoubleVector d1 = zero.blend(DoubleVector.fromArray(D, x, offset + i, m).fma(scale, negatedCenter), m);
                a1 = d1.fma(d1, a1);
                i += DL;
                if (i < n) {
                    m = D.indexInRange(i, n);
                    DoubleVector d2 = zero.blend(DoubleVector.fromArray(D, x, offset + i, m).fma(scale, negatedCenter), m);
                    a2 = d2.fma(d2, a2);
                    i += DL;
                    if (i < n) {
                        m = D.indexInRange(i, n);
                        DoubleVector d3 = zero.blend(DoubleVector.fromArray(D, x, offset + i, m).fma(scale, negatedCenter), m);
                        a3 = d3.fma(d3, a3);
                    }
                }
            }
        }
        DoubleVector s = a0.add(a1).add(a2.add(a3));
        if (DL >= 8) {
            s = s.add(s.rearrange(Lanes.D_ROTATE_4));
        }
        if (DL >= 4) {
            s = s.add(s.rearrange(Lanes.D_ROTATE_2));
        }
        s = s.add(s.rearrange(Lanes.D_ROTATE_1));
        return s.lane(0);
    }

    // ================================================================ double mean, variance, nrm2, logSumExp

    /** As in ReferenceReductions: scales that keep a rescued sum, or its squares, finite. */
    private static final double MEAN_RESCUE_SCALE = 0x1p-32;
    private static final double VARIANCE_RESCUE_SCALE = 0x1p-540;

    @Override
    public double mean(double[] x, int offset, int n) {
        double m = blockedScaledSum(x, offset, n, 1.0) / n;
        // Rescued whenever no element is NaN: finite terms can overflow a partial sum, even to the
        // opposite infinity of an infinite element (-MAX + -MAX + Inf); scaled, they cannot.
        if (!Double.isFinite(m) && noNaN(x, offset, n)) {
            m = Math.scalb(blockedScaledSum(x, offset, n, MEAN_RESCUE_SCALE) / n, 32);
        }
        return m;
    }

    @Override
    public double variance(double[] x, int offset, int n) {
        double v = twoPassVariance(x, offset, n, 1.0);
        if (!Double.isFinite(v) && allFinite(x, offset, n)) {
            v = Math.scalb(twoPassVariance(x, offset, n, VARIANCE_RESCUE_SCALE), 1080);
        }
        return v;
    }

    private static double twoPassVariance(double[] x, int offset, int n, double scale) {
        double mean = blockedScaledSum(x, offset, n, scale) / n;
        return blockedSquaredDeviations(x, offset, n, scale, mean) / n;
    }

    /**
     * One pass of plain squares, accepted when it can have neither overflowed (the sum is finite,
     * and being a sum of non-negative terms, so was every partial sum) nor lost anything that matters
     * to underflow (each of the n fmas loses at most 2^-1075 to it, under half an ulp of a sum of at
     * least n * 2^-1000). Otherwise, rarely: the largest magnitude, and the squares again scaled by
     * the power of two that brings it into [1, 2).
     */
    @Override
    public double nrm2(double[] x, int offset, int n) {
        double s = blockedSquaredDeviations(x, offset, n, 1.0, 0.0);
        if (s != s) {
            return s; // a NaN element
        }
        if (s < Double.POSITIVE_INFINITY && s >= n * 0x1p-1000) {
            return Math.sqrt(s);
        }
        double largest = largestMagnitude(x, offset, n);
        if (largest == 0 || largest == Double.POSITIVE_INFINITY) {
            return largest;
        }
        int exponent = Math.getExponent(largest);
        return Math.scalb(Math.sqrt(blockedSquaredDeviations(x, offset, n, Math.scalb(1.0, -exponent), 0.0)), exponent);
    }

    private static double largestMagnitude(double[] x, int offset, int n) {
        double largest = 0;
        for (int i = 0; i < n; i++) {
            largest = Math.max(largest, Math.abs(x[offset + i]));
        }
        return largest;
    }

    private static boolean noNaN(double[] x, int offset, int n) {
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(x[offset + i])) {
                return false;
            }
        }
        return true;
    }

    private static boolean allFinite(double[] x, int offset, int n) {
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(x[offset + i])) {
                return false;
            }
        }
        return true;
    }

    /** max + log(sum exp(x - max)) with jvk's double exp (its own polynomial); two accumulators. */
    @Override
    public double logSumExp(double[] x, int offset, int n) {
        double m = max(x, offset, n);
        if (m != m || Double.isInfinite(m)) {
            return m;
        }
        double s = 0;
        for (int start = 0; start < n; start += BLOCK) {
            s += sumOfExponentials(x, offset + start, Math.min(BLOCK, n - start), m);
        }
        return m + Math.log(s);
    }

    /**
     * The sum of e^(x - m) over n elements, one accumulator, every step through a mask (as the float
     * version); e^t as described there, the Taylor polynomial to degree 13 (truncation below 2^-57).
     */
    private static double sumOfExponentials(double[] x, int offset, int n, double m) {
        DoubleVector c = DoubleVector.broadcast(D, m);
        DoubleVector lowest = DoubleVector.broadcast(D, EXP_LOWEST);
        DoubleVector magic = DoubleVector.broadcast(D, ROUNDING_MAGIC);
        DoubleVector minusLn2High = DoubleVector.broadcast(D, -LN2_HIGH);
        DoubleVector minusLn2Low = DoubleVector.broadcast(D, -LN2_LOW);
        DoubleVector a = DoubleVector.zero(D);
        for (int i = 0; i < n; i += DL) {
            VectorMask<Double> valid = D.indexInRange(i, n);
            DoubleVector t = DoubleVector.fromArray(D, x, offset + i, valid).sub(c);
            t = t.blend(lowest, t.compare(VectorOperators.LT, lowest));
            DoubleVector kMagic = t.fma(LOG2_E, ROUNDING_MAGIC);
            DoubleVector k = kMagic.sub(magic);
            DoubleVector r = k.fma(minusLn2Low, k.fma(minusLn2High, t));
            DoubleVector p = DoubleVector.broadcast(D, 1.0 / 6227020800.0);
            p = p.lanewise(VectorOperators.FMA, r, 1.0 / 479001600.0);
            p = p.lanewise(VectorOperators.FMA, r, 1.0 / 39916800.0);
            p = p.lanewise(VectorOperators.FMA, r, 1.0 / 3628800.0);
            p = p.lanewise(VectorOperators.FMA, r, 1.0 / 362880.0);
            p = p.lanewise(VectorOperators.FMA, r, 1.0 / 40320);
            p = p.lanewise(VectorOperators.FMA, r, 1.0 / 5040);
            p = p.lanewise(VectorOperators.FMA, r, 1.0 / 720);
            p = p.lanewise(VectorOperators.FMA, r, 1.0 / 120);
            p = p.lanewise(VectorOperators.FMA, r, 1.0 / 24);
            p = p.lanewise(VectorOperators.FMA, r, 1.0 / 6);
            p = p.lanewise(VectorOperators.FMA, r, 0.5);
            p = p.lanewise(VectorOperators.FMA, r, 1.0);
            p = p.lanewise(VectorOperators.FMA, r, 1.0);
            DoubleVector twoToK = kMagic.reinterpretAsLongs().add(1023L).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
            a = a.add(p.mul(twoToK), valid);
        }
        if (DL >= 8) {
            a = a.add(a.rearrange(Lanes.D_ROTATE_4));
        }
        if (DL >= 4) {
            a = a.add(a.rearrange(Lanes.D_ROTATE_2));
        }
        a = a.add(a.rearrange(Lanes.D_ROTATE_1));
        return a.lane(0);
    }

    // ================================================================ double max, min, argmax

    @Override
    public double max(double[] x, int offset, int n) {
        double m = Double.NEGATIVE_INFINITY;
        for (int start = 0; start < n; start += BLOCK) {
            m = Math.max(m, extremum(x, offset + start, Math.min(BLOCK, n - start), true));
        }
        return m;
    }

    @Override
    public double min(double[] x, int offset, int n) {
        double m = Double.POSITIVE_INFINITY;
        for (int start = 0; start < n; start += BLOCK) {
            m = Math.min(m, extremum(x, offset + start, Math.min(BLOCK, n - start), false));
        }
        return m;
    }

    /** As the float {@link #extremum(float[], int, int, boolean)}, on 64-bit patterns. */
    private static double extremum(double[] x, int offset, int n, boolean max) {
        LongVector sMax0 = LongVector.broadcast(LG, Long.MIN_VALUE), sMax1 = sMax0;
        LongVector sMin0 = LongVector.broadcast(LG, Long.MAX_VALUE), sMin1 = sMin0;
        LongVector uMax0 = LongVector.zero(LG), uMax1 = uMax0;
        int i = 0;
        for (; i <= n - 2 * DL; i += 2 * DL) {
            LongVector b0 = DoubleVector.fromArray(D, x, offset + i).reinterpretAsLongs();
            LongVector b1 = DoubleVector.fromArray(D, x, offset + i + DL).reinterpretAsLongs();
            sMax0 = sMax0.max(b0);
            sMax1 = sMax1.max(b1);
            sMin0 = sMin0.min(b0);
            sMin1 = sMin1.min(b1);
            uMax0 = uMax0.lanewise(VectorOperators.UMAX, b0);
            uMax1 = uMax1.lanewise(VectorOperators.UMAX, b1);
        }
        if (i < n) {
            if (n >= DL) {
                if (n - i > DL) {
                    LongVector b = DoubleVector.fromArray(D, x, offset + i).reinterpretAsLongs();
                    sMax0 = sMax0.max(b);
                    sMin0 = sMin0.min(b);
                    uMax0 = uMax0.lanewise(VectorOperators.UMAX, b);
                }
                LongVector b = DoubleVector.fromArray(D, x, offset + n - DL).reinterpretAsLongs();
                sMax1 = sMax1.max(b);
                sMin1 = sMin1.min(b);
                uMax1 = uMax1.lanewise(VectorOperators.UMAX, b);
            } else {
                VectorMask<Double> valid = D.indexInRange(0, n);
                LongVector b = DoubleVector.fromArray(D, x, offset, valid).blend(x[offset], valid.not()).reinterpretAsLongs();
                sMax0 = sMax0.max(b);
                sMin0 = sMin0.min(b);
                uMax0 = uMax0.lanewise(VectorOperators.UMAX, b);
            }
        }
        long sMax = sMax0.max(sMax1).reduceLanes(VectorOperators.MAX);
        long sMin = sMin0.min(sMin1).reduceLanes(VectorOperators.MIN);
        long uMax = uMax0.lanewise(VectorOperators.UMAX, uMax1).lanewise(VectorOperators.XOR, Long.MIN_VALUE)
                .reduceLanes(VectorOperators.MAX) ^ Long.MIN_VALUE;
        if (sMax > DOUBLE_POSITIVE_INFINITY_BITS || Long.compareUnsigned(uMax, DOUBLE_NEGATIVE_INFINITY_BITS) > 0) {
            return Double.NaN;
        }
        if (max) {
            return Double.longBitsToDouble(sMax >= 0 ? sMax : sMin);
        }
        return Double.longBitsToDouble(uMax < 0 ? uMax : sMin);
    }

    /** As the float {@link #argmax(float[], int, int)}. */
    @Override
    public int argmax(double[] x, int offset, int n) {
        if (n == 0) {
            return -1;
        }
        double best = 0;
        int bestBlock = -1;
        for (int start = 0; start < n; start += ARGMAX_BLOCK) {
            int length = Math.min(ARGMAX_BLOCK, n - start);
            double m = extremum(x, offset + start, length, true);
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

    private static int firstEqual(double[] x, int offset, int n, double value) {
        int i = 0;
        for (; i <= n - DL; i += DL) {
            int lane = DoubleVector.fromArray(D, x, offset + i).compare(VectorOperators.EQ, value).firstTrue();
            if (lane < DL) {
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

    private static int firstNaN(double[] x, int offset, int n) {
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(x[offset + i])) {
                return i;
            }
        }
        throw new AssertionError("the NaN was not found again");
    }
}
