package dev.jvk.nn.onnx;

import static dev.jvk.nn.onnx.TestGraph.Store.FLOAT_RAW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvk.nn.Activation;
import dev.jvk.nn.Mlp;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files written to hurt: every one is an {@link OnnxFormatException} with a clear message, read no
 * further than asked, and allocates nothing its bytes do not back.
 */
class OnnxHostileFileTest {
    @TempDir
    Path dir;

    static TestGraph small() {
        TestGraph g = new TestGraph().input("x", "n", 4).output("y");
        g.init("W", new long[] {4, 3}, new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, FLOAT_RAW);
        g.init("b", new long[] {3}, new double[] {1, 2, 3}, FLOAT_RAW);
        g.node("Gemm", "g", List.of("x", "W", "b"), "h");
        g.node("Relu", "r", List.of("h"), "y");
        return g;
    }

    Path write(byte[] bytes) throws IOException {
        return Files.write(dir.resolve("hostile.onnx"), bytes);
    }

    @Test
    void every_truncation_is_an_error() throws IOException {
        byte[] whole = small().bytes();
        assertThat(OnnxModel.importMlp(write(whole)).describe()).isEqualTo("4-3 relu");
        // protobuf cannot see a cut between two top-level fields (the outer message has no length);
        // every other cut must be an error, and a cut at a boundary must still be a model or an error
        java.util.Set<Integer> boundaries = new java.util.HashSet<>();
        ProtoReader top = ProtoReader.of(java.nio.ByteBuffer.wrap(whole), "whole");
        while (top.next()) {
            top.skip();
            boundaries.add(whole.length - top.remaining());
        }
        int errors = 0;
        for (int n = 0; n < whole.length; n++) {
            Path file = write(Arrays.copyOf(whole, n));
            if (boundaries.contains(n)) {
                continue;
            }
            assertThatThrownBy(() -> OnnxModel.read(file)).as("prefix of %d bytes", n).isInstanceOf(OnnxFormatException.class)
                    .hasMessageContaining("hostile.onnx");
            errors++;
        }
        assertThat(errors).isGreaterThan(whole.length - 6);
    }

    /** jvk's exports of a small model quantized each way: the int8 (DequantizeLinear), bf16 (Cast) and int8-dynamic matchers. */
    static List<byte[]> quantizedExports() {
        List<byte[]> files = new java.util.ArrayList<>();
        for (dev.jvk.nn.QuantizedDense.Format f : dev.jvk.nn.QuantizedDense.Format.values()) {
            Mlp mlp = Mlp.classifier(4, new int[] {3}, Activation.RELU, 2, 5);
            files.add(OnnxExport.encode(dev.jvk.nn.compress.Compression.quantize(mlp, f), java.util.Map.of(), 18));
        }
        return files;
    }

    @Test
    void flipped_bytes_give_a_model_or_an_onnx_error_and_nothing_else() throws IOException {
        List<byte[]> sources = new java.util.ArrayList<>(List.of(small().bytes()));
        sources.addAll(quantizedExports());
        SklearnGraphs sklearn = new SklearnGraphs(2);   // string and int32 class labels, ZipMap attributes, the binary Concat
        sources.add(sklearn.classifier(new SklearnGraphs.Options(3, true, true, true)).bytes());
        sources.add(sklearn.classifier(new SklearnGraphs.Options(2, true, false, true)).bytes());
        SplittableRandom random = new SplittableRandom(11);
        int errors = 0;
        for (int trial = 0; trial < 2000; trial++) {
            byte[] whole = sources.get(trial % sources.size());
            byte[] b = whole.clone();
            for (int k = 0; k < 1 + trial % 3; k++) {
                b[random.nextInt(b.length)] ^= (byte) (1 + random.nextInt(255));
            }
            Path file = write(b);
            try {
                OnnxModel.read(file);
            } catch (OnnxFormatException expected) {
                errors++;
                assertThat(expected.getMessage()).contains("hostile.onnx");
            }
        }
        assertThat(errors).isGreaterThan(200);
    }

