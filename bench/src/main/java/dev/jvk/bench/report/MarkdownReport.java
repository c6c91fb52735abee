package dev.jvk.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** Writes the report's Markdown: machine, ceilings, one table per family, plots, failures, raw leftovers. */
final class MarkdownReport {
    private final Results results;
    private final List<FamilyTable> tables;
    private final List<Charts.Plot> plots;
    private final Optional<RunInfo> info;
    private final int jvkVectorBits;
    private final PeerCheck check;
    private final Optional<Comparison> comparison;
    private final String oldName;
    private final StringBuilder md = new StringBuilder();

    MarkdownReport(Results results, List<FamilyTable> tables, List<Charts.Plot> plots, Optional<RunInfo> info, int jvkVectorBits,
                   PeerCheck check, Optional<Comparison> comparison, String oldName) {
        this.results = results;
        this.tables = tables;
        this.plots = plots;
        this.info = info;
        this.jvkVectorBits = jvkVectorBits;
        this.check = check;
        this.comparison = comparison;
        this.oldName = oldName;
    }

    String render() {
        md.append("# jvk benchmark report\n\n");
        runLine();
        warnings();
        verdicts();
        threads();
        comparison();
        peers();
        machine();
        ceilings();
        for (FamilyTable table : tables) {
            if (table.family() != Family.CEILING) {
                family(table);
            }
        }
        failures();
        unrecognised();
        reproduce();
        return md.toString();
    }

    private void runLine() {
        Set<String> settings = new LinkedHashSet<>();
        Set<String> jdks = new LinkedHashSet<>();
        results.rows().stream().filter(r -> !r.failed()).forEach(r -> {
            settings.add(r.result().settings());
            jdks.add(r.result().jdk());
        });
        results.unrecognised().forEach(r -> settings.add(r.settings()));
        settings.remove("");
        jdks.remove("");
        String when = info.map(RunInfo::date).filter(d -> !d.isEmpty()).map(d -> "Measured " + d).orElse("Measured");
        String how = info.map(RunInfo::command).filter(c -> !c.isEmpty()).map(c -> " with `" + c + "`").orElse("");
        md.append(when).append(how).append(" by JMH");
        if (!settings.isEmpty()) {
            md.append(" (").append(String.join("; ", settings)).append(" per benchmark)");
        }
        md.append(".\n");
        md.append("Rates are higher-is-better; `±` is JMH's 99.9% confidence half-width. ")
                .append("`jvk/x` is jvk's speed over x's, both measured in this one run: above 1 means jvk is faster.\n\n");
        info.ifPresent(i -> i.notes().forEach(n -> md.append("> ").append(n).append("\n\n")));
        if (info.isEmpty() && !jdks.isEmpty()) {
            md.append("JDK: ").append(String.join(", ", jdks)).append(". The machine was not recorded (no `")
                    .append(RunInfo.FILE_NAME).append("` beside the results).\n\n");
        }
    }

    private void machine() {
        if (info.isEmpty() || info.get().machine().isEmpty()) {
            return;
        }
        md.append("## Machine\n\n| | |\n|---|---|\n");
        info.get().machine().forEach((k, v) -> md.append("| ").append(k).append(" | ").append(cell(v)).append(" |\n"));
        md.append('\n');
    }

