package dev.jvk.bench.lowp;

import dev.jvk.kernels.LowPrecision;
import dev.jvk.kernels.reference.ReferenceLowPrecision;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.util.VectorUtil;
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
 * The exact int8 dot product in cache: jvk's {@code LowPrecision.dotInt8} against Lucene's
 * {@code VectorUtil.dotProduct(byte[], byte[])} (its Panama provider when the fork resolves
 * {@code jdk.incubator.vector}: the fork's log says "Java vector incubator API enabled") and jvk's
 * scalar reference. Target: jvk >= 1.2x Lucene at 1024 and 4096.
 *
 * <p>Run: {@code org.openjdk.jmh.Main 'lowp.Int8DotBench'}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class Int8DotBench {
    @Param({"1024", "4096"})
    public int size;

    private byte[] x;
    private byte[] y;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        x = new byte[size];
        y = new byte[size];
        random.nextBytes(x);
        random.nextBytes(y);
    }

    @Benchmark
    public int jvk() {
        return LowPrecision.dotInt8(x, 0, y, 0, size);
    }

    @Benchmark
    public int lucene() {
        return VectorUtil.dotProduct(x, y);
    }

    @Benchmark
    public int reference() {
        return ReferenceLowPrecision.dotInt8(x, 0, y, 0, size);
    }
}
