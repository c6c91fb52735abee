package dev.jvk.bench.lowp;

import dev.jvk.kernels.LowPrecision;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
 * float <-> bf16 conversion from memory, on arrays and on native segments of {@code size} elements
 * (16M: 64 MiB of floats and 32 MiB of bf16, beyond the 32 MiB L3). Bytes per call: 6 * size (4 read
 * and 2 written, or the reverse), to set against {@code ceiling.StreamBench.copy} (8 * size) of
 * the same run. Target: >= 0.8x the STREAM copy bandwidth.
 *
 * <p>Run: {@code org.openjdk.jmh.Main 'lowp.Bf16ConvertBench|ceiling.StreamBench.copy'}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class Bf16ConvertBench {
    @Param("16777216")
    public int size;

    private float[] floats;
    private short[] bf16;
    private Arena arena;
    private MemorySegment floatSegment;
    private MemorySegment bf16Segment;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        floats = new float[size];
        for (int i = 0; i < size; i++) {
            floats[i] = (float) random.nextGaussian();
        }
        bf16 = new short[size];
        LowPrecision.floatToBf16(floats, 0, bf16, 0, size);
        arena = Arena.ofShared();
        floatSegment = arena.allocate((long) size * Float.BYTES, 64);
        bf16Segment = arena.allocate((long) size * Short.BYTES, 64);
        MemorySegment.copy(MemorySegment.ofArray(floats), 0, floatSegment, 0, floatSegment.byteSize());
        MemorySegment.copy(MemorySegment.ofArray(bf16), 0, bf16Segment, 0, bf16Segment.byteSize());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public short[] floatToBf16Array() {
        LowPrecision.floatToBf16(floats, 0, bf16, 0, size);
        return bf16;
    }

    @Benchmark
    public float[] bf16ToFloatArray() {
        LowPrecision.bf16ToFloat(bf16, 0, floats, 0, size);
        return floats;
    }

    @Benchmark
    public MemorySegment floatToBf16Segment() {
        LowPrecision.floatToBf16(floatSegment, 0, bf16Segment, 0, size);
        return bf16Segment;
    }

    @Benchmark
    public MemorySegment bf16ToFloatSegment() {
        LowPrecision.bf16ToFloat(bf16Segment, 0, floatSegment, 0, size);
        return floatSegment;
    }
}
