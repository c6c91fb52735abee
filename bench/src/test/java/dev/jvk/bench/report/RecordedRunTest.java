package dev.jvk.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.jvk.bench.BenchMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reports built from the recorded runs in {@code recorded/} (see its README): a peer that did not
 * run at its best is warned about and its ratios marked, a figure above its ceiling is marked, the
 * verdicts follow from the ratios, and {@code --compare} lists what changed. Every expected figure
 * is computed here from the recorded scores.
 */
class RecordedRunTest {
    @TempDir
    Path dir;

    private String report(String runJson) throws IOException {
        copy("results.json", "results.json");
        copy(runJson, RunInfo.FILE_NAME);
        return Files.readString(Report.generate(dir.resolve("results.json"), dir.resolve("out")).markdown());
    }

    @Test
    void haswellKernelsOnAnAvx512MachineAreWarnedAboutAboveTheTablesAndTheirRatiosMarked() throws IOException {
        String md = report("run-haswell.json");
        int warning = md.indexOf("> **Warning: openblas did not run at its best here.**");
        assertThat(warning).as("the warning").isGreaterThan(0);
        assertThat(warning).as("above the verdicts and every table").isLessThan(md.indexOf("## Should I use jvk here?"));
        assertThat(md).contains("OpenBLAS ran its Haswell kernels (256-bit) on a CPU that runs Cooperlake's (512-bit)");
        // jvk 180 over OpenBLAS 100 GFLOP/s at 1024^3: 1.80x, marked
        assertThat(row(md, "| sgemm | NN:1024x1024x1024 | 1 |")).contains("| 1.80x ⚠ |");
        assertThat(section(md, "## How the peers ran")).contains("OpenBLAS: ran its **Haswell** kernels: fixed by --openblas-core Haswell.");
        assertThat(verdict(md, "large GEMM")).contains("⚠").contains("low: the best peer did not run at its best");
    }

    @Test
    void anOlderRecordNamingOnlyTheCoreTypeIsJudgedByItToo() throws IOException {
        String md = report("run-legacy-haswell.json");
        assertThat(md).contains("> **Warning: openblas did not run at its best here.** OpenBLAS ran its Haswell kernels");
        assertThat(row(md, "| sgemm | NN:1024x1024x1024 | 1 |")).contains("| 1.80x ⚠ |");
    }

    @Test
    void theBestKernelsGetNoWarningAndNoMark() throws IOException {
        String md = report("run-cooperlake.json");
        assertThat(md).doesNotContain("Warning").doesNotContain("⚠");
        assertThat(row(md, "| sgemm | NN:1024x1024x1024 | 1 |")).contains("| 1.80x |");
    }

    @Test
    void aFigureAboveItsCeilingIsMarkedAsAMeasurementError() throws IOException {
        String md = report("run-cooperlake.json");
        // FMA peak: 2 x 16 lanes x 16 chains x 1024 steps per call over the recorded ns per call
        double peak = 2.0 * 16 * 16 * 1024 / score(recorded("results.json"), "FmaPeakBench.float512");
        assertThat(peak).isCloseTo(200, org.assertj.core.data.Offset.offset(1e-6));
        // 256^3: jvk 210 GFLOP/s is above it, OpenBLAS 120 is not; at 1024^3 neither (180, 100)
        assertThat(row(md, "| sgemm | NN:256x256x256 |")).startsWith("| sgemm | NN:256x256x256 | 1 | 210 ± 2 ‡ | missing | 120 ± 1 |");
        assertThat(row(md, "| sgemm | NN:1024x1024x1024 | 1 |")).doesNotContain("‡");
        // on 2 threads the bound is twice the 1-thread peak, 400: jvk's 340 is under it
        assertThat(row(md, "| sgemm | NN:1024x1024x1024 | 2 |")).doesNotContain("‡");
        // dot at 16M: 28 GB/s under STREAM triad's 30
        assertThat(row(md, "| dot | 16M |")).doesNotContain("‡");
        assertThat(section(md, "## GEMM")).contains("‡ above the FMA peak measured in this run: a measurement error");
    }

