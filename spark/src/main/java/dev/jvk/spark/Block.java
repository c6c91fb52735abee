package dev.jvk.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;
import org.apache.spark.sql.Row;

/**
 * One partition's training rows as jvk takes them: {@code rows x inputs} floats, row-major, and one
 * class per row. Built once per fit and cached, so that every round reads floats, not Rows.
 *
 * @param partition the partition it came from (its leaf in the {@link PairwiseSum})
 */
record Block(int partition, float[] features, int[] labels, int rows) implements Serializable {

    /**
     * The block of {@code rows}, whose field 0 is the features vector and field 1 the label (a double).
     *
     * @throws IllegalArgumentException on a null or wrong-length vector, or a label that is null, not a
     *                                  whole number or outside {@code [0, classes)}
     */
    static Block of(int partition, Iterator<Row> rows, int inputs, int classes, String featuresCol, String labelCol) {
        float[] x = new float[inputs * 64];
        int[] y = new int[64];
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
            y[n] = label(row, labelCol, partition, n, classes);
            n++;
        }
        return new Block(partition, Arrays.copyOf(x, n * inputs), Arrays.copyOf(y, n), n);
    }

    private static int label(Row row, String labelCol, int partition, int n, int classes) {
        if (row.isNullAt(1)) {
            throw new IllegalArgumentException("the label column '" + labelCol + "' is null at " + FeatureRows.where(partition, n));
        }
        double label = row.getDouble(1);
        if (!(label >= 0 && label < classes) || label != Math.rint(label)) {
            throw new IllegalArgumentException("the label column '" + labelCol + "' has " + label + " at " + FeatureRows.where(partition, n)
                    + ": labels must be whole numbers in [0, " + classes + ") (layers[last] = " + classes + " classes)");
        }
        return (int) label;
    }
}
