package dev.jvk.nn;

/**
 * A model, a batch or a data set whose planned size exceeds what the JVM may use. The message is
 * one line naming the need, the limit and the {@code -Xmx} that would hold it (see {@link MemoryPlan}).
 */
public class InsufficientMemoryException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** A need beyond the heap, described in one line. */
    public InsufficientMemoryException(String message) {
        super(message);
    }
}
