package dev.jvk.nn;

/**
 * A {@link Dense} layer and the activation after it as one pass, {@code y = f(x W + b)}: the GEMM
 * writes {@code x W} into y, and one kernel adds the bias and applies f in place, so the
 * pre-activation {@code z = x W + b} is never stored. Only for activations whose derivative can be
 * read from the output ({@link Activation#fusesWithBias()}: ReLU and leaky ReLU, where
 * {@code y > 0} exactly when {@code z > 0}). The model's layers stay {@code Dense} and
 * {@code ActivationLayer} (as saved in model files); {@link Mlp} runs them through this pass.
 */
final class DenseActivation implements Pass {
    private final Dense dense;
    private final Activation activation;
    private final float slope;

    DenseActivation(Dense dense, ActivationLayer layer) {
        if (!layer.fusesWithBias()) {
            throw new IllegalArgumentException(layer + " cannot be fused with the bias add: its f' needs the pre-activation");
        }
        this.dense = dense;
        this.activation = layer.activation();
        this.slope = layer.slope();
    }

    @Override
    public void forward(float[] x, float[] y, int rows, boolean training) {
        int out = dense.outputSize();
        if (rows == 1) {
            // y[1 x out] = f(b + x W): Dense's GEMV, then f in place
            dense.forward(x, y, 1, training);
            activation.forward(slope, y, y, out);
            return;
        }
        // y[B x out] = x[B x in] . W[in x out]
        dense.forwardWithoutBias(x, y, rows);
        // y[B x out] = f(y + b): the bias broadcast over rows and f, one pass in place
        activation.addBiasAndApply(slope, dense.bias(), y, rows, out);
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int rows) {
        // from y = f(z): dz[B x out] = dy * f'(z), f' read from y; in place, dy is not needed after
        activation.backward(slope, y, y, dy, dy, rows * dense.outputSize());
        // from z = x . W + b: dW = x^T dz, db = column sums of dz, dx = dz W^T
        dense.backward(x, y, dy, dx, rows);
    }

    @Override
    public String toString() {
        return dense + " + " + activation.cliName() + (slope != Activation.LEAKY_SLOPE && activation == Activation.LEAKY_RELU ? "(" + slope + ")" : "") + " (fused)";
    }
}
