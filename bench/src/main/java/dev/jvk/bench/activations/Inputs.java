package dev.jvk.bench.activations;

import java.util.SplittableRandom;

/** Benchmark inputs: fixed-seed values in the range where each function does its real work. */
final class Inputs {
    private Inputs() {}

    /** n values uniform in the interesting range of op (exp [-10, 10], log (0, 100], others [-8, 8]). */
    static float[] forOp(String op, int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double lo = -8, hi = 8;
        if (op.startsWith("exp")) {
            lo = -10;
            hi = 10;
        } else if (op.startsWith("log")) {
            lo = 1e-3;
            hi = 100;
        } else if (op.startsWith("sigmoidBackward")) {
            lo = 0;
            hi = 1;
        } else if (op.startsWith("tanhBackward")) {
            lo = -1;
            hi = 1;
        }
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextDouble(lo, hi);
        }
        return x;
    }
}
