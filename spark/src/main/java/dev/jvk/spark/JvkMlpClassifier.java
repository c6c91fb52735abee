package dev.jvk.spark;

import org.apache.spark.ml.classification.ProbabilisticClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
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
        implements JvkMlpParams<JvkMlpClassifier>, DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Fields fields;

    /** A classifier with a random uid. */
    public JvkMlpClassifier() {
        this(Identifiable.randomUID("jvkMlpc"));
    }

    /** A classifier with this uid (Spark's persistence makes stages through this constructor). */
    public JvkMlpClassifier(String uid) {
        this.uid = uid;   // before super(): Spark's params read uid() while the superclass is built
        super();
        fields = Fields.of(this, 2);
    }

    @Override
    public String uid() {
        return uid;
    }

    /** Spark's line for the param, with an array value ({@code layers}, {@code thresholds}) written out rather than as an identity. */
    @Override
    public String explainParam(Param<?> param) {
        return ParamText.explain(this, param, super.explainParam(param));
    }

    /** The param objects; the accessors, getters and setters are {@link JvkMlpParams}'s. */
    @Override
    public Fields mlpParams() {
        return fields;
    }

    // ---- the Estimator ----

    @Override
    public JvkMlpClassificationModel train(Dataset<?> dataset) {
        DistributedTraining.Settings settings = DistributedTraining.Settings.of(this, "softmax-cross-entropy", 0);
        JvkMlpClassificationModel.requireThresholds(isDefined(thresholds()) ? getThresholds() : null, settings.outputs());
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
}
