package dev.jvk.bench.lowp;

import dev.jvk.kernels.Gemm;
import dev.jvk.nn.Activation;
import dev.jvk.nn.Mlp;
import dev.jvk.nn.QuantizedDense;
import dev.jvk.nn.compress.Compression;
import java.util.Arrays;
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
 * Batch-1 inference of whole models through {@code Mlp.predict} (scaling, every layer, softmax), one thread,
 * float weights against the same model quantized ({@code Compression.quantize}) to bf16 and int8:
 * <ul>
 *   <li>{@code 4096-4096-4096-10}: 134 MB of float weights, far beyond the caches, so batch 1 is bound by
 *       memory bandwidth and fewer bytes per weight is speed. Targets: int8 >= 3x, bf16 >= 1.8x float.</li>
 *   <li>{@code 784-256-128-10} (the default Fashion-MNIST model) and {@code 784-128-64-10} (its hidden layers
 *       pruned by half, {@code Compression.prune(mlp, 0.5)}): the latency gain of pruning (target >= 1.6x).</li>
 * </ul>
 * Weights are He-initialised from a seed (latency does not depend on their values).
 *
 * <p>Run: {@code ... org.openjdk.jmh.Main 'lowp.QuantizedMlpBench'}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 3, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms3g", "-Xmx3g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class QuantizedMlpBench {
    @Param({"4096-4096-4096-10", "784-256-128-10", "784-128-64-10"})
    public String model;

    @Param({"float", "bf16", "int8", "int8-dynamic"})
    public String weights;

    private Mlp mlp;
    private float[] x;
    private float[] scores;

    @Setup
    public void setUp() {
        int[] sizes = Arrays.stream(model.split("-")).mapToInt(Integer::parseInt).toArray();
        Mlp floats = Mlp.classifier(sizes[0], Arrays.copyOfRange(sizes, 1, sizes.length - 1), Activation.RELU, sizes[sizes.length - 1], 42);
        mlp = switch (weights) {
            case "float" -> floats;
            case "bf16" -> Compression.quantize(floats, QuantizedDense.Format.BF16);
            case "int8" -> Compression.quantize(floats, QuantizedDense.Format.INT8);
            case "int8-dynamic" -> Compression.quantize(floats, QuantizedDense.Format.INT8_DYNAMIC);
            default -> throw new IllegalArgumentException("weights: float, bf16, int8 or int8-dynamic, got " + weights);
        };
        Gemm.setThreads(1);
        SplittableRandom random = new SplittableRandom(7);
        x = new float[sizes[0]];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble(0, 1);
        }
        scores = new float[mlp.classes()];
    }

    @Benchmark
    public float[] predictOneRow() {
        mlp.predict(x, 1, scores);
        return scores;
    }
}
