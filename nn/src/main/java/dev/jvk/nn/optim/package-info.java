/**
 * Gradient descent: the {@link dev.jvk.nn.optim.Parameter}s a model exposes, the optimizers that
 * update them (SGD with momentum, Nesterov and weight decay; Adam; AdamW) and learning-rate
 * schedules (constant, step, cosine).
 */
package dev.jvk.nn.optim;
