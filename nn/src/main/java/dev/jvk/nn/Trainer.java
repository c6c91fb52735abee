package dev.jvk.nn;

import dev.jvk.nn.data.DataSet;
import dev.jvk.nn.optim.LearningRateSchedule;
import dev.jvk.nn.optim.Optimizer;
import dev.jvk.nn.optim.OptimizerConfig;
import dev.jvk.nn.optim.Parameter;
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
     * What to train with. {@link #builder()} names each setting and starts from the defaults.
     *
     * @param epochs    passes over the training data, {@code >= 1} (the most, with early stopping)
     * @param batchSize rows per step, {@code >= 1}
     * @param seed      seeds the shuffling
     * @param optimizer the optimizer and its hyper-parameters
     * @param schedule  the learning rate over the run
     * @param patience  early stopping: stop after this many epochs without a better validation score and keep
     *                  the best epoch's weights; 0 trains every epoch
     */
    public record Config(int epochs, int batchSize, long seed, OptimizerConfig optimizer, LearningRateSchedule schedule, int patience) {
        /** Default epochs: {@value}. */
        public static final int DEFAULT_EPOCHS = 10;
        /** Default rows per step: {@value}. */
        public static final int DEFAULT_BATCH_SIZE = 128;
        /** Default seed: {@value}. */
        public static final long DEFAULT_SEED = 42;
        /** Default Adam learning rate: {@value}. */
        public static final float DEFAULT_ADAM_RATE = 1e-3f;

        /** Checks the ranges. */
        public Config {
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
            }
            if (patience < 0) {
                throw new IllegalArgumentException("patience must be >= 0, got " + patience);
            }
            Objects.requireNonNull(optimizer, "optimizer");
            Objects.requireNonNull(schedule, "schedule");
        }

        /** A configuration without early stopping. */
        public Config(int epochs, int batchSize, long seed, OptimizerConfig optimizer, LearningRateSchedule schedule) {
            this(epochs, batchSize, seed, optimizer, schedule, 0);
        }

        /** The defaults of {@code ./jvk train}: 10 epochs, batch 128, Adam at 1e-3 with cosine decay, seed 42, no early stopping. */
        public static Config defaults() {
            return builder().build();
        }

        /** A builder holding the defaults of {@link #defaults()}. */
        public static Builder builder() {
            return new Builder();
        }
    }

    /** Builds a {@link Config} by name: {@code Trainer.Config.builder().epochs(30).patience(5).build()}. */
    public static final class Builder {
        private int epochs = Config.DEFAULT_EPOCHS;
        private int batchSize = Config.DEFAULT_BATCH_SIZE;
        private long seed = Config.DEFAULT_SEED;
        private OptimizerConfig optimizer = OptimizerConfig.adam();
        private LearningRateSchedule schedule = LearningRateSchedule.cosine(Config.DEFAULT_ADAM_RATE, 0f);
        private int patience;

        private Builder() {}

        /** Passes over the training data (default {@value Config#DEFAULT_EPOCHS}). */
        public Builder epochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /** Rows per step (default {@value Config#DEFAULT_BATCH_SIZE}). */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Seeds the shuffling (default {@value Config#DEFAULT_SEED}). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** The optimizer (default Adam without weight decay). */
        public Builder optimizer(OptimizerConfig optimizer) {
            this.optimizer = optimizer;
            return this;
        }

        /** The learning rate over the run (default cosine decay from {@value Config#DEFAULT_ADAM_RATE} to 0). */
        public Builder schedule(LearningRateSchedule schedule) {
            this.schedule = schedule;
            return this;
        }

        /** Early stopping after this many epochs without a better validation score (default 0: off). */
        public Builder patience(int patience) {
            this.patience = patience;
            return this;
        }

        /**
         * The configuration.
         *
         * @throws IllegalArgumentException when a setting is out of range
         */
        public Config build() {
            return new Config(epochs, batchSize, seed, optimizer, schedule, patience);
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
     * @param evaluation       on the validation (held-out) set, or null when there is none
     * @param best             whether this epoch's validation score is the best so far
     */
    public record EpochResult(int epoch, double trainLoss, double trainSeconds, double samplesPerSecond,
                              float learningRate, Evaluation evaluation, boolean best) {}

    /**
     * All epochs of a run.
     *
     * @param epochs       the epochs trained, in order
     * @param bestEpoch    the epoch whose weights the model holds at the end: the best validation score with
     *                     early stopping, else the last epoch
     * @param stoppedEarly whether early stopping ended the run before the configured epochs
     */
    public record History(List<EpochResult> epochs, int bestEpoch, boolean stoppedEarly) {
        /** The last epoch. */
        public EpochResult last() {
            return epochs.getLast();
        }

        /** The epoch whose weights the model holds. */
        public EpochResult best() {
            return epochs.get(bestEpoch - 1);
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
     * evaluating on {@code validation} after each epoch when it is not null. With {@link Config#patience()}
     * above 0 and a validation set, training stops after that many epochs without a better validation score
     * (accuracy for a classifier, ties to the lower loss; the loss for a regressor) and the model is left
     * with the best epoch's weights.
     *
     * @throws IllegalArgumentException   when the data's width or labels do not fit the model, or the training set is empty
     * @throws TrainingDivergedException  when the loss stops being finite
     */
    public History fit(Mlp mlp, DataSet train, DataSet validation) {
        check(mlp, train);
        if (validation != null) {
            check(mlp, validation);
        }
        int n = train.rows();
        if (n == 0) {
            throw new IllegalArgumentException("no training rows");
        }
        int batch = Math.min(config.batchSize(), n);
        int steps = (n + batch - 1) / batch;
        Workspace ws = mlp.workspace(batch, true);
        List<Parameter> parameters = mlp.parameters();
        Optimizer optimizer = config.optimizer().create(parameters);
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        SplittableRandom shuffle = new SplittableRandom(config.seed());
        List<EpochResult> results = new ArrayList<>();
        boolean stopping = config.patience() > 0 && validation != null;
        float[][] bestWeights = null;
        Evaluation bestScore = null;
        int bestEpoch = 0;
        boolean stoppedEarly = false;

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
            Evaluation evaluation = validation == null ? null : mlp.evaluate(validation);
            boolean best = evaluation != null && (bestScore == null || better(evaluation, bestScore));
            if (best || !stopping) {
                bestEpoch = epoch;
            }
            if (best) {
                bestScore = evaluation;
                if (stopping) {
                    bestWeights = copy(parameters, bestWeights);
                }
            }
            EpochResult result = new EpochResult(epoch, lossSum / n, seconds, n / seconds, rate, evaluation, best);
            results.add(result);
            listener.epochDone(result);
            if (stopping && epoch - bestEpoch >= config.patience() && epoch < config.epochs()) {
                stoppedEarly = true;
                break;
            }
        }
        if (stopping && bestWeights != null && bestEpoch != results.size()) {
            for (int i = 0; i < parameters.size(); i++) {
                System.arraycopy(bestWeights[i], 0, parameters.get(i).value(), 0, bestWeights[i].length);
            }
        }
        return new History(List.copyOf(results), bestEpoch, stoppedEarly);
    }

    /** Higher accuracy, ties to the lower loss, for a classifier; the lower loss for a regressor. */
    static boolean better(Evaluation a, Evaluation b) {
        if (a.isRegression()) {
            return a.loss() < b.loss();
        }
        return a.accuracy() > b.accuracy() || (a.accuracy() == b.accuracy() && a.loss() < b.loss());
    }

    private static float[][] copy(List<Parameter> parameters, float[][] into) {
        float[][] out = into != null ? into : new float[parameters.size()][];
        for (int i = 0; i < parameters.size(); i++) {
            float[] v = parameters.get(i).value();
            if (out[i] == null) {
                out[i] = new float[v.length];
            }
            System.arraycopy(v, 0, out[i], 0, v.length);
        }
        return out;
    }

    private static void check(Mlp mlp, DataSet data) {
        if (data.featureCount() != mlp.inputs()) {
            throw new IllegalArgumentException("the model takes " + mlp.inputs() + " features, " + data.name() + " has " + data.featureCount());
        }
        boolean regressor = !mlp.metadata().isClassification();
        if (data.isRegression() != regressor || (regressor && (data.targetCount() != mlp.classes() || !mlp.loss().forRegression()))) {
            throw new IllegalArgumentException(data.name() + (data.isRegression() ? " has " + data.targetCount() + " regression targets" : " has class labels")
                    + "; the model " + (regressor ? "is a regressor of " + mlp.classes() + " outputs" : "is a classifier") + " with loss " + mlp.loss().name());
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
