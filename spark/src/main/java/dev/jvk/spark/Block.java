package dev.jvk.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;
import org.apache.spark.sql.Row;

/**
 * One partition's training rows as jvk takes them: {@code rows x inputs} floats, row-major, and one
 * class per row (a classifier's) or one target per row (a regressor's). Built once per fit and cached,
 * so that every round reads floats, not Rows.
 *
 * @param partition the partition it came from (its leaf in the {@link PairwiseSum})
 * @param labels    the classes, or null for a regressor's block
 * @param targets   the targets, or null for a classifier's block
 */
record Block(int partition, float[] features, int[] labels, float[] targets, int rows) implements Serializable {

    /**
     * The block of {@code rows}, whose field 0 is the features vector and field 1 the label (a double).
     *
     * @param classes the classes the labels must be in, or 0 for a regressor's real-valued targets
     * @throws IllegalArgumentException on a null or wrong-length vector, a feature that is not a finite float, or a label that is null, or for a
     *                                  classifier not a whole number in {@code [0, classes)}, for a regressor not finite
     */
    static Block of(int partition, Iterator<Row> rows, int inputs, int classes, String featuresCol, String labelCol) {
        float[] x = new float[inputs * 64];
        double[] y = new double[64];
        int n = 0;
        while (rows.hasNext()) {
            Row row = rows.next();
            if (n == y.length) {
                if ((long) y.length * 2 * inputs > Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException("partition " + partition + " has more than " + n + " rows of " + inputs
                            + " features, more than one float array holds: repartition the data into more partitions");
                }
                y = Arrays.copyOf(y, y.length * 2);
                x = Arrays.copyOf(x, y.length * inputs);
            }
            FeatureRows.copy(row, 0, featuresCol, partition, n, inputs, x, n * inputs);
            FeatureRows.requireFinite(row, 0, featuresCol, partition, n, x, n * inputs, inputs);
            y[n] = label(row, labelCol, partition, n, classes);
            n++;
        }
        float[] features = Arrays.copyOf(x, n * inputs);
        if (classes == 0) {
            float[] targets = new float[n];
            for (int i = 0; i < n; i++) {
                targets[i] = (float) y[i];
            }
            return new Block(partition, features, null, targets, n);
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (int) y[i];
        }
        return new Block(partition, features, labels, null, n);
    }

    /** The sum of the targets, in double. */
    double targetSum() {
        double sum = 0;
        for (int i = 0; i < rows; i++) {
            sum += targets[i];
        }
        return sum;
    }

    /** The sum of the targets' squared deviations from {@code mean}, in double. */
    double squaredDeviations(double mean) {
        double sum = 0;
        for (int i = 0; i < rows; i++) {
            double d = targets[i] - mean;
            sum += d * d;
        }
        return sum;
    }

    private static double label(Row row, String labelCol, int partition, int n, int classes) {
        if (row.isNullAt(1)) {
            throw new IllegalArgumentException("the label column '" + labelCol + "' is null at " + FeatureRows.where(partition, n));
        }
        double label = row.getDouble(1);
        if (classes == 0) {
            if (!Double.isFinite(label) || !Float.isFinite((float) label)) {
                throw new IllegalArgumentException("the label column '" + labelCol + "' has " + label + " at " + FeatureRows.where(partition, n)
                        + ": a regressor's labels must be finite floats");
            }
            return label;
        }
        if (!(label >= 0 && label < classes) || label != Math.rint(label)) {
            throw new IllegalArgumentException("the label column '" + labelCol + "' has " + label + " at " + FeatureRows.where(partition, n)
                    + ": labels must be whole numbers in [0, " + classes + ") (layers[last] = " + classes + " classes)");
        }
        return label;
    }
}
