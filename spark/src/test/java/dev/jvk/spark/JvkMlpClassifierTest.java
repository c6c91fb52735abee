package dev.jvk.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jvk.nn.Activation;
import dev.jvk.nn.Mlp;
import dev.jvk.nn.Trainer;
import dev.jvk.nn.data.DataSet;
import dev.jvk.nn.data.SyntheticData;
import dev.jvk.nn.optim.LearningRateSchedule;
import dev.jvk.nn.optim.OptimizerConfig;
import dev.jvk.nn.optim.Parameter;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Training: accuracy against jvk on one machine, determinism, the params' meaning. */
class JvkMlpClassifierTest {
    static final int FEATURES = 16;
    static final SyntheticData PROBLEM = new SyntheticData(7, FEATURES);
    static final DataSet TRAIN = PROBLEM.sample(2000, 0, "train");
    static final DataSet TEST = PROBLEM.sample(4000, 1, "test");
    static final int EPOCHS = 10;
    static final int BATCH = 100;
    static final double RATE = 1e-2;

    static JvkMlpClassifier classifier() {
        return new JvkMlpClassifier().setLayers(new int[] {FEATURES, 32, 10}).setMaxIter(EPOCHS).setBlockSize(BATCH).setStepSize(RATE);
    }

    @Test
    void gradientAveragingOn1To4PartitionsReachesTheAccuracyOfOneMachine() {
        Mlp single = Mlp.classifier(FEATURES, new int[] {32}, Activation.RELU, 10, 42);
        new Trainer(new Trainer.Config(EPOCHS, BATCH, 42, OptimizerConfig.adam(), LearningRateSchedule.cosine((float) RATE, 0f)))
                .fit(single, TRAIN, null);
        double expected = single.evaluate(TEST).accuracy();
        assertThat(expected).as("one machine learns the problem (chance is 0.1)").isGreaterThan(0.6);
        for (int partitions : new int[] {1, 2, 4}) {
            JvkMlpClassificationModel model = classifier().setAggregation("gradients").fit(LocalSpark.frame(TRAIN, partitions));
            assertThat(model.jvkModel().evaluate(TEST).accuracy()).as("%d partitions", partitions).isCloseTo(expected, within(0.005));
            JvkMlpTrainingSummary summary = model.summary().get();
            assertThat(summary.partitions()).isEqualTo(partitions);
            assertThat(summary.rounds()).isEqualTo(EPOCHS * TRAIN.rows() / BATCH);
            assertThat(summary.executorKernels()).singleElement().asString().startsWith("jvk ");
        }
    }

    @Test
    void theSameSeedAndPartitioningGiveBitwiseTheSameWeights() {
        for (String aggregation : new String[] {"parameters", "gradients"}) {
            JvkMlpClassifier mlp = classifier().setMaxIter(2).setAggregation(aggregation).setLocalSteps(5);
            float[] first = weights(mlp.fit(LocalSpark.frame(TRAIN, 3)));
            float[] second = weights(mlp.fit(LocalSpark.frame(TRAIN, 3)));
            float[] otherSeed = weights(mlp.copy(new org.apache.spark.ml.param.ParamMap()).setSeed(43).fit(LocalSpark.frame(TRAIN, 3)));
            assertThat(bits(second)).as(aggregation).isEqualTo(bits(first));
            assertThat(bits(otherSeed)).as(aggregation).isNotEqualTo(bits(first));
        }
    }

    @Test
    void parameterAveragingLearnsWithFewerJobs() {
        JvkMlpClassificationModel model = classifier().setAggregation("parameters").setLocalSteps(20).fit(LocalSpark.frame(TRAIN, 2));
        JvkMlpTrainingSummary summary = model.summary().get();
        assertThat(summary.rounds()).isEqualTo(EPOCHS * TRAIN.rows() / BATCH / 20);
        assertThat(summary.lossHistory()[summary.rounds() - 1]).isLessThan(summary.lossHistory()[0]);
        assertThat(model.jvkModel().evaluate(TEST).accuracy()).isGreaterThan(0.6);
    }

    @Test
    void transformGivesWhatTheJvkModelPredictsOnOneMachine() {
        JvkMlpClassificationModel model = classifier().setMaxIter(1).fit(LocalSpark.frame(TRAIN, 2));
        DataSet rows = TEST.slice(0, 700, "scored");   // more than one scoring batch per partition
        List<Row> scored = model.transform(LocalSpark.frame(rows, 2)).select("rawPrediction", "probability", "prediction").collectAsList();
        float[] expected = model.jvkModel().predict(rows.features(), rows.rows());
        assertThat(scored).hasSize(rows.rows());
        for (int r = 0; r < rows.rows(); r++) {
            Vector probability = scored.get(r).getAs(1);
            int best = 0;
            for (int c = 0; c < 10; c++) {
                assertThat((float) probability.apply(c)).as("row %d class %d", r, c).isEqualTo(expected[r * 10 + c]);
                best = expected[r * 10 + c] > expected[r * 10 + best] ? c : best;
            }
            Vector raw = scored.get(r).getAs(0);
            assertThat(raw.argmax()).isEqualTo(best);
            assertThat(scored.get(r).getDouble(2)).isEqualTo(best);
            // MLlib's per-row path (predictRaw, then raw2probabilityInPlace) gives the same probabilities bitwise
            double[] x = new double[FEATURES];
            for (int c = 0; c < FEATURES; c++) {
                x[c] = rows.features()[r * FEATURES + c];
            }
            assertThat(model.predictProbability(Vectors.dense(x)).toArray()).as("row %d", r).isEqualTo(probability.toArray());
            assertThat(model.predictRaw(Vectors.dense(x)).toArray()).as("row %d", r).isEqualTo(raw.toArray());
        }
    }

