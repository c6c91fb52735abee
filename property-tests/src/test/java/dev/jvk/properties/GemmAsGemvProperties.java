package dev.jvk.properties;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvk.kernels.Gemm;
import dev.jvk.kernels.Kernels;
import dev.jvk.kernels.Transpose;
import dev.jvk.properties.support.GemmCase;
import dev.jvk.properties.support.GemmJudge;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * GEMM with one row (m == 1) or one column (n == 1) of C, every transpose of A and of B: within
 * the sblat3 bound, the quick returns, bitwise the same for 1, 2 and 3 threads, and bitwise what
 * GEMV gives on the same vector and matrix, which is how jvk computes them (a GEMM nest packing a
 * 1-row operand runs at a tenth of GEMV's speed). The last check is made where jvk runs its vector
 * kernels, and each property counts, per transpose pair and per m == 1 or n == 1, the cases it
 * compared with GEMV: a combination never compared fails the property.
 */
class GemmAsGemvProperties {

    @Provide
    Arbitrary<GemmCase> vectorCases() {
        Arbitrary<Integer> one = Arbitraries.just(1);
        return Arbitraries.oneOf(GemmCase.cases(one, GemmCase.dimension(), GemmCase.dimension()),
                GemmCase.cases(GemmCase.dimension(), one, GemmCase.dimension()));
    }

    @Property(tries = 400)
    void sgemmWithOneRowOrColumnIsGemv(@ForAll("vectorCases") GemmCase g) {
        GemmJudge.checkSgemm(Gemm::sgemm, g);
        GemmProperties.sgemmQuickReturns(Gemm::sgemm, g);
        GemmProperties.sgemmSameBits(g, Gemm::sgemm);
        if (comparable(g)) {
            float[] c = g.floatC();
            float[] viaGemm = GemmJudge.runSgemm(Gemm::sgemm, g, g.floatA(), g.floatB(), c);
            assertThat(viaGemm).as("%s as sgemv", g).isEqualTo(sgemv(g, g.floatA(), g.floatB(), c));
        }
        count(g);
    }

    @Property(tries = 400)
    void dgemmWithOneRowOrColumnIsGemv(@ForAll("vectorCases") GemmCase g) {
        GemmJudge.checkDgemm(Gemm::dgemm, g);
        GemmProperties.dgemmQuickReturns(Gemm::dgemm, g);
        GemmProperties.dgemmSameBits(g, Gemm::dgemm);
        if (comparable(g)) {
            double[] c = g.doubleC();
            double[] viaGemm = GemmJudge.runDgemm(Gemm::dgemm, g, g.doubleA(), g.doubleB(), c);
            assertThat(viaGemm).as("%s as dgemv", g).isEqualTo(dgemv(g, g.doubleA(), g.doubleB(), c));
        }
        count(g);
    }

    /** GEMM's quick returns (alpha or k zero, m or n zero) are not GEMV's; the scalar reference computes GEMM its own way. */
    private static boolean comparable(GemmCase g) {
        return Kernels.info().implementation().equals("vector") && g.m() > 0 && g.n() > 0 && g.k() > 0 && g.alpha() != 0;
    }

    /** Counts the compared cases per combination, and fails unless every one of the 8 was compared. */
    private static void count(GemmCase g) {
        if (!Kernels.info().implementation().equals("vector")) {
            return;
        }
        String form = g.m() == 1 ? "m == 1" : "n == 1";
        Statistics.label("compared with GEMV").collect(comparable(g) ? g.transA() + " " + g.transB() + " " + form : "not compared");
        Statistics.label("compared with GEMV").coverage(checker -> {
            for (Transpose ta : Transpose.values()) {
                for (Transpose tb : Transpose.values()) {
                    for (String f : new String[] {"m == 1", "n == 1"}) {
                        checker.check(ta + " " + tb + " " + f).count(n -> n > 0);
                    }
                }
            }
        });
    }

    /** C with its row (m == 1) or column (n == 1) replaced by Gemm.sgemv's y, x gathered from op(A)'s row or op(B)'s column. */
    private static float[] sgemv(GemmCase g, float[] a, float[] b, float[] c) {
        boolean row = g.m() == 1;
        int k = g.k();
        int outputs = row ? g.n() : g.m();
        float[] x = new float[k];
        float[] y = new float[outputs];
        for (int p = 0; p < k; p++) {
            x[p] = row ? a[g.aIndex(0, p)] : b[g.bIndex(p, 0)];
        }
        for (int i = 0; i < outputs; i++) {
            y[i] = c[row ? g.cIndex(0, i) : g.cIndex(i, 0)];
        }
        if (row) {
            // y^T = x^T op(B): B stored k x n is GEMV's transposed form, stored n x k its plain form
            boolean stored = g.transB() == Transpose.NO_TRANS;
            Gemm.sgemv(stored ? Transpose.TRANS : Transpose.NO_TRANS, stored ? k : g.n(), stored ? g.n() : k,
                    g.alphaF(), b, g.bOffset(), g.ldb(), x, 0, g.betaF(), y, 0);
        } else {
            boolean stored = g.transA() == Transpose.NO_TRANS;
            Gemm.sgemv(stored ? Transpose.NO_TRANS : Transpose.TRANS, stored ? g.m() : k, stored ? k : g.m(),
                    g.alphaF(), a, g.aOffset(), g.lda(), x, 0, g.betaF(), y, 0);
        }
        float[] expected = c.clone();
        for (int i = 0; i < outputs; i++) {
            expected[row ? g.cIndex(0, i) : g.cIndex(i, 0)] = y[i];
        }
        return expected;
    }

    private static double[] dgemv(GemmCase g, double[] a, double[] b, double[] c) {
        boolean row = g.m() == 1;
        int k = g.k();
        int outputs = row ? g.n() : g.m();
        double[] x = new double[k];
        double[] y = new double[outputs];
        for (int p = 0; p < k; p++) {
            x[p] = row ? a[g.aIndex(0, p)] : b[g.bIndex(p, 0)];
        }
        for (int i = 0; i < outputs; i++) {
            y[i] = c[row ? g.cIndex(0, i) : g.cIndex(i, 0)];
        }
        if (row) {
            boolean stored = g.transB() == Transpose.NO_TRANS;
            Gemm.dgemv(stored ? Transpose.TRANS : Transpose.NO_TRANS, stored ? k : g.n(), stored ? g.n() : k,
                    g.alpha(), b, g.bOffset(), g.ldb(), x, 0, g.beta(), y, 0);
        } else {
            boolean stored = g.transA() == Transpose.NO_TRANS;
            Gemm.dgemv(stored ? Transpose.NO_TRANS : Transpose.TRANS, stored ? g.m() : k, stored ? k : g.m(),
                    g.alpha(), a, g.aOffset(), g.lda(), x, 0, g.beta(), y, 0);
        }
        double[] expected = c.clone();
        for (int i = 0; i < outputs; i++) {
            expected[row ? g.cIndex(0, i) : g.cIndex(i, 0)] = y[i];
        }
        return expected;
    }
}
