package dev.jvk.cli;

import dev.jvk.kernels.Gemm;
import dev.jvk.nn.Evaluation;
import dev.jvk.nn.Mlp;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code jvk evaluate}: loads a saved model and reports its accuracy, loss and confusion matrix on labelled data. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Evaluate a saved model on the test set of --data, or on a whole --csv file.")
final class EvaluateCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", paramLabel = "FILE", required = true, description = "A model written by train --save, or an ONNX file (.onnx).")
    Path model;

    @Mixin
    DataOptions data = new DataOptions();

    @Option(names = "--threads", paramLabel = "N", description = "GEMM threads (default: the available processors).")
    Integer threads;

    @Option(names = "--json", description = "Print one JSON line with the results on stdout.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        data.validate();
        if (threads != null && threads < 1) {
            throw new UsageException("--threads must be >= 1, got " + threads);
        }
        if (threads != null) {
            Gemm.setThreads(threads);
        }
        Mlp mlp = ModelLoading.load(model);
        DataOptions.Loaded loaded = data.loadForEvaluation();
        Evaluation e = mlp.evaluate(loaded.test());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new Json()
                    .put("model", model.toString())
                    .put("architecture", mlp.describe())
                    .put("data", loaded.testSource())
                    .put("samples", e.rows())
                    .put("test_accuracy", e.accuracy())
                    .put("test_loss", e.loss())
                    .put("confusion", e.confusion()));
            return 0;
        }
        out.printf(Locale.ROOT, "model %s: %s%n", model, mlp.describe());
        out.printf(Locale.ROOT, "data: %s%s, %d samples%n", loaded.testSource(), data.defaultNote(), e.rows());
        out.printf(Locale.ROOT, "accuracy %.4f, loss %.4f%n", e.accuracy(), e.loss());
        out.print(e.confusionTable());
        return 0;
    }
}
