package dev.jvk.properties;

import dev.jvk.kernels.Vectors;
import dev.jvk.kernels.reference.ReferenceVectors;
import dev.jvk.properties.support.DoubleCase;
import dev.jvk.properties.support.FloatCase;
import dev.jvk.properties.support.Samples;
import dev.jvk.properties.support.ValueMix;
import dev.jvk.properties.support.VectorChecks;
import dev.jvk.properties.support.VectorChecks.Op;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Every Vectors operation, float and double, public entry point and reference alike: bitwise the
 * correctly rounded oracle value per element (fma for axpy), nothing written outside the output
 * range, inputs untouched; in place (output = input at the same offset) and inputs sharing an array.
 * columnSums, a sum per column, within gamma(rows) of the exact sums, and bitwise the reference.
 */
class VectorsProperties {

    /** Where the arrays of an operation live relative to each other. */
    enum Layout {
        SEPARATE,
        /** The output is the first input at the same offset. */
        OUTPUT_IS_X,
        /** The output is the second input at the same offset (binary operations). */
        OUTPUT_IS_Y,
        /** Both inputs in one array, overlapping as they please; the output apart. */
        INPUTS_SHARE_AN_ARRAY,
        /** The output in the input's array, after the input's range. */
        SAME_ARRAY_DISJOINT
    }

    @Provide
    Arbitrary<FloatCase> cases() {
        return Samples.floatCases(ValueMix.values());
    }

    @Provide
    Arbitrary<DoubleCase> doubleCases() {
        return Samples.doubleCases(ValueMix.values());
    }

    @Provide
    Arbitrary<Layout> layouts() {
        return Arbitraries.of(Layout.class);
    }

    // ================================================================ float

    @Property
    void axpyIsFmaBitForBit(@ForAll("cases") FloatCase c, @ForAll("layouts") Layout layout) {
        SplittableRandom random = new SplittableRandom(c.seed());
        float alpha = scalar(random, c.mix());
        for (VectorChecks.FloatAxpy kernel : new VectorChecks.FloatAxpy[] {Vectors::axpy, ReferenceVectors::axpy}) {
            Operands o = new Operands(c, layout, false, new SplittableRandom(c.seed()));
            VectorChecks.axpy(kernel, alpha, o.x, o.xOffset, o.z, o.zOffset, c.n());
        }
    }

    @Property
    void scalIsOneMultiplyBitForBit(@ForAll("cases") FloatCase c) {
        float alpha = scalar(new SplittableRandom(c.seed()), c.mix());
        VectorChecks.scal(Vectors::scal, alpha, c.data().clone(), c.offset(), c.n());
        VectorChecks.scal(ReferenceVectors::scal, alpha, c.data().clone(), c.offset(), c.n());
    }

    @Property
    void addSubMulAreOneOperationBitForBit(@ForAll("cases") FloatCase c, @ForAll("layouts") Layout layout) {
        binary(Op.ADD, Vectors::add, ReferenceVectors::add, c, layout);
        binary(Op.SUB, Vectors::sub, ReferenceVectors::sub, c, layout);
        binary(Op.MUL, Vectors::mul, ReferenceVectors::mul, c, layout);
    }

    private static void binary(Op op, VectorChecks.FloatBinary kernel, VectorChecks.FloatBinary reference, FloatCase c, Layout layout) {
        for (VectorChecks.FloatBinary k : new VectorChecks.FloatBinary[] {kernel, reference}) {
            Operands o = new Operands(c, layout, true, new SplittableRandom(c.seed()));
            VectorChecks.binary(op, k, o.x, o.xOffset, o.y, o.yOffset, o.z, o.zOffset, c.n());
        }
    }

    @Property
    void copyIsExact(@ForAll("cases") FloatCase c, @ForAll("layouts") Layout layout) {
        for (VectorChecks.FloatCopy kernel : new VectorChecks.FloatCopy[] {Vectors::copy, ReferenceVectors::copy}) {
            Operands o = new Operands(c, layout, false, new SplittableRandom(c.seed()));
            VectorChecks.copy(kernel, o.x, o.xOffset, o.z, o.zOffset, c.n());
        }
    }

