package dev.jvk.nn;

import dev.jvk.nn.data.DataException;
import java.io.IOException;

/**
 * A model file that cannot be loaded: not a jvk model, a newer format version, truncated, failing
 * its checksum, or describing an architecture that cannot exist. The message is one line that
 * names the file and what is wrong (see {@code docs/model-format.md}).
 */
public class ModelFileException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * An unusable model file. The file's name and the names read from it may hold a line break or a terminal escape:
     * the message has its control characters escaped ({@link DataException#escaped}), so that it stays one line.
     */
    public ModelFileException(String message) {
        super(DataException.escaped(message));
    }
}
