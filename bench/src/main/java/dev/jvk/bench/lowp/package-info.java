/**
 * Low-precision kernels against their float counterparts and peers in the same run: the int8 dot
 * product against Lucene's, bf16 conversion against STREAM copy, int8 GEMM against float SGEMM, and
 * batch-1 GEMV with float, bf16 and int8 weights. Results and commands: bench/RESULTS-lowp.md.
 */
package dev.jvk.bench.lowp;
