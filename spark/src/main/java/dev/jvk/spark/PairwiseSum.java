package dev.jvk.spark;

import dev.jvk.kernels.Vectors;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The sum of one {@link Part} per partition, added along one fixed binary tree over the partition
 * indices, so that the float result is the same bitwise whatever order Spark's {@code treeAggregate}
 * delivers and merges the parts in (task completion and shuffle fetches have no fixed order, and
 * float addition is not associative).
 *
 * <p>The tree: leaf {@code p} is partition {@code p}; node {@code (level, i)} covers partitions
 * {@code [i 2^level, (i+1) 2^level)} and is {@code left + right} of its two children; a node whose
 * right child covers no partition is its left child unchanged. A node is formed as soon as both its
 * children are present, in whichever accumulator holds them, so it is formed exactly once. Pairwise
 * summation also keeps the rounding error at {@code O(log P)} additions per element.
 */
final class PairwiseSum implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * One partition's contribution, or the sum of a range of them.
     *
     * @param values  the vector summed element by element (weights or gradients)
     * @param loss    summed training loss (each row's loss once)
     * @param rows    rows the loss covers
     * @param kernels the jvk kernel implementations the tasks ran on ({@code Kernels.info()} lines)
     */
    record Part(float[] values, double loss, long rows, TreeSet<String> kernels) implements Serializable {
        /** {@code left + right}, into left's arrays (left is owned by the accumulator). */
        static Part sum(Part left, Part right) {
            Vectors.add(left.values, 0, right.values, 0, left.values, 0, left.values.length);
            left.kernels.addAll(right.kernels);
            return new Part(left.values, left.loss + right.loss, left.rows + right.rows, left.kernels);
        }
    }

    private final int leaves;
    private final Map<Long, Part> nodes = new HashMap<>();

    /** An empty sum over {@code leaves >= 1} partitions. */
    PairwiseSum(int leaves) {
        if (leaves < 1) {
            throw new IllegalArgumentException("a sum needs at least one partition, got " + leaves);
        }
        this.leaves = leaves;
    }

    /** Adds partition {@code leaf}'s part (each partition exactly once); returns this. */
    PairwiseSum add(int leaf, Part part) {
        if (leaf < 0 || leaf >= leaves) {
            throw new IllegalArgumentException("partition " + leaf + " is outside [0, " + leaves + ")");
        }
        settle(0, leaf, part);
        return this;
    }

    /** Moves every node of {@code other} into this sum; returns this. */
    PairwiseSum merge(PairwiseSum other) {
        if (other.leaves != leaves) {
            throw new IllegalArgumentException("sums over " + leaves + " and " + other.leaves + " partitions");
        }
        for (Map.Entry<Long, Part> e : other.nodes.entrySet()) {
            settle((int) (e.getKey() >>> 32), (int) (long) e.getKey(), e.getValue());
        }
        return this;
    }

    /** The sum over every partition; fails when a partition's part is missing. */
    Part total() {
        int top = 0;
        while ((1L << top) < leaves) {
            top++;
        }
        Part root = nodes.get(key(top, 0));
        if (root == null || nodes.size() != 1) {
            throw new IllegalStateException("the sum is missing partitions: " + nodes.size() + " subtrees of " + leaves + " partitions");
        }
        return root;
    }

    private void settle(int level, int index, Part part) {
        while ((1L << level) < leaves) {
            int sibling = index ^ 1;
            if (((long) sibling << level) >= leaves) {
                level++;                  // the right child is empty: the node is its left child
                index >>= 1;
                continue;
            }
            Part other = nodes.remove(key(level, sibling));
            if (other == null) {
                nodes.put(key(level, index), part);
                return;
            }
            part = (index & 1) == 0 ? Part.sum(part, other) : Part.sum(other, part);
            level++;
            index >>= 1;
        }
        nodes.put(key(level, index), part);
    }

    private static long key(int level, int index) {
        return ((long) level << 32) | (index & 0xFFFFFFFFL);
    }
}
