package dev.jvk.cli;

import dev.jvk.nn.Evaluation;
import dev.jvk.nn.Mlp;
import dev.jvk.nn.QuantizedDense;
import dev.jvk.nn.Trainer;
import dev.jvk.nn.compress.Compression;
import dev.jvk.nn.data.CsvTable;
import dev.jvk.nn.data.DataException;
import dev.jvk.nn.data.DataSet;
import dev.jvk.nn.data.DataSources;
import dev.jvk.nn.optim.LearningRateSchedule;
import dev.jvk.nn.optim.OptimizerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code jvk compress}: a smaller, faster model from a saved one, by structured pruning (then fine-tuning) and
 * quantization of the weights to int8 or bf16 (or int8 weights with int8 activations quantized per row at inference); prints size, test score and batch-1 latency before and after.
 */
@Command(name = "compress", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Make a saved model smaller and faster: prune hidden units and fine-tune, or quantize to int8 or bf16.",
                "--prune removes a fraction of every hidden layer's units (those that contribute least) and fine-tunes on the training set of --data; "
                        + "--quantize stores the weights as int8 (one scale per output unit) or bf16, for inference only; int8-dynamic also quantizes "
                        + "each input row of a layer to int8 at inference, as PyTorch's dynamic quantization.",
                "Prints file size, test score and batch-1 latency before and after (docs/compression.md). The result is an ordinary model file: "
                        + "evaluate and predict read it."})
