package dev.jvk.cli;

import static dev.jvk.cli.Cli.number;
import static dev.jvk.cli.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.jvk.cli.Cli.Run;
import dev.jvk.nn.onnx.SklearnFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code predict}/{@code evaluate --model FILE.onnx} on scikit-learn classifiers as skl2onnx converts them (a label
 * output and a ZipMap beside the probabilities): the class names printed are the graph's labels, the probabilities the
 * graph's (evaluated by the test's own oracle), and a CSV's label column is read as those names.
 */
class OnnxClassifierCommandTest {
    @TempDir
    Path dir;

    private static final int ROWS = 24;

    private static int argmax(double[] p, int row, int k) {
        int best = 0;
        for (int c = 1; c < k; c++) {
            best = p[row * k + c] > p[row * k + best] ? c : best;
        }
        return best;
    }

    /** The rows as CSV, with a last column {@code label} holding {@code labels[r]}. */
    private Path csv(float[] x, String[] labels) throws IOException {
        StringBuilder s = new StringBuilder("f0,f1,f2,f3,f4,f5,label\n");
        for (int r = 0; r < ROWS; r++) {
            for (int f = 0; f < SklearnFiles.FEATURES; f++) {
                s.append(x[r * SklearnFiles.FEATURES + f]).append(',');
            }
            s.append(labels[r]).append('\n');
        }
        return Files.writeString(dir.resolve("rows.csv"), s);
    }

    @Test
    void predict_prints_the_graphs_class_labels_and_evaluate_reads_them_from_the_csv() throws IOException {
        SplittableRandom random = new SplittableRandom(3);
        float[] x = new float[ROWS * SklearnFiles.FEATURES];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextDouble() * 4 - 2);
        }
        for (int classes : new int[] {3, 2}) {
            for (boolean strings : new boolean[] {true, false}) {
                SklearnFiles.Written w = SklearnFiles.classifier(dir.resolve("sk" + classes + strings + ".onnx"), 17, classes, true, strings, x, ROWS);
                String[] expected = new String[ROWS];
                for (int r = 0; r < ROWS; r++) {
                    expected[r] = w.classNames().get(argmax(w.probabilities(), r, classes));
                }
                Path csv = csv(x, expected);

                Run p = run("predict", "--model", w.path().toString(), "--csv", csv.toString(),
                        "--header", "--label-column", "label", "--probabilities");

                assertThat(p.code()).as(p.err()).isZero();
                String[] lines = p.out().split("\n");
                assertThat(lines).hasSize(ROWS + 1);
                assertThat(lines[0]).isEqualTo("prediction," + String.join(",", w.classNames()));
                for (int r = 0; r < ROWS; r++) {
                    String[] f = lines[r + 1].split(",");
                    assertThat(f[0]).as("%d classes, row %d", classes, r).isEqualTo(expected[r]);
                    for (int c = 0; c < classes; c++) {
                        assertThat(Double.parseDouble(f[1 + c])).as("row %d class %d", r, c)
                                .isCloseTo(w.probabilities()[r * classes + c], offset(1e-5));
                    }
                }

                Run e = run("evaluate", "--model", w.path().toString(), "--csv", csv.toString(),
                        "--header", "--label-column", "label", "--json");
                assertThat(e.code()).as(e.err()).isZero();
                assertThat(number(e.out(), "test_accuracy")).as("%d classes, strings %s", classes, strings).isEqualTo(1.0);
            }
        }
    }
}
