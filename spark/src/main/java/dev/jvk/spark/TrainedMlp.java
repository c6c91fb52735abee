package dev.jvk.spark;

import dev.jvk.nn.Mlp;
import java.io.Serializable;
import java.util.function.BiFunction;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Option;

/**
 * What the two trained stages hold and do alike: the jvk model file, the fit's summary, the model's
 * broadcast (made once, on the first {@code transform}), batched scoring and persistence.
 */
final class TrainedMlp implements Serializable {
    private static final long serialVersionUID = 1L;

    private final byte[] modelFile;
    private final transient JvkMlpTrainingSummary summary;
    private transient Broadcast<byte[]> broadcast;
    /** The context {@link #broadcast} belongs to. */
    private transient SparkContext broadcastContext;

    TrainedMlp(byte[] modelFile, JvkMlpTrainingSummary summary) {
        this.modelFile = modelFile;
        this.summary = summary;
    }

    byte[] modelFile() {
        return modelFile;
    }

    /** A copy of the jvk model. */
    Mlp jvkModel() {
        return ModelBytes.load(modelFile);
    }

    /** What the fit did; absent for a loaded or wrapped model. */
    Option<JvkMlpTrainingSummary> summary() {
        return Option.apply(summary);
    }

    /**
     * {@code rows} with the {@code columns} of the output schema {@code out} appended, each partition scored
     * in batches of {@value ScoringIterator#BATCH} rows by one jvk model per task. The result has {@code out}'s
     * metadata on every column, as MLlib's stages give it: a row encoder keeps the types alone, and a stage after
     * this one may read the label's class names (StringIndexer's), the features' names or the prediction's classes.
     */
    Dataset<Row> score(Dataset<Row> rows, StructType out, String featuresCol, int inputs, int outputs,
                       ScoringIterator.Column[] columns, double[] thresholds, int threads) {
        FeatureRows.requireSize(rows.schema(), featuresCol, inputs);
        ScoringIterator.Scorer scorer = new ScoringIterator.Scorer(broadcast(rows.sparkSession()), rows.schema().fieldIndex(FeatureRows.topLevel(rows.schema(), featuresCol)),
                featuresCol, inputs, outputs, columns, thresholds, threads);
        // each column is found by its place, under a name of its own: the input may hold two columns of one name (a join's)
        String[] places = new String[out.size()];
        Column[] withMetadata = new Column[out.size()];
        for (int i = 0; i < places.length; i++) {
            StructField field = out.fields()[i];
            places[i] = "c" + i;
            withMetadata[i] = functions.col(places[i]).as(field.name(), field.metadata());
        }
        return rows.mapPartitions(scorer, Encoders.row(out)).toDF(places).select(withMetadata);
    }

    /**
     * The model file's broadcast in {@code spark}'s context, made once per context: a model outlives its session
     * (a notebook or a service stops Spark and starts it again), and a broadcast of a stopped context has no blocks
     * left for the tasks of the next one to read.
     */
    private synchronized Broadcast<byte[]> broadcast(SparkSession spark) {
        SparkContext context = spark.sparkContext();
        if (broadcast == null || broadcastContext != context) {
            broadcast = JavaSparkContext.fromSparkContext(context).broadcast(modelFile);
            broadcastContext = context;
        }
        return broadcast;
    }

    /** Writes Spark's param metadata of {@code stage} (as every MLlib stage does) and the jvk model file beside it. */
    MLWriter writer(Params stage) {
        return new MLWriter() {
            @Override
            public void saveImpl(String path) {
                DefaultParamsWriter.saveMetadata(stage, path, sparkSession());
                ModelBytes.write(modelFile, path, sc().hadoopConfiguration());
            }
        };
    }

    /** Reads what {@link #writer} wrote: {@code make} builds the stage from its uid and model file, then its params are set. */
    static <M extends Params> MLReader<M> reader(Class<M> type, BiFunction<String, byte[], M> make) {
        return new MLReader<>() {
            @Override
            public M load(String path) {
                DefaultParamsReader.Metadata metadata = DefaultParamsReader.loadMetadata(path, sparkSession(), type.getName());
                M model = make.apply(metadata.uid(), ModelBytes.read(path, sc().hadoopConfiguration()));
                metadata.getAndSetParams(model, Option.empty());
                return model;
            }
        };
    }
}
