package dev.jvk.properties;

import static dev.jvk.properties.support.ActivationChecks.againstOracle;
import static dev.jvk.properties.support.ActivationChecks.backwardAgainstOracle;
import static dev.jvk.properties.support.ActivationChecks.backwardBitwiseAsExpected;
import static dev.jvk.properties.support.ActivationChecks.bitwiseAsExpected;
import static dev.jvk.properties.support.ActivationChecks.floatsBetween;
import static dev.jvk.properties.support.ActivationChecks.gradients;
import static dev.jvk.properties.support.ActivationChecks.sweep;
import static dev.jvk.properties.support.ActivationChecks.values;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvk.kernels.Activations;
import dev.jvk.kernels.Softmax;
import dev.jvk.kernels.reference.ReferenceActivations;
import dev.jvk.properties.support.ActivationChecks.Aliasing;
import dev.jvk.properties.support.ActivationChecks.Bound;
import dev.jvk.properties.support.ActivationChecks.Unary;
import dev.jvk.properties.support.ActivationOracles;
import dev.jvk.properties.support.SoftmaxChecks;
import dev.jvk.properties.support.SoftmaxChecks.Block;
import org.junit.jupiter.api.Test;

/**
 * The activation and softmax checks can fail: deliberately wrong kernels (an off-by-one tail, a
 * dropped lane, a result 2x outside its bound, NaN turned into 0, a missing max subtraction, ...)
 * go through exactly the checks the properties use, and each is caught. The right kernels pass the
 * same inputs, so what is caught is the fault.
 */
class ActivationCheckersCanFailTest {
    private static final int[] LENGTHS = {1, 7, 16, 37, 64, 129, 1000};

    /** Runs the forward check over several lengths, offsets and seeds; fails on the first violation. */
    private static void forwardChecks(String name, Unary kernel, java.util.function.DoubleUnaryOperator oracle, Bound bound, double lo, double hi) {
        for (int n : LENGTHS) {
            for (long seed = 1; seed <= 3; seed++) {
                float[] x = values(seed * 31 + n, n + 8, lo, hi);
                againstOracle(name, kernel, oracle, bound, x, (int) seed, 3, n, false, seed);
                againstOracle(name, kernel, oracle, bound, x, (int) seed, 3, n, true, seed);
            }
        }
    }

    @Test
    void rightKernelsPassTheSameChecks() {
        assertThatCode(() -> forwardChecks("exp", Activations::exp, ActivationOracles::exp, Bound.ulps(2), -110, 95)).doesNotThrowAnyException();
        assertThatCode(() -> forwardChecks("tanh", Activations::tanh, ActivationOracles::tanh, Bound.ulps(4), -12, 12)).doesNotThrowAnyException();
        assertThatCode(() -> forwardChecks("sigmoid", Activations::sigmoid, ActivationOracles::sigmoid, Bound.ulps(4), -110, 30)).doesNotThrowAnyException();
    }

    @Test
    void offByOneTailIsCaught() {
        Unary shortByOne = (x, xo, y, yo, n) -> Activations.exp(x, xo, y, yo, Math.max(0, n - 1));
        assertThatThrownBy(() -> forwardChecks("exp missing its last element", shortByOne, ActivationOracles::exp, Bound.ulps(2), -110, 95))
                .isInstanceOf(AssertionError.class).hasMessageContaining("element");
        Unary longByOne = (x, xo, y, yo, n) -> {
            float[] wider = java.util.Arrays.copyOf(x, x.length + 1);
            if (y.length > yo + n) {
                ReferenceActivations.exp(wider, xo, y, yo, n + 1);
            } else {
                ReferenceActivations.exp(wider, xo, y, yo, n);
            }
        };
        assertThatThrownBy(() -> forwardChecks("exp writing one past n", longByOne, ActivationOracles::exp, Bound.ulps(2), -110, 95))
                .isInstanceOf(AssertionError.class).hasMessageContaining("outside");
    }

    @Test
    void droppedLaneIsCaught() {
        Unary dropsLane5 = (x, xo, y, yo, n) -> {
            float[] keep = y.clone();
            Activations.sigmoid(x, xo, y, yo, n);
            for (int i = 5; i < n; i += 16) {
                y[yo + i] = keep[yo + i];
            }
        };
        assertThatThrownBy(() -> forwardChecks("sigmoid without lane 5", dropsLane5, ActivationOracles::sigmoid, Bound.ulps(4), -110, 30))
                .isInstanceOf(AssertionError.class);
    }

