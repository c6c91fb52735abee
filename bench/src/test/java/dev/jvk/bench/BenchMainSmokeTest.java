package dev.jvk.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.jvk.bench.report.JmhJson;
import dev.jvk.bench.report.JmhResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wiring, end to end: the command runs one real benchmark through JMH's Java API (one tiny
 * iteration, in this JVM), keeps JMH's JSON and log, and writes the report from them. Proves the
 * path, not the speed: no figure is checked.
 */
class BenchMainSmokeTest {
    @TempDir
    Path out;

    @Test
    void oneTinyBenchmarkGoesFromJmhToTheReport() throws IOException {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BenchMain.run(new String[] {
                "--include", "^dev\\.jvk\\.bench\\.ceiling\\.FmaPeakBench\\.float128$",
                "--forks", "0", "--warmup", "1", "--iterations", "1", "--time", "100ms", "--out", out.toString()},
                new PrintStream(console, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        List<JmhResult> results = JmhJson.read(out.resolve("results.json"));
        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.benchmark()).isEqualTo("dev.jvk.bench.ceiling.FmaPeakBench.float128");
            assertThat(r.score()).isPositive();
        });
        assertThat(out.resolve("jmh/custom.json")).exists();
        assertThat(Files.readString(out.resolve("jmh.log"))).contains("# Benchmark: dev.jvk.bench.ceiling.FmaPeakBench.float128");
        assertThat(Files.readString(out.resolve("run.json"))).contains("\"CPU\"").contains("--include");
        String md = Files.readString(out.resolve("report.md"));
        assertThat(md).contains("## Machine").contains("| FMA peak, float, 128-bit | 1 |").contains("measurement 1 x 100 ms");
        assertThat(console.toString(StandardCharsets.UTF_8)).contains("jvk bench: report " + out.resolve("report.md"));
    }
}
