package dev.jvk.nn.onnx;

import dev.jvk.nn.ModelFileException;

/**
 * An ONNX file that jvk cannot import: not a well-formed protobuf message, a claim the bytes do not
 * back (a length past the end, more tensor elements than data), an operator or graph shape outside
 * what jvk maps onto its layers, or external data outside the model's folder. The message is one
 * line naming the file and, where there is one, the node and its operator.
 */
public final class OnnxFormatException extends ModelFileException {
    private static final long serialVersionUID = 1L;

    /** An unusable ONNX file. */
    public OnnxFormatException(String message) {
        super(message);   // escaped there: node and tensor names come from the file
    }
}
