/**
 * Smaller, faster models from a trained {@link dev.jvk.nn.Mlp}: quantization of the dense layers' weights
 * to int8 or bf16 ({@link dev.jvk.nn.QuantizedDense}, inference only) and structured pruning of hidden
 * units (a smaller dense model, trainable again). {@code docs/compression.md} has the measured effect.
 */
package dev.jvk.nn.compress;
