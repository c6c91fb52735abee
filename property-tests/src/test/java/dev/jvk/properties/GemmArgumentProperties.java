package dev.jvk.properties;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvk.kernels.Gemm;
import dev.jvk.kernels.Transpose;
import dev.jvk.properties.support.GemmCase;
import dev.jvk.properties.support.GemmJudge.SgemmKernel;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Every argument error of GEMM and GEMV, as DESIGN.md's argument rules say: the exception type, a
 * message naming the argument (and the value expected), and every array untouched. One fault at a
 * time is injected into an otherwise valid random problem.
 */
class GemmArgumentProperties {

    enum Fault {
        NULL_TRANS_A(NullPointerException.class, "transA"),
        NULL_TRANS_B(NullPointerException.class, "transB"),
        NULL_A(NullPointerException.class, "a "),
        NULL_B(NullPointerException.class, "b "),
        NULL_C(NullPointerException.class, "c "),
        NEGATIVE_M(IllegalArgumentException.class, "m must be >= 0"),
        NEGATIVE_N(IllegalArgumentException.class, "n must be >= 0"),
        NEGATIVE_K(IllegalArgumentException.class, "k must be >= 0"),
        NEGATIVE_A_OFFSET(IllegalArgumentException.class, "aOffset must be >= 0"),
        NEGATIVE_B_OFFSET(IllegalArgumentException.class, "bOffset must be >= 0"),
        NEGATIVE_C_OFFSET(IllegalArgumentException.class, "cOffset must be >= 0"),
        SHORT_LDA(IllegalArgumentException.class, "lda must be >= max(1, "),
        SHORT_LDB(IllegalArgumentException.class, "ldb must be >= max(1, "),
        SHORT_LDC(IllegalArgumentException.class, "ldc must be >= max(1, "),
        SHORT_A(IndexOutOfBoundsException.class, "a is too short"),
        SHORT_B(IndexOutOfBoundsException.class, "b is too short"),
        SHORT_C(IndexOutOfBoundsException.class, "c is too short"),
        C_OVERLAPS_A(IllegalArgumentException.class, "c overlaps a"),
        C_OVERLAPS_B(IllegalArgumentException.class, "c overlaps b");

        final Class<? extends RuntimeException> type;
        final String message;

        Fault(Class<? extends RuntimeException> type, String message) {
            this.type = type;
            this.message = message;
        }
    }

    @Provide
    Arbitrary<GemmCase> cases() {
        return GemmCase.cases(Arbitraries.integers().between(0, 40));
    }

    @Property(tries = 400)
    void sgemmRejectsEveryBadArgumentBeforeWriting(@ForAll("cases") GemmCase g, @ForAll Fault fault) {
        rejectsBeforeWriting(Gemm::sgemm, g, fault);
    }

    @Property(tries = 400)
    void dgemmRejectsEveryBadArgumentBeforeWriting(@ForAll("cases") GemmCase g, @ForAll Fault fault) {
        Assume.that(applies(g, fault));
        Faulty f = Faulty.of(g, fault);
        double[] a = toDoubles(f.a);
        double[] b = f.b == f.a ? a : toDoubles(f.b);
        double[] c = f.c == f.a ? a : f.c == f.b ? b : toDoubles(f.c);
        double[] a0 = a == null ? null : a.clone();
        double[] b0 = b == null ? null : b.clone();
        double[] c0 = c == null ? null : c.clone();
        RuntimeException thrown = catchAny(() -> Gemm.dgemm(f.transA, f.transB, f.m, f.n, f.k, 0.5, a, f.aOffset, f.lda,
                b, f.bOffset, f.ldb, 0.5, c, f.cOffset, f.ldc));
        assertRejected(thrown, fault, g);
        assertThat(Arrays.equals(a, a0) && Arrays.equals(b, b0) && Arrays.equals(c, c0)).as("arrays untouched: %s %s", fault, g).isTrue();
    }

    /** The checks catch a kernel that writes C before it finds the error. */
    @Example
    void catchesAWriteBeforeTheCheck() {
        SgemmKernel writesFirst = (ta, tb, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc) -> {
            if (c != null && c.length > 0) {
                c[c.length - 1] = 42;
            }
            Gemm.sgemm(ta, tb, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc);
        };
        int caught = 0;
        for (GemmCase g : cases().sampleStream().limit(200).toList()) {
            try {
                rejectsBeforeWriting(writesFirst, g, Fault.SHORT_LDC);
            } catch (AssertionError expected) {
                caught++;
            }
        }
        assertThat(caught).isPositive();
    }

    static void rejectsBeforeWriting(SgemmKernel kernel, GemmCase g, Fault fault) {
        Assume.that(applies(g, fault));
        Faulty f = Faulty.of(g, fault);
        float[] a0 = f.a == null ? null : f.a.clone();
        float[] b0 = f.b == null ? null : f.b.clone();
        float[] c0 = f.c == null ? null : f.c.clone();
        RuntimeException thrown = catchAny(() -> kernel.sgemm(f.transA, f.transB, f.m, f.n, f.k, 0.5f, f.a, f.aOffset, f.lda,
                f.b, f.bOffset, f.ldb, 0.5f, f.c, f.cOffset, f.ldc));
        assertRejected(thrown, fault, g);
        if (!(Arrays.equals(f.a, a0) && Arrays.equals(f.b, b0) && Arrays.equals(f.c, c0))) {
            throw new AssertionError(fault + " " + g + ": an array was written before the error was reported");
        }
    }

