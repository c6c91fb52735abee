package dev.jvk.bench.mlp;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.jvk.nn.Activation;
import dev.jvk.nn.Mlp;
import dev.jvk.nn.QuantizedDense;
import dev.jvk.nn.compress.Compression;
import dev.jvk.nn.onnx.OnnxModel;
import java.io.IOException;
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
 * ONNX Runtime running jvk's exports of one 784-256-128-10 model as float, int8 and int8-dynamic: what a user's ORT
 * pays for each graph. int8 is {@code DequantizeLinear} + {@code Gemm} (float activations); int8-dynamic is the same
 * int8 weights with each input row quantized in the graph as jvk does it (Abs, ReduceMax, Div, Clip, Round, a Gemm on
 * integer values, the scales in double). Both graphs hold the same int8 weights, so int8 is also the time of exporting
 * an int8-dynamic model with float activations instead. Sessions as {@link OnnxRuntimeMlpInferenceBenchmark}'s.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp "bench/target/classes:bench/target/lib/*" org.openjdk.jmh.Main \
 *   'mlp\.OnnxRuntimeQuantizedExportBenchmark' -f 2 -wi 3 -w 1s -i 5 -r 1s
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class OnnxRuntimeQuantizedExportBenchmark {
    @Param({"1", "128"})
    int batch;

    @Param({"float", "int8", "int8-dynamic"})
    String format;

    private OrtSession session;
    private OnnxTensor input;
    private OnnxTensor output;
    private Map<String, OnnxTensor> inputs;
    private Map<String, OnnxTensor> outputs;

    @Setup(Level.Trial)
    public void setUp() throws IOException, OrtException {
        Mlp mlp = Mlp.classifier(FashionShapedData.FEATURES, new int[] {256, 128}, Activation.RELU, FashionShapedData.CLASSES, 42);
        if (!format.equals("float")) {
            mlp = Compression.quantize(mlp, format.equals("int8") ? QuantizedDense.Format.INT8 : QuantizedDense.Format.INT8_DYNAMIC);
        }
        Path file = Files.createTempFile("jvk-ort-quantized-bench", ".onnx");
        try {
            OnnxModel.export(mlp, file);
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            session = OrtEnvironment.getEnvironment().createSession(file.toString(), options);
        } finally {
            Files.deleteIfExists(file);
        }
        FashionShapedData data = new FashionShapedData(batch, 2);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        input = OnnxTensor.createTensor(env, OnnxRuntimeMlpInferenceBenchmark.direct(batch * FashionShapedData.FEATURES).put(data.pixels).rewind(),
                new long[] {batch, FashionShapedData.FEATURES});
        output = OnnxTensor.createTensor(env, OnnxRuntimeMlpInferenceBenchmark.direct(batch * FashionShapedData.CLASSES),
                new long[] {batch, FashionShapedData.CLASSES});
        inputs = Map.of("input", input);
        outputs = Map.of("probabilities", output);
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
