package dev.jvk.properties;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvk.kernels.Gemm;
import dev.jvk.kernels.Transpose;
import dev.jvk.properties.support.ReferenceBlas;
import dev.jvk.properties.support.GemmJudge;
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
 * GEMV, {@code y = alpha * op(A) * x + beta * y}: the public entry point and the reference against
 * a double (float) or double-double (double) oracle, judged as sblat2 judges it (ratio under 16);
 * the quick returns with NaN sentinels; every argument error with the arrays untouched. The checks
 * take the kernel as an argument, and a wrong kernel is shown to be caught.
 */
class GemvProperties {

    /** One GEMV problem; A is stored m x n; entries uniform in [-1, 1]; NaN around A and x, a sentinel around y. */
    record Case(Transpose trans, int m, int n, double alpha, double beta, int aOffset, int lda, int xOffset, int yOffset, long seed) {
        int xLength() {
            return trans == Transpose.NO_TRANS ? n : m;
        }

        int yLength() {
            return trans == Transpose.NO_TRANS ? m : n;
        }

        double op(double[] a, int i, int p) {
            return trans == Transpose.NO_TRANS ? a[aOffset + i * lda + p] : a[aOffset + p * lda + i];
        }

        double[] a() {
            SplittableRandom random = new SplittableRandom(seed);
            double[] a = new double[aOffset + (m == 0 || n == 0 ? 0 : (m - 1) * lda + n) + 2];
            Arrays.fill(a, Double.NaN);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    a[aOffset + i * lda + j] = (float) random.nextDouble(-1, 1);
                }
            }
            return a;
        }

        double[] x() {
            return vector(xOffset, xLength(), Double.NaN, 1);
        }

        double[] y() {
            return vector(yOffset, yLength(), -777.25, 2);
        }

        private double[] vector(int offset, int length, double sentinel, int which) {
            SplittableRandom random = new SplittableRandom(seed * 7 + which);
            double[] v = new double[offset + length + 1];
            Arrays.fill(v, sentinel);
            for (int i = 0; i < length; i++) {
                v[offset + i] = (float) random.nextDouble(-1, 1);
            }
            return v;
        }
    }

    @FunctionalInterface
    interface Sgemv {
        void sgemv(Transpose t, int m, int n, float alpha, float[] a, int ao, int lda, float[] x, int xo, float beta, float[] y, int yo);
    }

    @FunctionalInterface
    interface Dgemv {
        void dgemv(Transpose t, int m, int n, double alpha, double[] a, int ao, int lda, double[] x, int xo, double beta, double[] y, int yo);
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Integer> size = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(0, 40)),
                Tuple.of(2, Arbitraries.of(1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129)),
                Tuple.of(1, Arbitraries.integers().between(41, 600)));
        Arbitrary<Integer> pad = Arbitraries.integers().between(0, 5);
        Arbitrary<Double> scalar = Arbitraries.oneOf(Arbitraries.of(0.0, 1.0, -1.0, 0.7), Arbitraries.doubles().between(-2, 2).map(d -> (double) d.floatValue()));
        return Combinators.combine(Arbitraries.of(Transpose.class), size, size, scalar, scalar,
                        Combinators.combine(pad, pad, pad, pad).as((ao, la, xo, yo) -> new int[] {ao, la, xo, yo}), Arbitraries.longs())
                .as((t, m, n, alpha, beta, p, seed) -> new Case(t, m, n, alpha, beta, p[0], Math.max(1, n) + p[1], p[2], p[3], seed))
                .withoutEdgeCases();
    }

    @Property
    void sgemvWithinSblat2Bound(@ForAll("cases") Case g) {
        checkFloat(Gemm::sgemv, g);
        checkFloat(ReferenceBlas::sgemv, g);
    }

    @Property
    void dgemvWithinDblat2Bound(@ForAll("cases") Case g) {
        checkDouble(Gemm::dgemv, g);
        checkDouble(ReferenceBlas::dgemv, g);
    }

    @Property
    void quickReturns(@ForAll("cases") Case g) {
        quickReturns(Gemm::sgemv, g);
        quickReturns(ReferenceBlas::sgemv, g);
    }

    /**
     * The same call gives the same bits however often it runs: the early calls run in the
     * interpreter, later ones compiled by C1 and C2 (a lane sum whose order the JIT picks, such as
     * reduceLanes(ADD), fails this).
     */
    @Property(tries = 40)
    void sameBitsAtEveryJitTier(@ForAll("cases") Case g) {
        float[] a = floats(g.a());
        float[] x = floats(g.x());
        float[] y0 = floats(g.y());
        float[] first = null;
        for (int run = 0; run < 25; run++) {
            float[] y = y0.clone();
            Gemm.sgemv(g.trans(), g.m(), g.n(), (float) g.alpha(), a, g.aOffset(), g.lda(), x, g.xOffset(), (float) g.beta(), y, g.yOffset());
            if (first == null) {
                first = y;
            } else {
                assertThat(y).as("run %d of %s", run, g).isEqualTo(first);
            }
        }
    }

    /**
     * A row's bits do not depend on the rows around it: NO_TRANS sums a row in one order whether it
     * falls in a pass of eight rows or in a pair of the rows left over (only a lone last row, m odd,
     * has its own order). An even run of rows from an even start, alone, gives bitwise the same y
     * as those rows give inside the whole call; eight of them run as one pass where the whole call
     * may split them into a pass's tail and pairs.
     */
    @Property(tries = 300)
    void rowBitsDoNotDependOnTheirGroup(@ForAll("cases") Case c) {
        int paired = c.m() - c.m() % 2;
        if (paired < 2 || c.n() == 0) {
            return;
        }
        Case g = new Case(Transpose.NO_TRANS, c.m(), c.n(), c.alpha(), c.beta(), c.aOffset(), c.lda(), c.xOffset(), c.yOffset(), c.seed());
        SplittableRandom random = new SplittableRandom(g.seed());
        int start = 2 * random.nextInt(paired / 2);
        int room = (paired - start) / 2;
        int rows = 2 * Math.min(room, switch (random.nextInt(3)) { case 0 -> 1; case 1 -> 4; default -> 1 + random.nextInt(room); });
        float[] a = floats(g.a());
        float[] x = floats(g.x());
        float[] whole = floats(g.y());
        float[] part = whole.clone();
        Gemm.sgemv(Transpose.NO_TRANS, g.m(), g.n(), (float) g.alpha(), a, g.aOffset(), g.lda(), x, g.xOffset(), (float) g.beta(), whole, g.yOffset());
        Gemm.sgemv(Transpose.NO_TRANS, rows, g.n(), (float) g.alpha(), a, g.aOffset() + start * g.lda(), g.lda(), x, g.xOffset(),
                (float) g.beta(), part, g.yOffset() + start);
        int from = g.yOffset() + start;
        assertThat(Arrays.copyOfRange(part, from, from + rows)).as("rows %d..%d alone, %s", start, start + rows, g)
                .isEqualTo(Arrays.copyOfRange(whole, from, from + rows));
        double[] ad = g.a();
        double[] xd = g.x();
        double[] wholeD = g.y();
        double[] partD = wholeD.clone();
        Gemm.dgemv(Transpose.NO_TRANS, g.m(), g.n(), g.alpha(), ad, g.aOffset(), g.lda(), xd, g.xOffset(), g.beta(), wholeD, g.yOffset());
        Gemm.dgemv(Transpose.NO_TRANS, rows, g.n(), g.alpha(), ad, g.aOffset() + start * g.lda(), g.lda(), xd, g.xOffset(),
                g.beta(), partD, g.yOffset() + start);
        assertThat(Arrays.copyOfRange(partD, from, from + rows)).as("double rows %d..%d alone, %s", start, start + rows, g)
                .isEqualTo(Arrays.copyOfRange(wholeD, from, from + rows));
    }

    @Example
    void catchesWrongKernels() {
        Sgemv dropsLastTerm = (t, m, n, alpha, a, ao, lda, x, xo, beta, y, yo) -> {
            if (t == Transpose.NO_TRANS) {
                ReferenceBlas.sgemv(t, m, Math.max(0, n - 1), alpha, a, ao, lda, x, xo, beta, y, yo);
            } else {
                ReferenceBlas.sgemv(t, Math.max(0, m - 1), n, alpha, a, ao, lda, x, xo, beta, y, yo);
            }
        };
        Sgemv readsYWhenBetaIsZero = (t, m, n, alpha, a, ao, lda, x, xo, beta, y, yo) -> {
            int len = t == Transpose.NO_TRANS ? m : n;
            for (int i = 0; i < len && m > 0 && n > 0; i++) {
                y[yo + i] *= beta;
            }
            ReferenceBlas.sgemv(t, m, n, alpha, a, ao, lda, x, xo, 1f, y, yo);
        };
        int[] caught = new int[2];
        for (Case g : cases().sampleStream().limit(300).toList()) {
            try {
                checkFloat(dropsLastTerm, g);
            } catch (AssertionError | RuntimeException e) {
                caught[0]++;
            }
            try {
                quickReturns(readsYWhenBetaIsZero, g);
            } catch (AssertionError | RuntimeException e) {
                caught[1]++;
            }
        }
        assertThat(caught[0]).as("dropped term caught").isPositive();
        assertThat(caught[1]).as("y read when beta = 0 caught").isPositive();
    }

    @Property(tries = 300)
    void rejectsBadArgumentsBeforeWriting(@ForAll("cases") Case g, @ForAll("faults") int fault) {
        float[] a = floats(g.a());
        float[] x = floats(g.x());
        float[] y = floats(g.y());
        Transpose t = g.trans();
        int m = g.m(), n = g.n(), ao = g.aOffset(), lda = g.lda(), xo = g.xOffset(), yo = g.yOffset();
        Class<? extends RuntimeException> expected;
        String message;
        boolean xHas = g.xLength() > 0 && m > 0 && n > 0;
        switch (fault) {
            case 0 -> { t = null; expected = NullPointerException.class; message = "transA"; }
            case 1 -> { a = null; expected = NullPointerException.class; message = "a "; }
            case 2 -> { x = null; expected = NullPointerException.class; message = "x "; }
            case 3 -> { y = null; expected = NullPointerException.class; message = "y "; }
            case 4 -> { m = -1; expected = IllegalArgumentException.class; message = "m must be >= 0"; }
            case 5 -> { n = -2; expected = IllegalArgumentException.class; message = "n must be >= 0"; }
            case 6 -> { lda = Math.max(1, n) - 1; expected = IllegalArgumentException.class; message = "lda must be >= max(1, "; }
            case 7 -> { xo = -1; expected = IllegalArgumentException.class; message = "xOffset"; }
            case 8 -> {
                if (!xHas) {
                    return;
                }
                x = Arrays.copyOf(x, xo + g.xLength() - 1);
                expected = IndexOutOfBoundsException.class;
                message = "x is too short";
            }
            default -> {
                if (!xHas) {
                    return;
                }
                y = x; // y over x in the same array
                yo = xo;
                if (g.yLength() + yo > y.length) {
                    y = Arrays.copyOf(x, yo + g.yLength());
                    x = y;
                }
                expected = IllegalArgumentException.class;
                message = "y overlaps x";
            }
        }
        float[][] before = {a == null ? null : a.clone(), x == null ? null : x.clone(), y == null ? null : y.clone()};
        RuntimeException thrown = GemmArgumentProperties.catchAny(run(t, m, n, a, ao, lda, x, xo, y, yo));
        assertThat(thrown).as("fault %d, %s", fault, g).isInstanceOf(expected);
        assertThat(thrown.getMessage()).startsWith(message.trim()).contains(message.trim());
        assertThat(Arrays.equals(a, before[0]) && Arrays.equals(x, before[1]) && Arrays.equals(y, before[2])).isTrue();
    }

    @Provide
    Arbitrary<Integer> faults() {
        return Arbitraries.integers().between(0, 9);
    }

    private static Runnable run(Transpose t, int m, int n, float[] a, int ao, int lda, float[] x, int xo, float[] y, int yo) {
        return () -> Gemm.sgemv(t, m, n, 0.5f, a, ao, lda, x, xo, 0.5f, y, yo);
    }

    static void checkFloat(Sgemv kernel, Case g) {
        double[] ad = g.a();
        double[] xd = g.x();
        double[] yd = g.y();
        float[] a = floats(ad);
        float[] x = floats(xd);
        float[] y = floats(yd);
        kernel.sgemv(g.trans(), g.m(), g.n(), (float) g.alpha(), a, g.aOffset(), g.lda(), x, g.xOffset(), (float) g.beta(), y, g.yOffset());
        judge(g, ad, xd, yd, y, 2 * 0x1p-24, false);
    }

    static void checkDouble(Dgemv kernel, Case g) {
        double[] a = g.a();
        double[] x = g.x();
        double[] y0 = g.y();
        double[] y = y0.clone();
        kernel.dgemv(g.trans(), g.m(), g.n(), g.alpha(), a, g.aOffset(), g.lda(), x, g.xOffset(), g.beta(), y, g.yOffset());
        float[] unused = new float[0];
        judgeDouble(g, a, x, y0, y);
        assertThat(unused).isEmpty();
    }

    /** The sblat2 ratio for float results; entries of A and x are floats, so products are exact in double. */
    private static void judge(Case g, double[] a, double[] x, double[] y0, float[] y, double eps, boolean unused) {
        boolean empty = g.m() == 0 || g.n() == 0;
        for (int i = 0; i < y.length; i++) {
            int rel = i - g.yOffset();
            boolean inside = rel >= 0 && rel < g.yLength() && !empty;
            if (!inside) {
                if (Double.doubleToRawLongBits(y[i]) != Double.doubleToRawLongBits((float) y0[i])
                        && !(Double.isNaN(y[i]) && Double.isNaN(y0[i]))) {
                    throw new AssertionError(g + ": y written outside at " + i);
                }
                continue;
            }
            double s = 0;
            double magnitude = 0;
            if (g.alpha() != 0) {
                int terms = g.xLength();
                for (int p = 0; p < terms; p++) {
                    double product = g.op(a, rel, p) * x[g.xOffset() + p];
                    s += product;
                    magnitude += Math.abs(product);
                }
            }
            double exact = g.alpha() * s + (g.beta() == 0 ? 0 : g.beta() * y0[i]);
            double scale = Math.abs(g.alpha()) * magnitude + (g.beta() == 0 ? 0 : Math.abs(g.beta() * y0[i]));
            double error = Math.abs(y[i] - exact);
            double ratio = scale == 0 ? (error == 0 ? 0 : Double.POSITIVE_INFINITY) : error / (eps * scale);
            if (!(ratio < GemmJudge.THRESHOLD)) {
                throw new AssertionError(g + ": ratio " + ratio + " at y[" + rel + "] = " + y[i] + ", expected " + exact);
            }
        }
    }

    /** The dblat2 ratio for double results, against a double-double sum. */
    private static void judgeDouble(Case g, double[] a, double[] x, double[] y0, double[] y) {
        boolean empty = g.m() == 0 || g.n() == 0;
        for (int i = 0; i < y.length; i++) {
            int rel = i - g.yOffset();
            boolean inside = rel >= 0 && rel < g.yLength() && !empty;
            if (!inside) {
                if (Double.doubleToRawLongBits(y[i]) != Double.doubleToRawLongBits(y0[i])) {
                    throw new AssertionError(g + ": y written outside at " + i);
                }
                continue;
            }
            double hi = 0;
            double lo = 0;
            double magnitude = 0;
            if (g.alpha() != 0) {
                for (int p = 0; p < g.xLength(); p++) {
                    double u = g.op(a, rel, p);
                    double v = x[g.xOffset() + p];
                    double ph = u * v;
                    double pl = Math.fma(u, v, -ph);
                    double sh = hi + ph;
                    double w = sh - hi;
                    lo += (hi - (sh - w)) + (ph - w) + pl;
                    hi = sh;
                    magnitude += Math.abs(ph);
                }
            }
            // alpha, x and A are floats here, so alpha * (hi + lo) + beta * y0 is nearly exact in this form
            double exact = g.alpha() * hi + (g.alpha() * lo + (g.beta() == 0 ? 0 : g.beta() * y0[i]));
            double scale = Math.abs(g.alpha()) * magnitude + (g.beta() == 0 ? 0 : Math.abs(g.beta() * y0[i]));
            double error = Math.abs(y[i] - exact);
            double ratio = scale == 0 ? (error == 0 ? 0 : Double.POSITIVE_INFINITY) : error / (2 * 0x1p-53 * scale);
            if (!(ratio < GemmJudge.THRESHOLD)) {
                throw new AssertionError(g + ": ratio " + ratio + " at y[" + rel + "]");
            }
        }
    }

    /** m or n = 0 leaves y alone; alpha = 0 gives beta * y bitwise without reading A or x (NaN); beta = 0 ignores y's old value. */
    static void quickReturns(Sgemv kernel, Case g) {
        float[] a = floats(g.a());
        float[] x = floats(g.x());
        float[] y0 = floats(g.y());
        float[] nanA = a.clone();
        float[] nanX = x.clone();
        Arrays.fill(nanA, Float.NaN);
        Arrays.fill(nanX, Float.NaN);
        boolean empty = g.m() == 0 || g.n() == 0;
        float[] y = y0.clone();
        kernel.sgemv(g.trans(), g.m(), g.n(), 0f, nanA, g.aOffset(), g.lda(), nanX, g.xOffset(), (float) g.beta(), y, g.yOffset());
        for (int i = 0; i < y.length; i++) {
            int rel = i - g.yOffset();
            boolean inside = rel >= 0 && rel < g.yLength() && !empty;
            float expected = !inside ? y0[i] : (float) g.beta() == 0 ? 0f : (float) g.beta() * y0[i];
            if (Float.floatToRawIntBits(y[i]) != Float.floatToRawIntBits(expected)) {
                throw new AssertionError(g + ": alpha = 0 must give beta * y bitwise at " + i + " (got " + y[i] + ", expected " + expected + ")");
            }
        }
        float[] nanY = y0.clone();
        for (int i = 0; i < g.yLength(); i++) {
            nanY[g.yOffset() + i] = Float.NaN;
        }
        float[] fromNaN = nanY.clone();
        float[] fromValues = y0.clone();
        kernel.sgemv(g.trans(), g.m(), g.n(), (float) g.alpha(), a, g.aOffset(), g.lda(), x, g.xOffset(), 0f, fromNaN, g.yOffset());
        kernel.sgemv(g.trans(), g.m(), g.n(), (float) g.alpha(), a, g.aOffset(), g.lda(), x, g.xOffset(), 0f, fromValues, g.yOffset());
        for (int i = 0; i < g.yLength() && !empty; i++) {
            int at = g.yOffset() + i;
            if (Float.floatToRawIntBits(fromNaN[at]) != Float.floatToRawIntBits(fromValues[at])) {
                throw new AssertionError(g + ": beta = 0 must not read y, yet its old value shows at " + i);
            }
        }
    }

    private static float[] floats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