final class CompressCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", paramLabel = "FILE", required = true, description = "A model written by train --save (or an .onnx file).")
    Path model;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "The compressed model file to write.")
    Path out;

    @Option(names = "--quantize", paramLabel = "int8|bf16|int8-dynamic",
            description = "Store the weights as int8 or bf16, or int8 with int8 activations per row (after pruning, if both).")
    String quantize;

    @Option(names = "--prune", paramLabel = "F", description = "Remove this fraction of each hidden layer's units, in [0, 1).")
    Double prune;

    @Option(names = "--fine-tune-epochs", paramLabel = "N", defaultValue = "2",
            description = "Epochs of training after pruning, on the training set of --data (default: ${DEFAULT-VALUE}; 0 for none).")
    int fineTuneEpochs;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "0.001",
            description = "Adam learning rate of the fine-tuning, cosine-annealed (default: ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(names = "--distill", paramLabel = "W", defaultValue = "0.7",
            description = "Fine-tune towards the unpruned model: each row's target is W times its probabilities (softened by "
                    + "--temperature) plus 1 - W times the label (default: ${DEFAULT-VALUE}; 0 trains on the labels alone).")
    float distill;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "3",
            description = "Softens the unpruned model's probabilities for --distill, in [1, 100] (default: ${DEFAULT-VALUE}).")
    float temperature;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "32",
            description = "Fine-tuning batch size (default: ${DEFAULT-VALUE}: more steps in few epochs).")
    int batch;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seeds the fine-tuning's shuffling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    DataOptions data = new DataOptions();

    @Option(names = "--threads", paramLabel = "N", description = "GEMM threads (default: the available processors).")
    Integer threads;

    @Option(names = "--json", description = "Print one JSON line with the figures on stdout; progress goes to stderr.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        QuantizedDense.Format format = format(quantize);
        if (format == null && prune == null) {
            throw new UsageException("nothing to do: give --quantize int8|bf16|int8-dynamic, --prune F, or both");
        }
        if (prune != null && !(prune >= 0 && prune < 1)) {
            throw new UsageException("--prune must be in [0, 1), got " + prune);
        }
        if (fineTuneEpochs < 0) {
            throw new UsageException("--fine-tune-epochs must be >= 0, got " + fineTuneEpochs);
        }
        if (batch < 1) {
            throw new UsageException("--batch must be >= 1, got " + batch);
        }
        if (!(learningRate > 0 && Float.isFinite(learningRate))) {
            throw new UsageException("--lr must be > 0 and finite, got " + learningRate);
        }
        if (!(distill >= 0 && distill <= 1)) {
            throw new UsageException("--distill must be in [0, 1], got " + distill);
        }
        if (!(temperature >= 1 && temperature <= 100)) {
            throw new UsageException("--temperature must be in [1, 100], got " + temperature);
        }
        Options.checkModelTarget(out, "--out");
        Options.notAnInput(out, "--out", "the compressed model", "--model", model, "--csv", data.csv);
        data.validate();
        Options.standardInputOnce("--model", model, "--csv", data.csv);
        Options.setThreads(threads);
        boolean fineTune = prune != null && fineTuneEpochs > 0;
        PrintWriter progress = json ? spec.commandLine().getErr() : spec.commandLine().getOut();

        Mlp original = Models.load(model);
        if (prune != null && prune > 0 && original.layers().stream().filter(l -> l.parameterCount() > 0 || l instanceof QuantizedDense).count() < 2) {
            // Compression.prune would return the model as it is, and the output would say it pruned it
            throw new UsageException("--prune: " + model + " (" + original.describe() + ") has no hidden layer, no unit to remove");
        }
        DataSet test;
        DataSet train = null;
        String source;
        if (data.csv != null) {
            if (fineTune) {
                throw new UsageException("fine-tuning reads the training set of --data (fashion-mnist, synthetic or an IDX folder), "
                        + "not --csv; give --fine-tune-epochs 0 to prune without it");
            }
            CsvTable table = data.read(data.csv, Models.labels(original, data.labelColumns(), true, data.csv));
            // as evaluate fills them (the training means the model stores), so that the scores before and after are evaluate's
            progress.print(Models.fillMissing(original, model, table, data.missing()));
            test = Models.labelled(original, table);
            source = table.name();
        } else {
            if (!original.metadata().isClassification()) {
                throw new UsageException(model + " is a regression model: score it on a --csv file with its target columns "
                        + "(and give --fine-tune-epochs 0 when pruning)");
            }
            DataSources.TrainTest sets = data.builtIn();
            test = sets.test();
            Models.checkBuiltInWidth(original, model, test, data);
            train = sets.train();
            source = data.resolvedName() + " test set";
        }
        Evaluation before = original.evaluate(test);

        Mlp compressed = original;
        if (prune != null) {
            compressed = Compression.prune(compressed, prune);
            progress.printf(Locale.ROOT, "pruned %.0f%% of each hidden layer's units: %s -> %s%n", 100 * prune, original.describe(), compressed.describe());
            if (fineTune) {
                progress.printf(Locale.ROOT, "fine-tuning %d epoch%s on %s (%,d samples)%s%n", fineTuneEpochs, fineTuneEpochs == 1 ? "" : "s",
                        train.name(), train.rows(), distill > 0
                                ? String.format(Locale.ROOT, ", distilled from the unpruned model (weight %s, temperature %s)", distill, temperature)
                                : "");
                Trainer.Config config = Trainer.Config.builder().epochs(fineTuneEpochs).batchSize(batch).seed(seed)
                        .optimizer(OptimizerConfig.adam()).schedule(LearningRateSchedule.cosine(learningRate, 0f)).build();
                Trainer trainer = new Trainer(config).listener(new Progress(progress, false));
                if (distill > 0) {
                    trainer.distillFrom(original, distill, temperature);
                }
                trainer.fit(compressed, train, null);
            }
        }
        if (format != null) {
            compressed = Compression.quantize(compressed, format);
        }
        compressed.save(out);

        Mlp written = Models.load(out);   // scored as evaluate and predict will read it
        Evaluation after = written.evaluate(test);
        float[] row = Arrays.copyOf(test.features(), test.featureCount());
        double[] latency = batchOneMicros(original, written, row);
        double latencyBefore = latency[0];
        double latencyAfter = latency[1];
        long bytesBefore = Files.size(model);
        long bytesAfter = Files.size(out);
        String kind = format == null ? "float" : format.cliName();
        String score = after.isRegression() ? "rmse" : "accuracy";
        double scoreBefore = after.isRegression() ? before.rmse() : before.accuracy();
        double scoreAfter = after.isRegression() ? after.rmse() : after.accuracy();

        if (json) {
            spec.commandLine().getOut().println(new Json()
                    .put("model", model.toString())
                    .put("out", out.toString())
                    .put("architecture_before", original.describe())
                    .put("architecture_after", written.describe())
                    .put("weights", kind)
                    .put("data", source)
                    .put("bytes_before", bytesBefore)
                    .put("bytes_after", bytesAfter)
                    .put("test_" + score + "_before", scoreBefore)
                    .put("test_" + score + "_after", scoreAfter)
                    .put("latency_batch1_us_before", latencyBefore)
                    .put("latency_batch1_us_after", latencyAfter));
            return 0;
        }
        PrintWriter o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "%-18s %-26s %-26s%n", "", "before", "after");
        o.printf(Locale.ROOT, "%-18s %-26s %-26s%n", "model", original.describe(), written.describe() + ", " + kind);
        o.printf(Locale.ROOT, "%-18s %-26s %-26s %.2fx smaller%n", "file", String.format(Locale.ROOT, "%,d bytes", bytesBefore),
                String.format(Locale.ROOT, "%,d bytes", bytesAfter), (double) bytesBefore / bytesAfter);
        // an RMSE's change at the scores' own four decimals (at two, 0.2100 -> 0.2073 read "-0.00"); accuracy's in points
        o.printf(Locale.ROOT, "%-18s %-26.4f %-26.4f %s%n", "test " + score, scoreBefore, scoreAfter, after.isRegression()
                ? String.format(Locale.ROOT, "%+.4f", scoreAfter - scoreBefore)
                : String.format(Locale.ROOT, "%+.2f points", 100 * (scoreAfter - scoreBefore)));
        o.printf(Locale.ROOT, "%-18s %-26s %-26s %.2fx faster%n", "batch-1 latency", String.format(Locale.ROOT, "%.1f us", latencyBefore),
                String.format(Locale.ROOT, "%.1f us", latencyAfter), latencyBefore / latencyAfter);
        o.printf(Locale.ROOT, "data: %s%s, %d samples; latency: median of single-row predictions in this process (JMH figures: docs/compression.md)%n",
                source, data.defaultNote(), after.rows());
        o.println("wrote " + DataException.escaped(out.toString()));
        return 0;
    }

    static QuantizedDense.Format format(String name) {
        if (name == null) {
            return null;
        }
        for (QuantizedDense.Format f : QuantizedDense.Format.values()) {
            if (f.cliName().equals(name.toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new UsageException("unknown --quantize '" + name + "' (expected int8, bf16 or int8-dynamic)");
    }

    /**
     * The median wall time of one single-row {@code predict} of each model, in microseconds: both warmed up first
     * (0.3 s each), then timed in alternating blocks of 50 calls for up to 1 s in all, so that neither gets the JIT or
     * the machine's quiet moments alone. A rough figure for the user; the project's latency claims come from JMH.
     */
    static double[] batchOneMicros(Mlp a, Mlp b, float[] row) {
        Mlp[] models = {a, b};
        float[] scores = new float[Math.max(a.classes(), b.classes())];
        for (Mlp m : models) {
            long end = System.nanoTime() + 300_000_000L;
            for (int i = 0; i < 20 || System.nanoTime() < end; i++) {
                m.predict(row, 1, scores);
            }
        }
        long[][] times = new long[2][2_000];
        int n = 0;
        long end = System.nanoTime() + 1_000_000_000L;
        while (n + 50 <= times[0].length && (n < 50 || System.nanoTime() < end)) {
            for (int k = 0; k < 2; k++) {
                for (int i = 0; i < 50; i++) {
                    long t = System.nanoTime();
                    models[k].predict(row, 1, scores);
                    times[k][n + i] = System.nanoTime() - t;
                }
            }
            n += 50;
        }
        double[] median = new double[2];
        for (int k = 0; k < 2; k++) {
            Arrays.sort(times[k], 0, n);
            median[k] = times[k][n / 2] / 1e3;
        }
        return median;
    }
}
