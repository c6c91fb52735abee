package dev.jvk.nn;

import java.io.IOException;

/**
 * A model file that cannot be loaded: not a jvk model, a newer format version, truncated, failing
 * its checksum, or describing an architecture that cannot exist. The message is one line that
 * names the file and what is wrong (see {@code docs/model-format.md}).
 */
public class ModelFileException extends IOException {
    private static final long serialVersionUID = 1L;

    /** An unusable model file. */
    public ModelFileException(String message) {
        super(message);
    }
}
