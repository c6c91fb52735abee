package dev.jvk.spark;

import java.io.Serializable;
import java.util.List;

/**
 * What a {@link JvkMlpClassifier#fit} did. Kept with the model it made, not saved with it.
 *
 * @param aggregation     {@code parameters} or {@code gradients}
 * @param partitions      partitions of the training data, each one task per round
 * @param rows            training rows
 * @param rounds          Spark jobs run to train (one broadcast and one {@code treeAggregate} each)
 * @param steps           training steps each partition took
 * @param lossHistory     mean training loss of each round, over the rows its steps saw
 * @param executorKernels the jvk kernels the tasks ran on, one line each as {@code Kernels.info()}
 *                        gives it: {@code jvk vector ...} when the executors run with
 *                        {@code --add-modules jdk.incubator.vector}, {@code jvk scalar ...} and the
 *                        reason when they do not
 */
public record JvkMlpTrainingSummary(String aggregation, int partitions, long rows, int rounds, int steps,
                                    double[] lossHistory, List<String> executorKernels) implements Serializable {
    /** The mean training loss of the last round. */
    public double finalLoss() {
        return lossHistory.length == 0 ? Double.NaN : lossHistory[lossHistory.length - 1];
    }
}
