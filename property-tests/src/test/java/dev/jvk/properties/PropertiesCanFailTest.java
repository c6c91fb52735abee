package dev.jvk.properties;

import static org.assertj.core.api.Assertions.fail;

import dev.jvk.kernels.Reductions;
import dev.jvk.kernels.Vectors;
import dev.jvk.properties.support.Bounds;
import dev.jvk.properties.support.Chains;
import dev.jvk.properties.support.DoubleCase;
import dev.jvk.properties.support.FloatCase;
import dev.jvk.properties.support.Oracles;
import dev.jvk.properties.support.ReductionChecks;
import dev.jvk.properties.support.Samples;
import dev.jvk.properties.support.ValueMix;
import dev.jvk.properties.support.VectorChecks;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

/**
 * The checks behind ReductionsProperties and VectorsProperties can fail: deliberately wrong kernels
 * (an off-by-one tail, a dropped lane, an error twice the bound, NaN or signed zeros lost, the last of
 * equal maxima, an unfused axpy, a copy that runs past n, the naive overflowing nrm2 and logSumExp, a
 * one-pass variance) go through the very same check methods, and each must be caught within a few
 * hundred cases. Each wrong kernel has a control: the right kernel through the same cases passes.
 */
class PropertiesCanFailTest {
    private static final int CASES = 300;
    private static final int F_LANES = Chains.publicFloatLanes();
    private static final int D_LANES = Chains.publicDoubleLanes();
    private static final int A = Chains.SUM_ACCUMULATORS;

    // ================================================================ reordered sums

    @Test
    void sumWithAnOffByOneTailIsCaught() {
        caughtButNotTheControl("sum that skips the last element", ValueMix.ORDINARY,
                c -> ReductionChecks.sum((x, o, n) -> Reductions.sum(x, o, Math.max(0, n - 1)), c, d(c), false),
                c -> ReductionChecks.sum(Reductions::sum, c, d(c), false));
    }

    @Test
    void sumWithADroppedLaneIsCaught() {
        caughtButNotTheControl("sum that drops lane 7 of every 16", ValueMix.ORDINARY,
                c -> ReductionChecks.sum(PropertiesCanFailTest::sumDroppingLane7, c, d(c), false),
                c -> ReductionChecks.sum(Reductions::sum, c, d(c), false));
    }

    @Test
    void sumOffByTwiceTheBoundIsCaught() {
        caughtButNotTheControl("sum in error by twice its bound", ValueMix.ORDINARY,
                c -> ReductionChecks.sum((x, o, n) -> twiceTheBoundOff(x, o, n, d(c)), c, d(c), false),
                c -> ReductionChecks.sum(Reductions::sum, c, d(c), false));
    }

    @Test
    void dotWithADroppedLaneIsCaught() {
        caughtButNotTheControl("dot that drops lane 7 of every 16", ValueMix.ORDINARY,
                c -> ReductionChecks.dot((x, xo, y, yo, n) -> sumDroppingLane7(x, xo, n), c.data(), c.offset(), c.data(), c.offset(), c.n(), d(c)),
                c -> ReductionChecks.dot(Reductions::dot, c.data(), c.offset(), c.data(), c.offset(), c.n(), d(c)));
    }

    @Test
    void doubleSumWithAnOffByOneTailIsCaught() {
        doubleCaughtButNotTheControl("double sum that skips the last element", ValueMix.ORDINARY,
                c -> ReductionChecks.sum((x, o, n) -> Reductions.sum(x, o, Math.max(0, n - 1)), c, dd(c), false),
                c -> ReductionChecks.sum(Reductions::sum, c, dd(c), false));
    }

    @Test
    void meanOfOneElementFewerIsCaught() {
        caughtButNotTheControl("mean that skips the last element", ValueMix.ORDINARY,
                c -> ReductionChecks.mean((x, o, n) -> Reductions.mean(x, o, Math.max(1, n - 1)), c, Chains.sum(c.n(), D_LANES, A)),
                c -> ReductionChecks.mean(Reductions::mean, c, Chains.sum(c.n(), D_LANES, A)));
    }

    // ================================================================ exact operations

    @Test
    void maxThatLosesNaNIsCaught() {
        caughtButNotTheControl("compare-and-blend max without NaN tracking", ValueMix.SPECIAL,
                c -> ReductionChecks.max((x, o, n) -> {
                    float m = Float.NEGATIVE_INFINITY;
                    for (int i = 0; i < n; i++) {
                        m = x[o + i] > m ? x[o + i] : m;
                    }
                    return m;
                }, c),
                c -> ReductionChecks.max(Reductions::max, c));
    }

