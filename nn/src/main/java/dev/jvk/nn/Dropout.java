package dev.jvk.nn;

import dev.jvk.kernels.Vectors;

/**
 * Inverted dropout: while training, each value is kept with probability {@code 1 - rate} and scaled
 * by {@code 1 / (1 - rate)}, else zeroed; at inference the layer is the identity. The mask comes
 * from a seeded generator whose whole state is one counter ({@link #randomState()}), so training runs
 * repeat bitwise and a checkpoint can carry the generator on.
 */
public final class Dropout implements Layer {
    private final int size;
    private final float rate;
    private long random;                   // SplitMix64's counter: the i-th draw is mix(seed + i * GOLDEN_GAMMA)
    private float[] mask = new float[0];   // [B x n]: 0 or 1 / (1 - rate), from the last training forward

    /** Dropout of {@code rate} in [0, 1) over rows of {@code size}, masks drawn from {@code seed}. */
    public Dropout(int size, float rate, long seed) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be >= 1, got " + size);
        }
        if (!(rate >= 0f && rate < 1f)) {
            throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + rate);
        }
        this.size = size;
        this.rate = rate;
        this.random = seed;
    }

    /** The probability of dropping a value. */
    public float rate() {
        return rate;
    }

    @Override
    public int inputSize() {
        return size;
    }

    @Override
    public int outputSize() {
        return size;
    }

    @Override
    public void reserve(int rows) {
        if (mask.length < rows * size) {
            mask = new float[rows * size];
        }
    }

    @Override
    public void forward(float[] x, float[] y, int rows, boolean training) {
        int n = rows * size;
        if (!training || rate == 0f) {
            forwardRows(x, y, 0, rows);
            return;
        }
        reserve(rows);
        float keep = 1f / (1f - rate);
        for (int i = 0; i < n; i++) {
            random += GOLDEN_GAMMA;
            mask[i] = (mix64(random) >>> 40) * 0x1.0p-24f < rate ? 0f : keep;
        }
        // y[B x n] = x * mask
        Vectors.mul(x, 0, mask, 0, y, 0, n);
    }

    @Override
    public void forwardRows(float[] x, int xFrom, float[] y, int yFrom, int rows) {
        // inference: y = x
        Vectors.copy(x, xFrom * size, y, yFrom * size, rows * size);
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int rows) {
        backwardRows(x, y, dy, dx, 0, rows);
    }

    @Override
    public void backwardRows(float[] x, float[] y, float[] dy, float[] dx, int from, int rows) {
        if (dx == null) {
            return;
        }
        int o = from * size;
        int n = rows * size;
        if (rate == 0f) {
            Vectors.copy(dy, o, dx, o, n);
            return;
        }
        // from y = x * mask: dx = dy * mask
        Vectors.mul(dy, o, mask, o, dx, o, n);
    }

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    /** Stafford's variant 13 of the MurmurHash3 finaliser, SplitMix64's output function. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The mask generator's state: restoring it with {@link #restoreRandomState} repeats the masks drawn from here on. */
    long randomState() {
        return random;
    }

    /** Continues the mask generator from a state {@link #randomState()} returned. */
    void restoreRandomState(long state) {
        random = state;
    }

    @Override
    public String toString() {
        return "dropout " + rate;
    }
}