    /** A result nudged by twice the bound plus one ulp: a kernel whose error is 2x what its Javadoc promises. */
    private static Unary nudged(Unary kernel, int ulps) {
        return (x, xo, y, yo, n) -> {
            kernel.apply(x, xo, y, yo, n);
            for (int i = 0; i < n; i++) {
                float v = y[yo + i];
                if (Float.isFinite(v) && v != 0 && Math.abs(v) < 1e30f) {
                    for (int k = 0; k < ulps; k++) {
                        v = Math.nextUp(v);
                    }
                }
                y[yo + i] = v;
            }
        };
    }

    @Test
    void boundTwiceTooLooseIsCaught() {
        assertThatThrownBy(() -> forwardChecks("exp 5 ulp off", nudged(Activations::exp, 5), ActivationOracles::exp, Bound.ulps(2), -110, 95))
                .isInstanceOf(AssertionError.class).hasMessageContaining("ulp");
        assertThatThrownBy(() -> forwardChecks("tanh 9 ulp off", nudged(Activations::tanh, 9), ActivationOracles::tanh, Bound.ulps(4), -12, 12))
                .isInstanceOf(AssertionError.class).hasMessageContaining("ulp");
        assertThatThrownBy(() -> forwardChecks("geluErf 9 ulp off", nudged(Activations::geluErf, 9), ActivationOracles::geluErf, Bound.gelu(), -16, 10))
                .isInstanceOf(AssertionError.class).hasMessageContaining("ulp");
    }

