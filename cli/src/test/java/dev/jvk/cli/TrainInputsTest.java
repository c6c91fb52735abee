package dev.jvk.cli;

import static dev.jvk.cli.Cli.run;
import static dev.jvk.cli.Cli.with;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jvk.cli.Cli.Run;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Files a user hands to train that differ from what the developers wrote: each is refused before training, naming what is wrong. */
@ExtendWith(Cli.KeepsThreads.class)
class TrainInputsTest {
    @TempDir
    Path dir;
    /** {@code rows} rows of two features and a 0/1 label, under {@code header}, the columns in the order {@code order} gives (indexes into a, b, label). */
    /** A small model trained on {@code csv} (its header, one epoch), saved in the test folder as {@code name}. */
    Path saved(Path csv, String name) {
        Path model = dir.resolve(name);
        Run t = run("train", "--csv", csv.toString(), "--header", "--layers", "4", "--epochs", "1", "--activation", "relu",
                "--threads", "1", "--save", model.toString());
        assertThat(t.code()).as(t.err()).isZero();
        return model;
    }

    Path csv(String name, String header, int rows, long seed, int... order) throws IOException {
        Random random = new Random(seed);
        StringBuilder s = new StringBuilder(header).append('\n');
        for (int r = 0; r < rows; r++) {
            double a = random.nextGaussian();
            double b = random.nextGaussian();
            String[] cells = {Double.toString(a), Double.toString(b), a > b ? "1" : "0"};
            for (int i = 0; i < order.length; i++) {
                s.append(i == 0 ? "" : ",").append(cells[order[i]]);
            }
            s.append('\n');
        }
        return Files.writeString(dir.resolve(name), s);
    }

    @Test
    void a_test_or_validation_file_whose_columns_come_in_another_order_is_refused_before_training() throws IOException {
        Path train = csv("train.csv", "a,b,label", 60, 1, 0, 1, 2);
        Path swapped = csv("swapped.csv", "b,a,label", 20, 2, 1, 0, 2);
        Path model = dir.resolve("m.jvk");
        for (String option : new String[] {"--test-csv", "--validation-csv"}) {
            Run r = run("train", "--csv", train.toString(), option, swapped.toString(), "--header", "--layers", "4",
                    "--epochs", "1", "--activation", "relu", "--threads", "1", "--save", model.toString());
            assertThat(r.code()).as(r.err()).isEqualTo(2);
            assertThat(r.err().strip()).isEqualTo("jvk train: swapped.csv: column 1 is 'b', train.csv has 'a' there (same columns, same order expected)");
            assertThat(r.out()).as("nothing trained").doesNotContain("epoch");
            assertThat(model).doesNotExist();
        }
        // the same columns in the same order, the label elsewhere: read by name, accepted
        Path labelFirst = csv("label-first.csv", "label,a,b", 20, 3, 2, 0, 1);
        Run ok = run("train", "--csv", train.toString(), "--test-csv", labelFirst.toString(), "--header", "--layers", "4",
                "--epochs", "1", "--activation", "relu", "--threads", "1");
        assertThat(ok.code()).as(ok.err()).isZero();
    }

    @Test
    void two_columns_named_label_are_refused_naming_both_rather_than_training_on_the_first() throws IOException {
        Path file = csv("joined.csv", "a,label,Label", 40, 4, 0, 1, 2);
        Run r = run("train", "--csv", file.toString(), "--header", "--layers", "4", "--epochs", "1", "--threads", "1");
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("jvk train: " + file + ": columns 2 and 3 are both named 'label'; "
                + "give the label column by its 0-based index: --label-column 1 or 2");
        Run chosen = run("train", "--csv", file.toString(), "--header", "--label-column", "2", "--layers", "4", "--epochs", "1",
                "--activation", "relu", "--threads", "1", "--json");
        assertThat(chosen.code()).as(chosen.err()).isZero();
        assertThat(chosen.out()).contains("\"task\":\"classification\"");
    }

