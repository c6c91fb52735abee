package dev.jvk.nn.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzzes the CSV reader through its public API: label column and header flag from the first bytes,
 * the rest as the file. Any file either reads, as a consistent data set of finite features and
 * labels in range, or fails with a {@link DataException} whose message is one line; nothing else
 * escapes, under the fuzz run's heap cap.
 */
class CsvReaderFuzzTest {
    private static final Path FILE = FuzzFile.create(".csv");

    @FuzzTest(maxDuration = "60s")
    void readOrRefuse(FuzzedDataProvider data) throws IOException {
        int labelColumn = data.consumeInt(0, 4);
        boolean header = data.consumeBoolean();
        Files.write(FILE, data.consumeRemainingAsBytes());
        DataSet set;
        try {
            set = CsvReader.read(FILE, labelColumn, header);
        } catch (DataException e) {
            assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("\r");
            return;
        }
        assertThat(set.rows()).isPositive();
        assertThat(set.features()).hasSize(set.rows() * set.featureCount());
        for (float f : set.features()) {
            assertThat(Float.isFinite(f)).as("feature %s", f).isTrue();
        }
        for (int label : set.labels()) {
            assertThat(label).isBetween(0, set.classes() - 1);
        }
    }
}
