package dev.jvk.nn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvk.nn.optim.ElementwiseOptimizer;
import dev.jvk.nn.optim.Optimizer;
import dev.jvk.nn.optim.OptimizerConfig;
import dev.jvk.nn.optim.Parameter;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A training step that updates each part of the parameters as soon as its gradient is computed
 * ({@link ElementwiseOptimizer}) leaves bitwise the same weights as the whole gradient first and
 * then the optimizer's own {@link Optimizer#step} (the path an optimizer of another kind takes).
 */
class OptimizerInPartsTest {

    @Test
    void updatingEachGradientPartAsItComesGivesTheWeightsOfAWholeStep() {
        int inputs = 300;   // 300 inputs: the first weight gradient in 3 slices of 104, 104 and 92 rows
        SplittableRandom random = new SplittableRandom(3);
        float[] x = new float[64 * inputs];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble(-1, 1);
        }
        int[] labels = random.ints(64, 0, 7).toArray();
        int compared = 0;
        for (OptimizerConfig config : List.of(OptimizerConfig.sgd(), OptimizerConfig.sgdWithMomentum(0.9f, true, 1e-3f),
                OptimizerConfig.adam(), OptimizerConfig.adamWWithWeightDecay(0.01f))) {
            Mlp inParts = Mlp.classifier(inputs, new int[] {200, 30}, Activation.RELU, 7, 11);
            Mlp whole = Mlp.classifier(inputs, new int[] {200, 30}, Activation.RELU, 7, 11);
            Optimizer partwise = config.create(inParts.parameters());
            assertThat(partwise).isInstanceOf(ElementwiseOptimizer.class);
            Optimizer own = config.create(whole.parameters());
            Optimizer stepOnly = new Optimizer() {   // not elementwise: the model computes every gradient, then steps
                @Override
                public void step(float learningRate) {
                    own.step(learningRate);
                }

                @Override
                public float[][] state() {
                    return own.state();
                }

                @Override
                public int steps() {
                    return own.steps();
                }

                @Override
                public void restoreSteps(int steps) {
                    own.restoreSteps(steps);
                }
            };
            for (int step = 0; step < 4; step++) {
                int rows = step % 2 == 0 ? 64 : 21;
                inParts.trainStep(x, labels, rows, partwise, 0.05f);
                whole.trainStep(x, labels, rows, stepOnly, 0.05f);
            }
            List<Parameter> a = inParts.parameters();
            List<Parameter> b = whole.parameters();
            for (int i = 0; i < a.size(); i++) {
                assertThat(a.get(i).value()).as("%s, parameter %d", config, i).isEqualTo(b.get(i).value());
                assertThat(a.get(i).value()).as("%s, parameter %d trained", config, i)
                        .isNotEqualTo(Mlp.classifier(inputs, new int[] {200, 30}, Activation.RELU, 7, 11).parameters().get(i).value());
                compared++;
            }
        }
        assertThat(compared).isEqualTo(4 * 6);
    }
}
