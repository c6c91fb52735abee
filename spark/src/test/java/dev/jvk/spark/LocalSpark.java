package dev.jvk.spark;

import dev.jvk.nn.data.DataSet;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** One local Spark for all the module's tests (starting one takes seconds), and the data sets they use. */
final class LocalSpark {
    private static SparkSession spark;

    private LocalSpark() {}

    /** Spark in local mode with two task slots, on the loopback, without its web UI; stopped when the JVM exits. */
    static synchronized SparkSession session() {
        if (spark == null) {
            spark = SparkSession.builder().master("local[2]").appName("jvk-spark-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.sql.shuffle.partitions", "2")
                    .getOrCreate();
        }
        return spark;
    }

    /**
     * Stops the session and starts a new one, as a notebook or a job that calls {@code spark.stop()} and
     * {@code getOrCreate()} again does: a new SparkContext, whose broadcasts and cached blocks start empty.
     */
    static synchronized SparkSession restart() {
        if (spark != null) {
            spark.stop();
            spark = null;
        }
        return session();
    }

    /** The session's context, for the RDD API. */
    static JavaSparkContext context() {
        return JavaSparkContext.fromSparkContext(session().sparkContext());
    }

    static final StructType SCHEMA = new StructType()
            .add("features", new VectorUDT(), true)
            .add("label", DataTypes.DoubleType, true);

    /** {@code data} as a DataFrame (features: an ML vector; label: a double, the class or a regressor's one target) in exactly {@code partitions} partitions, rows in order. */
    static Dataset<Row> frame(DataSet data, int partitions) {
        List<Row> rows = new ArrayList<>(data.rows());
        int f = data.featureCount();
        for (int r = 0; r < data.rows(); r++) {
            double[] x = new double[f];
            for (int c = 0; c < f; c++) {
                x[c] = data.features()[r * f + c];
            }
            rows.add(RowFactory.create(Vectors.dense(x), data.isRegression() ? (double) data.targets()[r] : (double) data.labels()[r]));
        }
        return session().createDataFrame(context().parallelize(rows, partitions), SCHEMA);
    }
}
