package dev.jvk.kernels.reference;

/**
 * The reference reductions that are the same in both precisions (sum, dot, max, min, argmax, asum),
 * behind {@link ReferenceReductions}, whose methods carry their contracts. The single-precision file
 * is written by hand; the double-precision one is generated from it (its first line names the
 * generator) and a property test fails when the two drift apart.
 */
final class ReferenceFloatReductions {
    private ReferenceFloatReductions() {}

    static float sum(float[] x, int offset, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += x[offset + i];
        }
        return s;
    }

    static float dot(float[] x, int xOffset, float[] y, int yOffset, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s = Math.fma(x[xOffset + i], y[yOffset + i], s);
        }
        return s;
    }

    static float max(float[] x, int offset, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, x[offset + i]);
        }
        return m;
    }

    static float min(float[] x, int offset, int n) {
        float m = Float.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            m = Math.min(m, x[offset + i]);
        }
        return m;
    }

    static int argmax(float[] x, int offset, int n) {
        int best = -1;
        float bestValue = 0;
        for (int i = 0; i < n; i++) {
            float v = x[offset + i];
            if (v != v) {
                return i;
            }
            if (best < 0 || v > bestValue) {
                best = i;
                bestValue = v;
            }
        }
        return best;
    }

    static float asum(float[] x, int offset, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += Math.abs(x[offset + i]);
        }
        return s;
    }
}
