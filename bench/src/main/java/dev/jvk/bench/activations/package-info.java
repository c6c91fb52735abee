/**
 * JMH benchmarks of the activations and softmax: jvk's public entry points beside their scalar
 * references, plain Java loops, a STREAM copy in the same run (the bandwidth ceiling of the
 * memory-bound sizes), and the Vector API's own lanewise transcendentals (measured, not shipped).
 * Results and the commands that produced them: bench/RESULTS-activations.md.
 */
package dev.jvk.bench.activations;
