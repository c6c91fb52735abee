package dev.jvk.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvk.nn.Activation;
import dev.jvk.nn.Mlp;
import dev.jvk.nn.QuantizedDense;
import dev.jvk.nn.compress.Compression;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/** What a Spark user meets at the edges: non-finite features, thresholds of the wrong length, empty partitions, wrapped compressed models. */
class UserEdgeCasesTest {
    private static Dataset<Row> frame(int partitions, Row... rows) {
        return LocalSpark.session().createDataFrame(LocalSpark.context().parallelize(List.of(rows), partitions), LocalSpark.SCHEMA);
    }

    private static Row row(double label, double... x) {
        return RowFactory.create(Vectors.dense(x), label);
    }

    @Test
    void aNonFiniteFeatureIsRefusedBeforeTrainingNamingItsRow() {
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, 1e39}) {
            Dataset<Row> data = frame(1, row(0, 1, 2, 3), row(1, 3, bad, 1));
            assertThatThrownBy(() -> BadInputTest.classifier().fit(data)).as("feature %s", bad)
                    .hasStackTraceContaining("IllegalArgumentException: the features column 'features' has " + (bad == 1e39 ? "1.0E39" : Double.toString(bad))
                            + " at row 1 of partition 0, index 1 of the vector");
            assertThatThrownBy(() -> new JvkMlpRegressor().setLayers(new int[] {3, 4, 1}).setMaxIter(1).fit(data)).as("regressor, feature %s", bad)
                    .hasStackTraceContaining("the features column 'features' has");
        }
    }
}
