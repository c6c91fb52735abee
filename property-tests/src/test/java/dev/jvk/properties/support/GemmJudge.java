package dev.jvk.properties.support;

import dev.jvk.kernels.Transpose;
import java.util.Arrays;

/**
 * Judges a GEMM result as the reference BLAS test suite does (sblat3/dblat3's SMMCH): for every
 * element, {@code |C - C_ref| / (eps * (|alpha| sum_p |op(A)[i][p]| |op(B)[p][j]| + |beta| |C0|))}
 * with {@code eps = 2u}; the largest of these, the ratio, must stay under {@link #THRESHOLD}. The
 * oracle C_ref is independent of every kernel: exact products summed in double for float GEMM, and
 * in double-double (error-free TwoProduct and TwoSum) for double GEMM, so that it is more precise
 * than what it judges.
 *
 * <p>Kernels come in as functional arguments, so that a deliberately wrong kernel can be run
 * through the same checks to show that they catch it.
 */
public final class GemmJudge {
    /** sblat3's threshold. */
    public static final double THRESHOLD = 16;
    private static final double EPS_FLOAT = 2 * Bounds.U_FLOAT;
    private static final double EPS_DOUBLE = 2 * Bounds.U_DOUBLE;

    private GemmJudge() {}

    /** The shape of {@code Gemm.sgemm} with offsets. */
    @FunctionalInterface
    public interface SgemmKernel {
        void sgemm(Transpose transA, Transpose transB, int m, int n, int k, float alpha, float[] a, int aOffset, int lda,
                   float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset, int ldc);
    }

    /** The shape of {@code Gemm.dgemm} with offsets. */
    @FunctionalInterface
    public interface DgemmKernel {
        void dgemm(Transpose transA, Transpose transB, int m, int n, int k, double alpha, double[] a, int aOffset, int lda,
                   double[] b, int bOffset, int ldb, double beta, double[] c, int cOffset, int ldc);
    }

    /** Runs a float kernel on the case; returns C's whole array after the call. */
    public static float[] runSgemm(SgemmKernel kernel, GemmCase g, float[] a, float[] b, float[] c) {
        float[] result = c.clone();
        kernel.sgemm(g.transA(), g.transB(), g.m(), g.n(), g.k(), g.alphaF(), a, g.aOffset(), g.lda(),
                b, g.bOffset(), g.ldb(), g.betaF(), result, g.cOffset(), g.ldc());
        return result;
    }

    /** Runs a double kernel on the case; returns C's whole array after the call. */
    public static double[] runDgemm(DgemmKernel kernel, GemmCase g, double[] a, double[] b, double[] c) {
        double[] result = c.clone();
        kernel.dgemm(g.transA(), g.transB(), g.m(), g.n(), g.k(), g.alpha(), a, g.aOffset(), g.lda(),
                b, g.bOffset(), g.ldb(), g.beta(), result, g.cOffset(), g.ldc());
        return result;
    }

    /**
     * Runs the kernel and checks everything one call must satisfy: A and B unchanged, C's array
     * unchanged outside C, and the ratio under the threshold. Returns the result for further checks.
     */
    public static float[] checkSgemm(SgemmKernel kernel, GemmCase g) {
        float[] a = g.floatA();
        float[] b = g.floatB();
        float[] c0 = g.floatC();
        float[] aCopy = a.clone();
        float[] bCopy = b.clone();
        float[] c = runSgemm(kernel, g, a, b, c0);
        require(Arrays.equals(a, aCopy), g, "A was written");
        require(Arrays.equals(b, bCopy), g, "B was written");
        for (int index = 0; index < c.length; index++) {
            if (!g.insideC(index) && Float.floatToRawIntBits(c[index]) != Float.floatToRawIntBits(c0[index])) {
                throw new AssertionError(g + ": C's array written outside C at index " + index);
            }
        }
        double ratio = ratio(g, a, b, c0, c);
        require(ratio < THRESHOLD, g, "ratio " + ratio + " >= " + THRESHOLD);
        return c;
    }

