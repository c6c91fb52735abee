package dev.jvk.bench.ceiling;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The read ceiling of a matrix-vector product: the matrix read once and only summed, with four
 * accumulators so that the adds keep up with the loads. A GEMV reads the same bytes and does a
 * multiply-add where this does an add, so its speed in the same run is held against this one, in
 * cache and from DRAM alike.
 */
public final class ReadCeiling {
    private ReadCeiling() {}

    /** The sum of a, read with the preferred species. */
    public static float sum(float[] a) {
        VectorSpecies<Float> s = FloatVector.SPECIES_PREFERRED;
        int step = 4 * s.length();
        FloatVector s0 = FloatVector.zero(s), s1 = s0, s2 = s0, s3 = s0;
        int i = 0;
        for (int upper = a.length - a.length % step; i < upper; i += step) {
            s0 = s0.add(FloatVector.fromArray(s, a, i));
            s1 = s1.add(FloatVector.fromArray(s, a, i + s.length()));
            s2 = s2.add(FloatVector.fromArray(s, a, i + 2 * s.length()));
            s3 = s3.add(FloatVector.fromArray(s, a, i + 3 * s.length()));
        }
        float sum = s0.add(s1).add(s2).add(s3).reduceLanes(VectorOperators.ADD);
        for (; i < a.length; i++) {
            sum += a[i];
        }
        return sum;
    }

    /** The sum of a, read with the preferred species. */
    public static double sum(double[] a) {
        VectorSpecies<Double> s = DoubleVector.SPECIES_PREFERRED;
        int step = 4 * s.length();
        DoubleVector s0 = DoubleVector.zero(s), s1 = s0, s2 = s0, s3 = s0;
        int i = 0;
        for (int upper = a.length - a.length % step; i < upper; i += step) {
            s0 = s0.add(DoubleVector.fromArray(s, a, i));
            s1 = s1.add(DoubleVector.fromArray(s, a, i + s.length()));
            s2 = s2.add(DoubleVector.fromArray(s, a, i + 2 * s.length()));
            s3 = s3.add(DoubleVector.fromArray(s, a, i + 3 * s.length()));
        }
        double sum = s0.add(s1).add(s2).add(s3).reduceLanes(VectorOperators.ADD);
        for (; i < a.length; i++) {
            sum += a[i];
        }
        return sum;
    }

    /** The sum of a's bits as ints (bf16 weights: the bytes a bf16 GEMV reads), a full vector of shorts at a time. */
    public static int sum(short[] a) {
        VectorSpecies<Short> s = ShortVector.SPECIES_PREFERRED;
        int step = 4 * s.length();
        IntVector s0 = IntVector.zero(IntVector.SPECIES_PREFERRED), s1 = s0, s2 = s0, s3 = s0;
        int i = 0;
        for (int upper = a.length - a.length % step; i < upper; i += step) {
            s0 = s0.add(ShortVector.fromArray(s, a, i).reinterpretAsInts());
            s1 = s1.add(ShortVector.fromArray(s, a, i + s.length()).reinterpretAsInts());
            s2 = s2.add(ShortVector.fromArray(s, a, i + 2 * s.length()).reinterpretAsInts());
            s3 = s3.add(ShortVector.fromArray(s, a, i + 3 * s.length()).reinterpretAsInts());
        }
        int sum = s0.add(s1).add(s2).add(s3).reduceLanes(VectorOperators.ADD);
        for (; i < a.length; i++) {
            sum += a[i];
        }
        return sum;
    }
}
