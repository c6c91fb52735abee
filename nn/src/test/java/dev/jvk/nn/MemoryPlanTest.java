package dev.jvk.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvk.nn.data.DataSet;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Memory planned before it is spent: model shapes, batch buffers and the confusion matrix, computed in long. */
class MemoryPlanTest {
    @Test
    void a_model_larger_than_the_heap_is_refused_naming_its_need_and_the_way_to_raise_the_limit() {
        // 784-46000-46000-10: 2,152,506,010 parameters, twice 4 bytes each (values and gradients) = 16.0 GB of 2^30 bytes
        long values = 784L * 46000 + 46000 + 46000L * 46000 + 46000 + 46000L * 10 + 10;
        assertThat(values * 8).as("the need exceeds this JVM's heap").isGreaterThan(Runtime.getRuntime().maxMemory());
        long before = usedHeap();
        assertThatThrownBy(() -> Mlp.classifier(784, new int[] {46000, 46000}, Activation.RELU, 10, 1))
                .isInstanceOf(InsufficientMemoryException.class)
                .hasMessageStartingWith("the model 784-46000-46000-10 (" + values + " weights and biases, and their gradients) needs 16.0 GB, "
                        + "this JVM may use at most ")
                .hasMessageContaining("; raise it with JAVA_OPTS=-Xmx32g ./jvk ... (java -Xmx32g)");
        assertThat(usedHeap() - before).as("heap grown by the refused model").isLessThan(64L << 20);
    }

    @Test
    void the_plan_s_figures_are_right() {
        assertThat(MemoryPlan.describe(1023)).isEqualTo("1023 B");
        assertThat(MemoryPlan.describe(256L << 20)).isEqualTo("256.0 MB");
        assertThat(MemoryPlan.describe(17_220_048_080L)).isEqualTo("16.0 GB");
        assertThat(MemoryPlan.suggestHeap(1)).isEqualTo("64m");
        assertThat(MemoryPlan.suggestHeap(300L << 20)).isEqualTo("512m");
        assertThat(MemoryPlan.suggestHeap(1L << 30)).isEqualTo("1g");
        assertThat(MemoryPlan.suggestHeap((1L << 30) + 1)).isEqualTo("2g");
        assertThat(MemoryPlan.product(1 << 20, 1 << 20, 1 << 20)).isEqualTo(1L << 60);
        assertThat(MemoryPlan.product(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE)).isEqualTo(-1);
        assertThatThrownBy(() -> MemoryPlan.require(-1, "an overflowed sum")).isInstanceOf(InsufficientMemoryException.class)
                .hasMessageStartingWith("an overflowed sum needs more than 8.0 EB");
        MemoryPlan.require(Runtime.getRuntime().maxMemory(), "exactly the heap");
    }

    @Test
    void more_than_8_388_607_features_fit_inference_and_a_too_large_batch_is_named_not_wrapped() {
        int inputs = 8_388_609;   // 256 * inputs > 2^31: the old int product wrapped negative
        Mlp mlp = Mlp.classifier(inputs, new int[0], Activation.RELU, 2, 5);
        Dense dense = (Dense) mlp.layers().getFirst();
        float[] x = new float[inputs];
        Arrays.fill(x, 1f);
        double[] logits = new double[2];
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < inputs; i++) {
                logits[c] += dense.weights()[i * 2 + c];
            }
        }
        double p1 = 1 / (1 + Math.exp(logits[0] - logits[1]));
        float[] scores = mlp.predict(x, 1);
        assertThat((double) scores[1]).isCloseTo(p1, org.assertj.core.data.Offset.offset(1e-4));
        assertThat((double) scores[0]).isCloseTo(1 - p1, org.assertj.core.data.Offset.offset(1e-4));

        assertThat(Workspace.maxRows(mlp)).isEqualTo((Integer.MAX_VALUE - 8) / inputs);
        assertThatThrownBy(() -> mlp.workspace(256, true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a batch of 256 rows of the model 8388609-2 needs more than one Java array holds for its widest layer "
                        + "(8388609 values per row); use a batch of at most 255");
        // and the sizes are summed in long: 255 rows of this model take 8.0 GB (2^30 bytes), counted without wrapping
        assertThat(Workspace.bytes(mlp, 255, true)).isEqualTo(4L * (255L * inputs + 255 + 2 * 255 * 2));
    }

    @Test
    void evaluate_beyond_the_stated_class_count_counts_no_confusion_matrix_and_says_so() {
        int classes = 40_000;   // a 40,000 x 40,000 int matrix would be 6.4 GB
        Mlp mlp = Mlp.classifier(3, new int[0], Activation.RELU, classes, 2);
        DataSet data = new DataSet(new float[] {1, 2, 3, -1, 0, 5}, new int[] {7, 39_999}, 2, 3, classes, "wide");
        long before = usedHeap();
        Evaluation e = mlp.evaluate(data);
        assertThat(e.rows()).isEqualTo(2);
        assertThat(e.hasConfusion()).isFalse();
        assertThat(e.confusion()).isEmpty();
        assertThat(e.confusionTable()).isEqualTo("no confusion matrix: the model has more than 1000 classes\n");
        assertThat(usedHeap() - before).as("heap grown by the evaluation").isLessThan(256L << 20);

        Mlp small = Mlp.classifier(3, new int[0], Activation.RELU, Evaluation.MAX_CONFUSION_CLASSES, 2);
        Evaluation counted = small.evaluate(new DataSet(new float[] {1, 2, 3}, new int[] {999}, 1, 3, 1000, "edge"));
        assertThat(counted.hasConfusion()).isTrue();
        assertThat(Arrays.stream(counted.confusion()[999]).sum()).isEqualTo(1);
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}
