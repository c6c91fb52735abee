package dev.jvk.bench.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One family's results arranged side by side: a line per problem (operation, size, threads,
 * other parameters), a column per implementation, the ratios of jvk to each of the others, and
 * jvk's share of the ceiling that bounds the family.
 */
public final class FamilyTable {

    /**
     * The problem a line is about: everything but the implementation. {@code group} (the class's
     * operation) is "" unless two classes measure the same implementation on the same problem
     * (jvk's exp in ActivationsBench and in LanewiseTranscendentalsBench): then it keeps them apart.
     */
    public record Key(String op, String group, Shape shape, int threads, String extras) {}

    /** One problem and its result per implementation. */
    public record Line(Key key, Map<String, Row> byImpl) {
        /** The row of {@code impl}, if it ran (or failed) on this problem. */
        public Optional<Row> row(String impl) {
            return Optional.ofNullable(byImpl.get(impl));
        }

        /** What the line's cells show (every implementation of a problem does the same work). */
        public Metric metric() {
            return Metric.of(byImpl.values().iterator().next().id());
        }

        public Work work() {
            return byImpl.values().iterator().next().id().work();
        }

        /** jvk's speed over {@code peer}'s; NaN unless both were measured. */
        public double ratio(String peer) {
            Row jvk = byImpl.get("jvk");
            Row other = byImpl.get(peer);
            if (jvk == null || other == null || jvk.failed() || other.failed()) {
                return Double.NaN;
            }
            return jvk.callsPerSecond() / other.callsPerSecond();
        }
    }

    /**
     * jvk's share of a ceiling on one line.
     *
     * @param share   jvk's rate over the ceiling
     * @param ceiling the ceiling used
     */
    public record Share(double share, Ceilings.Peak ceiling) {}

    private final Family family;
    private final List<Line> lines;
    private final List<String> implementations;
    private final List<String> missing;

    public FamilyTable(Family family, List<Row> rows) {
        this.family = family;
        Map<Key, Map<String, Set<String>>> groupsOfImpl = new HashMap<>();
        for (Row row : rows) {
            groupsOfImpl.computeIfAbsent(problem(row.id(), ""), k -> new HashMap<>())
                    .computeIfAbsent(row.id().impl(), i -> new HashSet<>()).add(row.id().group());
        }
        Map<Key, Map<String, Row>> grouped = new LinkedHashMap<>();
        TreeSet<String> impls = new TreeSet<>(Naming.IMPLEMENTATION_ORDER);
        for (Row row : rows) {
            Naming.Identity id = row.id();
            boolean collides = groupsOfImpl.get(problem(id, "")).values().stream().anyMatch(groups -> groups.size() > 1);
            Key key = problem(id, collides ? id.group() : "");
            Map<String, Row> cells = grouped.computeIfAbsent(key, k -> new LinkedHashMap<>());
            Row previous = cells.get(id.impl());
            if (previous == null || previous.failed()) {
                cells.put(id.impl(), row); // a measurement beats a failure of the same benchmark
            }
            impls.add(id.impl());
        }
        List<Line> sorted = new ArrayList<>();
        grouped.forEach((k, v) -> sorted.add(new Line(k, v)));
        sorted.sort(Comparator.comparing((Line l) -> l.key().op())
                .thenComparing(l -> l.key().group())
                .thenComparingDouble(l -> l.key().shape().volume())
                .thenComparing(l -> l.key().shape().label())
                .thenComparing(l -> l.key().extras(), FamilyTable::compareNatural)
                .thenComparingInt(l -> l.key().threads()));
        this.lines = List.copyOf(sorted);
        List<String> missingImpls = new ArrayList<>();
        if (!rows.isEmpty()) {
            for (String expected : family.expectedImplementations()) {
                if (!impls.contains(expected)) {
                    missingImpls.add(expected);
                    impls.add(expected);
                }
            }
        }
        this.implementations = List.copyOf(impls);
        this.missing = List.copyOf(missingImpls);
    }

