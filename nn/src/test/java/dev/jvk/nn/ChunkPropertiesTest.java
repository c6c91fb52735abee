package dev.jvk.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The chunk sizes and counts that `-Djvk.nn.*` sets for sweeps: a 0 (as one might set to mean "no minimum") is taken
 * as 1, not a division by zero in every pass of training and prediction.
 */
class ChunkPropertiesTest {
    @Test
    void chunkPropertiesOfZeroStillTrainAndPredict() throws Exception {
        String output = ThreadCountBitsTest.runChild(Child.class, List.of("-Djvk.nn.minChunkRows=0", "-Djvk.nn.smallChunkRows=0",
                "-Djvk.nn.maxChunks=0", "-Djvk.nn.minPredictChunkRows=0", "-Djvk.nn.maxPredictChunkRows=0",
                "-Djvk.nn.maxOneThreadPredictChunkRows=0"));
        assertThat(output).contains("PREDICTED 100", "TRAINED").doesNotContain("ArithmeticException");
    }

    /** The child: one prediction of 100 rows and one epoch of training on 64 rows, each checked against the rows' count. */
    public static final class Child {
        private Child() {}

        public static void main(String[] args) {
            Mlp mlp = Mlp.classifier(6, new int[] {5}, Activation.RELU, 3, 1);
            float[] x = new float[100 * 6];
            for (int i = 0; i < x.length; i++) {
                x[i] = (i % 7) / 7f;
            }
            float[] scores = mlp.predict(x, 100);
            System.out.println("PREDICTED " + scores.length / 3);
            int[] labels = new int[64];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = i % 3;
            }
            float[] train = java.util.Arrays.copyOf(x, 64 * 6);
            new Trainer(Trainer.Config.builder().epochs(1).batchSize(32).build())
                    .fit(mlp, dev.jvk.nn.data.DataSet.of(train, labels, 64, 6, 3, "rows"), null);
            System.out.println("TRAINED");
        }
    }
}
