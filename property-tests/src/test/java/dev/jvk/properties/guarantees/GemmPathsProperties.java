package dev.jvk.properties.guarantees;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvk.kernels.Gemm;
import dev.jvk.kernels.Transpose;
import dev.jvk.properties.support.ReferenceBlas;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterProperty;

/**
 * The GEMM paths the small random problems of GemmProperties rarely take, found by mutation testing
 * (bench/RESULTS-pit.md): products split between threads, by rows and by columns; more than one
 * block of MC rows, KC depth and NC columns; and the MemorySegment forms, quick returns included.
 * Each must give bitwise what the same product gives on one thread in the same form, arrays or segments
 * (determinism is part of the contract; the segment form runs the packed path, and where arrays take the
 * narrow dot products, which sum in an order of their own, the two differ in the last bits), and the
 * one-thread results must be close to the scalar reference.
 */
class GemmPathsProperties {
    private final int threadsBefore = Gemm.threads();

    @AfterProperty
    void restoreThreads() {
        Gemm.setThreads(threadsBefore);
    }

    /**
     * m, n, k: split by rows; by columns; n past NC (2048); m past MC and k past KC (three K blocks);
     * a small one; a narrow one (n = 10, three K blocks), whose segment form runs the packed path.
     */
    private static final int[][] SHAPES = {{200, 210, 100}, {40, 600, 200}, {9, 2100, 33}, {400, 50, 600}, {37, 29, 23}, {300, 10, 600}};

    @Provide
    Arbitrary<int[]> shapes() {
        return Arbitraries.of(SHAPES);
    }

    @Provide
    Arbitrary<Double> scalars() {
        return Arbitraries.of(0.0, 1.0, -0.5, 0.7);
    }

    @Property(tries = 12)
    void sgemmGivesTheSameBitsForEveryThreadCountOnArraysAndSegments(@ForAll("shapes") int[] shape, @ForAll Transpose ta,
            @ForAll Transpose tb, @ForAll("scalars") double alpha, @ForAll("scalars") double beta,
            @ForAll @IntRange(min = 2, max = 4) int threads, @ForAll long seed) {
        Problem p = new Problem(shape, ta, tb, seed);
        Gemm.setThreads(1);
        float[] one = p.sgemmArrays((float) alpha, (float) beta);
        float[] oneSegments = p.sgemmSegments((float) alpha, (float) beta);
        float[] reference = p.c.clone();
        ReferenceBlas.sgemm(ta, tb, p.m, p.n, p.k, (float) alpha, p.a, 0, p.lda, p.b, 0, p.ldb, (float) beta, reference, 0, p.n);
        assertClose(one, reference, p.k);
        assertClose(oneSegments, reference, p.k);
        Gemm.setThreads(threads);
        assertThat(p.sgemmArrays((float) alpha, (float) beta)).as("%d threads, arrays", threads).isEqualTo(one);
        assertThat(p.sgemmSegments((float) alpha, (float) beta)).as("%d threads, shared segments", threads).isEqualTo(oneSegments);
    }

    @Property(tries = 12)
    void dgemmGivesTheSameBitsForEveryThreadCountOnArraysAndSegments(@ForAll("shapes") int[] shape, @ForAll Transpose ta,
            @ForAll Transpose tb, @ForAll("scalars") double alpha, @ForAll("scalars") double beta,
            @ForAll @IntRange(min = 2, max = 4) int threads, @ForAll long seed) {
        Problem p = new Problem(shape, ta, tb, seed);
        Gemm.setThreads(1);
        double[] one = p.dgemmArrays(alpha, beta);
        double[] oneSegments = p.dgemmSegments(alpha, beta);
        double[] reference = p.cDouble.clone();
        ReferenceBlas.dgemm(ta, tb, p.m, p.n, p.k, alpha, p.aDouble, 0, p.lda, p.bDouble, 0, p.ldb, beta, reference, 0, p.n);
        for (double[] c : new double[][] {one, oneSegments}) {
            for (int i = 0; i < c.length; i++) {
                if (!(Double.isNaN(c[i]) && Double.isNaN(reference[i]) || Math.abs(c[i] - reference[i]) <= 1e-12 * (p.k + 1))) {
                    throw new AssertionError("C[" + i + "] = " + c[i] + ", the reference " + reference[i]);
                }
            }
        }
        Gemm.setThreads(threads);
        assertThat(p.dgemmArrays(alpha, beta)).as("%d threads, arrays", threads).isEqualTo(one);
        assertThat(p.dgemmSegments(alpha, beta)).as("%d threads, shared segments", threads).isEqualTo(oneSegments);
    }

