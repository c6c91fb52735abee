package dev.jvk.kernels.gemm;

import dev.jvk.kernels.platform.Platform;
import dev.jvk.kernels.platform.Platform.Species;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float GEMV, {@code y = alpha * op(A) * x + beta * y} with A stored m x n row-major: bound by
 * the bandwidth of reading A once, so both forms read A in its storage order, row by row.
 * <ul>
 *   <li>NO_TRANS: each y is the dot product of a row of A with x. Eight rows per pass share every
 *       load of x (an eighth of the x traffic), each with its own accumulator: eight independent
 *       fused multiply-add chains cover the FMA latency, and eight streams keep the memory
 *       system busy when A comes from DRAM. Their lanes are summed in registers, in a fixed
 *       tree, and written to y together; over rows of whole vectors the tree of one pass runs
 *       after the next pass's loads ({@link #eightRowPasses}). The rows left over go in pairs
 *       through the same tree ({@link #twoRows}), and a lone last row (m odd) alone.</li>
 *   <li>TRANS: y is a sum of rows of A scaled by x. Rows of up to {@link #REGISTER_ROW} columns
 *       keep their column sums in registers, sixteen or eight vectors at a time, while every row
 *       streams past. Wider rows: the partial sums of a block of columns sit in a per-thread
 *       scratch (in L1) while eight rows at a time stream past, each row read contiguously (each
 *       partial sum through L1 once per eight rows, and eight streams of A in flight); the block
 *       covers a whole row up to {@link #COLUMN_BLOCK} columns. A matrix from DRAM is read in its
 *       storage order that way, where column blocks would read it in short runs far apart.</li>
 * </ul>
 * Every y is its plain sum in a fixed order, so the same bits at every JIT tier and every run.
 * NO_TRANS: lane by lane along the row (lane l sums columns l, l + L, l + 2L, ... in one chain of
 * fused multiply-adds), then the lanes folded in halves; the longest chain of additions a term
 * passes through is {@code d = ceil(n / L) + log2(L)}, and a row gets the same bits in a pass of
 * eight and in a pair. A lone last row sums four such accumulators (columns in steps of 4L) and
 * adds them before the folds: {@code d = ceil(n / 4L) + 2 + log2(L)}. TRANS: row after row,
 * {@code d = m}. Both within the {@code gamma(d + 2)} bound that {@code Gemm.sgemv} states.
 * No method here takes or returns a vector: a vector argument of a call that C2 declines to
 * inline is boxed (allocation per call and a 10-1000x slowdown), so vectors only cross method
 * boundaries through the scratch array. And every method stays small enough for C1: a method
 * that C1 compiled at tier 2 (it does when C2's queue is long, as in a fresh JMH fork) and then
 * fails to compile at tier 3 ("out of virtual registers in LIR generator") stays at tier 2 for
 * good, never profiled, never given to C2, with every vector operation an object: an eight-row
 * pass with its masked tail in one method ran SGEMV at ~1 GFLOP/s that way (bench/RESULTS-gemv.md).
 * So the eight-row pass and its tail are two methods, and the tail a loop. Arguments are checked by {@link dev.jvk.kernels.Gemm};
 * {@code m > 0} and {@code n > 0}.
 */
public final class Sgemv {
    private static final VectorSpecies<Float> S = Species.FLOAT;
    private static final int L = S.length();
    /** Rows of A per NO_TRANS pass. */
    private static final int ROWS = 8;
    /** TRANS: columns whose partial sums stay in the scratch (16 or 32 KB, within L1) while all rows stream past. */
    static final int COLUMN_BLOCK = 4096;
    /** TRANS: rows of up to this many columns keep their column sums in registers ({@link #sixteenVectorsOfColumns}). */
    private static final int REGISTER_ROW = 32 * L;

    // Lane i takes lane i + h (mod L): the folds of the lane sums.
    private static final VectorShuffle<Float> FOLD_8 = VectorShuffle.iota(S, 8, 1, true);
    private static final VectorShuffle<Float> FOLD_4 = VectorShuffle.iota(S, 4, 1, true);
    private static final VectorShuffle<Float> FOLD_2 = VectorShuffle.iota(S, 2, 1, true);
    private static final VectorShuffle<Float> FOLD_1 = VectorShuffle.iota(S, 1, 1, true);

    // The three levels of eightRows's tree (L >= 8): at level h, the lanes with bit h of their
    // index set (UPPER_h) take the second row of a pair, and SWAP_h exchanges lanes i and i ^ h.
    private static final int H1 = L / 2;
    private static final int H2 = L / 4;
    private static final int H3 = Math.max(1, L / 8);
    private static final VectorMask<Float> UPPER_1 = upper(H1);
    private static final VectorMask<Float> UPPER_2 = upper(H2);
    private static final VectorMask<Float> UPPER_3 = upper(H3);
    private static final VectorShuffle<Float> SWAP_1 = VectorShuffle.fromOp(S, i -> i ^ H1);
    private static final VectorShuffle<Float> SWAP_2 = VectorShuffle.fromOp(S, i -> i ^ H2);
    private static final VectorShuffle<Float> SWAP_3 = VectorShuffle.fromOp(S, i -> i ^ H3);
    /** The last level of {@link #twoRows}'s tree at L = 16: lanes i and i ^ 1. */
    private static final VectorShuffle<Float> SWAP_4 = VectorShuffle.fromOp(S, i -> i ^ Math.max(1, L / 16));
    /** After the tree and a last fold at L = 16, row r's sum is in lane 2r: lane i takes lane 2i. */
    private static final VectorShuffle<Float> EVEN_LANES = VectorShuffle.fromOp(S, i -> 2 * i % L);
    /**
     * Eight lanes, the outputs of one NO_TRANS pass (S itself at L = 8), so that they are read and
     * written with no mask: a masked access whose whole vector would pass the end of y (the last
     * pass of every y stored tightly, and all of a 10-row y) takes the Vector API's slow path,
     * even with those lanes off.
     */
    private static final VectorSpecies<Float> EIGHT = VectorSpecies.of(float.class, VectorShape.forBitSize(8 * Float.SIZE));

    private Sgemv() {}

    /** {@code y = alpha * op(A) * x + beta * y}. */
    public static void gemv(boolean trans, int m, int n, float alpha, float[] a, int aOffset, int lda,
                            float[] x, int xOffset, float beta, float[] y, int yOffset) {
        int outputs = trans ? n : m;
        if (alpha == 0) {
            for (int i = 0; i < outputs; i++) {
                y[yOffset + i] = beta == 0 ? 0 : beta * y[yOffset + i];
            }
            return;
        }
        if (!needsScratch(trans, n)) {
            rows(m, n, alpha, a, aOffset, lda, x, xOffset, beta, y, yOffset, null);
            return;
        }
        Workspace workspace = Workspace.acquire();
        try {
            float[] scratch = workspace.floatGemv(Math.max(ROWS * L, COLUMN_BLOCK));
            if (trans) {
                columns(m, n, alpha, a, aOffset, lda, x, xOffset, beta, y, yOffset, scratch);
            } else {
                rows(m, n, alpha, a, aOffset, lda, x, xOffset, beta, y, yOffset, scratch);
            }
        } finally {
            Workspace.release(workspace);
        }
    }

    /**
     * Whether a call passes partial sums through the per-thread scratch. NO_TRANS rows of whole
     * vectors at L >= 8 sum in registers to the end, and then the call skips the workspace lookup,
     * a fifth of a 10x128 call.
     */
    private static boolean needsScratch(boolean trans, int n) {
        return trans || L < 8 || n % L != 0;
    }

    /**
     * TRANS, {@code y = alpha * A^T x + beta * y}: column sums in registers for rows of up to
     * {@link #REGISTER_ROW} columns, else through the scratch a block of columns at a time.
     */
    private static void columns(int m, int n, float alpha, float[] a, int aOffset, int lda,
                                float[] x, int xOffset, float beta, float[] y, int yOffset, float[] scratch) {
        if (n <= REGISTER_ROW) {
            int j = 0;
            for (; j + 16 * L <= n; j += 16 * L) {
                sixteenVectorsOfColumns(m, a, aOffset + j, lda, x, xOffset, scratch, j);
            }
            for (; j + 8 * L <= n; j += 8 * L) {
                eightVectorsOfColumns(m, a, aOffset + j, lda, x, xOffset, scratch, j);
            }
            for (; j + L <= n; j += L) {
                vectorOfColumns(m, a, aOffset + j, lda, x, xOffset, scratch, j);
            }
            if (j < n) {
                maskedVectorOfColumns(m, n - j, a, aOffset + j, lda, x, xOffset, scratch, j);
            }
            finishColumns(n, scratch, alpha, beta, y, yOffset);
        } else {
            for (int j = 0; j < n; j += COLUMN_BLOCK) {
                int width = Math.min(COLUMN_BLOCK, n - j);
                columnSums(m, width, a, aOffset + j, lda, x, xOffset, scratch);
                finishColumns(width, scratch, alpha, beta, y, yOffset + j);
            }
        }
    }

    /**
     * NO_TRANS, {@code y = alpha * A x + beta * y}: eight rows per pass (all passes in one call
     * where the rows are whole vectors at L >= 8, no scratch), then pairs, then a lone row. Small,
     * so that C2 inlines it into {@link #gemv}: one call fewer on the way to the kernels, which is
     * felt on a 10 x 128 product.
     */
    private static void rows(int m, int n, float alpha, float[] a, int aOffset, int lda,
                             float[] x, int xOffset, float beta, float[] y, int yOffset, float[] scratch) {
        int i = m - m % ROWS;
        if (!needsScratch(false, n)) {
            if (i > 0) {
                eightRowPasses(i / ROWS, n, a, aOffset, lda, x, xOffset, alpha, beta, y, yOffset);
            }
        } else {
            for (int r = 0; r < i; r += ROWS) {
                eightRows(n, a, aOffset + r * lda, lda, x, xOffset, alpha, beta, y, yOffset + r, scratch);
            }
        }
        for (; i + 2 <= m; i += 2) {
            twoRows(n, a, aOffset + i * lda, lda, x, xOffset, alpha, beta, y, yOffset + i);
        }
        if (i < m) {
            oneRow(n, a, aOffset + i * lda, x, xOffset, alpha, beta, y, yOffset + i);
        }
    }

    /**
     * {@code y[at + r] = alpha * (row r . x) + beta * y[at + r]} for the eight rows r from {@code row0}:
     * eight accumulators of lane sums, then (L >= 8) their lanes summed as one tree instead of row by
     * row: each level pairs vectors u and v into one whose lanes with bit h clear hold u folded at h
     * ({@code u[i] + u[i + h]}) and whose other lanes hold v folded at h, so three levels (h = L/2,
     * L/4, L/8) leave row r in the r-th group of L/8 lanes of one vector, which a last fold sums at
     * L = 16. 7 pairings and a fold instead of 8 rows x log2(L) folds (the folds were a quarter of
     * N:10x128's time), and a fixed tree: the same bits at every JIT tier. Only rows with a masked last
     * vector ({@link #eightRowSumsTail}) or at L < 8 (rows folded one by one, {@link #finishRows}) come
     * here, so the lane sums go through the scratch; rows of whole vectors at L >= 8 go to
     * {@link #eightRowPasses}. A masked load of each row in this method
     * failed C1's tier 3 ("out of virtual registers in LIR generator"), which leaves a method in C1's
     * code for good, every vector an object on the heap, never reaching C2.
     */
    private static void eightRows(int n, float[] a, int row0, int lda, float[] x, int xo,
                                  float alpha, float beta, float[] y, int at, float[] scratch) {
        int r0 = row0, r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda;
        int r4 = r3 + lda, r5 = r4 + lda, r6 = r5 + lda, r7 = r6 + lda;
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        int nv = n - n % L; // columns in whole vectors; the rest is one masked vector
        for (int j = 0; j < nv; j += L) {
            FloatVector xv = FloatVector.fromArray(S, x, xo + j);
            s0 = FloatVector.fromArray(S, a, r0 + j).fma(xv, s0);
            s1 = FloatVector.fromArray(S, a, r1 + j).fma(xv, s1);
            s2 = FloatVector.fromArray(S, a, r2 + j).fma(xv, s2);
            s3 = FloatVector.fromArray(S, a, r3 + j).fma(xv, s3);
            s4 = FloatVector.fromArray(S, a, r4 + j).fma(xv, s4);
            s5 = FloatVector.fromArray(S, a, r5 + j).fma(xv, s5);
            s6 = FloatVector.fromArray(S, a, r6 + j).fma(xv, s6);
            s7 = FloatVector.fromArray(S, a, r7 + j).fma(xv, s7);
        }
        s0.intoArray(scratch, 0);
        s1.intoArray(scratch, L);
        s2.intoArray(scratch, 2 * L);
        s3.intoArray(scratch, 3 * L);
        s4.intoArray(scratch, 4 * L);
        s5.intoArray(scratch, 5 * L);
        s6.intoArray(scratch, 6 * L);
        s7.intoArray(scratch, 7 * L);
        if (nv < n) {
            eightRowSumsTail(nv, n, a, row0, lda, x, xo, scratch);
        }
        if (L < 8) {
            finishRows(ROWS, scratch, alpha, beta, y, at);
            return;
        }
        s0 = FloatVector.fromArray(S, scratch, 0);
        s1 = FloatVector.fromArray(S, scratch, L);
        s2 = FloatVector.fromArray(S, scratch, 2 * L);
        s3 = FloatVector.fromArray(S, scratch, 3 * L);
        s4 = FloatVector.fromArray(S, scratch, 4 * L);
        s5 = FloatVector.fromArray(S, scratch, 5 * L);
        s6 = FloatVector.fromArray(S, scratch, 6 * L);
        s7 = FloatVector.fromArray(S, scratch, 7 * L);
        storeEightRowSums(s0, s1, s2, s3, s4, s5, s6, s7, alpha, beta, y, at);
    }

    /**
     * The tree of {@link #eightRows} (L >= 8): the lanes of accumulators {@code s0..s7} summed into
     * {@code y[at + r] = alpha * sum(s_r) + beta * y[at + r]}. One tree for both eight-row kernels, so
     * their bits agree; small enough that C2 inlines it, so the vectors stay in registers.
     */
    private static void storeEightRowSums(FloatVector s0, FloatVector s1, FloatVector s2, FloatVector s3, FloatVector s4,
                                          FloatVector s5, FloatVector s6, FloatVector s7, float alpha, float beta, float[] y, int at) {
        FloatVector w04 = s0.blend(s4, UPPER_1).add(s4.blend(s0, UPPER_1).rearrange(SWAP_1));
        FloatVector w15 = s1.blend(s5, UPPER_1).add(s5.blend(s1, UPPER_1).rearrange(SWAP_1));
        FloatVector w26 = s2.blend(s6, UPPER_1).add(s6.blend(s2, UPPER_1).rearrange(SWAP_1));
        FloatVector w37 = s3.blend(s7, UPPER_1).add(s7.blend(s3, UPPER_1).rearrange(SWAP_1));
        FloatVector w0426 = w04.blend(w26, UPPER_2).add(w26.blend(w04, UPPER_2).rearrange(SWAP_2));
        FloatVector w1537 = w15.blend(w37, UPPER_2).add(w37.blend(w15, UPPER_2).rearrange(SWAP_2));
        FloatVector w = w0426.blend(w1537, UPPER_3).add(w1537.blend(w0426, UPPER_3).rearrange(SWAP_3));
        if (L > 8) {
            w = w.add(w.rearrange(FOLD_1)).rearrange(EVEN_LANES);
        }
        FloatVector w8 = (FloatVector) w.reinterpretShape(EIGHT, 0);
        FloatVector sums = beta == 0 ? w8.mul(alpha)
                : w8.fma(FloatVector.broadcast(EIGHT, alpha), FloatVector.fromArray(EIGHT, y, at).mul(beta));
        sums.intoArray(y, at);
    }

    /**
     * {@link #eightRows} for {@code passes} passes of eight rows from {@code row0}, rows of whole
     * vectors at L >= 8, all in registers: the same sums and the same tree, so the same bits. One
     * call runs every pass, where a call a pass reloaded the tree's shuffles and masks each time
     * (seen in C2's code for a four-row pass), and each pass's tree and store of y come after the
     * next pass's loop, on the accumulators it left ({@code p0..p7}), whose inputs are ready by
     * then. A last round with no columns sums the last pass. Paired in one JVM
     * against one eightRows call a pass: 8% faster on rows of 16 vectors (SGEMM NT:1x784x256)
     * aligned, 5% at 16 bytes past a line, level to 3% on rows of 49 (bench/RESULTS-gemv.md, ntrow).
     */
    private static void eightRowPasses(int passes, int n, float[] a, int row0, int lda, float[] x, int xo,
                                       float alpha, float beta, float[] y, int at) {
        FloatVector p0 = FloatVector.zero(S), p1 = p0, p2 = p0, p3 = p0, p4 = p0, p5 = p0, p6 = p0, p7 = p0;
        for (int p = 0; p <= passes; p++) {
            int columns = p < passes ? n : 0;
            int r0 = p < passes ? row0 + p * ROWS * lda : row0, r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda;
            int r4 = r3 + lda, r5 = r4 + lda, r6 = r5 + lda, r7 = r6 + lda;
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
            for (int j = 0; j < columns; j += L) {
                FloatVector xv = FloatVector.fromArray(S, x, xo + j);
                s0 = FloatVector.fromArray(S, a, r0 + j).fma(xv, s0);
                s1 = FloatVector.fromArray(S, a, r1 + j).fma(xv, s1);
                s2 = FloatVector.fromArray(S, a, r2 + j).fma(xv, s2);
                s3 = FloatVector.fromArray(S, a, r3 + j).fma(xv, s3);
                s4 = FloatVector.fromArray(S, a, r4 + j).fma(xv, s4);
                s5 = FloatVector.fromArray(S, a, r5 + j).fma(xv, s5);
                s6 = FloatVector.fromArray(S, a, r6 + j).fma(xv, s6);
                s7 = FloatVector.fromArray(S, a, r7 + j).fma(xv, s7);
            }
            if (p > 0) {
                storeEightRowSums(p0, p1, p2, p3, p4, p5, p6, p7, alpha, beta, y, at + (p - 1) * ROWS);
            }
            p0 = s0;
            p1 = s1;
            p2 = s2;
            p3 = s3;
            p4 = s4;
            p5 = s5;
            p6 = s6;
            p7 = s7;
        }
    }

    /** The masked last vector ({@code nv <= j < n}) of {@link #eightRows}, added to each row's lanes in scratch: the same sums. */
    private static void eightRowSumsTail(int nv, int n, float[] a, int row0, int lda, float[] x, int xo, float[] scratch) {
        VectorMask<Float> tail = S.indexInRange(nv, n);
        FloatVector xv = FloatVector.fromArray(S, x, xo + nv, tail);
        for (int r = 0; r < 8; r++) {
            FloatVector.fromArray(S, a, row0 + r * lda + nv, tail).fma(xv, FloatVector.fromArray(S, scratch, r * L)).intoArray(scratch, r * L);
        }
    }

    /**
     * {@code y[at + r] = alpha * (row r . x) + beta * y[at + r]} for the two rows r from {@code row0}
     * (the rows that {@link #eightRows} leaves, in pairs): one accumulator per row, as there, and the
     * same tree: the first level pairs the two rows into one vector (row 0 in the lower half of the
     * lanes, row 1 in the upper), the folds that follow sum both halves at once. So each row gets
     * the bits an eight-row pass would give it, at a quarter of the shuffles of two single-row
     * folds, and with nothing through the scratch: the two leftover rows of a 10 x 128 product cost
     * more than a third of the call when folded one at a time.
     */
    private static void twoRows(int n, float[] a, int row0, int lda, float[] x, int xo, float alpha, float beta, float[] y, int at) {
        int row1 = row0 + lda;
        FloatVector s0 = FloatVector.zero(S), s1 = s0;
        int nv = n - n % L;
        for (int j = 0; j < nv; j += L) {
            FloatVector xv = FloatVector.fromArray(S, x, xo + j);
            s0 = FloatVector.fromArray(S, a, row0 + j).fma(xv, s0);
            s1 = FloatVector.fromArray(S, a, row1 + j).fma(xv, s1);
        }
        if (nv < n) {
            VectorMask<Float> tail = S.indexInRange(nv, n);
            FloatVector xv = FloatVector.fromArray(S, x, xo + nv, tail);
            s0 = FloatVector.fromArray(S, a, row0 + nv, tail).fma(xv, s0);
            s1 = FloatVector.fromArray(S, a, row1 + nv, tail).fma(xv, s1);
        }
        FloatVector w = s0.blend(s1, UPPER_1).add(s1.blend(s0, UPPER_1).rearrange(SWAP_1));
        if (L > 2) {
            w = w.add(w.rearrange(SWAP_2));
        }
        if (L > 4) {
            w = w.add(w.rearrange(SWAP_3));
        }
        if (L > 8) {
            w = w.add(w.rearrange(SWAP_4));
        }
        float u = w.lane(0);
        float v = w.lane(H1);
        y[at] = beta == 0 ? alpha * u : Math.fma(alpha, u, beta * y[at]);
        y[at + 1] = beta == 0 ? alpha * v : Math.fma(alpha, v, beta * y[at + 1]);
    }

    /** {@code y[at] = alpha * (row . x) + beta * y[at]}, a lone last row (m odd): four accumulators, added and their lanes folded as {@link #finishRows} does. */
    private static void oneRow(int n, float[] a, int row, float[] x, int xo, float alpha, float beta, float[] y, int at) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        int nv = n - n % L;
        int j = 0;
        for (; j + 4 * L <= nv; j += 4 * L) {
            s0 = FloatVector.fromArray(S, a, row + j).fma(FloatVector.fromArray(S, x, xo + j), s0);
            s1 = FloatVector.fromArray(S, a, row + j + L).fma(FloatVector.fromArray(S, x, xo + j + L), s1);
            s2 = FloatVector.fromArray(S, a, row + j + 2 * L).fma(FloatVector.fromArray(S, x, xo + j + 2 * L), s2);
            s3 = FloatVector.fromArray(S, a, row + j + 3 * L).fma(FloatVector.fromArray(S, x, xo + j + 3 * L), s3);
        }
        for (; j < nv; j += L) {
            s0 = FloatVector.fromArray(S, a, row + j).fma(FloatVector.fromArray(S, x, xo + j), s0);
        }
        if (nv < n) {
            VectorMask<Float> tail = S.indexInRange(nv, n);
            s1 = FloatVector.fromArray(S, a, row + nv, tail).fma(FloatVector.fromArray(S, x, xo + nv, tail), s1);
        }
        FloatVector v = s0.add(s1).add(s2.add(s3));
        if (L > 8) {
            v = v.add(v.rearrange(FOLD_8));
        }
        if (L > 4) {
            v = v.add(v.rearrange(FOLD_4));
        }
        if (L > 2) {
            v = v.add(v.rearrange(FOLD_2));
        }
        float s = v.add(v.rearrange(FOLD_1)).lane(0);
        y[at] = beta == 0 ? alpha * s : Math.fma(alpha, s, beta * y[at]);
    }

    /**
     * {@code y[at + r] = alpha * s + beta * y[at + r]} for r < rows, s the sum of the lanes at
     * {@code scratch[r * L]}, folded in halves (lanes i and i + L/2, then i + L/4, ...): a fixed
     * order. {@code reduceLanes(ADD)} leaves the order open, and the interpreter and C2 do sum
     * differently.
     */
    private static void finishRows(int rows, float[] scratch, float alpha, float beta, float[] y, int at) {
        for (int r = 0; r < rows; r++) {
            FloatVector v = FloatVector.fromArray(S, scratch, r * L);
            if (L > 8) {
                v = v.add(v.rearrange(FOLD_8));
            }
            if (L > 4) {
                v = v.add(v.rearrange(FOLD_4));
            }
            if (L > 2) {
                v = v.add(v.rearrange(FOLD_2));
            }
            float s = v.add(v.rearrange(FOLD_1)).lane(0);
            y[at + r] = beta == 0 ? alpha * s : Math.fma(alpha, s, beta * y[at + r]);
        }
    }

    /** Lanes whose index has bit {@code h} set. */
    private static VectorMask<Float> upper(int h) {
        boolean[] set = new boolean[L];
        for (int i = 0; i < L; i++) {
            set[i] = (i & h) != 0;
        }
        return VectorMask.fromArray(S, set, 0);
    }

    /**
     * scratch[j] = sum_i A[i][j] x[i] for j < width, A's block starting at {@code block}: rows in
     * order, eight (then four, then one) per pass over the block (each sum j a chain of fused multiply-adds; the chains of
     * different j overlap). The scratch is rounded up to whole vectors, so only A needs a mask.
     */
    private static void columnSums(int m, int width, float[] a, int block, int lda, float[] x, int xo, float[] scratch) {
        int wv = width - width % L;
        for (int j = 0; j < width; j += L) {
            FloatVector.zero(S).intoArray(scratch, j);
        }
        VectorMask<Float> tail = S.indexInRange(wv, width);
        int i = 0;
        int row = block;
        for (; i + 8 <= m; i += 8, row += 8 * lda) {
            if (wv > 0) {
                eightRowsIntoColumns(wv, a, row, lda, x, xo + i, scratch);
            }
            if (wv < width) {
                eightRowsIntoColumnsTail(wv, width, a, row, lda, x, xo + i, scratch);
            }
        }
        for (; i + 4 <= m; i += 4, row += 4 * lda) {
            FloatVector x0 = FloatVector.broadcast(S, x[xo + i]);
            FloatVector x1 = FloatVector.broadcast(S, x[xo + i + 1]);
            FloatVector x2 = FloatVector.broadcast(S, x[xo + i + 2]);
            FloatVector x3 = FloatVector.broadcast(S, x[xo + i + 3]);
            int r1 = row + lda, r2 = r1 + lda, r3 = r2 + lda;
            for (int j = 0; j < wv; j += L) {
                FloatVector s = FloatVector.fromArray(S, scratch, j);
                s = FloatVector.fromArray(S, a, row + j).fma(x0, s);
                s = FloatVector.fromArray(S, a, r1 + j).fma(x1, s);
                s = FloatVector.fromArray(S, a, r2 + j).fma(x2, s);
                s = FloatVector.fromArray(S, a, r3 + j).fma(x3, s);
                s.intoArray(scratch, j);
            }
            if (wv < width) {
                FloatVector s = FloatVector.fromArray(S, scratch, wv);
                s = FloatVector.fromArray(S, a, row + wv, tail).fma(x0, s);
                s = FloatVector.fromArray(S, a, r1 + wv, tail).fma(x1, s);
                s = FloatVector.fromArray(S, a, r2 + wv, tail).fma(x2, s);
                s = FloatVector.fromArray(S, a, r3 + wv, tail).fma(x3, s);
                s.intoArray(scratch, wv);
            }
        }
        for (; i < m; i++, row += lda) {
            FloatVector x0 = FloatVector.broadcast(S, x[xo + i]);
            for (int j = 0; j < wv; j += L) {
                FloatVector.fromArray(S, a, row + j).fma(x0, FloatVector.fromArray(S, scratch, j)).intoArray(scratch, j);
            }
            if (wv < width) {
                FloatVector.fromArray(S, a, row + wv, tail).fma(x0, FloatVector.fromArray(S, scratch, wv)).intoArray(scratch, wv);
            }
        }
    }

    /**
     * scratch[at + j] = sum_i A[i][j] x[i] for j < 8L, A's columns starting at {@code block}: eight
     * vectors of column sums held in registers while all m rows stream past, each sum a chain of
     * fused multiply-adds row after row (the order of {@link #columnSums}, so the same bits). No
     * partial sum goes through memory, and eight independent chains cover the FMA latency.
     */
    private static void eightVectorsOfColumns(int m, float[] a, int block, int lda, float[] x, int xo, float[] scratch, int at) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        for (int i = 0, row = block; i < m; i++, row += lda) {
            FloatVector xi = FloatVector.broadcast(S, x[xo + i]);
            s0 = FloatVector.fromArray(S, a, row).fma(xi, s0);
            s1 = FloatVector.fromArray(S, a, row + L).fma(xi, s1);
            s2 = FloatVector.fromArray(S, a, row + 2 * L).fma(xi, s2);
            s3 = FloatVector.fromArray(S, a, row + 3 * L).fma(xi, s3);
            s4 = FloatVector.fromArray(S, a, row + 4 * L).fma(xi, s4);
            s5 = FloatVector.fromArray(S, a, row + 5 * L).fma(xi, s5);
            s6 = FloatVector.fromArray(S, a, row + 6 * L).fma(xi, s6);
            s7 = FloatVector.fromArray(S, a, row + 7 * L).fma(xi, s7);
        }
        s0.intoArray(scratch, at);
        s1.intoArray(scratch, at + L);
        s2.intoArray(scratch, at + 2 * L);
        s3.intoArray(scratch, at + 3 * L);
        s4.intoArray(scratch, at + 4 * L);
        s5.intoArray(scratch, at + 5 * L);
        s6.intoArray(scratch, at + 6 * L);
        s7.intoArray(scratch, at + 7 * L);
    }

    /**
     * As {@link #eightVectorsOfColumns} for sixteen vectors of columns (a whole 256-float row at 512
     * bits): sixteen chains leave the FMA units slack where eight (four cycles of latency, two FMAs
     * a cycle) keep them exactly busy, and such a row is read as one contiguous run instead of two
     * passes over half rows. Measured against eight-vector blocks alone (SGEMV at 512 bits): 11% faster
     * on rows of 32 vectors, no different on rows of 16 (bench/RESULTS-gemv.md).
     */
    private static void sixteenVectorsOfColumns(int m, float[] a, int block, int lda, float[] x, int xo, float[] scratch, int at) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        FloatVector s8 = s0, s9 = s0, s10 = s0, s11 = s0, s12 = s0, s13 = s0, s14 = s0, s15 = s0;
        for (int i = 0, row = block; i < m; i++, row += lda) {
            FloatVector xi = FloatVector.broadcast(S, x[xo + i]);
            s0 = FloatVector.fromArray(S, a, row + 0 * L).fma(xi, s0);
            s1 = FloatVector.fromArray(S, a, row + 1 * L).fma(xi, s1);
            s2 = FloatVector.fromArray(S, a, row + 2 * L).fma(xi, s2);
            s3 = FloatVector.fromArray(S, a, row + 3 * L).fma(xi, s3);
            s4 = FloatVector.fromArray(S, a, row + 4 * L).fma(xi, s4);
            s5 = FloatVector.fromArray(S, a, row + 5 * L).fma(xi, s5);
            s6 = FloatVector.fromArray(S, a, row + 6 * L).fma(xi, s6);
            s7 = FloatVector.fromArray(S, a, row + 7 * L).fma(xi, s7);
            s8 = FloatVector.fromArray(S, a, row + 8 * L).fma(xi, s8);
            s9 = FloatVector.fromArray(S, a, row + 9 * L).fma(xi, s9);
            s10 = FloatVector.fromArray(S, a, row + 10 * L).fma(xi, s10);
            s11 = FloatVector.fromArray(S, a, row + 11 * L).fma(xi, s11);
            s12 = FloatVector.fromArray(S, a, row + 12 * L).fma(xi, s12);
            s13 = FloatVector.fromArray(S, a, row + 13 * L).fma(xi, s13);
            s14 = FloatVector.fromArray(S, a, row + 14 * L).fma(xi, s14);
            s15 = FloatVector.fromArray(S, a, row + 15 * L).fma(xi, s15);
        }
        s0.intoArray(scratch, at + 0 * L);
        s1.intoArray(scratch, at + 1 * L);
        s2.intoArray(scratch, at + 2 * L);
        s3.intoArray(scratch, at + 3 * L);
        s4.intoArray(scratch, at + 4 * L);
        s5.intoArray(scratch, at + 5 * L);
        s6.intoArray(scratch, at + 6 * L);
        s7.intoArray(scratch, at + 7 * L);
        s8.intoArray(scratch, at + 8 * L);
        s9.intoArray(scratch, at + 9 * L);
        s10.intoArray(scratch, at + 10 * L);
        s11.intoArray(scratch, at + 11 * L);
        s12.intoArray(scratch, at + 12 * L);
        s13.intoArray(scratch, at + 13 * L);
        s14.intoArray(scratch, at + 14 * L);
        s15.intoArray(scratch, at + 15 * L);
    }

    /** As {@link #eightVectorsOfColumns} for one vector of columns. */
    private static void vectorOfColumns(int m, float[] a, int block, int lda, float[] x, int xo, float[] scratch, int at) {
        FloatVector s = FloatVector.zero(S);
        for (int i = 0, row = block; i < m; i++, row += lda) {
            s = FloatVector.fromArray(S, a, row).fma(FloatVector.broadcast(S, x[xo + i]), s);
        }
        s.intoArray(scratch, at);
    }

    /** As {@link #vectorOfColumns} for the last {@code width < L} columns; the scratch is rounded up to whole vectors. */
    private static void maskedVectorOfColumns(int m, int width, float[] a, int block, int lda, float[] x, int xo, float[] scratch, int at) {
        VectorMask<Float> in = S.indexInRange(0, width);
        FloatVector s = FloatVector.zero(S);
        for (int i = 0, row = block; i < m; i++, row += lda) {
            s = FloatVector.fromArray(S, a, row, in).fma(FloatVector.broadcast(S, x[xo + i]), s);
        }
        s.intoArray(scratch, at);
    }

    /**
     * One pass of {@link #columnSums} over the whole vectors ({@code j < wv}) of eight rows from
     * {@code row}: each column sum loaded and stored once per eight rows rather than per four.
     */
    private static void eightRowsIntoColumns(int wv, float[] a, int row, int lda, float[] x, int xi, float[] scratch) {
        FloatVector x0 = FloatVector.broadcast(S, x[xi]);
        FloatVector x1 = FloatVector.broadcast(S, x[xi + 1]);
        FloatVector x2 = FloatVector.broadcast(S, x[xi + 2]);
        FloatVector x3 = FloatVector.broadcast(S, x[xi + 3]);
        FloatVector x4 = FloatVector.broadcast(S, x[xi + 4]);
        FloatVector x5 = FloatVector.broadcast(S, x[xi + 5]);
        FloatVector x6 = FloatVector.broadcast(S, x[xi + 6]);
        FloatVector x7 = FloatVector.broadcast(S, x[xi + 7]);
        int r1 = row + lda, r2 = r1 + lda, r3 = r2 + lda, r4 = r3 + lda, r5 = r4 + lda, r6 = r5 + lda, r7 = r6 + lda;
        for (int j = 0; j < wv; j += L) {
            FloatVector s = FloatVector.fromArray(S, scratch, j);
            s = FloatVector.fromArray(S, a, row + j).fma(x0, s);
            s = FloatVector.fromArray(S, a, r1 + j).fma(x1, s);
            s = FloatVector.fromArray(S, a, r2 + j).fma(x2, s);
            s = FloatVector.fromArray(S, a, r3 + j).fma(x3, s);
            s = FloatVector.fromArray(S, a, r4 + j).fma(x4, s);
            s = FloatVector.fromArray(S, a, r5 + j).fma(x5, s);
            s = FloatVector.fromArray(S, a, r6 + j).fma(x6, s);
            s = FloatVector.fromArray(S, a, r7 + j).fma(x7, s);
            s.intoArray(scratch, j);
        }
    }

    /**
     * The masked last vector ({@code wv <= j < width}) of {@link #eightRowsIntoColumns}'s pass, the
     * same sums in the same order. A loop, not eight rows written out: C1 expands every masked
     * load, and the written-out form failed at tier 3 ("out of virtual registers in linear scan")
     * and ran T:128x10 at 0.4 GFLOP/s; C2 unrolls the loop anyway.
     */
    private static void eightRowsIntoColumnsTail(int wv, int width, float[] a, int row, int lda, float[] x, int xi, float[] scratch) {
        VectorMask<Float> tail = S.indexInRange(wv, width);
        FloatVector s = FloatVector.fromArray(S, scratch, wv);
        for (int r = 0; r < 8; r++) {
            s = FloatVector.fromArray(S, a, row + r * lda + wv, tail).fma(FloatVector.broadcast(S, x[xi + r]), s);
        }
        s.intoArray(scratch, wv);
    }

    /** {@code y[at + j] = alpha * scratch[j] + beta * y[at + j]} for j < width; beta == 0 never reads y. */
    private static void finishColumns(int width, float[] scratch, float alpha, float beta, float[] y, int at) {
        FloatVector va = FloatVector.broadcast(S, alpha);
        FloatVector vb = FloatVector.broadcast(S, beta);
        int wv = width - width % L;
        for (int j = 0; j < wv; j += L) {
            FloatVector s = FloatVector.fromArray(S, scratch, j);
            FloatVector v = beta == 0 ? s.mul(va) : s.fma(va, FloatVector.fromArray(S, y, at + j).mul(vb));
            v.intoArray(y, at + j);
        }
        if (wv < width) {
            VectorMask<Float> in = S.indexInRange(wv, width);
            FloatVector s = FloatVector.fromArray(S, scratch, wv);
            FloatVector v = beta == 0 ? s.mul(va) : s.fma(va, FloatVector.fromArray(S, y, at + wv, in).mul(vb));
            v.intoArray(y, at + wv, in);
        }
    }
}
