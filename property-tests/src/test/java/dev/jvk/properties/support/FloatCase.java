package dev.jvk.properties.support;

/** n floats from offset in data (poison around them); mix and seed say how they were drawn. */
public record FloatCase(float[] data, int offset, int n, ValueMix mix, long seed) {
    @Override
    public String toString() {
        return "FloatCase[n=" + n + ", offset=" + offset + ", length=" + data.length + ", mix=" + mix + ", seed=" + seed + "]";
    }
}
