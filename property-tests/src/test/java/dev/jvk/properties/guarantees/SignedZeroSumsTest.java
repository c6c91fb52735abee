package dev.jvk.properties.guarantees;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvk.kernels.Gemm;
import dev.jvk.kernels.Reductions;
import dev.jvk.kernels.Transpose;
import dev.jvk.kernels.Vectors;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The sign of an exact zero sum: every sum of -0 terms is +0, on every path and width (lengths below, at and past
 * a vector and a vector loop's unroll, so main loops and tails both run). That is what netlib's loops give, each
 * starting from {@code TEMP = ZERO} (sdot, sasum, snrm2, sgemm, sgemv), and Java's {@code s = 0; s += x[i]}:
 * +0 + -0 = +0. IEEE 754 would give -0 only to a sum started from its first term. The oracle here is that
 * rule, written out; the numeric contract (|s - exact| <= bound) holds either way, so this pins the choice.
 */
class SignedZeroSumsTest {
    private static final int[] LENGTHS = {1, 3, 8, 16, 17, 64, 65, 1000};

    /** netlib's rule: TEMP = ZERO, then TEMP = TEMP + term. */
    private static float netlibSum(float[] terms) {
        float temp = 0f;
        for (float t : terms) {
            temp += t;
        }
        return temp;
    }

    private static void assertBits(float got, float want, String what) {
        assertThat(Float.floatToRawIntBits(got)).as("%s = %s, netlib's loop gives %s", what, got, want).isEqualTo(Float.floatToRawIntBits(want));
    }

    private static void assertBits(double got, double want, String what) {
        assertThat(Double.doubleToRawLongBits(got)).as("%s = %s, netlib's loop gives %s", what, got, want).isEqualTo(Double.doubleToRawLongBits(want));
    }

    @Test
    void sumsOfNegativeZerosArePositiveZeroAsNetlibsLoopsGive() {
        for (int n : LENGTHS) {
            float[] x = new float[n];
            Arrays.fill(x, -0f);
            float[] ones = new float[n];
            Arrays.fill(ones, 1f);
            double[] xd = new double[n];
            Arrays.fill(xd, -0d);
            double[] onesd = new double[n];
            Arrays.fill(onesd, 1d);
            float want = netlibSum(x);
            assertBits(Reductions.sum(x), want, "sum n=" + n);
            assertBits(Reductions.dot(x, ones), want, "dot n=" + n);
            assertBits(Reductions.asum(x), want, "asum n=" + n);
            assertBits(Reductions.mean(x), want, "mean n=" + n);
            assertBits(Reductions.nrm2(x), want, "nrm2 n=" + n);
            assertBits(Reductions.sum(xd), (double) want, "double sum n=" + n);
            assertBits(Reductions.dot(xd, onesd), (double) want, "double dot n=" + n);
            assertBits(Reductions.mean(xd), (double) want, "double mean n=" + n);
            float[] sums = {Float.NaN};
            Vectors.columnSums(x, 0, n, 1, 1, sums, 0);
            assertBits(sums[0], want, "columnSums n=" + n);
            float[] y = {Float.NaN, Float.NaN};
            Gemm.sgemv(Transpose.NO_TRANS, 1, n, 1f, x, 0, n, ones, 0, 0f, y, 0);
            assertBits(y[0], want, "sgemv n=" + n);
            for (int mn : new int[] {1, 2, 16, 40}) {
                float[] a = new float[mn * n];
                Arrays.fill(a, -0f);
                float[] b = new float[n * mn];
                Arrays.fill(b, 1f);
                float[] c = new float[mn * mn];
                Arrays.fill(c, Float.NaN);
                Gemm.sgemm(Transpose.NO_TRANS, Transpose.NO_TRANS, mn, mn, n, 1f, a, b, 0f, c);
                for (float v : c) {
                    assertBits(v, want, "sgemm " + mn + "x" + mn + "x" + n);
                }
            }
        }
    }
}
