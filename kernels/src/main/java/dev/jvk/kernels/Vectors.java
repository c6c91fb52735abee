package dev.jvk.kernels;

import dev.jvk.kernels.spi.VectorKernels;

/**
 * BLAS-1 and elementwise vector operations on {@code float[]} and {@code double[]} with offsets:
 * axpy, scal, add, sub, mul, copy, fill, and for dense layers addBias (a row broadcast) and
 * columnSums (its gradient). Scalars come first, then each array with its offset, then {@code n}.
 *
 * <h2>Results</h2>
 * Every element gets exactly one correctly rounded operation ({@code Math.fma} for axpy), so the
 * results are bitwise those of the scalar reference {@link dev.jvk.kernels.reference.ReferenceVectors} on every path and at
 * every vector width, NaN for NaN and signed zeros included.
 *
 * <h2>Arguments</h2>
 * A null array is a {@link NullPointerException}; a negative size or offset, or {@code ld < max(1, cols)},
 * an {@link IllegalArgumentException}; an array shorter than its offset and extent an
 * {@link IndexOutOfBoundsException} naming it. An output may be an input at the same offset (in
 * place); any other overlap of an output with an input in the same array is an
 * {@link IllegalArgumentException}. Inputs may overlap each other freely. All checks come before
 * anything is written: a rejected call leaves every array untouched.
 */
public final class Vectors {
    private static final VectorKernels IMPL = Dispatch.CHOSEN.vectors();

    private Vectors() {}

    // ================================================================ float

    /**
     * {@code y[i] = fma(alpha, x[i], y[i])} for i in [0, n): one rounding per element. y may be x at
     * the same offset; any other overlap of y with x is rejected. Unlike BLAS {@code saxpy}, alpha = 0
     * is not a quick return: x is read, and a NaN or infinity in it makes that y NaN.
     */
    public static void axpy(float alpha, float[] x, int xOffset, float[] y, int yOffset, int n) {
        checkInOut(x, xOffset, y, yOffset, n);
        IMPL.axpy(alpha, x, xOffset, y, yOffset, n);
    }

    /** {@link #axpy(float, float[], int, float[], int, int)} with {@code n = x.length}. */
    public static void axpy(float alpha, float[] x, float[] y) {
        axpy(alpha, x, 0, y, 0, Checks.notNull(x, "x").length);
    }

    /** {@code x[i] = alpha * x[i]} for i in [0, n), in place. */
    public static void scal(float alpha, float[] x, int offset, int n) {
        Checks.xOffsetN(x, offset, n);
        IMPL.scal(alpha, x, offset, n);
    }

    /** {@link #scal(float, float[], int, int)} over the whole array. */
    public static void scal(float alpha, float[] x) {
        scal(alpha, x, 0, Checks.notNull(x, "x").length);
    }

    /** {@code z[i] = x[i] + y[i]} for i in [0, n). z may be x or y at the same offset. */
    public static void add(float[] x, int xOffset, float[] y, int yOffset, float[] z, int zOffset, int n) {
        checkBinary(x, xOffset, y, yOffset, z, zOffset, n);
        IMPL.add(x, xOffset, y, yOffset, z, zOffset, n);
    }

    /** {@link #add(float[], int, float[], int, float[], int, int)} with {@code n = x.length}. */
    public static void add(float[] x, float[] y, float[] z) {
        add(x, 0, y, 0, z, 0, Checks.notNull(x, "x").length);
    }

    /** {@code z[i] = x[i] - y[i]} for i in [0, n). z may be x or y at the same offset. */
    public static void sub(float[] x, int xOffset, float[] y, int yOffset, float[] z, int zOffset, int n) {
        checkBinary(x, xOffset, y, yOffset, z, zOffset, n);
        IMPL.sub(x, xOffset, y, yOffset, z, zOffset, n);
    }

    /** {@link #sub(float[], int, float[], int, float[], int, int)} with {@code n = x.length}. */
    public static void sub(float[] x, float[] y, float[] z) {
        sub(x, 0, y, 0, z, 0, Checks.notNull(x, "x").length);
    }

    /** {@code z[i] = x[i] * y[i]} for i in [0, n). z may be x or y at the same offset. */
    public static void mul(float[] x, int xOffset, float[] y, int yOffset, float[] z, int zOffset, int n) {
        checkBinary(x, xOffset, y, yOffset, z, zOffset, n);
        IMPL.mul(x, xOffset, y, yOffset, z, zOffset, n);
    }

    /** {@link #mul(float[], int, float[], int, float[], int, int)} with {@code n = x.length}. */
    public static void mul(float[] x, float[] y, float[] z) {
        mul(x, 0, y, 0, z, 0, Checks.notNull(x, "x").length);
    }

