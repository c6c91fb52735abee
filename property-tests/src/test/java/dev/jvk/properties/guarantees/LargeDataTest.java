package dev.jvk.properties.guarantees;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvk.kernels.Activations;
import dev.jvk.kernels.Gemm;
import dev.jvk.kernels.Reductions;
import dev.jvk.kernels.Transpose;
import dev.jvk.kernels.Vectors;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Data past the int limits that small tests never reach: a float[] of 2^30 elements (4 GiB) through
 * sum, dot, axpy and relu, and an sgemm whose A spans more than 2^31 bytes of a native segment, with
 * B at an element offset whose byte offset is past 2^31 too. Any index or byte offset computed in
 * int would wrap here.
 *
 * <p>The inputs are chosen so that every result is an exact small integer on every path and in every
 * summation order (all partial sums stay far below 2^24), so the checks are exact equalities: a
 * dropped element, a wrapped index or a lost tail shows as a wrong number.
 *
 * <p>Opt-in, in the {@code heavy} group: {@code mvn -Pheavy -pl kernels,property-tests -am verify}
 * (the profile gives the test JVM -Xmx6g; the segment is off-heap, about 2.2 GB more).
 */
@Tag("heavy")
class LargeDataTest {
    private static final int N = 1 << 30;
    /** Every 1024th element is +-1, the last element is 1, the rest 0. */
    private static final int STRIDE = 1024;

    /** C2 compiles the kernels on small calls first: a cold JVM would run the first billion-element call interpreted. */
    private static void warmUp() {
        float[] w = new float[4096];
        java.util.Arrays.fill(w, 0.5f);
        for (int r = 0; r < 3000; r++) {
            Reductions.sum(w, 0, w.length);
            Reductions.dot(w, 0, w, 0, w.length);
            Vectors.axpy(0f, w, 0, w, 0, w.length);
            Activations.relu(w, 0, w, 0, w.length);
        }
    }

    @Test
    void aBillionFloatsThroughSumDotAxpyAndRelu() {
        warmUp();
        float[] x = new float[N];
        long positives = 0;
        long count = 0;
        for (int i = 0; i < N; i += STRIDE) {
            x[i] = (i / STRIDE) % 2 == 0 ? 1f : -1f;
            positives += x[i] > 0 ? 1 : 0;
            count++;
        }
        x[N - 1] = 1f; // the very last element, in whatever tail the vector loop leaves
        long sum = positives - (count - positives) + 1;

        assertThat(Reductions.sum(x, 0, N)).isEqualTo((float) sum);
        assertThat(Reductions.sum(x, 1, N - 1)).as("from offset 1: x[0] = 1 left out").isEqualTo((float) (sum - 1));
        assertThat(Reductions.dot(x, 0, x, 0, N)).isEqualTo((float) (count + 1));
        assertThat(Reductions.dot(x, 0, x, 0, N - 1)).as("without the last element").isEqualTo((float) count);

        Vectors.axpy(2f, x, 0, x, 0, N); // in place: x = fma(2, x, x) = 3x, exactly
        assertThat(Reductions.sum(x, 0, N)).isEqualTo((float) (3 * sum));
        assertThat(x[N - 1]).isEqualTo(3f);
        assertThat(x[N - STRIDE]).isEqualTo(-3f);

        Activations.relu(x, 0, x, 0, N); // in place: the -3s become 0
        long nonZero = 0;
        for (int i = 0; i < N; i++) {
            if (x[i] != 0f) {
                nonZero++;
                if (x[i] != 3f) {
                    throw new AssertionError("relu(x)[" + i + "] = " + x[i]);
                }
            }
        }
        assertThat(nonZero).isEqualTo(positives + 1);
        assertThat(Reductions.sum(x, 0, N)).isEqualTo((float) (3 * (positives + 1)));
    }

    @Test
    void anSgemmOverMoreThanTwoGigabytesOfNativeMemory() {
        int m = 1 << 16;
        int k = 8200; // A is m x k = 537,395,200 floats, 2.15e9 bytes > 2^31
        int n = 8;
        long aElements = (long) m * k;
        assertThat(aElements * Float.BYTES).isGreaterThan(1L << 31);
        int threadsBefore = Gemm.threads();
        Gemm.setThreads(2);
        try (Arena arena = Arena.ofShared()) {
            // A, then B right after it in the same segment: B's offset in bytes is past 2^31 as well.
            MemorySegment ab = arena.allocate((aElements + (long) k * n) * Float.BYTES, 64);
            MemorySegment c = arena.allocate((long) m * n * Float.BYTES, 64);
            for (Transpose transA : Transpose.values()) {
                int lda = transA == Transpose.NO_TRANS ? k : m;
                // a(i, p) = (i + 3p) mod 7 - 3: a stored row is one of 7 patterns (q + r) mod 7 - 3, copied into place.
                // NO_TRANS: row i holds a(i, .) = a(i mod 7, .); TRANS: row p holds a(., p), i.e. (i + 3p mod 7) mod 7 - 3.
                int rows = transA == Transpose.NO_TRANS ? m : k;
                MemorySegment[] patterns = new MemorySegment[7];
                for (int r = 0; r < 7; r++) {
                    patterns[r] = arena.allocate((long) lda * Float.BYTES);
                    for (int q = 0; q < lda; q++) {
                        float v = transA == Transpose.NO_TRANS ? a(r, q) : (q + r) % 7 - 3;
                        patterns[r].setAtIndex(ValueLayout.JAVA_FLOAT, q, v);
                    }
                }
                for (int row = 0; row < rows; row++) {
                    MemorySegment pattern = patterns[transA == Transpose.NO_TRANS ? row % 7 : 3 * row % 7];
                    MemorySegment.copy(pattern, 0, ab, (long) row * lda * Float.BYTES, (long) lda * Float.BYTES);
                }
                for (int p = 0; p < k; p++) {
                    for (int j = 0; j < n; j++) {
                        ab.setAtIndex(ValueLayout.JAVA_FLOAT, aElements + (long) p * n + j, b(p, j));
                    }
                }
                c.fill((byte) 0);
                Gemm.sgemm(transA, Transpose.NO_TRANS, m, n, k, 1f, ab, 0, lda, ab, aElements, n, 0f, c, 0, n);
                // Exact integers: check the last rows, where byte offsets are largest, and random ones.
                SplittableRandom random = new SplittableRandom(42);
                for (int r = 0; r < 200; r++) {
                    int i = r < 100 ? m - 1 - r : random.nextInt(m);
                    for (int j = 0; j < n; j++) {
                        long exact = 0;
                        for (int p = 0; p < k; p++) {
                            exact += (long) a(i, p) * (long) b(p, j);
                        }
                        float got = c.getAtIndex(ValueLayout.JAVA_FLOAT, (long) i * n + j);
                        if (got != exact) {
                            throw new AssertionError(transA + ": C[" + i + "][" + j + "] = " + got + ", exactly " + exact);
                        }
                    }
                }
            }
        } finally {
            Gemm.setThreads(threadsBefore);
        }
    }

    /** Small integers, so that every sum of k = 8200 products stays exact in float (|sum| <= 49,200 < 2^24). */
    private static float a(int i, int p) {
        return (i + 3 * p) % 7 - 3;
    }

    private static float b(int p, int j) {
        return (p * (j + 1)) % 5 - 2;
    }
}
