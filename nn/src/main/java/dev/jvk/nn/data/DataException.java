package dev.jvk.nn.data;

/**
 * Data that cannot be used: a missing file, a malformed IDX header, a bad CSV row, a label out of
 * range. The message is one line a person can act on (it names the file and, where there is one,
 * the line).
 */
public class DataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A data error with a one-line message. */
    public DataException(String message) {
        super(message);
    }

    /** A data error with a one-line message and the I/O error behind it. */
    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
