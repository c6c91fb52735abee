/**
 * The GEMM engine: block sizes per vector width, packing of A and B, register-tiled micro-kernels,
 * the BLIS loop nest and its thread pool. Not exported: reached only through {@link dev.jvk.kernels.Gemm}.
 */
package dev.jvk.kernels.gemm;
