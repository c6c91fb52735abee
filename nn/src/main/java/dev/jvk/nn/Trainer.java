package dev.jvk.nn;

import dev.jvk.kernels.Gemm;
import dev.jvk.nn.data.DataSet;
import dev.jvk.nn.optim.LearningRateSchedule;
import dev.jvk.nn.optim.Optimizer;
import dev.jvk.nn.optim.OptimizerConfig;
import dev.jvk.nn.optim.Parameter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
     * @param classWeights a classifier's loss weight per class (the weighted mean of PyTorch's
     *                  {@code CrossEntropyLoss(weight=...)}), positive; null weighs every row alike
     */
    public record Config(int epochs, int batchSize, long seed, OptimizerConfig optimizer, LearningRateSchedule schedule, int patience,
                         float[] classWeights) {
        /** Default epochs: {@value}. */
        public static final int DEFAULT_EPOCHS = 10;
        /** Default rows per step: {@value}. */
        public static final int DEFAULT_BATCH_SIZE = 128;
        /** Default seed: {@value}. */
        public static final long DEFAULT_SEED = 42;
        /** Default Adam learning rate: {@value}. */
        public static final float DEFAULT_ADAM_RATE = 1e-3f;
        /** The optimizer steps {@link #epochsFor} aims at: {@value} (10 epochs of Fashion-MNIST's 54,000 rows at batch 128). */
        public static final int DEFAULT_STEPS = 4_000;
        /** The most epochs {@link #epochsFor} gives: {@value}. */
        public static final int MAX_DEFAULT_EPOCHS = 300;
        /** The least early-stopping patience {@link #patienceFor} gives: {@value}. */
        public static final int MIN_DEFAULT_PATIENCE = 10;
        /** The fewest validation rows {@link #patienceFor} stops early on: {@value}. */
        public static final int MIN_VALIDATION_ROWS = 100;

        /** The fraction of the training rows {@link #validationSplitFor} holds out when it holds any: {@value}. */
        public static final double DEFAULT_VALIDATION_SPLIT = 0.1;

        /** Training rows below which {@link #dropoutFor} gives dropout: {@value}. */
        public static final int SMALL_DATA_ROWS = 10_000;
        /** The dropout rate {@link #dropoutFor} gives a small set: {@value}. */
        public static final float SMALL_DATA_DROPOUT = 0.2f;

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
            if (classWeights != null) {
                classWeights = classWeights.clone();
                for (int c = 0; c < classWeights.length; c++) {
                    if (!(classWeights[c] > 0f) || !Float.isFinite(classWeights[c])) {
                        throw new IllegalArgumentException("class weight " + c + " must be positive and finite, got " + classWeights[c]);
                    }
                }
            }
        }

        /** A configuration without early stopping or class weights. */
        public Config(int epochs, int batchSize, long seed, OptimizerConfig optimizer, LearningRateSchedule schedule) {
            this(epochs, batchSize, seed, optimizer, schedule, 0, null);
        }

        /** The class weights (a copy), or null. */
        @Override
        public float[] classWeights() {
            return classWeights == null ? null : classWeights.clone();
        }

        /**
         * scikit-learn's "balanced" weights for {@code train}: {@code rows / (classes * count(c))}, so that every class
         * weighs as much in the loss as if the classes were equally frequent; 1 for a class without rows.
         */
        public static float[] balancedClassWeights(DataSet train) {
            int[] counts = train.classCounts();
            long present = java.util.Arrays.stream(counts).filter(c -> c > 0).count();
            float[] w = new float[counts.length];
            for (int c = 0; c < counts.length; c++) {
                w[c] = counts[c] == 0 ? 1f : (float) ((double) train.rows() / (present * counts[c]));
            }
            return w;
        }

        /**
         * The epochs that give {@code rows} rows at {@code batchSize} about {@link #DEFAULT_STEPS} optimizer steps, between
         * {@link #DEFAULT_EPOCHS} and {@link #MAX_DEFAULT_EPOCHS}: the optimizer needs a number of updates, not of passes, so a
         * set of a hundred rows (one step per epoch) needs hundreds of epochs where Fashion-MNIST needs ten.
         *
         * @throws IllegalArgumentException when {@code rows} or {@code batchSize} is below 1
         */
        public static int epochsFor(int rows, int batchSize) {
            if (rows < 1 || batchSize < 1) {
                throw new IllegalArgumentException("rows and batch size must be >= 1, got " + rows + " and " + batchSize);
            }
            long steps = ((long) rows + batchSize - 1) / batchSize;
            long epochs = (DEFAULT_STEPS + steps - 1) / steps;
            return (int) Math.clamp(epochs, DEFAULT_EPOCHS, MAX_DEFAULT_EPOCHS);
        }

        /**
         * The early-stopping patience of {@code ./jvk train} for a run of {@code epochs} watching {@code validationRows}
         * rows: a tenth of the run, at least {@link #MIN_DEFAULT_PATIENCE} epochs; 0 (train every epoch) when fewer than
         * {@link #MIN_VALIDATION_ROWS} rows are watched, since on a few dozen rows one row outweighs what an epoch teaches,
         * and the epoch kept would be chosen by that row: in cross-validation on breast cancer's training rows (36 validation
         * rows a fold) training every epoch scored 0.974 accuracy, early stopping 0.970.
         */
        public static int patienceFor(int epochs, int validationRows) {
            return validationRows < MIN_VALIDATION_ROWS ? 0 : Math.max(MIN_DEFAULT_PATIENCE, epochs / 10);
        }

        /**
         * The fraction of {@code rows} training rows that {@code ./jvk train} holds out as its validation set:
         * {@link #DEFAULT_VALIDATION_SPLIT} when that makes at least {@link #MIN_VALIDATION_ROWS} rows, else 0. Fewer rows
         * cannot choose the epoch to keep ({@link #patienceFor}), so they would only be reported, at the price of a tenth of
         * the data: in cross-validation on the training rows of four UCI sets (docs/train.md), training on them too scored
         * level on iris and diabetes and higher on wine (0.979 against 0.976; 0.972 against 0.969 with another seed) and,
         * with that seed, on breast cancer (0.974 against 0.969; level with the first).
         *
         * @throws IllegalArgumentException when {@code rows} is negative
         */
        public static double validationSplitFor(int rows) {
            if (rows < 0) {
                throw new IllegalArgumentException("rows must be >= 0, got " + rows);
            }
            return Math.round(DEFAULT_VALIDATION_SPLIT * rows) >= MIN_VALIDATION_ROWS ? DEFAULT_VALIDATION_SPLIT : 0;
        }

        /**
         * The dropout rate of {@code ./jvk train} after each hidden activation for {@code rows} training rows:
         * {@link #SMALL_DATA_DROPOUT} below {@link #SMALL_DATA_ROWS}, else 0. The default network (256 and 128 units) and step
         * budget overfit a few hundred rows: in cross-validation on the training rows of the diabetes set dropout 0.2 raised
         * R^2 from 0.21 to 0.38, and cost nothing on wine and breast cancer; Fashion-MNIST's 54,000 rows need none.
         *
         * @throws IllegalArgumentException when {@code rows} is negative
         */
        public static float dropoutFor(int rows) {
            if (rows < 0) {
                throw new IllegalArgumentException("rows must be >= 0, got " + rows);
            }
            return rows < SMALL_DATA_ROWS ? SMALL_DATA_DROPOUT : 0f;
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
        private float[] classWeights;

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

        /** A classifier's loss weight per class (default null: every row alike); see {@link Config#balancedClassWeights}. */
        public Builder classWeights(float[] classWeights) {
            this.classWeights = classWeights;
            return this;
        }

        /**
         * The configuration.
         *
         * @throws IllegalArgumentException when a setting is out of range
         */
        public Config build() {
            return new Config(epochs, batchSize, seed, optimizer, schedule, patience, classWeights);
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
     * @param test             on the test set of {@link #testEachEpoch(DataSet)}, or null when none was given
     */
    public record EpochResult(int epoch, double trainLoss, double trainSeconds, double samplesPerSecond,
                              float learningRate, Evaluation evaluation, boolean best, Evaluation test) {}

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
            for (EpochResult r : epochs) {
                if (r.epoch() == bestEpoch) {
                    return r;
                }
            }
            return last();
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
    private Path checkpointDir;
    private String fingerprint = "";
    private DataSet testEachEpoch;
    private Mlp teacher;
    private float teacherWeight;
    private float teacherTemperature;
    private ThreadChooser threadChooser;

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
     * Scores {@code test} after every epoch into {@link EpochResult#test()}, for reporting only: nothing the trainer decides
     * reads it. The scores are in the checkpoint, so a resumed run reports them for the epochs before the resumption too.
     */
    public Trainer testEachEpoch(DataSet test) {
        this.testEachEpoch = Objects.requireNonNull(test, "test");
        return this;
    }

    /**
     * After every epoch, writes a checkpoint into {@code dir}: the model ({@link TrainingCheckpoint#MODEL}) and the
     * trainer's state ({@link TrainingCheckpoint#STATE}), each whole or not at all. {@code dir} is made (in a parent
     * folder that exists) with the first checkpoint, so a run that fails before its first epoch ends leaves nothing.
     * {@code fingerprint} names the settings a resumption must share (it is compared when resuming).
     */
    public Trainer checkpointTo(Path dir, String fingerprint) {
        this.checkpointDir = Objects.requireNonNull(dir, "dir");
        this.fingerprint = Objects.requireNonNull(fingerprint, "fingerprint");
        return this;
    }

    /**
     * Knowledge distillation (Hinton, Vinyals and Dean, 2015): a classifier then learns, for each training row,
     * {@code weight * softmax(z / temperature) + (1 - weight) * the label's one-hot} instead of the label alone, z being
     * the teacher's logits, with the same softmax cross-entropy. The teacher's probabilities say how alike the
     * classes look to a larger model (a shirt is more like a pullover than a boot), which is more to learn from per
     * row than the label, and a temperature above 1 makes the small ones large enough to count. This is how a pruned
     * model is fine-tuned back towards its unpruned self ({@code Compression.prune}; weight 0.7 at temperature 3 is
     * what {@code ./jvk compress} uses, measured in bench/RESULTS-lowp.md). The student is trained at temperature 1,
     * so its predictions need no rescaling. The teacher runs once over the training rows at the start of
     * {@link #fit}, and is not changed.
     *
     * @param weight      in (0, 1]: the teacher's share of each target
     * @param temperature in [1, 100]: 1 takes the teacher's probabilities as they are
     * @throws IllegalArgumentException when {@code weight} or {@code temperature} is out of range
     */
    public Trainer distillFrom(Mlp teacher, float weight, float temperature) {
        Objects.requireNonNull(teacher, "teacher");
        if (!(weight > 0f && weight <= 1f)) {
            throw new IllegalArgumentException("the distillation weight must be in (0, 1], got " + weight);
        }
        if (!(temperature >= 1f && temperature <= 100f)) {
            throw new IllegalArgumentException("the distillation temperature must be in [1, 100], got " + temperature);
        }
        this.teacher = teacher;
        this.teacherWeight = weight;
        this.teacherTemperature = temperature;
        return this;
    }

    /**
     * Runs each step on the thread count {@code chooser} picks ({@link Gemm#setThreads}), timing it for the chooser,
     * and restores GEMM's thread count after {@link #fit}. The weights are the same as on any fixed count.
     */
    public Trainer chooseThreads(ThreadChooser chooser) {
        this.threadChooser = Objects.requireNonNull(chooser, "chooser");
        return this;
    }

    /** {@link #fit(Mlp, DataSet, DataSet, TrainingCheckpoint)} from the first epoch. */
    public History fit(Mlp mlp, DataSet train, DataSet validation) {
        return fit(mlp, train, validation, null);
    }

    /**
     * Trains {@code mlp} on {@code train} (raw features; the model's scaling is applied per batch),
     * evaluating on {@code validation} after each epoch when it is not null. With {@link Config#patience()}
     * above 0 and a validation set, training stops after that many epochs without a better validation score
     * (accuracy for a classifier, ties to the lower loss; the loss for a regressor) and the model is left
     * with the best epoch's weights.
     *
     * <p>With {@code resume} (the state of a checkpoint whose model {@code mlp} was loaded from) training continues
     * after the checkpoint's epoch: the shuffles of the epochs before are replayed from the seed and the optimizer's
     * state and the dropout layers' generators restored, so the weights come out bitwise as an uninterrupted run's. The
     * history returned starts with the checkpoint's epochs, as the uninterrupted run's does.
     *
     * @throws IllegalArgumentException   when the data's width or labels do not fit the model, the training set, the
     *                                    validation set or the {@link #testEachEpoch} set is empty, or {@code resume}
     *                                    does not fit this model and configuration (all before the first step)
     * @throws TrainingDivergedException  when the loss stops being finite
     * @throws UncheckedIOException       when a checkpoint cannot be written
     * @throws java.util.ConcurrentModificationException when another thread is inside a call on {@code mlp} (see {@link Mlp})
     */
    public History fit(Mlp mlp, DataSet train, DataSet validation, TrainingCheckpoint resume) {
        Objects.requireNonNull(mlp, "mlp");
        Objects.requireNonNull(train, "train");
        int threads = Gemm.threads();
        boolean entered = mlp.enter();
        try {
            return train(mlp, train, validation, resume);
        } finally {
            mlp.exit(entered);
            if (Gemm.threads() != threads) {
                Gemm.setThreads(threads);
            }
        }
    }

    private History train(Mlp mlp, DataSet train, DataSet validation, TrainingCheckpoint resume) {
        check(mlp, train);
        // an empty set to score after each epoch would fail only after the first epoch had changed the weights
        if (validation != null) {
            check(mlp, validation);
            nonEmpty(validation, "validation");
        }
        if (testEachEpoch != null) {
            check(mlp, testEachEpoch);
            nonEmpty(testEachEpoch, "test");
        }
        int n = train.rows();
        if (n == 0) {
            throw new IllegalArgumentException("no training rows");
        }
        int batch = Math.min(config.batchSize(), n);
        int steps = (n + batch - 1) / batch;
        Workspace ws = mlp.workspace(batch, true);
        if (config.classWeights() != null) {
            if (train.isRegression() || config.classWeights().length != mlp.classes()) {
                throw new IllegalArgumentException("class weights: " + config.classWeights().length + " weights for "
                        + (train.isRegression() ? "a regressor" : "a classifier of " + mlp.classes() + " classes"));
            }
            ws.classWeights = config.classWeights();
        }
        float[] teacherScores = teacher == null ? null : teacherScores(mlp, train, ws);
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
        int firstEpoch = 1;
        if (resume != null) {
            if (!resume.fingerprint().equals(fingerprint)) {
                throw new IllegalArgumentException("the checkpoint was made by a run with " + resume.fingerprint() + "; this run has " + fingerprint);
            }
            float[][] state = optimizer.state();
            float[][] saved = resume.optimizerState();   // a copy: taken once
            if (state.length != saved.length) {
                throw new IllegalArgumentException("the checkpoint holds " + saved.length + " optimizer arrays, this optimizer " + state.length);
            }
            for (int i = 0; i < state.length; i++) {
                if (state[i].length != saved[i].length) {
                    throw new IllegalArgumentException("the checkpoint's optimizer array " + i + " has " + saved[i].length
                            + " values, this model's " + state[i].length);
                }
                System.arraycopy(saved[i], 0, state[i], 0, state[i].length);
            }
            optimizer.restoreSteps(resume.optimizerSteps());
            mlp.restoreRandomStates(resume.randomStates());
            for (int epoch = 1; epoch <= resume.epoch(); epoch++) {
                shuffle(order, shuffle);
            }
            firstEpoch = resume.epoch() + 1;
            results.addAll(resume.history());
            bestEpoch = resume.bestEpoch();
            if (resume.bestEpoch() > 0 && !Double.isNaN(resume.bestLoss())) {
                bestScore = new Evaluation(0, resume.bestAccuracy(), resume.bestLoss(), new int[0][], new double[0],
                        train.isRegression() ? resume.bestLoss() : Double.NaN, Double.NaN, Double.NaN);
            }
            if (resume.bestWeights().length > 0) {
                bestWeights = resume.bestWeights();
            }
        }

        for (int epoch = firstEpoch; epoch <= config.epochs(); epoch++) {
            shuffle(order, shuffle);
            listener.epochStarted(epoch, config.epochs(), steps);
            double lossSum = 0;
            float rate = 0f;
            long start = System.nanoTime();
            for (int step = 0; step < steps; step++) {
                int from = step * batch;
                int rows = Math.min(batch, n - from);
                long stepStart = 0;
                if (threadChooser != null) {
                    if (threadChooser.threads() != Gemm.threads()) {
                        Gemm.setThreads(threadChooser.threads());
                    }
                    stepStart = System.nanoTime();
                }
                mlp.loadBatch(ws, train, order, from, rows);
                if (teacherScores != null) {
                    softTargets(ws, teacherScores, order, from, rows, mlp.classes());
                }
                rate = config.schedule().rate(epoch - 1 + (double) step / steps, config.epochs());
                float loss = mlp.trainStep(ws, rows, optimizer, rate);
                if (threadChooser != null) {
                    threadChooser.stepTook(System.nanoTime() - stepStart);
                }
                if (!Float.isFinite(loss)) {
                    throw TrainingDivergedException.blame(epoch, step + 1, "the loss became " + loss, rate,
                            config.optimizer().weightDecay(), mlp.nonFiniteInput(ws, rows));
                }
                lossSum += (double) loss * rows;
                listener.stepDone(epoch, step + 1, steps, from + rows, loss);
            }
            // The next step's loss checks this epoch's last update, but after the last epoch's there is no next step. Weights
            // can also stay finite yet so large that the forward pass overflows (inf - inf = NaN): the epoch's last batch is
            // scored again, before a checkpoint or the caller's save keeps weights that predict NaN.
            String weight = mlp.nonFiniteParameter();
            if (weight != null) {
                throw TrainingDivergedException.blame(epoch, steps, weight + " became non-finite", rate, config.optimizer().weightDecay(), null);
            }
            String scores = nonFiniteScores(mlp, train, order, (steps - 1) * batch, n);
            if (scores != null) {
                throw TrainingDivergedException.blame(epoch, steps, scores, rate, config.optimizer().weightDecay(), null);
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
            Evaluation test = testEachEpoch == null ? null : mlp.evaluate(testEachEpoch);
            EpochResult result = new EpochResult(epoch, lossSum / n, seconds, n / seconds, rate, evaluation, best, test);
            results.add(result);
            if (checkpointDir != null) {
                writeCheckpoint(mlp, optimizer, epoch, bestEpoch, bestScore, stopping ? bestWeights : null, results);
            }
            listener.epochDone(result);
            if (stopping && epoch - bestEpoch >= config.patience() && epoch < config.epochs()) {
                stoppedEarly = true;
                break;
            }
        }
        if (stopping && bestWeights != null && !results.isEmpty() && bestEpoch != results.getLast().epoch()) {
            for (int i = 0; i < parameters.size(); i++) {
                System.arraycopy(bestWeights[i], 0, parameters.get(i).value(), 0, bestWeights[i].length);
            }
            // the epochs' evaluations packed the last epoch's weights for inference: predict must see the best ones
            mlp.dropPackedWeights();
        }
        return new History(List.copyOf(results), bestEpoch, stoppedEarly);
    }

    /**
     * "the outputs for training row R became NaN" when the model's outputs for one of the rows {@code order[from..to)} of
     * {@code train} are not finite, else null.
     */
    private static String nonFiniteScores(Mlp mlp, DataSet train, int[] order, int from, int to) {
        int k = train.featureCount();
        float[] x = new float[(to - from) * k];
        for (int i = from; i < to; i++) {
            System.arraycopy(train.features(), order[i] * k, x, (i - from) * k, k);
        }
        float[] scores = mlp.predict(x, to - from);
        for (int i = 0; i < scores.length; i++) {
            if (!Float.isFinite(scores[i])) {
                return "the outputs for training row " + (order[from + i / mlp.classes()] + 1) + " became " + scores[i];
            }
        }
        return null;
    }

    private void writeCheckpoint(Mlp mlp, Optimizer optimizer, int epoch, int bestEpoch, Evaluation bestScore, float[][] bestWeights,
                                 List<EpochResult> history) {
        try {
            Files.createDirectories(checkpointDir);
            mlp.save(checkpointDir.resolve(TrainingCheckpoint.MODEL));
            new TrainingCheckpoint(fingerprint, epoch, optimizer.steps(), optimizer.state(), bestEpoch,
                    bestScore == null ? Double.NaN : bestScore.accuracy(), bestScore == null ? Double.NaN : bestScore.loss(),
                    bestWeights == null ? new float[0][] : bestWeights, mlp.randomStates(), history).write(checkpointDir);
        } catch (IOException e) {
            throw new UncheckedIOException(checkpointDir + ": cannot write the checkpoint (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Higher accuracy, ties to the lower loss, for a classifier; the lower loss for a regressor. Not the loss alone for a
     * classifier: it bottoms out before accuracy peaks, and kept 0.3 points less Fashion-MNIST test accuracy.
     */
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

    /**
     * The teacher's class probabilities for every training row ({@code rows x classes}), after checking that it fits
     * the student: a classifier of the same inputs and classes, no class weights beside it.
     */
    private float[] teacherScores(Mlp student, DataSet train, Workspace ws) {
        if (train.isRegression() || !(student.loss() instanceof SoftmaxCrossEntropy) || !(teacher.loss() instanceof SoftmaxCrossEntropy)) {
            throw new IllegalArgumentException("distillation trains a softmax cross-entropy classifier from another; the student's loss is "
                    + student.loss().name() + ", the teacher's " + teacher.loss().name());
        }
        if (teacher.inputs() != student.inputs() || teacher.classes() != student.classes()) {
            throw new IllegalArgumentException("the teacher takes " + teacher.inputs() + " features to " + teacher.classes()
                    + " classes, the model " + student.inputs() + " to " + student.classes());
        }
        if (ws.classWeights != null) {
            throw new IllegalArgumentException("distillation and class weights do not combine: the teacher's probabilities already weigh the classes");
        }
        ws.softTargets = true;
        float[] p = teacher.predict(train.features(), train.rows());
        soften(p, train.rows(), teacher.classes(), teacherTemperature);
        return p;
    }

    /**
     * Each row of probabilities p becomes {@code softmax(z / T)} for the logits z behind it, computed as
     * {@code p^(1/T)} normalised (the same, since p = softmax(z)); a class whose probability underflowed to 0
     * stays 0, where {@code softmax(z / T)} would give it less than {@code e^(-87/T)}.
     */
    static void soften(float[] p, int rows, int classes, float temperature) {
        if (temperature == 1f) {
            return;
        }
        double power = 1.0 / temperature;
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += StrictMath.pow(p[r * classes + c], power);
            }
            for (int c = 0; c < classes; c++) {
                p[r * classes + c] = (float) (StrictMath.pow(p[r * classes + c], power) / sum);
            }
        }
    }

    /** The batch's targets: {@code teacherWeight * teacher's probabilities + (1 - teacherWeight) * onehot(label)}. */
    private void softTargets(Workspace ws, float[] teacherScores, int[] order, int from, int rows, int classes) {
        float own = 1f - teacherWeight;
        for (int i = 0; i < rows; i++) {
            int r = order[from + i];
            for (int c = 0; c < classes; c++) {
                ws.targets[i * classes + c] = teacherWeight * teacherScores[r * classes + c];
            }
            ws.targets[i * classes + ws.labels[i]] += own;
        }
    }

    private static void nonEmpty(DataSet data, String role) {
        if (data.rows() == 0) {
            throw new IllegalArgumentException("the " + role + " set " + data.name() + " has no rows to evaluate on");
        }
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
