package dev.jvk.nn.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvk.nn.Activation;
import dev.jvk.nn.ActivationLayer;
import dev.jvk.nn.Dense;
import dev.jvk.nn.Layer;
import dev.jvk.nn.Loss;
import dev.jvk.nn.Huber;
import dev.jvk.nn.Mlp;
import dev.jvk.nn.ModelMetadata;
import dev.jvk.nn.QuantizedDense;
import dev.jvk.nn.compress.Compression;
import dev.jvk.nn.data.DataSet;
import dev.jvk.nn.data.FeatureScaling;
import dev.jvk.nn.data.SyntheticData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Export, then import: bitwise the same predictions, for every activation, scaling and loss. */
class OnnxExportTest {
    @TempDir
    Path dir;

    static final int FEATURES = 12;

    static Mlp model(Activation activation, FeatureScaling.Kind kind, boolean classifier, long seed) {
        DataSet data = new SyntheticData(seed, FEATURES).sample(60, 0, "fit");
        Mlp mlp;
        if (classifier) {
            mlp = Mlp.classifier(FEATURES, new int[] {9, 7}, activation, 0.2f, 4, seed);
        } else {
            Mlp donor = Mlp.classifier(FEATURES, new int[] {9}, activation, 3, seed);
            List<Layer> layers = new ArrayList<>(donor.layers());
            mlp = new Mlp(layers, Loss.named("mse"), null, ModelMetadata.of(ModelMetadata.REGRESSION));
        }
        // non-zero biases, so that a lost bias shows
        for (Layer l : mlp.layers()) {
            if (l instanceof Dense d) {
                for (int i = 0; i < d.bias().length; i++) {
                    d.bias()[i] = 0.05f * (i - 2);
                }
            }
        }
        mlp.setScaling(FeatureScaling.fit(kind, data));
        return mlp;
    }

