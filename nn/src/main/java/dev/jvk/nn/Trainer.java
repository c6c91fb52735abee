package dev.jvk.nn;

import dev.jvk.nn.data.DataSet;
import dev.jvk.nn.optim.LearningRateSchedule;
import dev.jvk.nn.optim.Optimizer;
import dev.jvk.nn.optim.OptimizerConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Mini-batch training: for each epoch, a seeded shuffle of the training rows, then one
 * forward-backward-update step per batch (the last batch may be smaller), then an evaluation on the
 * held-out set if there is one. The buffers are allocated before the first step; a step allocates
 * nothing. A loss that becomes NaN or infinite stops training with {@link TrainingDivergedException}.
 *
 * <p>Deterministic: the same model seed, configuration and data give bitwise the same weights,
 * whatever the number of GEMM threads (the kernels are deterministic per thread count and width).
 */
public final class Trainer {
    /**
     * What to train with.
     *
     * @param epochs    passes over the training data, {@code >= 1}
     * @param batchSize rows per step, {@code >= 1}
     * @param seed      seeds the shuffling
     * @param optimizer the optimizer and its hyper-parameters
     * @param schedule  the learning rate over the run
     */
    public record Config(int epochs, int batchSize, long seed, OptimizerConfig optimizer, LearningRateSchedule schedule) {
        /** Checks the ranges. */
        public Config {
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
            }
            Objects.requireNonNull(optimizer, "optimizer");
            Objects.requireNonNull(schedule, "schedule");
        }

        /** The defaults of {@code ./jvk train}: 10 epochs, batch 128, Adam at 1e-3 with cosine decay, seed 42. */
        public static Config defaults() {
            return new Config(10, 128, 42, OptimizerConfig.adam(0f), LearningRateSchedule.cosine(1e-3f, 0f));
        }
    }

    /** Notified as training goes; every method is optional. Called on the training thread. */
    public interface Listener {
        /** Before the first step of an epoch (1-based) of {@code steps} steps. */
        default void epochStarted(int epoch, int epochs, int steps) {}

        /** After step {@code step} (1-based) of {@code steps}; {@code samples} trained so far this epoch. */
        default void stepDone(int epoch, int step, int steps, long samples, float loss) {}

        /** After an epoch and its evaluation. */
        default void epochDone(EpochResult result) {}
    }

    /**
     * One epoch's figures.
     *
     * @param epoch            1-based
     * @param trainLoss        mean training loss over the epoch's steps (weighted by rows)
     * @param trainSeconds     wall time of the training steps (data copying included, evaluation excluded)
     * @param samplesPerSecond training rows per second over {@code trainSeconds}
     * @param learningRate     the rate at the epoch's last step
     * @param evaluation       on the held-out set, or null when there is none
     */
    public record EpochResult(int epoch, double trainLoss, double trainSeconds, double samplesPerSecond,
                              float learningRate, Evaluation evaluation) {}

    /** All epochs of a run. */
    public record History(List<EpochResult> epochs) {
        /** The last epoch. */
        public EpochResult last() {
            return epochs.getLast();
        }

        /** Median training samples/s over the epochs after the first (the first includes JIT warm-up); the first's alone if there is one epoch. */
        public double medianSamplesPerSecond() {
            double[] rates = epochs.stream().skip(epochs.size() > 1 ? 1 : 0).mapToDouble(EpochResult::samplesPerSecond).sorted().toArray();
            int n = rates.length;
            return n % 2 == 1 ? rates[n / 2] : (rates[n / 2 - 1] + rates[n / 2]) / 2;
        }
    }

    private final Config config;
    private Listener listener = new Listener() {};

    /** A trainer with this configuration. */
    public Trainer(Config config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** Sets who hears about progress. */
    public Trainer listener(Listener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /**
     * Trains {@code mlp} on {@code train} (raw features; the model's scaling is applied per batch),
     * evaluating on {@code heldOut} after each epoch when it is not null.
     *
     * @throws IllegalArgumentException   when the data's width or labels do not fit the model
     * @throws TrainingDivergedException  when the loss stops being finite
     */
    public History fit(Mlp mlp, DataSet train, DataSet heldOut) {
        check(mlp, train);
        if (heldOut != null) {
            check(mlp, heldOut);
        }
        int n = train.rows();
        if (n == 0) {
            throw new IllegalArgumentException("no training rows");
        }
        int batch = Math.min(config.batchSize(), n);
        int steps = (n + batch - 1) / batch;
        Workspace ws = mlp.workspace(batch, true);
        Optimizer optimizer = config.optimizer().create(mlp.parameters());
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        SplittableRandom shuffle = new SplittableRandom(config.seed());
        List<EpochResult> results = new ArrayList<>();

        for (int epoch = 1; epoch <= config.epochs(); epoch++) {
            shuffle(order, shuffle);
            listener.epochStarted(epoch, config.epochs(), steps);
            double lossSum = 0;
            float rate = 0f;
            long start = System.nanoTime();
            for (int step = 0; step < steps; step++) {
                int from = step * batch;
                int rows = Math.min(batch, n - from);
                mlp.loadBatch(ws, train, order, from, rows);
                float loss = mlp.forwardBackward(ws, rows);
                rate = config.schedule().rate(epoch - 1 + (double) step / steps, config.epochs());
                if (!Float.isFinite(loss)) {
                    throw TrainingDivergedException.blame(epoch, step + 1, "the loss became " + loss, rate,
                            config.optimizer().weightDecay(), mlp.nonFiniteInput(ws, rows));
                }
                optimizer.step(rate);
                lossSum += (double) loss * rows;
                listener.stepDone(epoch, step + 1, steps, from + rows, loss);
            }
            // The next step's loss checks this epoch's last update, but after the last epoch's there is no next step.
            String weight = mlp.nonFiniteParameter();
            if (weight != null) {
                throw TrainingDivergedException.blame(epoch, steps, weight + " became non-finite", rate, config.optimizer().weightDecay(), null);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Evaluation evaluation = heldOut == null ? null : mlp.evaluate(heldOut);
            EpochResult result = new EpochResult(epoch, lossSum / n, seconds, n / seconds, rate, evaluation);
            results.add(result);
            listener.epochDone(result);
        }
        return new History(List.copyOf(results));
    }

    private static void check(Mlp mlp, DataSet data) {
        if (data.featureCount() != mlp.inputs()) {
            throw new IllegalArgumentException("the model takes " + mlp.inputs() + " features, " + data.name() + " has " + data.featureCount());
        }
        if (data.classes() > mlp.classes()) {
            throw new IllegalArgumentException(data.name() + " has " + data.classes() + " classes, the model " + mlp.classes());
        }
    }

    /** Fisher-Yates, from the run's generator, so every epoch's order follows from the seed. */
    private static void shuffle(int[] order, SplittableRandom random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }
}
