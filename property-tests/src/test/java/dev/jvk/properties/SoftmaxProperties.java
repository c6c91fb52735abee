package dev.jvk.properties;

import static dev.jvk.properties.support.SoftmaxChecks.crossEntropyAgainstOracle;
import static dev.jvk.properties.support.SoftmaxChecks.logSoftmaxAgainstOracle;
import static dev.jvk.properties.support.SoftmaxChecks.publicChainLength;
import static dev.jvk.properties.support.SoftmaxChecks.softmaxAgainstOracle;

import dev.jvk.kernels.Kernels;
import dev.jvk.kernels.Softmax;
import dev.jvk.kernels.reference.ReferenceSoftmax;
import dev.jvk.properties.support.SoftmaxChecks;
import dev.jvk.properties.support.SoftmaxChecks.Block;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * {@link Softmax} (the implementation in use) and {@link ReferenceSoftmax} against a double oracle,
 * within the bounds of Softmax's Javadoc: softmax elements within gamma(d) + 4u, rows summing to 1
 * within gamma(d) + 4u, log-softmax within (gamma(d) + 4u) max(1, |exact|), cross-entropy loss and
 * gradient. Rows with huge logits (up to 3e38, where x - max overflows), -Inf entries, NaN or +Inf,
 * subnormals; blocks with leading dimensions and offsets; in place and not.
 */
class SoftmaxProperties {

    record Case(long seed, int rows, int cols, int extraLdIn, int extraLdOut, int inOffset, int outOffset, boolean inPlace) {
        Block in() {
            return new Block(rows, cols, Math.max(1, cols + extraLdIn), inOffset);
        }

        Block out() {
            return new Block(rows, cols, Math.max(1, cols + extraLdOut), outOffset);
        }

        float[] logits() {
            Block b = in();
            return SoftmaxChecks.logits(seed, b.offset() + b.extent() + 4, b);
        }
    }