    /** As {@link #checkSgemm} for double kernels. */
    public static double[] checkDgemm(DgemmKernel kernel, GemmCase g) {
        double[] a = g.doubleA();
        double[] b = g.doubleB();
        double[] c0 = g.doubleC();
        double[] aCopy = a.clone();
        double[] bCopy = b.clone();
        double[] c = runDgemm(kernel, g, a, b, c0);
        require(Arrays.equals(a, aCopy), g, "A was written");
        require(Arrays.equals(b, bCopy), g, "B was written");
        for (int index = 0; index < c.length; index++) {
            if (!g.insideC(index) && Double.doubleToRawLongBits(c[index]) != Double.doubleToRawLongBits(c0[index])) {
                throw new AssertionError(g + ": C's array written outside C at index " + index);
            }
        }
        double ratio = ratio(g, a, b, c0, c);
        require(ratio < THRESHOLD, g, "ratio " + ratio + " >= " + THRESHOLD);
        return c;
    }

    /** The sblat3 ratio of a float result; NaN or infinite when an element is NaN or off where the bound is 0. */
    public static double ratio(GemmCase g, float[] a, float[] b, float[] c0, float[] c) {
        double worst = 0;
        for (int i = 0; i < g.m(); i++) {
            for (int j = 0; j < g.n(); j++) {
                double s = 0;
                double magnitude = 0;
                if (g.alpha() != 0) {
                    for (int p = 0; p < g.k(); p++) {
                        double product = (double) a[g.aIndex(i, p)] * b[g.bIndex(p, j)]; // exact in double
                        s += product;
                        magnitude += Math.abs(product);
                    }
                }
                double cOld = c0[g.cIndex(i, j)];
                double exact = g.alpha() * s + (g.beta() == 0 ? 0 : g.beta() * cOld);
                double scale = Math.abs(g.alpha()) * magnitude + (g.beta() == 0 ? 0 : Math.abs(g.beta() * cOld));
                worst = Math.max(worst, elementRatio(c[g.cIndex(i, j)], exact, scale, EPS_FLOAT));
                if (Double.isNaN(worst)) {
                    return worst;
                }
            }
        }
        return worst;
    }

    /** The sblat3 ratio of a double result, against a double-double oracle. */
    public static double ratio(GemmCase g, double[] a, double[] b, double[] c0, double[] c) {
        double worst = 0;
        for (int i = 0; i < g.m(); i++) {
            for (int j = 0; j < g.n(); j++) {
                double hi = 0;
                double lo = 0;
                double magnitude = 0;
                if (g.alpha() != 0) {
                    for (int p = 0; p < g.k(); p++) {
                        double x = a[g.aIndex(i, p)];
                        double y = b[g.bIndex(p, j)];
                        double ph = x * y;
                        double pl = Math.fma(x, y, -ph); // x * y = ph + pl exactly
                        double sh = hi + ph;             // TwoSum(hi, ph)
                        double v = sh - hi;
                        double sl = (hi - (sh - v)) + (ph - v);
                        hi = sh;
                        lo += sl + pl;
                        magnitude += Math.abs(ph);
                    }
                }
                double cOld = c0[g.cIndex(i, j)];
                // exact = alpha * (hi + lo) + beta * cOld, to about 2^-100 relative to the magnitudes
                double ah = g.alpha() * hi;
                double al = Math.fma(g.alpha(), hi, -ah) + g.alpha() * lo;
                double bh = g.beta() == 0 ? 0 : g.beta() * cOld;
                double bl = g.beta() == 0 ? 0 : Math.fma(g.beta(), cOld, -bh);
                double exactHi = ah + bh;
                double w = exactHi - ah;
                double exactLo = (ah - (exactHi - w)) + (bh - w) + al + bl;
                double scale = Math.abs(g.alpha()) * magnitude + (g.beta() == 0 ? 0 : Math.abs(g.beta() * cOld));
                double actual = c[g.cIndex(i, j)];
                double error = Math.abs((actual - exactHi) - exactLo);
                double r = scale == 0 ? (error == 0 ? 0 : Double.POSITIVE_INFINITY) : error / (EPS_DOUBLE * scale);
                worst = Double.isNaN(actual) ? Double.NaN : Math.max(worst, r);
                if (Double.isNaN(worst)) {
                    return worst;
                }
            }
        }
        return worst;
    }

    private static double elementRatio(double actual, double exact, double scale, double eps) {
        if (Double.isNaN(actual)) {
            return Double.NaN;
        }
        double error = Math.abs(actual - exact);
        if (scale == 0) {
            return error == 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        return error / (eps * scale);
    }

    private static void require(boolean ok, GemmCase g, String what) {
        if (!ok) {
            throw new AssertionError(g + ": " + what);
        }
    }
}
