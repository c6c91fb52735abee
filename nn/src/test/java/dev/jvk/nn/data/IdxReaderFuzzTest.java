package dev.jvk.nn.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Fuzzes the IDX reader: the first byte chooses images or labels and whether the rest is written
 * gzipped (so that the fuzzer reaches the gzip path without forging CRCs); any file either reads,
 * consistent with its header, or fails with a {@link DataException}. Nothing else escapes, under
 * the fuzz run's heap cap.
 */
class IdxReaderFuzzTest {
    private static final Path FILE = FuzzFile.create(".idx");

    @FuzzTest(maxDuration = "60s")
    void readOrRefuse(FuzzedDataProvider data) throws IOException {
        boolean images = data.consumeBoolean();
        boolean gzip = data.consumeBoolean();
        byte[] content = data.consumeRemainingAsBytes();
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(FILE)) : Files.newOutputStream(FILE)) {
            out.write(content);
        }
        try {
            if (images) {
                IdxReader.Images x = IdxReader.readImages(FILE);
                assertThat(x.pixels()).hasSize(x.count() * x.rows() * x.cols());
                for (float p : x.pixels()) {
                    assertThat(p).isBetween(0f, 255f);
                }
            } else {
                int[] labels = IdxReader.readLabels(FILE);
                assertThat(labels).hasSize(content.length - 8);
                for (int label : labels) {
                    assertThat(label).isBetween(0, 255);
                }
            }
        } catch (DataException e) {
            assertThat(e.getMessage()).startsWith(FILE + ": ").doesNotContain("\n");
        }
    }
}
