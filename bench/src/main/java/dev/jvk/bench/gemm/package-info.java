/**
 * GEMM and GEMV benchmarks: jvk beside its scalar reference, EJML, OpenBLAS (through bytedeco) and
 * netlib's VectorBLAS, on square sizes and the MLP shapes, with a peak-FMA benchmark for the
 * ceiling. Results and how to run them: bench/RESULTS-gemm.md.
 */
package dev.jvk.bench.gemm;
