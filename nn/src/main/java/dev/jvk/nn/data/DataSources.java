package dev.jvk.nn.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds data by name: Fashion-MNIST as Debian's {@code dataset-fashion-mnist} package installs it,
 * and folders of IDX files in the MNIST naming.
 */
public final class DataSources {
    /** Where Debian's {@code dataset-fashion-mnist} puts its four gzipped IDX files. */
    public static final Path FASHION_MNIST_DIR = Path.of("/usr/share/datasets/fashion-mnist");


    private DataSources() {}

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
