package dev.jvk.bench.mlp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The pool cut into batches that lie each in arrays of its own, as the trainer's rows lie in its data set. */
class FashionShapedDataTest {

    @Test
    void theBatchesAreThePoolsRowsInOrderEachInArraysOfItsOwn() {
        FashionShapedData data = new FashionShapedData(70, 3);
        float[][] x = data.batchFeatures(32);
        int[][] y = data.batchLabels(32);
        assertThat(x).as("whole batches only: 70 rows hold two of 32").hasNumberOfRows(2);
        assertThat(y).hasNumberOfRows(2);
        for (int b = 0; b < 2; b++) {
            assertThat(x[b]).as("batch %d's features", b).hasSize(32 * 784)
                    .containsExactly(Arrays.copyOfRange(data.pixels, b * 32 * 784, (b + 1) * 32 * 784));
            assertThat(y[b]).as("batch %d's labels", b).containsExactly(Arrays.copyOfRange(data.labels, b * 32, (b + 1) * 32));
            assertThat(x[b]).as("not the pool itself").isNotSameAs(data.pixels);
        }
        assertThat(x[0]).isNotSameAs(x[1]);
    }
}
