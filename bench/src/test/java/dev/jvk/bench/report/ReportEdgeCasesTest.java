package dev.jvk.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report copes with what a real run can leave: nothing, only odd rows, no run.json, no jvk. */
class ReportEdgeCasesTest {
    @TempDir
    Path dir;

    @Test
    void anEmptyRunGivesAReportThatSaysSoAndLeavesNoOldPlotBehind() throws IOException {
        Path json = Files.writeString(dir.resolve("results.json"), "[]");
        Files.writeString(dir.resolve("gemm-sgemm.png"), "from an earlier report");
        Files.writeString(dir.resolve("notes.png"), "not ours");
        Report.Written w = Report.generate(json, dir);
        String md = Files.readString(w.markdown());
        assertThat(md).contains("# jvk benchmark report").contains("No ceiling was measured");
        assertThat(w.plots()).isEmpty();
        assertThat(dir.resolve("gemm-sgemm.png")).doesNotExist();
        assertThat(dir.resolve("notes.png")).exists();
    }

    @Test
    void onlyUnrecognisedRowsAreListedRawAndNothingElseBreaks() throws IOException {
        Path json = Files.writeString(dir.resolve("results.json"), """
                [ { "benchmark" : "com.acme.ThingBench.run", "mode" : "thrpt", "threads" : 1,
                    "primaryMetric" : { "score" : 12.5, "scoreError" : 0.5, "scoreUnit" : "ops/s" } },
                  { "benchmark" : "dev.jvk.bench.gemm.SgemmBench.jvk", "mode" : "avgt", "threads" : 1, "params" : { "size" : "8" },
                    "primaryMetric" : { "score" : 3, "scoreError" : "NaN", "scoreUnit" : "furlongs/op" } } ]
                """);
        String md = Files.readString(Report.generate(json, dir).markdown());
        assertThat(md).contains("| `com.acme.ThingBench.run` |  | thrpt | 1 | 12.5 ± 0.5 | ops/s |")
                .as("a unit the report cannot convert is listed raw, not guessed")
                .contains("| `dev.jvk.bench.gemm.SgemmBench.jvk` | size=8 | avgt | 1 | 3.00 | furlongs/op |")
                .doesNotContain("## GEMM");
    }

    @Test
    void batchesAreInNumericOrderWithTheirThreadCountsSideBySide() throws IOException {
        StringBuilder rows = new StringBuilder("[");
        for (String batch : new String[] {"1024", "1", "128"}) {
            for (String threads : new String[] {"2", "1"}) {
                rows.append(rows.length() > 1 ? "," : "").append("""
                        { "benchmark" : "dev.jvk.bench.mlp.MlpInferenceBenchmark.predict", "mode" : "avgt", "threads" : 1,
                          "params" : { "batch" : "%s", "threads" : "%s" },
                          "primaryMetric" : { "score" : 100, "scoreError" : 1, "scoreUnit" : "us/op" } }
                        """.formatted(batch, threads));
            }
        }
        Path json = Files.writeString(dir.resolve("results.json"), rows.append("]"));
        String md = Files.readString(Report.generate(json, dir).markdown());
        assertThat(md.lines().filter(l -> l.startsWith("| mlpInference.predict |")).map(l -> l.split(" \\| ")[1] + " " + l.split(" \\| ")[2]))
                .containsExactly("1 batch=1", "2 batch=1", "1 batch=128", "2 batch=128", "1 batch=1024", "2 batch=1024");
    }

    @Test
    void withoutRunJsonTheReportSaysTheMachineWasNotRecorded() throws IOException {
        Path json = Sample.copyTo(dir);
        Files.delete(dir.resolve("run.json"));
        String md = Files.readString(Report.generate(json, dir.resolve("out")).markdown());
        assertThat(md).contains("The machine was not recorded").doesNotContain("## Machine").contains("## GEMM");
    }

