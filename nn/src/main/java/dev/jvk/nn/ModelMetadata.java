package dev.jvk.nn;

import dev.jvk.nn.data.DataException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What a model was trained to do, stored with it in the model file (format version 2 and later):
 * enough for {@code predict} and {@code evaluate} to speak the data's language again.
 *
 * @param task          {@value #CLASSIFICATION} or {@value #REGRESSION}
 * @param classNames    a name per class, index = class; empty when the classes are the numbers {@code 0..classes-1}
 * @param featureNames  a name per input feature (e.g. the CSV header), or empty
 * @param targetNames   a name per regression output (or the label column's name for a classifier), or empty
 * @param labelColumn   the 0-based column the labels or targets came from, {@code -1} when unknown
 * @param targetMean    regression: the per-output mean subtracted from the targets before training, empty for classification
 * @param targetStd     regression: the per-output standard deviation the targets were divided by; same length as {@code targetMean}
 * @param missingValueMeans a finite mean per input feature over the training file's present values, which fills a missing
 *                      value in the data the model is applied to (so a row's prediction does not depend on the other rows
 *                      read with it); empty when the model was not trained with {@code --missing mean}
 */
public record ModelMetadata(String task, List<String> classNames, List<String> featureNames, List<String> targetNames,
                            int labelColumn, float[] targetMean, float[] targetStd, float[] missingValueMeans) {
    /** The task of a model that predicts one of a set of classes. */
    public static final String CLASSIFICATION = "classification";
    /** The task of a model that predicts real numbers. */
    public static final String REGRESSION = "regression";

    /**
     * Checks and copies every argument.
     *
     * @throws IllegalArgumentException when the task is unknown, two class names are equal, the label column is below -1, the mean and
     *                                  standard deviation differ in length, a classifier has them, a standard deviation is not positive and finite,
     *                                  or a missing-value mean is not finite
     * @throws NullPointerException     when an argument or a name is null
     */
    public ModelMetadata {
        Objects.requireNonNull(task, "task");
        if (!task.equals(CLASSIFICATION) && !task.equals(REGRESSION)) {
            throw new IllegalArgumentException("task must be \"" + CLASSIFICATION + "\" or \"" + REGRESSION + "\", got \"" + task + "\"");
        }
        classNames = List.copyOf(classNames);
        // evaluate and predict map a label to its class by name: a name given twice would credit one class with the other's rows
        java.util.Map<String, Integer> seen = new java.util.HashMap<>();
        for (int c = 0; c < classNames.size(); c++) {
            Integer first = seen.putIfAbsent(classNames.get(c), c);
            if (first != null) {
                throw new IllegalArgumentException("class names must be distinct: " + DataException.printable(classNames.get(c)) + " names classes " + first + " and " + c);
            }
        }
        featureNames = List.copyOf(featureNames);
        targetNames = List.copyOf(targetNames);
        if (labelColumn < -1) {
            throw new IllegalArgumentException("labelColumn must be >= 0, or -1 when unknown, got " + labelColumn);
        }
        targetMean = targetMean.clone();
        targetStd = targetStd.clone();
        if (targetMean.length != targetStd.length) {
            throw new IllegalArgumentException("targetMean has " + targetMean.length + " values, targetStd " + targetStd.length);
        }
        if (task.equals(CLASSIFICATION) && targetMean.length > 0) {
            throw new IllegalArgumentException("a classifier has no target standardisation, got " + targetMean.length + " means");
        }
        for (int i = 0; i < targetStd.length; i++) {
            if (!(targetStd[i] > 0f && Float.isFinite(targetStd[i])) || !Float.isFinite(targetMean[i])) {
                throw new IllegalArgumentException("target " + i + " has mean " + targetMean[i] + " and standard deviation "
                        + targetStd[i] + "; the mean must be finite and the deviation positive and finite");
            }
        }
        missingValueMeans = missingValueMeans.clone();
        for (int i = 0; i < missingValueMeans.length; i++) {
            if (!Float.isFinite(missingValueMeans[i])) {
                throw new IllegalArgumentException("the missing-value mean of feature " + i + " is " + missingValueMeans[i] + ", must be finite");
            }
        }
    }

    /** The metadata of a model trained without missing-value means. */
    public ModelMetadata(String task, List<String> classNames, List<String> featureNames, List<String> targetNames,
                         int labelColumn, float[] targetMean, float[] targetStd) {
        this(task, classNames, featureNames, targetNames, labelColumn, targetMean, targetStd, new float[0]);
    }

    /** This metadata with {@code means} as its {@link #missingValueMeans()} (empty: none). */
    public ModelMetadata withMissingValueMeans(float[] means) {
        return new ModelMetadata(task, classNames, featureNames, targetNames, labelColumn, targetMean, targetStd, means);
    }

    /** A model of {@code task} of which nothing else is known: no names, label column -1, no target standardisation. */
    public static ModelMetadata of(String task) {
        return new ModelMetadata(task, List.of(), List.of(), List.of(), -1, new float[0], new float[0]);
    }

    /** True for a classifier. */
    public boolean isClassification() {
        return task.equals(CLASSIFICATION);
    }

    /** A copy of the per-output target mean (empty for classification). */
    @Override
    public float[] targetMean() {
        return targetMean.clone();
    }

    /** A copy of the per-output target standard deviation (empty for classification). */
    @Override
    public float[] targetStd() {
        return targetStd.clone();
    }

    /** A copy of the per-feature means that fill missing values (empty when the model has none). */
    @Override
    public float[] missingValueMeans() {
        return missingValueMeans.clone();
    }

    /**
     * Checks that these names and this standardisation fit a model of {@code inputs} features and
     * {@code outputs} outputs: every non-empty list has one entry per feature, class or output.
     *
     * @throws IllegalArgumentException naming the field that does not fit
     */
    void checkFits(int inputs, int outputs) {
        if (!featureNames.isEmpty() && featureNames.size() != inputs) {
            throw new IllegalArgumentException(featureNames.size() + " feature names for a model of " + inputs + " features");
        }
        if (!classNames.isEmpty() && (!isClassification() || classNames.size() != outputs)) {
            throw new IllegalArgumentException(classNames.size() + " class names for a " + task + " model of " + outputs + " outputs");
        }
        if (targetMean.length != 0 && targetMean.length != outputs) {
            throw new IllegalArgumentException("target standardisation of " + targetMean.length + " values for a model of " + outputs + " outputs");
        }
        if (missingValueMeans.length != 0 && missingValueMeans.length != inputs) {
            throw new IllegalArgumentException(missingValueMeans.length + " missing-value means for a model of " + inputs + " features");
        }
        if (!isClassification() && !targetNames.isEmpty() && targetNames.size() != outputs) {
            throw new IllegalArgumentException(targetNames.size() + " target names for a regression model of " + outputs + " outputs");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelMetadata m && task.equals(m.task) && classNames.equals(m.classNames)
                && featureNames.equals(m.featureNames) && targetNames.equals(m.targetNames) && labelColumn == m.labelColumn
                && Arrays.equals(targetMean, m.targetMean) && Arrays.equals(targetStd, m.targetStd)
                && Arrays.equals(missingValueMeans, m.missingValueMeans);
    }

    @Override
    public int hashCode() {
        return Objects.hash(task, classNames, featureNames, targetNames, labelColumn, Arrays.hashCode(targetMean), Arrays.hashCode(targetStd),
                Arrays.hashCode(missingValueMeans));
    }

    @Override
    public String toString() {
        return "ModelMetadata[task=" + task + ", classNames=" + classNames + ", featureNames=" + featureNames + ", targetNames="
                + targetNames + ", labelColumn=" + labelColumn + ", targetMean=" + Arrays.toString(targetMean)
                + ", targetStd=" + Arrays.toString(targetStd) + ", missingValueMeans=" + Arrays.toString(missingValueMeans) + "]";
    }
}
