package dev.jvk.nn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvk.kernels.Activations;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Activation#GELU_TANH} runs the tanh-form kernels, forward and backward, bitwise; and is not the erf GELU
 * (the two differ by up to ~5e-4, inside the finite-difference checks' tolerance, so those alone would not tell).
 */
class GeluTanhLayerTest {

    @Test
    void the_layer_computes_the_tanh_form_kernels_bitwise_and_differs_from_the_erf_form() {
        Random random = new Random(14);
        int rows = 7, size = 37, n = rows * size;
        float[] x = new float[n];
        float[] dy = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (random.nextGaussian() * 3);
            dy[i] = (float) random.nextGaussian();
        }
        ActivationLayer layer = new ActivationLayer(Activation.GELU_TANH, size);
        float[] y = new float[n];
        float[] dx = new float[n];
        layer.forward(x, y, rows, true);
        layer.backward(x, y, dy, dx, rows);

        float[] expectedY = new float[n];
        float[] expectedDx = new float[n];
        Activations.geluTanh(x, 0, expectedY, 0, n);
        Activations.geluTanhBackward(x, 0, dy, 0, expectedDx, 0, n);
        assertThat(y).containsExactly(expectedY);
        assertThat(dx).containsExactly(expectedDx);

        float[] erfY = new float[n];
        float[] erfDx = new float[n];
        Activations.geluErf(x, 0, erfY, 0, n);
        Activations.geluErfBackward(x, 0, dy, 0, erfDx, 0, n);
        assertThat(y).isNotEqualTo(erfY);
        assertThat(dx).isNotEqualTo(erfDx);
        // and the oracle: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) within the kernel's bound, loosely
        for (int i = 0; i < n; i++) {
            double v = x[i];
            double exact = 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
            assertThat((double) y[i]).isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-6 * Math.max(1, Math.abs(exact))));
        }
    }

    @Test
    void the_command_line_name_and_he_initialisation() {
        assertThat(Activation.fromCliName("gelu-tanh")).isEqualTo(Activation.GELU_TANH);
        assertThat(Activation.fromCliName("GELU-TANH")).isEqualTo(Activation.GELU_TANH);
        assertThat(Activation.GELU_TANH.cliName()).isEqualTo("gelu-tanh");
        assertThat(Activation.GELU_TANH.prefersHeInit()).isTrue();
        assertThat(Activation.GELU_TANH.fusesWithBias()).isFalse();
    }
}
