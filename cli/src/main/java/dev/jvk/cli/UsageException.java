package dev.jvk.cli;

/** A bad option or combination of options, found after parsing: one line on stderr, exit code 2. */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
