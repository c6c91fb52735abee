package dev.jvk.nn.onnx;

import static dev.jvk.nn.onnx.TestGraph.Store.FLOAT_RAW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvk.nn.ModelMetadata;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A classifier exported without its softmax (PyTorch's usual export: CrossEntropyLoss takes the logits), imported with
 * {@code OnnxModel.read(file, "classification")}: predict gives the softmax of the graph's outputs, computed here in
 * double from the test's own evaluation of the graph.
 */
class OnnxLogitsImportTest {
    @TempDir
    Path dir;

    private final ExporterGraphs graphs = new ExporterGraphs(7);

    /** Softmax of each row of the graph's outputs, in double. */
    private static double[] softmax(double[] z, int rows) {
        int k = z.length / rows;
        double[] p = new double[z.length];
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                max = Math.max(max, z[r * k + c]);
            }
            double sum = 0;
            for (int c = 0; c < k; c++) {
                p[r * k + c] = Math.exp(z[r * k + c] - max);
                sum += p[r * k + c];
            }
            for (int c = 0; c < k; c++) {
                p[r * k + c] /= sum;
            }
        }
        return p;
    }

    /** The index in {@code [0, k)} of the largest of {@code v[from .. from + k)}, the first of equals. */
    static int argmax(double[] v, int from, int k) {
        int best = from;
        for (int i = from + 1; i < from + k; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best - from;
    }

    @Test
    void pytorch_logits_import_as_a_classifier_predicting_their_softmax() throws IOException {
        TestGraph g = graphs.pytorch();   // 16 -> 20 -> 12 -> 5 logits, no Softmax
        Path file = g.write(dir.resolve("logits.onnx"));
        int rows = 9;
        float[] x = graphs.inputs(rows * 16);
        double[] logits = g.evaluate(x, rows);

        OnnxModel m = OnnxModel.read(file, ModelMetadata.CLASSIFICATION);

        assertThat(m.mlp().metadata().isClassification()).isTrue();
        assertThat(m.mlp().loss().name()).isEqualTo("softmax-cross-entropy");
        float[] p = m.mlp().predict(x, rows);
        OnnxImportTest.assertClose(p, softmax(logits, rows));
        int[] classes = m.mlp().predictClasses(x, rows);
        for (int r = 0; r < rows; r++) {
            assertThat(classes[r]).as("row %d", r).isEqualTo(argmax(logits, r * 5, 5));
        }
        // as the file says, the same graph gives the raw outputs
        OnnxImportTest.assertClose(OnnxModel.read(file).mlp().predict(x, rows), logits);
    }

    @Test
    void class_names_come_from_the_files_metadata_and_a_logit_scaling_is_folded() throws IOException {
        TestGraph g = graphs.twoLayers(13).output("y");
        g.init("T", new long[0], new double[] {0.37}, FLOAT_RAW);
        g.init("m", new long[] {3}, new double[] {0.5, -1, 2}, FLOAT_RAW);
        g.node("Mul", "t", List.of("z", "T"), "zt");
        g.node("Add", "a", List.of("zt", "m"), "y");
        g.metadata.put(OnnxModel.CLASS_NAMES, "[\"cat\",\"dog\",\"bird\"]");
        Path file = g.write(dir.resolve("named.onnx"));
        float[] x = graphs.inputs(5 * 6);

        OnnxModel m = OnnxModel.read(file, ModelMetadata.CLASSIFICATION);

        assertThat(m.classNames()).containsExactly("cat", "dog", "bird");
        assertThat(m.mlp().metadata().classNames()).containsExactly("cat", "dog", "bird");
        assertThat(m.mlp().metadata().targetStd()).isEmpty();
        OnnxImportTest.assertClose(m.mlp().predict(x, 5), softmax(g.evaluate(x, 5), 5));
    }

    @Test
    void a_graph_ending_in_softmax_is_the_same_classifier_either_way() throws IOException {
        Path file = graphs.keras().write(dir.resolve("softmax.onnx"));
        float[] x = graphs.inputs(7 * 12);

        float[] asItIs = OnnxModel.read(file).mlp().predict(x, 7);

        assertThat(OnnxModel.read(file, ModelMetadata.CLASSIFICATION).mlp().predict(x, 7)).isEqualTo(asItIs);
        assertThatThrownBy(() -> OnnxModel.read(file, ModelMetadata.REGRESSION))
                .isInstanceOf(OnnxFormatException.class).hasMessageContaining("ends in a softmax");
    }

    @Test
    void one_output_a_regressor_file_and_an_unknown_task_are_refused() throws IOException {
        TestGraph one = new TestGraph();
        one.opset = 13;
        one.input("x", "n", 6);
        one.init("W", new long[] {6, 1}, graphs.values(6, 0.5), FLOAT_RAW);
        one.init("b", new long[] {1}, graphs.values(1, 0.5), FLOAT_RAW);
        one.node("Gemm", "g", List.of("x", "W", "b"), "y");
        one.output("y");
        Path single = one.write(dir.resolve("one.onnx"));
        assertThatThrownBy(() -> OnnxModel.read(single, ModelMetadata.CLASSIFICATION))
                .isInstanceOf(OnnxFormatException.class).hasMessageContaining("1 output");

        TestGraph regressor = graphs.twoLayers(13).output("z");
        regressor.metadata.put(OnnxModel.TASK, ModelMetadata.REGRESSION);
        Path r = regressor.write(dir.resolve("regressor.onnx"));
        assertThatThrownBy(() -> OnnxModel.read(r, ModelMetadata.CLASSIFICATION))
                .isInstanceOf(OnnxFormatException.class).hasMessageContaining("jvk.task says 'regression'");
        assertThat(OnnxModel.read(r, ModelMetadata.REGRESSION).mlp().metadata().isClassification()).isFalse();

        assertThatThrownBy(() -> OnnxModel.read(r, "logits"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("task");
    }
}
