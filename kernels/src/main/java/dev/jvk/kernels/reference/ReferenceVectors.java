package dev.jvk.kernels.reference;

/**
 * Scalar reference BLAS-1 and elementwise vector operations: the fallback where the Vector API
 * cannot run, and the twin {@link dev.jvk.kernels.Vectors} is checked against (bitwise: every
 * operation here is one exactly rounded operation per element, or a sum in row order).
 * No argument checks: call these through {@link dev.jvk.kernels.Vectors}, or check yourself.
 */
public final class ReferenceVectors {
    private ReferenceVectors() {}

    // ---------------------------------------------------------------- float

    /** y[i] = fma(alpha, x[i], y[i]). */
    public static void axpy(float alpha, float[] x, int xOffset, float[] y, int yOffset, int n) {
        for (int i = 0; i < n; i++) {
            y[yOffset + i] = Math.fma(alpha, x[xOffset + i], y[yOffset + i]);
        }
    }

    /** x[i] = alpha * x[i]. */
    public static void scal(float alpha, float[] x, int offset, int n) {
        for (int i = 0; i < n; i++) {
            x[offset + i] = alpha * x[offset + i];
        }
    }

    /** z[i] = x[i] + y[i]. */
    public static void add(float[] x, int xOffset, float[] y, int yOffset, float[] z, int zOffset, int n) {
        for (int i = 0; i < n; i++) {
            z[zOffset + i] = x[xOffset + i] + y[yOffset + i];
        }
    }

    /** z[i] = x[i] - y[i]. */
    public static void sub(float[] x, int xOffset, float[] y, int yOffset, float[] z, int zOffset, int n) {
        for (int i = 0; i < n; i++) {
            z[zOffset + i] = x[xOffset + i] - y[yOffset + i];
        }
    }

    /** z[i] = x[i] * y[i]. */
    public static void mul(float[] x, int xOffset, float[] y, int yOffset, float[] z, int zOffset, int n) {
        for (int i = 0; i < n; i++) {
            z[zOffset + i] = x[xOffset + i] * y[yOffset + i];
        }
    }

    /** y[i] = x[i]. */
    public static void copy(float[] x, int xOffset, float[] y, int yOffset, int n) {
        for (int i = 0; i < n; i++) {
            y[yOffset + i] = x[xOffset + i];
        }
    }

    /** x[i] = value. */
    public static void fill(float value, float[] x, int offset, int n) {
        for (int i = 0; i < n; i++) {
            x[offset + i] = value;
        }
    }

    /** x[r][c] += bias[c] over a rows x cols block with leading dimension ld. */
    public static void addBias(float[] bias, int biasOffset, float[] x, int xOffset, int rows, int cols, int ld) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                x[xOffset + r * ld + c] += bias[biasOffset + c];
            }
        }
    }

    /** out[c] = sum over r of x[r][c], summed from row 0 down (0 when rows == 0). */
    public static void columnSums(float[] x, int xOffset, int rows, int cols, int ld, float[] out, int outOffset) {
        for (int c = 0; c < cols; c++) {
            float s = 0f;
            for (int r = 0; r < rows; r++) {
                s += x[xOffset + r * ld + c];
            }
            out[outOffset + c] = s;
        }
    }

    // ---------------------------------------------------------------- double

    public static void axpy(double alpha, double[] x, int xOffset, double[] y, int yOffset, int n) {
        for (int i = 0; i < n; i++) {
            y[yOffset + i] = Math.fma(alpha, x[xOffset + i], y[yOffset + i]);
        }
    }

    public static void scal(double alpha, double[] x, int offset, int n) {
        for (int i = 0; i < n; i++) {
            x[offset + i] = alpha * x[offset + i];
        }
    }

    public static void add(double[] x, int xOffset, double[] y, int yOffset, double[] z, int zOffset, int n) {
        for (int i = 0; i < n; i++) {
            z[zOffset + i] = x[xOffset + i] + y[yOffset + i];
        }
    }

    public static void sub(double[] x, int xOffset, double[] y, int yOffset, double[] z, int zOffset, int n) {
        for (int i = 0; i < n; i++) {
            z[zOffset + i] = x[xOffset + i] - y[yOffset + i];
        }
    }

    public static void mul(double[] x, int xOffset, double[] y, int yOffset, double[] z, int zOffset, int n) {
        for (int i = 0; i < n; i++) {
            z[zOffset + i] = x[xOffset + i] * y[yOffset + i];
        }
    }

    public static void copy(double[] x, int xOffset, double[] y, int yOffset, int n) {
        for (int i = 0; i < n; i++) {
            y[yOffset + i] = x[xOffset + i];
        }
    }

    public static void fill(double value, double[] x, int offset, int n) {
        for (int i = 0; i < n; i++) {
            x[offset + i] = value;
        }
    }

    public static void addBias(double[] bias, int biasOffset, double[] x, int xOffset, int rows, int cols, int ld) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                x[xOffset + r * ld + c] += bias[biasOffset + c];
            }
        }
    }

    public static void columnSums(double[] x, int xOffset, int rows, int cols, int ld, double[] out, int outOffset) {
        for (int c = 0; c < cols; c++) {
            double s = 0;
            for (int r = 0; r < rows; r++) {
                s += x[xOffset + r * ld + c];
            }
            out[outOffset + c] = s;
        }
    }
}