    private void ceilings() {
        Ceilings c = results.ceilings();
        if (c.isEmpty()) {
            md.append("## Ceilings\n\nNo ceiling was measured in this run, so no share of the hardware's limits is shown.\n\n");
            return;
        }
        md.append("## Ceilings\n\nMeasured in this run: the FMA throughput of the Vector API per width ")
                .append("(`dev.jvk.bench.ceiling.FmaPeakBench`: 16 independent FMA chains) and memory bandwidth over arrays far ")
                .append("larger than the caches: STREAM copy and triad, and two faster ways of moving the same bytes on one core "
                        + "(System.arraycopy's non-temporal stores, an in-place update); the bandwidth ceiling of each kind is the faster of its two.\n\n");
        md.append("| ceiling | threads | measured |\n|---|---:|---:|\n");
        for (Row row : c.rows()) {
            Naming.Identity id = row.id();
            boolean flops = Metric.of(id) == Metric.GFLOPS;
            String name;
            if (id.family() == Family.CEILING && id.op().equals("fmaPeak")) {
                String impl = id.impl();
                String precision = impl.startsWith("double") ? "double" : "float";
                name = "FMA peak, " + precision + ", " + impl.substring(precision.length()) + "-bit";
            } else {
                name = Ceilings.streamName(row) + ", "
                        + id.shape().label() + " floats" + (id.family() == Family.CEILING ? "" : " (" + id.family().id() + " benchmark)");
            }
            double value = flops ? row.gflops() : row.gigabytesPerSecond();
            md.append("| ").append(name).append(" | ").append(id.threads()).append(" | ")
                    .append(Format.withError(value, row.relativeError())).append(flops ? " GFLOP/s" : " GB/s")
                    .append(row.relativeError() > NOISY ? " †" : "").append(" |\n");
        }
        md.append('\n');
        if (c.rows().stream().anyMatch(r -> r.relativeError() > NOISY)) {
            md.append("† JMH's error is more than half the value: this ceiling, and every share of it below, is unreliable "
                    + "(a busy machine, or too little warm-up).\n\n");
        }
        plotsOf(Family.CEILING);
    }

