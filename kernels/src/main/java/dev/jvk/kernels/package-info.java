/**
 * The public kernels: {@link dev.jvk.kernels.Gemm}, {@link dev.jvk.kernels.Reductions},
 * {@link dev.jvk.kernels.Vectors}, {@link dev.jvk.kernels.Activations}, {@link dev.jvk.kernels.Softmax},
 * and {@link dev.jvk.kernels.Kernels}, which says what they run on. Each entry point checks its
 * arguments (BLAS rules, Java exceptions), then dispatches to the Vector API implementation or to the
 * scalar reference in {@code dev.jvk.kernels.reference}.
 */
package dev.jvk.kernels;
