package dev.jvk.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvk.kernels.Gemm;
import dev.jvk.nn.Activation;
import dev.jvk.nn.Mlp;
import dev.jvk.nn.QuantizedDense;
import dev.jvk.nn.compress.Compression;
import dev.jvk.nn.optim.Parameter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
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

    /**
     * In local mode the tasks run in the driver's JVM, where GEMM's thread count is the user's setting: a fit, a transform
     * read to the end, and one stopped after its first row (its task's completion ends the work) leave it as it was.
     */
    @Test
    void fitAndTransformLeaveTheDriversGemmThreadsAsTheyWere() {
        int before = Gemm.threads();
        try {
            int mine = 3;   // not the tasks' 1
            Gemm.setThreads(mine);
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                rows.add(row(i % 2, i, 40 - i, i % 5));
            }
            Dataset<Row> data = frame(2, rows.toArray(Row[]::new));
            JvkMlpClassificationModel model = BadInputTest.classifier().setThreadsPerTask(1).fit(data);
            assertThat(Gemm.threads()).as("after fit").isEqualTo(mine);
            model.setThreadsPerTask(1);
            assertThat(model.transform(data).collectAsList()).hasSize(40);
            assertThat(Gemm.threads()).as("after transform").isEqualTo(mine);
            assertThat(model.transform(data).first()).isNotNull();
            assertThat(Gemm.threads()).as("after a transform read to its first row").isEqualTo(mine);
        } finally {
            Gemm.setThreads(before);
        }
    }

    /** More threads per task than an executor takes fails in the task (the driver cannot know its cores), naming the param. */
    @Test
    void threadsPerTaskBeyondWhatTheExecutorTakesIsRefusedNamingTheParam() {
        int before = Gemm.threads();
        int tooMany = 4 * Runtime.getRuntime().availableProcessors() + 1;
        Dataset<Row> data = frame(1, row(0, 1, 2, 3), row(1, 3, 2, 1));
        assertThatThrownBy(() -> BadInputTest.classifier().setThreadsPerTask(tooMany).fit(data))
                .hasStackTraceContaining("IllegalArgumentException: threadsPerTask " + tooMany + " is more than this executor takes");
        assertThat(Gemm.threads()).as("the driver's setting after the refused task").isEqualTo(before);
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

    @Test
    void aRowWithNaNScoresHasNoPredictedClass() {
        JvkMlpClassificationModel model = BadInputTest.classifier().fit(frame(1, row(0, 1, 2, 3), row(1, 3, 2, 1)));
        List<Row> scored = model.transform(frame(1, row(0, 1, Double.NaN, 3), row(1, 3, 2, 1))).select("rawPrediction", "prediction").collectAsList();
        assertThat(((Vector) scored.get(0).getAs(0)).apply(0)).isNaN();
        assertThat(scored.get(0).getDouble(1)).as("argmax's first NaN would name class 0").isNaN();
        assertThat(scored.get(1).getDouble(1)).isIn(0.0, 1.0);
        model.setThresholds(new double[] {0.5, 0.5});
        assertThat(model.transform(frame(1, row(0, 1, Double.NaN, 3))).select("prediction").first().getDouble(0)).isNaN();
    }

    @Test
    void thePerRowPredictOfNaNScoresIsNaNAsTransformGivesIt() {
        JvkMlpClassificationModel model = BadInputTest.classifier().fit(frame(1, row(0, 1, 2, 3), row(1, 3, 2, 1)));
        Vector nan = Vectors.dense(1, Double.NaN, 3);
        assertThat(model.predict(nan)).isNaN();
        assertThat(model.predict(Vectors.dense(1, 2, 3))).isIn(0.0, 1.0);
        model.setThresholds(new double[] {0.5, 0.5});
        assertThat(model.predict(nan)).isNaN();
        assertThat(model.predict(Vectors.dense(1, 2, 3))).isIn(0.0, 1.0);
    }

    /**
     * Thresholds must be one per class. The estimator's setThresholds cannot know the classes, so its fit checks them
     * before reading any data (a long fit, then a failing transform). The model's setThresholds refuses them itself
     * (Spark's check), a copy given them in a ParamMap does not: its transform and per-row predict refuse them (MLlib's
     * per-row loop threw a bare ArrayIndexOutOfBoundsException for too few and ignored the rest of too many).
     */
    @Test
    void thresholdsOfTheWrongLengthAreRefusedAtFitTransformAndPredict() {
        JvkMlpClassificationModel model = BadInputTest.classifier().fit(frame(1, row(0, 1, 2, 3), row(1, 3, 2, 1)));
        for (double[] thresholds : new double[][] {{0.5}, {0.2, 0.3, 0.5}}) {
            String expected = "thresholds has " + thresholds.length + " values, the model has 2 classes (layers[last]): give one threshold per class";
            assertThatThrownBy(() -> BadInputTest.classifier().setThresholds(thresholds).fit(frame(1, row(0, 1, 2, 3), row(1, 3, 2, 1))))
                    .as("fit, %d thresholds", thresholds.length).isInstanceOf(IllegalArgumentException.class).hasMessage(expected);
            JvkMlpClassificationModel copy = model.copy(new ParamMap().put(model.thresholds(), thresholds));
            assertThatThrownBy(() -> copy.transform(frame(1, row(0, 1, 2, 3)))).as("transform, %d thresholds", thresholds.length)
                    .isInstanceOf(IllegalArgumentException.class).hasMessage(expected);
            assertThatThrownBy(() -> copy.predict(Vectors.dense(1, 2, 3))).as("predict, %d thresholds", thresholds.length)
                    .isInstanceOf(IllegalArgumentException.class).hasMessage(expected);
        }
    }

    /**
     * MLlib's rule with thresholds is the largest probability / threshold, so a zero threshold makes its class certain
     * unless that class's probability is 0 as well (0 / 0 is NaN, never the largest): transform chose such a class.
     */
    @Test
    void aZeroThresholdDoesNotChooseAClassOfProbabilityZero() {
        Mlp mlp = Mlp.classifier(1, new int[0], Activation.RELU, 2, 1);
        List<Parameter> parameters = mlp.parameters();
        System.arraycopy(new float[] {100, -100}, 0, parameters.get(0).value(), 0, 2);
        java.util.Arrays.fill(parameters.get(1).value(), 0f);
        JvkMlpClassificationModel model = JvkMlpClassificationModel.fromJvkModel(mlp).setThresholds(new double[] {1, 0});
        Row scored = model.transform(frame(1, row(0, 1))).select("probability", "prediction").first();
        assertThat(((Vector) scored.getAs(0)).apply(1)).as("softmax of logits 100 and -100: class 1's probability underflows").isZero();
        assertThat(scored.getDouble(1)).as("class 0 scores 1 / 1, class 1 scores 0 / 0").isEqualTo(0.0);
        assertThat(model.predict(Vectors.dense(1))).as("MLlib's per-row rule").isEqualTo(0.0);
    }

    @Test
    void emptyPartitionsTrainAsTheRowsAlone() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            rows.add(row(i % 2, i % 2, (i * 7) % 5, 1));
        }
        // 5 partitions for 2 non-empty slices: parallelize of 40 rows into 5 slices, then the first three emptied by a filter
        Dataset<Row> data = LocalSpark.session().createDataFrame(LocalSpark.context().parallelize(rows, 5), LocalSpark.SCHEMA)
                .filter("features is not null").limit(40).repartition(1).union(frame(3));
        for (String aggregation : new String[] {"gradients", "parameters"}) {
            JvkMlpClassificationModel model = BadInputTest.classifier().setAggregation(aggregation).setMaxIter(2).fit(data);
            for (float w : model.jvkModel().parameters().get(0).value()) {
                assertThat(w).as(aggregation).isFinite();
            }
            assertThat(model.transform(frame(2)).count()).isZero();
            assertThat(model.transform(frame(2)).columns()).contains("prediction", "probability", "rawPrediction");
        }
    }

    /** Java serialisation, as Spark ships a model that a UDF or a closure calls per row. */
    static <T> T serialisedCopy(T object) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(object);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            @SuppressWarnings("unchecked")
            T copy = (T) in.readObject();
            return copy;
        }
    }

    @Test
    void aModelShippedByJavaSerialisationPredictsPerRowAsTheOriginal() throws Exception {
        Dataset<Row> data = frame(1, row(0, 1, 2, 3), row(1, 3, 2, 1), row(1, 0, 1, 2));
        Vector x = Vectors.dense(0.5, 2, -1);
        JvkMlpClassificationModel classifier = BadInputTest.classifier().fit(data);
        JvkMlpClassificationModel classifierCopy = serialisedCopy(classifier);
        assertThat(classifierCopy.predictRaw(x)).isEqualTo(classifier.predictRaw(x));
        assertThat(classifierCopy.predictProbability(x)).isEqualTo(classifier.predictProbability(x));
        assertThat(classifierCopy.predict(x)).isEqualTo(classifier.predict(x));
        assertThat(classifierCopy.layers()).containsExactly(3, 4, 2);
        assertThat(classifierCopy.toString()).isEqualTo(classifier.toString());
        JvkMlpRegressionModel regressor = new JvkMlpRegressor().setLayers(new int[] {3, 4, 1}).setMaxIter(1).fit(data);
        JvkMlpRegressionModel regressorCopy = serialisedCopy(regressor);
        assertThat(regressorCopy.predict(x)).isEqualTo(regressor.predict(x));
        assertThat(regressorCopy.toString()).isEqualTo(regressor.toString());
    }

    @Test
    void aWrappedQuantizedModelReportsItsLayers() {
        Mlp mlp = Mlp.classifier(3, new int[] {5}, Activation.RELU, 2, 1);
        Mlp int8 = Compression.quantize(mlp, QuantizedDense.Format.INT8);
        assertThat(JvkMlpClassificationModel.fromJvkModel(int8).layers()).containsExactly(3, 5, 2);
        assertThat(JvkMlpClassificationModel.fromJvkModel(mlp).layers()).containsExactly(3, 5, 2);
    }

    /**
     * A column whose name holds a dot is named in backticks, as Spark ML's own stages read column params (unquoted,
     * {@code a.b} is field {@code b} of a struct column {@code a}): jvk read the quoted name as the literal column name.
     */
    @Test
    void aFeaturesColumnWhoseNameHoldsADotIsReadByItsQuotedName() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            rows.add(row(i % 2, i, 20 - i, i % 3));
        }
        Dataset<Row> data = frame(2, rows.toArray(Row[]::new)).withColumnRenamed("features", "a.b");
        JvkMlpClassificationModel model = BadInputTest.classifier().setFeaturesCol("`a.b`").fit(data);
        List<Row> scored = model.transform(data).select("prediction").collectAsList();
        assertThat(scored).hasSize(20);
        assertThat(scored).allSatisfy(r -> assertThat(r.getDouble(0)).isIn(0.0, 1.0));
    }
}
