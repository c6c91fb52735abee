package dev.jvk.cli;

import dev.jvk.nn.Evaluation;
import dev.jvk.nn.Mlp;
import dev.jvk.nn.data.CsvTable;
import dev.jvk.nn.data.DataException;
import dev.jvk.nn.data.DataSet;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code jvk evaluate}: loads a saved model and reports how it does on labelled data. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate a saved model on the test set of --data, or on a whole --csv file.",
                "Classifiers: accuracy, top-k, per-class precision/recall/F1, the confusion matrix; regressors: R^2, RMSE, MAE."})
final class EvaluateCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", paramLabel = "FILE", required = true, description = "A model written by train --save (or an .onnx file).")
    Path model;

    @Mixin
    DataOptions data = new DataOptions();

    @Option(names = "--task", paramLabel = "classification|regression",
            description = "For an .onnx model: what its outputs are. classification: a classifier's logits (a graph without a final "
                    + "Softmax, as PyTorch exports most classifiers): predictions are their softmax. Default: as the file says.")
    String task;

    @Option(names = "--threads", paramLabel = "N", description = "GEMM threads (default: the available processors).")
    Integer threads;

    @Option(names = "--json", description = "Print one JSON line with the results on stdout.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        data.validate();
        Options.standardInputOnce("--model", model, "--csv", data.csv);
        Options.setThreads(threads);
        Mlp mlp = Models.load(model, Models.task(task));
        DataSet test;
        String source;
        String notes = Models.rawScoresNote(model, mlp, Models.task(task));
        if (data.csv != null) {
            CsvTable table = data.read(data.csv, Models.labels(mlp, data.labelColumns(), true, data.csv));
            notes += Models.fillMissing(mlp, model, table, data.missing());
            test = Models.labelled(mlp, table);
            source = table.name();
        } else {
            if (!mlp.metadata().isClassification()) {
                throw new UsageException(model + " is a regression model: evaluate it on a --csv file with its target columns");
            }
            test = Models.builtInTest(mlp, model, data);
            source = data.resolvedName() + " test set";
        }
        Evaluation e = mlp.evaluate(test);
        PrintWriter out = spec.commandLine().getOut();
        (json ? spec.commandLine().getErr() : out).print(notes);
        if (json) {
            Json j = new Json()
                    .put("model", model.toString())
                    .put("architecture", mlp.describe())
                    .put("task", mlp.metadata().task())
                    .put("data", source)
                    .put("samples", e.rows());
            Results.put(j, "test_", e);
            if (e.isRegression()) {
                j.put("target_names", Models.targetNames(mlp));
            }
            // train's keys for the test set, and the same figures under evaluate's own unprefixed names, which scripts read
            Results.putPerClass(j, "test_", e, mlp);
            Results.putPerClass(j, "", e, mlp);
            out.println(j);
            return 0;
        }
        out.printf(Locale.ROOT, "model %s: %s, %s%n", DataException.escaped(model.toString()), mlp.describe(), mlp.metadata().task());
        out.printf(Locale.ROOT, "data: %s%s, %s%n", source, data.defaultNote(), TrainCommand.plural(e.rows(), "sample"));
        out.println(Results.line(e));
        out.print(Results.targetTable(e, Models.targetNames(mlp)));
        if (!e.isRegression()) {
            out.print(e.classificationReport(mlp.metadata().classNames()));
            if (e.confusionClasses() <= 30) {
                out.print(e.confusionTable(mlp.metadata().classNames()));
            }
        }
        return 0;
    }
}
