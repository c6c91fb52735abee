package dev.jvk.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command's options: bad ones give one line and exit code 2 without running anything; --report redraws. */
class BenchMainTest {
    @TempDir
    Path dir;

    private record Outcome(int code, String out, String err) {}

    private static Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BenchMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"--bogus", "--quick --full", "--only foo", "--only gemm,ceiling", "--threads 0", "--threads two",
            "--report /no/such/file.json", "--report x.json --quick", "--time soon", "--forks -1", "--iterations 0",
            "--include x --only gemm", "extra"})
    void badOptionsPrintOneLineAndExitWith2(String line) {
        Outcome o = run(line.split(" "));
        assertThat(o.code()).as(line).isEqualTo(2);
        assertThat(o.err().lines().toList()).as(line).singleElement().satisfies(l -> assertThat(l).startsWith("jvk bench: "));
        assertThat(o.out()).as(line).isEmpty();
    }

    @Test
    void helpGoesToStdoutWithExitCode0() {
        Outcome o = run("--help");
        assertThat(o.code()).isZero();
        assertThat(o.out()).contains("--quick").contains("--only").contains("--report");
    }

    @Test
    void reportRedrawsASavedRunBesideItOrIntoOut() throws IOException {
        for (String name : new String[] {"results.json", "run.json", "jmh.log"}) {
            try (InputStream in = getClass().getResourceAsStream("report/sample/" + name)) {
                Files.copy(in, dir.resolve(name));
            }
        }
        Outcome beside = run("--report", dir.resolve("results.json").toString());
        assertThat(beside.code()).as(beside.err()).isZero();
        assertThat(dir.resolve("report.md")).exists();
        assertThat(dir.resolve("gemm-sgemm.png")).exists();
        assertThat(beside.out()).contains("report " + dir.resolve("report.md"));

        Path elsewhere = dir.resolve("elsewhere");
        Outcome out = run("--report", dir.resolve("results.json").toString(), "--out", elsewhere.toString());
        assertThat(out.code()).isZero();
        assertThat(elsewhere.resolve("report.md")).exists();
        assertThat(elsewhere.resolve("roofline.png")).exists();
    }

    @Test
    void aFileThatIsNotJmhJsonIsABadArgument() throws IOException {
        Path notJmh = Files.writeString(dir.resolve("notes.json"), "{\"hello\": 1}");
        Outcome o = run("--report", notJmh.toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err().lines().toList()).singleElement().satisfies(l -> assertThat(l).contains("notes.json"));
    }

    @Test
    void aJmhFileWithNoResultsIsABadArgumentNamingIt() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.json"), "[]\n");
        Outcome o = run("--report", empty.toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err().lines().toList()).singleElement().satisfies(l -> assertThat(l).contains("empty.json").contains("no JMH results"));
        assertThat(dir.resolve("report.md")).doesNotExist();
    }

    @Test
    void malformedJsonIsOneLineNamingTheFile() throws IOException {
        Path garbage = Files.writeString(dir.resolve("garbage.json"), "garbage{");
        Outcome o = run("--report", garbage.toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err().lines().toList()).singleElement().satisfies(l -> assertThat(l).contains("garbage.json"));
    }

    @Test
    void helpGivesTheThreadsDefaultTheReadmeGives() {
        // picocli wraps the description: compare the words
        assertThat(run("--help").out().replaceAll("\\s+", " ")).contains("Default: 1 and all cores side by side");
    }

    /** Refused before anything runs: no run.json, no jmh directory in --out. */
    @ParameterizedTest
    @ValueSource(strings = {"garbage{", "[]", "{\"a\": 1}"})
    void aCompareFileThatIsNotJmhResultsIsRefusedBeforeMeasuring(String content) throws IOException {
        Path old = Files.writeString(dir.resolve("old.json"), content);
        Path out = dir.resolve("out");
        Outcome o = run("--include", "^dev\\.jvk\\.bench\\.ceiling\\.FmaPeakBench\\.float128$", "--forks", "0", "--warmup", "0",
                "--iterations", "1", "--time", "10ms", "--compare", old.toString(), "--out", out.toString());
        assertThat(o.code()).as(content).isEqualTo(2);
        assertThat(o.err().lines().toList()).as(content).singleElement()
                .satisfies(l -> assertThat(l).startsWith("jvk bench: --compare: ").contains("old.json"));
        assertThat(out).as(content).doesNotExist();
    }
}
