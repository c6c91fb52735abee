package dev.jvk.bench.gemm;

import dev.jvk.kernels.Transpose;
import dev.jvk.kernels.reference.ReferenceSgemm;
import dev.jvk.kernels.reference.ReferenceDgemm;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
import org.bytedeco.openblas.global.openblas_full;

/**
 * Which OpenBLAS kernel runs here, and does it compute correctly? Prints the core name OpenBLAS
 * picked (OPENBLAS_CORETYPE in the environment overrides it) and the largest difference of
 * cblas_sgemm/dgemm from jvk's scalar reference on 256 x 200 x 300 in every transpose form.
 * The benchmarks quote OpenBLAS only with a core type that passes here.
 *
 * <p>{@code OPENBLAS_CORETYPE=SkylakeX java -cp "bench/target/classes:bench/target/lib/*" dev.jvk.bench.gemm.OpenBlasCheck}
 */
public final class OpenBlasCheck {
    private OpenBlasCheck() {}

    public static void main(String[] args) {
        String core = OpenBlas.load();
        openblas.blas_set_num_threads(1);
        System.out.println("OPENBLAS_CORETYPE=" + System.getProperty(OpenBlas.PROPERTY, System.getenv("OPENBLAS_CORETYPE"))
                + " core=" + core
                + " config=" + openblas_full.openblas_get_config().getString());
        int m = 256, n = 200, k = 300;
        SplittableRandom random = new SplittableRandom(1);
        double worstFloat = 0;
        double worstDouble = 0;
        for (Transpose ta : Transpose.values()) {
            for (Transpose tb : Transpose.values()) {
                int lda = ta == Transpose.NO_TRANS ? k : m;
                int ldb = tb == Transpose.NO_TRANS ? n : k;
                float[] a = new float[m * k];
                float[] b = new float[k * n];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) random.nextDouble(-1, 1);
                }
                for (int i = 0; i < b.length; i++) {
                    b[i] = (float) random.nextDouble(-1, 1);
                }
                float[] expected = new float[m * n];
                ReferenceSgemm.sgemm(ta == Transpose.TRANS, tb == Transpose.TRANS, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, expected, 0, n);
                try (FloatPointer pa = new FloatPointer(a); FloatPointer pb = new FloatPointer(b); FloatPointer pc = new FloatPointer(m * n)) {
                    openblas.cblas_sgemm(openblas.CblasRowMajor, cblas(ta), cblas(tb), m, n, k, 1f, pa, lda, pb, ldb, 0f, pc, n);
                    for (int i = 0; i < m * n; i++) {
                        worstFloat = Math.max(worstFloat, Math.abs(pc.get(i) - expected[i]));
                    }
                }
                double[] ad = new double[a.length];
                double[] bd = new double[b.length];
                for (int i = 0; i < a.length; i++) {
                    ad[i] = a[i];
                }
                for (int i = 0; i < b.length; i++) {
                    bd[i] = b[i];
                }
                double[] expectedD = new double[m * n];
                ReferenceDgemm.dgemm(ta == Transpose.TRANS, tb == Transpose.TRANS, m, n, k, 1, ad, 0, lda, bd, 0, ldb, 0, expectedD, 0, n);
                try (DoublePointer pa = new DoublePointer(ad); DoublePointer pb = new DoublePointer(bd); DoublePointer pc = new DoublePointer(m * n)) {
                    openblas.cblas_dgemm(openblas.CblasRowMajor, cblas(ta), cblas(tb), m, n, k, 1, pa, lda, pb, ldb, 0, pc, n);
                    for (int i = 0; i < m * n; i++) {
                        worstDouble = Math.max(worstDouble, Math.abs(pc.get(i) - expectedD[i]));
                    }
                }
            }
        }
        // |C| entries are ~sqrt(k)/3 ~ 6 here; float rounding differences are ~1e-5, double ~1e-13.
        boolean ok = worstFloat < 1e-3 && worstDouble < 1e-10;
        System.out.println("max |openblas - reference|: sgemm " + worstFloat + ", dgemm " + worstDouble + (ok ? "  OK" : "  WRONG"));
        if (!ok) {
            System.exit(1);
        }
    }

    private static int cblas(Transpose t) {
        return t == Transpose.TRANS ? openblas.CblasTrans : openblas.CblasNoTrans;
    }
}
