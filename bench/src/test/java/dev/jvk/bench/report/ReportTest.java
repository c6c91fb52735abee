package dev.jvk.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report generated from the checked-in sample run: tables, ratios, ceiling shares, failures, plots. */
class ReportTest {
    @TempDir
    static Path dir;
    static Report.Written written;
    static String md;
    static List<JmhResult> sample;

    @BeforeAll
    static void generate() throws IOException {
        Path json = Sample.copyTo(dir);
        sample = JmhJson.read(json);
        written = Report.generate(json, dir.resolve("out"));
        md = Files.readString(written.markdown());
    }

    @Test
    void gemmTableHasEveryImplementationSideBySideWithRatios() {
        assertThat(md).contains("| op | size | threads | params | jvk | reference | openblas | netlib | ejml "
                + "| jvk/reference | jvk/openblas | jvk/netlib | jvk/ejml | jvk % FMA peak |");
        // the sample's sgemm 1024 on 1 thread: jvk 215, reference 1.8, openblas 233, netlib 70, ejml 7.5 GFLOP/s;
        // its noisy FMA peak is below jvk's and OpenBLAS's figures, so both are marked as above the ceiling
        double peak = fmaPeak("float512", 1);
        assertThat(peak).isBetween(70.0, 215.0);
        assertThat(row("| sgemm | 1024 | 1 |")).startsWith(
                "| sgemm | 1024 | 1 |  | 215 ± 4 ‡ | 1.80 ± 0.04 | 233 ± 5 ‡ | 70.0 ± 1.4 | 7.50 ± 0.15 | 119x | 0.92x | 3.07x | 28.7x | ");
    }

    @Test
    void gemmShareIsOfTheFmaPeakMeasuredInTheSameRun() {
        assertThat(row("| sgemm | 1024 | 1 |")).endsWith(share(215 / fmaPeak("float512", 1), fma("float512", 1)));
        // dgemm is measured against the double peak
        assertThat(row("| dgemm | 1024 | 1 |")).endsWith(share(88 / fmaPeak("double512", 1), fma("double512", 1)));
        // two threads against the peak measured on two JMH threads
        assertThat(row("| sgemm | 1024 | 2 |")).endsWith(share(400 / fmaPeak("float512", 2), fma("float512", 2)));
    }

    @Test
    void aRowWithParametersKeepsThemInItsOwnColumn() {
        assertThat(row("| sgemmShapes | 128x10x128 |")).startsWith("| sgemmShapes | 128x10x128 | 1 | trans=NN | 60.0 ± 1.2 |")
                .contains("| 0.51x |");
    }

    @Test
    void aPeerThatFailedToLoadShowsFailedAndItsError() {
        assertThat(fmaPeak("double512", 1)).isBetween(35.0, 80.0);
        assertThat(row("| dgemm | 256 | 1 |")).contains("| 80.0 ± 1.6 ‡ | 1.90 ± 0.04 | failed | 35.0 ± 0.7 |");
        assertThat(md).contains("## Failed benchmarks")
                .contains("| `dev.jvk.bench.gemm.DgemmBench.openblas` | size=256, threads=1 | java.lang.UnsatisfiedLinkError: no jniopenblas_nolapack");
    }

    @Test
    void anExpectedPeerWithNoResultIsMissingNotDropped() {
        assertThat(section("## Elementwise operations")).contains("| op | size | jvk | reference | plain | jvk/reference | jvk % STREAM |")
                .contains("Missing: plain");
        assertThat(row("| exp | 4K |")).isEqualTo("| exp | 4K | 60.0 ± 1.8 | 3.00 ± 0.09 | missing | 20.0x | – |");
    }

    @Test
    void memoryBoundRowsShowTheirShareOfStreamOnlyBeyondTheCaches() {
        // the sample's STREAM triad (11 GB/s) is below jvk's and Lucene's dot: marked as above the ceiling
        assertThat(streamBandwidth("triad")).isBetween(10.5, 19.0);
        assertThat(row("| dot | 16M |")).isEqualTo("| dot | 16M | 20.0 ± 0.6 ‡ | 10.00 ± 0.30 | 10.5 ± 0.3 | 19.0 ± 0.6 ‡ | 2.00x | 1.90x | 1.05x "
                + share(20 / streamBandwidth("triad"), sampleRow("dev.jvk.bench.ceiling.StreamBench.triad", 1)));
        assertThat(row("| dot | 4K |")).endsWith("| 8.33x | 8.00x | 1.25x | – |");
        // exp reads one array and writes one: compared with STREAM copy
        assertThat(row("| exp | 16M |")).endsWith(share(21 / streamBandwidth("copy"), sampleRow("dev.jvk.bench.ceiling.StreamBench.copy", 1)));
    }

    @Test
    void throughputAndTimeModesAreBothConvertedToRates() {
        // dot is in ops/us (thrpt), sum in ns/op (avgt): both shown in GB/s
        assertThat(row("| sum | 4K |")).startsWith("| sum | 4K | 90.0 ± 3.6 | 4.00 ± 0.16 | 4.10 ± 0.16 | – |");
    }

