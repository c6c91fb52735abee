package dev.jvk.bench.blas1;

import java.util.SplittableRandom;

/** Benchmark inputs: Gaussian values, a fixed seed, so runs compare like with like. */
final class Data {
    private Data() {}

    static float[] floats(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) random.nextGaussian();
        }
        return a;
    }

    static double[] doubles(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = random.nextGaussian();
        }
        return a;
    }
}
