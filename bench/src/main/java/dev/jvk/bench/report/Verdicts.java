package dev.jvk.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The report's first section, "Should I use jvk here?": per kind of work, jvk's speed over the
 * best peer's on each problem of the run, summed up as one ratio with an interval and a verdict.
 *
 * <p>On one problem the ratio is jvk's calls per second over the fastest peer's, and its relative
 * half-width the root sum of squares of the two JMH half-widths (99.9%). Over a kind's problems the
 * ratio, and each end of its interval, are geometric means. The verdict is "faster" when the whole
 * interval is above 1, "slower" when it is below, "level" when it spans 1. Peers are every
 * implementation but jvk's own: not its scalar {@code reference}, nor {@code stream}, a bound.
 */
final class Verdicts {

    /** The kinds of work a user asks about, in the order the section lists them. */
    enum Kind {
        LARGE_GEMM("large GEMM"),
        SMALL_GEMM("small GEMM"),
        GEMV("GEMV"),
        ELEMENTWISE("elementwise"),
        REDUCTIONS("reductions"),
        MLP_TRAINING("MLP training"),
        INFERENCE("inference");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /** A GEMM at most this many multiply-adds (128^3), or with a side of at most {@link #SMALL_SIDE}, is small. */
    static final double SMALL_MNK = 128.0 * 128 * 128;
    static final long SMALL_SIDE = 16;

    /** Interval width (high over low) up to which the confidence is high, resp. medium. */
    static final double HIGH_CONFIDENCE = 1.10;
    static final double MEDIUM_CONFIDENCE = 1.30;

    /**
     * The verdict on one kind.
     *
     * @param kind      the kind of work
     * @param problems  the problems (lines) with jvk and at least one peer measured
     * @param ratio     geometric mean of jvk / best peer; NaN without problems
     * @param low       lower end of its interval
     * @param high      upper end
     * @param min       the smallest ratio of one problem
     * @param max       the largest
     * @param peers     the peers that were fastest on some problem
     * @param verdict   faster, level or slower; "not measured" without problems
     * @param confidence high, medium or low, with why when low (a peer not at its best, a figure above
     *                   its ceiling, no JMH error, or an interval wider than {@link #MEDIUM_CONFIDENCE})
     * @param marked    true when a best peer did not run at its best
     */
    record Verdict(Kind kind, int problems, double ratio, double low, double high, double min, double max,
                   Set<String> peers, String verdict, String confidence, boolean marked) {}

    private Verdicts() {}

    static List<Verdict> of(List<FamilyTable> tables, PeerCheck check, Ceilings ceilings) {
        List<Verdict> verdicts = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            List<double[]> ratios = new ArrayList<>(); // ratio, relative half-width
            Set<String> peers = new LinkedHashSet<>();
            boolean marked = false;
            boolean unknownError = false;
            boolean aboveCeiling = false;
            for (FamilyTable table : tables) {
                for (FamilyTable.Line line : table.lines()) {
                    if (kindOf(table.family(), line) != kind) {
                        continue;
                    }
                    Optional<Row> jvk = line.row("jvk").filter(r -> !r.failed());
                    Optional<Row> best = line.byImpl().values().stream()
                            .filter(r -> !r.failed() && isPeer(r.id().impl()))
                            .max(java.util.Comparator.comparingDouble(Row::callsPerSecond));
                    if (jvk.isEmpty() || best.isEmpty()) {
                        continue;
                    }
                    double r = jvk.get().callsPerSecond() / best.get().callsPerSecond();
                    double e = Math.hypot(jvk.get().relativeError(), best.get().relativeError());
                    unknownError |= Double.isNaN(e);
                    ratios.add(new double[] {r, Double.isNaN(e) ? 0 : e});
                    peers.add(best.get().id().impl());
                    marked |= !check.atItsBest(best.get().id().impl());
                    aboveCeiling |= table.aboveBound(line, jvk.get(), ceilings) || table.aboveBound(line, best.get(), ceilings);
                }
            }
            verdicts.add(verdict(kind, ratios, peers, marked, unknownError, aboveCeiling));
        }
        return verdicts;
    }

    private static Verdict verdict(Kind kind, List<double[]> ratios, Set<String> peers, boolean marked, boolean unknownError,
                                   boolean aboveCeiling) {
        if (ratios.isEmpty()) {
            return new Verdict(kind, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, peers, "not measured", "", false);
        }
        double logRatio = 0;
        double logLow = 0;
        double logHigh = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (double[] re : ratios) {
            logRatio += Math.log(re[0]);
            // an error of 100% or more says nothing about the lower end
            logLow += Math.log(re[0] * Math.max(1 - re[1], 1e-3));
            logHigh += Math.log(re[0] * (1 + re[1]));
            min = Math.min(min, re[0]);
            max = Math.max(max, re[0]);
        }
        int n = ratios.size();
        double ratio = Math.exp(logRatio / n);
        double low = Math.exp(logLow / n);
        double high = Math.exp(logHigh / n);
        String verdict = low > 1 ? "faster" : high < 1 ? "slower" : "level";
        String confidence;
        if (marked) {
            confidence = "low: the best peer did not run at its best";
        } else if (aboveCeiling) {
            confidence = "low: some figures are above their ceiling";
        } else if (unknownError) {
            confidence = "low: JMH gave no error for some rows";
        } else {
            double width = high / low;
            confidence = width <= HIGH_CONFIDENCE ? "high" : width <= MEDIUM_CONFIDENCE ? "medium" : "low: wide error bars";
        }
        return new Verdict(kind, n, ratio, low, high, min, max, peers, verdict, confidence, marked);
    }

    /** Every implementation but jvk's own code and the bandwidth bound. */
    static boolean isPeer(String impl) {
        return !impl.equals("jvk") && !impl.equals("reference") && !impl.equals("stream");
    }

    /** The kind of a line, or null when the section does not count it (jvk's variants, ceilings). */
    static Kind kindOf(Family family, FamilyTable.Line line) {
        String op = line.key().op().toLowerCase(Locale.ROOT);
        return switch (family) {
            case GEMM -> {
                if (op.contains("gemv")) {
                    yield Kind.GEMV;
                }
                if (!op.contains("gemm")) {
                    yield null;
                }
                List<Long> d = line.key().shape().dims();
                double mnk = d.size() == 1 ? Math.pow(d.get(0), 3) : line.key().shape().volume();
                boolean narrow = d.stream().anyMatch(side -> side <= SMALL_SIDE);
                yield d.isEmpty() ? null : mnk <= SMALL_MNK || narrow ? Kind.SMALL_GEMM : Kind.LARGE_GEMM;
            }
            case ELEMENTWISE -> Kind.ELEMENTWISE;
            case REDUCTIONS -> Kind.REDUCTIONS;
            case MLP -> Naming.isInference(op) ? Kind.INFERENCE : Naming.isTraining(op) ? Kind.MLP_TRAINING : null;
            case CEILING -> null;
        };
    }
}