    static int[] bits(float[] x) {
        int[] b = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            b[i] = Float.floatToRawIntBits(x[i]);
        }
        return b;
    }

    @Test
    void every_activation_scaling_and_loss_round_trips_bitwise() throws IOException {
        float[] x = new SyntheticData(4, FEATURES).sample(300, 99, "x").features();
        int checked = 0;
        for (Activation activation : Activation.values()) {
            for (FeatureScaling.Kind kind : FeatureScaling.Kind.values()) {
                for (boolean classifier : new boolean[] {true, false}) {
                    for (int opset : new int[] {17, 20}) {
                        Mlp mlp = model(activation, kind, classifier, 3 + checked);
                        Path file = dir.resolve("m" + checked + ".onnx");
                        OnnxModel.export(mlp, file, List.of(), opset);
                        OnnxModel back = OnnxModel.read(file);
                        String what = activation + " " + kind + (classifier ? " classifier" : " mse") + " opset " + opset;
                        // batch 300 runs the GEMM path in two chunks; batch 1 the GEMV path
                        assertThat(bits(back.mlp().predict(x, 300))).as(what).isEqualTo(bits(mlp.predict(x, 300)));
                        assertThat(bits(back.mlp().predict(x, 1))).as(what).isEqualTo(bits(mlp.predict(x, 1)));
                        assertThat(back.mlp().scaling().kind()).as(what).isEqualTo(kind);
                        assertThat(back.mlp().loss().name()).as(what).isEqualTo(mlp.loss().name());
                        assertThat(back.opset()).isEqualTo(opset);
                        assertThat(back.producer()).startsWith("jvk");
                        List<Activation> activations = back.mlp().layers().stream().filter(l -> l instanceof ActivationLayer)
                                .map(l -> ((ActivationLayer) l).activation()).toList();
                        assertThat(activations).as(what).isNotEmpty().allMatch(a -> a == activation);
                        checked++;
                    }
                }
            }
        }
        assertThat(checked).isEqualTo(Activation.values().length * 3 * 2 * 2);
    }

    @Test
    void gelu_is_one_node_from_opset_20_and_the_erf_pattern_before() throws IOException {
        Mlp mlp = model(Activation.GELU, FeatureScaling.Kind.NONE, true, 5);
        String at17 = new String(OnnxExport.encode(mlp, java.util.Map.of(), 17), java.nio.charset.StandardCharsets.ISO_8859_1);
        String at20 = new String(OnnxExport.encode(mlp, java.util.Map.of(), 20), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(at17).contains("Erf").doesNotContain("Gelu");
        assertThat(at20).contains("Gelu").doesNotContain("Erf");
    }

    @Test
    void class_names_travel_in_the_metadata() throws IOException {
        Mlp mlp = model(Activation.RELU, FeatureScaling.Kind.STANDARD, true, 1);
        Path file = dir.resolve("named.onnx");
        List<String> names = List.of("T-shirt/top", "say \"hi\"", "back\\slash", "ünïcode");
        OnnxModel.export(mlp, file, names, 17);
        OnnxModel back = OnnxModel.read(file);
        assertThat(back.classNames()).isEqualTo(names);
        assertThat(back.metadata()).containsEntry("jvk.loss", "softmax-cross-entropy").containsEntry("jvk.scaling", "standard");

        OnnxModel.export(mlp, file);
        assertThat(OnnxModel.read(file).classNames()).containsExactly("0", "1", "2", "3");
    }

    @Test
    void class_names_given_twice_or_null_are_refused_and_the_file_there_stays() throws IOException {
        // a name given twice was written, and the file then refused by read() ("class names must be distinct")
        Mlp mlp = model(Activation.RELU, FeatureScaling.Kind.STANDARD, true, 1);
        Path file = dir.resolve("kept.onnx");
        OnnxModel.export(mlp, file);
        byte[] before = Files.readAllBytes(file);
        assertThatThrownBy(() -> OnnxModel.export(mlp, file, List.of("cat", "dog", "cat", "bird"), 17))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("class names must be distinct: 'cat' names classes 0 and 2");
        assertThatThrownBy(() -> OnnxModel.export(mlp, file, java.util.Arrays.asList("cat", null, "dog", "bird"), 17))
                .isInstanceOf(NullPointerException.class).hasMessage("classNames[1]");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void an_export_keeps_the_mode_it_replaces_and_writes_through_a_symbolic_link() throws IOException {
        Mlp mlp = model(Activation.RELU, FeatureScaling.Kind.NONE, true, 1);
        Path shared = dir.resolve("shared.onnx");
        Files.write(shared, new byte[] {1, 2, 3});
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rw-r--r--"));
        OnnxModel.export(mlp, shared);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(shared))).isEqualTo("rw-r--r--");
        float[] x = new float[FEATURES];
        java.util.Arrays.fill(x, 0.5f);
        assertThat(OnnxModel.importMlp(shared).predict(x, 1)).containsExactly(mlp.predict(x, 1));

        Path link = dir.resolve("latest.onnx");
        Files.createSymbolicLink(link, Path.of("shared.onnx"));   // relative, as ln -s makes them
        Mlp other = model(Activation.TANH, FeatureScaling.Kind.NONE, true, 2);
        OnnxModel.export(other, link);
        assertThat(Files.isSymbolicLink(link)).as("the link stays a link").isTrue();
        assertThat(Files.readSymbolicLink(link)).isEqualTo(Path.of("shared.onnx"));
        assertThat(OnnxModel.importMlp(shared).predict(x, 1)).as("the link's target replaced").containsExactly(other.predict(x, 1))
                .doesNotContain(mlp.predict(x, 1));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(shared))).isEqualTo("rw-r--r--");
        assertThat(dir.toFile().list()).as("no temporary file left").containsExactlyInAnyOrder("shared.onnx", "latest.onnx");
    }

    @Test
    void bad_arguments_write_nothing() {
        Mlp mlp = model(Activation.RELU, FeatureScaling.Kind.NONE, true, 1);
        Path file = dir.resolve("never.onnx");
        assertThatThrownBy(() -> OnnxModel.export(mlp, file, List.of(), 12)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("opset must be in [13, 21], got 12");
        assertThatThrownBy(() -> OnnxModel.export(mlp, file, List.of("a", "b"), 17)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 class names for a model with 4 classes");
        assertThat(file).doesNotExist();
        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void an_exported_file_is_read_by_the_tests_own_decoding_of_the_graph() throws IOException {
        // The writer checked without the reader: the nodes as bytes, field by field, the way ONNX defines them.
        Mlp mlp = model(Activation.TANH, FeatureScaling.Kind.MIN_MAX, true, 2);
        byte[] bytes = OnnxExport.encode(mlp, java.util.Map.of(), 17);
        Path file = Files.write(dir.resolve("t.onnx"), bytes);
        List<String> ops = new ArrayList<>();
        long opset = decode(bytes, ops);
        assertThat(ops).containsExactly("Sub", "Mul", "Gemm", "Tanh", "Gemm", "Tanh", "Gemm", "Softmax");
        assertThat(opset).isEqualTo(17);
        assertThat(file).exists();
    }

    /** The graph's operators in order, by the tests' own walk of the bytes; returns the default domain's opset. */
    static long decode(byte[] bytes, List<String> ops) throws IOException {
        ProtoReader model = ProtoReader.of(java.nio.ByteBuffer.wrap(bytes), "model");
        long opset = -1;
        while (model.next()) {
            if (model.field() == 7) {
                ProtoReader graph = model.nested("graph");
                while (graph.next()) {
                    if (graph.field() == 1) {
                        ProtoReader node = graph.nested("node");
                        while (node.next()) {
                            if (node.field() == 4) {
                                ops.add(node.string());
                            } else {
                                node.skip();
                            }
                        }
                    } else {
                        graph.skip();
                    }
                }
            } else if (model.field() == 8) {
                ProtoReader o = model.nested("opset");
                while (o.next()) {
                    if (o.field() == 2) {
                        opset = o.integer();
                    } else {
                        o.skip();
                    }
                }
            } else {
                model.skip();
            }
        }
        return opset;
    }

    /**
     * A quantized model exports its stored weights (int8 through DequantizeLinear with one scale per output unit, bf16
     * through Cast) and imports back as the same quantized layers: the same bytes, scales and bias, so bitwise the same
     * predictions and the same memory (a float copy would be 4x or 2x the stored weights).
     */
    @Test
    void quantized_layers_export_their_stored_weights_and_import_back_as_the_same_layers() throws IOException {
        for (QuantizedDense.Format format : List.of(QuantizedDense.Format.INT8, QuantizedDense.Format.BF16)) {
            for (boolean classifier : new boolean[] {true, false}) {
                Mlp quantized = Compression.quantize(model(Activation.GELU, FeatureScaling.Kind.STANDARD, classifier, 8), format);
                Path file = dir.resolve(format.cliName() + ".onnx");
                OnnxModel.export(quantized, file);
                Mlp back = OnnxModel.importMlp(file);

                List<QuantizedDense> got = back.layers().stream().filter(l -> l instanceof QuantizedDense).map(l -> (QuantizedDense) l).toList();
                List<QuantizedDense> stored = quantized.layers().stream().filter(l -> l instanceof QuantizedDense)
                        .map(l -> (QuantizedDense) l).toList();
                assertThat(back.layers()).noneMatch(l -> l instanceof Dense);
                assertThat(got).hasSameSizeAs(stored).isNotEmpty();
                for (int i = 0; i < got.size(); i++) {
                    String what = format + " layer " + i;
                    assertThat(got.get(i).format()).as(what).isEqualTo(format);
                    assertThat(got.get(i).int8Weights()).as(what).isEqualTo(stored.get(i).int8Weights());
                    assertThat(bits(got.get(i).scales())).as(what).isEqualTo(bits(stored.get(i).scales()));
                    assertThat(got.get(i).bf16Weights()).as(what).isEqualTo(stored.get(i).bf16Weights());
                    assertThat(bits(got.get(i).bias())).as(what).isEqualTo(bits(stored.get(i).bias()));
                }
                float[] x = new SyntheticData(3, FEATURES).sample(50, 1, "x").features();
                assertThat(bits(back.predict(x, 50))).as("%s", format).isEqualTo(bits(quantized.predict(x, 50)));
                assertThat(bits(back.predict(x, 1))).as("%s", format).isEqualTo(bits(quantized.predict(x, 1)));
            }
        }
    }

    /**
     * An int8-dynamic model exports with its input rows quantized inside the graph (ONNX Runtime runs it as jvk:
     * bench's OrtRunsJvkExportsTest) and imports back as the same int8-dynamic layers, the same bytes, scales and
     * bias, so with bitwise the same predictions at batch 1 and 300, an all-zero row included; at every opset the
     * export writes (ReduceMax's axes an attribute to opset 17, an input from 18).
     */
    @Test
    void an_int8_dynamic_model_exports_its_row_quantization_and_imports_back_as_the_same_layers() throws IOException {
        List<String> layer = List.of("Abs", "ReduceMax", "Div", "Max", "Div", "Clip", "Round", "Cast", "Gemm", "Cast", "Cast", "Mul",
                "Mul", "Cast", "Add");
        int checked = 0;
        for (Activation activation : List.of(Activation.RELU, Activation.GELU)) {
            for (boolean classifier : new boolean[] {true, false}) {
                Mlp donor = model(activation, FeatureScaling.Kind.STANDARD, classifier, 8);
                if (!classifier) {   // a regressor on standardised targets: the Mul and Add after the last layer
                    float[] mean = new float[donor.classes()];
                    float[] std = new float[donor.classes()];
                    java.util.Arrays.fill(mean, 40f);
                    java.util.Arrays.fill(std, 3.5f);
                    donor = new Mlp(donor.layers(), donor.loss(), donor.scaling(),
                            new ModelMetadata(ModelMetadata.REGRESSION, List.of(), List.of(), List.of(), -1, mean, std));
                }
                Mlp dynamic = Compression.quantize(donor, QuantizedDense.Format.INT8_DYNAMIC);
                float[] x = new SyntheticData(5, FEATURES).sample(300, 3, "x").features();
                System.arraycopy(dynamic.scaling().shift(), 0, x, 0, FEATURES);   // scales to a row of zeros
                for (int opset : new int[] {13, 17, 18, 21}) {
                    List<String> ops = new ArrayList<>();
                    decode(OnnxExport.encode(dynamic, java.util.Map.of(), opset), ops);
                    assertThat(ops.subList(2, 2 + layer.size())).as("opset %d", opset).isEqualTo(layer);
                    Path file = dir.resolve("dynamic" + checked + ".onnx");
                    OnnxModel.export(dynamic, file, List.of(), opset);
                    Mlp back = OnnxModel.importMlp(file);
                    String what = activation + (classifier ? " classifier" : " regressor") + " opset " + opset;
                    List<QuantizedDense> expected = dynamic.layers().stream().filter(l -> l instanceof QuantizedDense)
                            .map(l -> (QuantizedDense) l).toList();
                    List<QuantizedDense> got = back.layers().stream().filter(l -> l instanceof QuantizedDense)
                            .map(l -> (QuantizedDense) l).toList();
                    assertThat(got).as(what).hasSize(classifier ? 3 : 2).hasSameSizeAs(expected);
                    assertThat(back.layers()).as(what + ": dropout left out").hasSameSizeAs(dynamic.layers().stream()
                            .filter(l -> !(l instanceof dev.jvk.nn.Dropout)).toList());
                    for (int i = 0; i < got.size(); i++) {
                        assertThat(got.get(i).format()).as(what).isEqualTo(QuantizedDense.Format.INT8_DYNAMIC);
                        assertThat(got.get(i).int8Weights()).as(what).isEqualTo(expected.get(i).int8Weights());
                        assertThat(bits(got.get(i).scales())).as(what).isEqualTo(bits(expected.get(i).scales()));
                        assertThat(bits(got.get(i).bias())).as(what).isEqualTo(bits(expected.get(i).bias()));
                    }
                    assertThat(bits(back.predict(x, 300))).as(what).isEqualTo(bits(dynamic.predict(x, 300)));
                    assertThat(bits(back.predict(x, 1))).as(what).isEqualTo(bits(dynamic.predict(x, 1)));
                    assertThat(back.metadata()).as(what).isEqualTo(dynamic.metadata());
                    checked++;
                }
            }
        }
        assertThat(checked).isEqualTo(16);
    }

    /**
     * The int8-dynamic sub-graph imports only as the export writes it: another divisor than 127 or another floor
     * than the smallest float would quantize otherwise, so each is refused naming the node where the graph departs.
     */
    @Test
    void an_int8_dynamic_sub_graph_with_another_constant_is_refused_at_its_node() throws IOException {
        Mlp dynamic = Compression.quantize(model(Activation.RELU, FeatureScaling.Kind.NONE, true, 8), QuantizedDense.Format.INT8_DYNAMIC);
        byte[] bytes = OnnxExport.encode(dynamic, java.util.Map.of(), 17);
        Object[][] cases = {{"dynamic.127", 100f, "'dense1.row_scale.quotient' (Div)", "Div by 127"},
            {"dynamic.min_scale", 1e-30f, "'dense1.row_scale' (Max)", "Max with the smallest float"}};
        for (Object[] c : cases) {
            Path file = Files.write(dir.resolve("changed.onnx"), withConstant(bytes, (String) c[0], (float) c[1]));
            assertThatThrownBy(() -> OnnxModel.read(file)).as("%s", c[0]).isInstanceOf(OnnxFormatException.class)
                    .hasMessageContaining((String) c[2]).hasMessageContaining("departs from jvk's int8-dynamic layer")
                    .hasMessageContaining("expected " + c[3]);
        }
    }

    /** {@code bytes} with the 4-byte raw value of the scalar float initializer {@code name} set to {@code value}. */
    static byte[] withConstant(byte[] bytes, String name, float value) {
        byte[] key = (name + "J\u0004").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);   // name, then raw_data (field 9) of 4 bytes
        byte[] out = bytes.clone();
        int found = -1;
        for (int i = 0; i + key.length + 4 <= out.length && found < 0; i++) {
            if (java.util.Arrays.equals(out, i, i + key.length, key, 0, key.length)) {
                found = i + key.length;
            }
        }
        assertThat(found).as("initializer %s", name).isPositive();
        java.nio.ByteBuffer.wrap(out, found, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(value);
        return out;
    }

    /**
     * A model trained with {@code --missing mean} fills a missing value with the training mean before scaling: the
     * export starts with {@code Where(IsNaN(x), means, x)}, and the import takes the means back into the metadata.
     */
    @Test
    void missing_value_means_export_as_isnan_and_where_before_the_scaling_and_import_back() throws IOException {
        Mlp plain = model(Activation.RELU, FeatureScaling.Kind.STANDARD, true, 6);
        float[] means = new float[FEATURES];
        for (int j = 0; j < FEATURES; j++) {
            means[j] = 1.5f * j - 4f;
        }
        Mlp mlp = new Mlp(plain.layers(), plain.loss(), plain.scaling(), plain.metadata().withMissingValueMeans(means));
        for (int opset : new int[] {13, 17, 21}) {
            List<String> ops = new ArrayList<>();
            decode(OnnxExport.encode(mlp, java.util.Map.of(), opset), ops);
            assertThat(ops).as("opset %d", opset)
                    .containsExactly("IsNaN", "Where", "Sub", "Mul", "Gemm", "Relu", "Gemm", "Relu", "Gemm", "Softmax");
            Path file = dir.resolve("means" + opset + ".onnx");
            OnnxModel.export(mlp, file, List.of(), opset);
            Mlp back = OnnxModel.importMlp(file);
            assertThat(back.metadata().missingValueMeans()).as("opset %d", opset).containsExactly(means);
            float[] x = new SyntheticData(4, FEATURES).sample(30, 7, "x").features();
            assertThat(bits(back.predict(x, 30))).isEqualTo(bits(mlp.predict(x, 30)));
        }
        List<String> without = new ArrayList<>();
        decode(OnnxExport.encode(plain, java.util.Map.of(), 17), without);
        assertThat(without).doesNotContain("IsNaN", "Where");
        Path file = dir.resolve("plain-means.onnx");
        OnnxModel.export(plain, file);
        assertThat(OnnxModel.importMlp(file).metadata().missingValueMeans()).isEmpty();
    }

    /**
     * A regressor trained on standardised targets predicts {@code y * std + mean}: the export ends in that Mul and Add,
     * and the import maps them back onto the model's target standardisation, so predictions come back bitwise.
     */
    @Test
    void a_regressor_on_standardised_targets_exports_the_mapping_back_and_imports_it() throws IOException {
        Mlp donor = model(Activation.TANH, FeatureScaling.Kind.STANDARD, false, 4);
        int outputs = donor.classes();
        float[] mean = new float[outputs];
        float[] std = new float[outputs];
        for (int j = 0; j < outputs; j++) {
            mean[j] = 100f + 7.25f * j;
            std[j] = 12.5f + j;
        }
        Mlp mlp = new Mlp(donor.layers(), donor.loss(), donor.scaling(),
                new dev.jvk.nn.ModelMetadata(dev.jvk.nn.ModelMetadata.REGRESSION, List.of(), List.of(), List.of(), -1, mean, std));
        float[] x = new SyntheticData(4, FEATURES).sample(40, 9, "x").features();
        for (int opset : new int[] {17, 20}) {
            Path file = dir.resolve("regressor" + opset + ".onnx");
            OnnxModel.export(mlp, file, List.of(), opset);
            Mlp back = OnnxModel.importMlp(file);
            assertThat(bits(back.predict(x, 40))).isEqualTo(bits(mlp.predict(x, 40)));
            assertThat(back.metadata().isClassification()).isFalse();
            assertThat(back.metadata().targetMean()).containsExactly(mean);
            assertThat(back.metadata().targetStd()).containsExactly(std);
        }
        Mlp plain = model(Activation.TANH, FeatureScaling.Kind.NONE, false, 4);
        Path file = dir.resolve("plain.onnx");
        OnnxModel.export(plain, file);
        assertThat(OnnxModel.importMlp(file).metadata().isClassification()).as("jvk.loss mse: a regressor").isFalse();
    }

    /** A model trained with named classes (a CSV's labels) exports them without being told, and imports with them. */
    @Test
    void the_models_own_class_names_are_exported_and_come_back_in_its_metadata() throws IOException {
        Mlp donor = model(Activation.RELU, FeatureScaling.Kind.NONE, true, 6);
        List<String> names = List.of("setosa", "versicolor", "virginica", "other");
        Mlp mlp = new Mlp(donor.layers(), donor.loss(), donor.scaling(),
                new dev.jvk.nn.ModelMetadata(dev.jvk.nn.ModelMetadata.CLASSIFICATION, names, List.of(), List.of(), -1, new float[0], new float[0]));
        Path file = dir.resolve("named.onnx");
        OnnxModel.export(mlp, file);
        OnnxModel back = OnnxModel.read(file);
        assertThat(back.classNames()).isEqualTo(names);
        assertThat(back.mlp().metadata().classNames()).isEqualTo(names);
        assertThat(back.mlp().metadata().isClassification()).isTrue();
    }

    /** A Huber regressor imports back with its loss and delta (further training and evaluate's loss depend on it). */
    @Test
    void a_huber_regressor_imports_back_as_huber_and_a_loss_jvk_does_not_have_is_refused() throws IOException {
        Mlp mlp = Mlp.regressor(FEATURES, new int[] {6}, Activation.TANH, 0f, 2, Loss.named("huber"), 3);
        Path file = dir.resolve("huber.onnx");
        OnnxModel.export(mlp, file);
        OnnxModel back = OnnxModel.read(file);
        assertThat(back.mlp().loss()).isInstanceOf(Huber.class);
        assertThat(back.mlp().metadata().isClassification()).isFalse();
        assertThat(back.metadata()).containsEntry("jvk.loss", "huber").containsEntry("jvk.huber_delta", "1.0");

        for (java.util.Map<String, String> wrong : List.of(java.util.Map.of("jvk.loss", "huber", "jvk.huber_delta", "2.5"),
                java.util.Map.of("jvk.loss", "mse", "jvk.huber_delta", "1.0"), java.util.Map.of("jvk.loss", "quantile"),
                java.util.Map.of("jvk.loss", "mse", "jvk.task", "ranking"))) {
            Path bad = Files.write(dir.resolve("bad.onnx"), OnnxExport.encode(mlp, wrong, 17));
            assertThatThrownBy(() -> OnnxModel.read(bad)).as("%s", wrong).isInstanceOf(OnnxFormatException.class)
                    .hasMessageContaining(bad.toString()).hasMessageContaining(wrong.containsKey("jvk.task") ? "jvk.task is 'ranking'"
                            : wrong.containsKey("jvk.huber_delta") ? "jvk.huber_delta is '" + wrong.get("jvk.huber_delta") + "'"
                            : "jvk.loss is 'quantile'");
        }
    }

    /**
     * What a jvk model file holds beside the graph (task, class, feature and target names, label column, target
     * standardisation, missing-value means) travels in the metadata and comes back equal, so that predict and evaluate
     * find a CSV's label column and check its header from the ONNX file as from the jvk file.
     */
    @Test
    void the_models_metadata_comes_back_equal() throws IOException {
        Mlp classifier = model(Activation.RELU, FeatureScaling.Kind.STANDARD, true, 2);
        List<String> features = new ArrayList<>();
        float[] means = new float[FEATURES];
        for (int j = 0; j < FEATURES; j++) {
            features.add("f \"" + j + "\"");
            means[j] = j - 3.5f;
        }
        ModelMetadata named = new ModelMetadata(ModelMetadata.CLASSIFICATION, List.of("a", "b", "c", "d"), features, List.of("kind"), 7,
                new float[0], new float[0], means);
        Mlp regressor = model(Activation.TANH, FeatureScaling.Kind.NONE, false, 2);
        ModelMetadata target = new ModelMetadata(ModelMetadata.REGRESSION, List.of(), features,
                List.of("price", "volume", "delay"), -1, new float[] {10f, 20f, 30f}, new float[] {2f, 3f, 4f});
        Mlp mseClassifier = new Mlp(regressor.layers(), Loss.named("mse"), null);   // a classifier scored by its raw outputs
        List<Mlp> models = List.of(
                new Mlp(classifier.layers(), classifier.loss(), classifier.scaling(), named),
                new Mlp(classifier.layers(), classifier.loss(), classifier.scaling()),   // no names: "0", "1", ... in the file only
                new Mlp(regressor.layers(), regressor.loss(), regressor.scaling(), target),
                mseClassifier);
        int i = 0;
        for (Mlp mlp : models) {
            Path file = dir.resolve("meta" + i++ + ".onnx");
            OnnxModel.export(mlp, file);
            Mlp back = OnnxModel.importMlp(file);
            assertThat(back.metadata()).as("model %d", i).isEqualTo(mlp.metadata());
            assertThat(back.loss().name()).as("model %d", i).isEqualTo(mlp.loss().name());
        }
        Path bad = Files.write(dir.resolve("bad.onnx"), OnnxExport.encode(classifier, java.util.Map.of("jvk.label_column", "-3"), 17));
        assertThatThrownBy(() -> OnnxModel.read(bad)).isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("jvk.label_column is '-3'");
        Path few = Files.write(dir.resolve("few.onnx"), OnnxExport.encode(classifier, java.util.Map.of("jvk.feature_names", "[\"x\"]"), 17));
        assertThatThrownBy(() -> OnnxModel.read(few)).isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("jvk.feature_names lists 1 names, the graph has 12 inputs");
    }
}
