package dev.jvk.nn.data;

import dev.jvk.nn.MemoryPlan;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
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
 *
 * <p>Budget: nothing is allocated from the header's sizes until they are checked against the file.
 * A raw file must hold exactly the values its header claims. A gzipped file may claim at most
 * {@value #DEFAULT_MAX_EXPANSION} times its own length (deflate's ceiling is about 1032; image and
 * label files compress 2-10x), so a small gzip bomb is refused from its header;
 * {@code -Djvk.data.maxExpansion=N} raises the limit for a genuine file. The values are then held
 * in an array that grows as they arrive, and the need of the final {@code float}s is compared with
 * the heap ({@link dev.jvk.nn.MemoryPlan}) before they are made.
 */
public final class IdxReader {
    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;
    /** The default of {@code -Djvk.data.maxExpansion}: how many bytes a gzipped IDX file may claim per byte of its own. */
    public static final int DEFAULT_MAX_EXPANSION = 100;
    private static final int CHUNK = 1 << 16;

    private IdxReader() {}

    /**
     * Images as unscaled pixel values 0..255, {@code count x (rows * cols)} row-major. The pixels are shared, not copied
     * (as a {@link DataSet}'s features, which they become): a set of images is the largest array a run holds (188 MB for
     * MNIST's training images), and a copy on the way out would hold it twice.
     */
    public record Images(float[] pixels, int count, int rows, int cols) {
        /** Features per image: {@code rows * cols}. */
        public int features() {
            return rows * cols;
        }
    }

