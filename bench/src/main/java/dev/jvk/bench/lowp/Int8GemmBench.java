package dev.jvk.bench.lowp;

import dev.jvk.kernels.Gemm;
import dev.jvk.kernels.LowPrecision;
import dev.jvk.kernels.Transpose;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * int8 GEMM with int32 accumulation ({@code LowPrecision.gemmInt8}, C = A * B^T) against float SGEMM
 * on the same square shape, one thread, in the same run: 2 * size^3 operations per call for both, so
 * GOPS and GFLOP/s compare directly. SGEMM runs as NT too (B stored n x k), the layout gemmInt8 takes.
 * gemmInt8 runs on the float GEMM in exact stretches of 1024 along k (2048 takes two), so the ratio
 * shows what the widening of A and B and the int update of C cost on top of it.
 *
 * <p>Run: {@code org.openjdk.jmh.Main 'lowp.Int8GemmBench'}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Djvk.threads=1"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class Int8GemmBench {
    @Param({"256", "512", "1024", "2048"})
    public int size;

    private byte[] a8;
    private byte[] b8;
    private int[] c32;
    private float[] a;
    private float[] b;
    private float[] c;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        int n = size * size;
        a8 = new byte[n];
        b8 = new byte[n];
        c32 = new int[n];
        a = new float[n];
        b = new float[n];
        c = new float[n];
        for (int i = 0; i < n; i++) {
            a8[i] = (byte) random.nextInt(-127, 128);
            b8[i] = (byte) random.nextInt(-127, 128);
            a[i] = a8[i];
            b[i] = b8[i];
        }
    }

    @Benchmark
    public int[] int8() {
        LowPrecision.gemmInt8(size, size, size, a8, 0, size, b8, 0, size, c32, 0, size);
        return c32;
    }

    @Benchmark
    public float[] float32() {
        Gemm.sgemm(Transpose.NO_TRANS, Transpose.TRANS, size, size, size, 1f, a, 0, size, b, 0, size, 0f, c, 0, size);
        return c;
    }
}
