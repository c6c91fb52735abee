package dev.jvk.bench.gemm;

import dev.jvk.kernels.Gemm;
import dev.jvk.kernels.Transpose;
import dev.jvk.kernels.reference.ReferenceDgemm;
import dev.ludovic.netlib.blas.JavaBLAS;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
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
 * DGEMM, {@code C = op(A) op(B)} (alpha 1, beta 0), on one shape per trial: jvk, its scalar
 * reference, EJML, OpenBLAS (cblas_dgemm on off-heap DoublePointers, so no JNI array copy is
 * timed) and netlib's VectorBLAS. Scores are calls per second; GFLOP/s = score * 2mnk / 1e9
 * ({@code ./jvk bench --report} does it). jvk and OpenBLAS run on {@code threads} threads; the others are
 * single-threaded.
 *
 * <p>Run (one at a time on this machine):
 * {@code java --add-modules jdk.incubator.vector -cp "bench/target/classes:bench/target/lib/*"
 * org.openjdk.jmh.Main 'gemm.DgemmBench.(jvk|openblas)' -p shape=NN:1024x1024x1024 -p threads=1 -rf json -rff x.json}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 6, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class DgemmBench {
    private static final int ROW_MAJOR = openblas.CblasRowMajor;

    @Param({"NN:64x64x64", "NN:128x128x128", "NN:256x256x256", "NN:512x512x512", "NN:1024x1024x1024", "NN:2048x2048x2048",
            "NN:128x256x784", "NN:128x128x256", "NN:128x10x128", "NT:128x784x256", "TN:784x256x128"})
    public String shape;

    @Param({"1"})
    public int threads;

    /** {@link Placement}: {@code heap} (as allocated) or the byte offset modulo 64 (a multiple of 8) at which every operand of every library starts. */
    @Param({Placement.HEAP})
    public String align;

    private Shape s;
    private double[] a;
    private double[] b;
    private double[] c;
    private int ao;
    private int bo;
    private int co;
    private Placement placement;
    private DoublePointer pa;
    private DoublePointer pb;
    private DoublePointer pc;
    private DMatrixRMaj ea;
    private DMatrixRMaj eb;
    private DMatrixRMaj ec;
    private JavaBLAS netlib;

    @Setup
    public void setUp() {
        OpenBlas.load();
        s = Shape.parse(shape);
        placement = Placement.parse(align);
        int slack = placement == null ? 0 : Placement.SLACK;
        int an = s.m() * s.k();
        int bn = s.k() * s.n();
        int cn = s.m() * s.n();
        a = new double[an + slack];
        b = new double[bn + slack];
        c = new double[cn + slack];
        if (placement != null) {
            System.gc(); // out of the young generation, so that nothing moves them while measured
            ao = placement.offset(a);
            bo = placement.offset(b);
            co = placement.offset(c);
        }
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < an; i++) {
            a[ao + i] = random.nextDouble(-1, 1);
        }
        for (int i = 0; i < bn; i++) {
            b[bo + i] = random.nextDouble(-1, 1);
        }
        pa = placement == null ? new DoublePointer(a) : placement.copy(a, ao, an);
        pb = placement == null ? new DoublePointer(b) : placement.copy(b, bo, bn);
        pc = placement == null ? new DoublePointer(c) : placement.copy(c, co, cn);
        System.out.println(Placement.describe(new String[] {"a", "b", "c"}, new Object[] {a, b, c}, new int[] {ao, bo, co}, new Pointer[] {pa, pb, pc}));
        ea = s.aTransposed() ? new DMatrixRMaj(s.k(), s.m(), true, operand(a, ao, an)) : new DMatrixRMaj(s.m(), s.k(), true, operand(a, ao, an));
        eb = s.bTransposed() ? new DMatrixRMaj(s.n(), s.k(), true, operand(b, bo, bn)) : new DMatrixRMaj(s.k(), s.n(), true, operand(b, bo, bn));
        ec = new DMatrixRMaj(s.m(), s.n());
        netlib = JavaBLAS.getInstance(); // VectorBLAS when jdk.incubator.vector is there
        if (!netlib.getClass().getSimpleName().equals("VectorBLAS")) {
            throw new IllegalStateException("netlib picked " + netlib.getClass().getName() + ", not VectorBLAS");
        }
        Gemm.setThreads(threads);
        openblas.blas_set_num_threads(threads);
    }

    @TearDown
    public void tearDown() {
        if (placement != null && !(placement.offsetStill(a, ao) && placement.offsetStill(b, bo) && placement.offsetStill(c, co))) {
            throw new IllegalStateException("a garbage collection moved the operands off placement " + align + ": discard this fork");
        }
        pa.close();
        pb.close();
        pc.close();
    }

    @Benchmark
    public double[] jvk() {
        Gemm.dgemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1d, a, ao, s.lda(), b, bo, s.ldb(), 0d, c, co, s.ldc());
        return c;
    }

    @Benchmark
    public double[] reference() {
        ReferenceDgemm.dgemm(s.transA() == Transpose.TRANS, s.transB() == Transpose.TRANS, s.m(), s.n(), s.k(), 1d, a, ao, s.lda(), b, bo, s.ldb(), 0d, c, co, s.ldc());
        return c;
    }

    @Benchmark
    public DoublePointer openblas() {
        openblas.cblas_dgemm(ROW_MAJOR, s.aTransposed() ? openblas.CblasTrans : openblas.CblasNoTrans,
                s.bTransposed() ? openblas.CblasTrans : openblas.CblasNoTrans,
                s.m(), s.n(), s.k(), 1d, pa, s.lda(), pb, s.ldb(), 0d, pc, s.ldc());
        return pc;
    }

    @Benchmark
    public DMatrixRMaj ejml() {
        if (s.aTransposed() && s.bTransposed()) {
            CommonOps_DDRM.multTransAB(ea, eb, ec);
        } else if (s.aTransposed()) {
            CommonOps_DDRM.multTransA(ea, eb, ec);
        } else if (s.bTransposed()) {
            CommonOps_DDRM.multTransB(ea, eb, ec);
        } else {
            CommonOps_DDRM.mult(ea, eb, ec);
        }
        return ec;
    }

    /** netlib is column-major: row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T. */
    @Benchmark
    public double[] netlib() {
        netlib.dgemm(s.bTransposed() ? "T" : "N", s.aTransposed() ? "T" : "N", s.n(), s.m(), s.k(),
                1d, b, bo, s.ldb(), a, ao, s.lda(), 0d, c, co, s.ldc());
        return c;
    }

    /** The operand's elements alone, for EJML, which takes whole arrays (no offset). */
    private static double[] operand(double[] array, int offset, int length) {
        return offset == 0 && array.length == length ? array : Arrays.copyOfRange(array, offset, offset + length);
    }
}
