package dev.jvk.kernels.simd;

import dev.jvk.kernels.spi.ReductionKernels;
import dev.jvk.kernels.platform.Platform.Species;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API reductions behind {@link dev.jvk.kernels.Reductions}. Arguments are checked there.
 *
 * <p>What float and double do alike (sum, asum, dot, max, min, argmax) is inherited: written once,
 * for float, in {@link SimdFloatReductions}, which extends SimdDoubleReductions, generated from it. What differs is
 * here: the float mean, variance, nrm2 and logSumExp sum in double lanes (no overflow, one rounding
 * that matters), while the double ones rescue an overflowing sum by scaling, as the reference does.
 * The sums keep four accumulators and a fixed lane tree, as SimdFloatReductions describes, so a term
 * passes through at most {@code d = floor(n / (L*A)) + 1 + log2(L*A)} additions (L lanes, A = 4).
 *
 * <p>No method here takes or returns a vector (see the package documentation on what C2 inlines):
 * the lane tree, the tails and the exponential are written out in every method that needs them.
 * Long arrays go through mean, variance, nrm2 and logSumExp in blocks of {@link #BLOCK} elements,
 * each block one call of a method that C2 compiles as a whole (called often enough). When one call
 * runs a loop over 256K or 16M elements, the method is only ever compiled on-stack (OSR), which
 * measured here once boxed the vectors of these loops (megabytes per call). Blocks change no result
 * that the contract fixes: a sum of block sums has a shorter chain than the d stated in the Javadoc.
 */
public final class SimdReductions extends SimdFloatReductions implements ReductionKernels {
    private static final VectorSpecies<Float> F = Species.FLOAT;
    private static final VectorSpecies<Double> D = Species.DOUBLE;
    private static final int FL = F.length();
    private static final int DL = D.length();
    /**
     * Floats of half the width: as many lanes as D, so one load converts to one double vector with
     * a single instruction. Converting the upper half of a full float vector instead goes through
     * {@code slice}, which measured here made the float mean slower than the double one.
     */
    private static final VectorSpecies<Float> F_HALF =
            VectorSpecies.of(float.class, VectorShape.forBitSize(F.vectorBitSize() / 2));

    /** Elements per block of the blocked loops (16 KB of floats, 32 KB of doubles: in L1). */
    private static final int BLOCK = 4096;

    public SimdReductions() {}

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
                // GENERATED each: a# = d#.fma(d#, a#) by kernels/gen/Elementwise.java: do not edit up to END
                a0 = d0.fma(d0, a0);
                a1 = d1.fma(d1, a1);
                a2 = d2.fma(d2, a2);
                a3 = d3.fma(d3, a3);
                // END each
            } else {
                // GENERATED each: a# = a#.add(d#) by kernels/gen/Elementwise.java: do not edit up to END
                a0 = a0.add(d0);
                a1 = a1.add(d1);
                a2 = a2.add(d2);
                a3 = a3.add(d3);
                // END each
            }
        }
        // At most four half vectors remain, vector k of them entering ak, in a loop (as SimdFloatReductions
        // says, four written out made C1 give up on the method). Lanes past n would add 0 - center: zeroed.
        DoubleVector zero = DoubleVector.zero(D);
        for (int k = 0; i < n; i += DL, k++) {
            DoubleVector d = zero.blend(((DoubleVector) FloatVector.fromArray(F_HALF, x, offset + i, F_HALF.indexInRange(i, n))
                    .convertShape(VectorOperators.F2D, D, 0)).sub(c), D.indexInRange(i, n));
            // GENERATED pick k: a# = squares ? d.fma(d, a#) : a#.add(d) by kernels/gen/Elementwise.java: do not edit up to END
            if (k == 0) {
                a0 = squares ? d.fma(d, a0) : a0.add(d);
            } else if (k == 1) {
                a1 = squares ? d.fma(d, a1) : a1.add(d);
            } else if (k == 2) {
                a2 = squares ? d.fma(d, a2) : a2.add(d);
            } else {
                a3 = squares ? d.fma(d, a3) : a3.add(d);
            }
            // END pick
        }
        // GENERATED lanes DoubleVector s = a0 + a1 + a2 + a3 by kernels/gen/Elementwise.java: do not edit up to END
        DoubleVector s = a0.add(a1).add(a2.add(a3));
        s = DL >= 8 ? s.add(s.rearrange(Lanes.D_ROTATE_4)) : s;
        s = DL >= 4 ? s.add(s.rearrange(Lanes.D_ROTATE_2)) : s;
        s = s.add(s.rearrange(Lanes.D_ROTATE_1));
        // END lanes
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
     * <p>e^t for t &lt;= 0, t below -708 counted as -708 (see EXP_LOWEST): t = k ln2 + r, |r| &lt;= ln2/2,
     * k = round(t / ln2) by the magic-number addition, r in two fma steps (Cody and Waite), e^r by
     * its Taylor polynomial to degree 8 (truncation below 2^-32, far under a float ulp), times 2^k
     * built in the exponent field: (k + magic)'s low bits hold k, and {@code (k + 1023) << 52} is 2^k.
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
        s = DL >= 8 ? s.add(s.rearrange(Lanes.D_ROTATE_4)) : s;
        s = DL >= 4 ? s.add(s.rearrange(Lanes.D_ROTATE_2)) : s;
        s = s.add(s.rearrange(Lanes.D_ROTATE_1));
        return s.lane(0);
    }

    // ================================================================ exp in double lanes

    private static final double LOG2_E = 1.4426950408889634;
    /** ln 2 split so that k * LN2_HIGH is exact for |k| &lt; 2^11 (its low 11 bits are zero). */
    private static final double LN2_HIGH = 0x1.62e42fefa3800p-1;
    private static final double LN2_LOW = 0x1.ef35793c76730p-45;
    /** 1.5 * 2^52: adding it rounds a double below 2^51 in magnitude to an integer, held in the low bits. */
    private static final double ROUNDING_MAGIC = 0x1.8p52;
    /**
     * Arguments are clamped at -708 so that 2^k stays a normal number (k >= -1021). Whatever lies
     * below adds at most e^-708 ~ 3e-308 per term to a sum that is at least 1 (the maximum's term).
     */
    private static final double EXP_LOWEST = -708;

    // ================================================================ double mean, variance, nrm2, logSumExp

    /** As in ReferenceReductions: scales that keep a rescued sum, or its squares, finite. */
    private static final double MEAN_RESCUE_SCALE = 0x1p-32;
    private static final double VARIANCE_RESCUE_SCALE = 0x1p-540;

    @Override
    public double mean(double[] x, int offset, int n) {
        double m = sum(x, offset, n) / n;
        // Rescued whenever no element is NaN: finite terms can overflow a partial sum, even to the
        // opposite infinity of an infinite element (-MAX + -MAX + Inf); scaled, they cannot.
        if (!Double.isFinite(m) && noNaN(x, offset, n)) {
            m = Math.scalb(blockedDeviations(x, offset, n, MEAN_RESCUE_SCALE, 0.0, false) / n, 32);
        }
        return m;
    }

    @Override
    public double variance(double[] x, int offset, int n) {
        double v = twoPassVariance(x, offset, n, 1.0, 0.0);
        if (!Double.isFinite(v) && n > 0 && allFinite(x, offset, n)) { // n == 0: NaN, nothing to rescue
            // shifted by the first element as well as scaled: see ReferenceReductions.variance
            v = Math.scalb(twoPassVariance(x, offset, n, VARIANCE_RESCUE_SCALE, x[offset] * VARIANCE_RESCUE_SCALE), 1080);
        }
        return v;
    }

    /** The variance of x * scale, its mean taken as shift + mean(x * scale - shift). */
    private static double twoPassVariance(double[] x, int offset, int n, double scale, double shift) {
        double mean = shift + blockedDeviations(x, offset, n, scale, shift, false) / n;
        return blockedDeviations(x, offset, n, scale, mean, true) / n;
    }

    private static double blockedDeviations(double[] x, int offset, int n, double scale, double center, boolean squares) {
        double s = 0;
        for (int start = 0; start < n; start += BLOCK) {
            s += deviations(x, offset + start, Math.min(BLOCK, n - start), scale, center, squares);
        }
        return s;
    }

    /**
     * The sum of x[i] * scale - center, or of its square when squares is true: each deviation
     * rounded once (one fma; exact for center 0 and a power-of-two scale), each square entering by
     * one fma. The chain of the float sum, with L the double lane count; the flag is tested in the
     * loop, as in {@link #widenedDeviations}.
     */
    private static double deviations(double[] x, int offset, int n, double scale, double center, boolean squares) {
        double negatedCenter = -center;
        DoubleVector a0 = DoubleVector.zero(D), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i <= n - 4 * DL; i += 4 * DL) {
            DoubleVector d0 = DoubleVector.fromArray(D, x, offset + i).fma(scale, negatedCenter);
            DoubleVector d1 = DoubleVector.fromArray(D, x, offset + i + DL).fma(scale, negatedCenter);
            DoubleVector d2 = DoubleVector.fromArray(D, x, offset + i + 2 * DL).fma(scale, negatedCenter);
            DoubleVector d3 = DoubleVector.fromArray(D, x, offset + i + 3 * DL).fma(scale, negatedCenter);
            if (squares) {
                // GENERATED each: a# = d#.fma(d#, a#) by kernels/gen/Elementwise.java: do not edit up to END
                a0 = d0.fma(d0, a0);
                a1 = d1.fma(d1, a1);
                a2 = d2.fma(d2, a2);
                a3 = d3.fma(d3, a3);
                // END each
            } else {
                // GENERATED each: a# = a#.add(d#) by kernels/gen/Elementwise.java: do not edit up to END
                a0 = a0.add(d0);
                a1 = a1.add(d1);
                a2 = a2.add(d2);
                a3 = a3.add(d3);
                // END each
            }
        }
        // At most four vectors remain, vector k of them entering ak. Lanes past n would add 0 - center: zeroed.
        DoubleVector zero = DoubleVector.zero(D);
        for (int k = 0; i < n; i += DL, k++) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector d = zero.blend(DoubleVector.fromArray(D, x, offset + i, m).fma(scale, negatedCenter), m);
            // GENERATED pick k: a# = squares ? d.fma(d, a#) : a#.add(d) by kernels/gen/Elementwise.java: do not edit up to END
            if (k == 0) {
                a0 = squares ? d.fma(d, a0) : a0.add(d);
            } else if (k == 1) {
                a1 = squares ? d.fma(d, a1) : a1.add(d);
            } else if (k == 2) {
                a2 = squares ? d.fma(d, a2) : a2.add(d);
            } else {
                a3 = squares ? d.fma(d, a3) : a3.add(d);
            }
            // END pick
        }
        // GENERATED lanes DoubleVector s = a0 + a1 + a2 + a3 by kernels/gen/Elementwise.java: do not edit up to END
        DoubleVector s = a0.add(a1).add(a2.add(a3));
        s = DL >= 8 ? s.add(s.rearrange(Lanes.D_ROTATE_4)) : s;
        s = DL >= 4 ? s.add(s.rearrange(Lanes.D_ROTATE_2)) : s;
        s = s.add(s.rearrange(Lanes.D_ROTATE_1));
        // END lanes
        return s.lane(0);
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
        double s = blockedDeviations(x, offset, n, 1.0, 0.0, true);
        if (s != s) {
            return s; // a NaN element
        }
        if (s < Double.POSITIVE_INFINITY && s >= n * 0x1p-1000) {
            return Math.sqrt(s);
        }
        // No element is NaN here (the squares would be NaN).
        double largest = Math.max(Math.abs(max(x, offset, n)), Math.abs(min(x, offset, n)));
        if (largest == 0 || largest == Double.POSITIVE_INFINITY) {
            return largest;
        }
        int exponent = Math.getExponent(largest);
        return Math.scalb(Math.sqrt(blockedDeviations(x, offset, n, Math.scalb(1.0, -exponent), 0.0, true)), exponent);
    }

    /** No element is NaN: the max is NaN exactly when one is. */
    private boolean noNaN(double[] x, int offset, int n) {
        return !Double.isNaN(max(x, offset, n));
    }

    /** No element is NaN or infinite. */
    private boolean allFinite(double[] x, int offset, int n) {
        return max(x, offset, n) < Double.POSITIVE_INFINITY
                && min(x, offset, n) > Double.NEGATIVE_INFINITY;
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
        a = DL >= 8 ? a.add(a.rearrange(Lanes.D_ROTATE_4)) : a;
        a = DL >= 4 ? a.add(a.rearrange(Lanes.D_ROTATE_2)) : a;
        a = a.add(a.rearrange(Lanes.D_ROTATE_1));
        return a.lane(0);
    }
}