    @Property
    void fillWritesTheRangeOnly(@ForAll("cases") FloatCase c) {
        float value = scalar(new SplittableRandom(c.seed()), c.mix());
        VectorChecks.fill(Vectors::fill, value, c.data().clone(), c.offset(), c.n());
        VectorChecks.fill(ReferenceVectors::fill, value, c.data().clone(), c.offset(), c.n());
    }

    @Property
    void addBiasAddsTheRowToEveryRow(@ForAll("cases") FloatCase c, @ForAll @IntRange(min = 0, max = 12) int rows,
                                     @ForAll @IntRange(min = 0, max = 5) int ldExtra) {
        SplittableRandom random = new SplittableRandom(c.seed());
        int cols = Math.min(c.n(), 150);
        int ld = Math.max(1, cols + ldExtra);
        int xOffset = random.nextInt(8);
        float[] x = Samples.floats(random, xOffset, rows * ld, random.nextInt(3), c.mix());
        for (VectorChecks.FloatAddBias kernel : new VectorChecks.FloatAddBias[] {Vectors::addBias, ReferenceVectors::addBias}) {
            VectorChecks.addBias(kernel, c.data(), c.offset(), x.clone(), xOffset, rows, cols, ld);
        }
    }

    @Property
    void columnSumsAreTheReferencesSumsBitForBit(@ForAll("cases") FloatCase c, @ForAll @IntRange(min = 0, max = 5) int ldExtra) {
        SplittableRandom random = new SplittableRandom(c.seed());
        int cols = random.nextInt(0, 100);
        int ld = Math.max(1, cols + ldExtra);
        int rows = cols == 0 ? random.nextInt(5) : Math.min(c.n() / Math.max(1, ld) + random.nextInt(3), 400);
        int xOffset = random.nextInt(8);
        float[] x = Samples.floats(random, xOffset, rows * ld, random.nextInt(3), c.mix());
        int outOffset = random.nextInt(8);
        float[] out = Samples.floats(random, outOffset, cols, random.nextInt(3), ValueMix.SPECIAL);
        float[] viaReference = out.clone();
        VectorChecks.columnSums(Vectors::columnSums, x, xOffset, rows, cols, ld, out, outOffset);
        VectorChecks.columnSums(ReferenceVectors::columnSums, x, xOffset, rows, cols, ld, viaReference, outOffset);
        if (!java.util.Arrays.equals(out, viaReference)) {
            throw new AssertionError("columnSums differs from the reference (rows=" + rows + " cols=" + cols + " ld=" + ld + ")");
        }
    }

    // ================================================================ double

    @Property
    void doubleAxpyIsFmaBitForBit(@ForAll("doubleCases") DoubleCase c, @ForAll("layouts") Layout layout) {
        double alpha = doubleScalar(new SplittableRandom(c.seed()), c.mix());
        for (VectorChecks.DoubleAxpy kernel : new VectorChecks.DoubleAxpy[] {Vectors::axpy, ReferenceVectors::axpy}) {
            DoubleOperands o = new DoubleOperands(c, layout, false, new SplittableRandom(c.seed()));
            VectorChecks.axpy(kernel, alpha, o.x, o.xOffset, o.z, o.zOffset, c.n());
        }
    }

    @Property
    void doubleScalIsOneMultiplyBitForBit(@ForAll("doubleCases") DoubleCase c) {
        double alpha = doubleScalar(new SplittableRandom(c.seed()), c.mix());
        VectorChecks.scal(Vectors::scal, alpha, c.data().clone(), c.offset(), c.n());
        VectorChecks.scal(ReferenceVectors::scal, alpha, c.data().clone(), c.offset(), c.n());
    }

    @Property
    void doubleAddSubMulAreOneOperationBitForBit(@ForAll("doubleCases") DoubleCase c, @ForAll("layouts") Layout layout) {
        binary(Op.ADD, Vectors::add, ReferenceVectors::add, c, layout);
        binary(Op.SUB, Vectors::sub, ReferenceVectors::sub, c, layout);
        binary(Op.MUL, Vectors::mul, ReferenceVectors::mul, c, layout);
    }

