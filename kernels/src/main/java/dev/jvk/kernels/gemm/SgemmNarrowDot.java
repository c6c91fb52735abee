package dev.jvk.kernels.gemm;

import dev.jvk.kernels.platform.Platform;
import dev.jvk.kernels.platform.Platform.Species;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.VectorSpecies;

/**
 * The narrow NN product as dot products (the path {@code NARROW_DOT} of {@link Sgemm}): for C with few
 * columns (up to {@link SgemmNarrowT#MAX_COLUMNS}) and A stored as is, each element of C is the dot
 * product of a row of A, read where it is with whole vector loads, and a row of B^T, packed once
 * per call, the lanes running along k. No transposition of A (NARROW_T's NN form transposes op(A)
 * in 16x16 blocks, ~0.5 vector instruction per element of A) and no broadcast: every lane is
 * useful, and a k step of the 4 x 5 kernel is 9 loads for 20 FMAs. What it costs instead is the
 * sum across the lanes at the end, ~2 two-source selections and an add per element of C whatever
 * k is ({@link #TREE}), and packing B^T: so it pays from a depth of {@link #MIN_K}.
 *
 * <p>Each element is summed in its own fixed order: lane l of its accumulator takes the products
 * p = l, l + L, ... in k order (the last {@code k % L} from a zero-padded copy), then the L lanes are
 * added in the fixed tree of {@link #TREE}, then {@code alpha * s + beta * C} as every path does.
 * All of k is one pass (the K blocks of the other paths would each pay the lane sums). The order
 * depends on k and the vector width alone, never on the rows around an element, the thread split,
 * or m: a row of C gets the same bits in any product ({@link SgemmPrepacked} takes this path for
 * the same shapes), on arrays or segments. It is not the k-order chain of the other paths, so C
 * differs from theirs in the last bits, within the same bound with d = k / L + log2(L) + 1 terms in a chain.
 */
final class SgemmNarrowDot {
    private static final VectorSpecies<Float> S = Species.FLOAT;
    private static final int L = S.length();
    private static final int NR = SgemmKernels.NR;
    /** Rows of A per kernel call. */
    private static final int ROWS = 4;
    /**
     * Columns of C per kernel call: 5 with 32 vector registers (20 accumulators, the 4 rows of A and a
     * row of B^T), 2 with AVX2's 16 (MR 6; unmeasured there), and no more than one vector's lanes for
     * the lane sums.
     */
    private static final int MAX_HEIGHT = Math.min(Platform.MR == 8 ? 5 : 2, L);
    /**
     * The shallowest product taken: 16 vectors of k, where the lane sums (a fixed cost per element of C)
     * and packing B^T come to less than NARROW_T's transposition of A (a cost per element of A).
     * Measured at 512 bits, 128 x 10 NN, one thread, each form in a fresh JVM (bench/RESULTS-gemm.md):
     * floats at k = 128 (8 vectors) 0.98x NARROW_T's time, 256 0.82x, 784 0.58x; doubles at 128 (16
     * vectors) 0.84x, 784 0.72x.
     */
    static final int MIN_K = 16 * L;
    /** The rounds of the lane sums ({@link #TREE}): log2(L). */
    static final int STAGES = Integer.numberOfTrailingZeros(L);
    /**
     * The lane selections of the sums across the lanes, round s: {@code lo} at {@code 2 s L}, {@code hi}
     * at {@code (2 s + 1) L}. A row's h accumulators (h <= L) are summed across their lanes in log2(L)
     * rounds; each adds pairs of vectors into one (a last one without a partner paired with itself),
     * lanes of the first in the lower half of every block, of the second in the upper (two selections
     * and an add), halving the blocks, so that lane j of the one vector left holds the sum of vector j
     * and lane l of each is added in a tree fixed by L alone. The lanes from h on hold sums of no
     * vector (never read). Written out in the kernels ({@link SgemmUnrolled}).
     */
    static final float[] TREE = tree();
    /** The tile: C's rows of a group (stride RS: a part's whole vector at its first column stays in its row), then the rows' last values. */
    private static final int RS = NR + L;
    private static final int REST = ROWS * RS;
    private static final int TILE = REST + ROWS * L;

    private SgemmNarrowDot() {}

    /** Whether a product takes this path when C has two rows or more ({@link Sgemm#path}); op(B)^T is packed, so either transpose of B. */
    static boolean takes(boolean transA, int n, int k) {
        return !transA && n <= SgemmNarrowT.MAX_COLUMNS && k >= MIN_K;
    }

    /** Rows [i0, i1) of C = alpha * A * op(B) + beta * C, all of k: op(B)^T packed, then {@link #rows}. */
    static void body(int n, int k, float alpha, float[] a, int ao, int lda, float[] b, int bo, int ldb, boolean transB,
                     float beta, float[] c, int co, int ldc, Workspace workspace, int i0, int i1) {
        int kp = Platform.roundUp(k, L);
        float[] bt = workspace.floatPackedB(n * kp);
        packBT(b, bo, ldb, transB, 0, k, n, bt, kp);
        rows(n, k, alpha, a, ao, lda, bt, kp, beta, c, null, co, ldc, workspace, i0, i1);
    }

