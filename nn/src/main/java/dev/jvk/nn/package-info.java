/** Multi-layer perceptrons on the jvk kernels: layers, losses, optimizers, training, data and model files. */
package dev.jvk.nn;
