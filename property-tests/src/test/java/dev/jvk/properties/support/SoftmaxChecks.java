package dev.jvk.properties.support;

import dev.jvk.kernels.Kernels;
import java.util.SplittableRandom;

/**
 * The checks behind the softmax properties, over kernels passed in as functions (so that wrong
 * kernels can be fed through them too). The oracle is each row in double with StrictMath: max
 * subtraction, e^(x - max), their sum, all to about 1e-15, far below the float bounds checked.
 */
public final class SoftmaxChecks {
    private static final double U = Bounds.U_FLOAT;

    private SoftmaxChecks() {}

    @FunctionalInterface
    public interface RowWise {
        void apply(float[] x, int xOffset, int rows, int cols, int ldx, float[] y, int yOffset, int ldy);
    }

    @FunctionalInterface
    public interface CrossEntropy {
        float apply(float[] logits, int offset, int rows, int cols, int ld, int[] labels, int labelsOffset, float[] dLogits, int dOffset, int ldd);
    }

    /** A block of rows x cols with leading dimension ld stored from offset, in an array of length offset + extent + slack. */
    public record Block(int rows, int cols, int ld, int offset) {
        public int extent() {
            return rows == 0 || cols == 0 ? 0 : (rows - 1) * ld + cols;
        }

        public int index(int r, int j) {
            return offset + r * ld + j;
        }

        boolean contains(int i) {
            if (i < offset || i >= offset + extent()) {
                return false;
            }
            return (i - offset) % ld < cols;
        }
    }

    /** The chain length d of the row sums of the public kernels in use: ceil(cols / L) + L for the vector ones, cols otherwise. */
    public static int publicChainLength(int cols) {
        int bits = Kernels.info().vectorBits();
        if (bits == 0) {
            return Math.max(cols, 1);
        }
        int lanes = bits / 32;
        return (cols + lanes - 1) / lanes + lanes;
    }

    public static double gamma(int d) {
        return Bounds.gamma(d, U);
    }

    // ------------------------------------------------------------------ inputs

