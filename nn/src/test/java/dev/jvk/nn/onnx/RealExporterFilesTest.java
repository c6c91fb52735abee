package dev.jvk.nn.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvk.nn.Activation;
import dev.jvk.nn.ActivationLayer;
import dev.jvk.nn.Layer;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ONNX files written by real exporters (torch.onnx.export of torch.nn.Sequential MLPs), and graphs
 * laid out as tf2onnx and skl2onnx write them but serialised by the onnx Python package, imported
 * and compared with the outputs PyTorch (or ONNX Runtime, for the last two) gave on the same inputs.
 * The files and their outputs come from {@code docs/onnx/make_test_models.py}, run once.
 */
class RealExporterFilesTest {
    /** One model's inputs and the outputs its tool computed, read from NAME.expected.txt. */
    record Expected(int rows, int inputs, int outputs, float[] x, float[] y) {
        static Expected read(Path file) throws IOException {
            List<String> lines = Files.readAllLines(file);
            String[] head = lines.getFirst().split(" ");
            int rows = Integer.parseInt(head[1]);
            int inputs = Integer.parseInt(head[3]);
            int outputs = Integer.parseInt(head[5]);
            assertThat(lines).hasSize(1 + 2 * rows);
            return new Expected(rows, inputs, outputs, values(lines.subList(1, 1 + rows), inputs),
                    values(lines.subList(1 + rows, 1 + 2 * rows), outputs));
        }

        private static float[] values(List<String> lines, int width) {
            float[] v = new float[lines.size() * width];
            for (int r = 0; r < lines.size(); r++) {
                String[] fields = lines.get(r).strip().split(" ");
                assertThat(fields).hasSize(width);
                for (int c = 0; c < width; c++) {
                    v[r * width + c] = Float.parseFloat(fields[c]);
                }
            }
            return v;
        }
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(RealExporterFilesTest.class.getResource("real/" + name).toURI());
    }

    /** Imports NAME.onnx, predicts its inputs and checks each output within 1e-5 (relative above 1) of the tool's. */
    private static OnnxModel importAndCompare(String name) throws Exception {
        OnnxModel m = OnnxModel.read(resource(name + ".onnx"));
        Expected e = Expected.read(resource(name + ".expected.txt"));
        assertThat(m.mlp().inputs()).isEqualTo(e.inputs());
        assertThat(m.mlp().classes()).isEqualTo(e.outputs());
        float[] got = m.mlp().predict(e.x(), e.rows());
        assertThat(got).hasSize(e.y().length);
        for (int i = 0; i < got.length; i++) {
            double expected = m.logProbabilities() ? Math.exp(e.y()[i]) : e.y()[i];
            double tolerance = 1e-5 * Math.max(1, Math.abs(expected));
            assertThat((double) got[i]).as("%s output %d", name, i).isCloseTo(expected, org.assertj.core.data.Offset.offset(tolerance));
        }
        float[] one = m.mlp().predict(Arrays.copyOf(e.x(), e.inputs()), 1);   // the batch-1 path (GEMV) too
        for (int i = 0; i < one.length; i++) {
            assertThat(one[i]).as("%s row 1 alone, output %d", name, i).isCloseTo(got[i], org.assertj.core.data.Offset.offset(1e-5f * Math.max(1, Math.abs(got[i]))));
        }
        return m;
    }

    private static List<String> activations(OnnxModel m) {
        return m.mlp().layers().stream().filter(l -> l instanceof ActivationLayer).map(Layer::toString).toList();
    }

    @Test
    void pytorch_flatten_gemm_relu_tanh_softmax() throws Exception {
        OnnxModel m = importAndCompare("pytorch_flatten_relu_tanh_softmax");
        assertThat(m.mlp().describe()).isEqualTo("20-32-16-5 relu");
        assertThat(activations(m)).containsExactly("relu", "tanh");
        assertThat(m.mlp().loss().name()).isEqualTo("softmax-cross-entropy");
        assertThat(m.producer()).startsWith("pytorch");
    }

    @Test
    void pytorch_gelu_as_the_erf_subgraph_at_opset_17_and_as_one_gelu_node_at_opset_20() throws Exception {
        for (String name : List.of("pytorch_gelu_sigmoid_regressor", "pytorch_gelu_opset20")) {
            OnnxModel m = importAndCompare(name);
            assertThat(activations(m)).as(name).containsExactly("gelu", "sigmoid");
            assertThat(m.mlp().loss().name()).as(name).isEqualTo("mse");
        }
    }

    @Test
    void pytorch_leaky_relu_of_slope_0_2_and_the_default_with_dropout_and_log_softmax_at_opset_11() throws Exception {
        OnnxModel m = importAndCompare("pytorch_leaky_relu_dropout_log_softmax");
        assertThat(m.logProbabilities()).isTrue();
        List<ActivationLayer> leaky = m.mlp().layers().stream().filter(l -> l instanceof ActivationLayer)
                .map(l -> (ActivationLayer) l).toList();
        assertThat(leaky).extracting(ActivationLayer::activation).containsExactly(Activation.LEAKY_RELU, Activation.LEAKY_RELU);
        assertThat(leaky).extracting(ActivationLayer::slope).containsExactly(0.2f, 0.01f);
    }

    @Test
    void tf2onnx_keras_reshape_float16_weights_cast_matmul_add_leaky_relu_0_3_softmax() throws Exception {
        OnnxModel m = importAndCompare("tf2onnx_keras_float16_leaky_softmax");
        assertThat(m.mlp().describe()).isEqualTo("18-24-12-4 relu");
        assertThat(activations(m)).containsExactly("relu", "leaky-relu(0.3)");
    }

    @Test
    void skl2onnx_scaler_then_matmul_add_relu_softmax_from_a_scikit_learn_fit() throws Exception {
        OnnxModel m = importAndCompare("skl2onnx_scaler_mlp_classifier");
        assertThat(m.mlp().describe()).isEqualTo("6-16-8-3 relu");
        assertThat(m.mlp().scaling().kind().cliName()).isEqualTo("standard");
    }
}
