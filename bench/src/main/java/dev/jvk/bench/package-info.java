/**
 * JMH benchmarks: jvk beside its scalar reference and its peers, one subpackage per kernel family,
 * and the {@code jvk bench} command ({@link dev.jvk.bench.BenchMain}) that runs a curated selection
 * of them and writes the report ({@code dev.jvk.bench.report}).
 */
package dev.jvk.bench;
