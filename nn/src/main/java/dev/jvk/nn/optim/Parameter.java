package dev.jvk.nn.optim;

import java.util.Objects;

/**
 * A trainable tensor and its gradient, both live arrays of the same length owned by a layer.
 *
 * @param name   for messages ("weights", "bias")
 * @param value  the parameter values
 * @param grad   the gradient of the loss with respect to {@code value}, written by backward
 * @param decays whether weight decay applies (weights yes, biases no)
 */
public record Parameter(String name, float[] value, float[] grad, boolean decays) {
    /** Checks that value and gradient have the same length. */
    public Parameter {
        Objects.requireNonNull(name, "name");
        if (value.length != grad.length) {
            throw new IllegalArgumentException(name + ": value has " + value.length + " entries, gradient " + grad.length);
        }
    }

    /** Number of values. */
    public int size() {
        return value.length;
    }
}
