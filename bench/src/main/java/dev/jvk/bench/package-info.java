/** JMH benchmarks: jvk beside its scalar reference and its peers, and the report that turns results into tables and plots. */
package dev.jvk.bench;
