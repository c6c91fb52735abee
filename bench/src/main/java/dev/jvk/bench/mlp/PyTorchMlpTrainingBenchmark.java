package dev.jvk.bench.mlp;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The baseline for {@link MlpTrainingBenchmark}: the same network (784-256-128-10, ReLU, softmax
 * cross-entropy), batch and data through PyTorch 2.7.1 on the CPU via DJL 0.36, plain SGD at 0.1,
 * with the same parameters so that the report puts both on one line. As there, one operation is one
 * sample and an invocation {@code SAMPLES / batch} steps; each step puts the batch into native
 * memory, then forward, loss, backward, update, as a Java program using PyTorch would train.
 * Intra-op threads are set per fork to {@code threads} (jvk's GEMM threads on the same line) and
 * checked once PyTorch has loaded; inter-op threads 1.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp "bench/target/classes:bench/target/lib/*" org.openjdk.jmh.Main \
 *   'MlpTraining|PyTorchMlpTraining' -p optimizer=sgd -f 1 -wi 3 -w 2s -i 5 -r 2s
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true"})
public class PyTorchMlpTrainingBenchmark {
    static final int SAMPLES = MlpTrainingBenchmark.SAMPLES;
    static final int BATCHES = MlpTrainingBenchmark.BATCHES;

    @Param({"1", "2"})
    int threads;

    @Param({"128"})
    int batch;

    /** Only SGD (lr 0.1, the issue's baseline); a parameter so that the report pairs this row with jvk's SGD row. */
    @Param({"sgd"})
    String optimizer;

    private Model model;
    private Trainer trainer;
    private FashionShapedData data;
    private float[] x;
    private float[] y;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        // read by DJL's PyTorch engine when it loads (once per fork, before any PyTorch work)
        if (!optimizer.equals("sgd")) {
            throw new IllegalArgumentException("optimizer: only sgd is measured for PyTorch, got " + optimizer);
        }
        if (batch < 1 || SAMPLES % batch != 0) {
            throw new IllegalArgumentException("batch must divide " + SAMPLES + ", got " + batch);
        }
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        data = new FashionShapedData(SAMPLES * BATCHES / 4, 1);
        // the same scaling as jvk's: pixels / 255 (min-max on this data)
        float[] scaled = data.pixels.clone();
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] /= 255f;
        }
        x = scaled;
        y = new float[data.rows];
        for (int r = 0; r < data.rows; r++) {
            y[r] = data.labels[r];
        }
        try {
            model = Model.newInstance("mlp", "PyTorch");
        } catch (ai.djl.engine.EngineException e) {
            // offline, DJL's own message is about its download cache ("Failed to save pytorch index file"), not what is missing
            throw new IllegalStateException("PyTorch (DJL) could not load libtorch: this benchmark runs offline and needs the jar "
                    + "ai.djl.pytorch:pytorch-native-cpu for this OS and CPU in bench/target/lib (DJL: " + e.getMessage() + ")", e);
        }
        model.setBlock(new SequentialBlock()
                .add(Linear.builder().setUnits(256).build()).add(Activation::relu)
                .add(Linear.builder().setUnits(128).build()).add(Activation::relu)
                .add(Linear.builder().setUnits(FashionShapedData.CLASSES).build()));
        DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).build());
        trainer = model.newTrainer(config);
        trainer.initialize(new Shape(batch, FashionShapedData.FEATURES));
        if (JniUtils.getNumThreads() != threads) {
            throw new IllegalStateException("PyTorch runs " + JniUtils.getNumThreads() + " intra-op threads, wanted " + threads);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        trainer.close();
        model.close();
    }

    /** Training steps on the next batches of the pool: 512 samples, as {@link MlpTrainingBenchmark#trainStep}. */
    @Benchmark
    @OperationsPerInvocation(SAMPLES)
    public float trainStep() {
        float loss = 0;
        for (int step = 0; step < SAMPLES / batch; step++) {
            int from = next;
            next = (next + batch) % (data.rows - batch + 1);
            loss += step(from);
        }
        return loss;
    }

    private float step(int from) {
        try (NDManager memory = trainer.getManager().newSubManager()) {
            NDArray input = memory.create(java.nio.FloatBuffer.wrap(x, from * FashionShapedData.FEATURES, batch * FashionShapedData.FEATURES),
                    new Shape(batch, FashionShapedData.FEATURES));
            NDArray labels = memory.create(java.nio.FloatBuffer.wrap(y, from, batch), new Shape(batch));
            float loss;
            try (GradientCollector collector = trainer.newGradientCollector()) {
                NDArray predictions = trainer.forward(new NDList(input)).singletonOrThrow();
                NDArray value = trainer.getLoss().evaluate(new NDList(labels), new NDList(predictions));
                collector.backward(value);
                loss = value.getFloat();
            }
            trainer.step();
            return loss;
        }
    }
}
