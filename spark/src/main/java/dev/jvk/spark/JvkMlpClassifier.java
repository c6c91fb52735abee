package dev.jvk.spark;

import dev.jvk.nn.Activation;
import dev.jvk.nn.optim.OptimizerConfig;
import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.ml.classification.ProbabilisticClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;

/**
 * A jvk multi-layer perceptron classifier as a Spark ML {@code Estimator}: a drop-in for MLlib's
 * {@code MultilayerPerceptronClassifier}. The params that mean the same have its names and setters
 * ({@code layers} with the input and output sizes included, {@code maxIter} = epochs,
 * {@code blockSize} = rows per training step, {@code stepSize} = learning rate, {@code seed}, and the
 * column params), so switching is a change of the class name; jvk's own params sit beside them.
 *
 * <pre>{@code
 * JvkMlpClassifier mlp = new JvkMlpClassifier().setLayers(new int[] {784, 256, 128, 10}).setMaxIter(10);
 * JvkMlpClassificationModel model = mlp.fit(train);   // features: an ML Vector column; label: 0 .. classes-1
 * model.transform(test).select("prediction", "probability");
 * }</pre>
 *
 * <p>Training is synchronous and data-parallel ({@link DistributedTraining}): each partition becomes
 * one cached block of floats, the weights are broadcast each round, every task runs jvk training
 * steps on its own partition, and the results are summed along a fixed tree, so the same seed and
 * partitioning give bitwise the same model. Labels must be whole numbers in
 * {@code [0, layers[last])}; hidden layers use {@link #activation()}; the output is softmax.
 *
 * <p>Defaults differ from MLlib's where the algorithm differs: MLlib runs L-BFGS (100 iterations,
 * full batch), jvk runs mini-batch Adam (10 epochs, learning rate 1e-3 with cosine decay).
 */
