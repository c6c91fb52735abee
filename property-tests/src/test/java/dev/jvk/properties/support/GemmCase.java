package dev.jvk.properties.support;

import dev.jvk.kernels.Transpose;
import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * One GEMM problem, {@code C = alpha * op(A) * op(B) + beta * C}: shape, transposes, scalars,
 * offsets and leading dimensions, and a seed from which the matrices are drawn (entries uniform in
 * [-1, 1], as sblat3 draws them). Every element of an array outside its matrix (before the offset,
 * in the gap when ld exceeds the row, after the end) holds a sentinel: NaN in A and B, so that a
 * kernel reading there poisons C; {@link #C_SENTINEL} in C, so that a write there is seen.
 */
public record GemmCase(Transpose transA, Transpose transB, int m, int n, int k,
                       double alpha, double beta,
                       int aOffset, int lda, int bOffset, int ldb, int cOffset, int ldc, long seed) {

    /** Fills C's array outside C; must survive every call bitwise. */
    public static final float C_SENTINEL = -12345.5f;

    /** Sizes that meet tile edges: multiples of 6 and 8 (MR) and of 4, 8, 16, 32 (NR at every width), plus or minus one. */
    private static final Integer[] EDGES = {5, 6, 7, 8, 9, 11, 12, 13, 15, 16, 17, 23, 24, 25, 31, 32, 33,
            47, 48, 49, 63, 64, 65, 95, 96, 97, 127, 128, 129};
    private static final Integer[] PRIMES = {1, 2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 53, 61, 67, 79, 97, 101, 127, 131, 197, 257};

    /** A dimension in 0..300, skewed small: most cases cost little, a few are large. */
    public static Arbitrary<Integer> dimension() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(30, Arbitraries.integers().between(0, 20)),
                net.jqwik.api.Tuple.of(25, Arbitraries.of(PRIMES)),
                net.jqwik.api.Tuple.of(25, Arbitraries.of(EDGES)),
                net.jqwik.api.Tuple.of(15, Arbitraries.integers().between(21, 100)),
                net.jqwik.api.Tuple.of(5, Arbitraries.integers().between(101, 300)));
    }

    /** alpha and beta from {0, 1, -1, 0.7, random}. */
    public static Arbitrary<Double> scalar() {
        return Arbitraries.oneOf(Arbitraries.of(0.0, 1.0, -1.0, 0.7),
                Arbitraries.doubles().between(-2, 2).map(d -> (double) d.floatValue()));
    }

    /** Problems with the given dimensions, every transpose, random offsets and padded leading dimensions. */
    public static Arbitrary<GemmCase> cases(Arbitrary<Integer> dimension) {
        return cases(dimension, dimension, dimension);
    }

    /** Problems with the given m, n and k, every transpose, random offsets and padded leading dimensions. */
    public static Arbitrary<GemmCase> cases(Arbitrary<Integer> ms, Arbitrary<Integer> ns, Arbitrary<Integer> ks) {
        Arbitrary<Transpose> transpose = Arbitraries.of(Transpose.class);
        Arbitrary<int[]> shape = Combinators.combine(ms, ns, ks).as((m, n, k) -> new int[] {m, n, k});
        Arbitrary<Integer> pad = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, Arbitraries.just(0)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(1, 9)));
        Arbitrary<int[]> layout = Combinators.combine(pad, pad, pad, pad, pad, pad)
                .as((ao, la, bo, lb, co, lc) -> new int[] {ao, la, bo, lb, co, lc});
        return Combinators.combine(transpose, transpose, shape, scalar(), scalar(), layout, Arbitraries.longs())
                .as((ta, tb, s, alpha, beta, p, seed) -> of(ta, tb, s[0], s[1], s[2], alpha, beta, p, seed))
                .withoutEdgeCases(); // the distributions above already hold the edge values; jqwik's combinations would crowd out random cases
    }

    /** Problems of 0..300 per dimension. */
    public static Arbitrary<GemmCase> cases() {
        return cases(dimension());
    }

    private static GemmCase of(Transpose ta, Transpose tb, int m, int n, int k, double alpha, double beta, int[] pads, long seed) {
        int aCols = ta == Transpose.NO_TRANS ? k : m;
        int bCols = tb == Transpose.NO_TRANS ? n : k;
        return new GemmCase(ta, tb, m, n, k, alpha, beta,
                pads[0], Math.max(1, aCols) + pads[1], pads[2], Math.max(1, bCols) + pads[3], pads[4], Math.max(1, n) + pads[5], seed);
    }

    /** The same problem with other transposes, scalars or seed. */
    public GemmCase with(Transpose ta, Transpose tb, double alpha, double beta) {
        int aPad = lda - Math.max(1, transA == Transpose.NO_TRANS ? k : m);
        int bPad = ldb - Math.max(1, transB == Transpose.NO_TRANS ? n : k);
        return new GemmCase(ta, tb, m, n, k, alpha, beta, aOffset, Math.max(1, ta == Transpose.NO_TRANS ? k : m) + aPad,
                bOffset, Math.max(1, tb == Transpose.NO_TRANS ? n : k) + bPad, cOffset, ldc, seed);
    }

    public int aRows() {
        return transA == Transpose.NO_TRANS ? m : k;
    }

    public int aCols() {
        return transA == Transpose.NO_TRANS ? k : m;
    }

    public int bRows() {
        return transB == Transpose.NO_TRANS ? k : n;
    }

    public int bCols() {
        return transB == Transpose.NO_TRANS ? n : k;
    }

    /** op(A)[i][p] in a. */
    public int aIndex(int i, int p) {
        return transA == Transpose.NO_TRANS ? aOffset + i * lda + p : aOffset + p * lda + i;
    }

    /** op(B)[p][j] in b. */
    public int bIndex(int p, int j) {
        return transB == Transpose.NO_TRANS ? bOffset + p * ldb + j : bOffset + j * ldb + p;
    }

    public int cIndex(int i, int j) {
        return cOffset + i * ldc + j;
    }

    public float alphaF() {
        return (float) alpha;
    }

    public float betaF() {
        return (float) beta;
    }

    public float[] floatA() {
        return floats(aOffset, aRows(), aCols(), lda, Float.NaN, 1);
    }

    public float[] floatB() {
        return floats(bOffset, bRows(), bCols(), ldb, Float.NaN, 2);
    }

    public float[] floatC() {
        return floats(cOffset, m, n, ldc, C_SENTINEL, 3);
    }

    public double[] doubleA() {
        return doubles(aOffset, aRows(), aCols(), lda, Double.NaN, 1);
    }

    public double[] doubleB() {
        return doubles(bOffset, bRows(), bCols(), ldb, Double.NaN, 2);
    }

    public double[] doubleC() {
        return doubles(cOffset, m, n, ldc, C_SENTINEL, 3);
    }

    /** True when (index) lies inside C's rows and columns. */
    public boolean insideC(int index) {
        int rel = index - cOffset;
        return rel >= 0 && rel / ldc < m && rel % ldc < n;
    }

    private float[] floats(int offset, int rows, int cols, int ld, float sentinel, int which) {
        double[] d = doubles(offset, rows, cols, ld, sentinel, which);
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    private double[] doubles(int offset, int rows, int cols, int ld, double sentinel, int which) {
        SplittableRandom random = new SplittableRandom(seed * 31 + which);
        int length = offset + (rows == 0 || cols == 0 ? 0 : (rows - 1) * ld + cols) + random.nextInt(3);
        double[] x = new double[length];
        Arrays.fill(x, sentinel);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                x[offset + r * ld + c] = random.nextDouble(-1, 1);
            }
        }
        return x;
    }

    @Override
    public String toString() {
        return "GemmCase[" + transA + " " + transB + " m=" + m + " n=" + n + " k=" + k + " alpha=" + alpha + " beta=" + beta
                + " aOffset=" + aOffset + " lda=" + lda + " bOffset=" + bOffset + " ldb=" + ldb
                + " cOffset=" + cOffset + " ldc=" + ldc + " seed=" + seed + "]";
    }
}
