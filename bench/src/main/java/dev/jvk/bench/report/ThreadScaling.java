package dev.jvk.bench.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One thread and more side by side, for the work where more cores should pay: GEMM, the MLP
 * training step and inference. Per problem of the run measured on 1 thread and on more (the most
 * threads it ran on), jvk's rate at both, what the extra threads gave it, and the same for the
 * peer that was fastest with more threads; the lines of the family tables, regrouped.
 */
final class ThreadScaling {
    /** The kinds of work this section is about. */
    static final Set<Verdicts.Kind> KINDS = EnumSet.of(Verdicts.Kind.LARGE_GEMM, Verdicts.Kind.SMALL_GEMM, Verdicts.Kind.GEMV,
            Verdicts.Kind.MLP_TRAINING, Verdicts.Kind.INFERENCE);

    /**
     * One implementation on one thread and on more.
     *
     * @param impl the implementation
     * @param one  its row on 1 thread
     * @param many its row on more threads
     */
    record Pair(String impl, Row one, Row many) {
        /** Calls per second on more threads over calls per second on one. */
        double gain() {
            return many.callsPerSecond() / one.callsPerSecond();
        }
    }

    /**
     * A problem measured on 1 thread and on more.
     *
     * @param table the family table its lines are in
     * @param kind  the kind of work
     * @param one   its line on 1 thread
     * @param many  its line on the most threads measured
     * @param jvk   jvk on both
     * @param peer  the peer fastest on more threads among those measured on both, if any
     */
    record Problem(FamilyTable table, Verdicts.Kind kind, FamilyTable.Line one, FamilyTable.Line many, Pair jvk, Optional<Pair> peer) {
        int threads() {
            return many.key().threads();
        }
    }

    private ThreadScaling() {}

    static List<Problem> of(List<FamilyTable> tables) {
        List<Problem> problems = new ArrayList<>();
        for (FamilyTable table : tables) {
            Map<FamilyTable.Key, List<FamilyTable.Line>> byProblem = new LinkedHashMap<>();
            for (FamilyTable.Line line : table.lines()) {
                FamilyTable.Key k = line.key();
                byProblem.computeIfAbsent(new FamilyTable.Key(k.op(), k.group(), k.shape(), 0, k.extras()), x -> new ArrayList<>()).add(line);
            }
            for (List<FamilyTable.Line> lines : byProblem.values()) {
                Optional<FamilyTable.Line> one = lines.stream().filter(l -> l.key().threads() == 1).findFirst();
                Optional<FamilyTable.Line> many = lines.stream().filter(l -> l.key().threads() > 1)
                        .max(Comparator.comparingInt(l -> l.key().threads()));
                if (one.isEmpty() || many.isEmpty()) {
                    continue;
                }
                Verdicts.Kind kind = Verdicts.kindOf(table.family(), one.get());
                Optional<Pair> jvk = pair("jvk", one.get(), many.get());
                if (!KINDS.contains(kind) || jvk.isEmpty()) {
                    continue;
                }
                Optional<Pair> peer = table.implementations().stream()
                        .filter(Verdicts::isPeer)
                        .flatMap(impl -> pair(impl, one.get(), many.get()).stream())
                        .max(Comparator.comparingDouble(p -> p.many().callsPerSecond()));
                problems.add(new Problem(table, kind, one.get(), many.get(), jvk.get(), peer));
            }
        }
        problems.sort(Comparator.comparing(Problem::kind));
        return problems;
    }

    private static Optional<Pair> pair(String impl, FamilyTable.Line one, FamilyTable.Line many) {
        Optional<Row> a = one.row(impl).filter(r -> !r.failed());
        Optional<Row> b = many.row(impl).filter(r -> !r.failed());
        return a.isPresent() && b.isPresent() ? Optional.of(new Pair(impl, a.get(), b.get())) : Optional.empty();
    }
}
