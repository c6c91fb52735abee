package dev.jvk.bench.report;

/**
 * What one call of a benchmarked kernel does, from which the report turns calls per second into
 * GFLOP/s, GB/s or samples/s. Unknown quantities are {@code NaN}: the row then shows what it can.
 *
 * <p>Bytes are the compulsory traffic, as STREAM counts it: every input read once, every output
 * written once, no write-allocate traffic. Flops count each multiply and each add (an FMA is two).
 *
 * @param flops   floating-point operations per call
 * @param bytes   bytes read plus written per call
 * @param samples training samples per call (MLP: the batch size)
 * @param stream  the STREAM kernel with the same mix of reads and writes, for the share of bandwidth
 * @param elementBytes 4 for float, 8 for double: picks the FMA ceiling
 */
public record Work(double flops, double bytes, double samples, StreamKind stream, int elementBytes) {

    /** STREAM copy (one read per write) or triad (two reads per write; also used for read-only sweeps). */
    public enum StreamKind { COPY, TRIAD }

    static final Work UNKNOWN = new Work(Double.NaN, Double.NaN, Double.NaN, StreamKind.TRIAD, Float.BYTES);

    static Work compute(double flops, double bytes, int elementBytes) {
        return new Work(flops, bytes, Double.NaN, StreamKind.TRIAD, elementBytes);
    }

    static Work memory(double flops, double bytes, StreamKind stream, int elementBytes) {
        return new Work(flops, bytes, Double.NaN, stream, elementBytes);
    }

    static Work samples(double samples) {
        return new Work(Double.NaN, Double.NaN, samples, StreamKind.TRIAD, Float.BYTES);
    }

    boolean hasFlops() {
        return !Double.isNaN(flops) && flops > 0;
    }

    boolean hasBytes() {
        return !Double.isNaN(bytes) && bytes > 0;
    }

    boolean hasSamples() {
        return !Double.isNaN(samples) && samples > 0;
    }

    /** Floating-point operations per byte moved: the x coordinate of the roofline. */
    double intensity() {
        return flops / bytes;
    }
}
