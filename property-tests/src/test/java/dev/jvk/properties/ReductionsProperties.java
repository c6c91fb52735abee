package dev.jvk.properties;

import static dev.jvk.properties.support.ValueMix.HUGE;
import static dev.jvk.properties.support.ValueMix.ORDINARY;
import static dev.jvk.properties.support.ValueMix.SPECIAL;
import static dev.jvk.properties.support.ValueMix.TIES;
import static dev.jvk.properties.support.ValueMix.TINY;
import static dev.jvk.properties.support.ValueMix.WIDE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jvk.kernels.Reductions;
import dev.jvk.kernels.reference.ReferenceReductions;
import dev.jvk.properties.support.Chains;
import dev.jvk.properties.support.DoubleCase;
import dev.jvk.properties.support.FloatCase;
import dev.jvk.properties.support.ReductionChecks;
import dev.jvk.properties.support.Samples;
import dev.jvk.properties.support.ValueMix;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Every reduction, float and double, through the public entry point (whatever path this JVM runs:
 * vector at its width, or the scalar reference) and through the reference directly: both against an
 * independent oracle within the bound the Javadoc states (chain length d from {@link Chains}), and
 * the exact ones (max, min, argmax) bitwise against the reference as well.
 */
class ReductionsProperties {
    private static final int F_LANES = Chains.publicFloatLanes();
    private static final int D_LANES = Chains.publicDoubleLanes();
    private static final int A = Chains.SUM_ACCUMULATORS;

    @Provide
    Arbitrary<FloatCase> sums() {
        return Samples.floatCases(ORDINARY, WIDE, SPECIAL, TINY, HUGE);
    }

    @Provide
    Arbitrary<DoubleCase> doubleSums() {
        return Samples.doubleCases(ORDINARY, WIDE, SPECIAL, TINY, HUGE);
    }

    @Provide
    Arbitrary<FloatCase> anything() {
        return Samples.floatCases(ValueMix.values());
    }

    @Provide
    Arbitrary<DoubleCase> doubleAnything() {
        return Samples.doubleCases(ValueMix.values());
    }

    // ================================================================ float

    @Property
    void sumIsWithinTheReorderedBound(@ForAll("sums") FloatCase c) {
        ReductionChecks.sum(Reductions::sum, c, Chains.sum(c.n(), F_LANES, A), false);
        ReductionChecks.sum(ReferenceReductions::sum, c, c.n(), false);
    }

    @Property
    void asumIsWithinTheReorderedBound(@ForAll("sums") FloatCase c) {
        ReductionChecks.sum(Reductions::asum, c, Chains.sum(c.n(), F_LANES, A), true);
        ReductionChecks.sum(ReferenceReductions::asum, c, c.n(), true);
    }

    /** y drawn like x, from its own offset; a quarter of the time y is x's own array, overlapping anyhow. */
    @Property
    void dotIsWithinTheReorderedBound(@ForAll("sums") FloatCase c) {
        SplittableRandom random = new SplittableRandom(c.seed() ^ 0x9E3779B97F4A7C15L);
        float[] y;
        int yOffset;
        if (random.nextInt(4) == 0) {
            y = c.data();
            yOffset = random.nextInt(c.data().length - c.n() + 1);
        } else {
            yOffset = random.nextInt(10);
            y = Samples.floats(random, yOffset, c.n(), random.nextInt(4), c.mix());
        }
        ReductionChecks.dot(Reductions::dot, c.data(), c.offset(), y, yOffset, c.n(), Chains.sum(c.n(), F_LANES, A));
        ReductionChecks.dot(ReferenceReductions::dot, c.data(), c.offset(), y, yOffset, c.n(), c.n());
    }