    /** {@code y[i] = x[i]} for i in [0, n), bit for bit. y may be x at the same offset (nothing changes). */
    public static void copy(float[] x, int xOffset, float[] y, int yOffset, int n) {
        checkInOut(x, xOffset, y, yOffset, n);
        IMPL.copy(x, xOffset, y, yOffset, n);
    }

    /** {@link #copy(float[], int, float[], int, int)} with {@code n = x.length}. */
    public static void copy(float[] x, float[] y) {
        copy(x, 0, y, 0, Checks.notNull(x, "x").length);
    }

    /** {@code x[i] = value} for i in [0, n). */
    public static void fill(float value, float[] x, int offset, int n) {
        Checks.xOffsetN(x, offset, n);
        IMPL.fill(value, x, offset, n);
    }

    /** {@link #fill(float, float[], int, int)} over the whole array. */
    public static void fill(float value, float[] x) {
        fill(value, x, 0, Checks.notNull(x, "x").length);
    }

    /**
     * Adds the bias row to every row of a {@code rows x cols} block: {@code x[r][c] += bias[c]}, where
     * {@code x[r][c]} is {@code x[xOffset + r*ld + c]} and {@code bias[c]} is {@code bias[biasOffset + c]}.
     * {@code ld >= max(1, cols)}. bias must not overlap the block's index range
     * {@code [xOffset, xOffset + (rows-1)*ld + cols)} in the same array.
     */
    public static void addBias(float[] bias, int biasOffset, float[] x, int xOffset, int rows, int cols, int ld) {
        checkRowAndBlock(bias, biasOffset, "bias", x, xOffset, rows, cols, ld);
        IMPL.addBias(bias, biasOffset, x, xOffset, rows, cols, ld);
    }

    /**
     * The sums down the columns of a {@code rows x cols} block (the gradient of {@link #addBias}):
     * {@code out[outOffset + c] = sum over r of x[xOffset + r*ld + c]}. out is overwritten, not added
     * to (all zeros when {@code rows == 0}). Each column is summed from row 0 down, as the reference
     * does, so the result is bitwise the reference's: {@code |s - exact| <= gamma(rows) * sum|x|}
     * per column. {@code ld >= max(1, cols)}; out must not overlap the block's index range in the same array.
     */
    public static void columnSums(float[] x, int xOffset, int rows, int cols, int ld, float[] out, int outOffset) {
        checkRowAndBlock(out, outOffset, "out", x, xOffset, rows, cols, ld);
        IMPL.columnSums(x, xOffset, rows, cols, ld, out, outOffset);
    }

    // ================================================================ double

    /** As {@link #axpy(float, float[], int, float[], int, int)}, in double. */
    public static void axpy(double alpha, double[] x, int xOffset, double[] y, int yOffset, int n) {
        checkInOut(x, xOffset, y, yOffset, n);
        IMPL.axpy(alpha, x, xOffset, y, yOffset, n);
    }

    /** {@link #axpy(double, double[], int, double[], int, int)} with {@code n = x.length}. */
    public static void axpy(double alpha, double[] x, double[] y) {
        axpy(alpha, x, 0, y, 0, Checks.notNull(x, "x").length);
    }

    /** As {@link #scal(float, float[], int, int)}, in double. */
    public static void scal(double alpha, double[] x, int offset, int n) {
        Checks.xOffsetN(x, offset, n);
        IMPL.scal(alpha, x, offset, n);
    }

    /** {@link #scal(double, double[], int, int)} over the whole array. */
    public static void scal(double alpha, double[] x) {
        scal(alpha, x, 0, Checks.notNull(x, "x").length);
    }

    /** As {@link #add(float[], int, float[], int, float[], int, int)}, in double. */
    public static void add(double[] x, int xOffset, double[] y, int yOffset, double[] z, int zOffset, int n) {
        checkBinary(x, xOffset, y, yOffset, z, zOffset, n);
        IMPL.add(x, xOffset, y, yOffset, z, zOffset, n);
    }

    /** {@link #add(double[], int, double[], int, double[], int, int)} with {@code n = x.length}. */
    public static void add(double[] x, double[] y, double[] z) {
        add(x, 0, y, 0, z, 0, Checks.notNull(x, "x").length);
    }

    /** As {@link #sub(float[], int, float[], int, float[], int, int)}, in double. */
    public static void sub(double[] x, int xOffset, double[] y, int yOffset, double[] z, int zOffset, int n) {
        checkBinary(x, xOffset, y, yOffset, z, zOffset, n);
        IMPL.sub(x, xOffset, y, yOffset, z, zOffset, n);
    }

