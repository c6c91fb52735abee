package dev.jvk.nn.optim;

import dev.jvk.kernels.Parallel;
import dev.jvk.kernels.Vectors;
import java.util.List;

/**
 * Adam (Kingma and Ba) with bias correction, as {@code torch.optim.Adam}; with {@code decoupled}
 * it is AdamW (Loshchilov and Hutter): weight decay shrinks the weights directly,
 * {@code w -= lr wd w}, instead of entering the gradient.
 *
 * <p>The moment updates and the step are one fused loop over each parameter (a loop C2
 * vectorises: multiply, add, square root, divide): the per-element state makes it one pass over
 * four arrays, where BLAS-1 calls would need six. A large parameter is updated by GEMM's threads,
 * each on a range of its elements ({@link Parallel}): every element's update reads that element
 * alone, so the weights are bitwise the same for every thread count.
 */
final class Adam implements ElementwiseOptimizer {
    private final List<Parameter> parameters;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float weightDecay;
    private final boolean decoupled;
    private final float[][] m;
    private final float[][] v;
    private int t;
    /** The parameter {@link #step}'s ranges update: set before each parameter's ranges run. */
    private int current;
    private float lr;
    private float stepSize;
    private float rootCorrection2;
    /** Made once: a step allocates nothing. */
    private final Parallel.Range updateRange = this::updateRange;
    /** w, g, m and v read, w, m and v written. */
    private static final int BYTES_PER_ELEMENT = 28;

    Adam(List<Parameter> parameters, float beta1, float beta2, float epsilon, float weightDecay, boolean decoupled) {
        this.parameters = List.copyOf(parameters);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
        this.m = new float[this.parameters.size()][];
        this.v = new float[this.parameters.size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = new float[this.parameters.get(i).size()];
            v[i] = new float[this.parameters.get(i).size()];
        }
    }

    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    @Override
    public void step(float lr) {
        startStep(lr);
        for (int i = 0; i < m.length; i++) {
            current = i;
            Parallel.forRange(parameters.get(i).size(), BYTES_PER_ELEMENT, updateRange);
        }
    }

    @Override
    public void startStep(float lr) {
        t++;
        // StrictMath: the same bits on every CPU and JVM (Math.pow is an intrinsic that may round otherwise)
        // bias corrections: m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t), folded into two scalars
        double correction1 = 1 - StrictMath.pow(beta1, t);
        double correction2 = 1 - StrictMath.pow(beta2, t);
        this.lr = lr;
        this.stepSize = (float) (lr / correction1);
        this.rootCorrection2 = (float) Math.sqrt(correction2);
    }

    @Override
    public float[][] state() {
        float[][] all = new float[2 * m.length][];
        System.arraycopy(m, 0, all, 0, m.length);
        System.arraycopy(v, 0, all, m.length, v.length);
        return all;
    }

    @Override
    public int steps() {
        return t;
    }

    @Override
    public void restoreSteps(int steps) {
        t = steps;
    }

    private void updateRange(int from, int to) {
        update(current, from, to);
    }

    @Override
    public void update(int index, int from, int to) {
        Parameter p = parameters.get(index);
        float[] w = p.value();
        float[] g = p.grad();
        if (weightDecay != 0f && p.decays()) {
            if (decoupled) {
                Vectors.scal(1f - lr * weightDecay, w, from, to - from);   // AdamW: w -= lr * wd * w
            } else {
                Vectors.axpy(weightDecay, w, from, g, from, to - from);    // Adam: g += wd * w (L2)
            }
        }
        update(w, g, m[index], v[index], from, to, stepSize, rootCorrection2);
    }

    private void update(float[] w, float[] g, float[] m, float[] v, int from, int to, float stepSize, float rootCorrection2) {
        float b1 = beta1;
        float b2 = beta2;
        float c1 = 1f - beta1;
        float c2 = 1f - beta2;
        float eps = epsilon;
        for (int j = from; j < to; j++) {
            float gj = g[j];
            float mj = b1 * m[j] + c1 * gj;                 // m = b1 m + (1 - b1) g
            float vj = b2 * v[j] + c2 * gj * gj;            // v = b2 v + (1 - b2) g^2
            m[j] = mj;
            v[j] = vj;
            // w -= lr * m_hat / (sqrt(v_hat) + eps)
            w[j] -= stepSize * mj / ((float) Math.sqrt(vj) / rootCorrection2 + eps);
        }
    }
}
