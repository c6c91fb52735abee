package dev.jvk.cli;

import static dev.jvk.cli.Cli.number;
import static dev.jvk.cli.Cli.run;
import static dev.jvk.cli.Cli.with;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jvk.cli.Cli.Run;
import dev.jvk.nn.Mlp;
import dev.jvk.nn.QuantizedDense;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code compress}: pruning with fine-tuning and quantization, a file that evaluate and predict read, and the refusals. */
@ExtendWith(Cli.KeepsThreads.class)
class CompressCommandTest {
    @TempDir
    Path dir;

    private Path model;

    @BeforeEach
    void train() {
        model = dir.resolve("m.jvk");
        Run t = run("train", "--data", "synthetic", "--epochs", "2", "--layers", "32,16", "--threads", "1", "--save", model.toString());
        assertThat(t.code()).as(t.err()).isZero();
    }

    static String text(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":\"([^\"]*)\"").matcher(json);
        assertThat(m.find()).as("%s in %s", key, json).isTrue();
        return m.group(1);
    }

    @Test
    void missing_values_of_a_csv_file_are_filled_with_the_models_training_means_as_evaluate_fills_them() throws IOException {
        StringBuilder rows = new StringBuilder("a,b,c,label\n");
        for (int i = 0; i < 60; i++) {
            rows.append(i % 7).append(',').append(i % 11 == 0 ? "" : Integer.toString(i % 5)).append(',').append(i % 3).append(',').append(i % 2).append('\n');
        }
        Path csv = Files.writeString(dir.resolve("gaps.csv"), rows);
        Path withMeans = dir.resolve("means.jvk");
        Path withoutMeans = dir.resolve("zero.jvk");
        for (String[] trained : new String[][] {{"mean", withMeans.toString()}, {"zero", withoutMeans.toString()}}) {
            Run t = run("train", "--csv", csv.toString(), "--header", "--missing", trained[0], "--epochs", "1", "--layers", "4", "--activation", "relu",
                    "--threads", "1", "--save", trained[1]);
            assertThat(t.code()).as(t.err()).isZero();
        }
        Path out = dir.resolve("q.jvk");
        // the file's own means would make the scores depend on the rows read with them; evaluate refuses a model without means
        Run e = run("evaluate", "--model", withoutMeans.toString(), "--csv", csv.toString(), "--header", "--missing", "mean");
        assertThat(e.code()).isEqualTo(2);
        Run refused = run("compress", "--model", withoutMeans.toString(), "--quantize", "int8", "--csv", csv.toString(), "--header", "--missing", "mean",
                "--threads", "1", "--out", out.toString());
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err().strip()).isEqualTo(e.err().strip().replace("jvk evaluate: ", "jvk compress: "));
        assertThat(out).doesNotExist();
        Run filled = run("compress", "--model", withMeans.toString(), "--quantize", "int8", "--csv", csv.toString(), "--header", "--missing", "mean",
                "--threads", "1", "--out", out.toString());
        assertThat(filled.code()).as(filled.err()).isZero();
        assertThat(filled.out()).contains("missing values: 6 in gaps.csv filled with the training rows' column means stored in " + withMeans);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--fine-tune-epochs|-1|--fine-tune-epochs must be >= 0, got -1",
        "--batch|0|--batch must be >= 1, got 0",
        "--lr|0|--lr must be > 0 and finite, got 0.0",
        "--lr|Infinity|--lr must be > 0 and finite, got Infinity",
        "--distill|1.5|--distill must be in [0, 1], got 1.5",
        "--temperature|0.5|--temperature must be in [1, 100], got 0.5"})
    void a_bad_value_is_refused_naming_its_option_alone(String option, String value, String message) {
        Path out = dir.resolve("q.jvk");
        Run c = run("compress", "--model", model.toString(), "--prune", "0.5", "--data", "synthetic", "--threads", "1", option, value, "--out", out.toString());
        assertThat(c.code()).isEqualTo(2);
        assertThat(c.err().strip()).isEqualTo("jvk compress: " + message);
        assertThat(out).doesNotExist();
    }

    @Test
    void a_regressors_rmse_change_is_printed_at_the_scores_precision() throws IOException {
        StringBuilder rows = new StringBuilder("a,b,y\n");
        for (int i = 0; i < 80; i++) {
            rows.append(i % 7).append(',').append(i % 5).append(',').append(0.37 * (i % 7) - 0.11 * (i % 5) + 0.01 * (i % 3)).append('\n');
        }
        Path csv = Files.writeString(dir.resolve("reg.csv"), rows);
        Path regressor = dir.resolve("reg.jvk");
        Run t = run("train", "--csv", csv.toString(), "--header", "--task", "regression", "--epochs", "2", "--layers", "16", "--activation", "relu",
                "--threads", "1", "--save", regressor.toString());
        assertThat(t.code()).as(t.err()).isZero();
        String[] compress = {"compress", "--model", regressor.toString(), "--quantize", "int8", "--csv", csv.toString(), "--header", "--threads", "1",
            "--out", dir.resolve("q.jvk").toString()};
        Run json = run(with(compress, "--json"));
        assertThat(json.code()).as(json.err()).isZero();
        double change = number(json.out(), "test_rmse_after") - number(json.out(), "test_rmse_before");
        Run text = run(compress);
        assertThat(text.code()).as(text.err()).isZero();
        assertThat(text.out().lines().filter(l -> l.startsWith("test rmse")).findFirst().orElseThrow().strip())
                .endsWith(" " + String.format(java.util.Locale.ROOT, "%+.4f", change));
    }

    @Test
    void an_out_naming_the_model_is_refused_and_the_model_kept() throws IOException {
        byte[] before = Files.readAllBytes(model);
        Run c = run("compress", "--model", model.toString(), "--quantize", "int8", "--data", "synthetic", "--threads", "1", "--out", model.toString());
        assertThat(c.code()).isEqualTo(2);
        assertThat(c.err().strip()).isEqualTo("jvk compress: --out " + model + " is the --model file; it would be replaced by the compressed model");
        assertThat(Files.readAllBytes(model)).isEqualTo(before);
    }

    @Test
    void a_csv_trained_model_scored_on_the_built_in_set_names_its_width_and_asks_for_its_csv() throws IOException {
        StringBuilder rows = new StringBuilder("a,b,c,label\n");
        for (int i = 0; i < 40; i++) {
            rows.append(i % 7).append(',').append(i % 5).append(',').append(i % 3).append(',').append(i % 2).append('\n');
        }
        Path csv = Files.writeString(dir.resolve("small.csv"), rows);
        Path small = dir.resolve("small.jvk");
        Run t = run("train", "--csv", csv.toString(), "--header", "--epochs", "1", "--layers", "4", "--activation", "relu", "--threads", "1",
                "--save", small.toString());
        assertThat(t.code()).as(t.err()).isZero();
        String expected = small + " expects 3 features, the synthetic test set has 64: score it on its own data with --csv FILE";
        Path out = dir.resolve("q.jvk");
        Run c = run("compress", "--model", small.toString(), "--quantize", "int8", "--data", "synthetic", "--threads", "1", "--out", out.toString());
        assertThat(c.code()).isEqualTo(2);
        assertThat(c.err().strip()).isEqualTo("jvk compress: " + expected);
        assertThat(out).doesNotExist();
        Run e = run("evaluate", "--model", small.toString(), "--data", "synthetic");
        assertThat(e.code()).isEqualTo(2);
        assertThat(e.err().strip()).isEqualTo("jvk evaluate: " + expected);
        Run p = run("predict", "--model", small.toString(), "--data", "synthetic");
        assertThat(p.code()).isEqualTo(2);
        assertThat(p.err().strip()).isEqualTo("jvk predict: " + expected);
    }

    @Test
    void pruning_a_model_without_hidden_units_is_refused_not_reported_as_done() {
        Path linear = dir.resolve("linear.jvk");
        Run t = run("train", "--data", "synthetic", "--epochs", "1", "--layers", "none", "--threads", "1", "--save", linear.toString());
        assertThat(t.code()).as(t.err()).isZero();
        Path out = dir.resolve("pruned.jvk");
        Run c = run("compress", "--model", linear.toString(), "--prune", "0.5", "--fine-tune-epochs", "0", "--data", "synthetic",
                "--threads", "1", "--out", out.toString());
        assertThat(c.code()).isEqualTo(2);
        assertThat(c.err().strip()).isEqualTo("jvk compress: --prune: " + linear + " (64-10) has no hidden layer, no unit to remove");
        assertThat(c.out()).isEmpty();
        assertThat(out).doesNotExist();
    }

    @Test
    void prune_fine_tune_and_quantize_writes_a_model_that_evaluate_and_predict_read() throws IOException {
        Path out = dir.resolve("small.jvk");
        Run c = run("compress", "--model", model.toString(), "--prune", "0.5", "--fine-tune-epochs", "1", "--quantize", "int8",
                "--data", "synthetic", "--threads", "1", "--out", out.toString(), "--json");
        assertThat(c.code()).as(c.err()).isZero();
        assertThat(text(c.out(), "architecture_before")).isEqualTo("64-32-16-10 relu");
        assertThat(text(c.out(), "architecture_after")).isEqualTo("64-16-8-10 relu");
        assertThat(text(c.out(), "weights")).isEqualTo("int8");
        assertThat(c.err()).contains("fine-tuning 1 epoch on synthetic train").contains("distilled from the unpruned model (weight 0.7, temperature 3.0)");
        assertThat((long) number(c.out(), "bytes_after")).isEqualTo(Files.size(out));
        assertThat((long) number(c.out(), "bytes_before")).isEqualTo(Files.size(model));

        Mlp written = Mlp.load(out);
        assertThat(written.layers()).filteredOn(l -> l instanceof QuantizedDense q && q.format() == QuantizedDense.Format.INT8).hasSize(3);
        Run e = run("evaluate", "--model", out.toString(), "--data", "synthetic", "--json");
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(number(e.out(), "test_accuracy")).isEqualTo(number(c.out(), "test_accuracy_after"));
        assertThat(number(c.out(), "test_accuracy_after")).isGreaterThan(0.2);   // twice chance after one epoch of fine-tuning; the float model has 0.45

        Path csv = Files.writeString(dir.resolve("x.csv"), "0".repeat(1).concat(",0".repeat(63)) + "\n");
        Run p = run("predict", "--model", out.toString(), "--csv", csv.toString());
        assertThat(p.code()).as(p.err()).isZero();
        assertThat(p.out().lines().toList()).hasSize(2).first().asString().startsWith("prediction");
    }

    @Test
    void bf16_keeps_the_architecture_and_nearly_the_accuracy_and_halves_the_weights() throws IOException {
        Path out = dir.resolve("half.jvk");
        Run c = run("compress", "--model", model.toString(), "--quantize", "bf16", "--data", "synthetic", "--out", out.toString());
        assertThat(c.code()).as(c.err()).isZero();
        assertThat(c.out()).contains("64-32-16-10 relu, bf16").contains("x smaller").contains("x faster").contains("wrote " + out);
        long weights = 64 * 32 + 32 * 16 + 16 * 10;
        assertThat(Files.size(out)).isEqualTo(Files.size(model) - 2 * weights);
        Run a = run("evaluate", "--model", model.toString(), "--data", "synthetic", "--json");
        Run b = run("evaluate", "--model", out.toString(), "--data", "synthetic", "--json");
        assertThat(number(b.out(), "test_accuracy")).isCloseTo(number(a.out(), "test_accuracy"), org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void int8_dynamic_writes_int8_weights_that_quantize_their_inputs_and_keeps_the_accuracy() throws IOException {
        Path int8 = dir.resolve("int8.jvk");
        Path dynamic = dir.resolve("dynamic.jvk");
        assertThat(run("compress", "--model", model.toString(), "--quantize", "int8", "--data", "synthetic", "--out", int8.toString()).code()).isZero();
        Run c = run("compress", "--model", model.toString(), "--quantize", "INT8-Dynamic", "--data", "synthetic", "--out", dynamic.toString(), "--json");
        assertThat(c.code()).as(c.err()).isZero();
        assertThat(text(c.out(), "architecture_after")).isEqualTo("64-32-16-10 relu");
        assertThat(text(c.out(), "weights")).isEqualTo("int8-dynamic");
        assertThat((long) number(c.out(), "bytes_after")).isEqualTo(Files.size(dynamic)).isEqualTo(Files.size(int8));
        assertThat(Mlp.load(dynamic).layers()).filteredOn(l -> l instanceof QuantizedDense q && q.format() == QuantizedDense.Format.INT8_DYNAMIC).hasSize(3);
        Run e = run("evaluate", "--model", dynamic.toString(), "--data", "synthetic", "--json");
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(number(e.out(), "test_accuracy")).isEqualTo(number(c.out(), "test_accuracy_after"));
        assertThat(number(c.out(), "test_accuracy_after")).isCloseTo(number(c.out(), "test_accuracy_before"), org.assertj.core.data.Offset.offset(0.02));
        Run text = run("compress", "--model", model.toString(), "--quantize", "int8-dynamic", "--data", "synthetic", "--out", dynamic.toString());
        assertThat(text.out()).contains("64-32-16-10 relu, int8-dynamic").contains("x smaller").contains("x faster");
    }

    @Test
    void bad_options_and_impossible_compressions_are_one_line_exit_2_and_write_nothing() throws IOException {
        Path out = dir.resolve("out.jvk");
        Path int8 = dir.resolve("int8.jvk");
        assertThat(run("compress", "--model", model.toString(), "--quantize", "int8", "--data", "synthetic", "--out", int8.toString()).code()).isZero();
        String[][] cases = {
            {"compress", "--model", model.toString(), "--out", out.toString()},
            {"compress", "--model", model.toString(), "--prune", "1", "--out", out.toString()},
            {"compress", "--model", model.toString(), "--prune", "-0.1", "--out", out.toString()},
            {"compress", "--model", model.toString(), "--quantize", "int4", "--out", out.toString()},
            {"compress", "--model", model.toString(), "--prune", "0.5", "--fine-tune-epochs", "-1", "--out", out.toString()},
            {"compress", "--model", model.toString(), "--prune", "0.5", "--distill", "1.5", "--out", out.toString()},
            {"compress", "--model", model.toString(), "--prune", "0.5", "--temperature", "0.5", "--out", out.toString()},
            {"compress", "--model", model.toString(), "--quantize", "int8", "--out", dir.resolve("no/such/dir/x.jvk").toString()},
            {"compress", "--model", dir.resolve("none.jvk").toString(), "--quantize", "int8", "--out", out.toString()},
            {"compress", "--model", int8.toString(), "--quantize", "bf16", "--data", "synthetic", "--out", out.toString()},
            {"compress", "--model", int8.toString(), "--prune", "0.5", "--data", "synthetic", "--out", out.toString()},
            {"compress", "--model", model.toString(), "--prune", "0.5", "--csv", model.toString(), "--out", out.toString()},
        };
        for (String[] args : cases) {
            Run r = run(args);
            assertThat(r.code()).as(String.join(" ", args) + "\n" + r.err()).isEqualTo(2);
            assertThat(r.err().strip().lines().filter(l -> l.startsWith("jvk")).count()).as(r.err()).isEqualTo(1);
            assertThat(r.err()).doesNotContain("Exception");
        }
        assertThat(out).doesNotExist();
        Run r = run("compress", "--model", int8.toString(), "--quantize", "bf16", "--data", "synthetic", "--out", out.toString());
        assertThat(r.err()).contains("is quantized already: quantize the float model");
    }
}
