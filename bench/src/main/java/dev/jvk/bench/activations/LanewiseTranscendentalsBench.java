package dev.jvk.bench.activations;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
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
 * jvk's own exp, tanh and log ({@code jvk}: range reduction + polynomial from exactly rounded lane
 * operations) against the Vector API's lanewise {@code VectorOperators.EXP / TANH / LOG}
 * ({@code lanewise}: in JDK 25 a call into the JDK's native vector math library once C2 has compiled
 * the caller, {@code Math.exp} per lane before), and the scalar reference. The lanewise operators are
 * measured, not shipped: their results change with the JIT tier (DESIGN.md). Same species width as
 * jvk (the preferred one). Run: {@code org.openjdk.jmh.Main 'activations.LanewiseTranscendentalsBench'}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class LanewiseTranscendentalsBench {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    @Param({"exp", "tanh", "log"})
    public String op;

    @Param({"1024", "262144"})
    public int size;

    private float[] x;
    private float[] y;
    private ActivationsBench.Kernel jvk;
    private ActivationsBench.Kernel reference;
    private VectorOperators.Unary lanewiseOp;

    @Setup
    public void setUp() {
        x = Inputs.forOp(op, size, 42);
        y = new float[size];
        jvk = ActivationsBench.jvk(op);
        reference = ActivationsBench.reference(op);
        lanewiseOp = switch (op) {
            case "exp" -> VectorOperators.EXP;
            case "tanh" -> VectorOperators.TANH;
            case "log" -> VectorOperators.LOG;
            default -> throw new IllegalArgumentException(op);
        };
    }

    @Benchmark
    public void jvk() {
        jvk.apply(x, y, size);
    }

    @Benchmark
    public void reference() {
        reference.apply(x, y, size);
    }

    /** The Vector API's own transcendental, the loop jvk's kernels use around it. */
    @Benchmark
    public void lanewise() {
        int i = 0;
        for (; i <= size - S.length(); i += S.length()) {
            FloatVector.fromArray(S, x, i).lanewise(lanewiseOp).intoArray(y, i);
        }
        if (i < size) {
            VectorMask<Float> m = S.indexInRange(i, size);
            FloatVector.fromArray(S, x, i, m).lanewise(lanewiseOp).intoArray(y, i, m);
        }
    }
}
