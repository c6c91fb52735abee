package dev.jvk.kernels.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API reductions behind {@link dev.jvk.kernels.Reductions}. Arguments are checked there.
 *
 * <p>Sums keep {@link #ACCUMULATORS} independent vector accumulators, so that the loop runs at the
 * throughput of the adds rather than their latency; the lanes and accumulators meet once, after the
 * loop, in a fixed pairwise tree ({@link Lanes}). What is left after the main loop (fewer than
 * {@code ACCUMULATORS} vectors) goes one vector per accumulator, the last through a masked load, so
 * the hot loop has no tail test and every chain grows by at most one addition. A term therefore
 * passes through at most {@code d = floor(n / (L*A)) + 1 + log2(L*A)} additions (L lanes, A = 4).
 *
 * <p>max, min and argmax work on the raw bits as integers: a signed max finds the largest
 * non-negative float, a signed min the negative float of least magnitude, an unsigned max the
 * negative of largest magnitude, and NaNs (both signs) stand out as the largest signed or unsigned
 * patterns. Three one-cycle integer ops per vector, bitwise equal to {@code Math.max/min} for NaN and
 * signed zeros; measured faster than the Vector API's lanewise MAX (which Java semantics make a
 * sequence of instructions) and than compare + blend (see bench/RESULTS-blas1.md).
 *
 * <p>Long arrays go through max, min, mean, variance, nrm2, logSumExp and the double sums in blocks of
 * {@link #BLOCK} elements, each block one call of a method that C2 then compiles whole, with every
 * helper inlined. Measured here: when one call runs the whole loop over 256K or 16M elements, the
 * method is only ever compiled on-stack (OSR), and in that compilation the vectors of these loops
 * were boxed (megabytes allocated per call, 10 to 100 times slower). Blocks change no result that the
 * contract fixes: max and min combine exactly, and a sum of block sums has a shorter chain than the
 * d stated in the Javadoc.
 */
public final class SimdReductions {
    private static final VectorSpecies<Float> F = Species.FLOAT;
    private static final VectorSpecies<Double> D = Species.DOUBLE;
    private static final VectorSpecies<Integer> I = Species.INT;
    private static final VectorSpecies<Long> LG = Species.LONG;
    private static final int FL = F.length();
    private static final int DL = D.length();

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

    private SimdReductions() {}

    // ================================================================ float sums

    public static float sum(float[] x, int offset, int n) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i <= n - 4 * FL; i += 4 * FL) {
            a0 = a0.add(FloatVector.fromArray(F, x, offset + i));
            a1 = a1.add(FloatVector.fromArray(F, x, offset + i + FL));
            a2 = a2.add(FloatVector.fromArray(F, x, offset + i + 2 * FL));
            a3 = a3.add(FloatVector.fromArray(F, x, offset + i + 3 * FL));
        }
        // At most four vectors remain, the last partial: one per accumulator.
        if (i < n) {
            a0 = a0.add(load(x, offset, i, n));
            i += FL;
            if (i < n) {
                a1 = a1.add(load(x, offset, i, n));
                i += FL;
                if (i < n) {
                    a2 = a2.add(load(x, offset, i, n));
                    i += FL;
                    if (i < n) {
                        a3 = a3.add(load(x, offset, i, n));
                    }
                }
            }
        }
        return Lanes.sum(a0.add(a1).add(a2.add(a3)));
    }

    public static float asum(float[] x, int offset, int n) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i <= n - 4 * FL; i += 4 * FL) {
            a0 = a0.add(FloatVector.fromArray(F, x, offset + i).abs());
            a1 = a1.add(FloatVector.fromArray(F, x, offset + i + FL).abs());
            a2 = a2.add(FloatVector.fromArray(F, x, offset + i + 2 * FL).abs());
            a3 = a3.add(FloatVector.fromArray(F, x, offset + i + 3 * FL).abs());
        }
        if (i < n) {
            a0 = a0.add(load(x, offset, i, n).abs());
            i += FL;
            if (i < n) {
                a1 = a1.add(load(x, offset, i, n).abs());
                i += FL;
                if (i < n) {
                    a2 = a2.add(load(x, offset, i, n).abs());
                    i += FL;
                    if (i < n) {
                        a3 = a3.add(load(x, offset, i, n).abs());
                    }
                }
            }
        }
        return Lanes.sum(a0.add(a1).add(a2.add(a3)));
    }

    /** Each term x*y enters its accumulator through one fma: the product is never rounded on its own. */
    public static float dot(float[] x, int xOffset, float[] y, int yOffset, int n) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i <= n - 4 * FL; i += 4 * FL) {
            a0 = FloatVector.fromArray(F, x, xOffset + i).fma(FloatVector.fromArray(F, y, yOffset + i), a0);
            a1 = FloatVector.fromArray(F, x, xOffset + i + FL).fma(FloatVector.fromArray(F, y, yOffset + i + FL), a1);
            a2 = FloatVector.fromArray(F, x, xOffset + i + 2 * FL).fma(FloatVector.fromArray(F, y, yOffset + i + 2 * FL), a2);
            a3 = FloatVector.fromArray(F, x, xOffset + i + 3 * FL).fma(FloatVector.fromArray(F, y, yOffset + i + 3 * FL), a3);
        }
        if (i < n) {
            a0 = load(x, xOffset, i, n).fma(load(y, yOffset, i, n), a0);
            i += FL;
            if (i < n) {
                a1 = load(x, xOffset, i, n).fma(load(y, yOffset, i, n), a1);
                i += FL;
                if (i < n) {
                    a2 = load(x, xOffset, i, n).fma(load(y, yOffset, i, n), a2);
                    i += FL;
                    if (i < n) {
                        a3 = load(x, xOffset, i, n).fma(load(y, yOffset, i, n), a3);
                    }
                }
            }
        }
        return Lanes.sum(a0.add(a1).add(a2.add(a3)));
    }

    /** Elements i.. of x from offset, lanes at or past n zero. */
    private static FloatVector load(float[] x, int offset, int i, int n) {
        return FloatVector.fromArray(F, x, offset + i, F.indexInRange(i, n));
    }

    // ================================================================ float sums in double lanes

    /**
     * The sum of x[i] - center (or of its square, when squares is true), each float widened to
     * double first. Two float vectors per step become four double vectors, one per accumulator: the
     * same chain as {@link #sum(float[], int, int)}, with L the double lane count.
     */
    private static double sumWidened(float[] x, int offset, int n, double center, boolean squares) {
        DoubleVector c = DoubleVector.broadcast(D, center);
        DoubleVector a0 = DoubleVector.zero(D), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i <= n - 2 * FL; i += 2 * FL) {
            FloatVector v = FloatVector.fromArray(F, x, offset + i);
            FloatVector w = FloatVector.fromArray(F, x, offset + i + FL);
            a0 = accumulate(a0, low(v).sub(c), squares);
            a1 = accumulate(a1, high(v).sub(c), squares);
            a2 = accumulate(a2, low(w).sub(c), squares);
            a3 = accumulate(a3, high(w).sub(c), squares);
        }
        // At most two float vectors remain. Lanes past n would add 0 - center: zeroed instead.
        if (i < n) {
            FloatVector v = load(x, offset, i, n);
            a0 = accumulate(a0, lowLanesBefore(low(v).sub(c), n - i), squares);
            a1 = accumulate(a1, lowLanesBefore(high(v).sub(c), n - i - DL), squares);
            i += FL;
            if (i < n) {
                v = load(x, offset, i, n);
                a2 = accumulate(a2, lowLanesBefore(low(v).sub(c), n - i), squares);
                a3 = accumulate(a3, lowLanesBefore(high(v).sub(c), n - i - DL), squares);
            }
        }
        return Lanes.sum(a0.add(a1).add(a2.add(a3)));
    }

    private static DoubleVector accumulate(DoubleVector acc, DoubleVector d, boolean squares) {
        return squares ? d.fma(d, acc) : acc.add(d);
    }

    /** v with the lanes from {@code count} on set to zero (count may be negative or past the end). */
    private static DoubleVector lowLanesBefore(DoubleVector v, int count) {
        return DoubleVector.zero(D).blend(v, D.indexInRange(0, Math.max(count, 0)));
    }

    private static DoubleVector low(FloatVector v) {
        return (DoubleVector) v.convertShape(VectorOperators.F2D, D, 0);
    }

    private static DoubleVector high(FloatVector v) {
        return (DoubleVector) v.convertShape(VectorOperators.F2D, D, 1);
    }

    /** The float mean, summed in double (no overflow at any n), then divided and rounded once. */
    public static float mean(float[] x, int offset, int n) {
        return (float) (blockedSumWidened(x, offset, n, 0, false) / n);
    }

    /** Two passes in double: the mean, then the squared deviations from it. */
    public static float variance(float[] x, int offset, int n) {
        double mean = blockedSumWidened(x, offset, n, 0, false) / n;
        return (float) (blockedSumWidened(x, offset, n, mean, true) / n);
    }

    /** Squares summed in double: a float squared neither overflows nor underflows there. */
    public static float nrm2(float[] x, int offset, int n) {
        return (float) Math.sqrt(blockedSumWidened(x, offset, n, 0, true));
    }

    private static double blockedSumWidened(float[] x, int offset, int n, double center, boolean squares) {
        double s = 0;
        for (int start = 0; start < n; start += BLOCK) {
            s += sumWidened(x, offset + start, Math.min(BLOCK, n - start), center, squares);
        }
        return s;
    }

    /**
     * max + log(sum exp(x - max)), the sum in double lanes with jvk's double exp (the exponential written out in sumOfExponentials),
     * so the float result carries one rounding that matters.
     */
    public static float logSumExp(float[] x, int offset, int n) {
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
     * The sum of e^(x - m) over n elements, in double lanes, two accumulators. The exponential is
     * written out in the loop rather than called: measured here, C2 compiled a separate exp method on
     * its own first and then refused to inline it ("callee is too large"), which boxed every vector.
     */
    private static double sumOfExponentials(float[] x, int offset, int n, float m) {
        DoubleVector c = DoubleVector.broadcast(D, m);
        DoubleVector a0 = DoubleVector.zero(D), a1 = a0;
        int i = 0;
        for (; i < n; i += FL) {
            FloatVector v = load(x, offset, i, n);
            // Lanes past n would add e^(0 - max): masked out of the adds (all lanes count in whole vectors).
            VectorMask<Double> lowValid = D.indexInRange(0, n - i);
            VectorMask<Double> highValid = D.indexInRange(DL, n - i);
            for (int half = 0; half < 2; half++) {
                DoubleVector t = (half == 0 ? low(v) : high(v)).sub(c);
                // e^t for t <= 0, t below -708 counted as -708 (see EXP_LOWEST): t = k ln2 + r, |r| <= ln2/2,
                // e^r by its Taylor polynomial to degree 8 (truncation below 2^-32), times 2^k.
                t = t.blend(EXP_LOWEST, t.compare(VectorOperators.LT, EXP_LOWEST));
                DoubleVector kPlusMagic = t.fma(LOG2_E, ROUNDING_MAGIC);
                DoubleVector r = reduced(t, kPlusMagic.sub(ROUNDING_MAGIC));
                DoubleVector p = DoubleVector.broadcast(D, 1.0 / 40320);
                p = p.lanewise(VectorOperators.FMA, r, 1.0 / 5040);
                p = p.lanewise(VectorOperators.FMA, r, 1.0 / 720);
                p = p.lanewise(VectorOperators.FMA, r, 1.0 / 120);
                p = p.lanewise(VectorOperators.FMA, r, 1.0 / 24);
                p = p.lanewise(VectorOperators.FMA, r, 1.0 / 6);
                p = p.lanewise(VectorOperators.FMA, r, 0.5);
                p = p.lanewise(VectorOperators.FMA, r, 1.0);
                p = p.lanewise(VectorOperators.FMA, r, 1.0);
                DoubleVector e = p.mul(twoToThe(kPlusMagic));
                if (half == 0) {
                    a0 = a0.lanewise(VectorOperators.ADD, e, lowValid);
                } else {
                    a1 = a1.lanewise(VectorOperators.ADD, e, highValid);
                }
            }
        }
        return Lanes.sum(a0.add(a1));
    }

    // ================================================================ float max, min, argmax

    public static float max(float[] x, int offset, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int start = 0; start < n; start += BLOCK) {
            m = Math.max(m, extremum(x, offset + start, Math.min(BLOCK, n - start), true));
        }
        return m;
    }

    public static float min(float[] x, int offset, int n) {
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
        // The rest, up to two vectors. Max and min do not mind seeing an element twice, so a vector
        // that would run past n is loaded to end at n instead (or, when n < L, padded with x[offset]).
        for (; i < n; i += FL) {
            IntVector b = lastVector(x, offset, i, n).reinterpretAsInts();
            sMax0 = sMax0.max(b);
            sMin0 = sMin0.min(b);
            uMax0 = uMax0.lanewise(VectorOperators.UMAX, b);
        }
        int sMax = sMax0.max(sMax1).reduceLanes(VectorOperators.MAX);
        int sMin = sMin0.min(sMin1).reduceLanes(VectorOperators.MIN);
        int uMax = unsignedMax(uMax0.lanewise(VectorOperators.UMAX, uMax1));
        if (sMax > FLOAT_POSITIVE_INFINITY_BITS || Integer.compareUnsigned(uMax, FLOAT_NEGATIVE_INFINITY_BITS) > 0) {
            return Float.NaN;
        }
        if (max) {
            return Float.intBitsToFloat(sMax >= 0 ? sMax : sMin); // a non-negative one, else the negative nearest 0
        }
        return Float.intBitsToFloat(uMax < 0 ? uMax : sMin); // the negative farthest from 0, else the least non-negative
    }

    /** The vector of elements i..i+L-1, or when that runs past n, one that repeats earlier elements instead. */
    private static FloatVector lastVector(float[] x, int offset, int i, int n) {
        if (i + FL <= n) {
            return FloatVector.fromArray(F, x, offset + i);
        }
        if (n >= FL) {
            return FloatVector.fromArray(F, x, offset + n - FL);
        }
        VectorMask<Float> valid = F.indexInRange(0, n);
        return FloatVector.fromArray(F, x, offset, valid).blend(x[offset], valid.not());
    }

    /** reduceLanes(UMAX) is not intrinsified in JDK 25 (it allocates); with the sign bit flipped it is a signed MAX. */
    private static int unsignedMax(IntVector v) {
        return v.lanewise(VectorOperators.XOR, Integer.MIN_VALUE).reduceLanes(VectorOperators.MAX) ^ Integer.MIN_VALUE;
    }

    /**
     * Block by block: the block's max (NaN if it holds one) by {@link #extremum}; a block whose max
     * is '>' the best so far becomes the best block, so the first block holding the maximum wins;
     * then the first element of that block equal ('==', so -0 == +0) to the maximum. The first NaN
     * is searched in the first block holding one, and returned at once.
     */
    public static int argmax(float[] x, int offset, int n) {
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

    /** r = t - k ln2 in two fma steps (Cody and Waite), for k = round(t / ln2). */
    private static DoubleVector reduced(DoubleVector t, DoubleVector k) {
        return k.fma(DoubleVector.broadcast(D, -LN2_LOW), k.fma(DoubleVector.broadcast(D, -LN2_HIGH), t));
    }

    /** 2^k from k + magic, whose bits are magic's plus k: (k + 1023) << 52 is 2^k's exponent field (magic's own bits shift out). */
    private static DoubleVector twoToThe(DoubleVector kPlusMagic) {
        return kPlusMagic.reinterpretAsLongs().add(1023L).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
    }

    // ================================================================ double sums

    public static double sum(double[] x, int offset, int n) {
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
            a0 = load(x, offset, i, n).fma(scale, a0);
            i += DL;
            if (i < n) {
                a1 = load(x, offset, i, n).fma(scale, a1);
                i += DL;
                if (i < n) {
                    a2 = load(x, offset, i, n).fma(scale, a2);
                    i += DL;
                    if (i < n) {
                        a3 = load(x, offset, i, n).fma(scale, a3);
                    }
                }
            }
        }
        return Lanes.sum(a0.add(a1).add(a2.add(a3)));
    }

    public static double asum(double[] x, int offset, int n) {
        DoubleVector a0 = DoubleVector.zero(D), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i <= n - 4 * DL; i += 4 * DL) {
            a0 = a0.add(DoubleVector.fromArray(D, x, offset + i).abs());
            a1 = a1.add(DoubleVector.fromArray(D, x, offset + i + DL).abs());
            a2 = a2.add(DoubleVector.fromArray(D, x, offset + i + 2 * DL).abs());
            a3 = a3.add(DoubleVector.fromArray(D, x, offset + i + 3 * DL).abs());
        }
        if (i < n) {
            a0 = a0.add(load(x, offset, i, n).abs());
            i += DL;
            if (i < n) {
                a1 = a1.add(load(x, offset, i, n).abs());
                i += DL;
                if (i < n) {
                    a2 = a2.add(load(x, offset, i, n).abs());
                    i += DL;
                    if (i < n) {
                        a3 = a3.add(load(x, offset, i, n).abs());
                    }
                }
            }
        }
        return Lanes.sum(a0.add(a1).add(a2.add(a3)));
    }

    public static double dot(double[] x, int xOffset, double[] y, int yOffset, int n) {
        DoubleVector a0 = DoubleVector.zero(D), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i <= n - 4 * DL; i += 4 * DL) {
            a0 = DoubleVector.fromArray(D, x, xOffset + i).fma(DoubleVector.fromArray(D, y, yOffset + i), a0);
            a1 = DoubleVector.fromArray(D, x, xOffset + i + DL).fma(DoubleVector.fromArray(D, y, yOffset + i + DL), a1);
            a2 = DoubleVector.fromArray(D, x, xOffset + i + 2 * DL).fma(DoubleVector.fromArray(D, y, yOffset + i + 2 * DL), a2);
            a3 = DoubleVector.fromArray(D, x, xOffset + i + 3 * DL).fma(DoubleVector.fromArray(D, y, yOffset + i + 3 * DL), a3);
        }
        if (i < n) {
            a0 = load(x, xOffset, i, n).fma(load(y, yOffset, i, n), a0);
            i += DL;
            if (i < n) {
                a1 = load(x, xOffset, i, n).fma(load(y, yOffset, i, n), a1);
                i += DL;
                if (i < n) {
                    a2 = load(x, xOffset, i, n).fma(load(y, yOffset, i, n), a2);
                    i += DL;
                    if (i < n) {
                        a3 = load(x, xOffset, i, n).fma(load(y, yOffset, i, n), a3);
                    }
                }
            }
        }
        return Lanes.sum(a0.add(a1).add(a2.add(a3)));
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
        for (int k = 0; i < n; i += DL, k++) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector d = DoubleVector.zero(D).blend(DoubleVector.fromArray(D, x, offset + i, m).fma(scale, negatedCenter), m);
            switch (k) {
                case 0 -> a0 = d.fma(d, a0);
                case 1 -> a1 = d.fma(d, a1);
                case 2 -> a2 = d.fma(d, a2);
                default -> a3 = d.fma(d, a3);
            }
        }
        return Lanes.sum(a0.add(a1).add(a2.add(a3)));
    }

    private static DoubleVector load(double[] x, int offset, int i, int n) {
        return DoubleVector.fromArray(D, x, offset + i, D.indexInRange(i, n));
    }

    // ================================================================ double mean, variance, nrm2, logSumExp

    /** As in ReferenceReductions: scales that keep a rescued sum, or its squares, finite. */
    private static final double MEAN_RESCUE_SCALE = 0x1p-32;
    private static final double VARIANCE_RESCUE_SCALE = 0x1p-540;

    public static double mean(double[] x, int offset, int n) {
        double m = blockedScaledSum(x, offset, n, 1.0) / n;
        // Rescued whenever no element is NaN: finite terms can overflow a partial sum, even to the
        // opposite infinity of an infinite element (-MAX + -MAX + Inf); scaled, they cannot.
        if (!Double.isFinite(m) && noNaN(x, offset, n)) {
            m = Math.scalb(blockedScaledSum(x, offset, n, MEAN_RESCUE_SCALE) / n, 32);
        }
        return m;
    }

    public static double variance(double[] x, int offset, int n) {
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
    public static double nrm2(double[] x, int offset, int n) {
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
    public static double logSumExp(double[] x, int offset, int n) {
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

    /** The sum of e^(x - m) over n elements, one accumulator; the exponential written out in the loop (see the float version). */
    private static double sumOfExponentials(double[] x, int offset, int n, double m) {
        DoubleVector c = DoubleVector.broadcast(D, m);
        DoubleVector a = DoubleVector.zero(D);
        for (int i = 0; i < n; i += DL) {
            VectorMask<Double> valid = D.indexInRange(i, n);
            DoubleVector t = DoubleVector.fromArray(D, x, offset + i, valid).sub(c);
            // e^t as in expForFloat's comment, the Taylor polynomial to degree 13 (truncation below 2^-57).
            t = t.blend(EXP_LOWEST, t.compare(VectorOperators.LT, EXP_LOWEST));
            DoubleVector kPlusMagic = t.fma(LOG2_E, ROUNDING_MAGIC);
            DoubleVector r = reduced(t, kPlusMagic.sub(ROUNDING_MAGIC));
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
            a = a.lanewise(VectorOperators.ADD, p.mul(twoToThe(kPlusMagic)), valid);
        }
        return Lanes.sum(a);
    }

    // ================================================================ double max, min, argmax

    public static double max(double[] x, int offset, int n) {
        double m = Double.NEGATIVE_INFINITY;
        for (int start = 0; start < n; start += BLOCK) {
            m = Math.max(m, extremum(x, offset + start, Math.min(BLOCK, n - start), true));
        }
        return m;
    }

    public static double min(double[] x, int offset, int n) {
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
        for (; i < n; i += DL) {
            LongVector b = lastVector(x, offset, i, n).reinterpretAsLongs();
            sMax0 = sMax0.max(b);
            sMin0 = sMin0.min(b);
            uMax0 = uMax0.lanewise(VectorOperators.UMAX, b);
        }
        long sMax = sMax0.max(sMax1).reduceLanes(VectorOperators.MAX);
        long sMin = sMin0.min(sMin1).reduceLanes(VectorOperators.MIN);
        long uMax = unsignedMax(uMax0.lanewise(VectorOperators.UMAX, uMax1));
        if (sMax > DOUBLE_POSITIVE_INFINITY_BITS || Long.compareUnsigned(uMax, DOUBLE_NEGATIVE_INFINITY_BITS) > 0) {
            return Double.NaN;
        }
        if (max) {
            return Double.longBitsToDouble(sMax >= 0 ? sMax : sMin);
        }
        return Double.longBitsToDouble(uMax < 0 ? uMax : sMin);
    }

    private static DoubleVector lastVector(double[] x, int offset, int i, int n) {
        if (i + DL <= n) {
            return DoubleVector.fromArray(D, x, offset + i);
        }
        if (n >= DL) {
            return DoubleVector.fromArray(D, x, offset + n - DL);
        }
        VectorMask<Double> valid = D.indexInRange(0, n);
        return DoubleVector.fromArray(D, x, offset, valid).blend(x[offset], valid.not());
    }

    private static long unsignedMax(LongVector v) {
        return v.lanewise(VectorOperators.XOR, Long.MIN_VALUE).reduceLanes(VectorOperators.MAX) ^ Long.MIN_VALUE;
    }

    /** As the float {@link #argmax(float[], int, int)}. */
    public static int argmax(double[] x, int offset, int n) {
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
