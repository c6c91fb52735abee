package dev.jvk.nn;

/** Training stopped because the loss became NaN or infinite; the message names the epoch and step. */
public class TrainingDivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int epoch;
    private final int step;

    /** The loss was {@code loss} at {@code step} (1-based) of {@code epoch} (1-based). */
    public TrainingDivergedException(int epoch, int step, float loss, float learningRate) {
        super("training diverged: the loss became " + loss + " at epoch " + epoch + ", step " + step
                + " (learning rate " + learningRate + "; try a smaller --lr)");
        this.epoch = epoch;
        this.step = step;
    }

    /** The epoch (1-based) in which the loss stopped being finite. */
    public int epoch() {
        return epoch;
    }

    /** The step (1-based, within the epoch) whose loss was not finite. */
    public int step() {
        return step;
    }
}
