package dev.jvk.bench.activations;

import dev.jvk.kernels.Softmax;
import dev.jvk.kernels.reference.ReferenceSoftmax;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Row-wise softmax, log-softmax and the fused cross-entropy (loss + dLogits) over a batch of logits:
 * 128 x 10 (the MLP's output layer) and 128 x 1000 (a wide classifier). {@code jvk} against the
 * double-precision {@code reference}. Run: {@code org.openjdk.jmh.Main 'activations.SoftmaxBench'}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class SoftmaxBench {
    @Param({"softmax", "logSoftmax", "crossEntropy"})
    public String op;

    @Param({"128x10", "128x1000"})
    public String shape;

    private int rows;
    private int cols;
    private float[] x;
    private float[] y;
    private int[] labels;

    @Setup
    public void setUp() {
        String[] rc = shape.split("x");
        rows = Integer.parseInt(rc[0]);
        cols = Integer.parseInt(rc[1]);
        SplittableRandom random = new SplittableRandom(42);
        x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble(-8, 8);
        }
        y = new float[rows * cols];
        labels = new int[rows];
        for (int r = 0; r < rows; r++) {
            labels[r] = random.nextInt(cols);
        }
    }

    @Benchmark
    public float jvk() {
        return switch (op) {
            case "softmax" -> {
                Softmax.softmax(x, 0, rows, cols, cols, y, 0, cols);
                yield y[0];
            }
            case "logSoftmax" -> {
                Softmax.logSoftmax(x, 0, rows, cols, cols, y, 0, cols);
                yield y[0];
            }
            default -> Softmax.crossEntropy(x, 0, rows, cols, cols, labels, 0, y, 0, cols);
        };
    }

    @Benchmark
    public float reference() {
        return switch (op) {
            case "softmax" -> {
                ReferenceSoftmax.softmax(x, 0, rows, cols, cols, y, 0, cols);
                yield y[0];
            }
            case "logSoftmax" -> {
                ReferenceSoftmax.logSoftmax(x, 0, rows, cols, cols, y, 0, cols);
                yield y[0];
            }
            default -> ReferenceSoftmax.crossEntropy(x, 0, rows, cols, cols, labels, 0, y, 0, cols);
        };
    }
}
