package dev.jvk.bench.gemm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvk.bench.PairedRounds;
import dev.jvk.kernels.Transpose;
import org.junit.jupiter.api.Test;

/** The shape parameter of the GEMM benchmarks and the shape arguments of ThreadPairs and GemmRace. */
class ShapeTest {
    @Test
    void readsTheTranspositionsAndDimensions() {
        assertThat(Shape.parse("TN:784x256x128")).isEqualTo(new Shape(Transpose.TRANS, Transpose.NO_TRANS, 784, 256, 128));
        assertThat(Shape.parse("NT:1x2x3")).isEqualTo(new Shape(Transpose.NO_TRANS, Transpose.TRANS, 1, 2, 3));
    }

    /** bench/README.md: the prefix may be left out. */
    @Test
    void aShapeWithoutPrefixIsNN() {
        assertThat(Shape.parse("256x128x64")).isEqualTo(new Shape(Transpose.NO_TRANS, Transpose.NO_TRANS, 256, 128, 64));
    }

    @Test
    void rejectsWhatIsNotAShapeNamingIt() {
        for (String bad : new String[] {"NN:256x256", "XN:2x2x2", "N:2x2x2", "NN:2x2x2x2", "NN:ax2x2", "NN:0x2x2", "NN:2x-1x2", "", "NN:2x2x"}) {
            assertThatThrownBy(() -> Shape.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("shape").hasMessageContaining("'" + bad + "'");
        }
    }

    /** GemmRace's thread count. */
    @Test
    void aCountMustBeAWholeNumberAtLeastOne() {
        assertThat(PairedRounds.positive("THREADS", "2")).isEqualTo(2);
        for (String bad : new String[] {"0", "-1", "two", ""}) {
            assertThatThrownBy(() -> PairedRounds.positive("THREADS", bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("THREADS").hasMessageContaining("'" + bad + "'");
        }
    }
}
