package dev.jvk.spark;

import dev.jvk.nn.Activation;
import dev.jvk.nn.optim.OptimizerConfig;
import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;

/**
 * The params {@link JvkMlpClassifier} and {@link JvkMlpRegressor} share, with their getters and setters
 * (Scala's params trait, in Java): MLlib's names where the meaning is MLlib's ({@code layers},
 * {@code maxIter}, {@code blockSize}, {@code stepSize}, {@code seed}) and jvk's own beside them. A stage
 * holds its param objects in one {@link Fields} ({@link #mlpParams()}); Spark finds the params through
 * the public accessors here.
 *
 * @param <T> the stage, which the setters return
 */
public interface JvkMlpParams<T extends JvkMlpParams<T>> extends Params {
    /** How the tasks' work is combined each round: see {@link #aggregation()}. */
    String PARAMETERS = "parameters";
    String GRADIENTS = "gradients";

    /** Layer sizes, input first and outputs last; at least two entries, each {@code >= 1}. No default. */
    default IntArrayParam layers() {
        return mlpParams().layers();
    }

    /** Epochs (default 10). */
    default IntParam maxIter() {
        return mlpParams().maxIter();
    }

    /** Rows per training step over all partitions together (default 128); each partition takes its share. */
    default IntParam blockSize() {
        return mlpParams().blockSize();
    }

    /** Learning rate at the start (default 1e-3), decayed to 0 over the run along a cosine, as {@code ./jvk train}. */
    default DoubleParam stepSize() {
        return mlpParams().stepSize();
    }

    /** Seeds the initial weights and the shuffling (default 42). */
    default LongParam seed() {
        return mlpParams().seed();
    }

    /** Hidden-layer activation, as {@code ./jvk train --activation} spells it (default relu). */
    default Param<String> activation() {
        return mlpParams().activation();
    }

    /** sgd, adam or adamw (default adam). */
    default Param<String> optimizer() {
        return mlpParams().optimizer();
    }

    /**
     * How the partitions' work is combined (default {@code gradients}): {@code parameters} averages
     * the models every {@link #localSteps()} steps (one Spark job per round, the optimizer restarting
     * each round on every task); {@code gradients} sums each step's gradients over the partitions and
     * steps one optimizer on the driver (the single-machine algorithm exactly, one Spark job per step).
     * Parameter averaging runs far fewer jobs but loses accuracy as partitions are added; see
     * {@code docs/spark.md} for the measured trade-off.
     */
    default Param<String> aggregation() {
        return mlpParams().aggregation();
    }

    /** With {@code aggregation=parameters}: steps each task takes between two averagings (default 32). */
    default IntParam localSteps() {
        return mlpParams().localSteps();
    }

    /** GEMM threads per task (default 1: Spark's tasks are the parallelism). */
    default IntParam threadsPerTask() {
        return mlpParams().threadsPerTask();
    }

    /** This stage's param objects, made by {@link Fields#of} in its constructor. */
    Fields mlpParams();

    @SuppressWarnings("unchecked")
    private T self() {
        return (T) this;
    }

    default int[] getLayers() {
        return $(layers());
    }

    default T setLayers(int[] value) {
        set(layers(), value);
        return self();
    }

    default int getMaxIter() {
        return (Integer) $(maxIter());
    }

    default T setMaxIter(int value) {
        set(maxIter(), value);
        return self();
    }

    default int getBlockSize() {
        return (Integer) $(blockSize());
    }

    default T setBlockSize(int value) {
        set(blockSize(), value);
        return self();
    }

    default double getStepSize() {
        return (Double) $(stepSize());
    }

    default T setStepSize(double value) {
        set(stepSize(), value);
        return self();
    }

    default long getSeed() {
        return (Long) $(seed());
    }

    default T setSeed(long value) {
        set(seed(), value);
        return self();
    }

    default String getActivation() {
        return $(activation());
    }

    default T setActivation(String value) {
        set(activation(), value);
        return self();
    }

    default String getOptimizer() {
        return $(optimizer());
    }

    default T setOptimizer(String value) {
        set(optimizer(), value);
        return self();
    }

    default String getAggregation() {
        return $(aggregation());
    }

    default T setAggregation(String value) {
        set(aggregation(), value);
        return self();
    }

    default int getLocalSteps() {
        return (Integer) $(localSteps());
    }

    default T setLocalSteps(int value) {
        set(localSteps(), value);
        return self();
    }

    default int getThreadsPerTask() {
        return (Integer) $(threadsPerTask());
    }

    default T setThreadsPerTask(int value) {
        set(threadsPerTask(), value);
        return self();
    }