    @Test
    void theBandwidthCeilingOfAKindIsTheFastestWayMeasuredOfIt() throws IOException {
        String md = report("run-cooperlake.json");
        assertThat(section(md, "## Ceilings")).contains("| STREAM copy, 16M floats | 1 | 40.0 ± 0.8 GB/s |")
                .contains("| copy by System.arraycopy, 16M floats | 1 | 45.0 ± 0.9 GB/s |");
        // exp reads one array and writes one: 20 GB/s against the faster copy, 45, not STREAM's 40
        assertThat(row(md, "| exp | 16M |")).endsWith(String.format(Locale.ROOT, "| %.0f%% |", 100 * 20.0 / 45));
    }

    @Test
    void theVerdictsFollowFromTheRatiosAndTheirErrors() throws IOException {
        String md = report("run-cooperlake.json");
        String json = recorded("results.json");
        // large GEMM: 256^3, and 1024^3 on 1 and 2 threads, jvk over OpenBLAS, errors 1% and 2% on each side
        Expected large = Expected.of(new double[][] {
                {score(json, "SgemmBench.jvk", "256x256x256") / score(json, "SgemmBench.openblas", "256x256x256"), Math.hypot(0.01, 0.01)},
                {score(json, "SgemmBench.jvk", "1024x1024x1024", ONE) / score(json, "SgemmBench.openblas", "1024x1024x1024", ONE), Math.hypot(0.02, 0.02)},
                {340.0 / 190, Math.hypot(0.02, 0.02)}});
        assertThat(large.verdict()).isEqualTo("faster");
        assertThat(verdict(md, "large GEMM")).startsWith(large.cells() + " | **faster** | low: some figures are above their ceiling | openblas | 3 (1.75x–1.80x) |");
        Expected small = Expected.of(new double[][] {{40.0 / 80, Math.hypot(0.03, 0.03)}});
        assertThat(verdict(md, "small GEMM")).startsWith(small.cells() + " | **slower** | high | openblas | 1 |");
        // dot 28 over 27 GB/s with 5% errors on each: the interval spans 1
        Expected dot = Expected.of(new double[][] {{28.0 / 27, Math.hypot(0.05, 0.05)}});
        assertThat(dot.verdict()).isEqualTo("level");
        // an interval 10-30% wide (high over low) is medium confidence
        assertThat(dot.high() / dot.low()).isBetween(1.10, 1.30);
        assertThat(verdict(md, "reductions")).startsWith(dot.cells() + " | **level** | medium | lucene | 1 |");
        Expected exp = Expected.of(new double[][] {{20.0 / 5, Math.hypot(0.02, 0.02)}});
        assertThat(verdict(md, "elementwise")).startsWith(exp.cells() + " | **faster** | high | plain | 1 |");
        Expected mlp = Expected.of(new double[][] {{250000.0 / 70000, Math.hypot(0.02, 0.02)}});
        assertThat(verdict(md, "MLP training")).startsWith(mlp.cells() + " | **faster** | high | pytorch | 1 |");
        // inference at batch 128: ONNX Runtime 125 and 70 µs a call, jvk 100 and 60, on 1 and 2 threads
        Expected inference = Expected.of(new double[][] {{125.0 / 100, Math.hypot(0.02, 0.02)}, {70.0 / 60, Math.hypot(0.02, 0.02)}});
        assertThat(verdict(md, "inference")).startsWith(inference.cells() + " | **faster** | high | onnxruntime | 2 (1.17x–1.25x) |");
        assertThat(verdict(md, "GEMV")).contains("not measured");
    }

