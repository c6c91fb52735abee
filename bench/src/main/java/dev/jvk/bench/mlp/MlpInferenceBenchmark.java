package dev.jvk.bench.mlp;

import dev.jvk.kernels.Gemm;
import dev.jvk.nn.Activation;
import dev.jvk.nn.Mlp;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Inference latency of 784-256-128-10 through {@link Mlp#predict(float[], int, float[])}: scaling,
 * forward and softmax, no allocation. Batch 1 takes the GEMV path; batches 128 and 1024 the GEMM path,
 * on {@code threads} threads.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp "bench/target/classes:bench/target/lib/*" org.openjdk.jmh.Main MlpInference \
 *   -f 1 -wi 3 -w 1s -i 5 -r 1s -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class MlpInferenceBenchmark {
    @Param({"1", "128", "1024"})
    int batch;

    @Param({"1", "2"})
    int threads;

    private Mlp mlp;
    private float[] x;
    private float[] scores;

    @Setup(Level.Trial)
    public void setUp() {
        Gemm.setThreads(threads);
        FashionShapedData data = new FashionShapedData(batch, 2);
        mlp = Mlp.classifier(FashionShapedData.FEATURES, new int[] {256, 128}, Activation.RELU, FashionShapedData.CLASSES, 42);
        x = data.pixels;
        scores = new float[batch * FashionShapedData.CLASSES];
    }

    /** Class probabilities for one batch. */
    @Benchmark
    public float[] predict() {
        mlp.predict(x, batch, scores);
        return scores;
    }
}
