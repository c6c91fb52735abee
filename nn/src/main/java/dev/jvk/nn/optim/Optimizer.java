package dev.jvk.nn.optim;

/**
 * Updates a fixed list of parameters from their gradients. Made by {@link OptimizerConfig#create};
 * state (momentum, moments) is allocated once there, so a step allocates nothing.
 */
public interface Optimizer {
    /** One update of every parameter with the gradients backward left, at this learning rate. */
    void step(float learningRate);

    /**
     * The optimizer's state arrays, live and always in the same order (Adam: every first moment, then every
     * second moment; SGD with momentum: the velocities), for a checkpoint to save and restore bitwise.
     */
    float[][] state();

    /** Steps taken so far (Adam's bias correction depends on it). */
    int steps();

    /** Sets the step count of a restored checkpoint. */
    void restoreSteps(int steps);
}
