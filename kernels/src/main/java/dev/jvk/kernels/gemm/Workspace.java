package dev.jvk.kernels.gemm;

/**
 * One thread's GEMM memory: packing buffers, the edge tile, GEMV's partial sums and the reusable call objects. Each
 * thread that runs GEMM work has its own (callers through a {@link ThreadLocal}, pool workers in a
 * field), so concurrent calls never share a buffer. Buffers grow to the largest block seen and are
 * then reused: no allocation per call in steady state.
 */
final class Workspace {
    private static final ThreadLocal<Workspace> OF_CALLER = ThreadLocal.withInitial(Workspace::new);

    /** This thread's float GEMM call (its arguments, read by the pool's workers during the call). */
    final Sgemm sgemm = new Sgemm();
    /** This thread's double GEMM call. */
    final Dgemm dgemm = new Dgemm();

    private float[] floatPackedA = new float[0];
    private float[] floatPackedB = new float[0];
    private float[] floatTile = new float[0];
    private float[] floatStage = new float[0];
    private double[] doublePackedA = new double[0];
    private double[] doublePackedB = new double[0];
    private double[] doubleTile = new double[0];
    private double[] doubleStage = new double[0];
    private float[] floatGemv = new float[0];
    private double[] doubleGemv = new double[0];

    /** The workspace of the current thread. */
    static Workspace ofCurrentThread() {
        return Thread.currentThread() instanceof GemmPool.Worker worker ? worker.workspace : OF_CALLER.get();
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

    /** Rows of a segment operand, copied in bulk before packing. */
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
}