    @Test
    void aTableWithoutJvkHasNoRatiosAndSaysJvkIsMissing() throws IOException {
        Path json = Files.writeString(dir.resolve("results.json"), """
                [ { "benchmark" : "dev.jvk.bench.blas1.DotBench.lucene", "mode" : "avgt", "threads" : 1, "params" : { "size" : "1024" },
                    "primaryMetric" : { "score" : 100, "scoreError" : 1, "scoreUnit" : "ns/op" } } ]
                """);
        String md = Files.readString(Report.generate(json, dir).markdown());
        assertThat(md).contains("| op | size | jvk | reference | plain | lucene |\n")
                .contains("| dot | 1K | missing | missing | missing | 81.9 ± 0.8 |")
                .contains("Missing: jvk, reference, plain");
    }

    @Test
    void theSameOperationFromTwoClassesStaysOnTwoLinesNamedByClass() throws IOException {
        Path json = Files.writeString(dir.resolve("results.json"), """
                [ { "benchmark" : "dev.jvk.bench.activations.ActivationsBench.jvk", "mode" : "avgt", "threads" : 1,
                    "params" : { "op" : "exp", "size" : "1024" },
                    "primaryMetric" : { "score" : 100, "scoreError" : 1, "scoreUnit" : "ns/op" } },
                  { "benchmark" : "dev.jvk.bench.activations.LanewiseTranscendentalsBench.jvk", "mode" : "avgt", "threads" : 1,
                    "params" : { "op" : "exp", "size" : "1024" },
                    "primaryMetric" : { "score" : 200, "scoreError" : 2, "scoreUnit" : "ns/op" } },
                  { "benchmark" : "dev.jvk.bench.activations.LanewiseTranscendentalsBench.lanewise", "mode" : "avgt", "threads" : 1,
                    "params" : { "op" : "exp", "size" : "1024" },
                    "primaryMetric" : { "score" : 400, "scoreError" : 4, "scoreUnit" : "ns/op" } },
                  { "benchmark" : "dev.jvk.bench.activations.ActivationsBench.jvk", "mode" : "avgt", "threads" : 1,
                    "params" : { "op" : "relu", "size" : "1024" },
                    "primaryMetric" : { "score" : 50, "scoreError" : 1, "scoreUnit" : "ns/op" } } ]
                """);
        String md = Files.readString(Report.generate(json, dir).markdown());
        // 8 KiB per call: 100 ns is 81.9 GB/s
        // (LanewiseTranscendentalsBench reads as a class named for the "lanewise" peer: its group is "transcendentals")
        assertThat(md).contains("| exp (activations) | 1K | 81.9 ± 0.8 | missing | missing | – | – | – |")
                .contains("| exp (transcendentals) | 1K | 41.0 ± 0.4 | missing | missing | 20.5 ± 0.2 | 2.00x | – |")
                .as("an operation from one class only keeps its plain name")
                .contains("| relu | 1K | 164 ± 3 |");
    }

    @Test
    void aPeerFromAnotherClassJoinsTheLineOfItsOperation() throws IOException {
        Path json = Files.writeString(dir.resolve("results.json"), """
                [ { "benchmark" : "dev.jvk.bench.blas1.VectorsBench.copyJvk", "mode" : "avgt", "threads" : 1, "params" : { "n" : "1024" },
                    "primaryMetric" : { "score" : 100, "scoreError" : 1, "scoreUnit" : "ns/op" } },
                  { "benchmark" : "dev.jvk.bench.blas1.VectorsBench.copyArraycopy", "mode" : "avgt", "threads" : 1, "params" : { "n" : "1024" },
                    "primaryMetric" : { "score" : 80, "scoreError" : 1, "scoreUnit" : "ns/op" } },
                  { "benchmark" : "dev.jvk.bench.blas1.StreamBench.streamCopy", "mode" : "avgt", "threads" : 1, "params" : { "n" : "1024" },
                    "primaryMetric" : { "score" : 200, "scoreError" : 2, "scoreUnit" : "ns/op" } } ]
                """);
        String md = Files.readString(Report.generate(json, dir).markdown());
        assertThat(md).contains("| op | size | jvk | reference | plain | arraycopy | stream | jvk/arraycopy | jvk/stream | jvk % STREAM |")
                .contains("| copy | 1K | 81.9 ± 0.8 | missing | missing | 102 ± 1 | 41.0 ± 0.4 | 0.80x | 2.00x | – |");
    }

