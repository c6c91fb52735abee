package dev.jvk.nn;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jvk.nn.data.FuzzFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Fuzzes the model-file reader: any bytes either load, or fail with a {@link ModelFileException}
 * whose message is one line naming the file; nothing else escapes (no IndexOutOfBounds,
 * NegativeArraySize, OutOfMemoryError under the fuzz run's heap cap). What loads is exactly what the
 * writer writes: saving it again gives the same bytes, so the reader accepts nothing it ignores.
 *
 * <p>The first byte picks the route. Odd: the rest is a payload, framed here with a valid header and
 * CRC-32C (version 1 or 2 from bit 1), so that the fuzzer explores the payload instead of failing the
 * checksum; decoded in memory. Even: the rest is a whole file, read through {@link Mlp#load}.
 *
 * <p>{@code mvn verify} replays the committed corpus ({@code ModelFileFuzzTestInputs/loadOrRefuse});
 * {@code .ci/fuzz} fuzzes it for a fixed time ({@code JAZZER_FUZZ=1}).
 */
class ModelFileFuzzTest {
    private static final Path FILE = FuzzFile.create(".jvk");

    @FuzzTest(maxDuration = "60s")
    void loadOrRefuse(byte[] input) throws IOException {
        if (input.length == 0) {
            return;
        }
        byte[] rest = Arrays.copyOfRange(input, 1, input.length);
        boolean framed = (input[0] & 1) == 1;
        byte[] bytes = framed ? frame((input[0] >>> 1 & 1) + 1, rest) : rest;
        String name = framed ? "fuzz.jvk" : FILE.toString();
        Mlp mlp;
        try {
            if (framed) {
                mlp = ModelFile.decode(bytes, name);
            } else {
                Files.write(FILE, bytes);
                mlp = Mlp.load(FILE);
            }
        } catch (ModelFileException e) {
            assertThat(e.getMessage()).startsWith(name + ": ");
            assertThat(e.getMessage().chars().filter(Character::isISOControl).toArray()).as("control characters in %s", e.getMessage()).isEmpty();
            return;
        }
        int version = ByteBuffer.wrap(bytes).getInt(8);
        assertThat(ModelFile.encode(mlp, version)).as("the loaded model, written again").isEqualTo(bytes);
        assertThat(mlp.predict(new float[mlp.inputs()], 1)).hasSize(mlp.classes());
    }

    /** {@code payload} as a file of format {@code version}: magic, version, length, payload, CRC-32C. */
    static byte[] frame(int version, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(ModelFile.HEADER + payload.length + ModelFile.TRAILER);
        b.put(ModelFile.MAGIC).putInt(version).putLong(payload.length).put(payload);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, ModelFile.HEADER + payload.length);
        b.putInt((int) crc.getValue());
        return b.array();
    }
}
