package dev.jvk.nn;

/**
 * A loss over a batch of network outputs: against integer class labels (classification) or against
 * real targets (regression). It gives the mean loss and, in the same pass, its gradient with respect
 * to the outputs (training), or the loss alone (evaluation).
 */
public sealed interface Loss permits SoftmaxCrossEntropy, MeanSquaredError, Huber {
    /**
     * The mean loss over {@code rows} rows of {@code out[B x classes]} against {@code labels}, and
     * {@code dOut[B x classes] = dLoss/dOut} (for this mean).
     *
     * @throws UnsupportedOperationException for a regression-only loss
     */
    float lossAndGradient(float[] out, int[] labels, int rows, int classes, float[] dOut);

    /**
     * The mean loss over {@code rows} rows of {@code out[B x outputs]} against {@code targets[B x outputs]},
     * and {@code dOut = dLoss/dOut}.
     *
     * @throws UnsupportedOperationException for a classification-only loss
     */
    default float lossAndGradient(float[] out, float[] targets, int rows, int outputs, float[] dOut) {
        throw new UnsupportedOperationException(name() + " is a classification loss; regression takes mse or huber");
    }

    /** True when the loss takes real targets ({@link #lossAndGradient(float[], float[], int, int, float[])}). */
    default boolean forRegression() {
        return false;
    }

    /** Classification: the mean loss alone, as {@link #lossAndGradient(float[], int[], int, int, float[])} gives it (within float rounding), writing nothing: for evaluation. */
    float loss(float[] out, int[] labels, int rows, int classes);

    /** Turns outputs into the class scores {@link Mlp#predict} returns, in place (softmax, or nothing). */
    default void scores(float[] out, int rows, int classes) {
        scores(out, 0, rows, classes);
    }

    /** {@link #scores(float[], int, int)} on rows {@code [from, from + rows)} of {@code out} alone. */
    void scores(float[] out, int from, int rows, int classes);

    /** The name used in model files and messages. */
    String name();

    /** The loss called {@code name} ("softmax-cross-entropy", "mse" or "huber"). */
    static Loss named(String name) {
        return switch (name) {
            case SoftmaxCrossEntropy.NAME -> new SoftmaxCrossEntropy();
            case MeanSquaredError.NAME -> new MeanSquaredError();
            case Huber.NAME -> new Huber();
            default -> throw new IllegalArgumentException("unknown loss '" + name + "' (expected softmax-cross-entropy, mse or huber)");
        };
    }
}
