package dev.jvk.cli;

import static dev.jvk.cli.Cli.number;
import static dev.jvk.cli.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.jvk.cli.Cli.Run;
import dev.jvk.nn.Dense;
import dev.jvk.nn.Loss;
import dev.jvk.nn.Mlp;
import dev.jvk.nn.ModelMetadata;
import dev.jvk.nn.onnx.OnnxModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code predict}/{@code evaluate --task classification} on an .onnx file that ends in its logits (no Softmax), as PyTorch
 * exports most classifiers. The graph is one identity Gemm, so its logits are the features and the test computes their
 * softmax, argmax and cross-entropy itself.
 */
class OnnxLogitsCommandTest {
    @TempDir
    Path dir;

    private static final float[][] ROWS = {{2, 0, -1}, {0.5f, 1.5f, 0}, {-1, 0, 3}, {1, 0.9f, 0.8f}, {-2, -1, -1.5f}, {0, 0, 2.5f}, {3, 1, 2}, {0, 2, 1}};
    /** The argmax of each row but rows 6 and 7, labelled wrong: accuracy 6 / 8. */
    private static final int[] LABELS = {0, 1, 2, 0, 1, 2, 1, 0};

    private Path logitsFile() throws IOException {
        Dense identity = new Dense(3, 3);
        for (int i = 0; i < 3; i++) {
            identity.weights()[i * 3 + i] = 1;
        }
        // jvk writes no Softmax for a model without softmax cross-entropy: the file ends in the Gemm's outputs
        Mlp raw = new Mlp(List.of(identity), Loss.named("mse"), null, ModelMetadata.of(ModelMetadata.CLASSIFICATION));
        Path onnx = dir.resolve("logits.onnx");
        OnnxModel.export(raw, onnx);
        return onnx;
    }

    private Path csv() throws IOException {
        StringBuilder s = new StringBuilder("a,b,c,label\n");
        for (int r = 0; r < ROWS.length; r++) {
            s.append(ROWS[r][0]).append(',').append(ROWS[r][1]).append(',').append(ROWS[r][2]).append(',').append(LABELS[r]).append('\n');
        }
        return Files.writeString(dir.resolve("test.csv"), s);
    }

    private static double[] softmax(float[] z) {
        double max = Math.max(z[0], Math.max(z[1], z[2]));
        double[] p = new double[3];
        double sum = 0;
        for (int c = 0; c < 3; c++) {
            p[c] = Math.exp(z[c] - max);
            sum += p[c];
        }
        for (int c = 0; c < 3; c++) {
            p[c] /= sum;
        }
        return p;
    }

    /** The class of the largest probability, the first of equals. */
    private static int argmax(double[] p) {
        int best = 0;
        for (int c = 1; c < p.length; c++) {
            best = p[c] > p[best] ? c : best;
        }
        return best;
    }

    @Test
    void evaluate_reports_accuracy_and_the_cross_entropy_of_the_logits_softmax() throws IOException {
        Path onnx = logitsFile();
        Path csv = csv();
        double loss = 0;
        for (int r = 0; r < ROWS.length; r++) {
            loss -= Math.log(softmax(ROWS[r])[LABELS[r]]);
        }
        loss /= ROWS.length;

        Run e = run("evaluate", "--model", onnx.toString(), "--csv", csv.toString(), "--header",
                "--label-column", "label", "--task", "classification", "--json");

        assertThat(e.code()).as(e.err()).isZero();
        assertThat(e.out()).contains("\"task\":\"classification\"");
        assertThat(number(e.out(), "test_accuracy")).isEqualTo(0.75);
        assertThat(number(e.out(), "test_loss")).isCloseTo(loss, offset(1e-5));

        Run text = run("evaluate", "--model", onnx.toString(), "--csv", csv.toString(), "--header",
                "--label-column", "label", "--task", "classification");
        assertThat(text.code()).as(text.err()).isZero();
        assertThat(text.out()).contains("accuracy 0.7500");
    }

