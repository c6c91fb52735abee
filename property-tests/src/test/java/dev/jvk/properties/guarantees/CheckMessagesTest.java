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
}
