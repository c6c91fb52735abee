package dev.jvk.nn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvk.nn.optim.Parameter;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Every layer's and loss's backward pass against central finite differences of an independent
 * double-precision forward ({@link Oracle}), over random shapes and values.
 *
 * <p>For a layer {@code y = f(x, theta)} and a random upstream gradient {@code g}, the backward
 * pass must give {@code d(g . f)/dx} and {@code d(g . f)/dtheta}. The float results are compared
 * with differences in double with step {@code H}: the difference error is ~H^2 (1e-8) and the
 * float rounding ~1e-6 relative, so {@link #TOLERANCE} (relative to {@code 1 + |exact|}) leaves a
 * margin of 100x while any real mistake (a transpose, a missing term, a wrong sign) is off by O(1).
 */
class GradientCheckProperties {
    static final double H = 1e-3;
    static final double TOLERANCE = 5e-4;

    @Property
    void denseBackwardMatchesFiniteDifferences(@ForAll @IntRange(min = 1, max = 6) int rows,
                                               @ForAll @IntRange(min = 1, max = 9) int in,
                                               @ForAll @IntRange(min = 1, max = 9) int out,
                                               @ForAll long seed) {
        checkDense(rows, in, out, seed, Dense::backward);
    }

    /** A dense backward pass, so that a test can feed a wrong one through the same check. */
    interface DenseBackward {
        void run(Dense layer, float[] x, float[] y, float[] dy, float[] dx, int rows);
    }

    static void checkDense(int rows, int in, int out, long seed, DenseBackward backward) {
        Random random = new Random(seed);
        Dense dense = new Dense(in, out);
        Dense layer = dense;
        float[] w = dense.weights();
        float[] b = dense.bias();
        fill(w, random);
        fill(b, random);
        float[] x = randoms(rows * in, random);
        float[] g = randoms(rows * out, random);
        float[] y = new float[rows * out];
        float[] dx = new float[rows * in];
        layer.forward(x, y, rows, true);
        backward.run(layer, x, y, g, dx, rows);

        double[] xd = Oracle.toDouble(x, x.length);
        double[] wd = Oracle.toDouble(w, w.length);
        double[] bd = Oracle.toDouble(b, b.length);
        double[] gd = Oracle.toDouble(g, g.length);
        assertClose(y, Oracle.dense(xd, wd, bd, rows, in, out), "dense forward");
        assertClose(dx, Oracle.gradient(v -> Oracle.dot(gd, Oracle.dense(v, wd, bd, rows, in, out)), xd, H), "dense dx");
        assertClose(parameter(layer, "weights").grad(), Oracle.gradient(v -> Oracle.dot(gd, Oracle.dense(xd, v, bd, rows, in, out)), wd, H), "dense dW");
        assertClose(parameter(layer, "bias").grad(), Oracle.gradient(v -> Oracle.dot(gd, Oracle.dense(xd, wd, v, rows, in, out)), bd, H), "dense db");
    }

    @Property
    void activationBackwardMatchesFiniteDifferences(@ForAll Activation activation,
                                                    @ForAll @IntRange(min = 1, max = 5) int rows,
                                                    @ForAll @IntRange(min = 1, max = 40) int size,
                                                    @ForAll long seed) {
        Random random = new Random(seed);
        int n = rows * size;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            // away from the kinks of relu and leaky relu by more than the difference step
            float v = (float) (random.nextGaussian() * 2);
            x[i] = Math.abs(v) < 0.05f ? Math.copySign(0.05f + Math.abs(v), v) : v;
        }
        float[] g = randoms(n, random);
        float[] y = new float[n];
        float[] dx = new float[n];
        ActivationLayer layer = new ActivationLayer(activation, size);
        layer.forward(x, y, rows, true);
        layer.backward(x, y, g, dx, rows);

        double[] xd = Oracle.toDouble(x, n);
        double[] gd = Oracle.toDouble(g, n);
        Oracle.Scalar phi = v -> {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += gd[i] * Oracle.activation(activation, v[i]);
            }
            return s;
        };
        double[] exact = new double[n];
        for (int i = 0; i < n; i++) {
            exact[i] = Oracle.activation(activation, xd[i]);
        }
        assertClose(y, exact, activation + " forward");
        assertClose(dx, Oracle.gradient(phi, xd, H), activation + " dx");
    }

    @Property
    void dropoutBackwardMatchesFiniteDifferencesOfItsMask(@ForAll @IntRange(min = 1, max = 5) int rows,
                                                          @ForAll @IntRange(min = 1, max = 30) int size,
                                                          @ForAll @IntRange(min = 0, max = 90) int ratePercent,
                                                          @ForAll long seed) {
        Random random = new Random(seed);
        int n = rows * size;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = 0.5f + random.nextFloat();   // non-zero, so the mask can be read back as y / x
        }
        float[] g = randoms(n, random);
        float[] y = new float[n];
        float[] dx = new float[n];
        float rate = ratePercent / 100f;
        Dropout layer = new Dropout(size, rate, seed);
        layer.forward(x, y, rows, true);
        layer.backward(x, y, g, dx, rows);

        double keep = 1.0 / (1 - rate);
        double[] mask = new double[n];
        for (int i = 0; i < n; i++) {
            // the forward pass either dropped the value or scaled it by exactly 1 / (1 - rate)
            assertThat(y[i] == 0f || y[i] == x[i] * (float) keep).as("dropout output %d", i).isTrue();
            mask[i] = y[i] == 0f ? 0 : keep;
        }
        double[] gd = Oracle.toDouble(g, n);
        Oracle.Scalar phi = v -> {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += gd[i] * v[i] * mask[i];
            }
            return s;
        };
        assertClose(dx, Oracle.gradient(phi, Oracle.toDouble(x, n), H), "dropout dx");

        float[] inference = new float[n];
        layer.forward(x, inference, rows, false);
        assertThat(inference).as("dropout at inference is the identity").containsExactly(x);
    }

    @Property
    void softmaxCrossEntropyGradientMatchesFiniteDifferences(@ForAll @IntRange(min = 1, max = 8) int rows,
                                                             @ForAll @IntRange(min = 2, max = 12) int classes,
                                                             @ForAll long seed) {
        checkLoss(new SoftmaxCrossEntropy(), rows, classes, seed, (z, labels) -> Oracle.crossEntropy(z, labels, rows, classes));
    }

    @Property
    void meanSquaredErrorGradientMatchesFiniteDifferences(@ForAll @IntRange(min = 1, max = 8) int rows,
                                                          @ForAll @IntRange(min = 1, max = 12) int classes,
                                                          @ForAll long seed) {
        checkLoss(new MeanSquaredError(), rows, classes, seed, (z, labels) -> Oracle.mse(z, labels, rows, classes));
    }

    interface LossOracle {
        double loss(double[] z, int[] labels);
    }

    static void checkLoss(Loss loss, int rows, int classes, long seed, LossOracle oracle) {
        Random random = new Random(seed);
        float[] z = new float[rows * classes];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) (random.nextGaussian() * 3);
        }
        int[] labels = new int[rows];
        for (int r = 0; r < rows; r++) {
            labels[r] = random.nextInt(classes);
        }
        float[] dz = new float[z.length];
        float value = loss.lossAndGradient(z, labels, rows, classes, dz);
        double[] zd = Oracle.toDouble(z, z.length);
        double exact = oracle.loss(zd, labels);
        assertThat((double) value).as(loss.name() + " value").isCloseTo(exact, org.assertj.core.data.Offset.offset(TOLERANCE * (1 + Math.abs(exact))));
        assertClose(dz, Oracle.gradient(v -> oracle.loss(v, labels), zd, H), loss.name() + " gradient");
    }

    /**
     * The whole network: parameter gradients from {@link Mlp#forwardBackward} (every layer's
     * backward chained, the input gradient skipped) against differences of the double forward of
     * the same network and loss.
     */
    @Property(tries = 40)
    void mlpParameterGradientsMatchFiniteDifferences(@ForAll @IntRange(min = 1, max = 5) int rows,
                                                     @ForAll @IntRange(min = 1, max = 6) int inputs,
                                                     @ForAll @IntRange(min = 1, max = 5) int hidden1,
                                                     @ForAll @IntRange(min = 1, max = 5) int hidden2,
                                                     @ForAll @IntRange(min = 2, max = 4) int classes,
                                                     @ForAll Activation activation,
                                                     @ForAll long seed) {
        Mlp mlp = Mlp.classifier(inputs, new int[] {hidden1, hidden2}, activation, classes, seed);
        assertEveryGradientMatches(mlp, rows, seed, activation == Activation.RELU || activation == Activation.LEAKY_RELU);
    }

    /**
     * A batch cut into row chunks after its first pass ({@link Mlp#cutsAfterFirstPass}: 32 to 72 rows, chunks of 16 rows
     * or more), each chunk computing the loss and its gradient for its own rows
     * ({@link SoftmaxCrossEntropy#lossAndGradientRows}): the mean loss and every parameter gradient against the double
     * forward of the whole batch.
     */
    @Property(tries = 15)
    void mlpWithItsLossInRowChunksMatchesFiniteDifferences(@ForAll @IntRange(min = 32, max = 72) int rows,
                                                           @ForAll @IntRange(min = 1, max = 6) int inputs,
                                                           @ForAll @IntRange(min = 1, max = 5) int hidden,
                                                           @ForAll long seed) {
        Mlp mlp = Mlp.classifier(inputs, new int[] {hidden, 3}, Activation.TANH, 3, seed);
        assertThat(mlp.cutsAfterFirstPass(rows)).isTrue();
        assertEveryGradientMatches(mlp, rows, seed, false);
    }

    /** {@link Mlp#forwardBackward} on a random batch of {@code rows} rows: its loss and every parameter gradient against the double forward. */
    private static void assertEveryGradientMatches(Mlp mlp, int rows, long seed, boolean kinks) {
        Random random = new Random(seed);
        Checked checked = forwardBackwardChecked(mlp, randomBatch(mlp, rows, random), rows);
        double[] x = checked.x();
        int[] labels = checked.labels();
        double[][] values = checked.values();
        List<Parameter> parameters = mlp.parameters();
        for (int p = 0; p < values.length; p++) {
            int which = p;
            double[] fd = Oracle.gradient(v -> {
                double[][] trial = values.clone();
                trial[which] = v;
                return networkLoss(mlp, trial, x, labels, rows);
            }, values[p].clone(), H);
            // a kink of relu / leaky relu within H of a pre-activation makes the difference meaningless: skip such draws
            if (kinks) {
                net.jqwik.api.Assume.that(awayFromKinks(mlp, values, x, rows));
            }
            assertClose(parameters.get(p).grad(), fd, "mlp parameter " + p + " (" + parameters.get(p).name() + ")");
        }
    }

    /**
     * A first layer wide enough that a training pass splits its product by inputs in two halves ({@link
     * Mlp#splitsFirstProduct}), fused with ReLU and alone before tanh: the loss against the double forward of the whole
     * product, every parameter gradient of the later layers, and first-layer weights drawn from both halves, against
     * finite differences.
     */
    @Property(tries = 20)
    void mlpWithTheFirstProductSplitByInputsMatchesFiniteDifferences(@ForAll @IntRange(min = 1, max = 3) int rows,
                                                                     @ForAll @IntRange(min = 192, max = 330) int inputs,
                                                                     @ForAll @IntRange(min = 1, max = 3) int hidden,
                                                                     @ForAll boolean relu,
                                                                     @ForAll long seed) {
        Activation activation = relu ? Activation.RELU : Activation.TANH;
        Mlp mlp = Mlp.classifier(inputs, new int[] {hidden, 2}, activation, 3, seed);
        assertThat(mlp.splitsFirstProduct()).isTrue();
        Random random = new Random(seed);
        Checked batch = forwardBackwardChecked(mlp, randomBatch(mlp, rows, random), rows);
        double[][] values = batch.values();
        if (relu) {
            net.jqwik.api.Assume.that(awayFromKinks(mlp, values, batch.x(), rows));
        }
        int split = ((Dense) mlp.layers().getFirst()).inputSplit();
        for (int p = 0; p < values.length; p++) {
            int size = values[p].length;
            // the first weights: 12 drawn from each half of the inputs (rows of W); every element of the rest
            int[] elements = p == 0
                    ? java.util.stream.IntStream.concat(random.ints(12, 0, split * hidden), random.ints(12, split * hidden, size)).toArray()
                    : java.util.stream.IntStream.range(0, size).toArray();
            for (int e : elements) {
                assertGradientMatchesFiniteDifference(mlp, batch, rows, p, e);
            }
        }
    }

    /**
     * A batch small enough to be cut after its first pass, and a second layer wide enough that a training pass splits its
     * product by inputs as well ({@link Mlp#splitsSecondProduct}): the loss against the double forward, and against
     * finite differences first- and second-layer weights drawn from both halves of their inputs, first-layer biases from
     * both halves of its outputs, every parameter of the layers after. The first layer's biases, +6 and -6 in turn, keep
     * its pre-activations away from ReLU's kink while half of its units pass no gradient, so a half that skipped the
     * activation's derivative would be seen.
     */
    @Property(tries = 8)
    void mlpWithTheSecondProductSplitByInputsMatchesFiniteDifferences(@ForAll @IntRange(min = 32, max = 48) int rows,
                                                                      @ForAll @IntRange(min = 192, max = 240) int inputs,
                                                                      @ForAll @IntRange(min = 192, max = 232) int hidden,
                                                                      @ForAll @IntRange(min = 1, max = 3) int second,
                                                                      @ForAll long seed) {
        Mlp mlp = Mlp.classifier(inputs, new int[] {hidden, second}, Activation.RELU, 3, seed);
        assertThat(mlp.splitsSecondProduct(rows)).isTrue();
        float[] bias = ((Dense) mlp.layers().getFirst()).bias();
        for (int j = 0; j < hidden; j++) {
            bias[j] = j % 2 == 0 ? 6f : -6f;
        }
        Random random = new Random(seed);
        Checked batch = forwardBackwardChecked(mlp, randomBatch(mlp, rows, random), rows);
        double[][] values = batch.values();
        net.jqwik.api.Assume.that(awayFromKinks(mlp, values, batch.x(), rows));
        int firstSplit = ((Dense) mlp.layers().getFirst()).inputSplit();
        int secondSplit = ((Dense) mlp.layers().get(2)).inputSplit();
        for (int p = 0; p < values.length; p++) {
            int size = values[p].length;
            // W1, b1 and W2 drawn from both halves of their split (rows of W; b1's columns, the second layer's inputs)
            int split = p == 0 ? firstSplit * hidden : p == 1 ? secondSplit : p == 2 ? secondSplit * second : -1;
            int[] elements = split < 0 ? java.util.stream.IntStream.range(0, size).toArray()
                    : java.util.stream.IntStream.concat(random.ints(p == 1 ? 4 : 10, 0, split), random.ints(p == 1 ? 4 : 10, split, size)).toArray();
            for (int e : elements) {
                assertGradientMatchesFiniteDifference(mlp, batch, rows, p, e);
            }
        }
    }

    /** A training workspace holding {@code rows} rows of standard normal inputs and random labels. */
    static Workspace randomBatch(Mlp mlp, int rows, Random random) {
        Workspace ws = mlp.workspace(rows, true);
        for (int i = 0; i < rows * mlp.inputs(); i++) {
            ws.input[i] = (float) random.nextGaussian();
        }
        for (int r = 0; r < rows; r++) {
            ws.labels[r] = random.nextInt(mlp.classes());
        }
        return ws;
    }

    /** What {@link #forwardBackwardChecked} leaves for the finite differences: the batch and the parameters in double. */
    /** Parameter {@code p}'s element {@code e}: its gradient against the central difference of the double loss. */
    private static void assertGradientMatchesFiniteDifference(Mlp mlp, Checked batch, int rows, int p, int e) {
        double[][] values = batch.values();
        double[] up = values[p].clone();
        double[] down = values[p].clone();
        up[e] += H;
        down[e] -= H;
        double[][] trialUp = values.clone();
        double[][] trialDown = values.clone();
        trialUp[p] = up;
        trialDown[p] = down;
        double fd = (networkLoss(mlp, trialUp, batch.x(), batch.labels(), rows) - networkLoss(mlp, trialDown, batch.x(), batch.labels(), rows)) / (2 * H);
        assertClose(new float[] {mlp.parameters().get(p).grad()[e]}, new double[] {fd}, "mlp parameter " + p + " element " + e);
    }

    record Checked(double[] x, int[] labels, double[][] values) {}

    /** One {@link Mlp#forwardBackward} over the workspace's rows, its loss checked against the double forward. */
    static Checked forwardBackwardChecked(Mlp mlp, Workspace ws, int rows) {
        float loss = mlp.forwardBackward(ws, rows);
        double[] x = Oracle.toDouble(ws.input, rows * mlp.inputs());
        int[] labels = java.util.Arrays.copyOf(ws.labels, rows);
        double[][] values = parameterValues(mlp.parameters());
        assertThat((double) loss).isCloseTo(networkLoss(mlp, values, x, labels, rows), org.assertj.core.data.Offset.offset(1e-4));
        return new Checked(x, labels, values);
    }

    /** Each parameter's values in double. */
    static double[][] parameterValues(List<Parameter> parameters) {
        double[][] values = new double[parameters.size()][];
        for (int p = 0; p < values.length; p++) {
            values[p] = Oracle.toDouble(parameters.get(p).value(), parameters.get(p).size());
        }
        return values;
    }

    /** The double forward of the classifier's Dense/activation stack and its cross-entropy. */
    static double networkLoss(Mlp mlp, double[][] parameterValues, double[] x, int[] labels, int rows) {
        double[] a = x;
        int p = 0;
        for (Layer layer : mlp.layers()) {
            if (layer instanceof Dense d) {
                a = Oracle.dense(a, parameterValues[p], parameterValues[p + 1], rows, d.inputSize(), d.outputSize());
                p += 2;
            } else if (layer instanceof ActivationLayer act) {
                double[] next = new double[a.length];
                for (int i = 0; i < a.length; i++) {
                    next[i] = Oracle.activation(act.activation(), a[i]);
                }
                a = next;
            }
        }
        return Oracle.crossEntropy(a, labels, rows, mlp.classes());
    }

    static boolean awayFromKinks(Mlp mlp, double[][] parameterValues, double[] x, int rows) {
        double[] a = x;
        int p = 0;
        for (Layer layer : mlp.layers()) {
            if (layer instanceof Dense d) {
                a = Oracle.dense(a, parameterValues[p], parameterValues[p + 1], rows, d.inputSize(), d.outputSize());
                p += 2;
            } else if (layer instanceof ActivationLayer act) {
                for (double v : a) {
                    if (Math.abs(v) < 50 * H) {
                        return false;
                    }
                }
                double[] next = new double[a.length];
                for (int i = 0; i < a.length; i++) {
                    next[i] = Oracle.activation(act.activation(), a[i]);
                }
                a = next;
            }
        }
        return true;
    }

    /** The check catches a wrong backward: a dense layer whose bias gradient is doubled, or whose dx is skipped, fails it. */
    @Example
    void theDenseCheckCatchesWrongGradients() {
        DenseBackward doubledBias = (layer, x, y, dy, dx, rows) -> {
            layer.backward(x, y, dy, dx, rows);
            float[] db = layer.parameters().get(1).grad();
            for (int i = 0; i < db.length; i++) {
                db[i] *= 2;
            }
        };
        DenseBackward noInputGradient = (layer, x, y, dy, dx, rows) -> layer.backward(x, y, dy, null, rows);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> checkDense(3, 3, 4, 7, doubledBias)).isInstanceOf(AssertionError.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> checkDense(3, 3, 4, 7, noInputGradient)).isInstanceOf(AssertionError.class);
        checkDense(3, 3, 4, 7, Dense::backward);
    }

    private static Parameter parameter(Layer layer, String name) {
        return layer.parameters().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    /** The oracle's erf against values from the literature (Abramowitz and Stegun, table 7.1, and erfc(3) = 2.209049699858544e-5). */
    @Example
    void theOraclesErfIsAccurateOnBothSidesOfItsSwitch() {
        org.assertj.core.data.Offset<Double> tight = org.assertj.core.data.Offset.offset(1e-14);
        assertThat(Oracle.erf(0.5)).isCloseTo(0.5204998778130465, tight);
        assertThat(Oracle.erf(1.0)).isCloseTo(0.8427007929497149, tight);
        assertThat(Oracle.erf(1.9)).isCloseTo(0.9927904292352575, tight);
        assertThat(Oracle.erf(2.0)).isCloseTo(0.9953222650189527, tight);
        assertThat(1 - Oracle.erf(3.0)).isCloseTo(2.209049699858544e-5, org.assertj.core.data.Offset.offset(1e-15));
        assertThat(Oracle.erf(-4.5)).isCloseTo(-0.9999999998033839, tight);
    }

    static void assertClose(float[] actual, double[] exact, String what) {
        for (int i = 0; i < exact.length; i++) {
            double error = Math.abs(actual[i] - exact[i]);
            assertThat(error).as("%s[%d]: %s vs exact %s", what, i, actual[i], exact[i])
                    .isLessThanOrEqualTo(TOLERANCE * (1 + Math.abs(exact[i])));
        }
    }

    static void fill(float[] a, Random random) {
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextGaussian();
        }
    }

    static float[] randoms(int n, Random random) {
        float[] a = new float[n];
        fill(a, random);
        return a;
    }
}
