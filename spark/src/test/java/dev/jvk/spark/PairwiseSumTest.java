package dev.jvk.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The fixed-tree sum: the same bits whatever order the parts arrive and merge in. */
class PairwiseSumTest {
    static PairwiseSum.Part part(int leaf) {
        Random random = new Random(leaf);
        float[] values = new float[33];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(8) - 4));   // magnitudes apart, so order shows in the bits
        }
        return new PairwiseSum.Part(values, leaf * 0.1, leaf + 1, new TreeSet<>(List.of("k" + leaf % 2)));
    }

    /** The tree written out for 5 leaves: ((0+1)+(2+3))+4, in float. */
    @Test
    void fiveLeavesSumAlongTheTree() {
        PairwiseSum sum = new PairwiseSum(5);
        for (int leaf : new int[] {4, 2, 0, 3, 1}) {
            sum.add(leaf, part(leaf));
        }
        float[] total = sum.total().values();
        for (int i = 0; i < total.length; i++) {
            float expected = ((part(0).values()[i] + part(1).values()[i]) + (part(2).values()[i] + part(3).values()[i])) + part(4).values()[i];
            assertThat(Float.floatToRawIntBits(total[i])).as("element %d", i).isEqualTo(Float.floatToRawIntBits(expected));
        }
        assertThat(sum.total().rows()).isEqualTo(15);
        assertThat(sum.total().kernels()).containsExactly("k0", "k1");
    }

    @Test
    void anyArrivalAndMergeOrderGivesTheSameBits() {
        for (int leaves : new int[] {1, 2, 3, 6, 7, 13}) {
            float[] reference = null;
            Random random = new Random(leaves);
            for (int trial = 0; trial < 20; trial++) {
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < leaves; i++) {
                    order.add(i);
                }
                Collections.shuffle(order, random);
                // scatter the leaves over a few accumulators, as treeAggregate's tasks do, then merge those in a random order
                List<PairwiseSum> accumulators = new ArrayList<>();
                int count = 1 + random.nextInt(leaves);
                for (int a = 0; a < count; a++) {
                    accumulators.add(new PairwiseSum(leaves));
                }
                for (int leaf : order) {
                    accumulators.get(random.nextInt(count)).add(leaf, part(leaf));
                }
                Collections.shuffle(accumulators, random);
                PairwiseSum total = accumulators.getFirst();
                for (PairwiseSum other : accumulators.subList(1, count)) {
                    total.merge(other);
                }
                float[] values = total.total().values();
                if (reference == null) {
                    reference = values;
                }
                assertThat(JvkMlpClassifierTest.bits(values)).as("%d leaves, trial %d", leaves, trial).isEqualTo(JvkMlpClassifierTest.bits(reference));
            }
        }
    }

    @Test
    void aMissingPartitionIsReported() {
        PairwiseSum sum = new PairwiseSum(3).add(0, part(0)).add(2, part(2));
        assertThatThrownBy(sum::total).isInstanceOf(IllegalStateException.class).hasMessageContaining("missing partitions");
        assertThatThrownBy(() -> new PairwiseSum(3).add(3, part(3))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside [0, 3)");
    }
}
