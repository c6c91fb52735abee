package dev.jvk.nn;

/**
 * How a model did on a labelled data set.
 *
 * @param rows      samples evaluated
 * @param accuracy  fraction of samples whose highest score is their label, in [0, 1]
 * @param loss      mean loss over the samples
 * @param confusion {@code confusion[label][predicted]} counts; empty (no rows) for a model of more than
 *                  {@value #MAX_CONFUSION_CLASSES} classes, whose matrix would take {@code 4 x classes^2} bytes
 *                  (6.4e9 bytes at 40,000 classes) to say little a person can read
 */
public record Evaluation(int rows, double accuracy, double loss, int[][] confusion) {
    /** The most classes for which {@link Mlp#evaluate} counts a confusion matrix (4 MB of counts). */
    public static final int MAX_CONFUSION_CLASSES = 1000;

    /** Whether the confusion matrix was counted (the model has at most {@value #MAX_CONFUSION_CLASSES} classes). */
    public boolean hasConfusion() {
        return confusion.length > 0;
    }

    /** The confusion matrix as text: one row per true label, one column per predicted class. */
    public String confusionTable() {
        if (!hasConfusion()) {
            return "no confusion matrix: the model has more than " + MAX_CONFUSION_CLASSES + " classes\n";
        }
        int classes = confusion.length;
        StringBuilder s = new StringBuilder("true\\pred");
        for (int c = 0; c < classes; c++) {
            s.append(String.format("%7d", c));
        }
        s.append('\n');
        for (int r = 0; r < classes; r++) {
            s.append(String.format("%9d", r));
            for (int c = 0; c < classes; c++) {
                s.append(String.format("%7d", confusion[r][c]));
            }
            s.append('\n');
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return String.format("accuracy %.4f, loss %.4f on %d samples", accuracy, loss, rows);
    }
}
