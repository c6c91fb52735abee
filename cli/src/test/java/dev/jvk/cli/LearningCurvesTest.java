package dev.jvk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvk.nn.Activation;
import dev.jvk.nn.Mlp;
import dev.jvk.nn.Trainer;
import dev.jvk.nn.TrainingCheckpoint;
import dev.jvk.nn.data.DataSet;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The learning-curve picture: axes never past what a loss, an accuracy or an R^2 can be; a resumed run's curves are the whole run's. */
class LearningCurvesTest {
    static List<LearningCurves.Series> series(Double... values) {
        return List.of(new LearningCurves.Series("s", Color.BLACK, List.of(values)));
    }

    @Test
    void a_loss_axis_stops_at_0_and_an_accuracy_axis_at_0_and_1() {
        // 0.01 - 5% of the range would be below 0; 1.0 + 5% above 1
        assertThat(LearningCurves.range(series(0.01, 2.5), 0, Double.POSITIVE_INFINITY)).containsExactly(0, 2.5 + 0.05 * 2.49);
        assertThat(LearningCurves.range(series(0.6, 1.0), 0, 1)).containsExactly(0.6 - 0.05 * 0.4, 1.0);
        assertThat(LearningCurves.range(series(1.0), 0, 1)).as("accuracy 1 throughout").containsExactly(0.5, 1);
        assertThat(LearningCurves.range(series(0.625), 0, 1)).containsExactly(0.125, 1);
        double[] r2 = LearningCurves.range(series(-0.5, 0.99), Double.NEGATIVE_INFINITY, 1);
        assertThat(r2[0]).isCloseTo(-0.5 - 0.05 * 1.49, Offset.offset(1e-12));
        assertThat(r2[1]).isEqualTo(1);
        assertThat(LearningCurves.range(series(), 0, Double.POSITIVE_INFINITY)).as("nothing to show").containsExactly(0, 1);
    }

    @Test
    void epoch_labels_come_at_round_steps_about_ten_of_them() {
        assertThat(LearningCurves.tickStep(1)).isEqualTo(1);
        assertThat(LearningCurves.tickStep(10)).isEqualTo(1);
        assertThat(LearningCurves.tickStep(11)).isEqualTo(2);
        assertThat(LearningCurves.tickStep(25)).isEqualTo(5);
        assertThat(LearningCurves.tickStep(300)).isEqualTo(50);
        assertThat(LearningCurves.tickStep(1000)).isEqualTo(100);
    }

    /** Two overlapping clusters in 4 features, so that the validation accuracy moves from epoch to epoch. */
    static DataSet clusters(int rows, long seed) {
        Random random = new Random(seed);
        float[] x = new float[rows * 4];
        int[] y = new int[rows];
        for (int r = 0; r < rows; r++) {
            y[r] = random.nextInt(2);
            for (int f = 0; f < 4; f++) {
                x[r * 4 + f] = (float) (y[r] * 0.8 + random.nextGaussian());
            }
        }
        return DataSet.of(x, y, rows, 4, 2, "clusters");
    }

    @Test
    void a_run_resumed_from_its_checkpoint_draws_the_uninterrupted_runs_curves(@TempDir Path dir) throws IOException {
        DataSet train = clusters(300, 1);
        DataSet validation = clusters(100, 2);
        Trainer.Config config = Trainer.Config.builder().epochs(6).batchSize(32).seed(3).patience(4).build();
        // the uninterrupted run, its checkpoint after epoch 3 copied aside as a run killed then would have left it
        Path after3 = Files.createDirectory(dir.resolve("after-3"));
        Trainer.History whole = new Trainer(config).checkpointTo(dir, "run").listener(new Trainer.Listener() {
            @Override
            public void epochDone(Trainer.EpochResult result) {
                if (result.epoch() == 3) {
                    for (String file : List.of(TrainingCheckpoint.MODEL, TrainingCheckpoint.STATE)) {
                        try {
                            Files.copy(dir.resolve(file), after3.resolve(file));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                }
            }
        }).fit(Mlp.classifier(4, new int[] {8}, Activation.RELU, 2, 5), train, validation);
        Trainer.History resumed = new Trainer(config).checkpointTo(after3, "run")
                .fit(Mlp.load(after3.resolve(TrainingCheckpoint.MODEL)), train, validation, TrainingCheckpoint.read(after3));
        assertThat(resumed.epochs()).as("the epochs before the checkpoint come from it").hasSize(6);

        LearningCurves.Curves expected = LearningCurves.curves(whole, List.of(), false);
        LearningCurves.Curves actual = LearningCurves.curves(resumed, List.of(), false);
        assertThat(expected.epochs()).isEqualTo(6);
        assertThat(expected.loss()).allSatisfy(s -> assertThat(s.values()).hasSize(6));
        assertThat(actual).isEqualTo(expected);
    }
}