    @Test
    void maxThatOrdersZerosWronglyIsCaught() {
        caughtButNotTheControl("max taking the later of equal values (-0 after +0)", ValueMix.TIES,
                c -> ReductionChecks.max((x, o, n) -> {
                    float m = Float.NEGATIVE_INFINITY;
                    for (int i = 0; i < n; i++) {
                        m = x[o + i] >= m ? x[o + i] : m;
                    }
                    return m;
                }, ReductionsProperties.nonPositive(c)),
                c -> ReductionChecks.max(Reductions::max, ReductionsProperties.nonPositive(c)));
    }

    @Test
    void minStartingOneLateIsCaught() {
        caughtButNotTheControl("min that starts one element late", ValueMix.ORDINARY,
                c -> ReductionChecks.min((x, o, n) -> Reductions.min(x, o + Math.min(n, 1), Math.max(0, n - 1)), c),
                c -> ReductionChecks.min(Reductions::min, c));
    }

    @Test
    void argmaxReturningTheLastOfEqualMaximaIsCaught() {
        caughtButNotTheControl("argmax with >= (the last of equal maxima)", ValueMix.TIES,
                c -> ReductionChecks.argmax((x, o, n) -> {
                    int best = -1;
                    for (int i = 0; i < n; i++) {
                        if (best < 0 || x[o + i] >= x[o + best]) {
                            best = i;
                        }
                    }
                    return best;
                }, c),
                c -> ReductionChecks.argmax(Reductions::argmax, c));
    }

    @Test
    void unfusedAxpyIsCaught() {
        caughtButNotTheControl("axpy as alpha * x + y, two roundings", ValueMix.ORDINARY,
                c -> VectorChecks.axpy((alpha, x, xo, y, yo, n) -> {
                    for (int i = 0; i < n; i++) {
                        y[yo + i] = alpha * x[xo + i] + y[yo + i];
                    }
                }, 0.1f, c.data(), c.offset(), Samples.floats(new SplittableRandom(c.seed()), 0, c.n(), 0, ValueMix.ORDINARY), 0, c.n()),
                c -> VectorChecks.axpy(Vectors::axpy, 0.1f, c.data(), c.offset(),
                        Samples.floats(new SplittableRandom(c.seed()), 0, c.n(), 0, ValueMix.ORDINARY), 0, c.n()));
    }

    @Test
    void axpyWithAShortTailIsCaught() {
        caughtButNotTheControl("axpy that leaves the last element", ValueMix.ORDINARY,
                c -> VectorChecks.axpy((alpha, x, xo, y, yo, n) -> Vectors.axpy(alpha, x, xo, y, yo, Math.max(0, n - 1)),
                        1.5f, c.data(), c.offset(), Samples.floats(new SplittableRandom(c.seed()), 0, c.n(), 0, ValueMix.ORDINARY), 0, c.n()),
                c -> VectorChecks.axpy(Vectors::axpy, 1.5f, c.data(), c.offset(),
                        Samples.floats(new SplittableRandom(c.seed()), 0, c.n(), 0, ValueMix.ORDINARY), 0, c.n()));
    }

    @Test
    void copyThatRunsPastNIsCaught() {
        caughtButNotTheControl("copy that writes one element too many", ValueMix.ORDINARY,
                c -> VectorChecks.copy((x, xo, y, yo, n) -> System.arraycopy(x, xo, y, yo, Math.min(n + 1, Math.min(x.length - xo, y.length - yo))),
                        c.data(), c.offset(), new float[c.n() + 2], 0, c.n()),
                c -> VectorChecks.copy(Vectors::copy, c.data(), c.offset(), new float[c.n() + 2], 0, c.n()));
    }

    @Test
    void columnSumsMissingTheLastRowIsCaught() {
        caughtButNotTheControl("columnSums over one row fewer", ValueMix.ORDINARY,
                c -> VectorChecks.columnSums((x, xo, rows, cols, ld, out, oo) -> Vectors.columnSums(x, xo, Math.max(0, rows - 1), cols, ld, out, oo),
                        c.data(), c.offset(), c.n() / 7, Math.min(7, c.n()), 7, new float[8], 1),
                c -> VectorChecks.columnSums(Vectors::columnSums, c.data(), c.offset(), c.n() / 7, Math.min(7, c.n()), 7, new float[8], 1));
    }

    // ================================================================ overflow and cancellation

    @Test
    void naiveNrm2IsCaught() {
        caughtButNotTheControl("nrm2 summing float squares (overflows)", ValueMix.HUGE,
                c -> ReductionChecks.nrm2((x, o, n) -> {
                    float s = 0;
                    for (int i = 0; i < n; i++) {
                        s += x[o + i] * x[o + i];
                    }
                    return (float) Math.sqrt(s);
                }, c),
                c -> ReductionChecks.nrm2(Reductions::nrm2, c));
    }

