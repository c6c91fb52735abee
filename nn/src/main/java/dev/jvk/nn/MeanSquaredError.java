package dev.jvk.nn;

import dev.jvk.kernels.Reductions;
import dev.jvk.kernels.Vectors;

/**
 * Mean squared error averaged over all {@code B x C} outputs (as PyTorch's {@code MSELoss}):
 * {@code loss = sum (y - t)^2 / (B C)}, {@code dy = 2 (y - t) / (B C)}, against real targets
 * (regression) or one-hot class labels.
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
        return squareAndScale(dOut, n);
    }

    @Override
    public float lossAndGradient(float[] out, float[] targets, int rows, int outputs, float[] dOut) {
        int n = rows * outputs;
        Vectors.sub(out, 0, targets, 0, dOut, 0, n);   // d = y - t
        return squareAndScale(dOut, n);
    }

    /** loss = |d|^2 / n, then d becomes dy = 2 d / n. */
    private static float squareAndScale(float[] d, int n) {
        float loss = Reductions.dot(d, 0, d, 0, n) / n;
        Vectors.scal(2f / n, d, 0, n);
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
    public boolean forRegression() {
        return true;
    }

    @Override
    public void scores(float[] out, int from, int rows, int classes) {
        // the raw outputs are the scores
    }

    @Override
    public String name() {
        return NAME;
    }
}
