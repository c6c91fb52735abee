/**
 * The MLP end to end: training samples per second and inference latency for the network of
 * {@code ./jvk train}'s defaults (784-256-128-10, ReLU, batch 128) on Fashion-MNIST-shaped data.
 */
package dev.jvk.bench.mlp;
