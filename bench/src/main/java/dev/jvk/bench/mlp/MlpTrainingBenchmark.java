package dev.jvk.bench.mlp;

import dev.jvk.kernels.Gemm;
import dev.jvk.nn.Activation;
import dev.jvk.nn.Mlp;
import dev.jvk.nn.data.DataSet;
import dev.jvk.nn.data.FeatureScaling;
import dev.jvk.nn.optim.Optimizer;
import dev.jvk.nn.optim.OptimizerConfig;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Training throughput of 784-256-128-10 (ReLU, softmax cross-entropy), batch {@code batch} (32, 128
 * or 512), in samples per second: one benchmark operation is one sample, one invocation
 * {@code SAMPLES / batch} full steps (copy and scale the batch, forward, loss, backward, optimizer
 * update) through {@link Mlp#trainStep}, the pass {@code ./jvk train} runs. The baseline this must beat: PyTorch 2.7.1 on the CPU through DJL,
 * measured here on the same network and batch at 72.6k samples/s (1 thread) and 96.6k (2 threads).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp "bench/target/classes:bench/target/lib/*" org.openjdk.jmh.Main MlpTraining \
 *   -f 1 -wi 3 -w 2s -i 5 -r 2s -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class MlpTrainingBenchmark {
    static final int BATCHES = 64;
    /** Samples per invocation: a whole number of steps at every batch. */
    static final int SAMPLES = 512;

    @Param({"1", "2"})
    int threads;

    @Param({"128"})
    int batch;

    @Param({"sgd", "adam"})
    String optimizer;

    private Mlp mlp;
    private Optimizer update;
    private FashionShapedData data;
    private float[][] x;
    private int[][] y;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        Gemm.setThreads(threads);
        if (batch < 1 || SAMPLES % batch != 0) {
            throw new IllegalArgumentException("batch must divide " + SAMPLES + ", got " + batch);
        }
        data = new FashionShapedData(SAMPLES * BATCHES / 4, 1);
        mlp = Mlp.classifier(FashionShapedData.FEATURES, new int[] {256, 128}, Activation.RELU, FashionShapedData.CLASSES, 42);
        mlp.setScaling(FeatureScaling.fit(FeatureScaling.Kind.MIN_MAX,
                new DataSet(data.pixels, data.labels, data.rows, FashionShapedData.FEATURES, FashionShapedData.CLASSES, "bench")));
        OptimizerConfig config = optimizer.equals("sgd") ? OptimizerConfig.sgd() : OptimizerConfig.adam();
        update = config.create(mlp.parameters());
        x = data.batchFeatures(batch);
        y = data.batchLabels(batch);
    }

    /** Training steps on the next batches of the pool: 512 samples. */
    @Benchmark
    @OperationsPerInvocation(SAMPLES)
    public float trainStep() {
        float loss = 0;
        for (int step = 0; step < SAMPLES / batch; step++) {
            // each batch where it lies, as the trainer hands a step its rows: no copy on the caller's thread to find in its cache
            int b = next;
            next = (next + 1) % x.length;
            // SGD at 0.1 as in the PyTorch baseline; Adam at its usual 1e-3
            loss += mlp.trainStep(x[b], y[b], batch, update, optimizer.equals("sgd") ? 0.1f : 1e-3f);
        }
        return loss;
    }
}