public final class JvkMlpClassifier
        extends ProbabilisticClassifier<Vector, JvkMlpClassifier, JvkMlpClassificationModel>
        implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    /** How the tasks' work is combined each round: see {@link #aggregation()}. */
    static final String PARAMETERS = "parameters";
    static final String GRADIENTS = "gradients";

    private final String uid;
    private final IntArrayParam layers;
    private final IntParam maxIter;
    private final IntParam blockSize;
    private final DoubleParam stepSize;
    private final LongParam seed;
    private final Param<String> activation;
    private final Param<String> optimizer;
    private final Param<String> aggregation;
    private final IntParam localSteps;
    private final IntParam threadsPerTask;

    /** A classifier with a random uid. */
    public JvkMlpClassifier() {
        this(Identifiable.randomUID("jvkMlpc"));
    }

    /** A classifier with this uid (Spark's persistence makes stages through this constructor). */
    public JvkMlpClassifier(String uid) {
        this.uid = uid;   // before super(): Spark's params read uid() while the superclass is built
        super();
        layers = new IntArrayParam(this, "layers",
                "sizes of the layers from input to output, e.g. [784, 256, 128, 10]: the input size, the hidden sizes, the number of classes",
                v -> validLayers((int[]) v));
        maxIter = new IntParam(this, "maxIter", "epochs: passes over the training data (>= 1)", ParamValidators.gtEq(1));
        blockSize = new IntParam(this, "blockSize", "rows per training step (>= 1)", ParamValidators.gtEq(1));
        stepSize = new DoubleParam(this, "stepSize", "learning rate at the start of training (> 0)", ParamValidators.gt(0));
        seed = new LongParam(this, "seed", "seeds the initial weights and every partition's shuffling");
        activation = new Param<>(this, "activation", "hidden-layer activation: "
                + String.join(", ", Arrays.stream(Activation.values()).map(Activation::cliName).toList()),
                v -> isActivation((String) v));
        optimizer = new Param<>(this, "optimizer", "sgd (momentum 0.9), adam or adamw (weight decay 0.01)",
                v -> isOptimizer((String) v));
        aggregation = new Param<>(this, "aggregation",
                "parameters: each task takes localSteps steps on its partition, then the models are averaged; "
                        + "gradients: each step's gradient is summed over all partitions and the driver takes the step",
                v -> PARAMETERS.equals(v) || GRADIENTS.equals(v));
        localSteps = new IntParam(this, "localSteps", "with aggregation=parameters, the steps each task takes between averagings (>= 1)",
                ParamValidators.gtEq(1));
        threadsPerTask = new IntParam(this, "threadsPerTask", "GEMM threads each task uses (>= 1); match spark.task.cpus",
                ParamValidators.gtEq(1));
        setDefault(maxIter, 10);
        setDefault(blockSize, 128);
        setDefault(stepSize, 1e-3);
        setDefault(seed, 42L);
        setDefault(activation, Activation.RELU.cliName());
        setDefault(optimizer, OptimizerConfig.Kind.ADAM.cliName());
        setDefault(aggregation, GRADIENTS);
        setDefault(localSteps, 32);
        setDefault(threadsPerTask, 1);
    }

    @Override
    public String uid() {
        return uid;
    }

    // ---- params: MLlib's names ----

    /** Layer sizes, input first and classes last; at least two entries, each {@code >= 1}. No default. */
    public IntArrayParam layers() {
        return layers;
    }

    public int[] getLayers() {
        return $(layers);
    }

    public JvkMlpClassifier setLayers(int[] value) {
        set(layers, value);
        return this;
    }

    /** Epochs (default 10). */
    public IntParam maxIter() {
        return maxIter;
    }

    public int getMaxIter() {
        return (Integer) $(maxIter);
    }

    public JvkMlpClassifier setMaxIter(int value) {
        set(maxIter, value);
        return this;
    }

    /** Rows per training step over all partitions together (default 128); each partition takes its share. */
    public IntParam blockSize() {
        return blockSize;
    }

    public int getBlockSize() {
        return (Integer) $(blockSize);
    }

    public JvkMlpClassifier setBlockSize(int value) {
        set(blockSize, value);
        return this;
    }

    /** Learning rate at the start (default 1e-3), decayed to 0 over the run along a cosine, as {@code ./jvk train}. */
    public DoubleParam stepSize() {
        return stepSize;
    }

    public double getStepSize() {
        return (Double) $(stepSize);
    }

    public JvkMlpClassifier setStepSize(double value) {
        set(stepSize, value);
        return this;
    }

    /** Seeds the initial weights and the shuffling (default 42). */
    public LongParam seed() {
        return seed;
    }

    public long getSeed() {
        return (Long) $(seed);
    }

    public JvkMlpClassifier setSeed(long value) {
        set(seed, value);
        return this;
    }

    // ---- params: jvk's own ----

    /** Hidden-layer activation, as {@code ./jvk train --activation} spells it (default relu). */
    public Param<String> activation() {
        return activation;
    }

    public String getActivation() {
        return $(activation);
    }

    public JvkMlpClassifier setActivation(String value) {
        set(activation, value);
        return this;
    }

    /** sgd, adam or adamw (default adam). */
    public Param<String> optimizer() {
        return optimizer;
    }

    public String getOptimizer() {
        return $(optimizer);
    }

    public JvkMlpClassifier setOptimizer(String value) {
        set(optimizer, value);
        return this;
    }

    /**
     * How the partitions' work is combined (default {@code gradients}): {@code parameters} averages
     * the models every {@link #localSteps()} steps (one Spark job per round, the optimizer restarting
     * each round on every task); {@code gradients} sums each step's gradients over the partitions and
     * steps one optimizer on the driver (the single-machine algorithm exactly, one Spark job per step).
     * Parameter averaging runs far fewer jobs but loses accuracy as partitions are added; see
     * {@code docs/spark.md} for the measured trade-off.
     */
    public Param<String> aggregation() {
        return aggregation;
    }

    public String getAggregation() {
        return $(aggregation);
    }

    public JvkMlpClassifier setAggregation(String value) {
        set(aggregation, value);
        return this;
    }

    /** With {@code aggregation=parameters}: steps each task takes between two averagings (default 32). */
    public IntParam localSteps() {
        return localSteps;
    }

    public int getLocalSteps() {
        return (Integer) $(localSteps);
    }

    public JvkMlpClassifier setLocalSteps(int value) {
        set(localSteps, value);
        return this;
    }

    /** GEMM threads per task (default 1: Spark's tasks are the parallelism). */
    public IntParam threadsPerTask() {
        return threadsPerTask;
    }

    public int getThreadsPerTask() {
        return (Integer) $(threadsPerTask);
    }

    public JvkMlpClassifier setThreadsPerTask(int value) {
        set(threadsPerTask, value);
        return this;
    }

    // ---- the Estimator ----

    @Override
    public JvkMlpClassificationModel train(Dataset<?> dataset) {
        if (!isDefined(layers)) {
            throw new IllegalArgumentException("JvkMlpClassifier needs layers: call setLayers(new int[] {inputs, hidden..., classes})");
        }
        int[] sizes = getLayers();
        DistributedTraining.Settings settings = new DistributedTraining.Settings(
                sizes[0], Arrays.copyOfRange(sizes, 1, sizes.length - 1), Activation.fromCliName(getActivation()),
                sizes[sizes.length - 1], getSeed(), getMaxIter(), getBlockSize(), (float) getStepSize(),
                getOptimizer().toLowerCase(Locale.ROOT), GRADIENTS.equals(getAggregation()), getLocalSteps(), getThreadsPerTask());
        DistributedTraining.Result result = DistributedTraining.fit(dataset, getFeaturesCol(), getLabelCol(), settings);
        return new JvkMlpClassificationModel(uid, result.model(), result.summary());
    }

    @Override
    public JvkMlpClassifier copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /** Reads a classifier saved with {@code write().save(path)}. */
    public static MLReader<JvkMlpClassifier> read() {
        return new DefaultParamsReader<>();
    }

    /** {@code read().load(path)}. */
    public static JvkMlpClassifier load(String path) {
        return read().load(path);
    }

    private static boolean validLayers(int[] sizes) {
        if (sizes == null || sizes.length < 2) {
            return false;
        }
        for (int s : sizes) {
            if (s < 1) {
                return false;
            }
        }
        return true;
    }

    private static boolean isActivation(String name) {
        try {
            Activation.fromCliName(name);
            return true;
        } catch (IllegalArgumentException | NullPointerException e) {
            return false;
        }
    }

    private static boolean isOptimizer(String name) {
        try {
            OptimizerConfig.Kind.fromCliName(name);
            return true;
        } catch (IllegalArgumentException | NullPointerException e) {
            return false;
        }
    }
}
