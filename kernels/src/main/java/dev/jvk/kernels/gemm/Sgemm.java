package dev.jvk.kernels.gemm;

import dev.jvk.kernels.platform.Platform;
import dev.jvk.kernels.platform.Platform.Species;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float GEMM, {@code C = alpha * op(A) * op(B) + beta * C}, row-major: the BLIS loop nest around
 * the micro-kernels of {@link SgemmKernels}, with the packing of {@link SgemmPacking}, and a direct
 * path for small and narrow products.
 *
 * <pre>
 * for jc in n, step NC          B block: KC x NC of op(B), packed once, lives in L3
 *   for pc in k, step KC        (KC never split between threads: the order of every sum is fixed)
 *     pack B
 *     for ic in m, step MC      A block: MC x KC of op(A), packed, lives in L2
 *       pack A
 *       for jr in nc, step NR   B panel: KC x NR, lives in L1
 *         for ir in mc, step MR
 *           micro-kernel: C[ir.., jr..] = alpha * A panel * B panel + (pc == 0 ? beta : 1) * C
 * </pre>
 * The direct path (small products, whose operands sit in L1 or L2 anyway, and narrow ones, n no
 * wider than a vector, where packing A would cost as much as the product) runs the same kernels on
 * A and B where they are: only a transposed B and the ragged edges are packed. It uses the same
 * K blocks and the same kernels, so every element is computed exactly as on the packed path: the
 * choice of path, like the number of threads, never changes a bit of C.
 *
 * <p>Threads split C into row ranges (the IC loop) or column ranges (the JC loop), whole panels
 * each; every part runs the nest on its own range with its own packing buffers. Arguments are
 * checked by {@code dev.jvk.kernels.Gemm} before they get here; {@code m > 0} and {@code n > 0}.
 */
public final class Sgemm implements GemmPool.Task {
    private static final VectorSpecies<Float> S = Species.FLOAT;
    private static final int L = S.length();
    private static final int MR = Platform.MR;
    private static final int NR = SgemmKernels.NR;
    private static final int KC = Platform.KC;
    private static final int MC = Platform.roundUp(Platform.MC, MR);
    private static final int NC = Platform.roundUp(Platform.NC, NR);
    /** Any thread but the caller: confined segments are not accessible by it. */
    private static final Thread ANOTHER_THREAD = new Thread(() -> { });

    // One call's arguments. The object is the calling thread's own (Workspace.sgemm); the pool's
    // workers read it while the call runs. Exactly one of xArray and xSegment is non-null.
    private boolean transA;
    private boolean transB;
    private int m;
    private int n;
    private int k;
    private float alpha;
    private float beta;
    private float[] aArray;
    private float[] bArray;
    private float[] cArray;
    private MemorySegment aSegment;
    private MemorySegment bSegment;
    private MemorySegment cSegment;
    private long aOffset;
    private long bOffset;
    private long cOffset;
    private int lda;
    private int ldb;
    private int ldc;
    // The path, and how the call is split: parts ranges of whole panels along the rows (or
    // columns) of C.
    private boolean direct;
    private int parts;
    private boolean splitRows;

    Sgemm() {}

