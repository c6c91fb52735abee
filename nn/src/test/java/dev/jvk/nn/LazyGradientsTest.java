package dev.jvk.nn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvk.nn.onnx.OnnxModel;
import dev.jvk.nn.optim.LearningRateSchedule;
import dev.jvk.nn.optim.OptimizerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model read to predict holds its weights and no gradient arrays (half the heap of a trainable
 * one); the arrays appear with the first training step, and training is unchanged by their coming late.
 */
class LazyGradientsTest {
    @TempDir
    Path dir;

    private static List<Dense> denses(Mlp mlp) {
        return mlp.layers().stream().filter(l -> l instanceof Dense).map(l -> (Dense) l).toList();
    }

    @Test
    void an_imported_or_loaded_model_used_to_predict_holds_no_gradient_arrays() throws IOException {
        Mlp original = TrainingTest.model(3);
        Path onnx = dir.resolve("m.onnx");
        Path jvk = dir.resolve("m.jvk");
        OnnxModel.export(original, onnx);
        original.save(jvk);

        for (Mlp mlp : List.of(OnnxModel.importMlp(onnx), Mlp.load(jvk))) {
            float[] x = new float[5 * mlp.inputs()];
            mlp.predict(x, 5);
            mlp.predict(x, 1);
            String summary = mlp.summary();
            mlp.save(dir.resolve("again.jvk"));
            OnnxModel.export(mlp, dir.resolve("again.onnx"));

            assertThat(mlp.parameterCount()).isEqualTo(original.parameterCount());
            assertThat(summary).contains(String.format(java.util.Locale.ROOT, "%,d parameters", original.parameterCount()));
            assertThat(denses(mlp)).hasSize(3).noneMatch(Dense::holdsGradients);
        }
    }

    @Test
    void training_allocates_the_gradients_and_gives_the_same_weights_as_a_model_built_to_train() throws IOException {
        Mlp built = TrainingTest.model(5);
        built.parameters();   // gradients allocated before training, as a trainer built from the start has them
        Path file = dir.resolve("m.jvk");
        built.save(file);
        Mlp loaded = Mlp.load(file);
        assertThat(denses(loaded)).noneMatch(Dense::holdsGradients);

        Trainer.Config config = new Trainer.Config(1, 64, 9, OptimizerConfig.adam(), LearningRateSchedule.constant(1e-3f));
        new Trainer(config).fit(built, TrainingTest.TRAIN, null);
        new Trainer(config).fit(loaded, TrainingTest.TRAIN, null);

        assertThat(denses(loaded)).allMatch(Dense::holdsGradients);
        for (int i = 0; i < 3; i++) {
            assertThat(denses(loaded).get(i).weights()).as("layer %d", i).containsExactly(denses(built).get(i).weights());
            assertThat(denses(loaded).get(i).bias()).as("layer %d", i).containsExactly(denses(built).get(i).bias());
        }
        assertThat(denses(loaded).getFirst().weights()).isNotEqualTo(denses(Mlp.load(file)).getFirst().weights());
    }
}
