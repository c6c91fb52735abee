package dev.jvk.nn;

import java.util.Objects;

/** An element-wise activation as a layer of its own: no parameters, {@code out = in}. */
public final class ActivationLayer implements Layer {
    private final Activation activation;
    private final int size;
    /** Leaky ReLU's negative slope; 0 for the other activations. */
    private final float slope;

    /** {@code activation} over rows of {@code size} features (a leaky ReLU of slope {@link Activation#LEAKY_SLOPE}). */
    public ActivationLayer(Activation activation, int size) {
        this(activation, size, activation == Activation.LEAKY_RELU ? Activation.LEAKY_SLOPE : 0f);
    }

    /**
     * A leaky ReLU {@code x > 0 ? x : slope x} of any finite slope (ONNX's {@code LeakyRelu} alpha,
     * Keras's default 0.3, PyTorch's {@code negative_slope}).
     *
     * @throws IllegalArgumentException when the slope is NaN or infinite, or {@code size < 1}
     */
    public static ActivationLayer leakyRelu(float slope, int size) {
        if (!Float.isFinite(slope)) {
            throw new IllegalArgumentException("a leaky ReLU's slope must be finite, got " + slope);
        }
        return new ActivationLayer(Activation.LEAKY_RELU, size, slope);
    }

    private ActivationLayer(Activation activation, int size, float slope) {
        this.activation = Objects.requireNonNull(activation, "activation");
        if (size < 1) {
            throw new IllegalArgumentException("size must be >= 1, got " + size);
        }
        this.size = size;
        this.slope = slope;
    }

    /** The same activation (leaky ReLU's slope included) over rows of {@code size} features: a pruned layer's. */
    public ActivationLayer resized(int size) {
        return new ActivationLayer(activation, size, slope);
    }

    /** Which non-linearity. */
    public Activation activation() {
        return activation;
    }

    /** The negative slope of a leaky ReLU ({@link Activation#LEAKY_SLOPE} unless made by {@link #leakyRelu}); 0 for the others. */
    public float slope() {
        return slope;
    }

    /** Whether {@link DenseActivation} may fuse this activation with the bias add before it (see {@link Activation#fusesWithBias()}). */
    boolean fusesWithBias() {
        return activation.fusesWithBias() && !(slope < 0);
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
    public void forwardRows(float[] x, int xFrom, float[] y, int yFrom, int rows) {
        activation.forward(slope, x, xFrom * size, y, yFrom * size, rows * size);
    }

    // backward of y = f(x): dx[B x n] = dy * f'(x), with f' from x or from y as the kernel defines it
    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int rows) {
        backwardRows(x, y, dy, dx, 0, rows);
    }

    @Override
    public void backwardRows(float[] x, float[] y, float[] dy, float[] dx, int from, int rows) {
        if (dx != null) {
            activation.backward(slope, x, y, dy, dx, from * size, rows * size);
        }
    }

    @Override
    public String toString() {
        return activation == Activation.LEAKY_RELU && slope != Activation.LEAKY_SLOPE
                ? activation.cliName() + "(" + slope + ")" : activation.cliName();
    }
}
