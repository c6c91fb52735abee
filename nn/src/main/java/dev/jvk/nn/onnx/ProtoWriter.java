package dev.jvk.nn.onnx;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds one protobuf message in memory: fields are appended in the order written, and a nested
 * message is a finished writer copied in behind its length (ONNX models from jvk are small enough
 * that the copies cost nothing next to the weights they carry).
 */
final class ProtoWriter {
    private byte[] bytes = new byte[64];
    private int size;

    ProtoWriter varint(int field, long value) {
        tag(field, ProtoReader.VARINT);
        rawVarint(value);
        return this;
    }

    ProtoWriter float32(int field, float value) {
        tag(field, ProtoReader.FIXED32);
        int bits = Float.floatToRawIntBits(value);
        for (int i = 0; i < 4; i++) {
            append((byte) (bits >>> (8 * i)));
        }
        return this;
    }

    ProtoWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    ProtoWriter bytes(int field, byte[] value) {
        tag(field, ProtoReader.LENGTH);
        rawVarint(value.length);
        append(value, value.length);
        return this;
    }

    ProtoWriter message(int field, ProtoWriter nested) {
        tag(field, ProtoReader.LENGTH);
        rawVarint(nested.size);
        append(nested.bytes, nested.size);
        return this;
    }

    /** A packed repeated varint field (how proto3 writes {@code repeated int64}). */
    ProtoWriter packedVarints(int field, long[] values) {
        ProtoWriter packed = new ProtoWriter();
        for (long v : values) {
            packed.rawVarint(v);
        }
        tag(field, ProtoReader.LENGTH);
        rawVarint(packed.size);
        append(packed.bytes, packed.size);
        return this;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    int size() {
        return size;
    }

    private void tag(int field, int wireType) {
        rawVarint(((long) field << 3) | wireType);
    }

    private void rawVarint(long value) {
        while ((value & ~0x7FL) != 0) {
            append((byte) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        append((byte) value);
    }

    private void append(byte b) {
        ensure(1);
        bytes[size++] = b;
    }

    private void append(byte[] b, int n) {
        ensure(n);
        System.arraycopy(b, 0, bytes, size, n);
        size += n;
    }

    private void ensure(int n) {
        long needed = (long) size + n;
        if (needed > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("an ONNX message over 2 GB cannot be written (protobuf's limit)");
        }
        if (needed > bytes.length) {
            bytes = Arrays.copyOf(bytes, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, 2L * bytes.length)));
        }
    }
}
