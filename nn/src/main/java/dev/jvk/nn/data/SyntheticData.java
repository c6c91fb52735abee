package dev.jvk.nn.data;

import java.util.SplittableRandom;

/**
 * A built-in, seeded, non-linear classification problem: the default when no data is given.
 *
 * <p>How a sample is made: pick a class uniformly; pick one of that class's {@value #CLUSTERS_PER_CLASS}
 * cluster centres in a {@value #LATENT}-dimensional latent space; add unit Gaussian noise; map the
 * latent point to {@code features} observed values through a fixed random layer {@code tanh(A z + b)};
 * add a little observation noise. Each class is a union of separate blobs bent by the tanh map, so
 * no linear model separates the classes well, while a small MLP learns most of the structure. The
 * blobs overlap a little, so no model reaches 100%.
 *
 * <p>The same seed gives the same problem and the same samples, bitwise on every CPU and JVM (its functions are
 * {@code StrictMath}'s); train and test sets drawn from one
 * {@code SyntheticData} come from the same distribution with independent samples.
 */
public final class SyntheticData {
    /** Number of classes. */
    public static final int CLASSES = 10;
    /** Dimension of the hidden latent space the classes live in. */
    public static final int LATENT = 8;
    /** Blobs per class. */
    public static final int CLUSTERS_PER_CLASS = 3;
    /** Default number of observed features. */
    public static final int DEFAULT_FEATURES = 64;

    /** Spread of the cluster centres relative to the unit noise of a blob: sets how much the blobs overlap. */
    private static final double CENTRE_SPREAD = 1.6;
    private static final double OBSERVATION_NOISE = 0.05;

    private final int features;
    private final double[][] centres;   // [CLASSES * CLUSTERS_PER_CLASS][LATENT]
    private final double[][] mixing;    // [features][LATENT]
    private final double[] offset;      // [features]
    private final long seed;

    /** The problem for {@code seed} with {@code features} observed features ({@code >= 1}). */
    public SyntheticData(long seed, int features) {
        if (features < 1) {
            throw new IllegalArgumentException("features must be >= 1, got " + features);
        }
        this.features = features;
        this.seed = seed;
        SplittableRandom random = new SplittableRandom(seed);
        centres = new double[CLASSES * CLUSTERS_PER_CLASS][LATENT];
        for (double[] centre : centres) {
            for (int j = 0; j < LATENT; j++) {
                centre[j] = CENTRE_SPREAD * gaussian(random);
            }
        }
        mixing = new double[features][LATENT];
        offset = new double[features];
        double gain = 1.5 / Math.sqrt(LATENT);
        for (int i = 0; i < features; i++) {
            for (int j = 0; j < LATENT; j++) {
                mixing[i][j] = gain * gaussian(random);
            }
            offset[i] = 0.5 * gaussian(random);
        }
    }

    /** The default problem: {@value #DEFAULT_FEATURES} features. */
    public SyntheticData(long seed) {
        this(seed, DEFAULT_FEATURES);
    }

    /**
     * Draws {@code rows} samples; {@code stream} picks an independent sample stream (e.g. 0 for
     * training, 1 for test) of the same problem.
     */
    public DataSet sample(int rows, int stream, String name) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 31L * (stream + 1));
        float[] x = new float[rows * features];
        int[] y = new int[rows];
        double[] z = new double[LATENT];
        for (int r = 0; r < rows; r++) {
            int label = random.nextInt(CLASSES);
            double[] centre = centres[label * CLUSTERS_PER_CLASS + random.nextInt(CLUSTERS_PER_CLASS)];
            for (int j = 0; j < LATENT; j++) {
                z[j] = centre[j] + gaussian(random);
            }
            for (int i = 0; i < features; i++) {
                double s = offset[i];
                for (int j = 0; j < LATENT; j++) {
                    s += mixing[i][j] * z[j];
                }
                x[r * features + i] = (float) (StrictMath.tanh(s) + OBSERVATION_NOISE * gaussian(random));
            }
            y[r] = label;
        }
        return new DataSet(x, y, rows, features, CLASSES, name);
    }

    /** Number of observed features. */
    public int features() {
        return features;
    }

    /**
     * A standard normal deviate (Box-Muller; SplittableRandom has no nextGaussian of its own that is seed-stable across JDKs).
     * {@code StrictMath}: {@code Math}'s intrinsics may round the last bit differently on another CPU or JVM.
     */
    static double gaussian(SplittableRandom random) {
        double u1 = random.nextDouble();
        double u2 = random.nextDouble();
        return StrictMath.sqrt(-2.0 * StrictMath.log1p(-u1)) * StrictMath.cos(2.0 * Math.PI * u2);
    }
}