    /**
     * Logits: each row picks a kind: ordinary ([-20, 20]), huge (scaled up to 3e38, where x - max
     * overflows), with -Inf entries, with one special (NaN, +Inf) or all -Inf, or subnormal.
     */
    public static float[] logits(long seed, int length, Block b) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[length];
        for (int i = 0; i < length; i++) {
            x[i] = (float) random.nextDouble(-30, 30);
        }
        for (int r = 0; r < b.rows(); r++) {
            int kind = random.nextInt(20);
            double scale = new double[] {1e3, 1e10, 1e30, 3e38}[random.nextInt(4)];
            for (int j = 0; j < b.cols(); j++) {
                int i = b.index(r, j);
                x[i] = switch (kind) {
                    case 0, 1, 2 -> (float) (random.nextDouble(-1, 1) * scale);
                    case 3, 4 -> random.nextInt(3) == 0 ? Float.NEGATIVE_INFINITY : (float) random.nextDouble(-20, 20);
                    case 5 -> Float.NEGATIVE_INFINITY;
                    case 6 -> (float) random.nextDouble(-1, 1) * Float.MIN_NORMAL;
                    case 7 -> j % 3 == 0 ? Float.MAX_VALUE : -Float.MAX_VALUE;
                    default -> (float) random.nextDouble(-20, 20);
                };
            }
            if (kind == 8 && b.cols() > 0) {
                x[b.index(r, random.nextInt(b.cols()))] = random.nextBoolean() ? Float.NaN : Float.POSITIVE_INFINITY;
            }
        }
        return x;
    }

    // ------------------------------------------------------------------ oracle

    /** e^(x_j - max) / sum for one row in double, or all NaN where the row has NaN, +Inf, or only -Inf. */
    static double[] softmaxRow(float[] x, int from, int cols) {
        double max = Double.NEGATIVE_INFINITY;
        boolean nan = false;
        for (int j = 0; j < cols; j++) {
            float v = x[from + j];
            nan |= Float.isNaN(v) || v == Float.POSITIVE_INFINITY;
            max = Math.max(max, v);
        }
        double[] p = new double[cols];
        if (nan || max == Double.NEGATIVE_INFINITY) {
            java.util.Arrays.fill(p, Double.NaN);
            return p;
        }
        double sum = 0;
        for (int j = 0; j < cols; j++) {
            p[j] = StrictMath.exp(x[from + j] - max);
            sum += p[j];
        }
        for (int j = 0; j < cols; j++) {
            p[j] /= sum;
        }
        return p;
    }

    /** (x_j - max) - log(sum) for one row in double; NaN as softmaxRow. */
    static double[] logSoftmaxRow(float[] x, int from, int cols) {
        double[] p = softmaxRow(x, from, cols);
        if (cols > 0 && Double.isNaN(p[0])) {
            return p;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < cols; j++) {
            max = Math.max(max, x[from + j]);
        }
        double sum = 0;
        for (int j = 0; j < cols; j++) {
            sum += StrictMath.exp(x[from + j] - max);
        }
        double logSum = StrictMath.log(sum);
        double[] l = new double[cols];
        for (int j = 0; j < cols; j++) {
            l[j] = (x[from + j] - max) - logSum;
        }
        return l;
    }

    // ------------------------------------------------------------------ checks

    /**
     * Softmax: each element within gamma(d) + 4u of the exact value, each row summing to 1 within
     * gamma(d) + 4u, NaN rows where the oracle says so, nothing written outside the output block, the
     * input unchanged (unless in place); in place gives the same bits as out of place.
     */
    public static void softmaxAgainstOracle(String name, RowWise kernel, int d, float[] x, Block in, Block out, boolean inPlace, long seed) {
        float[] y = runRowWise(kernel, x, in, out, inPlace, seed);
        Block o = inPlace ? in : out;
        double bound = gamma(d) + 4 * U;
        for (int r = 0; r < in.rows(); r++) {
            double[] p = softmaxRow(x, in.index(r, 0), in.cols());
            double rowSum = 0;
            boolean nanRow = in.cols() > 0 && Double.isNaN(p[0]);
            for (int j = 0; j < in.cols(); j++) {
                float v = y[o.index(r, j)];
                rowSum += v;
                boolean ok = nanRow ? Float.isNaN(v) : Math.abs(v - p[j]) <= bound;
                if (!ok) {
                    throw new AssertionError(name + ": row " + r + " col " + j + " of " + in.rows() + "x" + in.cols() + ": x = "
                            + x[in.index(r, j)] + ", got " + v + ", exact " + p[j] + " (error " + Math.abs(v - p[j]) / U + " u, bound "
                            + bound / U + " u, d = " + d + ")" + (inPlace ? " in place" : ""));
                }
            }
            if (!nanRow && in.cols() > 0 && !(Math.abs(rowSum - 1) <= bound)) {
                throw new AssertionError(name + ": row " + r + " sums to " + rowSum + " (off by " + Math.abs(rowSum - 1) / U + " u, bound " + bound / U + " u)");
            }
        }
    }

    /** Log-softmax: each element within (gamma(d) + 4u) max(1, |exact|); -Inf exactly where the exact value is -Inf. */
    public static void logSoftmaxAgainstOracle(String name, RowWise kernel, int d, float[] x, Block in, Block out, boolean inPlace, long seed) {
        float[] y = runRowWise(kernel, x, in, out, inPlace, seed);
        Block o = inPlace ? in : out;
        for (int r = 0; r < in.rows(); r++) {
            double[] l = logSoftmaxRow(x, in.index(r, 0), in.cols());
            for (int j = 0; j < in.cols(); j++) {
                float v = y[o.index(r, j)];
                double bound = (gamma(d) + 4 * U) * Math.max(1, Math.abs(l[j]));
                // Beyond the float range the right answer is the infinity the exact value rounds to.
                boolean ok = Double.isNaN(l[j]) ? Float.isNaN(v) : Float.isInfinite((float) l[j]) ? v == (float) l[j] : Math.abs(v - l[j]) <= bound;
                if (!ok) {
                    throw new AssertionError(name + ": row " + r + " col " + j + ": x = " + x[in.index(r, j)] + ", got " + v + ", exact " + l[j]
                            + " (bound " + bound + ", d = " + d + ")" + (inPlace ? " in place" : ""));
                }
            }
        }
    }

    /** Runs a row-wise kernel out of place or in place and checks what it must leave alone. */
    private static float[] runRowWise(RowWise kernel, float[] x, Block in, Block out, boolean inPlace, long seed) {
        float[] input = x.clone();
        float[] y;
        if (inPlace) {
            y = x.clone();
            float[] before = y.clone();
            kernel.apply(y, in.offset(), in.rows(), in.cols(), in.ld(), y, in.offset(), in.ld());
            untouchedOutside("in place", y, before, in);
        } else {
            y = ActivationChecks.garbage(seed, out.offset() + out.extent() + 5);
            float[] before = y.clone();
            float[] xArg = x.clone();
            kernel.apply(xArg, in.offset(), in.rows(), in.cols(), in.ld(), y, out.offset(), out.ld());
            untouchedOutside("out of place", y, before, out);
            for (int i = 0; i < x.length; i++) {
                if (Float.floatToRawIntBits(xArg[i]) != Float.floatToRawIntBits(input[i])) {
                    throw new AssertionError("input modified at index " + i);
                }
            }
        }
        return y;
    }

    /**
     * Cross-entropy: the loss within (gamma(d) + 4u) max(1, exact), each dLogits element within
     * (gamma(d) + 8u) / rows of (p - onehot) / rows, nothing written outside dLogits' block, logits
     * unchanged unless dLogits is logits.
     */
    public static void crossEntropyAgainstOracle(String name, CrossEntropy kernel, int d, float[] x, Block in, int[] labels, int labelsOffset,
                                                 Block out, boolean inPlace, long seed) {
        float[] input = x.clone();
        float[] dl;
        Block o = inPlace ? in : out;
        float[] xArg = x.clone();
        if (inPlace) {
            dl = xArg;
        } else {
            dl = ActivationChecks.garbage(seed, out.offset() + out.extent() + 5);
        }
        float[] before = dl.clone();
        float loss = kernel.apply(xArg, in.offset(), in.rows(), in.cols(), in.ld(), labels.clone(), labelsOffset, dl, o.offset(), o.ld());
        untouchedOutside(name, dl, before, o);
        if (!inPlace) {
            for (int i = 0; i < x.length; i++) {
                if (Float.floatToRawIntBits(xArg[i]) != Float.floatToRawIntBits(input[i])) {
                    throw new AssertionError(name + ": logits modified at index " + i);
                }
            }
        }
        int rows = in.rows();
        double total = 0;
        boolean nan = false;
        for (int r = 0; r < rows; r++) {
            int label = labels[labelsOffset + r];
            double[] p = softmaxRow(input, in.index(r, 0), in.cols());
            double[] l = logSoftmaxRow(input, in.index(r, 0), in.cols());
            total -= l[label];
            for (int j = 0; j < in.cols(); j++) {
                double exact = ((j == label ? p[j] - 1 : p[j])) / rows;
                float v = dl[o.index(r, j)];
                double bound = (gamma(d) + 8 * U) / rows;
                boolean ok = Double.isNaN(exact) ? Float.isNaN(v) : Math.abs(v - exact) <= bound;
                if (!ok) {
                    throw new AssertionError(name + ": dLogits row " + r + " col " + j + " (label " + label + "): got " + v + ", exact " + exact
                            + " (error " + Math.abs(v - exact) * rows / U + " u / rows, bound " + bound * rows / U + " u / rows)");
                }
            }
            nan |= Double.isNaN(p.length > 0 ? p[0] : 0);
        }
        double exactLoss = rows == 0 ? 0 : total / rows;
        double bound = (gamma(d) + 4 * U) * Math.max(1, Math.abs(exactLoss));
        boolean ok;
        if (nan) {
            ok = Float.isNaN(loss);
        } else if (Float.isInfinite((float) exactLoss)) {
            ok = loss == (float) exactLoss;
        } else {
            ok = Math.abs(loss - exactLoss) <= bound;
        }
        if (!ok) {
            throw new AssertionError(name + ": loss " + loss + ", exact " + exactLoss + " (bound " + bound + ", d = " + d + ")");
        }
    }

    private static void untouchedOutside(String name, float[] out, float[] before, Block b) {
        for (int i = 0; i < out.length; i++) {
            if (!b.contains(i) && Float.floatToRawIntBits(out[i]) != Float.floatToRawIntBits(before[i])) {
                throw new AssertionError(name + ": wrote outside its output block at index " + i + " (" + b + ")");
            }
        }
    }
}
