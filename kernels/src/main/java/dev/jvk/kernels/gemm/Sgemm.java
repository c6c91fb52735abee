package dev.jvk.kernels.gemm;

import dev.jvk.kernels.platform.Platform;
import dev.jvk.kernels.platform.Platform.Species;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicIntegerArray;
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
 * The small and direct paths (small products, whose operands sit in L1 or L2 anyway, and narrow
 * ones, n no wider than a vector, where packing A would cost as much as the product) run kernels
 * of the same contract on A or B where they are: the small path reads B in place, the direct path
 * A. They use the same K blocks and every element is the same chain of fused multiply-adds, so
 * every element is computed exactly as on the packed path: the choice among these paths, like the
 * number of threads, never changes a bit of C. One path sums in an order of its own: the narrow dot
 * products ({@link SgemmNarrowDot}, A as stored and k deep), each element a dot product along k in
 * a fixed order that depends on k and the vector width alone (so never on the thread split or on m).
 *
 * <p>A call is a {@link Problem} (what to compute, as BLIS's {@code obj_t}, set when the call
 * starts and only read after) and a {@link Plan} (its {@link Path} and how it is split between
 * threads), both passed down the nest; the packing buffers are apart, in a {@link Workspace} per
 * running thread, which also keeps the one problem and plan its thread's calls reuse. {@link GemmThreads} decides how many threads a
 * product gets. On the packed path, threads share each packed B block as BLIS's IC-loop split does
 * ({@link Split#SHARED_B}), or, for wide products, each packed A block as its JC-loop split does
 * ({@link Split#SHARED_A}), but the blocks of C and the units of the next shared block are dealt
 * to the threads as they free up, each its own first, not in fixed ranges ({@link #sharedNest}); products with too
 * few rows for that split the rows or the columns of C, each part packing its own operands. The
 * direct and narrow paths, whose B is small, split rows, each part packing its own. Arguments are checked by {@code dev.jvk.kernels.Gemm}
 * before they get here; {@code m > 0} and {@code n > 0}.
 *
 * <p>A SMALL product that gets one part skips both: {@link #gemm} calls {@link #smallNest}, what that part would run,
 * at once (the problem, split, pool and nest were most of what a 32^3 call cost beyond OpenBLAS's).
 *
 * <p>The nest is one method, {@link #loopNest}: a JC loop, then one K loop whose body is the path's
 * ({@link #packedBody}, {@link #directBody}, {@link #narrowBody}); NARROW_DOT takes all of k in one
 * pass instead ({@link SgemmNarrowDot#body}). A new small-matrix path is a new {@link Path}, chosen by
 * shape in {@link #path}.
 */
public final class Sgemm {
    private static final VectorSpecies<Float> S = Species.FLOAT;
    private static final int L = S.length();
    private static final int MR = Platform.MR;
    private static final int NR = SgemmKernels.NR;
    private static final int KC = Platform.KC;
    private static final int MC = Platform.roundUp(Platform.MC, MR);
    private static final int NC = Platform.roundUp(Platform.NC, NR);
    private static final SgemmKernels.KernelSet KERNELS = SgemmKernels.KERNELS;
    /** The largest m * n * k on the {@link Path#SMALL} path (but see {@link #SMALL_MAX_ROWS}): 128^3, operands of at most 64 KB each (in L2). */
    private static final long SMALL_MAX = 128L * 128 * 128;
    /**
     * NN products of at most this many rows take the small path at any volume: packing B is a pass
     * over all of B for m rows of work, which at 16 rows cost more than the panels save (DGEMM
     * 16x256x784 1.3-1.4x, SGEMM 32x256x784 1.15-1.2x the packed path; bench/RESULTS-gemm.md).
     */
    private static final int SMALL_MAX_ROWS = 32;
    /**
     * The most elements of B ({@code k x n}) for {@link #SMALL_MAX_ROWS}: B in L2 (1 MB of floats, 2 MB of doubles). Read in place from
     * memory, row by row at a stride of ldb, B ran slower than packed (SGEMM 32x2048x2048 0.73-0.86x).
     */
    private static final long SMALL_MAX_B = 256L * 1024;
    /**
     * The least m * n * k per thread for the dealt shared splits (SHARED_B, SHARED_A): below it each part packs its own
     * operand for a fixed range of C. What a shared block costs is the other core's half of it, read from that core's
     * cache and taken back when it is packed again; on the AMD Zen 4 host (1 MB L2 per core) that cost more than packing
     * twice up to 2^24 per thread: 256^3 1.19x, NN:128x256x784 1.09x, TN:784x256x128 1.04x faster on 2 threads with each
     * part packing its own, NT:128x784x256 level, 1024^3 0.97x (bench/RESULTS-threads.md). 2^25 keeps 512^3 and up
     * dealt, where the Intel host measured private packing 0.92x.
     */
    private static final long DEALT_MIN_VOLUME = 1L << 25;
    /** The most rows for {@link Split#SHARED_A}: two packed A blocks of all m rows (2 x 512 KB at KC 256) stay in L2. */
    private static final int SHARED_A_MAX_ROWS = Integer.getInteger("jvk.gemm.sharedAMaxRows", 512);

    private Sgemm() {}

    /**
     * One operand: an array or a segment (exactly one is non-null), where element (0, 0) is, in
     * floats, and the leading dimension. Part of a {@link Problem}, set with it.
     */
    static final class Matrix {
        private float[] array;
        private MemorySegment segment;
        private long offset;
        private int ld;

        Matrix set(float[] array, MemorySegment segment, long offset, int ld) {
            this.array = array;
            this.segment = segment;
            this.offset = offset;
            this.ld = ld;
            return this;
        }

        float[] array() {
            return array;
        }

        MemorySegment segment() {
            return segment;
        }

        long offset() {
            return offset;
        }

        int ld() {
            return ld;
        }
    }

    /**
     * What one call computes: {@code C = alpha * op(A) * op(B) + beta * C}, op(A) m x k, op(B) k x n.
     * Set once when the call starts and only read after that, down the whole nest and by the
     * pool's workers. It is the calling thread's {@link Workspace}'s, reused call after call, and
     * not a new immutable object per call: C2 cannot scalar-replace an object that the loop nest and
     * the workers receive, and a GEMM call allocates nothing. {@link #clear} drops the operands
     * when the call ends, so that a workspace keeps no caller's array alive.
     */
    static final class Problem {
        private boolean transA;
        private boolean transB;
        private int m;
        private int n;
        private int k;
        private float alpha;
        private float beta;
        private final Matrix a = new Matrix();
        private final Matrix b = new Matrix();
        private final Matrix c = new Matrix();

        /** Sets the shape and the scalars; the operands are set through {@link #a}, {@link #b}, {@link #c}. */
        Problem set(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta) {
            this.transA = transA;
            this.transB = transB;
            this.m = m;
            this.n = n;
            this.k = k;
            this.alpha = alpha;
            this.beta = beta;
            return this;
        }

        void clear() {
            a.set(null, null, 0, 0);
            b.set(null, null, 0, 0);
            c.set(null, null, 0, 0);
        }

        boolean transA() {
            return transA;
        }

        boolean transB() {
            return transB;
        }

        int m() {
            return m;
        }

        int n() {
            return n;
        }

        int k() {
            return k;
        }

        float alpha() {
            return alpha;
        }

        float beta() {
            return beta;
        }

        Matrix a() {
            return a;
        }

        Matrix b() {
            return b;
        }

        Matrix c() {
            return c;
        }
    }

    /**
     * How a product is computed. PACKED: the BLIS nest, A and B packed. SMALL: small products with
     * op(B) = B, and NN products of few rows at any volume, B's rows read where they are ({@link #smallBody}). DIRECT: as small, with
     * op(B) = B^T; B packed whole per K block (a transposition), A read in place. NARROW: n no
     * wider than one vector (at 512 bits, 16 columns in SGEMM: an output layer's 10 classes);
     * one-vector kernels, A read in place. NARROW_T: n up to a vector and a half (DGEMM's 10 classes
     * at 512 bits), with at least NR rows: C^T in tiles whose rows are the columns of C
     * ({@link SgemmNarrowT}), every lane useful. NARROW_DOT: as NARROW_T's shapes with A stored as is
     * and k deep ({@link SgemmNarrowDot#takes}): each element a dot product with the lanes along k,
     * A read in place, summed in an order of its own (all of k in one pass). GEMV: one row or
     * one column of C, a matrix-vector product ({@link SgemmAsGemv}), summed in GEMV's order, on
     * arrays and segments alike.
     */
    enum Path { PACKED, SMALL, DIRECT, NARROW, NARROW_T, NARROW_DOT, GEMV }

    /**
     * How the threads of a call share it. SHARED_B: the packed path's row blocks, dealt as threads free
     * up, one packed B block for all (BLIS's IC-loop split, dynamic). SHARED_A: for wide products, column blocks
     * dealt, each packing its own columns of B, one packed block of all of A's rows for all (the JC-loop split). ROWS: ranges of whole row panels, each part packing its own B.
     * COLUMNS: ranges of whole column panels, each part packing its own B columns and all of A.
     */
    enum Split { SHARED_B, SHARED_A, ROWS, COLUMNS }

    /** {@code C = alpha * op(A) * op(B) + beta * C} on arrays. */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k,
                            float alpha, float[] a, int aOffset, int lda,
                            float[] b, int bOffset, int ldb,
                            float beta, float[] c, int cOffset, int ldc) {
        if (alpha == 0 || k == 0) {
            scale(beta, c, cOffset, ldc, m, n);
            return;
        }
        Path path = path(transA, transB, m, n, k);
        Workspace workspace = Workspace.acquire();
        if (path == Path.SMALL && oneThread(m, n, k)) {
            // What the plan's one part would run, without the problem, plan, split and pool around it: at 32^3
            // those layers were most of the ~35 ns a call cost more than OpenBLAS's before any work
            try {
                smallNest(transA, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc, workspace, 0, m);
            } finally {
                Workspace.release(workspace);
            }
            return;
        }
        Plan plan = workspace.floatPlan();
        Problem p = plan.problem().set(transA, transB, m, n, k, alpha, beta);
        p.a().set(a, null, aOffset, lda);
        p.b().set(b, null, bOffset, ldb);
        p.c().set(c, null, cOffset, ldc);
        run(plan, path, Platform.threads(), workspace);
    }

    /** Whether {@link Plan#split} gives a product of the direct, small or narrow paths one part (a ROWS split: all rows on the caller). */
    private static boolean oneThread(int m, int n, int k) {
        return m <= MR || GemmThreads.forProduct(m, n, k, Float.BYTES) <= 1;
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
        boolean shareable = GemmThreads.shareable(a, b, c);
        // The direct and narrow paths read arrays only; the packed path computes their bits. GEMV and the
        // narrow dot products, which sum in their own order, copy the segments' operands to arrays; an
        // operand too large for an array (which no array form can pass either) streams through the packed path.
        Path chosen = path(transA, transB, m, n, k);
        boolean staged = (chosen == Path.GEMV || chosen == Path.NARROW_DOT) && stageable(m, n, k);
        Path path = staged ? chosen : Path.PACKED;
        Workspace workspace = Workspace.acquire();
        Plan plan = workspace.floatPlan();
        Problem p = plan.problem().set(transA, transB, m, n, k, alpha, beta);
        p.a().set(null, a, aOffset, lda);
        p.b().set(null, b, bOffset, ldb);
        p.c().set(null, c, cOffset, ldc);
        run(plan, path, shareable ? Platform.threads() : 1, workspace);
    }

    /** The path for a shape: the one place that chooses by shape (the property tests ask it which path a case takes). */
    static Path path(boolean transA, boolean transB, int m, int n, int k) {
        if (m == 1 || n == 1) {
            return Path.GEMV;
        }
        if (SgemmNarrowDot.takes(transA, transB, n, k)) {
            return Path.NARROW_DOT;
        }
        if (n <= L) {
            return m >= NR ? Path.NARROW_T : Path.NARROW;
        }
        if (n <= SgemmNarrowT.MAX_COLUMNS && m >= NR) {
            return Path.NARROW_T;
        }
        long volume = (long) m * n * k;
        if (!transB && (volume <= SMALL_MAX || m <= SMALL_MAX_ROWS && (long) n * k <= SMALL_MAX_B)) {
            return Path.SMALL;
        }
        return volume <= Platform.DIRECT_MAX ? Path.DIRECT : Path.PACKED;
    }

    /**
     * Whether op(A), op(B) and C ({@code m x k}, {@code k x n}, {@code m x n}), and op(B)^T padded to whole
     * vectors, each fit in one array, where {@link SgemmAsGemv} and {@link SgemmNarrowDot} copy segments' operands.
     * Every shape the array form takes does (its operands are arrays), so segments get the arrays' bits.
     */
    private static boolean stageable(int m, int n, int k) {
        long most = Integer.MAX_VALUE - 8; // the longest array every JVM allocates
        return (long) m * k <= most && (long) n * Platform.roundUp(k, L) <= most && (long) m * n <= most;
    }

    /** Runs the plan's problem, set by the caller, on the caller's {@code workspace}, and ends the call's use of both. */
    private static void run(Plan plan, Path path, int threads, Workspace workspace) {
        try {
            if (path == Path.GEMV) {
                SgemmAsGemv.run(plan.problem(), workspace);
            } else {
                plan.split(path, threads, workspace);
                GemmPool.run(plan, plan.parts, workspace);
            }
        } finally {
            plan.clear();
            Workspace.release(workspace);
        }
    }

    /**
     * A problem, its path, and its split into at most {@code parts} parts: ranges of whole panels.
     * {@code shared} is the caller's packing buffer for B (A) when the split is {@link Split#SHARED_B} ({@link Split#SHARED_A}).
     * The pool runs the parts, each on its own workspace, or all of it as one part when its workers
     * are busy. Like its {@link Problem}, a plan is the calling thread's workspace's, set when a
     * call starts and read-only while its parts run.
     */
    static final class Plan implements GemmPool.Task {
        private final Problem problem = new Problem();
        private Path path;
        private int parts;
        private Split split;
        private float[] shared;
        /**
         * {@link Split#SHARED_B} ({@link Split#SHARED_A}), see {@link #sharedNest}: rows (columns) of C per dealt
         * block; columns of B (rows of A) per unit of the shared block; per shared buffer, the units packed into it
         * in this call; per dealt block, the steps done; per block and per unit, the steps claimed.
         */
        private int blockSize;
        private int blocks;
        private int unitSize;
        /** {@link #sharedNest}: columns of C per step (SHARED_A: all n; SHARED_B: NC), and the elements of one of the two shared buffers. */
        private int stepColumns;
        private int sharedHalf;
        private final AtomicIntegerArray unitsPacked = new AtomicIntegerArray(2);
        private AtomicIntegerArray stepsDone = new AtomicIntegerArray(0);
        private AtomicIntegerArray blocksClaimed = new AtomicIntegerArray(0);
        private AtomicIntegerArray unitsClaimed = new AtomicIntegerArray(0);

        Problem problem() {
            return problem;
        }

        void clear() {
            problem.clear();
            shared = null;
        }

        private void set(Path path, int parts, Split split, float[] shared) {
            this.path = path;
            this.parts = parts;
            this.split = split;
            this.shared = shared;
        }

        /**
         * The split for the threads {@link GemmThreads} gives this product, never more parts than
         * whole panels. The packed path shares its B blocks and deals row blocks of about 4 MR rows or more
         * ({@link GemmThreads#BLOCKS_PER_PART} per thread, at most MC) when there are at least two
         * blocks' worth of row panels and {@link #DEALT_MIN_VOLUME} per thread: on a host whose cores change speed independently,
         * fixed ranges wait for the slower core, and with fixed halves the shared block lost to
         * private packing (bench/RESULTS-threads.md). Wide products (n > m) share A's block instead and deal
         * column blocks, so that no core reads B the other packed (1.04-1.12x the shared B at 128x256x784 on 2
         * threads, bench/RESULTS-threads.md). Fewer rows: each part packs its own operand,
         * along the dimension whose split packs less twice (a row split packs all of B in every part,
         * a column split all of A).
         */
        void split(Path path, int threads, Workspace caller) {
            Problem p = problem;
            int wanted = Math.min(threads, GemmThreads.forProduct(p.m(), p.n(), p.k(), Float.BYTES));
            int rowPanels = (p.m() + MR - 1) / MR;
            int colPanels = (p.n() + NR - 1) / NR;
            if (path != Path.PACKED) {
                set(path, Math.min(wanted, rowPanels), Split.ROWS, null);
                return;
            }
            boolean dealt = wanted >= GemmThreads.SHARE_B_FROM && (long) p.m() * p.n() * p.k() >= wanted * DEALT_MIN_VOLUME;
            int ways = GemmThreads.BLOCKS_PER_PART * wanted;
            if (dealt && p.n() > p.m() && p.m() <= SHARED_A_MAX_ROWS && colPanels >= 2 * wanted * GemmThreads.COLUMN_PANELS) {
                // two A blocks (all m rows): the parts pack the next K block's while the last column blocks of this one run
                stepColumns = p.n();
                sharedHalf = Platform.roundUp(p.m(), MR) * kcMax(p.k());
                set(path, wanted, Split.SHARED_A, caller.floatPackedA(2 * sharedHalf));
                dealBlocks(p.n(), NR, Math.min(NC, Math.max(GemmThreads.COLUMN_PANELS * NR, Platform.roundUp((p.n() + ways - 1) / ways, NR))));
                unitSize = Math.min(MC, Math.max(4 * MR, Platform.roundUp((p.m() + ways - 1) / ways, MR)));
                startDealing(blocks, (p.m() + unitSize - 1) / unitSize);
                return;
            }
            if (dealt && rowPanels / 4 >= 2 * wanted) {
                // two B blocks: the parts pack the next step's while the last row blocks of this one run
                stepColumns = NC;
                sharedHalf = Platform.roundUp(Math.min(NC, p.n()), NR) * kcMax(p.k());
                set(path, wanted, Split.SHARED_B, caller.floatPackedB(2 * sharedHalf));
                dealBlocks(p.m(), MR, Math.min(MC, Math.max(4 * MR, Platform.roundUp((p.m() + ways - 1) / ways, MR))));
                unitSize = NR;
                startDealing(blocks, (Math.min(NC, p.n()) + NR - 1) / NR);
                return;
            }
            boolean rowsCheaper = p.n() <= p.m(); // duplicated packing: k x n for a row split, m x k for a column split
            int cheaper = rowsCheaper ? rowPanels : colPanels;
            int other = rowsCheaper ? colPanels : rowPanels;
            boolean splitRows = cheaper >= wanted || cheaper >= other ? rowsCheaper : !rowsCheaper;
            set(path, Math.min(wanted, splitRows ? rowPanels : colPanels), splitRows ? Split.ROWS : Split.COLUMNS, null);
        }

        /** The dealt blocks along {@code extent} rows (columns) of C ({@link GemmThreads#dealtBlocks}) and the largest of them. */
        private void dealBlocks(int extent, int panel, int most) {
            int panels = (extent + panel - 1) / panel;
            blocks = GemmThreads.dealtBlocks(extent, panel, most, parts);
            blockSize = (panels + blocks - 1) / blocks * panel; // the largest, in whole panels: what the own buffer holds
        }

        /** Resets the dealing of {@link #sharedNest} for a call of {@code blocks} dealt blocks and at most {@code units} units per step. */
        private void startDealing(int blocks, int units) {
            stepsDone = cleared(stepsDone, blocks);
            blocksClaimed = cleared(blocksClaimed, blocks);
            unitsClaimed = cleared(unitsClaimed, units);
            unitsPacked.set(0, 0);
            unitsPacked.set(1, 0);
        }

        /** {@code a} with its first {@code length} elements 0, grown (to at least twice) when shorter. */
        private static AtomicIntegerArray cleared(AtomicIntegerArray a, int length) {
            if (a.length() < length) {
                return new AtomicIntegerArray(Math.max(length, 2 * a.length()));
            }
            for (int i = 0; i < length; i++) {
                a.set(i, 0);
            }
            return a;
        }

        @Override
        public void runPart(int part, int parts, Workspace workspace, GemmPool.Waiting waiting) {
            Problem p = problem;
            if (split == Split.SHARED_B || split == Split.SHARED_A) {
                sharedNest(this, part, parts, workspace, waiting);
            } else if (split == Split.COLUMNS) {
                int panels = (p.n() + NR - 1) / NR;
                int j0 = part * panels / parts * NR;
                int j1 = Math.min(p.n(), (part + 1) * panels / parts * NR);
                loopNest(p, path, workspace, 0, p.m(), j0, j1);
            } else {
                int panels = (p.m() + MR - 1) / MR;
                int i0 = part * panels / parts * MR;
                int i1 = Math.min(p.m(), (part + 1) * panels / parts * MR);
                loopNest(p, path, workspace, i0, i1, 0, p.n());
            }
        }
    }

    /**
     * The loop nest over rows [i0, i1) and columns [j0, j1) of C, all of k: JC blocks of NC columns
     * (the packed path; the others take all columns at once), then one K loop in equal blocks, each
     * running the path's body with the beta of its block.
     */
    private static void loopNest(Problem p, Path path, Workspace workspace, int i0, int i1, int j0, int j1) {
        if (path == Path.NARROW_DOT && p.a().array() != null) {
            SgemmNarrowDot.body(p.n(), p.k(), p.alpha(), p.a().array(), (int) p.a().offset(), p.a().ld(), p.b().array(), (int) p.b().offset(),
                    p.b().ld(), p.transB(), p.beta(), p.c().array(), (int) p.c().offset(), p.c().ld(), workspace, i0, i1);
            return;
        }
        if (path == Path.NARROW_DOT) {
            SgemmNarrowDot.body(p.n(), p.k(), p.alpha(), p.a().segment(), p.a().offset(), p.a().ld(), p.b().segment(), p.b().offset(),
                    p.b().ld(), p.transB(), p.beta(), p.c().segment(), p.c().offset(), p.c().ld(), workspace, i0, i1);
            return;
        }
        if (path == Path.SMALL) {
            smallNest(p.transA(), p.n(), p.k(), p.alpha(), p.a().array(), (int) p.a().offset(), p.a().ld(), p.b().array(),
                    (int) p.b().offset(), p.b().ld(), p.beta(), p.c().array(), (int) p.c().offset(), p.c().ld(), workspace, i0, i1);
            return;
        }
        int kBlocks = kBlocks(p.k());
        int kcMax = kcMax(p.k());
        int ncStep = path == Path.PACKED ? NC : j1 - j0;
        for (int jc = j0; jc < j1; jc += ncStep) {
            int nc = Math.min(ncStep, j1 - jc);
            int pc = 0;
            for (int kb = 0; kb < kBlocks; kb++) {
                int kc = (p.k() - pc) / (kBlocks - kb);
                float beta = pc == 0 ? p.beta() : 1; // later K blocks add to what the first wrote
                switch (path) {
                    case PACKED -> packedBody(p, workspace, kcMax, pc, kc, beta, i0, i1, jc, nc);
                    case DIRECT -> directBody(p, workspace, kcMax, pc, kc, beta, i0, i1);
                    case NARROW -> narrowBody(p, workspace, kcMax, pc, kc, beta, i0, i1);
                    case NARROW_T -> SgemmNarrowT.body(p.transA(), p.transB(), p.n(), p.alpha(), p.a().array(), (int) p.a().offset(), p.a().ld(),
                            p.b().array(), (int) p.b().offset(), p.b().ld(), beta, p.c().array(), (int) p.c().offset(), p.c().ld(),
                            workspace, kcMax, pc, kc, i0, i1);
                }
                pc += kc;
            }
        }
    }

    /**
     * One K block of the packed path over rows [i0, i1): pack B (KC x NC), then for each MC block of
     * rows pack A and run the macro-kernel.
     */
    private static void packedBody(Problem p, Workspace workspace, int kcMax, int pc, int kc, float beta, int i0, int i1, int jc, int nc) {
        float[] bp = workspace.floatPackedB(Platform.roundUp(Math.min(NC, nc), NR) * kcMax);
        float[] ap = workspace.floatPackedA(Platform.roundUp(Math.min(MC, Math.max(i1 - i0, 1)), MR) * kcMax);
        float[] stage = p.a().array() == null ? workspace.floatStage(Math.max(Math.min(MC, i1 - i0), Math.min(NC, nc)) * kcMax) : null;
        packPanels(p, pc, kc, jc, 0, nc, bp, 0, stage);
        for (int ic = i0; ic < i1; ic += MC) {
            int mc = Math.min(MC, i1 - ic);
            packRows(p, ic, pc, mc, kc, ap, 0, stage);
            macroKernel(p, ap, 0, bp, 0, workspace.floatTile(MR * NR), ic, jc, mc, nc, kc, beta);
        }
    }

    /**
     * The packed path shared by the parts of a call: BLIS's IC-loop split ({@link Split#SHARED_B}: row blocks
     * of C, each part packing its rows of A, against one packed B block) or JC-loop split ({@link Split#SHARED_A},
     * for wide products: column blocks of C, each part packing its columns of B, against one packed block of all
     * of A's rows), with the blocks dealt as parts free up instead of in fixed ranges, so that a faster core takes
     * more (on a host whose cores change speed second by second, fixed halves wait for the slower one). The steps
     * (jc, pc; SHARED_A: pc alone) run in the one-thread order, each on one shared packed block, double-buffered.
     * Per step s a part does its own blocks (part i of p: the i-th p-th of them, the same every step and every
     * call, so that its rows or columns of C and what it packs stay in its core's cache), then packs units of
     * step s + 1's shared block, its own first, then takes the others' blocks of step s nobody has started, from
     * the last down. Each block and unit is claimed once per step ({@link #claim}). A part waits only for what it
     * reads: a block of step s for all of step s's shared units and for its own step s - 1 (the next K block adds
     * to what the last one wrote); a unit of step s + 1 for every block of step s - 1, which read that buffer.
     * Every wait is for work claimed earlier, so some part can always go on, and no part ever needs another to
     * have started: one part alone runs it all. There is no barrier between steps. Which part computes a block
     * never changes a bit: every element is the same chain over the same K blocks in order.
     */
    private static void sharedNest(Plan plan, int part, int parts, Workspace workspace, GemmPool.Waiting waiting) {
        Problem p = plan.problem;
        boolean columns = plan.split == Split.SHARED_A;
        int size = plan.blockSize;
        int unit = plan.unitSize;
        AtomicIntegerArray unitsPacked = plan.unitsPacked;
        int m = p.m();
        int n = p.n();
        int k = p.k();
        int kBlocks = kBlocks(k);
        int kcMax = kcMax(k);
        // SHARED_A: the steps are the K blocks alone (the shared block is all of A's rows); SHARED_B: (jc, pc)
        int ncStep = plan.stepColumns;
        int blocks = plan.blocks;
        int steps = (n + ncStep - 1) / ncStep * kBlocks;
        float[] own = columns ? workspace.floatPackedB(Platform.roundUp(size, NR) * kcMax) : workspace.floatPackedA(size * kcMax);
        float[] stage = p.a().array() == null ? workspace.floatStage(Math.max(size, columns ? unit : Math.min(NC, n)) * kcMax) : null;
        float[] tile = workspace.floatTile(MR * NR);
        int ownFrom = part * blocks / parts;
        int ownTo = (part + 1) * blocks / parts;
        // per buffer, the units it holds once the last step packed into it is
        int ready0 = 0;
        int ready1 = 0;
        for (int s = -1; s < steps; s++) {
            int ready = (s & 1) == 0 ? ready0 : ready1;
            if (s >= 0) {
                for (int b = ownFrom; b < ownTo; b++) {
                    block(plan, s, b, own, stage, tile, ready, waiting);
                }
            }
            int next = s + 1;
            if (next < steps) {
                int units = ((columns ? m : Math.min(ncStep, n - next / kBlocks * ncStep)) + unit - 1) / unit;
                if ((next & 1) == 0) {
                    ready0 += units;
                } else {
                    ready1 += units;
                }
                int unitsFrom = part * units / parts;
                int unitsTo = (part + 1) * units / parts;
                for (int u = unitsFrom; u < unitsTo; u++) {
                    unit(plan, next, u, blocks, stage, waiting);
                }
                for (int u = units - 1; u >= 0; u--) {
                    if (u < unitsFrom || u >= unitsTo) {
                        unit(plan, next, u, blocks, stage, waiting);
                    }
                }
            }
            for (int b = blocks - 1; b >= 0 && s >= 0; b--) {
                if (b < ownFrom || b >= ownTo) {
                    block(plan, s, b, own, stage, tile, ready, waiting);
                }
            }
        }
    }

    /**
     * Unit {@code u} of step {@code s}'s shared block in {@link #sharedNest} (NR columns of B, or rows of A),
     * unless another part has claimed it: waits until every block of step s - 2, which read that buffer, is done.
     */
    private static void unit(Plan plan, int s, int u, int blocks, float[] stage, GemmPool.Waiting waiting) {
        if (!claim(plan.unitsClaimed, u, s)) {
            return;
        }
        for (int b = 0; b < blocks && s > 1; b++) {
            for (int spins = 0; plan.stepsDone.get(b) < s - 1; spins++) {
                waiting.pause(spins);
            }
        }
        Problem p = plan.problem;
        boolean columns = plan.split == Split.SHARED_A;
        int m = p.m();
        int n = p.n();
        int k = p.k();
        int kBlocks = kBlocks(k);
        int jc = s / kBlocks * plan.stepColumns;
        int nc = Math.min(plan.stepColumns, n - jc);
        int pc = kStart(k, kBlocks, s % kBlocks);
        int kc = kStart(k, kBlocks, s % kBlocks + 1) - pc;
        int half = plan.sharedHalf;
        int from = u * plan.unitSize;
        int to = (s & 1) * half + from * kc;
        if (columns) {
            packRows(p, from, pc, Math.min(plan.unitSize, m - from), kc, plan.shared, to, stage);
        } else {
            packPanels(p, pc, kc, jc, from, Math.min(plan.unitSize, nc - from), plan.shared, to, stage);
        }
        plan.unitsPacked.incrementAndGet(s & 1);
    }

    /**
     * Block {@code b} of step {@code s} of {@link #sharedNest}, unless another part has claimed it: waits for
     * {@code ready} units in the step's shared buffer and for the block's own step s - 1, packs the part's own
     * operand (rows of A or columns of B) and runs the macro-kernel against the shared block.
     */
    private static void block(Plan plan, int s, int b, float[] own, float[] stage, float[] tile, int ready, GemmPool.Waiting waiting) {
        if (!claim(plan.blocksClaimed, b, s)) {
            return;
        }
        Problem p = plan.problem;
        boolean columns = plan.split == Split.SHARED_A;
        int m = p.m();
        int n = p.n();
        int k = p.k();
        int kBlocks = kBlocks(k);
        int jc = s / kBlocks * plan.stepColumns;
        int nc = Math.min(plan.stepColumns, n - jc);
        int pc = kStart(k, kBlocks, s % kBlocks);
        int kc = kStart(k, kBlocks, s % kBlocks + 1) - pc;
        int half = plan.sharedHalf;
        for (int spins = 0; plan.unitsPacked.get(s & 1) < ready || plan.stepsDone.get(b) < s; spins++) {
            waiting.pause(spins);
        }
        int extent = columns ? n : m;
        int panel = columns ? NR : MR;
        int from = GemmThreads.blockStart(b, plan.blocks, extent, panel);
        int size = GemmThreads.blockStart(b + 1, plan.blocks, extent, panel) - from;
        float beta = pc == 0 ? p.beta() : 1;
        if (columns) {
            int cols = size;
            packPanels(p, pc, kc, from, 0, cols, own, 0, stage);
            macroKernel(p, plan.shared, (s & 1) * half, own, 0, tile, 0, from, m, cols, kc, beta);
        } else {
            int mc = size;
            packRows(p, from, pc, mc, kc, own, 0, stage);
            macroKernel(p, own, 0, plan.shared, (s & 1) * half, tile, from, jc, mc, nc, kc, beta);
        }
        plan.stepsDone.set(b, s + 1);
    }

    /** Claims item {@code i} for step {@code step} (0, 1, ... in order, each step's items claimed before the next's): true for one part. */
    private static boolean claim(AtomicIntegerArray claimed, int i, int step) {
        int c = claimed.get(i);
        return c <= step && claimed.compareAndSet(i, c, step + 1);
    }

    /** Where K block {@code kb} of {@code kBlocks} starts (block {@code kBlocks}: at k): the blocks of {@link #loopNest}. */
    private static int kStart(int k, int kBlocks, int kb) {
        int pc = 0;
        for (int b = 0; b < kb; b++) {
            pc += (k - pc) / (kBlocks - b);
        }
        return pc;
    }

    /** Packs columns [jc + jr, jc + jr + cols) of op(B), K block [pc, pc + kc), into {@code bp} from {@code bpo}. */
    private static void packPanels(Problem p, int pc, int kc, int jc, int jr, int cols, float[] bp, int bpo, float[] stage) {
        Matrix b = p.b();
        if (b.array() != null) {
            SgemmPacking.packB(b.array(), (int) b.offset(), b.ld(), p.transB(), pc, jc + jr, kc, cols, bp, bpo);
        } else {
            SgemmPacking.packB(b.segment(), b.offset(), b.ld(), p.transB(), pc, jc + jr, kc, cols, bp, bpo, stage);
        }
    }

    /** Packs rows [ic, ic + mc) of op(A), K block [pc, pc + kc), into {@code ap} from {@code apo}. */
    private static void packRows(Problem p, int ic, int pc, int mc, int kc, float[] ap, int apo, float[] stage) {
        Matrix a = p.a();
        if (a.array() != null) {
            SgemmPacking.packA(a.array(), (int) a.offset(), a.ld(), p.transA(), ic, pc, mc, kc, MR, ap, apo);
        } else {
            SgemmPacking.packA(a.segment(), a.offset(), a.ld(), p.transA(), ic, pc, mc, kc, MR, ap, apo, stage);
        }
    }

    /**
     * All tiles of one packed A block times one packed B block: the JR and IR loops. A last B panel
     * no wider than one vector gets the 1-vector kernel (half the work of a padded 2-vector tile).
     */
    private static void macroKernel(Problem p, float[] ap, int ao, float[] bp, int bo, float[] tile, int ic, int jc, int mc, int nc, int kc, float beta) {
        float alpha = p.alpha();
        Matrix c = p.c();
        float[] cArray = c.array();
        int ldc = c.ld();
        for (int jr = 0; jr < nc; jr += NR) {
            int cols = Math.min(NR, nc - jr);
            boolean narrow = cols <= L;
            for (int ir = 0; ir < mc; ir += MR) {
                int rows = Math.min(MR, mc - ir);
                long ci = c.offset() + (long) (ic + ir) * ldc + jc + jr;
                boolean inPlace = cArray != null && rows == MR && cols == (narrow ? L : NR);
                float[] target = inPlace ? cArray : null;
                if (narrow) {
                    KERNELS.packedNarrow().run(kc, ap, ao + ir * kc, bp, bo + jr * kc, target, (int) ci, ldc, alpha, beta, tile);
                } else {
                    KERNELS.packed().run(kc, ap, ao + ir * kc, bp, bo + jr * kc, target, (int) ci, ldc, alpha, beta, tile);
                }
                if (!inPlace) {
                    if (cArray != null) {
                        SgemmKernels.update(tile, rows, cols, alpha, beta, cArray, (int) ci, ldc);
                    } else {
                        SgemmKernels.update(tile, rows, cols, alpha, beta, c.segment(), ci, ldc);
                    }
                }
            }
        }
    }

    /**
     * A 4-vector panel over {@code tiles} whole 4-row tiles: each 3 of them (12 rows) as 2 tiles of 6
     * ({@link SgemmUnrolled#tilesRows6x4}: 6 broadcasts and 4 loads per 24 FMAs where 4 x 4 has 4 and 4
     * per 16), the last {@code tiles % 3} by 4 x 4. Each element is the same chain of FMAs in k order
     * either way, so the split does not change C's bits.
     */
    private static void tallPanel(int tiles, int kc, float[] a, int ai, int lda, float[] b, int bi, int ldb, float[] c, int ci, int ldc,
                                  float alpha, float beta) {
        int tall = tiles / 3 * 2;
        if (tall > 0) {
            SgemmUnrolled.tilesRows6x4(tall, kc, a, ai, lda, b, bi, ldb, c, ci, ldc, alpha, beta);
        }
        if (tiles % 3 > 0) {
            SgemmUnrolled.tilesRows4x4(tiles % 3, kc, a, ai + 6 * tall * lda, lda, b, bi, ldb, c, ci + 6 * tall * ldc, ldc, alpha, beta);
        }
    }

    /** The small path over rows [i0, i1) of C, all of k: {@link #smallBody} per K block, each with the beta of its block. */
    private static void smallNest(boolean transA, int n, int k, float alpha, float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                                  float beta, float[] c, int cOffset, int ldc, Workspace workspace, int i0, int i1) {
        if (k <= KC) { // one K block: kBlocks and kcMax without their divisions
            smallBody(transA, n, alpha, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, workspace, k, 0, k, beta, i0, i1);
            return;
        }
        int kBlocks = kBlocks(k);
        int kcMax = kcMax(k);
        int pc = 0;
        for (int kb = 0; kb < kBlocks; kb++) {
            int kc = (k - pc) / (kBlocks - kb);
            smallBody(transA, n, alpha, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, workspace, kcMax, pc, kc, pc == 0 ? beta : 1, i0, i1);
            pc += kc;
        }
    }

    /**
     * One K block of the small path over rows [i0, i1) of C, op(B) = B: the kernels read B's rows
     * where they are, as OpenBLAS's small-matrix kernels and libxsmm do (at these sizes packing
     * costs as much as it saves), and A where it is too: transposed (TN) in tiles of MR rows, the MR
     * values of a k step contiguous; as stored (NN) in tiles of {@link SgemmKernels#SMALL_ROWS}
     * rows, one address per row, 4 (or 6) vectors wide where B's whole panels allow ({@link SgemmKernels#SMALL_WIDE}),
     * else 2. The rows below the last whole tile are packed (TN: k-major; NN: copied row by row, at
     * stride kc), and the columns right of the last whole panel go into one zero-padded B panel
     * ({@code ldb = NR}); a tile's rows past C's are never written to C. Arrays only.
     */
    private static void smallBody(boolean transA, int n, float alpha, float[] aArray, int ao, int lda, float[] bArray, int bOffset, int ldb,
                                  float[] cArray, int co, int ldc, Workspace workspace, int kcMax, int pc, int kc, float beta, int i0, int i1) {
        int bo = bOffset + pc * ldb;
        int height = transA ? MR : SgemmKernels.SMALL_ROWS;
        // divided by each constant apart, not by height: C2 turns a constant divisor into a shift, a variable one into an idiv
        int wholeTiles = transA ? (i1 - i0) / MR : (i1 - i0) / SgemmKernels.SMALL_ROWS;
        int inPlace = i0 + wholeTiles * height; // rows from there on are packed
        int wholeCols = n / NR * NR;
        float[] tile = workspace.floatTile(MR * NR);
        float[] ap = null;
        float[] bp = null;
        if (inPlace < i1) {
            ap = workspace.floatPackedA(height * kcMax);
            if (transA) {
                SgemmPacking.packA(aArray, ao, lda, true, inPlace, pc, i1 - inPlace, kc, MR, ap);
            } else {
                for (int r = 0; r < i1 - inPlace; r++) {
                    System.arraycopy(aArray, ao + (inPlace + r) * lda + pc, ap, r * kc, kc);
                }
            }
        }
        if (wholeCols < n) {
            bp = workspace.floatPackedB(NR * kcMax);
            SgemmPacking.packB(bArray, bOffset, ldb, false, pc, wholeCols, kc, n - wholeCols, bp, 0);
        }
        // B's whole panels 4 vectors at a time (the first 6 when they are an odd number of 2): 16 or 24
        // accumulators leave the two FMA units slack for the loads and the scalar addressing, which 8
        // (4 x 2) do not on a core with two 512-bit FMA units. Panel by panel, each over every whole row
        // tile: the panel of B (kc x 4 or 6 vectors) stays in L1 while A's rows pass. One call runs all the
        // whole row tiles of a panel (tilesRows4x*): a call per tile cost about 40 cycles (arguments, frame,
        // the loop's range-check predicates), a tenth of a 4 x 2 tile's work at k = 32. A 4-vector panel runs
        // 6-row tiles where there are 12 rows (tallPanel): DGEMM 32^3-96^3 7-15% faster than 4 x 4 alone.
        int wide = SgemmKernels.SMALL_WIDE && !transA && wholeCols >= 2 * NR ? wholeCols : 0;
        int first = wide % (2 * NR) == 0 ? 2 * NR : 3 * NR;
        int tiles = transA ? 0 : wholeTiles;
        int ai0 = ao + i0 * lda + pc;
        int ci0 = co + i0 * ldc;
        for (int jr = 0; jr < wide && tiles > 0; jr += jr == 0 ? first : 2 * NR) {
            if (jr == 0 && first == 3 * NR) {
                SgemmUnrolled.tilesRows4x6(tiles, kc, aArray, ai0, lda, bArray, bo + jr, ldb, cArray, ci0 + jr, ldc, alpha, beta);
            } else {
                tallPanel(tiles, kc, aArray, ai0, lda, bArray, bo + jr, ldb, cArray, ci0 + jr, ldc, alpha, beta);
            }
        }
        // The 2-vector panels 8 rows at a time from a copy of A's rows at a constant stride where 32 vector
        // registers hold 16 accumulators: 4 row addresses per k step (4 x 2) kept the FMA ports waiting.
        // From kc = 2 vectors: below it, the copy and a call per 8 rows cost more than the k loop saves (kc = 8: 25% slower).
        int pairs = SgemmKernels.SMALL_WIDE && wide < wholeCols && kc >= 2 * L ? tiles / 2 : 0;
        float[] ac = pairs > 0 ? workspace.floatStage(8 * SgemmKernels.COPY_STRIDE) : null;
        for (int jr = wide; jr < wholeCols && tiles > 0; jr += NR) {
            for (int q = 0; q < pairs; q++) {
                SgemmUnrolled.tileCopied8x2(kc, aArray, ai0 + 8 * q * lda, lda, bArray, bo + jr, ldb, cArray, ci0 + 8 * q * ldc + jr, ldc,
                        alpha, beta, ac);
            }
            if (tiles > 2 * pairs) {
                SgemmUnrolled.tilesRows4x2(tiles - 2 * pairs, kc, aArray, ai0 + 8 * pairs * lda, lda, bArray, bo + jr, ldb,
                        cArray, ci0 + 8 * pairs * ldc + jr, ldc, alpha, beta);
            }
        }
        for (int ir = i0; ir < i1; ir += height) {
            int rows = Math.min(height, i1 - ir);
            boolean packed = ir >= inPlace;
            float[] a = packed ? ap : aArray;
            int ai = packed ? 0 : transA ? ao + pc * lda + ir : ao + ir * lda + pc;
            int aStep = !packed ? lda : transA ? MR : kc;
            for (int jr = packed ? 0 : transA ? wide : wholeCols; jr < n; jr += NR) {
                boolean inPlaceB = jr < wholeCols;
                float[] b = inPlaceB ? bArray : bp;
                int bi = inPlaceB ? bo + jr : 0;
                int bStep = inPlaceB ? ldb : NR;
                int cols = Math.min(NR, n - jr);
                int ci = co + ir * ldc + jr;
                boolean whole = rows == height && cols == NR;
                float[] target = whole ? cArray : null;
                if (transA) {
                    KERNELS.small().run(kc, a, ai, aStep, b, bi, bStep, target, ci, ldc, alpha, beta, tile);
                } else {
                    SgemmUnrolled.smallRows4x2(kc, a, ai, aStep, b, bi, bStep, target, ci, ldc, alpha, beta, tile);
                }
                if (!whole) {
                    SgemmKernels.update(tile, rows, cols, alpha, beta, cArray, ci, ldc);
                }
            }
        }
    }

    /**
     * One K block of the direct path over rows [i0, i1) of C, for products whose operands sit in L1
     * or L2 anyway: B is packed whole, but A, when stored as is, is read in place, MR rows at a time
     * (packing it would cost about as much as a small product). A transposed and the rows below the
     * last whole tile are packed, cheaply. Arrays only.
     */
    private static void directBody(Problem p, Workspace workspace, int kcMax, int pc, int kc, float beta, int i0, int i1) {
        int n = p.n();
        float alpha = p.alpha();
        float[] aArray = p.a().array();
        int ao = (int) p.a().offset();
        int lda = p.a().ld();
        float[] cArray = p.c().array();
        int ldc = p.c().ld();
        int inPlace = p.transA() ? i0 : i0 + (i1 - i0) / MR * MR; // rows below are packed
        float[] bp = workspace.floatPackedB(Platform.roundUp(n, NR) * kcMax);
        float[] ap = workspace.floatPackedA(Platform.roundUp(i1 - inPlace, MR) * kcMax);
        float[] aside = workspace.floatStage(MR * kcMax);
        float[] tile = workspace.floatTile(2 * MR * NR);
        SgemmPacking.packB(p.b().array(), (int) p.b().offset(), p.b().ld(), p.transB(), pc, 0, kc, n, bp, 0);
        if (inPlace < i1) {
            SgemmPacking.packA(aArray, ao, lda, p.transA(), inPlace, pc, i1 - inPlace, kc, MR, ap);
        }
        for (int jr = 0; jr < n; jr += NR) {
            int cols = Math.min(NR, n - jr);
            boolean narrow = cols <= L; // a last panel no wider than one vector
            for (int ir = i0; ir < i1; ir += MR) {
                int rows = Math.min(MR, i1 - ir);
                int ci = (int) p.c().offset() + ir * ldc + jr;
                boolean full = rows == MR && cols == (narrow ? L : NR);
                float[] target = full ? cArray : null;
                if (ir < inPlace && !narrow) {
                    KERNELS.rows().run(kc, aArray, ao + ir * lda + pc, lda, bp, jr * kc, target, ci, ldc, alpha, beta, tile);
                } else if (ir < inPlace) {
                    // a narrow last panel: pack these rows aside (rare; keeps one narrow kernel per layout)
                    SgemmPacking.packA(aArray, ao, lda, false, ir, pc, rows, kc, MR, aside);
                    KERNELS.packedNarrow().run(kc, aside, 0, bp, jr * kc, target, ci, ldc, alpha, beta, tile);
                } else if (narrow) {
                    KERNELS.packedNarrow().run(kc, ap, (ir - inPlace) * kc, bp, jr * kc, target, ci, ldc, alpha, beta, tile);
                } else {
                    KERNELS.packed().run(kc, ap, (ir - inPlace) * kc, bp, jr * kc, target, ci, ldc, alpha, beta, tile);
                }
                if (!full) {
                    SgemmKernels.update(tile, rows, cols, alpha, beta, cArray, ci, ldc);
                }
            }
        }
    }

    /**
     * One K block of the narrow path over rows [i0, i1) of C, n no wider than one vector: every lane
     * of the 1-vector kernels is a column of C, so none is wasted on padding as in a 2-vector tile.
     * B is packed into rows of one vector; A is read in place: 8 rows at a time as stored (NN), or 2
     * MR rows at a time when stored transposed (TN: the values of one k step are contiguous, 16
     * accumulators). Rows below the last whole tile are packed, zero-padded, and go through the
     * transposed kernel. The kernels write a tile, and C is updated from it through a column mask.
     * Arrays only.
     */
    private static void narrowBody(Problem p, Workspace workspace, int kcMax, int pc, int kc, float beta, int i0, int i1) {
        int n = p.n();
        float[] aArray = p.a().array();
        int ao = (int) p.a().offset();
        int lda = p.a().ld();
        float[] cArray = p.c().array();
        int co = (int) p.c().offset();
        int ldc = p.c().ld();
        int tall = 2 * MR;                   // rows of the transposed-A kernel
        int step = p.transA() ? tall : 8;    // rows per tile read in place
        int inPlace = i0 + (i1 - i0) / step * step;
        float[] bp = workspace.floatPackedB(L * kcMax);
        float[] ap = workspace.floatPackedA(tall * kcMax);
        float[] tile = workspace.floatTile(tall * NR);
        SgemmPacking.packBNarrow(p.b().array(), (int) p.b().offset(), p.b().ld(), p.transB(), pc, kc, n, bp);
        for (int ir = i0; ir < inPlace; ir += step) {
            if (p.transA()) {
                KERNELS.colsNarrow().run(kc, aArray, ao + pc * lda + ir, lda, bp, 0, tile);
            } else {
                SgemmUnrolled.rowsNarrow8(kc, aArray, ao + ir * lda + pc, lda, bp, 0, tile);
            }
            SgemmKernels.update(tile, step, n, p.alpha(), beta, cArray, co + ir * ldc, ldc);
        }
        if (inPlace < i1) {
            SgemmPacking.packA(aArray, ao, lda, p.transA(), inPlace, pc, i1 - inPlace, kc, tall, ap);
            KERNELS.colsNarrow().run(kc, ap, 0, tall, bp, 0, tile);
            SgemmKernels.update(tile, i1 - inPlace, n, p.alpha(), beta, cArray, co + inPlace * ldc, ldc);
        }
    }

    /**
     * K is summed in equal blocks of at most KC (sizes differ by at most one; a short last block
     * would waste a pass over C). The blocks depend on k alone: never on the path or the split.
     */
    static int kBlocks(int k) {
        return (k + KC - 1) / KC;
    }

    /** The deepest K block: what a packed panel must hold. */
    private static int kcMax(int k) {
        int kBlocks = kBlocks(k);
        return (k + kBlocks - 1) / kBlocks;
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
