package dev.jvk.nn;

import dev.jvk.nn.data.DataException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How a model did on a labelled data set: for a classifier the accuracy, top-k accuracy and the
 * confusion matrix (precision, recall and F1 per class and averaged follow from it); for a regressor
 * RMSE, MAE and R^2 in the targets' own units.
 *
 * @param rows          samples evaluated
 * @param accuracy      fraction of samples whose highest score is their label, in [0, 1]; NaN for regression
 * @param loss          mean loss over the samples (for regression, on the standardised targets the model trains on)
 * @param confusion     {@code confusion[label][predicted]} counts; empty for regression, and for a model of more than
 *                      {@value #MAX_CONFUSION_CLASSES} classes, whose matrix would take {@code 4 x classes^2} bytes
 *                      (6.4e9 bytes at 40,000 classes) to say little a person can read
 * @param topKAccuracy  {@code topKAccuracy[k-1]}: fraction of samples whose label is among the k highest scores, k = 1..min(5, classes); empty for regression
 * @param rmse          regression: root mean squared error pooled over all targets (the square root of the mean of the
 *                      targets' mean squared errors); NaN for classification
 * @param mae           regression: mean absolute error over all targets (the mean of the targets' MAEs); NaN for classification
 * @param r2            regression: the coefficient of determination averaged over the targets, each target weighing the
 *                      same (scikit-learn's {@code r2_score}, {@code multioutput="uniform_average"}); NaN for classification
 * @param targetRmse    regression: each target's RMSE, in the order of the model's outputs; empty for classification
 * @param targetMae     regression: each target's MAE; empty for classification
 * @param targetR2      regression: each target's R^2 (1 for a constant target fitted exactly, else 0 for a constant
 *                      target, scikit-learn's convention); empty for classification
 * @param unpredicted   classification: {@code unpredicted[label]} counts the rows of that label whose scores hold a NaN
 *                      (features far outside the training range overflow the model, or are NaN): they have no predicted
 *                      class, as {@code ./jvk predict} leaves their prediction empty, so they count as wrong in the
 *                      accuracy and as misses in their class's recall and support, but enter no column of the confusion
 *                      matrix and no class's precision; empty when the model does not count them (regression, or an
 *                      evaluation made without)
 */
public record Evaluation(int rows, double accuracy, double loss, int[][] confusion, double[] topKAccuracy,
                        double rmse, double mae, double r2, double[] targetRmse, double[] targetMae, double[] targetR2,
                        int[] unpredicted) {
    /** The most classes for which {@link Mlp#evaluate} counts a confusion matrix (4 MB of counts). */
    public static final int MAX_CONFUSION_CLASSES = 1000;

    /** The arrays are copied (deeply): an evaluation is a value, which neither its maker nor a reader can change later. */
    public Evaluation {
        confusion = deepCopy(confusion, "confusion");
        topKAccuracy = Objects.requireNonNull(topKAccuracy, "topKAccuracy").clone();
        targetRmse = Objects.requireNonNull(targetRmse, "targetRmse").clone();
        targetMae = Objects.requireNonNull(targetMae, "targetMae").clone();
        targetR2 = Objects.requireNonNull(targetR2, "targetR2").clone();
        unpredicted = Objects.requireNonNull(unpredicted, "unpredicted").clone();
    }

    private static int[][] deepCopy(int[][] a, String name) {
        int[][] copy = Objects.requireNonNull(a, name).clone();
        for (int i = 0; i < copy.length; i++) {
            copy[i] = Objects.requireNonNull(copy[i], name).clone();
        }
        return copy;
    }

    /** A copy of the confusion matrix, {@code confusion[label][predicted]} (its number of classes: {@link #confusionClasses()}). */
    @Override
    public int[][] confusion() {
        return deepCopy(confusion, "confusion");
    }

    /** The rows of the confusion matrix: the classes, or 0 when it has none (regression, or more than {@value #MAX_CONFUSION_CLASSES} classes). */
    public int confusionClasses() {
        return confusion.length;
    }

    /** A copy of the top-k accuracies. */
    @Override
    public double[] topKAccuracy() {
        return topKAccuracy.clone();
    }

    /** A copy of each target's RMSE. */
    @Override
    public double[] targetRmse() {
        return targetRmse.clone();
    }

    /** A copy of each target's MAE. */
    @Override
    public double[] targetMae() {
        return targetMae.clone();
    }

    /** A copy of each target's R^2. */
    @Override
    public double[] targetR2() {
        return targetR2.clone();
    }

    /** A copy of the per-label counts of rows without a prediction. */
    @Override
    public int[] unpredicted() {
        return unpredicted.clone();
    }

    /** An evaluation without rows lacking a prediction. */
    public Evaluation(int rows, double accuracy, double loss, int[][] confusion, double[] topKAccuracy,
                      double rmse, double mae, double r2, double[] targetRmse, double[] targetMae, double[] targetR2) {
        this(rows, accuracy, loss, confusion, topKAccuracy, rmse, mae, r2, targetRmse, targetMae, targetR2, new int[0]);
    }

    /** An evaluation without per-target figures (a classifier's, or a regressor's summary). */
    public Evaluation(int rows, double accuracy, double loss, int[][] confusion, double[] topKAccuracy,
                      double rmse, double mae, double r2) {
        this(rows, accuracy, loss, confusion, topKAccuracy, rmse, mae, r2, new double[0], new double[0], new double[0]);
    }

    /** A classifier's evaluation without top-k figures. */
    public Evaluation(int rows, double accuracy, double loss, int[][] confusion) {
        this(rows, accuracy, loss, confusion, new double[0], Double.NaN, Double.NaN, Double.NaN);
    }

    /**
     * A regressor's evaluation from each target's sums over the rows: squared and absolute errors, and squared
     * deviations from the target's mean. The summary figures weigh every target the same.
     */
    static Evaluation regression(int rows, double loss, double[] squaredErrors, double[] absoluteErrors, double[] squaredDeviations) {
        int k = squaredErrors.length;
        double[] rmse = new double[k];
        double[] mae = new double[k];
        double[] r2 = new double[k];
        double squared = 0;
        double absolute = 0;
        double r2Sum = 0;
        for (int j = 0; j < k; j++) {
            rmse[j] = Math.sqrt(squaredErrors[j] / rows);
            mae[j] = absoluteErrors[j] / rows;
            // a constant target: R^2 is 1 for a perfect fit, else 0 (scikit-learn's convention)
            r2[j] = squaredDeviations[j] > 0 ? 1 - squaredErrors[j] / squaredDeviations[j] : (squaredErrors[j] == 0 ? 1 : 0);
            squared += squaredErrors[j];
            absolute += absoluteErrors[j];
            r2Sum += r2[j];
        }
        return new Evaluation(rows, Double.NaN, loss, new int[0][0], new double[0], Math.sqrt(squared / ((double) rows * k)),
                absolute / ((double) rows * k), r2Sum / k, rmse, mae, r2);
    }

    /** Regression: the number of targets scored one by one (0 for a classifier). */
    public int targets() {
        return targetR2.length;
    }

    /** Whether the confusion matrix was counted (a classifier of at most {@value #MAX_CONFUSION_CLASSES} classes). */
    public boolean hasConfusion() {
        return confusion.length > 0;
    }

    /** True for a regressor's evaluation (RMSE, MAE, R^2), false for a classifier's. */
    public boolean isRegression() {
        // a regressor whose predictions overflow has a NaN RMSE: its NaN accuracy says what it is all the same
        return !Double.isNaN(rmse) || Double.isNaN(accuracy);
    }

    /**
     * Of the rows predicted as {@code c}, the fraction that are {@code c}; 0 when none is predicted as {@code c}.
     *
     * @throws IllegalArgumentException (as {@link #recall}, {@link #f1} and {@link #support}) when {@code c} is not a class of
     *                                  the confusion matrix, or there is none ({@link #hasConfusion})
     */
    public double precision(int c) {
        checkClass(c);
        long predicted = precisionDenominator(c);
        return predicted == 0 ? 0 : (double) confusion[c][c] / predicted;
    }

    /** Of the rows of class {@code c}, the fraction predicted as {@code c}; 0 when the class has no rows. */
    public double recall(int c) {
        checkClass(c);
        long actual = support(c);
        return actual == 0 ? 0 : (double) confusion[c][c] / actual;
    }

    /** The harmonic mean of precision and recall of class {@code c}; 0 when both are 0. */
    public double f1(int c) {
        double p = precision(c);
        double r = recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    private void checkClass(int c) {
        if (c < 0 || c >= confusion.length) {
            throw new IllegalArgumentException(confusion.length == 0
                    ? "class " + c + ": this evaluation has no confusion matrix (a regressor's, or a classifier of more than "
                            + MAX_CONFUSION_CLASSES + " classes)"
                    : "class " + c + " is not in [0, " + confusion.length + "), the classes of the confusion matrix");
        }
    }

    /** Rows whose scores hold a NaN, so that they have no predicted class (counted as wrong). */
    public long unpredictedRows() {
        long n = 0;
        for (int v : unpredicted) {
            n += v;
        }
        return n;
    }

    /** Rows whose label is {@code c}, with those that have no predicted class. */
    public long support(int c) {
        checkClass(c);
        long n = c < unpredicted.length ? unpredicted[c] : 0;
        for (int v : confusion[c]) {
            n += v;
        }
        return n;
    }

    /** The unweighted mean of the per-class F1 over the classes that occur (as label or prediction); NaN without a confusion matrix. */
    public double macroF1() {
        if (!hasConfusion()) {
            return Double.NaN;
        }
        double sum = 0;
        int classes = 0;
        for (int c = 0; c < confusion.length; c++) {
            if (support(c) > 0 || precisionDenominator(c) > 0) {
                sum += f1(c);
                classes++;
            }
        }
        return classes == 0 ? 0 : sum / classes;
    }

    /** The per-class F1 weighted by each class's number of rows; NaN without a confusion matrix. */
    public double weightedF1() {
        if (!hasConfusion()) {
            return Double.NaN;
        }
        double sum = 0;
        long total = 0;
        for (int c = 0; c < confusion.length; c++) {
            long s = support(c);
            sum += f1(c) * s;
            total += s;
        }
        return total == 0 ? 0 : sum / total;
    }

    private long precisionDenominator(int c) {
        long predicted = 0;
        for (int[] row : confusion) {
            predicted += row[c];
        }
        return predicted;
    }

    /**
     * Precision, recall, F1 and support per class, then the macro and weighted averages, one line each;
     * {@code classNames} labels the rows (empty: the class numbers).
     *
     * @throws IllegalArgumentException when {@code classNames} is neither empty nor one name per class of the confusion matrix
     *                                  (as {@link #confusionTable(List)})
     */
    public String classificationReport(List<String> classNames) {
        // too few names failed with the list's IndexOutOfBoundsException at the first class past them, too many went unseen
        if (!classNames.isEmpty() && hasConfusion() && classNames.size() != confusion.length) {
            throw new IllegalArgumentException(classNames.size() + " class names for an evaluation of " + confusion.length + " classes");
        }
        int width = 9;
        for (String name : classNames) {
            width = Math.max(width, Math.min(30, DataException.escaped(name).length()));
        }
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s %9s %9s %9s %9s%n", "class", "precision", "recall", "f1", "support"));
        double p = 0;
        double r = 0;
        double wp = 0;
        double wr = 0;
        long total = 0;
        int present = 0;
        for (int c = 0; c < confusion.length; c++) {
            long n = support(c);
            if (n == 0 && precisionDenominator(c) == 0) {
                continue;
            }
            // a name from a file jvk did not write may hold an escape sequence for the terminal, or a line break
            String name = classNames.isEmpty() ? Integer.toString(c) : DataException.escaped(classNames.get(c));
            if (name.length() > 30) {
                name = name.substring(0, 27) + "...";
            }
            s.append(String.format(Locale.ROOT, "%-" + width + "s %9.4f %9.4f %9.4f %9d%n", name, precision(c), recall(c), f1(c), n));
            p += precision(c);
            r += recall(c);
            wp += precision(c) * n;
            wr += recall(c) * n;
            total += n;
            present++;
        }
        if (present > 0 && total > 0) {
            s.append(String.format(Locale.ROOT, "%-" + width + "s %9.4f %9.4f %9.4f %9d%n", "macro avg", p / present, r / present, macroF1(), total));
            s.append(String.format(Locale.ROOT, "%-" + width + "s %9.4f %9.4f %9.4f %9d%n", "weighted", wp / total, wr / total, weightedF1(), total));
        }
        return s.toString();
    }

    /** The confusion matrix as text: one row per true label, one column per predicted class, both by class number. */
    public String confusionTable() {
        return confusionTable(List.of());
    }

    /**
     * The confusion matrix as text: one row per true label, one column per predicted class, headed by the class names
     * ({@code classNames} empty: by class number).
     *
     * @throws IllegalArgumentException when {@code classNames} is neither empty nor one name per class
     */
    public String confusionTable(List<String> classNames) {
        if (!hasConfusion()) {
            return "no confusion matrix: the model has more than " + MAX_CONFUSION_CLASSES + " classes\n";
        }
        int classes = confusion.length;
        if (!classNames.isEmpty() && classNames.size() != classes) {
            throw new IllegalArgumentException(classNames.size() + " class names for a confusion matrix of " + classes + " classes");
        }
        List<String> names = new java.util.ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add(classNames.isEmpty() ? Integer.toString(c) : DataException.escaped(classNames.get(c)));
        }
        int first = Math.max("true\\pred".length(), names.stream().mapToInt(String::length).max().orElse(0));
        int column = 2 + Math.max(5, names.stream().mapToInt(String::length).max().orElse(0));
        StringBuilder s = new StringBuilder(String.format("%-" + first + "s", "true\\pred"));
        for (String name : names) {
            s.append(String.format("%" + column + "s", name));
        }
        s.append('\n');
        for (int r = 0; r < classes; r++) {
            s.append(String.format("%" + first + "s", names.get(r)));
            for (int c = 0; c < classes; c++) {
                s.append(String.format("%" + column + "d", confusion[r][c]));
            }
            s.append('\n');
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return isRegression()
                ? String.format(Locale.ROOT, "R^2 %.4f, RMSE %.4g, MAE %.4g, loss %.4f on %d samples", r2, rmse, mae, loss, rows)
                : String.format(Locale.ROOT, "accuracy %.4f, loss %.4f on %d samples", accuracy, loss, rows) + unpredictedNote();
    }

    /** ", N rows without a prediction (NaN outputs)" when there are such rows, else "". */
    public String unpredictedNote() {
        long n = unpredictedRows();
        return n == 0 ? "" : ", " + n + (n == 1 ? " row" : " rows") + " without a prediction (NaN outputs)";
    }
}
