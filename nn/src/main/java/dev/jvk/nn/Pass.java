package dev.jvk.nn;

/**
 * One step of an {@link Mlp}'s forward and backward passes: a {@link Layer}, or layers fused into
 * one ({@link DenseActivation}). The contract is {@link Layer}'s: {@code x} and {@code y} are the
 * forward input and output, {@code dy} the gradient of the output, {@code dx} (null for the first
 * step that has parameters) the gradient of the input.
 */
interface Pass {
    /** {@code y[B x out] = pass(x[B x in])}. */
    void forward(float[] x, float[] y, int rows, boolean training);

    /** The parameter gradients from {@code dy}, and {@code dx} unless it is null. */
    void backward(float[] x, float[] y, float[] dy, float[] dx, int rows);
}
