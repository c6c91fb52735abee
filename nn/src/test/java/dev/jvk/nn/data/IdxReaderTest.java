package dev.jvk.nn.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX files the tests write: raw and gzipped, well-formed and damaged. */
class IdxReaderTest {
    @TempDir
    Path dir;

    static byte[] images(int magic, int count, int rows, int cols, int pixels) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        out.writeInt(count);
        out.writeInt(rows);
        out.writeInt(cols);
        for (int i = 0; i < pixels; i++) {
            out.writeByte(i * 37 % 256);
        }
        return bytes.toByteArray();
    }

    static byte[] labels(int count, int values, int classes) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(IdxReader.LABELS_MAGIC);
        out.writeInt(count);
        for (int i = 0; i < values; i++) {
            out.writeByte(i % classes);
        }
        return bytes.toByteArray();
    }

    Path write(String name, byte[] content, boolean gzip) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            out.write(content);
        }
        return file;
    }

    @Test
    void raw_and_gzipped_files_read_the_same() throws IOException {
        byte[] content = images(IdxReader.IMAGES_MAGIC, 3, 2, 4, 24);
        IdxReader.Images raw = IdxReader.readImages(write("raw", content, false));
        IdxReader.Images gz = IdxReader.readImages(write("gz", content, true));
        assertThat(raw.count()).isEqualTo(3);
        assertThat(raw.features()).isEqualTo(8);
        assertThat(raw.pixels()).containsExactly(gz.pixels());
        assertThat(raw.pixels()[1]).isEqualTo(37f);
        assertThat(raw.pixels()[7]).isEqualTo(7 * 37 % 256);   // unsigned: 3 (259 mod 256), never negative
    }

    @Test
    void images_and_labels_make_a_data_set() throws IOException {
        Path x = write("x", images(IdxReader.IMAGES_MAGIC, 5, 2, 2, 20), true);
        Path y = write("y", labels(5, 5, 3), false);
        DataSet data = IdxReader.read(x, y, 1, "tiny");
        assertThat(data.rows()).isEqualTo(5);
        assertThat(data.featureCount()).isEqualTo(4);
        assertThat(data.classes()).isEqualTo(3);
        assertThat(data.labels()).containsExactly(0, 1, 2, 0, 1);
    }

    @Test
    void a_wrong_magic_number_is_named() throws IOException {
        Path labelsAsImages = write("l", labels(4, 4, 2), false);
        assertThatThrownBy(() -> IdxReader.readImages(labelsAsImages)).isInstanceOf(DataException.class)
                .hasMessage(labelsAsImages + ": not an IDX image file (magic number 0x00000801, expected 0x00000803)");
        Path imagesAsLabels = write("i", images(IdxReader.IMAGES_MAGIC, 1, 1, 1, 1), false);
        assertThatThrownBy(() -> IdxReader.readLabels(imagesAsLabels)).isInstanceOf(DataException.class)
                .hasMessageContaining("not an IDX label file (magic number 0x00000803, expected 0x00000801)");
    }

    @Test
    void short_long_and_empty_files_are_errors() throws IOException {
        Path truncated = write("t", images(IdxReader.IMAGES_MAGIC, 3, 2, 2, 11), true);
        assertThatThrownBy(() -> IdxReader.readImages(truncated)).isInstanceOf(DataException.class)
                .hasMessage(truncated + ": truncated: header promises 12 pixel values, file has 11");
        Path tooLong = write("l", labels(2, 3, 2), false);
        assertThatThrownBy(() -> IdxReader.readLabels(tooLong)).isInstanceOf(DataException.class)
                .hasMessageContaining("longer than its header says");
        Path empty = write("e", new byte[0], false);
        assertThatThrownBy(() -> IdxReader.readImages(empty)).isInstanceOf(DataException.class)
                .hasMessage(empty + ": truncated IDX header");
        Path badDims = write("d", images(IdxReader.IMAGES_MAGIC, 1, 0, 5, 0), false);
        assertThatThrownBy(() -> IdxReader.readImages(badDims)).isInstanceOf(DataException.class)
                .hasMessageContaining("bad IDX image dimensions 1 x 0 x 5");
        Path huge = write("h", images(IdxReader.IMAGES_MAGIC, 1 << 20, 1 << 10, 1 << 10, 0), false);
        assertThatThrownBy(() -> IdxReader.readImages(huge)).isInstanceOf(DataException.class)
                .hasMessage(huge + ": truncated: header promises 1099511627776 pixel values, file has 0");
    }

    @Test
    void a_raw_header_claiming_billions_is_held_against_the_file_length_before_anything_is_allocated() throws IOException {
        // the probes: an 8-byte label file claiming 2^31-1 labels, a 16-byte image file claiming 2^31-9 pixels
        Path labels = write("labels", labels(Integer.MAX_VALUE, 0, 1), false);
        assertThat(Files.size(labels)).isEqualTo(8);
        assertThatThrownBy(() -> IdxReader.readLabels(labels)).isInstanceOf(DataException.class)
                .hasMessage(labels + ": truncated: header promises 2147483647 labels, file has 0");
        Path images = write("images", images(IdxReader.IMAGES_MAGIC, Integer.MAX_VALUE - 8, 1, 1, 0), false);
        assertThat(Files.size(images)).isEqualTo(16);
        assertThatThrownBy(() -> IdxReader.readImages(images)).isInstanceOf(DataException.class)
                .hasMessage(images + ": truncated: header promises 2147483639 pixel values, file has 0");
        Path overflow = write("overflow", images(IdxReader.IMAGES_MAGIC, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, 0), false);
        assertThatThrownBy(() -> IdxReader.readImages(overflow)).isInstanceOf(DataException.class)
                .hasMessage(overflow + ": bad IDX image dimensions 2147483647 x 2147483647 x 2147483647");
    }

    @Test
    void an_empty_image_file_whose_image_size_overflows_int_is_refused_naming_the_file() throws IOException {
        // no pixel values at all, but rows x cols past int's range: it was read, and its features() wrapped to -2147479015,
        // which the data set refused as "bad data set shape" naming no file (or, 65536 x 65536, wrapped to 0)
        for (int side : new int[] {46341, 65536}) {
            Path empty = write("empty" + side, images(IdxReader.IMAGES_MAGIC, 0, side, side, 0), false);
            assertThatThrownBy(() -> IdxReader.readImages(empty)).isInstanceOf(DataException.class)
                    .hasMessage(empty + ": bad IDX image dimensions 0 x " + side + " x " + side + " (images of more than 2147483639 pixels)");
        }
    }

    @Test
    void a_gzipped_claim_beyond_the_stated_expansion_is_refused_from_the_header() throws IOException {
        Path bomb = write("bomb.gz", labels(1_000_000, 0, 1), true);
        long length = Files.size(bomb);
        assertThat(1_000_000L).isGreaterThan(IdxReader.DEFAULT_MAX_EXPANSION * length);
        assertThatThrownBy(() -> IdxReader.readLabels(bomb)).isInstanceOf(DataException.class)
                .hasMessage(bomb + ": its header claims 1000000 labels, more than 100 times the file's " + length
                        + " gzipped bytes (a gzip bomb?); if the file is genuine, raise the limit with -Djvk.data.maxExpansion="
                        + (1_000_000 / length + 1));
        // a claim within the limit whose data stops early costs what arrived, and is reported as truncated
        Path shortGz = write("short.gz", labels(2000, 1000, 3), true);
        assertThatThrownBy(() -> IdxReader.readLabels(shortGz)).isInstanceOf(DataException.class)
                .hasMessage(shortGz + ": truncated: header promises 2000 labels, file has 1000");
    }

    @Test
    void the_expansion_limit_is_configurable_and_checked() throws IOException {
        Path zeros = write("zeros.gz", labels(100_000, 100_000, 1), true);
        assertThat(100_000L).isGreaterThan(IdxReader.DEFAULT_MAX_EXPANSION * Files.size(zeros));
        assertThatThrownBy(() -> IdxReader.readLabels(zeros)).isInstanceOf(DataException.class).hasMessageContaining("gzip bomb?");
        String before = System.getProperty("jvk.data.maxExpansion");
        try {
            System.setProperty("jvk.data.maxExpansion", "100000");
            assertThat(IdxReader.readLabels(zeros)).hasSize(100_000).containsOnly(0);
            System.setProperty("jvk.data.maxExpansion", "0");
            assertThatThrownBy(() -> IdxReader.readLabels(zeros)).isInstanceOf(DataException.class)
                    .hasMessage("-Djvk.data.maxExpansion must be a whole number >= 1, got '0'");
        } finally {
            if (before == null) {
                System.clearProperty("jvk.data.maxExpansion");
            } else {
                System.setProperty("jvk.data.maxExpansion", before);
            }
        }
    }

    @Test
    void special_files_are_refused_before_they_are_opened() throws Exception {
        Path fifo = dir.resolve("fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(mkfifo.waitFor()).isZero();
        // opening a FIFO with no writer would block forever: the refusal must come before the open
        assertThatThrownBy(() -> IdxReader.readImages(fifo)).isInstanceOf(DataException.class)
                .hasMessage(fifo + ": not a regular file (a FIFO, device or socket); jvk reads files, or standard input when the name is -");
        Path zero = Path.of("/dev/zero");
        assertThatThrownBy(() -> IdxReader.readLabels(zero)).isInstanceOf(DataException.class)
                .hasMessageStartingWith("/dev/zero: not a regular file");
        assertThatThrownBy(() -> IdxReader.readLabels(dir)).isInstanceOf(DataException.class).hasMessage(dir + ": is a folder, not a file");
        Path link = dir.resolve("link");
        Files.createSymbolicLink(link, write("real", labels(2, 2, 2), false));
        assertThat(IdxReader.readLabels(link)).containsExactly(0, 1);
    }

    @Test
    void corrupt_gzip_and_missing_files_are_errors() throws IOException {
        byte[] gz = Files.readAllBytes(write("g", images(IdxReader.IMAGES_MAGIC, 4, 4, 4, 64), true));
        gz[gz.length / 2] ^= 0x55;
        gz[gz.length - 3] ^= 0x55;   // and the stored CRC/length
        Path corrupt = dir.resolve("corrupt.gz");
        Files.write(corrupt, gz);
        assertThatThrownBy(() -> IdxReader.readImages(corrupt)).isInstanceOf(DataException.class)
                .hasMessageStartingWith(corrupt.toString() + ":");
        Path missing = dir.resolve("missing");
        assertThatThrownBy(() -> IdxReader.readImages(missing)).isInstanceOf(DataException.class).hasMessage(missing + ": no such file");
    }

    @Test
    void a_gzipped_file_cut_short_in_its_values_is_named_truncated_not_a_bad_header() throws IOException {
        byte[] content = images(IdxReader.IMAGES_MAGIC, 100, 28, 28, 0);
        byte[] noise = new byte[100 * 28 * 28];
        new java.util.Random(5).nextBytes(noise);   // incompressible: half the gzip stream holds about half the pixels
        byte[] whole = java.util.Arrays.copyOf(content, content.length + noise.length);
        System.arraycopy(noise, 0, whole, content.length, noise.length);
        byte[] gz = Files.readAllBytes(write("whole.gz", whole, true));
        Path cut = dir.resolve("cut.gz");
        Files.write(cut, java.util.Arrays.copyOf(gz, gz.length / 2));
        assertThatThrownBy(() -> IdxReader.readImages(cut)).isInstanceOf(DataException.class)
                .hasMessageStartingWith(cut + ": truncated: header promises 78400 pixel values, the gzipped file breaks off after ")
                .hasMessageEndingWith(" (cut short in a download or copy?)");
        byte[] labelBytes = labels(5000, 0, 10);
        byte[] randomLabels = java.util.Arrays.copyOf(labelBytes, labelBytes.length + 5000);
        java.util.Random random = new java.util.Random(6);
        for (int i = labelBytes.length; i < randomLabels.length; i++) {
            randomLabels[i] = (byte) random.nextInt(10);
        }
        byte[] labelsGz = Files.readAllBytes(write("labels.gz", randomLabels, true));
        Path cutLabels = dir.resolve("cut-labels.gz");
        Files.write(cutLabels, java.util.Arrays.copyOf(labelsGz, labelsGz.length - 12));   // the stored CRC and length, and the last block's end
        assertThatThrownBy(() -> IdxReader.readLabels(cutLabels)).isInstanceOf(DataException.class)
                .hasMessageStartingWith(cutLabels + ": truncated: header promises 5000 labels, the gzipped file breaks off after ");
    }

    @Test
    void counts_of_images_and_labels_must_agree() throws IOException {
        Path x = write("x", images(IdxReader.IMAGES_MAGIC, 3, 1, 1, 3), false);
        Path y = write("y", labels(4, 4, 2), false);
        assertThatThrownBy(() -> IdxReader.read(x, y, 1, "n")).isInstanceOf(DataException.class)
                .hasMessage(y + ": 4 labels for 3 images in " + x);
    }

    @Test
    void a_folder_in_mnist_naming_is_found_gzipped_or_not() throws IOException {
        write("train-images-idx3-ubyte.gz", images(IdxReader.IMAGES_MAGIC, 6, 2, 2, 24), true);
        write("train-labels-idx1-ubyte", labels(6, 6, 4), false);
        write("t10k-images-idx3-ubyte", images(IdxReader.IMAGES_MAGIC, 2, 2, 2, 8), false);
        write("t10k-labels-idx1-ubyte.gz", labels(2, 2, 2), true);
        DataSources.TrainTest sets = DataSources.idxFolder(dir, "mine");
        assertThat(sets.train().rows()).isEqualTo(6);
        assertThat(sets.test().rows()).isEqualTo(2);
        assertThat(sets.test().classes()).isEqualTo(4);   // both sets get the larger class count
        Files.delete(dir.resolve("t10k-labels-idx1-ubyte.gz"));
        assertThatThrownBy(() -> DataSources.idxFolder(dir, "mine")).isInstanceOf(DataException.class)
                .hasMessage(dir + ": no t10k-labels-idx1-ubyte[.gz] file (MNIST naming expected)");
    }
}
