package dev.jvk.bench.gemm;

import dev.jvk.kernels.Gemm;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
 * jvk's sgemm on arrays against the same product on off-heap segments (a shared arena): what the
 * MemorySegment overload costs. Score: calls per second; GFLOP/s = score * 2mnk / 1e9.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 6, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class SegmentBench {
    @Param({"NN:1024x1024x1024", "NN:128x256x784", "NT:128x784x256", "TN:784x256x128", "NN:128x10x128"})
    public String shape;

    private Shape s;
    private float[] a;
    private float[] b;
    private float[] c;
    private Arena arena;
    private MemorySegment sa;
    private MemorySegment sb;
    private MemorySegment sc;

    @Setup
    public void setUp() {
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
        arena = Arena.ofShared();
        sa = arena.allocate((long) a.length * Float.BYTES, 64).copyFrom(MemorySegment.ofArray(a));
        sb = arena.allocate((long) b.length * Float.BYTES, 64).copyFrom(MemorySegment.ofArray(b));
        sc = arena.allocate((long) c.length * Float.BYTES, 64);
        Gemm.setThreads(1);
    }

    @TearDown
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public float[] arrays() {
        Gemm.sgemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, a, 0, s.lda(), b, 0, s.ldb(), 0f, c, 0, s.ldc());
        return c;
    }

    @Benchmark
    public float segments() {
        Gemm.sgemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, sa, 0, s.lda(), sb, 0, s.ldb(), 0f, sc, 0, s.ldc());
        return sc.get(ValueLayout.JAVA_FLOAT, 0);
    }
}
