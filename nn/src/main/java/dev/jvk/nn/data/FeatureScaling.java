package dev.jvk.nn.data;

import dev.jvk.kernels.Vectors;
import java.util.Arrays;
import java.util.Objects;

/**
 * A per-feature affine map {@code x' = (x - shift) * scale}, fitted on training data only and then
 * applied unchanged to validation and test data (so no information leaks from them). A model file
 * stores the scaling with the weights, so that {@code evaluate} sees data the way training did.
 *
 * <ul>
 *   <li>{@link Kind#MIN_MAX}: each feature's training range to [0, 1]; a constant feature maps to 0.</li>
 *   <li>{@link Kind#STANDARD}: each feature to mean 0 and standard deviation 1 on the training data;
 *       a constant feature maps to 0.</li>
 *   <li>{@link Kind#NONE}: the identity.</li>
 * </ul>
 */
public final class FeatureScaling {
    /** How the map was fitted. */
    public enum Kind {
        NONE, MIN_MAX, STANDARD;

        /** The command-line spelling: none, minmax, standard. */
        public String cliName() {
            return switch (this) {
                case NONE -> "none";
                case MIN_MAX -> "minmax";
                case STANDARD -> "standard";
            };
        }
    }

    private final Kind kind;
    private final float[] shift;
    private final float[] scale;

    /**
     * A scaling with the given per-feature shift and scale (copied); both arrays have one entry per feature.
     *
     * @throws IllegalArgumentException if the arrays differ in length, or {@code kind} is {@link Kind#NONE} (the identity,
     *                                  applied as no map at all) with a shift other than 0 or a scale other than 1
     *                                  ({@link #none} makes the identity)
     */
    public FeatureScaling(Kind kind, float[] shift, float[] scale) {
        this.kind = Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(shift, "shift");
        Objects.requireNonNull(scale, "scale");
        if (shift.length != scale.length) {
            throw new IllegalArgumentException("shift has " + shift.length + " features, scale " + scale.length);
        }
        if (kind == Kind.NONE) {
            // NONE's apply leaves the values as they are: arrays of another map would be silently ignored
            for (int j = 0; j < shift.length; j++) {
                if (shift[j] != 0 || scale[j] != 1) {
                    throw new IllegalArgumentException("kind NONE is the identity, but shift[" + j + "] = " + shift[j] + " and scale["
                            + j + "] = " + scale[j] + " (expected 0 and 1; give MIN_MAX or STANDARD for another map)");
                }
            }
        }
        this.shift = shift.clone();
        this.scale = scale.clone();
    }

    /** The identity on {@code features} features. */
    public static FeatureScaling none(int features) {
        float[] ones = new float[features];
        Arrays.fill(ones, 1f);
        return new FeatureScaling(Kind.NONE, new float[features], ones);
    }

    /** {@link #chooseFor}'s bound on feature values of order 1: {@value}. */
    public static final double ORDER_ONE = 10;

    /**
     * The scaling {@code ./jvk train} fits by default: {@link Kind#NONE} when the features already share one scale of order 1
     * (every value within {@code +-}{@value #ORDER_ONE}, the largest standard deviation at least 1/{@value #ORDER_ONE}, and no
     * feature's standard deviation above {@value #ORDER_ONE} times another's), else {@link Kind#STANDARD}. Standardising features
     * that share a scale gives a feature that barely varies the same weight as the one that varies most: on iris (four lengths
     * in cm, spreads 0.4 to 1.8) it cost scikit-learn's MLP 0.987 to 0.940 test accuracy and jvk's 0.968 to 0.917 in
     * cross-validation. Features in different units or of large magnitude (pixels in 0..255, areas in the thousands) are
     * standardised, which training needs, and so are features in tiny units (spreads of 1e-8: unscaled, no weight a network
     * starts from can tell their rows apart). A constant feature (the same value in every row) does not count.
     */
    public static Kind chooseFor(DataSet train) {
        int f = train.featureCount();
        int n = train.rows();
        float[] x = train.features();
        for (int i = 0; i < n * f; i++) {
            if (!(Math.abs(x[i]) <= ORDER_ONE)) {
                return Kind.STANDARD;
            }
        }
        double[] sd = deviations(x, n, f, means(x, n, f));
        double least = Double.POSITIVE_INFINITY;
        double most = 0;
        for (int c = 0; c < f; c++) {
            if (sd[c] > 0) {   // a constant feature is as harmless unscaled as scaled
                least = Math.min(least, sd[c]);
                most = Math.max(most, sd[c]);
            }
        }
        return most == 0 || (most >= 1 / ORDER_ONE && most <= ORDER_ONE * least) ? Kind.NONE : Kind.STANDARD;
    }

