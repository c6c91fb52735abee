package dev.jvk.kernels.gemm;

import dev.jvk.kernels.platform.Platform;
import dev.jvk.kernels.platform.Platform.Species;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The narrow product computed transposed (the path {@code NARROW_T} of {@link Sgemm}): C^T = op(B)^T
 * op(A)^T for C with few columns (an output layer's 10 classes; up to {@link #MAX_COLUMNS}) and
 * enough rows to fill vectors. The rows of C run along the vector lanes and the n columns of C are
 * the tile's rows, so every lane does useful work, where the one-vector kernels of the narrow path
 * leave 6 of 16 lanes idle at n = 10 (bench/RESULTS-gemm.md measured them at ~60% of that
 * lane-limited ceiling: 17 loads per 16 FMAs), and a two-vector tile as many for n a little wider
 * than a vector (DGEMM's n = 10 at 512 bits: 10 of 16 lanes). Here a k step of an h-column tile is
 * 2 vector loads of op(A)^T, h broadcasts of op(B) and 2h FMAs (h = 5: 7 loads per 10 FMAs).
 *
 * <p>op(B) is read where it is when B is stored as is, else packed into rows of one or two vectors
 * ({@link SgemmPacking#packBNarrow}). op(A)^T is read
 * where it is when A is stored transposed (TN: a k step's rows of C are contiguous in A), whole
 * panels of NR rows of C; otherwise, and for the rows below the last whole panel, it is packed as
 * the packed path packs op(B) ({@link SgemmPacking#packB}: k-major panels of NR, the NN form
 * through the vector transposition). The n columns are cut into parts of nearly equal height, at
 * most {@link #MAX_HEIGHT} on packed panels (at 512 bits 10 = 5 + 5, 16 = 8 + 8, 24 = 8 + 8 + 8) and
 * {@link #MAX_HEIGHT_IN_PLACE} on A read in place (10 in one part, 24 = 12 + 12), each one kernel of
 * that height (no loop over the tile's rows inside a kernel).
 * Every element of C is the same chain of fused multiply-adds in k order and the same
 * {@code alpha * s + beta * C} as on every other path ({@link SgemmKernels}' rule), so the choice of
 * this path changes no bit of C. Arrays only.
 */
final class SgemmNarrowT {
    private static final VectorSpecies<Float> S = Species.FLOAT;
    private static final int L = S.length();
    private static final int NR = SgemmKernels.NR;
    /**
     * The tallest kernel used on a packed op(A)^T panel: 2 x MR accumulators, with the 2 loads and a
     * broadcast 19 of 32 vector registers at MR = 8, 15 of AVX2's 16 at MR = 6.
     */
    static final int MAX_HEIGHT = Platform.MR;
    /**
     * The tallest kernel used on A read where it is stored (TN, TT): 24 accumulators and 3 more
     * registers of 32 at MR = 8, so that an output layer's 10 columns are one part and A is read
     * once. Each part reads the panel's columns of every row of A, a slab of NR values per row at
     * A's stride, and such a slab misses L1 between parts: at lda = 128 floats its 256 lines fall into
     * 16 of L1's sets (192 lines at 12 ways). Measured on an Intel Xeon (two 512-bit FMA units),
     * 128x10x128, one part of 10 against two of 5 (bench/RESULTS-gemm.md, issue 11 on the Intel
     * machine): SGEMM TN 1.37x faster, DGEMM TN 1.35x, TT 1.13x / 1.28x. On the packed panel, which
     * stays in L1, the taller kernel was no faster (NN level or slower), so it keeps {@link #MAX_HEIGHT}.
     */
    static final int MAX_HEIGHT_IN_PLACE = Platform.MR == 8 ? 12 : Platform.MR;
    /**
     * The widest C taken ({@link Sgemm#path}): one vector and a half. Beyond that a two-vector tile
     * of the other paths wastes at most a quarter of its lanes (measured at 512 bits, NN, 128 rows,
     * k = 128: NARROW_T 0.87x the small path's time at n = 20 floats, 0.97x at 24).
     */
    static final int MAX_COLUMNS = L + L / 2;

    private SgemmNarrowT() {}

    /**
     * One K block ({@code pc}, {@code kc}) over rows [i0, i1) of C, its n columns whole, n at most
     * {@link #MAX_COLUMNS}: pack op(B) if B is stored transposed, then for each panel of NR rows (packed
     * first, if it is packed) every part of the columns (the panel stays in L1 across the parts), and
     * C's rows from the tile.
     */
    static void body(boolean transA, boolean transB, int n, float alpha, float[] a, int ao, int lda,
                     float[] b, int bo, int ldb, float beta, float[] c, int co, int ldc,
                     Workspace workspace, int kcMax, int pc, int kc, int i0, int i1) {
        int rows = i1 - i0;
        // TN: the rows of op(A)^T are rows of A as stored, so whole panels are read where they
        // are (packing them cost more than half the kernels' time at 128x10x128); the rest is packed.
        int inPlace = transA ? rows / NR * NR : 0;
        float[] ap = inPlace < rows ? workspace.floatPackedA(NR * kcMax) : null;
        // B as stored: the kernels broadcast op(B)'s elements one by one, so its rows are read where
        // they are (packing them took 0.4 of DGEMM TN 128x10x128's 7.5 µs); B^T is packed into rows.
        boolean bStored = !transB;
        int bs = bStored ? ldb : SgemmPacking.narrowWidth(n);
        float[] bp = bStored ? b : workspace.floatPackedB(bs * kcMax);
        int bi = bStored ? bo + pc * ldb : 0;
        float[] tile = workspace.floatTile(AT + 2 * L * NR);
        if (!bStored) {
            SgemmPacking.packBNarrow(b, bo, ldb, true, pc, kc, n, bp);
        }
        int height = transA ? MAX_HEIGHT_IN_PLACE : MAX_HEIGHT;
        int parts = (n + height - 1) / height;
        for (int ir = 0; ir < rows; ir += NR) {
            boolean stored = ir < inPlace;
            if (!stored) {
                // X = op(A)^T, kc x NR, X[p][i] = op(A)[i][p]: stored as op(B) with the other transpose,
                // a panel at a time, so that the kernels read it from L1
                SgemmPacking.packB(a, ao, lda, !transA, pc, i0 + ir, kc, Math.min(NR, rows - ir), ap, 0);
            }
            float[] x = stored ? a : ap;
            int xi = stored ? ao + pc * lda + i0 + ir : 0;
            int xs = stored ? lda : NR;
            int j0 = 0;
            for (int part = 0; part < parts; part++) {
                int h = (n - j0 + parts - part - 1) / (parts - part);
                kernel(h, kc, x, xi, xs, bp, bi + j0, bs, tile, AT + j0 * NR);
                j0 += h;
            }
            update(tile, n, Math.min(NR, rows - ir), alpha, beta, c, co + (i0 + ir) * ldc, ldc);
        }
    }

    /**
     * The kernel of height h (1 to 12): tile[t + j * NR + r] = sum_p X[p][r] op(B)[p][j], X[p] at
     * {@code a[ai + p * as]}, op(B)[p] at {@code b[bi + p * bs]}. Generated ({@link SgemmUnrolled}):
     * each height keeps its accumulators in locals of its own.
     */
    private static void kernel(int h, int kc, float[] a, int ai, int as, float[] b, int bi, int bs, float[] tile, int t) {
        switch (h) {
            case 1 -> SgemmUnrolled.columns1(kc, a, ai, as, b, bi, bs, tile, t);
            case 2 -> SgemmUnrolled.columns2(kc, a, ai, as, b, bi, bs, tile, t);
            case 3 -> SgemmUnrolled.columns3(kc, a, ai, as, b, bi, bs, tile, t);
            case 4 -> SgemmUnrolled.columns4(kc, a, ai, as, b, bi, bs, tile, t);
            case 5 -> SgemmUnrolled.columns5(kc, a, ai, as, b, bi, bs, tile, t);
            case 6 -> SgemmUnrolled.columns6(kc, a, ai, as, b, bi, bs, tile, t);
            case 7 -> SgemmUnrolled.columns7(kc, a, ai, as, b, bi, bs, tile, t);
            case 8 -> SgemmUnrolled.columns8(kc, a, ai, as, b, bi, bs, tile, t);
            case 9 -> SgemmUnrolled.columns9(kc, a, ai, as, b, bi, bs, tile, t);
            case 10 -> SgemmUnrolled.columns10(kc, a, ai, as, b, bi, bs, tile, t);
            case 11 -> SgemmUnrolled.columns11(kc, a, ai, as, b, bi, bs, tile, t);
            default -> SgemmUnrolled.columns12(kc, a, ai, as, b, bi, bs, tile, t);
        }
    }

    /**
     * Where the kernels write C^T in the tile (row j, C's column j, at {@code AT + j * NR}); the
     * rows of C, turned back, go before it (row r at {@code r * NR}).
     */
    private static final int AT = NR * NR;
    /**
     * Whether C^T is turned back into rows by the packing's vector transposition (8 or 16 lanes),
     * else gathered: at 128x10x128 the gathers (lane j reading {@code tile[j * NR + r]}, a row of
     * C at a time) took 0.8-1.2 µs of a 6 µs product, the transposition and a row-wise update 0.6.
     */
    private static final boolean TRANSPOSE = SgemmPacking.ROUNDS != null;
    /** Lane j reads element j * NR + r of the tile: row r of C from the transposed tile, where there is no transposition. */
    private static final int[] ROW_OF_TILE = rowOfTile();

    private static int[] rowOfTile() {
        int[] index = new int[L];
        for (int j = 0; j < L; j++) {
            index[j] = j * NR;
        }
        return index;
    }

    /**
     * C[r][j] = alpha * s + beta * C[r][j] for r < rows, j < n, s = tile[AT + j * NR + r] (C from
     * {@code ci}): {@link SgemmKernels#update}'s arithmetic on the rows of C, which the tile holds
     * transposed, one block of L of its rows per vector of C's row (all L rows of a block are read,
     * those past n never stored). beta == 0 never reads C.
     */
    private static void update(float[] tile, int n, int rows, float alpha, float beta, float[] c, int ci, int ldc) {
        if (TRANSPOSE) {
            // A block of L rows of C^T is turned back whole when at least half of it holds columns of C;
            // the columns of a block less full are updated one by one (DGEMM's n = 10: 2 of 8)
            int count = Platform.roundUp(rows, L);
            int turned = 0;
            for (; turned < n && n - turned >= L / 2; turned += L) {
                if (L == 16) {
                    SgemmUnrolled.transposeToB16(tile, AT + turned * NR, NR, count, tile, turned);
                } else {
                    SgemmUnrolled.transposeToB(tile, AT + turned * NR, NR, count, tile, turned);
                }
            }
            turned = Math.min(turned, n);
            if (turned > 0) {
                SgemmKernels.update(tile, rows, turned, alpha, beta, c, ci, ldc);
            }
            for (int r = 0; r < rows && turned < n; r++, ci += ldc) {
                for (int j = turned; j < n; j++) {
                    c[ci + j] = SgemmKernels.update(tile[AT + j * NR + r], alpha, beta, c[ci + j]);
                }
            }
            return;
        }
        FloatVector va = FloatVector.broadcast(S, alpha);
        FloatVector vb = FloatVector.broadcast(S, beta);
        VectorMask<Float> first = S.indexInRange(0, n);
        VectorMask<Float> second = S.indexInRange(L, n);
        boolean two = n > L;
        int reach = two ? NR : L;
        for (int r = 0; r < rows; r++, ci += ldc) {
            if (ci + reach > c.length) { // past the array's end: lane by lane (SgemmKernels.update says why)
                for (int j = 0; j < n; j++) {
                    c[ci + j] = SgemmKernels.update(tile[AT + j * NR + r], alpha, beta, c[ci + j]);
                }
                continue;
            }
            FloatVector s = FloatVector.fromArray(S, tile, AT + r, ROW_OF_TILE, 0, first);
            FloatVector v = beta != 0 ? s.fma(va, FloatVector.fromArray(S, c, ci, first).mul(vb)) : s.mul(va);
            v.intoArray(c, ci, first);
            if (two) {
                s = FloatVector.fromArray(S, tile, AT + L * NR + r, ROW_OF_TILE, 0, second);
                v = beta != 0 ? s.fma(va, FloatVector.fromArray(S, c, ci + L, second).mul(vb)) : s.mul(va);
                v.intoArray(c, ci + L, second);
            }
        }
    }
}
