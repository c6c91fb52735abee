package dev.jvk.properties.support;

/** n doubles from offset in data (poison around them); mix and seed say how they were drawn. */
public record DoubleCase(double[] data, int offset, int n, ValueMix mix, long seed) {
    @Override
    public String toString() {
        return "DoubleCase[n=" + n + ", offset=" + offset + ", length=" + data.length + ", mix=" + mix + ", seed=" + seed + "]";
    }
}
