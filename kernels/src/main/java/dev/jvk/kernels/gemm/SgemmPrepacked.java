package dev.jvk.kernels.gemm;

import dev.jvk.kernels.platform.Platform;
import dev.jvk.kernels.platform.Platform.Species;
import dev.jvk.kernels.spi.GemmKernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Cleaner;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float GEMM on a B packed once and kept by the caller ({@code dev.jvk.kernels.PackedMatrix}): a
 * layer's weights, multiplied by every batch that comes. B is packed in {@link Sgemm}'s panels but in K blocks of
 * its own, deeper ({@link #kBlocks}: one block up to 1024 terms): each element of C is computed by the same kernels'
 * chains of multiply-adds as {@link Sgemm} computes it, block by block, so where both cut k alike (k up to KC) the
 * bits are {@link Sgemm}'s; no call packs B.
 *
 * <pre>
 * for ic in m, step MC              rows of C (and of A)
 *   (pack A, MC x K, every K block at once when it fits: Product.packWholeRows)
 *   for kb in K blocks              in order: each adds its block of the sum into C
 *     pack A (MC x KC), unless packed above
 *     for jr in n, step 3 vectors   one and a half prepacked B panels (KC x NR each), where MR is 8
 *       for ir in mc, step MR         whole 8-row tiles: the 8 x 3-vector kernel
 *     the rest (columns past the last 3 vectors, rows below the last whole tile): panel by panel, 8 x 2 / 8 x 1
 * </pre>
 * A narrow C with A as stored and k deep takes {@link SgemmNarrowDot}'s dot products, as {@link Sgemm} does.
 * Other C no wider than one vector (a classifier's output layer) takes the path {@link Sgemm} takes for it: C^T
 * with C's rows in the vector lanes ({@link SgemmNarrowT}) from NR rows on, else the one-vector kernels of
 * the narrow path, A read in place. A single row of A (batch-1 inference) is memory-bound
 * on B: it streams four panels at once with the row's value broadcast, never packing A or padding it
 * to a register tile, and sums each element in the same order as the tiles do (so one row gets the
 * bits it would get in a larger product). Threads split the column panels (nothing is packed twice
 * but A, the small operand here), or the rows when there are fewer panels than threads.
 * Arrays only; {@code m > 0}, {@code n > 0}, arguments checked by the public class.
 */
final class SgemmPrepacked {
    private static final VectorSpecies<Float> S = Species.FLOAT;
    private static final int L = S.length();
    private static final int MR = Platform.MR;
    private static final int NR = SgemmKernels.NR;
    private static final int MC = Platform.roundUp(Platform.MC, MR);
    private static final int PACKED_KC = Platform.PACKED_KC;
    private static final SgemmKernels.KernelSet KERNELS = SgemmKernels.KERNELS;
    /**
     * The most floats of A packed at once for all K blocks ({@link Product#packWholeRows}): 128 rows of
     * 784 inputs (401 KB) and more fit; beyond it each K block packs its own piece, and the packed rows
     * need no more than the workspace's one block.
     */
    private static final long WHOLE_ROWS_MAX = 1 << 17;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** Where a K block of panels starts: a cache line (64 bytes on every machine jvk targets). */
    private static final long LINE = 64;
    /** The packed-path micro-kernels of {@link Platform#MR} rows on B in a segment, chosen once as {@link SgemmKernels#KERNELS} is. */
    private static final OnPanels PANELS = Platform.MR == 8 ? SgemmSegmentUnrolled::packed8x2 : SgemmSegmentUnrolled::packed6x2;
    private static final OnPanels PANEL_NARROW = Platform.MR == 8 ? SgemmSegmentUnrolled::packed8x1 : SgemmSegmentUnrolled::packed6x1;
    /**
     * Columns of the widest tile on the packed panels: 8 rows by 3 vectors (24 accumulators, each load of B
     * serving 8 rows and 3 loads per 8 broadcasts, against 8 x 2's 2), where the tile is 8 rows and the machine
     * has the 32 vector registers it takes; 0 elsewhere (6 rows: 16 registers).
     */
    private static final int WIDE = Platform.MR == 8 ? 3 * L : 0;
    /** Whether 8 rows of A are packed by the 8-row transposition (which needs 8 or 16 lanes): {@link #packAMapped}. */
    private static final boolean TRANSPOSE8 = Platform.MR == 8 && SgemmPacking.ROUNDS != null;
    /** Frees the native memory of a {@link Packed} that nobody closed once it is unreachable. */
    private static final Cleaner CLEANER = Cleaner.create();

    private SgemmPrepacked() {}

    /**
     * K blocks of a prepacked product: equal blocks (sizes differ by at most one) of at most {@link Platform#PACKED_KC}
     * terms, so up to 1024 deep one block, one pass over C. Deeper than {@link Sgemm#kBlocks}' KC because nothing
     * here packs B per call: a deeper block only moves the panels the 8 x 3 tile reads from L1 to L2 (at 196 deep its
     * 37 KB of them already pass a 32 KB L1), while every block beyond the first reads and writes C again: at 784 x 256 one block of 784 took predict from 1.08 to 1.045 of ONNX Runtime's time at batch 128 and
     * from 1.12 to 1.05 at 1024 on one thread, against four blocks of 196 (bench/RESULTS-onnx.md, Zen 4).
     * Like KC it fixes the order of every sum, so it depends on k alone, never on the machine.
     */
    static int kBlocks(int k) {
        return (k + PACKED_KC - 1) / PACKED_KC;
    }

    /** {@link SgemmKernels.OnPackedA} with B in a segment, {@code bi} in bytes ({@link SgemmSegmentUnrolled}). */
    @FunctionalInterface
    interface OnPanels {
        void run(int kc, float[] a, int ai, MemorySegment b, long bi, float[] c, int ci, int ldc, float alpha, float beta, float[] tile);
    }

    /**
     * op(B) packed per K block: for n no wider than one vector, rows of one vector in arrays (the narrow paths'
     * form, a few KB read from L1); otherwise panels of NR columns in native memory, every K block from a cache
     * line on, freed by {@link #free} or, failing that, when the holder is unreachable.
     */
    static final class Packed implements GemmKernels.PackedB {
        /** Each K block's rows of one vector, for n no wider than one; else null. */
        final float[][] rows;
        /** Otherwise every K block's panels, block after block; else null. */
        final MemorySegment panels;
        /** Where each K block starts in {@link #panels}, in bytes (a multiple of {@link #LINE}). */
        final long[] blockAt;
        private final Cleaner.Cleanable cleanable;

        private Packed(float[][] rows) {
            this.rows = rows;
            this.panels = null;
            this.blockAt = null;
            this.cleanable = null;
        }

        private Packed(long[] blockAt, long bytes) {
            Arena arena = Arena.ofShared();
            this.rows = null;
            this.panels = arena.allocate(bytes, LINE);
            this.blockAt = blockAt;
            this.cleanable = CLEANER.register(this, arena::close);
        }

        /** K blocks: as many as {@link SgemmPrepacked#kBlocks} cuts k into. */
        int blocks() {
            return rows != null ? rows.length : blockAt.length;
        }

        @Override
        public void free() {
            if (cleanable != null) {
                cleanable.clean();
            }
        }
    }

    /** op(B), {@code k x n}, packed per K block: panels of NR columns, or rows of one vector when n is no wider than one. */
    static Packed packB(boolean transB, int k, int n, float[] b, int bo, int ldb) {
        int kBlocks = kBlocks(k);
        if (n <= L) {
            float[][] blocks = new float[kBlocks][];
            for (int kb = 0, pc = 0; kb < kBlocks; kb++) {
                int kc = (k - pc) / (kBlocks - kb);
                blocks[kb] = new float[L * kc];
                SgemmPacking.packBNarrow(b, bo, ldb, transB, pc, kc, n, blocks[kb]);
                pc += kc;
            }
            return new Packed(blocks);
        }
        int width = Platform.roundUp(n, NR);
        long[] blockAt = new long[kBlocks];
        long bytes = 0;
        for (int kb = 0, pc = 0; kb < kBlocks; kb++) {
            int kc = (k - pc) / (kBlocks - kb);
            blockAt[kb] = bytes;
            bytes = (bytes + (long) width * kc * Float.BYTES + LINE - 1) / LINE * LINE;
            pc += kc;
        }
        Packed packed = new Packed(blockAt, bytes);
        // each block packed on the heap by the one packing routine, then copied in
        float[] block = new float[kBlocks == 0 ? 0 : width * ((k + kBlocks - 1) / kBlocks)];
        for (int kb = 0, pc = 0; kb < kBlocks; kb++) {
            int kc = (k - pc) / (kBlocks - kb);
            SgemmPacking.packB(b, bo, ldb, transB, pc, 0, kc, n, block, 0);
            MemorySegment.copy(block, 0, packed.panels, ValueLayout.JAVA_FLOAT, blockAt[kb], width * kc);
            pc += kc;
        }
        return packed;
    }

    /** {@code C = alpha * op(A) * B + beta * C}, B from {@link #packB} with {@code transB}. */
    static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int ao, int lda,
                     Packed bp, float beta, float[] c, int co, int ldc) {
        if (alpha == 0 || k == 0) {
            Sgemm.scale(beta, c, co, ldc, m, n);
            return;
        }
        Workspace workspace = Workspace.acquire();
        try {
            run(workspace, workspace.prepackedProduct().set(transA, transB, m, n, k, alpha, a, ao, lda, bp, beta, c, co, ldc));
        } finally {
            Workspace.release(workspace);
        }
    }

    /**
     * {@link #gemm} of A as stored with column p of A read as {@code (a - shift[so + p]) * scale[sco + p]}
     * ({@link #mapRow}): the bits of {@link #gemm} on a mapped copy of A. Where the product packs A
     * (the register tiles) the map is applied as A is packed and no copy is made; the paths that read A in place
     * (dot products, one row, C no wider than one vector) read a mapped copy made first in the workspace.
     */
    static void gemmMapped(boolean transB, int m, int n, int k, float alpha, float[] a, int ao, int lda,
                           float[] shift, int so, float[] scale, int sco, Packed bp, float beta, float[] c, int co, int ldc) {
        if (alpha == 0 || k == 0) {
            Sgemm.scale(beta, c, co, ldc, m, n);
            return;
        }
        Workspace workspace = Workspace.acquire();
        try {
            Product p = workspace.prepackedProduct();
            // range's order of paths: only its register tiles pack A
            if (!SgemmNarrowDot.takes(false, transB, n, k) && m > 1 && n > L) {
                run(workspace, p.set(false, transB, m, n, k, alpha, a, ao, lda, bp, beta, c, co, ldc).mapped(shift, so, scale, sco));
            } else {
                float[] mapped = workspace.floatMappedA(m * k);
                for (int i = 0; i < m; i++) {
                    mapRow(a, ao + i * lda, shift, so, scale, sco, mapped, i * k, k);
                }
                run(workspace, p.set(false, transB, m, n, k, alpha, mapped, 0, k, bp, beta, c, co, ldc));
            }
        } finally {
            Workspace.release(workspace);
        }
    }

    /** Runs the product set in {@code p} (this thread's), on GEMM's threads when it pays, and clears it. */
    private static void run(Workspace workspace, Product p) {
        int m = p.m, n = p.n, k = p.k;
        int wanted = GemmThreads.forProduct(m, n, k, Float.BYTES);
        int rowPanels = (m + MR - 1) / MR;
        int colPanels = n <= L ? 1 : (n + NR - 1) / NR;
        try {
            if (wanted <= 1) {
                p.range(workspace, 0, m, 0, n);
            } else {
                boolean columns = colPanels >= wanted;
                GemmPool.run(columns ? p.byColumns : p.byRows, Math.min(wanted, columns ? colPanels : rowPanels), workspace);
            }
        } finally {
            p.clear();
        }
    }

    /**
     * One call's operands, kept by the calling thread's {@link Workspace} and set for each call (a call
     * allocates nothing), cleared when it ends so that no caller's array stays reachable.
     */
    static final class Product {
        private boolean transA;
        /** How B was stored when packed: it chooses the path as in {@link Sgemm#path} (not the layout, which is op(B)'s). */
        private boolean transB;
        private int m, n, k, ao, lda, co, ldc;
        private float alpha, beta;
        private float[] a, c;
        private Packed bp;
        /** A's column map as it is packed ({@link #mapped}), or null. */
        private float[] shift, scale;
        private int so, sco;
        private final Split byColumns = new Split(true);
        private final Split byRows = new Split(false);

        Product set(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int ao, int lda,
                    Packed bp, float beta, float[] c, int co, int ldc) {
            this.transA = transA;
            this.transB = transB;
            this.m = m;
            this.n = n;
            this.k = k;
            this.alpha = alpha;
            this.a = a;
            this.ao = ao;
            this.lda = lda;
            this.bp = bp;
            this.beta = beta;
            this.c = c;
            this.co = co;
            this.ldc = ldc;
            return this;
        }

        /** Maps A's columns as it is packed ({@link SgemmPrepacked#gemmMapped}); {@link #clear} ends it. */
        Product mapped(float[] shift, int so, float[] scale, int sco) {
            this.shift = shift;
            this.so = so;
            this.scale = scale;
            this.sco = sco;
            return this;
        }

        void clear() {
            a = null;
            c = null;
            bp = null;
            shift = null;
            scale = null;
        }

        /**
         * Packs rows [i0, i0 + mc), columns [p0, p0 + kc) of op(A) from {@code ap[apo]}, mapped when {@link #mapped}
         * (through {@code stage}, MR x kc floats).
         */
        private void packA(int i0, int p0, int mc, int kc, float[] ap, int apo, float[] stage) {
            if (shift == null) {
                SgemmPacking.packA(a, ao, lda, transA, i0, p0, mc, kc, MR, ap, apo);
            } else {
                packAMapped(a, ao, lda, i0, p0, mc, kc, ap, apo, shift, so + p0, scale, sco + p0, stage);
            }
        }

        /** The parts of a call on several threads: ranges of whole column panels, or of whole MR row panels. */
        private final class Split implements GemmPool.Task {
            private final boolean columns;

            Split(boolean columns) {
                this.columns = columns;
            }

            @Override
            public void runPart(int part, int parts, Workspace workspace, GemmPool.Waiting waiting) {
                if (columns) {
                    int panels = (n + NR - 1) / NR;
                    range(workspace, 0, m, part * panels / parts * NR, Math.min(n, (part + 1) * panels / parts * NR));
                } else {
                    int panels = (m + MR - 1) / MR;
                    range(workspace, part * panels / parts * MR, Math.min(m, (part + 1) * panels / parts * MR), 0, n);
                }
            }
        }

        /** Rows [i0, i1) and columns [j0, j1) of C (j0 on a panel's edge), every K block. */
        void range(Workspace workspace, int i0, int i1, int j0, int j1) {
            if (SgemmNarrowDot.takes(transA, transB, n, k)) {
                dot(workspace, i0, i1);
                return;
            }
            if (m == 1) {
                oneRow(workspace, j0, j1);
                return;
            }
            if (n <= L) {
                narrow(workspace, i0, i1);
                return;
            }
            int kBlocks = bp.blocks();
            int kcMax = (k + kBlocks - 1) / kBlocks;
            int mcMax = Platform.roundUp(Math.min(MC, i1 - i0), MR);
            boolean wholeRows = !transA && kBlocks > 1 && (long) mcMax * k <= WHOLE_ROWS_MAX;
            float[] ap = workspace.floatPackedA(mcMax * (wholeRows ? k : kcMax));
            float[] tile = workspace.floatTile(MR * NR);
            float[] stage = shift == null ? null : workspace.floatStage(MR * kcMax);
            for (int ic = i0; ic < i1; ic += MC) {
                int mc = Math.min(MC, i1 - ic);
                if (wholeRows) {
                    packWholeRows(ic, mc, ap, stage);
                }
                int pc = 0;
                for (int kb = 0; kb < kBlocks; kb++) {
                    int kc = (k - pc) / (kBlocks - kb);
                    float betaK = pc == 0 ? beta : 1; // later K blocks add to what the first wrote
                    int apo = wholeRows ? Platform.roundUp(mc, MR) * pc : 0;
                    if (!wholeRows) {
                        packA(ic, pc, mc, kc, ap, 0, stage);
                    }
                    tiles(ap, apo, bp.blockAt[kb], tile, ic, mc, j0, j1, kc, betaK);
                    pc += kc;
                }
            }
        }

        /**
         * Packs rows [ic, ic + mc) of A (stored as is) for every K block at once, each block where the
         * per-block packing would put it ({@code roundUp(mc, MR) * pc} on): MR rows at a time, each row read
         * from its first element to its last, so a batch beyond the caches streams in as MR sequential
         * reads rather than one short piece of every row per K block.
         */
        private void packWholeRows(int ic, int mc, float[] ap, float[] stage) {
            int blockRows = Platform.roundUp(mc, MR);
            int kBlocks = bp.blocks();
            for (int ir = 0; ir < mc; ir += MR) {
                int rows = Math.min(MR, mc - ir);
                int pc = 0;
                for (int kb = 0; kb < kBlocks; kb++) {
                    int kc = (k - pc) / (kBlocks - kb);
                    packA(ic + ir, pc, rows, kc, ap, blockRows * pc + ir * kc, stage);
                    pc += kc;
                }
            }
        }

        /**
         * Every register tile of one packed A block (rows ic..ic+mc, from {@code ap[apo]}) times columns [j0, j1) of the
         * prepacked K block at byte {@code block} of the panels: whole 8-row tiles of {@link #WIDE} columns first
         * (one and a half NR panels each, {@link SgemmSegmentUnrolled#packed8x3}), the rest, and the rows below the
         * last whole tile, through the NR and one-vector kernels, a panel's piece at a time. Every element is the
         * same chain of FMAs over the block from zero and the same update in any of these kernels: the same bits.
         */
        private void tiles(float[] ap, int apo, long block, float[] tile, int ic, int mc, int j0, int j1, int kc, float betaK) {
            MemorySegment b = bp.panels;
            int jr = j0;
            if (WIDE > 0) {
                int whole = mc / MR * MR;
                for (; jr + WIDE <= j1; jr += WIDE) {
                    long b0 = at(block, jr, kc);
                    long d1 = at(block, jr + L, kc) - b0;
                    long d2 = at(block, jr + 2 * L, kc) - b0;
                    for (int ir = 0; ir < whole; ir += MR) {
                        SgemmSegmentUnrolled.packed8x3(kc, ap, apo + ir * kc, b, b0, d1, d2, c, co + (ic + ir) * ldc + jr, ldc,
                                alpha, betaK);
                    }
                    if (whole < mc) {
                        for (int j = jr, cols; j < jr + WIDE; j += cols) {
                            cols = Math.min(NR - j % NR, jr + WIDE - j);
                            piece(ap, apo, block, tile, ic, whole, mc - whole, j, cols, kc, betaK);
                        }
                    }
                }
            }
            for (int cols; jr < j1; jr += cols) {
                cols = Math.min(NR - jr % NR, j1 - jr);
                for (int ir = 0; ir < mc; ir += MR) {
                    piece(ap, apo, block, tile, ic, ir, Math.min(MR, mc - ir), jr, cols, kc, betaK);
                }
            }
        }

        /**
         * Rows [ir, ir + rows) of the packed A block times columns [jr, jr + cols) of one panel: the whole panel
         * (2 vectors), or one vector of it from {@code jr}, which may be the panel's second vector.
         */
        private void piece(float[] ap, int apo, long block, float[] tile, int ic, int ir, int rows, int jr, int cols, int kc,
                           float betaK) {
            boolean narrow = cols <= L;
            int ci = co + (ic + ir) * ldc + jr;
            boolean full = rows == MR && cols == (narrow ? L : NR);
            float[] target = full ? c : null;
            long bi = at(block, jr, kc);
            if (narrow) {
                PANEL_NARROW.run(kc, ap, apo + ir * kc, bp.panels, bi, target, ci, ldc, alpha, betaK, tile);
            } else {
                PANELS.run(kc, ap, apo + ir * kc, bp.panels, bi, target, ci, ldc, alpha, betaK, tile);
            }
            if (!full) {
                SgemmKernels.update(tile, rows, cols, alpha, betaK, c, ci, ldc);
            }
        }

        /**
         * Columns [j0, j1) of a C of one row: per K block, four column panels at a time (eight chains of
         * fused multiply-adds, enough to hide their latency, and four streams of B), then one at a time, then
         * C updated as the tiles update it. Each element is the chain over its K block from zero, as in a tile.
         */
        private void oneRow(Workspace workspace, int j0, int j1) {
            float[] tile = workspace.floatTile(4 * NR);
            int step = transA ? lda : 1;
            int kBlocks = bp.blocks();
            int pc = 0;
            for (int kb = 0; kb < kBlocks; kb++) {
                int kc = (k - pc) / (kBlocks - kb);
                float betaK = pc == 0 ? beta : 1;
                int ai = ao + pc * step;
                if (n <= L) {
                    rowTimesNarrow(kc, a, ai, step, bp.rows[kb], tile);
                    SgemmKernels.update(tile, 1, n, alpha, betaK, c, co, ldc);
                } else {
                    MemorySegment b = bp.panels;
                    long block = bp.blockAt[kb];
                    int jr = j0;
                    for (; jr + 4 * NR <= j1; jr += 4 * NR) {
                        rowTimesFourPanels(kc, a, ai, step, b, block + (long) jr * kc * Float.BYTES, tile);
                        // the four panels lie side by side in C's row: update them as four rows NR apart
                        SgemmKernels.update(tile, 4, NR, alpha, betaK, c, co + jr, NR);
                    }
                    for (; jr < j1; jr += NR) {
                        rowTimesPanel(kc, a, ai, step, b, block + (long) jr * kc * Float.BYTES, tile);
                        SgemmKernels.update(tile, 1, Math.min(NR, j1 - jr), alpha, betaK, c, co + jr, ldc);
                    }
                }
                pc += kc;
            }
        }

        /**
         * Rows [i0, i1) as {@link Sgemm}'s path NARROW_DOT computes them ({@link SgemmNarrowDot}), a single row
         * too (its order does not depend on the rows around it): op(B)^T gathered from the K blocks, then the
         * dot products.
         */
        private void dot(Workspace workspace, int i0, int i1) {
            int kp = Platform.roundUp(k, L);
            float[] bt = workspace.floatPackedB(n * kp);
            int ld = n <= L ? L : NR; // the blocks' row: packBNarrow's, or the one panel of packB's (n is under NR here)
            int kBlocks = bp.blocks();
            float[] staged = n <= L ? null : workspace.floatStage(NR * ((k + kBlocks - 1) / kBlocks));
            int pc = 0;
            for (int kb = 0; kb < kBlocks; kb++) {
                int kc = (k - pc) / (kBlocks - kb);
                float[] block = bp.rows != null ? bp.rows[kb] : staged;
                if (block == staged) {
                    MemorySegment.copy(bp.panels, ValueLayout.JAVA_FLOAT, bp.blockAt[kb], staged, 0, NR * kc);
                }
                // the block holds rows pc.. of op(B) from its start
                SgemmNarrowDot.packBT(block, -pc * ld, ld, false, pc, kc, n, bt, kp);
                pc += kc;
            }
            SgemmNarrowDot.rows(n, k, alpha, a, ao, lda, bt, kp, beta, c, null, co, ldc, workspace, i0, i1);
        }

        /**
         * Rows [i0, i1) of a C no wider than one vector and at least NR rows tall, as {@link Sgemm}'s path
         * NARROW_T computes them ({@link SgemmNarrowT}: C^T with C's rows in the lanes, every lane useful; the
         * one-vector kernels leave 6 of 16 lanes idle at n = 10).
         */
        private void narrowTransposed(Workspace workspace, int kcMax, int i0, int i1) {
            int pc = 0;
            for (int kb = 0; kb < bp.rows.length; kb++) {
                int kc = (k - pc) / (bp.rows.length - kb);
                // rows[kb] holds rows pc.. of op(B) from its start: the offset -pc * L makes row p's index (p - pc) * L
                SgemmNarrowT.body(transA, false, n, alpha, a, ao, lda, bp.rows[kb], -pc * L, L, pc == 0 ? beta : 1, c, co, ldc,
                        workspace, kcMax, pc, kc, i0, i1);
                pc += kc;
            }
        }

        /**
         * Rows [i0, i1) of a C no wider than one vector, as {@link Sgemm}'s narrow path computes them: A read in
         * place 8 rows at a time (2 MR when stored transposed), the rows below the last whole tile packed.
         */
        private void narrow(Workspace workspace, int i0, int i1) {
            int kBlocks = bp.rows.length;
            int kcMax = (k + kBlocks - 1) / kBlocks;
            if (m >= NR) {
                narrowTransposed(workspace, kcMax, i0, i1);
                return;
            }
            int tall = 2 * MR;
            int step = transA ? tall : 8;
            int inPlace = i0 + (i1 - i0) / step * step;
            float[] ap = workspace.floatPackedA(tall * kcMax);
            float[] tile = workspace.floatTile(tall * NR);
            int pc = 0;
            for (int kb = 0; kb < kBlocks; kb++) {
                int kc = (k - pc) / (kBlocks - kb);
                float betaK = pc == 0 ? beta : 1;
                float[] b = bp.rows[kb];
                for (int ir = i0; ir < inPlace; ir += step) {
                    if (transA) {
                        KERNELS.colsNarrow().run(kc, a, ao + pc * lda + ir, lda, b, 0, tile);
                    } else {
                        SgemmUnrolled.rowsNarrow8(kc, a, ao + ir * lda + pc, lda, b, 0, tile);
                    }
                    SgemmKernels.update(tile, step, n, alpha, betaK, c, co + ir * ldc, ldc);
                }
                if (inPlace < i1) {
                    SgemmPacking.packA(a, ao, lda, transA, inPlace, pc, i1 - inPlace, kc, tall, ap);
                    KERNELS.colsNarrow().run(kc, ap, 0, tall, b, 0, tile);
                    SgemmKernels.update(tile, i1 - inPlace, n, alpha, betaK, c, co + inPlace * ldc, ldc);
                }
                pc += kc;
            }
        }
    }

    /**
     * {@code SgemmPacking.packA} of rows [i0, i0 + mc), columns [p0, p0 + kc) of A as stored into panels of MR rows from
     * {@code ap[apo]}, with column {@code p0 + p} read as {@code (a - shift[so + p]) * scale[sco + p]} ({@link #mapRow}):
     * the values packA takes from a mapped copy of A, which is never made. Whole groups of 8 rows are mapped as the
     * 8-row transposition loads them; other groups are mapped into {@code stage} (MR x kc) and packed from there.
     */
    private static void packAMapped(float[] a, int ao, int lda, int i0, int p0, int mc, int kc, float[] ap, int apo,
                                    float[] shift, int so, float[] scale, int sco, float[] stage) {
        for (int ir = 0; ir < mc; ir += MR) {
            int rows = Math.min(MR, mc - ir);
            int dst = apo + ir * kc;
            int src = ao + (i0 + ir) * lda + p0;
            if (TRANSPOSE8 && rows == 8) {
                int done = kc - kc % L;
                SgemmSegmentUnrolled.transposeToAMapped(a, src, lda, done, shift, so, scale, sco, ap, dst);
                for (int p = done; p < kc; p++) {
                    for (int r = 0; r < 8; r++) {
                        ap[dst + p * 8 + r] = (a[src + r * lda + p] - shift[so + p]) * scale[sco + p];
                    }
                }
                continue;
            }
            for (int r = 0; r < rows; r++) {
                mapRow(a, src + r * lda, shift, so, scale, sco, stage, r * kc, kc);
            }
            SgemmPacking.packA(stage, 0, kc, false, 0, 0, rows, kc, MR, ap, dst);
        }
    }

    /**
     * {@code y[yo + i] = (x[xo + i] - shift[so + i]) * scale[sco + i]} for {@code i < n}: the difference rounded to
     * float, then the product (never one fused operation), as a scalar loop of them or a subtraction then a product
     * in two passes round them (the map of a model's feature scaling).
     */
    private static void mapRow(float[] x, int xo, float[] shift, int so, float[] scale, int sco, float[] y, int yo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, x, xo + i).sub(FloatVector.fromArray(S, shift, so + i))
                    .mul(FloatVector.fromArray(S, scale, sco + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] = (x[xo + i] - shift[so + i]) * scale[sco + i];
        }
    }

    /** Byte of column {@code col}'s first row in the K block of depth {@code kc} at byte {@code block}: panels of NR columns, k-major. */
    private static long at(long block, int col, int kc) {
        return block + ((long) (col / NR) * kc * NR + col % NR) * Float.BYTES;
    }

    /** {@code tile[0, 4 NR)} = one row of A ({@code a[ai + p * step]}) times four adjacent packed panels of B from byte {@code bi}. */
    private static void rowTimesFourPanels(int kc, float[] a, int ai, int step, MemorySegment b, long bi, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        long panel = (long) kc * NR * Float.BYTES;
        long b0 = bi, b1 = b0 + panel, b2 = b1 + panel, b3 = b2 + panel;
        int lb = L * Float.BYTES;
        for (int p = 0; p < kc; p++, ai += step) {
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            long o = (long) p * NR * Float.BYTES;
            c00 = x.fma(FloatVector.fromMemorySegment(S, b, b0 + o, ORDER), c00);
            c01 = x.fma(FloatVector.fromMemorySegment(S, b, b0 + o + lb, ORDER), c01);
            c10 = x.fma(FloatVector.fromMemorySegment(S, b, b1 + o, ORDER), c10);
            c11 = x.fma(FloatVector.fromMemorySegment(S, b, b1 + o + lb, ORDER), c11);
            c20 = x.fma(FloatVector.fromMemorySegment(S, b, b2 + o, ORDER), c20);
            c21 = x.fma(FloatVector.fromMemorySegment(S, b, b2 + o + lb, ORDER), c21);
            c30 = x.fma(FloatVector.fromMemorySegment(S, b, b3 + o, ORDER), c30);
            c31 = x.fma(FloatVector.fromMemorySegment(S, b, b3 + o + lb, ORDER), c31);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
    }

    /** {@code tile[0, NR)} = one row of A times one packed panel of B from byte {@code bi}. */
    private static void rowTimesPanel(int kc, float[] a, int ai, int step, MemorySegment b, long bi, float[] tile) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0;
        for (int p = 0; p < kc; p++, ai += step, bi += NR * Float.BYTES) {
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c0 = x.fma(FloatVector.fromMemorySegment(S, b, bi, ORDER), c0);
            c1 = x.fma(FloatVector.fromMemorySegment(S, b, bi + L * Float.BYTES, ORDER), c1);
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, L);
    }

    /** {@code tile[0, L)} = one row of A times B packed in rows of one vector ({@link #packB} for n no wider than one). */
    private static void rowTimesNarrow(int kc, float[] a, int ai, int step, float[] b, float[] tile) {
        FloatVector s = FloatVector.zero(S);
        for (int p = 0; p < kc; p++, ai += step) {
            s = FloatVector.broadcast(S, a[ai]).fma(FloatVector.fromArray(S, b, p * L), s);
        }
        s.intoArray(tile, 0);
    }
}
