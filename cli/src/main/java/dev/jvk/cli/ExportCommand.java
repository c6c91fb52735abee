package dev.jvk.cli;

import dev.jvk.nn.Mlp;
import dev.jvk.nn.data.DataException;
import dev.jvk.nn.onnx.OnnxModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jvk export}: writes a saved model as ONNX, to run in ONNX Runtime or wherever ONNX runs. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Write a saved model as an ONNX file: input scaling, layers and, for classifiers, a softmax output "
                + "with the class names in the metadata (docs/onnx.md).")
final class ExportCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", paramLabel = "FILE", required = true, description = "A model written by train --save (or an .onnx file).")
    Path model;

    @Option(names = "--onnx", paramLabel = "FILE", required = true, description = "The ONNX file to write.")
    Path onnx;

    @Option(names = "--opset", paramLabel = "N", description = "ONNX operator set, 13 to 21 (default: 17; GELU is one node from 20).")
    int opset = 17;

    @Option(names = "--class-names", paramLabel = "NAMES", split = ",",
            description = "Comma-separated class names, one per class, for a classifier (default: the model's own, else 0, 1, ...).")
    List<String> classNames = List.of();

    @Override
    public Integer call() throws IOException {
        if (opset < 13 || opset > 21) {
            throw new UsageException("--opset must be in [13, 21], got " + opset);
        }
        Options.checkModelTarget(onnx, "--onnx");
        Options.notAnInput(onnx, "--onnx", "the ONNX file", "--model", model);
        Mlp mlp = Models.load(model);
        if (!classNames.isEmpty() && !mlp.metadata().isClassification()) {
            throw new UsageException("--class-names is for a classifier; " + model + " is a regression model");
        }
        if (!classNames.isEmpty() && classNames.size() != mlp.classes()) {
            throw new UsageException("--class-names has " + classNames.size() + " names, the model has " + mlp.classes() + " classes");
        }
        Set<String> seen = new HashSet<>();
        for (int j = 0; j < classNames.size(); j++) {
            String name = classNames.get(j);
            if (name.isBlank() || !seen.add(name)) {
                // predict prints the name of the class it chose, and evaluate's confusion matrix a row per name: each must say which
                throw new UsageException("--class-names: class " + j + "'s name " + (name.isBlank() ? "is empty" : "'" + name + "' is given twice")
                        + "; give each class its own name");
            }
        }
        OnnxModel.export(mlp, onnx, classNames, opset);
        spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s: %s, opset %d, %d bytes%n", DataException.escaped(onnx.toString()), mlp.describe(), opset, Files.size(onnx));
        return 0;
    }
}
