package dev.jvk.kernels.gemm;

import dev.jvk.kernels.platform.Platform;
import dev.jvk.kernels.platform.Platform.Species;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.VectorSpecies;

/**
 * The narrow NN product as dot products (the path {@code NARROW_DOT} of {@link Sgemm}): for C with few
 * columns (up to {@link SgemmNarrowT#MAX_COLUMNS}) and A stored as is, each element of C is the dot
 * product of a row of A, read where it is with whole vector loads, and a row of B^T, packed once
 * per call, the lanes running along k. No transposition of A (NARROW_T's NN form transposes op(A)
 * in 16x16 blocks, ~0.5 vector instruction per element of A) and no broadcast: every lane is
 * useful, and a k step of the 4 x 5 kernel is 9 loads for 20 FMAs. What it costs instead is the
 * sum across the lanes at the end, ~2 blends, a permutation and an add per element of C whatever
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
    /**
     * The shallowest product taken with A as stored when C is narrower than one vector: {@code 2 * Float.BYTES}
     * vectors of k, 8 for SGEMM, 16 for DGEMM (its {@link #MIN_K}: doubles were not measured lower). NARROW_T's
     * tile is then one vector of C with lanes left idle, so its transposition of A buys fewer products than
     * at a whole vector. Measured at 512 bits on a Zen 4 core (one 512-bit FMA a cycle), main and this
     * threshold alternating in one job (bench/RESULTS-gemm.md): SGEMM NN:128x10x128 1.28x faster, 128x10x192
     * 1.33x, 16x10x128 1.11x, 128x12x128 1.05x, 128x15x128 level; at n = 16, the tile full, the dot products
     * took 1.14x NARROW_T's time (NN:64x16x192), hence not for C of whole vectors. On an Intel Xeon
     * NN:128x10x128 was level (0.98x).
     */
    static final int MIN_K_NARROW_C = 2 * Float.BYTES * L;
    /**
     * The shallowest product taken with op(B) = B^T: 8 vectors of k. B^T is then packed by whole rows of B
     * (NARROW_T gathers it element by element), which moves the break-even down: SGEMM NT:128x10x128 (8
     * vectors at 512 bits) ran 1.12x faster here than on NARROW_T, where NN at the same depth ran 0.85x
     * (bench/RESULTS-gemm.md). {@link SgemmPrepacked} keeps the transpose B was packed with, so that it
     * takes the path for the same shapes as {@link Sgemm} and gives its bits.
     */
    static final int MIN_K_TRANS_B = 8 * L;
    /** The rounds of the lane sums ({@link #TREE}): log2(L). */
    static final int STAGES = Integer.numberOfTrailingZeros(L);
    /** The heights of the generated kernels ({@code SgemmUnrolled.dots4x1} to {@code dots4x5}), whatever L is. */
    private static final int HEIGHTS = 5;
    /**
     * The permutations of the lane sums, round s at {@code s L}: lane l takes lane {@code l ^ w}, w = L / 2^(s+1).
     * A row's h accumulators (h <= L) are summed across their lanes in log2(L) rounds; each adds pairs of
     * vectors into one (a last one without a partner paired with itself): in each block of 2w lanes the
     * lower w lanes take the first vector's, the upper w the second's ({@link #UPPER}), and each lane adds
     * its partner w away (the permutation), so every vector's lane l is added to its lane l + w, then
     * those sums w/2 apart, and so on: a tree fixed by L alone. The one vector left holds vector j's sum in
     * the lane {@link #ORDER} names. Written out in the kernels ({@link SgemmUnrolled}).
     */
    static final float[] TREE = swaps();
    /** Round s's blend at {@code s L}: the upper w lanes of each block of 2w, which take the second vector of a pair. */
    static final boolean[] UPPER = upper();
    /** For height h at {@code (h - 1) L}: lane j names the lane where the rounds left vector j's sum (j < h). */
    static final float[] ORDER = order();
    /** The tile: C's rows of a group (stride RS: a part's whole vector at its first column stays in its row), then the rows' last values. */
    private static final int RS = NR + L;
    private static final int REST = ROWS * RS;
    private static final int TILE = REST + ROWS * L;

    private SgemmNarrowDot() {}

    /**
     * Whether a product takes this path when C has two rows or more ({@link Sgemm#path}, {@link SgemmPrepacked}):
     * op(B)^T is packed, so either transpose of B, from a shallower k when B is stored transposed or C is
     * narrower than a vector.
     */
    static boolean takes(boolean transA, boolean transB, int n, int k) {
        return !transA && n <= SgemmNarrowT.MAX_COLUMNS && k >= (transB ? MIN_K_TRANS_B : n < L ? MIN_K_NARROW_C : MIN_K);
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
     * A at a time (a last group repeats its last row), every part of the columns, then C. Two tiles in
     * turn, C updated from a group's tile after the next group's kernels: the parts' sums are masked vector
     * stores side by side (each at its part's first column), and a load of the tile's row right after them
     * spans two stores still in flight, which the store buffer cannot forward. At alpha 1 and beta 0 a
     * whole group's kernels store their sums into C itself (masked to each part's columns) and nothing
     * waits: the update of C from the tile was a tenth of DGEMM 128x10x128's time (bench/RESULTS-gemm.md).
     * When k is whole vectors and the parts are of one height, the leading direct groups are one kernel call
     * ({@link #batchedGroups}): a call per group and part paid its entry (14 arguments, the frame, the switch
     * on h) 64 times in DGEMM 128x10x128, which ran 1.07x faster in one call (bench/RESULTS-gemm.md).
     */
    static void rows(int n, int k, float alpha, float[] a, int ao, int lda, float[] bt, int kp,
                     float beta, float[] c, MemorySegment cs, long co, int ldc, Workspace workspace, int i0, int i1) {
        float[] tile = workspace.floatTile(2 * TILE);
        int parts = (n + MAX_HEIGHT - 1) / MAX_HEIGHT;
        int whole = k - k % L;
        int waiting = 0; // rows of the previous group, not yet in C
        int batched = batchedGroups(n, k, alpha, beta, c, co, ldc, parts, i0, i1);
        if (batched > 0) {
            int h = n / parts;
            int ci = (int) co + i0 * ldc;
            int a0 = ao + i0 * lda;
            switch (h) {
                case 1 -> SgemmUnrolled.dotGroups4x1(k, a, a0, lda, batched, parts, bt, kp, c, ci, ldc);
                case 2 -> SgemmUnrolled.dotGroups4x2(k, a, a0, lda, batched, parts, bt, kp, c, ci, ldc);
                case 3 -> SgemmUnrolled.dotGroups4x3(k, a, a0, lda, batched, parts, bt, kp, c, ci, ldc);
                case 4 -> SgemmUnrolled.dotGroups4x4(k, a, a0, lda, batched, parts, bt, kp, c, ci, ldc);
                default -> SgemmUnrolled.dotGroups4x5(k, a, a0, lda, batched, parts, bt, kp, c, ci, ldc);
            }
        }
        for (int ir = i0 + batched * ROWS, turn = batched % 2 * TILE; ir < i1; ir += ROWS, turn ^= TILE) {
            int rows = Math.min(ROWS, i1 - ir);
            int a0 = ao + ir * lda;
            int a1 = rows > 1 ? a0 + lda : a0;
            int a2 = rows > 2 ? a1 + lda : a1;
            int a3 = rows > 3 ? a2 + lda : a2;
            if (whole < k) {
                for (int r = 0; r < ROWS; r++) {
                    int from = a0 + Math.min(r, rows - 1) * lda + whole;
                    for (int q = 0; q < L; q++) {
                        tile[turn + REST + r * L + q] = q < k - whole ? a[from + q] : 0;
                    }
                }
            }
            // each part's sums go into the first lanes of a vector at the part's first column of each row:
            // C's own rows when C = the sums (alpha 1, beta 0: what update would store, bit for bit) and
            // all 4 rows are C's with every vector within the array (a masked store whose vector passes the
            // array's end takes the Vector API's slow path), else the tile's, updated into C later
            int ci = (int) co + ir * ldc;
            boolean direct = c != null && alpha == 1 && beta == 0 && rows == ROWS && ci + (ROWS - 1) * (long) ldc + n - 1 + L <= c.length;
            int j0 = 0;
            for (int part = 0; part < parts; part++) {
                int h = (n - j0 + parts - part - 1) / (parts - part);
                if (direct) {
                    kernel(h, k, a, a0, a1, a2, a3, tile, turn + REST, bt, j0 * kp, kp, c, ci + j0, ldc);
                } else {
                    kernel(h, k, a, a0, a1, a2, a3, tile, turn + REST, bt, j0 * kp, kp, tile, turn + j0, RS);
                }
                j0 += h;
            }
            if (waiting > 0) {
                update(tile, turn ^ TILE, waiting, n, alpha, beta, c, cs, co + (long) (ir - ROWS) * ldc, ldc);
            }
            waiting = direct ? 0 : rows;
        }
        if (waiting > 0) {
            int last = i0 + (i1 - i0 - 1) / ROWS * ROWS;
            update(tile, (i1 - i0 - 1) / ROWS % 2 * TILE, waiting, n, alpha, beta, c, cs, co + (long) last * ldc, ldc);
        }
    }

    /**
     * The leading groups of rows [i0, i1) whose sums the kernels store into C straight from one call
     * ({@code SgemmUnrolled.dotGroups4x5} and its heights): alpha 1, beta 0, C an array, k a multiple of L
     * (no rows' tails), parts all of one height, and each group's 4 rows within C with every vector in the array
     * (as {@link #rows}' direct groups). The same kernel, loop and lane sums as a group at a time, so the same bits.
     */
    static int batchedGroups(int n, int k, float alpha, float beta, float[] c, long co, int ldc, int parts, int i0, int i1) {
        if (c == null || alpha != 1 || beta != 0 || k % L != 0 || n % parts != 0 || n / parts > HEIGHTS) {
            return 0;
        }
        int groups = (i1 - i0) / ROWS;
        // the last row's vector at its last part's first column must end within c: c.length >= ci + 3 ldc + n - 1 + L
        long last = Math.floorDiv(c.length - n + 1 - L - co - (long) (ROWS - 1) * ldc, (long) ldc); // the last group's first row
        return last < i0 ? 0 : (int) Math.min(groups, (last - i0) / ROWS + 1);
    }

    private static void update(float[] tile, int t0, int rows, int n, float alpha, float beta, float[] c, MemorySegment cs, long ci, int ldc) {
        if (c != null) {
            SgemmKernels.update(tile, t0, RS, rows, n, alpha, beta, c, (int) ci, ldc);
        } else {
            SgemmKernels.update(tile, t0, RS, rows, n, alpha, beta, cs, ci, ldc);
        }
    }

    /**
     * The kernel of height h (1 to 5), generated ({@link SgemmUnrolled}): each height keeps its accumulators in
     * locals of its own. The rows' sums go to {@code out[t + r * ts]}, the tile or C.
     */
    private static void kernel(int h, int kc, float[] a, int a0, int a1, int a2, int a3, float[] tile, int rest, float[] bt, int b0, int kp,
                               float[] out, int t, int ts) {
        switch (h) {
            case 1 -> SgemmUnrolled.dots4x1(kc, a, a0, a1, a2, a3, tile, rest, bt, b0, kp, out, t, ts);
            case 2 -> SgemmUnrolled.dots4x2(kc, a, a0, a1, a2, a3, tile, rest, bt, b0, kp, out, t, ts);
            case 3 -> SgemmUnrolled.dots4x3(kc, a, a0, a1, a2, a3, tile, rest, bt, b0, kp, out, t, ts);
            case 4 -> SgemmUnrolled.dots4x4(kc, a, a0, a1, a2, a3, tile, rest, bt, b0, kp, out, t, ts);
            default -> SgemmUnrolled.dots4x5(kc, a, a0, a1, a2, a3, tile, rest, bt, b0, kp, out, t, ts);
        }
    }

    private static float[] swaps() {
        float[] index = new float[STAGES * L];
        for (int s = 0; s < STAGES; s++) {
            for (int lane = 0; lane < L; lane++) {
                index[s * L + lane] = lane ^ (L >> (s + 1));
            }
        }
        return index;
    }

    private static boolean[] upper() {
        boolean[] upper = new boolean[STAGES * L];
        for (int s = 0; s < STAGES; s++) {
            for (int lane = 0; lane < L; lane++) {
                upper[s * L + lane] = (lane & L >> (s + 1)) != 0;
            }
        }
        return upper;
    }

    /**
     * Follows the kernels' pairing (neighbours paired, a last odd one alone, until one vector is left, then
     * the rounds left on it) with each lane labelled by the vector whose sum it holds: a pair's lane takes
     * the first vector's label in the lower w lanes of its block, the second's in the upper.
     */
    private static float[] order() {
        float[] order = new float[HEIGHTS * L];
        for (int h = 1; h <= HEIGHTS; h++) {
            for (int j = 0; j < L; j++) {
                order[(h - 1) * L + j] = j; // lanes past h (and heights past L) are never read
            }
            if (h > L) {
                continue;
            }
            int[][] labels = new int[h][L];
            for (int j = 0; j < h; j++) {
                Arrays.fill(labels[j], j);
            }
            for (int s = 0; s < STAGES; s++) {
                int w = L >> (s + 1);
                int[][] next = new int[(labels.length + 1) / 2][L];
                for (int q = 0; q < labels.length; q += 2) {
                    int[] y = labels[Math.min(q + 1, labels.length - 1)];
                    for (int lane = 0; lane < L; lane++) {
                        next[q / 2][lane] = (lane & w) == 0 ? labels[q][lane] : y[lane];
                    }
                }
                labels = next;
            }
            for (int lane = L - 1; lane >= 0; lane--) {
                order[(h - 1) * L + labels[0][lane]] = lane;
            }
        }
        return order;
    }
}
