package dev.jvk.cli;

import dev.jvk.nn.data.CsvReader;
import dev.jvk.nn.data.CsvTable;
import dev.jvk.nn.data.DataException;
import dev.jvk.nn.data.DataSet;
import dev.jvk.nn.data.DataSources;
import dev.jvk.nn.data.SyntheticData;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import picocli.CommandLine.Option;

/** Where the data comes from: {@code --data}, or {@code --csv} with its label column, header, delimiter and missing values. */
final class DataOptions {
    /** The synthetic problem is fixed (its own seed), so that train and evaluate see the same one whatever --seed is. */
    static final long SYNTHETIC_SEED = 20_240_611L;
    static final int SYNTHETIC_TRAIN_ROWS = 12_000;
    static final int SYNTHETIC_TEST_ROWS = 3_000;
    /** Header names taken as the label column when --label-column is not given. */
    static final List<String> LABEL_NAMES = List.of("label", "target", "class", "y");

    @Option(names = "--data", paramLabel = "fashion-mnist|synthetic|DIR",
            description = "fashion-mnist (Debian's dataset-fashion-mnist), synthetic (built in), or a folder of IDX files in MNIST naming, gzipped or not. "
                    + "Default: fashion-mnist when installed, else synthetic.")
    String data;

    @Option(names = "--csv", paramLabel = "FILE", description = "A CSV file (RFC 4180 quoting), one sample per line; - reads standard input.")
    Path csv;

    @Option(names = "--label-column", paramLabel = "COL[,COL...]",
            description = "The label (or regression target) columns of --csv files: 0-based index, negative from the end, 'last', or a header name.")
    String labelColumn;

    @Option(names = "--header", description = "The --csv files start with a header line of column names.")
    boolean header;

    @Option(names = "--delimiter", paramLabel = "C", description = "Field separator of --csv files: one character, or 'tab' (default: ,).")
    String delimiter;

    @Option(names = "--missing", paramLabel = "error|mean|zero", description = "Missing feature values (empty, NA, ?, NaN): an error (default), "
            + "the column's mean, or zero. train takes the means over its training rows (after the test and validation splits) and fills every set with them, and stores them in "
            + "the model; evaluate and predict fill with the means the model stores (an error when it has none).")
    String missing;

    /** A training set (null for evaluation) and a held-out set, and where they came from. */
    record Loaded(DataSet train, DataSet test, String source, String testSource) {}

    void validate() {
        if (data != null && csv != null) {
            throw new UsageException("give either --data or --csv, not both");
        }
        if (csv == null && (labelColumn != null || header || delimiter != null || missing != null)) {
            throw new UsageException("--label-column, --header, --delimiter and --missing describe a --csv file; no --csv given");
        }
        format();
        missing();
    }

    CsvReader.Format format() {
        char d = ',';
        if (delimiter != null) {
            String s = delimiter.equalsIgnoreCase("tab") || delimiter.equals("\\t") ? "\t" : delimiter;
            if (s.length() != 1) {
                throw new UsageException("--delimiter must be one character or 'tab', got '" + delimiter + "'");
            }
            d = s.charAt(0);
        }
        try {
            return new CsvReader.Format(d, header);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--delimiter: " + e.getMessage());
        }
    }

