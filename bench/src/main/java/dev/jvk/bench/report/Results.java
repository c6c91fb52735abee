package dev.jvk.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A run's results sorted for the report: recognised rows (measured or failed) per family, the
 * measured ceilings, and what did not follow the conventions.
 */
public final class Results {
    private final List<Row> rows = new ArrayList<>();
    private final List<JmhResult> unrecognised = new ArrayList<>();
    private final List<JmhFailure> unrecognisedFailures = new ArrayList<>();
    private final Ceilings ceilings;

    /** Sorts JMH's results and the failures from its log. */
    public Results(List<JmhResult> results, List<JmhFailure> failures) {
        for (JmhResult r : results) {
            Optional<Naming.Identity> id = Naming.identify(r.benchmark(), r.params(), r.jmhThreads());
            if (id.isPresent() && isUsable(r)) {
                rows.add(new Row(id.get(), r, null));
            } else {
                unrecognised.add(r);
            }
        }
        for (JmhFailure f : failures) {
            // the log does not say how many JMH threads; failures are listed per benchmark anyway
            Optional<Naming.Identity> id = Naming.identify(f.benchmark(), f.params(), 1);
            if (id.isPresent()) {
                rows.add(new Row(id.get(), null, f));
            } else {
                unrecognisedFailures.add(f);
            }
        }
        ceilings = new Ceilings(rows);
    }

    // a score the report cannot turn into calls per second is listed raw instead of guessed at
    private static boolean isUsable(JmhResult r) {
        try {
            double cps = r.callsPerSecond();
            return cps > 0 && Double.isFinite(cps);
        } catch (IllegalArgumentException unknownUnit) {
            return false;
        }
    }

    /** The recognised rows of one family, measured and failed, in input order. */
    public List<Row> family(Family family) {
        return rows.stream().filter(r -> r.id().family() == family).toList();
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }

    public Ceilings ceilings() {
        return ceilings;
    }

    /** Results whose names or units do not follow the conventions: the report lists them raw. */
    public List<JmhResult> unrecognised() {
        return List.copyOf(unrecognised);
    }

    /** Failures of benchmarks that do not follow the conventions. */
    public List<JmhFailure> unrecognisedFailures() {
        return List.copyOf(unrecognisedFailures);
    }

    /** Every failure, recognised or not. */
    public List<JmhFailure> failures() {
        List<JmhFailure> all = new ArrayList<>();
        rows.stream().filter(Row::failed).map(Row::failure).forEach(all::add);
        all.addAll(unrecognisedFailures);
        return all;
    }
}
