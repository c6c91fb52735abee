package dev.jvk.spark;

import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/** Reads one row's ML {@code Vector} of features into a float block, checking it as it goes. */
final class FeatureRows {
    private FeatureRows() {}

    /**
     * Copies the vector in field {@code field} of {@code row} to {@code dst[offset .. offset+inputs)}.
     *
     * @param column    the column's name, for messages
     * @param partition the row's partition, for messages
     * @param index     the row's place in its partition, for messages
     * @throws IllegalArgumentException when the vector is null or does not have {@code inputs} entries
     */
    static void copy(Row row, int field, String column, int partition, long index, int inputs, float[] dst, int offset) {
        if (row.isNullAt(field)) {
            throw new IllegalArgumentException("the features column '" + column + "' is null at " + where(partition, index));
        }
        Vector v = (Vector) row.get(field);
        if (v.size() != inputs) {
            throw new IllegalArgumentException("the features column '" + column + "' has " + v.size()
                    + " values at " + where(partition, index) + ", the model takes " + inputs + " (layers[0])");
        }
        copy(v, dst, offset);
    }

    /** Copies {@code v}, dense or sparse, to {@code dst[offset .. offset+v.size())}, as floats. */
    static void copy(Vector v, float[] dst, int offset) {
        int inputs = v.size();
        switch (v) {
            case DenseVector d -> {
                double[] values = d.values();
                for (int i = 0; i < inputs; i++) {
                    dst[offset + i] = (float) values[i];
                }
            }
            case SparseVector s -> {
                java.util.Arrays.fill(dst, offset, offset + inputs, 0f);
                int[] indices = s.indices();
                double[] values = s.values();
                for (int i = 0; i < indices.length; i++) {
                    dst[offset + indices[i]] = (float) values[i];
                }
            }
            default -> {
                for (int i = 0; i < inputs; i++) {
                    dst[offset + i] = (float) v.apply(i);
                }
            }
        }
    }

    /**
     * Refuses a training row whose features, as floats, are not all finite: a NaN, an infinity or a
     * double beyond the float range would make the first step's loss NaN, which reads as a diverged
     * training rather than as the row it is.
     *
     * @throws IllegalArgumentException naming the column, the row, its partition and the vector's index
     */
    static void requireFinite(Row row, int field, String column, int partition, long index, float[] x, int offset, int inputs) {
        for (int i = 0; i < inputs; i++) {
            if (!Float.isFinite(x[offset + i])) {
                throw new IllegalArgumentException("the features column '" + column + "' has " + ((Vector) row.get(field)).apply(i) + " at "
                        + where(partition, index) + ", index " + i + " of the vector: training features must be finite floats");
            }
        }
    }

    /**
     * Refuses a features column whose schema already says its vectors have other than {@code inputs} values (the
     * metadata VectorAssembler and MLlib's feature stages write), before any Spark job: the same refusal row by row
     * would come only when the data is read, inside a failed task.
     *
     * @throws IllegalArgumentException naming the column and both sizes
     */
    static void requireSize(StructType schema, String column, int inputs) {
        int size = AttributeGroup.fromStructField(schema.apply(topLevel(schema, column))).size();
        if (size >= 0 && size != inputs) {
            throw new IllegalArgumentException("the features column '" + column + "' holds vectors of " + size
                    + " values (its metadata says so), the model takes " + inputs + " (layers[0])");
        }
    }

    /**
     * The name of the top-level column that the column param {@code column} names, read as Spark ML reads column params
     * (its stages' schema checks run before jvk sees the data): a name holding a dot is a struct's field unless it is
     * quoted in backticks, {@code `a.b`} for the column named {@code a.b} (a backtick inside doubled).
     *
     * @throws IllegalArgumentException when {@code column} names a field of a struct column: jvk reads a top-level column
     */
    static String topLevel(StructType schema, String column) {
        if (column.length() >= 2 && column.startsWith("`") && column.endsWith("`")) {
            String inner = column.substring(1, column.length() - 1);
            if (!inner.replace("``", "").contains("`")) {
                return inner.replace("``", "`");
            }
        }
        if ((column.contains(".") || column.contains("`")) && !java.util.Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException("the column '" + column + "' names a field inside a struct column; jvk reads a "
                    + "top-level column (a column whose name holds a dot is named in backticks, as Spark ML reads it: `a.b`)");
        }
        return column;
    }

    /** A row's place for a message. */
    static String where(int partition, long index) {
        return "row " + index + " of partition " + partition;
    }
}
