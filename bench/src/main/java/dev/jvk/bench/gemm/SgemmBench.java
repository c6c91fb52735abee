package dev.jvk.bench.gemm;

import dev.jvk.kernels.Gemm;
import dev.jvk.kernels.Transpose;
import dev.jvk.kernels.reference.ReferenceSgemm;
import dev.ludovic.netlib.blas.JavaBLAS;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * SGEMM, {@code C = op(A) op(B)} (alpha 1, beta 0), on one shape per trial: jvk, its scalar
 * reference, EJML, OpenBLAS (cblas_sgemm on off-heap FloatPointers, so no JNI array copy is
 * timed) and netlib's VectorBLAS. Scores are calls per second; GFLOP/s = score * 2mnk / 1e9
 * ({@code ./jvk bench --report} does it). jvk and OpenBLAS run on {@code threads} threads; the others are
 * single-threaded.
 *
 * <p>Run (one at a time on this machine):
 * {@code java --add-modules jdk.incubator.vector -cp "bench/target/classes:bench/target/lib/*"
 * org.openjdk.jmh.Main 'gemm.SgemmBench.(jvk|openblas)' -p shape=NN:1024x1024x1024 -p threads=1 -rf json -rff x.json}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 6, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class SgemmBench {
    private static final int ROW_MAJOR = openblas.CblasRowMajor;

    @Param({"NN:64x64x64", "NN:128x128x128", "NN:256x256x256", "NN:512x512x512", "NN:1024x1024x1024", "NN:2048x2048x2048",
            "NN:128x256x784", "NN:128x128x256", "NN:128x10x128", "NT:128x784x256", "TN:784x256x128",
            "NN:1x784x256", "NT:1x784x256", "TN:1x784x256", "TT:1x784x256", "NN:784x1x256"})
    public String shape;

    @Param({"1"})
    public int threads;

    private Shape s;
    private float[] a;
    private float[] b;
    private float[] c;
    private FloatPointer pa;
    private FloatPointer pb;
    private FloatPointer pc;
    private FMatrixRMaj ea;
    private FMatrixRMaj eb;
    private FMatrixRMaj ec;
    private JavaBLAS netlib;

    @Setup
    public void setUp() {
        OpenBlas.load();
        s = Shape.parse(shape);
        SplittableRandom random = new SplittableRandom(42);
        a = new float[s.m() * s.k()];
        b = new float[s.k() * s.n()];
        c = new float[s.m() * s.n()];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextDouble(-1, 1);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) random.nextDouble(-1, 1);
        }
        pa = new FloatPointer(a);
        pb = new FloatPointer(b);
        pc = new FloatPointer(c);
        ea = s.aTransposed() ? new FMatrixRMaj(s.k(), s.m(), true, a) : new FMatrixRMaj(s.m(), s.k(), true, a);
        eb = s.bTransposed() ? new FMatrixRMaj(s.n(), s.k(), true, b) : new FMatrixRMaj(s.k(), s.n(), true, b);
        ec = new FMatrixRMaj(s.m(), s.n());
        netlib = JavaBLAS.getInstance(); // VectorBLAS when jdk.incubator.vector is there
        if (!netlib.getClass().getSimpleName().equals("VectorBLAS")) {
            throw new IllegalStateException("netlib picked " + netlib.getClass().getName() + ", not VectorBLAS");
        }
        Gemm.setThreads(threads);
        openblas.blas_set_num_threads(threads);
    }

    @TearDown
    public void tearDown() {
        pa.close();
        pb.close();
        pc.close();
    }

    @Benchmark
    public float[] jvk() {
        Gemm.sgemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, a, 0, s.lda(), b, 0, s.ldb(), 0f, c, 0, s.ldc());
        return c;
    }

    @Benchmark
    public float[] reference() {
        ReferenceSgemm.sgemm(s.transA() == Transpose.TRANS, s.transB() == Transpose.TRANS, s.m(), s.n(), s.k(), 1f, a, 0, s.lda(), b, 0, s.ldb(), 0f, c, 0, s.ldc());
        return c;
    }

    @Benchmark
    public FloatPointer openblas() {
        openblas.cblas_sgemm(ROW_MAJOR, s.aTransposed() ? openblas.CblasTrans : openblas.CblasNoTrans,
                s.bTransposed() ? openblas.CblasTrans : openblas.CblasNoTrans,
                s.m(), s.n(), s.k(), 1f, pa, s.lda(), pb, s.ldb(), 0f, pc, s.ldc());
        return pc;
    }

    @Benchmark
    public FMatrixRMaj ejml() {
        if (s.aTransposed() && s.bTransposed()) {
            CommonOps_FDRM.multTransAB(ea, eb, ec);
        } else if (s.aTransposed()) {
            CommonOps_FDRM.multTransA(ea, eb, ec);
        } else if (s.bTransposed()) {
            CommonOps_FDRM.multTransB(ea, eb, ec);
        } else {
            CommonOps_FDRM.mult(ea, eb, ec);
        }
        return ec;
    }

    /** netlib is column-major: row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T. */
    @Benchmark
    public float[] netlib() {
        netlib.sgemm(s.bTransposed() ? "T" : "N", s.aTransposed() ? "T" : "N", s.n(), s.m(), s.k(),
                1f, b, s.ldb(), a, s.lda(), 0f, c, s.ldc());
        return c;
    }
}