    @Test
    void paramsHaveMllibsNamesAndDefaults() {
        JvkMlpClassifier mlp = classifier();
        for (String name : List.of("layers", "maxIter", "blockSize", "stepSize", "seed", "featuresCol", "labelCol",
                "predictionCol", "probabilityCol", "rawPredictionCol", "thresholds", "activation", "optimizer", "aggregation",
                "localSteps", "threadsPerTask")) {
            assertThat(mlp.hasParam(name)).as(name).isTrue();
        }
        assertThat(mlp.getLayers()).containsExactly(FEATURES, 32, 10);
        assertThat(new JvkMlpClassifier().getMaxIter()).isEqualTo(10);
        assertThat(new JvkMlpClassifier().getBlockSize()).isEqualTo(128);
        assertThat(new JvkMlpClassifier().getActivation()).isEqualTo("relu");
        assertThat(new JvkMlpClassifier().getAggregation()).isEqualTo("gradients");
    }

    static float[] weights(JvkMlpClassificationModel model) {
        List<Parameter> parameters = model.jvkModel().parameters();
        return DistributedTraining.flatten(parameters, false);
    }

    static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }

    @Test
    void badParamsAreRefusedWithTheirName() {
        assertThatThrownBy(() -> new JvkMlpClassifier().setLayers(new int[] {4})).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("layers");
        assertThatThrownBy(() -> new JvkMlpClassifier().setLayers(new int[] {4, 0, 2})).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("layers");
        assertThatThrownBy(() -> new JvkMlpClassifier().setMaxIter(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxIter");
        assertThatThrownBy(() -> new JvkMlpClassifier().setBlockSize(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blockSize");
        assertThatThrownBy(() -> new JvkMlpClassifier().setStepSize(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stepSize");
        assertThatThrownBy(() -> new JvkMlpClassifier().setStepSize(Double.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stepSize");
        assertThatThrownBy(() -> new JvkMlpRegressor().setStepSize(Double.NaN)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stepSize");
        assertThatThrownBy(() -> new JvkMlpClassifier().setActivation("swish2")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("activation");
        assertThatThrownBy(() -> new JvkMlpClassifier().setOptimizer("lbfgs")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("optimizer");
        assertThatThrownBy(() -> new JvkMlpClassifier().setAggregation("both")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("aggregation");
        assertThatThrownBy(() -> new JvkMlpClassifier().setThreadsPerTask(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threadsPerTask");
    }

    /** Spark writes an array param's value with toString(), an identity ([I@3ba8ef4e) that says nothing of what was set. */
    @Test
    void explainParamsWritesOutTheLayersAndThresholds() {
        String classifier = new JvkMlpClassifier().setLayers(new int[] {4, 8, 3}).setThresholds(new double[] {0.2, 0.3, 0.5}).setMaxIter(2).explainParams();
        assertThat(classifier).contains("the outputs (>= 2) (current: [4, 8, 3])").contains("is the class's threshold (current: [0.2, 0.3, 0.5])")
                .contains("maxIter: epochs: passes over the training data (>= 1) (default: 10, current: 2)")
                .doesNotContain("[I@").doesNotContain("[D@");
        JvkMlpClassificationModel model = JvkMlpClassificationModel.fromJvkModel(Mlp.classifier(4, new int[] {8}, Activation.RELU, 3, 1))
                .setThresholds(new double[] {0.5, 0.25, 0.25});
        assertThat(model.explainParams()).contains("(current: [0.5, 0.25, 0.25])").doesNotContain("[D@");
        assertThat(new JvkMlpRegressor().setLayers(new int[] {4, 1}).explainParams()).contains("the outputs (current: [4, 1])").doesNotContain("[I@");
    }

    /** Spark's refusal prints the value with toString(): for null that was a bare NullPointerException naming no param. */
    @Test
    void nullParamsAreRefusedWithTheirName() {
        assertThatThrownBy(() -> new JvkMlpClassifier().setLayers(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("parameter layers given null");
        assertThatThrownBy(() -> new JvkMlpRegressor().setLayers(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("parameter layers given null");
        assertThatThrownBy(() -> new JvkMlpClassifier().setActivation(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("parameter activation given null");
        assertThatThrownBy(() -> new JvkMlpClassifier().setOptimizer(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("parameter optimizer given null");
        assertThatThrownBy(() -> new JvkMlpClassifier().setAggregation(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("parameter aggregation given null");
        assertThatThrownBy(() -> new JvkMlpRegressor().setLoss(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("parameter loss given null");
    }

    /** The step count is known once the rows are: too many is refused naming maxIter, and the rounds near the limit do not overflow. */
    @Test
    void aRunOfTooManyStepsIsRefusedNamingMaxIter() {
        JvkMlpClassifier stage = new JvkMlpClassifier().setLayers(new int[] {3, 4, 2}).setMaxIter(Integer.MAX_VALUE).setBlockSize(2);
        DistributedTraining.Settings settings = DistributedTraining.Settings.of(stage, "softmax-cross-entropy", 0);
        assertThatThrownBy(() -> DistributedTraining.Plan.of(settings, new int[] {5}, new float[0], new float[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxIter 2147483647 epochs of 3 steps (blockSize 2 of 5 rows) make more than 2147483647 steps: lower maxIter or raise blockSize");
        // one row: one step per epoch, 2^31 - 1 steps in rounds of 32: 2^26 rounds, the last one short
        DistributedTraining.Settings averaging = DistributedTraining.Settings.of(stage.setAggregation("parameters").setLocalSteps(32), "softmax-cross-entropy", 0);
        assertThat(DistributedTraining.Plan.of(averaging, new int[] {1}, new float[0], new float[0]).rounds()).isEqualTo(1 << 26);
    }
}
