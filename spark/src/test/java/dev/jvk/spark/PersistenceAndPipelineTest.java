package dev.jvk.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.IndexToString;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stages inside a Pipeline, and save/load on a (local) Hadoop file system. */
class PersistenceAndPipelineTest {
    @Test
    void aPipelineFitsTransformsAndLoadsBackBitwise(@TempDir Path dir) throws Exception {
        Dataset<Row> train = columns(JvkMlpClassifierTest.TRAIN, 2);
        Dataset<Row> test = columns(JvkMlpClassifierTest.TEST.slice(0, 1000, "test"), 2);
        String[] inputs = train.columns();
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
            new VectorAssembler().setInputCols(java.util.Arrays.copyOf(inputs, inputs.length - 1)).setOutputCol("raw"),
            new StandardScaler().setInputCol("raw").setOutputCol("features").setWithMean(true),
            new JvkMlpClassifier().setLayers(new int[] {JvkMlpClassifierTest.FEATURES, 32, 10}).setMaxIter(4).setBlockSize(100)
                    .setStepSize(1e-2).setAggregation("parameters").setLocalSteps(10).setProbabilityCol("p")});
        PipelineModel model = pipeline.fit(train);
        List<Row> before = model.transform(test).select("label", "p", "prediction").collectAsList();
        long correct = before.stream().filter(r -> r.getDouble(0) == r.getDouble(2)).count();
        assertThat(correct).as("accuracy on 1000 rows (chance is 100)").isGreaterThan(500);

        String path = dir.resolve("pipeline").toString();
        model.write().save(path);
        PipelineModel loaded = PipelineModel.load(path);
        assertThat(loaded.stages()[2]).isInstanceOf(JvkMlpClassificationModel.class);
        assertThat(((JvkMlpClassificationModel) loaded.stages()[2]).getProbabilityCol()).isEqualTo("p");
        List<Row> after = loaded.transform(test).select("label", "p", "prediction").collectAsList();
        assertThat(after).hasSize(before.size());
        for (int r = 0; r < before.size(); r++) {
            assertThat(JvkMlpClassifierTest.bits(floats(after.get(r).getAs(1)))).isEqualTo(JvkMlpClassifierTest.bits(floats(before.get(r).getAs(1))));
            assertThat(after.get(r).getDouble(2)).isEqualTo(before.get(r).getDouble(2));
        }
    }

    @Test
    void aModelSavedAndLoadedHasBitwiseTheSameWeightsAndParams(@TempDir Path dir) throws Exception {
        JvkMlpClassificationModel model = JvkMlpClassifierTest.classifier().setMaxIter(1).setThreadsPerTask(2)
                .fit(LocalSpark.frame(JvkMlpClassifierTest.TRAIN, 2)).setPredictionCol("guess");
        String path = dir.resolve("model").toString();
        model.write().save(path);
        JvkMlpClassificationModel loaded = JvkMlpClassificationModel.load(path);
        assertThat(loaded.uid()).isEqualTo(model.uid());
        assertThat(loaded.getPredictionCol()).isEqualTo("guess");
        assertThat(loaded.getThreadsPerTask()).isEqualTo(2);
        assertThat(loaded.layers()).containsExactly(JvkMlpClassifierTest.FEATURES, 32, 10);
        assertThat(loaded.summary().isEmpty()).isTrue();
        assertThat(JvkMlpClassifierTest.bits(JvkMlpClassifierTest.weights(loaded))).isEqualTo(JvkMlpClassifierTest.bits(JvkMlpClassifierTest.weights(model)));
    }

    @Test
    void anUnfittedClassifierSavesAndLoadsItsParams(@TempDir Path dir) throws Exception {
        JvkMlpClassifier mlp = new JvkMlpClassifier().setLayers(new int[] {5, 7, 3}).setActivation("tanh").setOptimizer("sgd").setSeed(9);
        String path = dir.resolve("classifier").toString();
        mlp.write().save(path);
        JvkMlpClassifier loaded = JvkMlpClassifier.load(path);
        assertThat(loaded.getLayers()).containsExactly(5, 7, 3);
        assertThat(loaded.getActivation()).isEqualTo("tanh");
        assertThat(loaded.getOptimizer()).isEqualTo("sgd");
        assertThat(loaded.getSeed()).isEqualTo(9);
    }

    /** Two numeric columns and a string class: what a user's table looks like before StringIndexer and VectorAssembler. */
    static Dataset<Row> table(int rows) {
        StructType schema = new StructType().add("a", DataTypes.DoubleType).add("b", DataTypes.DoubleType).add("kind", DataTypes.StringType);
        List<Row> data = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            double a = (i * 37 % 101) / 50.0 - 1;
            double b = (i * 53 % 97) / 48.0 - 1;
            data.add(RowFactory.create(a, b, a + b > 0 ? "up" : "down"));
        }
        return LocalSpark.session().createDataFrame(data, schema);
    }

    static PipelineModel indexedAndAssembled(Dataset<Row> table) {
        return new Pipeline().setStages(new PipelineStage[] {
            new StringIndexer().setInputCol("kind").setOutputCol("label"),
            new VectorAssembler().setInputCols(new String[] {"a", "b"}).setOutputCol("features")}).fit(table);
    }

    /**
     * MLlib's stages keep every column's metadata and give their outputs the schema transformSchema promised: the
     * label's class names from StringIndexer, the features' names from VectorAssembler, the prediction's classes.
     * A stage after this one (IndexToString reading the label's names) depends on it.
     */
    @Test
    void transformKeepsTheColumnsMetadataAsTransformSchemaPromises() {
        Dataset<Row> table = table(40);
        Dataset<Row> prepared = indexedAndAssembled(table).transform(table);
        JvkMlpClassificationModel classifier = new JvkMlpClassifier().setLayers(new int[] {2, 4, 2}).setMaxIter(1).fit(prepared);
        Dataset<Row> scored = classifier.transform(prepared);
        assertThat(scored.schema()).isEqualTo(classifier.transformSchema(prepared.schema()));
        assertThat(scored.schema().apply("label").metadata().json()).contains("\"vals\":[\"down\",\"up\"]");
        assertThat(scored.schema().apply("prediction").metadata().json()).contains("\"num_vals\":2");
        List<Row> named = new IndexToString().setInputCol("label").setOutputCol("labelName").transform(scored).select("kind", "labelName").collectAsList();
        assertThat(named).allSatisfy(r -> assertThat(r.getString(1)).isEqualTo(r.getString(0)));

        JvkMlpRegressionModel regressor = new JvkMlpRegressor().setLayers(new int[] {2, 4, 1}).setMaxIter(1).fit(prepared);
        assertThat(regressor.transform(prepared).schema()).isEqualTo(regressor.transformSchema(prepared.schema()));

        // two columns of one name, as a join leaves them: each keeps its place and its values
        Dataset<Row> twice = prepared.select(functions.col("a"), functions.col("b").as("a"), functions.col("features"), functions.col("label"));
        Dataset<Row> twiceScored = classifier.transform(twice);
        assertThat(twiceScored.columns()).containsExactly("a", "a", "features", "label", "prediction", "rawPrediction", "probability");
        List<Row> rows = twiceScored.collectAsList();
        List<Row> expected = prepared.select("a", "b").collectAsList();
        for (int r = 0; r < rows.size(); r++) {
            assertThat(rows.get(r).getDouble(0)).isEqualTo(expected.get(r).getDouble(0));
            assertThat(rows.get(r).getDouble(1)).isEqualTo(expected.get(r).getDouble(1));
        }
    }

    /**
     * A model is a driver-side object that outlives a session (a notebook, a service that restarts Spark): after
     * {@code spark.stop()} and a new session it scores there as before, and a pipeline saved in the old session loads
     * and scores bitwise the same in the new one.
     */
    @Test
    void aModelScoresInANewSessionAfterTheOldOneStopped(@TempDir Path dir) throws Exception {
        Dataset<Row> table = table(60);
        PipelineModel prepare = indexedAndAssembled(table);
        JvkMlpClassificationModel classifier = new JvkMlpClassifier().setLayers(new int[] {2, 4, 2}).setMaxIter(2).fit(prepare.transform(table));
        JvkMlpRegressionModel regressor = new JvkMlpRegressor().setLayers(new int[] {2, 4, 1}).setMaxIter(2).fit(prepare.transform(table));
        List<Row> before = classifier.transform(prepare.transform(table)).select("probability", "prediction").collectAsList();
        List<Row> regressedBefore = regressor.transform(prepare.transform(table)).select("prediction").collectAsList();
        String path = dir.resolve("pipeline").toString();
        new PipelineModel("saved", new org.apache.spark.ml.Transformer[] {prepare, classifier}).write().save(path);

        LocalSpark.restart();
        Dataset<Row> again = table(60);
        assertThat(classifier.transform(prepare.transform(again)).select("probability", "prediction").collectAsList()).isEqualTo(before);
        assertThat(regressor.transform(prepare.transform(again)).select("prediction").collectAsList()).isEqualTo(regressedBefore);
        assertThat(PipelineModel.load(path).transform(again).select("probability", "prediction").collectAsList()).isEqualTo(before);
    }

    /** The data set with one double column per feature ("f0", "f1", ...) and the label last. */
    static Dataset<Row> columns(dev.jvk.nn.data.DataSet data, int partitions) {
        StructType schema = new StructType();
        int f = data.featureCount();
        for (int c = 0; c < f; c++) {
            schema = schema.add("f" + c, DataTypes.DoubleType);
        }
        schema = schema.add("label", DataTypes.DoubleType);
        List<Row> rows = new ArrayList<>();
        for (int r = 0; r < data.rows(); r++) {
            Object[] values = new Object[f + 1];
            for (int c = 0; c < f; c++) {
                values[c] = (double) data.features()[r * f + c];
            }
            values[f] = (double) data.labels()[r];
            rows.add(RowFactory.create(values));
        }
        return LocalSpark.session().createDataFrame(rows, schema).repartition(partitions);
    }

    static float[] floats(Vector v) {
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) v.apply(i);
        }
        return out;
    }
}
