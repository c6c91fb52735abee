package dev.jvk.nn.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The graphs of nn's {@code ExporterGraphs} (PyTorch's, tf2onnx's and skl2onnx's node patterns),
 * run by ONNX Runtime and by jvk after import: the same outputs within float tolerance. (In the
 * package of the graphs, which are test classes of jvk-nn, shared through its test jar.)
 */
class OrtRunsExporterGraphsTest {
    @TempDir
    Path dir;

    private final ExporterGraphs graphs = new ExporterGraphs(17);

    void compare(TestGraph g, String name, int rows, long[] inputShape) throws IOException, OrtException {
        Path file = g.write(dir.resolve(name + ".onnx"));
        int features = 1;
        for (int i = 1; i < inputShape.length; i++) {
            features *= (int) inputShape[i];
        }
        float[] x = graphs.inputs(rows * features);
        OnnxModel jvk = OnnxModel.read(file);
        float[] ours = jvk.mlp().predict(x, rows);
        float[] theirs;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        String input = (String) g.inputs.getFirst()[0];
        try (OrtSession session = env.createSession(file.toString());
             OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), inputShape);
             OrtSession.Result result = session.run(Map.of(input, in))) {
            FloatBuffer b = ((OnnxTensor) result.get(0)).getFloatBuffer();
            theirs = new float[b.remaining()];
            b.get(theirs);
        }
        if (jvk.logProbabilities()) {
            for (int i = 0; i < theirs.length; i++) {
                theirs[i] = (float) Math.exp(theirs[i]);
            }
        }
        assertThat(theirs).as(name).hasSize(ours.length);
        for (int i = 0; i < ours.length; i++) {
            double tolerance = Math.max(1e-5 * Math.abs(ours[i]), 1e-6);
            assertThat((double) theirs[i]).as("%s output %d", name, i).isCloseTo(ours[i], org.assertj.core.data.Offset.offset(tolerance));
        }
    }

    @Test
    void pytorch_graph() throws IOException, OrtException {
        compare(graphs.pytorch(), "pytorch", 9, new long[] {9, 1, 4, 4});
    }

    @Test
    void keras_tf2onnx_graph() throws IOException, OrtException {
        compare(graphs.keras(), "keras", 7, new long[] {7, 12});
    }

    @Test
    void skl2onnx_graph() throws IOException, OrtException {
        compare(graphs.sklearn(), "sklearn", 11, new long[] {11, 8});
    }

    @Test
    void skl2onnx_scaler_graph() throws IOException, OrtException {
        compare(graphs.sklearnScaler(), "scaler", 13, new long[] {13, 6});
    }

    @Test
    void gemm_attributes_every_activation_and_log_softmax() throws IOException, OrtException {
        compare(graphs.everyActivation(), "every", 5, new long[] {5, 2, 5});
    }

    @Test
    void the_tanh_gelu_as_one_node_and_as_each_sub_graph() throws IOException, OrtException {
        for (ExporterGraphs.GeluTanhForm form : ExporterGraphs.GeluTanhForm.values()) {
            int opset = form == ExporterGraphs.GeluTanhForm.NODE ? 20 : 17;
            compare(graphs.geluTanh(form, opset, 6, 9, 3, 0.044715, Math.sqrt(2 / Math.PI), 0.5, 3), "gelu_tanh_" + form, 40, new long[] {40, 6});
        }
    }
}