    static byte[] idx(int magic, int count, int... dims) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        out.writeInt(count);
        int values = count;
        for (int d : dims) {
            out.writeInt(d);
            values *= d;
        }
        for (int i = 0; i < values; i++) {
            out.writeByte(magic == 0x801 ? i % 3 : (i * 37) % 256);
        }
        return bytes.toByteArray();
    }

    @Test
    void an_idx_folder_whose_training_labels_are_all_one_class_is_warned_about_as_a_csv_file_is() throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte"), idx(0x803, 60, 2, 2));
        byte[] labels = idx(0x801, 60);
        java.util.Arrays.fill(labels, 8, labels.length, (byte) 2);
        Files.write(dir.resolve("train-labels-idx1-ubyte"), labels);
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), idx(0x803, 6, 2, 2));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), idx(0x801, 6));
        Run r = run("train", "--data", dir.toString(), "--layers", "4", "--epochs", "1", "--activation", "relu", "--threads", "1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("warning: every row of " + dir.getFileName() + " train has the label '2': the model can only predict it; "
                + "are its train-labels file's labels the right ones?");
        // labels of three classes: no warning
        Files.write(dir.resolve("train-labels-idx1-ubyte"), idx(0x801, 60));
        Run mixed = run("train", "--data", dir.toString(), "--layers", "4", "--epochs", "1", "--activation", "relu", "--threads", "1");
        assertThat(mixed.code()).as(mixed.err()).isZero();
        assertThat(mixed.out()).doesNotContain("warning: every row");
    }

    @Test
    void an_idx_folder_whose_test_files_hold_no_image_is_refused_before_training_not_after() throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte"), idx(0x803, 60, 2, 2));
        Files.write(dir.resolve("train-labels-idx1-ubyte"), idx(0x801, 60));
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), idx(0x803, 0, 2, 2));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), idx(0x801, 0));
        Path model = dir.resolve("m.jvk");
        Run r = run("train", "--data", dir.toString(), "--layers", "4", "--epochs", "1", "--activation", "relu",
                "--threads", "1", "--save", model.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("jvk train: " + dir.getFileName() + " test: no rows (its IDX files hold 0 images)");
        assertThat(r.out()).doesNotContain("epoch");
        assertThat(model).doesNotExist();
        // --test-split takes its test rows from the training images: the empty test files are not read for it
        Run split = run("train", "--data", dir.toString(), "--test-split", "0.25", "--layers", "4", "--epochs", "1",
                "--activation", "relu", "--threads", "1");
        assertThat(split.code()).as(split.err()).isZero();
    }

    @Test
    void a_resumption_with_other_dropout_weight_decay_scaling_or_data_of_the_same_size_is_refused_naming_what_differs() throws IOException {
        Path train = csv("train.csv", "a,b,label", 60, 1, 0, 1, 2);
        Path other = csv("other.csv", "a,b,label", 60, 5, 0, 1, 2);
        Path checkpoints = dir.resolve("checkpoints");
        String[] options = {"train", "--header", "--layers", "4", "--activation", "relu", "--schedule", "constant", "--threads", "1",
                "--checkpoint-dir", checkpoints.toString()};
        Run first = run(with(options, "--csv", train.toString(), "--epochs", "2", "--dropout", "0.1"));
        assertThat(first.code()).as(first.err()).isZero();
        String[][] changes = {
                {"--dropout", "0.3"}, {"--dropout", "0.1", "--weight-decay", "0.5"}, {"--dropout", "0.1", "--scale", "minmax"},
        };
        String[] differs = {"dropout 0.1 (this run: dropout 0.3)", "weight decay 0.0 (this run: weight decay 0.5)", "scaling none (this run: scaling minmax)"};
        for (int i = 0; i < changes.length; i++) {
            Run r = run(with(with(options, "--csv", train.toString(), "--epochs", "4", "--resume"), changes[i]));
            assertThat(r.code()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).contains("jvk train: the checkpoint in " + checkpoints + " was made by a run with ").endsWith(": it differs in " + differs[i] + "\n");
        }
        Run data = run(with(options, "--csv", other.toString(), "--epochs", "4", "--dropout", "0.1", "--resume"));
        assertThat(data.code()).as(data.err()).isEqualTo(2);
        assertThat(data.err()).contains(": it differs in training data 48 rows crc ");
        Run same = run(with(options, "--csv", train.toString(), "--epochs", "4", "--dropout", "0.1", "--resume"));
        assertThat(same.code()).as(same.err()).isZero();
        assertThat(same.out()).contains("resuming from " + checkpoints + " after epoch 2");
    }

    @Test
    void a_column_of_row_numbers_written_with_the_data_is_warned_about_and_an_ordinary_feature_is_not() throws IOException {
        // as pandas's to_csv writes a frame sorted by class: the index, unnamed, first; the label last
        StringBuilder s = new StringBuilder(",a,b,label\n");
        Random random = new Random(6);
        for (int r = 0; r < 30; r++) {
            s.append(r).append(',').append(random.nextGaussian()).append(',').append(random.nextGaussian()).append(',').append(r < 15 ? "x" : "y").append('\n');
        }
        Path indexed = Files.writeString(dir.resolve("indexed.csv"), s);
        Run r = run("train", "--csv", indexed.toString(), "--header", "--layers", "4", "--epochs", "1", "--activation", "relu", "--threads", "1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("warning: column 1 (unnamed) of indexed.csv holds the row numbers 0, 1, 2, ... (an index written with the data");
        // the same numbers from 1, under a name, among the columns after the label
        Path numbered = Files.writeString(dir.resolve("numbered.csv"), s.toString().replace(",a,b,label", "label,a,b,n")
                .lines().skip(1).map(line -> {
                    String[] c = line.split(",");
                    return c[3] + "," + c[1] + "," + c[2] + "," + (Integer.parseInt(c[0]) + 1);
                }).reduce("label,a,b,n", (a, b) -> a + "\n" + b) + "\n");
        Run n = run("train", "--csv", numbered.toString(), "--header", "--layers", "4", "--epochs", "1", "--activation", "relu", "--threads", "1");
        assertThat(n.code()).as(n.err()).isZero();
        assertThat(n.out()).contains("warning: column 4 ('n') of numbered.csv holds the row numbers 1, 2, 3, ...");
        Path plain = csv("plain.csv", "a,b,label", 30, 7, 0, 1, 2);
        Run p = run("train", "--csv", plain.toString(), "--header", "--layers", "4", "--epochs", "1", "--activation", "relu", "--threads", "1");
        assertThat(p.code()).as(p.err()).isZero();
        assertThat(p.out()).doesNotContain("row numbers");
    }

    @Test
    void evaluate_names_the_line_of_a_class_number_the_model_does_not_have_and_data_names_a_csv_file_as_such() throws IOException {
        Path train = csv("train.csv", "a,b,label", 40, 8, 0, 1, 2);
        Path model = saved(train, "m.jvk");
        Path test = Files.writeString(dir.resolve("test.csv"), "a,b,label\n0.5,1,0\n\n1,2,7\n");
        Run e = run("evaluate", "--model", model.toString(), "--csv", test.toString(), "--header");
        assertThat(e.code()).isEqualTo(2);
        assertThat(e.err().strip()).isEqualTo("jvk evaluate: test.csv line 4, column 3 ('label'): label '7' is not a class number (0..1)");
        Run d = run("train", "--data", train.toString(), "--epochs", "1");
        assertThat(d.code()).isEqualTo(2);
        assertThat(d.err().strip()).isEqualTo("jvk train: --data " + train + " is a file; --data takes fashion-mnist, synthetic or a folder of IDX files "
                + "(a CSV file is read by --csv " + train + ")");
    }

    /** The range is the model's classes, not the CSV reader's cap, and the message says why the labels must be numbers. */
    @Test
    void evaluate_of_a_model_without_class_names_on_named_labels_names_its_classes_and_how_to_name_them() throws IOException {
        Path train = csv("train.csv", "a,b,label", 40, 8, 0, 1, 2);
        Path model = saved(train, "m.jvk");
        Path test = Files.writeString(dir.resolve("test.csv"), "a,b,label\n0.5,1,0\n1,2,cat\n");
        Run e = run("evaluate", "--model", model.toString(), "--csv", test.toString(), "--header");
        assertThat(e.code()).isEqualTo(2);
        assertThat(e.err().strip()).isEqualTo("jvk evaluate: test.csv line 3, column 3 ('label'): label 'cat' is not a class number (0..1); "
                + "the model has no class names (./jvk export --class-names names an ONNX model's classes; "
                + "a jvk model trained on named labels stores them)");
        // a model trained on named labels keeps reading them
        Path named = Files.writeString(dir.resolve("named.csv"), Files.readString(train).replaceAll(",0\n", ",cat\n").replaceAll(",1\n", ",dog\n"));
        Path namedModel = saved(named, "named.jvk");
        Path namedTest = Files.writeString(dir.resolve("named-test.csv"), "a,b,label\n0.5,1,dog\n1,2,cat\n");
        Run ne = run("evaluate", "--model", namedModel.toString(), "--csv", namedTest.toString(), "--header");
        assertThat(ne.code()).as(ne.err()).isZero();
    }

    @Test
    void a_file_of_one_row_cannot_be_split_and_says_so_in_the_singular() throws IOException {
        Path one = Files.writeString(dir.resolve("one.csv"), "a,b,label\n1,2,0\n");
        Run r = run("train", "--csv", one.toString(), "--header", "--epochs", "1", "--threads", "1");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("jvk train: one.csv: 1 row cannot be split 0.2 by --test-split and leave rows on both sides");
    }

    @Test
    void labels_that_are_sparse_codes_make_one_output_each_and_predict_names_them() throws IOException {
        Random random = new Random(9);
        int[] codes = {100, 200, 404};
        StringBuilder s = new StringBuilder("a,b,code\n");
        for (int r = 0; r < 90; r++) {
            int c = codes[r % 3];
            s.append(c / 100.0 + random.nextGaussian() * 0.2).append(',').append(random.nextGaussian()).append(',').append(c).append('\n');
        }
        Path file = Files.writeString(dir.resolve("codes.csv"), s);
        Path model = dir.resolve("codes.jvk");
        Run t = run("train", "--csv", file.toString(), "--header", "--label-column", "code", "--layers", "8", "--epochs", "30",
                "--activation", "relu", "--threads", "1", "--json", "--save", model.toString());
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(t.out()).contains("\"classes\":3").contains("\"class_names\":[\"100\",\"200\",\"404\"]");
        Run p = run("predict", "--model", model.toString(), "--csv", file.toString(), "--header", "--probabilities");
        assertThat(p.code()).as(p.err()).isZero();
        assertThat(p.out().lines().findFirst().orElseThrow()).isEqualTo("prediction,100,200,404");
        assertThat(p.out().lines().skip(1)).allMatch(line -> line.startsWith("100,") || line.startsWith("200,") || line.startsWith("404,"));
    }

    @Test
    void two_outputs_naming_one_file_are_refused_before_training_rather_than_the_plot_replacing_the_model() throws IOException {
        Path train = csv("train.csv", "a,b,label", 60, 11, 0, 1, 2);
        Path both = dir.resolve("out.png");
        Path checkpoints = dir.resolve("checkpoints");
        String[][] cases = {
            {"--save", both.toString(), "--plot", both.toString()},
            // the same file by another spelling of its path
            {"--save", both.toString(), "--plot", dir.resolve("sub").resolve("..").resolve("out.png").toString()},
            {"--save", checkpoints.resolve("model.jvk").toString(), "--checkpoint-dir", checkpoints.toString()},
            {"--plot", checkpoints.resolve("trainer.state").toString().replace("trainer.state", "model.png"), "--save",
                    checkpoints.resolve("trainer.state").toString(), "--checkpoint-dir", checkpoints.toString()},
        };
        Files.createDirectories(dir.resolve("sub"));
        Files.createDirectories(checkpoints);
        for (String[] outputs : cases) {
            Run r = run(with(new String[] {"train", "--csv", train.toString(), "--header", "--layers", "4", "--epochs", "1",
                    "--activation", "relu", "--threads", "1"}, outputs));
            assertThat(r.code()).as(String.join(" ", outputs) + ": " + r.err()).isEqualTo(2);
            assertThat(r.err().strip()).as(String.join(" ", outputs)).startsWith("jvk train: ").contains(" both name ").doesNotContain("Exception");
            assertThat(r.out()).as("nothing trained").doesNotContain("epoch");
            assertThat(both).doesNotExist();
            assertThat(checkpoints).isEmptyDirectory();
        }
        assertThat(run("train", "--csv", train.toString(), "--header", "--save", both.toString(), "--plot", both.toString()).err().strip())
                .isEqualTo("jvk train: --save " + both + " and --plot " + both + " both name one file; the second written would replace the first");
    }

    @Test
    void a_loss_in_the_billions_is_printed_in_a_readable_form_not_as_twenty_digits() throws IOException {
        Path train = csv("train.csv", "a,b,label", 60, 12, 0, 1, 2);
        // Adam's steps are the rate's size: at 1e10 the weights reach the billions and so does the loss, finite all the same
        Run r = run("train", "--csv", train.toString(), "--header", "--layers", "4", "--epochs", "5", "--activation", "relu",
                "--threads", "1", "--lr", "1e10");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).as("the run does reach such a loss").containsPattern("train loss [0-9.]+e\\+[0-9]{2}");
        assertThat(r.out()).doesNotContainPattern("[0-9]{8}\\.[0-9]{4}");
        // ordinary losses keep their four decimals
        Run calm = run("train", "--csv", train.toString(), "--header", "--layers", "4", "--epochs", "2", "--activation", "relu", "--threads", "1");
        assertThat(calm.out()).containsPattern("epoch  1  train loss [0-9]\\.[0-9]{4}  ").containsPattern("test accuracy [01]\\.[0-9]{4}, .*loss [0-9]\\.[0-9]{4} ");
    }

    @Test
    void a_test_or_validation_file_that_is_the_training_file_is_warned_about_rather_than_scored_in_silence() throws IOException {
        Path train = csv("train.csv", "a,b,label", 60, 13, 0, 1, 2);
        Path other = csv("other.csv", "a,b,label", 30, 14, 0, 1, 2);
        Run test = run("train", "--csv", train.toString(), "--test-csv", dir.resolve(".").resolve("train.csv").toString(), "--header", "--layers", "4",
                "--epochs", "1", "--activation", "relu", "--threads", "1");
        assertThat(test.code()).as(test.err()).isZero();
        assertThat(test.out()).contains("warning: --test-csv " + dir.resolve(".").resolve("train.csv") + " is the --csv file: the test score is the training rows' score");
        Run validation = run("train", "--csv", train.toString(), "--validation-csv", train.toString(), "--header", "--layers", "4",
                "--epochs", "1", "--activation", "relu", "--threads", "1");
        assertThat(validation.out()).contains("warning: --validation-csv " + train + " is the --csv file: the validation rows are training rows and hold the test rows");
        Run tuned = run("train", "--csv", train.toString(), "--validation-csv", other.toString(), "--test-csv", other.toString(), "--header",
                "--layers", "4", "--epochs", "1", "--activation", "relu", "--threads", "1");
        assertThat(tuned.out()).contains("warning: --validation-csv " + other + " is the --test-csv file: early stopping chooses the epoch by the test rows' score");
        Run apart = run("train", "--csv", train.toString(), "--test-csv", other.toString(), "--header", "--layers", "4", "--epochs", "1",
                "--activation", "relu", "--threads", "1");
        assertThat(apart.out()).doesNotContain("warning");
    }

    @Test
    void labels_counted_from_1_keep_their_numbers_and_the_unused_class_0_is_said() throws IOException {
        StringBuilder rows = new StringBuilder("a,b,label\n");
        Random random = new Random(15);
        for (int r = 0; r < 60; r++) {
            int label = 1 + r % 3;
            rows.append(label + random.nextGaussian() * 0.1).append(',').append(random.nextGaussian()).append(',').append(label).append('\n');
        }
        Path file = Files.writeString(dir.resolve("one-based.csv"), rows);
        Run r = run("train", "--csv", file.toString(), "--header", "--layers", "4", "--epochs", "1", "--activation", "relu", "--threads", "1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("note: the labels are class numbers 0..3 (the class is the number) and 0 occurs in no row: its output no row trains")
                .contains("4 classes");
        Run zeroBased = run("train", "--csv", csv("zero.csv", "a,b,label", 60, 16, 0, 1, 2).toString(), "--header", "--layers", "4", "--epochs", "1",
                "--activation", "relu", "--threads", "1");
        assertThat(zeroBased.out()).doesNotContain("note: the labels");
    }
}
