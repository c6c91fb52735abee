package dev.jvk.properties.guarantees;

import dev.jvk.kernels.Gemm;
import dev.jvk.kernels.Kernels;
import dev.jvk.kernels.PackedBf16Matrix;
import dev.jvk.kernels.PackedMatrix;
import dev.jvk.kernels.Softmax;
import dev.jvk.kernels.Transpose;
import dev.jvk.properties.guarantees.PublicApi.Call;
import java.lang.reflect.Method;
import java.util.SplittableRandom;

/**
 * The child of {@link C1CompilesEveryKernelTest}: calls every public kernel once with PublicApi's
 * valid arguments, then GEMM and GEMV on shapes that take each of their paths (GEMV as m == 1 and
 * n == 1, narrow, narrow transposed, direct, packed), every transpose, with and without a tail, so
 * that {@code -Xcomp} hands every vector method jvk runs to C1. It prints {@code INFO} with
 * {@link Kernels#info()} first, and {@code DONE} once everything has run.
 */
public final class EveryKernelOnce {
    private EveryKernelOnce() {}

    /**
     * m, n, k: GEMV (m == 1, n == 1), narrow (n within one vector), narrow transposed (m >= 32 too; n = 9, 11, 12 and 20:
     * parts of 9 to 12 columns, over one vector of doubles and of floats at 512 bits), small or direct (by transposes; 28 x 64 NN: 6-row
     * and 4-row tiles 4 vectors wide in both types at 512 bits), two past both into
     * the packed nest, one past a K block (PackedMatrix packs A's rows for every K block at once), and narrow
     * dot products (k >= 16 vectors: parts of 5, 4 and 3 columns, a row group of 2 and k's tail).
     */
    private static final int[][] GEMM_SHAPES = {{1, 37, 19}, {37, 1, 19}, {5, 3, 19}, {40, 3, 19}, {40, 9, 19}, {40, 11, 19}, {40, 12, 19}, {40, 20, 19},
        {21, 37, 19}, {28, 64, 19}, {100, 100, 100}, {140, 131, 129}, {40, 37, 300}, {40, 10, 520}, {6, 17, 520}, {40, 3, 520}};

    public static void main(String[] args) throws Throwable {
        System.out.println("INFO " + Kernels.info().implementation() + " " + Kernels.info().vectorBits());
        for (Method m : PublicApi.publicMethods()) {
            if (!PublicApi.takesNoArray(m)) {
                for (Call call : PublicApi.callsOf(m)) {
                    call.invoke(call.copyArgs());
                }
            }
        }
        SplittableRandom random = new SplittableRandom(1);
        for (int[] s : GEMM_SHAPES) {
            int m = s[0], n = s[1], k = s[2];
            int big = Math.max(m, Math.max(n, k));
            float[] fa = (float[]) PublicApi.randomArray(float[].class, big * big, random);
            float[] fb = (float[]) PublicApi.randomArray(float[].class, big * big, random);
            double[] da = (double[]) PublicApi.randomArray(double[].class, big * big, random);
            double[] db = (double[]) PublicApi.randomArray(double[].class, big * big, random);
            for (Transpose ta : Transpose.values()) {
                for (Transpose tb : Transpose.values()) {
                    int lda = ta == Transpose.NO_TRANS ? k : m;
                    int ldb = tb == Transpose.NO_TRANS ? n : k;
                    Gemm.sgemm(ta, tb, m, n, k, 0.5f, fa, 0, lda, fb, 0, ldb, 0.25f, new float[m * n], 0, n);
                    Gemm.dgemm(ta, tb, m, n, k, 0.5, da, 0, lda, db, 0, ldb, 0.25, new double[m * n], 0, n);
                    new PackedMatrix(tb, k, n, fb, 0, ldb).sgemm(ta, m, 0.5f, fa, 0, lda, 0.25f, new float[m * n], 0, n);
                }
            }
        }
        // GEMV on its own: both transposes, a whole number of vectors (64) and a tail (37)
        for (int size : new int[] {64, 37}) {
            float[] fa = (float[]) PublicApi.randomArray(float[].class, size * size, random);
            double[] da = (double[]) PublicApi.randomArray(double[].class, size * size, random);
            for (Transpose t : Transpose.values()) {
                Gemm.sgemv(t, size, size, 0.5f, fa, 0, size, new float[size], 0, 0.25f, new float[size], 0);
                Gemm.dgemv(t, size, size, 0.5, da, 0, size, new double[size], 0, 0.25, new double[size], 0);
            }
        }
        // the packed bf16 GEMV's passes and single groups, and its GEMM on the float GEMM
        for (int n : new int[] {37, 140}) {
            short[] bf = new short[n * 19];
            PackedBf16Matrix packed = new PackedBf16Matrix(n, 19, bf, 0, 19);
            float[] fa = (float[]) PublicApi.randomArray(float[].class, 3 * 19, random);
            packed.sgemv(fa, 0, new float[n], 0);
            packed.sgemm(3, fa, 0, 19, new float[3 * n], 0, n);
        }
        // softmax of rows no wider than a vector, a vector of rows at a time, and the rows left over
        float[] logits = (float[]) PublicApi.randomArray(float[].class, 40 * 10, random);
        Softmax.softmax(logits, 0, 40, 10, 10, new float[40 * 10], 0, 10);
        System.out.println("DONE");
    }
}
