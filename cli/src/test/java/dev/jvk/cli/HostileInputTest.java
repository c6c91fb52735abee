package dev.jvk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvk.kernels.Kernels;
import dev.jvk.nn.Activation;
import dev.jvk.nn.Mlp;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The probes of an attacker, each through the real command line in a child JVM whose heap is capped
 * at 256 MB: forged files that claim gigabytes, a gzip bomb, devices and FIFOs, a model too large to
 * build. Each must end with exit code 2, one line on stderr, no stack trace and nothing written; the
 * heap cap makes a broken budget rule fail as an OutOfMemoryError trace instead.
 */
class HostileInputTest {
    static final String HEAP = "-Xmx256m";

    @TempDir
    Path dir;

    record Run(int code, String out, List<String> err, List<String> files) {
        /** Exit 2, one stderr line starting "jvk COMMAND: ", no trace, nothing new in the folder. */
        Run refusedInOneLine(String command, List<String> filesBefore) {
            assertThat(code).as("exit code; stderr: %s", err).isEqualTo(2);
            assertThat(err).as("stderr").hasSize(1);
            assertThat(err.getFirst()).startsWith("jvk " + command + ": ").doesNotContain("\tat ").doesNotContain("Exception");
            assertThat(files).as("files after the run").containsExactlyInAnyOrderElementsOf(filesBefore);
            return this;
        }

        String line() {
            return err.getFirst();
        }
    }

    @Test
    void a_69_byte_model_claiming_two_billion_inputs() throws IOException {
        ByteBuffer p = ByteBuffer.allocate(45);
        p.putInt(Integer.MAX_VALUE).putInt(Integer.MAX_VALUE);
        p.putShort((short) 21).put("softmax-cross-entropy".getBytes(StandardCharsets.US_ASCII));
        p.put((byte) 0).putInt(1);
        p.put((byte) 2).putInt(Integer.MAX_VALUE).putInt(Integer.MAX_VALUE);   // one ReLU layer of that width
        Path model = dir.resolve("forged.jvk");
        Files.write(model, frame(p.array()));
        assertThat(Files.size(model)).isEqualTo(69);
        Run r = jvk("evaluate", "--model", model.toString(), "--data", "synthetic").refusedInOneLine("evaluate", files());
        assertThat(r.line()).isEqualTo("jvk evaluate: " + model + ": 2147483647 inputs need at least 8589934588 bytes of weights, 37 remain");
    }

