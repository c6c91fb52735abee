package dev.jvk.bench.gemm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.junit.jupiter.api.Test;

/** The placements the GEMM benchmarks give their operands are the ones asked for. */
class PlacementTest {
    @Test
    void heapLeavesThePlacementAlone() {
        assertThat(Placement.parse(Placement.HEAP)).isNull();
    }

    @Test
    void rejectsAPlacementThatIsNotAFloatPositionInALine() {
        for (String bad : new String[] {"-4", "2", "64", "aligned"}) {
            assertThatThrownBy(() -> Placement.parse(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("align must be heap or").hasMessageContaining(bad);
        }
    }

    /** JavaCPP's address of the copy is read independently of the placement's arithmetic. */
    @Test
    void openBlasCopiesStartAtThePlacementWithTheValues() {
        float[] values = new float[40];
        for (int i = 0; i < values.length; i++) {
            values[i] = i + 0.5f;
        }
        for (int bytes = 0; bytes < 64; bytes += 4) {
            try (FloatPointer p = Placement.parse(Integer.toString(bytes)).copy(values, 3, 30)) {
                assertThat(Math.floorMod(p.address() + p.position() * Float.BYTES, 64L)).as("bytes %d", bytes).isEqualTo(bytes);
                for (int i = 0; i < 30; i++) {
                    assertThat(p.get(i)).isEqualTo(values[3 + i]); // get(i) reads from the position
                }
            }
        }
    }

    @Test
    void arrayOffsetsStepOneFloatPerFourBytes() {
        float[] array = new float[100 + Placement.SLACK];
        int at0 = Placement.parse("0").offset(array);
        assertThat(at0).isBetween(0, Placement.SLACK - 1);
        for (int bytes = 4; bytes < 64; bytes += 4) {
            Placement placement = Placement.parse(Integer.toString(bytes));
            int at = placement.offset(array);
            assertThat(at).isBetween(0, Placement.SLACK - 1);
            assertThat(Math.floorMod(at - at0, Placement.SLACK)).as("bytes %d", bytes).isEqualTo(bytes / Float.BYTES);
            assertThat(placement.offsetStill(array, at)).isTrue();
        }
    }

    @Test
    void doublesTakeWholeDoublePositions() {
        double[] values = {1.5, 2.5, 3.5, 4.5};
        for (int bytes = 0; bytes < 64; bytes += 8) {
            try (DoublePointer p = Placement.parse(Integer.toString(bytes)).copy(values, 1, 3)) {
                assertThat(Math.floorMod(p.address() + p.position() * Double.BYTES, 64L)).as("bytes %d", bytes).isEqualTo(bytes);
                assertThat(p.get(0)).isEqualTo(2.5);
                assertThat(p.get(2)).isEqualTo(4.5);
            }
        }
        double[] array = new double[10 + Placement.SLACK];
        int at0 = Placement.parse("0").offset(array);
        assertThat(Math.floorMod(Placement.parse("24").offset(array) - at0, 8)).isEqualTo(3);
        assertThatThrownBy(() -> Placement.parse("4").offset(array)).isInstanceOf(IllegalArgumentException.class);
    }
}
