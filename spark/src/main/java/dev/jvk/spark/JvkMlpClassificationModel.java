package dev.jvk.spark;

import dev.jvk.kernels.Softmax;
import dev.jvk.nn.Dense;
import dev.jvk.nn.Layer;
import dev.jvk.nn.Loss;
import dev.jvk.nn.Mlp;
import dev.jvk.nn.QuantizedDense;
import java.util.Objects;
import java.util.stream.IntStream;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import scala.Option;

/**
 * A trained jvk MLP as a Spark ML {@code Model}: {@link #transform} adds MLlib's
 * {@code rawPrediction} (the output layer's values, before softmax), {@code probability} (their
 * softmax) and {@code prediction} (the class index as a double) columns, scoring a partition at a
 * time in batches with one jvk model per task (the model file broadcast once per model).
 *
 * <p>{@code model.write().save(path)} stores Spark's param metadata and jvk's own model file
 * ({@code data/model.jvk}, {@code docs/model-format.md}) on any Hadoop file system;
 * {@link #load(String)} reads them back bitwise. {@link #fromJvkModel} wraps a model trained on one
 * machine ({@code ./jvk train}, {@code Trainer}) for scoring on Spark.
 */
public final class JvkMlpClassificationModel
        extends ProbabilisticClassificationModel<Vector, JvkMlpClassificationModel>
        implements JvkMlpModelParams<JvkMlpClassificationModel>, MLWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final TrainedMlp trained;
    private final int inputs;
    private final int classes;
    private final IntParam threadsPerTask;
    /** The scoring model of {@link #predictRaw}; rebuilt from the model file after Java serialisation (a UDF's closure). */
    private transient Mlp logits;

    JvkMlpClassificationModel(String uid, Mlp mlp, JvkMlpTrainingSummary summary) {
        this(uid, ModelBytes.of(mlp), summary);
    }

    private JvkMlpClassificationModel(String uid, byte[] modelFile, JvkMlpTrainingSummary summary) {
        this.uid = uid;   // before super(): Spark's params read uid() while the superclass is built
        this.trained = new TrainedMlp(modelFile, summary);
        Mlp scoring = logitsModel(ModelBytes.load(modelFile));
        this.logits = scoring;
        this.inputs = scoring.inputs();
        this.classes = scoring.classes();
        super();
        threadsPerTask = JvkMlpModelParams.threadsPerTask(this);
    }

    /**
     * A Spark stage scoring with {@code mlp}, a softmax cross-entropy classifier trained anywhere.
     *
     * @throws IllegalArgumentException when {@code mlp} is not trained with softmax cross-entropy
     */
    public static JvkMlpClassificationModel fromJvkModel(Mlp mlp) {
        Objects.requireNonNull(mlp, "mlp");
        return new JvkMlpClassificationModel(Identifiable.randomUID("jvkMlpc"), mlp, null);
    }

    /** A model whose {@code predict} gives the output layer's values: the same layers under a loss that leaves them as they are. */
    private static Mlp logitsModel(Mlp mlp) {
        if (!mlp.loss().name().equals("softmax-cross-entropy")) {
            throw new IllegalArgumentException("a JvkMlpClassificationModel needs a softmax cross-entropy classifier, this model is trained with "
                    + mlp.loss().name());
        }
        return new Mlp(mlp.layers(), Loss.named("mse"), mlp.scaling());
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

    @Override
    public int numFeatures() {
        return inputs;
    }

    @Override
    public int numClasses() {
        return classes;
    }

    /** The layer sizes, input first, classes last (as {@link JvkMlpClassifier#setLayers} takes them). */
    public int[] layers() {
        IntStream dense = logits().layers().stream().filter(l -> l instanceof Dense || l instanceof QuantizedDense).mapToInt(Layer::outputSize);
        return IntStream.concat(IntStream.of(inputs), dense).toArray();
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

    // ---- scoring ----

    /** Adds the output columns, scoring each partition in batches of {@value ScoringIterator#BATCH} rows. */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema(), true);
        Dataset<Row> rows = dataset.toDF();
        StructType in = rows.schema();
        if (out.size() == in.size()) {
            return rows;   // every output column is switched off (set to "")
        }
        ScoringIterator.Column[] columns = new ScoringIterator.Column[out.size() - in.size()];
        for (int i = 0; i < columns.length; i++) {
            String name = out.fields()[in.size() + i].name();
            columns[i] = name.equals(getRawPredictionCol()) ? ScoringIterator.Column.RAW_PREDICTION
                    : name.equals(getProbabilityCol()) ? ScoringIterator.Column.PROBABILITY : ScoringIterator.Column.PREDICTION;
        }
        double[] thresholds = isDefined(thresholds()) ? getThresholds() : null;
        requireThresholds(thresholds, classes);
        return trained.score(rows, out, getFeaturesCol(), inputs, classes, columns, thresholds, getThreadsPerTask());
    }

    /** The output layer's values for one row (MLlib's per-row path; {@link #transform} scores in batches). */
    @Override
    public synchronized Vector predictRaw(Vector features) {
        if (features.size() != inputs) {
            throw new IllegalArgumentException("the features vector has " + features.size() + " values, the model takes " + inputs);
        }
        float[] x = new float[inputs];
        FeatureRows.copy(features, x, 0);
        float[] raw = logits().predict(x, 1);
        double[] values = new double[classes];
        for (int j = 0; j < classes; j++) {
            values[j] = raw[j];
        }
        return Vectors.dense(values);
    }

    /** MLlib's class for these scores, or NaN when they are NaN, as {@link #transform} gives it (MLlib's argmax would say 0). */
    @Override
    public double raw2prediction(Vector rawPrediction) {
        return hasNaN(rawPrediction) ? Double.NaN : super.raw2prediction(rawPrediction);
    }

    /**
     * MLlib's class for these probabilities (with thresholds), or NaN when they are NaN, as {@link #transform} gives it;
     * thresholds of the wrong length are refused as transform refuses them (MLlib's loop threw a bare
     * ArrayIndexOutOfBoundsException for too few and ignored the rest of too many).
     */
    @Override
    public double probability2prediction(Vector probability) {
        if (isDefined(thresholds())) {
            requireThresholds(getThresholds(), probability.size());
        }
        return hasNaN(probability) ? Double.NaN : super.probability2prediction(probability);
    }

    /**
     * Refuses thresholds that are not one per class. MLlib's transform checks this (this one replaces it); the
     * estimator's setThresholds cannot, not knowing the classes, so its fit does, before reading any data.
     *
     * @param thresholds the thresholds, or null for none
     */
    static void requireThresholds(double[] thresholds, int classes) {
        if (thresholds != null && thresholds.length != classes) {
            throw new IllegalArgumentException("thresholds has " + thresholds.length + " values, the model has " + classes
                    + " classes (layers[last]): give one threshold per class");
        }
    }

    /**
     * The output layer's model: a field holds no {@code Mlp} across Java serialisation (Spark ships a model that a UDF or a
     * closure calls this way), so a deserialised copy loads it again from the model file it carries.
     */
    private synchronized Mlp logits() {
        if (logits == null) {
            logits = logitsModel(trained.jvkModel());
        }
        return logits;
    }

    private static boolean hasNaN(Vector v) {
        for (int j = 0; j < v.size(); j++) {
            if (Double.isNaN(v.apply(j))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Softmax in place, in float through jvk's kernel as {@link #transform} and the jvk model's {@code predict} take it, so
     * that {@code predictProbability} gives their probabilities bitwise (a softmax in double differed in the last bits).
     */
    @Override
    public Vector raw2probabilityInPlace(Vector rawPrediction) {
        double[] v = ((DenseVector) rawPrediction).values();
        float[] p = new float[v.length];
        for (int j = 0; j < v.length; j++) {
            p[j] = (float) v[j];
        }
        Softmax.softmax(p, 0, 1, p.length, p.length, p, 0, p.length);
        for (int j = 0; j < v.length; j++) {
            v[j] = p[j];
        }
        return rawPrediction;
    }

    /**
     * Spark's own implementation. Redeclared because Scala narrows its return type in
     * {@code ProbabilisticClassificationModel}, which Java sees as two methods with one signature; the
     * raw {@code Tuple3} is the one return type that overrides both.
     */
    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public scala.Tuple3 findSummaryModel() {
        return super.findSummaryModel();
    }

    @Override
    public JvkMlpClassificationModel copy(ParamMap extra) {
        JvkMlpClassificationModel copy = copyValues(new JvkMlpClassificationModel(uid, trained.modelFile(), trained.summary().getOrElse(() -> null)), extra);
        return copy.setParent(parent());
    }

    @Override
    public String toString() {
        return "JvkMlpClassificationModel: uid=" + uid + ", " + logits().describe();
    }

    // ---- persistence ----

    @Override
    public MLWriter write() {
        return trained.writer(this);
    }

    /** Reads a model saved with {@code write().save(path)}. */
    public static MLReader<JvkMlpClassificationModel> read() {
        return TrainedMlp.reader(JvkMlpClassificationModel.class, (uid, bytes) -> new JvkMlpClassificationModel(uid, bytes, null));
    }

    /** {@code read().load(path)}. */
    public static JvkMlpClassificationModel load(String path) {
        return read().load(path);
    }
}
