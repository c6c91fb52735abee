package dev.jvk.bench.report;

/** What a table cell shows for a row: the most telling rate its work allows, else the time per call. */
public enum Metric {
    GFLOPS("GFLOP/s"),
    GBPS("GB/s"),
    SAMPLES("samples/s"),
    /** Work unknown: the time per call, lower is better. */
    TIME("time/call");

    private final String unit;

    Metric(String unit) {
        this.unit = unit;
    }

    public String unit() {
        return unit;
    }

    /** GEMM and the FMA peak in GFLOP/s, MLP in samples/s, memory-bound operations in GB/s. */
    public static Metric of(Naming.Identity id) {
        Work w = id.work();
        if (id.family() == Family.MLP && w.hasSamples()) {
            return SAMPLES;
        }
        if (id.family() == Family.GEMM && w.hasFlops()) {
            return GFLOPS;
        }
        if (w.hasBytes()) {
            return GBPS;
        }
        if (w.hasFlops()) {
            return GFLOPS;
        }
        return TIME;
    }

    /** The row's value in this metric: a rate, or seconds per call for {@link #TIME}. */
    public double value(Row row) {
        return switch (this) {
            case GFLOPS -> row.gflops();
            case GBPS -> row.gigabytesPerSecond();
            case SAMPLES -> row.samplesPerSecond();
            case TIME -> 1 / row.callsPerSecond();
        };
    }
}
