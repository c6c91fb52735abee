package dev.jvk.bench.mlp;

import dev.jvk.kernels.Gemm;
import dev.jvk.nn.Activation;
import dev.jvk.nn.Mlp;
import dev.jvk.nn.data.DataSet;
import dev.jvk.nn.data.FeatureScaling;
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

    /**
     * The model's input scaling: {@code none}, or {@code standard} (fitted on the batch's pixels), which the models
     * {@code ./jvk train} writes carry for pixels and which predict applies on the way in. {@code -p scaling=standard}.
     */
    @Param({"none"})
    String scaling = "none";

    private Mlp mlp;
    /** The batch's pixels; {@link PredictSplit}'s replays read the same array as this benchmark's predict. */
    float[] x;
    private float[] scores;

    @Setup(Level.Trial)
    public void setUp() {
        Gemm.setThreads(threads);
        FashionShapedData data = new FashionShapedData(batch, 2);
        mlp = model(scaling, data);
        x = data.pixels;
        scores = new float[batch * FashionShapedData.CLASSES];
    }

    /** The benchmarks' 784-256-128-10 classifier, with the input scaling named ({@code none} or {@code standard}) fitted on {@code data}. */
    static Mlp model(String scaling, FashionShapedData data) {
        Mlp mlp = Mlp.classifier(FashionShapedData.FEATURES, new int[] {256, 128}, Activation.RELU, FashionShapedData.CLASSES, 42);
        switch (scaling) {
            case "none" -> { }
            case "standard" -> mlp.setScaling(FeatureScaling.fit(FeatureScaling.Kind.STANDARD, DataSet.of(data.pixels, data.labels,
                    data.rows, FashionShapedData.FEATURES, FashionShapedData.CLASSES, "fashion-shaped")));
            default -> throw new IllegalArgumentException("scaling must be none or standard, got " + scaling);
        }
        return mlp;
    }

    /** Class probabilities for one batch. */
    @Benchmark
    public float[] predict() {
        mlp.predict(x, batch, scores);
        return scores;
    }
}