    /**
     * As {@link #body} on segments (offsets count floats): A's rows [i0, i1) and op(B) copied to arrays
     * first ({@link SgemmPacking#stage}), then the same kernels, so C gets the bits the arrays get.
     */
    static void body(int n, int k, float alpha, MemorySegment a, long ao, int lda, MemorySegment b, long bo, int ldb, boolean transB,
                     float beta, MemorySegment c, long co, int ldc, Workspace workspace, int i0, int i1) {
        int kp = Platform.roundUp(k, L);
        float[] bt = workspace.floatPackedB(n * kp);
        float[] ab = workspace.floatStage((i1 - i0) * k);
        float[] bb = workspace.floatPackedA(n * k);
        SgemmPacking.stage(a, ao + (long) i0 * lda, lda, i1 - i0, k, ab);
        SgemmPacking.stage(b, bo, ldb, transB ? n : k, transB ? k : n, bb);
        packBT(bb, 0, transB ? k : n, transB, 0, k, n, bt, kp);
        rows(n, k, alpha, ab, -i0 * k, k, bt, kp, beta, null, c, co, ldc, workspace, i0, i1);
    }

    /**
     * op(B)^T's columns p0 to p0 + kc from rows p0 to p0 + kc of op(B) ({@code b[bo + p * ldb + j]}, or
     * {@code b[bo + j * ldb + p]} when stored transposed, rows p counted from bo): {@code bt[j * kp + p0 + p]};
     * the columns from k to kp are zeros when this is the last piece.
     */
    static void packBT(float[] b, int bo, int ldb, boolean trans, int p0, int kc, int n, float[] bt, int kp) {
        for (int j = 0; j < n; j++) {
            int dst = j * kp + p0;
            if (trans) {
                System.arraycopy(b, bo + j * ldb + p0, bt, dst, kc);
            } else {
                for (int p = 0, src = bo + p0 * ldb + j; p < kc; p++, src += ldb) {
                    bt[dst + p] = b[src];
                }
            }
            if (p0 + kc + L > kp) {
                for (int p = p0 + kc; p < kp; p++) {
                    bt[j * kp + p] = 0; // the lanes past k multiply zeros from the rows' copies
                }
            }
        }
    }

    /**
     * Rows [i0, i1) of C, in the array c or else the segment cs, B^T packed ({@link #packBT}): 4 rows of
     * A at a time (a last group repeats its last row), every part of the columns, then C.
     */
    static void rows(int n, int k, float alpha, float[] a, int ao, int lda, float[] bt, int kp,
                     float beta, float[] c, MemorySegment cs, long co, int ldc, Workspace workspace, int i0, int i1) {
        float[] tile = workspace.floatTile(TILE);
        int parts = (n + MAX_HEIGHT - 1) / MAX_HEIGHT;
        int whole = k - k % L;
        for (int ir = i0; ir < i1; ir += ROWS) {
            int rows = Math.min(ROWS, i1 - ir);
            int a0 = ao + ir * lda;
            int a1 = rows > 1 ? a0 + lda : a0;
            int a2 = rows > 2 ? a1 + lda : a1;
            int a3 = rows > 3 ? a2 + lda : a2;
            if (whole < k) {
                for (int r = 0; r < ROWS; r++) {
                    int from = a0 + Math.min(r, rows - 1) * lda + whole;
                    for (int q = 0; q < L; q++) {
                        tile[REST + r * L + q] = q < k - whole ? a[from + q] : 0;
                    }
                }
            }
            // each part's sums go into the rows as whole vectors at the part's first column, left to
            // right: the lanes past a part are overwritten by the next
            int j0 = 0;
            for (int part = 0; part < parts; part++) {
                int h = (n - j0 + parts - part - 1) / (parts - part);
                kernel(h, k, a, a0, a1, a2, a3, tile, bt, j0 * kp, kp, j0);
                j0 += h;
            }
            long ci = co + (long) ir * ldc;
            if (c != null) {
                SgemmKernels.update(tile, RS, rows, n, alpha, beta, c, (int) ci, ldc);
            } else {
                SgemmKernels.update(tile, RS, rows, n, alpha, beta, cs, ci, ldc);
            }
        }
    }

    /** The kernel of height h (1 to 5), generated ({@link SgemmUnrolled}): each height keeps its accumulators in locals of its own. */
    private static void kernel(int h, int kc, float[] a, int a0, int a1, int a2, int a3, float[] tile, float[] bt, int b0, int kp, int t) {
        switch (h) {
            case 1 -> SgemmUnrolled.dots4x1(kc, a, a0, a1, a2, a3, tile, REST, bt, b0, kp, tile, t, RS);
            case 2 -> SgemmUnrolled.dots4x2(kc, a, a0, a1, a2, a3, tile, REST, bt, b0, kp, tile, t, RS);
            case 3 -> SgemmUnrolled.dots4x3(kc, a, a0, a1, a2, a3, tile, REST, bt, b0, kp, tile, t, RS);
            case 4 -> SgemmUnrolled.dots4x4(kc, a, a0, a1, a2, a3, tile, REST, bt, b0, kp, tile, t, RS);
            default -> SgemmUnrolled.dots4x5(kc, a, a0, a1, a2, a3, tile, REST, bt, b0, kp, tile, t, RS);
        }
    }

    /**
     * Round s (half-block w = L / 2^(s+1)): the pair's result is blocks of w lanes, those of the first
     * vector's blocks of 2w, then the second's; block c takes lanes e of the lower half (lo) and the upper
     * half (hi) of its source block.
     */
    private static float[] tree() {
        float[] index = new float[2 * STAGES * L];
        int s = 0;
        for (int w = L / 2; w >= 1; w /= 2, s++) {
            int blocks = L / (2 * w);
            for (int lane = 0; lane < L; lane++) {
                int block = lane / w;
                int from = (block < blocks ? 0 : L) + block % blocks * 2 * w + lane % w;
                index[2 * s * L + lane] = from;
                index[(2 * s + 1) * L + lane] = from + w;
            }
        }
        return index;
    }
}