    /** Each feature's mean over the {@code n} rows, in double (0 without rows). */
    private static double[] means(float[] x, int n, int f) {
        double[] mean = new double[f];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < f; c++) {
                mean[c] += x[r * f + c];
            }
        }
        for (int c = 0; c < f; c++) {
            mean[c] = n == 0 ? 0 : mean[c] / n;
        }
        return mean;
    }

    /**
     * Each feature's standard deviation about {@code mean}, from the deviations (not {@code E[x^2] - E[x]^2}, whose cancellation
     * leaves a constant column a spread of rounding error): exactly 0 for a column of one value, as the sum of fewer than 2^29
     * copies of a float is exact in double, and so is their mean.
     */
    private static double[] deviations(float[] x, int n, int f, double[] mean) {
        double[] sumSq = new double[f];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < f; c++) {
                double d = x[r * f + c] - mean[c];
                sumSq[c] += d * d;
            }
        }
        for (int c = 0; c < f; c++) {
            sumSq[c] = n == 0 ? 0 : Math.sqrt(sumSq[c] / n);
        }
        return sumSq;
    }

    /**
     * Fits {@code kind} on {@code train}'s features (in double, so large sets do not lose precision).
     *
     * @throws DataException naming the row and feature of a NaN or infinite value: one would make that feature's shift NaN
     *                       and every training step after it, so missing values are filled before (as the CSV reader's
     *                       {@code --missing} refuses them by default and fills them only when asked)
     */
    public static FeatureScaling fit(Kind kind, DataSet train) {
        int f = train.featureCount();
        int n = train.rows();
        float[] x = train.features();
        for (long i = 0; i < (long) n * f; i++) {
            if (!Float.isFinite(x[(int) i])) {
                throw new DataException(train.name() + " row " + (i / f + 1) + ", feature " + (i % f + 1) + ": " + x[(int) i]
                        + " is not a finite number, the scaling cannot be fitted (fill missing values first: CsvTable.fillMissing, "
                        + "or train's --missing mean|zero)");
            }
        }
        float[] shift = new float[f];
        float[] scale = new float[f];
        switch (kind) {
            case NONE -> {
                return none(f);
            }
            case MIN_MAX -> {
                float[] min = new float[f];
                float[] max = new float[f];
                Arrays.fill(min, Float.POSITIVE_INFINITY);
                Arrays.fill(max, Float.NEGATIVE_INFINITY);
                for (int r = 0; r < n; r++) {
                    for (int c = 0; c < f; c++) {
                        float v = x[r * f + c];
                        min[c] = Math.min(min[c], v);
                        max[c] = Math.max(max[c], v);
                    }
                }
                for (int c = 0; c < f; c++) {
                    double range = (double) max[c] - min[c];
                    shift[c] = n == 0 ? 0f : min[c];
                    // a range of a few subnormals has a reciprocal beyond float: as good as constant, and an infinite
                    // scale would make the feature's minimum 0 x Infinity = NaN
                    float reciprocal = (float) (1.0 / range);
                    scale[c] = range > 0 && Float.isFinite(reciprocal) ? reciprocal : 1f;
                }
            }
            case STANDARD -> {
                double[] mean = means(x, n, f);
                double[] sd = deviations(x, n, f, mean);
                for (int c = 0; c < f; c++) {
                    shift[c] = (float) mean[c];
                    // any spread but none is a feature, however small its unit (1e-13 is a unit too); only a spread whose reciprocal
                    // float cannot hold (below ~3e-39) is left unscaled, as a constant is
                    float reciprocal = (float) (1.0 / sd[c]);
                    scale[c] = sd[c] > 0 && Float.isFinite(reciprocal) ? reciprocal : 1f;
                }
            }
        }
        // finite values can still lie further apart than float holds (3e38 and -3e38): x - shift, the first step of applying the
        // map, would be infinite although the scaled value is of order 1, and training would stop as diverged on good weights
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < f; c++) {
                float v = x[r * f + c];
                if (Float.isInfinite(v - shift[c])) {
                    throw new DataException(train.name() + " row " + (r + 1) + ", feature " + (c + 1) + ": " + v + " lies more than float's range (3.4e38) from the "
                            + "feature's " + (kind == Kind.STANDARD ? "mean" : "minimum") + " (" + shift[c] + "), so the scaling cannot map it; divide the "
                            + "feature by a power of ten");
                }
            }
        }
        return new FeatureScaling(kind, shift, scale);
    }

    /** Scales {@code data}'s features in place. */
    public void applyTo(DataSet data) {
        if (data.featureCount() != shift.length) {
            throw new DataException(data.name() + " has " + data.featureCount() + " features, the scaling was fitted on " + shift.length);
        }
        apply(data.features(), data.rows());
    }

    /** Scales {@code rows x features} values in place (nothing when {@code x} is too short: see {@link #apply(float[], int, int, int, int)}). */
    public void apply(float[] x, int rows) {
        apply(x, 0, rows);
    }

    /** Scales rows {@code [fromRow, fromRow + rows)} of {@code x} ({@code features} values each) in place. */
    public void apply(float[] x, int fromRow, int rows) {
        apply(x, fromRow, rows, 0, shift.length);
    }

    /**
     * Scales features {@code [fromFeature, fromFeature + count)} of rows {@code [fromRow, fromRow + rows)} of
     * {@code x} ({@code features} values each) in place: each value as {@link #apply(float[], int, int)} scales it.
     *
     * @throws IllegalArgumentException  if the features are not a range of {@code [0, features)}, or {@code fromRow} or
     *                                   {@code rows} is negative
     * @throws IndexOutOfBoundsException if {@code x} does not hold the rows (nothing is scaled)
     */
    public void apply(float[] x, int fromRow, int rows, int fromFeature, int count) {
        Objects.requireNonNull(x, "x");
        checkFeatures(fromFeature, count);
        int f = shift.length;
        if (fromRow < 0 || rows < 0) {
            throw new IllegalArgumentException("fromRow and rows must be >= 0, got " + fromRow + " and " + rows);
        }
        // checked before the first row is scaled: a short x used to end in an exception with its first rows scaled
        if (rows > 0 && ((long) fromRow + rows) * f > x.length) {
            throw new IndexOutOfBoundsException("x is too short: rows [" + fromRow + ", " + ((long) fromRow + rows) + ") of " + f
                    + " features need " + ((long) fromRow + rows) * f + " values, it has " + x.length);
        }
        if (kind == Kind.NONE) {
            return;
        }
        for (int r = fromRow; r < fromRow + rows; r++) {
            copyScaled(x, r * f + fromFeature, x, r * f + fromFeature, fromFeature, count);
        }
    }

    /**
     * Features {@code [fromFeature, fromFeature + count)} of one row, copied from {@code source} (the row's feature
     * {@code fromFeature} at {@code sourceOffset}) into {@code x} (at {@code xOffset}) and scaled there: the values
     * of a copy followed by {@link #apply(float[], int, int, int, int)}, with one pass over {@code x} fewer ({@code source}
     * may be {@code x} at the same offset: that scaling in place).
     *
     * @throws IllegalArgumentException  if the features are not a range of {@code [0, features)}
     * @throws IndexOutOfBoundsException if either array is too short for its offset and {@code count}
     */
    public void copyScaled(float[] source, int sourceOffset, float[] x, int xOffset, int fromFeature, int count) {
        checkFeatures(fromFeature, count);
        if (kind == Kind.NONE) {
            System.arraycopy(source, sourceOffset, x, xOffset, count);
            return;
        }
        // (x - shift) * scale, each rounded, as one loop of subtractions and products would round them; a model's
        // inference maps its input rows so as its first product packs them (PackedMatrix.sgemmMapped): the same map
        Vectors.sub(source, sourceOffset, shift, fromFeature, x, xOffset, count);
        Vectors.mul(x, xOffset, scale, fromFeature, x, xOffset, count);
    }

    private void checkFeatures(int fromFeature, int count) {
        int f = shift.length;
        if (fromFeature < 0 || count < 0 || fromFeature > f - count) {
            throw new IllegalArgumentException("features [" + fromFeature + ", " + fromFeature + " + " + count
                    + ") must lie within the " + f + " features");
        }
    }

    /** How it was fitted. */
    public Kind kind() {
        return kind;
    }

    /** Number of features. */
    public int features() {
        return shift.length;
    }

    /** A copy of the per-feature shifts. */
    public float[] shift() {
        return shift.clone();
    }

    /** A copy of the per-feature scales. */
    public float[] scale() {
        return scale.clone();
    }

    /**
     * The first shift or scale that is NaN or infinite, named as in {@code "feature scaling's scale[2] = Infinity"}
     * (features counted from 0), or null when all are finite. Such a scaling turns its feature into NaN or an
     * infinity for every row (0 x Infinity, x - NaN), so {@link #fit} never makes one, and a model holding one is
     * neither saved, quantized nor loaded. A scale of zero (the feature ignored) or a negative one is finite and kept.
     */
    public String nonFiniteValue() {
        for (int j = 0; j < shift.length; j++) {
            if (!Float.isFinite(shift[j])) {
                return "feature scaling's shift[" + j + "] = " + shift[j];
            }
            if (!Float.isFinite(scale[j])) {
                return "feature scaling's scale[" + j + "] = " + scale[j];
            }
        }
        return null;
    }
}
