package dev.jvk.nn.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * A labelled classification data set held in memory: {@code rows x features} float features,
 * row-major, and one class label in {@code [0, classes)} per row.
 *
 * <p>The arrays are shared, not copied: the set is a view for the trainer, which reads rows by
 * index. Scaling ({@link FeatureScaling#applyTo(DataSet)}) writes the features in place.
 *
 * @param features    {@code rows * features} values, row {@code r} at {@code r * features}
 * @param labels      {@code rows} class labels, each in {@code [0, classes)}
 * @param rows        number of samples, {@code >= 0}
 * @param featureCount number of features per sample, {@code >= 1}
 * @param classes     number of classes, {@code >= 1}
 * @param name        where the data came from, for messages
 */
public record DataSet(float[] features, int[] labels, int rows, int featureCount, int classes, String name) {

    /** Checks the shapes and that every label lies in {@code [0, classes)}. */
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
    }

    /** The rows {@code [from, to)} as a new data set (copies). */
    public DataSet slice(int from, int to, String sliceName) {
        Objects.checkFromToIndex(from, to, rows);
        return new DataSet(Arrays.copyOfRange(features, from * featureCount, to * featureCount),
                Arrays.copyOfRange(labels, from, to), to - from, featureCount, classes, sliceName);
    }

    /** The same data with a different class count (at least the largest label + 1), e.g. to agree with a test set. */
    public DataSet withClasses(int newClasses) {
        return new DataSet(features, labels, rows, featureCount, newClasses, name);
    }

    /** The data set's rows in the order given by {@code order} (copies). */
    public DataSet select(int[] order, String selectionName) {
        float[] x = new float[order.length * featureCount];
        int[] y = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            System.arraycopy(features, order[i] * featureCount, x, i * featureCount, featureCount);
            y[i] = labels[order[i]];
        }
        return new DataSet(x, y, order.length, featureCount, classes, selectionName);
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
        return name + " (" + rows + " x " + featureCount + ", " + classes + " classes)";
    }
}
