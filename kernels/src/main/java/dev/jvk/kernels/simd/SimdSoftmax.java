package dev.jvk.kernels.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API softmax, log-softmax and softmax cross-entropy, reached only through
 * {@link dev.jvk.kernels.Softmax} after its argument checks. Per row, three passes:
 * <ol>
 *   <li>the maximum m, by compare + blend into four accumulators (lanewise MAX is several times
 *       slower here; NaN is skipped, and caught by the next pass);</li>
 *   <li>e_j = e^(x_j - m) and their sum s, in one accumulator, whose lanes {@link Lanes#sum} adds in a fixed order. x_j - m
 *       is carried exactly (its rounding error joins exp's reduced argument), so the exponentials are
 *       as accurate as exp itself whatever the spread of the row;</li>
 *   <li>the output: e_j / s, (x_j - m) - ln s, or the gradient e_j / (s rows).</li>
 * </ol>
 * Row sum chain: each of the L accumulator lanes adds ceil(cols / L) terms, then log2 L adds merge the
 * lanes, so d <= ceil(cols / L) + L as documented.
 */
public final class SimdSoftmax {
    private static final VectorSpecies<Float> F = Species.FLOAT;
    private static final int L = F.length();

    private SimdSoftmax() {}

    public static void softmax(float[] x, int xOffset, int rows, int cols, int ldx, float[] y, int yOffset, int ldy) {
        for (int r = 0; r < rows; r++) {
            int in = xOffset + r * ldx;
            int out = yOffset + r * ldy;
            float max = rowMax(x, in, cols);
            float sum = expAndSum(x, in, cols, max, y, out);
            divide(y, out, cols, sum);
        }
    }

    public static void logSoftmax(float[] x, int xOffset, int rows, int cols, int ldx, float[] y, int yOffset, int ldy) {
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
                VectorMask<Float> m = F.indexInRange(j, cols);
                FloatVector.fromArray(F, x, in + j, m).sub(max).sub(logSum).intoArray(y, out + j, m);
            }
        }
    }

    /**
     * Per row: the loss ln s - (x_label - m) in double (exact but for s), and the gradient: e_j is
     * stored into the dLogits row in pass 2 (which may be the logits row itself), then scaled by
     * 1 / (s rows); the label's element is recomputed as (e_label / s - 1) / rows in double.
     */
    public static float crossEntropy(float[] logits, int offset, int rows, int cols, int ld,
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
            scale(dLogits, out, cols, (float) (1 / ((double) sum * rows)));
            dLogits[out + label] = (float) ((labelExp / (double) sum - 1) / rows);
        }
        return rows == 0 ? 0f : (float) (total / rows);
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
            VectorMask<Float> m = F.indexInRange(j, cols);
            FloatVector v = FloatVector.fromArray(F, x, from + j, m);
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
     * One masked exp per step and one accumulator: an exp is some 30 vector operations, and a loop body
     * with several would exceed C2's inlining budget (see VectorMath); the adds are not the bottleneck.
     */
    private static float expAndSum(float[] x, int from, int cols, float max, float[] out, int outFrom) {
        FloatVector m = FloatVector.broadcast(F, -max);
        FloatVector sum = FloatVector.zero(F);
        for (int j = 0; j < cols; j += L) {
            VectorMask<Float> mask = F.indexInRange(j, cols);
            FloatVector e = expMinus(FloatVector.fromArray(F, x, from + j, mask), m).blend(0f, mask.not());
            if (out != null) {
                e.intoArray(out, outFrom + j, mask);
            }
            sum = sum.add(e);
        }
        return Lanes.sum(sum);
    }

    /** e^(x + negMax) with the sum x + negMax carried exactly into exp. */
    private static FloatVector expMinus(FloatVector x, FloatVector negMax) {
        FloatVector hi = x.add(negMax);
        return VectorMath.exp(hi, VectorMath.sumError(x, negMax, hi));
    }

    /** y_j = y_j / s: a division, not a multiplication by 1/s, which would add a rounding. */
    private static void divide(float[] y, int from, int cols, float s) {
        int j = 0;
        for (; j <= cols - L; j += L) {
            FloatVector.fromArray(F, y, from + j).div(s).intoArray(y, from + j);
        }
        if (j < cols) {
            VectorMask<Float> m = F.indexInRange(j, cols);
            FloatVector.fromArray(F, y, from + j, m).div(s).intoArray(y, from + j, m);
        }
    }

    private static void scale(float[] y, int from, int cols, float factor) {
        int j = 0;
        for (; j <= cols - L; j += L) {
            FloatVector.fromArray(F, y, from + j).mul(factor).intoArray(y, from + j);
        }
        if (j < cols) {
            VectorMask<Float> m = F.indexInRange(j, cols);
            FloatVector.fromArray(F, y, from + j, m).mul(factor).intoArray(y, from + j, m);
        }
    }
}
