package dev.jvk.nn.data;

/**
 * Data that cannot be used: a missing file, a malformed IDX header, a bad CSV row, a label out of
 * range. The message is one line a person can act on (it names the file and, where there is one,
 * the line).
 */
public class DataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * A data error with a one-line message. File names, cells and header names in it come from outside: their control
     * characters are escaped ({@link #escaped}), so that a file named with a line break cannot forge a second line.
     */
    public DataException(String message) {
        super(escaped(message));
    }

    /** A data error with a one-line message (escaped as {@link #DataException(String)}'s) and the I/O error behind it. */
    public DataException(String message, Throwable cause) {
        super(escaped(message), cause);
    }

    /**
     * A string read from a file as it may appear in a one-line message: in single quotes, control
     * and format characters (a newline, a terminal escape, a bidi override) as {@code \\uXXXX}, cut
     * after 40 characters. A message that echoed them raw would break the one-line rule, or worse,
     * drive the user's terminal.
     */
    public static String printable(String s) {
        return "'" + escaped(s.substring(0, Math.min(s.length(), 40))) + (s.length() > 40 ? "...'" : "'");
    }

    /** {@code s} with its control and format characters (and lone surrogate halves) as {@code \\uXXXX}, so that it stays one line. */
    public static String escaped(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
