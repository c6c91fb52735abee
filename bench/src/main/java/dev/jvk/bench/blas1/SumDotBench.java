package dev.jvk.bench.blas1;

import dev.jvk.kernels.Reductions;
import dev.jvk.kernels.reference.ReferenceReductions;
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
 * Float sum and dot: jvk vs its scalar reference vs Lucene's {@code VectorUtil.dotProduct} (its
 * Panama provider: the fork's log shows "Java vector incubator API enabled"). Targets: >= 1.2x
 * Lucene and >= 8x the reference from 4K; at 16M, >= 0.9x the STREAM bandwidth of the same run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class SumDotBench {
    @Param({"1024", "4096", "262144", "16777216"})
    int n;
    float[] x;
    float[] y;

    @Setup
    public void setUp() {
        x = Data.floats(n, 1);
        y = Data.floats(n, 2);
    }

    @Benchmark
    public float sumJvk() {
        return Reductions.sum(x, 0, n);
    }

    @Benchmark
    public float sumReference() {
        return ReferenceReductions.sum(x, 0, n);
    }

    @Benchmark
    public float dotJvk() {
        return Reductions.dot(x, 0, y, 0, n);
    }

    @Benchmark
    public float dotReference() {
        return ReferenceReductions.dot(x, 0, y, 0, n);
    }

    @Benchmark
    public float dotLucene() {
        return VectorUtil.dotProduct(x, y);
    }
}
