package dev.jvk.bench;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;

import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs selections through JMH's Java API, one JMH run each, with JMH's text output both on the
 * console and in {@code jmh.log}, and its JSON in one file per selection.
 */
final class JmhSession implements AutoCloseable {
    private final Suite.Timing timing;
    private final PrintStream console;
    private final PrintStream log;
    private final OutputFormat format;

    JmhSession(Suite.Timing timing, Path logFile, PrintStream console) throws IOException {
        this.timing = timing;
        this.console = console;
        this.log = new PrintStream(new FileOutputStream(logFile.toFile(), false), true, StandardCharsets.UTF_8);
        this.format = OutputFormatFactory.createFormatInstance(
                new PrintStream(new Tee(console, log), true, StandardCharsets.UTF_8), VerboseMode.NORMAL);
    }

    /** Benchmark runs a selection will make (methods and modes times parameter combinations); 0 when nothing matches. */
    static int count(Suite.Selection selection) {
        SortedSet<BenchmarkListEntry> entries = BenchmarkList.defaultList().find(
                OutputFormatFactory.createFormatInstance(new PrintStream(OutputStream.nullOutputStream()), VerboseMode.SILENT),
                selection.includes(), List.of());
        int runs = 0;
        for (BenchmarkListEntry entry : entries) {
            int combinations = 1;
            if (entry.getParams().hasValue()) {
                for (Map.Entry<String, String[]> p : entry.getParams().get().entrySet()) {
                    List<String> override = selection.params().get(p.getKey());
                    combinations *= override != null ? override.size() : p.getValue().length;
                }
            }
            runs += combinations;
        }
        return runs;
    }

    /**
     * Runs one selection and writes JMH's JSON to {@code json}.
     *
     * @throws RunnerException when JMH cannot run at all (a failing benchmark is not that: JMH logs
     *                         it and goes on, and the report marks it failed)
     */
    void run(Suite.Selection selection, Path json) throws RunnerException {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .forks(timing.forks())
                .warmupIterations(Math.max(timing.warmupIterations(), selection.minWarmupIterations()))
                .warmupTime(timing.warmupTime())
                .measurementIterations(timing.iterations())
                .measurementTime(timing.iterationTime())
                .jvmArgsPrepend(forkArgs())
                .resultFormat(ResultFormatType.JSON)
                .result(json.toString())
                .shouldFailOnError(false);
        selection.includes().forEach(options::include);
        selection.params().forEach((name, values) -> options.param(name, values.toArray(String[]::new)));
        if (selection.jmhThreads() > 0) {
            options.threads(selection.jmhThreads());
        }
        new Runner(options.build(), format).run();
    }

    /**
     * The forks need the Vector API module and native access (OpenBLAS's kernels are chosen with
     * setenv), and see jvk's own settings (-Djvk.vectorBits=256, -Djvk.openblas.coretype and so on).
     */
    private static String[] forkArgs() {
        List<String> args = new ArrayList<>(List.of("--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"));
        System.getProperties().stringPropertyNames().stream()
                .filter(k -> k.startsWith("jvk."))
                .sorted()
                .forEach(k -> args.add("-D" + k + "=" + System.getProperty(k)));
        return args.toArray(String[]::new);
    }

    @Override
    public void close() {
        log.close();
        console.flush();
    }

    /** Writes everything to two streams. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }

        @Override
        public void flush() throws IOException {
            a.flush();
            b.flush();
        }
    }
}
