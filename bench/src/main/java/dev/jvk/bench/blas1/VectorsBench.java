package dev.jvk.bench.blas1;

import dev.jvk.kernels.Vectors;
import dev.jvk.kernels.reference.ReferenceVectors;
import java.util.Arrays;
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
 * Float BLAS-1 operations, jvk vs its reference. The references here are plain loops that C2
 * auto-vectorizes, so they are also the "plain loop" baseline jvk must never fall below; copy and
 * fill are also measured against System.arraycopy and Arrays.fill. At 16M: >= 0.9x the STREAM
 * bandwidth of the same run. In-place operations are applied over and over to the same arrays with
 * alpha = 1 for scal (values stay put) and small alpha for axpy (values grow slowly, never subnormal).
 * addBias and columnSums work on n / 256 rows of 256 columns.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class VectorsBench {
    private static final int COLS = 256;

    @Param({"1024", "262144", "16777216"})
    int n;
    float[] x;
    float[] y;
    float[] z;
    float[] bias;
    float[] sums;
    /** 1, read from a field: a literal 1f let C2 fold the reference's x * 1 into nothing (measured: 1 ns at 262144). */
    float one = 1f;

    @Setup
    public void setUp() {
        x = Data.floats(n, 1);
        y = Data.floats(n, 2);
        z = Data.floats(n, 3);
        bias = Data.floats(COLS, 4);
        sums = new float[COLS];
    }

    @Benchmark
    public float[] axpyJvk() {
        Vectors.axpy(1e-3f, x, 0, y, 0, n);
        return y;
    }

    @Benchmark
    public float[] axpyReference() {
        ReferenceVectors.axpy(1e-3f, x, 0, y, 0, n);
        return y;
    }

    @Benchmark
    public float[] scalJvk() {
        Vectors.scal(one, x, 0, n);
        return x;
    }

    @Benchmark
    public float[] scalReference() {
        ReferenceVectors.scal(one, x, 0, n);
        return x;
    }

    @Benchmark
    public float[] addJvk() {
        Vectors.add(x, 0, y, 0, z, 0, n);
        return z;
    }

    @Benchmark
    public float[] addReference() {
        ReferenceVectors.add(x, 0, y, 0, z, 0, n);
        return z;
    }

    @Benchmark
    public float[] copyJvk() {
        Vectors.copy(x, 0, z, 0, n);
        return z;
    }

    @Benchmark
    public float[] copyReference() {
        ReferenceVectors.copy(x, 0, z, 0, n);
        return z;
    }

    @Benchmark
    public float[] copyArraycopy() {
        System.arraycopy(x, 0, z, 0, n);
        return z;
    }

    @Benchmark
    public float[] fillJvk() {
        Vectors.fill(0.5f, z, 0, n);
        return z;
    }

    @Benchmark
    public float[] fillReference() {
        ReferenceVectors.fill(0.5f, z, 0, n);
        return z;
    }

    @Benchmark
    public float[] fillArraysFill() {
        Arrays.fill(z, 0, n, 0.5f);
        return z;
    }

    @Benchmark
    public float[] addBiasJvk() {
        Vectors.addBias(bias, 0, y, 0, n / COLS, COLS, COLS);
        return y;
    }

    @Benchmark
    public float[] addBiasReference() {
        ReferenceVectors.addBias(bias, 0, y, 0, n / COLS, COLS, COLS);
        return y;
    }

    @Benchmark
    public float[] columnSumsJvk() {
        Vectors.columnSums(x, 0, n / COLS, COLS, COLS, sums, 0);
        return sums;
    }

    @Benchmark
    public float[] columnSumsReference() {
        ReferenceVectors.columnSums(x, 0, n / COLS, COLS, COLS, sums, 0);
        return sums;
    }
}