    /**
     * Reads an image file ({@code idx3-ubyte}).
     *
     * @throws DataException when the file is missing, is not a regular file, is not an IDX image file, its size does not
     *                       match its header, or (gzipped) its header claims more than the expansion limit allows
     * @throws dev.jvk.nn.InsufficientMemoryException when the images would not fit in the heap
     */
    public static Images readImages(Path file) {
        try (Source source = Source.open(file)) {
            DataInputStream in = source.in;
            int magic = in.readInt();
            if (magic != IMAGES_MAGIC) {
                throw new DataException(file + ": not an IDX image file (magic number 0x" + hex(magic) + ", expected 0x00000803)");
            }
            int count = in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            long n = MemoryPlan.product(count, rows, cols);
            if (count < 0 || rows <= 0 || cols <= 0 || n < 0) {
                throw new DataException(file + ": bad IDX image dimensions " + count + " x " + rows + " x " + cols);
            }
            if ((long) rows * cols > Integer.MAX_VALUE - 8) {
                // an empty file passes the check above (n = 0), and its images' int size would wrap
                throw new DataException(file + ": bad IDX image dimensions " + count + " x " + rows + " x " + cols + " (images of more than "
                        + (Integer.MAX_VALUE - 8) + " pixels)");
            }
            byte[] bytes = source.readValues(n, 16, "pixel values");
            MemoryPlan.require(4 * n, file + ": " + count + " images of " + rows + " x " + cols + " pixels as floats");
            float[] pixels = new float[(int) n];
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
     * @throws DataException when the file is missing, is not a regular file, is not an IDX label file, its size does not
     *                       match its header, or (gzipped) its header claims more than the expansion limit allows
     */
    public static int[] readLabels(Path file) {
        try (Source source = Source.open(file)) {
            DataInputStream in = source.in;
            int magic = in.readInt();
            if (magic != LABELS_MAGIC) {
                throw new DataException(file + ": not an IDX label file (magic number 0x" + hex(magic) + ", expected 0x00000801)");
            }
            int count = in.readInt();
            if (count < 0) {
                throw new DataException(file + ": bad IDX label count " + count);
            }
            byte[] bytes = source.readValues(count, 8, "labels");
            MemoryPlan.require(4L * count, file + ": " + count + " labels");
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

    /** The gzip expansion limit in force: {@code -Djvk.data.maxExpansion}, else {@value #DEFAULT_MAX_EXPANSION}. */
    public static long maxExpansion() {
        String value = System.getProperty("jvk.data.maxExpansion");
        if (value == null || value.isBlank()) {
            return DEFAULT_MAX_EXPANSION;
        }
        try {
            long v = Long.parseLong(value.strip());
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below, with the value
        }
        throw new DataException("-Djvk.data.maxExpansion must be a whole number >= 1, got '" + value + "'");
    }

    /** An open IDX file: raw or gunzipped, with its length on disk (-1 for standard input). */
    private static final class Source implements AutoCloseable {
        final Path file;
        final DataSources.Input input;
        final DataInputStream in;
        final boolean gzipped;

        private Source(Path file, DataSources.Input input, DataInputStream in, boolean gzipped) {
            this.file = file;
            this.input = input;
            this.in = in;
            this.gzipped = gzipped;
        }

        static Source open(Path file) throws IOException {
            DataSources.Input input = DataSources.openInput(file);
            try {
                InputStream raw = new BufferedInputStream(input.stream(), CHUNK);
                raw.mark(2);
                int b0 = raw.read();
                int b1 = raw.read();
                raw.reset();
                boolean gzipped = b0 == 0x1f && b1 == 0x8b;
                if (gzipped) {
                    raw = new BufferedInputStream(new GZIPInputStream(raw, CHUNK), CHUNK);
                }
                return new Source(file, input, new DataInputStream(raw), gzipped);
            } catch (IOException | RuntimeException e) {
                input.close();
                throw e;
            }
        }

        /**
         * The {@code n} one-byte values after a header of {@code header} bytes, and the check that
         * nothing follows them. {@code n} is first held against the file: a raw file's length must be
         * {@code header + n}; a gzipped one may claim at most {@link #maxExpansion()} times its length.
         */
        byte[] readValues(long n, int header, String what) throws IOException {
            long length = input.length();
            if (length >= 0 && !gzipped) {
                if (length - header < n) {
                    throw new DataException(file + ": truncated: header promises " + n + " " + what + ", file has " + (length - header));
                }
                if (length - header > n) {
                    throw new DataException(file + ": longer than its header says (" + n + " " + what + ", then "
                            + (length - header - n) + " more bytes)");
                }
            } else if (length >= 0 && n > maxExpansion() * length) {
                throw new DataException(file + ": its header claims " + n + " " + what + ", more than " + maxExpansion()
                        + " times the file's " + length + " gzipped bytes (a gzip bomb?); if the file is genuine, raise the limit with "
                        + "-Djvk.data.maxExpansion=" + (n / Math.max(1, length) + 1));
            }
            if (n > Integer.MAX_VALUE - 8) {
                throw new DataException(file + ": " + n + " " + what + " are more than one Java array holds (2^31 - 9)");
            }
            // Grows with the bytes that arrive, so a short stream costs what it holds, not what it claims.
            byte[] bytes = new byte[(int) Math.min(n, CHUNK)];
            int read = 0;
            try {
                while (read < n) {
                    if (read == bytes.length) {
                        bytes = Arrays.copyOf(bytes, (int) Math.min(n, 2L * bytes.length));
                    }
                    int got = in.read(bytes, read, bytes.length - read);
                    if (got < 0) {
                        throw new DataException(file + ": truncated: header promises " + n + " " + what + ", file has " + read);
                    }
                    read += got;
                }
                if (in.read() != -1) {
                    throw new DataException(file + ": longer than its header says (" + n + " " + what + ", then more bytes)");
                }
            } catch (EOFException e) {
                // a gzip stream cut short (its last blocks or its trailer missing) ends in an EOFException, not at -1: the header
                // was read whole, so the values are what is short
                throw new DataException(file + ": truncated: header promises " + n + " " + what + ", the gzipped file breaks off after "
                        + read + " (cut short in a download or copy?)", e);
            }
            return bytes;
        }

        @Override
        public void close() throws IOException {
            in.close();
            input.close();
        }
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
