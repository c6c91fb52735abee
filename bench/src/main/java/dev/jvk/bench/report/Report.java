package dev.jvk.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Writes {@code report.md} and the PNG plots for a JMH JSON result file. Beside the JSON it also
 * reads, when present, {@code run.json} (the machine and command) and {@code jmh.log} (which
 * benchmarks failed).
 */
public final class Report {
    /** The Markdown file's name in the output directory. */
    public static final String MARKDOWN = "report.md";
    /** JMH's text output, kept beside the results: the report reads failures from it. */
    public static final String JMH_LOG = "jmh.log";

    private Report() {}

    /**
     * What was written.
     *
     * @param markdown the report
     * @param plots    the PNG files, in the order the report shows them
     * @param comparison what changed since the run compared with, for the console; empty without one
     */
    public record Written(Path markdown, List<Path> plots, List<String> comparison) {}

    /** {@link #generate(Path, Path, Path)} without a comparison. */
    public static Written generate(Path resultsJson, Path outDir) throws IOException {
        return generate(resultsJson, outDir, null);
    }

    /**
     * Generates the report for {@code resultsJson} into {@code outDir} (created if needed), with
     * what changed since the run in {@code oldJson} when that is not null.
     *
     * @throws IOException              when a file cannot be read or written
     * @throws IllegalArgumentException when {@code resultsJson} or {@code oldJson} is not a JMH JSON result file
     */
    public static Written generate(Path resultsJson, Path outDir, Path oldJson) throws IOException {
        Path dir = resultsJson.toAbsolutePath().getParent();
        List<JmhResult> jmh = JmhJson.read(resultsJson);
        List<JmhFailure> failures = JmhFailure.readLog(dir.resolve(JMH_LOG));
        Optional<RunInfo> info = RunInfo.read(dir.resolve(RunInfo.FILE_NAME));
        Optional<Comparison> comparison = Optional.empty();
        if (oldJson != null) {
            comparison = Optional.of(new Comparison(JmhJson.read(oldJson), jmh));
        }
        Results results = new Results(jmh, failures);
        PeerCheck check = new PeerCheck(info, results);
        int jvkBits = info.map(RunInfo::jvkVectorBits).filter(b -> b > 0).orElse(results.ceilings().widestFmaBits());

        List<FamilyTable> tables = new ArrayList<>();
        for (Family family : Family.values()) {
            List<Row> rows = results.family(family);
            if (!rows.isEmpty()) {
                tables.add(new FamilyTable(family, rows));
            }
        }
        Files.createDirectories(outDir);
        deleteOldPlots(outDir);
        List<Charts.Plot> plots = Charts.writeAll(tables, results.ceilings(), jvkBits, outDir);
        String oldName = oldJson == null ? "" : oldJson.toString();
        String markdown = new MarkdownReport(results, tables, plots, info, jvkBits, check, comparison, oldName).render();
        Path md = outDir.resolve(MARKDOWN);
        Files.writeString(md, markdown, StandardCharsets.UTF_8);
        return new Written(md, plots.stream().map(p -> outDir.resolve(p.file())).toList(),
                comparison.map(c -> c.summary(oldName)).orElse(List.of()));
    }

    /** Plots of an earlier report in the same directory would look like this run's: remove them first. */
    private static void deleteOldPlots(Path dir) throws IOException {
        try (var files = Files.newDirectoryStream(dir, "{gemm-*.png,roofline.png,mlp*.png,memory-*.png}")) {
            for (Path f : files) {
                Files.delete(f);
            }
        }
    }
}
