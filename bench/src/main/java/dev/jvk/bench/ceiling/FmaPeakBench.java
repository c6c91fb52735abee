package dev.jvk.bench.ceiling;

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
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The FMA ceiling: how many floating-point operations per second the Vector API sustains on one
 * thread (or on each of JMH's threads), per vector width.
 *
 * <p>Each call runs {@link #REPS} steps of {@code acc = acc * m + c} on {@link #ACCUMULATORS}
 * independent vector accumulators: 16 chains hide the FMA latency (4 cycles) on two FMA pipes
 * with room to spare, and stay within the 32 vector registers, so nothing spills. {@code m} and
 * {@code c} come from the state (no constant folding); {@code acc} converges to {@code c/(1-m)}, so
 * no value overflows or turns subnormal. Each step is one multiply and one add per lane: the
 * flop count per call is {@link #flopsPerCall(String)}.
 *
 * <p>Method names are {@code float|double} and the width in bits. Widths wider than the
 * machine's preferred species are not intrinsified (they would measure boxing): the bench command
 * runs only the widths up to {@code FloatVector.SPECIES_PREFERRED}.
 *
 * <p>Run alone: {@code org.openjdk.jmh.Main 'ceiling.FmaPeakBench.float512'}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class FmaPeakBench {
    /** Independent accumulators per call. */
    public static final int ACCUMULATORS = 16;
    /** FMA steps per accumulator per call. */
    public static final int REPS = 1024;

    private final float[] floatInputs = {0.999f, 0.001f, 0.5f};
    private final double[] doubleInputs = {0.999, 0.001, 0.5};

    /**
     * Floating-point operations in one call of the named benchmark method, e.g. {@code "float512"}:
     * {@code 2 * lanes * ACCUMULATORS * REPS}.
     *
     * @throws IllegalArgumentException for a name that is not a method of this class
     */
    public static long flopsPerCall(String method) {
        int bits = widthOf(method);
        int lanes = bits / (method.startsWith("float") ? Float.SIZE : Double.SIZE);
        return 2L * lanes * ACCUMULATORS * REPS;
    }

    /** The vector width in bits a method name such as {@code "double256"} measures. */
    public static int widthOf(String method) {
        String bits = method.startsWith("float") ? method.substring(5)
                : method.startsWith("double") ? method.substring(6) : "";
        return switch (bits) {
            case "128" -> 128;
            case "256" -> 256;
            case "512" -> 512;
            default -> throw new IllegalArgumentException("not an FMA peak benchmark: " + method);
        };
    }

    // One method per width with the species written out: C2 intrinsifies vector operations only
    // where the species is a constant. A shared helper taking the species is compiled on its own
    // (its loop gets hot inside one call) and then not inlined, and every vector is boxed: the
    // "peak" came out a thousand times too low. So the six bodies below are deliberately alike.

    @Benchmark
    public float float128() {
        VectorSpecies<Float> s = FloatVector.SPECIES_128;
        FloatVector m = FloatVector.broadcast(s, floatInputs[0]);
        FloatVector c = FloatVector.broadcast(s, floatInputs[1]);
        FloatVector a0 = FloatVector.broadcast(s, floatInputs[2]);
        FloatVector a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        FloatVector a8 = a0, a9 = a0, a10 = a0, a11 = a0, a12 = a0, a13 = a0, a14 = a0, a15 = a0;
        for (int i = 0; i < REPS; i++) {
            a0 = a0.fma(m, c); a1 = a1.fma(m, c); a2 = a2.fma(m, c); a3 = a3.fma(m, c);
            a4 = a4.fma(m, c); a5 = a5.fma(m, c); a6 = a6.fma(m, c); a7 = a7.fma(m, c);
            a8 = a8.fma(m, c); a9 = a9.fma(m, c); a10 = a10.fma(m, c); a11 = a11.fma(m, c);
            a12 = a12.fma(m, c); a13 = a13.fma(m, c); a14 = a14.fma(m, c); a15 = a15.fma(m, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7)
                .add(a8).add(a9).add(a10).add(a11).add(a12).add(a13).add(a14).add(a15)
                .reduceLanes(VectorOperators.ADD);
    }

    @Benchmark
    public float float256() {
        VectorSpecies<Float> s = FloatVector.SPECIES_256;
        FloatVector m = FloatVector.broadcast(s, floatInputs[0]);
        FloatVector c = FloatVector.broadcast(s, floatInputs[1]);
        FloatVector a0 = FloatVector.broadcast(s, floatInputs[2]);
        FloatVector a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        FloatVector a8 = a0, a9 = a0, a10 = a0, a11 = a0, a12 = a0, a13 = a0, a14 = a0, a15 = a0;
        for (int i = 0; i < REPS; i++) {
            a0 = a0.fma(m, c); a1 = a1.fma(m, c); a2 = a2.fma(m, c); a3 = a3.fma(m, c);
            a4 = a4.fma(m, c); a5 = a5.fma(m, c); a6 = a6.fma(m, c); a7 = a7.fma(m, c);
            a8 = a8.fma(m, c); a9 = a9.fma(m, c); a10 = a10.fma(m, c); a11 = a11.fma(m, c);
            a12 = a12.fma(m, c); a13 = a13.fma(m, c); a14 = a14.fma(m, c); a15 = a15.fma(m, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7)
                .add(a8).add(a9).add(a10).add(a11).add(a12).add(a13).add(a14).add(a15)
                .reduceLanes(VectorOperators.ADD);
    }

    @Benchmark
    public float float512() {
        VectorSpecies<Float> s = FloatVector.SPECIES_512;
        FloatVector m = FloatVector.broadcast(s, floatInputs[0]);
        FloatVector c = FloatVector.broadcast(s, floatInputs[1]);
        FloatVector a0 = FloatVector.broadcast(s, floatInputs[2]);
        FloatVector a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        FloatVector a8 = a0, a9 = a0, a10 = a0, a11 = a0, a12 = a0, a13 = a0, a14 = a0, a15 = a0;
        for (int i = 0; i < REPS; i++) {
            a0 = a0.fma(m, c); a1 = a1.fma(m, c); a2 = a2.fma(m, c); a3 = a3.fma(m, c);
            a4 = a4.fma(m, c); a5 = a5.fma(m, c); a6 = a6.fma(m, c); a7 = a7.fma(m, c);
            a8 = a8.fma(m, c); a9 = a9.fma(m, c); a10 = a10.fma(m, c); a11 = a11.fma(m, c);
            a12 = a12.fma(m, c); a13 = a13.fma(m, c); a14 = a14.fma(m, c); a15 = a15.fma(m, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7)
                .add(a8).add(a9).add(a10).add(a11).add(a12).add(a13).add(a14).add(a15)
                .reduceLanes(VectorOperators.ADD);
    }

    @Benchmark
    public double double128() {
        VectorSpecies<Double> s = DoubleVector.SPECIES_128;
        DoubleVector m = DoubleVector.broadcast(s, doubleInputs[0]);
        DoubleVector c = DoubleVector.broadcast(s, doubleInputs[1]);
        DoubleVector a0 = DoubleVector.broadcast(s, doubleInputs[2]);
        DoubleVector a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        DoubleVector a8 = a0, a9 = a0, a10 = a0, a11 = a0, a12 = a0, a13 = a0, a14 = a0, a15 = a0;
        for (int i = 0; i < REPS; i++) {
            a0 = a0.fma(m, c); a1 = a1.fma(m, c); a2 = a2.fma(m, c); a3 = a3.fma(m, c);
            a4 = a4.fma(m, c); a5 = a5.fma(m, c); a6 = a6.fma(m, c); a7 = a7.fma(m, c);
            a8 = a8.fma(m, c); a9 = a9.fma(m, c); a10 = a10.fma(m, c); a11 = a11.fma(m, c);
            a12 = a12.fma(m, c); a13 = a13.fma(m, c); a14 = a14.fma(m, c); a15 = a15.fma(m, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7)
                .add(a8).add(a9).add(a10).add(a11).add(a12).add(a13).add(a14).add(a15)
                .reduceLanes(VectorOperators.ADD);
    }

    @Benchmark
    public double double256() {
        VectorSpecies<Double> s = DoubleVector.SPECIES_256;
        DoubleVector m = DoubleVector.broadcast(s, doubleInputs[0]);
        DoubleVector c = DoubleVector.broadcast(s, doubleInputs[1]);
        DoubleVector a0 = DoubleVector.broadcast(s, doubleInputs[2]);
        DoubleVector a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        DoubleVector a8 = a0, a9 = a0, a10 = a0, a11 = a0, a12 = a0, a13 = a0, a14 = a0, a15 = a0;
        for (int i = 0; i < REPS; i++) {
            a0 = a0.fma(m, c); a1 = a1.fma(m, c); a2 = a2.fma(m, c); a3 = a3.fma(m, c);
            a4 = a4.fma(m, c); a5 = a5.fma(m, c); a6 = a6.fma(m, c); a7 = a7.fma(m, c);
            a8 = a8.fma(m, c); a9 = a9.fma(m, c); a10 = a10.fma(m, c); a11 = a11.fma(m, c);
            a12 = a12.fma(m, c); a13 = a13.fma(m, c); a14 = a14.fma(m, c); a15 = a15.fma(m, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7)
                .add(a8).add(a9).add(a10).add(a11).add(a12).add(a13).add(a14).add(a15)
                .reduceLanes(VectorOperators.ADD);
    }

    @Benchmark
    public double double512() {
        VectorSpecies<Double> s = DoubleVector.SPECIES_512;
        DoubleVector m = DoubleVector.broadcast(s, doubleInputs[0]);
        DoubleVector c = DoubleVector.broadcast(s, doubleInputs[1]);
        DoubleVector a0 = DoubleVector.broadcast(s, doubleInputs[2]);
        DoubleVector a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        DoubleVector a8 = a0, a9 = a0, a10 = a0, a11 = a0, a12 = a0, a13 = a0, a14 = a0, a15 = a0;
        for (int i = 0; i < REPS; i++) {
            a0 = a0.fma(m, c); a1 = a1.fma(m, c); a2 = a2.fma(m, c); a3 = a3.fma(m, c);
            a4 = a4.fma(m, c); a5 = a5.fma(m, c); a6 = a6.fma(m, c); a7 = a7.fma(m, c);
            a8 = a8.fma(m, c); a9 = a9.fma(m, c); a10 = a10.fma(m, c); a11 = a11.fma(m, c);
            a12 = a12.fma(m, c); a13 = a13.fma(m, c); a14 = a14.fma(m, c); a15 = a15.fma(m, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7)
                .add(a8).add(a9).add(a10).add(a11).add(a12).add(a13).add(a14).add(a15)
                .reduceLanes(VectorOperators.ADD);
    }
}
