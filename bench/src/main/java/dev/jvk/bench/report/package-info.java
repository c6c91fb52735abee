/**
 * Turns JMH's JSON results into the benchmark report: Markdown tables (jvk beside its reference
 * and peers, ratios, share of the measured ceilings) and PNG plots. The naming conventions it
 * relies on are written down in {@code bench/README.md}.
 */
package dev.jvk.bench.report;
