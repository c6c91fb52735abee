package dev.jvk.properties.guarantees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.jvk.kernels.Reductions;
import dev.jvk.kernels.reference.ReferenceReductions;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * The double mean and variance promise finite results for finite data whose sums or squares
 * overflow (they rerun scaled by a power of two), and the rescue must never run on data that does
 * not need it (scaled down, tiny data would underflow). Mutation testing found both edges untested
 * (bench/RESULTS-pit.md). Each check runs on the public entry point and on the reference.
 */
class RescueTest {

    @Test
    void theMeanOfFiniteValuesIsNeverInfinite() {
        double[] x = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        both(v -> Reductions.mean(v, 0, v.length), v -> ReferenceReductions.mean(v, 0, v.length), x,
                r -> assertThat(r).isEqualTo(Double.MAX_VALUE));
    }

    @Test
    void aTinyMeanIsNotRescued() {
        // Scaled by 2^-32 these would be subnormal and lose about 20 bits.
        double[] x = {1e-300, 3e-300, 5e-300};
        double exact = 3e-300;
        both(v -> Reductions.mean(v, 0, v.length), v -> ReferenceReductions.mean(v, 0, v.length), x,
                r -> assertThat(r).isCloseTo(exact, within(4 * Math.ulp(exact))));
    }

    @Test
    void aFiniteVarianceWhoseSquaresOverflowIsFinite() {
        double[] x = {1e154, -1e154, 1e154, -1e154}; // squares 1e308, their sum overflows; the variance is 1e308
        both(v -> Reductions.variance(v, 0, v.length), v -> ReferenceReductions.variance(v, 0, v.length), x,
                r -> assertThat(r).isCloseTo(1e308, within(8 * Math.ulp(1e308))));
    }

    @Test
    void aTinyVarianceIsNotRescued() {
        double[] x = {1e-100, -1e-100, 1e-100, -1e-100}; // scaled by 2^-540, the squares would underflow to 0
        both(v -> Reductions.variance(v, 0, v.length), v -> ReferenceReductions.variance(v, 0, v.length), x,
                r -> assertThat(r).isCloseTo(1e-200, within(8 * Math.ulp(1e-200))));
    }

    @Test
    void aVarianceOfInfinitiesIsNaNAndOfHugeSpreadInfinite() {
        both(v -> Reductions.variance(v, 0, v.length), v -> ReferenceReductions.variance(v, 0, v.length),
                new double[] {Double.POSITIVE_INFINITY, 1}, r -> assertThat(r).isNaN());
        both(v -> Reductions.variance(v, 0, v.length), v -> ReferenceReductions.variance(v, 0, v.length),
                new double[] {Double.MAX_VALUE, -Double.MAX_VALUE}, r -> assertThat(r).isInfinite());
    }

    private static void both(ToDoubleFunction<double[]> api, ToDoubleFunction<double[]> reference, double[] x,
                             java.util.function.DoubleConsumer check) {
        check.accept(api.applyAsDouble(x.clone()));
        check.accept(reference.applyAsDouble(x.clone()));
    }
}
