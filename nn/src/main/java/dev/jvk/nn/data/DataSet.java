package dev.jvk.nn.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * A labelled data set held in memory: {@code rows x featureCount} float features, row-major, and
 * either one class label in {@code [0, classes)} per row (classification) or {@code targetCount}
 * real targets per row (regression, {@code targets} not null).
 *
 * <p>The arrays are shared, not copied: the set is a view for the trainer, which reads rows by
 * index. Scaling ({@link FeatureScaling#applyTo(DataSet)}) writes the features in place.
 *
 * <pre>{@code
 * DataSet iris = DataSet.of(features, labels, 150, 4, 3, "iris");          // classification
 * DataSet houses = DataSet.regression(features, prices, 500, 8, 1, "houses");
 * }</pre>
 *
 * @param features     {@code rows * featureCount} values, row {@code r} at {@code r * featureCount}
 * @param labels       {@code rows} class labels, each in {@code [0, classes)}; all 0 for regression
 * @param rows         number of samples, {@code >= 0}
 * @param featureCount number of features per sample, {@code >= 1}
 * @param classes      number of classes, {@code >= 1}; 1 for regression
 * @param name         where the data came from, for messages
 * @param targets      regression: {@code rows * targetCount} finite targets, row-major; null for classification
 * @param targetCount  regression: targets per row, {@code >= 1}; 0 for classification
 */
public record DataSet(float[] features, int[] labels, int rows, int featureCount, int classes, String name,
                      float[] targets, int targetCount) {

    /** Checks the shapes, that every label lies in {@code [0, classes)} and that every target is finite. */
    public DataSet {
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(name, "name");
        if (rows < 0 || featureCount < 1 || classes < 1) {
            throw new IllegalArgumentException("bad data set shape: rows " + rows + ", features " + featureCount + ", classes " + classes);
        }
        if ((long) rows * featureCount != features.length || labels.length != rows) {
            throw new IllegalArgumentException("data set " + name + ": " + features.length + " feature values and "
                    + labels.length + " labels do not make " + rows + " rows of " + featureCount);
        }
        for (int r = 0; r < rows; r++) {
            if (labels[r] < 0 || labels[r] >= classes) {
                throw new DataException(name + ": label " + labels[r] + " of row " + r + " is outside [0, " + classes + ")");
            }
        }
        if (targets != null) {
            if (targetCount < 1 || (long) rows * targetCount != targets.length) {
                throw new IllegalArgumentException("data set " + name + ": " + targets.length + " targets do not make " + rows + " rows of " + targetCount);
            }
            for (int i = 0; i < targets.length; i++) {
                if (!Float.isFinite(targets[i])) {
                    throw new DataException(name + ": target " + targets[i] + " of row " + i / targetCount + " is not finite");
                }
            }
        } else if (targetCount != 0) {
            throw new IllegalArgumentException("data set " + name + ": targetCount " + targetCount + " without targets");
        }
    }

    /** A classification set (the arrays are shared, not copied). */
    public DataSet(float[] features, int[] labels, int rows, int featureCount, int classes, String name) {
        this(features, labels, rows, featureCount, classes, name, null, 0);
    }

    /**
     * A classification set of {@code rows} samples of {@code featureCount} features and one label in
     * {@code [0, classes)} each (the arrays are shared, not copied).
     *
     * @throws IllegalArgumentException when the arrays do not have {@code rows * featureCount} and {@code rows} values
     * @throws DataException            when a label is outside {@code [0, classes)}
     */
    public static DataSet of(float[] features, int[] labels, int rows, int featureCount, int classes, String name) {
        return new DataSet(features, labels, rows, featureCount, classes, name);
    }

    /**
     * A regression set: {@code rows x featureCount} features and {@code rows x targetCount} targets (shared, not copied).
     *
     * @throws IllegalArgumentException when the arrays do not fit the shape
     * @throws DataException            when a target is not finite
     */
    public static DataSet regression(float[] features, float[] targets, int rows, int featureCount, int targetCount, String name) {
        Objects.requireNonNull(targets, "targets");
        // the labels' array only for a rows the targets can hold (at least one each): any other is the shape check's
        // clear error, not an allocation sized by the argument (gigabytes, or a NegativeArraySizeException)
        int[] labels = new int[rows >= 0 && rows <= targets.length ? rows : 0];
        return new DataSet(features, labels, rows, featureCount, 1, name, targets, targetCount);
    }

    /** True when the rows carry real targets rather than class labels. */
    public boolean isRegression() {
        return targets != null;
    }

    /** The rows {@code [from, to)} as a new data set (copies). */
    public DataSet slice(int from, int to, String sliceName) {
        Objects.checkFromToIndex(from, to, rows);
        int[] order = new int[to - from];
        Arrays.setAll(order, i -> from + i);
        return select(order, sliceName);
    }

    /** The same data with a different class count (at least the largest label + 1), e.g. to agree with a test set. */
    public DataSet withClasses(int newClasses) {
        return new DataSet(features, labels, rows, featureCount, newClasses, name, targets, targetCount);
    }

    /** The data set's rows in the order given by {@code order} (copies). */
    public DataSet select(int[] order, String selectionName) {
        float[] x = new float[Math.multiplyExact(order.length, featureCount)];
        int[] y = new int[order.length];
        float[] t = targets == null ? null : new float[order.length * targetCount];
        for (int i = 0; i < order.length; i++) {
            System.arraycopy(features, order[i] * featureCount, x, i * featureCount, featureCount);
            y[i] = labels[order[i]];
            if (t != null) {
                System.arraycopy(targets, order[i] * targetCount, t, i * targetCount, targetCount);
            }
        }
        return new DataSet(x, y, order.length, featureCount, classes, selectionName, t, targetCount);
    }

    /**
     * Each feature column's mean over the rows, its missing values (NaN) skipped; 0 for a column with none. A caller
     * that splits rows off first takes its fill values from the rows that train ({@code ./jvk train --missing mean}).
     */
    public float[] featureMeans() {
        return columnMeans(features, featureCount, i -> Float.isNaN(features[i]));
    }

    /** The mean of each of the {@code columns} columns of row-major {@code x}, in double, the values {@code skip} names left out; 0 for none. */
    static float[] columnMeans(float[] x, int columns, java.util.function.IntPredicate skip) {
        double[] sum = new double[columns];
        long[] count = new long[columns];
        for (int i = 0; i < x.length; i++) {
            if (!skip.test(i)) {
                sum[i % columns] += x[i];
                count[i % columns]++;
            }
        }
        float[] means = new float[columns];
        for (int c = 0; c < columns; c++) {
            means[c] = count[c] == 0 ? 0f : (float) (sum[c] / count[c]);
        }
        return means;
    }

    /** Counts of each label. */
    public int[] classCounts() {
        int[] counts = new int[classes];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    @Override
    public String toString() {
        return name + " (" + rows + " x " + featureCount + (targets == null ? ", " + classes + " classes)" : ", " + targetCount + " targets)");
    }
}
