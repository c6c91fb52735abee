package dev.jvk.nn.onnx;

import dev.jvk.nn.onnx.OnnxProto.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a tensor's values: from {@code raw_data} (little-endian), from the typed repeated fields
 * (packed or not), or from external data beside the model. The element count its dimensions claim
 * is checked against the bytes that carry the values before anything is allocated, so a tensor
 * claiming 2^31 elements over 16 bytes is an error and not a 8 GB array.
 */
final class TensorData {
    /** The largest Java array jvk allocates (the JDK's own limit, a few below Integer.MAX_VALUE). */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private static final int FLOAT_DATA = 4;
    private static final int INT32_DATA = 5;
    private static final int STRING_DATA = 6;
    private static final int INT64_DATA = 7;
    private static final int RAW_DATA = 9;
    private static final int DOUBLE_DATA = 10;

    private final Path modelDir;
    private final String file;
    /** The external data files mapped so far: which one shrank, should a read of the mapped bytes fault ({@link #shrunk}). */
    private final List<Mapped> externalFiles = new ArrayList<>();

    /** An external data file mapped up to byte {@code end}. */
    private record Mapped(Path file, long end) {}

    /** Decodes tensors of the model {@code file}, whose external data lives under {@code modelDir}. */
    TensorData(Path modelDir, String file) {
        this.modelDir = modelDir;
        this.file = file;
    }

    /** The values of a float, float16, bfloat16 or double tensor (or an integer one) as float, as ONNX's Cast to float rounds them. */
    float[] floats(Tensor t, String user) throws IOException {
        float[] out = new float[backed(t, user)];
        floats(t, user, out);
        return out;
    }

    /** {@link #floats(Tensor, String)} into {@code out}, which has exactly {@link #count} entries (a layer's weights: no copy). */
    void floats(Tensor t, String user, float[] out) throws IOException {
        int n = count(t, user);
        int size = elementSize(t, user);
        if (out.length != n) {
            throw new IllegalArgumentException(user + ": " + t + " has " + n + " values, the destination " + out.length);
        }
        ByteBuffer raw = raw(t, (long) n * size, user);
        if (raw != null) {
            switch (t.dataType()) {
                case OnnxProto.FLOAT -> raw.asFloatBuffer().get(out);
                case OnnxProto.FLOAT16 -> {
                    for (int i = 0; i < n; i++) {
                        out[i] = Float.float16ToFloat(raw.getShort(2 * i));
                    }
                }
                case OnnxProto.BFLOAT16 -> {
                    for (int i = 0; i < n; i++) {
                        out[i] = bfloat16(raw.getShort(2 * i));
                    }
                }
                case OnnxProto.INT8 -> {
                    for (int i = 0; i < n; i++) {
                        out[i] = raw.get(i);
                    }
                }
                case OnnxProto.UINT8, OnnxProto.BOOL -> {
                    for (int i = 0; i < n; i++) {
                        out[i] = raw.get(i) & 0xFF;
                    }
                }
                case OnnxProto.DOUBLE -> {
                    for (int i = 0; i < n; i++) {
                        out[i] = (float) raw.getDouble(8 * i);
                    }
                }
                case OnnxProto.INT32 -> {
                    for (int i = 0; i < n; i++) {
                        out[i] = raw.getInt(4 * i);
                    }
                }
                default -> {
                    for (int i = 0; i < n; i++) {
                        out[i] = raw.getLong(8 * i);
                    }
                }
            }
            return;
        }
        int field = typedField(t.dataType());
        typed(t, n, user, (i, from) -> out[i] = switch (field) {
            case FLOAT_DATA -> Float.intBitsToFloat(from.fixed32());
            case DOUBLE_DATA -> (float) Double.longBitsToDouble(from.fixed64());
            case INT32_DATA -> switch (t.dataType()) {   // int32_data carries the 8- and 16-bit types too
                case OnnxProto.FLOAT16 -> Float.float16ToFloat((short) from.varint());
                case OnnxProto.BFLOAT16 -> bfloat16((short) from.varint());
                default -> (float) (int) from.varint();
            };
            default -> (float) from.varint();
        });
    }

