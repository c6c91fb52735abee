package dev.jvk.cli;

import dev.jvk.kernels.Gemm;
import dev.jvk.kernels.KernelInfo;
import dev.jvk.kernels.Kernels;
import dev.jvk.nn.Activation;
import dev.jvk.nn.Evaluation;
import dev.jvk.nn.Loss;
import dev.jvk.nn.Mlp;
import dev.jvk.nn.ModelMetadata;
import dev.jvk.nn.ThreadChooser;
import dev.jvk.nn.Trainer;
import dev.jvk.nn.TrainingCheckpoint;
import dev.jvk.nn.TrainingDivergedException;
import dev.jvk.nn.data.CsvReader;
import dev.jvk.nn.data.CsvTable;
import dev.jvk.nn.data.DataException;
import dev.jvk.nn.data.DataSet;
import dev.jvk.nn.data.DataSources;
import dev.jvk.nn.data.FeatureScaling;
import dev.jvk.nn.optim.LearningRateSchedule;
import dev.jvk.nn.optim.OptimizerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code jvk train}: trains an MLP classifier or regressor, watching a validation set (early stopping with
 * {@code --patience}), then scores the test set once and reports it with the training speed.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train an MLP classifier or regressor; score the test set once at the end.",
                "Progress goes to stdout (a bar when it is a terminal), or to stderr with --json."})
