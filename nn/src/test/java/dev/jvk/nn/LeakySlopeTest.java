package dev.jvk.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvk.nn.onnx.OnnxModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leaky ReLU of any finite slope (ONNX files carry PyTorch's and Keras's): computed as
 * {@code x > 0 ? x : slope x}, fused with the bias only where the output tells the sign of the input
 * (slope >= 0), kept by ONNX export and by the model file.
 */
class LeakySlopeTest {
    @TempDir
    Path dir;

    private static Mlp model(float slope) {
        Dense first = new Dense(5, 6).initialise(Init.HE, 1);
        Dense second = new Dense(6, 3).initialise(Init.HE, 2);
        Random random = new Random(3);
        for (int j = 0; j < 6; j++) {
            first.bias()[j] = (float) random.nextGaussian();
        }
        return new Mlp(List.of(first, ActivationLayer.leakyRelu(slope, 6), second), new MeanSquaredError(), null);
    }

    /** The model computed in double from its weights, as the definition says. */
    private static double[] oracle(Mlp mlp, float slope, float[] x, int rows) {
        Dense first = (Dense) mlp.layers().get(0);
        Dense second = (Dense) mlp.layers().get(2);
        double[] out = new double[rows * 3];
        for (int r = 0; r < rows; r++) {
            double[] h = new double[6];
            for (int j = 0; j < 6; j++) {
                double z = first.bias()[j];
                for (int i = 0; i < 5; i++) {
                    z += (double) x[r * 5 + i] * first.weights()[i * 6 + j];
                }
                h[j] = z > 0 ? z : slope * z;
            }
            for (int k = 0; k < 3; k++) {
                double y = second.bias()[k];
                for (int j = 0; j < 6; j++) {
                    y += h[j] * second.weights()[j * 3 + k];
                }
                out[r * 3 + k] = y;
            }
        }
        return out;
    }

    @Test
    void any_finite_slope_negative_ones_included_is_computed_as_defined_at_batch_1_and_9() {
        float[] x = new float[9 * 5];
        Random random = new Random(4);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        for (float slope : new float[] {0.3f, 0.01f, 0f, -0.5f, 2f}) {
            Mlp mlp = model(slope);
            for (int rows : new int[] {1, 9}) {
                float[] got = mlp.predict(x, rows);
                double[] expected = oracle(mlp, slope, x, rows);
                for (int i = 0; i < got.length; i++) {
                    assertThat((double) got[i]).as("slope %s, %d rows, output %d", slope, rows, i)
                            .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-5 * Math.max(1, Math.abs(expected[i]))));
                }
            }
        }
    }

    @Test
    void a_negative_slope_is_not_fused_because_its_output_does_not_tell_the_input_sign() {
        assertThat(ActivationLayer.leakyRelu(0.3f, 4).fusesWithBias()).isTrue();
        assertThat(ActivationLayer.leakyRelu(0f, 4).fusesWithBias()).isTrue();
        assertThat(ActivationLayer.leakyRelu(-0.5f, 4).fusesWithBias()).isFalse();
        assertThatThrownBy(() -> new DenseActivation(new Dense(2, 4), ActivationLayer.leakyRelu(-0.5f, 4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaky-relu(-0.5)");
        assertThatThrownBy(() -> ActivationLayer.leakyRelu(Float.NaN, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("finite");
        assertThat(ActivationLayer.leakyRelu(0.3f, 4)).hasToString("leaky-relu(0.3)");
        assertThat(new ActivationLayer(Activation.LEAKY_RELU, 4)).hasToString("leaky-relu");
    }

    @Test
    void onnx_export_and_the_model_file_keep_the_slope() throws IOException {
        Mlp mlp = model(0.3f);
        Path onnx = dir.resolve("m.onnx");
        OnnxModel.export(mlp, onnx);
        Mlp back = OnnxModel.importMlp(onnx);
        assertThat(((ActivationLayer) back.layers().get(1)).slope()).isEqualTo(0.3f);
        float[] x = {1f, -2f, 3f, -4f, 5f, -1f, 0.5f, 2f, -3f, 1f};
        assertThat(back.predict(x, 2)).containsExactly(mlp.predict(x, 2));

        Path file = dir.resolve("m.jvk");
        mlp.save(file);
        Mlp loaded = Mlp.load(file);
        assertThat(((ActivationLayer) loaded.layers().get(1)).slope()).isEqualTo(0.3f);
        assertThat(loaded.predict(x, 2)).containsExactly(mlp.predict(x, 2));
        model(Activation.LEAKY_SLOPE).save(file);
        assertThat(((ActivationLayer) Mlp.load(file).layers().get(1)).slope()).isEqualTo(Activation.LEAKY_SLOPE);
    }
}