    @Test
    void predict_prints_the_classes_and_the_softmax_probabilities() throws IOException {
        Path onnx = logitsFile();
        Path csv = csv();

        Run p = run("predict", "--model", onnx.toString(), "--csv", csv.toString(), "--header",
                "--label-column", "label", "--task", "classification", "--probabilities");

        assertThat(p.code()).as(p.err()).isZero();
        String[] lines = p.out().split("\n");
        assertThat(lines).hasSize(ROWS.length + 1);
        assertThat(lines[0]).isEqualTo("prediction,0,1,2");
        for (int r = 0; r < ROWS.length; r++) {
            String[] f = lines[r + 1].split(",");
            double[] expected = softmax(ROWS[r]);
            assertThat(f[0]).as("row %d", r).isEqualTo(Integer.toString(argmax(expected)));
            for (int c = 0; c < 3; c++) {
                assertThat(Double.parseDouble(f[1 + c])).as("row %d class %d", r, c).isCloseTo(expected[c], offset(1e-6));
            }
        }
    }

    @Test
    void task_is_refused_for_a_jvk_model_of_another_task_and_for_one_output() throws IOException {
        Dense one = new Dense(3, 1);
        Mlp regressor = new Mlp(List.of(one), Loss.named("mse"), null, ModelMetadata.of(ModelMetadata.REGRESSION));
        Path jvk = dir.resolve("r.jvk");
        regressor.save(jvk);
        Path csv = csv();

        Run j = run("predict", "--model", jvk.toString(), "--csv", csv.toString(), "--header",
                "--label-column", "label", "--task", "classification");
        assertThat(j.code()).isEqualTo(2);
        assertThat(j.err()).contains("--task classification").contains("is a regression model");

        Mlp single = new Mlp(List.of(new Dense(3, 1)), Loss.named("mse"), null, ModelMetadata.of(ModelMetadata.CLASSIFICATION));
        Path onnx = dir.resolve("one.onnx");
        OnnxModel.export(single, onnx);
        Run o = run("evaluate", "--model", onnx.toString(), "--csv", csv.toString(), "--header",
                "--label-column", "label", "--task", "classification");
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("1 output");

        Run u = run("evaluate", "--model", onnx.toString(), "--csv", csv.toString(), "--task", "logits");
        assertThat(u.code()).isEqualTo(2);
        assertThat(u.err()).contains("unknown --task 'logits'");
    }

    @Test
    void without_task_the_raw_scores_name_the_class_a_note_says_so_and_probabilities_are_refused() throws IOException {
        Path onnx = logitsFile();
        Path csv = csv();

        Run p = run("predict", "--model", onnx.toString(), "--csv", csv.toString(), "--header",
                "--label-column", "label");
        assertThat(p.code()).as(p.err()).isZero();
        assertThat(p.err()).contains("ends without a softmax").contains("--task classification");
        String[] lines = p.out().split("\n");
        assertThat(lines).hasSize(ROWS.length + 1);
        for (int r = 0; r < ROWS.length; r++) {
            assertThat(lines[r + 1]).as("row %d", r).isEqualTo(Integer.toString(argmax(softmax(ROWS[r]))));
        }

        Run q = run("predict", "--model", onnx.toString(), "--csv", csv.toString(), "--header",
                "--label-column", "label", "--probabilities");
        assertThat(q.code()).isEqualTo(2);
        assertThat(q.out()).isEmpty();
        assertThat(q.err()).contains("--probabilities").contains("raw class scores").contains("--task classification");

        Run e = run("evaluate", "--model", onnx.toString(), "--csv", csv.toString(), "--header",
                "--label-column", "label");
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(e.out()).contains("ends without a softmax").contains("accuracy 0.7500");

        // a file that ends in its softmax gets no note
        Run s = run("predict", "--model", onnx.toString(), "--csv", csv.toString(), "--header",
                "--label-column", "label", "--task", "classification");
        assertThat(s.err()).doesNotContain("ends without a softmax");
    }
}