    @Test
    void reluThatLosesNaNOrSignedZeroIsCaught() {
        Unary blend = (x, xo, y, yo, n) -> {
            for (int i = 0; i < n; i++) {
                y[yo + i] = x[xo + i] > 0 ? x[xo + i] : 0f; // NaN becomes 0
            }
        };
        Unary keepsNegativeZero = (x, xo, y, yo, n) -> {
            for (int i = 0; i < n; i++) {
                y[yo + i] = x[xo + i] >= 0 || Float.isNaN(x[xo + i]) ? x[xo + i] : 0f; // -0 stays -0
            }
        };
        float[] x = values(7, 200, -10, 10);
        assertThatThrownBy(() -> bitwiseAsExpected("relu by blend", blend, ReferenceActivations::relu, x, 0, 0, 200, 1))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> bitwiseAsExpected("relu keeping -0", keepsNegativeZero, ReferenceActivations::relu, x, 0, 0, 200, 1))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void naiveFormulasAreCaughtByTheSweeps() {
        Unary floatSigmoid = (x, xo, y, yo, n) -> {
            for (int i = 0; i < n; i++) {
                y[yo + i] = 1f / (1f + (float) Math.exp(-x[xo + i])); // e^-x overflows in float: 0 instead of a subnormal
            }
        };
        assertThatThrownBy(() -> sweep("sigmoid in float", floatSigmoid, ActivationOracles::sigmoid, Bound.ulps(4), floatsBetween(-104f, -86f, 997)))
                .isInstanceOf(AssertionError.class);
        Unary cancellingGelu = (x, xo, y, yo, n) -> {
            for (int i = 0; i < n; i++) {
                float v = x[xo + i];
                float u = (float) (Math.sqrt(2 / Math.PI) * (v + 0.044715f * v * v * v));
                y[yo + i] = 0.5f * v * (1f + (float) Math.tanh(u)); // 1 + tanh(u) cancels for v < 0
            }
        };
        assertThatThrownBy(() -> sweep("gelu with 1 + tanh", cancellingGelu, ActivationOracles::geluTanh, Bound.gelu(), floatsBetween(-6f, -2f, 4099)))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void wrongDerivativesAreCaught() {
        for (int n : new int[] {16, 37, 129, 1000}) {
            float[] x = values(n, n + 4, -20, 20);
            float[] dy = gradients(n, n + 4);
            // silu' without the x s (1 - s) term
            assertThatThrownBy(() -> backwardAgainstOracle("silu' = s", ReferenceActivations::softplusBackward, ActivationOracles::siluDerivative, ActivationOracles::siluTerms,
                    ActivationsProperties.TRANSCENDENTAL_BACKWARD, x, 1, dy, 2, 3, n, Aliasing.SEPARATE, 1))
                    .isInstanceOf(AssertionError.class);
            // sigmoidBackward as dy * y * (1 - y): a different rounding, caught bitwise
            float[] y = values(n + 1, n + 4, 0, 1);
            assertThatThrownBy(() -> backwardBitwiseAsExpected("sigmoidBackward rounded twice", (a, ao, g, go, d, dof, m) -> {
                for (int i = 0; i < m; i++) {
                    d[dof + i] = g[go + i] * a[ao + i] * (1 - a[ao + i]);
                }
            }, Activations::sigmoidBackward, y, 0, dy, 0, 0, n, 1)).isInstanceOf(AssertionError.class);
        }
    }

    @Test
    void softmaxWithoutMaxSubtractionIsCaught() {
        SoftmaxChecks.RowWise naive = (x, xo, rows, cols, ldx, y, yo, ldy) -> {
            for (int r = 0; r < rows; r++) {
                double sum = 0;
                for (int j = 0; j < cols; j++) {
                    sum += (float) Math.exp(x[xo + r * ldx + j]);
                }
                for (int j = 0; j < cols; j++) {
                    y[yo + r * ldy + j] = (float) ((float) Math.exp(x[xo + r * ldx + j]) / sum);
                }
            }
        };
        assertThatThrownBy(() -> softmaxChecks("softmax without max subtraction", naive)).isInstanceOf(AssertionError.class);
        assertThatCode(() -> softmaxChecks("softmax", Softmax::softmax)).doesNotThrowAnyException();
    }

    @Test
    void softmaxTwiceOutsideItsBoundIsCaught() {
        // Every element scaled by 1 + 2 (gamma(d) + 4u): each row then sums to 1 + twice the bound.
        SoftmaxChecks.RowWise sloppy = (x, xo, rows, cols, ldx, y, yo, ldy) -> {
            Softmax.softmax(x, xo, rows, cols, ldx, y, yo, ldy);
            double bound = SoftmaxChecks.gamma(SoftmaxChecks.publicChainLength(cols)) + 4 * 0x1p-24;
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < cols; j++) {
                    int i = yo + r * ldy + j;
                    y[i] = (float) (y[i] * (1 + 2 * bound));
                }
            }
        };
        assertThatThrownBy(() -> softmaxChecks("softmax twice its bound off", sloppy)).isInstanceOf(AssertionError.class);
    }

    @Test
    void crossEntropyGradientNotDividedByRowsIsCaught() {
        SoftmaxChecks.CrossEntropy undivided = (logits, o, rows, cols, ld, labels, lo, d, dof, ldd) -> {
            float loss = Softmax.crossEntropy(logits, o, rows, cols, ld, labels, lo, d, dof, ldd);
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < cols; j++) {
                    d[dof + r * ldd + j] *= rows;
                }
            }
            return loss;
        };
        Block in = new Block(4, 10, 12, 1);
        float[] x = SoftmaxChecks.logits(5, in.offset() + in.extent() + 3, in);
        int[] labels = {3, 0, 9, 5};
        assertThatThrownBy(() -> SoftmaxChecks.crossEntropyAgainstOracle("crossEntropy times rows", undivided, SoftmaxChecks.publicChainLength(10),
                x, in, labels, 0, new Block(4, 10, 10, 2), false, 1)).isInstanceOf(AssertionError.class);
    }

    private static void softmaxChecks(String name, SoftmaxChecks.RowWise kernel) {
        for (int cols : new int[] {1, 10, 17, 100, 1000}) {
            for (long seed = 1; seed <= 20; seed++) {
                Block in = new Block(3, cols, cols + 2, 1);
                Block out = new Block(3, cols, cols, 2);
                float[] x = SoftmaxChecks.logits(seed * 1000 + cols, in.offset() + in.extent() + 3, in);
                SoftmaxChecks.softmaxAgainstOracle(name, kernel, SoftmaxChecks.publicChainLength(cols), x, in, out, false, seed);
            }
        }
    }
}
