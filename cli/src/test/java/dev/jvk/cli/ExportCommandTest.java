package dev.jvk.cli;

import static dev.jvk.cli.Cli.number;
import static dev.jvk.cli.Cli.run;
import static dev.jvk.cli.Cli.with;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jvk.cli.Cli.Run;
import dev.jvk.nn.Mlp;
import dev.jvk.nn.onnx.OnnxModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code export}, and {@code evaluate --model FILE.onnx} through {@link Models#load}. */
@ExtendWith(Cli.KeepsThreads.class)
class ExportCommandTest {
    @TempDir
    Path dir;

    @Test
    void train_export_then_evaluate_the_onnx_file_gives_the_same_accuracy() throws IOException {
        Path model = dir.resolve("m.jvk");
        Path onnx = dir.resolve("m.onnx");
        Run t = run("train", "--data", "synthetic", "--epochs", "1", "--layers", "16", "--threads", "1", "--scale", "standard",
                "--save", model.toString());
        assertThat(t.code()).as(t.err()).isZero();

        Run x = run("export", "--model", model.toString(), "--onnx", onnx.toString());
        assertThat(x.code()).as(x.err()).isZero();
        assertThat(x.out()).contains("wrote " + onnx).contains("opset 17");

        Run a = run("evaluate", "--model", model.toString(), "--data", "synthetic", "--json");
        Run b = run("evaluate", "--model", onnx.toString(), "--data", "synthetic", "--json");
        assertThat(b.code()).as(b.err()).isZero();
        assertThat(number(b.out(), "test_accuracy")).isEqualTo(number(a.out(), "test_accuracy"));
        assertThat(number(b.out(), "test_loss")).isEqualTo(number(a.out(), "test_loss"));
        assertThat(Models.load(onnx).describe()).isEqualTo(Mlp.load(model).describe());
    }

    /** A model is read by what its file holds, not by its name: a jvk model named .onnx, an ONNX file named .jvk or .bin. */
    @Test
    void models_saved_under_the_other_formats_name_are_read_by_their_bytes() throws IOException {
        Path model = dir.resolve("m.jvk");
        Path onnx = dir.resolve("m.onnx");
        assertThat(run("train", "--data", "synthetic", "--epochs", "1", "--layers", "8", "--threads", "1", "--save", model.toString()).code()).isZero();
        assertThat(run("export", "--model", model.toString(), "--onnx", onnx.toString()).code()).isZero();
        Path jvkNamedOnnx = Files.copy(model, dir.resolve("jvk-inside.onnx"));
        Path onnxNamedJvk = Files.copy(onnx, dir.resolve("onnx-inside.jvk"));
        Path onnxNamedBin = Files.copy(onnx, dir.resolve("onnx-inside.bin"));
        assertThat(Mlp.isModelFile(model)).isTrue();
        assertThat(Mlp.isModelFile(onnx)).isFalse();
        assertThat(Mlp.isModelFile(dir)).isFalse();

        Run a = run("evaluate", "--model", model.toString(), "--data", "synthetic", "--json");
        assertThat(a.code()).as(a.err()).isZero();
        for (Path file : new Path[] {jvkNamedOnnx, onnxNamedJvk, onnxNamedBin}) {
            Run b = run("evaluate", "--model", file.toString(), "--data", "synthetic", "--json");
            assertThat(b.code()).as(file + ": " + b.err()).isZero();
            assertThat(number(b.out(), "test_loss")).as(file.toString()).isEqualTo(number(a.out(), "test_loss"));
        }
        assertThat(Models.isOnnx(jvkNamedOnnx)).isFalse();
        assertThat(Models.isOnnx(onnxNamedJvk)).isTrue();
        Path junk = Files.write(dir.resolve("junk.jvk"), new byte[] {1, 2, 3});
        Run c = run("evaluate", "--model", junk.toString(), "--data", "synthetic");
        assertThat(c.code()).isEqualTo(2);
        assertThat(c.err()).contains("junk.jvk").contains("not a jvk model file");
    }

    /**
     * {@code --model -} reads a jvk model from standard input; an ONNX file piped in was told "-: not a jvk model file (wrong
     * magic number)", as if it were no model at all. ONNX is read from a named file (its external data lies beside it).
     */
    @Test
    void an_onnx_file_on_standard_input_is_named_as_onnx() throws IOException {
        Path model = dir.resolve("m.jvk");
        Path onnx = dir.resolve("m.onnx");
        assertThat(run("train", "--data", "synthetic", "--epochs", "1", "--layers", "8", "--threads", "1", "--save", model.toString()).code()).isZero();
        assertThat(run("export", "--model", model.toString(), "--onnx", onnx.toString()).code()).isZero();
        java.io.InputStream stdin = System.in;
        Run r;
        try {
            System.setIn(Files.newInputStream(onnx));
            r = run("evaluate", "--model", "-", "--data", "synthetic");
        } finally {
            System.in.close();
            System.setIn(stdin);
        }
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip()).isEqualTo("jvk evaluate: -: an ONNX model, not a jvk model file; jvk reads ONNX from a file "
                + "(give its name: its external data is found beside it), not from standard input");
    }

    /** --activation gelu-tanh trains, saves, exports at opset 17 (the sub-graph) and 20 (one Gelu node) and reads back the same. */
    @Test
    void train_with_gelu_tanh_then_export_at_opsets_17_and_20() throws IOException {
        Path model = dir.resolve("gt.jvk");
        Run t = run("train", "--data", "synthetic", "--epochs", "1", "--layers", "16", "--activation", "gelu-tanh", "--threads", "1",
                "--json", "--save", model.toString());
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(t.out()).contains("gelu-tanh");
        assertThat(Mlp.load(model).describe()).contains("gelu-tanh");
        Run a = run("evaluate", "--model", model.toString(), "--data", "synthetic", "--json");
        for (String opset : new String[] {"17", "20"}) {
            Path onnx = dir.resolve("gt" + opset + ".onnx");
            Run x = run("export", "--model", model.toString(), "--onnx", onnx.toString(), "--opset", opset);
            assertThat(x.code()).as(x.err()).isZero();
            assertThat(Models.load(onnx).describe()).isEqualTo(Mlp.load(model).describe());
            Run b = run("evaluate", "--model", onnx.toString(), "--data", "synthetic", "--json");
            assertThat(b.code()).as(b.err()).isZero();
            assertThat(number(b.out(), "test_loss")).isEqualTo(number(a.out(), "test_loss"));
        }
    }

    @Test
    void an_onnx_target_naming_the_model_is_refused_and_the_model_kept() throws IOException {
        Path model = dir.resolve("m.jvk");
        Mlp.classifier(5, new int[] {4}, dev.jvk.nn.Activation.RELU, 3, 1).save(model);
        byte[] before = Files.readAllBytes(model);
        Run x = run("export", "--model", model.toString(), "--onnx", model.toString());
        assertThat(x.code()).isEqualTo(2);
        assertThat(x.err().strip()).isEqualTo("jvk export: --onnx " + model + " is the --model file; it would be replaced by the ONNX file");
        assertThat(Files.readAllBytes(model)).isEqualTo(before);
    }

    @Test
    void duplicate_or_empty_class_names_are_refused_and_nothing_written() throws IOException {
        Path model = dir.resolve("m.jvk");
        Mlp.classifier(5, new int[] {4}, dev.jvk.nn.Activation.RELU, 3, 1).save(model);
        Path onnx = dir.resolve("named.onnx");
        Run twice = run("export", "--model", model.toString(), "--onnx", onnx.toString(), "--class-names", "cat,dog,cat");
        assertThat(twice.code()).isEqualTo(2);
        assertThat(twice.err().strip()).isEqualTo("jvk export: --class-names: class 2's name 'cat' is given twice; give each class its own name");
        Run empty = run("export", "--model", model.toString(), "--onnx", onnx.toString(), "--class-names", "cat,,dog");
        assertThat(empty.code()).isEqualTo(2);
        assertThat(empty.err().strip()).isEqualTo("jvk export: --class-names: class 1's name is empty; give each class its own name");
        assertThat(onnx).doesNotExist();
    }

    @Test
    void a_model_target_of_dash_is_refused_before_anything_is_written() throws IOException {
        Path model = dir.resolve("m.jvk");
        Mlp.classifier(5, new int[] {4}, dev.jvk.nn.Activation.RELU, 3, 1).save(model);
        String[][] commands = {
            {"export", "--model", model.toString(), "--onnx", "-"},
            {"compress", "--model", model.toString(), "--quantize", "int8", "--data", "synthetic", "--threads", "1", "--out", "-"},
            {"train", "--data", "synthetic", "--epochs", "1", "--layers", "4", "--threads", "1", "--save", "-"}};
        for (String[] command : commands) {
            Run r = run(command);
            String option = command[command.length - 2];
            assertThat(r.code()).as(r.err()).isEqualTo(2);
            assertThat(r.err().strip()).isEqualTo("jvk " + command[0] + ": " + option
                    + " -: a model is written to a file, not to standard output; give a file name (./- for a file named -)");
            assertThat(Path.of("-")).as("a file named - in the working folder").doesNotExist();
        }
    }

    @Test
    void class_names_and_opset_reach_the_file() throws IOException {
        Path model = dir.resolve("m.jvk");
        Mlp.classifier(5, new int[] {4}, dev.jvk.nn.Activation.GELU, 3, 1).save(model);
        Path onnx = dir.resolve("named.onnx");
        Run x = run("export", "--model", model.toString(), "--onnx", onnx.toString(), "--opset", "20", "--class-names", "cat,dog,bird");
        assertThat(x.code()).as(x.err()).isZero();
        OnnxModel back = OnnxModel.read(onnx);
        assertThat(back.classNames()).containsExactly("cat", "dog", "bird");
        assertThat(back.opset()).isEqualTo(20);

        // predict on the ONNX file speaks the names, as it does on the jvk model trained with them
        Path csv = Files.writeString(dir.resolve("rows.csv"), "a,b,c,d,e\n0.1,0.2,0.3,0.4,0.5\n-1,2,-3,4,-5\n3,1,4,1,5\n");
        Run p = run("predict", "--model", onnx.toString(), "--csv", csv.toString(), "--header");
        assertThat(p.code()).as(p.err()).isZero();
        java.util.List<String> lines = p.out().strip().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.getFirst()).isEqualTo("prediction");
        assertThat(lines.subList(1, 4)).allMatch(l -> l.equals("cat") || l.equals("dog") || l.equals("bird"), "a class name");
    }

    /** The training means of --missing mean travel in the ONNX graph; predict from it fills empty cells with them, as from the jvk model. */
    @Test
    void predict_from_the_onnx_file_fills_missing_values_with_the_training_means_it_carries() throws IOException {
        java.util.Random random = new java.util.Random(5);
        StringBuilder s = new StringBuilder("a,b,label\n");
        double sumA = 0;
        double sumB = 0;
        int presentA = 0;
        int presentB = 0;
        for (int i = 0; i < 200; i++) {
            int c = random.nextInt(2);
            double a = c * 4 + 3 + random.nextGaussian();
            double b = -2 * c - 1 + random.nextGaussian();
            boolean gapA = i % 10 == 3;
            boolean gapB = i % 10 == 7;
            // the means as the reader sees the values: each parsed to a float
            if (!gapA) {
                sumA += (float) a;
                presentA++;
            }
            if (!gapB) {
                sumB += (float) b;
                presentB++;
            }
            s.append(gapA ? "" : Double.toString(a)).append(',').append(gapB ? "" : Double.toString(b)).append(',').append(c == 0 ? "low" : "high").append('\n');
        }
        Path train = Files.writeString(dir.resolve("gappy.csv"), s);
        float meanA = (float) (sumA / presentA);
        float meanB = (float) (sumB / presentB);
        Path model = dir.resolve("gappy.jvk");
        Path onnx = dir.resolve("gappy.onnx");
        // every row of the file trains (a separate test file, no validation rows), so the file's means are the training means
        Path heldOut = Files.writeString(dir.resolve("complete-test.csv"), "a,b,label\n3,-1,low\n7,-3,high\n");
        Run t = run("train", "--csv", train.toString(), "--header", "--missing", "mean", "--layers", "8", "--epochs", "3", "--threads", "1",
                "--test-csv", heldOut.toString(), "--validation-split", "0", "--save", model.toString());
        assertThat(t.code()).as(t.err()).isZero();
        Run x = run("export", "--model", model.toString(), "--onnx", onnx.toString());
        assertThat(x.code()).as(x.err()).isZero();

        Path gaps = Files.writeString(dir.resolve("gaps.csv"), "a,b\n,0.5\n6.5,\n,\n1,-1\n");
        Path filled = Files.writeString(dir.resolve("filled.csv"), "a,b\n" + meanA + ",0.5\n6.5," + meanB + "\n" + meanA + "," + meanB + "\n1,-1\n");
        Path zeros = Files.writeString(dir.resolve("zeros.csv"), "a,b\n0,0.5\n6.5,0\n0,0\n1,-1\n");
        Run fromOnnx = run("predict", "--model", onnx.toString(), "--csv", gaps.toString(), "--header", "--missing", "mean", "--probabilities");
        Run fromJvk = run("predict", "--model", model.toString(), "--csv", gaps.toString(), "--header", "--missing", "mean", "--probabilities");
        Run written = run("predict", "--model", onnx.toString(), "--csv", filled.toString(), "--header", "--probabilities");
        Run zero = run("predict", "--model", onnx.toString(), "--csv", zeros.toString(), "--header", "--probabilities");
        for (Run r : java.util.List.of(fromOnnx, fromJvk, written, zero)) {
            assertThat(r.code()).as(r.err()).isZero();
        }
        assertThat(fromOnnx.out().lines().toList()).hasSize(5);
        assertThat(fromOnnx.out()).isEqualTo(fromJvk.out()).isEqualTo(written.out()).isNotEqualTo(zero.out());
        assertThat(fromOnnx.err()).contains("missing values: 4 in gaps.csv filled with the training rows' column means stored in " + onnx);
        assertThat(Models.load(onnx).metadata().missingValueMeans()).containsExactly(meanA, meanB);
    }

    /** An int8-dynamic model (compress --quantize int8-dynamic) exports with its per-row quantization in the graph. */
    @Test
    void an_int8_dynamic_model_exports() throws IOException {
        Path model = dir.resolve("dynamic.jvk");
        dev.jvk.nn.compress.Compression.quantize(Mlp.classifier(5, new int[] {4}, dev.jvk.nn.Activation.RELU, 3, 1),
                dev.jvk.nn.QuantizedDense.Format.INT8_DYNAMIC).save(model);
        Path onnx = dir.resolve("dynamic.onnx");
        Run x = run("export", "--model", model.toString(), "--onnx", onnx.toString());
        assertThat(x.code()).as(x.err()).isZero();
        assertThat(x.out()).contains("wrote " + onnx);
        String bytes = new String(Files.readAllBytes(onnx), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(bytes).contains("ReduceMax").contains("Round").doesNotContain("DequantizeLinear");
    }

    @Test
    void bad_options_are_one_line_exit_2_and_write_nothing() throws IOException {
        Path model = dir.resolve("m.jvk");
        Mlp.classifier(5, new int[] {4}, dev.jvk.nn.Activation.RELU, 3, 1).save(model);
        Path onnx = dir.resolve("out.onnx");
        String[][] cases = {
            {"export", "--model", model.toString(), "--onnx", onnx.toString(), "--opset", "9"},
            {"export", "--model", model.toString(), "--onnx", onnx.toString(), "--class-names", "a,b"},
            {"export", "--model", dir.resolve("none.jvk").toString(), "--onnx", onnx.toString()},
            {"export", "--model", model.toString(), "--onnx", dir.resolve("no/such/dir/x.onnx").toString()},
            {"export", "--model", model.toString()},
        };
        for (String[] args : cases) {
            Run r = run(args);
            assertThat(r.code()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err().strip().lines().filter(l -> l.startsWith("jvk")).count()).as(r.err()).isEqualTo(1);
            assertThat(r.err()).doesNotContain("Exception");
        }
        assertThat(onnx).doesNotExist();
    }

    @Test
    void evaluate_with_a_broken_onnx_file_is_one_clear_line() throws IOException {
        Path bad = Files.write(dir.resolve("bad.onnx"), new byte[] {0x3A, (byte) 0xFF, (byte) 0xFF, 0x7F, 1});
        Run r = run("evaluate", "--model", bad.toString(), "--data", "synthetic");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("jvk evaluate: " + bad).contains("claims").doesNotContain("Exception");
        Path jvkAsOnnx = dir.resolve("model.onnx");
        Mlp.classifier(5, new int[] {4}, dev.jvk.nn.Activation.RELU, 3, 1).save(jvkAsOnnx);
        Run j = run("evaluate", "--model", jvkAsOnnx.toString(), "--data", "synthetic");
        assertThat(j.code()).isEqualTo(2);
        // read as the jvk model it is (models_saved_under_the_other_formats_name_are_read_by_their_bytes): its width is the error
        assertThat(j.err()).contains("expects 5 features").doesNotContain("Exception");
    }

    /**
     * What a jvk model file knows beside its graph travels in the ONNX file: evaluate finds a CSV's named label or target
     * column (not the last) without --label-column, and scores with the model's loss (Huber for a regressor trained with
     * it), so evaluate's JSON from the ONNX file is the jvk file's; int8-dynamic too. Before, the ONNX file knew no label
     * column, imported a Huber regressor as MSE and refused an int8-dynamic graph.
     */
    @Test
    void evaluate_on_the_onnx_file_finds_the_label_column_and_scores_as_the_jvk_file() throws IOException {
        java.util.Random random = new java.util.Random(3);
        StringBuilder classes = new StringBuilder("a,kind,b,c\n");
        StringBuilder prices = new StringBuilder("a,b,price,c\n");
        for (int i = 0; i < 150; i++) {
            double a = random.nextGaussian();
            double b = random.nextGaussian();
            double c = random.nextGaussian();
            classes.append(a).append(',').append(a + b > 0 ? "up" : "down").append(',').append(b).append(',').append(c).append('\n');
            double price = 3 * a - 2 * b + (i % 25 == 0 ? 40 : 0.1 * random.nextGaussian());   // outliers: Huber's loss differs from MSE's
            prices.append(a).append(',').append(b).append(',').append(price).append(',').append(c).append('\n');
        }
        Path classCsv = Files.writeString(dir.resolve("kinds.csv"), classes);
        Path priceCsv = Files.writeString(dir.resolve("prices.csv"), prices);
        String[][] trainings = {
            {"train", "--csv", classCsv.toString(), "--header", "--label-column", "kind"},
            {"train", "--csv", priceCsv.toString(), "--header", "--label-column", "price", "--task", "regression", "--loss", "huber"},
        };
        int i = 0;
        for (String[] training : trainings) {
            Path model = dir.resolve("m" + i + ".jvk");
            Path dynamic = dir.resolve("d" + i + ".jvk");
            Run t = run(with(training, "--layers", "8", "--epochs", "3", "--threads", "1", "--save", model.toString()));
            assertThat(t.code()).as(t.err()).isZero();
            Run q = run("compress", "--model", model.toString(), "--quantize", "int8-dynamic", "--out", dynamic.toString(), "--csv", training[2],
                    "--header", "--threads", "1");
            assertThat(q.code()).as(q.err()).isZero();
            for (Path jvk : java.util.List.of(model, dynamic)) {
                Path onnx = dir.resolve(jvk.getFileName() + ".onnx");
                Run x = run("export", "--model", jvk.toString(), "--onnx", onnx.toString());
                assertThat(x.code()).as(x.err()).isZero();
                Run fromJvk = run("evaluate", "--model", jvk.toString(), "--csv", training[2], "--header", "--json", "--threads", "1");
                Run fromOnnx = run("evaluate", "--model", onnx.toString(), "--csv", training[2], "--header", "--json", "--threads", "1");
                assertThat(fromJvk.code()).as(fromJvk.err()).isZero();
                assertThat(fromOnnx.code()).as(fromOnnx.err()).isZero();
                assertThat(fromOnnx.out()).as("%s", onnx).contains(i == 0 ? "\"class_names\":[\"down\",\"up\"]" : "\"target_names\":[\"price\"]")
                        .isEqualTo(fromJvk.out().replace(jvk.toString(), onnx.toString()));
            }
            i++;
        }
    }

    @Test
    void class_names_for_a_regression_model_are_refused() throws IOException {
        Path model = dir.resolve("r.jvk");
        Mlp.regressor(3, new int[] {4}, dev.jvk.nn.Activation.RELU, 0f, 1, dev.jvk.nn.Loss.named("mse"), 1).save(model);
        Path onnx = dir.resolve("r.onnx");
        Run r = run("export", "--model", model.toString(), "--onnx", onnx.toString(), "--class-names", "a");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--class-names is for a classifier").doesNotContain("Exception");
        assertThat(onnx).doesNotExist();
    }
}