    private static void binary(Op op, VectorChecks.DoubleBinary kernel, VectorChecks.DoubleBinary reference, DoubleCase c, Layout layout) {
        for (VectorChecks.DoubleBinary k : new VectorChecks.DoubleBinary[] {kernel, reference}) {
            DoubleOperands o = new DoubleOperands(c, layout, true, new SplittableRandom(c.seed()));
            VectorChecks.binary(op, k, o.x, o.xOffset, o.y, o.yOffset, o.z, o.zOffset, c.n());
        }
    }

    @Property
    void doubleCopyIsExact(@ForAll("doubleCases") DoubleCase c, @ForAll("layouts") Layout layout) {
        for (VectorChecks.DoubleCopy kernel : new VectorChecks.DoubleCopy[] {Vectors::copy, ReferenceVectors::copy}) {
            DoubleOperands o = new DoubleOperands(c, layout, false, new SplittableRandom(c.seed()));
            VectorChecks.copy(kernel, o.x, o.xOffset, o.z, o.zOffset, c.n());
        }
    }

    @Property
    void doubleFillWritesTheRangeOnly(@ForAll("doubleCases") DoubleCase c) {
        double value = doubleScalar(new SplittableRandom(c.seed()), c.mix());
        VectorChecks.fill(Vectors::fill, value, c.data().clone(), c.offset(), c.n());
        VectorChecks.fill(ReferenceVectors::fill, value, c.data().clone(), c.offset(), c.n());
    }

    @Property
    void doubleAddBiasAddsTheRowToEveryRow(@ForAll("doubleCases") DoubleCase c, @ForAll @IntRange(min = 0, max = 12) int rows,
                                           @ForAll @IntRange(min = 0, max = 5) int ldExtra) {
        SplittableRandom random = new SplittableRandom(c.seed());
        int cols = Math.min(c.n(), 150);
        int ld = Math.max(1, cols + ldExtra);
        int xOffset = random.nextInt(8);
        double[] x = Samples.doubles(random, xOffset, rows * ld, random.nextInt(3), c.mix());
        for (VectorChecks.DoubleAddBias kernel : new VectorChecks.DoubleAddBias[] {Vectors::addBias, ReferenceVectors::addBias}) {
            VectorChecks.addBias(kernel, c.data(), c.offset(), x.clone(), xOffset, rows, cols, ld);
        }
    }

    @Property
    void doubleColumnSumsAreTheReferencesSumsBitForBit(@ForAll("doubleCases") DoubleCase c, @ForAll @IntRange(min = 0, max = 5) int ldExtra) {
        SplittableRandom random = new SplittableRandom(c.seed());
        int cols = random.nextInt(0, 60);
        int ld = Math.max(1, cols + ldExtra);
        int rows = cols == 0 ? random.nextInt(5) : Math.min(c.n() / Math.max(1, ld) + random.nextInt(3), 400);
        int xOffset = random.nextInt(8);
        double[] x = Samples.doubles(random, xOffset, rows * ld, random.nextInt(3), c.mix());
        int outOffset = random.nextInt(8);
        double[] out = Samples.doubles(random, outOffset, cols, random.nextInt(3), ValueMix.SPECIAL);
        double[] viaReference = out.clone();
        VectorChecks.columnSums(Vectors::columnSums, x, xOffset, rows, cols, ld, out, outOffset);
        VectorChecks.columnSums(ReferenceVectors::columnSums, x, xOffset, rows, cols, ld, viaReference, outOffset);
        if (!java.util.Arrays.equals(out, viaReference)) {
            throw new AssertionError("columnSums differs from the reference (rows=" + rows + " cols=" + cols + " ld=" + ld + ")");
        }
    }

    // ================================================================ operands

