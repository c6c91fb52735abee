package dev.jvk.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What changed between two runs: every benchmark at the same parameters and JMH thread count in
 * both, its speed in the new run over the old, and whether that is beyond JMH's error. A change
 * counts when its interval (relative half-width: the root sum of squares of the two JMH
 * half-widths) does not contain 1; a result without an error can only be "changed?".
 */
final class Comparison {

    /**
     * One benchmark in both runs, or in one of them.
     *
     * @param benchmark {@code Class.method}
     * @param params    its parameters, {@code a=1, b=x}
     * @param threads   JMH threads
     * @param oldCalls  calls per second in the old run (NaN: not in it)
     * @param newCalls  in the new run (NaN: not in it)
     * @param error     relative half-width of {@code newCalls / oldCalls}
     * @param change    faster, slower, unchanged, changed? (no error to judge by), new, gone
     */
    record Change(String benchmark, String params, int threads, double oldCalls, double newCalls, double error, String change) {
        double speedup() {
            return newCalls / oldCalls;
        }
    }

    private final List<Change> changes = new ArrayList<>();

    Comparison(List<JmhResult> oldRun, List<JmhResult> newRun) {
        Map<String, JmhResult> old = new LinkedHashMap<>();
        oldRun.forEach(r -> old.put(key(r), r));
        for (JmhResult n : newRun) {
            JmhResult o = old.remove(key(n));
            double nc = calls(n);
            if (o == null) {
                changes.add(new Change(shortName(n), params(n), n.jmhThreads(), Double.NaN, nc, Double.NaN, "new"));
                continue;
            }
            double oc = calls(o);
            double e = Math.hypot(o.relativeError(), n.relativeError());
            double r = nc / oc;
            String change;
            if (Double.isNaN(r)) {
                change = "changed?";
            } else if (Double.isNaN(e)) {
                change = r == 1 ? "unchanged" : "changed?";
            } else if (r * (1 - e) > 1) {
                change = "faster";
            } else if (r * (1 + e) < 1) {
                change = "slower";
            } else {
                change = "unchanged";
            }
            changes.add(new Change(shortName(n), params(n), n.jmhThreads(), oc, nc, e, change));
        }
        old.values().forEach(o -> changes.add(new Change(shortName(o), params(o), o.jmhThreads(), calls(o), Double.NaN, Double.NaN, "gone")));
    }

    List<Change> changes() {
        return changes;
    }

    /** The changes of one kind ("faster", "slower"...). */
    List<Change> of(String change) {
        return changes.stream().filter(c -> c.change().equals(change)).toList();
    }

    /** One line per benchmark that got faster or slower, and a count of the rest: for the console. */
    List<String> summary(String oldName) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "compared with %s: %d slower, %d faster, %d unchanged within JMH's error, %d new, %d gone",
                oldName, of("slower").size(), of("faster").size(), of("unchanged").size() + of("changed?").size(),
                of("new").size(), of("gone").size()));
        for (String kind : List.of("slower", "faster")) {
            for (Change c : of(kind)) {
                lines.add(String.format(Locale.ROOT, "  %s %s %s: %s (new/old speed, ± %s)", kind, c.benchmark(), c.params(),
                        Format.ratio(c.speedup()), Format.percent(c.error())));
            }
        }
        return lines;
    }

    private static String key(JmhResult r) {
        return r.benchmark() + "|" + r.mode() + "|" + r.jmhThreads() + "|" + new java.util.TreeMap<>(r.params());
    }

    private static double calls(JmhResult r) {
        try {
            return r.callsPerSecond();
        } catch (IllegalArgumentException unknownUnit) {
            return Double.NaN;
        }
    }

    static String shortName(JmhResult r) {
        String prefix = Naming.ROOT_PACKAGE + ".";
        String name = r.benchmark().startsWith(prefix) ? r.benchmark().substring(prefix.length()) : r.benchmark();
        return Objects.requireNonNull(name);
    }

    private static String params(JmhResult r) {
        StringBuilder s = new StringBuilder();
        new java.util.TreeMap<>(r.params()).forEach((k, v) -> s.append(s.isEmpty() ? "" : ", ").append(k).append('=').append(v));
        return s.toString();
    }
}