    /** Text with numbers in it, the numbers by value: {@code batch=2} before {@code batch=16}. */
    static int compareNatural(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char x = a.charAt(i);
            char y = b.charAt(j);
            if (Character.isDigit(x) && Character.isDigit(y)) {
                int endA = digitsEnd(a, i);
                int endB = digitsEnd(b, j);
                int c = new java.math.BigInteger(a.substring(i, endA)).compareTo(new java.math.BigInteger(b.substring(j, endB)));
                if (c != 0) {
                    return c;
                }
                i = endA;
                j = endB;
            } else if (x != y) {
                return Character.compare(x, y);
            } else {
                i++;
                j++;
            }
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private static int digitsEnd(String s, int from) {
        int end = from;
        while (end < s.length() && Character.isDigit(s.charAt(end))) {
            end++;
        }
        return end;
    }

    public Family family() {
        return family;
    }

    /**
     * How the report names a line's operation: the operation, and its class's when two classes
     * measure the same operation (exp of ActivationsBench and of LanewiseTranscendentalsBench).
     */
    public String opLabel(Line line) {
        String op = line.key().op();
        String group = line.key().group();
        return group.isEmpty() || group.equals(op) ? op : op + " (" + group + ")";
    }

    private static Key problem(Naming.Identity id, String group) {
        return new Key(id.op(), group, id.shape(), id.threads(), id.extrasLabel());
    }

    public List<Line> lines() {
        return lines;
    }

    /** The implementation columns, jvk first; includes the missing ones. */
    public List<String> implementations() {
        return implementations;
    }

    /** Expected implementations without a single result or failure in this run. */
    public List<String> missing() {
        return missing;
    }

    /** The implementations jvk is compared with: every measured column but jvk's. */
    public List<String> peers() {
        if (!implementations.contains("jvk") || missing.contains("jvk")) {
            return List.of();
        }
        return implementations.stream().filter(i -> !i.equals("jvk") && !missing.contains(i)).toList();
    }

    /** True when every line shows the same metric (then the header says it once). */
    public Optional<Metric> commonMetric() {
        List<Metric> metrics = lines.stream().map(Line::metric).distinct().toList();
        return metrics.size() == 1 ? Optional.of(metrics.get(0)) : Optional.empty();
    }

    public boolean hasSizeColumn() {
        return lines.stream().anyMatch(l -> !l.key().shape().label().isEmpty());
    }

    public boolean hasThreadsColumn() {
        return lines.stream().anyMatch(l -> l.key().threads() != 1);
    }

    public boolean hasExtrasColumn() {
        return lines.stream().anyMatch(l -> !l.key().extras().isEmpty());
    }

    /**
     * jvk's share of the family's ceiling on a line: the FMA peak (at jvk's width and the line's
     * threads) for GEMM, STREAM bandwidth for memory-bound operations whose working set is as
     * large as STREAM's. Empty where no ceiling applies or was measured.
     */
    public Optional<Share> share(Line line, Ceilings ceilings, int jvkVectorBits) {
        Row jvk = line.byImpl().get("jvk");
        if (jvk == null || jvk.failed()) {
            return Optional.empty();
        }
        Work work = line.work();
        if (family == Family.GEMM && work.hasFlops()) {
            return ceilings.fma(work.elementBytes(), jvkVectorBits, line.key().threads())
                    .map(peak -> new Share(jvk.gflops() / peak.value(), peak));
        }
        if ((family == Family.REDUCTIONS || family == Family.ELEMENTWISE) && isStreaming(work, ceilings)) {
            return ceilings.stream(work.stream(), line.key().threads())
                    .map(peak -> new Share(jvk.gigabytesPerSecond() / peak.value(), peak));
        }
        return Optional.empty();
    }

    /**
     * The ceiling no implementation can pass on a line: the FMA peak at the widest width measured
     * (the hardware's) and the line's threads for GEMM, STREAM of the same kind for memory-bound
     * operations beyond the caches. Empty where none applies.
     */
    public Optional<Ceilings.Peak> bound(Line line, Ceilings ceilings) {
        Work work = line.work();
        if (family == Family.GEMM && work.hasFlops()) {
            return ceilings.fma(work.elementBytes(), ceilings.widestFmaBits(), line.key().threads());
        }
        if ((family == Family.REDUCTIONS || family == Family.ELEMENTWISE) && isStreaming(work, ceilings)) {
            return ceilings.stream(work.stream(), line.key().threads());
        }
        return Optional.empty();
    }

    /** A row's rate in its line's bound's unit: GFLOP/s under the FMA peak, GB/s under STREAM. */
    double boundedRate(Row row) {
        return family == Family.GEMM ? row.gflops() : row.gigabytesPerSecond();
    }

    /** True when a measured row is faster than its line's ceiling: a measurement error, not a result. */
    public boolean aboveBound(Line line, Row row, Ceilings ceilings) {
        return !row.failed() && !row.id().impl().equals("stream")
                && bound(line, ceilings).map(peak -> boundedRate(row) > peak.value()).orElse(false);
    }

    /** Which ceiling the share column names, if the family has one. */
    public Optional<String> shareTitle() {
        if (!implementations.contains("jvk") || missing.contains("jvk")) {
            return Optional.empty();
        }
        return switch (family) {
            case GEMM -> Optional.of("jvk % FMA peak");
            case REDUCTIONS, ELEMENTWISE -> Optional.of("jvk % STREAM");
            default -> Optional.empty();
        };
    }

    static boolean isStreaming(Work work, Ceilings ceilings) {
        double streamBytes = ceilings.streamBytesPerCall();
        return work.hasBytes() && streamBytes > 0 && work.bytes() >= streamBytes / 2;
    }

    @Override
    public String toString() {
        return family + " " + lines.size() + " lines " + Objects.toString(implementations);
    }
}
