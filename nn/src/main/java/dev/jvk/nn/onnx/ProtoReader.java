package dev.jvk.nn.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A cursor over one protobuf message in a buffer (the wire format: varint tags, then a varint, a
 * fixed 32- or 64-bit value, or a length-delimited run). Every length is checked against the bytes
 * left in the enclosing message before it is used, and nesting is limited, so a hostile file can
 * claim anything and still cause nothing but an {@link OnnxFormatException}.
 */
final class ProtoReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH = 2;
    static final int FIXED32 = 5;
    /** Deeper than any message jvk reads (model, graph, node, attribute, tensor, type, shape, dim). */
    static final int MAX_DEPTH = 16;

    private final ByteBuffer buffer;
    private final String message;
    private final int start;
    private final int end;
    private final int depth;
    private int position;
    private int field;
    private int wireType;

    private ProtoReader(ByteBuffer buffer, int start, int end, int depth, String message) {
        this.buffer = buffer;
        this.start = start;
        this.position = start;
        this.end = end;
        this.depth = depth;
        this.message = message;
    }

    /** A reader of the whole buffer as one message called {@code message} (for errors). */
    static ProtoReader of(ByteBuffer buffer, String message) {
        return new ProtoReader(buffer.order(ByteOrder.LITTLE_ENDIAN), buffer.position(), buffer.limit(), 0, message);
    }

    /** Reads the next field's tag; false at the end of the message. */
    boolean next() throws OnnxFormatException {
        if (position >= end) {
            return false;
        }
        long tag = varint();
        field = (int) (tag >>> 3);
        wireType = (int) (tag & 7);
        if (field <= 0 || tag >>> 3 > 0x1FFFFFFF) {
            throw error("field number " + (tag >>> 3) + " is not valid");
        }
        if (wireType != VARINT && wireType != FIXED64 && wireType != LENGTH && wireType != FIXED32) {
            throw error("field " + field + " has wire type " + wireType + " (groups and unknown types are not ONNX)");
        }
        return true;
    }

    int field() {
        return field;
    }

    int wireType() {
        return wireType;
    }

    /** The name of the message being read, for errors. */
    String message() {
        return message;
    }

    long varint() throws OnnxFormatException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (position >= end) {
                throw error("truncated: a varint runs past the end");
            }
            byte b = buffer.get(position++);
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw error("a varint is longer than 10 bytes");
    }

    int fixed32() throws OnnxFormatException {
        need(4);
        int v = buffer.getInt(position);
        position += 4;
        return v;
    }

    long fixed64() throws OnnxFormatException {
        need(8);
        long v = buffer.getLong(position);
        position += 8;
        return v;
    }

    /** The current field as an integer (varint), checked against the wire type. */
    long integer() throws OnnxFormatException {
        expect(VARINT);
        return varint();
    }

    /** The current field as a float (fixed32). */
    float float32() throws OnnxFormatException {
        expect(FIXED32);
        return Float.intBitsToFloat(fixed32());
    }

    /** The current length-delimited field as a nested message. */
    ProtoReader nested(String name) throws OnnxFormatException {
        int n = length();
        if (depth + 1 > MAX_DEPTH) {
            throw error("messages nest deeper than " + MAX_DEPTH + " levels");
        }
        ProtoReader r = new ProtoReader(buffer, position, position + n, depth + 1, message + " > " + name);
        position += n;
        return r;
    }

    /** The current length-delimited field as a little-endian view of the buffer (no copy). */
    ByteBuffer bytes() throws OnnxFormatException {
        int n = length();
        ByteBuffer slice = buffer.slice(position, n).order(ByteOrder.LITTLE_ENDIAN);
        position += n;
        return slice;
    }

    /** The current length-delimited field as UTF-8 text. */
    String string() throws OnnxFormatException {
        int n = length();
        try {
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(buffer.slice(position, n)).toString();
            position += n;
            return s;
        } catch (CharacterCodingException e) {
            throw error("field " + field + " is not valid UTF-8");
        }
    }

    /** Skips the current field whatever its type. */
    void skip() throws OnnxFormatException {
        switch (wireType) {
            case VARINT -> varint();
            case FIXED64 -> skipBytes(8);
            case FIXED32 -> skipBytes(4);
            case LENGTH -> skipBytes(length());
            default -> throw error("wire type " + wireType);
        }
    }

    /** The buffer this message is in, and where: for a second pass over it ({@link OnnxProto.Tensor#body()}). */
    ByteBuffer buffer() {
        return buffer;
    }

    int start() {
        return start;
    }

    int size() {
        return end - start;
    }

    /** A reader of a message's bytes taken earlier ({@link OnnxProto.Tensor#body()}), at depth {@code 0}. */
    static ProtoReader again(ByteBuffer body, String message) {
        return of(body.duplicate().order(ByteOrder.LITTLE_ENDIAN), message);
    }

    /** Bytes left in this message. */
    int remaining() {
        return end - position;
    }

    private void skipBytes(int n) throws OnnxFormatException {
        need(n);
        position += n;
    }

    private int length() throws OnnxFormatException {
        expect(LENGTH);
        long n = varint();
        if (n < 0 || n > end - position) {
            throw error("truncated or corrupt: field " + field + " claims " + Long.toUnsignedString(n)
                    + " bytes, " + (end - position) + " are left");
        }
        return (int) n;
    }

    private void need(int n) throws OnnxFormatException {
        if (n > end - position) {
            throw error("truncated: field " + field + " needs " + n + " bytes, " + (end - position) + " are left");
        }
    }

    private void expect(int type) throws OnnxFormatException {
        if (wireType != type) {
            throw error("field " + field + " has wire type " + wireType + ", expected " + type);
        }
    }

    OnnxFormatException error(String what) {
        return new OnnxFormatException(message + " at byte " + position + ": " + what);
    }
}
