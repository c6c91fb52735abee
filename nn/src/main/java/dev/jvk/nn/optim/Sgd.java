package dev.jvk.nn.optim;

import dev.jvk.kernels.Vectors;
import java.util.List;

/**
 * Stochastic gradient descent as PyTorch's {@code torch.optim.SGD} defines it (momentum buffer
 * {@code v = mu v + g}, Nesterov {@code w -= lr (g + mu v)}, L2 weight decay added to the gradient
 * of decaying parameters), every step a few BLAS-1 kernel calls.
 */
final class Sgd implements Optimizer {
    private final List<Parameter> parameters;
    private final float momentum;
    private final boolean nesterov;
    private final float weightDecay;
    private final float[][] velocity;

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
    public void step(float lr) {
        for (int i = 0; i < velocity.length; i++) {
            Parameter p = parameters.get(i);
            float[] w = p.value();
            float[] g = p.grad();
            int n = p.size();
            if (weightDecay != 0f && p.decays()) {
                Vectors.axpy(weightDecay, w, 0, g, 0, n);         // g += wd * w
            }
            if (momentum == 0f) {
                Vectors.axpy(-lr, g, 0, w, 0, n);                 // w -= lr * g
                continue;
            }
            float[] v = velocity[i];
            Vectors.scal(momentum, v, 0, n);                      // v = mu * v
            Vectors.axpy(1f, g, 0, v, 0, n);                      //   + g
            if (nesterov) {
                Vectors.axpy(-lr, g, 0, w, 0, n);                 // w -= lr * g
                Vectors.axpy(-lr * momentum, v, 0, w, 0, n);      //    + lr * mu * v
            } else {
                Vectors.axpy(-lr, v, 0, w, 0, n);                 // w -= lr * v
            }
        }
    }
}
