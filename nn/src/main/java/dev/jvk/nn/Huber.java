package dev.jvk.nn;

/**
 * The Huber loss for regression with threshold {@value #DELTA} (on standardised targets, one standard
 * deviation), averaged over all {@code B x C} outputs as PyTorch's {@code HuberLoss}: quadratic
 * {@code d^2 / 2} for {@code |d| <= delta}, linear {@code delta (|d| - delta / 2)} beyond, so that a few
 * outlying targets pull the fit less than under squared error.
 */
public final class Huber implements Loss {
    static final String NAME = "huber";
    /** Where the loss turns from quadratic to linear. */
    public static final float DELTA = 1f;

    @Override
    public float lossAndGradient(float[] out, int[] labels, int rows, int classes, float[] dOut) {
        throw new UnsupportedOperationException("huber is a regression loss; classification takes softmax-cross-entropy or mse");
    }

    @Override
    public float loss(float[] out, int[] labels, int rows, int classes) {
        throw new UnsupportedOperationException("huber is a regression loss; classification takes softmax-cross-entropy or mse");
    }

    // forward+backward: d = y - t; loss = mean huber(d); dy = clamp(d, -delta, delta) / n
    @Override
    public float lossAndGradient(float[] out, float[] targets, int rows, int outputs, float[] dOut) {
        int n = rows * outputs;
        double sum = 0;
        float inv = 1f / n;
        for (int i = 0; i < n; i++) {
            float d = out[i] - targets[i];
            float a = Math.abs(d);
            sum += a <= DELTA ? 0.5 * d * d : DELTA * (a - 0.5 * DELTA);
            dOut[i] = Math.max(-DELTA, Math.min(DELTA, d)) * inv;
        }
        return (float) (sum / n);
    }

    @Override
    public boolean forRegression() {
        return true;
    }

    @Override
    public void scores(float[] out, int from, int rows, int classes) {
        // the raw outputs are the predictions
    }

    @Override
    public String name() {
        return NAME;
    }
}
