package dev.jvk.kernels.simd;

import dev.jvk.kernels.spi.SoftmaxKernels;
import dev.jvk.kernels.platform.Platform.Species;
import static dev.jvk.kernels.simd.VectorMath.E0;
import static dev.jvk.kernels.simd.VectorMath.E1;
import static dev.jvk.kernels.simd.VectorMath.E2;
import static dev.jvk.kernels.simd.VectorMath.E3;
import static dev.jvk.kernels.simd.VectorMath.E4;
import static dev.jvk.kernels.simd.VectorMath.E5;
import static dev.jvk.kernels.simd.VectorMath.EXP_MAX;
import static dev.jvk.kernels.simd.VectorMath.EXP_MIN;
import static dev.jvk.kernels.simd.VectorMath.LN2_HI;
import static dev.jvk.kernels.simd.VectorMath.LN2_LO;
import static dev.jvk.kernels.simd.VectorMath.LOG2E;
import static dev.jvk.kernels.simd.VectorMath.ROUND;
import static dev.jvk.kernels.simd.VectorMath.ROUND_BITS;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API softmax, log-softmax and softmax cross-entropy, reached only through
 * {@link dev.jvk.kernels.Softmax} after its argument checks. Per row, three passes:
 * <ol>
 *   <li>the maximum m, by compare + blend into four accumulators (lanewise MAX is several times
 *       slower here; NaN is skipped, and caught by the next pass);</li>
 *   <li>e_j = e^(x_j - m) and their sum s, in one accumulator, whose lanes are added in a fixed pairwise order. x_j - m
 *       is carried exactly (its rounding error joins exp's reduced argument), so the exponentials are
 *       as accurate as exp itself whatever the spread of the row;</li>
 *   <li>the output: e_j / s, (x_j - m) - ln s, or the gradient e_j / (s rows).</li>
 * </ol>
 * Row sum chain: each of the L accumulator lanes adds ceil(cols / L) terms, then log2 L adds merge the
 * lanes, so d &lt;= ceil(cols / L) + L as documented.
 *
 * <p><b>The last vector of a row.</b> A masked access whose window runs past its array's end takes the
 * Vector API's slow path, which allocates (~32-48 B per access; the last row of a block that ends its
 * array, when cols is not a multiple of the lanes). There the window is moved back to end inside the
 * arrays (it may start before the row, inside the array), its mask keeping the row's remaining
 * elements only (as in SimdActivations); in the row sum the moved lanes are brought back down by a
 * compress, so the sum is bitwise what it is elsewhere. The masks here come from compares on the
 * lane numbers ({@code LANE}), not from {@code F.indexInRange}: inside JMH the latter, whose branches
 * merge differently made masks, still left an allocation per call (128 B) in these row methods.
 */
