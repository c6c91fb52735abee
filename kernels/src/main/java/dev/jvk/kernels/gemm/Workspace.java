package dev.jvk.kernels.gemm;

import dev.jvk.kernels.platform.Platform;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * GEMM memory for one call at a time: packing buffers, the edge tile, GEMV's partial sums, the
 * blocks {@link WidenedGemm} widens from low precision, and the rearranged x of the simd package's
 * bf16 GEMV (the one use outside this package: {@link #acquire}, {@link #lowPrecisionX}, {@link #release}). Buffers grow to the largest block seen and are then reused: no allocation
 * per call in steady state. A call {@link #acquire}s one and {@link #release}s it when done, so
 * concurrent calls never share one:
 * <ul>
 *   <li>a pool worker uses its own;</li>
 *   <li>a platform thread keeps its own in a {@link ThreadLocal} (there are few platform threads,
 *       and they live long);</li>
 *   <li>a virtual thread borrows one from a shared pool of at most {@link Platform#MAX_THREADS}
 *       idle workspaces and gives it back: a million virtual threads must not each keep up to a
 *       megabyte of packing buffers alive.</li>
 * </ul>
 */
public final class Workspace {
    private static final ThreadLocal<Workspace> OF_PLATFORM_THREAD = ThreadLocal.withInitial(() -> new Workspace(false));
    private static final ArrayBlockingQueue<Workspace> IDLE = new ArrayBlockingQueue<>(Platform.MAX_THREADS);

    /** Borrowed from {@link #IDLE} by a virtual thread, and given back by {@link #release}. */
    private final boolean borrowed;

    private float[] floatPackedA = new float[0];
    private float[] floatPackedB = new float[0];
    private float[] floatTile = new float[0];
    private float[] floatStage = new float[0];
    private float[] floatMappedA = new float[0];
    private double[] doublePackedA = new double[0];
    private double[] doublePackedB = new double[0];
    private double[] doubleTile = new double[0];
    private double[] doubleStage = new double[0];
    private float[] floatGemv = new float[0];
    private double[] doubleGemv = new double[0];
    private float[] floatGathered = new float[0];
    private double[] doubleGathered = new double[0];
    private float[] widenedA = new float[0];
    private float[] widenedB = new float[0];
    private float[] widenedC = new float[0];
    private float[] lowPrecisionX = new float[0];
    private Sgemm.Plan floatPlan;
    private Dgemm.Plan doublePlan;
    private SgemmPrepacked.Product prepackedProduct;

    Workspace(boolean borrowed) {
        this.borrowed = borrowed;
    }

    /** A workspace for the current thread's call; give it back with {@link #release} when the call ends. */
    public static Workspace acquire() {
        Thread thread = Thread.currentThread();
        if (thread instanceof GemmPool.Worker worker) {
            return worker.workspace;
        }
        if (!thread.isVirtual()) {
            return OF_PLATFORM_THREAD.get();
        }
        Workspace idle = IDLE.poll();
        return idle != null ? idle : new Workspace(true);
    }

    /** Ends a call's use of a workspace from {@link #acquire}: a borrowed one goes back to the pool, or to the garbage collector when the pool is full. */
    public static void release(Workspace workspace) {
        if (workspace.borrowed) {
            IDLE.offer(workspace);
        }
    }

    /** Idle workspaces kept for virtual threads (for tests). */
    static int idle() {
        return IDLE.size();
    }

    /**
     * The plan and problem of this workspace's float GEMM calls, one at a time: set by
     * {@link Sgemm} when a call starts, cleared when it ends.
     */
    Sgemm.Plan floatPlan() {
        if (floatPlan == null) {
            floatPlan = new Sgemm.Plan();
        }
        return floatPlan;
    }

    /** The operands of this workspace's {@link SgemmPrepacked} calls, one at a time. */
    SgemmPrepacked.Product prepackedProduct() {
        if (prepackedProduct == null) {
            prepackedProduct = new SgemmPrepacked.Product();
        }
        return prepackedProduct;
    }

    Dgemm.Plan doublePlan() {
        if (doublePlan == null) {
            doublePlan = new Dgemm.Plan();
        }
        return doublePlan;
    }

    float[] floatPackedA(int size) {
        if (floatPackedA.length < size) {
            floatPackedA = new float[size];
        }
        return floatPackedA;
    }

    float[] floatPackedB(int size) {
        if (floatPackedB.length < size) {
            floatPackedB = new float[size];
        }
        return floatPackedB;
    }

    float[] floatTile(int size) {
        if (floatTile.length < size) {
            floatTile = new float[size];
        }
        return floatTile;
    }

    /** Rows of a segment operand, copied in bulk before packing; or rows of A mapped before packing (SgemmPrepacked's mapped A). */
    float[] floatStage(int size) {
        if (floatStage.length < size) {
            floatStage = new float[size];
        }
        return floatStage;
    }

    double[] doubleStage(int size) {
        if (doubleStage.length < size) {
            doubleStage = new double[size];
        }
        return doubleStage;
    }

    double[] doublePackedA(int size) {
        if (doublePackedA.length < size) {
            doublePackedA = new double[size];
        }
        return doublePackedA;
    }

    double[] doublePackedB(int size) {
        if (doublePackedB.length < size) {
            doublePackedB = new double[size];
        }
        return doublePackedB;
    }

    double[] doubleTile(int size) {
        if (doubleTile.length < size) {
            doubleTile = new double[size];
        }
        return doubleTile;
    }

    /** A mapped copy of A for a product that reads A in place ({@link SgemmPrepacked#gemmMapped}). */
    float[] floatMappedA(int size) {
        if (floatMappedA.length < size) {
            floatMappedA = new float[size];
        }
        return floatMappedA;
    }

    /** GEMV's partial sums (lane sums of a few rows, or a block of column sums). */
    float[] floatGemv(int size) {
        if (floatGemv.length < size) {
            floatGemv = new float[size];
        }
        return floatGemv;
    }

    double[] doubleGemv(int size) {
        if (doubleGemv.length < size) {
            doubleGemv = new double[size];
        }
        return doubleGemv;
    }

    /** Strided vectors of a GEMM run as GEMV, gathered contiguous ({@link SgemmAsGemv}); apart from GEMV's own scratch. */
    float[] floatGathered(int size) {
        if (floatGathered.length < size) {
            floatGathered = new float[size];
        }
        return floatGathered;
    }

    double[] doubleGathered(int size) {
        if (doubleGathered.length < size) {
            doubleGathered = new double[size];
        }
        return doubleGathered;
    }

    /** {@link WidenedGemm}'s float copies of a low-precision A, B and the float block of C; apart from the buffers the float GEMM it calls uses. */
    float[] widenedA(int size) {
        if (widenedA.length < size) {
            widenedA = new float[size];
        }
        return widenedA;
    }

    float[] widenedB(int size) {
        if (widenedB.length < size) {
            widenedB = new float[size];
        }
        return widenedB;
    }

    float[] widenedC(int size) {
        if (widenedC.length < size) {
            widenedC = new float[size];
        }
        return widenedC;
    }

    /** The x of a low-precision GEMV rearranged for its kernel (the bf16 GEMV's even and odd elements apart), or the packed bf16 GEMV's tile of outputs. */
    public float[] lowPrecisionX(int size) {
        if (lowPrecisionX.length < size) {
            lowPrecisionX = new float[size];
        }
        return lowPrecisionX;
    }
}
