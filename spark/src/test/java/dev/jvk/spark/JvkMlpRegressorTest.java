package dev.jvk.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jvk.nn.Activation;
import dev.jvk.nn.MeanSquaredError;
import dev.jvk.nn.Mlp;
import dev.jvk.nn.ModelMetadata;
import dev.jvk.nn.Trainer;
import dev.jvk.nn.data.DataSet;
import dev.jvk.nn.optim.LearningRateSchedule;
import dev.jvk.nn.optim.OptimizerConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The regressor: learns in the label's units as jvk on one machine does, scores as the jvk model predicts, saves bitwise. */
class JvkMlpRegressorTest {
    static final DataSet TRAIN = regressionSet(2000, 1);
    static final DataSet TEST = regressionSet(1000, 2);

    /** y = 50 + 10 (x0 - x1) - 3 x2^2: far from mean 0 and variance 1, so the standardisation inside the model matters. */
    static DataSet regressionSet(int rows, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[rows * 3];
        float[] y = new float[rows];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < 3; j++) {
                x[r * 3 + j] = (float) (random.nextDouble() * 2 - 1);
            }
            y[r] = 50 + 10 * (x[r * 3] - x[r * 3 + 1]) - 3 * x[r * 3 + 2] * x[r * 3 + 2];
        }
        return DataSet.regression(x, y, rows, 3, 1, "regression " + seed);
    }

    static JvkMlpRegressor regressor() {
        return new JvkMlpRegressor().setLayers(new int[] {3, 32, 1}).setActivation("tanh").setMaxIter(10).setBlockSize(100).setStepSize(1e-2);
    }

    @Test
    void gradientAveragingOn2PartitionsLearnsAsOneMachineAndRepeatsBitwise() {
        // one machine: the targets standardised by their mean and (population) deviation, as the Spark fit measures them
        double mean = 0;
        for (float t : TRAIN.targets()) {
            mean += t;
        }
        mean /= TRAIN.rows();
        double squares = 0;
        for (float t : TRAIN.targets()) {
            squares += (t - mean) * (t - mean);
        }
        Mlp single = Mlp.regressor(3, new int[] {32}, Activation.TANH, 0f, 1, new MeanSquaredError(), 42);
        single.setMetadata(new ModelMetadata(ModelMetadata.REGRESSION, List.of(), List.of(), List.of(), -1,
                new float[] {(float) mean}, new float[] {(float) Math.sqrt(squares / TRAIN.rows())}));
        new Trainer(new Trainer.Config(10, 100, 42, OptimizerConfig.adam(), LearningRateSchedule.cosine(1e-2f, 0f))).fit(single, TRAIN, null);
        double expected = single.evaluate(TEST).r2();
        assertThat(expected).as("one machine learns the function").isGreaterThan(0.95);

        JvkMlpRegressionModel model = regressor().fit(LocalSpark.frame(TRAIN, 2));
        assertThat(model.jvkModel().evaluate(TEST).r2()).isCloseTo(expected, within(0.01));
        assertThat(model.jvkModel().metadata().targetMean()[0]).isCloseTo((float) mean, within(1e-4f));
        JvkMlpRegressionModel again = regressor().fit(LocalSpark.frame(TRAIN, 2));
        assertThat(JvkMlpClassifierTest.bits(DistributedTraining.flatten(again.jvkModel().parameters(), false)))
                .isEqualTo(JvkMlpClassifierTest.bits(DistributedTraining.flatten(model.jvkModel().parameters(), false)));

        List<Row> scored = model.transform(LocalSpark.frame(TEST, 2)).select("prediction").collectAsList();
        float[] predicted = model.jvkModel().predict(TEST.features(), TEST.rows());
        for (int r = 0; r < TEST.rows(); r++) {
            assertThat((float) scored.get(r).getDouble(0)).as("row %d", r).isEqualTo(predicted[r]);
        }
        assertThat(model.predict(Vectors.dense(0.5, -0.5, 0))).as("50 + 10 (0.5 + 0.5)").isCloseTo(60, within(1.5));
    }

    @Test
    void parameterAveragingAndHuberLearnToo() {
        JvkMlpRegressionModel model = regressor().setAggregation("parameters").setLocalSteps(10).setLoss("huber").setMaxIter(20)
                .fit(LocalSpark.frame(TRAIN, 2));
        assertThat(model.jvkModel().loss().name()).isEqualTo("huber");
        assertThat(model.jvkModel().evaluate(TEST).r2()).isGreaterThan(0.9);
    }

    @Test
    void aSavedModelLoadsBackBitwise(@TempDir Path dir) throws Exception {
        JvkMlpRegressionModel model = regressor().setMaxIter(1).fit(LocalSpark.frame(TRAIN, 2)).setPredictionCol("y");
        String path = dir.resolve("regressor").toString();
        model.write().save(path);
        JvkMlpRegressionModel loaded = JvkMlpRegressionModel.load(path);
        assertThat(loaded.getPredictionCol()).isEqualTo("y");
        List<Row> before = model.transform(LocalSpark.frame(TEST, 2)).select("y").collectAsList();
        List<Row> after = loaded.transform(LocalSpark.frame(TEST, 2)).select("y").collectAsList();
        for (int r = 0; r < before.size(); r++) {
            assertThat(Double.doubleToRawLongBits(after.get(r).getDouble(0))).isEqualTo(Double.doubleToRawLongBits(before.get(r).getDouble(0)));
        }
        new JvkMlpRegressor().setLayers(new int[] {4, 2, 1}).setLoss("huber").write().save(dir.resolve("unfitted").toString());
        assertThat(JvkMlpRegressor.load(dir.resolve("unfitted").toString()).getLoss()).isEqualTo("huber");
    }

    @Test
    void badLabelsAndLayersAreNamed() {
        Dataset<Row> nan = LocalSpark.session().createDataFrame(List.of(RowFactory.create(Vectors.dense(1, 2, 3), 1.0),
                RowFactory.create(Vectors.dense(1, 2, 3), Double.NaN)), LocalSpark.SCHEMA).coalesce(1);
        assertThatThrownBy(() -> regressor().fit(nan)).hasStackTraceContaining("the label column 'label' has NaN at row 1 of partition 0");
        assertThatThrownBy(() -> regressor().setLayers(new int[] {3, 8, 2}).fit(LocalSpark.frame(TRAIN, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("end the layers in 1");
        assertThatThrownBy(() -> new JvkMlpRegressor().setLoss("absolute")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loss");
        assertThatThrownBy(() -> JvkMlpRegressionModel.fromJvkModel(Mlp.classifier(3, new int[] {4}, Activation.RELU, 2, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("regressor of one output");
    }
}
