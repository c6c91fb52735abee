package dev.jvk.cli;

import dev.jvk.nn.Mlp;
import dev.jvk.nn.ModelMetadata;
import dev.jvk.nn.SoftmaxCrossEntropy;
import dev.jvk.nn.data.CsvReader;
import dev.jvk.nn.data.CsvTable;
import dev.jvk.nn.data.DataException;
import dev.jvk.nn.data.DataSet;
import dev.jvk.nn.onnx.OnnxModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Models as the commands use them: loading (the one place a command reads a model file), and fitting a CSV file's columns to one. */
final class Models {
    private Models() {}

    /**
     * Reads the model in {@code file}: a jvk model file or an ONNX file, told apart by their first bytes
     * ({@link #isOnnx}). Every command loads models here. Either reader fails with a {@code ModelFileException}
     * naming the file and what is wrong.
     */
    static Mlp load(Path file) throws IOException {
        return isOnnx(file) ? OnnxModel.importMlp(file) : Mlp.load(file);
    }

    /**
     * {@link #load(Path)} for {@code predict} and {@code evaluate --task}: an ONNX file's outputs taken as {@code task}'s
     * ({@link OnnxModel#read(Path, String)}: classification makes a graph without a final softmax a classifier of its
     * logits). A jvk model file stores its task: one that differs from {@code task} is refused.
     *
     * @param task the task's name ({@link #task}), or null for the file's own
     */
    static Mlp load(Path file, String task) throws IOException {
        if (task == null) {
            return load(file);
        }
        if (isOnnx(file)) {
            return OnnxModel.read(file, task).mlp();
        }
        Mlp mlp = Mlp.load(file);
        if (!mlp.metadata().task().equals(task)) {
            throw new UsageException("--task " + task + ": " + file + " is a " + mlp.metadata().task() + " model, as its file says; "
                    + "--task sets the task of an .onnx model's outputs only");
        }
        return mlp;
    }

    /**
     * Whether {@code mlp}, read from {@code file} without a {@code --task}, is an ONNX classifier whose outputs are raw
     * class scores: its graph ends without a softmax and nothing said to take one, so its outputs are scores (the largest
     * names the class) but not probabilities. Most PyTorch classifiers are exported so
     * ({@code CrossEntropyLoss} takes the logits); a regressor with several outputs looks the same.
     */
    static boolean rawScores(Path file, Mlp mlp, String task) throws IOException {
        return task == null && isOnnx(file) && mlp.metadata().isClassification() && !(mlp.loss() instanceof SoftmaxCrossEntropy);
    }

    /** The note for stderr when {@link #rawScores}: what jvk assumed and the option that says otherwise; else "". */
    static String rawScoresNote(Path file, Mlp mlp, String task) throws IOException {
        if (!rawScores(file, mlp, task)) {
            return "";
        }
        return String.format("note: %s ends without a softmax: its %d outputs are read as raw class scores, not probabilities "
                + "(the largest names the class); --task classification takes their softmax as probabilities, "
                + "--task regression reads them as values%n", file, mlp.classes());
    }

    /** The task named by a {@code --task} option (train, predict, evaluate), or null when it is not given. */
    static String task(String option) {
        return option == null ? null : switch (option.toLowerCase(Locale.ROOT)) {
            case "classification" -> ModelMetadata.CLASSIFICATION;
            case "regression" -> ModelMetadata.REGRESSION;
            default -> throw new UsageException("unknown --task '" + option + "' (expected classification or regression)");
        };
    }

