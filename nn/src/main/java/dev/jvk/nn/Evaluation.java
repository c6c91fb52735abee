package dev.jvk.nn;

/**
 * How a model did on a labelled data set.
 *
 * @param rows      samples evaluated
 * @param accuracy  fraction of samples whose highest score is their label, in [0, 1]
 * @param loss      mean loss over the samples
 * @param confusion {@code confusion[label][predicted]} counts
 */
public record Evaluation(int rows, double accuracy, double loss, int[][] confusion) {

    /** The confusion matrix as text: one row per true label, one column per predicted class. */
    public String confusionTable() {
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
