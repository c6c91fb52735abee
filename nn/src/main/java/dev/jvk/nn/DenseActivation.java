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
        forwardRows(x, y, 0, rows);
    }

    @Override
    public void forwardRows(float[] x, int xFrom, float[] y, int yFrom, int rows) {
        int out = dense.outputSize();
        if (rows == 1 && !dense.holdsPackedWeights()) {
            // y[1 x out] = f(b + x W): Dense's GEMV, then f in place
            dense.forwardRows(x, xFrom, y, yFrom, 1);
            activation.forward(slope, y, y, yFrom * out, out);
            return;
        }
        // y[B x out] = x[B x in] . W[in x out]
        dense.forwardWithoutBias(x, xFrom, y, yFrom, rows);
        // y[B x out] = f(y + b): the bias broadcast over rows and f, one pass in place
        activation.addBiasAndApply(slope, dense.bias(), y, yFrom * out, rows, out);
    }

    @Override
    public boolean forwardRowsMapped(float[] x, int xFrom, float[] shift, float[] scale, float[] y, int from, int rows) {
        if (!dense.forwardMappedWithoutBias(x, xFrom, shift, scale, y, from, rows)) {
            return false;
        }
        activation.addBiasAndApply(slope, dense.bias(), y, from * dense.outputSize(), rows, dense.outputSize());
        return true;
    }

    /** The dense layer this pass multiplies by. */
    Dense dense() {
        return dense;
    }

    @Override
    public void forwardAfterProduct(float[] y, int from, int rows) {
        // y[B x out] = f(y + b), y = x . W summed elsewhere
        activation.addBiasAndApply(slope, dense.bias(), y, from * dense.outputSize(), rows, dense.outputSize());
    }

    /** {@code y[B x (c0..c1)] = f(y + b)} on rows {@code [0, rows)}: {@link #forwardAfterProduct} on a block of columns. */
    void forwardAfterProductColumns(float[] y, int rows, int c0, int c1) {
        activation.addBiasAndApply(slope, dense.bias(), c0, y, c0, rows, c1 - c0, dense.outputSize());
    }

    /** {@code dy[B x (c0..c1)] *= f'(z)}, f' read from {@code y}, on rows {@code [0, rows)}: the activation's part of {@link #backwardRows} on a block of columns. */
    void activationBackwardColumns(float[] y, float[] dy, int rows, int c0, int c1) {
        int out = dense.outputSize();
        for (int r = 0; r < rows; r++) {
            activation.backward(slope, y, y, dy, dy, r * out + c0, c1 - c0);
        }
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int rows) {
        backwardRows(x, y, dy, dx, 0, rows);
        parameterGradients(x, dy, rows);
    }

    @Override
    public void backwardRows(float[] x, float[] y, float[] dy, float[] dx, int from, int rows) {
        int out = dense.outputSize();
        // from y = f(z): dz[B x out] = dy * f'(z), f' read from y; in place, dy is not needed after
        activation.backward(slope, y, y, dy, dy, from * out, rows * out);
        // from z = x . W + b: dx = dz W^T
        dense.backwardRows(x, y, dy, dx, from, rows);
    }

    @Override
    public int parameterParts() {
        return dense.parameterParts();
    }

    @Override
    public void parameterGradientPart(float[] x, float[] dz, int rows, int part, GradientReady ready) {
        // from z = x . W + b: dW = x^T dz, db = column sums of dz
        dense.parameterGradientPart(x, dz, rows, part, ready);
    }

    @Override
    public String toString() {
        return dense + " + " + activation.cliName() + (slope != Activation.LEAKY_SLOPE && activation == Activation.LEAKY_RELU ? "(" + slope + ")" : "") + " (fused)";
    }
}