    /** Also on the case made non-positive, where the maximum is often a zero of either sign. */
    @Property
    void maxIsMathMaxBitForBit(@ForAll("anything") FloatCase c) {
        for (FloatCase k : new FloatCase[] {c, nonPositive(c)}) {
            ReductionChecks.max(Reductions::max, k);
            ReductionChecks.max(ReferenceReductions::max, k);
            ReductionChecks.sameBits("max vs reference", Reductions.max(k.data(), k.offset(), k.n()),
                    ReferenceReductions.max(k.data(), k.offset(), k.n()), k);
        }
    }

    /** Also on the case made non-negative, where the minimum is often a zero of either sign. */
    @Property
    void minIsMathMinBitForBit(@ForAll("anything") FloatCase c) {
        for (FloatCase k : new FloatCase[] {c, nonNegative(c)}) {
            ReductionChecks.min(Reductions::min, k);
            ReductionChecks.min(ReferenceReductions::min, k);
            ReductionChecks.sameBits("min vs reference", Reductions.min(k.data(), k.offset(), k.n()),
                    ReferenceReductions.min(k.data(), k.offset(), k.n()), k);
        }
    }

    @Property
    void argmaxIsTheFirstMaximumOrTheFirstNaN(@ForAll("anything") FloatCase c) {
        for (FloatCase k : new FloatCase[] {c, nonPositive(c)}) {
            ReductionChecks.argmax(Reductions::argmax, k);
            ReductionChecks.argmax(ReferenceReductions::argmax, k);
        }
    }

    /** argmax over more than one of the vector kernel's blocks (2048), the maximum placed anywhere. */
    @Property(tries = 200)
    void argmaxFindsTheMaximumInAnyBlock(@ForAll("anything") FloatCase c) {
        SplittableRandom random = new SplittableRandom(c.seed());
        int n = 2048 * 2 + random.nextInt(2048 * 2);
        float[] x = Samples.floats(random, c.offset(), n, 1, c.mix());
        x[c.offset() + random.nextInt(n)] = Float.MAX_VALUE;
        FloatCase big = new FloatCase(x, c.offset(), n, c.mix(), c.seed());
        ReductionChecks.argmax(Reductions::argmax, big);
        ReductionChecks.argmax(ReferenceReductions::argmax, big);
    }

    @Property
    void nrm2NeitherOverflowsNorUnderflows(@ForAll("anything") FloatCase c) {
        ReductionChecks.nrm2(Reductions::nrm2, c);
        ReductionChecks.nrm2(ReferenceReductions::nrm2, c);
    }

    @Example
    void nrm2OfTwoHugeValuesIsFinite() {
        assertThat(Reductions.nrm2(new float[] {1e30f, 1e30f})).isEqualTo(1.4142135e30f);
        assertThat(Reductions.nrm2(new double[] {1e300, 1e300})).isEqualTo(Math.sqrt(2) * 1e300);
        assertThat(Reductions.nrm2(new double[] {3e-320, 4e-320})).isEqualTo(5e-320);
    }

    @Property
    void logSumExpNeverOverflows(@ForAll("anything") FloatCase c) {
        ReductionChecks.logSumExp(Reductions::logSumExp, c);
        ReductionChecks.logSumExp(ReferenceReductions::logSumExp, c);
    }

    @Example
    void logSumExpOfLargeValues() {
        assertThat(Reductions.logSumExp(new float[] {1e30f, 1e30f})).isEqualTo(1e30f);
        assertThat(Reductions.logSumExp(new float[] {100f, 100f})).isEqualTo((float) (100 + Math.log(2)));
        assertThat(Reductions.logSumExp(new double[] {1000, 1000})).isCloseTo(1000 + Math.log(2), org.assertj.core.data.Offset.offset(1e-12));
    }

    @Property
    void meanIsWithinItsBound(@ForAll("anything") FloatCase c) {
        ReductionChecks.mean(Reductions::mean, c, Chains.sum(c.n(), D_LANES, A));
        ReductionChecks.mean(ReferenceReductions::mean, c, c.n());
    }

    @Property
    void varianceIsWithinItsBound(@ForAll("anything") FloatCase c) {
        ReductionChecks.variance(Reductions::variance, c, Chains.sum(c.n(), D_LANES, A));
        ReductionChecks.variance(ReferenceReductions::variance, c, c.n());
    }