    @Test
    void mlpTableIsInSamplesPerSecond() {
        assertThat(section("## MLP training and inference")).contains("samples/s (higher is better).")
                .contains("| mlpTrain | 1 | batch=128, layers=784-256-128-10 | 15360 ± 768 | 768 ± 38 | missing | missing | 20.0x |");
    }

    @Test
    void machineComesFromRunJsonAndCeilingsAreListed() {
        assertThat(section("## Machine")).contains("| CPU | AMD EPYC |").contains("| Vector API | preferred species 512-bit");
        assertThat(section("## Ceilings")).contains("| FMA peak, float, 512-bit | 1 |").contains("| FMA peak, float, 512-bit | 2 |")
                .contains("| STREAM copy, 16M floats | 1 |").contains("| STREAM triad, 16M floats | 2 |");
        assertThat(md).contains("with `./jvk bench --quick`").contains("1 fork, warm-up 2 x 500 ms, measurement 3 x 500 ms");
    }

    @Test
    void rowsOutsideTheConventionsAreListedRaw() {
        assertThat(section("## Other results"))
                .contains("| `dev.jvk.bench.misc.WarmupCostBench.firstCall` |  | ss | 1 | 1235 | us/op |")
                .contains("| `org.example.OtherBench.measure` | n=10 | avgt | 1 | 42.0 ± 1.5 | ns/op |");
    }

    @Test
    void everyPlotIsWrittenDecodableAndOfTheRightSize() throws IOException {
        assertThat(written.plots()).extracting(p -> p.getFileName().toString())
                .as("a GEMM plot per operation, a memory plot per memory-bound family, MLP training, the roofline")
                .containsExactlyInAnyOrder("gemm-dgemm.png", "gemm-sgemm.png", "gemm-sgemmshapes.png", "memory-reductions.png",
                        "memory-elementwise.png", "mlp-training.png", "roofline.png");
        for (Path png : written.plots()) {
            BufferedImage image = ImageIO.read(png.toFile());
            assertThat(image).as(png.toString()).isNotNull();
            // sgemm, the sample's one operation on 1 and 2 threads, has them side by side: half as wide again
            boolean twoPanels = png.getFileName().toString().equals("gemm-sgemm.png");
            assertThat(image.getWidth()).isEqualTo(twoPanels ? Charts.WIDTH * 3 / 2 : Charts.WIDTH);
            assertThat(image.getHeight()).isEqualTo(Charts.HEIGHT);
            assertThat(md).contains("](" + png.getFileName() + ")");
        }
    }

    @Test
    void plotsAreNotBlank() throws IOException {
        // a chart that drew nothing would be one colour; the GEMM lines and labels are many
        BufferedImage image = ImageIO.read(dir.resolve("out/gemm-sgemm.png").toFile());
        long colours = Arrays.stream(image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth()))
                .distinct().count();
        assertThat(colours).isGreaterThan(20);
    }

    /** The share cell: a percentage, marked when the ceiling it is taken of is noisy (the sample's real ceilings are). */
    private static String share(double fraction, JmhResult ceiling) {
        return String.format(Locale.ROOT, "| %.0f%%%s |", 100 * fraction, ceiling.relativeError() > MarkdownReport.NOISY ? " †" : "");
    }

    private static JmhResult fma(String method, int threads) {
        return sampleRow("dev.jvk.bench.ceiling.FmaPeakBench." + method, threads);
    }

    private static String row(String prefix) {
        return md.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no row starting with " + prefix + " in\n" + md));
    }

    private static String section(String heading) {
        int start = md.indexOf(heading + "\n");
        assertThat(start).as("section " + heading).isGreaterThanOrEqualTo(0);
        int end = md.indexOf("\n## ", start + heading.length());
        return md.substring(start, end < 0 ? md.length() : end);
    }

    /** GFLOP/s of an FMA peak row of the sample, from its own score: 2 * lanes * 16 chains * 1024 steps per call. */
    private static double fmaPeak(String method, int threads) {
        JmhResult r = sampleRow("dev.jvk.bench.ceiling.FmaPeakBench." + method, threads);
        assertThat(r.scoreUnit()).isEqualTo("ns/op");
        int lanes = Integer.parseInt(method.replaceAll("\\D", "")) / (method.startsWith("float") ? 32 : 64);
        return threads * 2.0 * lanes * 16 * 1024 / r.score();
    }

    /** GB/s of a STREAM row of the sample, one thread: 8 or 12 bytes per element of 16M. */
    private static double streamBandwidth(String method) {
        JmhResult r = sampleRow("dev.jvk.bench.ceiling.StreamBench." + method, 1);
        assertThat(r.scoreUnit()).isEqualTo("us/op");
        double bytes = (method.equals("copy") ? 8.0 : 12.0) * 16777216;
        return bytes / (r.score() * 1e-6) / 1e9;
    }

    private static JmhResult sampleRow(String benchmark, int threads) {
        return sample.stream().filter(r -> r.benchmark().equals(benchmark) && r.jmhThreads() == threads).findFirst()
                .orElseThrow(() -> new AssertionError("sample has no " + benchmark + " on " + threads + " threads"));
    }
}
