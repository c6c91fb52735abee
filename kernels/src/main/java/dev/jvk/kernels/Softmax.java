package dev.jvk.kernels;

import dev.jvk.kernels.spi.SoftmaxKernels;

/**
 * Row-wise softmax, log-softmax and the fused softmax cross-entropy of a classifier's last layer,
 * over row-major rows x cols blocks with leading dimensions.
 *
 * <p><b>Numbers.</b> Each row's maximum is subtracted before exponentiating (log-sum-exp style), so
 * large logits never overflow. Let {@code u = 2^-24} and {@code gamma(d) = d u / (1 - d u)}, where d
 * is the longest chain of additions in a row sum: {@code d = cols} bounds every summation order (the
 * vector kernels, with L lanes, have {@code d <= ceil(cols / L) + L}). Then each softmax element is
 * within {@code gamma(d) + 4u} of the exact value (absolute), and each row of softmax sums to 1 within
 * {@code gamma(d) + 4u}; each log-softmax element is within {@code (gamma(d) + 4u) * max(1, |exact|)}.
 * A NaN in a row, a +Inf, or a row of only -Inf gives a row of NaN. Results are deterministic.
 *
 * <p><b>Aliasing.</b> The output may be the input itself (same array, offset and leading dimension);
 * any other intersection of their index ranges in one array is an {@link IllegalArgumentException}.
 *
 * <p><b>Errors.</b> Null arrays: {@link NullPointerException} naming them. Negative rows, cols or
 * offsets, or a leading dimension below {@code max(1, cols)}: {@link IllegalArgumentException} naming
 * the parameter. An array too short for its block: {@link IndexOutOfBoundsException} naming it. All
 * checks run before anything is written.
 */
public final class Softmax {
    private static final SoftmaxKernels IMPL = Dispatch.CHOSEN.softmax();

    private Softmax() {}

    /**
     * {@code y[r][j] = e^(x[r][j] - m_r) / sum_k e^(x[r][k] - m_r)}, {@code m_r} the row maximum, for
     * the rows x cols block of x (leading dimension ldx) into that of y (leading dimension ldy).
     * Bounds and aliasing as described on the class.
     */
    public static void softmax(float[] x, int xOffset, int rows, int cols, int ldx, float[] y, int yOffset, int ldy) {
        rowWise(x, xOffset, rows, cols, ldx, y, yOffset, ldy);
        IMPL.softmax(x, xOffset, rows, cols, ldx, y, yOffset, ldy);
    }

    /**
     * {@code y[r][j] = (x[r][j] - m_r) - log(sum_k e^(x[r][k] - m_r))}: log-softmax, without
     * computing softmax first (so it stays finite where softmax underflows to 0). Bounds and aliasing
     * as described on the class.
     */
    public static void logSoftmax(float[] x, int xOffset, int rows, int cols, int ldx, float[] y, int yOffset, int ldy) {
        rowWise(x, xOffset, rows, cols, ldx, y, yOffset, ldy);
        IMPL.logSoftmax(x, xOffset, rows, cols, ldx, y, yOffset, ldy);
    }

    /**
     * Softmax cross-entropy of a batch, fused: returns the mean loss
     * {@code (1/rows) sum_r -log softmax(logits_r)[labels[r]]}, and writes the gradient with respect to
     * the logits, {@code dLogits[r][j] = (softmax(logits_r)[j] - (j == labels[r] ? 1 : 0)) / rows}, in one
     * pass over each row.
     *
     * <p>Bounds (d as on the class): the loss within {@code (gamma(d) + 4u) * max(1, exact loss)}; each
     * dLogits element within {@code (gamma(d) + 8u) / rows} absolute. Returns 0 for {@code rows == 0}.
     * dLogits may be logits itself (same offset and leading dimension: the gradient replaces the
     * logits); any other overlap is rejected.
     *
     * @param labels one class index per row, each in {@code [0, cols)}
     * @throws IllegalArgumentException as on the class, or for a label outside {@code [0, cols)}: the
     *         message names the row; nothing has been written then
     */
    public static float crossEntropy(float[] logits, int offset, int rows, int cols, int ld,
                                     int[] labels, int labelsOffset, float[] dLogits, int dOffset, int ldd) {
        Checks.size(rows, "rows");
        Checks.size(cols, "cols");
        block(logits, offset, rows, cols, ld, "logits", "offset", "ld");
        Checks.vector(labels, labelsOffset, rows, "labels");
        block(dLogits, dOffset, rows, cols, ldd, "dLogits", "dOffset", "ldd");
        Checks.blockInPlaceOrDisjoint(logits, offset, ld, "logits", dLogits, dOffset, ldd, "dLogits", rows, cols);
        for (int r = 0; r < rows; r++) {
            int label = labels[labelsOffset + r];
            if (label < 0 || label >= cols) {
                throw new IllegalArgumentException("labels[" + (labelsOffset + r) + "] = " + label + " (row " + r
                        + ") is not a class index in [0, cols = " + cols + ")");
            }
        }
        return IMPL.crossEntropy(logits, offset, rows, cols, ld, labels, labelsOffset, dLogits, dOffset, ldd);
    }

    private static void rowWise(float[] x, int xOffset, int rows, int cols, int ldx, float[] y, int yOffset, int ldy) {
        Checks.size(rows, "rows");
        Checks.size(cols, "cols");
        block(x, xOffset, rows, cols, ldx, "x", "xOffset", "ldx");
        block(y, yOffset, rows, cols, ldy, "y", "yOffset", "ldy");
        Checks.blockInPlaceOrDisjoint(x, xOffset, ldx, "x", y, yOffset, ldy, "y", rows, cols);
    }

    private static void block(float[] a, int offset, int rows, int cols, int ld, String name, String offsetName, String ldName) {
        Checks.notNull(a, name);
        Checks.offset(offset, offsetName);
        Checks.leadingDimension(ld, cols, ldName);
        Checks.fits(a.length, offset, Checks.extent(rows, cols, ld), name);
    }
}
