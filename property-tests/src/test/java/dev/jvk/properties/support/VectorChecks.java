package dev.jvk.properties.support;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * The contract of {@code Vectors} as checks that take the kernel as an argument (see
 * {@link ReductionChecks}). Each elementwise result must be bitwise the correctly rounded value from an
 * independent oracle (float via double, whose 53 bits round +, -, * of floats correctly; double in
 * exact binary fixed point, see {@link Exact}; the fused axpy exactly as well), NaN for NaN, signed zeros as IEEE 754 gives
 * them; every element outside the output range, and every input, must be left as it was. The checks
 * read the inputs from copies taken before the call, so outputs may alias inputs.
 */
public final class VectorChecks {
    private VectorChecks() {}

    @FunctionalInterface
    public interface FloatAxpy {
        void apply(float alpha, float[] x, int xOffset, float[] y, int yOffset, int n);
    }

    @FunctionalInterface
    public interface DoubleAxpy {
        void apply(double alpha, double[] x, int xOffset, double[] y, int yOffset, int n);
    }

    @FunctionalInterface
    public interface FloatScal {
        void apply(float alpha, float[] x, int offset, int n);
    }

    @FunctionalInterface
    public interface DoubleScal {
        void apply(double alpha, double[] x, int offset, int n);
    }

    @FunctionalInterface
    public interface FloatBinary {
        void apply(float[] x, int xOffset, float[] y, int yOffset, float[] z, int zOffset, int n);
    }

    @FunctionalInterface
    public interface DoubleBinary {
        void apply(double[] x, int xOffset, double[] y, int yOffset, double[] z, int zOffset, int n);
    }

    @FunctionalInterface
    public interface FloatCopy {
        void apply(float[] x, int xOffset, float[] y, int yOffset, int n);
    }

    @FunctionalInterface
    public interface DoubleCopy {
        void apply(double[] x, int xOffset, double[] y, int yOffset, int n);
    }

    @FunctionalInterface
    public interface FloatAddBias {
        void apply(float[] bias, int biasOffset, float[] x, int xOffset, int rows, int cols, int ld);
    }

    @FunctionalInterface
    public interface DoubleAddBias {
        void apply(double[] bias, int biasOffset, double[] x, int xOffset, int rows, int cols, int ld);
    }

    @FunctionalInterface
    public interface FloatColumnSums {
        void apply(float[] x, int xOffset, int rows, int cols, int ld, float[] out, int outOffset);
    }

    @FunctionalInterface
    public interface DoubleColumnSums {
        void apply(double[] x, int xOffset, int rows, int cols, int ld, double[] out, int outOffset);
    }

    /** The binary operations, with their oracles. */
    public enum Op {
        ADD, SUB, MUL;

        float of(float x, float y) {
            double a = x;
            double b = y;
            return (float) (this == ADD ? a + b : this == SUB ? a - b : a * b); // one double op, exact here, then one rounding
        }

        double of(double x, double y) {
            if (!Double.isFinite(x) || !Double.isFinite(y)) {
                return this == ADD ? x + y : this == SUB ? x - y : x * y; // NaN and infinities: IEEE 754's table
            }
            BigInteger a = Exact.fixed(x, Exact.DOUBLE);
            BigInteger b = Exact.fixed(y, Exact.DOUBLE);
            BigInteger exact = this == ADD ? a.add(b) : this == SUB ? a.subtract(b) : a.multiply(b);
            if (exact.signum() == 0) {
                boolean negative = switch (this) {
                    case ADD -> isNegativeZero(x) && isNegativeZero(y);
                    case SUB -> isNegativeZero(x) && y == 0 && !isNegativeZero(y);
                    case MUL -> (Math.copySign(1, x) < 0) != (Math.copySign(1, y) < 0);
                };
                return negative ? -0.0 : 0.0;
            }
            return Exact.roundToDouble(exact, this == MUL ? Exact.DOUBLE_PRODUCT : Exact.DOUBLE);
        }
    }

    // ================================================================ axpy, scal

