package dev.jvk.bench.mlp;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.jvk.nn.Mlp;
import dev.jvk.nn.onnx.OnnxModel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * ONNX Runtime 1.23 (CPU) running jvk's own 784-256-128-10 model, exported by {@code OnnxModel.export}
 * with the weights {@link MlpInferenceBenchmark} uses: the inference peer, on the same report line as
 * jvk's (the class is named for the peer, then jvk's class; the parameters are the same). Input and
 * output tensors live in direct buffers bound once, so a call is ONNX Runtime's run alone. ONNX
 * Runtime at its best: every graph optimisation, sequential execution, intra-op threads =
 * {@code threads} (jvk's GEMM threads on the same line), inter-op 1; it picks its kernels from the
 * CPU at run time.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp "bench/target/classes:bench/target/lib/*" org.openjdk.jmh.Main \
 *   'mlp\.(OnnxRuntime)?MlpInferenceBenchmark' -p batch=1,16,128,1024 -p threads=1,2 -f 1 -wi 3 -w 1s -i 5 -r 1s
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class OnnxRuntimeMlpInferenceBenchmark {
    @Param({"1", "128", "1024"})
    int batch;

    @Param({"1", "2"})
    int threads;

    /** The model's input scaling, as {@link MlpInferenceBenchmark#scaling}: exported as the graph's Sub and Mul. */
    @Param({"none"})
    String scaling = "none";

    private OrtSession session;
    private OnnxTensor input;
    private OnnxTensor output;
    private Map<String, OnnxTensor> inputs;
    private Map<String, OnnxTensor> outputs;

    @Setup(Level.Trial)
    public void setUp() throws IOException, OrtException {
        FashionShapedData data = new FashionShapedData(batch, 2);
        Mlp mlp = MlpInferenceBenchmark.model(scaling, data);
        Path file = Files.createTempFile("jvk-ort-bench", ".onnx");
        try {
            OnnxModel.export(mlp, file);
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            session = env.createSession(file.toString(), options);
        } finally {
            Files.deleteIfExists(file);
        }
        input = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), direct(batch * FashionShapedData.FEATURES).put(data.pixels).rewind(),
                new long[] {batch, FashionShapedData.FEATURES});
        output = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), direct(batch * FashionShapedData.CLASSES),
                new long[] {batch, FashionShapedData.CLASSES});
        inputs = Map.of("input", input);
        outputs = Map.of("probabilities", output);
    }

    static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** Class probabilities for one batch, written into the bound output tensor. */
    @Benchmark
    public OnnxTensor predict() throws OrtException {
        session.run(inputs, outputs);
        return output;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        input.close();
        output.close();
        session.close();
    }
}
