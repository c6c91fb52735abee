package dev.jvk.bench.blas1;

import dev.jvk.kernels.Reductions;
import dev.jvk.kernels.Vectors;
import dev.jvk.kernels.reference.ReferenceReductions;
import dev.jvk.kernels.reference.ReferenceVectors;
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

/** The double versions of the main kernels, jvk vs reference, at the same element counts as the float ones. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class DoublesBench {
    @Param({"1024", "262144", "16777216"})
    int n;
    double[] x;
    double[] y;

    @Setup
    public void setUp() {
        x = Data.doubles(n, 1);
        y = Data.doubles(n, 2);
    }

    @Benchmark
    public double sumJvk() {
        return Reductions.sum(x, 0, n);
    }

    @Benchmark
    public double sumReference() {
        return ReferenceReductions.sum(x, 0, n);
    }

    @Benchmark
    public double dotJvk() {
        return Reductions.dot(x, 0, y, 0, n);
    }

    @Benchmark
    public double dotReference() {
        return ReferenceReductions.dot(x, 0, y, 0, n);
    }

    @Benchmark
    public double maxJvk() {
        return Reductions.max(x, 0, n);
    }

    @Benchmark
    public double maxReference() {
        return ReferenceReductions.max(x, 0, n);
    }

    @Benchmark
    public double nrm2Jvk() {
        return Reductions.nrm2(x, 0, n);
    }

    @Benchmark
    public double nrm2Reference() {
        return ReferenceReductions.nrm2(x, 0, n);
    }

    @Benchmark
    public double logSumExpJvk() {
        return Reductions.logSumExp(x, 0, n);
    }

    @Benchmark
    public double logSumExpReference() {
        return ReferenceReductions.logSumExp(x, 0, n);
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
    public double meanJvk() {
        return Reductions.mean(x, 0, n);
    }

    @Benchmark
    public double meanReference() {
        return ReferenceReductions.mean(x, 0, n);
    }

    @Benchmark
    public double varianceJvk() {
        return Reductions.variance(x, 0, n);
    }

    @Benchmark
    public double varianceReference() {
        return ReferenceReductions.variance(x, 0, n);
    }

    @Benchmark
    public double[] axpyJvk() {
        Vectors.axpy(1e-3, x, 0, y, 0, n);
        return y;
    }

    @Benchmark
    public double[] axpyReference() {
        ReferenceVectors.axpy(1e-3, x, 0, y, 0, n);
        return y;
    }
}
