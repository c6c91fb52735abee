package dev.jvk.bench.blas1;

import dev.jvk.kernels.Reductions;
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
 * Float sum and dot of 4096 elements (in L1) at a known placement of the data against the 64-byte
 * cache lines. With {@code -XX:ObjectAlignmentInBytes=64} every array starts on a line and its
 * elements 16 bytes further (the array header), so element {@code shift} sits at byte
 * {@code 16 + 4 * shift} of a line: shift 12 puts the data on a line boundary, shift 0 makes every
 * second 32-byte half of a 64-byte load cross into the next line. Without the flag a fork's arrays
 * land at any multiple of 8 bytes, which is why {@link SumDotBench} at 4096 gives one of two
 * times per fork.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp "bench/target/classes:bench/target/lib/*"
 * org.openjdk.jmh.Main PlacementBench}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:ObjectAlignmentInBytes=64"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PlacementBench {
    private static final int N = 4096;

    /** Elements between the array's first element and the data: 0 is 16 bytes past a line, 12 is on one. */
    @Param({"0", "12"})
    int shift;

    float[] x;
    float[] y;

    @Setup
    public void setUp() {
        x = new float[N + shift];
        y = new float[N + shift];
        System.arraycopy(Data.floats(N, 1), 0, x, shift, N);
        System.arraycopy(Data.floats(N, 2), 0, y, shift, N);
    }

    @Benchmark
    public float sum() {
        return Reductions.sum(x, shift, N);
    }

    @Benchmark
    public float dot() {
        return Reductions.dot(x, shift, y, shift, N);
    }
}