    @Test
    void aScoreWhoseErrorExceedsHalfOfItIsMarked() throws IOException {
        Path json = Files.writeString(dir.resolve("results.json"), """
                [ { "benchmark" : "dev.jvk.bench.blas1.DotBench.jvk", "mode" : "avgt", "threads" : 1, "params" : { "size" : "1024" },
                    "primaryMetric" : { "score" : 100, "scoreError" : 60, "scoreUnit" : "ns/op" } },
                  { "benchmark" : "dev.jvk.bench.blas1.DotBench.reference", "mode" : "avgt", "threads" : 1, "params" : { "size" : "1024" },
                    "primaryMetric" : { "score" : 400, "scoreError" : 40, "scoreUnit" : "ns/op" } } ]
                """);
        String md = Files.readString(Report.generate(json, dir).markdown());
        assertThat(md).contains("| dot | 1K | 81.9 ± 49.2 † | 20.5 ± 2.0 | missing | missing | 4.00x | – |")
                .contains("† JMH's error is more than half the score");
    }

    @Test
    void aRowWithUnknownWorkShowsItsTimePerCall() throws IOException {
        Path json = Files.writeString(dir.resolve("results.json"), """
                [ { "benchmark" : "dev.jvk.bench.gemm.PackBench.jvk", "mode" : "avgt", "threads" : 1, "params" : { "size" : "64" },
                    "primaryMetric" : { "score" : 1500, "scoreError" : 30, "scoreUnit" : "ns/op" } },
                  { "benchmark" : "dev.jvk.bench.gemm.PackBench.reference", "mode" : "avgt", "threads" : 1, "params" : { "size" : "64" },
                    "primaryMetric" : { "score" : 6, "scoreError" : 0.3, "scoreUnit" : "us/op" } } ]
                """);
        String md = Files.readString(Report.generate(json, dir).markdown());
        assertThat(md).contains("Time per call (lower is better).")
                .contains("| pack | 64 | 1.50 ± 0.03 µs | 6.00 ± 0.30 µs | missing | missing | missing | 4.00x | – |");
    }

    @Test
    void aFigureMeasuredWithoutWarmUpIsMarkedColdAndSoIsItsRatio() throws IOException {
        String rows = """
                [ { "benchmark" : "dev.jvk.bench.blas1.DotBench.jvk", "mode" : "avgt", "threads" : 1, "params" : { "size" : "1024" },
                    "forks" : 1, "warmupIterations" : %d, "warmupTime" : "1 s", "measurementIterations" : 3, "measurementTime" : "1 s",
                    "primaryMetric" : { "score" : 100, "scoreError" : 1, "scoreUnit" : "ns/op" } },
                  { "benchmark" : "dev.jvk.bench.blas1.DotBench.lucene", "mode" : "avgt", "threads" : 1, "params" : { "size" : "1024" },
                    "forks" : 1, "warmupIterations" : 3, "warmupTime" : "1 s", "measurementIterations" : 3, "measurementTime" : "1 s",
                    "primaryMetric" : { "score" : 200, "scoreError" : 2, "scoreUnit" : "ns/op" } } ]
                """;
        String cold = Files.readString(Report.generate(Files.writeString(dir.resolve("results.json"), rows.formatted(0)), dir).markdown());
        assertThat(cold).contains("| dot | 1K | 81.9 ± 0.8 (cold) | missing | missing | 41.0 ± 0.4 | 2.00x (cold) |")
                .contains("(cold): measured with no warm-up iteration");
        Path warm = Files.createDirectory(dir.resolve("warm"));
        String md = Files.readString(Report.generate(Files.writeString(warm.resolve("results.json"), rows.formatted(3)), warm).markdown());
        assertThat(md).contains("| dot | 1K | 81.9 ± 0.8 | missing | missing | 41.0 ± 0.4 | 2.00x |").doesNotContain("(cold)");
    }
}
