package dev.jvk.nn.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST: a big-endian header (two zero bytes, a
 * type byte, the number of dimensions, one int per dimension) followed by the values. Only
 * unsigned bytes (type 0x08) occur in these data sets and only they are accepted: images are
 * {@code 0x00000803} (count x rows x cols), labels {@code 0x00000801} (count).
 *
 * <p>Files may be gzipped or raw; a gzipped file is recognised by its own magic number (0x1f8b),
 * not by its name. Every header and size is checked, and the file must end exactly where the
 * header says: a short or over-long file is an error, not a silently smaller data set.
 */
public final class IdxReader {
    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {}

    /** Images as unscaled pixel values 0..255, {@code count x (rows * cols)} row-major. */
    public record Images(float[] pixels, int count, int rows, int cols) {
        /** Features per image: {@code rows * cols}. */
        public int features() {
            return rows * cols;
        }
    }

    /**
     * Reads an image file ({@code idx3-ubyte}).
     *
     * @throws DataException when the file is missing, is not an IDX image file, or its size does not match its header
     */
    public static Images readImages(Path file) {
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            if (magic != IMAGES_MAGIC) {
                throw new DataException(file + ": not an IDX image file (magic number 0x" + hex(magic) + ", expected 0x00000803)");
            }
            int count = in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            if (count < 0 || rows <= 0 || cols <= 0 || (long) count * rows * cols > Integer.MAX_VALUE - 8) {
                throw new DataException(file + ": bad IDX image dimensions " + count + " x " + rows + " x " + cols);
            }
            int n = count * rows * cols;
            byte[] bytes = readExactly(in, n, file);
            float[] pixels = new float[n];
            for (int i = 0; i < n; i++) {
                pixels[i] = bytes[i] & 0xff;
            }
            return new Images(pixels, count, rows, cols);
        } catch (IOException e) {
            throw ioError(file, e);
        }
    }

    /**
     * Reads a label file ({@code idx1-ubyte}).
     *
     * @throws DataException when the file is missing, is not an IDX label file, or its size does not match its header
     */
    public static int[] readLabels(Path file) {
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            if (magic != LABELS_MAGIC) {
                throw new DataException(file + ": not an IDX label file (magic number 0x" + hex(magic) + ", expected 0x00000801)");
            }
            int count = in.readInt();
            if (count < 0) {
                throw new DataException(file + ": bad IDX label count " + count);
            }
            byte[] bytes = readExactly(in, count, file);
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = bytes[i] & 0xff;
            }
            return labels;
        } catch (IOException e) {
            throw ioError(file, e);
        }
    }

    /**
     * Reads an image file and its label file as one data set; the counts must agree. Pixels stay
     * 0..255 (scale them with {@link FeatureScaling}). The class count is the largest label + 1
     * (at least {@code minClasses}).
     */
    public static DataSet read(Path images, Path labels, int minClasses, String name) {
        Images x = readImages(images);
        int[] y = readLabels(labels);
        if (y.length != x.count()) {
            throw new DataException(labels + ": " + y.length + " labels for " + x.count() + " images in " + images);
        }
        int classes = minClasses;
        for (int label : y) {
            classes = Math.max(classes, label + 1);
        }
        return new DataSet(x.pixels(), y, x.count(), x.features(), classes, name);
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            raw = new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
        }
        return new DataInputStream(raw);
    }

    private static byte[] readExactly(DataInputStream in, int n, Path file) throws IOException {
        byte[] bytes = new byte[n];
        int read = in.readNBytes(bytes, 0, n);
        if (read < n) {
            throw new DataException(file + ": truncated: header promises " + n + " values, file has " + read);
        }
        if (in.read() != -1) {
            throw new DataException(file + ": longer than its header says (" + n + " values, then more bytes)");
        }
        return bytes;
    }

    private static DataException ioError(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new DataException(file + ": no such file", e);
        }
        if (e instanceof EOFException) {
            return new DataException(file + ": truncated IDX header", e);
        }
        if (e instanceof ZipException) {
            return new DataException(file + ": corrupt gzip data (" + e.getMessage() + ")", e);
        }
        return new DataException(file + ": cannot read (" + e.getMessage() + ")", e);
    }

    private static String hex(int v) {
        return String.format("%08x", v);
    }
}
