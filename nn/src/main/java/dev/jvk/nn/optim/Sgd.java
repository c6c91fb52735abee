package dev.jvk.nn.optim;

import dev.jvk.kernels.Parallel;
import dev.jvk.kernels.Vectors;
import java.util.List;

/**
 * Stochastic gradient descent as PyTorch's {@code torch.optim.SGD} defines it (momentum buffer
 * {@code v = mu v + g}, Nesterov {@code w -= lr (g + mu v)}, L2 weight decay added to the gradient
 * of decaying parameters), every step a few BLAS-1 kernel calls. A large parameter is updated by
 * GEMM's threads, each on a range of its elements ({@link Parallel}): elementwise kernels, so the
 * weights are bitwise the same for every thread count.
 */
final class Sgd implements ElementwiseOptimizer {
    private final List<Parameter> parameters;
    private final float momentum;
    private final boolean nesterov;
    private final float weightDecay;
    private final float[][] velocity;
    /** The parameter {@link #step}'s ranges update: set before each parameter's ranges run. */
    private int current;
    private float lr;
    /** Made once: a step allocates nothing. */
    private final Parallel.Range updateRange = this::updateRange;
    /** w and g read and w written, and v read and written with momentum: about 24 bytes at most. */
    private static final int BYTES_PER_ELEMENT = 24;

    Sgd(List<Parameter> parameters, float momentum, boolean nesterov, float weightDecay) {
        this.parameters = List.copyOf(parameters);
        this.momentum = momentum;
        this.nesterov = nesterov;
        this.weightDecay = weightDecay;
        this.velocity = new float[this.parameters.size()][];
        for (int i = 0; i < velocity.length; i++) {
            velocity[i] = momentum != 0f ? new float[this.parameters.get(i).size()] : null;
        }
    }

    @Override
    public float[][] state() {
        return momentum == 0f ? new float[0][] : velocity.clone();
    }

    @Override
    public int steps() {
        return 0;   // SGD's update does not depend on the step count
    }

    @Override
    public void restoreSteps(int steps) {
        // nothing depends on it
    }

    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    @Override
    public void step(float lr) {
        startStep(lr);
        for (int i = 0; i < velocity.length; i++) {
            current = i;
            Parallel.forRange(parameters.get(i).size(), BYTES_PER_ELEMENT, updateRange);
        }
    }

    @Override
    public void startStep(float lr) {
        this.lr = lr;
    }

    private void updateRange(int from, int to) {
        update(current, from, to);
    }

    @Override
    public void update(int index, int from, int to) {
        Parameter p = parameters.get(index);
        float[] w = p.value();
        float[] g = p.grad();
        int n = to - from;
        if (weightDecay != 0f && p.decays()) {
            Vectors.axpy(weightDecay, w, from, g, from, n);       // g += wd * w
        }
        if (momentum == 0f) {
            Vectors.axpy(-lr, g, from, w, from, n);               // w -= lr * g
            return;
        }
        float[] v = velocity[index];
        Vectors.scal(momentum, v, from, n);                       // v = mu * v
        Vectors.axpy(1f, g, from, v, from, n);                    //   + g
        if (nesterov) {
            Vectors.axpy(-lr, g, from, w, from, n);               // w -= lr * g
            Vectors.axpy(-lr * momentum, v, from, w, from, n);    //    + lr * mu * v
        } else {
            Vectors.axpy(-lr, v, from, w, from, n);               // w -= lr * v
        }
    }
}
