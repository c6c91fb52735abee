package dev.jvk.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvk.nn.compress.Compression;
import dev.jvk.nn.data.DataSet;
import dev.jvk.nn.data.SyntheticData;
import org.junit.jupiter.api.Test;

/**
 * Knowledge distillation ({@link Trainer#distillFrom}): the targets it builds and the loss it reports against a
 * double-precision computation written here, that it pulls a student towards its teacher, and its argument rules.
 */
class DistillationTest {
    static final int FEATURES = CompressionTest.FEATURES;

    static DataSet train(int rows) {
        return new SyntheticData(3, FEATURES).sample(rows, 0, "train");
    }

    @Test
    void softened_probabilities_are_the_softmax_of_the_logits_over_the_temperature() {
        double[][] logits = {{2, -1, 0.5, 7}, {0, 0, 0, 0}, {-30, 30, 1, -2}};
        int classes = 4;
        for (float t : new float[] {1f, 2f, 3f, 10f}) {
            float[] p = new float[logits.length * classes];
            for (int r = 0; r < logits.length; r++) {
                double[] soft = softmax(logits[r], 1);
                for (int c = 0; c < classes; c++) {
                    p[r * classes + c] = (float) soft[c];
                }
            }
            Trainer.soften(p, logits.length, classes, t);
            for (int r = 0; r < logits.length; r++) {
                double[] want = softmax(logits[r], t);
                for (int c = 0; c < classes; c++) {
                    assertThat((double) p[r * classes + c]).as("row %d class %d at T %s", r, c, t).isCloseTo(want[c], org.assertj.core.data.Offset.offset(1e-6));
                }
            }
        }
    }

    static double[] softmax(double[] z, double t) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double[] e = new double[z.length];
        double sum = 0;
        for (int c = 0; c < z.length; c++) {
            e[c] = Math.exp((z[c] - max) / t);
            sum += e[c];
        }
        for (int c = 0; c < z.length; c++) {
            e[c] /= sum;
        }
        return e;
    }

    /**
     * One step over the whole set: the reported loss is the loss at the starting weights, mean over rows of
     * {@code logsumexp(z) - sum_c t_c z_c} with {@code t = w * softmax(teacher logits / T) + (1 - w) * onehot}.
     */
    @Test
    void the_first_step_reports_the_cross_entropy_against_the_mixed_targets() {
        Mlp teacher = CompressionTest.trained();
        DataSet data = train(200);
        Mlp student = Compression.prune(teacher, 0.5);
        float w = 0.7f;
        float t = 3f;
        int rows = data.rows();
        int classes = teacher.classes();
        float[] z = CompressionTest.logits(student, data.features(), rows);
        float[] zt = CompressionTest.logits(teacher, data.features(), rows);
        double total = 0;
        for (int r = 0; r < rows; r++) {
            double[] row = new double[classes];
            double[] teacherRow = new double[classes];
            for (int c = 0; c < classes; c++) {
                row[c] = z[r * classes + c];
                teacherRow[c] = zt[r * classes + c];
            }
            double[] soft = softmax(teacherRow, t);
            double max = java.util.Arrays.stream(row).max().orElseThrow();
            double lse = max + Math.log(java.util.Arrays.stream(row).map(v -> Math.exp(v - max)).sum());
            for (int c = 0; c < classes; c++) {
                double target = w * soft[c] + (c == data.labels()[r] ? 1 - w : 0);
                total -= target * (row[c] - lse);
            }
        }
        Trainer trainer = new Trainer(Trainer.Config.builder().epochs(1).batchSize(rows).build()).distillFrom(teacher, w, t);
        double reported = trainer.fit(student, data, null).last().trainLoss();
        assertThat(reported).isCloseTo(total / rows, org.assertj.core.data.Offset.offset(1e-5 * (1 + total / rows)));
        double labelsOnly = new Trainer(Trainer.Config.builder().epochs(1).batchSize(rows).build())
                .fit(Compression.prune(teacher, 0.5), data, null).last().trainLoss();
        assertThat(reported).as("the teacher's share changes the loss").isNotCloseTo(labelsOnly, org.assertj.core.data.Offset.offset(1e-3));
    }

    /** Mean KL(teacher || student) of the predicted probabilities over the rows. */
    static double divergence(Mlp teacher, Mlp student, DataSet data) {
        float[] p = teacher.predict(data.features(), data.rows());
        float[] q = student.predict(data.features(), data.rows());
        double kl = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] > 0) {
                kl += p[i] * (Math.log(p[i]) - Math.log(Math.max(q[i], 1e-30)));
            }
        }
        return kl / data.rows();
    }

    @Test
    void a_distilled_student_ends_closer_to_its_teacher_than_one_trained_on_labels() {
        Mlp teacher = CompressionTest.trained();
        DataSet data = train(600);
        Trainer.Config config = Trainer.Config.builder().epochs(3).batchSize(32).build();
        Mlp labels = Compression.prune(teacher, 0.5);
        Mlp distilled = Compression.prune(teacher, 0.5);
        double start = divergence(teacher, distilled, data);
        new Trainer(config).fit(labels, data, null);
        new Trainer(config).distillFrom(teacher, 1f, 1f).fit(distilled, data, null);
        assertThat(divergence(teacher, distilled, data)).isLessThan(start).isLessThan(divergence(teacher, labels, data));
    }

    @Test
    void bad_arguments_and_mismatched_teachers_are_refused_before_training() {
        Mlp teacher = CompressionTest.trained();
        Trainer trainer = new Trainer(Trainer.Config.defaults());
        for (float w : new float[] {0f, -0.1f, 1.01f, Float.NaN}) {
            assertThatThrownBy(() -> trainer.distillFrom(teacher, w, 2f)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("distillation weight must be in (0, 1]");
        }
        for (float t : new float[] {0.5f, 101f, Float.NaN}) {
            assertThatThrownBy(() -> trainer.distillFrom(teacher, 0.5f, t)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("distillation temperature must be in [1, 100]");
        }
        Mlp other = Mlp.classifier(FEATURES, new int[] {8}, Activation.RELU, 7, 1);
        Mlp student = Compression.prune(teacher, 0.5);
        float[] before = student.layers().get(0) instanceof Dense d ? d.weights().clone() : null;
        assertThatThrownBy(() -> new Trainer(Trainer.Config.defaults()).distillFrom(other, 0.5f, 1f).fit(student, train(50), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the teacher takes 20 features to 7 classes");
        assertThatThrownBy(() -> new Trainer(Trainer.Config.builder().classWeights(new float[10]).build()))
                .isInstanceOf(IllegalArgumentException.class);
        float[] ones = new float[10];
        java.util.Arrays.fill(ones, 1f);
        assertThatThrownBy(() -> new Trainer(Trainer.Config.builder().classWeights(ones).build()).distillFrom(teacher, 0.5f, 1f)
                .fit(student, train(50), null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("do not combine");
        assertThat(((Dense) student.layers().get(0)).weights()).containsExactly(before);
    }
}
