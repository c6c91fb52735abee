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
 * Forward activations, y = f(x) over {@code size} floats: {@code jvk} (the public entry point, the
 * Vector API kernel), {@code reference} (the scalar twin: Math.exp, Math.tanh, ... in double) and
 * {@code plain} (the loop a user would write in float: {@code Math.max(0f, x)},
 * {@code (float) Math.exp(x)}, ...; C2 auto-vectorizes the relu ones), plus {@code stream}, a STREAM
 * copy of the same arrays in the same run: the ceiling of the memory-bound sizes (an activation moves
 * the bytes of a copy: read x, write y).
 *
 * <p>Sizes: 1K floats (L1), 256K (L2/L3: 2 MiB of traffic), 16M (DRAM). The kernel is picked in
 * {@code @Setup}, so each fork sees one monomorphic call. Run:
 * {@code org.openjdk.jmh.Main 'activations.ActivationsBench' -p op=exp,tanh -p size=1024}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ActivationsBench {
    @Param({"relu", "leakyRelu", "exp", "log", "sigmoid", "tanh", "silu", "softplus", "geluTanh", "geluErf"})
    public String op;

    @Param({"1024", "262144", "16777216"})
    public int size;

    private float[] x;
    private float[] y;
    private Kernel jvk;
    private Kernel reference;
    private Kernel plain;

    @FunctionalInterface
    interface Kernel {
        void apply(float[] x, float[] y, int n);
    }

    @Setup
    public void setUp() {
        x = Inputs.forOp(op, size, 42);
        y = new float[size];
        jvk = jvk(op);
        reference = reference(op);
        plain = plain(op);
    }

    @Benchmark
    public void jvk() {
        jvk.apply(x, y, size);
    }

    @Benchmark
    public void reference() {
        reference.apply(x, y, size);
    }

    @Benchmark
    public void plain() {
        plain.apply(x, y, size);
    }

    /** STREAM copy of the same arrays: the bandwidth an x -> y operation can reach. */
    @Benchmark
    public void stream() {
        System.arraycopy(x, 0, y, 0, size);
    }

    static Kernel jvk(String op) {
        return switch (op) {
            case "relu" -> (x, y, n) -> Activations.relu(x, 0, y, 0, n);
            case "leakyRelu" -> (x, y, n) -> Activations.leakyRelu(0.01f, x, 0, y, 0, n);
            case "exp" -> (x, y, n) -> Activations.exp(x, 0, y, 0, n);
            case "log" -> (x, y, n) -> Activations.log(x, 0, y, 0, n);
            case "sigmoid" -> (x, y, n) -> Activations.sigmoid(x, 0, y, 0, n);
            case "tanh" -> (x, y, n) -> Activations.tanh(x, 0, y, 0, n);
            case "silu" -> (x, y, n) -> Activations.silu(x, 0, y, 0, n);
            case "softplus" -> (x, y, n) -> Activations.softplus(x, 0, y, 0, n);
            case "geluTanh" -> (x, y, n) -> Activations.geluTanh(x, 0, y, 0, n);
            case "geluErf" -> (x, y, n) -> Activations.geluErf(x, 0, y, 0, n);
            default -> throw new IllegalArgumentException(op);
        };
    }

    static Kernel reference(String op) {
        return switch (op) {
            case "relu" -> (x, y, n) -> ReferenceActivations.relu(x, 0, y, 0, n);
            case "leakyRelu" -> (x, y, n) -> ReferenceActivations.leakyRelu(0.01f, x, 0, y, 0, n);
            case "exp" -> (x, y, n) -> ReferenceActivations.exp(x, 0, y, 0, n);
            case "log" -> (x, y, n) -> ReferenceActivations.log(x, 0, y, 0, n);
            case "sigmoid" -> (x, y, n) -> ReferenceActivations.sigmoid(x, 0, y, 0, n);
            case "tanh" -> (x, y, n) -> ReferenceActivations.tanh(x, 0, y, 0, n);
            case "silu" -> (x, y, n) -> ReferenceActivations.silu(x, 0, y, 0, n);
            case "softplus" -> (x, y, n) -> ReferenceActivations.softplus(x, 0, y, 0, n);
            case "geluTanh" -> (x, y, n) -> ReferenceActivations.geluTanh(x, 0, y, 0, n);
            case "geluErf" -> (x, y, n) -> ReferenceActivations.geluErf(x, 0, y, 0, n);
            default -> throw new IllegalArgumentException(op);
        };
    }

    /** The float loops a user would write (no accuracy promise; geluErf has no Math.erf, so it uses the tanh form's cost). */
    static Kernel plain(String op) {
        return switch (op) {
            case "relu" -> (x, y, n) -> {
                for (int i = 0; i < n; i++) {
                    y[i] = Math.max(0f, x[i]);
                }
            };
            case "leakyRelu" -> (x, y, n) -> {
                for (int i = 0; i < n; i++) {
                    y[i] = x[i] > 0 ? x[i] : 0.01f * x[i];
                }
            };
            case "exp" -> (x, y, n) -> {
                for (int i = 0; i < n; i++) {
                    y[i] = (float) Math.exp(x[i]);
                }
            };
            case "log" -> (x, y, n) -> {
                for (int i = 0; i < n; i++) {
                    y[i] = (float) Math.log(x[i]);
                }
            };
            case "sigmoid" -> (x, y, n) -> {
                for (int i = 0; i < n; i++) {
                    y[i] = 1f / (1f + (float) Math.exp(-x[i]));
                }
            };
            case "tanh" -> (x, y, n) -> {
                for (int i = 0; i < n; i++) {
                    y[i] = (float) Math.tanh(x[i]);
                }
            };
            case "silu" -> (x, y, n) -> {
                for (int i = 0; i < n; i++) {
                    y[i] = x[i] / (1f + (float) Math.exp(-x[i]));
                }
            };
            case "softplus" -> (x, y, n) -> {
                for (int i = 0; i < n; i++) {
                    y[i] = (float) Math.log1p(Math.exp(x[i]));
                }
            };
            case "geluTanh", "geluErf" -> (x, y, n) -> {
                for (int i = 0; i < n; i++) {
                    float v = x[i];
                    y[i] = 0.5f * v * (1f + (float) Math.tanh(0.7978846f * (v + 0.044715f * v * v * v)));
                }
            };
            default -> throw new IllegalArgumentException(op);
        };
    }
}