    CsvReader.Missing missing() {
        if (missing == null) {
            return CsvReader.Missing.ERROR;
        }
        for (CsvReader.Missing m : CsvReader.Missing.values()) {
            if (m.cliName().equals(missing.toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new UsageException("unknown --missing '" + missing + "' (expected error, mean or zero)");
    }

    /** The --label-column list, or null when not given. */
    List<String> labelColumns() {
        if (labelColumn == null) {
            return null;
        }
        List<String> specs = Arrays.stream(labelColumn.split(",")).map(String::strip).toList();
        if (specs.isEmpty() || specs.stream().anyMatch(String::isEmpty)) {
            throw new UsageException("--label-column " + labelColumn + ": an empty column name");
        }
        return specs;
    }

    /** Reads a --csv style file with this format and missing-value rule. */
    CsvTable read(Path file, CsvReader.LabelColumns labels) {
        return CsvReader.read(file, format(), labels, missing());
    }

    /**
     * The training file's label columns: --label-column, else a header column named label, target, class or y
     * (the first of those names that a column has, in that order, wherever the column stands: with columns x, y and
     * label the label is "label", not the coordinate y), else column 0; {@code note} receives how it was chosen when
     * it was not given. Two columns of the name chosen are refused, naming both.
     */
    CsvReader.LabelColumns trainingLabels(Path file, StringBuilder note) {
        List<String> given = labelColumns();
        if (given != null) {
            return (h, columns) -> given;
        }
        return (h, columns) -> {
            for (String name : LABEL_NAMES) {
                for (int c = 0; c < h.size(); c++) {
                    if (name.equals(h.get(c).toLowerCase(Locale.ROOT))) {
                        // two columns of the name (a joined file's duplicate): taking the first would train on the wrong one as often as not
                        for (int other = c + 1; other < h.size(); other++) {
                            if (name.equals(h.get(other).toLowerCase(Locale.ROOT))) {
                                throw new DataException((file.toString().equals(CsvReader.STDIN) ? "standard input" : file) + ": columns " + (c + 1) + " and " + (other + 1) + " are both named "
                                        + DataException.printable(h.get(c)) + "; give the label column by its 0-based index: --label-column "
                                        + c + " or " + other);
                            }
                        }
                        note.append("labels: column ").append(c + 1).append(" ('").append(h.get(c)).append("', by its name; --label-column to choose)");
                        return List.of(Integer.toString(c));
                    }
                }
            }
            note.append("labels: column 1, the first (the default; --label-column NAME|N|last to choose, N counting from 0)");
            return List.of("0");
        };
    }

    /** The name of the data in use: the one given, or the default with the reason for it. */
    String resolvedName() {
        if (csv != null) {
            return "csv";
        }
        if (data != null) {
            return data;
        }
        return DataSources.fashionMnistInstalled() ? "fashion-mnist" : "synthetic";
    }

    /** Why the default was chosen, or "" when the data was named. */
    String defaultNote() {
        if (csv != null || data != null) {
            return "";
        }
        return DataSources.fashionMnistInstalled()
                ? " (default: found in " + DataSources.fashionMnistDir() + ")"
                : " (default: Fashion-MNIST is not installed; apt-get install dataset-fashion-mnist to use it)";
    }

    /** IDX or synthetic data: its training and test sets. */
    DataSources.TrainTest builtIn() {
        String name = resolvedName();
        if (!name.equals("synthetic") && !name.equals("fashion-mnist") && java.nio.file.Files.isRegularFile(Path.of(name))) {
            throw new UsageException("--data " + name + " is a file; --data takes fashion-mnist, synthetic or a folder of IDX files "
                    + "(a CSV file is read by --csv " + name + ")");
        }
        return switch (name) {
            case "synthetic" -> synthetic();
            case "fashion-mnist" -> DataSources.fashionMnist();
            default -> DataSources.idxFolder(Path.of(name), Path.of(name).getFileName() == null ? name : Path.of(name).getFileName().toString());
        };
    }

    static String fileName(Path file) {
        return file.getFileName() == null ? file.toString() : file.getFileName().toString();
    }

    static DataSources.TrainTest synthetic() {
        SyntheticData problem = new SyntheticData(SYNTHETIC_SEED);
        return new DataSources.TrainTest(problem.sample(SYNTHETIC_TRAIN_ROWS, 0, "synthetic train"),
                problem.sample(SYNTHETIC_TEST_ROWS, 1, "synthetic test"));
    }

    /**
     * A seeded random split: {@code [kept, heldOut]} with {@code round(fraction * rows)} held-out rows.
     *
     * @param option the option that asked for it, for messages
     */
    static DataSet[] split(DataSet data, double fraction, long seed, String option) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new UsageException(option + " must be between 0 and 1 (exclusive), got " + fraction);
        }
        int held = (int) Math.round(fraction * data.rows());
        if (held < 1 || held >= data.rows()) {
            throw new DataException(data.name() + ": " + TrainCommand.plural(data.rows(), "row") + " cannot be split " + fraction + " by " + option + " and leave rows on both sides");
        }
        int[] order = shuffledRows(data.rows(), seed);
        int[] keptRows = Arrays.copyOfRange(order, held, order.length);
        int[] heldRows = Arrays.copyOfRange(order, 0, held);
        Arrays.sort(keptRows);
        Arrays.sort(heldRows);
        return new DataSet[] {data.select(keptRows, data.name()), data.select(heldRows, data.name() + " held out")};
    }

    /** The row numbers 0..rows-1 in an order shuffled from {@code seed} (Fisher-Yates). */
    static int[] shuffledRows(int rows, long seed) {
        int[] order = new int[rows];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