    /** {@link #sub(double[], int, double[], int, double[], int, int)} with {@code n = x.length}. */
    public static void sub(double[] x, double[] y, double[] z) {
        sub(x, 0, y, 0, z, 0, Checks.notNull(x, "x").length);
    }

    /** As {@link #mul(float[], int, float[], int, float[], int, int)}, in double. */
    public static void mul(double[] x, int xOffset, double[] y, int yOffset, double[] z, int zOffset, int n) {
        checkBinary(x, xOffset, y, yOffset, z, zOffset, n);
        IMPL.mul(x, xOffset, y, yOffset, z, zOffset, n);
    }

    /** {@link #mul(double[], int, double[], int, double[], int, int)} with {@code n = x.length}. */
    public static void mul(double[] x, double[] y, double[] z) {
        mul(x, 0, y, 0, z, 0, Checks.notNull(x, "x").length);
    }

    /** As {@link #copy(float[], int, float[], int, int)}, in double. */
    public static void copy(double[] x, int xOffset, double[] y, int yOffset, int n) {
        checkInOut(x, xOffset, y, yOffset, n);
        IMPL.copy(x, xOffset, y, yOffset, n);
    }

    /** {@link #copy(double[], int, double[], int, int)} with {@code n = x.length}. */
    public static void copy(double[] x, double[] y) {
        copy(x, 0, y, 0, Checks.notNull(x, "x").length);
    }

    /** As {@link #fill(float, float[], int, int)}, in double. */
    public static void fill(double value, double[] x, int offset, int n) {
        Checks.xOffsetN(x, offset, n);
        IMPL.fill(value, x, offset, n);
    }

    /** {@link #fill(double, double[], int, int)} over the whole array. */
    public static void fill(double value, double[] x) {
        fill(value, x, 0, Checks.notNull(x, "x").length);
    }

    /** As {@link #addBias(float[], int, float[], int, int, int, int)}, in double. */
    public static void addBias(double[] bias, int biasOffset, double[] x, int xOffset, int rows, int cols, int ld) {
        checkRowAndBlock(bias, biasOffset, "bias", x, xOffset, rows, cols, ld);
        IMPL.addBias(bias, biasOffset, x, xOffset, rows, cols, ld);
    }

    /** As {@link #columnSums(float[], int, int, int, int, float[], int)}, in double. */
    public static void columnSums(double[] x, int xOffset, int rows, int cols, int ld, double[] out, int outOffset) {
        checkRowAndBlock(out, outOffset, "out", x, xOffset, rows, cols, ld);
        IMPL.columnSums(x, xOffset, rows, cols, ld, out, outOffset);
    }

    // ================================================================ checks

    /** x read, y written: y may be x at the same offset, no other overlap. */
    private static void checkInOut(Object x, int xOffset, Object y, int yOffset, int n) {
        Checks.size(n, "n");
        Checks.vector(x, xOffset, n, "x");
        Checks.vector(y, yOffset, n, "y");
        Checks.inPlaceOrDisjoint(x, xOffset, "x", y, yOffset, "y", n);
    }

    /** x and y read, z written: z may be x or y at the same offset, no other overlap with either. */
    private static void checkBinary(Object x, int xOffset, Object y, int yOffset, Object z, int zOffset, int n) {
        Checks.size(n, "n");
        Checks.vector(x, xOffset, n, "x");
        Checks.vector(y, yOffset, n, "y");
        Checks.vector(z, zOffset, n, "z");
        Checks.inPlaceOrDisjoint(x, xOffset, "x", z, zOffset, "z", n);
        Checks.inPlaceOrDisjoint(y, yOffset, "y", z, zOffset, "z", n);
    }

    /**
     * A rows x cols block x with leading dimension ld from xOffset, and a row of cols elements
     * (addBias's bias, columnSums' out) that must not overlap the block's index range.
     */
    private static void checkRowAndBlock(Object row, int rowOffset, String rowName, Object x, int xOffset, int rows, int cols, int ld) {
        Checks.size(rows, "rows");
        Checks.size(cols, "cols");
        Checks.notNull(x, "x");
        Checks.offset(xOffset, "xOffset");
        Checks.leadingDimension(ld, cols, "ld");
        long extent = Checks.extent(rows, cols, ld);
        Checks.fits(Checks.length(x), xOffset, extent, "x");
        Checks.vector(row, rowOffset, cols, rowName);
        Checks.disjoint(row, rowOffset, cols, rowName, x, xOffset, extent, "x");
    }
}
