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
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * {@link PackedMatrix}: op(B) packed once, then multiplied. Within the sblat3 bound like every GEMM,
 * bitwise the same for 1, 2 and 3 threads, and bitwise what {@link Gemm#sgemm} gives on the same
 * operands wherever both sum in the same K blocks (k up to Gemm's KC, 256) and Gemm does not take GEMV's order
 * (m and n at least 2). Deeper, a packed product sums in blocks of its own, up to 1024 terms
 * ({@link #packedKBlocksAreUpTo1024DeepEachOneChainAddedIntoC}), not Gemm's 256. Shapes reach several K blocks
 * (k past 256, and past 1024), A packed for all K blocks at once and block by block, narrow C (n up to one vector)
 * at depths around where the narrow dot products start (which depends on how B was stored), and the ragged panel edges; B is packed from a copy
 * that is then overwritten, so a product that read the original array would be caught.
 */
class PackedMatrixProperties {

    /** Packs B from its array, poisons the array, then multiplies: the product must use the copy alone. */
    /** Depth of Gemm's K blocks ({@code -Djvk.gemm.kc}, 256): up to it a packed product has Gemm's one block and bits. */
    private static final int GEMM_KC = Integer.getInteger("jvk.gemm.kc", 256);

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
        if (g.m() >= 2 && g.n() >= 2 && g.k() <= GEMM_KC) {
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
        GemmJudge.checkSgemm(PACKED, g);
        if (g.k() > GEMM_KC) {
            return; // deeper, Gemm sums in two blocks and the packed product in one
        }
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

    /**
     * {@link PackedMatrix#sgemmMapped}: bitwise {@link PackedMatrix#sgemm} on a copy of A whose column p was mapped
     * to {@code (a - shift[p]) * scale[p]} beforehand, on 1-3 threads, in every path of the product (register tiles
     * with A packed for all K blocks at once or block by block, their edges, one row, C no wider than one vector,
     * the narrow dot products), A, shift and scale left as they were. Values of their own scale with shifts and
     * scales no power of two gives, so that a map rounded once (a fused multiply-add) or not applied in one path
     * changes bits.
     */
    @Property(tries = 200)
    void mappedAIsBitwiseTheProductOfAMappedCopy(@ForAll("mappedShapes") int[] shape, @ForAll boolean transB,
                                                @ForAll boolean accumulate, @ForAll long seed) {
        int m = shape[0];
        int n = shape[1];
        int k = shape[2];
        SplittableRandom random = new SplittableRandom(seed);
        int lda = k + random.nextInt(3);
        int ao = random.nextInt(3);
        int so = random.nextInt(3);
        float[] a = new float[ao + Math.max(0, (m - 1) * lda + k)];
        float[] shift = new float[so + k];
        float[] scale = new float[so + 1 + k];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextDouble(-300, 300);
        }
        for (int p = 0; p < k; p++) {
            shift[so + p] = (float) random.nextDouble(-50, 80);
            scale[so + 1 + p] = (float) (1 / random.nextDouble(30, 200));
        }
        float[] b = new float[k * n];
        fill(random, b);
        float[] c0 = new float[m * n];
        fill(random, c0);
        float beta = accumulate ? 0.75f : 0f;
        PackedMatrix packed = transB ? new PackedMatrix(Transpose.TRANS, k, n, transposed(b, k, n), 0, k)
                : new PackedMatrix(Transpose.NO_TRANS, k, n, b, 0, n);
        float[] mappedCopy = new float[m * k];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                mappedCopy[i * k + p] = (a[ao + i * lda + p] - shift[so + p]) * scale[so + 1 + p];
            }
        }
        float[] expected = c0.clone();
        packed.sgemm(Transpose.NO_TRANS, m, 1.25f, mappedCopy, 0, k, beta, expected, 0, n);
        float[] aBefore = a.clone();
        float[] shiftBefore = shift.clone();
        float[] scaleBefore = scale.clone();
        int saved = Gemm.threads();
        try {
            for (int threads = 1; threads <= 3; threads++) {
                Gemm.setThreads(threads);
                float[] c = c0.clone();
                packed.sgemmMapped(m, 1.25f, a, ao, lda, shift, so, scale, so + 1, beta, c, 0, n);
                assertThat(c).as("m %d, n %d, k %d, transB %s, %d threads", m, n, k, transB, threads).isEqualTo(expected);
            }
        } finally {
            Gemm.setThreads(saved);
        }
        assertThat(a).isEqualTo(aBefore);
        assertThat(shift).isEqualTo(shiftBefore);
        assertThat(scale).isEqualTo(scaleBefore);
    }

    /** m x n x k: register tiles and their edges, one row, narrow C (and its dot products when deep), A past what is packed at once. */
    @Provide
    Arbitrary<int[]> mappedShapes() {
        int lanes = Math.max(4, Kernels.info().vectorBits() / Float.SIZE);
        Arbitrary<Integer> rows = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(2, 40)),
                Tuple.of(1, Arbitraries.integers().between(1, 1)),
                Tuple.of(1, Arbitraries.integers().between(41, 140)));
        Arbitrary<Integer> cols = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(lanes + 1, 10 * lanes)),
                Tuple.of(1, Arbitraries.integers().between(1, lanes)));
        Arbitrary<Integer> depth = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(1, 300)),
                Tuple.of(1, Arbitraries.integers().between(300, 800)));
        return Arbitraries.frequencyOf(
                Tuple.of(6, Combinators.combine(rows, cols, depth).as((m, n, k) -> new int[] {m, n, k})),
                // rows x k beyond what is packed for every K block at once: each K block packs its own piece
                Tuple.of(1, Combinators.combine(Arbitraries.integers().between(170, 260),
                        Arbitraries.integers().between(lanes + 1, 3 * lanes), Arbitraries.integers().between(700, 800))
                        .as((m, n, k) -> new int[] {m, n, k})));
    }

    private static float[] transposed(float[] b, int k, int n) {
        float[] t = new float[k * n];
        for (int p = 0; p < k; p++) {
            for (int j = 0; j < n; j++) {
                t[j * k + p] = b[p * n + j];
            }
        }
        return t;
    }

    @Example
    void aMappedProductIsCheckedBeforeAnythingIsWritten() {
        PackedMatrix p = new PackedMatrix(Transpose.NO_TRANS, 4, 3, new float[12], 0, 3);
        float[] c = {7, 7, 7, 7, 7, 7};
        float[] a = new float[8];
        float[] four = new float[4];
        assertThatThrownBy(() -> p.sgemmMapped(2, 1f, a, 0, 4, null, 0, four, 0, 0f, c, 0, 3))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("shift");
        assertThatThrownBy(() -> p.sgemmMapped(2, 1f, a, 0, 4, four, 0, null, 0, 0f, c, 0, 3))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("scale");
        assertThatThrownBy(() -> p.sgemmMapped(2, 1f, a, 0, 4, four, 1, four, 0, 0f, c, 0, 3))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("shift is too short");
        assertThatThrownBy(() -> p.sgemmMapped(2, 1f, a, 0, 4, four, 0, new float[3], 0, 0f, c, 0, 3))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("scale is too short");
        assertThatThrownBy(() -> p.sgemmMapped(2, 1f, a, 0, 4, four, 0, four, -1, 0f, c, 0, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scaleOffset");
        assertThatThrownBy(() -> p.sgemmMapped(2, 1f, new float[7], 0, 4, four, 0, four, 0, 0f, c, 0, 3))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("a is too short");
        assertThatThrownBy(() -> p.sgemmMapped(2, 1f, a, 0, 4, four, 0, four, 0, 0f, null, 0, 3))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("c");
        float[] shared = new float[12];
        assertThatThrownBy(() -> p.sgemmMapped(2, 1f, a, 0, 4, shared, 4, four, 0, 0f, shared, 0, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overlaps shift");
        assertThatThrownBy(() -> p.sgemmMapped(2, 1f, a, 0, 4, four, 0, shared, 2, 0f, shared, 5, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overlaps scale");
        assertThat(c).containsOnly(7f);
        assertThat(shared).containsOnly(0f);
        p.close();
        assertThatThrownBy(() -> p.sgemmMapped(2, 1f, a, 0, 4, four, 0, four, 0, 0f, c, 0, 3)).isInstanceOf(IllegalStateException.class);
        assertThat(c).containsOnly(7f);
    }

    @Provide
    Arbitrary<Integer> depths() {
        return Arbitraries.integers().between(1, 800);
    }

    @Provide
    Arbitrary<Integer> widths() {
        return Arbitraries.integers().between(2, 300);
    }

    /**
     * The K blocks of a packed product: k cut into the fewest equal blocks (sizes differ by at most one) of at most 1024
     * terms, so 784 inputs are one block, where Gemm cuts them into four of 196. Each element of C is, block after
     * block, one chain of fused multiply-adds over the block from zero, the first block's written as {@code alpha * s}
     * (beta 0) and each later one added as {@code fma(s, alpha, C)}: computed here in scalar from that rule, with the
     * single row (batch 1) and register-tile shapes, on every thread count. The vector kernels' order; the scalar
     * reference sums B as copied, in one loop.
     */
    @Example
    void packedKBlocksAreUpTo1024DeepEachOneChainAddedIntoC() {
        int saved = Gemm.threads();
        SplittableRandom random = new SplittableRandom(1024);
        try {
            for (int[] shape : new int[][] {{1, 256, 784}, {16, 256, 784}, {64, 256, 784}, {37, 100, 1024}, {9, 48, 1025},
                                            {8, 64, 2051}, {3, 40, 300}, {1, 40, 1500}}) {
                int m = shape[0], n = shape[1], k = shape[2];
                float[] a = new float[m * k];
                float[] b = new float[k * n];
                fill(random, a);
                fill(random, b);
                float[] expected = new float[m * n];
                int blocks = (k + 1023) / 1024;
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        float c = 0;
                        for (int kb = 0, pc = 0; kb < blocks; kb++) {
                            int kc = (k - pc) / (blocks - kb);
                            float s = 0;
                            for (int p = pc; p < pc + kc; p++) {
                                s = Math.fma(a[i * k + p], b[p * n + j], s);
                            }
                            c = kb == 0 ? s * 1f : Math.fma(s, 1f, c * 1f);
                            pc += kc;
                        }
                        expected[i * n + j] = c;
                    }
                }
                PackedMatrix packed = new PackedMatrix(Transpose.NO_TRANS, k, n, b, 0, n);
                for (int threads = 1; threads <= 2; threads++) {
                    Gemm.setThreads(threads);
                    float[] c = new float[m * n];
                    packed.sgemm(Transpose.NO_TRANS, m, 1f, a, 0, k, 0f, c, 0, n);
                    if (Kernels.info().implementation().equals("vector")) {
                        assertThat(c).as("m %d n %d k %d, %d threads", m, n, k, threads).isEqualTo(expected);
                    } else {
                        float[] reference = new float[m * n];
                        Gemm.sgemm(Transpose.NO_TRANS, Transpose.NO_TRANS, m, n, k, 1f, a, 0, k, b, 0, n, 0f, reference, 0, n);
                        assertThat(c).as("the reference's one loop, m %d n %d k %d", m, n, k).isEqualTo(reference);
                    }
                }
                packed.close();
            }
        } finally {
            Gemm.setThreads(saved);
        }
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
        // 2051 = blocks of 683, 684, 684: a block of 40 columns and odd depth ends mid-line (at 128 bits, panels of 8, too)
        for (int[] shape : new int[][] {{784, 256}, {2051, 40}, {1025, 33}, {1000, 17}, {5, 300}, {300, 3}}) {
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
