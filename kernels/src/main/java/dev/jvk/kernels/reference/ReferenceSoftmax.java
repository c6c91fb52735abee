package dev.jvk.kernels.reference;

/**
 * Scalar reference softmax, log-softmax and fused softmax cross-entropy: the fallback, and the twin
 * the vector kernels are checked against. Same signatures as {@link dev.jvk.kernels.Softmax}, without
 * argument checks.
 *
 * <p>Each row is computed in double: the row maximum is subtracted first (so that large logits never
 * overflow), then {@code e_j = Math.exp(x_j - max)} and their sum {@code s}, all in double, and each
 * result is rounded once to float. That makes every element correctly rounded up to a few double
 * ulps, far inside the documented bounds. A NaN anywhere in a row, a +Inf, or a row of only -Inf
 * gives a row of NaN (the max subtraction meets Inf - Inf).
 */
public final class ReferenceSoftmax {
    private ReferenceSoftmax() {}

    /** y[r][j] = e^(x[r][j] - max_r) / sum_k e^(x[r][k] - max_r). */
    public static void softmax(float[] x, int xOffset, int rows, int cols, int ldx, float[] y, int yOffset, int ldy) {
        for (int r = 0; r < rows; r++) {
            int in = xOffset + r * ldx;
            int out = yOffset + r * ldy;
            double max = rowMax(x, in, cols);
            double sum = expSum(x, in, cols, max);
            for (int j = 0; j < cols; j++) {
                y[out + j] = (float) (Math.exp(x[in + j] - max) / sum);
            }
        }
    }

    /** y[r][j] = (x[r][j] - max_r) - log(sum_k e^(x[r][k] - max_r)). */
    public static void logSoftmax(float[] x, int xOffset, int rows, int cols, int ldx, float[] y, int yOffset, int ldy) {
        for (int r = 0; r < rows; r++) {
            int in = xOffset + r * ldx;
            int out = yOffset + r * ldy;
            double max = rowMax(x, in, cols);
            double sum = expSum(x, in, cols, max);
            double logSum = Math.log(sum);
            for (int j = 0; j < cols; j++) {
                y[out + j] = (float) ((x[in + j] - max) - logSum);
            }
        }
    }

    /**
     * Mean over rows of -log softmax(x_r)[label_r]; writes dLogits[r][j] = (softmax(x_r)[j] - [j == label_r]) / rows.
     * Labels must already be checked to lie in [0, cols). Returns 0 for rows == 0.
     */
    public static float crossEntropy(float[] logits, int offset, int rows, int cols, int ld,
                                     int[] labels, int labelsOffset, float[] dLogits, int dOffset, int ldd) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int in = offset + r * ld;
            int out = dOffset + r * ldd;
            int label = labels[labelsOffset + r];
            double max = rowMax(logits, in, cols);
            double sum = expSum(logits, in, cols, max);
            total += Math.log(sum) - (logits[in + label] - max);
            // dLogits may be logits itself (in place): each element is read before it is written.
            for (int j = 0; j < cols; j++) {
                double p = Math.exp(logits[in + j] - max) / sum;
                dLogits[out + j] = (float) ((j == label ? p - 1 : p) / rows);
            }
        }
        return rows == 0 ? 0f : (float) (total / rows);
    }

    /** The sum of e^(x_j - max) over the row, in double. */
    private static double expSum(float[] x, int from, int cols, double max) {
        double sum = 0;
        for (int j = 0; j < cols; j++) {
            sum += Math.exp(x[from + j] - max);
        }
        return sum;
    }

    /** Math.max over the row: NaN if any element is NaN, -Inf for an empty row. */
    private static double rowMax(float[] x, int from, int cols) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < cols; j++) {
            max = Math.max(max, x[from + j]);
        }
        return max;
    }
}