    /** One stage's param objects, made and given their defaults by {@link #of}. */
    record Fields(IntArrayParam layers, IntParam maxIter, IntParam blockSize, DoubleParam stepSize, LongParam seed,
                  Param<String> activation, Param<String> optimizer, Param<String> aggregation, IntParam localSteps,
                  IntParam threadsPerTask) implements Serializable {

        /**
         * The params of {@code owner}, with their defaults set on it; its {@code layers} must end in at least
         * {@code leastOutputs} (a classifier's 2: softmax over one class is 1 whatever the input).
         */
        static Fields of(Params owner, int leastOutputs) {
            Fields f = new Fields(
                    new IntArrayParam(owner, "layers",
                            "sizes of the layers from input to output, e.g. [784, 256, 128, 10]: the input size, the hidden sizes, the outputs"
                                    + (leastOutputs > 1 ? " (>= " + leastOutputs + ")" : ""),
                            v -> validLayers((int[]) requireValue(v, "layers"), leastOutputs)),
                    new IntParam(owner, "maxIter", "epochs: passes over the training data (>= 1)", ParamValidators.gtEq(1)),
                    new IntParam(owner, "blockSize", "rows per training step (>= 1)", ParamValidators.gtEq(1)),
                    // Spark's gt(0) takes Infinity, which reached the schedule only once fit had read and cached the data
                    new DoubleParam(owner, "stepSize", "learning rate at the start of training (> 0, finite)",
                            v -> (Double) v > 0 && Double.isFinite((Double) v)),
                    new LongParam(owner, "seed", "seeds the initial weights and every partition's shuffling"),
                    new Param<>(owner, "activation", "hidden-layer activation: "
                            + String.join(", ", Arrays.stream(Activation.values()).map(Activation::cliName).toList()),
                            v -> isActivation((String) requireValue(v, "activation"))),
                    new Param<>(owner, "optimizer", "sgd (momentum 0.9), adam or adamw (weight decay 0.01)",
                            v -> isOptimizer((String) requireValue(v, "optimizer"))),
                    new Param<>(owner, "aggregation",
                            "parameters: each task takes localSteps steps on its partition, then the models are averaged; "
                                    + "gradients: each step's gradient is summed over all partitions and the driver takes the step",
                            v -> PARAMETERS.equals(requireValue(v, "aggregation")) || GRADIENTS.equals(v)),
                    new IntParam(owner, "localSteps", "with aggregation=parameters, the steps each task takes between averagings (>= 1)",
                            ParamValidators.gtEq(1)),
                    new IntParam(owner, "threadsPerTask", "GEMM threads each task uses (>= 1); match spark.task.cpus", ParamValidators.gtEq(1)));
            owner.setDefault(f.maxIter, 10);
            owner.setDefault(f.blockSize, 128);
            owner.setDefault(f.stepSize, 1e-3);
            owner.setDefault(f.seed, 42L);
            owner.setDefault(f.activation, Activation.RELU.cliName());
            owner.setDefault(f.optimizer, OptimizerConfig.Kind.ADAM.cliName());
            owner.setDefault(f.aggregation, GRADIENTS);
            owner.setDefault(f.localSteps, 32);
            owner.setDefault(f.threadsPerTask, 1);
            return f;
        }

        /**
         * {@code value}, or a refusal naming the param: Spark's own refusal of an invalid value prints the value with
         * {@code toString()}, which throws a bare NullPointerException for null.
         */
        static Object requireValue(Object value, String param) {
            if (value == null) {
                throw new IllegalArgumentException("parameter " + param + " given null");
            }
            return value;
        }

        private static boolean validLayers(int[] sizes, int leastOutputs) {
            if (sizes.length < 2) {
                return false;
            }
            for (int s : sizes) {
                if (s < 1) {
                    return false;
                }
            }
            int last = sizes[sizes.length - 1];
            if (last < leastOutputs) {
                // Spark's own refusal names neither the rule nor the way out; this one is thrown where Spark sets the
                // param (setLayers, a ParamMap given to fit, a saved stage read back), before any data is read
                throw new IllegalArgumentException("layers " + Arrays.toString(sizes) + " end in " + last + " output"
                        + (last == 1 ? "" : "s") + "; a classifier needs at least " + leastOutputs
                        + " (one score per class); for one real-valued output use JvkMlpRegressor");
            }
            return true;
        }

        private static boolean isActivation(String name) {
            try {
                Activation.fromCliName(name);
                return true;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }

        private static boolean isOptimizer(String name) {
            try {
                OptimizerConfig.Kind.fromCliName(name);
                return true;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
    }
}
