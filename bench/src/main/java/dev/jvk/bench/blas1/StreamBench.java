package dev.jvk.bench.blas1;

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
 * The bandwidth ceiling: STREAM's copy (a = b, 8 bytes per float element moved) and triad
 * (a = b + q*c, 12 bytes), as plain loops that C2 vectorizes. Run in the same JMH invocation as the
 * kernels so that a memory-bound kernel is judged against the bandwidth of that moment.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class StreamBench {
    @Param({"1024", "4096", "262144", "16777216"})
    int n;
    float[] a;
    float[] b;
    float[] c;

    @Setup
    public void setUp() {
        a = Data.floats(n, 1);
        b = Data.floats(n, 2);
        c = Data.floats(n, 3);
    }

    @Benchmark
    public float[] streamCopy() {
        float[] a = this.a;
        float[] b = this.b;
        for (int i = 0; i < a.length; i++) {
            a[i] = b[i];
        }
        return a;
    }

    @Benchmark
    public float[] streamTriad() {
        float[] a = this.a;
        float[] b = this.b;
        float[] c = this.c;
        float q = 0.5f;
        for (int i = 0; i < a.length; i++) {
            a[i] = b[i] + q * c[i];
        }
        return a;
    }
}
