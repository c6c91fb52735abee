package dev.jvk.nn;

import dev.jvk.kernels.Reductions;
import dev.jvk.kernels.Vectors;

/**
 * Mean squared error against one-hot targets, averaged over all {@code B x C} outputs (as
 * PyTorch's {@code MSELoss}): {@code loss = sum (y - t)^2 / (B C)}, {@code dy = 2 (y - t) / (B C)}.
 */
public final class MeanSquaredError implements Loss {
    static final String NAME = "mse";

    @Override
    public float lossAndGradient(float[] out, int[] labels, int rows, int classes, float[] dOut) {
        int n = rows * classes;
        // d = y - onehot(label)
        Vectors.copy(out, 0, dOut, 0, n);
        for (int r = 0; r < rows; r++) {
            dOut[r * classes + labels[r]] -= 1f;
        }
        // loss = |d|^2 / n
        float loss = Reductions.dot(dOut, 0, dOut, 0, n) / n;
        // dy = 2 d / n
        Vectors.scal(2f / n, dOut, 0, n);
        return loss;
    }

    // loss only: sum (y - t)^2 / (B C), summed in double
    @Override
    public float loss(float[] out, int[] labels, int rows, int classes) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < classes; j++) {
                double d = out[r * classes + j] - (j == labels[r] ? 1.0 : 0.0);
                total += d * d;
            }
        }
        return (float) (total / ((double) rows * classes));
    }

    @Override
    public void scores(float[] out, int rows, int classes) {
        // the raw outputs are the scores
    }

    @Override
    public String name() {
        return NAME;
    }
}
