package dev.jvk.nn.optim;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Which optimizer and its hyper-parameters (everything but the learning rate, which the schedule
 * gives per step). {@link #create} binds it to a model's parameters.
 *
 * @param kind        SGD, ADAM or ADAMW
 * @param momentum    SGD momentum in [0, 1); 0 is plain SGD
 * @param nesterov    SGD: Nesterov momentum (needs momentum &gt; 0)
 * @param weightDecay L2 (SGD, Adam) or decoupled (AdamW) weight decay, &gt;= 0; biases never decay
 * @param beta1       Adam's first-moment decay
 * @param beta2       Adam's second-moment decay
 * @param epsilon     Adam's denominator guard, &gt; 0 and finite
 */
public record OptimizerConfig(Kind kind, float momentum, boolean nesterov, float weightDecay,
                              float beta1, float beta2, float epsilon) {
    /** The optimizers. */
    public enum Kind {
        SGD, ADAM, ADAMW;

        /** The command-line spelling: sgd, adam, adamw. */
        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The kind for a command-line name. */
        public static Kind fromCliName(String name) {
            for (Kind k : values()) {
                if (k.cliName().equals(name.toLowerCase(Locale.ROOT))) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown optimizer '" + name + "' (expected sgd, adam or adamw)");
        }
    }

    /** Checks the ranges. */
    public OptimizerConfig {
        Objects.requireNonNull(kind, "kind");
        if (!(momentum >= 0f && momentum < 1f)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (nesterov && momentum == 0f) {
            throw new IllegalArgumentException("Nesterov momentum needs momentum > 0");
        }
        if (!(weightDecay >= 0f) || !Float.isFinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        }
        if (!(beta1 >= 0f && beta1 < 1f) || !(beta2 >= 0f && beta2 < 1f)) {
            throw new IllegalArgumentException("Adam betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(epsilon > 0f) || !Float.isFinite(epsilon)) {
            // an infinite guard makes every Adam step zero: training that silently learns nothing
            throw new IllegalArgumentException("epsilon must be > 0 and finite, got " + epsilon);
        }
    }

    /** Plain SGD: no momentum, no weight decay. The learning rate comes from the schedule. */
    public static OptimizerConfig sgd() {
        return sgdWithMomentum(0f, false, 0f);
    }

    /** SGD with momentum {@code momentum} in [0, 1), Nesterov's variant when {@code nesterov}, and L2 weight decay {@code weightDecay}. */
    public static OptimizerConfig sgdWithMomentum(float momentum, boolean nesterov, float weightDecay) {
        return new OptimizerConfig(Kind.SGD, momentum, nesterov, weightDecay, 0.9f, 0.999f, 1e-8f);
    }

    /** Adam with betas 0.9, 0.999, epsilon 1e-8 and no weight decay. The learning rate comes from the schedule. */
    public static OptimizerConfig adam() {
        return adamWithWeightDecay(0f);
    }

    /** Adam with betas 0.9, 0.999, epsilon 1e-8 and L2 weight decay {@code weightDecay} (added to the gradient). */
    public static OptimizerConfig adamWithWeightDecay(float weightDecay) {
        return new OptimizerConfig(Kind.ADAM, 0f, false, weightDecay, 0.9f, 0.999f, 1e-8f);
    }

    /** AdamW with betas 0.9, 0.999, epsilon 1e-8 and decoupled weight decay {@code weightDecay} (PyTorch's default is 0.01). */
    public static OptimizerConfig adamWWithWeightDecay(float weightDecay) {
        return new OptimizerConfig(Kind.ADAMW, 0f, false, weightDecay, 0.9f, 0.999f, 1e-8f);
    }

    /**
     * An optimizer for these parameters, its state allocated now: an {@link ElementwiseOptimizer}.
     *
     * @throws NullPointerException     when {@code parameters} or one of them is null
     * @throws IllegalArgumentException when a parameter's values appear twice in the list (each step would update them twice)
     */
    public Optimizer create(List<Parameter> parameters) {
        Objects.requireNonNull(parameters, "parameters");
        java.util.Map<float[], Integer> seen = new java.util.IdentityHashMap<>();
        for (int i = 0; i < parameters.size(); i++) {
            Integer first = seen.putIfAbsent(Objects.requireNonNull(parameters.get(i), "parameters[" + i + "]").value(), i);
            if (first != null) {
                throw new IllegalArgumentException("parameters[" + i + "] (" + parameters.get(i).name() + ") updates the values of parameters["
                        + first + "] again: each step would move them twice");
            }
        }
        return switch (kind) {
            case SGD -> new Sgd(parameters, momentum, nesterov, weightDecay);
            case ADAM -> new Adam(parameters, beta1, beta2, epsilon, weightDecay, false);
            case ADAMW -> new Adam(parameters, beta1, beta2, epsilon, weightDecay, true);
        };
    }
}