    @Test
    void a_huge_claimed_length() throws IOException {
        // ModelProto field 7 (graph), length-delimited, claiming 2^40 bytes
        byte[] b = {0x3A, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x20, 1, 2, 3};
        assertThatThrownBy(() -> OnnxModel.read(write(b))).isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("claims 1099511627776 bytes, 3 are left");
    }

    /**
     * Lists as long as a file likes: 20,000 outputs (outputs were compared pairwise, outputs x nodes: seconds for these 300 kB,
     * hours for a few MB), 20,000 inputs, a value read by 20,000 nodes. Each is refused in a message that names a few and
     * counts them, not in a line of every name.
     */
    @Test
    void twenty_thousand_outputs_inputs_or_readers_are_refused_in_a_short_message() throws IOException {
        TestGraph outputs = new TestGraph().input("x", "N", 4);
        outputs.init("W", new long[] {4, 3}, new double[12], FLOAT_RAW);
        outputs.node("MatMul", "m", List.of("x", "W"), "y");
        for (int i = 0; i < 20_000; i++) {
            outputs.output("out" + i);
        }
        assertThatThrownBy(() -> OnnxModel.read(outputs.write(dir.resolve("outputs.onnx")))).isInstanceOf(OnnxFormatException.class)
                .hasMessageContainingAll("the graph has 20000 outputs ['out0', 'out1', ", "'out7', ... (20000 in all)]")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(600));