    /**
     * An ONNX file that is nothing but a graph of {@code megabytes} MB of nodes, each with the operator {@code op} only
     * (empty: two bytes per node), and the default opset: every node is read before the graph is matched.
     */
    private Path onnxOfNodes(int megabytes, String op) throws IOException {
        byte[] opField = new byte[2 + op.length()];
        opField[0] = 4 << 3 | 2;   // NodeProto.op_type
        opField[1] = (byte) op.length();
        System.arraycopy(op.getBytes(StandardCharsets.US_ASCII), 0, opField, 2, op.length());
        byte[] node = op.isEmpty() ? new byte[0] : opField;
        int count = megabytes * 1024 * 1024 / (2 + node.length);
        ByteArrayOutputStream graph = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            graph.write(1 << 3 | 2);   // GraphProto.node
            graph.write(node.length);
            graph.write(node, 0, node.length);
        }
        return onnxOfGraph(graph);
    }

    /** An ONNX file of {@code megabytes} MB of initializers, each a name of four bytes and nothing else (8 bytes each). */
    private Path onnxOfInitializers(int megabytes) throws IOException {
        ByteArrayOutputStream graph = new ByteArrayOutputStream();
        for (int i = 0; graph.size() < megabytes * 1024 * 1024; i++) {
            graph.write(new byte[] {5 << 3 | 2, 6, 8 << 3 | 2, 4,   // GraphProto.initializer { TensorProto.name }
                    (byte) ('!' + i % 94), (byte) ('!' + i / 94 % 94), (byte) ('!' + i / 8836 % 94), (byte) ('!' + i / 830584 % 94)});
        }
        return onnxOfGraph(graph);
    }

    private Path onnxOfGraph(ByteArrayOutputStream graph) throws IOException {
        ByteArrayOutputStream model = new ByteArrayOutputStream();
        model.write(new byte[] {1 << 3, 8, 8 << 3 | 2, 4, 1 << 3 | 2, 0, 2 << 3, 13});   // ir_version 8, opset_import {"", 13}
        model.write(7 << 3 | 2);   // ModelProto.graph
        for (int len = graph.size(); ; len >>>= 7) {
            model.write(len >= 0x80 ? len & 0x7F | 0x80 : len);
            if (len < 0x80) {
                break;
            }
        }
        graph.writeTo(model);
        Path file = dir.resolve("nodes.onnx");
        Files.write(file, model.toByteArray());
        return file;
    }

    @Test
    void an_onnx_graph_of_8_mb_of_empty_nodes_is_refused_at_the_first_one() throws IOException {
        Path model = onnxOfNodes(8, "");   // 4 million nodes; once ~100 bytes of heap each
        Files.writeString(dir.resolve("x.csv"), "1,2\n");
        Run r = jvk("predict", "--model", model.toString(), "--csv", dir.resolve("x.csv").toString()).refusedInOneLine("predict", files());
        assertThat(r.line()).contains(model + ": ModelProto > GraphProto > NodeProto").endsWith("node #0 has no op_type");
    }

    @Test
    void an_onnx_graph_of_8_mb_of_initializers_is_read_within_the_heap_cap() throws IOException {
        Path model = onnxOfInitializers(8);   // a million tensors of 8 bytes; once ~250 bytes of heap each
        Files.writeString(dir.resolve("x.csv"), "1,2\n");
        Run r = jvk("predict", "--model", model.toString(), "--csv", dir.resolve("x.csv").toString()).refusedInOneLine("predict", files());
        assertThat(r.line()).isEqualTo("jvk predict: " + model + ": the graph has no output");
    }

    @Test
    void an_onnx_graph_of_16_mb_of_nodes_is_read_within_the_heap_cap() throws IOException {
        Path model = onnxOfNodes(16, "Abs");   // 2.4 million nodes of 7 bytes
        Files.writeString(dir.resolve("x.csv"), "1,2\n");
        Run r = jvk("predict", "--model", model.toString(), "--csv", dir.resolve("x.csv").toString()).refusedInOneLine("predict", files());
        assertThat(r.line()).isEqualTo("jvk predict: " + model + ": the graph has no output");
    }

    @Test
    void an_8_byte_label_file_claiming_2_billion_labels() throws IOException {
        idxFolder();
        Files.write(dir.resolve("train-labels-idx1-ubyte"), labels(Integer.MAX_VALUE, 0));
        Run r = jvk("train", "--data", dir.toString(), "--save", dir.resolve("m.jvk").toString()).refusedInOneLine("train", files());
        assertThat(r.line()).endsWith("train-labels-idx1-ubyte: truncated: header promises 2147483647 labels, file has 0");
    }

    @Test
    void a_16_byte_image_file_claiming_2_billion_pixels() throws IOException {
        idxFolder();
        Files.write(dir.resolve("train-images-idx3-ubyte"), images(Integer.MAX_VALUE - 8, 1, 1, 0));
        Run r = jvk("train", "--data", dir.toString(), "--save", dir.resolve("m.jvk").toString()).refusedInOneLine("train", files());
        assertThat(r.line()).endsWith("train-images-idx3-ubyte: truncated: header promises 2147483639 pixel values, file has 0");
    }

    @Test
    void a_2_mb_gzip_bomb_of_2_gb_is_refused_from_its_header() throws IOException {
        idxFolder();
        Files.delete(dir.resolve("train-images-idx3-ubyte"));
        Path bomb = dir.resolve("train-images-idx3-ubyte.gz");
        writeBomb(bomb, images(Integer.MAX_VALUE - 8, 1, 1, 0), 2047);
        assertThat(Files.size(bomb)).isBetween(1L << 20, 4L << 20);
        Run r = jvk("train", "--data", dir.toString(), "--save", dir.resolve("m.jvk").toString()).refusedInOneLine("train", files());
        assertThat(r.line()).contains("train-images-idx3-ubyte.gz: its header claims 2147483639 pixel values, more than 100 times")
                .contains("(a gzip bomb?)");
    }

    @Test
    void a_gzip_bomb_whose_claim_is_within_the_expansion_limit_still_ends_in_one_line_under_the_heap_cap() throws IOException {
        idxFolder();
        Files.delete(dir.resolve("train-images-idx3-ubyte"));
        Path bomb = dir.resolve("train-images-idx3-ubyte.gz");
        int mb = 200;   // 200 MB of pixels (800 MB as floats) from a file of about 200 kB: allowed by the 100x rule only with the limit raised
        writeBomb(bomb, images(mb * 1024 * 1024 / 784, 28, 28, 0), mb);
        Run r = jvk(List.of("-Djvk.data.maxExpansion=2000"), "train", "--data", dir.toString(), "--save", dir.resolve("m.jvk").toString())
                .refusedInOneLine("train", files());
        assertThat(r.line()).matches("jvk train: (.*train-images-idx3-ubyte.gz: .* needs .*, this JVM may use at most .*|out of memory .*)")
                .contains("-Xmx");
    }

    @Test
    void dev_zero_as_csv_or_model_is_refused_before_it_is_read() {
        List<String> before = files();
        assertThat(jvk("train", "--csv", "/dev/zero", "--save", dir.resolve("m.jvk").toString()).refusedInOneLine("train", before).line())
                .isEqualTo("jvk train: /dev/zero: not a regular file (a FIFO, device or socket); jvk reads files, or standard input when the name is -");
        assertThat(jvk("evaluate", "--model", "/dev/zero", "--data", "synthetic").refusedInOneLine("evaluate", before).line())
                .startsWith("jvk evaluate: /dev/zero: not a regular file");
    }

    @Test
    void a_fifo_as_csv_or_model_is_refused_instead_of_waiting_forever() throws Exception {
        Path fifo = dir.resolve("fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        List<String> before = files();
        assertThat(jvk("train", "--csv", fifo.toString()).refusedInOneLine("train", before).line()).contains("not a regular file");
        assertThat(jvk("evaluate", "--model", fifo.toString(), "--data", "synthetic").refusedInOneLine("evaluate", before).line())
                .contains("not a regular file");
    }

    @Test
    void layers_30000_30000_are_refused_before_they_are_allocated() {
        Run r = jvk("train", "--data", "synthetic", "--layers", "30000,30000", "--save", dir.resolve("m.jvk").toString())
                .refusedInOneLine("train", files());
        assertThat(r.line()).contains("-30000-30000-").contains(" needs ").contains("this JVM may use at most").contains("JAVA_OPTS=-Xmx");
    }

    @Test
    void a_gigabyte_line_of_nothing_runs_out_of_memory_in_one_line_and_debug_shows_the_trace() throws IOException {
        Path sparse = dir.resolve("sparse.csv");
        try (RandomAccessFile f = new RandomAccessFile(sparse.toFile(), "rw")) {
            f.setLength(1L << 30);   // a sparse gigabyte of NUL bytes, no newline: the reader holds it as one line
        }
        List<String> before = files();
        Run r = jvk("train", "--csv", sparse.toString(), "--save", dir.resolve("m.jvk").toString()).refusedInOneLine("train", before);
        assertThat(r.line()).startsWith("jvk train: out of memory (Java heap space): the data or model needs more than the ")
                .endsWith("this JVM may use; raise it with JAVA_OPTS=-Xmx512m ./jvk ... (java -Xmx512m), or use less data or a smaller model");

        Run debug = jvk("train", "--debug", "--csv", sparse.toString());
        assertThat(debug.code()).isEqualTo(2);
        assertThat(debug.err().getFirst()).startsWith("jvk train: out of memory");
        assertThat(debug.err()).anySatisfy(l -> assertThat(l).startsWith("java.lang.OutOfMemoryError"));
        assertThat(debug.err()).anySatisfy(l -> assertThat(l).startsWith("\tat "));
    }

    /**
     * A line of just over 2^30 characters where the heap holds its 2 GB of chars: the record's array doubled past int's range
     * (a NegativeArraySizeException, "internal error" with its trace and exit 1) instead of stopping at the largest array.
     */
    @Test
    void a_line_past_a_billion_characters_with_the_heap_to_hold_them_ends_in_one_line() throws IOException {
        Path sparse = dir.resolve("sparse.csv");
        try (RandomAccessFile f = new RandomAccessFile(sparse.toFile(), "rw")) {
            f.setLength((1L << 30) + 16);   // sparse NUL bytes, no newline: one record of 2^30 + 16 characters
        }
        List<String> before = files();
        Run r = jvk(List.of("-Xmx6g"), "train", "--csv", sparse.toString(), "--save", dir.resolve("m.jvk").toString())
                .refusedInOneLine("train", before);
        assertThat(r.line()).matches("jvk train: (.*sparse.csv line 1: a record of more than .* characters.*|out of memory .*)");
    }

    /**
     * A save that fails as it writes (the disk full, a quota, here the file size limit of {@code ulimit -f}) said only the
     * system's words, "jvk train: File too large": not which file, nor that the model was not saved.
     */
    @Test
    void a_save_that_fails_as_it_writes_names_the_file() throws IOException {
        Path csv = dir.resolve("small.csv");
        Files.writeString(csv, "0,1,2\n1,3,4\n0,1,3\n1,4,4\n");
        Path model = dir.resolve("m.jvk");
        List<String> before = files();
        // 4 kB: the model of 256 hidden units is about 4 kB of weights alone; no performance data file (it is 32 kB)
        Run r = jvk(List.of("bash", "-c", "ulimit -f 4 && exec \"$@\"", "bash"), List.of("-XX:-UsePerfData"),
                "train", "--csv", csv.toString(), "--label-column", "0", "--layers", "256", "--activation", "relu", "--epochs", "1",
                "--test-csv", csv.toString(), "--save", model.toString()).refusedInOneLine("train", before);
        assertThat(r.line()).isEqualTo("jvk train: " + model + ": not written (File too large); nothing was written");

        Files.write(model, new byte[] {1, 2, 3});
        List<String> withOld = files();
        Run again = jvk(List.of("bash", "-c", "ulimit -f 4 && exec \"$@\"", "bash"), List.of("-XX:-UsePerfData"),
                "train", "--csv", csv.toString(), "--label-column", "0", "--layers", "256", "--activation", "relu", "--epochs", "1",
                "--test-csv", csv.toString(), "--save", model.toString()).refusedInOneLine("train", withOld);
        assertThat(again.line()).isEqualTo("jvk train: " + model + ": not written (File too large); the file is as it was");
        assertThat(Files.readAllBytes(model)).containsExactly(1, 2, 3);
    }

    @Test
    void evaluate_of_a_valid_model_with_40000_classes_does_not_count_a_40000_squared_matrix() throws IOException {
        Path model = dir.resolve("wide.jvk");
        Mlp.classifier(2, new int[0], Activation.RELU, 40_000, 1).save(model);
        assertThat(Files.size(model)).isLessThan(1L << 20);
        Path csv = dir.resolve("data.csv");
        Files.writeString(csv, "3,0.5,1\n999,1,2\n");
        Run r = jvk("evaluate", "--model", model.toString(), "--csv", csv.toString(), "--label-column", "0");
        assertThat(r.code()).as("exit code; stderr: %s", r.err()).isZero();
        assertThat(r.out()).contains("2 samples").contains("no confusion matrix: the model has more than 1000 classes");
    }

    @Test
    void a_stack_overflow_is_one_line_naming_the_stack_option() {
        assertThat(Main.tooMuch(new StackOverflowError())).isEqualTo("the input nests too deeply for the thread's stack (StackOverflowError); "
                + "raise it with JAVA_OPTS=-Xss16m ./jvk ... (java -Xss16m)");
    }

    @Test
    void the_bomb_generator_makes_what_it_says() throws IOException {
        Path small = dir.resolve("small.gz");
        byte[] header = labels(3 << 20, 3 << 20);
        writeBomb(small, java.util.Arrays.copyOf(header, 8), 3);
        assertThat(Files.size(small)).isLessThan(16 << 10);
        try (InputStream in = new GZIPInputStream(Files.newInputStream(small))) {
            byte[] all = in.readAllBytes();
            assertThat(all).hasSize(8 + (3 << 20));
            assertThat(java.util.Arrays.copyOf(all, 8)).isEqualTo(java.util.Arrays.copyOf(header, 8));
            for (int i = 8; i < all.length; i++) {
                if (all[i] != 0) {
                    throw new AssertionError("byte " + i + " is " + all[i]);
                }
            }
        }
    }

    // ---------------------------------------------------------------- forged files

    /** A small valid IDX folder; a probe replaces one of its files. */
    private void idxFolder() throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte"), images(4, 2, 2, 16));
        Files.write(dir.resolve("train-labels-idx1-ubyte"), labels(4, 4));
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), images(2, 2, 2, 8));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), labels(2, 2));
    }

    private static byte[] images(int count, int rows, int cols, int pixels) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x00000803);
        out.writeInt(count);
        out.writeInt(rows);
        out.writeInt(cols);
        out.write(new byte[pixels]);
        return bytes.toByteArray();
    }

    private static byte[] labels(int count, int values) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x00000801);
        out.writeInt(count);
        for (int i = 0; i < values; i++) {
            out.writeByte(i % 2);
        }
        return bytes.toByteArray();
    }

    /** A model file around {@code payload}: magic, version 2, length, payload, CRC-32C, as docs/model-format.md says. */
    private static byte[] frame(byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(20 + payload.length + 4);
        b.put(new byte[] {(byte) 0x89, 'J', 'V', 'K', 'M', 'L', 'P', '\n'}).putInt(2).putLong(payload.length).put(payload);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, 20 + payload.length);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /**
     * A gzip file of {@code head} followed by {@code megabytes} MB of zeros, without compressing them all:
     * a megabyte of zeros deflated after a full flush (which resets the compressor) is a self-contained
     * block, so the same compressed bytes repeated decode to that megabyte again and again.
     */
    private static void writeBomb(Path file, byte[] head, int megabytes) throws IOException {
        byte[] zeros = new byte[1 << 20];
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        byte[] headBlock = flush(deflater, head);
        byte[] zeroBlock = flush(deflater, zeros);
        deflater.finish();
        ByteArrayOutputStream end = new ByteArrayOutputStream();
        byte[] buffer = new byte[1 << 10];
        while (!deflater.finished()) {
            end.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        CRC32 crc = new CRC32();
        crc.update(head);
        for (int i = 0; i < megabytes; i++) {
            crc.update(zeros);
        }
        long size = head.length + (long) megabytes * zeros.length;
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff});
            out.write(headBlock);
            for (int i = 0; i < megabytes; i++) {
                out.write(zeroBlock);
            }
            out.write(end.toByteArray());
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue()).putInt((int) size).array());
        }
    }

    /** {@code input} deflated and fully flushed; a full output buffer means more is pending (Deflater's contract). */
    private static byte[] flush(Deflater deflater, byte[] input) {
        deflater.setInput(input);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[1 << 16];
        int n;
        do {
            n = deflater.deflate(buffer, 0, buffer.length, Deflater.FULL_FLUSH);
            out.write(buffer, 0, n);
        } while (n == buffer.length);
        return out.toByteArray();
    }

    // ---------------------------------------------------------------- the child JVM

    private List<String> files() {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private Run jvk(String... args) {
        return jvk(List.of(), args);
    }

    /** Runs {@code dev.jvk.cli.Main} with {@code -Xmx256m} and {@code jvmOptions}; stderr without the JVM's incubator warning. */
    private Run jvk(List<String> jvmOptions, String... args) {
        return jvk(List.of(), jvmOptions, args);
    }

    /** {@link #jvk(List, String...)} started by {@code launcher} (a shell that sets a limit, then runs the rest). */
    private Run jvk(List<String> launcher, List<String> jvmOptions, String... args) {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of(java, HEAP, "-XX:+UseSerialGC", "-Xshare:auto", "--add-modules", "jdk.incubator.vector"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classPath(), Main.class.getName()));
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("jvk-probe", ".out");
            Path err = Files.createTempFile("jvk-probe", ".err");
            try {
                Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                boolean exited = p.waitFor(120, TimeUnit.SECONDS);
                if (!exited) {
                    p.destroyForcibly().waitFor();
                }
                assertThat(exited).as("the command ended within 2 minutes: %s", command).isTrue();
                List<String> errLines = Files.readAllLines(err, StandardCharsets.UTF_8).stream()
                        .filter(l -> !l.equals("WARNING: Using incubator modules: jdk.incubator.vector")).toList();
                return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), errLines, files());
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The classes this JVM runs the command line from: cli, nn, kernels and picocli. */
    private static String classPath() {
        List<String> entries = new ArrayList<>();
        for (Class<?> c : List.of(Main.class, Mlp.class, Kernels.class, CommandLine.class)) {
            try {
                entries.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (URISyntaxException e) {
                throw new AssertionError(e);
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
