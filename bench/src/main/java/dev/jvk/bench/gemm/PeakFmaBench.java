package dev.jvk.bench.gemm;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The FMA ceiling of the Vector API on this core: 16 independent accumulators (enough to cover the
 * FMA latency of two pipes), each a chain of fused multiply-adds, nothing loaded. The score is
 * vector FMAs per second ({@link OperationsPerInvocation}); GFLOP/s = score * 2 * lanes / 1e9,
 * with 16 float or 8 double lanes at 512 bits. The GEMM tables quote their share of it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class PeakFmaBench {
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;
    private static final int STEPS = 4096;
    private static final int ACCUMULATORS = 16;

    public float x = 0.999f;
    public float y = 0.001f;

    @Benchmark
    @OperationsPerInvocation(STEPS * ACCUMULATORS)
    public float floatFmas() {
        FloatVector vx = FloatVector.broadcast(FLOATS, x);
        FloatVector vy = FloatVector.broadcast(FLOATS, y);
        FloatVector a0 = FloatVector.broadcast(FLOATS, 0.1f), a1 = a0.add(1), a2 = a0.add(2), a3 = a0.add(3);
        FloatVector a4 = a0.add(4), a5 = a0.add(5), a6 = a0.add(6), a7 = a0.add(7);
        FloatVector a8 = a0.add(8), a9 = a0.add(9), a10 = a0.add(10), a11 = a0.add(11);
        FloatVector a12 = a0.add(12), a13 = a0.add(13), a14 = a0.add(14), a15 = a0.add(15);
        for (int i = 0; i < STEPS; i++) {
            a0 = a0.fma(vx, vy);
            a1 = a1.fma(vx, vy);
            a2 = a2.fma(vx, vy);
            a3 = a3.fma(vx, vy);
            a4 = a4.fma(vx, vy);
            a5 = a5.fma(vx, vy);
            a6 = a6.fma(vx, vy);
            a7 = a7.fma(vx, vy);
            a8 = a8.fma(vx, vy);
            a9 = a9.fma(vx, vy);
            a10 = a10.fma(vx, vy);
            a11 = a11.fma(vx, vy);
            a12 = a12.fma(vx, vy);
            a13 = a13.fma(vx, vy);
            a14 = a14.fma(vx, vy);
            a15 = a15.fma(vx, vy);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7)
                .add(a8).add(a9).add(a10).add(a11).add(a12).add(a13).add(a14).add(a15).reduceLanes(VectorOperators.ADD);
    }

    @Benchmark
    @OperationsPerInvocation(STEPS * ACCUMULATORS)
    public double doubleFmas() {
        DoubleVector vx = DoubleVector.broadcast(DOUBLES, x);
        DoubleVector vy = DoubleVector.broadcast(DOUBLES, y);
        DoubleVector a0 = DoubleVector.broadcast(DOUBLES, 0.1), a1 = a0.add(1), a2 = a0.add(2), a3 = a0.add(3);
        DoubleVector a4 = a0.add(4), a5 = a0.add(5), a6 = a0.add(6), a7 = a0.add(7);
        DoubleVector a8 = a0.add(8), a9 = a0.add(9), a10 = a0.add(10), a11 = a0.add(11);
        DoubleVector a12 = a0.add(12), a13 = a0.add(13), a14 = a0.add(14), a15 = a0.add(15);
        for (int i = 0; i < STEPS; i++) {
            a0 = a0.fma(vx, vy);
            a1 = a1.fma(vx, vy);
            a2 = a2.fma(vx, vy);
            a3 = a3.fma(vx, vy);
            a4 = a4.fma(vx, vy);
            a5 = a5.fma(vx, vy);
            a6 = a6.fma(vx, vy);
            a7 = a7.fma(vx, vy);
            a8 = a8.fma(vx, vy);
            a9 = a9.fma(vx, vy);
            a10 = a10.fma(vx, vy);
            a11 = a11.fma(vx, vy);
            a12 = a12.fma(vx, vy);
            a13 = a13.fma(vx, vy);
            a14 = a14.fma(vx, vy);
            a15 = a15.fma(vx, vy);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7)
                .add(a8).add(a9).add(a10).add(a11).add(a12).add(a13).add(a14).add(a15).reduceLanes(VectorOperators.ADD);
    }
}
