package dev.jvk.nn;

import dev.jvk.nn.optim.Parameter;
import java.util.List;

/**
 * One step of an {@link Mlp}: maps a {@code B x inputSize()} batch to a {@code B x outputSize()}
 * batch, and back-propagates a gradient. Buffers belong to the caller (the {@link Mlp}'s
 * workspace), so a layer allocates nothing per step.
 *
 * <p>Contract shared by all layers: arrays are row-major with leading dimension equal to their
 * width and start at offset 0; {@code rows} may be smaller than the buffers' capacity.
 */
public sealed interface Layer extends Pass permits Dense, QuantizedDense, ActivationLayer, Dropout {
    /** Features per input row. */
    int inputSize();

    /** Features per output row. */
    int outputSize();

    /**
     * {@code y[B x out] = layer(x[B x in])}. {@code training} turns on behaviour that only training
     * has (dropout); otherwise the layer is a pure function of its input and parameters.
     */
    void forward(float[] x, float[] y, int rows, boolean training);

    /**
     * Given {@code dy = dLoss/dy}, computes the parameter gradients (overwriting them) and, unless
     * {@code dx} is null, {@code dx = dLoss/dx}. {@code x} and {@code y} are the forward pass's
     * input and output for the same rows.
     */
    void backward(float[] x, float[] y, float[] dy, float[] dx, int rows);

    /** The trainable parameters with their gradients; empty for parameter-free layers. */
    default List<Parameter> parameters() {
        return List.of();
    }

    /** How many trainable values {@link #parameters()} holds, without allocating their gradients. */
    default long parameterCount() {
        return 0;
    }

    /** Makes room for batches of up to {@code rows} rows in any per-batch state the layer keeps. */
    default void reserve(int rows) {}
}
