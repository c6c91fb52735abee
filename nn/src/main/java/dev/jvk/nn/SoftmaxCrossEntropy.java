package dev.jvk.nn;

import dev.jvk.kernels.Reductions;
import dev.jvk.kernels.Softmax;
import dev.jvk.kernels.Vectors;

/**
 * Softmax followed by cross-entropy against the label, fused in one kernel: the loss
 * {@code mean_r( logsumexp(z_r) - z_r[label_r] )} and the gradient
 * {@code dz = (softmax(z) - onehot(label)) / B}, without ever forming the probabilities separately
 * or taking the log of a rounded probability.
 */
public final class SoftmaxCrossEntropy implements Loss {
    static final String NAME = "softmax-cross-entropy";

    // forward+backward: loss = mean over B of -log softmax(z)[label]; dz[B x C] = (softmax(z) - onehot) / B
    @Override
    public float lossAndGradient(float[] out, int[] labels, int rows, int classes, float[] dOut) {
        return Softmax.crossEntropy(out, 0, rows, classes, classes, labels, 0, dOut, 0, classes);
    }

    /**
     * {@link #lossAndGradient(float[], int[], int, int, float[])} on rows {@code [from, from + rows)} of a batch of
     * {@code batchRows} rows, for a pass that computes the loss in row chunks: the gradient of the whole batch's mean
     * on those rows ({@code dz / B}; the chunk's own mean scaled by {@code rows / B}), and the chunk's mean loss.
     * The whole batch in one chunk gives the bits of the whole-batch call.
     */
    float lossAndGradientRows(float[] out, int[] labels, int from, int rows, int batchRows, int classes, float[] dOut) {
        float mean = Softmax.crossEntropy(out, from * classes, rows, classes, classes, labels, from, dOut, from * classes, classes);
        if (rows != batchRows) {
            Vectors.scal((float) rows / batchRows, dOut, from * classes, rows * classes);
        }
        return mean;
    }

    // loss only: mean over B of logsumexp(z) - z[label], each row's difference in double
    @Override
    public float loss(float[] out, int[] labels, int rows, int classes) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            total += (double) Reductions.logSumExp(out, r * classes, classes) - out[r * classes + labels[r]];
        }
        return (float) (total / rows);
    }

    @Override
    public void scores(float[] out, int from, int rows, int classes) {
        Softmax.softmax(out, from * classes, rows, classes, classes, out, from * classes, classes);
    }

    @Override
    public String name() {
        return NAME;
    }
}
