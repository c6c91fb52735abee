package dev.jvk.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;

/**
 * The fused pass {@link DenseActivation} computes bitwise what its two layers compute one after the
 * other (Dense, then the activation layer): the output, the parameter gradients and the input
 * gradient. (The layers' own gradients are checked against finite differences in
 * {@link GradientCheckProperties}.) And a loss without its gradient equals the loss with it.
 */
class DenseActivationProperties {

    @Property(tries = 200)
    void theFusedPassIsTheTwoLayersOneAfterTheOther(@ForAll @IntRange(min = 1, max = 7) int rows,
                                                   @ForAll @IntRange(min = 1, max = 40) int in,
                                                   @ForAll @IntRange(min = 1, max = 40) int out,
                                                   @ForAll boolean leaky, @ForAll @FloatRange(min = 0f, max = 1f) float slope,
                                                   @ForAll long seed) {
        Random random = new Random(seed);
        Dense dense = new Dense(in, out).initialise(Init.HE, seed);
        for (int j = 0; j < out; j++) {
            dense.bias()[j] = (float) random.nextGaussian();
        }
        ActivationLayer act = leaky ? ActivationLayer.leakyRelu(slope, out) : new ActivationLayer(Activation.RELU, out);
        float[] x = gaussian(random, rows * in);
        float[] dy = gaussian(random, rows * out);

        // the two layers: z = dense(x), y = f(z); dz = f'(z) dy, then dense's backward from dz
        float[] z = new float[rows * out];
        float[] y = new float[rows * out];
        dense.forward(x, z, rows, true);
        act.forward(z, y, rows, true);
        float[] dz = new float[rows * out];
        float[] dx = new float[rows * in];
        act.backward(z, y, dy, dz, rows);
        dense.backward(x, z, dz, dx, rows);
        float[] weightGrad = dense.parameters().get(0).grad().clone();
        float[] biasGrad = dense.parameters().get(1).grad().clone();

        DenseActivation fused = new DenseActivation(dense, act);
        float[] yFused = new float[rows * out];
        fused.forward(x, yFused, rows, true);
        float[] dyFused = dy.clone();
        float[] dxFused = new float[rows * in];
        fused.backward(x, yFused, dyFused, dxFused, rows);

        assertThat(bits(yFused)).isEqualTo(bits(y));
        assertThat(bits(dxFused)).isEqualTo(bits(dx));
        assertThat(bits(dense.parameters().get(0).grad())).isEqualTo(bits(weightGrad));
        assertThat(bits(dense.parameters().get(1).grad())).isEqualTo(bits(biasGrad));
    }

    @Property(tries = 200)
    void theLossAloneIsTheLossOfLossAndGradient(@ForAll @IntRange(min = 1, max = 9) int rows,
                                                @ForAll @IntRange(min = 1, max = 12) int classes,
                                                @ForAll boolean mse, @ForAll long seed) {
        Random random = new Random(seed);
        Loss loss = mse ? new MeanSquaredError() : new SoftmaxCrossEntropy();
        float[] out = gaussian(random, rows * classes);
        for (int i = 0; i < out.length; i++) {
            out[i] *= 4;
        }
        int[] labels = new int[rows];
        Arrays.setAll(labels, r -> random.nextInt(classes));
        float[] before = out.clone();
        float alone = loss.loss(out, labels, rows, classes);
        float withGradient = loss.lossAndGradient(out.clone(), labels, rows, classes, new float[rows * classes]);
        assertThat(bits(out)).as("loss() writes nothing").isEqualTo(bits(before));
        assertThat((double) alone).isCloseTo(withGradient, org.assertj.core.data.Offset.offset(1e-5 * (1 + Math.abs(withGradient))));
    }

    private static float[] gaussian(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }
}