    @Test
    void compareListsWhatGotFasterOrSlowerBeyondTheErrors() throws IOException {
        copy("after.json", "results.json");
        copy("before.json", "before.json");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = BenchMain.run(new String[] {"--report", dir.resolve("results.json").toString(), "--compare",
                dir.resolve("before.json").toString(), "--out", dir.resolve("out").toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        String console = out.toString(StandardCharsets.UTF_8);
        // 215 / 180 = 1.19 faster; 16 / 20 = 0.80 slower; 228 / 230 and 27 / 28 within their errors
        assertThat(console).contains("1 slower, 1 faster, 2 unchanged within JMH's error, 1 new, 1 gone")
                .contains("slower activations.ActivationsBench.jvk op=exp, size=16777216: 0.80x")
                .contains("faster gemm.SgemmBench.jvk shape=NN:1024x1024x1024, threads=1: 1.19x");
        String md = Files.readString(dir.resolve("out").resolve(Report.MARKDOWN));
        String changes = section(md, "## Changes since");
        assertThat(row(changes, "| **faster** |")).contains("`gemm.SgemmBench.jvk` | shape=NN:1024x1024x1024, threads=1 |")
                .endsWith(String.format(Locale.ROOT, "| %s | %.0f%% |", ratio(215.0 / 180), 100 * Math.hypot(0.02, 0.02)));
        assertThat(changes).contains("| new | `gemm.SgemmBench.jvk` | shape=NN:2048x2048x2048, threads=1 |")
                .contains("| gone | `gemm.SgemmBench.jvk` | shape=NN:128x10x128, threads=1 |")
                .as("unchanged within the error: counted, not listed").doesNotContain("`gemm.SgemmBench.openblas`")
                .doesNotContain("`blas1.SumDotBench.dotJvk`");
        assertThat(row(changes, "| **slower** |")).contains("`activations.ActivationsBench.jvk` | op=exp, size=16777216 |")
                .endsWith(String.format(Locale.ROOT, "| %s | %.0f%% |", ratio(16.0 / 20), 100 * Math.hypot(0.02, 0.02)));
    }

    @Test
    void compareWithAMissingFileIsABadOption() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = BenchMain.run(new String[] {"--report", "x.json", "--compare", dir.resolve("nope.json").toString()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--compare: no such file");
    }

    /** The verdict rule restated: geometric means of the ratios and of each end of their intervals. */
    private record Expected(double ratio, double low, double high) {
        static Expected of(double[][] ratioAndError) {
            double r = 0, lo = 0, hi = 0;
            for (double[] re : ratioAndError) {
                r += Math.log(re[0]);
                lo += Math.log(re[0] * (1 - re[1]));
                hi += Math.log(re[0] * (1 + re[1]));
            }
            int n = ratioAndError.length;
            return new Expected(Math.exp(r / n), Math.exp(lo / n), Math.exp(hi / n));
        }

        String verdict() {
            return low > 1 ? "faster" : high < 1 ? "slower" : "level";
        }

        String cells() {
            return RecordedRunTest.ratio(ratio) + " | " + RecordedRunTest.ratio(low) + "–" + RecordedRunTest.ratio(high);
        }
    }

    @Test
    void aTrainingStepsBatchIsAParameterNotAMultiplier() throws IOException {
        String md = report("run-cooperlake.json");
        // one JMH operation of a training benchmark is one sample: 250000 ops/s are 250000 samples/s at any batch
        assertThat(row(section(md, "## MLP training and inference"), "| mlpTraining.trainStep | 1 | batch=128, optimizer=sgd |"))
                .startsWith("| mlpTraining.trainStep | 1 | batch=128, optimizer=sgd | 250000 ± 5000 | 70000 ± 1400 | – | 3.57x | – |");
        // an inference call is a batch: 128 samples in 100 µs
        assertThat(row(section(md, "## MLP training and inference"), "| mlpInference.predict | 1 | batch=128 |"))
                .startsWith("| mlpInference.predict | 1 | batch=128 | 1280000 ± 25600 | – | 1024000 ± 20480 | – | 1.25x |");
    }

    @Test
    void oneThreadAndTwoStandSideBySideWithWhatTheSecondGave() throws IOException {
        String md = report("run-cooperlake.json");
        String threads = section(md, "## 1 thread and 2 threads side by side");
        assertThat(md.indexOf("## 1 thread and 2 threads")).as("right after the verdicts").isLessThan(md.indexOf("## How the peers ran"));
        double err = Math.hypot(0.02, 0.02);
        // SGEMM 1024^3: jvk 180 -> 340 GFLOP/s, OpenBLAS 100 -> 190
        assertThat(row(threads, "| large GEMM | sgemm NN:1024x1024x1024 |")).isEqualTo("| large GEMM | sgemm NN:1024x1024x1024 | GFLOP/s | 180 ± 4 | 340 ± 7 | "
                + withError(340.0 / 180, err) + " | openblas | 100 ± 2 | 190 ± 4 | " + withError(190.0 / 100, err) + " | "
                + withError(180.0 / 100, err) + " | " + withError(340.0 / 190, err) + " |");
        // inference at batch 128: jvk 100 -> 60 µs, ONNX Runtime 125 -> 70 µs a call
        assertThat(row(threads, "| inference | mlpInference.predict, batch=128 |")).isEqualTo("| inference | mlpInference.predict, batch=128 | samples/s | "
                + "1280000 ± 25600 | 2133333 ± 42667 | " + withError(100.0 / 60, err) + " | onnxruntime | 1024000 ± 20480 | 1828571 ± 36571 | "
                + withError(125.0 / 70, err) + " | " + withError(125.0 / 100, err) + " | " + withError(70.0 / 60, err) + " |");
        assertThat(threads).as("training ran on 1 thread only").doesNotContain("mlpTraining");
    }

    private static final String ONE = "\"threads\":\"1\"";

    private static String withError(double r, double relativeError) {
        return String.format(Locale.ROOT, "%.2fx ± %.2f", r, r * relativeError);
    }

    private static String ratio(double r) {
        return String.format(Locale.ROOT, r >= 10 ? "%.1fx" : "%.2fx", r);
    }

    private static String verdict(String md, String kind) {
        String line = row(section(md, "## Should I use jvk here?"), "| " + kind + " |");
        return line.substring(("| " + kind + " | ").length());
    }

    /** The score of the first recorded row whose benchmark ends with {@code name} and whose text holds {@code also}. */
    private static double score(String json, String name, String... also) {
        com.google.gson.JsonArray rows = com.google.gson.JsonParser.parseString(json).getAsJsonArray();
        for (com.google.gson.JsonElement e : rows) {
            com.google.gson.JsonObject o = e.getAsJsonObject();
            if (o.get("benchmark").getAsString().endsWith(name) && List.of(also).stream().allMatch(a -> o.toString().contains(a))) {
                return o.getAsJsonObject("primaryMetric").get("score").getAsDouble();
            }
        }
        throw new AssertionError("no recorded row " + name);
    }

    private void copy(String resource, String as) throws IOException {
        try (InputStream in = RecordedRunTest.class.getResourceAsStream("recorded/" + resource)) {
            assertThat(in).as(resource).isNotNull();
            Files.copy(in, dir.resolve(as), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String recorded(String resource) throws IOException {
        try (InputStream in = RecordedRunTest.class.getResourceAsStream("recorded/" + resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String row(String md, String prefix) {
        List<String> rows = new ArrayList<>(md.lines().filter(l -> l.startsWith(prefix)).toList());
        assertThat(rows).as("a row starting with " + prefix + " in\n" + md).isNotEmpty();
        return rows.get(0);
    }

    private static String section(String md, String heading) {
        int start = md.indexOf(heading);
        assertThat(start).as("section " + heading + " in\n" + md).isGreaterThanOrEqualTo(0);
        int end = md.indexOf("\n## ", start + heading.length());
        return md.substring(start, end < 0 ? md.length() : end);
    }
}
