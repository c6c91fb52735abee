package dev.jvk.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvk.nn.Activation;
import dev.jvk.nn.MeanSquaredError;
import dev.jvk.nn.Mlp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad data: a clear message naming the column, the row and what was expected, before anything is written. */
class BadInputTest {
    static JvkMlpClassifier classifier() {
        return new JvkMlpClassifier().setLayers(new int[] {3, 4, 2}).setMaxIter(1).setBlockSize(2);
    }

    static Dataset<Row> frame(Row... rows) {
        return LocalSpark.session().createDataFrame(List.of(rows), LocalSpark.SCHEMA).coalesce(1);
    }

    @Test
    void aNullFeatureVectorIsNamed() {
        Dataset<Row> data = frame(RowFactory.create(Vectors.dense(1, 2, 3), 0.0), RowFactory.create(null, 1.0));
        assertThatThrownBy(() -> classifier().fit(data)).hasStackTraceContaining("IllegalArgumentException: the features column 'features' is null at row 1 of partition 0");
    }

    @Test
    void aVectorOfTheWrongLengthIsNamed() {
        Dataset<Row> data = frame(RowFactory.create(Vectors.dense(1, 2, 3), 0.0), RowFactory.create(Vectors.dense(1, 2), 1.0));
        assertThatThrownBy(() -> classifier().fit(data))
                .hasStackTraceContaining("the features column 'features' has 2 values at row 1 of partition 0, the model takes 3 (layers[0])");
    }

    @Test
    void aLabelOutsideTheClassesIsNamed() {
        Dataset<Row> outOfRange = frame(RowFactory.create(Vectors.dense(1, 2, 3), 0.0), RowFactory.create(Vectors.dense(1, 2, 3), 2.0));
        assertThatThrownBy(() -> classifier().fit(outOfRange))
                .hasStackTraceContaining("the label column 'label' has 2.0 at row 1 of partition 0: labels must be whole numbers in [0, 2)");
        Dataset<Row> fractional = frame(RowFactory.create(Vectors.dense(1, 2, 3), 0.5));
        assertThatThrownBy(() -> classifier().fit(fractional)).hasStackTraceContaining("the label column 'label' has 0.5");
    }

    /**
     * A features column whose metadata gives its vectors' size (VectorAssembler writes it) is checked against layers[0]
     * when transform or fit is called, on the driver: row by row the refusal came only when the data was read, as a
     * failed task of some later action.
     */
    @Test
    void aFeaturesColumnWhoseMetadataGivesAnotherSizeIsRefusedBeforeAnyJob() {
        StructType schema = new StructType().add("a", DataTypes.DoubleType).add("b", DataTypes.DoubleType).add("label", DataTypes.DoubleType);
        Dataset<Row> table = LocalSpark.session().createDataFrame(List.of(RowFactory.create(1.0, 2.0, 0.0)), schema);
        Dataset<Row> two = new VectorAssembler().setInputCols(new String[] {"a", "b"}).setOutputCol("features").transform(table);
        String expected = "the features column 'features' holds vectors of 2 values (its metadata says so), the model takes 3 (layers[0])";
        JvkMlpClassificationModel classifier = JvkMlpClassificationModel.fromJvkModel(Mlp.classifier(3, new int[] {4}, Activation.RELU, 2, 1));
        assertThatThrownBy(() -> classifier.transform(two)).isInstanceOf(IllegalArgumentException.class).hasMessage(expected);
        JvkMlpRegressionModel regressor = JvkMlpRegressionModel.fromJvkModel(Mlp.regressor(3, new int[] {4}, Activation.RELU, 0f, 1, new MeanSquaredError(), 1));
        assertThatThrownBy(() -> regressor.transform(two)).isInstanceOf(IllegalArgumentException.class).hasMessage(expected);
        assertThatThrownBy(() -> classifier().fit(two)).isInstanceOf(IllegalArgumentException.class).hasMessage(expected);
        assertThatThrownBy(() -> new JvkMlpRegressor().setLayers(new int[] {3, 4, 1}).fit(two)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(expected);
        Dataset<Row> three = new VectorAssembler().setInputCols(new String[] {"a", "b", "label"}).setOutputCol("features").transform(table);
        assertThat(classifier.transform(three).count()).as("the size the model takes").isEqualTo(1);
    }

    @Test
    void anEmptyDataFrameIsRefused() {
        assertThatThrownBy(() -> classifier().fit(frame())).isInstanceOf(IllegalArgumentException.class).hasMessage("the training data has no rows");
    }

    @Test
    void aClassifierOfOneOutputIsRefusedWhenItsLayersAreSet() {
        String expected = "layers [3, 4, 1] end in 1 output; a classifier needs at least 2 (one score per class); "
                + "for one real-valued output use JvkMlpRegressor";
        assertThatThrownBy(() -> new JvkMlpClassifier().setLayers(new int[] {3, 4, 1})).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(expected);
        JvkMlpClassifier stage = classifier();
        assertThatThrownBy(() -> stage.fit(frame(RowFactory.create(Vectors.dense(1, 2, 3), 0.0)),
                new org.apache.spark.ml.param.ParamMap().put(stage.layers(), new int[] {3, 4, 1})))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(expected);
        assertThat(new JvkMlpClassifier().setLayers(new int[] {3, 2}).getLayers()).containsExactly(3, 2);
        assertThat(new JvkMlpRegressor().setLayers(new int[] {3, 4, 1}).getLayers()).as("a regressor's one output").containsExactly(3, 4, 1);
    }

    @Test
    void missingLayersAreNamed() {
        Dataset<Row> data = frame(RowFactory.create(Vectors.dense(1, 2, 3), 0.0));
        assertThatThrownBy(() -> new JvkMlpClassifier().fit(data)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("setLayers");
    }

    @Test
    void scoringANullVectorIsNamedAndSavingOverAModelIsRefused(@TempDir Path dir) throws Exception {
        Dataset<Row> data = frame(RowFactory.create(Vectors.dense(1, 2, 3), 0.0), RowFactory.create(Vectors.dense(3, 2, 1), 1.0));
        JvkMlpClassificationModel model = classifier().fit(data);
        Dataset<Row> bad = frame(RowFactory.create(Vectors.dense(1, 2, 3), 0.0), RowFactory.create(null, 1.0));
        assertThatThrownBy(() -> model.transform(bad).collectAsList()).hasStackTraceContaining("the features column 'features' is null at row 1 of partition 0");
        String path = dir.resolve("model").toString();
        model.write().save(path);
        byte[] saved = Files.readAllBytes(dir.resolve("model").resolve(ModelBytes.MODEL_FILE));
        assertThatThrownBy(() -> model.write().save(path)).hasMessageContaining("already exists");
        assertThat(Files.readAllBytes(dir.resolve("model").resolve(ModelBytes.MODEL_FILE))).isEqualTo(saved);
    }
}
