package dev.jvk.cli;

import static dev.jvk.cli.Cli.number;
import static dev.jvk.cli.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jvk.cli.Cli.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line: exit codes, one-line errors, nothing written on failure, and the --json line. */
@ExtendWith(Cli.KeepsThreads.class)
class CliTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"train --data synthetic --save", "train --data synthetic --checkpoint-dir", "train --data synthetic --plot", "train --csv",
            "predict --model m.jvk --csv x.csv --out", "compress --model m.jvk --out", "export --model m.jvk --onnx", "evaluate --model"})
    void an_empty_path_is_refused_naming_its_option(String command) {
        String[] words = command.split(" ");
        String[] args = java.util.Arrays.copyOf(words, words.length + 1);
        args[words.length] = "";
        Run r = run(args);
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("jvk " + words[0] + ": Invalid value for option '" + words[words.length - 1]
                + "': an empty path; give a file name (see --help)");
        assertThat(r.out()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " "})
    void an_empty_layers_value_is_refused_not_taken_for_none(String value) {
        Path model = dir.resolve("m.jvk");
        Run r = run("train", "--data", "synthetic", "--layers", value, "--epochs", "1", "--threads", "1", "--save", model.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("jvk train: --layers '" + value + "' is empty: give hidden widths (256,128), or none for a model without hidden layers");
        assertThat(model).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "train --epochs 0",
        "train --epochs x",
        "train --bogus",
        "train --activation swish",
        "train --optimizer rmsprop",
        "train --layers 256,,128",
        "train --layers 0",
        "train --lr -1",
        "train --batch 0",
        "train --threads 0",
        "train --test-split 1.5",
        "train --data /no/such/folder",
        "train --data synthetic --csv x.csv",
        "train --csv /no/such.csv",
        "train --test-csv t.csv",
        "train --label-column 3",
        "train --data synthetic --save /no/such/folder/m.jvk",
        "train --schedule linear",
        "train --scale log",
        "evaluate",
        "evaluate --model /no/such/model.jvk --data synthetic",
    })
    void bad_options_and_data_give_exit_code_2_and_one_line(String line) {
        Run r = run(line.split(" "));
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).startsWith("jvk ").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.out()).isEmpty();
    }

    /**
     * Picocli starts each element of a description array on a line of its own: an element that stops mid-sentence breaks
     * the --help text there ("one scale per" / "output unit)").
     */
    @Test
    void every_help_paragraph_ends_a_sentence() {
        picocli.CommandLine root = new picocli.CommandLine(new Main());
        java.util.List<String> broken = new java.util.ArrayList<>();
        int checked = 0;
        for (picocli.CommandLine command : root.getSubcommands().values()) {
            java.util.Map<String, String[]> texts = new java.util.LinkedHashMap<>();
            texts.put(command.getCommandName(), command.getCommandSpec().usageMessage().description());
            for (picocli.CommandLine.Model.OptionSpec option : command.getCommandSpec().options()) {
                texts.put(command.getCommandName() + " " + option.longestName(), option.description());
            }
            for (var text : texts.entrySet()) {
                for (String paragraph : text.getValue().length > 1 ? text.getValue() : new String[0]) {
                    checked++;
                    if (!paragraph.strip().matches("(?s).*[.?!)]")) {
                        broken.add(text.getKey() + ": '" + paragraph + "'");
                    }
                }
            }
        }
        assertThat(checked).as("paragraphs of descriptions in several").isGreaterThanOrEqualTo(8);
        assertThat(broken).isEmpty();
    }

    @Test
    void the_activation_names_in_the_help_and_in_the_error_include_gelu_tanh() {
        Run help = run("train", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out().replaceAll("\\s+", " ")).contains("gelu (exact, erf), gelu-tanh (its tanh approximation) or silu");
        Run bad = run("train", "--activation", "gelu_tanh");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("unknown activation 'gelu_tanh'").contains("gelu, silu, gelu-tanh");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "train --csv - --test-csv - --header",
        "train --csv - --validation-csv - --header",
        "evaluate --model - --csv - --header",
        "predict --model - --csv - --header",
        "compress --model - --csv - --header --quantize int8 --out OUT",
    })
    void standard_input_is_read_by_one_option_at_most(String line) {
        String[] args = line.replace("OUT", dir.resolve("small.jvk").toString()).split(" ");
        java.io.InputStream stdin = System.in;
        Run r;
        try {
            // one file on standard input, the iris-like rows a user pipes in
            System.setIn(new java.io.ByteArrayInputStream("a,b,label\n1,2,0\n3,4,1\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            r = run(args);
        } finally {
            System.setIn(stdin);
        }
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).contains("standard input").contains("--csv -").containsPattern("--(test-csv|validation-csv|model) -");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void a_bad_csv_row_is_reported_with_its_line_and_no_model_is_written() throws IOException {
        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, "label,a,b\n0,1,2\n1,3\n");
        Path model = dir.resolve("m.jvk");
        Run r = run("train", "--csv", csv.toString(), "--header", "--save", model.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("jvk train: " + csv + " line 3: expected 3 columns, found 2");
        assertThat(model).doesNotExist();
    }

    @Test
    void train_json_prints_one_line_with_the_contract_fields_then_evaluate_agrees() throws IOException {
        Path model = dir.resolve("m.jvk");
        Run r = run("train", "--data", "synthetic", "--epochs", "2", "--layers", "32", "--threads", "1",
                "--json", "--save", model.toString());
        assertThat(r.code()).as(r.err()).isZero();
        String[] lines = r.out().strip().split("\n");
        assertThat(lines).hasSize(1);
        String json = lines[0];
        assertThat(json).startsWith("{").endsWith("}");
        double accuracy = number(json, "test_accuracy");
        assertThat(accuracy).isBetween(0.3, 1.0);
        assertThat(number(json, "train_loss")).isPositive();
        assertThat(number(json, "epochs")).isEqualTo(2);
        assertThat(number(json, "samples_per_second")).isPositive();
        assertThat(r.err()).contains("epoch  1").contains("epoch  2");   // progress went to stderr
        assertThat(model).exists();

        Run e = run("evaluate", "--model", model.toString(), "--data", "synthetic", "--json");
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(number(e.out(), "test_accuracy")).isEqualTo(accuracy);
    }

    @Test
    void train_on_csv_with_a_test_file() throws IOException {
        StringBuilder train = new StringBuilder("f1,f2,label\n");
        StringBuilder test = new StringBuilder("f1,f2,label\n");
        java.util.Random random = new java.util.Random(1);
        for (int i = 0; i < 400; i++) {
            double a = random.nextDouble() * 2 - 1;
            double b = random.nextDouble() * 2 - 1;
            (i < 300 ? train : test).append(a).append(',').append(b).append(',').append(a * b > 0 ? 1 : 0).append('\n');
        }
        Path trainCsv = dir.resolve("train.csv");
        Path testCsv = dir.resolve("test.csv");
        Files.writeString(trainCsv, train);
        Files.writeString(testCsv, test);
        Run r = run("train", "--csv", trainCsv.toString(), "--label-column", "2", "--header", "--test-csv", testCsv.toString(),
                "--layers", "16", "--epochs", "30", "--batch", "16", "--lr", "0.01", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(number(r.out(), "test_accuracy")).as("XOR of signs").isGreaterThan(0.8);
        assertThat(number(r.out(), "test_samples")).isEqualTo(100);
    }

    @Test
    void info_names_the_kernels_and_the_cpu() {
        Run r = run("info");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("jvk ").contains("cpu").contains("SIMD");
    }

    @Test
    void a_misspelt_option_gets_a_did_you_mean() {
        Run r = run("train", "--epohcs", "3");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("jvk train: unknown option '--epohcs'; did you mean --epochs? (see --help)");
        Run joined = run("train", "--lerning-rate=0.1");
        assertThat(joined.code()).isEqualTo(2);
        assertThat(joined.err().strip()).startsWith("jvk train: unknown option '--lerning-rate'");
        Run command = run("trian");
        assertThat(command.code()).isEqualTo(2);
        assertThat(command.err().strip()).isEqualTo("jvk: unknown command 'trian'; did you mean train? (see --help)");
    }

    @Test
    void an_unknown_command_gets_the_same_message_from_help_a_close_name_only_and_else_the_commands() {
        String commands = "the commands are info, train, evaluate, predict, export, compress, bench, help";
        for (String[] args : new String[][] {{"nosuch"}, {"help", "nosuch"}}) {
            Run r = run(args);
            assertThat(r.code()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.out()).isEmpty();
            assertThat(r.err().strip()).isEqualTo("jvk: unknown command 'nosuch'; " + commands + " (see --help)");
        }
        for (String[] args : new String[][] {{"evalute"}, {"help", "evalute"}}) {
            assertThat(run(args).err().strip()).isEqualTo("jvk: unknown command 'evalute'; did you mean evaluate? (see --help)");
        }
        Run option = run("train", "--zzz");
        assertThat(option.err().strip()).as("no option is close").isEqualTo("jvk train: unknown option '--zzz' (see --help)");
        Run help = run("help", "train");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("--epochs");
        Run all = run("help");
        assertThat(all.code()).isZero();
        assertThat(all.out()).containsPattern("(?m)^ +bench ");
        Run none = run();
        assertThat(none.code()).as("no command is a usage error").isEqualTo(2);
        assertThat(none.out()).isEmpty();
        assertThat(none.err()).isEqualTo(all.out());
    }

    @Test
    void a_misspelt_required_option_is_named_not_reported_missing() {
        Run evaluate = run("evaluate", "--modle", "m.jvk");
        assertThat(evaluate.code()).isEqualTo(2);
        assertThat(evaluate.err().strip()).isEqualTo("jvk evaluate: unknown option '--modle'; did you mean --model? (see --help)");
        Run export = run("export", "--model", "m.jvk", "--onx=m.onnx");
        assertThat(export.code()).isEqualTo(2);
        assertThat(export.err().strip()).isEqualTo("jvk export: unknown option '--onx'; did you mean --onnx? (see --help)");
        Run missing = run("predict", "--csv", "-", "--threads", "1");
        assertThat(missing.err().strip()).isEqualTo("jvk predict: Missing required option: '--model=FILE' (see --help)");
        Run global = run("--debug", "compress", "--debug", "--out", "-x");
        assertThat(global.err().strip()).isEqualTo("jvk compress: Missing required option: '--model=FILE' (see --help)");
    }

    @Test
    void a_misspelt_label_column_name_gets_a_did_you_mean_and_the_header_names() throws IOException {
        Path file = dir.resolve("fruit.csv");
        Files.writeString(file, "\"weight (g)\",\"colour, hue\",name\n1,2,apple\n3,4,pear\n");
        Run r = run("train", "--csv", file.toString(), "--header", "--label-column", "nme");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("jvk train: " + file + ": no column named 'nme' (did you mean 'name'?); the header has 'weight (g)', 'colour, hue', 'name'");
    }

    @Test
    void help_lists_every_command_bench_included() {
        Run r = run("--help");
        assertThat(r.code()).isZero();
        for (String command : new String[] {"info", "train", "evaluate", "predict", "bench"}) {
            assertThat(r.out()).containsPattern("(?m)^ +" + command + " ");
        }
    }

    @Test
    void each_command_in_the_help_list_is_described_by_a_whole_sentence() {
        // the list shows only the first line of each command's description
        picocli.CommandLine cli = new picocli.CommandLine(new Main());
        assertThat(cli.getSubcommands()).hasSizeGreaterThanOrEqualTo(7);
        cli.getSubcommands().forEach((name, sub) -> {
            String[] description = sub.getCommandSpec().usageMessage().description();
            assertThat(description).as(name).isNotEmpty();
            assertThat(description[0]).as(name).endsWith(".");
        });
    }

    @Test
    void a_file_name_with_a_line_break_or_an_escape_cannot_forge_a_line_on_stderr() throws IOException {
        String forged = "x\njvk train: saved \u001b[2J";
        String shown = "x\\u000ajvk train: saved \\u001b[2J";
        Path missing = dir.resolve("missing " + forged + ".jvk");
        Path csv = Files.writeString(dir.resolve("bad " + forged + ".csv"), "a,label\nnot a number,1\n");
        Path model = Files.writeString(dir.resolve("bad " + forged + ".jvk"), "not a model");
        Run[] runs = {
            run("evaluate", "--model", missing.toString(), "--data", "synthetic"),   // the JDK's NoSuchFileException
            run("train", "--csv", csv.toString(), "--header", "--epochs", "1"),        // a DataException
            run("evaluate", "--model", model.toString(), "--data", "synthetic"),     // a ModelFileException
        };
        String[] expected = {
            "jvk evaluate: " + dir.resolve("missing " + shown + ".jvk") + ": no such file",
            "jvk train: " + dir.resolve("bad " + shown + ".csv") + " line 2",
            "jvk evaluate: " + dir.resolve("bad " + shown + ".jvk") + ": ",
        };
        for (int i = 0; i < runs.length; i++) {
            assertThat(runs[i].code()).as(runs[i].err()).isEqualTo(2);
            assertThat(runs[i].err()).startsWith(expected[i]).endsWith("\n");
            assertThat(runs[i].err().strip().chars().filter(Character::isISOControl).toArray()).as(runs[i].err()).isEmpty();
        }
    }
}
