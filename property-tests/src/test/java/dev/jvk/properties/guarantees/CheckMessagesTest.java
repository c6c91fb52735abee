package dev.jvk.properties.guarantees;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvk.kernels.Gemm;
import dev.jvk.kernels.Transpose;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** Exception messages that once said something wrong (HostileInputTest checks every method; these pin the cases). */
class CheckMessagesTest {

    /** A long offset near Long.MAX_VALUE: offset + extent wraps, and the message once said "needs -9223372036854775786 elements". */
    @Test
    void aSegmentOffsetNearLongMaxIsReportedWithoutWrapping() {
        MemorySegment a = Arena.ofAuto().allocate(64 * Float.BYTES);
        MemorySegment b = Arena.ofAuto().allocate(64 * Float.BYTES);
        MemorySegment c = Arena.ofAuto().allocate(64 * Float.BYTES);
        assertThatThrownBy(() -> Gemm.sgemm(Transpose.NO_TRANS, Transpose.NO_TRANS, 2, 2, 2, 1f, a, Long.MAX_VALUE, 2, b, 0, 2, 0f, c, 0, 2))
                .isExactlyInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageStartingWith("a is too short: needs more than 9223372036854775807 elements (offset 9223372036854775807 + extent 4)");
    }

    /** The ordinary case of the same message: the count of elements needed, the offset and extent, the length. */
    @Test
    void aShortArrayIsReportedWithWhatItNeeds() {
        assertThatThrownBy(() -> dev.jvk.kernels.Reductions.sum(new float[9], 2, 8))
                .isExactlyInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("x is too short: needs 10 elements (offset 2 + extent 8), has 9");
    }

    /**
     * The whole-array dot of vectors of two lengths: once the dot of x with y's first x.length elements, silently
     * (Lucene's VectorUtil.dotProduct, which users port, refuses it). The same with the arrays swapped, in double too.
     */
    @Test
    void aWholeArrayDotOfTwoLengthsIsRefused() {
        float[] x = {1, 2, 3};
        float[] y = {1, 1, 1, 100};
        assertThatThrownBy(() -> dev.jvk.kernels.Reductions.dot(x, y))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("x and y differ in length: x.length = 3, y.length = 4");
        assertThatThrownBy(() -> dev.jvk.kernels.Reductions.dot(y, x))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("x and y differ in length: x.length = 4, y.length = 3");
        assertThatThrownBy(() -> dev.jvk.kernels.Reductions.dot(new double[2], new double[5]))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("x and y differ in length: x.length = 2, y.length = 5");
        assertThatThrownBy(() -> dev.jvk.kernels.Reductions.dot(x, null))
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("y must not be null");
        org.assertj.core.api.Assertions.assertThat(dev.jvk.kernels.Reductions.dot(x, new float[] {1, 1, 1})).isEqualTo(1 + 2 + 3);
    }
}
