package dev.jvk.kernels.gemm;

import dev.jvk.kernels.platform.Platform;
import dev.jvk.kernels.platform.Platform.Species;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The narrow product computed transposed (the path {@code NARROW_T} of {@link Sgemm}): C^T = op(B)^T
 * op(A)^T for C with few columns (an output layer's 10 classes) and enough rows to fill vectors.
 * The rows of C run along the vector lanes and the n columns of C are the tile's rows, so every
 * lane does useful work, where the one-vector kernels of the narrow path leave 6 of 16 lanes idle
 * at n = 10 (bench/RESULTS-gemm.md measured them at ~60% of that lane-limited ceiling: 17 loads
 * per 16 FMAs). Here a k step of an h-column tile is 2 vector loads of op(A)^T, h broadcasts of
 * op(B) and 2h FMAs (h = 5: 7 loads per 10 FMAs).
 *
 * <p>op(B) is packed into rows of one vector ({@link SgemmPacking#packBNarrow}). op(A)^T is read
 * where it is when A is stored transposed (TN: a k step's rows of C are contiguous in A), whole
 * panels of NR rows of C; otherwise, and for the rows below the last whole panel, it is packed as
 * the packed path packs op(B) ({@link SgemmPacking#packB}: k-major panels of NR, the NN form
 * through the vector transposition). The n columns are cut into ceil(n / {@link #MAX_HEIGHT})
 * parts of nearly equal height (at 512 bits 10 = 5 + 5, 16 = 8 + 8), each one kernel of that
 * height (no loop over the tile's rows inside a kernel).
 * Every element of C is the same chain of fused multiply-adds in k order and the same
 * {@code alpha * s + beta * C} as on every other path ({@link SgemmKernels}' rule), so the choice of
 * this path changes no bit of C. Arrays only.
 */
final class SgemmNarrowT {
    private static final VectorSpecies<Float> S = Species.FLOAT;
    private static final int L = S.length();
    private static final int NR = SgemmKernels.NR;
    /**
     * The tallest kernel used: 2 x MR accumulators, with the 2 loads and a broadcast 19 of 32
     * vector registers at MR = 8, 15 of AVX2's 16 at MR = 6.
     */
    static final int MAX_HEIGHT = Platform.MR;

    private SgemmNarrowT() {}

    /**
     * One K block ({@code pc}, {@code kc}) over rows [i0, i1) of C, its n columns whole, n at most
     * one vector: pack op(B) and what is packed of op(A)^T, then for each panel of NR rows every
     * part of the columns (the panel stays in L1 across the parts), and C's rows from the tile.
     */
    static void body(boolean transA, boolean transB, int n, float alpha, float[] a, int ao, int lda,
                     float[] b, int bo, int ldb, float beta, float[] c, int co, int ldc,
                     Workspace workspace, int kcMax, int pc, int kc, int i0, int i1) {
        int rows = i1 - i0;
        // TN: the rows of op(A)^T are rows of A as stored, so whole panels are read where they
        // are (packing them cost more than half the kernels' time at 128x10x128); the rest is packed.
        int inPlace = transA ? rows / NR * NR : 0;
        float[] ap = workspace.floatPackedA(Platform.roundUp(rows - inPlace, NR) * kcMax);
        float[] bp = workspace.floatPackedB(L * kcMax);
        float[] tile = workspace.floatTile(L * NR);
        if (inPlace < rows) {
            // X = op(A)^T, kc x rows, X[p][i] = op(A)[i][p]: stored as op(B) with the other transpose
            SgemmPacking.packB(a, ao, lda, !transA, pc, i0 + inPlace, kc, rows - inPlace, ap, 0);
        }
        SgemmPacking.packBNarrow(b, bo, ldb, transB, pc, kc, n, bp);
        int parts = (n + MAX_HEIGHT - 1) / MAX_HEIGHT;
        for (int ir = 0; ir < rows; ir += NR) {
            boolean stored = ir < inPlace;
            float[] x = stored ? a : ap;
            int xi = stored ? ao + pc * lda + i0 + ir : (ir - inPlace) * kc;
            int xs = stored ? lda : NR;
            int j0 = 0;
            for (int part = 0; part < parts; part++) {
                int h = (n - j0 + parts - part - 1) / (parts - part);
                kernel(h, kc, x, xi, xs, bp, j0, tile, j0 * NR);
                j0 += h;
            }
            update(tile, n, Math.min(NR, rows - ir), alpha, beta, c, co + (i0 + ir) * ldc, ldc);
        }
    }

    /**
     * The kernel of height h (1 to 8): tile[t + j * NR + r] = sum_p X[p][r] op(B)[p][j], X[p] at
     * {@code a[ai + p * as]}. Generated ({@link SgemmUnrolled}): each height keeps its accumulators in locals of its own.
     */
    private static void kernel(int h, int kc, float[] a, int ai, int as, float[] b, int bi, float[] tile, int t) {
        switch (h) {
            case 1 -> SgemmUnrolled.columns1(kc, a, ai, as, b, bi, tile, t);
            case 2 -> SgemmUnrolled.columns2(kc, a, ai, as, b, bi, tile, t);
            case 3 -> SgemmUnrolled.columns3(kc, a, ai, as, b, bi, tile, t);
            case 4 -> SgemmUnrolled.columns4(kc, a, ai, as, b, bi, tile, t);
            case 5 -> SgemmUnrolled.columns5(kc, a, ai, as, b, bi, tile, t);
            case 6 -> SgemmUnrolled.columns6(kc, a, ai, as, b, bi, tile, t);
            case 7 -> SgemmUnrolled.columns7(kc, a, ai, as, b, bi, tile, t);
            default -> SgemmUnrolled.columns8(kc, a, ai, as, b, bi, tile, t);
        }
    }

    /** Lane j reads element j * NR + r of the tile: row r of C from the transposed tile. */
    private static final int[] ROW_OF_TILE = rowOfTile();

    private static int[] rowOfTile() {
        int[] index = new int[L];
        for (int j = 0; j < L; j++) {
            index[j] = j * NR;
        }
        return index;
    }

    /**
     * C[r][j] = alpha * s + beta * C[r][j] for r < rows, j < n, s = tile[j * NR + r] (C from
     * {@code ci}): {@link SgemmKernels#update}'s arithmetic, a row of C at a time, gathered from
     * the tile, which is C^T. beta == 0 never reads C.
     */
    private static void update(float[] tile, int n, int rows, float alpha, float beta, float[] c, int ci, int ldc) {
        FloatVector va = FloatVector.broadcast(S, alpha);
        FloatVector vb = FloatVector.broadcast(S, beta);
        VectorMask<Float> in = S.indexInRange(0, n);
        for (int r = 0; r < rows; r++, ci += ldc) {
            FloatVector s = FloatVector.fromArray(S, tile, r, ROW_OF_TILE, 0, in);
            FloatVector v = beta != 0 ? s.fma(va, FloatVector.fromArray(S, c, ci, in).mul(vb)) : s.mul(va);
            v.intoArray(c, ci, in);
        }
    }
}
