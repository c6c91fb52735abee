package dev.jvk.cli;

import dev.jvk.kernels.Gemm;
import dev.jvk.kernels.KernelInfo;
import dev.jvk.kernels.Kernels;
import dev.jvk.nn.Activation;
import dev.jvk.nn.Mlp;
import dev.jvk.nn.Trainer;
import dev.jvk.nn.data.FeatureScaling;
import dev.jvk.nn.optim.LearningRateSchedule;
import dev.jvk.nn.optim.OptimizerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code jvk train}: trains an MLP classifier and reports test accuracy and training speed. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train an MLP classifier and report its test accuracy and training speed.",
                "Progress goes to stdout (a bar when it is a terminal), or to stderr with --json."})
final class TrainCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DataOptions data = new DataOptions();

    @Option(names = "--test-csv", paramLabel = "FILE", description = "A CSV file of test samples (same columns as --csv).")
    Path testCsv;

    @Option(names = "--test-split", paramLabel = "F", description = "Hold out this fraction of the training data as the test set.")
    Double testSplit;

    @Option(names = "--layers", paramLabel = "N,N,...", defaultValue = "256,128",
            description = "Hidden layer widths, comma-separated; 'none' for a linear model (default: ${DEFAULT-VALUE}).")
    String layers;

    @Option(names = "--activation", paramLabel = "NAME", defaultValue = "relu",
            description = "relu, leaky-relu, tanh, sigmoid, gelu or silu (default: ${DEFAULT-VALUE}).")
    String activation;

    @Option(names = "--dropout", paramLabel = "P", defaultValue = "0", description = "Dropout rate after each hidden activation (default: ${DEFAULT-VALUE}).")
    float dropout;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "10", description = "Passes over the training data (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "128", description = "Samples per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--optimizer", paramLabel = "sgd|adam|adamw", defaultValue = "adam", description = "(default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--lr", paramLabel = "RATE", description = "Learning rate (default: 0.001 for adam and adamw, 0.05 for sgd).")
    Float lr;

    @Option(names = "--momentum", paramLabel = "M", defaultValue = "0.9", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    float momentum;

    @Option(names = "--nesterov", description = "SGD with Nesterov momentum.")
    boolean nesterov;

    @Option(names = "--weight-decay", paramLabel = "WD", description = "Weight decay (default: 0.01 for adamw, else 0).")
    Float weightDecay;

    @Option(names = "--schedule", paramLabel = "constant|step|cosine", defaultValue = "cosine",
            description = "Learning-rate schedule; step halves it every third of the run (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--scale", paramLabel = "minmax|standard|none", defaultValue = "standard",
            description = "Feature scaling fitted on the training data (default: ${DEFAULT-VALUE}).")
    String scale;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seeds weights, shuffling and splits (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", paramLabel = "N", description = "GEMM threads (default: the available processors).")
    Integer threads;

    @Option(names = "--save", paramLabel = "FILE", description = "Write the trained model here (docs/model-format.md).")
    Path save;

    @Option(names = "--json", description = "Print one JSON line with the results on stdout; progress goes to stderr.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        // Everything is checked before any data is read or anything written.
        data.validate();
        if (testCsv != null && testSplit != null) {
            throw new UsageException("give either --test-csv or --test-split, not both");
        }
        if (testSplit != null && !(testSplit > 0 && testSplit < 1)) {
            throw new UsageException("--test-split must be between 0 and 1 (exclusive), got " + testSplit);
        }
        int[] hidden = parseLayers(layers);
        Activation act = parse(() -> Activation.fromCliName(activation));
        OptimizerConfig.Kind kind = parse(() -> OptimizerConfig.Kind.fromCliName(optimizer));
        FeatureScaling.Kind scaling = scalingKind(scale);
        if (epochs < 1) {
            throw new UsageException("--epochs must be >= 1, got " + epochs);
        }
        if (batch < 1) {
            throw new UsageException("--batch must be >= 1, got " + batch);
        }
        if (threads != null && threads < 1) {
            throw new UsageException("--threads must be >= 1, got " + threads);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new UsageException("--dropout must be in [0, 1), got " + dropout);
        }
        float rate = lr != null ? lr : (kind == OptimizerConfig.Kind.SGD ? 0.05f : 1e-3f);
        if (!(rate > 0) || !Float.isFinite(rate)) {
            throw new UsageException("--lr must be > 0, got " + rate);
        }
        float decay = weightDecay != null ? weightDecay : (kind == OptimizerConfig.Kind.ADAMW ? 0.01f : 0f);
        OptimizerConfig optimizerConfig = parse(() -> switch (kind) {
            case SGD -> OptimizerConfig.sgd(momentum, nesterov, decay);
            case ADAM -> OptimizerConfig.adam(decay);
            case ADAMW -> OptimizerConfig.adamW(decay);
        });
        if (kind != OptimizerConfig.Kind.SGD && nesterov) {
            throw new UsageException("--nesterov applies to --optimizer sgd only");
        }
        LearningRateSchedule lrSchedule = switch (schedule.toLowerCase(Locale.ROOT)) {
            case "constant" -> LearningRateSchedule.constant(rate);
            case "step" -> LearningRateSchedule.step(rate, Math.max(1, (epochs + 2) / 3), 0.5f);
            case "cosine" -> LearningRateSchedule.cosine(rate, 0f);
            default -> throw new UsageException("unknown --schedule '" + schedule + "' (expected constant, step or cosine)");
        };
        if (save != null) {
            Path dir = save.toAbsolutePath().getParent();
            if (dir == null || !Files.isDirectory(dir)) {
                throw new UsageException("--save " + save + ": the folder " + dir + " does not exist");
            }
            if (Files.isDirectory(save)) {
                throw new UsageException("--save " + save + " is a folder");
            }
            if (!Files.isWritable(dir)) {
                throw new UsageException("--save " + save + ": the folder " + dir + " is not writable");
            }
        }
        if (threads != null) {
            Gemm.setThreads(threads);
        }

        PrintWriter out = spec.commandLine().getOut();
        PrintWriter progress = json ? spec.commandLine().getErr() : out;
        boolean terminal = System.console() != null && System.console().isTerminal();
        DataOptions.Loaded loaded = data.loadForTraining(testCsv, testSplit, seed);
        KernelInfo kernels = Kernels.info();
        progress.println(kernels);
        progress.printf(Locale.ROOT, "data: %s%s: %d training and %d test samples (%s), %d features, %d classes, scaling %s%n",
                loaded.source(), data.defaultNote(), loaded.train().rows(), loaded.test().rows(), loaded.testSource(),
                loaded.train().featureCount(), loaded.train().classes(), scaling.cliName());

        int classes = Math.max(loaded.train().classes(), loaded.test().classes());
        Mlp mlp = Mlp.classifier(loaded.train().featureCount(), hidden, act, dropout, classes, seed);
        mlp.setScaling(FeatureScaling.fit(scaling, loaded.train()));
        progress.printf(Locale.ROOT, "model: %s, %,d parameters; %s lr %s %s, batch %d, %d epochs, seed %d, %d thread%s%n",
                mlp.describe(), mlp.parameterCount(), kind.cliName(), rate, schedule, batch, epochs, seed,
                Gemm.threads(), Gemm.threads() == 1 ? "" : "s");

        Trainer trainer = new Trainer(new Trainer.Config(epochs, batch, seed, optimizerConfig, lrSchedule))
                .listener(new Progress(progress, terminal && !json));
        long start = System.nanoTime();
        Trainer.History history = trainer.fit(mlp, loaded.train(), loaded.test());
        double seconds = (System.nanoTime() - start) / 1e9;
        Trainer.EpochResult last = history.last();

        if (save != null) {
            mlp.save(save);
        }
        progress.printf(Locale.ROOT, "test accuracy %.4f (loss %.4f) after %d epochs; median %,.0f training samples/s; %.1f s in all%n",
                last.evaluation().accuracy(), last.evaluation().loss(), epochs, history.medianSamplesPerSecond(), seconds);
        if (save != null) {
            progress.println("saved " + save);
        }
        if (json) {
            out.println(resultJson(loaded, mlp, kind, rate, history, seconds, kernels));
        }
        return 0;
    }

    private Json resultJson(DataOptions.Loaded loaded, Mlp mlp, OptimizerConfig.Kind kind, float rate,
                            Trainer.History history, double seconds, KernelInfo kernels) {
        Trainer.EpochResult last = history.last();
        List<Double> accuracies = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        for (Trainer.EpochResult r : history.epochs()) {
            accuracies.add(r.evaluation().accuracy());
            rates.add(r.samplesPerSecond());
            losses.add(r.trainLoss());
        }
        return new Json()
                .put("data", loaded.source())
                .put("train_samples", loaded.train().rows())
                .put("test_samples", loaded.test().rows())
                .put("features", mlp.inputs())
                .put("classes", mlp.classes())
                .put("model", mlp.describe())
                .put("parameters", mlp.parameterCount())
                .put("optimizer", kind.cliName())
                .put("lr", Double.parseDouble(Float.toString(rate)))
                .put("schedule", schedule)
                .put("batch", batch)
                .put("epochs", history.epochs().size())
                .put("seed", seed)
                .put("threads", Gemm.threads())
                .put("kernels", kernels.implementation() + (kernels.vectorBits() > 0 ? " " + kernels.vectorBits() + "-bit" : ""))
                .put("test_accuracy", last.evaluation().accuracy())
                .put("test_loss", last.evaluation().loss())
                .put("train_loss", last.trainLoss())
                .put("samples_per_second", history.medianSamplesPerSecond())
                .put("seconds", seconds)
                .put("test_accuracy_per_epoch", accuracies)
                .put("train_loss_per_epoch", losses)
                .put("samples_per_second_per_epoch", rates)
                .put("saved", save == null ? null : save.toString());
    }

    static int[] parseLayers(String spec) {
        String s = spec.strip();
        if (s.equalsIgnoreCase("none") || s.isEmpty()) {
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
        throw new UsageException("unknown --scale '" + name + "' (expected minmax, standard or none)");
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
