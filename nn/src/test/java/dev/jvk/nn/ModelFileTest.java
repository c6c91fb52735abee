package dev.jvk.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvk.nn.data.DataException;
import dev.jvk.nn.data.DataSet;
import dev.jvk.nn.data.FeatureScaling;
import dev.jvk.nn.data.SyntheticData;
import dev.jvk.nn.optim.Parameter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model file: bitwise round trip, and the documented error for every kind of damage. */
class ModelFileTest {
    @TempDir
    Path dir;

    static Mlp sample() {
        SyntheticData problem = new SyntheticData(5, 12);
        DataSet data = problem.sample(50, 0, "tiny");
        Mlp mlp = Mlp.classifier(12, new int[] {7, 5}, Activation.LEAKY_RELU, 0.25f, 10, 9);
        mlp.setScaling(FeatureScaling.fit(FeatureScaling.Kind.STANDARD, data));
        return mlp;
    }

    @Test
    void save_then_load_is_bitwise_the_same_model() throws IOException {
        Mlp mlp = sample();
        Path file = dir.resolve("m.jvk");
        mlp.save(file);
        Mlp loaded = Mlp.load(file);

        assertThat(loaded.describe()).isEqualTo(mlp.describe());
        assertThat(loaded.layers()).hasSameSizeAs(mlp.layers());
        for (int i = 0; i < mlp.layers().size(); i++) {
            assertThat(loaded.layers().get(i).toString()).isEqualTo(mlp.layers().get(i).toString());
        }
        List<Parameter> a = mlp.parameters();
        List<Parameter> b = loaded.parameters();
        for (int p = 0; p < a.size(); p++) {
            assertThat(bits(b.get(p).value())).isEqualTo(bits(a.get(p).value()));
        }
        assertThat(loaded.scaling().kind()).isEqualTo(FeatureScaling.Kind.STANDARD);
        assertThat(bits(loaded.scaling().shift())).isEqualTo(bits(mlp.scaling().shift()));
        assertThat(bits(loaded.scaling().scale())).isEqualTo(bits(mlp.scaling().scale()));
        assertThat(loaded.loss().name()).isEqualTo(mlp.loss().name());

        float[] x = new SyntheticData(5, 12).sample(20, 1, "x").features();
        assertThat(bits(loaded.predict(x, 20))).isEqualTo(bits(mlp.predict(x, 20)));
        // and the bytes themselves are stable: saving the loaded model writes the same file
        Path again = dir.resolve("again.jvk");
        loaded.save(again);
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(file));
    }

    /**
     * The activation codes docs/model-format.md lists, written out here rather than derived from the enum: a file
     * written before gelu-tanh existed (codes 1 to 6) reads as the same activations, gelu-tanh is 7, and a code no
     * jvk knows is refused naming it.
     */
    @Test
    void activation_codes_are_the_documented_ones_and_an_unknown_code_is_refused() throws IOException {
        Map<Activation, Integer> documented = Map.of(Activation.RELU, 1, Activation.LEAKY_RELU, 2, Activation.TANH, 3,
                Activation.SIGMOID, 4, Activation.GELU, 5, Activation.SILU, 6, Activation.GELU_TANH, 7);
        assertThat(documented.keySet()).containsExactlyInAnyOrder(Activation.values());
        for (Map.Entry<Activation, Integer> e : documented.entrySet()) {
            Mlp mlp = new Mlp(List.of(new Dense(2, 3), new ActivationLayer(e.getKey(), 3), new Dense(3, 2)), Loss.named("mse"), null);
            byte[] bytes = ModelFile.encode(mlp);
            int at = activationCode(bytes);
            assertThat(bytes[at]).as("%s", e.getKey()).isEqualTo((byte) (int) e.getValue());
            // the other way: a file with that code reads as that activation (from a parameter of 0: not leaky ReLU's slope)
            for (Map.Entry<Activation, Integer> other : e.getKey() == Activation.LEAKY_RELU ? Map.<Activation, Integer>of().entrySet()
                    : documented.entrySet()) {
                bytes[at] = (byte) (int) other.getValue();
                resign(bytes);
                Mlp read = ModelFile.decode(bytes, "m.jvk");
                assertThat(((ActivationLayer) read.layers().get(1)).activation()).isEqualTo(other.getKey());
            }
            for (int unknown : new int[] {0, 8, 255}) {
                bytes[at] = (byte) unknown;
                resign(bytes);
                assertThatThrownBy(() -> ModelFile.decode(bytes, "m.jvk"))
                        .isInstanceOf(ModelFileException.class)
                        .hasMessage("m.jvk: layer 2 has unknown activation code " + unknown);
            }
        }
    }

    /** Where the activation code of {@code [dense 2x3 of zeros, activation of 3, dense 3x2]} is: after kind 2, in 3, out 3. */
    private static int activationCode(byte[] bytes) {
        byte[] record = {2, 0, 0, 0, 3, 0, 0, 0, 3};
        int found = -1;
        for (int i = 0; i + record.length < bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + record.length, record, 0, record.length)) {
                assertThat(found).as("one activation record").isEqualTo(-1);
                found = i + record.length;
            }
        }
        assertThat(found).as("the activation record").isNotEqualTo(-1);
        return found;
    }

    @Test
    void every_truncation_is_reported_as_such() throws IOException {
        byte[] bytes = ModelFile.encode(sample());
        for (int length = 0; length < bytes.length; length++) {
            byte[] cut = java.util.Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> ModelFile.decode(cut, "m.jvk"))
                    .as("cut to %d bytes", length)
                    .isInstanceOf(ModelFileException.class)
                    .hasMessageMatching("m\\.jvk: (truncated: .*|not a jvk model file \\(wrong magic number\\))");
        }
    }

    @Test
    void every_single_bit_flip_is_detected() throws IOException {
        byte[] bytes = ModelFile.encode(sample());
        for (int i = 0; i < bytes.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] flipped = bytes.clone();
                flipped[i] ^= (byte) (1 << bit);
                assertThatThrownBy(() -> ModelFile.decode(flipped, "m.jvk"))
                        .as("byte %d bit %d", i, bit)
                        .isInstanceOf(ModelFileException.class)
                        .hasMessageMatching("m\\.jvk: (checksum mismatch: the file is corrupted|not a jvk model file .*"
                                + "|model format version .*|truncated: .*|\\d+ unexpected bytes after the end of the model"
                                + "|the header promises a payload of -?\\d+ bytes, more than a jvk model file holds \\(\\d+\\))");
            }
        }
    }

    @Test
    void a_file_whose_layers_do_not_chain_is_a_wrong_architecture() throws IOException {
        byte[] bytes = ModelFile.encode(sample());
        // payload: inputs(4) classes(4) loss(2+n) scaling kind(1) shift(4*12) scale(4*12) layer count(4), then layer 1: tag(1) in(4) out(4)
        int lossLength = ((bytes[ModelFile.HEADER + 8] & 0xff) << 8) | (bytes[ModelFile.HEADER + 9] & 0xff);
        int layer1 = ModelFile.HEADER + 8 + 2 + lossLength + 1 + 2 * 4 * 12 + 4;
        assertThat(bytes[layer1]).isEqualTo((byte) ModelFile.DENSE);
        ByteBuffer.wrap(bytes).putInt(layer1 + 1, 13);   // the first layer now claims 13 inputs; the model has 12
        resign(bytes);
        assertThatThrownBy(() -> ModelFile.decode(bytes, "m.jvk"))
                .isInstanceOf(ModelFileException.class)
                .hasMessage("m.jvk: wrong architecture: layer 1 takes 13 inputs but the model has 12");

        byte[] classes = ModelFile.encode(sample());
        ByteBuffer.wrap(classes).putInt(ModelFile.HEADER + 4, 11);   // declares 11 classes, the last layer gives 10
        resign(classes);
        assertThatThrownBy(() -> ModelFile.decode(classes, "m.jvk"))
                .isInstanceOf(ModelFileException.class)
                .hasMessage("m.jvk: wrong architecture: the last layer gives 10 outputs, the model declares 11 classes");
    }

    @Test
    void a_newer_version_and_a_foreign_file_are_named() throws IOException {
        byte[] bytes = ModelFile.encode(sample());
        ByteBuffer.wrap(bytes).putInt(8, 7);
        resign(bytes);
        assertThatThrownBy(() -> ModelFile.decode(bytes, "m.jvk")).hasMessage("m.jvk: model format version 7, this jvk reads versions 1 to 6");
        Path png = dir.resolve("picture.png");
        Files.write(png, new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0});
        assertThatThrownBy(() -> Mlp.load(png)).isInstanceOf(ModelFileException.class).hasMessage(png + ": not a jvk model file (wrong magic number)");
        Path onnx = dir.resolve("model.onnx");
        Files.write(onnx, new byte[] {0x08, 0x08, 0x12, 0x04, 't', 'o', 'r', 'c', 'h', 0, 0, 0});   // ir_version 8, producer_name "torch"
        assertThatThrownBy(() -> Mlp.load(onnx)).isInstanceOf(ModelFileException.class)
                .hasMessage(onnx + ": an ONNX model, not a jvk model file; read it with OnnxModel.importMlp");
    }

    @Test
    void a_checkpoints_state_file_or_folder_given_as_a_model_points_to_its_model_file() throws IOException {
        Path checkpoint = Files.createDirectory(dir.resolve("ckpt"));
        Path state = checkpoint.resolve(TrainingCheckpoint.STATE);
        Files.write(state, Arrays.copyOf("JVKSTATE".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 64));
        Path model = checkpoint.resolve(TrainingCheckpoint.MODEL);
        assertThatThrownBy(() -> Mlp.load(state)).isInstanceOf(ModelFileException.class)
                .hasMessage(state + ": a training checkpoint's state (train --checkpoint-dir), not a model; its model is " + model);
        assertThatThrownBy(() -> Mlp.load(checkpoint)).isInstanceOf(ModelFileException.class)
                .hasMessage(checkpoint + ": a training checkpoint folder (train --checkpoint-dir), not a model file; its model is " + model);
    }

    /**
     * A checkpoint's state that is a FIFO, a device or a folder: the FIFO's open waited forever for a writer (train --resume
     * hung after printing the model), the folder failed as "Is a directory", naming no file.
     */
    @Test
    void a_checkpoint_state_that_is_no_regular_file_is_refused_naming_it() throws Exception {
        Path checkpoint = Files.createDirectory(dir.resolve("ckpt"));
        Path state = checkpoint.resolve(TrainingCheckpoint.STATE);
        sample().save(checkpoint.resolve(TrainingCheckpoint.MODEL));
        assertThat(new ProcessBuilder("mkfifo", state.toString()).start().waitFor()).isZero();
        try {
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20), () ->
                    assertThatThrownBy(() -> TrainingCheckpoint.read(checkpoint)).isInstanceOf(ModelFileException.class)
                            .hasMessage(state + ": not a regular file (a FIFO, device or socket); jvk reads files, or standard input when the name is -"));
        } finally {
            // a reader blocked in open (before the fix) is let go by a writer's open; read and write, which Linux opens at once
            try (var release = java.nio.channels.FileChannel.open(state, java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
                // nothing to write
            } catch (IOException e) {
                // no reader left: nothing to release
            }
        }
        Files.delete(state);
        Files.createDirectory(state);
        assertThatThrownBy(() -> TrainingCheckpoint.read(checkpoint)).isInstanceOf(ModelFileException.class)
                .hasMessage(state + ": is a folder, not a file");
    }

    static ModelMetadata namedMetadata() {
        List<String> features = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            features.add("f" + i + (i == 3 ? " é, \"quoted\" 𝛼" : ""));
        }
        List<String> classes = List.of("zéro", "one", "two", "three", "four", "five", "six", "seven", "eight", "");
        return new ModelMetadata(ModelMetadata.CLASSIFICATION, classes, features, List.of("label"), 12, new float[0], new float[0]);
    }

    @Test
    void metadata_round_trips_and_an_old_version_1_file_loads_with_defaults() throws IOException {
        Mlp mlp = sample();
        mlp.setMetadata(namedMetadata());
        Mlp loaded = ModelFile.decode(ModelFile.encode(mlp), "m.jvk");
        assertThat(loaded.metadata()).isEqualTo(namedMetadata());
        assertThat(loaded.metadata().classNames().get(0)).isEqualTo("zéro");
        assertThat(loaded.metadata().featureNames().get(3)).isEqualTo("f3 é, \"quoted\" 𝛼");

        byte[] v1 = ModelFile.encode(mlp, 1);
        assertThat(ByteBuffer.wrap(v1).getInt(8)).isEqualTo(1);
        Mlp old = ModelFile.decode(v1, "old.jvk");
        assertThat(old.metadata()).isEqualTo(ModelMetadata.of(ModelMetadata.CLASSIFICATION));
        assertThat(old.metadata().labelColumn()).isEqualTo(-1);
        assertThat(old.describe()).isEqualTo(mlp.describe());
    }

    @Test
    void regression_metadata_keeps_its_target_standardisation_bitwise() throws IOException {
        List<Layer> layers = List.of(new Dense(3, 2).initialise(Init.XAVIER, 1));
        ModelMetadata meta = new ModelMetadata(ModelMetadata.REGRESSION, List.of(), List.of("a", "b", "c"), List.of("y1", "y2"), 0,
                new float[] {1.5f, -2e-30f}, new float[] {Float.MIN_VALUE, 3e38f});
        Mlp mlp = new Mlp(layers, new MeanSquaredError(), null, meta);
        Mlp loaded = ModelFile.decode(ModelFile.encode(mlp), "r.jvk");
        assertThat(loaded.metadata()).isEqualTo(meta);
        assertThat(bits(loaded.metadata().targetStd())).containsExactly(1, Float.floatToRawIntBits(3e38f));
    }

    @Test
    void metadata_that_does_not_fit_the_model_is_refused_when_attached() {
        Mlp mlp = sample();
        assertThatThrownBy(() -> mlp.setMetadata(new ModelMetadata(ModelMetadata.CLASSIFICATION, List.of("a", "b"), List.of(), List.of(), -1,
                new float[0], new float[0]))).isInstanceOf(IllegalArgumentException.class).hasMessage("2 class names for a classification model of 10 outputs");
        assertThatThrownBy(() -> mlp.setMetadata(new ModelMetadata(ModelMetadata.CLASSIFICATION, List.of(), List.of("x"), List.of(), -1,
                new float[0], new float[0]))).isInstanceOf(IllegalArgumentException.class).hasMessage("1 feature names for a model of 12 features");
        assertThatThrownBy(() -> ModelMetadata.of("clustering")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"clustering\"");
        assertThatThrownBy(() -> new ModelMetadata(ModelMetadata.REGRESSION, List.of(), List.of(), List.of(), -1,
                new float[] {0f}, new float[] {0f})).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deviation positive");
    }

    static final float[] MEANS = {0.5f, -0f, 1e-40f, 3e38f, -7.25f, 0f, 1f, 2f, 3f, 4f, 5f, Float.MIN_VALUE};

    static Mlp withMeans() {
        Mlp mlp = sample();
        mlp.setMetadata(namedMetadata().withMissingValueMeans(MEANS));
        return mlp;
    }

    @Test
    void missing_value_means_round_trip_bitwise_in_version_6_and_a_model_without_them_stays_version_2() throws IOException {
        Mlp mlp = withMeans();
        Path file = dir.resolve("means.jvk");
        mlp.save(file);
        byte[] bytes = Files.readAllBytes(file);
        assertThat(ByteBuffer.wrap(bytes).getInt(8)).isEqualTo(6);
        Mlp loaded = Mlp.load(file);
        assertThat(bits(loaded.metadata().missingValueMeans())).isEqualTo(bits(MEANS));
        assertThat(loaded.metadata()).isEqualTo(mlp.metadata());
        float[] x = new SyntheticData(5, 12).sample(20, 1, "x").features();
        assertThat(bits(loaded.predict(x, 20))).isEqualTo(bits(mlp.predict(x, 20)));
        Path again = dir.resolve("again.jvk");
        loaded.save(again);
        assertThat(Files.readAllBytes(again)).isEqualTo(bytes);

        // without means: the file is the version 2 file of the same model, byte for byte (older readers keep reading it)
        Mlp plain = sample();
        plain.setMetadata(namedMetadata());
        byte[] v2 = ModelFile.encode(plain);
        assertThat(ByteBuffer.wrap(v2).getInt(8)).isEqualTo(2);
        assertThat(ModelFile.encode(plain, 2)).isEqualTo(v2);
        // version 6 is version 5 (4 for a float model) and the means section: 4 bytes of count and 4 per feature more
        assertThat(bytes.length).isEqualTo(ModelFile.encode(mlp, 5).length + 4 + 4 * 12);
        assertThat(ModelFile.decode(v2, "m.jvk").metadata().missingValueMeans()).isEmpty();
    }

    @Test
    void files_of_every_older_version_load_without_means() throws IOException {
        Mlp mlp = withMeans();
        float[] x = new SyntheticData(5, 12).sample(20, 1, "x").features();
        for (int version = 1; version <= 5; version++) {
            Mlp old = ModelFile.decode(ModelFile.encode(mlp, version), "v" + version + ".jvk");
            assertThat(old.metadata().missingValueMeans()).as("version %d", version).isEmpty();
            assertThat(bits(old.predict(x, 20))).as("version %d", version).isEqualTo(bits(mlp.predict(x, 20)));
        }
    }

    @Test
    void a_quantized_model_keeps_its_means_in_version_6() throws IOException {
        for (QuantizedDense.Format format : QuantizedDense.Format.values()) {
            Mlp quantized = dev.jvk.nn.compress.Compression.quantize(withMeans(), format);
            byte[] bytes = ModelFile.encode(quantized);
            assertThat(ByteBuffer.wrap(bytes).getInt(8)).as("%s", format).isEqualTo(6);
            Mlp loaded = ModelFile.decode(bytes, "q.jvk");
            assertThat(bits(loaded.metadata().missingValueMeans())).as("%s", format).isEqualTo(bits(MEANS));
            float[] x = new SyntheticData(5, 12).sample(20, 1, "x").features();
            assertThat(bits(loaded.predict(x, 20))).as("%s", format).isEqualTo(bits(quantized.predict(x, 20)));
            assertThat(ModelFile.encode(loaded)).as("%s", format).isEqualTo(bytes);
        }
    }

    /** {@code file} with the last {@code cut} bytes of its payload removed, re-framed and re-signed. */
    static byte[] cutPayload(byte[] file, int cut) {
        byte[] shorter = new byte[file.length - cut];
        System.arraycopy(file, 0, shorter, 0, shorter.length - 4);
        ByteBuffer.wrap(shorter).putLong(12, shorter.length - ModelFile.HEADER - ModelFile.TRAILER);
        resign(shorter);
        return shorter;
    }

    @Test
    void a_truncated_or_damaged_means_section_fails_naming_it() throws IOException {
        byte[] good = ModelFile.encode(withMeans());
        int count = good.length - 4 - 4 * 12 - 4;
        assertThat(ByteBuffer.wrap(good).getInt(count)).isEqualTo(12);

        assertThatThrownBy(() -> ModelFile.decode(cutPayload(good, 8), "m.jvk")).isInstanceOf(ModelFileException.class)
                .hasMessage("m.jvk: missing-value means: 12 values cannot fit in the remaining 40 bytes");
        assertThatThrownBy(() -> ModelFile.decode(cutPayload(good, 4 * 12 + 2), "m.jvk")).isInstanceOf(ModelFileException.class)
                .hasMessage("m.jvk: missing-value means: the section is missing or cut short (2 bytes left, its count needs 4)");
        assertThatThrownBy(() -> ModelFile.decode(cutPayload(good, 4 * 12 + 4), "m.jvk")).isInstanceOf(ModelFileException.class)
                .hasMessage("m.jvk: missing-value means: the section is missing or cut short (0 bytes left, its count needs 4)");

        byte[] huge = good.clone();
        ByteBuffer.wrap(huge).putInt(count, Integer.MAX_VALUE);
        resign(huge);
        assertThatThrownBy(() -> ModelFile.decode(huge, "m.jvk")).isInstanceOf(ModelFileException.class)
                .hasMessage("m.jvk: missing-value means: 2147483647 values cannot fit in the remaining 48 bytes");
        byte[] negative = good.clone();
        ByteBuffer.wrap(negative).putInt(count, -1);
        resign(negative);
        assertThatThrownBy(() -> ModelFile.decode(negative, "m.jvk")).isInstanceOf(ModelFileException.class)
                .hasMessage("m.jvk: missing-value means: -1 values cannot fit in the remaining 48 bytes");
        byte[] fewer = good.clone();
        ByteBuffer.wrap(fewer).putInt(count, 11);
        resign(fewer);
        assertThatThrownBy(() -> ModelFile.decode(fewer, "m.jvk")).isInstanceOf(ModelFileException.class)
                .hasMessage("m.jvk: missing-value means: 11 values for a model of 12 features");
        byte[] nan = good.clone();
        ByteBuffer.wrap(nan).putInt(count + 4 + 4 * 3, 0x7fc0_0000);
        resign(nan);
        assertThatThrownBy(() -> ModelFile.decode(nan, "m.jvk")).isInstanceOf(ModelFileException.class)
                .hasMessage("m.jvk: missing-value means: the missing-value mean of feature 3 is NaN, must be finite");
        byte[] extra = Arrays.copyOf(good, good.length + 4);
        ByteBuffer.wrap(extra).putLong(12, extra.length - ModelFile.HEADER - ModelFile.TRAILER);
        resign(extra);
        assertThatThrownBy(() -> ModelFile.decode(extra, "m.jvk")).isInstanceOf(ModelFileException.class)
                .hasMessage("m.jvk: 4 unexpected bytes after the last layer");
    }

    @Test
    void means_that_do_not_fit_the_model_are_refused_when_attached() {
        Mlp mlp = sample();
        assertThatThrownBy(() -> mlp.setMetadata(ModelMetadata.of(ModelMetadata.CLASSIFICATION).withMissingValueMeans(new float[3])))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("3 missing-value means for a model of 12 features");
        assertThatThrownBy(() -> ModelMetadata.of(ModelMetadata.CLASSIFICATION).withMissingValueMeans(new float[] {1f, Float.POSITIVE_INFINITY}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("the missing-value mean of feature 1 is Infinity, must be finite");
    }

    @Test
    void forged_metadata_sizes_are_checked_against_the_bytes_left() throws IOException {
        Mlp mlp = sample();
        mlp.setMetadata(namedMetadata());
        byte[] good = ModelFile.encode(mlp);
        byte[] plain = ModelFile.encode(sample());
        // both files have the same layers, so the metadata starts at the same place: in the plain file it is
        // task(1) labelColumn(4) three empty name lists (3 x 4) no targets (4), then the CRC (4)
        int metadata = plain.length - 4 - (1 + 4 + 3 * 4 + 4);
        int classCount = metadata + 5;
        assertThat(ByteBuffer.wrap(good).getInt(classCount)).isEqualTo(10);
        byte[] count = good.clone();
        ByteBuffer.wrap(count).putInt(classCount, Integer.MAX_VALUE);
        resign(count);
        assertThatThrownBy(() -> ModelFile.decode(count, "m.jvk")).isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith("m.jvk: metadata: 2147483647 class names cannot fit in the remaining");
        byte[] length = good.clone();
        ByteBuffer.wrap(length).putInt(classCount + 4, 0x7fff_fff0);
        resign(length);
        assertThatThrownBy(() -> ModelFile.decode(length, "m.jvk")).isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith("m.jvk: metadata: class names 0 of 2147483632 bytes cannot fit");
        byte[] utf = good.clone();
        utf[classCount + 8] = (byte) 0xff;   // the first byte of "zéro"
        resign(utf);
        assertThatThrownBy(() -> ModelFile.decode(utf, "m.jvk")).isInstanceOf(ModelFileException.class)
                .hasMessage("m.jvk: metadata: class names 0 is not valid UTF-8");
    }

    @Test
    void a_model_refuses_data_of_another_width() {
        Mlp mlp = sample();
        DataSet wrong = new SyntheticData(5, 13).sample(10, 0, "thirteen");
        assertThatThrownBy(() -> mlp.evaluate(wrong)).isInstanceOf(DataException.class)
                .hasMessage("the model takes 12 features, thirteen has 13");
    }

    @Test
    void a_failed_save_leaves_nothing_behind() throws IOException {
        Path missing = dir.resolve("no-such-folder").resolve("m.jvk");
        assertThatThrownBy(() -> sample().save(missing)).isInstanceOf(IOException.class);
        try (var files = Files.list(dir)) {
            assertThat(files.toList()).isEmpty();
        }
    }

    @Test
    void a_save_into_a_missing_folder_names_the_folder_not_a_temporary_file() {
        Path missing = dir.resolve("no-such-folder").resolve("m.jvk");
        assertThatThrownBy(() -> sample().save(missing)).isInstanceOf(ModelFileException.class)
                .hasMessage(missing + ": the folder " + missing.getParent() + " does not exist");
        assertThatThrownBy(() -> dev.jvk.nn.onnx.OnnxModel.export(sample(), missing.resolveSibling("m.onnx")))
                .isInstanceOf(ModelFileException.class)
                .hasMessage(missing.resolveSibling("m.onnx") + ": the folder " + missing.getParent() + " does not exist");
    }

    @Test
    void a_folder_that_takes_no_new_file_is_named_with_the_target_not_the_temporary_file() {
        // /proc is a folder that exists and refuses new files even to root, as a read-only mount or folder refuses a user
        Path proc = Path.of("/proc");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(proc.resolve("self")), "Linux /proc");
        Path target = proc.resolve("jvk-model.jvk");
        assertThatThrownBy(() -> sample().save(target)).isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith(target + ": cannot write a file in " + proc + " (")
                .hasMessageNotContaining(".tmp");
    }

    /** A file of {@code payload} framed as the format says: magic, version 2, length, payload, CRC-32C. */
    static byte[] frame(byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(ModelFile.HEADER + payload.length + ModelFile.TRAILER);
        b.put(ModelFile.MAGIC).putInt(2).putLong(payload.length).put(payload).putInt(0);
        resign(b.array());
        return b.array();
    }

    @Test
    void a_69_byte_file_claiming_two_billion_inputs_is_refused_before_anything_is_allocated() throws IOException {
        // the probe: a valid checksum around inputs = 2^31-1 with a single ReLU layer of that width
        ByteBuffer p = ByteBuffer.allocate(45);
        p.putInt(Integer.MAX_VALUE).putInt(Integer.MAX_VALUE);
        p.putShort((short) 21).put("softmax-cross-entropy".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        p.put((byte) 0).putInt(1);
        p.put((byte) ModelFile.ACTIVATION).putInt(Integer.MAX_VALUE).putInt(Integer.MAX_VALUE);
        byte[] bytes = frame(p.array());
        assertThat(bytes).hasSize(69);
        Path file = dir.resolve("forged.jvk");
        Files.write(file, bytes);
        long before = usedHeap();
        assertThatThrownBy(() -> Mlp.load(file)).isInstanceOf(ModelFileException.class)
                .hasMessage(file + ": 2147483647 inputs need at least 8589934588 bytes of weights, 37 remain");
        assertThat(usedHeap() - before).as("heap grown by the refused load").isLessThan(64L << 20);
    }

    @Test
    void a_payload_length_beyond_the_file_is_refused_from_the_header() throws IOException {
        byte[] bytes = ModelFile.encode(sample());
        ByteBuffer.wrap(bytes).putLong(12, 1L << 40);
        Path file = dir.resolve("long.jvk");
        Files.write(file, bytes);
        assertThatThrownBy(() -> Mlp.load(file)).isInstanceOf(ModelFileException.class)
                .hasMessage(file + ": the header promises a payload of 1099511627776 bytes, more than a jvk model file holds (2147483615)");
        ByteBuffer.wrap(bytes).putLong(12, 1L << 30);
        Files.write(file, bytes);
        assertThatThrownBy(() -> Mlp.load(file)).isInstanceOf(ModelFileException.class)
                .hasMessage(file + ": truncated: " + bytes.length + " bytes, the header promises " + ((1L << 30) + 24));
    }

    @Test
    void devices_fifos_and_folders_are_refused_as_models() throws Exception {
        assertThatThrownBy(() -> Mlp.load(Path.of("/dev/zero"))).isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith("/dev/zero: not a regular file");
        Path fifo = dir.resolve("fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        assertThatThrownBy(() -> Mlp.load(fifo)).isInstanceOf(ModelFileException.class).hasMessageStartingWith(fifo + ": not a regular file");
        assertThatThrownBy(() -> Mlp.load(dir)).isInstanceOf(ModelFileException.class).hasMessage(dir + ": is a folder, not a file");
    }

    @Test
    void a_model_reads_from_standard_input_as_dash_and_a_short_stream_is_truncated() throws IOException {
        byte[] bytes = ModelFile.encode(sample());
        java.io.InputStream stdin = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream(bytes));
            assertThat(Mlp.load(Path.of("-")).describe()).isEqualTo(sample().describe());
            System.setIn(new java.io.ByteArrayInputStream(java.util.Arrays.copyOf(bytes, bytes.length - 1)));
            assertThatThrownBy(() -> Mlp.load(Path.of("-"))).isInstanceOf(ModelFileException.class)
                    .hasMessage("-: truncated: " + (bytes.length - 1) + " bytes, the header promises " + bytes.length);
            byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 3);
            System.setIn(new java.io.ByteArrayInputStream(longer));
            assertThatThrownBy(() -> Mlp.load(Path.of("-"))).isInstanceOf(ModelFileException.class)
                    .hasMessage("-: unexpected bytes after the end of the model (the header promises " + bytes.length + ")");
        } finally {
            System.setIn(stdin);
        }
    }

    @Test
    void a_string_from_the_file_is_quoted_without_its_control_characters() throws IOException {
        ByteBuffer p = ByteBuffer.allocate(64);
        p.putInt(1).putInt(1).putShort((short) 9).put("mse\n\u001b[2Jx".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThatThrownBy(() -> ModelFile.decode(frame(java.util.Arrays.copyOf(p.array(), p.position() + 10)), "m.jvk"))
                .isInstanceOf(ModelFileException.class)
                .hasMessage("m.jvk: unknown loss 'mse\\u000a\\u001b[2Jx' (expected softmax-cross-entropy or mse)");
        assertThat(DataException.printable("a".repeat(50))).isEqualTo("'" + "a".repeat(40) + "...'");
    }

    @Test
    void a_model_with_non_finite_weights_is_not_written() {
        Mlp mlp = sample();
        Dense second = (Dense) mlp.layers().stream().filter(l -> l instanceof Dense).skip(1).findFirst().orElseThrow();
        second.weights()[4] = Float.NaN;
        Path file = dir.resolve("nan.jvk");
        assertThatThrownBy(() -> mlp.save(file)).isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith(file + ": not written: layer 4's weights[4] = NaN");
        assertThat(file).doesNotExist();
    }

    /** A 3 -> 2 classifier of one quantized layer, built through its public factories. */
    private static Mlp quantized(QuantizedDense layer) {
        return new Mlp(List.of(layer), new SoftmaxCrossEntropy(), null);
    }

    private static short bf16(float v) {
        return (short) (Float.floatToRawIntBits(v) >>> 16);
    }

    @Test
    void a_quantized_model_with_a_non_finite_weight_scale_or_bias_is_not_written() {
        short[] weights = {bf16(1f), bf16(-2f), bf16(0.5f), bf16(3f), bf16(0.25f), bf16(-1f)};
        float[] bias = {0.5f, -0.5f};
        assertThat(quantized(QuantizedDense.bf16(3, 2, weights, bias)).nonFiniteParameter()).isNull();
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            short[] w = weights.clone();
            w[4] = bf16(bad);
            assertThat(quantized(QuantizedDense.bf16(3, 2, w, bias)).nonFiniteParameter()).isEqualTo("layer 1's bf16 weights[4] = " + bad);
        }
        float[] nanBias = {0.5f, Float.NaN};
        assertThat(quantized(QuantizedDense.bf16(3, 2, weights, nanBias)).nonFiniteParameter()).isEqualTo("layer 1's bias[1] = NaN");
        byte[] q = {1, -2, 3, 4, 5, -6};
        QuantizedDense int8 = QuantizedDense.int8(3, 2, q, new float[] {0.1f, 0.2f}, new float[] {0f, Float.POSITIVE_INFINITY});
        Path file = dir.resolve("nan-int8.jvk");
        assertThatThrownBy(() -> quantized(int8).save(file)).isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith(file + ": not written: layer 1's bias[1] = Infinity");
        assertThat(file).doesNotExist();
        QuantizedDense dynamic = QuantizedDense.int8Dynamic(3, 2, q, new float[] {0.1f, 0.2f}, new float[] {0f, 1f});
        dynamic.scales()[1] = Float.NaN;   // the scales are live
        assertThat(quantized(dynamic).nonFiniteParameter()).isEqualTo("layer 1's scales[1] = NaN");
    }

    @Test
    void a_file_with_a_non_finite_weight_and_a_valid_checksum_is_refused_naming_the_layer_and_index() throws IOException {
        Mlp mlp = sample();
        Dense second = (Dense) mlp.layers().stream().filter(l -> l instanceof Dense).skip(1).findFirst().orElseThrow();
        second.bias()[3] = Float.POSITIVE_INFINITY;
        // encode, unlike save, does not check: the bytes a hand-made file would hold, framed and checksummed
        byte[] floats = ModelFile.encode(mlp);
        Path file = dir.resolve("inf.jvk");
        Files.write(file, floats);
        assertThatThrownBy(() -> Mlp.load(file)).isInstanceOf(ModelFileException.class)
                .hasMessage(file + ": layer 4's bias[3] = Infinity: a model file holds finite weights only (jvk refuses to save any other)");

        short[] weights = {bf16(1f), bf16(-2f), bf16(0.5f), bf16(3f), bf16(Float.NaN), bf16(-1f)};
        assertThatThrownBy(() -> ModelFile.decode(ModelFile.encode(quantized(QuantizedDense.bf16(3, 2, weights, new float[2]))), "b.jvk"))
                .isInstanceOf(ModelFileException.class).hasMessageStartingWith("b.jvk: layer 1's bf16 weights[4] = NaN: ");
        byte[] q = {1, -2, 3, 4, 5, -6};
        for (QuantizedDense int8 : List.of(QuantizedDense.int8(3, 2, q, new float[] {0.1f, 0.2f}, new float[] {Float.NaN, 0f}),
                QuantizedDense.int8Dynamic(3, 2, q, new float[] {0.1f, 0.2f}, new float[] {Float.NaN, 0f}))) {
            assertThatThrownBy(() -> ModelFile.decode(ModelFile.encode(quantized(int8)), "q.jvk"))
                    .isInstanceOf(ModelFileException.class).hasMessageStartingWith("q.jvk: layer 1's bias[0] = NaN: ");
        }
        second.bias()[3] = 0.5f;
        assertThat(ModelFile.decode(ModelFile.encode(mlp), "ok.jvk").describe()).isEqualTo(mlp.describe());
    }

    @Test
    void a_non_finite_feature_scaling_is_neither_saved_nor_loaded_naming_the_field_and_index() throws IOException {
        Mlp mlp = sample();
        FeatureScaling fitted = mlp.scaling();
        float[] shift = fitted.shift();
        float[] scale = fitted.scale();
        shift[4] = Float.NaN;
        Path file = dir.resolve("s.jvk");
        mlp.setScaling(new FeatureScaling(fitted.kind(), shift, scale));
        assertThatThrownBy(() -> mlp.save(file)).isInstanceOf(ModelFileException.class)
                .hasMessage(file + ": not written: feature scaling's shift[4] = NaN (FeatureScaling.fit on finite data makes finite ones only)");
        assertThat(file).doesNotExist();
        // encode, unlike save, does not check: the bytes a hand-made file would hold, framed and checksummed
        assertThatThrownBy(() -> ModelFile.decode(ModelFile.encode(mlp), "s.jvk")).isInstanceOf(ModelFileException.class)
                .hasMessage("s.jvk: feature scaling's shift[4] = NaN: a model file holds a finite scaling only (jvk refuses to save any other)");
        assertThatThrownBy(() -> dev.jvk.nn.compress.Compression.quantize(mlp, QuantizedDense.Format.INT8))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("cannot quantize a model whose feature scaling's shift[4] = NaN: ");

        shift[4] = fitted.shift()[4];
        scale[11] = Float.NEGATIVE_INFINITY;
        mlp.setScaling(new FeatureScaling(fitted.kind(), shift, scale));
        assertThatThrownBy(() -> ModelFile.decode(ModelFile.encode(mlp), "s.jvk")).isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith("s.jvk: feature scaling's scale[11] = -Infinity: ");
        // version 4 stores a quantized model's scale alone: its check is the same
        scale[11] = fitted.scale()[11];
        Mlp quantized = dev.jvk.nn.compress.Compression.quantize(new Mlp(mlp.layers(), mlp.loss(), new FeatureScaling(fitted.kind(), shift, scale)),
                QuantizedDense.Format.INT8);
        float[] infinite = quantized.scaling().scale();
        infinite[0] = Float.POSITIVE_INFINITY;
        Mlp damaged = new Mlp(quantized.layers(), quantized.loss(), new FeatureScaling(fitted.kind(), quantized.scaling().shift(), infinite));
        assertThatThrownBy(() -> ModelFile.decode(ModelFile.encode(damaged), "q.jvk")).isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith("q.jvk: feature scaling's scale[0] = Infinity: ");

        // a scale of zero ignores its feature and a negative one flips it: both finite, both kept
        scale[2] = 0f;
        scale[3] = -scale[3];
        mlp.setScaling(new FeatureScaling(fitted.kind(), shift, scale));
        mlp.save(file);
        assertThat(bits(Mlp.load(file).scaling().scale())).isEqualTo(bits(scale));
    }

    @Test
    void a_scaling_fitted_on_a_feature_of_a_subnormal_range_is_finite() {
        float[] x = {0f, 1f, Float.MIN_VALUE, 2f, 0f, 3f};
        DataSet data = new DataSet(x, new int[] {0, 1, 0}, 3, 2, 2, "subnormal");
        FeatureScaling scaling = FeatureScaling.fit(FeatureScaling.Kind.MIN_MAX, data);
        assertThat(scaling.nonFiniteValue()).isNull();
        float[] scaled = x.clone();
        scaling.apply(scaled, 3);
        for (float v : scaled) {
            assertThat(v).isFinite();
        }
    }

    @Test
    void a_regressor_file_with_a_nan_target_deviation_and_a_valid_checksum_is_refused_naming_the_target() throws IOException {
        List<Layer> layers = List.of(new Dense(3, 2).initialise(Init.XAVIER, 1));
        ModelMetadata meta = new ModelMetadata(ModelMetadata.REGRESSION, List.of(), List.of("a", "b", "c"), List.of("y1", "y2"), 0,
                new float[] {1.5f, -2f}, new float[] {0.5f, 4f});
        byte[] bytes = ModelFile.encode(new Mlp(layers, new MeanSquaredError(), null, meta));
        // version 2 ends with the target means, then the deviations, then the checksum
        int std1 = bytes.length - 8;
        assertThat(ByteBuffer.wrap(bytes).getFloat(std1)).isEqualTo(4f);
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, 0f, -4f}) {
            ByteBuffer.wrap(bytes).putFloat(std1, bad);
            resign(bytes);
            assertThatThrownBy(() -> ModelFile.decode(bytes, "r.jvk")).isInstanceOf(ModelFileException.class)
                    .hasMessage("r.jvk: metadata: target 1 has mean -2.0 and standard deviation " + bad
                            + "; the mean must be finite and the deviation positive and finite");
        }
    }

    @Test
    void saving_keeps_the_mode_of_the_file_it_replaces_and_gives_a_new_file_the_umask_mode() throws IOException {
        Path plain = dir.resolve("plain");
        Files.createFile(plain);   // the mode any new file gets here: 0666 less the umask
        Set<PosixFilePermission> umaskMode = Files.getPosixFilePermissions(plain);
        Path fresh = dir.resolve("new.jvk");
        sample().save(fresh);
        assertThat(Files.getPosixFilePermissions(fresh)).isEqualTo(umaskMode);

        Path existing = dir.resolve("old.jvk");
        Files.write(existing, new byte[] {1});
        Set<PosixFilePermission> odd = PosixFilePermissions.fromString("rw-r-----");
        Files.setPosixFilePermissions(existing, odd);
        sample().save(existing);
        assertThat(Files.getPosixFilePermissions(existing)).isEqualTo(odd);
        assertThat(Mlp.load(existing).describe()).isEqualTo(sample().describe());
        assertThat(temporaries()).isEmpty();
    }

    @Test
    void saving_through_a_symbolic_link_replaces_its_target_and_keeps_the_link() throws IOException {
        Path real = dir.resolve("real.jvk");
        Files.write(real, new byte[] {1});
        Path link = dir.resolve("link.jvk");
        Files.createSymbolicLink(link, Path.of("real.jvk"));   // relative, as ln -s makes them
        sample().save(link);
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Mlp.load(real).describe()).isEqualTo(sample().describe());
        Path dangling = dir.resolve("dangling.jvk");
        Files.createSymbolicLink(dangling, dir.resolve("later.jvk"));
        sample().save(dangling);
        assertThat(Files.isSymbolicLink(dangling)).isTrue();
        assertThat(dir.resolve("later.jvk")).isRegularFile();
    }

    @Test
    void a_target_that_is_not_a_regular_file_is_refused_and_left_alone() throws Exception {
        Path fifo = dir.resolve("fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        assertThatThrownBy(() -> sample().save(fifo)).isInstanceOf(ModelFileException.class)
                .hasMessage(fifo + ": not a regular file (a folder, device or FIFO); refusing to replace it with a model");
        assertThat(Files.readAttributes(fifo, java.nio.file.attribute.BasicFileAttributes.class).isOther()).as("still a FIFO").isTrue();
        Path folder = Files.createDirectory(dir.resolve("folder.jvk"));
        assertThatThrownBy(() -> sample().save(folder)).isInstanceOf(ModelFileException.class);
        assertThat(folder).isDirectory();
        Path linkToDevice = dir.resolve("null.jvk");
        Files.createSymbolicLink(linkToDevice, Path.of("/dev/null"));
        assertThatThrownBy(() -> sample().save(linkToDevice)).isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith(linkToDevice + ": not a regular file");
        assertThat(temporaries()).isEmpty();
    }

    @Test
    void temporaries_of_a_killed_save_are_cleaned_up_and_a_running_ones_are_left() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path stale = Files.createFile(dir.resolve(".m.jvk." + gone.pid() + ".1.tmp"));
        Path running = Files.createFile(dir.resolve(".m.jvk." + ProcessHandle.current().pid() + ".999999.tmp"));
        Path other = Files.createFile(dir.resolve(".other.jvk." + gone.pid() + ".1.tmp"));
        sample().save(dir.resolve("m.jvk"));
        assertThat(stale).doesNotExist();
        assertThat(running).exists();
        assertThat(other).exists();
    }

    private List<Path> temporaries() throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    /** Recomputes the trailing checksum after a deliberate edit, so the edit itself is what the reader meets. */
    static void resign(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) crc.getValue());
    }

    static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }
}
