package dev.jvk.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jvk.nn.data.DataSet;
import dev.jvk.nn.data.FeatureScaling;
import dev.jvk.nn.optim.LearningRateSchedule;
import dev.jvk.nn.optim.OptimizerConfig;
import dev.jvk.nn.optim.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Early stopping keeps the best epoch; regression learns in the targets' units; the metrics as defined by hand. */
class ValidationAndRegressionTest {
    static final DataSet TRAIN = TrainingTest.TRAIN.slice(0, 2000, "train");
    static final DataSet VALIDATION = TrainingTest.TEST.slice(0, 500, "validation");

    @Test
    void without_improvement_training_stops_after_patience_epochs() {
        Mlp mlp = TrainingTest.model(3);
        // a rate so small that no weight moves: every validation score equals the first, none is better
        Trainer.History h = new Trainer(Trainer.Config.builder().epochs(20).batchSize(100).seed(1).optimizer(OptimizerConfig.sgd())
                .schedule(LearningRateSchedule.constant(1e-30f)).patience(3).build()).fit(mlp, TRAIN, VALIDATION);
        assertThat(h.epochs()).hasSize(4);
        assertThat(h.stoppedEarly()).isTrue();
        assertThat(h.bestEpoch()).isEqualTo(1);
    }

    @Test
    void default_epochs_give_about_four_thousand_steps_between_ten_and_three_hundred_epochs() {
        assertThat(Trainer.Config.epochsFor(54_000, 128)).as("Fashion-MNIST: 422 steps an epoch").isEqualTo(10);
        assertThat(Trainer.Config.epochsFor(20_000, 128)).as("157 steps an epoch").isEqualTo(26);
        assertThat(Trainer.Config.epochsFor(6_000, 32)).as("188 steps an epoch").isEqualTo(22);
        assertThat(Trainer.Config.epochsFor(108, 128)).as("iris: one step an epoch").isEqualTo(300);
        assertThat(Trainer.Config.epochsFor(1_000_000, 128)).as("7813 steps an epoch").isEqualTo(10);
        assertThatThrownBy(() -> Trainer.Config.epochsFor(0, 128)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void default_patience_is_a_tenth_of_the_run_at_least_ten_and_none_on_fewer_than_a_hundred_validation_rows() {
        assertThat(Trainer.Config.patienceFor(10, 6000)).isEqualTo(10);
        assertThat(Trainer.Config.patienceFor(300, 135)).isEqualTo(30);
        assertThat(Trainer.Config.patienceFor(300, 100)).isEqualTo(30);
        assertThat(Trainer.Config.patienceFor(300, 99)).isZero();
        assertThat(Trainer.Config.patienceFor(300, 35)).as("the diabetes set's validation rows").isZero();
        assertThat(Trainer.Config.patienceFor(26, 12)).isZero();
    }

    @Test
    void default_validation_split_is_a_tenth_when_that_makes_a_hundred_rows_else_none() {
        assertThat(Trainer.Config.validationSplitFor(60_000)).as("Fashion-MNIST").isEqualTo(0.1);
        assertThat(Trainer.Config.validationSplitFor(1_000)).isEqualTo(0.1);
        assertThat(Trainer.Config.validationSplitFor(995)).as("99.5 rounds to 100").isEqualTo(0.1);
        assertThat(Trainer.Config.validationSplitFor(994)).isZero();
        assertThat(Trainer.Config.validationSplitFor(455)).as("breast cancer").isZero();
        assertThat(Trainer.Config.validationSplitFor(120)).as("iris").isZero();
        assertThat(Trainer.Config.validationSplitFor(0)).isZero();
        assertThatThrownBy(() -> Trainer.Config.validationSplitFor(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void default_dropout_is_a_fifth_below_ten_thousand_training_rows_and_none_above() {
        assertThat(Trainer.Config.dropoutFor(0)).isEqualTo(0.2f);
        assertThat(Trainer.Config.dropoutFor(317)).as("diabetes").isEqualTo(0.2f);
        assertThat(Trainer.Config.dropoutFor(9_999)).isEqualTo(0.2f);
        assertThat(Trainer.Config.dropoutFor(10_000)).isZero();
        assertThat(Trainer.Config.dropoutFor(54_000)).as("Fashion-MNIST").isZero();
        assertThatThrownBy(() -> Trainer.Config.dropoutFor(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void early_stopping_leaves_the_best_epochs_weights() {
        Mlp mlp = TrainingTest.model(4);
        List<float[][]> weightsPerEpoch = new ArrayList<>();
        // a constant, too-large SGD rate: the validation score wanders, so the last epoch is not the best
        Trainer.History h = new Trainer(Trainer.Config.builder().epochs(12).batchSize(32).seed(2)
                .optimizer(OptimizerConfig.sgdWithMomentum(0.9f, false, 0f)).schedule(LearningRateSchedule.constant(0.2f)).patience(12).build())
                .listener(new Trainer.Listener() {
                    @Override
                    public void epochDone(Trainer.EpochResult result) {
                        weightsPerEpoch.add(mlp.parameters().stream().map(p -> p.value().clone()).toArray(float[][]::new));
                    }
                }).fit(mlp, TRAIN, VALIDATION);
        assertThat(h.epochs()).hasSize(12);
        assertThat(h.bestEpoch()).as("this run's best epoch is not its last").isLessThan(12);
        float[][] best = weightsPerEpoch.get(h.bestEpoch() - 1);
        List<Parameter> now = mlp.parameters();
        for (int i = 0; i < best.length; i++) {
            assertThat(now.get(i).value()).containsExactly(best[i]);
        }
        Evaluation again = mlp.evaluate(VALIDATION);
        assertThat(again.loss()).isEqualTo(h.best().evaluation().loss());
        assertThat(again.accuracy()).isEqualTo(h.best().evaluation().accuracy());
        for (Trainer.EpochResult r : h.epochs()) {
            assertThat(r.evaluation().accuracy()).as("epoch %d's validation accuracy", r.epoch()).isLessThanOrEqualTo(again.accuracy());
        }
    }

    @Test
    void a_model_stopped_early_predicts_with_the_best_epochs_weights_as_its_saved_file_does(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        // no listener: one that reads mlp.parameters() after each epoch (as the test above does) hides what this one saw, a
        // predict after the run multiplying by the last epoch's weights, packed by its evaluation, not the best epoch's
        Mlp mlp = TrainingTest.model(4);
        Trainer.History h = new Trainer(Trainer.Config.builder().epochs(12).batchSize(32).seed(2)
                .optimizer(OptimizerConfig.sgdWithMomentum(0.9f, false, 0f)).schedule(LearningRateSchedule.constant(0.2f)).patience(12).build())
                .fit(mlp, TRAIN, VALIDATION);
        assertThat(h.bestEpoch()).as("this run's best epoch is not its last").isLessThan(h.last().epoch());
        float[] predicted = mlp.predict(VALIDATION.features(), VALIDATION.rows());
        java.nio.file.Path file = dir.resolve("best.jvk");
        mlp.save(file);
        assertThat(java.util.Arrays.equals(predicted, Mlp.load(file).predict(VALIDATION.features(), VALIDATION.rows())))
                .as("predict after early stopping gives bitwise what the saved model predicts").isTrue();
        assertThat(mlp.evaluate(VALIDATION).accuracy()).isEqualTo(h.best().evaluation().accuracy());
    }

    /** y1 = 50 + 10 (x0 - x1), y2 = -3 x2^2: far from mean 0 and variance 1, so the standardisation inside the model matters. */
    static DataSet regressionSet(int rows, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[rows * 3];
        float[] y = new float[rows * 2];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < 3; j++) {
                x[r * 3 + j] = (float) (random.nextDouble() * 2 - 1);
            }
            y[r * 2] = 50 + 10 * (x[r * 3] - x[r * 3 + 1]);
            y[r * 2 + 1] = -3 * x[r * 3 + 2] * x[r * 3 + 2];
        }
        return DataSet.regression(x, y, rows, 3, 2, "regression " + seed);
    }

    @Test
    void a_regressor_learns_targets_in_their_own_units() {
        DataSet train = regressionSet(2000, 1);
        DataSet test = regressionSet(500, 2);
        Mlp mlp = Mlp.regressor(3, new int[] {32}, Activation.TANH, 0f, 2, new MeanSquaredError(), 5);
        mlp.setScaling(FeatureScaling.fit(FeatureScaling.Kind.STANDARD, train));
        mlp.setMetadata(new ModelMetadata(ModelMetadata.REGRESSION, List.of(), List.of("a", "b", "c"), List.of("y1", "y2"), -1,
                new float[] {50f, -1f}, new float[] {8f, 1f}));
        Evaluation before = mlp.evaluate(test);
        new Trainer(Trainer.Config.builder().epochs(30).batchSize(32).schedule(LearningRateSchedule.cosine(3e-3f, 0f)).build()).fit(mlp, train, null);
        Evaluation after = mlp.evaluate(test);
        assertThat(after.isRegression()).isTrue();
        assertThat(after.r2()).isGreaterThan(0.98).isGreaterThan(before.r2());
        assertThat(after.rmse()).isLessThan(0.5);
        float[] y = mlp.predict(new float[] {0.5f, -0.5f, 0f}, 1);
        assertThat(y[0]).as("50 + 10 (0.5 + 0.5)").isCloseTo(60f, within(1f));
        assertThat(y[1]).isCloseTo(0f, within(0.3f));
        assertThatThrownBy(() -> mlp.predictClasses(new float[3], 1)).hasMessageContaining("regression model");
        assertThatThrownBy(() -> mlp.evaluate(DataSet.of(new float[6], new int[2], 2, 3, 1, "labelled"))).hasMessage("labelled has class labels, the model predicts 2 values");
    }

    @Test
    void regression_metrics_match_their_definitions_on_a_known_model() {
        // a linear model with weights set by hand predicts y = 2 x exactly; the targets are y = 2 x + e
        Dense dense = new Dense(1, 1);
        dense.weights()[0] = 2f;
        Mlp mlp = new Mlp(List.of(dense), new MeanSquaredError(), null, ModelMetadata.of(ModelMetadata.REGRESSION));
        float[] x = {0f, 1f, 2f, 3f};
        float[] t = {1f, 2f, 3f, 8f};   // errors -1, 0, 1, -2
        Evaluation e = mlp.evaluate(DataSet.regression(x, t, 4, 1, 1, "known"));
        assertThat(e.mae()).isCloseTo(1.0, within(1e-12));
        assertThat(e.rmse()).isCloseTo(Math.sqrt(6.0 / 4), within(1e-12));
        // mean target 3.5; total sum of squares 6.25 + 2.25 + 0.25 + 20.25 = 29
        assertThat(e.r2()).isCloseTo(1 - 6.0 / 29, within(1e-12));
        assertThat(e.loss()).isCloseTo(6.0 / 4, within(1e-6));
    }

    @Test
    void a_regressor_whose_predictions_overflow_is_still_scored_as_a_regressor() {
        // y = 2 x1 + 2 x2 is +Inf + -Inf = NaN at (3e38, -3e38): the errors, and so RMSE, MAE and R^2, are NaN
        Dense dense = new Dense(2, 1);
        dense.weights()[0] = 2f;
        dense.weights()[1] = 2f;
        Mlp mlp = new Mlp(List.of(dense), new MeanSquaredError(), null, ModelMetadata.of(ModelMetadata.REGRESSION));
        Evaluation e = mlp.evaluate(DataSet.regression(new float[] {3e38f, -3e38f, 1f, 1f}, new float[] {1f, 2f}, 2, 2, 1, "overflow"));
        assertThat(e.rmse()).isNaN();
        assertThat(e.isRegression()).isTrue();
        assertThat(e.toString()).doesNotContain("accuracy");
        assertThat(e.targets()).isEqualTo(1);
    }

    /** A rows the arrays cannot hold is the shape's error, before anything is allocated from it. */
    @Test
    void a_regression_set_of_more_or_fewer_rows_than_its_arrays_is_refused_before_allocating() {
        float[] x = {1f, 2f};
        float[] t = {1f, 2f};
        for (int rows : new int[] {Integer.MAX_VALUE, 1 << 30, 3, -1}) {
            assertThatThrownBy(() -> DataSet.regression(x, t, rows, 1, 1, "shape")).as("rows %d", rows)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rows");
        }
        assertThat(DataSet.regression(x, t, 2, 1, 1, "shape").labels()).hasSize(2);
    }

    @Test
    void two_targets_are_scored_one_by_one_and_summarised_with_each_target_weighing_the_same() {
        // outputs 2 x and 0, set by hand; the first target as above, the second 0, 0, 4, 0 (errors 0, 0, -4, 0)
        Dense dense = new Dense(1, 2);
        dense.weights()[0] = 2f;
        Mlp mlp = new Mlp(List.of(dense), new MeanSquaredError(), null, ModelMetadata.of(ModelMetadata.REGRESSION));
        float[] x = {0f, 1f, 2f, 3f};
        float[] t = {1f, 0f, 2f, 0f, 3f, 4f, 8f, 0f};
        Evaluation e = mlp.evaluate(DataSet.regression(x, t, 4, 1, 2, "two targets"));
        assertThat(e.targets()).isEqualTo(2);
        assertThat(e.targetRmse()).containsExactly(new double[] {Math.sqrt(6.0 / 4), Math.sqrt(16.0 / 4)}, within(1e-12));
        assertThat(e.targetMae()).containsExactly(new double[] {1.0, 1.0}, within(1e-12));
        // second target: mean 1, total sum of squares 1 + 1 + 9 + 1 = 12, residual 16
        assertThat(e.targetR2()).containsExactly(new double[] {1 - 6.0 / 29, 1 - 16.0 / 12}, within(1e-12));
        assertThat(e.r2()).as("uniform average").isCloseTo(((1 - 6.0 / 29) + (1 - 16.0 / 12)) / 2, within(1e-12));
        assertThat(e.rmse()).as("pooled over the 8 values").isCloseTo(Math.sqrt(22.0 / 8), within(1e-12));
        assertThat(e.mae()).isCloseTo(8.0 / 8, within(1e-12));
    }

    @Test
    void the_regression_train_step_standardises_the_targets_and_takes_the_sgd_step_worked_by_hand() {
        // y = w x + b with w = 2, b = 0 in standardised units; targets t standardised by mean 3, std 2
        Dense dense = new Dense(1, 1);
        dense.weights()[0] = 2f;
        Mlp mlp = new Mlp(List.of(dense), new MeanSquaredError(), null,
                new ModelMetadata(ModelMetadata.REGRESSION, List.of(), List.of(), List.of(), -1, new float[] {3f}, new float[] {2f}));
        float[] x = {0f, 1f, 2f, 3f};
        float[] t = {1f, 2f, 3f, 8f};   // standardised: -1, -0.5, 0, 2.5; outputs 0, 2, 4, 6; residuals 1, 2.5, 4, 3.5
        var sgd = OptimizerConfig.sgd().create(mlp.parameters());
        float loss = mlp.trainStep(x, t, 4, sgd, 0.1f);
        assertThat(loss).isCloseTo(35.5f / 4, within(1e-5f));
        // dL/dw = 2 (0*1 + 1*2.5 + 2*4 + 3*3.5) / 4 = 10.5, dL/db = 2 (1 + 2.5 + 4 + 3.5) / 4 = 5.5
        assertThat(dense.weights()[0]).isCloseTo(2f - 0.1f * 10.5f, within(1e-6f));
        assertThat(dense.bias()[0]).isCloseTo(-0.1f * 5.5f, within(1e-6f));
        assertThatThrownBy(() -> mlp.trainStep(x, new int[4], 4, sgd, 0.1f)).hasMessageContaining("regression model trains on targets");
        assertThatThrownBy(() -> mlp.trainStep(x, new float[] {1f, Float.NaN, 0f, 0f}, 4, sgd, 0.1f)).hasMessage("targets[1] = NaN is not finite");
        assertThatThrownBy(() -> mlp.trainStep(x, new float[3], 4, sgd, 0.1f)).hasMessageContaining("4 targets, got 4 and 3");
        Mlp classifier = TrainingTest.model(1);
        assertThatThrownBy(() -> classifier.trainStep(new float[classifier.inputs()], new float[10], 1, sgd, 0.1f))
                .hasMessageContaining("classifier trains on labels");
    }

    @Test
    void a_row_with_nan_outputs_has_no_predicted_class_counts_as_wrong_and_is_reported_apart() {
        Mlp mlp = Mlp.classifier(2, new int[] {4}, Activation.RELU, 0f, 3, 7);
        // row 0: NaN features give NaN scores; rows 1 to 3 are finite
        float[] x = {Float.NaN, 1f, 0.5f, -1f, 2f, 0.25f, -0.5f, 1.5f};
        int[] labels = {1, 0, 1, 2};
        dev.jvk.nn.data.DataSet data = new dev.jvk.nn.data.DataSet(x.clone(), labels.clone(), 4, 2, 3, "d");
        int[] predicted = mlp.predictClasses(java.util.Arrays.copyOfRange(x, 2, 8), 3);
        int correct = 0;
        for (int r = 0; r < 3; r++) {
            correct += predicted[r] == labels[r + 1] ? 1 : 0;
        }
        Evaluation e = mlp.evaluate(data);
        assertThat(e.accuracy()).as("the NaN row is not credited to class 0").isEqualTo(correct / 4.0);
        assertThat(java.util.Arrays.stream(e.confusion()).flatMapToInt(java.util.Arrays::stream).sum())
                .as("only rows with a predicted class enter the confusion matrix").isEqualTo(3);
        assertThat(e.unpredicted()).containsExactly(0, 1, 0);
        assertThat(e.unpredictedRows()).isEqualTo(1);
        // predictClasses on all four rows: the NaN row has no class (not class 0), the others theirs
        int[] all = mlp.predictClasses(x, 4);
        assertThat(all[0]).as("the NaN row").isEqualTo(Mlp.NO_CLASS);
        assertThat(java.util.Arrays.copyOfRange(all, 1, 4)).containsExactly(predicted);
        assertThat(e.support(1)).as("the row still belongs to its class: a miss in its recall").isEqualTo(2);
        long predictedAsZero = e.confusion()[0][0] + e.confusion()[1][0] + e.confusion()[2][0];
        assertThat(predictedAsZero).isEqualTo(java.util.Arrays.stream(predicted).filter(p -> p == 0).count());
        assertThat(e.toString()).contains("1 row without a prediction (NaN outputs)");
    }

    /**
     * Class names come from files jvk did not write (a stranger's model, a CSV's label column) and may hold control
     * characters: an escape sequence printed raw by evaluate's report retitles or rewrites the user's terminal, and a line
     * break breaks the table. Both tables print them escaped, as the error messages do.
     */
    @Test
    void class_names_with_control_characters_are_printed_escaped() {
        int[][] confusion = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        Evaluation e = new Evaluation(3, 1, 0, confusion);
        List<String> names = List.of("\u001b]0;owned\u0007", "two\nlines", "cat");
        String report = e.classificationReport(names);
        String table = e.confusionTable(names);
        for (String text : List.of(report, table)) {
            assertThat(text.chars().filter(c -> Character.isISOControl(c) && c != '\n')).as(text).isEmpty();
            assertThat(text).contains("\\u001b]0;owned\\u0007").contains("two\\u000alines").contains("cat");
            assertThat(text.lines().count()).as(text).isEqualTo(text.equals(report) ? 6 : 4);
        }
    }

    @Test
    void per_class_metrics_match_their_definitions() {
        // rows true, columns predicted: class 0: 5 right, 1 as class 1, 1 as class 2; class 1: 2 as 0, 2 right; class 2: no rows, predicted once
        int[][] confusion = {{5, 1, 1}, {2, 2, 0}, {0, 0, 0}};
        Evaluation e = new Evaluation(11, 7 / 11.0, 0, confusion);
        assertThat(e.precision(0)).isCloseTo(5 / 7.0, within(1e-12));
        assertThat(e.recall(0)).isCloseTo(5 / 7.0, within(1e-12));
        assertThat(e.precision(1)).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(e.recall(1)).isCloseTo(2 / 4.0, within(1e-12));
        assertThat(e.precision(2)).isZero();
        assertThat(e.recall(2)).isZero();
        double f0 = 5 / 7.0;
        double f1 = 2 * (2 / 3.0) * 0.5 / (2 / 3.0 + 0.5);
        assertThat(e.f1(1)).isCloseTo(f1, within(1e-12));
        assertThat(e.macroF1()).as("class 2 occurs as a prediction, so it counts").isCloseTo((f0 + f1 + 0) / 3, within(1e-12));
        assertThat(e.weightedF1()).isCloseTo((f0 * 7 + f1 * 4) / 11, within(1e-12));
        assertThat(e.classificationReport(List.of("cat", "dog", "eel"))).contains("cat").contains("eel").contains("macro avg");
        // too few names failed at the first class past them with the list's IndexOutOfBoundsException, too many went unseen
        assertThatThrownBy(() -> e.classificationReport(List.of("cat", "dog"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("2 class names for an evaluation of 3 classes");
        assertThatThrownBy(() -> e.classificationReport(List.of("cat", "dog", "eel", "fox"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("4 class names for an evaluation of 3 classes");
        assertThat(e.confusionTable(List.of("cat", "dog", "eel"))).isEqualTo(
                "true\\pred    cat    dog    eel\n"
                + "      cat      5      1      1\n"
                + "      dog      2      2      0\n"
                + "      eel      0      0      0\n");
        assertThat(e.confusionTable()).startsWith("true\\pred      0      1      2\n        0      5      1      1\n");
        assertThatThrownBy(() -> e.confusionTable(List.of("cat"))).hasMessage("1 class names for a confusion matrix of 3 classes");
        // a class past the matrix was the array's bare ArrayIndexOutOfBoundsException
        assertThatThrownBy(() -> e.precision(3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("class 3 is not in [0, 3), the classes of the confusion matrix");
        assertThatThrownBy(() -> e.recall(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("class -1");
        assertThatThrownBy(() -> e.f1(7)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("class 7");
        assertThatThrownBy(() -> e.support(3)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("class 3");
        Evaluation regression = Evaluation.regression(2, 0.5, new double[] {1}, new double[] {1}, new double[] {2});
        assertThatThrownBy(() -> regression.precision(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no confusion matrix");
    }

    @Test
    void top_k_accuracy_counts_the_label_among_the_k_highest_scores() {
        Dense dense = new Dense(1, 3);
        dense.bias()[0] = 3f;   // scores 3 > 2 > 1 for every row: class 0 first, then 1, then 2
        dense.bias()[1] = 2f;
        dense.bias()[2] = 1f;
        Mlp mlp = new Mlp(List.of(dense), new SoftmaxCrossEntropy(), null);
        Evaluation e = mlp.evaluate(DataSet.of(new float[4], new int[] {0, 1, 2, 2}, 4, 1, 3, "ranks"));
        assertThat(e.topKAccuracy()).containsExactly(0.25, 0.5, 1.0);
        assertThat(e.accuracy()).isEqualTo(0.25);
    }

    @Test
    void class_weights_give_the_weighted_mean_of_the_row_losses_and_its_gradient() {
        Dense dense = new Dense(2, 2);
        float[] w0 = {0.5f, -1f, 2f, 0.25f};
        System.arraycopy(w0, 0, dense.weights(), 0, 4);
        Mlp mlp = new Mlp(List.of(dense), new SoftmaxCrossEntropy(), null);
        DataSet data = DataSet.of(new float[] {1f, 2f, -1f, 0.5f}, new int[] {0, 1}, 2, 2, 2, "two rows");
        float[] classWeights = {1f, 3f};
        Workspace ws = mlp.workspace(2, true);
        ws.classWeights = classWeights;
        mlp.loadBatch(ws, data, null, 0, 2);
        float loss = mlp.forwardBackward(ws, 2);
        assertThat((double) loss).isCloseTo(weightedLoss(w0, data, classWeights), within(1e-6));
        float[] grad = mlp.parameters().getFirst().grad().clone();
        for (int i = 0; i < 4; i++) {
            float[] plus = w0.clone();
            float[] minus = w0.clone();
            plus[i] += 1e-3f;
            minus[i] -= 1e-3f;
            double numeric = (weightedLoss(plus, data, classWeights) - weightedLoss(minus, data, classWeights)) / 2e-3;
            assertThat((double) grad[i]).as("dLoss/dW[%d]", i).isCloseTo(numeric, within(1e-4));
        }
    }

    /** The oracle, in double: sum_r w[y_r] (logsumexp(z_r) - z_r[y_r]) / sum_r w[y_r] with z = x W (no bias). */
    private static double weightedLoss(float[] w, DataSet data, float[] classWeights) {
        double sum = 0;
        double weights = 0;
        for (int r = 0; r < data.rows(); r++) {
            double[] z = new double[2];
            for (int o = 0; o < 2; o++) {
                for (int i = 0; i < 2; i++) {
                    z[o] += (double) data.features()[r * 2 + i] * w[i * 2 + o];
                }
            }
            int y = data.labels()[r];
            double lse = Math.log(Math.exp(z[0]) + Math.exp(z[1]));
            sum += classWeights[y] * (lse - z[y]);
            weights += classWeights[y];
        }
        return sum / weights;
    }

    /** {@link TrainingTest#model} with dropout after each hidden layer, when {@code dropout} is above 0. */
    static Mlp model(long seed, float dropout) {
        Mlp mlp = Mlp.classifier(TRAIN.featureCount(), new int[] {64, 32}, Activation.RELU, dropout, 10, seed);
        mlp.setScaling(FeatureScaling.fit(FeatureScaling.Kind.STANDARD, TRAIN));
        return mlp;
    }

    @ParameterizedTest(name = "dropout {0}")
    @ValueSource(floats = {0f, 0.3f})
    void a_run_resumed_from_a_checkpoint_ends_bitwise_as_the_uninterrupted_run(float dropout, @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        Trainer.Config config = Trainer.Config.builder().epochs(4).batchSize(64).seed(9)
                .optimizer(OptimizerConfig.adamWithWeightDecay(1e-4f)).schedule(LearningRateSchedule.cosine(2e-3f, 0f)).build();
        DataSet test = TrainingTest.TEST.slice(500, 800, "test");
        Mlp whole = model(6, dropout);
        Trainer.History uninterrupted = new Trainer(config).testEachEpoch(test).fit(whole, TRAIN, VALIDATION);

        Mlp first = model(6, dropout);
        class Killed extends RuntimeException {
            private static final long serialVersionUID = 1L;
        }
        Trainer interrupted = new Trainer(config).testEachEpoch(test).checkpointTo(dir, "fingerprint").listener(new Trainer.Listener() {
            @Override
            public void epochDone(Trainer.EpochResult result) {
                if (result.epoch() == 2) {
                    throw new Killed();   // as if the process died after the second epoch's checkpoint
                }
            }
        });
        assertThatThrownBy(() -> interrupted.fit(first, TRAIN, VALIDATION)).isInstanceOf(Killed.class);
        TrainingCheckpoint state = TrainingCheckpoint.read(dir);
        assertThat(state.epoch()).isEqualTo(2);
        assertThat(state.randomStates()).as("one generator per dropout layer").hasSize(dropout > 0 ? 2 : 0);
        Mlp resumed = Mlp.load(dir.resolve(TrainingCheckpoint.MODEL));
        Trainer.History rest = new Trainer(config).testEachEpoch(test).checkpointTo(dir, "fingerprint").fit(resumed, TRAIN, VALIDATION, state);
        // the whole run's figures, the checkpoint's epochs first: what the learning curves and --json are drawn from
        assertThat(rest.epochs()).extracting(Trainer.EpochResult::epoch).containsExactly(1, 2, 3, 4);
        assertThat(figures(rest)).isEqualTo(figures(uninterrupted));
        assertThat(rest.epochs()).allMatch(r -> r.test() != null && r.test().rows() == 300, "a test score of 300 rows each epoch");
        assertThat(rest.bestEpoch()).isEqualTo(uninterrupted.bestEpoch());
        List<Parameter> expected = whole.parameters();
        List<Parameter> actual = resumed.parameters();
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i).value()).as("parameter %d", i).containsExactly(expected.get(i).value());
        }
        assertThatThrownBy(() -> new Trainer(config).checkpointTo(dir, "other settings").fit(Mlp.load(dir.resolve(TrainingCheckpoint.MODEL)),
                TRAIN, VALIDATION, TrainingCheckpoint.read(dir))).hasMessageContaining("the checkpoint was made by a run with fingerprint");
    }

    /** Each epoch's figures that do not depend on the clock, as text so that a difference shows where it is. */
    static List<String> figures(Trainer.History history) {
        return history.epochs().stream().map(r -> r.epoch() + ": train loss " + r.trainLoss() + ", rate " + r.learningRate() + ", best " + r.best()
                + ", validation accuracy " + r.evaluation().accuracy() + ", loss " + r.evaluation().loss() + " on " + r.evaluation().rows()
                + (r.test() == null ? "" : ", test accuracy " + r.test().accuracy() + ", loss " + r.test().loss() + " on " + r.test().rows())).toList();
    }

    @Test
    void a_checkpoint_whose_model_is_of_another_epoch_than_its_state_is_refused_not_resumed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        // the model is written first, then the state, each whole: a run stopped between the two left epoch 3's model beside
        // epoch 2's state, which resumed epoch 2's optimizer state and shuffles on epoch 3's weights, silently
        Trainer.Config config = Trainer.Config.builder().epochs(3).batchSize(64).seed(9).build();
        new Trainer(config).checkpointTo(dir, "fingerprint").fit(model(6, 0f), TRAIN.slice(0, 500, "train"), null);
        java.nio.file.Path model = dir.resolve(TrainingCheckpoint.MODEL);
        byte[] third = java.nio.file.Files.readAllBytes(model);
        new Trainer(Trainer.Config.builder().epochs(2).batchSize(64).seed(9).build()).checkpointTo(dir, "fingerprint")
                .fit(model(6, 0f), TRAIN.slice(0, 500, "train"), null);
        assertThat(TrainingCheckpoint.read(dir).epoch()).isEqualTo(2);
        java.nio.file.Files.write(model, third);   // as the stopped run left them
        assertThatThrownBy(() -> TrainingCheckpoint.read(dir)).isInstanceOf(ModelFileException.class)
                .hasMessage(model + " is not the model " + dir.resolve(TrainingCheckpoint.STATE) + " was written with (a run stopped between "
                        + "writing the two?): its optimizer state would continue on another epoch's weights; train again without --resume");
    }

    @Test
    void a_training_state_with_a_nan_moment_or_a_non_finite_best_weight_is_refused_naming_the_array_and_index(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        java.nio.file.Path file = dir.resolve(TrainingCheckpoint.STATE);
        Mlp.classifier(2, new int[] {2}, Activation.RELU, 2, 1).save(dir.resolve(TrainingCheckpoint.MODEL));   // the state's model
        java.util.function.BiFunction<float[][], float[][], TrainingCheckpoint> state = (moments, best) ->
                new TrainingCheckpoint("fingerprint", 0, 5, moments, 1, 0.5, 0.25, best, new long[0], List.of());
        float[][] finite = {{1f, 2f}, {3f, 4f, 5f}};
        state.apply(new float[][] {{1f, 2f}, {3f, Float.NaN, 5f}}, finite).write(dir);
        assertThatThrownBy(() -> TrainingCheckpoint.read(dir)).isInstanceOf(ModelFileException.class)
                .hasMessage(file + ": optimizer state array 1[1] = NaN: a training state holds no NaN (jvk writes no other)");
        state.apply(finite, new float[][] {{1f, Float.NEGATIVE_INFINITY}}).write(dir);
        assertThatThrownBy(() -> TrainingCheckpoint.read(dir)).isInstanceOf(ModelFileException.class)
                .hasMessage(file + ": best epoch's weights array 0[1] = -Infinity: a training state holds finite values only (jvk writes no other)");
        // a saturated second moment is what the run that wrote it carried on with
        state.apply(new float[][] {{1f, Float.POSITIVE_INFINITY}}, finite).write(dir);
        assertThat(TrainingCheckpoint.read(dir).optimizerState()[0][1]).isEqualTo(Float.POSITIVE_INFINITY);
    }

    @Test
    void a_training_state_of_version_2_without_the_epochs_figures_is_refused_with_what_to_do(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
        out.writeBytes("JVKSTATE");
        out.writeInt(2);
        out.writeUTF("fingerprint");
        out.writeInt(3);   // the epoch; the rest does not matter: the version is refused first
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes.toByteArray());
        out.writeInt((int) crc.getValue());
        java.nio.file.Files.write(dir.resolve(TrainingCheckpoint.STATE), bytes.toByteArray());
        assertThatThrownBy(() -> TrainingCheckpoint.read(dir)).isInstanceOf(ModelFileException.class)
                .hasMessage(dir.resolve(TrainingCheckpoint.STATE) + ": training state version 2 keeps no per-epoch figures, which a resumed run's "
                        + "learning curves and --json need; this jvk reads version 5: train again without --resume");
    }

    @Test
    void huber_is_quadratic_near_zero_linear_beyond_and_its_gradient_matches_finite_differences() {
        Huber huber = new Huber();
        float[] out = {0.5f, 3f, -2f, 0f};
        float[] t = {0f, 0f, 0f, 0f};
        float[] d = new float[4];
        float loss = huber.lossAndGradient(out, t, 2, 2, d);
        // 0.5 * 0.25, 1 * (3 - 0.5), 1 * (2 - 0.5), 0: mean over 4
        assertThat((double) loss).isCloseTo((0.125 + 2.5 + 1.5 + 0) / 4, within(1e-6));
        for (int i = 0; i < 4; i++) {
            float[] plus = out.clone();
            float[] minus = out.clone();
            plus[i] += 1e-2f;
            minus[i] -= 1e-2f;
            double numeric = (huber.lossAndGradient(plus, t, 2, 2, new float[4]) - huber.lossAndGradient(minus, t, 2, 2, new float[4])) / 2e-2;
            assertThat((double) d[i]).as("d loss / d out[%d]", i).isCloseTo(numeric, within(1e-4));
        }
    }

    @Test
    void an_evaluation_and_a_checkpoint_are_values_their_callers_cannot_change() {
        int[][] confusion = {{3, 1}, {0, 4}};
        double[] topK = {0.875, 1};
        int[] unpredicted = {0, 0};
        double[] none = {};
        Evaluation e = new Evaluation(8, 0.875, 0.3, confusion, topK, Double.NaN, Double.NaN, Double.NaN, none, none, none, unpredicted);
        confusion[0][0] = 99;   // the maker's arrays, written after
        topK[0] = 0;
        unpredicted[1] = 5;
        e.confusion()[1][1] = 99;   // a reader's copies, written
        e.topKAccuracy()[1] = 0;
        e.unpredicted()[0] = 7;
        assertThat(e.confusion()).isDeepEqualTo(new int[][] {{3, 1}, {0, 4}});
        assertThat(e.confusionClasses()).isEqualTo(2);
        assertThat(e.topKAccuracy()).containsExactly(0.875, 1);
        assertThat(e.unpredicted()).containsExactly(0, 0);
        assertThat(e.recall(1)).isEqualTo(1.0);

        float[][] moments = {{1f, 2f}};
        float[][] best = {{3f}};
        long[] random = {42};
        TrainingCheckpoint c = new TrainingCheckpoint("fingerprint", 0, 5, moments, 1, 0.5, 0.25, best, random, List.of());
        moments[0][0] = 99;   // the optimizer's live arrays, stepped after the checkpoint was taken
        best[0][0] = 99;
        random[0] = 0;
        c.optimizerState()[0][1] = 99;
        c.bestWeights()[0][0] = 98;
        c.randomStates()[0] = 1;
        assertThat(c.optimizerState()).isDeepEqualTo(new float[][] {{1f, 2f}});
        assertThat(c.bestWeights()).isDeepEqualTo(new float[][] {{3f}});
        assertThat(c.randomStates()).containsExactly(42L);
    }
}
