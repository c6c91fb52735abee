package dev.jvk.bench.report;

import java.util.List;
import java.util.Locale;

/** A kernel family: one table in the report, one value of {@code --only}. */
public enum Family {
    GEMM("GEMM", List.of("jvk", "reference", "openblas", "netlib", "ejml")),
    REDUCTIONS("Reductions", List.of("jvk", "reference", "plain", "lucene")),
    ELEMENTWISE("Elementwise operations", List.of("jvk", "reference", "plain")),
    MLP("MLP training and inference", List.of("jvk", "pytorch", "onnxruntime")),
    /** The FMA peak and STREAM bandwidth that the other tables are measured against. */
    CEILING("Ceilings", List.of());

    private final String title;
    private final List<String> expected;

    Family(String title, List<String> expected) {
        this.title = title;
        this.expected = expected;
    }

    /** The section title in the report. */
    public String title() {
        return title;
    }

    /**
     * The implementations this family's table always shows: a column with no result in the
     * run says "missing" rather than disappearing (a peer whose library failed to load).
     */
    public List<String> expectedImplementations() {
        return expected;
    }

    /** The name used on the command line ({@code --only gemm}) and in file names. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