    /** {@code C = alpha * op(A) * op(B) + beta * C} on arrays. */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k,
                            float alpha, float[] a, int aOffset, int lda,
                            float[] b, int bOffset, int ldb,
                            float beta, float[] c, int cOffset, int ldc) {
        if (alpha == 0 || k == 0) {
            scale(beta, c, cOffset, ldc, m, n);
            return;
        }
        Workspace workspace = Workspace.acquire();
        Sgemm call = workspace.sgemm;
        call.shape(transA, transB, m, n, k, alpha, beta, lda, ldb, ldc);
        call.aArray = a;
        call.bArray = b;
        call.cArray = c;
        call.aOffset = aOffset;
        call.bOffset = bOffset;
        call.cOffset = cOffset;
        call.direct = n <= L || (long) m * n * k <= Platform.DIRECT_MAX;
        call.run(true, workspace);
    }

    /** {@code C = alpha * op(A) * op(B) + beta * C} on segments; offsets count floats. */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k,
                            float alpha, MemorySegment a, long aOffset, int lda,
                            MemorySegment b, long bOffset, int ldb,
                            float beta, MemorySegment c, long cOffset, int ldc) {
        if (alpha == 0 || k == 0) {
            scale(beta, c, cOffset, ldc, m, n);
            return;
        }
        Workspace workspace = Workspace.acquire();
        Sgemm call = workspace.sgemm;
        call.shape(transA, transB, m, n, k, alpha, beta, lda, ldb, ldc);
        call.aSegment = a;
        call.bSegment = b;
        call.cSegment = c;
        call.aOffset = aOffset;
        call.bOffset = bOffset;
        call.cOffset = cOffset;
        call.direct = false; // the direct path reads arrays only; the packed path computes the same bits
        boolean shareable = a.isAccessibleBy(ANOTHER_THREAD) && b.isAccessibleBy(ANOTHER_THREAD)
                && c.isAccessibleBy(ANOTHER_THREAD);
        call.run(shareable, workspace);
    }

    private void shape(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta, int lda, int ldb, int ldc) {
        this.transA = transA;
        this.transB = transB;
        this.m = m;
        this.n = n;
        this.k = k;
        this.alpha = alpha;
        this.beta = beta;
        this.lda = lda;
        this.ldb = ldb;
        this.ldc = ldc;
    }

    private void run(boolean mayShare, Workspace workspace) {
        try {
            split(mayShare ? Platform.threads() : 1);
            GemmPool.run(this, parts, workspace);
        } finally {
            // Do not keep the caller's matrices reachable after the call.
            aArray = bArray = cArray = null;
            aSegment = bSegment = cSegment = null;
            Workspace.release(workspace);
        }
    }

    /**
     * Chooses the parts: as many as threads allow while each keeps enough work, along the dimension
     * whose split packs less twice (a row split packs all of B in every part, a column split all
     * of A), and never more parts than whole panels.
     */
    private void split(int threads) {
        long flops = 2L * m * n * k;
        int wanted = (int) Math.max(1, Math.min(threads, flops / Platform.MIN_FLOPS_PER_THREAD));
        int rowPanels = (m + MR - 1) / MR;
        int colPanels = (n + NR - 1) / NR;
        boolean rowsCheaper = n <= m; // duplicated packing: k x n for a row split, m x k for a column split
        int cheaper = rowsCheaper ? rowPanels : colPanels;
        int other = rowsCheaper ? colPanels : rowPanels;
        splitRows = direct || (cheaper >= wanted || cheaper >= other ? rowsCheaper : !rowsCheaper);
        parts = Math.min(wanted, splitRows ? rowPanels : colPanels);
    }

    @Override
    public void runPart(int part, Workspace workspace) {
        if (splitRows) {
            int panels = (m + MR - 1) / MR;
            int i0 = part * panels / parts * MR;
            int i1 = Math.min(m, (part + 1) * panels / parts * MR);
            if (direct && n <= L) {
                narrowBlock(workspace, i0, i1);
            } else if (direct) {
                directBlock(workspace, i0, i1);
            } else {
                block(workspace, i0, i1, 0, n);
            }
        } else {
            int panels = (n + NR - 1) / NR;
            int j0 = part * panels / parts * NR;
            int j1 = Math.min(n, (part + 1) * panels / parts * NR);
            block(workspace, 0, m, j0, j1);
        }
    }

    /** The loop nest over rows [i0, i1) and columns [j0, j1) of C, all of k. */
    private void block(Workspace workspace, int i0, int i1, int j0, int j1) {
        int kBlocks = kBlocks(k);
        int kcMax = (k + kBlocks - 1) / kBlocks;
        float[] bp = workspace.floatPackedB(Platform.roundUp(Math.min(NC, j1 - j0), NR) * kcMax);
        float[] ap = workspace.floatPackedA(Platform.roundUp(Math.min(MC, i1 - i0), MR) * kcMax);
        float[] tile = workspace.floatTile(MR * NR);
        float[] stage = aArray == null ? workspace.floatStage(Math.max(Math.min(MC, i1 - i0), Math.min(NC, j1 - j0)) * kcMax) : null;
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            int pc = 0;
            for (int kb = 0; kb < kBlocks; kb++) {
                int kc = (k - pc) / (kBlocks - kb);
                if (bArray != null) {
                    SgemmPacking.packB(bArray, (int) bOffset, ldb, transB, pc, jc, kc, nc, bp);
                } else {
                    SgemmPacking.packB(bSegment, bOffset, ldb, transB, pc, jc, kc, nc, bp, stage);
                }
                float betaNow = pc == 0 ? beta : 1; // later K blocks add to what the first wrote
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    if (aArray != null) {
                        SgemmPacking.packA(aArray, (int) aOffset, lda, transA, ic, pc, mc, kc, MR, ap);
                    } else {
                        SgemmPacking.packA(aSegment, aOffset, lda, transA, ic, pc, mc, kc, MR, ap, stage);
                    }
                    macroKernel(ap, bp, tile, ic, jc, mc, nc, kc, betaNow);
                }
                pc += kc;
            }
        }
    }

    /**
     * All tiles of one packed A block times one packed B block: the JR and IR loops. A last B panel
     * no wider than one vector gets the 1-vector kernel (half the work of a padded 2-vector tile).
     */
    private void macroKernel(float[] ap, float[] bp, float[] tile, int ic, int jc, int mc, int nc, int kc, float betaNow) {
        for (int jr = 0; jr < nc; jr += NR) {
            int cols = Math.min(NR, nc - jr);
            boolean narrow = cols <= L;
            for (int ir = 0; ir < mc; ir += MR) {
                int rows = Math.min(MR, mc - ir);
                long ci = cOffset + (long) (ic + ir) * ldc + jc + jr;
                boolean direct = cArray != null && rows == MR && cols == (narrow ? L : NR);
                float[] c = direct ? cArray : null;
                if (narrow) {
                    SgemmKernels.packedNarrow(kc, ap, ir * kc, bp, jr * kc, c, (int) ci, ldc, alpha, betaNow, tile);
                } else {
                    SgemmKernels.packed(kc, ap, ir * kc, bp, jr * kc, c, (int) ci, ldc, alpha, betaNow, tile);
                }
                if (!direct) {
                    if (cArray != null) {
                        SgemmKernels.update(tile, rows, cols, alpha, betaNow, cArray, (int) ci, ldc);
                    } else {
                        SgemmKernels.update(tile, rows, cols, alpha, betaNow, cSegment, ci, ldc);
                    }
                }
            }
        }
    }

    /**
     * The direct path over rows [i0, i1) of C, for products whose operands sit in L1 or L2 anyway:
     * B is packed whole (per K block), but A, when stored as is, is read in place, MR rows at a time
     * (packing it would cost about as much as a small product). A transposed and the rows below the
     * last whole tile are packed, cheaply.
     */
    private void directBlock(Workspace workspace, int i0, int i1) {
        int inPlace = transA ? i0 : i0 + (i1 - i0) / MR * MR; // rows below are packed
        int kBlocks = kBlocks(k);
        int kcMax = (k + kBlocks - 1) / kBlocks;
        float[] bp = workspace.floatPackedB(Platform.roundUp(n, NR) * kcMax);
        float[] ap = workspace.floatPackedA(Platform.roundUp(i1 - inPlace, MR) * kcMax);
        float[] aside = workspace.floatStage(MR * kcMax);
        float[] tile = workspace.floatTile(2 * MR * NR);
        int ao = (int) aOffset;
        int pc = 0;
        for (int kb = 0; kb < kBlocks; kb++) {
            int kc = (k - pc) / (kBlocks - kb);
            float betaNow = pc == 0 ? beta : 1;
            SgemmPacking.packB(bArray, (int) bOffset, ldb, transB, pc, 0, kc, n, bp);
            if (inPlace < i1) {
                SgemmPacking.packA(aArray, ao, lda, transA, inPlace, pc, i1 - inPlace, kc, MR, ap);
            }
            for (int jr = 0; jr < n; jr += NR) {
                int cols = Math.min(NR, n - jr);
                boolean narrow = cols <= L; // a last panel no wider than one vector
                for (int ir = i0; ir < i1; ir += MR) {
                    int rows = Math.min(MR, i1 - ir);
                    int ci = (int) cOffset + ir * ldc + jr;
                    boolean full = rows == MR && cols == (narrow ? L : NR);
                    float[] c = full ? cArray : null;
                    if (ir < inPlace && !narrow) {
                        SgemmKernels.rows(kc, aArray, ao + ir * lda + pc, lda, bp, jr * kc, c, ci, ldc, alpha, betaNow, tile);
                    } else if (ir < inPlace) {
                        // a narrow last panel: pack these rows aside (rare; keeps one narrow kernel per layout)
                        SgemmPacking.packA(aArray, ao, lda, false, ir, pc, rows, kc, MR, aside);
                        SgemmKernels.packedNarrow(kc, aside, 0, bp, jr * kc, c, ci, ldc, alpha, betaNow, tile);
                    } else if (narrow) {
                        SgemmKernels.packedNarrow(kc, ap, (ir - inPlace) * kc, bp, jr * kc, c, ci, ldc, alpha, betaNow, tile);
                    } else {
                        SgemmKernels.packed(kc, ap, (ir - inPlace) * kc, bp, jr * kc, c, ci, ldc, alpha, betaNow, tile);
                    }
                    if (!full) {
                        SgemmKernels.update(tile, rows, cols, alpha, betaNow, cArray, ci, ldc);
                    }
                }
            }
            pc += kc;
        }
    }

    /**
     * The narrow path over rows [i0, i1) of C, n no wider than one vector (an output layer's 10
     * classes, say): every lane of the 1-vector kernels is a column of C, so none is wasted on
     * padding as in a 2-vector tile. B is packed into rows of one vector; A is read in place: 8
     * rows at a time as stored (NN), or 2 MR rows at a time when stored transposed (TN: the values
     * of one k step are contiguous, 16 accumulators). Rows below the last whole tile are packed,
     * zero-padded, and go through the transposed kernel. The kernels write a tile, and C is updated
     * from it through a column mask.
     */
    private void narrowBlock(Workspace workspace, int i0, int i1) {
        int tall = 2 * MR;                 // rows of the transposed-A kernel
        int step = transA ? tall : 8;      // rows per tile read in place
        int inPlace = i0 + (i1 - i0) / step * step;
        int kBlocks = kBlocks(k);
        int kcMax = (k + kBlocks - 1) / kBlocks;
        float[] bp = workspace.floatPackedB(L * kcMax);
        float[] ap = workspace.floatPackedA(tall * kcMax);
        float[] tile = workspace.floatTile(tall * NR);
        int ao = (int) aOffset;
        int pc = 0;
        for (int kb = 0; kb < kBlocks; kb++) {
            int kc = (k - pc) / (kBlocks - kb);
            float betaNow = pc == 0 ? beta : 1;
            SgemmPacking.packBNarrow(bArray, (int) bOffset, ldb, transB, pc, kc, n, bp);
            for (int ir = i0; ir < inPlace; ir += step) {
                int ci = (int) cOffset + ir * ldc;
                if (transA) {
                    SgemmKernels.narrowCols(kc, aArray, ao + pc * lda + ir, lda, bp, 0, tile);
                } else {
                    SgemmKernels.narrowRows8(kc, aArray, ao + ir * lda + pc, lda, bp, 0, tile);
                }
                SgemmKernels.update(tile, step, n, alpha, betaNow, cArray, ci, ldc);
            }
            if (inPlace < i1) {
                SgemmPacking.packA(aArray, ao, lda, transA, inPlace, pc, i1 - inPlace, kc, tall, ap);
                SgemmKernels.narrowCols(kc, ap, 0, tall, bp, 0, tile);
                SgemmKernels.update(tile, i1 - inPlace, n, alpha, betaNow, cArray, (int) cOffset + inPlace * ldc, ldc);
            }
            pc += kc;
        }
    }

    /**
     * K is summed in equal blocks of at most KC (sizes differ by at most one; a short last block
     * would waste a pass over C). The blocks depend on k alone: never on the path or the split.
     */
    private static int kBlocks(int k) {
        return (k + KC - 1) / KC;
    }

    /** {@code C = beta * C} (zeros when beta is 0, C not read): the quick return when alpha or k is 0. */
    static void scale(float beta, float[] c, int cOffset, int ldc, int m, int n) {
        if (beta == 1) {
            return;
        }
        FloatVector vb = FloatVector.broadcast(S, beta);
        for (int i = 0; i < m; i++) {
            int row = cOffset + i * ldc;
            for (int j = 0; j < n; j += L) {
                var in = S.indexInRange(j, n);
                FloatVector v = beta == 0 ? FloatVector.zero(S) : FloatVector.fromArray(S, c, row + j, in).mul(vb);
                v.intoArray(c, row + j, in);
            }
        }
    }

    /** {@code C = beta * C} off-heap. */
    static void scale(float beta, MemorySegment c, long cOffset, int ldc, int m, int n) {
        if (beta == 1) {
            return;
        }
        FloatVector vb = FloatVector.broadcast(S, beta);
        ByteOrder order = ByteOrder.nativeOrder();
        for (int i = 0; i < m; i++) {
            long row = cOffset + (long) i * ldc;
            for (int j = 0; j < n; j += L) {
                var in = S.indexInRange(j, n);
                long at = (row + j) * Float.BYTES;
                FloatVector v = beta == 0 ? FloatVector.zero(S) : FloatVector.fromMemorySegment(S, c, at, order, in).mul(vb);
                v.intoMemorySegment(c, at, order, in);
            }
        }
    }
}