    public static void axpy(FloatAxpy kernel, float alpha, float[] x, int xOffset, float[] y, int yOffset, int n) {
        float[] x0 = x.clone();
        float[] expected = y.clone();
        for (int i = 0; i < n; i++) {
            expected[yOffset + i] = fma(alpha, x0[xOffset + i], expected[yOffset + i]);
        }
        kernel.apply(alpha, x, xOffset, y, yOffset, n);
        same("axpy y", expected, y, yOffset, n);
        if (x != y) {
            same("axpy x (input)", x0, x, xOffset, 0);
        }
    }

    public static void axpy(DoubleAxpy kernel, double alpha, double[] x, int xOffset, double[] y, int yOffset, int n) {
        double[] x0 = x.clone();
        double[] expected = y.clone();
        for (int i = 0; i < n; i++) {
            expected[yOffset + i] = fma(alpha, x0[xOffset + i], expected[yOffset + i]);
        }
        kernel.apply(alpha, x, xOffset, y, yOffset, n);
        same("axpy y", expected, y, yOffset, n);
        if (x != y) {
            same("axpy x (input)", x0, x, xOffset, 0);
        }
    }

    public static void scal(FloatScal kernel, float alpha, float[] x, int offset, int n) {
        float[] expected = x.clone();
        for (int i = 0; i < n; i++) {
            expected[offset + i] = Op.MUL.of(alpha, expected[offset + i]);
        }
        kernel.apply(alpha, x, offset, n);
        same("scal", expected, x, offset, n);
    }

    public static void scal(DoubleScal kernel, double alpha, double[] x, int offset, int n) {
        double[] expected = x.clone();
        for (int i = 0; i < n; i++) {
            expected[offset + i] = Op.MUL.of(alpha, expected[offset + i]);
        }
        kernel.apply(alpha, x, offset, n);
        same("scal", expected, x, offset, n);
    }

    // ================================================================ add, sub, mul

    public static void binary(Op op, FloatBinary kernel, float[] x, int xOffset, float[] y, int yOffset, float[] z, int zOffset, int n) {
        float[] x0 = x.clone();
        float[] y0 = y.clone();
        float[] expected = z.clone();
        for (int i = 0; i < n; i++) {
            expected[zOffset + i] = op.of(x0[xOffset + i], y0[yOffset + i]);
        }
        kernel.apply(x, xOffset, y, yOffset, z, zOffset, n);
        same(op + " z", expected, z, zOffset, n);
        if (x != z) {
            same(op + " x (input)", x0, x, xOffset, 0);
        }
        if (y != z) {
            same(op + " y (input)", y0, y, yOffset, 0);
        }
    }

    public static void binary(Op op, DoubleBinary kernel, double[] x, int xOffset, double[] y, int yOffset, double[] z, int zOffset, int n) {
        double[] x0 = x.clone();
        double[] y0 = y.clone();
        double[] expected = z.clone();
        for (int i = 0; i < n; i++) {
            expected[zOffset + i] = op.of(x0[xOffset + i], y0[yOffset + i]);
        }
        kernel.apply(x, xOffset, y, yOffset, z, zOffset, n);
        same(op + " z", expected, z, zOffset, n);
        if (x != z) {
            same(op + " x (input)", x0, x, xOffset, 0);
        }
        if (y != z) {
            same(op + " y (input)", y0, y, yOffset, 0);
        }
    }

    // ================================================================ copy, fill

    public static void copy(FloatCopy kernel, float[] x, int xOffset, float[] y, int yOffset, int n) {
        float[] x0 = x.clone();
        float[] expected = y.clone();
        System.arraycopy(x0, xOffset, expected, yOffset, n);
        kernel.apply(x, xOffset, y, yOffset, n);
        sameRawBits("copy", expected, y);
        if (x != y) {
            sameRawBits("copy x (input)", x0, x);
        }
    }

    public static void copy(DoubleCopy kernel, double[] x, int xOffset, double[] y, int yOffset, int n) {
        double[] x0 = x.clone();
        double[] expected = y.clone();
        System.arraycopy(x0, xOffset, expected, yOffset, n);
        kernel.apply(x, xOffset, y, yOffset, n);
        sameRawBits("copy", expected, y);
        if (x != y) {
            sameRawBits("copy x (input)", x0, x);
        }
    }