        TestGraph inputs = new TestGraph().output("y");   // nothing reads any of them
        inputs.init("y", new long[] {1, 3}, new double[3], FLOAT_RAW);
        for (int i = 0; i < 20_000; i++) {
            inputs.input("in" + i, "N", 4);
        }
        assertThatThrownBy(() -> OnnxModel.read(inputs.write(dir.resolve("inputs.onnx")))).isInstanceOf(OnnxFormatException.class)
                .hasMessageContainingAll("the graph has 20000 inputs ['in0', ", "'in7', ... (20000 in all)]")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(600));

        TestGraph readers = new TestGraph().input("x", "N", 4);
        readers.init("W", new long[] {4, 4}, new double[16], FLOAT_RAW);
        readers.node("MatMul", "m", List.of("x", "W"), "h");
        String sum = "h";
        for (int i = 0; i < 20_000; i++) {   // sum of Relu(h), 20,000 times: each Relu reads h
            readers.node("Relu", "r" + i, List.of("h"), "y" + i);
            readers.node("Add", "a" + i, List.of(sum, "y" + i), "sum" + i);
            sum = "sum" + i;
        }
        readers.output(sum);
        assertThatThrownBy(() -> OnnxModel.read(readers.write(dir.resolve("readers.onnx")))).isInstanceOf(OnnxFormatException.class)
                .hasMessageContainingAll("value 'h' feeds 20001 nodes (node 'r0' (Relu), ", "... (20001 in all))")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(800));
    }

    /** Weights through a chain of {@code length} Identity nodes, then a MatMul. */
    private Path identityChain(int length) throws IOException {
        TestGraph g = new TestGraph().input("x", "N", 4).output("y");
        g.init("W", new long[] {4, 3}, new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, FLOAT_RAW);
        String w = "W";
        for (int i = 0; i < length; i++) {
            g.node("Identity", "i" + i, List.of(w), "w" + i);
            w = "w" + i;
        }
        g.node("MatMul", "m", List.of("x", w), "y");
        return g.write(dir.resolve("chain" + length + ".onnx"));
    }

    /** Constants are resolved by recursion: 10,000 Identity nodes (330 kB) before the weights overflowed the stack. */
    @Test
    void a_chain_of_ten_thousand_identity_nodes_to_the_weights_is_refused_not_a_stack_overflow() throws IOException {
        assertThatThrownBy(() -> OnnxModel.read(identityChain(10_000))).isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("(Identity) is more than 64 nodes (Identity, Cast, "
                        + "DequantizeLinear) up the chain that computes a constant");
        float[] x = {1, -1, 0.5f, 2};
        assertThat(OnnxModel.importMlp(identityChain(63)).predict(x, 1))
                .containsExactly(1 - 4 + 3.5f + 20, 2 - 5 + 4 + 22, 3 - 6 + 4.5f + 24);
    }

    @Test
    void an_initializer_claiming_two_to_the_31_elements_over_16_bytes() throws IOException {
        TestGraph g = new TestGraph().input("x", "n", 65536).output("y");
        g.rawInitializers.add(new ProtoWriter().packedVarints(1, new long[] {65536, 32768}).varint(2, 1).string(8, "W")
                .bytes(9, new byte[16]));
        g.node("MatMul", "m", List.of("x", "W"), "y");
        assertThatThrownBy(() -> OnnxModel.read(g.write(dir.resolve("claim.onnx")))).isInstanceOf(OnnxFormatException.class)
                .hasMessageContainingAll("node 'm' (MatMul)", "[65536, 32768]", "2147483648 elements");

        TestGraph h = new TestGraph().input("x", "n", 64).output("y");
        h.rawInitializers.add(new ProtoWriter().packedVarints(1, new long[] {64, 1 << 20}).varint(2, 1).string(8, "W")
                .bytes(9, new byte[16]));
        h.node("MatMul", "m", List.of("x", "W"), "y");
        assertThatThrownBy(() -> OnnxModel.read(h.write(dir.resolve("claim2.onnx")))).isInstanceOf(OnnxFormatException.class)
                .hasMessageContainingAll("needs 67108864 values", "16 bytes of raw_data");
    }

    @Test
    void class_labels_claiming_two_to_the_31_strings_over_a_few_bytes() throws IOException {
        TestGraph g = new SklearnGraphs(2).classifier(new SklearnGraphs.Options(3, false, true, true));
        g.rawInitializers.clear();
        g.rawInitializers.add(new ProtoWriter().packedVarints(1, new long[] {65536, 32768}).varint(2, 8).string(8, "classes")
                .string(6, "a").string(6, "b"));
        assertThatThrownBy(() -> OnnxModel.read(g.write(dir.resolve("labels.onnx")))).isInstanceOf(OnnxFormatException.class)
                .hasMessageContainingAll("node 'ArrayFeatureExtractor' (ArrayFeatureExtractor)", "2147483648 class labels");
        g.rawInitializers.clear();
        g.rawInitializers.add(new ProtoWriter().packedVarints(1, new long[] {3}).varint(2, 8).string(8, "classes").string(6, "a"));
        assertThatThrownBy(() -> OnnxModel.read(g.write(dir.resolve("labels.onnx")))).isInstanceOf(OnnxFormatException.class)
                .hasMessageContainingAll("needs 3 values", "1 entries in its string_data");
    }

    @Test
    void a_tensor_of_a_type_jvk_does_not_read_is_refused_before_anything_is_allocated_for_it() throws IOException {
        // STRING, 100M claimed elements, no data: the type is refused, not a 400 MB float[] made first
        TestGraph g = new TestGraph().input("x", "n", 10000).output("y");
        g.rawInitializers.add(new ProtoWriter().packedVarints(1, new long[] {10000, 10000}).varint(2, 8).string(8, "W"));
        g.node("MatMul", "m", List.of("x", "W"), "y");
        assertThatThrownBy(() -> OnnxModel.read(g.write(dir.resolve("strings.onnx")))).isInstanceOf(OnnxFormatException.class)
                .hasMessageContainingAll("node 'm' (MatMul)", "data type STRING");
    }

    @Test
    void a_weight_larger_than_the_heap_is_refused_before_it_is_allocated() throws IOException {
        long floats = Math.min(Runtime.getRuntime().maxMemory() / Float.BYTES + 1024, TensorData.MAX_ELEMENTS);
        long cols = 1024;
        long rows = floats / cols;
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("big.bin").toFile(), "rw")) {
            f.setLength(rows * cols * Float.BYTES);   // sparse: the bytes exist without taking disk
        }
        TestGraph g = new TestGraph().input("x", "n", rows).output("y");
        g.rawInitializers.add(new ProtoWriter().packedVarints(1, new long[] {rows, cols}).varint(2, 1).string(8, "W")
                .message(13, new ProtoWriter().string(1, "location").string(2, "big.bin")).varint(14, 1));
        g.node("MatMul", "m", List.of("x", "W"), "y");
        assertThatThrownBy(() -> OnnxModel.read(g.write(dir.resolve("big.onnx")))).isInstanceOf(OnnxFormatException.class)
                .hasMessageContainingAll("node 'm' (MatMul)", "heap");
    }

    @Test
    void deeply_nested_subgraphs_are_skipped_and_their_operator_refused() throws IOException {
        ProtoWriter inner = new ProtoWriter().string(2, "leaf");
        for (int depth = 0; depth < 3000; depth++) {
            ProtoWriter node = new ProtoWriter().string(4, "If").string(3, "if" + depth)
                    .message(5, new ProtoWriter().string(1, "then_branch").message(6, inner).varint(20, 5));
            inner = new ProtoWriter().message(1, node);
        }
        TestGraph h = new TestGraph().input("x", "n", 4).output("y");
        h.node("If", "outer_if", List.of("x"), "y", "then_branch", inner);
        assertThatThrownBy(() -> OnnxModel.read(h.write(dir.resolve("deep.onnx")))).isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("node 'outer_if' (If)");
    }

    @Test
    void not_onnx_at_all() throws IOException {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
        assertThatThrownBy(() -> OnnxModel.read(write(png))).isInstanceOf(OnnxFormatException.class);
        assertThatThrownBy(() -> OnnxModel.read(write(new byte[0]))).isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("not an ONNX model");
        Path jvk = dir.resolve("model.jvk");
        Mlp.classifier(4, new int[] {3}, Activation.RELU, 2, 1).save(jvk);
        assertThatThrownBy(() -> OnnxModel.read(jvk)).isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("a jvk model file, not ONNX");
        assertThatThrownBy(() -> OnnxModel.read(dir)).isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("not a regular file");
    }

    @Test
    void external_data_may_not_leave_the_models_folder() throws IOException {
        Path models = Files.createDirectory(dir.resolve("models"));
        Files.write(dir.resolve("secret.bin"), new byte[96]);
        for (String location : List.of("../secret.bin", dir.resolve("secret.bin").toString(), "sub/../../secret.bin")) {
            Path model = OnnxImportTest.externalModel(models, location, 0, 96);
            assertThatThrownBy(() -> OnnxModel.read(model)).as(location).isInstanceOf(OnnxFormatException.class)
                    .hasMessageContaining("outside the model's folder");
        }
        Files.createSymbolicLink(models.resolve("link.bin"), dir.resolve("secret.bin"));
        Path linked = OnnxImportTest.externalModel(models, "link.bin", 0, 96);
        assertThatThrownBy(() -> OnnxModel.read(linked)).isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("links outside the model's folder");

        Files.write(models.resolve("short.bin"), new byte[40]);
        Path past = OnnxImportTest.externalModel(models, "short.bin", 0, 96);
        assertThatThrownBy(() -> OnnxModel.read(past)).isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("do not fit in 'short.bin' (40 bytes)");
        Path missing = OnnxImportTest.externalModel(models, "missing.bin", 0, 96);
        assertThatThrownBy(() -> OnnxModel.read(missing)).isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("not a regular file");
    }

    @Test
    void a_file_truncated_while_mapped_is_named_not_a_fault() throws IOException {
        // a model of 40 KB, so that its bytes span pages that all lie past the end once the file is cut
        TestGraph g = new TestGraph().input("x", "n", 100).output("y");
        double[] w = new double[100 * 100];
        Arrays.fill(w, 0.5);
        g.init("W", new long[] {100, 100}, w, FLOAT_RAW);
        g.node("Gemm", "g", List.of("x", "W"), "y");
        Path file = write(g.bytes());
        long size = Files.size(file);
        java.nio.ByteBuffer mapped;
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ)) {
            mapped = channel.map(java.nio.channels.FileChannel.MapMode.READ_ONLY, 0, size);
        }
        // another program cuts the file after read mapped it, before it parsed it: the next access to its pages faults
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(0);
        }
        assertThatThrownBy(() -> OnnxModel.read(mapped, file, null)).isInstanceOf(OnnxFormatException.class)
                .hasMessage(file + ": the file shrank from " + size + " to 0 bytes while jvk read it (truncated or rewritten by "
                        + "another program?); read it again once it is written whole")
                .hasCauseInstanceOf(InternalError.class);
    }
}
