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
        activation.forward(x, y, rows * size);
    }

    // backward of y = f(x): dx[B x n] = dy * f'(x), with f' from x or from y as the kernel defines it
    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int rows) {
        if (dx != null) {
            activation.backward(x, y, dy, dx, rows * size);
        }
    }

    @Override
    public String toString() {
        return activation.cliName();
    }
}