    public static void fill(FloatScal kernel, float value, float[] x, int offset, int n) {
        float[] expected = x.clone();
        Arrays.fill(expected, offset, offset + n, value);
        kernel.apply(value, x, offset, n);
        sameRawBits("fill", expected, x);
    }

    public static void fill(DoubleScal kernel, double value, double[] x, int offset, int n) {
        double[] expected = x.clone();
        Arrays.fill(expected, offset, offset + n, value);
        kernel.apply(value, x, offset, n);
        sameRawBits("fill", expected, x);
    }

    // ================================================================ addBias, columnSums

    public static void addBias(FloatAddBias kernel, float[] bias, int biasOffset, float[] x, int xOffset, int rows, int cols, int ld) {
        float[] bias0 = bias.clone();
        float[] expected = x.clone();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int at = xOffset + r * ld + c;
                expected[at] = Op.ADD.of(expected[at], bias0[biasOffset + c]);
            }
        }
        kernel.apply(bias, biasOffset, x, xOffset, rows, cols, ld);
        same("addBias", expected, x, xOffset, rows * ld);
        if (bias != x) {
            same("addBias bias (input)", bias0, bias, biasOffset, 0);
        }
    }

    public static void addBias(DoubleAddBias kernel, double[] bias, int biasOffset, double[] x, int xOffset, int rows, int cols, int ld) {
        double[] bias0 = bias.clone();
        double[] expected = x.clone();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int at = xOffset + r * ld + c;
                expected[at] = Op.ADD.of(expected[at], bias0[biasOffset + c]);
            }
        }
        kernel.apply(bias, biasOffset, x, xOffset, rows, cols, ld);
        same("addBias", expected, x, xOffset, rows * ld);
        if (bias != x) {
            same("addBias bias (input)", bias0, bias, biasOffset, 0);
        }
    }

    /**
     * Each column sum within gamma(rows) * sum|column| of the exact sum (a sum in row order; NaN and
     * infinities as IEEE addition must give them), nothing else in out changed, x untouched.
     */
    public static void columnSums(FloatColumnSums kernel, float[] x, int xOffset, int rows, int cols, int ld, float[] out, int outOffset) {
        float[] x0 = x.clone();
        float[] out0 = out.clone();
        kernel.apply(x, xOffset, rows, cols, ld, out, outOffset);
        sameRawBits("columnSums x (input)", x0, x);
        for (int i = 0; i < out.length; i++) {
            if ((i < outOffset || i >= outOffset + cols) && Float.floatToRawIntBits(out[i]) != Float.floatToRawIntBits(out0[i])) {
                throw new AssertionError("columnSums wrote out[" + i + "] outside [outOffset, outOffset + cols)");
            }
        }
        double gamma = Bounds.gamma(rows, Bounds.U_FLOAT);
        for (int c = 0; c < cols; c++) {
            float[] column = new float[rows];
            for (int r = 0; r < rows; r++) {
                column[r] = x0[xOffset + r * ld + c];
            }
            ReductionChecks.reorderedSum("columnSums[" + c + "]", out[outOffset + c], Oracles.sumTerms(column, 0, rows, false),
                    gamma, 0, Float.MAX_VALUE, rows, "rows=" + rows + " cols=" + cols + " ld=" + ld);
        }
    }

    public static void columnSums(DoubleColumnSums kernel, double[] x, int xOffset, int rows, int cols, int ld, double[] out, int outOffset) {
        double[] x0 = x.clone();
        double[] out0 = out.clone();
        kernel.apply(x, xOffset, rows, cols, ld, out, outOffset);
        sameRawBits("columnSums x (input)", x0, x);
        for (int i = 0; i < out.length; i++) {
            if ((i < outOffset || i >= outOffset + cols) && Double.doubleToRawLongBits(out[i]) != Double.doubleToRawLongBits(out0[i])) {
                throw new AssertionError("columnSums wrote out[" + i + "] outside [outOffset, outOffset + cols)");
            }
        }
        double gamma = Bounds.gamma(rows, Bounds.U_DOUBLE);
        for (int c = 0; c < cols; c++) {
            double[] column = new double[rows];
            for (int r = 0; r < rows; r++) {
                column[r] = x0[xOffset + r * ld + c];
            }
            ReductionChecks.reorderedSum("columnSums[" + c + "]", out[outOffset + c], Oracles.sumTerms(column, 0, rows, false),
                    gamma, 0, Double.MAX_VALUE, rows, "rows=" + rows + " cols=" + cols + " ld=" + ld);
        }
    }

    // ================================================================ oracles and comparisons

    /** fma(a, b, c) rounded once to float, exactly in binary fixed point; IEEE's specials where an operand is not finite. */
    static float fma(float a, float b, float c) {
        if (!Float.isFinite(a) || !Float.isFinite(b) || !Float.isFinite(c)) {
            return (float) ((double) a * b + c); // the product is exact in double; only NaN and infinities come out
        }
        BigInteger exact = exactFma(a, b, c);
        return exact.signum() == 0 ? (float) zeroOfFma(a, b, c) : Exact.roundToFloat(exact, Exact.DOUBLE_PRODUCT);
    }

    static double fma(double a, double b, double c) {
        if (!Double.isFinite(a) || !Double.isFinite(b)) {
            return a * b + c; // the product is NaN or infinite: IEEE's table
        }
        if (!Double.isFinite(c)) {
            return c; // a finite product (even beyond the double range) plus NaN or an infinity
        }
        BigInteger exact = exactFma(a, b, c);
        return exact.signum() == 0 ? zeroOfFma(a, b, c) : Exact.roundToDouble(exact, Exact.DOUBLE_PRODUCT);
    }

    private static BigInteger exactFma(double a, double b, double c) {
        return Exact.fixed(a, Exact.DOUBLE).multiply(Exact.fixed(b, Exact.DOUBLE)).add(Exact.fixed(c, Exact.DOUBLE_PRODUCT));
    }

    /** An exact zero is -0 only for (-0 product) + (-0); a nonzero product cancelled by c gives +0. */
    private static double zeroOfFma(double a, double b, double c) {
        boolean productIsZero = a == 0 || b == 0;
        boolean productNegative = (Math.copySign(1, a) < 0) != (Math.copySign(1, b) < 0);
        return productIsZero && productNegative && isNegativeZero(c) ? -0.0 : 0.0;
    }

    private static boolean isNegativeZero(double v) {
        return Double.doubleToRawLongBits(v) == 0x8000000000000000L;
    }

    /** Whole arrays equal, NaN for NaN (canonical); the range [from, from + n) is named in the message. */
    static void same(String what, float[] expected, float[] actual, int from, int n) {
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
                throw new AssertionError(what + ": element " + i + (i >= from && i < from + n ? " (index " + (i - from) + " of the range)" : " (outside the range)")
                        + " is " + actual[i] + " (0x" + Integer.toHexString(Float.floatToRawIntBits(actual[i])) + "), expected "
                        + expected[i] + " (0x" + Integer.toHexString(Float.floatToRawIntBits(expected[i])) + ")");
            }
        }
    }

    static void same(String what, double[] expected, double[] actual, int from, int n) {
        for (int i = 0; i < expected.length; i++) {
            if (Double.doubleToLongBits(expected[i]) != Double.doubleToLongBits(actual[i])) {
                throw new AssertionError(what + ": element " + i + (i >= from && i < from + n ? " (index " + (i - from) + " of the range)" : " (outside the range)")
                        + " is " + actual[i] + ", expected " + expected[i]);
            }
        }
    }

    static void sameRawBits(String what, float[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i] + " bit for bit");
            }
        }
    }

    static void sameRawBits(String what, double[] expected, double[] actual) {
        for (int i = 0; i < expected.length; i++) {
            if (Double.doubleToRawLongBits(expected[i]) != Double.doubleToRawLongBits(actual[i])) {
                throw new AssertionError(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i] + " bit for bit");
            }
        }
    }
}