    /** Large common offset, small spread: the case a one-pass formula loses to cancellation. */
    @Property
    void varianceDoesNotCancel(@ForAll("sums") FloatCase c) {
        float[] x = c.data().clone();
        SplittableRandom random = new SplittableRandom(c.seed());
        for (int i = 0; i < c.n(); i++) {
            x[c.offset() + i] = 1e6f + random.nextInt(-64, 65) / 16f;
        }
        FloatCase shifted = new FloatCase(x, c.offset(), c.n(), ORDINARY, c.seed());
        ReductionChecks.variance(Reductions::variance, shifted, Chains.sum(c.n(), D_LANES, A));
    }

    // ================================================================ double

    @Property
    void doubleSumIsWithinTheReorderedBound(@ForAll("doubleSums") DoubleCase c) {
        ReductionChecks.sum(Reductions::sum, c, Chains.sum(c.n(), D_LANES, A), false);
        ReductionChecks.sum(ReferenceReductions::sum, c, c.n(), false);
    }

    @Property
    void doubleAsumIsWithinTheReorderedBound(@ForAll("doubleSums") DoubleCase c) {
        ReductionChecks.sum(Reductions::asum, c, Chains.sum(c.n(), D_LANES, A), true);
        ReductionChecks.sum(ReferenceReductions::asum, c, c.n(), true);
    }

    @Property
    void doubleDotIsWithinTheReorderedBound(@ForAll("doubleSums") DoubleCase c) {
        SplittableRandom random = new SplittableRandom(c.seed() ^ 0x9E3779B97F4A7C15L);
        double[] y;
        int yOffset;
        if (random.nextInt(4) == 0) {
            y = c.data();
            yOffset = random.nextInt(c.data().length - c.n() + 1);
        } else {
            yOffset = random.nextInt(10);
            y = Samples.doubles(random, yOffset, c.n(), random.nextInt(4), c.mix());
        }
        ReductionChecks.dot(Reductions::dot, c.data(), c.offset(), y, yOffset, c.n(), Chains.sum(c.n(), D_LANES, A));
        ReductionChecks.dot(ReferenceReductions::dot, c.data(), c.offset(), y, yOffset, c.n(), c.n());
    }

    @Property
    void doubleMaxIsMathMaxBitForBit(@ForAll("doubleAnything") DoubleCase c) {
        for (DoubleCase k : new DoubleCase[] {c, nonPositive(c)}) {
            ReductionChecks.max(Reductions::max, k);
            ReductionChecks.max(ReferenceReductions::max, k);
            ReductionChecks.sameBits("max vs reference", Reductions.max(k.data(), k.offset(), k.n()),
                    ReferenceReductions.max(k.data(), k.offset(), k.n()), k);
        }
    }

    @Property
    void doubleMinIsMathMinBitForBit(@ForAll("doubleAnything") DoubleCase c) {
        for (DoubleCase k : new DoubleCase[] {c, nonNegative(c)}) {
            ReductionChecks.min(Reductions::min, k);
            ReductionChecks.min(ReferenceReductions::min, k);
            ReductionChecks.sameBits("min vs reference", Reductions.min(k.data(), k.offset(), k.n()),
                    ReferenceReductions.min(k.data(), k.offset(), k.n()), k);
        }
    }

    @Property
    void doubleArgmaxIsTheFirstMaximumOrTheFirstNaN(@ForAll("doubleAnything") DoubleCase c) {
        for (DoubleCase k : new DoubleCase[] {c, nonPositive(c)}) {
            ReductionChecks.argmax(Reductions::argmax, k);
            ReductionChecks.argmax(ReferenceReductions::argmax, k);
        }
    }