    /** Whether the fault is an error for this problem (a short array needs a non-empty extent, an overlap two). */
    static boolean applies(GemmCase g, Fault fault) {
        boolean aHas = g.aRows() > 0 && g.aCols() > 0;
        boolean bHas = g.bRows() > 0 && g.bCols() > 0;
        boolean cHas = g.m() > 0 && g.n() > 0;
        return switch (fault) {
            case SHORT_A -> aHas;
            case SHORT_B -> bHas;
            case SHORT_C -> cHas;
            case C_OVERLAPS_A -> aHas && cHas;
            case C_OVERLAPS_B -> bHas && cHas;
            default -> true;
        };
    }

    static void assertRejected(RuntimeException thrown, Fault fault, GemmCase g) {
        if (thrown == null) {
            throw new AssertionError(fault + " " + g + ": no exception");
        }
        if (!fault.type.isInstance(thrown) || thrown.getMessage() == null || !thrown.getMessage().startsWith(fault.message.startsWith("c overlaps") ? "c" : fault.message.trim())
                || !thrown.getMessage().contains(fault.message.trim())) {
            throw new AssertionError(fault + " " + g + ": expected " + fault.type.getSimpleName() + " with \"" + fault.message
                    + "\", got " + thrown, thrown);
        }
        if (fault.name().startsWith("SHORT_LD") && !thrown.getMessage().matches(".*= \\d+, got -?\\d+")) {
            throw new AssertionError(fault + ": the message must give the value expected and the value got: " + thrown.getMessage());
        }
    }

    static RuntimeException catchAny(Runnable call) {
        try {
            call.run();
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    private static double[] toDoubles(float[] x) {
        if (x == null) {
            return null;
        }
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }

    /** A valid problem's arguments with one fault injected. */
    static final class Faulty {
        Transpose transA;
        Transpose transB;
        int m;
        int n;
        int k;
        float[] a;
        float[] b;
        float[] c;
        int aOffset;
        int bOffset;
        int cOffset;
        int lda;
        int ldb;
        int ldc;

        static Faulty of(GemmCase g, Fault fault) {
            Faulty f = new Faulty();
            f.transA = g.transA();
            f.transB = g.transB();
            f.m = g.m();
            f.n = g.n();
            f.k = g.k();
            f.a = g.floatA();
            f.b = g.floatB();
            f.c = g.floatC();
            f.aOffset = g.aOffset();
            f.bOffset = g.bOffset();
            f.cOffset = g.cOffset();
            f.lda = g.lda();
            f.ldb = g.ldb();
            f.ldc = g.ldc();
            long aEnd = g.aOffset() + extent(g.aRows(), g.aCols(), g.lda());
            long bEnd = g.bOffset() + extent(g.bRows(), g.bCols(), g.ldb());
            long cEnd = g.cOffset() + extent(g.m(), g.n(), g.ldc());
            switch (fault) {
                case NULL_TRANS_A -> f.transA = null;
                case NULL_TRANS_B -> f.transB = null;
                case NULL_A -> f.a = null;
                case NULL_B -> f.b = null;
                case NULL_C -> f.c = null;
                case NEGATIVE_M -> f.m = -1 - (int) Math.floorMod(g.seed(), 5);
                case NEGATIVE_N -> f.n = -1 - (int) Math.floorMod(g.seed(), 5);
                case NEGATIVE_K -> f.k = -1 - (int) Math.floorMod(g.seed(), 5);
                case NEGATIVE_A_OFFSET -> f.aOffset = -1;
                case NEGATIVE_B_OFFSET -> f.bOffset = -1;
                case NEGATIVE_C_OFFSET -> f.cOffset = Integer.MIN_VALUE;
                case SHORT_LDA -> f.lda = Math.max(1, g.aCols()) - 1;
                case SHORT_LDB -> f.ldb = Math.max(1, g.bCols()) - 1;
                case SHORT_LDC -> f.ldc = Math.max(1, g.n()) - 1;
                case SHORT_A -> f.a = Arrays.copyOf(f.a, (int) aEnd - 1);
                case SHORT_B -> f.b = Arrays.copyOf(f.b, (int) bEnd - 1);
                case SHORT_C -> f.c = Arrays.copyOf(f.c, (int) cEnd - 1);
                case C_OVERLAPS_A -> {
                    // C starts on A's last element, in one array holding both.
                    float[] both = Arrays.copyOf(f.a, (int) Math.max(aEnd, aEnd - 1 + cEnd - g.cOffset()));
                    f.a = both;
                    f.c = both;
                    f.cOffset = (int) aEnd - 1;
                }
                case C_OVERLAPS_B -> {
                    float[] both = Arrays.copyOf(f.b, (int) Math.max(bEnd, bEnd - 1 + cEnd - g.cOffset()));
                    f.b = both;
                    f.c = both;
                    f.cOffset = (int) bEnd - 1;
                }
            }
            return f;
        }
    }

    static long extent(int rows, int cols, int ld) {
        return rows == 0 || cols == 0 ? 0 : (long) (rows - 1) * ld + cols;
    }
}
