package dev.jvk.nn.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jvk.nn.Mlp;
import dev.jvk.nn.ModelFileException;
import dev.jvk.nn.data.FuzzFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzzes the ONNX reader (the protobuf decoding, the tensor decoding and the graph matching): any
 * bytes either read as a model that predicts, or fail with an {@link OnnxFormatException} (or the
 * {@link ModelFileException} it extends) whose message is one line naming the file; nothing else
 * escapes (no IndexOutOfBounds, NegativeArraySize, OutOfMemoryError under the fuzz run's heap cap).
 *
 * <p>The corpus starts from files jvk's exporter and the importer's test graphs write (PyTorch,
 * Keras and skl2onnx patterns), so that the fuzzer mutates well-formed models instead of searching
 * for the protobuf framing. {@code mvn verify} replays the committed corpus
 * ({@code OnnxReaderFuzzTestInputs/readOrRefuse}); {@code .ci/fuzz} fuzzes it for a fixed time.
 */
class OnnxReaderFuzzTest {
    private static final Path FILE = FuzzFile.create(".onnx");

    @FuzzTest(maxDuration = "60s")
    void readOrRefuse(byte[] input) throws IOException {
        Files.write(FILE, input);
        OnnxModel model;
        try {
            model = OnnxModel.read(FILE);
        } catch (ModelFileException e) {
            assertThat(e.getMessage()).startsWith(FILE + ": ");
            assertThat(e.getMessage().chars().filter(Character::isISOControl).toArray()).as("control characters in %s", e.getMessage()).isEmpty();
            return;
        }
        Mlp mlp = model.mlp();
        assertThat(model.classNames().size()).as("class names").isIn(0, mlp.classes());
        assertThat(mlp.predict(new float[mlp.inputs()], 1)).hasSize(mlp.classes());
    }
}
