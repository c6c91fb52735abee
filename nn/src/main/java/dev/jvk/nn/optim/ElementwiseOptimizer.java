package dev.jvk.nn.optim;

import java.util.List;

/**
 * An optimizer whose update of an element reads that element's value, gradient and state alone (SGD,
 * Adam, AdamW: every optimizer {@link OptimizerConfig#create} makes). Its step can therefore be taken a
 * range at a time: {@link #startStep} once, then {@link #update} over ranges that cover every
 * parameter once, on several threads at once and in any order, with bitwise the same result as
 * {@link #step}. A model that computes its gradients in parts updates each part as soon as it is
 * computed, on the thread that computed it, while the gradient is still in that core's cache.
 */
public interface ElementwiseOptimizer extends Optimizer {
    /** The parameters this optimizer updates, in the order of {@link #update}'s index. */
    List<Parameter> parameters();

    /** Starts a step at this learning rate: what all its ranges share (Adam's step count and bias corrections). */
    void startStep(float learningRate);

    /** Updates elements {@code [from, to)} of {@code parameters().get(parameter)} for the step started last. */
    void update(int parameter, int from, int to);
}
