package dev.jvk.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JmhJsonTest {
    @TempDir
    Path dir;

    @Test
    void readsEveryRowOfTheSampleWithItsParametersInJmhOrder() throws IOException {
        List<JmhResult> rows = JmhJson.read(Sample.copyTo(dir));
        assertThat(rows).hasSize(66);
        JmhResult shapes = rows.stream().filter(r -> r.benchmark().endsWith("SgemmShapesBench.jvk")).findFirst().orElseThrow();
        assertThat(shapes.params()).containsExactly(
                java.util.Map.entry("shape", "128x256x784"), java.util.Map.entry("trans", "NN"), java.util.Map.entry("threads", "1"));
        assertThat(shapes.mode()).isEqualTo("thrpt");
        assertThat(shapes.settings()).isEqualTo("1 fork, warm-up 2 x 500 ms, measurement 3 x 500 ms");
        assertThat(shapes.jdk()).isEqualTo("25.0.3 (OpenJDK 64-Bit Server VM)");
    }

    @Test
    void jmhsNaNStringIsReadAsNaN() throws IOException {
        JmhResult single = JmhJson.read(Sample.copyTo(dir)).stream()
                .filter(r -> r.benchmark().endsWith("firstCall")).findFirst().orElseThrow();
        assertThat(single.scoreError()).isNaN();
        assertThat(single.score()).isEqualTo(1234.5);
        assertThat(single.params()).isEmpty();
    }

    @Test
    void mergeConcatenatesFilesAndSkipsMissingOnes() throws IOException {
        Path all = Sample.copyTo(dir);
        Path copy = dir.resolve("copy.json");
        Files.copy(all, copy);
        Path merged = dir.resolve("merged.json");
        JmhJson.merge(List.of(all, dir.resolve("never-written.json"), copy), merged);
        List<JmhResult> rows = JmhJson.read(merged);
        assertThat(rows).hasSize(132);
        assertThat(rows.subList(0, 66)).isEqualTo(JmhJson.read(all));
        assertThat(rows.subList(66, 132).stream().filter(r -> r.benchmark().endsWith("firstCall")).findFirst().orElseThrow().scoreError())
                .as("the NaN string survives the merge").isNaN();
    }

    @Test
    void somethingElseIsRejectedWithTheFileName() throws IOException {
        Path object = Files.writeString(dir.resolve("object.json"), "{\"benchmark\": \"x\"}");
        assertThatThrownBy(() -> JmhJson.read(object)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("object.json").hasMessageContaining("array");
        Path garbage = Files.writeString(dir.resolve("garbage.json"), "[{\"benchmark\": ");
        assertThatThrownBy(() -> JmhJson.read(garbage)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("garbage.json");
        Path noMetric = Files.writeString(dir.resolve("nometric.json"), "[{\"benchmark\": \"a.B.c\", \"mode\": \"avgt\"}]");
        assertThatThrownBy(() -> JmhJson.read(noMetric)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("entry 0").hasMessageContaining("primaryMetric");
    }

    /** The command prints the message as its one line on stderr. */
    @Test
    void malformedJsonIsRejectedOnOneLineWithTheFileAndWhere() throws IOException {
        Path garbage = Files.writeString(dir.resolve("garbage.json"), "garbage{\n");
        assertThatThrownBy(() -> JmhJson.read(garbage)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(garbage + " is not JSON (at line 1 column 9)");
        Path cut = Files.writeString(dir.resolve("cut.json"), "[{\"benchmark\": \"x\"\n");
        assertThatThrownBy(() -> JmhJson.read(cut)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(cut + " is not JSON (it ends too soon, at line ").satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
