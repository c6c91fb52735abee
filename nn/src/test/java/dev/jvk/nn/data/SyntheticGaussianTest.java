package dev.jvk.nn.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The built-in data set is a function of the seed alone: the same bits on every JVM and CPU. */
class SyntheticGaussianTest {
    @Test
    void the_noise_is_fdlibms_box_muller_bitwise_not_the_cpus_cosine() {
        // Math.cos, log1p and tanh are intrinsics whose last bit may differ between CPUs and JVMs (Math.cos differs from
        // fdlibm's in about 3% of such draws on an x86 JDK 25), so the noise is StrictMath's
        SplittableRandom drawn = new SplittableRandom(11);
        SplittableRandom oracle = new SplittableRandom(11);
        for (int i = 0; i < 10_000; i++) {
            double u1 = oracle.nextDouble();
            double u2 = oracle.nextDouble();
            double expected = StrictMath.sqrt(-2.0 * StrictMath.log1p(-u1)) * StrictMath.cos(2.0 * StrictMath.PI * u2);
            assertThat(SyntheticData.gaussian(drawn)).as("draw %d", i).isEqualTo(expected);
        }
    }
}
