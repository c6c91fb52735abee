/**
 * Multi-layer perceptrons on the jvk kernels: layers ({@link dev.jvk.nn.Dense}, its inference-only
 * low-precision form {@link dev.jvk.nn.QuantizedDense}, activations,
 * dropout) with forward and backward side by side, losses, the {@link dev.jvk.nn.Mlp} that runs
 * them, the {@link dev.jvk.nn.Trainer}, and the model file format.
 *
 * <p>Everything numeric goes through the public kernel entry points ({@code Gemm},
 * {@code Vectors}, {@code Activations}, {@code Softmax}, {@code Reductions}); this package holds
 * no loops of its own over matrices, so it gets faster when the kernels do and never disagrees
 * with them. Layout everywhere: row-major, one sample per row, {@code B} rows per batch.
 */
package dev.jvk.nn;
