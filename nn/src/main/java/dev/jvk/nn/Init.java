package dev.jvk.nn;

import java.util.SplittableRandom;

/**
 * Weight initialisation for a {@link Dense} layer of {@code fanIn} inputs and {@code fanOut}
 * outputs, drawn from a seed (the same seed gives bitwise the same weights on every JVM: the
 * Gaussian is our own Box-Muller on {@link SplittableRandom}, not {@code Random.nextGaussian}).
 */
public enum Init {
    /** He (Kaiming) normal: {@code N(0, 2 / fanIn)}; for ReLU-like activations. */
    HE,
    /** Xavier (Glorot) uniform: {@code U(-a, a)}, {@code a = sqrt(6 / (fanIn + fanOut))}; for tanh and sigmoid. */
    XAVIER;

    /** Fills {@code w} (fanIn x fanOut) from {@code seed}. */
    void fill(float[] w, int fanIn, int fanOut, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        switch (this) {
            case HE -> {
                double sd = Math.sqrt(2.0 / fanIn);
                for (int i = 0; i < w.length; i++) {
                    w[i] = (float) (sd * gaussian(random));
                }
            }
            case XAVIER -> {
                double a = Math.sqrt(6.0 / (fanIn + fanOut));
                for (int i = 0; i < w.length; i++) {
                    w[i] = (float) (a * (2 * random.nextDouble() - 1));
                }
            }
        }
    }

    /**
     * A standard normal deviate by Box-Muller, from two uniforms. {@code StrictMath}: {@code Math.cos} is an intrinsic whose
     * result may differ by an ulp between CPUs and JVMs (here it differs from fdlibm's in 3% of draws), which would make the
     * "same weights on every JVM" of the class comment a matter of luck in the float rounding.
     */
    static double gaussian(SplittableRandom random) {
        double u1 = random.nextDouble();
        double u2 = random.nextDouble();
        return StrictMath.sqrt(-2.0 * StrictMath.log1p(-u1)) * StrictMath.cos(2.0 * Math.PI * u2);
    }
}