    @BeforeContainer
    static void sayWhichImplementation() {
        System.out.println("SoftmaxProperties on " + Kernels.info());
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Integer> cols = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.integers().between(0, 70)),
                Tuple.of(2, Arbitraries.integers().between(71, 300)),
                Tuple.of(1, Arbitraries.of(1000, 1025, 4099)));
        Arbitrary<Integer> small = Arbitraries.integers().between(0, 9);
        Arbitrary<Integer> rows = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.integers().between(0, 6)),
                Tuple.of(1, Arbitraries.integers().between(7, 40)));
        return Combinators.combine(Arbitraries.longs(), rows, cols, small, small, small, small,
                Arbitraries.of(false, true)).as(Case::new);
    }

    /** Blocks of many short rows (up to a little over one 512-bit vector), which the vector kernel takes a vector of rows at a time. */
    @Provide
    Arbitrary<Case> shortRows() {
        Arbitrary<Integer> small = Arbitraries.integers().between(0, 9);
        return Combinators.combine(Arbitraries.longs(), Arbitraries.integers().between(1, 70), Arbitraries.integers().between(1, 18),
                small, small, small, small, Arbitraries.of(false, true)).as(Case::new);
    }

    /**
     * Each row of a block gets the bits it gets alone: a row's softmax does not depend on the rows it comes with
     * (short rows, a vector of them at a time, and the rows left over, one by one), NaN, infinities and a
     * +-0 maximum included; in place and not.
     */
    @Property
    void aRowGetsTheSameBitsInABlockAsAlone(@ForAll("shortRows") Case c) {
        Block in = c.in();
        Block out = c.out();
        float[] x = c.logits();
        SplittableRandom random = new SplittableRandom(c.seed() ^ 0x5eed);
        for (int r = 0; r < in.rows(); r += 3) {
            // maxima of +0 and -0 in either order
            for (int j = 0; j < in.cols(); j++) {
                x[in.index(r, j)] = random.nextBoolean() ? 0f : random.nextBoolean() ? -0f : -random.nextFloat();
            }
        }
        float[] together = c.inPlace() ? x.clone() : new float[out.offset() + out.extent() + 4];
        Block target = c.inPlace() ? in : out;
        Softmax.softmax(c.inPlace() ? together : x, in.offset(), in.rows(), in.cols(), in.ld(), together, target.offset(), target.ld());
        for (int r = 0; r < in.rows(); r++) {
            float[] alone = new float[in.cols()];
            Softmax.softmax(x, in.index(r, 0), 1, in.cols(), in.ld(), alone, 0, in.cols());
            for (int j = 0; j < in.cols(); j++) {
                float got = together[target.index(r, j)];
                if (Float.floatToIntBits(got) != Float.floatToIntBits(alone[j])) {
                    throw new AssertionError("softmax of " + in.rows() + " x " + in.cols() + ": row " + r + " col " + j + " is "
                            + got + " in the block, " + alone[j] + " alone (" + Kernels.info() + ")");
                }
            }
        }
    }

    @Property
    void softmaxWithinGammaPlus4u(@ForAll("cases") Case c) {
        float[] x = c.logits();
        softmaxAgainstOracle("softmax", Softmax::softmax, publicChainLength(c.cols()), x, c.in(), c.out(), c.inPlace(), c.seed());
        softmaxAgainstOracle("softmax (reference)", ReferenceSoftmax::softmax, Math.max(1, c.cols()), x, c.in(), c.out(), c.inPlace(), c.seed());
    }

    @Property
    void logSoftmaxWithinGammaPlus4uRelative(@ForAll("cases") Case c) {
        float[] x = c.logits();
        logSoftmaxAgainstOracle("logSoftmax", Softmax::logSoftmax, publicChainLength(c.cols()), x, c.in(), c.out(), c.inPlace(), c.seed());
        logSoftmaxAgainstOracle("logSoftmax (reference)", ReferenceSoftmax::logSoftmax, Math.max(1, c.cols()), x, c.in(), c.out(), c.inPlace(), c.seed());
    }

    @Property
    void crossEntropyLossAndGradient(@ForAll("cases") Case c) {
        Case k = c.cols() == 0 ? new Case(c.seed(), c.rows(), 1, c.extraLdIn(), c.extraLdOut(), c.inOffset(), c.outOffset(), c.inPlace()) : c;
        float[] x = k.logits();
        SplittableRandom random = new SplittableRandom(k.seed());
        int labelsOffset = random.nextInt(4);
        int[] labels = new int[labelsOffset + k.rows() + 2];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = random.nextInt(k.cols());
        }
        crossEntropyAgainstOracle("crossEntropy", Softmax::crossEntropy, publicChainLength(k.cols()), x, k.in(), labels, labelsOffset, k.out(), k.inPlace(), k.seed());
        crossEntropyAgainstOracle("crossEntropy (reference)", ReferenceSoftmax::crossEntropy, Math.max(1, k.cols()), x, k.in(), labels, labelsOffset, k.out(), k.inPlace(), k.seed());
    }

    @Property
    void inPlaceGivesTheSameBits(@ForAll("cases") Case c) {
        Block b = c.in();
        float[] x = c.logits();
        float[] out = new float[x.length];
        float[] in = x.clone();
        Softmax.softmax(x.clone(), b.offset(), b.rows(), b.cols(), b.ld(), out, b.offset(), b.ld());
        Softmax.softmax(in, b.offset(), b.rows(), b.cols(), b.ld(), in, b.offset(), b.ld());
        for (int r = 0; r < b.rows(); r++) {
            for (int j = 0; j < b.cols(); j++) {
                int i = b.index(r, j);
                if (Float.floatToIntBits(out[i]) != Float.floatToIntBits(in[i])) {
                    throw new AssertionError("softmax in place differs at row " + r + " col " + j + ": " + in[i] + " vs " + out[i]);
                }
            }
        }
    }

    @Example
    void largeLogitsNeverOverflow() {
        float[] x = {1e30f, 1e30f, -1e30f, Float.MAX_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, 88f, 89f, 1000f, 0f};
        float[] y = new float[x.length];
        Softmax.softmax(x, 0, 1, 3, 3, y, 0, 3);
        Softmax.softmax(x, 3, 1, 3, 3, y, 3, 3);
        Softmax.softmax(x, 6, 1, 4, 4, y, 6, 4);
        float[] expected = {0.5f, 0.5f, 0f, 0.5f, 0.5f, 0f, 0f, 0f, 1f, 0f};
        for (int i = 0; i < x.length; i++) {
            if (Float.floatToIntBits(y[i]) != Float.floatToIntBits(expected[i])) {
                throw new AssertionError("softmax of large logits: element " + i + " = " + y[i] + ", expected " + expected[i]);
            }
        }
        float[] logSoftmax = new float[3];
        Softmax.logSoftmax(new float[] {Float.MAX_VALUE, -Float.MAX_VALUE, 0f}, 0, 1, 3, 3, logSoftmax, 0, 3);
        if (logSoftmax[0] != 0f || logSoftmax[1] != Float.NEGATIVE_INFINITY || logSoftmax[2] != -Float.MAX_VALUE) {
            throw new AssertionError("logSoftmax of [MAX, -MAX, 0] = " + java.util.Arrays.toString(logSoftmax));
        }
    }
}
