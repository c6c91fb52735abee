package dev.jvk.nn.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The one file a fuzz target rewrites for every input (readers take paths), removed when the JVM exits. */
public final class FuzzFile {
    private FuzzFile() {}

    /** A new temporary file ending in {@code suffix}. */
    public static Path create(String suffix) {
        try {
            Path file = Files.createTempFile("jvk-fuzz", suffix);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