    private void family(FamilyTable table) {
        md.append("## ").append(table.family().title()).append("\n\n");
        Optional<Metric> common = table.commonMetric();
        List<String> peers = table.peers();
        Optional<String> shareTitle = table.shareTitle();
        md.append(common.map(m -> m == Metric.TIME ? "Time per call (lower is better)." : m.unit() + " (higher is better).")
                .orElse("Each row in its own unit (rates higher, times lower is better)."));
        if (table.family() == Family.GEMM) {
            md.append(" `jvk % FMA peak`: jvk's GFLOP/s over the FMA peak of this run at jvk's width (")
                    .append(jvkVectorBits == 0 ? "scalar jvk: the widest measured" : jvkVectorBits + "-bit")
                    .append(") and the row's thread count.");
        } else if (shareTitle.isPresent()) {
            double streamBytes = results.ceilings().streamBytesPerCall();
            if (streamBytes > 0) {
                md.append(" `jvk % STREAM`: jvk's GB/s over the bandwidth ceiling of its kind (one read per write: the faster of "
                        + "STREAM copy and System.arraycopy; otherwise of STREAM triad and an in-place update), ")
                        .append("for working sets of at least ").append(Math.round(streamBytes / 2 / (1 << 20)))
                        .append(" MiB, which stream from memory as STREAM's arrays do; smaller ones run from the caches.");
            }
        }
        md.append("\n\n");

        List<String> header = new ArrayList<>(List.of("op"));
        if (table.hasSizeColumn()) {
            header.add("size");
        }
        if (table.hasThreadsColumn()) {
            header.add("threads");
        }
        if (table.hasExtrasColumn()) {
            header.add("params");
        }
        if (common.isEmpty()) {
            header.add("unit");
        }
        header.addAll(table.implementations());
        peers.forEach(p -> header.add("jvk/" + p));
        shareTitle.ifPresent(header::add);
        int textColumns = 1 + (table.hasSizeColumn() ? 1 : 0) + (table.hasThreadsColumn() ? 1 : 0) + (table.hasExtrasColumn() ? 1 : 0) + (common.isEmpty() ? 1 : 0);
        tableHeader(header, textColumns);

        Map<String, String> footnotes = new TreeMap<>();
        for (FamilyTable.Line line : table.lines()) {
            List<String> cells = new ArrayList<>();
            cells.add(table.opLabel(line));
            if (table.hasSizeColumn()) {
                cells.add(line.key().shape().label().isEmpty() ? "–" : line.key().shape().label());
            }
            if (table.hasThreadsColumn()) {
                cells.add(Integer.toString(line.key().threads()));
            }
            if (table.hasExtrasColumn()) {
                cells.add(line.key().extras());
            }
            Metric metric = line.metric();
            if (common.isEmpty()) {
                cells.add(metric.unit());
            }
            for (String impl : table.implementations()) {
                if (table.missing().contains(impl)) {
                    cells.add("missing");
                    continue;
                }
                cells.add(line.row(impl).map(r -> figure(table, line, r)).orElse("–"));
            }
            for (String peer : peers) {
                double ratio = line.ratio(peer);
                cells.add(Format.ratio(ratio) + (Double.isNaN(ratio) || check.atItsBest(peer) ? "" : " " + PeerCheck.MARK)
                        + (!Double.isNaN(ratio) && (cold(line.row("jvk")) || cold(line.row(peer))) ? " " + COLD : ""));
            }
            if (shareTitle.isPresent()) {
                Optional<FamilyTable.Share> share = table.share(line, results.ceilings(), jvkVectorBits);
                String cell = share.map(s -> Format.percent(s.share()) + (s.ceiling().relativeError() > NOISY ? " †" : "")).orElse("–");
                if (share.isPresent() && share.get().ceiling().derived()) {
                    String mark = "*".repeat(footnoteIndex(footnotes, share.get().ceiling().label()));
                    cell += mark;
                }
                cells.add(cell);
            }
            tableRow(cells);
        }
        md.append('\n');
        footnotes.forEach((label, mark) -> md.append(mark).append(" against ").append(label).append(", not measured as such in this run.  \n"));
        if (!footnotes.isEmpty()) {
            md.append('\n');
        }
        if (table.lines().stream().anyMatch(l -> l.byImpl().values().stream().anyMatch(r -> table.aboveBound(l, r, results.ceilings())))) {
            md.append(ABOVE).append(" above the ").append(table.family() == Family.GEMM ? "FMA peak" : "STREAM bandwidth")
                    .append(" measured in this run: a measurement error (or a ceiling measured low), not a result.\n\n");
        }
        if (peers.stream().anyMatch(p -> !check.atItsBest(p))) {
            md.append(PeerCheck.MARK).append(" against a peer that did not run at its best (see the warning at the top): "
                    + "the ratio flatters jvk.\n\n");
        }
        if (table.lines().stream().anyMatch(l -> l.byImpl().values().stream().anyMatch(r -> cold(Optional.of(r))))) {
            md.append(COLD).append(": measured with no warm-up iteration, so the figure includes the interpreter and the JIT "
                    + "compiling the Vector API: a first call's speed, not the kernel's; do not compare it with warmed-up figures.\n\n");
        }
        if (anyNoisy(table)) {
            md.append("† JMH's error is more than half the score: the machine was busy or the code was not yet compiled "
                    + "when measuring began; compare such cells with care, or rerun (`--full` warms up longer).\n\n");
        }
        if (!table.missing().isEmpty()) {
            md.append("Missing: ").append(String.join(", ", table.missing()))
                    .append(" — no result in this run (not built, excluded, or failed before JMH logged it).\n\n");
        }
        plotsOf(table.family());
    }

    private static int footnoteIndex(Map<String, String> footnotes, String label) {
        String mark = footnotes.get(label);
        if (mark == null) {
            mark = "*".repeat(footnotes.size() + 1);
            footnotes.put(label, mark);
        }
        return mark.length();
    }

    /** The mark on a value above its ceiling. */
    static final String ABOVE = "‡";

