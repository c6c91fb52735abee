package dev.jvk.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The initial weights are a function of the seed alone: the same bits on every JVM and CPU. */
class InitTest {
    @Test
    void the_gaussian_is_fdlibms_box_muller_bitwise_not_the_cpus_cosine() {
        // Math.cos is an intrinsic whose last bit may differ between CPUs and JVMs: it differed from fdlibm's in 3% of
        // these draws on the machine this was written on, so the He weights rested on the float rounding hiding it
        SplittableRandom drawn = new SplittableRandom(7);
        SplittableRandom oracle = new SplittableRandom(7);
        for (int i = 0; i < 10_000; i++) {
            double u1 = oracle.nextDouble();
            double u2 = oracle.nextDouble();
            double expected = StrictMath.sqrt(-2.0 * StrictMath.log1p(-u1)) * StrictMath.cos(2.0 * StrictMath.PI * u2);
            assertThat(Init.gaussian(drawn)).as("draw %d", i).isEqualTo(expected);
        }
    }
}
