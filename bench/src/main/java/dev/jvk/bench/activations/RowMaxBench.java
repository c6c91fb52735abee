package dev.jvk.bench.activations;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
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
 * Softmax's first pass, the row maximum, in three formulations over {@code size} floats in cache,
 * each with four accumulators: {@code compareBlend} (what SimdSoftmax uses:
 * {@code m = m.blend(v, v.compare(GT, m))}), {@code lanewiseMax} ({@code m.max(v)}, which must
 * order NaN and ±0 as Math.max does), and {@code sumBaseline} (the same loop with ADD: the speed a
 * one-op-per-element pass can have). Run: {@code org.openjdk.jmh.Main 'activations.RowMaxBench'}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class RowMaxBench {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Param({"1000", "4096"})
    public int size;

    private float[] x;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) random.nextDouble(-8, 8);
        }
    }

    @Benchmark
    public float compareBlend() {
        FloatVector m0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), m1 = m0, m2 = m0, m3 = m0;
        int i = 0;
        for (; i <= size - 4 * L; i += 4 * L) {
            FloatVector v0 = FloatVector.fromArray(S, x, i);
            FloatVector v1 = FloatVector.fromArray(S, x, i + L);
            FloatVector v2 = FloatVector.fromArray(S, x, i + 2 * L);
            FloatVector v3 = FloatVector.fromArray(S, x, i + 3 * L);
            m0 = m0.blend(v0, v0.compare(VectorOperators.GT, m0));
            m1 = m1.blend(v1, v1.compare(VectorOperators.GT, m1));
            m2 = m2.blend(v2, v2.compare(VectorOperators.GT, m2));
            m3 = m3.blend(v3, v3.compare(VectorOperators.GT, m3));
        }
        m0 = m0.blend(m1, m1.compare(VectorOperators.GT, m0));
        m2 = m2.blend(m3, m3.compare(VectorOperators.GT, m2));
        m0 = m0.blend(m2, m2.compare(VectorOperators.GT, m0));
        float m = m0.reduceLanes(VectorOperators.MAX);
        for (; i < size; i++) {
            m = Math.max(m, x[i]);
        }
        return m;
    }

    @Benchmark
    public float lanewiseMax() {
        FloatVector m0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), m1 = m0, m2 = m0, m3 = m0;
        int i = 0;
        for (; i <= size - 4 * L; i += 4 * L) {
            m0 = m0.max(FloatVector.fromArray(S, x, i));
            m1 = m1.max(FloatVector.fromArray(S, x, i + L));
            m2 = m2.max(FloatVector.fromArray(S, x, i + 2 * L));
            m3 = m3.max(FloatVector.fromArray(S, x, i + 3 * L));
        }
        float m = m0.max(m1).max(m2.max(m3)).reduceLanes(VectorOperators.MAX);
        for (; i < size; i++) {
            m = Math.max(m, x[i]);
        }
        return m;
    }

    @Benchmark
    public float sumBaseline() {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        int i = 0;
        for (; i <= size - 4 * L; i += 4 * L) {
            s0 = s0.add(FloatVector.fromArray(S, x, i));
            s1 = s1.add(FloatVector.fromArray(S, x, i + L));
            s2 = s2.add(FloatVector.fromArray(S, x, i + 2 * L));
            s3 = s3.add(FloatVector.fromArray(S, x, i + 3 * L));
        }
        float s = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; i < size; i++) {
            s += x[i];
        }
        return s;
    }
}
