package dev.jvk.bench.mlp;

import dev.jvk.nn.Activation;
import dev.jvk.nn.Mlp;
import dev.jvk.nn.onnx.OnnxModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Import of a 100 MB ONNX model (4096-4096-2048-10, 25.2M float weights, written by jvk's export in
 * the trial's setup, so in the page cache as a deployed model would be after its first read). The
 * issue's target: under 1 s, and heap no more than 1.2x the weights ({@code -prof gc}'s
 * {@code gc.alloc.rate.norm} is the bytes one import allocates).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp "bench/target/classes:bench/target/lib/*" org.openjdk.jmh.Main OnnxImport -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 10)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
public class OnnxImportBenchmark {
    private Path file;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Mlp mlp = Mlp.classifier(4096, new int[] {4096, 2048}, Activation.RELU, 10, 1);
        file = Files.createTempFile("jvk-import-bench", ".onnx");
        OnnxModel.export(mlp, file);
    }

    /** One import: parse, check, decode every weight into its layer. */
    @Benchmark
    public Mlp importModel() throws IOException {
        return OnnxModel.importMlp(file);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        Files.deleteIfExists(file);
    }
}
