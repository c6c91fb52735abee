package dev.jvk.bench.gemm;

import dev.jvk.bench.ceiling.ReadCeiling;
import dev.jvk.kernels.Gemm;
import dev.jvk.kernels.Transpose;
import dev.jvk.kernels.reference.ReferenceDgemm;
import dev.ludovic.netlib.blas.JavaBLAS;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas;
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
 * DGEMV, {@code y = op(A) x} with A stored m x n row-major: jvk, its reference, OpenBLAS
 * (cblas_dgemv, one thread, off-heap) and netlib's VectorBLAS. Shapes {@code "N:256x784"} (y has
 * 256 entries: a dense layer stored out x in) and {@code "T:784x256"} (y has 256: stored in x out),
 * the 10-class output layer, and 4096 x 4096 (A from memory, not cache). Score: calls per second;
 * GB/s of A = score * 8mn / 1e9. {@code read} only sums A ({@link ReadCeiling}): the read ceiling
 * of the same run, in cache and from DRAM.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 6, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class DgemvBench {
    @Param({"N:256x784", "T:784x256", "N:10x128", "T:128x10", "N:4096x4096", "T:4096x4096"})
    public String shape;

    /** {@link Placement}: {@code heap} (as allocated) or the byte offset modulo 64 at which every operand of every library starts. */
    @Param({Placement.HEAP})
    public String align;

    private Transpose trans;
    private int m;
    private int n;
    private double[] a;
    private double[] x;
    private double[] y;
    private int ao;
    private int xo;
    private int yo;
    private Placement placement;
    private DoublePointer pa;
    private DoublePointer px;
    private DoublePointer py;
    private JavaBLAS netlib;

    @Setup
    public void setUp() {
        OpenBlas.load();
        String[] parts = shape.split(":");
        trans = parts[0].equals("T") ? Transpose.TRANS : Transpose.NO_TRANS;
        String[] dims = parts[1].split("x");
        m = Integer.parseInt(dims[0]);
        n = Integer.parseInt(dims[1]);
        placement = Placement.parse(align);
        int slack = placement == null ? 0 : Placement.SLACK;
        int xn = trans == Transpose.NO_TRANS ? n : m;
        int yn = trans == Transpose.NO_TRANS ? m : n;
        a = new double[m * n + slack];
        x = new double[xn + slack];
        y = new double[yn + slack];
        if (placement != null) {
            System.gc(); // out of the young generation, so that nothing moves them while measured
            ao = placement.offset(a);
            xo = placement.offset(x);
            yo = placement.offset(y);
        }
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < m * n; i++) {
            a[ao + i] = random.nextDouble(-1, 1);
        }
        for (int i = 0; i < xn; i++) {
            x[xo + i] = random.nextDouble(-1, 1);
        }
        pa = placement == null ? new DoublePointer(a) : placement.copy(a, ao, m * n);
        px = placement == null ? new DoublePointer(x) : placement.copy(x, xo, xn);
        py = placement == null ? new DoublePointer(y) : placement.copy(y, yo, yn);
        System.out.println(Placement.describe(new String[] {"a", "x", "y"}, new Object[] {a, x, y}, new int[] {ao, xo, yo}, new Pointer[] {pa, px, py}));
        openblas.blas_set_num_threads(1);
        Gemm.setThreads(1);
        netlib = JavaBLAS.getInstance();
    }

    @TearDown
    public void tearDown() {
        if (placement != null && !(placement.offsetStill(a, ao) && placement.offsetStill(x, xo) && placement.offsetStill(y, yo))) {
            throw new IllegalStateException("a garbage collection moved the operands off placement " + align + ": discard this fork");
        }
        pa.close();
        px.close();
        py.close();
    }

    @Benchmark
    public double[] jvk() {
        Gemm.dgemv(trans, m, n, 1, a, ao, n, x, xo, 0, y, yo);
        return y;
    }

    @Benchmark
    public double[] reference() {
        ReferenceDgemm.dgemv(trans == Transpose.TRANS, m, n, 1, a, ao, n, x, xo, 0, y, yo);
        return y;
    }

    @Benchmark
    public DoublePointer openblas() {
        openblas.cblas_dgemv(openblas.CblasRowMajor, trans == Transpose.TRANS ? openblas.CblasTrans : openblas.CblasNoTrans,
                m, n, 1, pa, n, px, 1, 0, py, 1);
        return py;
    }

    @Benchmark
    public double read() {
        return ReadCeiling.sum(a);
    }

    /** netlib is column-major: row-major A (m x n) is column-major A^T, so the transpose flag flips. */
    @Benchmark
    public double[] netlib() {
        netlib.dgemv(trans == Transpose.TRANS ? "N" : "T", n, m, 1, a, ao, n, x, xo, 1, 0, y, yo, 1);
        return y;
    }
}
