package dev.jvk.kernels;

/**
 * What a product on a {@link PackedMatrix} does to each element of C as it writes it, after the sum is complete
 * ({@link PackedMatrix#sgemm(Transpose, int, float, float[], int, int, float, float[], int, int, Epilogue, float, float[], int)}):
 * a dense layer's bias and activation, applied to each tile of C right after the last K block wrote it, while
 * it is in L1, so the layer makes no second pass over its output. Each element gets exactly the bits of the
 * product followed by the separate kernel named below: {@code v = c + bias[j]} rounded once, then the function.
 */
public enum Epilogue {
    /** {@code c + bias[j]}: bitwise {@link Vectors#addBias} after the product. */
    BIAS,
    /** {@code max(0, c + bias[j])}: bitwise {@link Activations#addBiasRelu} after the product. */
    BIAS_RELU,
    /** {@code v > 0 ? v : slope * v}, {@code v = c + bias[j]}: bitwise {@link Activations#addBiasLeakyRelu} after the product. */
    BIAS_LEAKY_RELU
}
