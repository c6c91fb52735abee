/**
 * JMH benchmarks of the BLAS-1 and reduction kernels: jvk (Vector API) beside its scalar reference,
 * the plain Java loop that C2 auto-vectorizes, Lucene's {@code VectorUtil.dotProduct}, and a
 * STREAM-like copy and triad as the memory-bandwidth ceiling of the same run. Results and the
 * command lines are in {@code bench/RESULTS-blas1.md}.
 */
package dev.jvk.bench.blas1;
