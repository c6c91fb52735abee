package dev.jvk.spark;

import dev.jvk.nn.Mlp;
import dev.jvk.nn.ModelFileException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A jvk model as the bytes of its model file ({@code docs/model-format.md}): what a broadcast carries
 * to the executors and what a saved Spark model holds. The file format is nn's own and is reached only
 * through {@link Mlp#save} and {@link Mlp#load}, so a change of the format needs no change here.
 */
final class ModelBytes {
    private ModelBytes() {}

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
