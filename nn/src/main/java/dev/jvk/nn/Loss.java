package dev.jvk.nn;

/**
 * A classification loss over a batch of network outputs and integer labels. It gives the mean loss
 * and, in the same pass, its gradient with respect to the outputs (training), or the loss alone
 * (evaluation).
 */
public sealed interface Loss permits SoftmaxCrossEntropy, MeanSquaredError {
    /**
     * The mean loss over {@code rows} rows of {@code out[B x classes]} against {@code labels}, and
     * {@code dOut[B x classes] = dLoss/dOut} (for this mean).
     */
    float lossAndGradient(float[] out, int[] labels, int rows, int classes, float[] dOut);

    /** The mean loss alone, as {@link #lossAndGradient} gives it (within float rounding), writing nothing: for evaluation. */
    float loss(float[] out, int[] labels, int rows, int classes);

    /** Turns outputs into the class scores {@link Mlp#predict} returns, in place (softmax, or nothing). */
    void scores(float[] out, int rows, int classes);

    /** The name used in model files and messages. */
    String name();

    /** The loss called {@code name} ("softmax-cross-entropy" or "mse"). */
    static Loss named(String name) {
        return switch (name) {
            case SoftmaxCrossEntropy.NAME -> new SoftmaxCrossEntropy();
            case MeanSquaredError.NAME -> new MeanSquaredError();
            default -> throw new IllegalArgumentException("unknown loss '" + name + "' (expected softmax-cross-entropy or mse)");
        };
    }
}
