package dev.jvk.kernels.gemm;

import dev.jvk.kernels.simd.Species;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float GEMV, {@code y = alpha * op(A) * x + beta * y} with A stored m x n row-major: bound by
 * the bandwidth of reading A once, so both forms read A in its storage order, row by row.
 * <ul>
 *   <li>NO_TRANS: each y is the dot product of a row of A with x. Four rows per pass share every
 *       load of x (a quarter of the x traffic), each with its own accumulator; the lanes are
 *       summed once at the end of the row, in a fixed order.</li>
 *   <li>TRANS: y is a sum of rows of A scaled by x. A strip of four vectors of y stays in
 *       registers while the rows stream past; even and odd rows use separate accumulators so that
 *       consecutive fused multiply-adds do not wait for each other.</li>
 * </ul>
 * Arguments are checked by {@link dev.jvk.kernels.Gemm}; {@code m > 0} and {@code n > 0}.
 */
public final class Sgemv {
    private static final VectorSpecies<Float> S = Species.FLOAT;
    private static final int L = S.length();

    // Lane i takes lane i + h (mod L): the folds of sumLanes.
    private static final VectorShuffle<Float> FOLD_8 = VectorShuffle.iota(S, 8, 1, true);
    private static final VectorShuffle<Float> FOLD_4 = VectorShuffle.iota(S, 4, 1, true);
    private static final VectorShuffle<Float> FOLD_2 = VectorShuffle.iota(S, 2, 1, true);
    private static final VectorShuffle<Float> FOLD_1 = VectorShuffle.iota(S, 1, 1, true);

    private Sgemv() {}

    /**
     * The sum of the lanes, folded in halves (lanes i and i + L/2, then i + L/4, ...): a fixed
     * order, so the same bits at every JIT tier. {@code reduceLanes(ADD)} leaves the order open,
     * and the interpreter and C2 do sum differently.
     */
    private static float sumLanes(FloatVector v) {
        if (L > 8) {
            v = v.add(v.rearrange(FOLD_8));
        }
        if (L > 4) {
            v = v.add(v.rearrange(FOLD_4));
        }
        if (L > 2) {
            v = v.add(v.rearrange(FOLD_2));
        }
        return v.add(v.rearrange(FOLD_1)).lane(0);
    }

    /** {@code y = alpha * op(A) * x + beta * y}. */
    public static void gemv(boolean trans, int m, int n, float alpha, float[] a, int aOffset, int lda,
                            float[] x, int xOffset, float beta, float[] y, int yOffset) {
        int outputs = trans ? n : m;
        if (alpha == 0) {
            for (int i = 0; i < outputs; i++) {
                y[yOffset + i] = beta == 0 ? 0 : beta * y[yOffset + i];
            }
        } else if (trans) {
            transposed(m, n, alpha, a, aOffset, lda, x, xOffset, beta, y, yOffset);
        } else {
            rows(m, n, alpha, a, aOffset, lda, x, xOffset, beta, y, yOffset);
        }
    }

