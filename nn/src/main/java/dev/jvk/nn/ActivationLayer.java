package dev.jvk.nn;

import java.util.Objects;

/** An element-wise activation as a layer of its own: no parameters, {@code out = in}. */
public final class ActivationLayer implements Layer {
    private final Activation activation;
    private final int size;

    /** {@code activation} over rows of {@code size} features. */
    public ActivationLayer(Activation activation, int size) {
        this.activation = Objects.requireNonNull(activation, "activation");
        if (size < 1) {
            throw new IllegalArgumentException("size must be >= 1, got " + size);
        }
        this.size = size;
    }

    /** Which non-linearity. */
    public Activation activation() {
        return activation;
    }

    @Override
    public int inputSize() {
        return size;
    }

    @Override
    public int outputSize() {
        return size;
    }

    // forward: y[B x n] = f(x[B x n])
    @Override
    public void forward(float[] x, float[] y, int rows, boolean training) {
        forwardRows(x, y, 0, rows);
    }

    @Override
    public void forwardRows(float[] x, float[] y, int from, int rows) {
        activation.forward(x, y, from * size, rows * size);
    }

    // backward of y = f(x): dx[B x n] = dy * f'(x), with f' from x or from y as the kernel defines it
    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int rows) {
        backwardRows(x, y, dy, dx, 0, rows);
    }

    @Override
    public void backwardRows(float[] x, float[] y, float[] dy, float[] dx, int from, int rows) {
        if (dx != null) {
            activation.backward(x, y, dy, dx, from * size, rows * size);
        }
    }

    @Override
    public void parameterGradients(float[] x, float[] dy, int rows) {
        // no parameters
    }

    @Override
    public String toString() {
        return activation.cliName();
    }
}
