/**
 * The GEMM engine: block sizes per vector width, packing of A and B, register-tiled micro-kernels,
 * the BLIS loop nest and its thread pool, and the products of low-precision operands widened onto it
 * ({@link dev.jvk.kernels.gemm.WidenedGemm}). Not exported: reached through the kernel interface
 * ({@link dev.jvk.kernels.spi.GemmKernels}) from the public classes, and from the simd package's
 * low-precision kernels for those products.
 */
package dev.jvk.kernels.gemm;
