package dev.jvk.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

import dev.jvk.bench.report.Family;
import dev.jvk.bench.gemm.OpenBlas;
import dev.jvk.bench.report.JmhJson;
import dev.jvk.bench.report.OpenBlasCores;
import dev.jvk.bench.report.Report;
import dev.jvk.bench.report.RunInfo;
import dev.jvk.kernels.Kernels;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./jvk bench}: runs the benchmark suite on this machine and writes a report a person can
 * read ({@code report.md}) and look at ({@code *.png}), beside JMH's own JSON.
 *
 * <p>Exit codes: 0 done; 1 the run failed (a file could not be written, JMH could not start);
 * 2 bad options, with one line on stderr.
 */
@Command(name = "jvk bench", sortOptions = false, mixinStandardHelpOptions = true, version = "jvk bench 0.1.0-SNAPSHOT",
        description = {
                "Runs jvk's JMH benchmarks beside the scalar reference and the peers (OpenBLAS, netlib, EJML, Lucene, ...),",
                "measures this machine's FMA peak and STREAM bandwidth in the same run, and writes report.md and PNG plots."},
        footer = {"", "Examples:",
                "  ./jvk bench                          quick selection, about 5 minutes",
                "  ./jvk bench --only gemm --threads 2  GEMM alone, on 2 threads",
                "  ./jvk bench --report bench-results/20260101-120000/results.json",
                "  ./jvk bench --only gemm --compare bench-results/20260101-120000/results.json   before/after a change"})
public final class BenchMain implements Callable<Integer> {
    private static final List<Family> SELECTABLE = List.of(Family.GEMM, Family.ELEMENTWISE, Family.REDUCTIONS, Family.MLP);

    @Option(names = "--quick", description = "The curated selection: at most about 5 minutes on 2 cores, with warm-up and one fork (default).")
    boolean quick;

    @Option(names = "--full", description = "The whole suite, with longer warm-up and measurement.")
    boolean full;

    @Option(names = "--only", paramLabel = "FAMILY", split = ",",
            description = "Only these families: gemm, elementwise, reductions, mlp (comma-separated). The ceilings always run.")
    List<String> only = new ArrayList<>();

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads for GEMM and MLP benchmarks (their 'threads' parameter); the ceilings are measured on N threads too. Default: 1 and all cores side by side.")
    Integer threads;

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write results and report (default: bench-results/<timestamp>/).")
    Path out;

    @Option(names = "--report", paramLabel = "FILE",
            description = "Write the report for saved JMH JSON (e.g. an earlier results.json) instead of running benchmarks; repeat it to merge several files (then --out is needed).")
    List<Path> report = new ArrayList<>();

    @Option(names = "--compare", paramLabel = "OLD.json",
            description = "Compare with an earlier run's results.json: the report and the console list what got faster or slower beyond JMH's error.")
    Path compare;

    @Option(names = "--openblas-core", paramLabel = "NAME",
            description = "Load OpenBLAS with these kernels (OPENBLAS_CORETYPE, e.g. SkylakeX, Haswell). Default: the best for this CPU's flags, whatever the environment says.")
    String openblasCore;

    @Option(names = "--include", paramLabel = "REGEX", description = "Advanced: run the benchmarks matching this JMH pattern instead of the curated selection (no ceilings unless it matches them).")
    String include;

    @Option(names = "--forks", paramLabel = "N", description = "Advanced: JMH forks per benchmark (0 runs in this JVM).")
    Integer forks;

    @Option(names = "--warmup", paramLabel = "N", description = "Advanced: warm-up iterations per fork.")
    Integer warmup;

    @Option(names = "--iterations", paramLabel = "N", description = "Advanced: measured iterations per fork.")
    Integer iterations;

    @Option(names = "--time", paramLabel = "DURATION", description = "Advanced: time of each iteration, e.g. 500ms or 1s.")
    String time;

    @Spec
    CommandSpec spec;

