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

    private TrainingDivergedException(String message, int epoch, int step) {
        super(message);
        this.epoch = epoch;
        this.step = step;
    }

    /**
     * Divergence at {@code step} of {@code epoch}, with the setting most likely to blame: the scaled
     * data when the batch itself is not finite; the weight decay when {@code learningRate x weightDecay >= 1}
     * (each step then multiplies the weights by {@code 1 - lr x wd <= 0}, so they flip sign and grow);
     * else the learning rate.
     *
     * @param what            what stopped being finite, e.g. "the loss became NaN"
     * @param badInput        where the batch's scaled input is not finite, e.g. "row 3, feature 7", or null when it is finite
     */
    static TrainingDivergedException blame(int epoch, int step, String what, float learningRate, float weightDecay, String badInput) {
        String advice;
        if (badInput != null) {
            advice = "the scaled data is not finite (" + badInput + " of the batch): check the data's range, or try another --scale";
        } else if (weightDecay > 0f && (double) learningRate * weightDecay >= 1) {
            advice = "learning rate " + learningRate + " x weight decay " + weightDecay + " >= 1 flips and grows the weights every step; "
                    + "try a smaller --weight-decay";
        } else {
            advice = "learning rate " + learningRate + "; try a smaller --lr";
        }
        return new TrainingDivergedException("training diverged: " + what + " at epoch " + epoch + ", step " + step + " (" + advice + ")",
                epoch, step);
    }

    /**
     * Training ended with a model whose outputs for held-out rows are NaN or infinite ({@code what}, e.g. "the test loss became
     * NaN"): weights finite yet so large that the forward pass overflows, or rows far beyond the training rows' range, which
     * {@code advice} names with the learning rate. {@link #step()} is 0: no step's loss showed it.
     */
    public static TrainingDivergedException afterTraining(String what, int epoch, float learningRate, String advice) {
        return new TrainingDivergedException("training diverged, or the held-out rows lie far beyond the training rows: " + what + " after epoch "
                + epoch + " (learning rate " + learningRate + "; try a smaller --lr, or " + advice + ")", epoch, 0);
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
