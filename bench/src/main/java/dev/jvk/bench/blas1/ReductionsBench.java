package dev.jvk.bench.blas1;

import dev.jvk.kernels.Reductions;
import dev.jvk.kernels.reference.ReferenceReductions;
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
 * The other float reductions, jvk vs its scalar reference (plain loops C2 cannot vectorize: a
 * reduction in strict order, or Math.max's NaN and signed-zero rules). Targets: >= 4x the reference
 * in cache; at 16M, >= 0.9x the STREAM bandwidth of the same run (variance reads x twice).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ReductionsBench {
    @Param({"1024", "4096", "262144", "16777216"})
    int n;
    float[] x;

    @Setup
    public void setUp() {
        x = Data.floats(n, 1);
    }

    /** The speed anchor: the other reductions read x once (variance twice) as sum does. */
    @Benchmark
    public float sumJvk() {
        return Reductions.sum(x, 0, n);
    }

    @Benchmark
    public float maxJvk() {
        return Reductions.max(x, 0, n);
    }

    @Benchmark
    public float maxReference() {
        return ReferenceReductions.max(x, 0, n);
    }

    @Benchmark
    public int argmaxJvk() {
        return Reductions.argmax(x, 0, n);
    }

    @Benchmark
    public int argmaxReference() {
        return ReferenceReductions.argmax(x, 0, n);
    }

    @Benchmark
    public float asumJvk() {
        return Reductions.asum(x, 0, n);
    }

    @Benchmark
    public float asumReference() {
        return ReferenceReductions.asum(x, 0, n);
    }

    @Benchmark
    public float nrm2Jvk() {
        return Reductions.nrm2(x, 0, n);
    }

    @Benchmark
    public float nrm2Reference() {
        return ReferenceReductions.nrm2(x, 0, n);
    }

    @Benchmark
    public float logSumExpJvk() {
        return Reductions.logSumExp(x, 0, n);
    }

    @Benchmark
    public float logSumExpReference() {
        return ReferenceReductions.logSumExp(x, 0, n);
    }

    @Benchmark
    public float meanJvk() {
        return Reductions.mean(x, 0, n);
    }

    @Benchmark
    public float meanReference() {
        return ReferenceReductions.mean(x, 0, n);
    }

    @Benchmark
    public float varianceJvk() {
        return Reductions.variance(x, 0, n);
    }

    @Benchmark
    public float varianceReference() {
        return ReferenceReductions.variance(x, 0, n);
    }
}
