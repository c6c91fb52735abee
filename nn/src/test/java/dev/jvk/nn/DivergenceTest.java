package dev.jvk.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvk.nn.data.DataSet;
import dev.jvk.nn.data.FeatureScaling;
import dev.jvk.nn.data.SyntheticData;
import dev.jvk.nn.optim.LearningRateSchedule;
import dev.jvk.nn.optim.OptimizerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Divergence is caught after every step, the last included, and blamed on the setting behind it. */
class DivergenceTest {
    static final DataSet DATA = new SyntheticData(5, 8).sample(64, 0, "tiny");

    @TempDir
    Path dir;

    @Test
    void weights_that_become_non_finite_in_the_last_step_stop_training_and_no_model_is_written() {
        Mlp mlp = Mlp.classifier(8, new int[] {16}, Activation.RELU, 10, 3);
        float[] scale = new float[8];
        java.util.Arrays.fill(scale, 1000f);   // gradients above 1, so that the largest float rate overflows the update
        mlp.setScaling(new FeatureScaling(FeatureScaling.Kind.STANDARD, new float[8], scale));
        // one epoch of one step: its loss is finite (the initial weights), its update is not
        Trainer trainer = new Trainer(new Trainer.Config(1, 64, 1, OptimizerConfig.sgd(), LearningRateSchedule.constant(Float.MAX_VALUE)));
        assertThatThrownBy(() -> trainer.fit(mlp, DATA, null)).isInstanceOf(TrainingDivergedException.class)
                .hasMessageMatching("training diverged: layer \\d's (weights|bias)\\[\\d+\\] = (NaN|-?Infinity) became non-finite at epoch 1, step 1 "
                        + "\\(learning rate 3.4028235E38; try a smaller --lr\\)");
        Path file = dir.resolve("m.jvk");
        assertThatThrownBy(() -> mlp.save(file)).isInstanceOf(ModelFileException.class).hasMessageContaining("not written");
        assertThat(file).doesNotExist();
    }

    @Test
    void finite_weights_that_overflow_the_forward_pass_after_the_last_step_stop_training_before_a_checkpoint() {
        Mlp mlp = Mlp.classifier(8, new int[] {16}, Activation.RELU, 10, 3);
        // one epoch of one step at 1e30: finite weights of about 1e30, whose products overflow in the next forward pass
        Trainer trainer = new Trainer(new Trainer.Config(1, 64, 1, OptimizerConfig.sgd(), LearningRateSchedule.constant(1e30f)));
        trainer.checkpointTo(dir, "run");
        assertThatThrownBy(() -> trainer.fit(mlp, DATA, null)).isInstanceOf(TrainingDivergedException.class)
                .hasMessageMatching("training diverged: the outputs for training row \\d+ became (NaN|-?Infinity) at epoch 1, step 1 "
                        + "\\(learning rate 1.0E30; try a smaller --lr\\)");
        assertThat(mlp.nonFiniteParameter()).isNull();
        assertThat(dir.resolve(TrainingCheckpoint.MODEL)).doesNotExist();
    }

    @Test
    void a_weight_decay_that_flips_the_weights_is_blamed() {
        Mlp mlp = Mlp.classifier(8, new int[] {16}, Activation.RELU, 10, 3);
        // lr x wd = 20: each step multiplies the weights by about -19
        Trainer trainer = new Trainer(new Trainer.Config(200, 16, 1, OptimizerConfig.sgdWithMomentum(0f, false, 20f), LearningRateSchedule.constant(1f)));
        assertThatThrownBy(() -> trainer.fit(mlp, DATA, null)).isInstanceOf(TrainingDivergedException.class)
                .hasMessageEndingWith("(learning rate 1.0 x weight decay 20.0 >= 1 flips and grows the weights every step; try a smaller --weight-decay)");
    }

    @Test
    void data_that_scales_to_non_finite_values_is_blamed() {
        Mlp mlp = Mlp.classifier(8, new int[] {16}, Activation.RELU, 10, 3);
        float[] scale = new float[8];
        java.util.Arrays.fill(scale, 1f);
        scale[6] = Float.POSITIVE_INFINITY;   // what a scaling fitted on a degenerate column could hold
        mlp.setScaling(new FeatureScaling(FeatureScaling.Kind.STANDARD, new float[8], scale));
        Trainer trainer = new Trainer(new Trainer.Config(1, 64, 1, OptimizerConfig.adam(), LearningRateSchedule.constant(1e-3f)));
        assertThatThrownBy(() -> trainer.fit(mlp, DATA, null)).isInstanceOf(TrainingDivergedException.class)
                .hasMessageStartingWith("training diverged: the loss became NaN at epoch 1, step 1 (the scaled data is not finite (row ")
                .hasMessageEndingWith(", feature 6 of the batch): check the data's range, or try another --scale)");
    }
}
