package dev.jvk.spark;

import java.util.Locale;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.Regressor;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;

/**
 * A jvk multi-layer perceptron regressor as a Spark ML {@code Estimator}: the {@link JvkMlpClassifier}'s
 * params and training ({@link DistributedTraining}) with a real-valued label column and one linear
 * output ({@code layers} end in 1). The targets are standardised inside the model (their mean and
 * standard deviation over the training rows, stored in the model file), as {@code ./jvk train --task
 * regression} does, so {@link JvkMlpRegressionModel} predicts in the label's own units.
 *
 * <pre>{@code
 * JvkMlpRegressor mlp = new JvkMlpRegressor().setLayers(new int[] {8, 64, 1}).setMaxIter(20);
 * JvkMlpRegressionModel model = mlp.fit(train);   // features: an ML Vector column; label: a finite number
 * model.transform(test).select("prediction");
 * }</pre>
 */
public final class JvkMlpRegressor extends Regressor<Vector, JvkMlpRegressor, JvkMlpRegressionModel>
        implements JvkMlpParams<JvkMlpRegressor>, DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Fields fields;
    private final Param<String> loss;

    /** A regressor with a random uid. */
    public JvkMlpRegressor() {
        this(Identifiable.randomUID("jvkMlpr"));
    }

    /** A regressor with this uid (Spark's persistence makes stages through this constructor). */
    public JvkMlpRegressor(String uid) {
        this.uid = uid;   // before super(): Spark's params read uid() while the superclass is built
        super();
        fields = Fields.of(this, 1);
        loss = new Param<>(this, "loss", "squaredError (mean squared error) or huber (Huber loss on the standardised targets, threshold 1)",
                v -> "squarederror".equals(lower(Fields.requireValue(v, "loss"))) || "huber".equals(lower(v)));
        setDefault(loss, "squaredError");
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

    /** The loss, as MLlib's {@code LinearRegression} names it: {@code squaredError} (default) or {@code huber}. */
    public Param<String> loss() {
        return loss;
    }

    public String getLoss() {
        return $(loss);
    }

    public JvkMlpRegressor setLoss(String value) {
        set(loss, value);
        return this;
    }

    @Override
    public JvkMlpRegressionModel train(Dataset<?> dataset) {
        DistributedTraining.Settings settings = DistributedTraining.Settings.of(this, "huber".equals(lower(getLoss())) ? "huber" : "mse", 1);
        DistributedTraining.Result result = DistributedTraining.fit(dataset, getFeaturesCol(), getLabelCol(), settings);
        return new JvkMlpRegressionModel(uid, result.model(), result.summary());
    }

    @Override
    public JvkMlpRegressor copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /** Reads a regressor saved with {@code write().save(path)}. */
    public static MLReader<JvkMlpRegressor> read() {
        return new DefaultParamsReader<>();
    }

    /** {@code read().load(path)}. */
    public static JvkMlpRegressor load(String path) {
        return read().load(path);
    }

    private static String lower(Object name) {
        return name == null ? null : name.toString().toLowerCase(Locale.ROOT);
    }
}