    private void warnings() {
        check.shortfalls().forEach((peer, why) -> md.append("> **Warning: ").append(peer)
                .append(" did not run at its best here.** ").append(why)
                .append(". Every ratio against it is marked ").append(PeerCheck.MARK).append(" and flatters jvk: ")
                .append(peer.equals("openblas")
                        ? "run `./jvk bench` without `--openblas-core` (it loads the best kernels for the CPU's flags) or name the best one."
                        : "rerun with the peer at its best.")
                .append("\n\n"));
    }

    private void verdicts() {
        md.append("## Should I use jvk here?\n\n")
                .append("jvk's speed over the fastest other library measured in this run, per kind of work: the geometric mean over "
                        + "the problems of the run, its interval from JMH's 99.9% error bars. **faster** or **slower**: the whole "
                        + "interval is above or below 1; **level**: it spans 1. Measured on this machine only (see below).\n\n");
        md.append("| work | jvk / best peer | interval | verdict | confidence | best peer | problems (range) |\n")
                .append("|---|---:|---|---|---|---|---|\n");
        boolean anyMarked = false;
        for (Verdicts.Verdict v : Verdicts.of(tables, check, results.ceilings())) {
            if (v.problems() == 0) {
                md.append("| ").append(v.kind().label).append(" | – | – | not measured | | | none with jvk and a peer in this run |\n");
                continue;
            }
            String mark = v.marked() ? " " + PeerCheck.MARK : "";
            anyMarked |= v.marked();
            md.append("| ").append(v.kind().label).append(" | ").append(Format.ratio(v.ratio())).append(mark)
                    .append(" | ").append(Format.ratio(v.low())).append("–").append(Format.ratio(v.high()))
                    .append(" | **").append(v.verdict()).append("**").append(mark)
                    .append(" | ").append(v.confidence())
                    .append(" | ").append(String.join(", ", v.peers()))
                    .append(" | ").append(v.problems()).append(v.problems() == 1 ? "" : " (" + Format.ratio(v.min()) + "–" + Format.ratio(v.max()) + ")")
                    .append(" |\n");
        }
        md.append('\n');
        if (anyMarked) {
            md.append(PeerCheck.MARK).append(" the best peer did not run at its best (see the warning above): the ratio flatters jvk.\n\n");
        }
    }

