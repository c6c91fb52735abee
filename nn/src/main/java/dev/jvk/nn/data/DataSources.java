package dev.jvk.nn.data;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * Finds data by name (Fashion-MNIST as Debian's {@code dataset-fashion-mnist} package installs it,
 * folders of IDX files in the MNIST naming) and opens the files every reader reads
 * ({@link #openInput}: regular files, or standard input as {@code -}).
 */
public final class DataSources {
    /** Where Debian's {@code dataset-fashion-mnist} puts its four gzipped IDX files. */
    public static final Path FASHION_MNIST_DIR = Path.of("/usr/share/datasets/fashion-mnist");


    private DataSources() {}

    /**
     * An open input and what is known of its length.
     *
     * @param stream the bytes; closing it does not close standard input
     * @param length the file's length in bytes, or -1 for standard input (not known in advance)
     */
    public record Input(InputStream stream, long length) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            stream.close();
        }
    }

    /**
     * Opens {@code file} for a reader: {@code -} is standard input; anything else must be a regular
     * file (or a link to one). A FIFO would block the reader forever and a device such as
     * {@code /dev/zero} never ends, so both are refused before they are opened, as are folders.
     *
     * @throws DataException naming the file: missing, not a regular file, unreadable
     */
    public static Input openInput(Path file) {
        if (file.toString().equals("-")) {
            return new Input(new FilterInputStream(System.in) {
                @Override
                public void close() {
                    // standard input belongs to the process, not to one reader
                }
            }, -1);
        }
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (attributes.isDirectory()) {
                throw new DataException(file + ": is a folder, not a file");
            }
            if (!attributes.isRegularFile()) {
                throw new DataException(file + ": not a regular file (a FIFO, device or socket); jvk reads files, "
                        + "or standard input when the name is -");
            }
            return new Input(Files.newInputStream(file), attributes.size());
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new DataException(file + ": permission denied", e);
        } catch (IOException e) {
            throw new DataException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** A training and a test set read from one place. */
    public record TrainTest(DataSet train, DataSet test) {}

    /** The Fashion-MNIST folder: {@code -Djvk.fashionMnist=DIR} or the Debian package's, when its files are there. */
    public static Path fashionMnistDir() {
        String override = System.getProperty("jvk.fashionMnist");
        return override != null && !override.isBlank() ? Path.of(override) : FASHION_MNIST_DIR;
    }

    /** Whether the Fashion-MNIST files are installed. */
    public static boolean fashionMnistInstalled() {
        Path dir = fashionMnistDir();
        return find(dir, "train-images-idx3") != null && find(dir, "train-labels-idx1") != null
                && find(dir, "t10k-images-idx3") != null && find(dir, "t10k-labels-idx1") != null;
    }

    /**
     * Fashion-MNIST, unscaled (pixels 0..255).
     *
     * @throws DataException when it is not installed, naming the Debian package
     */
    public static TrainTest fashionMnist() {
        if (!fashionMnistInstalled()) {
            throw new DataException("Fashion-MNIST is not installed in " + fashionMnistDir()
                    + " (apt-get install dataset-fashion-mnist)");
        }
        return idxFolder(fashionMnistDir(), "fashion-mnist");
    }

    /**
     * A folder of IDX files in the MNIST naming: {@code train-images-idx3-ubyte},
     * {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte},
     * each gzipped ({@code .gz}) or not. Both sets get the same class count.
     *
     * @throws DataException when the folder or one of the files is missing or malformed
     */
    public static TrainTest idxFolder(Path dir, String name) {
        if (!Files.isDirectory(dir)) {
            throw new DataException(dir + ": not a folder (expected fashion-mnist, synthetic, or a folder of IDX files)");
        }
        Path trainImages = require(dir, "train-images-idx3");
        Path trainLabels = require(dir, "train-labels-idx1");
        Path testImages = require(dir, "t10k-images-idx3");
        Path testLabels = require(dir, "t10k-labels-idx1");
        DataSet train = IdxReader.read(trainImages, trainLabels, 1, name + " train");
        DataSet test = IdxReader.read(testImages, testLabels, 1, name + " test");
        if (train.featureCount() != test.featureCount()) {
            throw new DataException(dir + ": training images have " + train.featureCount() + " pixels, test images " + test.featureCount());
        }
        int classes = Math.max(train.classes(), test.classes());
        return new TrainTest(train.withClasses(classes), test.withClasses(classes));
    }

    private static Path require(Path dir, String stem) {
        Path file = find(dir, stem);
        if (file == null) {
            throw new DataException(dir + ": no " + stem + "-ubyte[.gz] file (MNIST naming expected)");
        }
        return file;
    }

    /** {@code train-images-idx3-ubyte} or the variant {@code train-images.idx3-ubyte}, each raw or {@code .gz}. */
    private static Path find(Path dir, String stem) {
        String dotted = stem.replace("-idx", ".idx");
        for (String name : List.of(stem + "-ubyte", stem + "-ubyte.gz", dotted + "-ubyte", dotted + "-ubyte.gz")) {
            Path candidate = dir.resolve(name);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