    @Test
    void naiveDoubleNrm2IsCaught() {
        doubleCaughtButNotTheControl("nrm2 summing double squares (underflows)", ValueMix.TINY,
                c -> ReductionChecks.nrm2((x, o, n) -> {
                    double s = 0;
                    for (int i = 0; i < n; i++) {
                        s += x[o + i] * x[o + i];
                    }
                    return Math.sqrt(s);
                }, c, dd(c)),
                c -> ReductionChecks.nrm2(Reductions::nrm2, c, dd(c)));
    }

    @Test
    void naiveLogSumExpIsCaught() {
        caughtButNotTheControl("log(sum(exp(x))) without the max (overflows)", ValueMix.HUGE,
                c -> ReductionChecks.logSumExp((x, o, n) -> {
                    double s = 0;
                    for (int i = 0; i < n; i++) {
                        s += Math.exp(x[o + i]);
                    }
                    return (float) Math.log(s);
                }, c),
                c -> ReductionChecks.logSumExp(Reductions::logSumExp, c));
    }

    @Test
    void onePassVarianceIsCaught() {
        caughtButNotTheControl("variance as mean(x^2) - mean(x)^2 in float", ValueMix.ORDINARY,
                c -> ReductionChecks.variance((x, o, n) -> {
                    float s = 0;
                    float s2 = 0;
                    for (int i = 0; i < n; i++) {
                        s += x[o + i];
                        s2 += x[o + i] * x[o + i];
                    }
                    return s2 / n - (s / n) * (s / n);
                }, shifted(c), Chains.sum(c.n(), D_LANES, A)),
                c -> ReductionChecks.variance(Reductions::variance, shifted(c), Chains.sum(c.n(), D_LANES, A)));
    }

    // ================================================================ helpers

    private static long d(FloatCase c) {
        return Chains.sum(c.n(), F_LANES, A);
    }

    private static long dd(DoubleCase c) {
        return Chains.sum(c.n(), D_LANES, A);
    }

    private static float sumDroppingLane7(float[] x, int offset, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            if (i % 16 != 7) {
                s += x[offset + i];
            }
        }
        return s;
    }

    /** The exact sum moved away by twice gamma(d) * sum|x|. */
    private static float twiceTheBoundOff(float[] x, int offset, int n, long d) {
        Oracles.Terms t = Oracles.sumTerms(x, offset, n, false);
        double exact = t.exact().doubleValue();
        return (float) (exact + 2 * Bounds.gamma(d, Bounds.U_FLOAT) * t.magnitudes().doubleValue());
    }

    /** The case's elements moved to 1e6 + k/16: a large mean and a small spread. */
    private static FloatCase shifted(FloatCase c) {
        float[] x = c.data().clone();
        SplittableRandom random = new SplittableRandom(c.seed());
        for (int i = 0; i < c.n(); i++) {
            x[c.offset() + i] = 1e6f + random.nextInt(-64, 65) / 16f;
        }
        return new FloatCase(x, c.offset(), c.n(), c.mix(), c.seed());
    }

    private static FloatCase floatCase(int seed, ValueMix mix) {
        SplittableRandom random = new SplittableRandom(seed);
        int n = 2 + random.nextInt(300);
        int offset = random.nextInt(5);
        return new FloatCase(Samples.floats(random, offset, n, random.nextInt(3), mix), offset, n, mix, seed);
    }

    private static DoubleCase doubleCase(int seed, ValueMix mix) {
        SplittableRandom random = new SplittableRandom(seed);
        int n = 2 + random.nextInt(300);
        int offset = random.nextInt(5);
        return new DoubleCase(Samples.doubles(random, offset, n, random.nextInt(3), mix), offset, n, mix, seed);
    }

    private interface FloatAttempt {
        void run(FloatCase c);
    }

    private interface DoubleAttempt {
        void run(DoubleCase c);
    }

    private static void caughtButNotTheControl(String what, ValueMix mix, FloatAttempt wrong, FloatAttempt control) {
        caught(what, seed -> wrong.run(floatCase(seed, mix)));
        for (int seed = 0; seed < CASES; seed++) {
            control.run(floatCase(seed, mix)); // the right kernel passes the same checks on the same cases
        }
    }

    private static void doubleCaughtButNotTheControl(String what, ValueMix mix, DoubleAttempt wrong, DoubleAttempt control) {
        caught(what, seed -> wrong.run(doubleCase(seed, mix)));
        for (int seed = 0; seed < CASES; seed++) {
            control.run(doubleCase(seed, mix));
        }
    }

    private static void caught(String what, IntConsumer attempt) {
        for (int seed = 0; seed < CASES; seed++) {
            try {
                attempt.accept(seed);
            } catch (AssertionError expected) {
                return;
            }
        }
        fail("the checks did not catch the " + what + " in " + CASES + " cases");
    }
}