    private PrintStream console = System.out;
    private String[] args = new String[0];

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command with these arguments; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        System.setProperty("java.awt.headless", "true");
        BenchMain command = new BenchMain();
        command.console = out;
        command.args = args.clone();
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setParameterExceptionHandler((e, a) -> {
            err.println("jvk bench: " + e.getMessage() + " (see ./jvk bench --help)");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, c, parsed) -> {
            err.println("jvk bench: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() throws IOException {
        if (compare != null && !Files.isRegularFile(compare)) {
            throw bad("--compare: no such file: " + compare);
        }
        if (compare != null) {
            // read before measuring: a file that is not JMH's would otherwise end the run after every benchmark ran
            try {
                if (JmhJson.read(compare).isEmpty()) {
                    throw bad("--compare: " + compare + " holds no JMH results (an empty array): nothing to compare with");
                }
            } catch (IllegalArgumentException notJmh) {
                throw bad("--compare: " + notJmh.getMessage());
            }
        }
        if (openblasCore != null && OpenBlasCores.bits(openblasCore) == 0) {
            throw bad("--openblas-core takes an OpenBLAS x86-64 core type such as SkylakeX, Cooperlake, Zen or Haswell, not '"
                    + openblasCore + "'");
        }
        if (!report.isEmpty()) {
            return redraw();
        }
        Set<Family> families = families();
        Suite.Timing timing = timing();
        if (quick && full) {
            throw bad("--quick and --full exclude each other");
        }
        if (threads != null && threads < 1) {
            throw bad("--threads must be at least 1, got " + threads);
        }
        if (include != null && !families.isEmpty()) {
            throw bad("--include replaces the curated selection; it does not combine with --only");
        }
        int preferred = Machine.preferredVectorBits();
        if (preferred == 0) {
            throw bad("the benchmarks need the Vector API: run java with --add-modules jdk.incubator.vector (./jvk bench does)");
        }
        return measure(families, timing, preferred);
    }

    private int measure(Set<Family> families, Suite.Timing timing, int preferred) throws IOException {
        ZonedDateTime start = ZonedDateTime.now();
        Path dir = out != null ? out : Path.of("bench-results", start.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Path jsonDir = dir.resolve("jmh");
        Files.createDirectories(jsonDir);

        int jvkBits = Kernels.vectorBits() > 0 ? Kernels.vectorBits() : preferred;
        List<Integer> widths = new ArrayList<>();
        for (int w : new int[] {128, 256, 512}) {
            if (w <= preferred) {
                widths.add(w);
            }
        }
        int kernelThreads = threads == null ? 0 : threads;
        List<Suite.Selection> plan = include != null
                ? List.of(new Suite.Selection("custom", List.of(include),
                        kernelThreads > 0 ? Map.of("threads", List.of(Integer.toString(kernelThreads))) : Map.of(), 0))
                : Suite.plan(full, families, kernelThreads, widths, jvkBits, Runtime.getRuntime().availableProcessors());

        List<String> notes = new ArrayList<>();
        List<Suite.Selection> runnable = new ArrayList<>();
        int runs = 0;
        for (Suite.Selection s : plan) {
            int n = JmhSession.count(s);
            if (n == 0) {
                notes.add(s.name() + ": no benchmark in this build matches " + String.join(" ", s.includes()) + ", so it was not run.");
            } else {
                runnable.add(s);
                runs += n;
            }
        }
        if (runnable.isEmpty()) {
            throw bad("no benchmark matches " + (include != null ? include : "the selection"));
        }
        console.printf(Locale.ROOT, "jvk bench: %s, %d benchmark runs (%s each), about %.0f minutes; results in %s%n",
                include != null ? "custom selection" : full ? "full suite" : "quick selection",
                runs, timing.describe(), Math.ceil(runs * timing.secondsPerRun() / 60), dir);
        notes.forEach(n -> console.println("jvk bench: " + n));

        String command = "./jvk bench" + (args.length == 0 ? "" : " " + String.join(" ", args));
        RunInfo.OpenBlasRun openblas = loadOpenBlas();
        console.println("jvk bench: OpenBLAS runs its " + (openblas.ran().isEmpty() ? "(not loadable)" : openblas.ran())
                + " kernels: " + openblas.why());
        RunInfo info = new RunInfo(start.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")), command,
                Machine.describe(), Kernels.vectorBits(), notes, openblas);
        info.write(dir.resolve(RunInfo.FILE_NAME));

        List<Path> jsons = new ArrayList<>();
        try (JmhSession session = new JmhSession(timing, dir.resolve(Report.JMH_LOG), console)) {
            for (Suite.Selection s : runnable) {
                Path json = jsonDir.resolve(s.name() + ".json");
                jsons.add(json);
                try {
                    session.run(s, json);
                } catch (RunnerException e) {
                    notes.add(s.name() + ": JMH could not run it: " + e.getMessage());
                    console.println("jvk bench: " + s.name() + ": JMH could not run it: " + e.getMessage());
                }
            }
        }
        info.withNotes(notes).write(dir.resolve(RunInfo.FILE_NAME));
        Path results = dir.resolve("results.json");
        JmhJson.merge(jsons, results);
        Report.Written written = Report.generate(results, dir, compare);
        printWritten(written, results);
        return 0;
    }

    private int redraw() throws IOException {
        if (quick || full || !only.isEmpty() || threads != null || include != null || forks != null || warmup != null
                || iterations != null || time != null || openblasCore != null) {
            throw bad("--report redraws a saved run; it takes --out and --compare and nothing else");
        }
        for (Path file : report) {
            if (!Files.isRegularFile(file)) {
                throw bad("--report: no such file: " + file);
            }
        }
        if (report.size() > 1 && out == null) {
            throw bad("--report with several files merges them into --out DIR: name one");
        }
        Path dir = out != null ? out : report.get(0).toAbsolutePath().getParent();
        Path results = report.get(0);
        Report.Written written;
        try {
            for (Path file : report) {
                if (JmhJson.read(file).isEmpty()) {
                    throw bad("--report: " + file + " holds no JMH results (an empty array): nothing to draw");
                }
            }
            if (report.size() > 1) {
                results = dir.resolve("results.json");
                for (Path file : report) {
                    if (file.toAbsolutePath().normalize().equals(results.toAbsolutePath().normalize())) {
                        throw bad("--report: " + file + " would be overwritten by the merged results; choose another --out");
                    }
                }
                Files.createDirectories(dir);
                JmhJson.merge(report, results);
            }
            written = Report.generate(results, dir, compare);
        } catch (IllegalArgumentException notJmh) {
            throw bad("--report: " + notJmh.getMessage());
        }
        printWritten(written, results);
        return 0;
    }

    /**
     * Chooses OpenBLAS's kernels for the forks (they read {@link OpenBlas#PROPERTY}) and loads them
     * here too, to learn which kernels that setting gives on this machine. The environment's
     * {@code OPENBLAS_CORETYPE} is often a leftover that pins slower kernels, so it is overridden
     * unless the CPU's flags name no better choice; {@code --openblas-core} fixes one.
     */
    private RunInfo.OpenBlasRun loadOpenBlas() {
        String environment = System.getenv("OPENBLAS_CORETYPE");
        boolean inEnvironment = environment != null && !environment.isBlank();
        Set<String> flags = Machine.cpuFlags();
        Optional<String> best = OpenBlasCores.bestFor(flags);
        String coretype;
        String why;
        if (openblasCore != null) {
            coretype = openblasCore.trim();
            why = "fixed by --openblas-core " + coretype;
        } else if (best.isPresent()) {
            coretype = best.get();
            why = "OPENBLAS_CORETYPE=" + coretype + ", the best for this CPU's flags ("
                    + OpenBlasCores.deciding(flags) + ")"
                    + (inEnvironment && !environment.trim().equalsIgnoreCase(coretype)
                    ? "; the environment's OPENBLAS_CORETYPE=" + environment.trim() + " was overridden" : "");
        } else {
            coretype = inEnvironment ? environment.trim() : "";
            why = inEnvironment ? "OPENBLAS_CORETYPE=" + coretype + " from the environment (no better choice known for this CPU)"
                    : "chosen by OpenBLAS itself (no AVX2 or AVX-512 flags to choose by)";
        }
        System.setProperty(OpenBlas.PROPERTY, coretype);
        String ran;
        try {
            ran = OpenBlas.load();
        } catch (RuntimeException | LinkageError e) {
            ran = "";
            why += "; OpenBLAS could not be loaded here: " + e;
        }
        if (!ran.isEmpty() && !coretype.isEmpty() && !ran.equalsIgnoreCase(coretype)) {
            why += "; OpenBLAS ran " + ran + " instead of " + coretype + " (it falls back from names it does not know or the CPU cannot run)";
        }
        return new RunInfo.OpenBlasRun(coretype, ran, why);
    }

    private void printWritten(Report.Written written, Path results) {
        written.comparison().forEach(line -> console.println("jvk bench: " + line));
        console.println("jvk bench: report " + written.markdown());
        written.plots().forEach(p -> console.println("jvk bench: plot   " + p));
        console.println("jvk bench: JMH results " + results);
    }

    private Set<Family> families() {
        Set<Family> families = EnumSet.noneOf(Family.class);
        for (String name : only) {
            Family f = SELECTABLE.stream().filter(s -> s.id().equals(name.trim().toLowerCase(Locale.ROOT))).findFirst()
                    .orElseThrow(() -> bad("--only takes gemm, elementwise, reductions or mlp, not '" + name + "'"));
            families.add(f);
        }
        return families;
    }

    private Suite.Timing timing() {
        Suite.Timing base = full ? Suite.FULL : Suite.QUICK;
        if (forks != null && forks < 0) {
            throw bad("--forks must be at least 0, got " + forks);
        }
        if (warmup != null && warmup < 0) {
            throw bad("--warmup must be at least 0, got " + warmup);
        }
        if (iterations != null && iterations < 1) {
            throw bad("--iterations must be at least 1, got " + iterations);
        }
        TimeValue t = null;
        if (time != null) {
            try {
                t = TimeValue.fromString(time);
            } catch (IllegalArgumentException e) {
                throw bad("--time takes a duration such as 500ms or 1s, not '" + time + "'");
            }
        }
        return new Suite.Timing(
                forks != null ? forks : base.forks(),
                warmup != null ? warmup : base.warmupIterations(),
                t != null ? t : base.warmupTime(),
                iterations != null ? iterations : base.iterations(),
                t != null ? t : base.iterationTime());
    }

    private ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
