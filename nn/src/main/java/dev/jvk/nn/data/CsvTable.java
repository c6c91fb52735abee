package dev.jvk.nn.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A CSV file as {@link CsvReader} read it: the feature columns as floats, the label or target columns
 * still as text, and the header's names. {@link #classification} and {@link #regression} turn it into
 * a {@link DataSet}; {@link #inferredTask} says which of the two the label column looks like.
 */
public final class CsvTable {
    /** What a label column holds. */
    public enum Task {
        /** Class labels: integers or names. */
        CLASSIFICATION,
        /** Real numbers that are not all integers. */
        REGRESSION
    }

    private final String name;
    private final int columns;
    private final int rows;
    private final float[] features;
    private final int featureCount;
    private final List<String> header;
    private final List<String> featureNames;
    private final int[] labelColumns;
    private final List<String> targetNames;
    private final String[] targets;
    private final int[] missingAt;
    private final long[] lines;

    CsvTable(String name, int columns, int rows, float[] features, int featureCount, List<String> header, List<String> featureNames,
             int[] labelColumns, List<String> targetNames, String[] targets, int[] missingAt, long[] lines) {
        this.lines = lines;
        this.name = name;
        this.columns = columns;
        this.rows = rows;
        this.features = features;
        this.featureCount = featureCount;
        this.header = header;
        this.featureNames = featureNames;
        this.labelColumns = labelColumns;
        this.targetNames = targetNames;
        this.targets = targets;
        this.missingAt = missingAt;
    }

    /** The line of the file where data row {@code row} (0-based) starts, 1-based as an editor counts, for messages. */
    public long line(int row) {
        return lines[row];
    }

    /** The file's name, for messages. */
    public String name() {
        return name;
    }

    /** Columns per row, label columns included. */
    public int columns() {
        return columns;
    }

    /** Data rows (the header excluded). */
    public int rows() {
        return rows;
    }

    /** The feature values, {@code rows x featureCount}, row-major (shared, not copied). */
    public float[] features() {
        return features;
    }

    /** Feature columns per row. */
    public int featureCount() {
        return featureCount;
    }

    /** The header's names of all columns, or empty without a header. */
    public List<String> header() {
        return header;
    }

    /** The header's names of the feature columns, or empty. */
    public List<String> featureNames() {
        return featureNames;
    }

    /** The 0-based label or target columns, in the order given. */
    public int[] labelColumns() {
        return labelColumns.clone();
    }

    /** The header's names of the label columns, or empty. */
    public List<String> targetNames() {
        return targetNames;
    }

    /** How many feature values were missing (and filled). */
    public int missingValues() {
        return missingAt.length;
    }

    /** Each feature column's mean over the values present in the file (0 for a column with none). */
    public float[] columnMeans() {
        boolean[] missing = new boolean[features.length];
        for (int i : missingAt) {
            missing[i] = true;
        }
        return DataSet.columnMeans(features, featureCount, i -> missing[i]);
    }

    /**
     * Fills the missing feature values: with zero, or with {@code means} (one per feature column; this
     * file's own {@link #columnMeans()} when null), e.g. the training file's means for a test file.
     */
    public void fillMissing(CsvReader.Missing how, float[] means) {
        if (missingAt.length == 0) {
            return;
        }
        if (how == CsvReader.Missing.ERROR) {
            throw new DataException(name + ": " + missingAt.length + " missing values");
        }
        // featureCount: the columns of the rows read (a missing value means there is one), not a size the file claims
        float[] fill = how == CsvReader.Missing.ZERO ? new float[featureCount] : means != null ? means : columnMeans();
        if (fill.length != featureCount) {
            throw new IllegalArgumentException(fill.length + " means for " + featureCount + " feature columns");
        }
        for (int i : missingAt) {
            features[i] = fill[i % featureCount];
        }
    }

    /**
     * Puts NaN back in place of every missing value the reader filled, for a caller that fills them from other rows than
     * this file's (train takes its means from the rows that train, after the test and validation splits).
     */
    public void markMissing() {
        for (int i : missingAt) {
            features[i] = Float.NaN;
        }
    }

    /** Whether every label is a decimal number (whole or not) rather than text: a quantity, not a name. */
    public boolean numericLabels() {
        requireLabels();
        for (String t : targets) {
            if (Double.isNaN(CsvReader.parseDecimal(t))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Classification when every label is an integer or any label is not a number; regression when they are
     * numbers and at least one has a fraction. Needs exactly one label column for classification.
     */
    public Task inferredTask() {
        requireLabels();
        boolean fraction = false;
        for (String t : targets) {
            double v = CsvReader.parseDecimal(t);
            if (Double.isNaN(v)) {
                return Task.CLASSIFICATION;
            }
            fraction |= v != Math.rint(v);
        }
        return fraction || labelColumns.length > 1 ? Task.REGRESSION : Task.CLASSIFICATION;
    }

    /**
     * The class names the labels imply: empty when every label is a class number in {@code [0, MAX_CLASSES)}
     * ({@code 3} or {@code 3.0}: the class is the number) and at least as many of the numbers {@code 0..max} occur as do
     * not; otherwise the distinct labels, numbers in numeric order, text in lexicographic order (as scikit-learn's
     * {@code LabelEncoder}). Sparse numbers are codes, not class indexes: labels 100, 200 and 404 taken as classes
     * would make a model of 405 outputs, 402 of them never trained, which soak up probability and can be predicted
     * (on such a set 0.87 test accuracy against 0.97 with the three as names).
     *
     * @throws DataException when there are more than {@link CsvReader#MAX_CLASSES} distinct labels
     */
    public List<String> inferredClassNames() {
        requireOneLabelColumn();
        boolean numbers = true;
        boolean classNumbers = true;
        boolean[] used = new boolean[CsvReader.MAX_CLASSES];
        int max = 0;
        for (String t : targets) {
            double v = CsvReader.parseDecimal(t);
            numbers &= !Double.isNaN(v);
            classNumbers &= v >= 0 && v < CsvReader.MAX_CLASSES && v == Math.rint(v);
            if (classNumbers) {
                used[(int) v] = true;
                max = Math.max(max, (int) v);
            }
        }
        int usedNumbers = 0;
        for (boolean u : used) {
            usedNumbers += u ? 1 : 0;
        }
        if (classNumbers && usedNumbers >= max + 1 - usedNumbers) {
            return List.of();
        }
        TreeSet<String> distinct = numbers
                ? new TreeSet<>((a, b) -> Double.compare(Double.parseDouble(a), Double.parseDouble(b)))
                : new TreeSet<>();
        for (String t : targets) {
            distinct.add(t);
            if (distinct.size() > CsvReader.MAX_CLASSES) {
                throw new DataException(name + ": more than " + CsvReader.MAX_CLASSES + " distinct labels; "
                        + (numbers ? "for real-valued targets give --task regression" : "this is not a classification"));
            }
        }
        return List.copyOf(distinct);
    }

    /**
     * The rows as a classification set. With {@code classNames} empty the labels must be class numbers;
     * otherwise each label must be one of the names (its index is the class).
     *
     * @throws DataException naming the row and column of a label that is neither
     */
    public DataSet classification(List<String> classNames) {
        return classification(classNames, CsvReader.MAX_CLASSES, "");
    }

    /**
     * {@link #classification(List)} for a model of {@code classes} classes: with {@code classNames} empty a label must be
     * a class number below {@code classes}, and {@code noNames} follows the message of a label that is not a number
     * (what to do about a model that has no names for its classes).
     *
     * @throws DataException naming the row and column of a label that is neither
     */
    public DataSet classification(List<String> classNames, int classes, String noNames) {
        requireOneLabelColumn();
        List<String> names = classNames == null ? inferredClassNames() : classNames;
        int[] labels = new int[rows];   // one per row read: targets holds them already
        int maxLabel = 0;
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            index.put(names.get(i), i);
        }
        for (int r = 0; r < rows; r++) {
            String t = targets[r];
            Integer label;
            if (names.isEmpty()) {
                double v = CsvReader.parseDecimal(t);
                label = v >= 0 && v < classes && v == Math.rint(v) ? (int) v : null;
                if (label == null) {
                    throw new DataException(where(r, 0) + ": label " + DataException.printable(t) + " is not a class number (0.."
                            + (classes - 1) + ")" + (Double.isNaN(v) ? noNames : ""));
                }
            } else {
                label = index.get(t);
                if (label == null) {
                    label = numericMatch(t, names);
                }
                if (label == null) {
                    throw new DataException(where(r, 0) + ": label " + DataException.printable(t) + " is not one of the "
                            + names.size() + " classes " + DataException.printable(String.join(", ", names)));
                }
            }
            labels[r] = label;
            maxLabel = Math.max(maxLabel, label);
        }
        return new DataSet(features, labels, rows, featureCount, names.isEmpty() ? maxLabel + 1 : names.size(), name);
    }

    /** "3" for a class named "3.0": numbers compare as numbers. */
    private static Integer numericMatch(String t, List<String> names) {
        double v = CsvReader.parseDecimal(t);
        if (Double.isNaN(v)) {
            return null;
        }
        for (int i = 0; i < names.size(); i++) {
            if (CsvReader.parseDecimal(names.get(i)) == v) {
                return i;
            }
        }
        return null;
    }

    /**
     * The rows as a regression set, one target per label column.
     *
     * @throws DataException naming the row and column of a target that is not a finite decimal number
     */
    public DataSet regression() {
        requireLabels();
        int k = labelColumns.length;
        float[] y = new float[rows * k];
        for (int i = 0; i < y.length; i++) {
            double v = CsvReader.parseDecimal(targets[i]);
            if (Double.isNaN(v) || !Double.isFinite((float) v)) {
                throw new DataException(where(i / k, i % k) + ": target " + DataException.printable(targets[i])
                        + (Double.isNaN(v) ? " is not a number (a regression target is one; labels such as this are classes: --task classification)"
                                : CsvReader.BEYOND_FLOAT));
            }
            y[i] = (float) v;
        }
        return DataSet.regression(features, y, rows, featureCount, k, name);
    }

    private String where(int row, int target) {
        int column = labelColumns[target];
        String label = header.isEmpty() ? "" : " (" + DataException.printable(header.get(column)) + ")";
        return name + " line " + lines[row] + ", column " + (column + 1) + label;
    }

    private void requireLabels() {
        if (labelColumns.length == 0) {
            throw new IllegalStateException(name + " was read without a label column");
        }
    }

    private void requireOneLabelColumn() {
        requireLabels();
        if (labelColumns.length != 1) {
            throw new DataException(name + ": classification takes one label column, " + labelColumns.length + " were given (several are for --task regression)");
        }
    }

    @Override
    public String toString() {
        return name + " (" + rows + " rows, " + columns + " columns, label columns " + Arrays.toString(labelColumns) + ")";
    }
}
