package dev.jvk.cli;

import dev.jvk.kernels.Reductions;
import dev.jvk.nn.AtomicFiles;
import dev.jvk.nn.Mlp;
import dev.jvk.nn.data.CsvTable;
import dev.jvk.nn.data.DataSet;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code jvk predict}: a saved model's predictions for every row of a CSV file (or the test images of an IDX
 * folder), as CSV: a header, then {@code prediction} (the class name or number, or the regression value) and,
 * with {@code --probabilities}, one column per class headed by its name.
 */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Predict with a saved model: one CSV row out per input row (the class, its probabilities, or the values).",
                "'prediction' comes first (class name or number, or the regression value), then per-class probabilities with "
                        + "--probabilities. A label column in the input is recognised and skipped."})
final class PredictCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", paramLabel = "FILE", required = true, description = "A model written by train --save (or an .onnx file).")
    Path model;

    @Mixin
    DataOptions data = new DataOptions();

    @Option(names = "--out", paramLabel = "FILE|-", defaultValue = "-", description = "Where the predictions go (default: - for stdout).")
    Path out;

    @Option(names = "--probabilities", description = "Add one column per class: its probability, headed by the class name.")
    boolean probabilities;

    @Option(names = "--task", paramLabel = "classification|regression",
            description = "For an .onnx model: what its outputs are. classification: a classifier's logits (a graph without a final "
                    + "Softmax, as PyTorch exports most classifiers): predictions are their softmax. Default: as the file says.")
    String task;

    @Option(names = "--threads", paramLabel = "N", description = "GEMM threads (default: the available processors).")
    Integer threads;

    @Override
    public Integer call() throws IOException {
        data.validate();
        Options.standardInputOnce("--model", model, "--csv", data.csv);
        if (data.csv == null && data.data == null) {
            throw new UsageException("give the rows to predict: --csv FILE (- for stdin) or --data DIR");
        }
        Path target = out.toString().equals("-") ? null : out;
        if (target != null) {
            Options.checkWritable(target, "--out");
            Options.notAnInput(target, "--out", "the predictions", "--model", model, "--csv", data.csv);
        }
        Options.setThreads(threads);
        Mlp mlp = Models.load(model, Models.task(task));
        if (probabilities && !mlp.metadata().isClassification()) {
            throw new UsageException("--probabilities: " + model + " is a regression model, it has no class probabilities");
        }
        if (probabilities && Models.rawScores(model, mlp, Models.task(task))) {
            throw new UsageException("--probabilities: " + model + " ends without a softmax: its outputs are raw class scores, "
                    + "not probabilities; add --task classification to take their softmax");
        }
        // stdout may carry the predictions: the note goes to stderr
        spec.commandLine().getErr().print(Models.rawScoresNote(model, mlp, Models.task(task)));
        float[] x;
        int rows;
        if (data.csv != null) {
            CsvTable table = data.read(data.csv, Models.labels(mlp, data.labelColumns(), false, data.csv));
            if (table.featureCount() != mlp.inputs()) {
                throw new UsageException(data.csv + ": " + table.featureCount() + " feature columns besides the label, the model takes " + mlp.inputs());
            }
            Models.checkFeatureNames(mlp, table);
            // stdout may carry the predictions: the note goes to stderr
            spec.commandLine().getErr().print(Models.fillMissing(mlp, model, table, data.missing()));
            x = table.features();
            rows = table.rows();
        } else {
            DataSet test = Models.builtInTest(mlp, model, data);
            x = test.features();
            rows = test.rows();
        }
        float[] scores = mlp.predict(x, rows);
        String csv = format(mlp, scores, rows);
        int undefined = nanRows(scores, rows, mlp.classes());
        if (undefined > 0) {
            spec.commandLine().getErr().printf("jvk predict: %d of %d rows have NaN outputs and %s (features far outside the "
                    + "training data's range, or NaN, overflow the model)%n", undefined, rows,
                    mlp.metadata().isClassification() ? "no predicted class" : "NaN predictions");
        }
        if (target == null) {
            PrintWriter w = spec.commandLine().getOut();
            w.print(csv);
            w.flush();
        } else {
            write(target, csv);
        }
        return 0;
    }

    private String format(Mlp mlp, float[] scores, int rows) {
        StringWriter s = new StringWriter();
        int k = mlp.classes();
        boolean classifier = mlp.metadata().isClassification();
        StringBuilder header = new StringBuilder("prediction");
        if (classifier && probabilities) {
            for (int c = 0; c < k; c++) {
                header.append(',').append(field(Models.className(mlp, c)));
            }
        } else if (!classifier) {
            List<String> names = Models.targetNames(mlp);
            for (int j = 1; j < k; j++) {
                header.append(',').append(field(names.get(j)));
            }
        }
        s.append(header).append('\n');
        StringBuilder line = new StringBuilder();
        for (int r = 0; r < rows; r++) {
            line.setLength(0);
            if (classifier) {
                int best = Reductions.argmax(scores, r * k, k);
                // argmax's first NaN would name a class that nothing chose: the field stays empty, as a missing value
                if (!Float.isNaN(scores[r * k + best])) {
                    line.append(field(Models.className(mlp, best)));
                }
                if (probabilities) {
                    for (int c = 0; c < k; c++) {
                        line.append(',').append(scores[r * k + c]);
                    }
                }
            } else {
                for (int j = 0; j < k; j++) {
                    line.append(j == 0 ? "" : ",").append(scores[r * k + j]);
                }
            }
            s.append(line).append('\n');
        }
        return s.toString();
    }

    private static int nanRows(float[] scores, int rows, int k) {
        int count = 0;
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < k; j++) {
                if (Float.isNaN(scores[r * k + j])) {
                    count++;
                    break;
                }
            }
        }
        return count;
    }

    /** A CSV field, quoted as RFC 4180 says when it holds a comma, a quote, a line break or outer spaces. */
    static String field(String value) {
        boolean quote = value.isEmpty() || value.strip().length() != value.length();
        for (int i = 0; i < value.length() && !quote; i++) {
            char c = value.charAt(i);
            quote = c == ',' || c == '"' || c == '\n' || c == '\r';
        }
        return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }

    /**
     * A file appears whole or not at all, as a saved model does ({@link AtomicFiles}); a stream that exists and is not a
     * regular file ({@code /dev/stdout}, a FIFO) cannot be replaced, so the text is written into it.
     */
    private static void write(Path target, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (Files.exists(target) && !Files.isRegularFile(target)) {
            try (OutputStream stream = Files.newOutputStream(target, StandardOpenOption.WRITE)) {
                stream.write(bytes);
            } catch (IOException e) {
                // the system's words alone ("No space left on device") name no file
                throw new IOException(target + ": not written (" + e.getMessage() + ")", e);
            }
        } else {
            AtomicFiles.write(target, bytes);
        }
    }
}