    @Property
    void doubleNrm2NeitherOverflowsNorUnderflows(@ForAll("doubleAnything") DoubleCase c) {
        ReductionChecks.nrm2(Reductions::nrm2, c, Chains.sum(c.n(), D_LANES, A));
        ReductionChecks.nrm2(ReferenceReductions::nrm2, c, c.n());
    }

    @Property
    void doubleLogSumExpIsWithinItsBound(@ForAll("doubleAnything") DoubleCase c) {
        ReductionChecks.logSumExp(Reductions::logSumExp, c, Chains.logSumExp(c.n(), D_LANES));
        ReductionChecks.logSumExp(ReferenceReductions::logSumExp, c, Chains.logSumExp(c.n(), 0));
    }

    @Property
    void doubleMeanIsWithinItsBound(@ForAll("doubleAnything") DoubleCase c) {
        ReductionChecks.mean(Reductions::mean, c, Chains.sum(c.n(), D_LANES, A));
        ReductionChecks.mean(ReferenceReductions::mean, c, c.n());
    }

    @Property
    void doubleVarianceIsWithinItsBound(@ForAll("doubleAnything") DoubleCase c) {
        ReductionChecks.variance(Reductions::variance, c, Chains.sum(c.n(), D_LANES, A));
        ReductionChecks.variance(ReferenceReductions::variance, c, c.n());
    }

    /**
     * The Javadoc: the rescued variance "is infinite only when the variance is". Above about 2^564 the
     * mean of equal elements, off by an ulp, leaves deviations whose squares overflow, and scaling
     * the data keeps that ulp (scaled back it overflows again): equal elements gave +Inf, not 0.
     */
    @Example
    void doubleVarianceOfEqualHugeElementsIsZeroNotInfinite() {
        for (double v : new double[] {Double.MAX_VALUE, 1.7e308, -1.7e308, 1e300, 1e250, -1e200, 0x1p570}) {
            for (int n = 1; n <= 300; n++) {
                double[] x = new double[n + 2];
                java.util.Arrays.fill(x, 1, n + 1, v);
                assertThat(Reductions.variance(x, 1, n)).as("variance of %d x %s", n, v).isEqualTo(0.0);
                assertThat(ReferenceReductions.variance(x, 1, n)).as("reference variance of %d x %s", n, v).isEqualTo(0.0);
            }
        }
    }

    // ================================================================ transformed cases

    /** The case with every positive element negated (zeros keep their signs, NaN stays): maxima at zeros of both signs. */
    static FloatCase nonPositive(FloatCase c) {
        float[] x = c.data().clone();
        for (int i = 0; i < c.n(); i++) {
            x[c.offset() + i] = x[c.offset() + i] <= 0 ? x[c.offset() + i] : -x[c.offset() + i];
        }
        return new FloatCase(x, c.offset(), c.n(), c.mix(), c.seed());
    }

    /** The case with every negative element negated (zeros keep their signs): minima at zeros of both signs. */
    static FloatCase nonNegative(FloatCase c) {
        float[] x = c.data().clone();
        for (int i = 0; i < c.n(); i++) {
            x[c.offset() + i] = x[c.offset() + i] >= 0 ? x[c.offset() + i] : -x[c.offset() + i];
        }
        return new FloatCase(x, c.offset(), c.n(), c.mix(), c.seed());
    }

    static DoubleCase nonPositive(DoubleCase c) {
        double[] x = c.data().clone();
        for (int i = 0; i < c.n(); i++) {
            x[c.offset() + i] = x[c.offset() + i] <= 0 ? x[c.offset() + i] : -x[c.offset() + i];
        }
        return new DoubleCase(x, c.offset(), c.n(), c.mix(), c.seed());
    }

    static DoubleCase nonNegative(DoubleCase c) {
        double[] x = c.data().clone();
        for (int i = 0; i < c.n(); i++) {
            x[c.offset() + i] = x[c.offset() + i] >= 0 ? x[c.offset() + i] : -x[c.offset() + i];
        }
        return new DoubleCase(x, c.offset(), c.n(), c.mix(), c.seed());
    }
}
