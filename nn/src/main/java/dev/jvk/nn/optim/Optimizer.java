package dev.jvk.nn.optim;

/**
 * Updates a fixed list of parameters from their gradients. Made by {@link OptimizerConfig#create};
 * state (momentum, moments) is allocated once there, so a step allocates nothing.
 */
public interface Optimizer {
    /** One update of every parameter with the gradients backward left, at this learning rate. */
    void step(float learningRate);
}