    /** Reads one value of a typed field from {@code from} as element {@code index}. */
    private interface TypedValue {
        void read(int index, ProtoReader from) throws OnnxFormatException;
    }

    /**
     * Walks the {@code n} values of {@code t}'s typed field ({@code float_data}, {@code int32_data}, ...), packed or one
     * per tag, once their count is known to be {@code n}.
     */
    private void typed(Tensor t, int n, String user, TypedValue each) throws OnnxFormatException {
        int field = typedField(t.dataType());
        int found = countTyped(t, field, user);
        if (found != n) {
            throw mismatch(t, user, n, found + " values in its " + fieldName(field));
        }
        ProtoReader r = ProtoReader.again(t.body(), file + ": " + t);
        int i = 0;
        while (r.next()) {
            if (r.field() != field) {
                r.skip();
                continue;
            }
            ProtoReader values = r.wireType() == ProtoReader.LENGTH ? r.nested("packed values") : null;
            do {
                each.read(i++, values == null ? r : values);
            } while (values != null && values.remaining() > 0);
        }
    }

    /** The values of a double tensor exactly, or of another numeric one as {@link #floats(Tensor, String)} widened. */
    double[] doubles(Tensor t, String user) throws IOException {
        if (t.dataType() != OnnxProto.DOUBLE) {
            float[] f = floats(t, user);
            double[] out = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                out[i] = f[i];
            }
            return out;
        }
        double[] out = new double[backed(t, user)];
        ByteBuffer raw = raw(t, (long) out.length * Double.BYTES, user);
        if (raw != null) {
            raw.asDoubleBuffer().get(out);
            return out;
        }
        typed(t, out.length, user, (i, from) -> out[i] = Double.longBitsToDouble(from.fixed64()));
        return out;
    }

    /** The bits of a bfloat16 tensor as they are stored: jvk's bf16 weights, two bytes each (no float copy). */
    short[] bfloat16s(Tensor t, String user) throws IOException {
        if (t.dataType() != OnnxProto.BFLOAT16) {
            throw new OnnxFormatException(file + ": " + user + ": " + t + " is " + typeName(t.dataType()) + ", expected bfloat16");
        }
        short[] out = new short[backed(t, user)];
        ByteBuffer raw = raw(t, 2L * out.length, user);
        if (raw != null) {
            raw.asShortBuffer().get(out);
            return out;
        }
        float[] typed = floats(t, user);   // bfloat16 widens to float exactly: its upper half is the bits
        for (int i = 0; i < out.length; i++) {
            out[i] = (short) (Float.floatToRawIntBits(typed[i]) >>> 16);
        }
        return out;
    }

    /** The values of an int8 tensor as they are stored: jvk's int8 weights, one byte each (no float copy). */
    byte[] int8s(Tensor t, String user) throws IOException {
        if (t.dataType() != OnnxProto.INT8) {
            throw new OnnxFormatException(file + ": " + user + ": " + t + " is " + typeName(t.dataType()) + ", expected int8");
        }
        byte[] out = new byte[backed(t, user)];
        ByteBuffer raw = raw(t, out.length, user);
        if (raw != null) {
            raw.get(0, out);
            return out;
        }
        float[] typed = floats(t, user);   // int32_data, one varint per value: small tensors in practice
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) typed[i];
            if (out[i] != typed[i]) {
                throw new OnnxFormatException(file + ": " + user + ": " + t + " holds " + typed[i] + " at " + i + ", outside int8");
            }
        }
        return out;
    }

    /**
     * The {@code rows x cols} tensor {@code t} transposed into {@code out} ({@code cols x rows}), each
     * value times {@code alpha}: PyTorch's {@code Gemm(transB=1)} weights, {@code [out, in]}, decoded
     * straight into a layer's {@code in x out} matrix. Raw float values are read in place from the
     * mapped file, so the import holds no second copy of the matrix; other encodings go through one.
     */
    void floatsTransposed(Tensor t, String user, float[] out, int rows, int cols, float alpha) throws IOException {
        int n = count(t, user);
        if (out.length != n || (long) rows * cols != n) {
            throw new IllegalArgumentException(user + ": " + t + " has " + n + " values, the destination " + out.length
                    + " (" + rows + " x " + cols + ")");
        }
        ByteBuffer raw = t.dataType() == OnnxProto.FLOAT ? raw(t, (long) n * Float.BYTES, user) : null;
        transpose(raw != null ? raw.asFloatBuffer() : FloatBuffer.wrap(floats(t, user)), out, rows, cols, alpha);
    }

    /** {@code out[c][r] = alpha * from[r][c]} for a row-major {@code rows x cols} source. */
    static void transpose(FloatBuffer from, float[] out, int rows, int cols, float alpha) {
        int block = 64;   // a tile of each matrix stays in L1 while it is transposed
        for (int r0 = 0; r0 < rows; r0 += block) {
            for (int c0 = 0; c0 < cols; c0 += block) {
                for (int c = c0; c < Math.min(cols, c0 + block); c++) {
                    for (int r = r0; r < Math.min(rows, r0 + block); r++) {
                        out[c * rows + r] = alpha * from.get(r * cols + c);
                    }
                }
            }
        }
    }

    /** The values of an int64 (or int32) tensor, such as Reshape's target shape. */
    long[] longs(Tensor t, String user) throws IOException {
        if (t.dataType() != OnnxProto.INT64 && t.dataType() != OnnxProto.INT32) {
            throw new OnnxFormatException(file + ": " + user + " needs integers, " + t + " has data type " + typeName(t.dataType()));
        }
        int n = backed(t, user);
        int size = elementSize(t, user);
        long[] out = new long[n];
        ByteBuffer raw = raw(t, (long) n * size, user);
        if (raw != null) {
            for (int i = 0; i < n; i++) {
                out[i] = size == 8 ? raw.getLong(8 * i) : raw.getInt(4 * i);
            }
            return out;
        }
        typed(t, n, user, (i, from) -> {
            long v = from.varint();
            out[i] = size == 8 ? v : (int) v;
        });
        return out;
    }

    /**
     * The values of a string tensor ({@code string_data}, UTF-8), such as the class labels skl2onnx's classifiers pick
     * from. The count the dimensions claim is checked against the entries the file holds before anything is allocated.
     */
    String[] strings(Tensor t, String user) throws IOException {
        if (t.dataType() != OnnxProto.STRING) {
            throw new OnnxFormatException(file + ": " + user + ": " + t + " is " + typeName(t.dataType()) + ", expected strings");
        }
        if (t.external()) {
            throw new OnnxFormatException(file + ": " + user + ": " + t + " keeps strings in external data; ONNX stores them in string_data");
        }
        long n = t.elements();
        ProtoReader r = ProtoReader.again(t.body(), file + ": " + t);
        long found = 0;
        while (r.next()) {
            if (r.field() == STRING_DATA) {
                found++;
            }
            r.skip();
        }
        if (n < 0 || found != n) {
            throw mismatch(t, user, n, found + " entries in its string_data");
        }
        String[] out = new String[(int) n];
        r = ProtoReader.again(t.body(), file + ": " + t);
        int i = 0;
        while (r.next()) {
            if (r.field() == STRING_DATA) {
                out[i++] = r.string();
            } else {
                r.skip();
            }
        }
        return out;
    }

    /**
     * The tensor's element count, once it is known to fit a Java array and the heap and to be carried
     * by as many values in the file (raw bytes, typed values or external data): what may be allocated for it.
     */
    int backed(Tensor t, String user) throws IOException {
        int n = count(t, user);
        int size = elementSize(t, user);
        if (raw(t, (long) n * size, user) == null) {
            int found = countTyped(t, typedField(t.dataType()), user);
            if (found != n) {
                throw mismatch(t, user, n, found + " values in its " + fieldName(typedField(t.dataType())));
            }
        }
        return n;
    }

    private int count(Tensor t, String user) throws OnnxFormatException {
        long n = t.elements();
        if (n < 0 || n > MAX_ELEMENTS) {
            throw new OnnxFormatException(file + ": " + user + ": " + t + " claims " + (n < 0 ? "more than 2^63" : n)
                    + " elements; a Java array holds at most " + MAX_ELEMENTS);
        }
        long heap = Runtime.getRuntime().maxMemory();
        if (n * Float.BYTES > heap) {
            throw new OnnxFormatException(file + ": " + user + ": " + t + " needs " + (n * Float.BYTES >> 20)
                    + " MB as floats, more than the heap's " + (heap >> 20) + " MB (raise -Xmx)");
        }
        return (int) n;
    }

    private int elementSize(Tensor t, String user) throws OnnxFormatException {
        return switch (t.dataType()) {
            case OnnxProto.FLOAT, OnnxProto.INT32 -> 4;
            case OnnxProto.FLOAT16, OnnxProto.BFLOAT16 -> 2;
            case OnnxProto.INT8, OnnxProto.UINT8, OnnxProto.BOOL -> 1;
            case OnnxProto.DOUBLE, OnnxProto.INT64 -> 8;
            default -> throw new OnnxFormatException(file + ": " + user + ": " + t + " has data type "
                    + typeName(t.dataType()) + "; jvk reads float, float16, bfloat16 and double (int8 and uint8 through "
                    + "DequantizeLinear, int64 shapes, bool for Dropout's training_mode)");
        };
    }

    /** The raw little-endian bytes ({@code raw_data} or external), checked to be exactly {@code bytes} long; null when the values are in typed fields. */
    private ByteBuffer raw(Tensor t, long bytes, String user) throws IOException {
        if (t.external()) {
            return external(t, bytes, user);
        }
        ProtoReader r = ProtoReader.again(t.body(), file + ": " + t);
        ByteBuffer raw = null;
        while (r.next()) {
            if (r.field() == RAW_DATA) {
                raw = r.bytes();
            } else {
                r.skip();
            }
        }
        if (raw != null && raw.remaining() != bytes) {
            throw mismatch(t, user, bytes / Math.max(1, elementSizeQuiet(t)), raw.remaining() + " bytes of raw_data");
        }
        return raw;
    }

    private ByteBuffer external(Tensor t, long bytes, String user) throws IOException {
        String where = file + ": " + user + ": " + t + " external data";
        String location = t.externalData().get("location");
        if (location == null || location.isEmpty()) {
            throw new OnnxFormatException(where + " has no location");
        }
        Path relative;
        try {
            relative = Path.of(location);
        } catch (InvalidPathException e) {
            throw new OnnxFormatException(where + ": location '" + location + "' is not a path");
        }
        Path dir = modelDir.toAbsolutePath().normalize();
        Path target = dir.resolve(relative).normalize();
        if (relative.isAbsolute() || !target.startsWith(dir)) {
            throw new OnnxFormatException(where + ": location '" + location + "' is outside the model's folder " + dir);
        }
        if (!Files.isRegularFile(target)) {
            throw new OnnxFormatException(where + ": '" + location + "' is not a regular file in " + dir);
        }
        Path real = target.toRealPath();
        if (!real.startsWith(dir.toRealPath())) {
            throw new OnnxFormatException(where + ": '" + location + "' links outside the model's folder " + dir);
        }
        long size = Files.size(real);
        long offset = number(t, "offset", 0, where);
        // Without a length the tensor takes its own size from the offset, as ONNX Runtime reads it: writers that put
        // several tensors in one file may give only offsets.
        long length = number(t, "length", bytes, where);
        if (offset < 0 || length < 0 || offset > size || length > size - offset) {
            throw new OnnxFormatException(where + ": offset " + offset + " and length " + length + " do not fit in '"
                    + location + "' (" + size + " bytes)");
        }
        if (length != bytes) {
            throw mismatch(t, user, bytes / Math.max(1, elementSizeQuiet(t)), length + " bytes of external data");
        }
        if (bytes > Integer.MAX_VALUE) {
            throw new OnnxFormatException(where + ": " + bytes + " bytes in one tensor; jvk reads at most 2 GB per tensor");
        }
        try (FileChannel channel = FileChannel.open(real, StandardOpenOption.READ)) {
            ByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, offset, length).order(ByteOrder.LITTLE_ENDIAN);
            externalFiles.add(new Mapped(real, offset + length));
            return mapped;
        }
    }

    /** Which external data file mapped so far holds fewer bytes than were mapped from it ({@link OnnxModel#shrunk}), or null. */
    String shrunk() {
        for (Mapped m : externalFiles) {
            String s = OnnxModel.shrunk(m.file(), m.end());
            if (s != null) {
                return m.file() + " " + s;
            }
        }
        return null;
    }

    private static long number(Tensor t, String key, long otherwise, String where) throws OnnxFormatException {
        String v = t.externalData().get(key);
        if (v == null) {
            return otherwise;
        }
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw new OnnxFormatException(where + ": " + key + " '" + v + "' is not a number");
        }
    }

    /** How many values the typed field holds (packed or one per tag), reading without allocating. */
    private int countTyped(Tensor t, int field, String user) throws OnnxFormatException {
        ProtoReader r = ProtoReader.again(t.body(), file + ": " + t);
        long count = 0;
        while (r.next()) {
            if (r.field() == RAW_DATA || r.field() == FLOAT_DATA || r.field() == INT32_DATA
                    || r.field() == INT64_DATA || r.field() == DOUBLE_DATA) {
                if (r.field() != field) {
                    throw new OnnxFormatException(file + ": " + user + ": " + t + " of type " + typeName(t.dataType())
                            + " carries its values in " + fieldName(r.field()));
                }
            }
            if (r.field() != field) {
                r.skip();
                continue;
            }
            if (r.wireType() != ProtoReader.LENGTH) {
                r.skip();
                count++;
                continue;
            }
            ProtoReader values = r.nested("packed values");
            switch (field) {
                case FLOAT_DATA, DOUBLE_DATA -> {
                    int width = field == FLOAT_DATA ? 4 : 8;
                    if (values.remaining() % width != 0) {
                        throw values.error(fieldName(field) + " has " + values.remaining() + " bytes, not a multiple of " + width);
                    }
                    count += values.remaining() / width;
                }
                default -> {
                    while (values.remaining() > 0) {
                        values.varint();
                        count++;
                    }
                }
            }
        }
        return (int) Math.min(count, Integer.MAX_VALUE);
    }

    private OnnxFormatException mismatch(Tensor t, String user, long elements, String found) {
        return new OnnxFormatException(file + ": " + user + ": " + t + " of " + typeName(t.dataType()) + " needs "
                + elements + " values, the file has " + found);
    }

    private static int elementSizeQuiet(Tensor t) {
        return switch (t.dataType()) {
            case OnnxProto.INT8, OnnxProto.UINT8, OnnxProto.BOOL -> 1;
            case OnnxProto.FLOAT16, OnnxProto.BFLOAT16 -> 2;
            case OnnxProto.DOUBLE, OnnxProto.INT64 -> 8;
            default -> 4;
        };
    }

    private static int typedField(int type) {
        return switch (type) {
            case OnnxProto.FLOAT -> FLOAT_DATA;
            case OnnxProto.DOUBLE -> DOUBLE_DATA;
            case OnnxProto.INT64 -> INT64_DATA;
            default -> INT32_DATA;   // int32, and the 8- and 16-bit types (float16 and bfloat16 as their bits)
        };
    }

    private static String fieldName(int field) {
        return switch (field) {
            case FLOAT_DATA -> "float_data";
            case INT32_DATA -> "int32_data";
            case INT64_DATA -> "int64_data";
            case DOUBLE_DATA -> "double_data";
            default -> "raw_data";
        };
    }

    /** bfloat16 is float's upper half: widening is exact. */
    private static float bfloat16(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    static String typeName(int type) {
        String[] names = {"UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32", "INT64", "STRING", "BOOL",
                "FLOAT16", "DOUBLE", "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16"};
        return type >= 0 && type < names.length ? names[type] : "type " + type;
    }
}
