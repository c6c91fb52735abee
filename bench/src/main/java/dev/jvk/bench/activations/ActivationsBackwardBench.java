package dev.jvk.bench.activations;

import dev.jvk.kernels.Activations;
import dev.jvk.kernels.reference.ReferenceActivations;
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
 * Backward activations, dx = dy * f'(.) over {@code size} floats: {@code jvk} and {@code reference},
 * and a STREAM triad over the same three arrays ({@code stream}: what a (x, dy) -> dx pass can reach
 * from memory). Run: {@code org.openjdk.jmh.Main 'activations.ActivationsBackwardBench'}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ActivationsBackwardBench {
    @Param({"reluBackward", "leakyReluBackward", "sigmoidBackward", "tanhBackward", "siluBackward",
            "softplusBackward", "geluTanhBackward", "geluErfBackward"})
    public String op;

    @Param({"1024", "262144", "16777216"})
    public int size;

    private float[] in;
    private float[] dy;
    private float[] dx;
    private Kernel jvk;
    private Kernel reference;

    @FunctionalInterface
    interface Kernel {
        void apply(float[] in, float[] dy, float[] dx, int n);
    }

    @Setup
    public void setUp() {
        in = Inputs.forOp(op, size, 42);
        dy = Inputs.forOp("dy", size, 43);
        dx = new float[size];
        jvk = switch (op) {
            case "reluBackward" -> (a, g, d, n) -> Activations.reluBackward(a, 0, g, 0, d, 0, n);
            case "leakyReluBackward" -> (a, g, d, n) -> Activations.leakyReluBackward(0.01f, a, 0, g, 0, d, 0, n);
            case "sigmoidBackward" -> (a, g, d, n) -> Activations.sigmoidBackward(a, 0, g, 0, d, 0, n);
            case "tanhBackward" -> (a, g, d, n) -> Activations.tanhBackward(a, 0, g, 0, d, 0, n);
            case "siluBackward" -> (a, g, d, n) -> Activations.siluBackward(a, 0, g, 0, d, 0, n);
            case "softplusBackward" -> (a, g, d, n) -> Activations.softplusBackward(a, 0, g, 0, d, 0, n);
            case "geluTanhBackward" -> (a, g, d, n) -> Activations.geluTanhBackward(a, 0, g, 0, d, 0, n);
            case "geluErfBackward" -> (a, g, d, n) -> Activations.geluErfBackward(a, 0, g, 0, d, 0, n);
            default -> throw new IllegalArgumentException(op);
        };
        reference = switch (op) {
            case "reluBackward" -> (a, g, d, n) -> ReferenceActivations.reluBackward(a, 0, g, 0, d, 0, n);
            case "leakyReluBackward" -> (a, g, d, n) -> ReferenceActivations.leakyReluBackward(0.01f, a, 0, g, 0, d, 0, n);
            case "sigmoidBackward" -> (a, g, d, n) -> ReferenceActivations.sigmoidBackward(a, 0, g, 0, d, 0, n);
            case "tanhBackward" -> (a, g, d, n) -> ReferenceActivations.tanhBackward(a, 0, g, 0, d, 0, n);
            case "siluBackward" -> (a, g, d, n) -> ReferenceActivations.siluBackward(a, 0, g, 0, d, 0, n);
            case "softplusBackward" -> (a, g, d, n) -> ReferenceActivations.softplusBackward(a, 0, g, 0, d, 0, n);
            case "geluTanhBackward" -> (a, g, d, n) -> ReferenceActivations.geluTanhBackward(a, 0, g, 0, d, 0, n);
            case "geluErfBackward" -> (a, g, d, n) -> ReferenceActivations.geluErfBackward(a, 0, g, 0, d, 0, n);
            default -> throw new IllegalArgumentException(op);
        };
    }

    @Benchmark
    public void jvk() {
        jvk.apply(in, dy, dx, size);
    }

    @Benchmark
    public void reference() {
        reference.apply(in, dy, dx, size);
    }

    /** STREAM triad over the same arrays: dx = dy + q * in. */
    @Benchmark
    public void stream() {
        float[] a = in, g = dy, d = dx;
        for (int i = 0; i < size; i++) {
            d[i] = g[i] + 3f * a[i];
        }
    }
}