    private void threads() {
        List<ThreadScaling.Problem> problems = ThreadScaling.of(tables);
        if (problems.isEmpty()) {
            return;
        }
        List<Integer> counts = problems.stream().map(ThreadScaling.Problem::threads).distinct().toList();
        String many = counts.size() == 1 ? Ceilings.threads(counts.get(0)) : "more threads";
        int start = md.length();
        md.append("## 1 thread and ").append(many).append(" side by side\n\n")
                .append("GEMM, the MLP training step and inference, each problem measured on 1 thread and on ").append(many)
                .append(" (rows of the tables below, side by side): jvk's rate and the rate of the peer fastest with ").append(many)
                .append(", the gain of each (its speed with ").append(many)
                .append(" over its speed on one; at most the thread count), and jvk over that peer at each count. "
                        + "`±` on a ratio: the root sum of squares of both JMH half-widths.\n\n");
        String manyLabel = counts.size() == 1 ? many : "more";
        tableHeader(List.of("work", "problem", "unit", "jvk, 1 thread", "jvk, " + manyLabel, "jvk gain", "peer",
                "peer, 1 thread", "peer, " + manyLabel, "peer gain", "jvk/peer, 1 thread", "jvk/peer, " + manyLabel), 3);
        boolean anyMarked = false;
        for (ThreadScaling.Problem p : problems) {
            FamilyTable table = p.table();
            FamilyTable.Line one = p.one();
            FamilyTable.Line more = p.many();
            Metric metric = one.metric();
            StringBuilder problem = new StringBuilder(table.opLabel(one));
            if (!one.key().shape().label().isEmpty()) {
                problem.append(' ').append(one.key().shape().label());
            }
            if (!one.key().extras().isEmpty()) {
                problem.append(", ").append(one.key().extras());
            }
            if (counts.size() > 1) {
                problem.append(" (").append(Ceilings.threads(p.threads())).append(')');
            }
            ThreadScaling.Pair jvk = p.jvk();
            List<String> cells = new ArrayList<>(List.of(p.kind().label, problem.toString(), metric.unit(),
                    figure(table, one, jvk.one()), figure(table, more, jvk.many()),
                    Format.ratioWithError(jvk.gain(), Math.hypot(jvk.one().relativeError(), jvk.many().relativeError()))));
            if (p.peer().isPresent()) {
                ThreadScaling.Pair peer = p.peer().get();
                String mark = check.atItsBest(peer.impl()) ? "" : " " + PeerCheck.MARK;
                anyMarked |= !mark.isEmpty();
                cells.addAll(List.of(peer.impl() + mark, figure(table, one, peer.one()), figure(table, more, peer.many()),
                        Format.ratioWithError(peer.gain(), Math.hypot(peer.one().relativeError(), peer.many().relativeError())),
                        Format.ratioWithError(jvk.one().callsPerSecond() / peer.one().callsPerSecond(),
                                Math.hypot(jvk.one().relativeError(), peer.one().relativeError())) + mark,
                        Format.ratioWithError(jvk.many().callsPerSecond() / peer.many().callsPerSecond(),
                                Math.hypot(jvk.many().relativeError(), peer.many().relativeError())) + mark));
            } else {
                cells.addAll(List.of("none measured on both", "–", "–", "–", "–", "–"));
            }
            tableRow(cells);
        }
        md.append('\n');
        if (anyMarked) {
            md.append(PeerCheck.MARK).append(" a peer that did not run at its best (see the warning above): the ratio flatters jvk.\n\n");
        }
        String section = md.substring(start);
        if (section.contains(" " + ABOVE) || section.contains(" †")) {
            md.append(ABOVE).append(" above its ceiling, † JMH's error more than half the figure: as in the tables below.\n\n");
        }
    }

    private void comparison() {
        if (comparison.isEmpty()) {
            return;
        }
        Comparison c = comparison.get();
        md.append("## Changes since `").append(cell(oldName)).append("`\n\n")
                .append("The same benchmark at the same parameters in both runs: its speed in this run over the old one. ")
                .append("A change counts only beyond JMH's error (the root sum of squares of both runs' 99.9% half-widths).\n\n")
                .append(c.summary(oldName).get(0).replaceFirst("^compared with .*?: ", ""))
                .append("; the unchanged ones are not listed.\n\n");
        md.append("| change | benchmark | params | threads | old time/call | new time/call | new/old speed | ± |\n")
                .append("|---|---|---|---:|---:|---:|---:|---:|\n");
        for (String kind : List.of("slower", "faster", "changed?", "new", "gone")) {
            for (Comparison.Change ch : c.of(kind)) {
                md.append("| ").append(kind.equals("slower") || kind.equals("faster") ? "**" + kind + "**" : kind)
                        .append(" | `").append(ch.benchmark()).append("` | ").append(cell(ch.params())).append(" | ").append(ch.threads())
                        .append(" | ").append(Double.isNaN(ch.oldCalls()) ? "–" : Format.time(1 / ch.oldCalls(), Double.NaN))
                        .append(" | ").append(Double.isNaN(ch.newCalls()) ? "–" : Format.time(1 / ch.newCalls(), Double.NaN))
                        .append(" | ").append(Format.ratio(ch.speedup()))
                        .append(" | ").append(Format.percent(ch.error())).append(" |\n");
            }
        }
        md.append('\n');
    }

    private void peers() {
        if (check.howTheyRan().isEmpty()) {
            return;
        }
        md.append("## How the peers ran\n\n");
        check.howTheyRan().forEach(line -> md.append("- ").append(line).append('\n'));
        md.append('\n');
    }

    /** JMH's error above this share of the score: the cell is marked, the number is not to be trusted. */
    static final double NOISY = 0.5;

