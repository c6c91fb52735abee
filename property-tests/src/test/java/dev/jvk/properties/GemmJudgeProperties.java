package dev.jvk.properties;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvk.kernels.Transpose;
import dev.jvk.properties.support.ReferenceBlas;
import dev.jvk.properties.support.GemmCase;
import dev.jvk.properties.support.GemmJudge;
import dev.jvk.properties.support.GemmJudge.SgemmKernel;
import java.util.function.Consumer;
import net.jqwik.api.Example;

/**
 * The GEMM checks can fail: deliberately wrong kernels go through the same checks as the real
 * ones ({@link GemmJudge#checkSgemm}, the quick-return and thread checks of {@link GemmProperties})
 * and each is caught on some of a few hundred random problems.
 */
class GemmJudgeProperties {
    private static final int CASES = 300;

    @Example
    void catchesADroppedTerm() {
        assertCaught(check(), (ta, tb, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc) ->
                ReferenceBlas.sgemm(ta, tb, m, n, Math.max(0, k - 1), alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc));
    }

    @Example
    void catchesADroppedColumn() {
        assertCaught(check(), (ta, tb, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc) ->
                ReferenceBlas.sgemm(ta, tb, m, Math.max(0, n - 1), k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc));
    }

    @Example
    void catchesAnIgnoredTranspose() {
        assertCaught(check(), (ta, tb, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc) ->
                ReferenceBlas.sgemm(ta, Transpose.NO_TRANS, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc));
    }

    @Example
    void catchesAnOffByOneLeadingDimension() {
        assertCaught(check(), (ta, tb, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc) ->
                ReferenceBlas.sgemm(ta, tb, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, m > 1 ? ldc - 1 : ldc));
    }

    @Example
    void catchesAWriteOutsideC() {
        assertCaught(check(), (ta, tb, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc) -> {
            ReferenceBlas.sgemm(ta, tb, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc);
            if (co + (m - 1) * ldc + n < c.length && m > 0) {
                c[co + (m - 1) * ldc + n] = 0;
            }
        });
    }

    /** Results rounded to 12 significant bits: an error far beyond the sblat3 bound. */
    @Example
    void catchesALooseResult() {
        assertCaught(check(), (ta, tb, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc) -> {
            ReferenceBlas.sgemm(ta, tb, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int bits = Float.floatToRawIntBits(c[co + i * ldc + j]);
                    c[co + i * ldc + j] = Float.intBitsToFloat(bits & 0xFFFFF000);
                }
            }
        });
    }

    /** Computes beta * C even when beta is 0: a NaN in C survives. */
    @Example
    void catchesReadingCWhenBetaIsZero() {
        assertCaught(quickReturns(), (ta, tb, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc) -> {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    c[co + i * ldc + j] *= beta;
                }
            }
            ReferenceBlas.sgemm(ta, tb, m, n, k, alpha, a, ao, lda, b, bo, ldb, 1f, c, co, ldc);
        });
    }

    /** Multiplies by alpha = 0 instead of skipping the product: a NaN in A or B survives. */
    @Example
    void catchesReadingAWhenAlphaIsZero() {
        assertCaught(quickReturns(), (ta, tb, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc) -> {
            float[] ones = new float[c.length];
            ReferenceBlas.sgemm(ta, tb, m, n, k, 1f, a, ao, lda, b, bo, ldb, 0f, ones, co, ldc);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int at = co + i * ldc + j;
                    c[at] = alpha * ones[at] + (beta == 0 ? 0 : beta * c[at]);
                }
            }
        });
    }

    private interface Check {
        void run(SgemmKernel kernel, GemmCase g);
    }

    private static Check check() {
        return GemmJudge::checkSgemm;
    }

    private static Check quickReturns() {
        return GemmProperties::sgemmQuickReturns;
    }

    private static void assertCaught(Check check, SgemmKernel wrong) {
        int[] caught = {0};
        Consumer<GemmCase> one = g -> {
            try {
                check.run(wrong, g);
            } catch (AssertionError | RuntimeException expected) { // a failed check, or a crash: either fails the property
                caught[0]++;
            }
        };
        GemmCase.cases().sampleStream().limit(CASES).forEach(one);
        assertThat(caught[0]).as("cases in which the wrong kernel was caught, of " + CASES).isPositive();
    }
}
