package dev.jvk.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Did every peer run at its best on this machine? Judged from the run's record, not from the
 * command's intentions: the OpenBLAS kernels that ran against the best ones for the CPU's flags,
 * and how the thread counts of the peers with thread pools were set. A peer that did not run at
 * its best gets a warning above the tables and a mark on every ratio against it.
 */
final class PeerCheck {
    /** The mark on a ratio against a peer that did not run at its best. */
    static final String MARK = "⚠";

    private final Map<String, String> shortfalls = new LinkedHashMap<>();
    private final List<String> howTheyRan = new ArrayList<>();

    PeerCheck(Optional<RunInfo> info, Results results) {
        Set<String> measured = new java.util.HashSet<>();
        results.rows().stream().filter(r -> !r.failed()).forEach(r -> measured.add(r.id().impl()));
        if (measured.contains("openblas")) {
            openblas(info);
        }
        if (measured.contains("pytorch")) {
            howTheyRan.add("PyTorch (DJL): intra-op threads set to each row's `threads` (the same as jvk's on that row) and checked "
                    + "after loading; inter-op threads 1.");
        }
        if (measured.contains("onnxruntime")) {
            howTheyRan.add("ONNX Runtime: intra-op threads set to each row's `threads` (the same as jvk's on that row), inter-op "
                    + "threads 1, sequential execution, every graph optimisation; it picks its CPU kernels itself when it loads.");
        }
    }

    private void openblas(Optional<RunInfo> info) {
        Set<String> flags = OpenBlasCores.flags(info.map(i -> i.machine().getOrDefault("SIMD features", "")).orElse(""));
        Optional<RunInfo.OpenBlasRun> run = info.map(RunInfo::openblas);
        String ran;
        if (run.isPresent()) {
            ran = run.get().ran();
            howTheyRan.add("OpenBLAS: " + (ran.isEmpty() ? "could not be loaded by the command" : "ran its **" + ran + "** kernels")
                    + (run.get().why().isEmpty() ? "" : ": " + run.get().why()) + ".");
        } else {
            // an older record names only the OPENBLAS_CORETYPE it ran with, not what OpenBLAS made of it
            String legacy = info.map(i -> i.machine().getOrDefault("OpenBLAS kernels", "")).orElse("");
            ran = legacy.startsWith("OPENBLAS_CORETYPE=") ? legacy.substring("OPENBLAS_CORETYPE=".length()).trim() : "";
            howTheyRan.add("OpenBLAS: " + (legacy.isEmpty() ? "the run did not record which kernels it loaded" : legacy
                    + " (the kernels that ran were not checked)") + ".");
        }
        if (flags.isEmpty()) {
            shortfalls.put("openblas", "The machine's CPU flags were not recorded, so whether OpenBLAS ran its best kernels is unknown");
        } else if (ran.isEmpty()) {
            OpenBlasCores.bestFor(flags).ifPresent(best -> shortfalls.put("openblas",
                    "Which OpenBLAS kernels ran is unknown; on this CPU its best are " + best + "'s"));
        } else {
            OpenBlasCores.shortfall(ran, flags).ifPresent(s -> shortfalls.put("openblas", s));
        }
    }

    /** The peers that did not run at their best, each with why. */
    Map<String, String> shortfalls() {
        return shortfalls;
    }

    boolean atItsBest(String impl) {
        return !shortfalls.containsKey(impl);
    }

    /** One sentence per peer with a setting that matters: what it ran with and why. */
    List<String> howTheyRan() {
        return howTheyRan;
    }
}
