/**
 * Vector API implementations of the elementwise kernels, BLAS-1 operations, reductions and softmax.
 * Not exported: reached only through the public entry points, after their argument checks.
 * Species come from {@link dev.jvk.kernels.platform.Platform.Species}, fixed at class initialisation,
 * so the JIT sees them as constants.
 */
package dev.jvk.kernels.simd;
