package dev.jvk.nn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvk.nn.data.DataSet;
import dev.jvk.nn.data.SyntheticData;
import dev.jvk.nn.optim.OptimizerConfig;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A model is used by one thread at a time: a second thread's call while one runs is refused (before, two threads
 * predicting with one model got each other's scores in about one call in twenty, silently), calls on one thread nest,
 * and a model handed from one thread to the next works.
 */
class ConcurrentUseTest {
    private static final SyntheticData PROBLEM = new SyntheticData(3, 16);

    /** What {@code call} throws on a thread of its own, or null. */
    private static Throwable onAnotherThread(Runnable call) throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                call.run();
            } catch (Throwable e) {
                thrown.set(e);
            }
        }, "second");
        t.start();
        t.join();
        return thrown.get();
    }

    @Test
    void another_threads_call_while_fit_runs_is_refused_and_the_training_threads_own_calls_nest() throws Exception {
        DataSet train = PROBLEM.sample(64, 0, "train");
        Mlp mlp = Mlp.classifier(16, new int[] {8}, Activation.RELU, 10, 1);
        float[] x = train.features();
        List<Throwable> refused = new ArrayList<>();
        List<float[]> own = new ArrayList<>();
        new Trainer(Trainer.Config.builder().epochs(1).batchSize(32).build()).listener(new Trainer.Listener() {
            @Override
            public void stepDone(int epoch, int step, int steps, long samples, float loss) {
                try {
                    // fit is running on this thread: the model is in use
                    refused.add(onAnotherThread(() -> mlp.predict(x, 2)));
                    refused.add(onAnotherThread(() -> mlp.evaluate(train)));
                    refused.add(onAnotherThread(() -> mlp.trainStep(x, new int[] {1, 2}, 2,
                            OptimizerConfig.sgd().create(mlp.parameters()), 0.1f)));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                own.add(mlp.predict(x, 2));   // the training thread's own call, inside fit
            }
        }).fit(mlp, train, null);
        assertThat(refused).hasSize(6).allSatisfy(e -> assertThat(e).isInstanceOf(ConcurrentModificationException.class)
                .hasMessageContaining("in use by thread '" + Thread.currentThread().getName() + "'"));
        assertThat(own).hasSize(2).allSatisfy(scores -> assertThat(scores).hasSize(20));
        // fit has returned: another thread may take the model now, and gets what this one gets
        float[] here = mlp.predict(x, 5);
        float[][] there = new float[1][];
        assertThat(onAnotherThread(() -> there[0] = mlp.predict(x, 5))).isNull();
        assertThat(there[0]).isEqualTo(here);
    }

    @Test
    void a_refused_call_leaves_the_running_one_and_the_model_as_they_were() throws Exception {
        DataSet train = PROBLEM.sample(64, 0, "train");
        Mlp mlp = Mlp.classifier(16, new int[] {8}, Activation.RELU, 10, 1);
        Mlp twin = Mlp.classifier(16, new int[] {8}, Activation.RELU, 10, 1);
        Trainer.Config config = Trainer.Config.builder().epochs(2).batchSize(16).build();
        new Trainer(config).listener(new Trainer.Listener() {
            @Override
            public void stepDone(int epoch, int step, int steps, long samples, float loss) {
                try {
                    assertThat(onAnotherThread(() -> mlp.predict(train.features(), 64))).isInstanceOf(ConcurrentModificationException.class);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
        }).fit(mlp, train, null);
        new Trainer(config).fit(twin, train, null);
        for (int i = 0; i < mlp.parameters().size(); i++) {
            assertThat(mlp.parameters().get(i).value()).isEqualTo(twin.parameters().get(i).value());
        }
        assertThat(onAnotherThread(() -> mlp.predict(train.features(), 64))).as("after fit").isNull();
    }
}
