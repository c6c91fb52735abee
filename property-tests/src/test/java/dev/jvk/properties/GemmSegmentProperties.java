package dev.jvk.properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvk.kernels.Gemm;
import dev.jvk.kernels.Transpose;
import dev.jvk.properties.support.ReferenceBlas;
import dev.jvk.properties.support.GemmCase;
import dev.jvk.properties.support.GemmJudge;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CompletableFuture;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * GEMM on {@link MemorySegment}s: heap, native (confined, shared, at an odd address) — bitwise the
 * same C as the array form (the same kernels, the same order of every sum), hence within the
 * sblat3 bound; the scalar reference on segments within the bound too; and the segment argument
 * rules (too small, read-only, overlapping, closed, another thread's) with nothing written.
 */
class GemmSegmentProperties {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;

    enum Memory { HEAP, CONFINED, SHARED, ODD_ADDRESS }

    @Provide
    Arbitrary<GemmCase> cases() {
        return GemmCase.cases();
    }

    @Property(tries = 300)
    void sgemmOnSegmentsEqualsArrays(@ForAll("cases") GemmCase g, @ForAll Memory memory) {
        float[] a = g.floatA();
        float[] b = g.floatB();
        float[] c = g.floatC();
        float[] expected = GemmJudge.runSgemm(Gemm::sgemm, g, a, b, c);
        try (Arena arena = memory == Memory.CONFINED ? Arena.ofConfined() : Arena.ofShared()) {
            MemorySegment sa = floats(arena, memory, a);
            MemorySegment sb = floats(arena, memory, b);
            MemorySegment sc = floats(arena, memory, c);
            Gemm.sgemm(g.transA(), g.transB(), g.m(), g.n(), g.k(), g.alphaF(), sa, g.aOffset(), g.lda(),
                    sb, g.bOffset(), g.ldb(), g.betaF(), sc, g.cOffset(), g.ldc());
            assertThat(sc.toArray(F)).as("%s on %s", g, memory).isEqualTo(expected);
            assertThat(sa.toArray(F)).isEqualTo(a);
            assertThat(sb.toArray(F)).isEqualTo(b);
        }
    }

    @Property(tries = 300)
    void dgemmOnSegmentsEqualsArrays(@ForAll("cases") GemmCase g, @ForAll Memory memory) {
        double[] a = g.doubleA();
        double[] b = g.doubleB();
        double[] c = g.doubleC();
        double[] expected = GemmJudge.runDgemm(Gemm::dgemm, g, a, b, c);
        try (Arena arena = memory == Memory.CONFINED ? Arena.ofConfined() : Arena.ofShared()) {
            MemorySegment sa = doubles(arena, memory, a);
            MemorySegment sb = doubles(arena, memory, b);
            MemorySegment sc = doubles(arena, memory, c);
            Gemm.dgemm(g.transA(), g.transB(), g.m(), g.n(), g.k(), g.alpha(), sa, g.aOffset(), g.lda(),
                    sb, g.bOffset(), g.ldb(), g.beta(), sc, g.cOffset(), g.ldc());
            assertThat(sc.toArray(D)).as("%s on %s", g, memory).isEqualTo(expected);
        }
    }

    /** The scalar reference on segments (the fallback) meets the bound, through the same judge. */
    @Property(tries = 200)
    void referenceOnSegmentsWithinBound(@ForAll("cases") GemmCase g) {
        GemmJudge.checkSgemm((ta, tb, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc) ->
                ReferenceBlas.sgemm(ta, tb, m, n, k, alpha, MemorySegment.ofArray(a), ao, lda, MemorySegment.ofArray(b), bo, ldb,
                        beta, MemorySegment.ofArray(c), co, ldc), g);
        GemmJudge.checkDgemm((ta, tb, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc) ->
                ReferenceBlas.dgemm(ta, tb, m, n, k, alpha, MemorySegment.ofArray(a), ao, lda, MemorySegment.ofArray(b), bo, ldb,
                        beta, MemorySegment.ofArray(c), co, ldc), g);
    }

    /** Shared native segments may be split between threads: the same bits for 1, 2 and 3 threads. */
    @Property(tries = 10)
    void sharedSegmentsSameBitsForEveryThreadCount(@ForAll("large") GemmCase g) {
        int saved = Gemm.threads();
        try (Arena arena = Arena.ofShared()) {
            float[] c = g.floatC();
            MemorySegment sa = floats(arena, Memory.SHARED, g.floatA());
            MemorySegment sb = floats(arena, Memory.SHARED, g.floatB());
            float[] first = null;
            for (int threads = 1; threads <= 3; threads++) {
                Gemm.setThreads(threads);
                MemorySegment sc = floats(arena, Memory.SHARED, c);
                Gemm.sgemm(g.transA(), g.transB(), g.m(), g.n(), g.k(), g.alphaF(), sa, g.aOffset(), g.lda(),
                        sb, g.bOffset(), g.ldb(), g.betaF(), sc, g.cOffset(), g.ldc());
                float[] result = sc.toArray(F);
                if (first == null) {
                    first = result;
                } else {
                    assertThat(result).as("%d threads, %s", threads, g).isEqualTo(first);
                }
            }
        } finally {
            Gemm.setThreads(saved);
        }
    }

    @Provide
    Arbitrary<GemmCase> large() {
        return GemmCase.cases(Arbitraries.integers().between(200, 320));
    }

    @Example
    void segmentArgumentErrorsLeaveMemoryUntouched() {
        try (Arena arena = Arena.ofConfined()) {
            int m = 5;
            int n = 7;
            int k = 3;
            MemorySegment a = arena.allocate((long) m * k * Float.BYTES);
            MemorySegment b = arena.allocate((long) k * n * Float.BYTES);
            MemorySegment c = arena.allocate((long) m * n * Float.BYTES);
            c.fill((byte) 0x41);
            byte[] before = c.toArray(ValueLayout.JAVA_BYTE);
            assertThatThrownBy(() -> sgemm(m, n, k, null, 0, b, c, 0)).isInstanceOf(NullPointerException.class).hasMessageStartingWith("a ");
            assertThatThrownBy(() -> sgemm(m, n, k, a, -1, b, c, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("aOffset");
            assertThatThrownBy(() -> sgemm(m, n, k, a, 1, b, c, 0)).isInstanceOf(IndexOutOfBoundsException.class).hasMessageStartingWith("a is too short");
            assertThatThrownBy(() -> sgemm(m, n, k, a, 0, b, c, 1)).isInstanceOf(IndexOutOfBoundsException.class).hasMessageStartingWith("c is too short");
            assertThatThrownBy(() -> sgemm(m, n, k, a, Long.MAX_VALUE, b, c, 0)).isInstanceOf(IndexOutOfBoundsException.class).hasMessageStartingWith("a is too short");
            assertThatThrownBy(() -> sgemm(m, n, k, a, 0, b, c.asReadOnly(), 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read-only");
            // C overlapping A in one native allocation, through two slices
            MemorySegment both = arena.allocate((long) (m * k + m * n) * Float.BYTES);
            MemorySegment aPart = both.asSlice(0, (long) m * k * Float.BYTES);
            MemorySegment cPart = both.asSlice((long) (m * k - 1) * Float.BYTES);
            assertThatThrownBy(() -> sgemm(m, n, k, aPart, 0, b, cPart, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("c overlaps a");
            // ... but slices side by side are fine
            MemorySegment cAfter = both.asSlice((long) m * k * Float.BYTES);
            sgemm(m, n, k, aPart, 0, b, cAfter, 0);
            // another thread may not use a confined segment
            CompletableFuture<Throwable> other = CompletableFuture.supplyAsync(() -> {
                try {
                    sgemm(m, n, k, a, 0, b, c, 0);
                    return null;
                } catch (Throwable e) {
                    return e;
                }
            });
            assertThat(other.join()).isInstanceOf(WrongThreadException.class).hasMessageContaining("confined");
            assertThat(c.toArray(ValueLayout.JAVA_BYTE)).isEqualTo(before);
        }
        Arena closed = Arena.ofConfined();
        MemorySegment gone = closed.allocate(64);
        closed.close();
        MemorySegment fine = MemorySegment.ofArray(new float[16]);
        assertThatThrownBy(() -> sgemm(2, 2, 2, gone, 0, fine, MemorySegment.ofArray(new float[4]), 0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    private static void sgemm(int m, int n, int k, MemorySegment a, long aOffset, MemorySegment b, MemorySegment c, long cOffset) {
        Gemm.sgemm(Transpose.NO_TRANS, Transpose.NO_TRANS, m, n, k, 1f, a, aOffset, k, b, 0, n, 0f, c, cOffset, n);
    }

    private static MemorySegment floats(Arena arena, Memory memory, float[] values) {
        return switch (memory) {
            case HEAP -> MemorySegment.ofArray(values.clone());
            case CONFINED, SHARED -> arena.allocate((long) values.length * Float.BYTES).copyFrom(MemorySegment.ofArray(values));
            case ODD_ADDRESS -> arena.allocate((long) values.length * Float.BYTES + 1).asSlice(1).copyFrom(MemorySegment.ofArray(values));
        };
    }

    private static MemorySegment doubles(Arena arena, Memory memory, double[] values) {
        return switch (memory) {
            case HEAP -> MemorySegment.ofArray(values.clone());
            case CONFINED, SHARED -> arena.allocate((long) values.length * Double.BYTES).copyFrom(MemorySegment.ofArray(values));
            case ODD_ADDRESS -> arena.allocate((long) values.length * Double.BYTES + 3).asSlice(3).copyFrom(MemorySegment.ofArray(values));
        };
    }
}
