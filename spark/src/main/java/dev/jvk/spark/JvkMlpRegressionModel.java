package dev.jvk.spark;

import dev.jvk.nn.Mlp;
import java.util.Objects;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.RegressionModel;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import scala.Option;

/**
 * A trained jvk MLP regressor as a Spark ML {@code Model}: {@link #transform} adds the {@code prediction}
 * column (the model's output in the label's units), scoring a partition at a time in batches with one
 * jvk model per task, as {@link JvkMlpClassificationModel} does. Saved and loaded the same way
 * ({@code metadata/} and {@code data/model.jvk}).
 */
public final class JvkMlpRegressionModel extends RegressionModel<Vector, JvkMlpRegressionModel>
        implements JvkMlpModelParams<JvkMlpRegressionModel>, MLWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final TrainedMlp trained;
    private final int inputs;
    private final IntParam threadsPerTask;
    /** The model of {@link #predict}; reloaded from the model file after Java serialisation (a UDF's closure). */
    private transient Mlp mlp;

    JvkMlpRegressionModel(String uid, Mlp mlp, JvkMlpTrainingSummary summary) {
        this(uid, ModelBytes.of(mlp), summary);
    }

    private JvkMlpRegressionModel(String uid, byte[] modelFile, JvkMlpTrainingSummary summary) {
        this.uid = uid;   // before super(): Spark's params read uid() while the superclass is built
        this.trained = new TrainedMlp(modelFile, summary);
        Mlp loaded = ModelBytes.load(modelFile);
        if (loaded.metadata().isClassification() || loaded.classes() != 1) {
            throw new IllegalArgumentException("a JvkMlpRegressionModel needs a regressor of one output, this model is a "
                    + loaded.metadata().task() + " model of " + loaded.classes() + " outputs");
        }
        this.mlp = loaded;
        this.inputs = loaded.inputs();
        super();
        threadsPerTask = JvkMlpModelParams.threadsPerTask(this);
    }

    /**
     * A Spark stage scoring with {@code mlp}, a regressor of one output trained anywhere ({@code ./jvk train --task regression}).
     *
     * @throws IllegalArgumentException when {@code mlp} is a classifier or has more than one output
     */
    public static JvkMlpRegressionModel fromJvkModel(Mlp mlp) {
        Objects.requireNonNull(mlp, "mlp");
        return new JvkMlpRegressionModel(Identifiable.randomUID("jvkMlpr"), mlp, null);
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public int numFeatures() {
        return inputs;
    }

    /** A copy of the jvk model (for {@code Mlp.save}, {@code predict} on one machine, ...). */
    public Mlp jvkModel() {
        return trained.jvkModel();
    }

    /** What the fit that made this model did; absent for a loaded or wrapped model. */
    public Option<JvkMlpTrainingSummary> summary() {
        return trained.summary();
    }

    /** GEMM threads per scoring task (default 1); getter and setter in {@link JvkMlpModelParams}. */
    @Override
    public IntParam threadsPerTask() {
        return threadsPerTask;
    }

    /** Adds the prediction column, scoring each partition in batches of {@value ScoringIterator#BATCH} rows. */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema(), true);
        Dataset<Row> rows = dataset.toDF();
        StructType in = rows.schema();
        if (out.size() == in.size()) {
            return rows;   // the prediction column is switched off (set to "")
        }
        return trained.score(rows, out, getFeaturesCol(), inputs, 1, new ScoringIterator.Column[] {ScoringIterator.Column.VALUE}, null,
                getThreadsPerTask());
    }

    /** One row's prediction (MLlib's per-row path; {@link #transform} scores in batches). */
    @Override
    public synchronized double predict(Vector features) {
        if (features.size() != inputs) {
            throw new IllegalArgumentException("the features vector has " + features.size() + " values, the model takes " + inputs);
        }
        float[] x = new float[inputs];
        FeatureRows.copy(features, x, 0);
        return mlp().predict(x, 1)[0];
    }

    /** A field holds no {@code Mlp} across Java serialisation: a deserialised copy loads it again from the model file it carries. */
    private synchronized Mlp mlp() {
        if (mlp == null) {
            mlp = trained.jvkModel();
        }
        return mlp;
    }

    @Override
    public JvkMlpRegressionModel copy(ParamMap extra) {
        JvkMlpRegressionModel copy = copyValues(new JvkMlpRegressionModel(uid, trained.modelFile(), trained.summary().getOrElse(() -> null)), extra);
        return copy.setParent(parent());
    }

    @Override
    public String toString() {
        return "JvkMlpRegressionModel: uid=" + uid + ", " + mlp().describe();
    }

    @Override
    public MLWriter write() {
        return trained.writer(this);
    }

    /** Reads a model saved with {@code write().save(path)}. */
    public static MLReader<JvkMlpRegressionModel> read() {
        return TrainedMlp.reader(JvkMlpRegressionModel.class, (uid, bytes) -> new JvkMlpRegressionModel(uid, bytes, null));
    }

    /** {@code read().load(path)}. */
    public static JvkMlpRegressionModel load(String path) {
        return read().load(path);
    }
}