    /** y[i] = alpha * (row i of A) . x + beta * y[i]. */
    private static void rows(int m, int n, float alpha, float[] a, int ao, int lda,
                             float[] x, int xo, float beta, float[] y, int yo) {
        int nv = n - n % L; // columns in whole vectors; the rest is one masked vector
        VectorMask<Float> tail = S.indexInRange(nv, n);
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int r0 = ao + i * lda;
            int r1 = r0 + lda;
            int r2 = r1 + lda;
            int r3 = r2 + lda;
            FloatVector s0 = FloatVector.zero(S);
            FloatVector s1 = s0;
            FloatVector s2 = s0;
            FloatVector s3 = s0;
            for (int j = 0; j < nv; j += L) {
                FloatVector xv = FloatVector.fromArray(S, x, xo + j);
                s0 = FloatVector.fromArray(S, a, r0 + j).fma(xv, s0);
                s1 = FloatVector.fromArray(S, a, r1 + j).fma(xv, s1);
                s2 = FloatVector.fromArray(S, a, r2 + j).fma(xv, s2);
                s3 = FloatVector.fromArray(S, a, r3 + j).fma(xv, s3);
            }
            if (nv < n) {
                FloatVector xv = FloatVector.fromArray(S, x, xo + nv, tail);
                s0 = FloatVector.fromArray(S, a, r0 + nv, tail).fma(xv, s0);
                s1 = FloatVector.fromArray(S, a, r1 + nv, tail).fma(xv, s1);
                s2 = FloatVector.fromArray(S, a, r2 + nv, tail).fma(xv, s2);
                s3 = FloatVector.fromArray(S, a, r3 + nv, tail).fma(xv, s3);
            }
            y[yo + i] = combine(alpha, sumLanes(s0), beta, y[yo + i]);
            y[yo + i + 1] = combine(alpha, sumLanes(s1), beta, y[yo + i + 1]);
            y[yo + i + 2] = combine(alpha, sumLanes(s2), beta, y[yo + i + 2]);
            y[yo + i + 3] = combine(alpha, sumLanes(s3), beta, y[yo + i + 3]);
        }
        for (; i < m; i++) {
            int r0 = ao + i * lda;
            FloatVector s0 = FloatVector.zero(S);
            FloatVector s1 = s0;
            int j = 0;
            for (; j + 2 * L <= nv; j += 2 * L) {
                s0 = FloatVector.fromArray(S, a, r0 + j).fma(FloatVector.fromArray(S, x, xo + j), s0);
                s1 = FloatVector.fromArray(S, a, r0 + j + L).fma(FloatVector.fromArray(S, x, xo + j + L), s1);
            }
            if (j < nv) {
                s0 = FloatVector.fromArray(S, a, r0 + j).fma(FloatVector.fromArray(S, x, xo + j), s0);
            }
            if (nv < n) {
                s1 = FloatVector.fromArray(S, a, r0 + nv, tail).fma(FloatVector.fromArray(S, x, xo + nv, tail), s1);
            }
            y[yo + i] = combine(alpha, sumLanes(s0.add(s1)), beta, y[yo + i]);
        }
    }

    /** y[j] = alpha * sum_i A[i][j] x[i] + beta * y[j], a strip of columns at a time. */
    private static void transposed(int m, int n, float alpha, float[] a, int ao, int lda,
                                   float[] x, int xo, float beta, float[] y, int yo) {
        FloatVector va = FloatVector.broadcast(S, alpha);
        FloatVector vb = FloatVector.broadcast(S, beta);
        int j = 0;
        for (; j + 4 * L <= n; j += 4 * L) {
            FloatVector e0 = FloatVector.zero(S), e1 = e0, e2 = e0, e3 = e0; // even rows
            FloatVector o0 = e0, o1 = e0, o2 = e0, o3 = e0;                   // odd rows
            int row = ao + j;
            int i = 0;
            for (; i + 2 <= m; i += 2, row += 2 * lda) {
                FloatVector xe = FloatVector.broadcast(S, x[xo + i]);
                FloatVector xd = FloatVector.broadcast(S, x[xo + i + 1]);
                e0 = FloatVector.fromArray(S, a, row).fma(xe, e0);
                e1 = FloatVector.fromArray(S, a, row + L).fma(xe, e1);
                e2 = FloatVector.fromArray(S, a, row + 2 * L).fma(xe, e2);
                e3 = FloatVector.fromArray(S, a, row + 3 * L).fma(xe, e3);
                o0 = FloatVector.fromArray(S, a, row + lda).fma(xd, o0);
                o1 = FloatVector.fromArray(S, a, row + lda + L).fma(xd, o1);
                o2 = FloatVector.fromArray(S, a, row + lda + 2 * L).fma(xd, o2);
                o3 = FloatVector.fromArray(S, a, row + lda + 3 * L).fma(xd, o3);
            }
            if (i < m) {
                FloatVector xe = FloatVector.broadcast(S, x[xo + i]);
                e0 = FloatVector.fromArray(S, a, row).fma(xe, e0);
                e1 = FloatVector.fromArray(S, a, row + L).fma(xe, e1);
                e2 = FloatVector.fromArray(S, a, row + 2 * L).fma(xe, e2);
                e3 = FloatVector.fromArray(S, a, row + 3 * L).fma(xe, e3);
            }
            int at = yo + j;
            store(e0.add(o0), va, vb, beta, y, at, S.maskAll(true));
            store(e1.add(o1), va, vb, beta, y, at + L, S.maskAll(true));
            store(e2.add(o2), va, vb, beta, y, at + 2 * L, S.maskAll(true));
            store(e3.add(o3), va, vb, beta, y, at + 3 * L, S.maskAll(true));
        }
        for (; j < n; j += L) {
            VectorMask<Float> in = S.indexInRange(j, n);
            FloatVector e0 = FloatVector.zero(S), o0 = e0;
            int row = ao + j;
            int i = 0;
            for (; i + 2 <= m; i += 2, row += 2 * lda) {
                e0 = FloatVector.fromArray(S, a, row, in).fma(FloatVector.broadcast(S, x[xo + i]), e0);
                o0 = FloatVector.fromArray(S, a, row + lda, in).fma(FloatVector.broadcast(S, x[xo + i + 1]), o0);
            }
            if (i < m) {
                e0 = FloatVector.fromArray(S, a, row, in).fma(FloatVector.broadcast(S, x[xo + i]), e0);
            }
            store(e0.add(o0), va, vb, beta, y, yo + j, in);
        }
    }

    private static void store(FloatVector s, FloatVector va, FloatVector vb, float beta, float[] y, int at, VectorMask<Float> in) {
        FloatVector v = beta == 0 ? s.mul(va) : s.fma(va, FloatVector.fromArray(S, y, at, in).mul(vb));
        v.intoArray(y, at, in);
    }

    private static float combine(float alpha, float s, float beta, float y) {
        return beta == 0 ? alpha * s : Math.fma(alpha, s, beta * y);
    }
}