    /** A scalar operand: mostly an ordinary value, sometimes 0, -0, 1, -1 or one of the mix's specials. */
    private static float scalar(SplittableRandom random, ValueMix mix) {
        return switch (random.nextInt(10)) {
            case 0 -> 0f;
            case 1 -> -0f;
            case 2 -> random.nextBoolean() ? 1f : -1f;
            case 3 -> Samples.floatValue(random, mix);
            default -> Samples.floatValue(random, ValueMix.ORDINARY);
        };
    }

    private static double doubleScalar(SplittableRandom random, ValueMix mix) {
        return switch (random.nextInt(10)) {
            case 0 -> 0.0;
            case 1 -> -0.0;
            case 2 -> random.nextBoolean() ? 1.0 : -1.0;
            case 3 -> Samples.doubleValue(random, mix);
            default -> Samples.doubleValue(random, ValueMix.ORDINARY);
        };
    }

    /**
     * x (the case's array, copied), a second input y and the output z, arranged as the layout says
     * (for single-input operations y is unused and OUTPUT_IS_Y means OUTPUT_IS_X). Fresh arrays get
     * values of the case's mix inside their range and poison around it.
     */
    private static final class Operands {
        final float[] x;
        final int xOffset;
        final float[] y;
        final int yOffset;
        final float[] z;
        final int zOffset;

        Operands(FloatCase c, Layout layout, boolean binary, SplittableRandom random) {
            int n = c.n();
            if (layout == Layout.SAME_ARRAY_DISJOINT) {
                int gap = random.nextInt(4);
                x = Samples.floats(random, c.offset(), 2 * n + gap, random.nextInt(3), c.mix());
                xOffset = c.offset();
                z = x;
                zOffset = xOffset + n + gap;
            } else {
                x = c.data().clone();
                xOffset = c.offset();
                boolean outputIsX = layout == Layout.OUTPUT_IS_X || (layout == Layout.OUTPUT_IS_Y && !binary);
                int freshOffset = random.nextInt(8);
                z = outputIsX ? x : Samples.floats(random, freshOffset, n, random.nextInt(3), ValueMix.SPECIAL);
                zOffset = outputIsX ? xOffset : freshOffset;
            }
            if (binary && layout == Layout.INPUTS_SHARE_AN_ARRAY) {
                y = x;
                yOffset = random.nextInt(x.length - n + 1);
            } else if (binary && layout == Layout.OUTPUT_IS_Y) {
                y = z;
                yOffset = zOffset;
            } else {
                int freshOffset = random.nextInt(8);
                y = Samples.floats(random, freshOffset, n, random.nextInt(3), c.mix());
                yOffset = freshOffset;
            }
        }
    }

    private static final class DoubleOperands {
        final double[] x;
        final int xOffset;
        final double[] y;
        final int yOffset;
        final double[] z;
        final int zOffset;

        DoubleOperands(DoubleCase c, Layout layout, boolean binary, SplittableRandom random) {
            int n = c.n();
            if (layout == Layout.SAME_ARRAY_DISJOINT) {
                int gap = random.nextInt(4);
                x = Samples.doubles(random, c.offset(), 2 * n + gap, random.nextInt(3), c.mix());
                xOffset = c.offset();
                z = x;
                zOffset = xOffset + n + gap;
            } else {
                x = c.data().clone();
                xOffset = c.offset();
                boolean outputIsX = layout == Layout.OUTPUT_IS_X || (layout == Layout.OUTPUT_IS_Y && !binary);
                int freshOffset = random.nextInt(8);
                z = outputIsX ? x : Samples.doubles(random, freshOffset, n, random.nextInt(3), ValueMix.SPECIAL);
                zOffset = outputIsX ? xOffset : freshOffset;
            }
            if (binary && layout == Layout.INPUTS_SHARE_AN_ARRAY) {
                y = x;
                yOffset = random.nextInt(x.length - n + 1);
            } else if (binary && layout == Layout.OUTPUT_IS_Y) {
                y = z;
                yOffset = zOffset;
            } else {
                int freshOffset = random.nextInt(8);
                y = Samples.doubles(random, freshOffset, n, random.nextInt(3), c.mix());
                yOffset = freshOffset;
            }
        }
    }
}
