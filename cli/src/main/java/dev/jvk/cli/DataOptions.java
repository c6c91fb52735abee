package dev.jvk.cli;

import dev.jvk.nn.data.CsvReader;
import dev.jvk.nn.data.DataException;
import dev.jvk.nn.data.DataSet;
import dev.jvk.nn.data.DataSources;
import dev.jvk.nn.data.SyntheticData;
import java.nio.file.Path;
import java.util.SplittableRandom;
import picocli.CommandLine.Option;

/** Where the data comes from: {@code --data}, or {@code --csv} with its label column and header. */
final class DataOptions {
    /** The synthetic problem is fixed (its own seed), so that train and evaluate see the same one whatever --seed is. */
    static final long SYNTHETIC_SEED = 20_240_611L;
    static final int SYNTHETIC_TRAIN_ROWS = 12_000;
    static final int SYNTHETIC_TEST_ROWS = 3_000;

    @Option(names = "--data", paramLabel = "fashion-mnist|synthetic|DIR",
            description = "fashion-mnist (Debian's dataset-fashion-mnist), synthetic (built in), or a folder of IDX files in MNIST naming, gzipped or not. "
                    + "Default: fashion-mnist when installed, else synthetic.")
    String data;

    @Option(names = "--csv", paramLabel = "FILE", description = "A numeric CSV file: one sample per line, one label column.")
    Path csv;

    @Option(names = "--label-column", paramLabel = "N", description = "0-based column of the class label in --csv files (default: 0).")
    Integer labelColumn;

    @Option(names = "--header", description = "The --csv files start with a header line.")
    boolean header;

    /** A training set (null for evaluation) and a held-out set, and where they came from. */
    record Loaded(DataSet train, DataSet test, String source, String testSource) {}

    void validate() {
        if (data != null && csv != null) {
            throw new UsageException("give either --data or --csv, not both");
        }
        if (csv == null && (labelColumn != null || header)) {
            throw new UsageException("--label-column and --header describe a --csv file; no --csv given");
        }
        if (labelColumn != null && labelColumn < 0) {
            throw new UsageException("--label-column must be >= 0, got " + labelColumn);
        }
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

    /**
     * Training and held-out data. {@code testCsv} and {@code testSplit} (at most one non-null) choose the
     * held-out set; otherwise IDX data uses its t10k files, synthetic data a second sample, a CSV file a 20% split.
     */
    Loaded loadForTraining(Path testCsv, Double testSplit, long seed) {
        if (testCsv != null && csv == null) {
            throw new UsageException("--test-csv needs --csv for the training data");
        }
        String name = resolvedName();
        DataSet train;
        DataSet test;
        String testSource;
        if (csv != null) {
            train = CsvReader.read(csv, column(), header);
            if (testCsv != null) {
                test = CsvReader.read(testCsv, column(), header);
                if (test.featureCount() != train.featureCount()) {
                    throw new DataException(testCsv + " has " + test.featureCount() + " features, " + csv + " has " + train.featureCount());
                }
                int classes = Math.max(train.classes(), test.classes());
                train = train.withClasses(classes);
                test = test.withClasses(classes);
                testSource = testCsv.getFileName().toString();
            } else {
                double fraction = testSplit == null ? 0.2 : testSplit;
                DataSet[] parts = split(train, fraction, seed);
                train = parts[0];
                test = parts[1];
                testSource = Math.round(fraction * 100) + "% of " + csv.getFileName() + (testSplit == null ? " (default --test-split 0.2)" : "");
            }
            return new Loaded(train, test, csv.getFileName().toString(), testSource);
        }
        DataSources.TrainTest sets = switch (name) {
            case "synthetic" -> synthetic();
            case "fashion-mnist" -> DataSources.fashionMnist();
            default -> DataSources.idxFolder(Path.of(name), Path.of(name).getFileName() == null ? name : Path.of(name).getFileName().toString());
        };
        if (testSplit != null) {
            DataSet[] parts = split(sets.train(), testSplit, seed);
            return new Loaded(parts[0], parts[1], name, Math.round(testSplit * 100) + "% of the training set");
        }
        return new Loaded(sets.train(), sets.test(), name, name.equals("synthetic") ? "an independent synthetic sample" : "its test set");
    }

    /** The labelled data to evaluate a model on: the test set of IDX and synthetic data, a whole CSV file. */
    Loaded loadForEvaluation() {
        if (csv != null) {
            DataSet all = CsvReader.read(csv, column(), header);
            return new Loaded(null, all, csv.getFileName().toString(), csv.getFileName().toString());
        }
        String name = resolvedName();
        DataSources.TrainTest sets = switch (name) {
            case "synthetic" -> synthetic();
            case "fashion-mnist" -> DataSources.fashionMnist();
            default -> DataSources.idxFolder(Path.of(name), name);
        };
        return new Loaded(null, sets.test(), name, name + " test set");
    }

    private int column() {
        return labelColumn == null ? 0 : labelColumn;
    }

    static DataSources.TrainTest synthetic() {
        SyntheticData problem = new SyntheticData(SYNTHETIC_SEED);
        return new DataSources.TrainTest(problem.sample(SYNTHETIC_TRAIN_ROWS, 0, "synthetic train"),
                problem.sample(SYNTHETIC_TEST_ROWS, 1, "synthetic test"));
    }

    /** A seeded random split: {@code [train, heldOut]} with {@code round(fraction * rows)} held-out rows. */
    static DataSet[] split(DataSet data, double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new UsageException("--test-split must be between 0 and 1 (exclusive), got " + fraction);
        }
        int held = (int) Math.round(fraction * data.rows());
        if (held < 1 || held >= data.rows()) {
            throw new DataException(data.name() + ": " + data.rows() + " rows cannot be split " + fraction + " into training and test rows");
        }
        int[] order = new int[data.rows()];
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
        int[] trainRows = java.util.Arrays.copyOfRange(order, held, order.length);
        int[] testRows = java.util.Arrays.copyOfRange(order, 0, held);
        java.util.Arrays.sort(trainRows);
        java.util.Arrays.sort(testRows);
        return new DataSet[] {data.select(trainRows, data.name() + " train"), data.select(testRows, data.name() + " held out")};
    }
}
