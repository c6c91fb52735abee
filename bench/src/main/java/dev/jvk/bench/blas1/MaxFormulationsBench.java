package dev.jvk.bench.blas1;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
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
 * Which formulation of a float max reduction is fastest, among those that can be made bitwise equal
 * to a {@code Math.max} loop (NaN wins, +0 over -0): the Vector API's lanewise MAX (Java semantics
 * in the instruction sequence), compare + blend with NaN tracked apart, and a max over integer keys
 * that order floats as numbers. The winner went into {@code SimdReductions.max}. Run:
 * {@code java --add-modules jdk.incubator.vector -cp "bench/target/classes:bench/target/lib/*" org.openjdk.jmh.Main MaxFormulations}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MaxFormulationsBench {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final int L = F.length();

    @Param({"1024", "262144"})
    int n;
    float[] x;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(7);
        x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextGaussian();
        }
    }

    @Benchmark
    public float plainMathMax() {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, x[i]);
        }
        return m;
    }

    @Benchmark
    public float lanewiseMax() {
        FloatVector m0 = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY), m1 = m0, m2 = m0, m3 = m0;
        int i = 0;
        for (; i <= n - 4 * L; i += 4 * L) {
            m0 = m0.lanewise(VectorOperators.MAX, FloatVector.fromArray(F, x, i));
            m1 = m1.lanewise(VectorOperators.MAX, FloatVector.fromArray(F, x, i + L));
            m2 = m2.lanewise(VectorOperators.MAX, FloatVector.fromArray(F, x, i + 2 * L));
            m3 = m3.lanewise(VectorOperators.MAX, FloatVector.fromArray(F, x, i + 3 * L));
        }
        return m0.max(m1).max(m2.max(m3)).reduceLanes(VectorOperators.MAX);
    }

    /** v > m then blend: skips NaN and keeps the first of +-0, so NaN is tracked in a mask. */
    @Benchmark
    public float compareBlendNanMask() {
        FloatVector m0 = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY), m1 = m0, m2 = m0, m3 = m0;
        VectorMask<Float> nan = F.maskAll(false);
        int i = 0;
        for (; i <= n - 4 * L; i += 4 * L) {
            FloatVector v0 = FloatVector.fromArray(F, x, i);
            FloatVector v1 = FloatVector.fromArray(F, x, i + L);
            FloatVector v2 = FloatVector.fromArray(F, x, i + 2 * L);
            FloatVector v3 = FloatVector.fromArray(F, x, i + 3 * L);
            m0 = m0.blend(v0, v0.compare(VectorOperators.GT, m0));
            m1 = m1.blend(v1, v1.compare(VectorOperators.GT, m1));
            m2 = m2.blend(v2, v2.compare(VectorOperators.GT, m2));
            m3 = m3.blend(v3, v3.compare(VectorOperators.GT, m3));
            nan = nan.or(v0.compare(VectorOperators.NE, v0)).or(v1.compare(VectorOperators.NE, v1))
                    .or(v2.compare(VectorOperators.NE, v2)).or(v3.compare(VectorOperators.NE, v3));
        }
        float m = m0.max(m1).max(m2.max(m3)).reduceLanes(VectorOperators.MAX);
        return nan.anyTrue() ? Float.NaN : m;
    }

    /** As above, with NaN found by a running sum of v - v (NaN for NaN and for infinities). */
    @Benchmark
    public float compareBlendNanSum() {
        FloatVector m0 = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY), m1 = m0, m2 = m0, m3 = m0;
        FloatVector special = FloatVector.zero(F);
        int i = 0;
        for (; i <= n - 4 * L; i += 4 * L) {
            FloatVector v0 = FloatVector.fromArray(F, x, i);
            FloatVector v1 = FloatVector.fromArray(F, x, i + L);
            FloatVector v2 = FloatVector.fromArray(F, x, i + 2 * L);
            FloatVector v3 = FloatVector.fromArray(F, x, i + 3 * L);
            m0 = m0.blend(v0, v0.compare(VectorOperators.GT, m0));
            m1 = m1.blend(v1, v1.compare(VectorOperators.GT, m1));
            m2 = m2.blend(v2, v2.compare(VectorOperators.GT, m2));
            m3 = m3.blend(v3, v3.compare(VectorOperators.GT, m3));
            special = special.add(v0.mul(0f)).add(v1.mul(0f)).add(v2.mul(0f)).add(v3.mul(0f));
        }
        float m = m0.max(m1).max(m2.max(m3)).reduceLanes(VectorOperators.MAX);
        return special.reduceLanes(VectorOperators.ADD) != 0 ? Float.NaN : m;
    }

    /**
     * Raw bits, three integer accumulators: signed max (the largest non-negative float), signed min
     * (the negative of least magnitude, when all are negative), unsigned max (flags a negative NaN).
     * One integer op per accumulator and vector, no key arithmetic.
     */
    @Benchmark
    public float rawBitsThreeWay() {
        IntVector s0 = IntVector.broadcast(I, Integer.MIN_VALUE), s1 = s0;
        IntVector t0 = IntVector.broadcast(I, Integer.MAX_VALUE), t1 = t0;
        IntVector u0 = IntVector.zero(I), u1 = u0;
        int i = 0;
        for (; i <= n - 2 * L; i += 2 * L) {
            IntVector b0 = FloatVector.fromArray(F, x, i).reinterpretAsInts();
            IntVector b1 = FloatVector.fromArray(F, x, i + L).reinterpretAsInts();
            s0 = s0.max(b0);
            s1 = s1.max(b1);
            t0 = t0.min(b0);
            t1 = t1.min(b1);
            u0 = u0.lanewise(VectorOperators.UMAX, b0);
            u1 = u1.lanewise(VectorOperators.UMAX, b1);
        }
        int smax = s0.max(s1).reduceLanes(VectorOperators.MAX);
        int smin = t0.min(t1).reduceLanes(VectorOperators.MIN);
        int umax = unsignedMax(u0.lanewise(VectorOperators.UMAX, u1));
        if (smax > 0x7F800000 || Integer.compareUnsigned(umax, 0xFF800000) > 0) {
            return Float.NaN;
        }
        return Float.intBitsToFloat(smax >= 0 ? smax : smin);
    }

    /** The same, four vectors per step (twelve accumulators). */
    @Benchmark
    public float rawBitsThreeWayUnroll4() {
        IntVector s0 = IntVector.broadcast(I, Integer.MIN_VALUE), s1 = s0, s2 = s0, s3 = s0;
        IntVector t0 = IntVector.broadcast(I, Integer.MAX_VALUE), t1 = t0, t2 = t0, t3 = t0;
        IntVector u0 = IntVector.zero(I), u1 = u0, u2 = u0, u3 = u0;
        int i = 0;
        for (; i <= n - 4 * L; i += 4 * L) {
            IntVector b0 = FloatVector.fromArray(F, x, i).reinterpretAsInts();
            IntVector b1 = FloatVector.fromArray(F, x, i + L).reinterpretAsInts();
            IntVector b2 = FloatVector.fromArray(F, x, i + 2 * L).reinterpretAsInts();
            IntVector b3 = FloatVector.fromArray(F, x, i + 3 * L).reinterpretAsInts();
            s0 = s0.max(b0); s1 = s1.max(b1); s2 = s2.max(b2); s3 = s3.max(b3);
            t0 = t0.min(b0); t1 = t1.min(b1); t2 = t2.min(b2); t3 = t3.min(b3);
            u0 = u0.lanewise(VectorOperators.UMAX, b0); u1 = u1.lanewise(VectorOperators.UMAX, b1);
            u2 = u2.lanewise(VectorOperators.UMAX, b2); u3 = u3.lanewise(VectorOperators.UMAX, b3);
        }
        int smax = s0.max(s1).max(s2.max(s3)).reduceLanes(VectorOperators.MAX);
        int smin = t0.min(t1).min(t2.min(t3)).reduceLanes(VectorOperators.MIN);
        int umax = unsignedMax(u0.lanewise(VectorOperators.UMAX, u1).lanewise(VectorOperators.UMAX, u2.lanewise(VectorOperators.UMAX, u3)));
        if (smax > 0x7F800000 || Integer.compareUnsigned(umax, 0xFF800000) > 0) {
            return Float.NaN;
        }
        return Float.intBitsToFloat(smax >= 0 ? smax : smin);
    }

    /** reduceLanes(UMAX) is not intrinsified in JDK 25 (it allocates); flipping the sign bit turns it into MAX. */
    private static int unsignedMax(IntVector v) {
        return v.lanewise(VectorOperators.XOR, Integer.MIN_VALUE).reduceLanes(VectorOperators.MAX) ^ Integer.MIN_VALUE;
    }

    /** Not a max: a four-accumulator sum, the ADD speed the max formulations are measured against. */
    @Benchmark
    public float sumBaseline() {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i <= n - 4 * L; i += 4 * L) {
            a0 = a0.add(FloatVector.fromArray(F, x, i));
            a1 = a1.add(FloatVector.fromArray(F, x, i + L));
            a2 = a2.add(FloatVector.fromArray(F, x, i + 2 * L));
            a3 = a3.add(FloatVector.fromArray(F, x, i + 3 * L));
        }
        return a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
    }

    /** Floats as integer keys ordered like the numbers (-0 < +0); integer MAX is one instruction. */
    @Benchmark
    public float integerKeys() {
        IntVector hi0 = IntVector.broadcast(I, Integer.MIN_VALUE), hi1 = hi0;
        IntVector lo0 = IntVector.broadcast(I, Integer.MAX_VALUE), lo1 = lo0;
        int i = 0;
        for (; i <= n - 2 * L; i += 2 * L) {
            IntVector k0 = key(FloatVector.fromArray(F, x, i));
            IntVector k1 = key(FloatVector.fromArray(F, x, i + L));
            hi0 = hi0.max(k0);
            hi1 = hi1.max(k1);
            lo0 = lo0.min(k0);
            lo1 = lo1.min(k1);
        }
        int hi = hi0.max(hi1).reduceLanes(VectorOperators.MAX);
        int lo = lo0.min(lo1).reduceLanes(VectorOperators.MIN);
        return lo < 0x807FFFFF ? Float.NaN : Float.intBitsToFloat(hi ^ ((hi >> 31) >>> 1));
    }

    private static IntVector key(FloatVector v) {
        IntVector bits = v.reinterpretAsInts();
        return bits.lanewise(VectorOperators.XOR, bits.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.LSHR, 1));
    }
}