    /**
     * Whether {@code file} is read as ONNX: never a file that begins with jvk's magic number, whatever its name; else one
     * named {@code .onnx}, or one whose first byte is the tag of {@code ModelProto.ir_version} (field 1, a varint), which
     * every ONNX writer puts first: a model saved under another name is read by what it holds.
     */
    static boolean isOnnx(Path file) throws IOException {
        if (Mlp.isModelFile(file)) {
            return false;
        }
        Path name = file.getFileName();
        if (name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".onnx")) {
            return true;
        }
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == IR_VERSION_TAG;
        }
    }

    /** Protobuf's tag of field 1 as a varint: {@code (1 << 3) | 0}. */
    private static final int IR_VERSION_TAG = 0x08;

    /**
     * Fills the missing feature values of {@code table}, a file scored by {@code mlp}: under {@code --missing mean} with the
     * training means the model stores, never the file's own (those would make a row's prediction depend on the rows read
     * with it). Returns the line that tells the user how, or "" when nothing was missing. A table of another width is
     * left to the caller's width check.
     *
     * @throws UsageException when values are missing, {@code how} is mean and the model stores no means
     */
    static String fillMissing(Mlp mlp, Path model, CsvTable table, CsvReader.Missing how) {
        int missing = table.missingValues();
        if (missing == 0 || table.featureCount() != mlp.inputs()) {
            return "";
        }
        String values = missing == 1 ? "1 missing value" : missing + " missing values";
        if (how == CsvReader.Missing.ZERO) {
            table.fillMissing(how, null);
            return "missing values: " + missing + " in " + table.name() + " filled with zero\n";
        }
        float[] means = mlp.metadata().missingValueMeans();
        if (means.length == 0) {
            throw new UsageException(model + " stores no training means (it was trained without --missing mean), so the " + values + " in "
                    + table.name() + " cannot be filled as in training; retrain with --missing mean, or give --missing zero");
        }
        table.fillMissing(how, means);
        return "missing values: " + missing + " in " + table.name() + " filled with the training rows' column means stored in " + model + "\n";
    }

    /**
     * A built-in set's test rows ({@code --data}, or the default), refused when their width is not the model's: a model
     * trained on a CSV file is scored on that kind of file, which only --csv reads.
     */
    static DataSet builtInTest(Mlp mlp, Path model, DataOptions data) {
        DataSet test = data.builtIn().test();
        checkBuiltInWidth(mlp, model, test, data);
        return test;
    }

    /** Refuses a built-in set of another width than {@code mlp}'s inputs, naming both and pointing to --csv. */
    static void checkBuiltInWidth(Mlp mlp, Path model, DataSet set, DataOptions data) {
        if (set.featureCount() != mlp.inputs()) {
            throw new UsageException(model + " expects " + TrainCommand.plural(mlp.inputs(), "feature") + ", the " + data.resolvedName()
                    + " test set has " + set.featureCount() + ": score it on its own data with --csv FILE");
        }
    }

    /** Label or target columns per row: 1 for a classifier, one per output for a regressor. */
    static int targetCount(Mlp mlp) {
        return mlp.metadata().isClassification() ? 1 : mlp.classes();
    }

    /**
     * Chooses the label columns of a file scored by {@code mlp}: those given; else, when the rows are wider than
     * the model's inputs by its target count, the model's target names in the header or its stored label column;
     * else none when the width equals the inputs and labels are optional.
     *
     * @param given    --label-column, or null
     * @param required whether the file must have labels (evaluate) or may have them (predict)
     */
    static CsvReader.LabelColumns labels(Mlp mlp, List<String> given, boolean required, Path file) {
        return (header, columns) -> {
            if (given != null) {
                return given;
            }
            int inputs = mlp.inputs();
            int k = targetCount(mlp);
            ModelMetadata m = mlp.metadata();
            if (columns == inputs + k) {
                if (!header.isEmpty() && !m.targetNames().isEmpty() && header.containsAll(m.targetNames())) {
                    return m.targetNames();
                }
                if (k == 1 && m.labelColumn() >= 0 && m.labelColumn() < columns) {
                    return List.of(Integer.toString(m.labelColumn()));
                }
                throw new DataException(file + ": " + columns + " columns, the model takes " + TrainCommand.plural(inputs, "feature") + " and does not know which "
                        + (k == 1 ? "column is the label" : "columns are the targets") + "; give --label-column");
            }
            if (columns == inputs && !required) {
                return List.of();
            }
            if (columns == inputs) {
                throw new DataException(file + ": " + TrainCommand.plural(columns, "column") + ", as many as the model's features: there is no label column to evaluate against");
            }
            throw new DataException(file + ": " + TrainCommand.plural(columns, "column fits", "columns fit") + " neither the model's " + TrainCommand.plural(inputs, "feature") + " nor "
                    + (inputs + k) + " with its " + (k == 1 ? "label" : k + " targets") + " (wrong file or wrong --delimiter?)");
        };
    }

    /** Checks a file's feature names against the model's, when both are known. */
    static void checkFeatureNames(Mlp mlp, CsvTable table) {
        checkFeatureNames(mlp.metadata().featureNames(), "the model was trained with", table);
    }

    /**
     * Checks a file's feature names against {@code expected} (the model's, or the training file's for train's test and
     * validation files), when both are known: a file whose columns come in another order would be read silently wrong.
     *
     * @param whose "the model was trained with", or "train.csv has": who has {@code expected}, for the message
     */
    static void checkFeatureNames(List<String> expected, String whose, CsvTable table) {
        List<String> found = table.featureNames();
        if (expected.isEmpty() || found.isEmpty()) {
            return;
        }
        int[] labels = table.labelColumns();
        int column = -1;   // the file's column of feature i: features are the columns that are not labels, in order
        for (int i = 0; i < Math.min(expected.size(), found.size()); i++) {
            do {
                column++;
            } while (contains(labels, column));
            if (!expected.get(i).equals(found.get(i))) {
                throw new DataException(table.name() + ": column " + (column + 1) + " is " + DataException.printable(found.get(i))
                        + ", " + whose + " " + DataException.printable(expected.get(i)) + " there (same columns, same order expected)");
            }
        }
    }

    /** Whether {@code values} holds {@code v}. */
    static boolean contains(int[] values, int v) {
        for (int x : values) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    /** The labelled rows of a table for this model: class labels by its class names, or its regression targets. */
    static DataSet labelled(Mlp mlp, CsvTable table) {
        checkFeatureNames(mlp, table);
        if (mlp.metadata().isClassification()) {
            return table.classification(mlp.metadata().classNames(), mlp.classes(), "; the model has no class names (./jvk export "
                    + "--class-names names an ONNX model's classes; a jvk model trained on named labels stores them)");
        }
        return table.regression();
    }

    /** The name of class {@code c}: its stored name, or its number. */
    static String className(Mlp mlp, int c) {
        return className(mlp.metadata(), c);
    }

    /** Class {@code c} by the name {@code metadata} stores, or its number. */
    static String className(ModelMetadata metadata, int c) {
        List<String> names = metadata.classNames();
        return names.isEmpty() ? Integer.toString(c) : names.get(c);
    }

    /** The names of a regressor's outputs: stored, or target_1, target_2, ... */
    static List<String> targetNames(Mlp mlp) {
        List<String> names = mlp.metadata().targetNames();
        if (names.size() == mlp.classes()) {
            return names;
        }
        List<String> numbered = new ArrayList<>();
        for (int j = 1; j <= mlp.classes(); j++) {
            numbered.add("target_" + j);
        }
        return numbered;
    }
}
