package dev.jvk.bench.blas1;

import dev.jvk.kernels.Reductions;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
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
 * How many accumulators a dot product wants here, what the final horizontal sum costs, and how much
 * the alignment of the data matters: jvk's dot (four accumulators, pairwise lane tree) beside
 * Lucene's {@code VectorUtil.dotProduct} and bench-local variants with two and eight accumulators,
 * with {@code reduceLanes(ADD)} (whose order, hence result, may differ between JIT tiers), with
 * 256-bit vectors (eight accumulators: the same bytes per step), and jvk's dot on the same data
 * shifted by 4, 8 and 12 floats (16, 32, 48 bytes: Java arrays are only 8-byte aligned, so a 64-byte
 * load usually spans two cache lines). Only the choice made in {@code SimdReductions} ships; these
 * variants exist to justify it. Run: {@code AccumulatorsBench -p n=1024,4096 -wi 5 -w 1s -i 5 -r 1s}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class AccumulatorsBench {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();

    @Param({"1024", "4096", "65536"})
    int n;
    float[] x;
    float[] y;
    /** x and y again with 16 more elements, for the shifted runs. */
    float[] xPadded;
    float[] yPadded;

    @Setup
    public void setUp() {
        x = Data.floats(n, 1);
        y = Data.floats(n, 2);
        xPadded = Data.floats(n + 16, 1);
        yPadded = Data.floats(n + 16, 2);
    }

    @Benchmark
    public float dotLucene() {
        return VectorUtil.dotProduct(x, y);
    }

    @Benchmark
    public float dotJvkPaddedShift0() {
        return Reductions.dot(xPadded, 0, yPadded, 0, n);
    }

    @Benchmark
    public float dotJvkPaddedShift4() {
        return Reductions.dot(xPadded, 4, yPadded, 4, n);
    }

    @Benchmark
    public float dotJvkPaddedShift8() {
        return Reductions.dot(xPadded, 8, yPadded, 8, n);
    }

    @Benchmark
    public float dotJvkPaddedShift12() {
        return Reductions.dot(xPadded, 12, yPadded, 12, n);
    }

    @Benchmark
    public float dotTwoAccumulatorsReduceLanes() {
        FloatVector a0 = FloatVector.zero(F), a1 = a0;
        for (int i = 0; i <= n - 2 * L; i += 2 * L) {
            a0 = FloatVector.fromArray(F, x, i).fma(FloatVector.fromArray(F, y, i), a0);
            a1 = FloatVector.fromArray(F, x, i + L).fma(FloatVector.fromArray(F, y, i + L), a1);
        }
        return a0.add(a1).reduceLanes(VectorOperators.ADD);
    }

    @Benchmark
    public float dot256BitEightAccumulatorsReduceLanes() {
        VectorSpecies<Float> h = FloatVector.SPECIES_256;
        int l = h.length();
        FloatVector a0 = FloatVector.zero(h), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int i = 0; i <= n - 8 * l; i += 8 * l) {
            a0 = FloatVector.fromArray(h, x, i).fma(FloatVector.fromArray(h, y, i), a0);
            a1 = FloatVector.fromArray(h, x, i + l).fma(FloatVector.fromArray(h, y, i + l), a1);
            a2 = FloatVector.fromArray(h, x, i + 2 * l).fma(FloatVector.fromArray(h, y, i + 2 * l), a2);
            a3 = FloatVector.fromArray(h, x, i + 3 * l).fma(FloatVector.fromArray(h, y, i + 3 * l), a3);
            a4 = FloatVector.fromArray(h, x, i + 4 * l).fma(FloatVector.fromArray(h, y, i + 4 * l), a4);
            a5 = FloatVector.fromArray(h, x, i + 5 * l).fma(FloatVector.fromArray(h, y, i + 5 * l), a5);
            a6 = FloatVector.fromArray(h, x, i + 6 * l).fma(FloatVector.fromArray(h, y, i + 6 * l), a6);
            a7 = FloatVector.fromArray(h, x, i + 7 * l).fma(FloatVector.fromArray(h, y, i + 7 * l), a7);
        }
        return a0.add(a1).add(a2.add(a3)).add(a4.add(a5).add(a6.add(a7))).reduceLanes(VectorOperators.ADD);
    }

    @Benchmark
    public float dotJvkFourAccumulators() {
        return Reductions.dot(x, 0, y, 0, n);
    }

    @Benchmark
    public float dotFourAccumulatorsReduceLanes() {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        for (int i = 0; i <= n - 4 * L; i += 4 * L) {
            a0 = FloatVector.fromArray(F, x, i).fma(FloatVector.fromArray(F, y, i), a0);
            a1 = FloatVector.fromArray(F, x, i + L).fma(FloatVector.fromArray(F, y, i + L), a1);
            a2 = FloatVector.fromArray(F, x, i + 2 * L).fma(FloatVector.fromArray(F, y, i + 2 * L), a2);
            a3 = FloatVector.fromArray(F, x, i + 3 * L).fma(FloatVector.fromArray(F, y, i + 3 * L), a3);
        }
        return a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
    }

    @Benchmark
    public float dotEightAccumulatorsReduceLanes() {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int i = 0; i <= n - 8 * L; i += 8 * L) {
            a0 = FloatVector.fromArray(F, x, i).fma(FloatVector.fromArray(F, y, i), a0);
            a1 = FloatVector.fromArray(F, x, i + L).fma(FloatVector.fromArray(F, y, i + L), a1);
            a2 = FloatVector.fromArray(F, x, i + 2 * L).fma(FloatVector.fromArray(F, y, i + 2 * L), a2);
            a3 = FloatVector.fromArray(F, x, i + 3 * L).fma(FloatVector.fromArray(F, y, i + 3 * L), a3);
            a4 = FloatVector.fromArray(F, x, i + 4 * L).fma(FloatVector.fromArray(F, y, i + 4 * L), a4);
            a5 = FloatVector.fromArray(F, x, i + 5 * L).fma(FloatVector.fromArray(F, y, i + 5 * L), a5);
            a6 = FloatVector.fromArray(F, x, i + 6 * L).fma(FloatVector.fromArray(F, y, i + 6 * L), a6);
            a7 = FloatVector.fromArray(F, x, i + 7 * L).fma(FloatVector.fromArray(F, y, i + 7 * L), a7);
        }
        return a0.add(a1).add(a2.add(a3)).add(a4.add(a5).add(a6.add(a7))).reduceLanes(VectorOperators.ADD);
    }

    @Benchmark
    public float sumJvkFourAccumulators() {
        return Reductions.sum(x, 0, n);
    }

    @Benchmark
    public float sumEightAccumulatorsReduceLanes() {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int i = 0; i <= n - 8 * L; i += 8 * L) {
            a0 = a0.add(FloatVector.fromArray(F, x, i));
            a1 = a1.add(FloatVector.fromArray(F, x, i + L));
            a2 = a2.add(FloatVector.fromArray(F, x, i + 2 * L));
            a3 = a3.add(FloatVector.fromArray(F, x, i + 3 * L));
            a4 = a4.add(FloatVector.fromArray(F, x, i + 4 * L));
            a5 = a5.add(FloatVector.fromArray(F, x, i + 5 * L));
            a6 = a6.add(FloatVector.fromArray(F, x, i + 6 * L));
            a7 = a7.add(FloatVector.fromArray(F, x, i + 7 * L));
        }
        return a0.add(a1).add(a2.add(a3)).add(a4.add(a5).add(a6.add(a7))).reduceLanes(VectorOperators.ADD);
    }
}
