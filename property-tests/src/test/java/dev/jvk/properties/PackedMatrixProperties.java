package dev.jvk.properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvk.kernels.Gemm;
import dev.jvk.kernels.Kernels;
import dev.jvk.kernels.PackedMatrix;
import dev.jvk.kernels.Transpose;
import dev.jvk.properties.support.GemmCase;
import dev.jvk.properties.support.GemmJudge;
import dev.jvk.properties.support.GemmJudge.SgemmKernel;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * {@link PackedMatrix}: op(B) packed once, then multiplied. Within the sblat3 bound like every GEMM,
 * bitwise the same for 1, 2 and 3 threads, and bitwise what {@link Gemm#sgemm} gives on the same
 * operands whenever it does not take GEMV's order (m and n at least 2): the promise that lets a
 * layer switch to its packed weights without changing a bit. Shapes reach every K block count
 * (k past 256), A packed for all K blocks at once and block by block, narrow C (n up to one vector)
 * at depths around where the narrow dot products start (which depends on how B was stored), and the ragged panel edges; B is packed from a copy
 * that is then overwritten, so a product that read the original array would be caught.
 */
class PackedMatrixProperties {

    /** Packs B from its array, poisons the array, then multiplies: the product must use the copy alone. */
    static final SgemmKernel PACKED = (ta, tb, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc) -> {
        float[] own = b.clone();
        PackedMatrix packed = new PackedMatrix(tb, k, n, own, bo, ldb);
        Arrays.fill(own, Float.NaN);
        packed.sgemm(ta, m, alpha, a, ao, lda, beta, c, co, ldc);
    };

    @Provide
    Arbitrary<GemmCase> packedCases() {
        Arbitrary<Integer> narrowN = Arbitraries.integers().between(1, 17);
        Arbitrary<Integer> deep = Arbitraries.integers().between(200, 800);
        return Arbitraries.frequencyOf(
                Tuple.of(3, GemmCase.cases()),
                Tuple.of(1, GemmCase.cases(GemmCase.dimension(), narrowN, deep)),
                // narrow, 4 to 20 vectors of k at 512 bits: NARROW_DOT takes B^T from 8 vectors and B from 16, so the
                // packed form must know how B was stored to take Sgemm's path (and its bits)
                Tuple.of(1, GemmCase.cases(GemmCase.dimension(), narrowN, Arbitraries.integers().between(60, 320))),
                Tuple.of(1, GemmCase.cases(Arbitraries.integers().between(1, 70), Arbitraries.integers().between(17, 300), deep)),
                // rows x k beyond what is packed for every K block at once: each K block packs its own piece
                Tuple.of(1, GemmCase.cases(Arbitraries.integers().between(170, 260), Arbitraries.integers().between(17, 40),
                        Arbitraries.integers().between(700, 800))));
    }

    @Property(tries = 300)
    void withinBoundSameBitsForEveryThreadCountAndAsGemm(@ForAll("packedCases") GemmCase g) {
        GemmJudge.checkSgemm(PACKED, g);
        GemmProperties.sgemmSameBits(g, PACKED);
        if (g.m() >= 2 && g.n() >= 2) {
            float[] a = g.floatA();
            float[] b = g.floatB();
            float[] c = g.floatC();
            assertThat(GemmJudge.runSgemm(PACKED, g, a, b, c)).as("%s packed against Gemm.sgemm", g)
                    .isEqualTo(GemmJudge.runSgemm(Gemm::sgemm, g, a, b, c));
        }
    }

    /**
     * The widest register tile of the packed product (8 rows by 3 vectors: one panel of B and half the next) and
     * its edges: rows below the last whole 8, columns past the last whole 3 vectors (a panel's second vector
     * alone, then whole or ragged panels), tiles that start mid-panel; bitwise {@link Gemm#sgemm} on 1-3 threads.
     */
    @Property(tries = 200)
    void wideTileAndItsEdgesGiveGemmsBits(@ForAll("wideTileCases") GemmCase g) {
        GemmProperties.sgemmSameBits(g, PACKED);
        float[] a = g.floatA();
        float[] b = g.floatB();
        float[] c = g.floatC();
        assertThat(GemmJudge.runSgemm(PACKED, g, a, b, c)).as("%s packed against Gemm.sgemm", g)
                .isEqualTo(GemmJudge.runSgemm(Gemm::sgemm, g, a, b, c));
    }

    /** m around multiples of 8 rows, n from just over one vector to ten (every remainder of 3 vectors), k to 300. */
    @Provide
    Arbitrary<GemmCase> wideTileCases() {
        int lanes = Math.max(4, Kernels.info().vectorBits() / Float.SIZE);
        Arbitrary<Integer> ms = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(2, 40)),
                Tuple.of(1, Arbitraries.integers().between(41, 140)));
        Arbitrary<Integer> ns = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(lanes + 1, 10 * lanes)),
                Tuple.of(1, Arbitraries.integers().between(2, 9).map(v -> v * lanes)));
        return GemmCase.cases(ms, ns, Arbitraries.integers().between(1, 300));
    }

    /**
     * A single row (batch-1 inference) is summed as a row of a larger product is: bitwise row 0 of the
     * two-row product with the same first row, A as is or transposed (with a stride), on 1, 2 and 3 threads.
     */
    @Property(tries = 120)
    void oneRowIsBitwiseThatRowOfALargerProduct(@ForAll("depths") int k, @ForAll("widths") int n,
                                                @ForAll boolean transA, @ForAll boolean accumulate, @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] b = new float[k * n];
        float[] row = new float[k];
        float[] other = new float[k];
        float[] c0 = new float[2 * n];
        fill(random, b);
        fill(random, row);
        fill(random, other);
        fill(random, c0);
        float beta = accumulate ? 0.75f : 0f;
        PackedMatrix packed = new PackedMatrix(Transpose.NO_TRANS, k, n, b, 0, n);
        Transpose ta = transA ? Transpose.TRANS : Transpose.NO_TRANS;
        // two rows: as is, [row; other] (lda k); transposed, k x 2 (lda 2). One row transposed: k x 1 with lda 3.
        float[] a2 = new float[2 * k];
        float[] a1 = new float[transA ? 3 * k : k];
        for (int p = 0; p < k; p++) {
            a2[transA ? 2 * p : p] = row[p];
            a2[transA ? 2 * p + 1 : k + p] = other[p];
            a1[transA ? 3 * p : p] = row[p];
        }
        float[] two = c0.clone();
        packed.sgemm(ta, 2, 1.25f, a2, 0, transA ? 2 : k, beta, two, 0, n);
        int saved = Gemm.threads();
        try {
            for (int threads = 1; threads <= 3; threads++) {
                Gemm.setThreads(threads);
                float[] one = Arrays.copyOf(c0, n);
                packed.sgemm(ta, 1, 1.25f, a1, 0, transA ? 3 : k, beta, one, 0, n);
                assertThat(one).as("k %d, n %d, %s, %d threads", k, n, ta, threads).isEqualTo(Arrays.copyOf(two, n));
            }
        } finally {
            Gemm.setThreads(saved);
        }
    }

    @Provide
    Arbitrary<Integer> depths() {
        return Arbitraries.integers().between(1, 800);
    }

    @Provide
    Arbitrary<Integer> widths() {
        return Arbitraries.integers().between(2, 300);
    }

    private static void fill(SplittableRandom random, float[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble(-1, 1);
        }
    }

    @Example
    void packingChecksBAndTellsItsShape() {
        float[] b = new float[12];
        PackedMatrix p = new PackedMatrix(Transpose.TRANS, 4, 3, b, 0, 4);
        assertThat(p.k()).isEqualTo(4);
        assertThat(p.n()).isEqualTo(3);
        assertThatThrownBy(() -> new PackedMatrix(null, 4, 3, b, 0, 4)).isInstanceOf(NullPointerException.class).hasMessageContaining("transB");
        assertThatThrownBy(() -> new PackedMatrix(Transpose.NO_TRANS, 4, 3, null, 0, 3)).isInstanceOf(NullPointerException.class).hasMessageContaining("b");
        assertThatThrownBy(() -> new PackedMatrix(Transpose.NO_TRANS, -1, 3, b, 0, 3)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("k");
        assertThatThrownBy(() -> new PackedMatrix(Transpose.NO_TRANS, 4, 3, b, 0, 2)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ldb");
        assertThatThrownBy(() -> new PackedMatrix(Transpose.NO_TRANS, 4, 3, b, 1, 3)).isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("b is too short");
        assertThatThrownBy(() -> new PackedMatrix(Transpose.NO_TRANS, 4, 3, b, -1, 3)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bOffset");
    }

    @Example
    void aProductIsCheckedBeforeAnythingIsWritten() {
        PackedMatrix p = new PackedMatrix(Transpose.NO_TRANS, 4, 3, new float[12], 0, 3);
        float[] c = {7, 7, 7, 7, 7, 7};
        assertThatThrownBy(() -> p.sgemm(Transpose.NO_TRANS, 2, 1f, new float[7], 0, 4, 0f, c, 0, 3))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("a is too short");
        assertThatThrownBy(() -> p.sgemm(Transpose.NO_TRANS, 2, 1f, new float[8], 0, 4, 0f, c, 1, 3))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("c is too short");
        assertThatThrownBy(() -> p.sgemm(Transpose.NO_TRANS, 2, 1f, new float[8], 0, 3, 0f, c, 0, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lda");
        assertThatThrownBy(() -> p.sgemm(Transpose.NO_TRANS, -1, 1f, new float[8], 0, 4, 0f, c, 0, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("m");
        assertThatThrownBy(() -> p.sgemm(null, 2, 1f, new float[8], 0, 4, 0f, c, 0, 3)).isInstanceOf(NullPointerException.class);
        float[] shared = new float[20];
        assertThatThrownBy(() -> p.sgemm(Transpose.NO_TRANS, 2, 1f, shared, 0, 4, 0f, shared, 4, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overlaps");
        assertThat(c).containsOnly(7f);
    }

    @Example
    void aClosedMatrixRefusesProductsAndWritesNothing() {
        PackedMatrix p = new PackedMatrix(Transpose.NO_TRANS, 300, 40, new float[300 * 40], 0, 40);
        float[] c = {7, 7, 7, 7};
        p.sgemm(Transpose.NO_TRANS, 0, 1f, new float[0], 0, 300, 0f, new float[0], 0, 40); // open: an empty product is fine
        p.close();
        assertThatThrownBy(() -> p.sgemm(Transpose.NO_TRANS, 0, 1f, new float[0], 0, 300, 0f, c, 0, 40))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> p.sgemm(Transpose.NO_TRANS, 1, 1f, new float[300], 0, 300, 0f, new float[40], 0, 40))
                .isInstanceOf(IllegalStateException.class);
        p.close(); // a second close does nothing
        assertThat(c).containsOnly(7f);
    }

    /**
     * The vector kernels keep B's panels (n wider than one vector) in native memory with every K block on a 64-byte
     * line, the placement their speed from L2 depends on; narrow B stays in arrays. Read through the kernels'
     * internals, which only this check looks at.
     */
    @Example
    void panelsStartOnACacheLineInEveryKBlock() throws ReflectiveOperationException {
        // 771 = blocks of 192, 193, 193, 193: at 128 bits (panels of 8) a block of 40 columns and odd depth ends mid-line
        for (int[] shape : new int[][] {{784, 256}, {771, 40}, {257, 33}, {1000, 17}, {5, 300}, {300, 3}}) {
            int k = shape[0];
            int n = shape[1];
            PackedMatrix p = new PackedMatrix(Transpose.NO_TRANS, k, n, new float[k * n], 0, n);
            Object packed = field(PackedMatrix.class, "blocks").get(p);
            if (!Kernels.info().implementation().equals("vector")) {
                assertThat(packed.getClass().getName()).as("the reference's copy").startsWith("dev.jvk.kernels.reference.");
                continue;
            }
            MemorySegment panels = (MemorySegment) field(packed.getClass(), "panels").get(packed);
            long[] blockAt = (long[]) field(packed.getClass(), "blockAt").get(packed);
            boolean narrow = n <= Kernels.info().vectorBits() / Float.SIZE;
            assertThat(panels == null).as("k %d n %d: panels only for n over one vector", k, n).isEqualTo(narrow);
            if (narrow) {
                continue;
            }
            assertThat(panels.isNative()).isTrue();
            assertThat(blockAt).as("k %d n %d", k, n).isNotEmpty();
            for (long at : blockAt) {
                assertThat((panels.address() + at) % 64).as("k %d n %d: block at %d", k, n, at).isZero();
            }
            p.close();
            assertThat(panels.scope().isAlive()).as("k %d n %d: freed by close", k, n).isFalse();
        }
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field f = type.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }
}
