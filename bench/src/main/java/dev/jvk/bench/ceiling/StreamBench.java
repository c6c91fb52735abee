package dev.jvk.bench.ceiling;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
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
 * The memory ceiling: STREAM copy ({@code b[i] = a[i]}) and triad ({@code a[i] = b[i] + q * c[i]})
 * on {@code float} arrays of {@code size} elements each, with the preferred Vector API species, and
 * two ways of moving the same bytes faster on one core: {@code arraycopy} (System.arraycopy, whose
 * non-temporal stores skip the write-allocate read) and {@code update} ({@code a[i] += q * b[i]},
 * two streams instead of three, no write-allocate). On this project's Zen 5 they measured 38 and 42
 * GB/s where copy and triad measured 22: the report's bandwidth ceiling of each kind is the best of
 * its two, so that a kernel written either way stays under it.
 *
 * <p>The default size, 16M floats (64 MiB per array), is several times any last-level cache a
 * core sees, as STREAM asks, so the arrays stream from DRAM. Bytes per call follow STREAM's rule:
 * reads plus writes, no write-allocate traffic: {@code 8 * size} for copy, {@code 12 * size} for
 * triad ({@link #bytesPerCall(String, long)}). With several JMH threads each thread has its own
 * arrays, so the sum is the bandwidth of the whole machine.
 *
 * <p>Run alone: {@code org.openjdk.jmh.Main 'ceiling.StreamBench'}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class StreamBench {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    @Param("16777216")
    public int size;

    private float[] a;
    private float[] b;
    private float[] c;
    private final float q = 3.0f;

    /**
     * Bytes read and written by one call of {@code "copy"} or {@code "triad"} on arrays of
     * {@code size} floats.
     *
     * @throws IllegalArgumentException for any other method name
     */
    public static long bytesPerCall(String method, long size) {
        return switch (method) {
            case "copy", "arraycopy" -> 2L * Float.BYTES * size;
            case "triad", "update" -> 3L * Float.BYTES * size;
            default -> throw new IllegalArgumentException("not a STREAM benchmark: " + method);
        };
    }

    /** Arrays read per array written: 1 for the copies, 2 for triad and update. */
    public static int readsPerWrite(String method) {
        return (int) (bytesPerCall(method, 1) / Float.BYTES) - 1;
    }

    /** Floating-point operations in one call: none for copy, a multiply and an add per element for triad. */
    public static long flopsPerCall(String method, long size) {
        bytesPerCall(method, size);
        return method.equals("triad") || method.equals("update") ? 2L * size : 0L;
    }

    @Setup
    public void setUp() {
        a = new float[size];
        b = new float[size];
        c = new float[size];
        Arrays.fill(a, 1.0f);
        Arrays.fill(b, 2.0f);
        Arrays.fill(c, 0.5f);
    }

    @Benchmark
    public float[] copy() {
        int i = 0;
        for (int upper = S.loopBound(size); i < upper; i += S.length()) {
            FloatVector.fromArray(S, a, i).intoArray(b, i);
        }
        for (; i < size; i++) {
            b[i] = a[i];
        }
        return b;
    }

    @Benchmark
    public float[] arraycopy() {
        System.arraycopy(a, 0, b, 0, size);
        return b;
    }

    @Benchmark
    public float[] update() {
        FloatVector scalar = FloatVector.broadcast(S, q);
        int i = 0;
        for (int upper = S.loopBound(size); i < upper; i += S.length()) {
            FloatVector.fromArray(S, b, i).fma(scalar, FloatVector.fromArray(S, a, i)).intoArray(a, i);
        }
        for (; i < size; i++) {
            a[i] = Math.fma(b[i], q, a[i]);
        }
        return a;
    }

    @Benchmark
    public float[] triad() {
        FloatVector scalar = FloatVector.broadcast(S, q);
        int i = 0;
        for (int upper = S.loopBound(size); i < upper; i += S.length()) {
            FloatVector.fromArray(S, c, i).fma(scalar, FloatVector.fromArray(S, b, i)).intoArray(a, i);
        }
        for (; i < size; i++) {
            a[i] = Math.fma(c[i], q, b[i]);
        }
        return a;
    }
}