    /** The quick return C = beta * C (alpha = 0 or k = 0), on arrays and segments: exactly beta * C0, and 0 for beta = 0 even over NaN. */
    @net.jqwik.api.Example
    void quickReturnsScaleCExactlyOnArraysAndSegments() {
        for (int[] shape : new int[][] {{37, 29, 23}, {5, 70, 0}}) {
            for (double beta : new double[] {0, 1, -0.5, 0.7}) {
                Problem p = new Problem(shape, Transpose.NO_TRANS, Transpose.TRANS, 7);
                double alpha = shape[2] == 0 ? 1 : 0;
                float[] fa = p.sgemmArrays((float) alpha, (float) beta);
                float[] fs = p.sgemmSegments((float) alpha, (float) beta);
                double[] da = p.dgemmArrays(alpha, beta);
                double[] ds = p.dgemmSegments(alpha, beta);
                for (int i = 0; i < p.c.length; i++) {
                    float f = beta == 0 ? 0f : (float) beta * p.c[i];
                    double d = beta == 0 ? 0 : beta * p.cDouble[i];
                    if (Float.compare(fa[i], f) != 0 || Float.compare(fs[i], f) != 0 || Double.compare(da[i], d) != 0
                            || Double.compare(ds[i], d) != 0) {
                        throw new AssertionError("beta " + beta + ", k " + p.k + ", C[" + i + "]: " + fa[i] + " " + fs[i] + " "
                                + da[i] + " " + ds[i] + ", expected " + f + " / " + d);
                    }
                }
            }
        }
    }

    /** |C - reference| within the float criterion (entries in [-1, 1]: |alpha| |A||B| <= k). */
    private static void assertClose(float[] c, float[] reference, int k) {
        for (int i = 0; i < c.length; i++) {
            boolean bothNaN = Float.isNaN(c[i]) && Float.isNaN(reference[i]); // beta != 0 keeps C's NaN, in both
            if (!bothNaN && !(Math.abs(c[i] - reference[i]) <= 4e-7 * (k + 2))) {
                throw new AssertionError("C[" + i + "] = " + c[i] + ", the reference " + reference[i]);
            }
        }
    }

    /** One problem with entries in [-1, 1] and NaN in C where beta = 0 must not let it survive. */
    static final class Problem {
        final int m;
        final int n;
        final int k;
        final Transpose ta;
        final Transpose tb;
        final int lda;
        final int ldb;
        final float[] a;
        final float[] b;
        final float[] c;
        final double[] aDouble;
        final double[] bDouble;
        final double[] cDouble;

        Problem(int[] shape, Transpose ta, Transpose tb, long seed) {
            m = shape[0];
            n = shape[1];
            k = shape[2];
            this.ta = ta;
            this.tb = tb;
            lda = Math.max(1, ta == Transpose.NO_TRANS ? k : m);
            ldb = Math.max(1, tb == Transpose.NO_TRANS ? n : k);
            SplittableRandom r = new SplittableRandom(seed);
            a = random(m * k, r);
            b = random(k * n, r);
            c = random(m * n, r);
            c[c.length - 1] = Float.NaN; // survives only if C is read when beta == 0
            aDouble = widen(a);
            bDouble = widen(b);
            cDouble = widen(c);
        }

        float[] sgemmArrays(float alpha, float beta) {
            float[] out = c.clone();
            Gemm.sgemm(ta, tb, m, n, k, alpha, a, 0, lda, b, 0, ldb, beta, out, 0, n);
            return out;
        }

        double[] dgemmArrays(double alpha, double beta) {
            double[] out = cDouble.clone();
            Gemm.dgemm(ta, tb, m, n, k, alpha, aDouble, 0, lda, bDouble, 0, ldb, beta, out, 0, n);
            return out;
        }

        /** On shared native segments, each at an element offset of 3. */
        float[] sgemmSegments(float alpha, float beta) {
            try (Arena arena = Arena.ofShared()) {
                MemorySegment sa = copy(arena, MemorySegment.ofArray(a), 4);
                MemorySegment sb = copy(arena, MemorySegment.ofArray(b), 4);
                MemorySegment sc = copy(arena, MemorySegment.ofArray(c), 4);
                Gemm.sgemm(ta, tb, m, n, k, alpha, sa, 3, lda, sb, 3, ldb, beta, sc, 3, n);
                return sc.asSlice(3L * 4).toArray(ValueLayout.JAVA_FLOAT);
            }
        }

        double[] dgemmSegments(double alpha, double beta) {
            try (Arena arena = Arena.ofShared()) {
                MemorySegment sa = copy(arena, MemorySegment.ofArray(aDouble), 8);
                MemorySegment sb = copy(arena, MemorySegment.ofArray(bDouble), 8);
                MemorySegment sc = copy(arena, MemorySegment.ofArray(cDouble), 8);
                Gemm.dgemm(ta, tb, m, n, k, alpha, sa, 3, lda, sb, 3, ldb, beta, sc, 3, n);
                return sc.asSlice(3L * 8).toArray(ValueLayout.JAVA_DOUBLE);
            }
        }

        private static MemorySegment copy(Arena arena, MemorySegment data, int elementBytes) {
            MemorySegment s = arena.allocate(data.byteSize() + 3L * elementBytes, elementBytes);
            MemorySegment.copy(data, 0, s, 3L * elementBytes, data.byteSize());
            return s;
        }

        private static float[] random(int length, SplittableRandom r) {
            float[] x = new float[length];
            for (int i = 0; i < length; i++) {
                x[i] = (float) r.nextDouble(-1, 1);
            }
            return x;
        }

        private static double[] widen(float[] x) {
            double[] d = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                d[i] = x[i];
            }
            return d;
        }
    }
}