final class TrainCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DataOptions data = new DataOptions();

    @Option(names = "--task", paramLabel = "classification|regression",
            description = "What to learn (default: classification, or regression when a CSV file's labels are numbers that are not all integers).")
    String task;

    @Option(names = "--loss", paramLabel = "mse|huber", description = "Regression loss (default: mse). Classifiers use softmax cross-entropy.")
    String loss;

    @Option(names = "--class-weights", paramLabel = "balanced|FILE",
            description = "Weigh the classes in the loss: balanced (rows / (classes x class rows), as scikit-learn), or a CSV file of 'class,weight' lines.")
    String classWeights;

    @Option(names = "--test-csv", paramLabel = "FILE", description = "A CSV file of test samples (same columns as --csv).")
    Path testCsv;

    @Option(names = "--test-split", paramLabel = "F", description = "Hold out this fraction of the training data as the test set (CSV default: 0.2).")
    Double testSplit;

    @Option(names = "--validation-split", paramLabel = "F",
            description = "Hold out this fraction of the training rows to watch each epoch; 0 for none (default: 0.1 when that makes "
                    + Trainer.Config.MIN_VALIDATION_ROWS + " rows or more, or --patience is given, else 0: fewer rows could not choose an epoch, so they train).")
    Double validationSplit;

    @Option(names = "--validation-csv", paramLabel = "FILE", description = "A CSV file of validation samples (same columns as --csv).")
    Path validationCsv;

    @Option(names = "--patience", paramLabel = "N",
            description = "Early stopping: stop after N epochs without a better validation score and keep the best epoch's weights "
                    + "(default: a tenth of the epochs, at least 10, when " + Trainer.Config.MIN_VALIDATION_ROWS + " or more validation rows are watched).")
    Integer patience;

    @Option(names = "--report-test-every-epoch", description = "Score the test set after every epoch too (only for reporting: do not tune on it).")
    boolean reportTestEveryEpoch;

    @Option(names = "--layers", paramLabel = "N,N,...", defaultValue = "256,128",
            description = "Hidden layer widths, comma-separated; 'none' for a linear model (default: ${DEFAULT-VALUE}).")
    String layers;

    @Option(names = "--activation", paramLabel = "NAME",
            description = "relu, leaky-relu, tanh, sigmoid, gelu (exact, erf), gelu-tanh (its tanh approximation) or silu (default: relu; from " + CrossValidation.MIN_ROWS + " to "
                    + CrossValidation.MAX_ROWS + " training rows, relu or tanh, whichever has the lower held-out loss in 5-fold cross-validation on the training rows).")
    String activation;

    @Option(names = "--dropout", paramLabel = "P",
            description = "Dropout rate after each hidden activation (default: 0.2 below 10000 training rows, else 0).")
    Float dropout;

    @Option(names = "--epochs", paramLabel = "N",
            description = "Passes over the training data, the most with early stopping (default: enough for about 4000 steps, 10 to 300).")
    Integer epochs;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "128", description = "Samples per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--optimizer", paramLabel = "sgd|adam|adamw", defaultValue = "adam", description = "(default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--lr", paramLabel = "RATE", description = "Learning rate (default: 0.001 for adam and adamw, 0.05 for sgd).")
    Float lr;

    @Option(names = "--momentum", paramLabel = "M", description = "SGD momentum (default: 0.9; sgd only).")
    Float momentum;

    @Option(names = "--nesterov", description = "SGD with Nesterov momentum (sgd only).")
    boolean nesterov;

    @Option(names = "--weight-decay", paramLabel = "WD", description = "Weight decay (default: 0.01 for adamw, else 0).")
    Float weightDecay;

    @Option(names = "--schedule", paramLabel = "constant|step|cosine", defaultValue = "cosine",
            description = "Learning-rate schedule; step halves it every third of the run (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--scale", paramLabel = "auto|minmax|standard|none", defaultValue = "auto",
            description = "Feature scaling fitted on the training data; auto: none when every feature is within +-10 and their spreads "
                    + "within a factor of 10 of each other and of order 1 (the largest at least 0.1), else standard (default: ${DEFAULT-VALUE}).")
    String scale;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seeds weights, shuffling and splits (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", paramLabel = "N", description = "GEMM threads, at most the processors, for the whole run (default: auto, the faster of 1 and all the available "
            + "processors, measured in short windows while training and measured again every few hundred steps).")
    Integer threads;

    /** Without --threads, picks the count during training; null with --threads or on one processor. */
    private ThreadChooser chooser;

    @Option(names = "--save", paramLabel = "FILE", description = "Write the trained model here (docs/model-format.md).")
    Path save;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR",
            description = "After every epoch, write the model and the trainer's state into DIR (each file whole or not at all).")
    Path checkpointDir;

    @Option(names = "--resume", description = "Continue the run checkpointed in --checkpoint-dir: same options, same data, bitwise the same result.")
    boolean resume;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Write the learning curves (loss and validation metric per epoch) as a PNG image.")
    Path plot;

    @Option(names = "--json", description = "Print one JSON line with the results on stdout; progress goes to stderr.")
    boolean json;

    /** The run's length in a checkpoint's fingerprint ("300 epochs, "). */
    private static final Pattern RUN_LENGTH = Pattern.compile("\\d+ epochs?, ");

    /** The data of a run: training, validation (or null) and test sets, what the labels are, and where it all came from. */
    private record Prepared(DataSet train, DataSet validation, DataSet test, ModelMetadata metadata, String source,
                            String validationSource, String testSource, String notes) {}

    @Override
    public Integer call() throws IOException {
        // Everything is checked before any data is read or anything written.
        data.validate();
        Options.standardInputOnce("--csv", data.csv, "--test-csv", testCsv, "--validation-csv", validationCsv);
        if (testCsv != null && testSplit != null) {
            throw new UsageException("give either --test-csv or --test-split, not both");
        }
        if (testSplit != null && !(testSplit > 0 && testSplit < 1)) {
            throw new UsageException("--test-split must be between 0 and 1 (exclusive), got " + testSplit);
        }
        if (validationCsv != null && validationSplit != null) {
            throw new UsageException("give either --validation-csv or --validation-split, not both");
        }
        if (validationSplit != null && !(validationSplit >= 0 && validationSplit < 1)) {
            throw new UsageException("--validation-split must be in [0, 1), got " + validationSplit);
        }
        if ((testCsv != null || validationCsv != null) && data.csv == null) {
            throw new UsageException((testCsv != null ? "--test-csv" : "--validation-csv") + " needs --csv for the training data");
        }
        if (patience != null && patience < 1) {
            throw new UsageException("--patience must be >= 1, got " + patience);
        }
        if (patience != null && validationSplit != null && validationSplit == 0) {
            throw new UsageException("--patience watches the validation set; --validation-split 0 leaves none");
        }
        String taskName = Models.task(task);
        if (ModelMetadata.REGRESSION.equals(taskName) && data.csv == null) {
            throw new UsageException("--task regression needs a --csv file with numeric targets");
        }
        if (loss != null && !loss.equalsIgnoreCase("mse") && !loss.equalsIgnoreCase("huber")) {
            throw new UsageException("unknown --loss '" + loss + "' (expected mse or huber)");
        }
        int[] hidden = parseLayers(layers);
        if (hidden.length == 0 && (activation != null || (dropout != null && dropout != 0))) {
            throw new UsageException((activation != null ? "--activation" : "--dropout") + " acts on hidden layers; --layers " + layers
                    + " has none, so it would be ignored");
        }
        Activation chosenActivation = activation == null ? null : parse(() -> Activation.fromCliName(activation));
        OptimizerConfig.Kind kind = parse(() -> OptimizerConfig.Kind.fromCliName(optimizer));
        FeatureScaling.Kind chosenScaling = scale.equalsIgnoreCase("auto") ? null : scalingKind(scale);
        if (epochs != null && epochs < 1) {
            throw new UsageException("--epochs must be >= 1, got " + epochs);
        }
        if (batch < 1) {
            throw new UsageException("--batch must be >= 1, got " + batch);
        }
        if (dropout != null && !(dropout >= 0 && dropout < 1)) {
            throw new UsageException("--dropout must be in [0, 1), got " + dropout);
        }
        float rate = lr != null ? lr : (kind == OptimizerConfig.Kind.SGD ? 0.05f : Trainer.Config.DEFAULT_ADAM_RATE);
        if (!(rate > 0) || !Float.isFinite(rate)) {
            throw new UsageException("--lr must be > 0, got " + rate);
        }
        if (kind != OptimizerConfig.Kind.SGD && (nesterov || momentum != null)) {
            throw new UsageException((nesterov ? "--nesterov" : "--momentum") + " applies to --optimizer sgd only; " + kind.cliName() + " would ignore it");
        }
        float decay = weightDecay != null ? weightDecay : (kind == OptimizerConfig.Kind.ADAMW ? 0.01f : 0f);
        OptimizerConfig optimizerConfig = parse(() -> switch (kind) {
            case SGD -> OptimizerConfig.sgdWithMomentum(momentum == null ? 0.9f : momentum, nesterov, decay);
            case ADAM -> OptimizerConfig.adamWithWeightDecay(decay);
            case ADAMW -> OptimizerConfig.adamWWithWeightDecay(decay);
        });
        if (!List.of("constant", "step", "cosine").contains(schedule.toLowerCase(Locale.ROOT))) {
            throw new UsageException("unknown --schedule '" + schedule + "' (expected constant, step or cosine)");
        }
        Options.distinctOutputs("--save", save, "--plot", plot,
                "--checkpoint-dir", checkpointDir == null ? null : checkpointDir.resolve(TrainingCheckpoint.MODEL),
                "--checkpoint-dir", checkpointDir == null ? null : checkpointDir.resolve(TrainingCheckpoint.STATE));
        if (save != null) {
            Options.checkModelTarget(save, "--save");
            Options.notAnInput(save, "--save", "the model", "--csv", data.csv, "--test-csv", testCsv, "--validation-csv", validationCsv,
                    "--class-weights", classWeights);
        }
        if (resume && checkpointDir == null) {
            throw new UsageException("--resume continues the run in --checkpoint-dir DIR; give the folder");
        }
        if (checkpointDir != null) {
            if (resume ? !Files.isDirectory(checkpointDir) : Files.exists(checkpointDir) && !Files.isDirectory(checkpointDir)) {
                throw new UsageException("--checkpoint-dir " + checkpointDir + (resume ? ": no such folder to resume from" : " is not a folder"));
            }
            // before the data is read and the activation cross-validated, which the resumed run does again
            Path state = checkpointDir.resolve(TrainingCheckpoint.STATE);
            if (resume && !Files.exists(state)) {
                throw new UsageException(state + ": no such file (no checkpoint to resume from in " + checkpointDir + ")");
            }
            // an existing folder must take the files; a new one is made in a folder that exists
            Options.checkWritable(Files.isDirectory(checkpointDir) ? checkpointDir.resolve(TrainingCheckpoint.MODEL) : checkpointDir, "--checkpoint-dir");
        }
        if (classWeights != null && !classWeights.equalsIgnoreCase("balanced") && !Files.isRegularFile(Path.of(classWeights))) {
            if (Files.exists(Path.of(classWeights))) {
                throw new UsageException("--class-weights " + classWeights
                        + ": not a regular file (a folder, device or FIFO); expected balanced, or a CSV file of 'class,weight' lines");
            }
            throw new UsageException("--class-weights " + classWeights + ": no such file (expected balanced, or a CSV file of 'class,weight' lines)");
        }
        if (plot != null) {
            Options.checkWritable(plot, "--plot");
            Options.checkReplaceable(plot, "--plot", "a plot");
            Options.notAnInput(plot, "--plot", "the plot", "--csv", data.csv, "--test-csv", testCsv, "--validation-csv", validationCsv,
                    "--class-weights", classWeights);
            if (!plot.toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
                throw new UsageException("--plot " + plot + ": the learning curves are written as PNG; name the file *.png");
            }
        }
        Options.setThreads(threads);

        PrintWriter out = spec.commandLine().getOut();
        PrintWriter progress = json ? spec.commandLine().getErr() : out;
        boolean terminal = System.console() != null && System.console().isTerminal();
        Prepared p = prepare(taskName);
        boolean regression = !p.metadata().isClassification();
        if (loss != null && !regression) {
            throw new UsageException("--loss " + loss + " is for --task regression; a classifier trains with softmax cross-entropy");
        }
        int outputs = regression ? p.train().targetCount() : Math.max(p.train().classes(), p.test().classes());
        // read before the first line of progress, so that a bad weights file is one error line and nothing else
        float[] weights = classWeights(p.train(), outputs, p.metadata(), regression);
        KernelInfo kernels = Kernels.info();
        progress.println(kernels);
        if (!p.notes().isEmpty()) {
            progress.print(p.notes());
        }
        DataSet train = p.train();
        FeatureScaling.Kind scaling = chosenScaling != null ? chosenScaling : FeatureScaling.chooseFor(train);
        float dropout = this.dropout != null ? this.dropout : hidden.length == 0 ? 0f : Trainer.Config.dropoutFor(train.rows());
        int epochs = this.epochs != null ? this.epochs : Trainer.Config.epochsFor(train.rows(), batch);
        // a held-out set to watch makes early stopping the default: small sets overfit long before the last of their epochs
        int patience = this.patience != null ? this.patience : p.validation() == null ? 0 : Trainer.Config.patienceFor(epochs, p.validation().rows());
        LearningRateSchedule lrSchedule = switch (schedule.toLowerCase(Locale.ROOT)) {
            case "constant" -> LearningRateSchedule.constant(rate);
            case "step" -> LearningRateSchedule.step(rate, Math.max(1, (epochs + 2) / 3), 0.5f);
            default -> LearningRateSchedule.cosine(rate, 0f);
        };
        progress.printf(Locale.ROOT, "data: %s%s: %d training, %s and %s (%s), %s, %s, scaling %s%n",
                p.source(), data.defaultNote(), train.rows(),
                p.validation() == null ? "no validation" : p.validation().rows() + " validation (" + p.validationSource() + ")",
                plural(p.test().rows(), "test sample"), p.testSource(), plural(train.featureCount(), "feature"),
                regression ? plural(train.targetCount(), "regression target") : plural(train.classes(), "class", "classes"),
                scaling.cliName() + (chosenScaling != null ? "" : scaling == FeatureScaling.Kind.NONE
                        ? " (auto: the features are within +-10 and of comparable spread, of order 1)" : " (auto)"));

        // a fresh model whose scaling (and target standardisation) is fitted on the given training rows
        BiFunction<Activation, DataSet, Mlp> build = (a, rows) -> {
            Mlp m = regression
                    ? Mlp.regressor(rows.featureCount(), hidden, a, dropout, outputs, Loss.named(loss == null ? "mse" : loss.toLowerCase(Locale.ROOT)), seed)
                    : Mlp.classifier(rows.featureCount(), hidden, a, dropout, outputs, seed);
            m.setScaling(FeatureScaling.fit(scaling, rows));
            m.setMetadata(rows == train ? p.metadata() : standardisedOn(p.metadata(), rows));
            return m;
        };
        Activation act = chosenActivation != null ? chosenActivation : Activation.RELU;
        CrossValidation.Choice choice = null;
        if (chosenActivation == null && hidden.length > 0 && CrossValidation.applies(train.rows())) {
            Trainer folds = new Trainer(new Trainer.Config(epochs, batch, seed, optimizerConfig, lrSchedule, 0, weights));
            long cvStart = System.nanoTime();
            choice = CrossValidation.chooseActivation(train, seed, folds, build);
            double cvSeconds = (System.nanoTime() - cvStart) / 1e9;
            act = choice.activation();
            StringBuilder scores = new StringBuilder();
            choice.scores().forEach((a, score) -> scores.append(scores.isEmpty() ? "" : ", ").append(a.cliName())
                    .append(" ").append(Results.figure(score)));
            progress.printf(Locale.ROOT, "activation: %s, the better in %d-fold cross-validation on the %d training rows (mean held-out loss: %s; %.1f s; --activation to choose)%n",
                    act.cliName(), CrossValidation.FOLDS, train.rows(), scores, cvSeconds);
        }
        Mlp mlp = build.apply(act, train);
        progress.printf(Locale.ROOT, "model: %s, %,d parameters, loss %s%s; %s lr %s %s, batch %d, %s%s, seed %d, %s%n",
                mlp.describe(), mlp.parameterCount(), mlp.loss().name() + (weights == null ? "" : " weighted by --class-weights " + classWeights),
                dropout == 0 ? "" : ", dropout " + dropout + (this.dropout == null ? " (the default below " + Trainer.Config.SMALL_DATA_ROWS + " training rows)" : ""),
                kind.cliName(), rate, schedule, batch,
                this.epochs == null ? plural(epochs, "epoch") + " (default: about " + Trainer.Config.DEFAULT_STEPS + " steps)" : plural(epochs, "epoch"),
                patience == 0 ? "" : " (patience " + patience + (this.patience == null ? ", the default for " + p.validation().rows() + " validation rows" : "") + ")", seed,
                threads == null && Gemm.threads() > 1 ? "threads auto (1 or " + Gemm.threads() + ")" : plural(Gemm.threads(), "thread"));

        Trainer trainer = new Trainer(new Trainer.Config(epochs, batch, seed, optimizerConfig, lrSchedule, patience, weights));
        if (threads == null && Gemm.threads() > 1) {
            chooser = new ThreadChooser(Gemm.threads());
            trainer.chooseThreads(chooser);
        }
        TrainingCheckpoint state = null;
        Mlp model = mlp;
        if (checkpointDir != null) {
            // a constant rate does not depend on the run's length, so such a run may be continued for more epochs than it had
            boolean extensible = schedule.equalsIgnoreCase("constant");
            String fingerprint = String.format(Locale.ROOT, "%s, %sbatch %d, seed %d, %s lr %s %s, patience %d, %d training rows of %d features",
                    mlp.describe(), extensible ? "" : plural(epochs, "epoch") + ", ", batch, seed, kind.cliName(), rate, schedule, patience,
                    train.rows(), train.featureCount());
            // the rest of what decides the epochs: a resumption that changed one of them (or the data, same row count) would not be
            // the run it continues, yet carry on from its weights and moments
            String fullFingerprint = fingerprint + String.format(Locale.ROOT, "; dropout %s, weight decay %s, momentum %s%s, scaling %s, loss %s, "
                            + "class weights %s, training data %s, validation data %s",
                    dropout, optimizerConfig.weightDecay(), optimizerConfig.momentum(), optimizerConfig.nesterov() ? " nesterov" : "", scaling.cliName(),
                    mlp.loss().name(), weights == null ? "none" : checksum(weights),
                    checksum(train), p.validation() == null ? "none" : checksum(p.validation()));
            trainer.checkpointTo(checkpointDir, fullFingerprint);
            if (resume) {
                state = TrainingCheckpoint.read(checkpointDir);
                if (!state.fingerprint().equals(fullFingerprint)) {
                    String ours = fullFingerprint;
                    Matcher length = RUN_LENGTH.matcher(state.fingerprint());
                    String theirs = length.find() ? length.group() : null;
                    if (!extensible && theirs != null && state.fingerprint().replace(theirs, "").equals(RUN_LENGTH.matcher(ours).replaceFirst(""))) {
                        throw new UsageException("the checkpoint in " + checkpointDir + " is of a run of " + theirs.substring(0, theirs.length() - 2) + "; the "
                                + schedule + " schedule spans the epochs of the run, so resume it with those (a run of --schedule constant can be continued for more)");
                    }
                    throw new UsageException("the checkpoint in " + checkpointDir + " was made by a run with " + state.fingerprint() + "; this run has "
                            + ours + differences(state.fingerprint(), ours));
                }
                if (state.epoch() >= epochs) {
                    throw new UsageException("the checkpoint in " + checkpointDir + " has finished all " + plural(epochs, "epoch") + "; nothing to resume");
                }
                if (patience > 0 && state.bestEpoch() > 0 && state.epoch() - state.bestEpoch() >= patience) {
                    throw new UsageException("the run in " + checkpointDir + " stopped early after epoch " + state.epoch() + " (no better validation score since epoch "
                            + state.bestEpoch() + "); nothing to resume");
                }
                model = Models.load(checkpointDir.resolve(TrainingCheckpoint.MODEL));
                if (!model.describe().equals(mlp.describe()) || model.parameterCount() != mlp.parameterCount()) {
                    throw new UsageException("the checkpoint in " + checkpointDir + " holds a " + model.describe() + " model; these options make a " + mlp.describe());
                }
                progress.printf(Locale.ROOT, "resuming from %s after epoch %d%s%n", DataException.escaped(checkpointDir.toString()), state.epoch(),
                        reportTestEveryEpoch && state.history().stream().anyMatch(r -> r.test() == null)
                                ? " (the run before it did not score the test set each epoch: --report-test-every-epoch scores epochs " + (state.epoch() + 1) + " on)" : "");
            }
        }
        Mlp trained = model;
        trainer.listener(new Progress(progress, terminal && !json));
        if (reportTestEveryEpoch) {
            trainer.testEachEpoch(p.test());
        }
        long start = System.nanoTime();
        Trainer.History history = trainer.fit(trained, train, p.validation(), state);
        double seconds = (System.nanoTime() - start) / 1e9;
        Evaluation test = trained.evaluate(p.test());
        if (!Double.isFinite(test.loss())) {
            // the trainer scores each epoch's last batch again; a test row beyond their range can still overflow (or lie far
            // outside the training rows), and such a model is neither reported nor saved. When every training row scores
            // finite the model is sound where it was trained: the test rows are bad data (exit 2), not a diverged run (exit 1)
            if (Double.isFinite(trained.evaluate(train).loss())) {
                throw new DataException("the test loss became " + test.loss() + " after epoch " + history.last().epoch() + ", though the model's outputs "
                        + "for every training row are finite: test rows (" + p.testSource() + ") lie far beyond the training rows' range; "
                        + "check their range and units");
            }
            throw TrainingDivergedException.afterTraining("the test loss became " + test.loss(), history.last().epoch(), history.last().learningRate(),
                    "check the range of the test rows (" + p.testSource() + ")");
        }
        // NaN for the epochs of a checkpoint made by a run without --report-test-every-epoch
        List<Double> testPerEpoch = new ArrayList<>();
        if (reportTestEveryEpoch) {
            history.epochs().forEach(r -> testPerEpoch.add(r.test() == null ? Double.NaN : LearningCurves.metric(r.test())));
        }

        if (save != null) {
            trained.save(save);
        }
        if (plot != null) {
            LearningCurves.write(plot, history, testPerEpoch, regression);
        }
        // epochs are numbered from the start of the run, a resumed one's too, whose history begins with the checkpoint's epochs
        int lastEpoch = history.last().epoch();
        if (history.stoppedEarly() || (patience > 0 && history.bestEpoch() != lastEpoch)) {
            progress.printf(Locale.ROOT, "early stopping: %s; the model keeps epoch %d's weights%n",
                    history.stoppedEarly() ? "no better validation score in " + plural(patience, "epoch") : "the last epoch was not the best", history.bestEpoch());
        }
        progress.printf(Locale.ROOT, "test %s after %s%s; median %,.0f training samples/s; %.1f s in all%n",
                Results.line(test), plural(lastEpoch, "epoch"), state == null ? "" : " (" + (lastEpoch - state.epoch()) + " since the checkpoint)",
                history.medianSamplesPerSecond(), seconds);
        progress.print(Results.targetTable(test, Models.targetNames(trained)));
        if (chooser != null) {
            progress.println("threads: " + chooser.describe());
        }
        if (save != null) {
            progress.println("saved " + DataException.escaped(save.toString()));
        }
        if (plot != null) {
            progress.println("learning curves: " + DataException.escaped(plot.toString()));
        }
        if (json) {
            out.println(resultJson(p, trained, choice, dropout, kind, rate, history, test, testPerEpoch, seconds, kernels));
        }
        return 0;
    }

    /** Reads the data, decides the task and the class names, and splits off validation and test rows. */
    private Prepared prepare(String taskName) {
        StringBuilder notes = new StringBuilder();
        if (data.csv == null) {
            DataSources.TrainTest sets = data.builtIn();
            DataSet train = sets.train();
            DataSet test = sets.test();
            // an IDX folder may hold a file of 0 images: refused now, not after the training it would have wasted
            // (--test-split takes the test rows from the training set instead)
            for (DataSet set : testSplit == null ? new DataSet[] {train, test} : new DataSet[] {train}) {
                if (set.rows() == 0) {
                    throw new DataException(set.name() + ": no rows (its IDX files hold 0 images)");
                }
            }
            notes.append(oneClass(train, train.name(), List.of(), "are its train-labels file's labels the right ones?"));
            String testSource = data.resolvedName().equals("synthetic") ? "an independent synthetic sample" : "its test set";
            if (testSplit != null) {
                DataSet[] parts = DataOptions.split(train, testSplit, seed, "--test-split");
                train = parts[0];
                test = parts[1];
                testSource = Math.round(testSplit * 100) + "% of the training set";
            }
            Watched watched = splitValidation(train, notes);
            train = watched.train();
            DataSet validation = watched.validation();
            String validationSource = watched.source();
            notes.append(unseenClasses(train, validation, test, List.of()));
            return new Prepared(train, validation, test, ModelMetadata.of(ModelMetadata.CLASSIFICATION), data.resolvedName(),
                    validationSource, testSource, notes.toString());
        }
        StringBuilder labelNote = new StringBuilder();
        CsvTable table = data.read(data.csv, data.trainingLabels(data.csv, labelNote));
        if (!labelNote.isEmpty()) {
            notes.append(labelNote).append('\n');
        }
        notes.append(rowNumberColumn(table));
        notes.append(sameFiles());
        // the other files name the same columns: by header name when there is a header, else by index
        List<String> sameColumns = table.targetNames().isEmpty()
                ? Arrays.stream(table.labelColumns()).mapToObj(Integer::toString).toList() : table.targetNames();
        CsvTable testTable = testCsv == null ? null : data.read(testCsv, (h, c) -> sameColumns);
        CsvTable validationTable = validationCsv == null ? null : data.read(validationCsv, (h, c) -> sameColumns);
        for (CsvTable other : new CsvTable[] {testTable, validationTable}) {
            if (other != null && other.featureCount() != table.featureCount()) {
                throw new DataException(other.name() + " has " + other.featureCount() + " features, " + table.name() + " has " + table.featureCount());
            }
            if (other != null) {
                // as evaluate checks a file against the model: columns in another order would be scored silently wrong
                Models.checkFeatureNames(table.featureNames(), table.name() + " has", other);
            }
        }
        long missingValues = table.missingValues() + (testTable == null ? 0 : testTable.missingValues())
                + (validationTable == null ? 0 : validationTable.missingValues());
        boolean byMeans = data.missing() == CsvReader.Missing.MEAN;
        for (CsvTable t : new CsvTable[] {table, testTable, validationTable}) {
            if (byMeans && t != null) {
                // the reader filled each file with its own means; the gaps are filled below from the training rows
                t.markMissing();
            }
        }
        if (missingValues > 0 && !byMeans) {
            // zero needs nothing from the rows, and error refuses before anything trains
            table.fillMissing(data.missing(), null);
            if (testTable != null) {
                testTable.fillMissing(data.missing(), null);
            }
            if (validationTable != null) {
                validationTable.fillMissing(data.missing(), null);
            }
            notes.append(String.format(Locale.ROOT, "missing values: %d in %s filled with zero%n", table.missingValues(), table.name()));
        }
        String resolvedTask = taskName;
        if (resolvedTask == null) {
            resolvedTask = table.inferredTask() == CsvTable.Task.REGRESSION ? ModelMetadata.REGRESSION : ModelMetadata.CLASSIFICATION;
            if (resolvedTask.equals(ModelMetadata.REGRESSION)) {
                notes.append(table.labelColumns().length > 1
                        ? "task: regression (several target columns)\n"
                        : "task: regression, inferred: the labels are numbers that are not all integers (--task classification to override)\n");
            }
        }
        boolean regression = resolvedTask.equals(ModelMetadata.REGRESSION);
        List<String> classNames = regression ? List.of() : table.inferredClassNames();
        DataSet all = regression ? table.regression() : table.classification(classNames);
        DataSet test = testTable == null ? null : regression ? testTable.regression() : testTable.classification(classNames);
        DataSet validation = validationTable == null ? null : regression ? validationTable.regression() : validationTable.classification(classNames);
        if (!regression && classNames.isEmpty()) {
            int classes = Math.max(all.classes(), Math.max(test == null ? 1 : test.classes(), validation == null ? 1 : validation.classes()));
            all = all.withClasses(classes);
            test = test == null ? null : test.withClasses(classes);
            validation = validation == null ? null : validation.withClasses(classes);
        }
        if (!regression) {
            notes.append(oneClass(all, table.name(), classNames, "is --label-column the right column?"));
            notes.append(unusedClassNumbers(all, test, validation, classNames));
        }
        if (!regression && manyClassesFewRows(all) && !ModelMetadata.CLASSIFICATION.equals(taskName)) {
            long used = Arrays.stream(all.classCounts()).filter(c -> c > 0).count();
            // text cannot be a quantity: names of nearly one row each are identifiers (an id column), not classes; whole numbers
            // of 100 and more (prices in whole units) have class names too, and are quantities all the same
            notes.append(String.format(Locale.ROOT, "warning: %d classes with %.1f rows each on average: %s%n", used, (double) all.rows() / used,
                    classNames.isEmpty() || table.numericLabels()
                            ? "if the labels are quantities (as the diabetes set's whole-number targets), --task regression fits them better"
                            : "text labels this rare name rows rather than classes; is --label-column the right column?"));
        }
        DataSet train = all;
        String testSource = testTable == null ? null : testTable.name();
        if (test == null) {
            double fraction = testSplit == null ? 0.2 : testSplit;
            DataSet[] parts = DataOptions.split(train, fraction, seed, "--test-split");
            train = parts[0];
            test = parts[1];
            testSource = Math.round(fraction * 100) + "% of " + table.name() + (testSplit == null ? ", the default --test-split 0.2" : "");
        }
        String validationSource = validationTable == null ? null : validationTable.name();
        if (validation == null) {
            Watched watched = splitValidation(train, notes);
            train = watched.train();
            validation = watched.validation();
            validationSource = watched.source();
        }
        if (!regression) {
            notes.append(unseenClasses(train, validation, test, classNames));
        }
        // the means come from the rows that train, after the splits, so that nothing of the held-out rows flows into them
        // (a split-off test row's value would move the fill of every training row); every set is filled with them, and the
        // model keeps them, so that predict and evaluate fill a gap in a row the same way whatever other rows come with it
        float[] means = byMeans ? train.featureMeans() : new float[0];
        if (byMeans && missingValues > 0) {
            for (DataSet set : new DataSet[] {train, validation, test}) {
                fillGaps(set, means);
            }
            notes.append(String.format(Locale.ROOT, "missing values: %d in %s filled with the training rows' column means%n", table.missingValues(), table.name()));
        }
        float[] mean = new float[0];
        float[] std = new float[0];
        if (regression) {
            mean = new float[train.targetCount()];
            std = new float[train.targetCount()];
            standardisation(train, mean, std);
        }
        int[] labelColumns = table.labelColumns();
        ModelMetadata metadata = new ModelMetadata(resolvedTask, classNames, table.featureNames(), table.targetNames(),
                labelColumns.length == 1 ? labelColumns[0] : -1, mean, std, means);
        return new Prepared(train, validation, test, metadata, table.name(), validationSource, testSource, notes.toString());
    }

    /**
     * A warning for a held-out file that is a file the model learns from or tunes on: the test score of a model scored on its own
     * training rows says nothing of new data, and a validation file holding the test rows chooses the epoch by the test score.
     * A warning, not a refusal: a smoke test may score the training file on purpose.
     */
    private String sameFiles() {
        StringBuilder lines = new StringBuilder();
        Object[][] pairs = {
            {"--test-csv", testCsv, "--csv", data.csv, "the test score is the training rows' score, which says nothing of new data; give another file, or --test-split"},
            {"--validation-csv", validationCsv, "--csv", data.csv, "the validation rows are training rows"
                    + (testCsv == null ? " and hold the test rows split off it" : "") + "; early stopping cannot see overfitting on them"},
            {"--validation-csv", validationCsv, "--test-csv", testCsv, "early stopping chooses the epoch by the test rows' score, which is then no test"},
        };
        for (Object[] pair : pairs) {
            Path a = (Path) pair[1];
            Path b = (Path) pair[3];
            try {
                if (a != null && b != null && !a.toString().equals("-") && !b.toString().equals("-") && Files.isSameFile(a, b)) {
                    lines.append("warning: ").append(pair[0]).append(' ').append(a).append(" is the ").append(pair[2]).append(" file: ").append(pair[4]).append('\n');
                }
            } catch (IOException e) {
                // unreadable: reading it has said so already
            }
        }
        return lines.toString();
    }

    /** Puts {@code means[c]} in place of each missing value (NaN) of column c of {@code set}, when there is a set. */
    private static void fillGaps(DataSet set, float[] means) {
        if (set == null) {
            return;
        }
        float[] x = set.features();
        for (int i = 0; i < x.length; i++) {
            if (Float.isNaN(x[i])) {
                x[i] = means[i % means.length];
            }
        }
    }

    /**
     * A warning line for each class that has held-out rows (test or validation) but no training row: a split that put every
     * row of a rare class aside, or a test file with a class the training file lacks. The model never sees it in training,
     * and its held-out rows are all misread.
     */
    static String unseenClasses(DataSet train, DataSet validation, DataSet test, List<String> classNames) {
        int[] trained = train.classCounts();
        int[] tested = test == null ? new int[0] : test.classCounts();
        int[] watched = validation == null ? new int[0] : validation.classCounts();
        StringBuilder lines = new StringBuilder();
        for (int c = 0; c < Math.max(tested.length, watched.length); c++) {
            int t = c < tested.length ? tested[c] : 0;
            int v = c < watched.length ? watched[c] : 0;
            if ((t > 0 || v > 0) && (c >= trained.length || trained[c] == 0)) {
                String rows = t > 0 && v > 0 ? plural(t, "test row") + ", " + plural(v, "validation row") : t > 0 ? plural(t, "test row") : plural(v, "validation row");
                lines.append("warning: class '").append(c < classNames.size() ? classNames.get(c) : Integer.toString(c)).append("' has no training row (")
                        .append(rows).append("): the model never sees it in training and cannot learn it\n");
            }
        }
        return lines.toString();
    }

    /** The training rows, the validation rows split off them (null when none) and where those came from (null when none). */
    private record Watched(DataSet train, DataSet validation, String source) {}

    /**
     * Splits the validation rows off {@code train}: {@code --validation-split}, else (with {@code --patience}, which needs
     * rows to watch) the default fraction, else {@link Trainer.Config#validationSplitFor}, which keeps every row of a small
     * set for training and says so in {@code notes}.
     */
    private Watched splitValidation(DataSet train, StringBuilder notes) {
        double v = validationSplit != null ? validationSplit
                : patience != null ? Trainer.Config.DEFAULT_VALIDATION_SPLIT : Trainer.Config.validationSplitFor(train.rows());
        if (v == 0) {
            if (validationSplit == null) {
                notes.append(String.format(Locale.ROOT, "validation: none; %d%% of the %d training rows would be %d, too few to choose an epoch by "
                        + "(early stopping watches %d or more), so every row trains (--validation-split %s to watch them anyway)%n",
                        Math.round(Trainer.Config.DEFAULT_VALIDATION_SPLIT * 100), train.rows(), Math.round(Trainer.Config.DEFAULT_VALIDATION_SPLIT * train.rows()),
                        Trainer.Config.MIN_VALIDATION_ROWS, Trainer.Config.DEFAULT_VALIDATION_SPLIT));
            }
            return new Watched(train, null, null);
        }
        DataSet[] parts = DataOptions.split(train, v, seed + 1, "--validation-split");
        return new Watched(parts[0], parts[1], Math.round(v * 100) + "% of the training rows"
                + (validationSplit == null ? ", the default --validation-split " + Trainer.Config.DEFAULT_VALIDATION_SPLIT : ""));
    }

    /** The --class-weights for a classifier of {@code classes} classes named as {@code metadata} names them, or null. */
    private float[] classWeights(DataSet train, int classes, ModelMetadata metadata, boolean regression) {
        if (classWeights == null) {
            return null;
        }
        if (regression) {
            throw new UsageException("--class-weights weighs a classifier's classes; this is a regression");
        }
        if (classWeights.equalsIgnoreCase("balanced")) {
            return Trainer.Config.balancedClassWeights(train.withClasses(classes));
        }
        Path file = Path.of(classWeights);
        // one 'class,weight' line per class: the class by name (or number), the weight a positive number
        DataSet lines;
        CsvTable table;
        try {
            table = classWeightsTable(file, metadata.classNames());
            lines = table.classification(metadata.classNames());
        } catch (DataException e) {
            throw new DataException(e.getMessage() + " (a --class-weights file holds 'class,weight' lines)", e);
        }
        if (lines.featureCount() != 1) {
            throw new DataException(file + ": expected 'class,weight' lines, found " + (lines.featureCount() + 1) + " columns");
        }
        float[] weights = new float[classes];
        java.util.Arrays.fill(weights, Float.NaN);
        for (int r = 0; r < lines.rows(); r++) {
            int c = lines.labels()[r];
            float w = lines.features()[r];
            if (c >= weights.length) {
                throw new DataException(file + " line " + table.line(r) + ": class " + c + " is not one of the " + weights.length + " classes");
            }
            if (!(w > 0f)) {
                throw new DataException(file + " line " + table.line(r) + ": weight " + w + " must be positive");
            }
            if (!Float.isNaN(weights[c])) {
                int first = 0;
                while (lines.labels()[first] != c) {
                    first++;
                }
                throw new DataException(file + " line " + table.line(r) + ": a second weight for class " + Models.className(metadata, c)
                        + " (line " + table.line(first) + " gave " + weights[c] + ")");
            }
            weights[c] = w;
        }
        for (int c = 0; c < weights.length; c++) {
            if (Float.isNaN(weights[c])) {
                throw new DataException(file + ": no weight for class " + Models.className(metadata, c));
            }
        }
        return weights;
    }

    /**
     * A --class-weights file's lines, after a header line when it has one: a first line whose weight is not a number and whose
     * class is neither a number nor one of {@code classNames} ("class,weight", as pandas's to_csv writes it). A first line
     * that fails only one of those is a data line, refused below naming its line.
     */
    private static CsvTable classWeightsTable(Path file, List<String> classNames) {
        java.util.function.Predicate<List<String>> header = first -> first.size() == 2 && !isNumber(first.get(1)) && !isNumber(first.get(0))
                && !classNames.contains(first.get(0));
        List<List<String>> firstLine = new ArrayList<>();
        try {
            CsvTable withHeader = CsvReader.read(file, new CsvReader.Format(',', true, false), (names, columns) -> {
                firstLine.add(names);
                return List.of("0");
            }, CsvReader.Missing.ERROR);
            if (header.test(withHeader.header())) {
                return withHeader;
            }
        } catch (DataException e) {
            if (!firstLine.isEmpty() && header.test(firstLine.getFirst())) {
                throw e;   // a line after the header
            }
            // else the first line is no header: read again without one, whose error names the line as before
        }
        return CsvReader.read(file, new CsvReader.Format(',', false, false), List.of("0"), CsvReader.Missing.ERROR);
    }

    private static boolean isNumber(String cell) {
        try {
            Float.parseFloat(cell.strip());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Rows a file needs before a feature counting 0, 1, 2, ... (or 1, 2, 3, ...) down them is taken for row numbers. */
    static final int ROW_NUMBER_ROWS = 10;

    /**
     * A warning when a feature column of {@code table} holds the row numbers, 0 to rows - 1 or 1 to rows down the file: an
     * index written with the data (pandas's {@code to_csv} writes one by default, under an empty name; R's row names too).
     * As a feature it is worse than nothing: a file sorted by class teaches the model to read the class off the row number,
     * which the random test split rewards, and every other file's rows have unrelated numbers. Else "".
     */
    static String rowNumberColumn(CsvTable table) {
        int rows = table.rows();
        int features = table.featureCount();
        float[] x = table.features();
        int[] labels = table.labelColumns();
        if (rows < ROW_NUMBER_ROWS) {
            return "";
        }
        for (int j = 0, column = 0; j < features; j++, column++) {
            while (Models.contains(labels, column)) {
                column++;
            }
            float first = x[j];
            if (first != 0f && first != 1f) {
                continue;
            }
            int r = 1;
            while (r < rows && x[r * features + j] == first + r) {
                r++;
            }
            if (r == rows) {
                String name = table.header().isEmpty() ? "" : table.header().get(column).isEmpty() ? " (unnamed)"
                        : " (" + DataException.printable(table.header().get(column)) + ")";
                return String.format(Locale.ROOT, "warning: column %d%s of %s holds the row numbers %d, %d, %d, ... (an index written with "
                        + "the data, as pandas's to_csv writes one unless index=False?): the model learns from it as from any feature, "
                        + "though another file's rows have unrelated numbers; write the file without it%n",
                        column + 1, name, table.name(), (int) first, (int) first + 1, (int) first + 2);
            }
        }
        return "";
    }

    /**
     * A warning when every row of {@code rows} (read from {@code name}) has the same label, else "": a classifier of one class
     * scores 1.0 on everything and learns nothing, so the labels are most likely the wrong ones, which {@code question} asks.
     */
    static String oneClass(DataSet rows, String name, List<String> classNames, String question) {
        if (Arrays.stream(rows.classCounts()).filter(c -> c > 0).count() != 1) {
            return "";
        }
        int only = rows.labels()[0];
        return String.format(Locale.ROOT, "warning: every row of %s has the label '%s': the model can only predict it; %s%n",
                name, only < classNames.size() ? classNames.get(only) : Integer.toString(only), question);
    }

    /**
     * A note when labels are class numbers (no names) and some number below the largest occurs in no file: labels 1, 2, 3 make
     * classes 0 to 3, as the class is the number, and class 0 gets an output that no row trains. Said, since the data has 3
     * classes and the model 4 (scikit-learn would have made 3 of the same labels).
     */
    static String unusedClassNumbers(DataSet all, DataSet test, DataSet validation, List<String> classNames) {
        if (!classNames.isEmpty()) {
            return "";
        }
        int[] counts = all.classCounts().clone();
        for (DataSet other : new DataSet[] {test, validation}) {
            if (other != null) {
                int[] more = other.classCounts();
                for (int c = 0; c < Math.min(counts.length, more.length); c++) {
                    counts[c] += more[c];
                }
            }
        }
        List<String> unused = new ArrayList<>();
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] == 0) {
                unused.add(Integer.toString(c));
            }
        }
        if (unused.isEmpty()) {
            return "";
        }
        return String.format(Locale.ROOT, "note: the labels are class numbers 0..%d (the class is the number) and %s %s in no row: %s output%s no row trains%n",
                counts.length - 1, unused.size() > 5 ? unused.size() + " of them" : String.join(", ", unused), unused.size() == 1 ? "occurs" : "occur",
                unused.size() == 1 ? "its" : "their", unused.size() == 1 ? "" : "s");
    }

    /** More than 50 classes in use with fewer than 5 rows each on average: numbers that look like classes but are quantities. */
    static boolean manyClassesFewRows(DataSet data) {
        long used = Arrays.stream(data.classCounts()).filter(c -> c > 0).count();
        return used > 50 && data.rows() < 5 * used;
    }

    /** {@code metadata} with its target standardisation fitted on {@code rows} (a classifier's: unchanged). */
    static ModelMetadata standardisedOn(ModelMetadata metadata, DataSet rows) {
        if (metadata.isClassification()) {
            return metadata;
        }
        float[] mean = new float[rows.targetCount()];
        float[] std = new float[rows.targetCount()];
        standardisation(rows, mean, std);
        return new ModelMetadata(metadata.task(), metadata.classNames(), metadata.featureNames(), metadata.targetNames(), metadata.labelColumn(), mean, std,
                metadata.missingValueMeans());
    }

    /** Each target's mean and standard deviation (1 for a constant target) over the training rows, in double. */
    static void standardisation(DataSet train, float[] mean, float[] std) {
        int k = train.targetCount();
        double[] sum = new double[k];
        double[] squares = new double[k];
        float[] t = train.targets();
        for (int i = 0; i < t.length; i++) {
            sum[i % k] += t[i];
        }
        for (int j = 0; j < k; j++) {
            sum[j] /= train.rows();
        }
        for (int i = 0; i < t.length; i++) {
            double d = t[i] - sum[i % k];
            squares[i % k] += d * d;
        }
        for (int j = 0; j < k; j++) {
            double sd = Math.sqrt(squares[j] / train.rows());
            mean[j] = (float) sum[j];
            std[j] = sd > 1e-12 && Float.isFinite((float) sd) ? (float) sd : 1f;
        }
    }

    /** A CRC-32C of a data set's features and labels or targets, in hex, standing for the data in a checkpoint's fingerprint. */
    static String checksum(DataSet data) {
        CRC32C crc = new CRC32C();
        update(crc, data.features());
        ByteBuffer labels = ByteBuffer.allocate(4 * data.labels().length);
        labels.asIntBuffer().put(data.labels());
        crc.update(labels);
        if (data.targets() != null) {
            update(crc, data.targets());
        }
        return data.rows() + " rows crc " + Long.toHexString(crc.getValue());
    }

    /** A CRC-32C of {@code values}' bits, in hex. */
    static String checksum(float[] values) {
        CRC32C crc = new CRC32C();
        update(crc, values);
        return "crc " + Long.toHexString(crc.getValue());
    }

    /** Feeds {@code values}' bits to {@code crc} through a small buffer (a training set may be hundreds of megabytes). */
    private static void update(CRC32C crc, float[] values) {
        ByteBuffer chunk = ByteBuffer.allocate(1 << 16);
        for (int from = 0; from < values.length; from += chunk.capacity() / 4) {
            int n = Math.min(chunk.capacity() / 4, values.length - from);
            chunk.clear();
            chunk.asFloatBuffer().put(values, from, n);
            chunk.limit(4 * n);
            crc.update(chunk);
        }
    }

    /** ": it differs in X (this run: Y), ..." for two fingerprints of the same items, or "" when they do not line up. */
    static String differences(String theirs, String ours) {
        String[] a = theirs.split("[,;] ");
        String[] b = ours.split("[,;] ");
        if (a.length != b.length) {
            return "";
        }
        List<String> differ = new ArrayList<>();
        for (int i = 0; i < a.length; i++) {
            if (!a[i].equals(b[i])) {
                differ.add(a[i] + " (this run: " + b[i] + ")");
            }
        }
        return differ.isEmpty() ? "" : ": it differs in " + String.join(", ", differ);
    }

    static String plural(long n, String word) {
        return plural(n, word, word + "s");
    }

    static String plural(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    private static Json cvJson(CrossValidation.Choice choice) {
        Json j = new Json();
        choice.scores().forEach((a, score) -> j.put(a.cliName(), score));
        return j;
    }

    private Json resultJson(Prepared p, Mlp mlp, CrossValidation.Choice choice, float dropout, OptimizerConfig.Kind kind, float rate, Trainer.History history, Evaluation test,
                            List<Double> testPerEpoch, double seconds, KernelInfo kernels) {
        List<Double> validationScores = new ArrayList<>();
        List<Double> validationLosses = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        for (Trainer.EpochResult r : history.epochs()) {
            if (r.evaluation() != null) {
                validationScores.add(LearningCurves.metric(r.evaluation()));
                validationLosses.add(r.evaluation().loss());
            }
            rates.add(r.samplesPerSecond());
            losses.add(r.trainLoss());
        }
        boolean regression = test.isRegression();
        Json j = new Json()
                .put("data", p.source())
                .put("task", mlp.metadata().task())
                .put("train_samples", p.train().rows())
                .put("validation_samples", p.validation() == null ? 0 : p.validation().rows())
                .put("test_samples", p.test().rows())
                .put("features", mlp.inputs())
                .put(regression ? "targets" : "classes", mlp.classes())
                .put("model", mlp.describe())
                .put("parameters", mlp.parameterCount())
                .put("scaling", mlp.scaling().kind().cliName())
                .put("activation_cross_validation", choice == null ? null : cvJson(choice))
                .put("dropout", Double.parseDouble(Float.toString(dropout)))
                .put("loss", mlp.loss().name())
                .put("optimizer", kind.cliName())
                .put("lr", Double.parseDouble(Float.toString(rate)))
                .put("schedule", schedule)
                .put("batch", batch)
                .put("epochs", history.epochs().size())
                .put("best_epoch", history.bestEpoch())
                .put("stopped_early", history.stoppedEarly())
                .put("seed", seed)
                .put("threads", Gemm.threads())
                .put("threads_auto", chooser != null)
                .put("steps_on_1_thread", chooser == null ? null : chooser.stepsOnOne())
                .put("steps_on_all_threads", chooser == null ? null : chooser.stepsOnCandidate())
                .put("kernels", kernels.implementation() + (kernels.vectorBits() > 0 ? " " + kernels.vectorBits() + "-bit" : ""));
        Results.put(j, "test_", test);
        Results.putPerClass(j, "test_", test, mlp);
        if (regression) {
            j.put("target_names", Models.targetNames(mlp));
        }
        j.put("train_loss", history.best().trainLoss())
                .put("samples_per_second", history.medianSamplesPerSecond())
                .put("seconds", seconds)
                .put("train_loss_per_epoch", losses)
                .put(regression ? "validation_r2_per_epoch" : "validation_accuracy_per_epoch", validationScores)
                .put("validation_loss_per_epoch", validationLosses)
                .put("samples_per_second_per_epoch", rates);
        if (!testPerEpoch.isEmpty()) {
            j.put(regression ? "test_r2_per_epoch" : "test_accuracy_per_epoch", testPerEpoch);
        }
        return j.put("saved", save == null ? null : save.toString());
    }

    static int[] parseLayers(String spec) {
        String s = spec.strip();
        if (s.isEmpty()) {
            // an unset shell variable ("--layers $WIDTHS") should not silently train a linear model
            throw new UsageException("--layers '" + spec + "' is empty: give hidden widths (256,128), or none for a model without hidden layers");
        }
        if (s.equalsIgnoreCase("none")) {
            return new int[0];
        }
        String[] parts = s.split(",");
        int[] widths = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                widths[i] = Integer.parseInt(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new UsageException("--layers " + spec + ": '" + parts[i].strip() + "' is not a layer width");
            }
            if (widths[i] < 1 || widths[i] > 65_536) {
                throw new UsageException("--layers " + spec + ": widths must be between 1 and 65536, got " + widths[i]);
            }
        }
        return widths;
    }

    static FeatureScaling.Kind scalingKind(String name) {
        for (FeatureScaling.Kind k : FeatureScaling.Kind.values()) {
            if (k.cliName().equals(name.toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        throw new UsageException("unknown --scale '" + name + "' (expected auto, minmax, standard or none)");
    }

    /** Runs a parse step, turning its IllegalArgumentException into a usage error. */
    static <T> T parse(java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
