package dev.jvk.kernels.gemm;

import dev.jvk.kernels.platform.Platform;
import dev.jvk.kernels.platform.Platform.Species;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float micro-kernels, chosen once per tile height: the one contract the whole GEMM hangs on (as in BLIS),
 * {@code C_tile = alpha * A_panel * B_panel + beta * C_tile} for an MR x kc panel of op(A) and a
 * kc x (2 or 1 vectors) panel of op(B), packed row by row ({@code b[bi + p * NR + j]}). The A
 * panel is packed k-major ({@code a[ai + p * MR + r]}: the {@code packed} kernels), or read where
 * it is stored, row r from {@code a[ai + r * lda]} (the {@code rows} kernels of the direct path,
 * which spares small and narrow products the packing of A).
 *
 * <p>Rules, as BLIS writes them down:
 * <ul>
 *   <li>The MR x NR accumulators are locals (FloatVectors in registers); each k step broadcasts MR
 *       values of A and multiplies them into the B vectors with fused multiply-adds. No loop over
 *       MR or NR inside, so every accumulator is its own register.</li>
 *   <li>k is not unrolled by hand: C2 then hoists every load of the unrolled body and runs out of
 *       registers (measured on SGEMM: 52 spill stores per iteration and a 3x slowdown).</li>
 *   <li>Indexes move by constants (or by p itself), so C2 hoists every bounds check out of the
 *       loop: one kernel for all layouts, with the steps as arguments, ran at 60% of this speed (SGEMM).</li>
 *   <li>C is never read when {@code beta == 0}, so a NaN there does not survive.</li>
 *   <li>Every element is {@code s = fma(a[p], b[p], s)} for p in order from 0, then
 *       {@code C = fma(alpha, s, beta * C)} (or {@code alpha * s} when beta is 0). Every kernel
 *       computes exactly this, which makes results independent of the path and of how C is split
 *       between threads.</li>
 *   <li>The C update is written out in each kernel, not called: C2 would not inline a helper
 *       into a method this large, and every vector passed to it would be boxed.</li>
 * </ul>
 * When {@code c} is null a kernel stores the raw accumulators into {@code tile} (row r, column j
 * at {@code tile[r * NR + j]}) and {@link #update} applies them to C: the path for edge tiles and
 * for C off-heap. The kernel bodies are regular by design, so they are generated
 * ({@link SgemmUnrolled}, from {@code kernels/gen/Unrolled.java}); a kernel of another height is one
 * more line there.
 *
 * <p>The narrow kernels (one vector wide) always store into {@code tile}: with the three C
 * updates written out as well, they grew past what C1 can compile ("out of virtual registers in
 * LIR generator"), and a method C1 gives up on can stay in the interpreter or at tier 2: a JMH
 * fork ran the 128x10x128 SGEMM at 0.7 GFLOP/s for all its 13 seconds. Their tiles are 8 to 16
 * vectors, so the extra pass through {@code tile} costs little.
 */
final class SgemmKernels {
    private static final VectorSpecies<Float> S = Species.FLOAT;
    private static final int L = S.length();
    /** Tile width in floats: two vectors. */
    static final int NR = Platform.NR_VECTORS * L; // the kernels below are written for 2 vectors
    /**
     * Rows of the small NN kernel's tile ({@link SgemmUnrolled#smallRows4x2}), which reads A's rows
     * where they are stored: 4 row addresses beside B's. With 8 rows (8 addresses) the same kernel
     * ran 15-20% slower (C2 spills the row addresses to the stack and to vector registers, and each
     * reload is a scalar uop on an FMA port), and copying 8 rows to one stride first cost 12% of a
     * 32^3 product (measured here).
     */
    static final int SMALL_ROWS = 4;
    /**
     * Whether the small NN product runs 4 or 6 vectors wide where B's panels allow ({@link SgemmUnrolled#tilesRows4x4},
     * {@link SgemmUnrolled#tilesRows4x6}: 21 and 31 vector registers; 4 vectors wide in 6-row tiles where there are 12 rows,
     * {@link SgemmUnrolled#tilesRows6x4}, 29; whole tiles, C updated in place):
     * only where MR is 8, the machines with 32 of them.
     */
    static final boolean SMALL_WIDE = Platform.MR == 8;
    /** The stride of A's rows copied for {@link SgemmUnrolled#tileCopied8x2}: a constant, so row r is a displacement off k's index; whole vectors. */
    static final int COPY_STRIDE = Platform.roundUp(Platform.KC, L);

    private SgemmKernels() {}

    /**
     * Copies {@code rows} rows of kc elements ({@code a[ai + r * lda + p]}) to {@code to[r * COPY_STRIDE + p]}
     * with whole vector moves, all rows at each step of L columns; the last kc % L columns as one more vector
     * per row that reads on into the elements after it (the kernel never reads them from {@code to}) unless
     * that runs off the array, where they are copied one by one. No {@code arraycopy} call per row: at kc = 32
     * the calls cost what the constant stride saved; masked or element by element, the last columns of kc = 40
     * ran 10-15% slower. The tail stays out of the whole-vector loop's bound: with that bound chosen at run
     * time (kc, or kc's whole vectors near the array's end) SGEMM 32^3 ran 17-31% slower (measured here).
     */
    static void copyRows(int rows, int kc, float[] a, int ai, int lda, float[] to) {
        int whole = S.loopBound(kc);
        for (int q = 0; q < whole; q += L) {
            for (int r = 0, at = ai + q; r < rows; r++, at += lda) {
                FloatVector.fromArray(S, a, at).intoArray(to, r * COPY_STRIDE + q);
            }
        }
        if (whole == kc) {
            return;
        }
        if (ai + (rows - 1) * lda + whole + L <= a.length) {
            for (int r = 0, at = ai + whole; r < rows; r++, at += lda) {
                FloatVector.fromArray(S, a, at).intoArray(to, r * COPY_STRIDE + whole);
            }
        } else {
            for (int q = whole; q < kc; q++) {
                for (int r = 0, at = ai + q; r < rows; r++, at += lda) {
                    to[r * COPY_STRIDE + q] = a[at];
                }
            }
        }
    }

    /** A kernel on a packed A panel ({@code a[ai + p * MR + r]}) and a packed B panel. */
    @FunctionalInterface
    interface OnPackedA {
        void run(int kc, float[] a, int ai, float[] b, int bi, float[] c, int ci, int ldc, float alpha, float beta, float[] tile);
    }

    /** A kernel on A as stored, row r of the tile from {@code a[ai + r * lda]}, and a packed B panel. */
    @FunctionalInterface
    interface OnRowsOfA {
        void run(int kc, float[] a, int ai, int lda, float[] b, int bi, float[] c, int ci, int ldc, float alpha, float beta, float[] tile);
    }

    /**
     * A kernel on A stored transposed or packed ({@code a[ai + p * lda + r]}) and op(B) where it is
     * stored, row p from {@code b[bi + p * ldb]}.
     */
    @FunctionalInterface
    interface BInPlace {
        void run(int kc, float[] a, int ai, int lda, float[] b, int bi, int ldb, float[] c, int ci, int ldc, float alpha, float beta, float[] tile);
    }

    /** A one-vector-wide kernel on A as stored, into {@code tile} only. */
    @FunctionalInterface
    interface Narrow {
        void run(int kc, float[] a, int ai, int lda, float[] b, int bi, float[] tile);
    }

    /**
     * The kernels of one register tile height, as the loop nest calls them. {@code packed}: MR x 2
     * vectors on packed panels; {@code packedNarrow}: MR x 1 vector, for a last panel of C no wider
     * than one vector; {@code rows}: MR x 2 vectors reading A in place; {@code colsNarrow}: 2 MR
     * rows x 1 vector reading A stored transposed (one k step's values contiguous); {@code small}:
     * MR x 2 vectors reading B where it is, and A stored transposed or packed (the small NN product
     * has one kernel for every MR: {@link #SMALL_ROWS}).
     */
    record KernelSet(OnPackedA packed, OnPackedA packedNarrow, OnRowsOfA rows, Narrow colsNarrow, BInPlace small) {}

    /**
     * The kernels for {@link Platform#MR}, chosen here once (BLIS registers its kernels in a context
     * the same way): a constant, so C2 binds every call through it to one method.
     */
    static final KernelSet KERNELS = Platform.MR == 8
            ? new KernelSet(SgemmUnrolled::packed8x2, SgemmUnrolled::packed8x1, SgemmUnrolled::rows8x2, SgemmUnrolled::colsNarrow16,
                    SgemmUnrolled::small8x2)
            : new KernelSet(SgemmUnrolled::packed6x2, SgemmUnrolled::packed6x1, SgemmUnrolled::rows6x2, SgemmUnrolled::colsNarrow12,
                    SgemmUnrolled::small6x2);

    /**
     * Applies a tile of raw accumulators (row r at {@code tile[r * NR]}) to the top-left
     * {@code rows x cols} corner of a C tile: {@code C = alpha * s + beta * C}, as the kernels do
     * when they write C in place. The masks are made once (made per row they cost more than the
     * row's update), and a row whose vectors would pass the end of {@code c} is updated lane by
     * lane: a masked access past an array's end, even with those lanes off, takes the Vector API's
     * slow path (measured at ~0.2 µs a row: half the update of a 128x10 C, whose last rows end at
     * the array's end).
     */
    static void update(float[] tile, int rows, int cols, float alpha, float beta, float[] c, int ci, int ldc) {
        update(tile, 0, NR, rows, cols, alpha, beta, c, ci, ldc);
    }

    /** As {@link #update}, the tile's rows {@code ts} apart from {@code t0}. */
    static void update(float[] tile, int t0, int ts, int rows, int cols, float alpha, float beta, float[] c, int ci, int ldc) {
        FloatVector va = FloatVector.broadcast(S, alpha);
        FloatVector vb = FloatVector.broadcast(S, beta);
        VectorMask<Float> first = S.indexInRange(0, cols);
        VectorMask<Float> second = S.indexInRange(L, cols);
        boolean two = cols > L;
        int reach = two ? NR : L;
        for (int r = 0; r < rows; r++, ci += ldc) {
            int t = t0 + r * ts;
            if (ci + reach > c.length) {
                for (int j = 0; j < cols; j++) {
                    c[ci + j] = update(tile[t + j], alpha, beta, c[ci + j]);
                }
                continue;
            }
            FloatVector s = FloatVector.fromArray(S, tile, t);
            FloatVector v = beta != 0 ? s.fma(va, FloatVector.fromArray(S, c, ci, first).mul(vb)) : s.mul(va);
            v.intoArray(c, ci, first);
            if (two) {
                s = FloatVector.fromArray(S, tile, t + L);
                v = beta != 0 ? s.fma(va, FloatVector.fromArray(S, c, ci + L, second).mul(vb)) : s.mul(va);
                v.intoArray(c, ci + L, second);
            }
        }
    }

    /** One element of C updated as the vectors do it: {@code fma(s, alpha, beta * c)}, or {@code s * alpha} when beta is 0 (c not read). */
    static float update(float s, float alpha, float beta, float c) {
        return beta != 0 ? Math.fma(s, alpha, c * beta) : s * alpha;
    }

    /** As {@link #update} for C off-heap; {@code ci} counts floats. */
    static void update(float[] tile, int rows, int cols, float alpha, float beta, MemorySegment c, long ci, int ldc) {
        update(tile, 0, NR, rows, cols, alpha, beta, c, ci, ldc);
    }

    /** As {@link #update} off-heap, the tile's rows {@code ts} apart from {@code t0}. */
    static void update(float[] tile, int t0, int ts, int rows, int cols, float alpha, float beta, MemorySegment c, long ci, int ldc) {
        FloatVector va = FloatVector.broadcast(S, alpha);
        FloatVector vb = FloatVector.broadcast(S, beta);
        ByteOrder order = ByteOrder.nativeOrder();
        for (int r = 0; r < rows; r++, ci += ldc) {
            for (int j = 0; j < cols; j += L) {
                VectorMask<Float> in = S.indexInRange(j, cols);
                long at = (ci + j) * Float.BYTES;
                FloatVector s = FloatVector.fromArray(S, tile, t0 + r * ts + j);
                FloatVector v = beta != 0
                        ? s.fma(va, FloatVector.fromMemorySegment(S, c, at, order, in).mul(vb))
                        : s.mul(va);
                v.intoMemorySegment(c, at, order, in);
            }
        }
    }
}
