package dev.jvk.kernels.simd;

import dev.jvk.kernels.spi.VectorKernels;

/**
 * Vector API BLAS-1 and elementwise operations behind {@link dev.jvk.kernels.Vectors}; arguments are
 * checked there. The operations are inherited: the single-precision ones from
 * {@link SimdFloatVectors}, written by hand, which extends the double-precision ones generated from
 * it (SimdDoubleVectors), so that each is written once.
 */
public final class SimdVectors extends SimdFloatVectors implements VectorKernels {
    public SimdVectors() {}
}
