package dev.jvk.bench.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import dev.jvk.bench.ceiling.FmaPeakBench;

/**
 * The ceilings measured in the run: FMA peak per precision, vector width and thread count, and
 * STREAM copy/triad bandwidth per thread count. When the exact ceiling a row needs was not
 * measured, a derived one is offered and marked so: the double peak as half the float peak at
 * the same width (half the lanes, same FMA throughput), more threads as a multiple of one.
 */
public final class Ceilings {

    /**
     * A ceiling value.
     *
     * @param value         GFLOP/s or GB/s
     * @param relativeError JMH's relative error of the measurement it comes from
     * @param label         what it is, e.g. {@code FMA peak, float, 512-bit, 1 thread}
     * @param derived       true when computed from another measurement (see the class comment)
     */
    public record Peak(double value, double relativeError, String label, boolean derived) {}

    private final List<Row> fma = new ArrayList<>();
    private final List<Row> stream = new ArrayList<>();

    Ceilings(List<Row> rows) {
        for (Row row : rows) {
            if (row.failed()) {
                continue;
            }
            Naming.Identity id = row.id();
            if (id.family() == Family.CEILING && id.op().equals("fmaPeak") && id.work().hasFlops()) {
                fma.add(row);
            } else if (isStream(id)) {
                stream.add(row);
            }
        }
        // the suite's own ceiling first, then a STREAM benchmark of another family, largest first
        stream.sort(Comparator.comparing((Row r) -> r.id().family() != Family.CEILING)
                .thenComparing(Comparator.comparingDouble((Row r) -> r.id().work().bytes()).reversed()));
    }

    /** A STREAM kernel of another family counts only on arrays that stream from memory: 64 MiB per call and more. */
    static final double PEER_STREAM_MIN_BYTES = 64.0 * (1 << 20);

    private static boolean isStream(Naming.Identity id) {
        boolean ceiling = id.family() == Family.CEILING && id.op().equals("stream");
        boolean peer = id.impl().equals("stream") && (id.op().equals("copy") || id.op().equals("triad"))
                && id.work().bytes() >= PEER_STREAM_MIN_BYTES;
        return (ceiling || peer) && id.work().hasBytes();
    }

    /** The measured ceiling rows (FMA then STREAM), for the report's table. */
    public List<Row> rows() {
        List<Row> all = new ArrayList<>(fma);
        all.sort(Comparator.comparing((Row r) -> r.id().impl().startsWith("double"))
                .thenComparingInt(r -> FmaPeakBench.widthOf(r.id().impl()))
                .thenComparingInt(r -> r.id().threads()));
        List<Row> s = new ArrayList<>(stream);
        s.sort(Comparator.comparing((Row r) -> streamKind(r)).thenComparingInt(r -> r.id().threads()).thenComparing(Ceilings::streamName));
        all.addAll(s);
        return all;
    }

    public boolean isEmpty() {
        return fma.isEmpty() && stream.isEmpty();
    }

    /** The widest vector width with a measured FMA peak; 0 when none was measured. */
    public int widestFmaBits() {
        return fma.stream().mapToInt(r -> FmaPeakBench.widthOf(r.id().impl())).max().orElse(0);
    }

    /**
     * The FMA peak for elements of {@code elementBytes} (4 or 8) at {@code bits} (the widest
     * measured when that width was not) with {@code threads} threads.
     */
    public Optional<Peak> fma(int elementBytes, int bits, int threads) {
        int width = fma.stream().anyMatch(r -> FmaPeakBench.widthOf(r.id().impl()) == bits) ? bits : widestFmaBits();
        if (width == 0) {
            return Optional.empty();
        }
        String precision = elementBytes == Double.BYTES ? "double" : "float";
        Optional<Peak> exact = fmaMeasured(precision, width, threads);
        if (exact.isPresent()) {
            return exact;
        }
        if (precision.equals("double")) {
            Optional<Peak> fromFloat = fmaMeasured("float", width, threads).or(() -> scaled("float", width, threads));
            if (fromFloat.isPresent()) {
                Peak f = fromFloat.get();
                return Optional.of(new Peak(f.value() / 2, f.relativeError(),
                        "FMA peak, double, " + width + "-bit, " + threads(threads) + " (half the float peak)", true));
            }
        }
        return scaled(precision, width, threads);
    }

    private Optional<Peak> fmaMeasured(String precision, int width, int threads) {
        return fma.stream()
                .filter(r -> r.id().impl().equals(precision + width) && r.id().threads() == threads)
                .findFirst()
                .map(r -> new Peak(r.gflops(), r.relativeError(), "FMA peak, " + precision + ", " + width + "-bit, " + threads(threads), false));
    }

    private Optional<Peak> scaled(String precision, int width, int threads) {
        if (threads == 1) {
            return Optional.empty();
        }
        return fmaMeasured(precision, width, 1).map(one -> new Peak(one.value() * threads, one.relativeError(),
                "FMA peak, " + precision + ", " + width + "-bit, " + threads + " x the 1-thread peak", true));
    }

    /**
     * The bandwidth ceiling of {@code kind} with {@code threads} threads, else with one thread
     * (marked derived): the fastest measured way of that kind (STREAM's loop, or a copy with
     * non-temporal stores, an in-place update), since a kernel may move its bytes either way.
     */
    public Optional<Peak> stream(Work.StreamKind kind, int threads) {
        Comparator<Row> bandwidth = Comparator.comparingDouble(Row::gigabytesPerSecond);
        Optional<Row> exact = stream.stream().filter(r -> streamKind(r) == kind && r.id().threads() == threads).max(bandwidth);
        if (exact.isPresent()) {
            return exact.map(r -> new Peak(r.gigabytesPerSecond(), r.relativeError(), streamLabel(r), false));
        }
        return stream.stream().filter(r -> streamKind(r) == kind && r.id().threads() == 1).max(bandwidth)
                .map(r -> new Peak(r.gigabytesPerSecond(), r.relativeError(), streamLabel(r) + " (measured on 1 thread)", true));
    }

    /**
     * Bytes per call of the measured STREAM copy (its working set), or 0 when none was measured:
     * rows that move at least half as much stream from the same level of memory and are compared
     * with STREAM; smaller ones run from the caches, where STREAM says nothing.
     */
    public double streamBytesPerCall() {
        return stream.stream().filter(r -> streamKind(r) == Work.StreamKind.COPY).mapToDouble(r -> r.id().work().bytes()).max().orElse(0);
    }

    static Work.StreamKind streamKind(Row r) {
        String name = r.id().family() == Family.CEILING ? r.id().impl() : r.id().op();
        return name.equals("copy") || name.equals("arraycopy") ? Work.StreamKind.COPY : Work.StreamKind.TRIAD;
    }

    /** "STREAM copy", "STREAM triad", and the two faster ways of moving the same bytes. */
    static String streamName(Row r) {
        String name = r.id().family() == Family.CEILING ? r.id().impl() : r.id().op();
        return switch (name) {
            case "arraycopy" -> "copy by System.arraycopy";
            case "update" -> "in-place a += q b";
            default -> "STREAM " + (streamKind(r) == Work.StreamKind.COPY ? "copy" : "triad");
        };
    }

    private static String streamLabel(Row r) {
        return streamName(r) + ", " + r.id().shape().label() + " floats, " + threads(r.id().threads());
    }

    static String threads(int n) {
        return n + (n == 1 ? " thread" : " threads");
    }
}