    /** A row's figure in its line's metric, with its marks: ‡ above the line's ceiling, † noisy. */
    private String figure(FamilyTable table, FamilyTable.Line line, Row row) {
        return value(row, line.metric()) + (table.aboveBound(line, row, results.ceilings()) ? " " + ABOVE : "");
    }

    private static String value(Row row, Metric metric) {
        if (row.failed()) {
            return "failed";
        }
        double v = metric.value(row);
        String cell = metric == Metric.TIME ? Format.time(v, row.relativeError()) : Format.withError(v, row.relativeError());
        cell = row.relativeError() > NOISY ? cell + " †" : cell;
        return row.result().cold() ? cell + " " + COLD : cell;
    }

    /** The mark on a figure measured without warm-up, and on a ratio taken from one. */
    static final String COLD = "(cold)";

    private static boolean cold(Optional<Row> row) {
        return row.isPresent() && !row.get().failed() && row.get().result().cold();
    }

    private static boolean anyNoisy(FamilyTable table) {
        return table.lines().stream().flatMap(l -> l.byImpl().values().stream())
                .anyMatch(r -> !r.failed() && r.relativeError() > NOISY);
    }

    private void plotsOf(Family family) {
        for (Charts.Plot plot : plots) {
            if (plot.family() == family) {
                md.append("![").append(plot.title()).append("](").append(plot.file()).append(")\n\n");
            }
        }
    }

    private void failures() {
        List<JmhFailure> failures = results.failures();
        if (failures.isEmpty()) {
            return;
        }
        md.append("## Failed benchmarks\n\nJMH could not run these (from `jmh.log`); their cells say `failed`.\n\n");
        md.append("| benchmark | params | error |\n|---|---|---|\n");
        for (JmhFailure f : failures) {
            md.append("| `").append(f.benchmark()).append("` | ").append(cell(paramsLabel(f.params()))).append(" | ")
                    .append(cell(f.message())).append(" |\n");
        }
        md.append('\n');
    }

    private void unrecognised() {
        List<JmhResult> raw = results.unrecognised();
        if (raw.isEmpty()) {
            return;
        }
        md.append("## Other results\n\nThese do not follow the naming conventions of `bench/README.md`, so they are listed as JMH reported them.\n\n");
        md.append("| benchmark | params | mode | threads | score | unit |\n|---|---|---|---:|---:|---|\n");
        for (JmhResult r : raw) {
            md.append("| `").append(r.benchmark()).append("` | ").append(cell(paramsLabel(r.params()))).append(" | ")
                    .append(r.mode()).append(" | ").append(r.jmhThreads()).append(" | ")
                    .append(Format.withError(r.score(), r.relativeError())).append(" | ").append(r.scoreUnit()).append(" |\n");
        }
        md.append('\n');
    }

    private void reproduce() {
        md.append("## Reproduce\n\n```\n./jvk bench --quick            # this report, on your machine (about 5 minutes)\n")
                .append("./jvk bench --full             # the whole suite\n")
                .append("./jvk bench --report results.json   # redraw a report from saved JMH JSON\n")
                .append("./jvk bench --compare results.json  # a new run, and what changed since this one\n```\n");
    }

    private void tableHeader(List<String> header, int textColumns) {
        tableRow(header);
        StringBuilder rule = new StringBuilder("|");
        for (int i = 0; i < header.size(); i++) {
            rule.append(i < textColumns ? "---|" : "---:|");
        }
        md.append(rule).append('\n');
    }

    private void tableRow(List<String> cells) {
        md.append("| ").append(String.join(" | ", cells.stream().map(MarkdownReport::cell).toList())).append(" |\n");
    }

    private static String paramsLabel(Map<String, String> params) {
        StringBuilder s = new StringBuilder();
        params.forEach((k, v) -> s.append(s.isEmpty() ? "" : ", ").append(k).append('=').append(v));
        return s.toString();
    }

    // a pipe would end the cell early
    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