public final class SimdSoftmax implements SoftmaxKernels {
    private static final VectorSpecies<Float> F = Species.FLOAT;
    private static final int L = F.length();
    /** The lane numbers 0, 1, ..., L - 1, as floats (exact). */
    private static final FloatVector LANE = FloatVector.broadcast(F, 0f).addIndex(1);
    /** Per thread: L rows of at most L elements, transposed, and the L / 2 partial sums of their lane tree ({@link #softmaxTransposed}). */
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[L * L + L / 2 * L]);

    public SimdSoftmax() {}

    @Override
    public void softmax(float[] x, int xOffset, int rows, int cols, int ldx, float[] y, int yOffset, int ldy) {
        int r = 0;
        if (cols > 0 && cols <= L && rows >= L) {
            float[] scratch = SCRATCH.get();
            for (; r <= rows - L; r += L) {
                softmaxTransposed(x, xOffset + r * ldx, cols, ldx, y, yOffset + r * ldy, ldy, scratch);
            }
        }
        for (; r < rows; r++) {
            int in = xOffset + r * ldx;
            int out = yOffset + r * ldy;
            float max = rowMax(x, in, cols);
            float sum = expAndSum(x, in, cols, max, y, out);
            scale(y, out, cols, sum, true);
        }
    }

    @Override
    public void logSoftmax(float[] x, int xOffset, int rows, int cols, int ldx, float[] y, int yOffset, int ldy) {
        for (int r = 0; r < rows; r++) {
            int in = xOffset + r * ldx;
            int out = yOffset + r * ldy;
            float max = rowMax(x, in, cols);
            float logSum = (float) StrictMath.log(expAndSum(x, in, cols, max, null, 0));
            int j = 0;
            for (; j <= cols - L; j += L) {
                FloatVector.fromArray(F, x, in + j).sub(max).sub(logSum).intoArray(y, out + j);
            }
            if (j < cols) {
                int room = Math.min(x.length - in, y.length - out);
                int at = j + L <= room ? j : Math.max(room - L, -Math.min(in, out)); // see the class comment on the last vector
                VectorMask<Float> m = LANE.compare(VectorOperators.GE, (float) (j - at)).and(LANE.compare(VectorOperators.LT, (float) (cols - at)));
                FloatVector.fromArray(F, x, in + at, m).sub(max).sub(logSum).intoArray(y, out + at, m);
            }
        }
    }

    /**
     * Per row: the loss ln s - (x_label - m) in double (exact but for s), and the gradient: e_j is
     * stored into the dLogits row in pass 2 (which may be the logits row itself), then scaled by
     * 1 / (s rows); the label's element is recomputed as (e_label / s - 1) / rows in double.
     */
    @Override
    public float crossEntropy(float[] logits, int offset, int rows, int cols, int ld,
                                     int[] labels, int labelsOffset, float[] dLogits, int dOffset, int ldd) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int in = offset + r * ld;
            int out = dOffset + r * ldd;
            int label = labels[labelsOffset + r];
            float labelLogit = logits[in + label];
            float max = rowMax(logits, in, cols);
            float sum = expAndSum(logits, in, cols, max, dLogits, out);
            total += StrictMath.log(sum) - ((double) labelLogit - max);
            float labelExp = dLogits[out + label];
            scale(dLogits, out, cols, (float) (1 / ((double) sum * rows)), false);
            dLogits[out + label] = (float) ((labelExp / (double) sum - 1) / rows);
        }
        return rows == 0 ? 0f : (float) (total / rows);
    }

    /**
     * Softmax of L rows of at most one vector each, transposed: lane i of vector j is element j of row i, so
     * the maximum, the sum and the division work across vectors, lanewise, with no step across lanes (a row
     * of one vector spends most of its time in such steps, one row at a time). The same bits as the row
     * path ({@link #rowMax}, {@link #expAndSum}, {@link #scale}): the maximum is exact, each exponential is
     * the same steps on the same pair, and the sum follows the row path's lane tree (lane i plus lane
     * i + L/2, then i + L/4, ...), whose lanes past the row's end hold zeros; adding such a zero leaves an
     * exponential's sum unchanged, so the tree's additions with those lanes are skipped here.
     * {@code scratch} holds the L rows transposed, then the tree's partial sums.
     */
    private static void softmaxTransposed(float[] x, int in, int cols, int ldx, float[] y, int out, int ldy, float[] scratch) {
        for (int i = 0; i < L; i++) {
            for (int j = 0; j < cols; j++) {
                scratch[j * L + i] = x[in + i * ldx + j];
            }
        }
        FloatVector max = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < cols; j++) {
            FloatVector v = FloatVector.fromArray(F, scratch, j * L);
            max = max.blend(v, v.compare(VectorOperators.GT, max));
        }
        FloatVector negMax = max.neg();
        for (int j = 0; j < cols; j++) {
            FloatVector v = FloatVector.fromArray(F, scratch, j * L);
            // x_j - max = hi + lo exactly (Knuth's TwoSum), as in expAndSum
            FloatVector hi = v.add(negMax);
            FloatVector bVirtual = hi.sub(v);
            FloatVector aVirtual = hi.sub(bVirtual);
            FloatVector lo = v.sub(aVirtual).add(negMax.sub(bVirtual));
            // GENERATED exp e = e^(hi + lo), clamped both by kernels/gen/InlineExp.java: do not edit up to END
            VectorMask<Float> eOutside = hi.compare(VectorOperators.LT, EXP_MIN).or(hi.compare(VectorOperators.GT, EXP_MAX));
            FloatVector eX = hi.blend(EXP_MIN, hi.compare(VectorOperators.LT, EXP_MIN)).blend(EXP_MAX, hi.compare(VectorOperators.GT, EXP_MAX));
            FloatVector eK = eX.fma(LOG2E, ROUND); // n + 1.5 * 2^23: n = round(x / ln 2) in the low bits
            FloatVector eN = eK.sub(ROUND);
            FloatVector eR = eN.fma(FloatVector.broadcast(F, -LN2_HI), eX); // exact (Sterbenz)
            eR = eN.fma(FloatVector.broadcast(F, -LN2_LO), eR).add(lo.blend(0f, eOutside));
            FloatVector eP = eR.fma(E5, E4).fma(eR, FloatVector.broadcast(F, E3)).fma(eR, FloatVector.broadcast(F, E2))
                    .fma(eR, FloatVector.broadcast(F, E1)).fma(eR, FloatVector.broadcast(F, E0)).fma(eR.mul(eR), eR).add(1f); // e^r
            IntVector eBits = eK.reinterpretAsInts().sub(ROUND_BITS);
            IntVector eHalf = eBits.lanewise(VectorOperators.ASHR, 1);
            FloatVector eFirst = eHalf.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector eSecond = eBits.sub(eHalf).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector e = eP.mul(eFirst).mul(eSecond); // rounds once, also when subnormal
            // END exp e
            e.intoArray(scratch, j * L);
        }
        // the lane tree of expAndSum, level by level: sums[i] = e_i + e_{i + half}, then sums[i] += sums[i + half]
        int sums = L * L;
        int live = cols;
        for (int half = L / 2; half >= 1; half /= 2) {
            int from = half == L / 2 ? 0 : sums;
            for (int i = 0; i < Math.min(half, live); i++) {
                FloatVector s = FloatVector.fromArray(F, scratch, from + i * L);
                if (i + half < live) {
                    s = s.add(FloatVector.fromArray(F, scratch, from + (i + half) * L));
                }
                s.intoArray(scratch, sums + i * L);
            }
            live = Math.min(live, half);
        }
        FloatVector sum = FloatVector.fromArray(F, scratch, sums);
        for (int j = 0; j < cols; j++) {
            FloatVector.fromArray(F, scratch, j * L).div(sum).intoArray(scratch, j * L);
        }
        for (int i = 0; i < L; i++) {
            for (int j = 0; j < cols; j++) {
                y[out + i * ldy + j] = scratch[j * L + i];
            }
        }
    }

    /** The row maximum, NaN skipped; -Inf for an empty row or one of only NaN and -Inf. */
    private static float rowMax(float[] x, int from, int cols) {
        FloatVector m0 = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        FloatVector m1 = m0, m2 = m0, m3 = m0;
        int j = 0;
        for (; j <= cols - 4 * L; j += 4 * L) {
            FloatVector v0 = FloatVector.fromArray(F, x, from + j);
            FloatVector v1 = FloatVector.fromArray(F, x, from + j + L);
            FloatVector v2 = FloatVector.fromArray(F, x, from + j + 2 * L);
            FloatVector v3 = FloatVector.fromArray(F, x, from + j + 3 * L);
            m0 = m0.blend(v0, v0.compare(VectorOperators.GT, m0));
            m1 = m1.blend(v1, v1.compare(VectorOperators.GT, m1));
            m2 = m2.blend(v2, v2.compare(VectorOperators.GT, m2));
            m3 = m3.blend(v3, v3.compare(VectorOperators.GT, m3));
        }
        for (; j <= cols - L; j += L) {
            FloatVector v = FloatVector.fromArray(F, x, from + j);
            m0 = m0.blend(v, v.compare(VectorOperators.GT, m0));
        }
        if (j < cols) {
            int room = x.length - from;
            int at = j + L <= room ? j : Math.max(room - L, -from); // see the class comment on the last vector
            VectorMask<Float> m = LANE.compare(VectorOperators.GE, (float) (j - at)).and(LANE.compare(VectorOperators.LT, (float) (cols - at)));
            FloatVector v = FloatVector.fromArray(F, x, from + at, m);
            m0 = m0.blend(v, v.compare(VectorOperators.GT, m0).and(m));
        }
        m0 = m0.blend(m1, m1.compare(VectorOperators.GT, m0));
        m2 = m2.blend(m3, m3.compare(VectorOperators.GT, m2));
        m0 = m0.blend(m2, m2.compare(VectorOperators.GT, m0));
        // MAX over lanes is exact and order-free here: no NaN is left, and a +-0 tie cannot change x - m.
        return m0.reduceLanes(VectorOperators.MAX);
    }

    /**
     * Sum of e^(x_j - max) over the row; stores each e_j into out (from outFrom) unless out is null.
     * One masked exp per step and one accumulator: an exp is some 30 vector operations, and the adds
     * are not the bottleneck.
     *
     * <p>Everything is written out here, with no call to a method of ours that takes or returns a
     * vector: exp of the pair (x_j - max exactly, by TwoSum), and the lane sum after the loop. Such a
     * call coming after the exp's nodes is cut off by C2's inlining budget (NodeCountInliningCutoff,
     * seen with -XX:+PrintInlining for the lane sum) and boxes its vector, once per row (~100 B).
     */
    private static float expAndSum(float[] x, int from, int cols, float max, float[] out, int outFrom) {
        FloatVector negMax = FloatVector.broadcast(F, -max);
        FloatVector sum = FloatVector.zero(F);
        int room = out == null ? x.length - from : Math.min(x.length - from, out.length - outFrom);
        for (int j = 0; j < cols; j += L) {
            int at = j + L <= room ? j : Math.max(room - L, -(out == null ? from : Math.min(from, outFrom))); // see the class comment on the last vector
            // the lanes of elements [j, cols): by compares on the lane numbers, not F.indexInRange (whose
            // branches merge masks of unknown provenance; with them C2 left the lane ops below to the
            // Java fallback in a process that had run all three softmax kernels)
            VectorMask<Float> mask = LANE.compare(VectorOperators.GE, (float) (j - at)).and(LANE.compare(VectorOperators.LT, (float) (cols - at)));
            FloatVector v = FloatVector.fromArray(F, x, from + at, mask);
            // x_j - max = hi + lo exactly (Knuth's TwoSum)
            FloatVector hi = v.add(negMax);
            FloatVector bVirtual = hi.sub(v);
            FloatVector aVirtual = hi.sub(bVirtual);
            FloatVector lo = v.sub(aVirtual).add(negMax.sub(bVirtual));
            // e^(hi + lo): lo joins the reduced argument
            // GENERATED exp e = e^(hi + lo), clamped both by kernels/gen/InlineExp.java: do not edit up to END
            VectorMask<Float> eOutside = hi.compare(VectorOperators.LT, EXP_MIN).or(hi.compare(VectorOperators.GT, EXP_MAX));
            FloatVector eX = hi.blend(EXP_MIN, hi.compare(VectorOperators.LT, EXP_MIN)).blend(EXP_MAX, hi.compare(VectorOperators.GT, EXP_MAX));
            FloatVector eK = eX.fma(LOG2E, ROUND); // n + 1.5 * 2^23: n = round(x / ln 2) in the low bits
            FloatVector eN = eK.sub(ROUND);
            FloatVector eR = eN.fma(FloatVector.broadcast(F, -LN2_HI), eX); // exact (Sterbenz)
            eR = eN.fma(FloatVector.broadcast(F, -LN2_LO), eR).add(lo.blend(0f, eOutside));
            FloatVector eP = eR.fma(E5, E4).fma(eR, FloatVector.broadcast(F, E3)).fma(eR, FloatVector.broadcast(F, E2))
                    .fma(eR, FloatVector.broadcast(F, E1)).fma(eR, FloatVector.broadcast(F, E0)).fma(eR.mul(eR), eR).add(1f); // e^r
            IntVector eBits = eK.reinterpretAsInts().sub(ROUND_BITS);
            IntVector eHalf = eBits.lanewise(VectorOperators.ASHR, 1);
            FloatVector eFirst = eHalf.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector eSecond = eBits.sub(eHalf).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector e = eP.mul(eFirst).mul(eSecond); // rounds once, also when subnormal
            // END exp e
            if (out != null) {
                e.intoArray(out, outFrom + at, mask);
            }
            // The row's last vector: compress keeps the lanes of the mask, in order, from lane 0 up, and
            // zeroes the others, so the lanes of elements j.. land where a full vector has them, even from
            // a moved window. (A blend with the negated mask would zero them too, but inside JMH and in a
            // process that also ran logSoftmax, C2 left such a blend to the Java fallback: 80 B a row.)
            sum = sum.add(j + L <= cols ? e : e.compress(mask));
        }
        // The lanes' sum in a fixed pairwise order that every JIT tier follows (reduceLanes(ADD) leaves
        // the order open, and the interpreter and C2 take different ones): lane i plus lane i + L/2,
        // then i + L/4, ..., the order Lanes documents.
        sum = L >= 16 ? sum.add(sum.rearrange(Lanes.F_ROTATE_8)) : sum;
        sum = L >= 8 ? sum.add(sum.rearrange(Lanes.F_ROTATE_4)) : sum;
        sum = L >= 4 ? sum.add(sum.rearrange(Lanes.F_ROTATE_2)) : sum;
        sum = sum.add(sum.rearrange(Lanes.F_ROTATE_1));
        return sum.lane(0);
    }

    /**
     * y_j = y_j / s ({@code divide}: softmax's division, not a multiplication by 1/s, which would add
     * a rounding) or y_j = y_j * s (cross-entropy's scaling by 1 / (sum rows)). The flag is tested in
     * the loop: C2 hoists the test out of it (loop unswitching).
     */
    private static void scale(float[] y, int from, int cols, float s, boolean divide) {
        int j = 0;
        for (; j <= cols - L; j += L) {
            FloatVector v = FloatVector.fromArray(F, y, from + j);
            (divide ? v.div(s) : v.mul(s)).intoArray(y, from + j);
        }
        if (j < cols) {
            int room = y.length - from;
            int at = j + L <= room ? j : Math.max(room - L, -from); // see the class comment on the last vector
            VectorMask<Float> m = LANE.compare(VectorOperators.GE, (float) (j - at)).and(LANE.compare(VectorOperators.LT, (float) (cols - at)));
            FloatVector v = FloatVector.fromArray(F, y, from + at, m);
            (divide ? v.div(s) : v.mul(s)).intoArray(y, from + at, m);
        }
    }
}
