package dev.jvk.spark;

import dev.jvk.nn.Mlp;
import dev.jvk.nn.ModelFileException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;

/**
 * A jvk model as the bytes of its model file ({@code docs/model-format.md}): what a broadcast carries
 * to the executors and what a saved Spark model holds. The file format is nn's own and is reached only
 * through {@link Mlp#save} and {@link Mlp#load}, so a change of the format needs no change here.
 */
final class ModelBytes {
    /** Where a saved Spark model keeps the jvk model file, under the model's directory (beside Spark's {@code metadata/}). */
    static final String MODEL_FILE = "data/model.jvk";

    private ModelBytes() {}

    /** Writes {@code bytes} to {@code dir/}{@value #MODEL_FILE} on {@code dir}'s Hadoop file system; an existing file is not replaced. */
    static void write(byte[] bytes, String dir, Configuration hadoop) {
        org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(dir, MODEL_FILE);
        try {
            FileSystem fs = file.getFileSystem(hadoop);
            try (FSDataOutputStream out = fs.create(file, false)) {
                out.write(bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the jvk model file " + file, e);
        }
    }

    /** The bytes of {@code dir/}{@value #MODEL_FILE} on {@code dir}'s Hadoop file system. */
    static byte[] read(String dir, Configuration hadoop) {
        org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(dir, MODEL_FILE);
        try {
            FileSystem fs = file.getFileSystem(hadoop);
            long length = fs.getFileStatus(file).getLen();
            if (length > Integer.MAX_VALUE - 8) {
                throw new ModelFileException(file + " has " + length + " bytes, more than a jvk model file can have");
            }
            byte[] bytes = new byte[(int) length];
            try (FSDataInputStream in = fs.open(file)) {
                in.readFully(0, bytes);
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the jvk model file " + file, e);
        }
    }

    /** The model file of {@code mlp}. */
    static byte[] of(Mlp mlp) {
        Path file = null;
        try {
            file = Files.createTempFile("jvk-spark-", ".jvk");
            mlp.save(file);
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the jvk model to a temporary file", e);
        } finally {
            deleteQuietly(file);
        }
    }

    /**
     * The model in {@code bytes}.
     *
     * @throws IllegalArgumentException when the bytes are not a whole, valid jvk model file
     */
    static Mlp load(byte[] bytes) {
        Path file = null;
        try {
            file = Files.createTempFile("jvk-spark-", ".jvk");
            Files.write(file, bytes);
            return Mlp.load(file);
        } catch (ModelFileException e) {
            throw new IllegalArgumentException("not a usable jvk model: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the jvk model through a temporary file", e);
        } finally {
            deleteQuietly(file);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temporary file left behind is harmless; the model's result is what matters
            }
        }
    }
}
