package dev.jvk.nn;

import dev.jvk.kernels.LowPrecision;
import dev.jvk.nn.data.DataException;
import dev.jvk.nn.data.DataSources;
import dev.jvk.nn.data.FeatureScaling;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The jvk model file, version 6; reads versions 1 to 6 (specified in {@code docs/model-format.md};
 * keep the two in step). A float model is written in version 2, so that a jvk from before quantization
 * still reads it; a quantized one in version 4, whose feature scaling leaves out a shift of zeros (which
 * quantization leaves, having moved the shift into the first layer's bias) and a scale of ones; one with a
 * dynamically quantized layer in version 5 (so that a jvk without that layer kind names the version rather
 * than an unknown layer); a model with missing-value means in version 6, which is version 5 with those
 * means after the metadata (only such a model needs a reader that knows them).
 *
 * <pre>
 * offset  size  field
 * 0       8     magic: 0x89 'J' 'V' 'K' 'M' 'L' 'P' '\n'
 * 8       4     format version (6 with missing-value means, else 5 with a dynamically quantized layer,
 *               else 4 with quantized layers, else 2; 1 has no metadata; 3 is 4 with both scaling vectors
 *               always stored)
 * 12      8     payload length P
 * 20      P     payload: inputs, classes, loss, scaling, layers, then (version 2) the metadata, then
 *               (version 6) the missing-value means
 * 20+P    4     CRC-32C of bytes [0, 20+P)
 * </pre>
 * All integers and floats big-endian; floats as their IEEE 754 bits, so a round trip is bitwise.
 */
final class ModelFile {
    static final byte[] MAGIC = {(byte) 0x89, 'J', 'V', 'K', 'M', 'L', 'P', '\n'};
    static final int VERSION = 6;
    /** The version of a model with int8 or bf16 layers, none dynamically quantized, and no missing-value means. */
    static final int QUANTIZED_VERSION = 4;
    /** The version of a model with a dynamically quantized layer and no missing-value means. */
    static final int DYNAMIC_VERSION = 5;
    /** The version of a model with missing-value means: version 5 with them after the metadata. */
    static final int MEANS_VERSION = 6;
    /** The version of a model without quantized layers. */
    static final int FLOAT_VERSION = 2;
    static final int OLDEST_VERSION = 1;
    static final int HEADER = 20;
    static final int TRAILER = 4;
    /** One Java array holds the whole file. */
    static final long MAX_PAYLOAD = Integer.MAX_VALUE - 8 - HEADER - TRAILER;

    static final int DENSE = 1;
    static final int ACTIVATION = 2;
    static final int DROPOUT = 3;
    /** Version 3: a dense layer with int8 weights and a float scale per output unit. */
    static final int DENSE_INT8 = 4;
    /** Version 3: a dense layer with bf16 weights. */
    static final int DENSE_BF16 = 5;
    /** Version 5: a dense layer with int8 weights, its inputs quantized per row at inference; stored as {@link #DENSE_INT8}. */
    static final int DENSE_INT8_DYNAMIC = 6;

    /** Version 4, the byte after a scaling kind other than none: the shift is stored (else it is all +0). */
    static final int SHIFT_STORED = 1;
    /** Version 4, the same byte: the scale is stored (else it is all 1). */
    static final int SCALE_STORED = 2;

    static final int TASK_CLASSIFICATION = 0;
    static final int TASK_REGRESSION = 1;

    private ModelFile() {}

    // ---- writing ----

    /**
     * Writes {@code mlp} to {@code file} so that it appears whole or not at all, as {@link AtomicFiles#write} does.
     *
     * @throws ModelFileException when a weight or the feature scaling is not finite, or the target is not a regular file
     */
    static void write(Mlp mlp, Path file) throws IOException {
        String scaling = mlp.scaling().nonFiniteValue();
        if (scaling != null) {
            throw new ModelFileException(file + ": not written: " + scaling + " (FeatureScaling.fit on finite data makes finite ones only)");
        }
        String nonFinite = mlp.nonFiniteParameter();
        if (nonFinite != null) {
            // such a model came from diverged training and predicts nothing
            throw new ModelFileException(file + ": not written: " + nonFinite + " (training diverged; lower the learning rate or the weight decay)");
        }
        AtomicFiles.write(file, encode(mlp));
    }

    static byte[] encode(Mlp mlp) throws IOException {
        boolean dynamic = mlp.layers().stream().anyMatch(l -> l instanceof QuantizedDense q && q.format() == QuantizedDense.Format.INT8_DYNAMIC);
        boolean quantized = mlp.layers().stream().anyMatch(QuantizedDense.class::isInstance);
        int version = mlp.metadata().missingValueMeans().length > 0 ? MEANS_VERSION
                : dynamic ? DYNAMIC_VERSION : quantized ? QUANTIZED_VERSION : FLOAT_VERSION;
        return encode(mlp, version);
    }

    /** The file of {@code mlp} in format {@code version} (version 1 drops the metadata: the tests' old files). */
    static byte[] encode(Mlp mlp, int version) throws IOException {
        ByteArrayOutputStream payloadBytes = new ByteArrayOutputStream();
        DataOutputStream p = new DataOutputStream(payloadBytes);
        p.writeInt(mlp.inputs());
        p.writeInt(mlp.classes());
        p.writeUTF(mlp.loss().name());
        FeatureScaling scaling = mlp.scaling();
        p.writeByte(scaling.kind().ordinal());
        if (scaling.kind() != FeatureScaling.Kind.NONE) {
            float[] shift = scaling.shift();
            float[] scale = scaling.scale();
            boolean storeShift = version < 4 || !allBits(shift, 0);
            boolean storeScale = version < 4 || !allBits(scale, Float.floatToRawIntBits(1f));
            if (version >= 4) {
                p.writeByte((storeShift ? SHIFT_STORED : 0) | (storeScale ? SCALE_STORED : 0));
            }
            if (storeShift) {
                writeFloats(p, shift);
            }
            if (storeScale) {
                writeFloats(p, scale);
            }
        }
        p.writeInt(mlp.layers().size());
        for (Layer layer : mlp.layers()) {
            switch (layer) {
                case Dense d -> {
                    p.writeByte(DENSE);
                    p.writeInt(d.inputSize());
                    p.writeInt(d.outputSize());
                    writeFloats(p, d.weights());
                    writeFloats(p, d.bias());
                }
                case QuantizedDense q -> {
                    p.writeByte(switch (q.format()) {
                        case INT8 -> DENSE_INT8;
                        case INT8_DYNAMIC -> DENSE_INT8_DYNAMIC;
                        case BF16 -> DENSE_BF16;
                    });
                    p.writeInt(q.inputSize());
                    p.writeInt(q.outputSize());
                    if (q.format().int8Weights()) {
                        writeFloats(p, q.scales());
                        p.write(q.int8Weights());
                    } else {
                        short[] weights = q.bf16Weights();
                        ByteBuffer b = ByteBuffer.allocate(weights.length * 2).order(ByteOrder.BIG_ENDIAN);
                        b.asShortBuffer().put(weights);
                        p.write(b.array());
                    }
                    writeFloats(p, q.bias());
                }
                case ActivationLayer a -> {
                    p.writeByte(ACTIVATION);
                    p.writeInt(a.inputSize());
                    p.writeInt(a.outputSize());
                    p.writeByte(a.activation().ordinal() + 1);
                    p.writeFloat(a.activation() == Activation.LEAKY_RELU ? a.slope() : 0f);
                }
                case Dropout d -> {
                    p.writeByte(DROPOUT);
                    p.writeInt(d.inputSize());
                    p.writeInt(d.outputSize());
                    p.writeFloat(d.rate());
                }
            }
        }
        if (version >= 2) {
            writeMetadata(p, mlp.metadata());
        }
        if (version >= MEANS_VERSION) {
            float[] means = mlp.metadata().missingValueMeans();
            p.writeInt(means.length);
            writeFloats(p, means);
        }
        p.flush();
        byte[] payload = payloadBytes.toByteArray();

        ByteBuffer out = ByteBuffer.allocate(HEADER + payload.length + TRAILER).order(ByteOrder.BIG_ENDIAN);
        out.put(MAGIC).putInt(version).putLong(payload.length).put(payload);
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, HEADER + payload.length);
        out.putInt((int) crc.getValue());
        return out.array();
    }

    private static void writeMetadata(DataOutputStream out, ModelMetadata m) throws IOException {
        out.writeByte(m.isClassification() ? TASK_CLASSIFICATION : TASK_REGRESSION);
        out.writeInt(m.labelColumn());
        writeStrings(out, m.classNames());
        writeStrings(out, m.featureNames());
        writeStrings(out, m.targetNames());
        out.writeInt(m.targetMean().length);
        writeFloats(out, m.targetMean());
        writeFloats(out, m.targetStd());
    }

    private static void writeStrings(DataOutputStream out, List<String> strings) throws IOException {
        out.writeInt(strings.size());
        for (String s : strings) {
            byte[] utf = s.getBytes(StandardCharsets.UTF_8);
            out.writeInt(utf.length);
            out.write(utf);
        }
    }

    /** Every value has the raw bits {@code bits} (so -0 is not +0). */
    private static boolean allBits(float[] values, int bits) {
        for (float v : values) {
            if (Float.floatToRawIntBits(v) != bits) {
                return false;
            }
        }
        return true;
    }

    private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.BIG_ENDIAN);
        b.asFloatBuffer().put(values);
        out.write(b.array());
    }

    // ---- reading ----

    /** The first byte of every ONNX file: the tag of {@code ModelProto.ir_version} (field 1, a varint), which ONNX writers put first. */
    private static final int ONNX_FIRST_BYTE = 0x08;

    /**
     * Reads a model file. Nothing is allocated from the header's payload length until it is checked
     * against the file's length (standard input, {@code -}, has none: its bytes are kept as they arrive,
     * up to the length the header states); FIFOs, devices and folders are refused before they are opened.
     */
    static Mlp read(Path file) throws IOException {
        String name = file.toString();
        DataSources.Input input;
        try {
            input = DataSources.openInput(file);
        } catch (DataException e) {
            if (Files.isRegularFile(file.resolve(TrainingCheckpoint.STATE))
                    || Files.isRegularFile(file.resolve(TrainingCheckpoint.MODEL))) {
                throw new ModelFileException(name + ": a training checkpoint folder (train --checkpoint-dir), not a model file; its model is "
                        + file.resolve(TrainingCheckpoint.MODEL));
            }
            throw new ModelFileException(e.getMessage());
        }
        try (input) {
            InputStream in = input.stream();
            byte[] head = in.readNBytes(HEADER);
            if (head.length >= TrainingCheckpoint.MAGIC.length && Arrays.equals(head, 0, TrainingCheckpoint.MAGIC.length,
                    TrainingCheckpoint.MAGIC, 0, TrainingCheckpoint.MAGIC.length)) {
                throw new ModelFileException(name + ": a training checkpoint's state (train --checkpoint-dir), not a model; its model is "
                        + (file.getParent() != null ? file.getParent() : Path.of("")).resolve(TrainingCheckpoint.MODEL));
            }
            long length = input.length();
            if (head.length > 0 && head[0] == ONNX_FIRST_BYTE) {
                // "wrong magic number" would say it is no model at all
                throw new ModelFileException(name + ": an ONNX model, not a jvk model file; " + (length < 0
                        ? "jvk reads ONNX from a file (give its name: its external data is found beside it), not from standard input"
                        : "read it with OnnxModel.importMlp"));
            }
            long payloadLength = checkFrame(head, length >= 0 ? length : head.length == HEADER ? Long.MAX_VALUE : head.length, name);
            int total = (int) (HEADER + payloadLength + TRAILER);
            MemoryPlan.require(3L * total, name + ": a model of " + total + " bytes (the file, its weights and their gradients)");
            byte[] bytes;
            if (length >= 0) {
                bytes = Arrays.copyOf(head, total);
                int read = in.readNBytes(bytes, HEADER, total - HEADER);
                if (read < total - HEADER) {
                    throw new ModelFileException(name + ": truncated: " + (HEADER + read) + " bytes, the header promises " + total);
                }
            } else {
                bytes = readGrowing(in, head, total, name);
            }
            if (in.read() != -1) {
                throw new ModelFileException(name + ": unexpected bytes after the end of the model (the header promises " + total + ")");
            }
            return decode(bytes, name);
        }
    }

    /** The rest of a stream of unknown length, kept in an array that doubles as bytes arrive, up to {@code total}. */
    private static byte[] readGrowing(InputStream in, byte[] head, int total, String name) throws IOException {
        byte[] bytes = Arrays.copyOf(head, Math.min(total, 1 << 16));
        int filled = head.length;
        while (filled < total) {
            if (filled == bytes.length) {
                bytes = Arrays.copyOf(bytes, (int) Math.min(total, 2L * bytes.length));
            }
            int got = in.read(bytes, filled, bytes.length - filled);
            if (got < 0) {
                throw new ModelFileException(name + ": truncated: " + filled + " bytes, the header promises " + total);
            }
            filled += got;
        }
        return bytes;
    }

    /**
     * Checks the frame: magic, header, version, and the total length {@code 24 + P} against the
     * {@code fileLength}; {@code head} holds the file's first {@code min(20, fileLength)} bytes.
     * Returns the payload length {@code P}.
     */
    private static long checkFrame(byte[] head, long fileLength, String name) throws ModelFileException {
        if (head.length < MAGIC.length || !Arrays.equals(head, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new ModelFileException(name + ": not a jvk model file (wrong magic number)");
        }
        if (head.length < HEADER) {
            throw new ModelFileException(name + ": truncated: " + head.length + " bytes, the header alone is " + HEADER);
        }
        ByteBuffer in = ByteBuffer.wrap(head).order(ByteOrder.BIG_ENDIAN);
        int version = in.getInt(MAGIC.length);
        if (version < OLDEST_VERSION || version > VERSION) {
            throw new ModelFileException(name + ": model format version " + version + ", this jvk reads versions "
                    + OLDEST_VERSION + " to " + VERSION);
        }
        long payloadLength = in.getLong(MAGIC.length + 4);
        if (payloadLength < 0 || payloadLength > MAX_PAYLOAD) {
            throw new ModelFileException(name + ": the header promises a payload of " + payloadLength
                    + " bytes, more than a jvk model file holds (" + MAX_PAYLOAD + ")");
        }
        long expected = HEADER + payloadLength + TRAILER;
        if (fileLength < expected) {
            throw new ModelFileException(name + ": truncated: " + fileLength + " bytes, the header promises " + expected);
        }
        if (fileLength > expected && fileLength != Long.MAX_VALUE) {
            throw new ModelFileException(name + ": " + (fileLength - expected) + " unexpected bytes after the end of the model");
        }
        return payloadLength;
    }

    static Mlp decode(byte[] bytes, String name) throws ModelFileException {
        long payloadLength = checkFrame(Arrays.copyOf(bytes, Math.min(bytes.length, HEADER)), bytes.length, name);
        int version = ByteBuffer.wrap(bytes).getInt(MAGIC.length);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, (int) (HEADER + payloadLength));
        int stored = ByteBuffer.wrap(bytes, (int) (HEADER + payloadLength), 4).order(ByteOrder.BIG_ENDIAN).getInt();
        if (stored != (int) crc.getValue()) {
            throw new ModelFileException(name + ": checksum mismatch: the file is corrupted");
        }
        ByteBuffer payload = ByteBuffer.wrap(bytes, HEADER, (int) payloadLength).slice().order(ByteOrder.BIG_ENDIAN);
        try {
            Mlp mlp = decodePayload(payload, version, name);
            if (payload.hasRemaining()) {
                throw new ModelFileException(name + ": " + payload.remaining() + " unexpected bytes after the last layer");
            }
            return mlp;
        } catch (BufferUnderflowException e) {
            throw new ModelFileException(name + ": the payload ends in the middle of a field (inconsistent model description)");
        }
    }

    private static Mlp decodePayload(ByteBuffer in, int version, String name) throws ModelFileException {
        int inputs = positive(in.getInt(), "input count", name);
        int classes = positive(in.getInt(), "class count", name);
        // The first layer with weights takes `inputs` values (the layers before it keep the width), so its
        // weights alone need 4 * inputs bytes (1 * inputs when int8, version 3): a larger claim is refused
        // before any array is made of it.
        long leastWeightBytes = (long) inputs * (version >= 3 ? 1 : 4);
        if (leastWeightBytes > in.remaining()) {
            throw new ModelFileException(name + ": " + inputs + " inputs need at least " + leastWeightBytes
                    + " bytes of weights, " + in.remaining() + " remain");
        }
        String lossName = readUtf(in, name);
        Loss loss;
        try {
            loss = Loss.named(lossName);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(name + ": unknown loss " + DataException.printable(lossName) + " (expected softmax-cross-entropy or mse)");
        }
        int scalingKind = in.get();
        FeatureScaling.Kind[] kinds = FeatureScaling.Kind.values();
        if (scalingKind < 0 || scalingKind >= kinds.length) {
            throw new ModelFileException(name + ": unknown feature scaling code " + scalingKind);
        }
        FeatureScaling scaling = kinds[scalingKind] == FeatureScaling.Kind.NONE
                ? FeatureScaling.none(inputs)
                : readScaling(in, kinds[scalingKind], inputs, version, name);

        int layerCount = positive(in.getInt(), "layer count", name);
        if (layerCount > in.remaining() / 9) {
            throw new ModelFileException(name + ": " + layerCount + " layers cannot fit in the remaining " + in.remaining() + " bytes");
        }
        List<Layer> layers = new ArrayList<>(layerCount);
        int width = inputs;
        for (int i = 1; i <= layerCount; i++) {
            int tag = in.get();
            int layerIn = positive(in.getInt(), "layer " + i + " input size", name);
            int layerOut = positive(in.getInt(), "layer " + i + " output size", name);
            if (layerIn != width) {
                throw new ModelFileException(name + ": wrong architecture: layer " + i + " takes " + layerIn + " inputs but "
                        + (i == 1 ? "the model has " : "layer " + (i - 1) + " gives ") + width);
            }
            switch (tag) {
                case DENSE -> {
                    long values = (long) layerIn * layerOut + layerOut;
                    if (values * 4 > in.remaining()) {
                        throw new ModelFileException(name + ": layer " + i + " (dense " + layerIn + " x " + layerOut
                                + ") needs " + values * 4 + " bytes, " + in.remaining() + " remain");
                    }
                    Dense dense = new Dense(layerIn, layerOut);
                    in.asFloatBuffer().get(dense.weights());
                    in.position(in.position() + dense.weights().length * 4);
                    in.asFloatBuffer().get(dense.bias());
                    in.position(in.position() + dense.bias().length * 4);
                    layers.add(dense);
                }
                case DENSE_INT8, DENSE_BF16, DENSE_INT8_DYNAMIC -> layers.add(readQuantized(in, tag, version, i, layerIn, layerOut, name));
                case ACTIVATION -> {
                    sameSize(layerIn, layerOut, i, name);
                    int code = Byte.toUnsignedInt(in.get());   // uint8, as docs/model-format.md says
                    float parameter = in.getFloat();
                    Activation[] all = Activation.values();
                    if (code < 1 || code > all.length) {
                        throw new ModelFileException(name + ": layer " + i + " has unknown activation code " + code);
                    }
                    Activation activation = all[code - 1];
                    if (activation == Activation.LEAKY_RELU && !Float.isFinite(parameter)) {
                        throw new ModelFileException(name + ": layer " + i + " is a leaky ReLU of slope " + parameter + ", expected a finite slope");
                    }
                    if (activation != Activation.LEAKY_RELU && Float.floatToRawIntBits(parameter) != 0) {
                        throw new ModelFileException(name + ": layer " + i + " is a " + activation.cliName() + " with parameter " + parameter
                                + ", which takes none (0)");
                    }
                    layers.add(activation == Activation.LEAKY_RELU ? ActivationLayer.leakyRelu(parameter, layerIn) : new ActivationLayer(activation, layerIn));
                }
                case DROPOUT -> {
                    sameSize(layerIn, layerOut, i, name);
                    float rate = in.getFloat();
                    if (!(rate >= 0f && rate < 1f)) {
                        throw new ModelFileException(name + ": layer " + i + " has dropout rate " + rate + " outside [0, 1)");
                    }
                    layers.add(new Dropout(layerIn, rate, Mlp.layerSeed(0, 1000 + i)));
                }
                default -> throw new ModelFileException(name + ": layer " + i + " has unknown layer type " + tag);
            }
            width = layerOut;
        }
        if (width != classes) {
            throw new ModelFileException(name + ": wrong architecture: the last layer gives " + width + " outputs, the model declares " + classes + " classes");
        }
        Mlp mlp;
        try {
            mlp = new Mlp(layers, loss, scaling);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(name + ": wrong architecture: " + e.getMessage());
        }
        // save refuses such a model (it predicts NaN for every row), so the file was damaged or not written by jvk
        String nonFinite = mlp.nonFiniteParameter();
        if (nonFinite != null) {
            throw new ModelFileException(name + ": " + nonFinite + ": a model file holds finite weights only (jvk refuses to save any other)");
        }
        if (version >= 2) {
            ModelMetadata metadata = readMetadata(in, name);
            if (version >= MEANS_VERSION) {
                metadata = readMissingValueMeans(in, metadata, inputs, name);
            }
            try {
                mlp.setMetadata(metadata);
            } catch (IllegalArgumentException e) {
                throw new ModelFileException(name + ": metadata: " + e.getMessage());
            }
        }
        return mlp;
    }

    /**
     * The shift and scale of a scaling other than none: both stored before version 4; from version 4 a byte says which.
     * An omitted shift or scale is made of {@code inputs} values the file does not hold, so {@code inputs} is checked
     * here against the bytes left: the first layer's weights, still to come, need at least one byte per input.
     */
    private static FeatureScaling readScaling(ByteBuffer in, FeatureScaling.Kind kind, int inputs, int version, String name)
            throws ModelFileException {
        int stored = version >= 4 ? Byte.toUnsignedInt(in.get()) : SHIFT_STORED | SCALE_STORED;
        if ((stored & ~(SHIFT_STORED | SCALE_STORED)) != 0) {
            throw new ModelFileException(name + ": feature scaling: unknown flags " + stored
                    + " (expected 0 to 3: 1 when the shift is stored, plus 2 when the scale is)");
        }
        if (inputs > in.remaining()) {
            throw new ModelFileException(name + ": " + inputs + " inputs need at least " + inputs
                    + " bytes of weights, " + in.remaining() + " remain");
        }
        float[] shift = (stored & SHIFT_STORED) != 0 ? readFloats(in, inputs, name) : new float[inputs];
        float[] scale;
        if ((stored & SCALE_STORED) != 0) {
            scale = readFloats(in, inputs, name);
        } else {
            scale = new float[inputs];
            Arrays.fill(scale, 1f);
        }
        FeatureScaling scaling = new FeatureScaling(kind, shift, scale);
        // save refuses such a scaling (it makes its feature NaN or infinite for every row), as it refuses such weights
        String nonFinite = scaling.nonFiniteValue();
        if (nonFinite != null) {
            throw new ModelFileException(name + ": " + nonFinite + ": a model file holds a finite scaling only (jvk refuses to save any other)");
        }
        return scaling;
    }

    /**
     * A quantized dense layer (version 3 and later): int8 (and int8-dynamic, version 5) as its {@code out} scales, then
     * {@code out x in} bytes, then the bias; bf16 as {@code out x in} shorts, then the bias. The sizes are checked against the bytes left before
     * anything is allocated, and every scale must be finite and positive (the kernels need it, and a damaged
     * scale would silently zero or blow up a whole output unit).
     */
    private static QuantizedDense readQuantized(ByteBuffer in, int tag, int version, int i, int layerIn, int layerOut, String name)
            throws ModelFileException {
        boolean dynamic = tag == DENSE_INT8_DYNAMIC;
        boolean int8 = tag == DENSE_INT8 || dynamic;
        String what = "layer " + i + " (dense " + layerIn + " x " + layerOut + ", " + (dynamic ? "int8-dynamic" : int8 ? "int8" : "bf16") + ")";
        if (version < 3) {
            throw new ModelFileException(name + ": " + what + " is quantized, which needs format version 3; the file says " + version);
        }
        if (dynamic && version < DYNAMIC_VERSION) {
            throw new ModelFileException(name + ": " + what + " is dynamically quantized, which needs format version " + DYNAMIC_VERSION + "; the file says " + version);
        }
        if (dynamic && layerIn > LowPrecision.INT8_MAX_TERMS) {
            throw new ModelFileException(name + ": " + what + " takes more than " + LowPrecision.INT8_MAX_TERMS
                    + " inputs, beyond which an int32 sum of int8 products could overflow");
        }
        long weights = (long) layerIn * layerOut;
        long bytes = int8 ? weights + 8L * layerOut : 2 * weights + 4L * layerOut;
        if (bytes > in.remaining()) {
            throw new ModelFileException(name + ": " + what + " needs " + bytes + " bytes, " + in.remaining() + " remain");
        }
        if (weights > Integer.MAX_VALUE - 8) {
            throw new ModelFileException(name + ": " + what + " is too large for one array");
        }
        if (int8) {
            float[] scales = readFloats(in, layerOut, name);
            for (int j = 0; j < layerOut; j++) {
                if (!(scales[j] > 0f && Float.isFinite(scales[j]))) {
                    throw new ModelFileException(name + ": " + what + ": the scale of output unit " + j + " is " + scales[j]
                            + ", must be finite and > 0");
                }
            }
            byte[] q = new byte[(int) weights];
            in.get(q);
            float[] bias = readFloats(in, layerOut, name);
            return dynamic ? QuantizedDense.int8Dynamic(layerIn, layerOut, q, scales, bias) : QuantizedDense.int8(layerIn, layerOut, q, scales, bias);
        }
        short[] bf16 = new short[(int) weights];
        in.asShortBuffer().get(bf16);
        in.position(in.position() + bf16.length * 2);
        return QuantizedDense.bf16(layerIn, layerOut, bf16, readFloats(in, layerOut, name));
    }

    private static ModelMetadata readMetadata(ByteBuffer in, String name) throws ModelFileException {
        int taskCode = in.get();
        String task = switch (taskCode) {
            case TASK_CLASSIFICATION -> ModelMetadata.CLASSIFICATION;
            case TASK_REGRESSION -> ModelMetadata.REGRESSION;
            default -> throw new ModelFileException(name + ": metadata: unknown task code " + taskCode);
        };
        int labelColumn = in.getInt();
        List<String> classNames = readStrings(in, "class names", name);
        List<String> featureNames = readStrings(in, "feature names", name);
        List<String> targetNames = readStrings(in, "target names", name);
        int targets = in.getInt();
        if (targets < 0 || (long) targets * 8 > in.remaining()) {
            throw new ModelFileException(name + ": metadata: " + targets + " target means and deviations cannot fit in the remaining "
                    + in.remaining() + " bytes");
        }
        float[] mean = readFloats(in, targets, name);
        float[] std = readFloats(in, targets, name);
        try {
            return new ModelMetadata(task, classNames, featureNames, targetNames, labelColumn, mean, std);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(name + ": metadata: " + e.getMessage());
        }
    }

    /**
     * Version 6: the count, which must be {@code inputs} (a file without means is written in an older version),
     * then that many finite float32; the count is checked against the bytes left before anything is allocated.
     */
    private static ModelMetadata readMissingValueMeans(ByteBuffer in, ModelMetadata metadata, int inputs, String name)
            throws ModelFileException {
        String what = name + ": missing-value means: ";
        if (in.remaining() < 4) {
            throw new ModelFileException(what + "the section is missing or cut short (" + in.remaining() + " bytes left, its count needs 4)");
        }
        int count = in.getInt();
        if (count < 0 || (long) count * 4 > in.remaining()) {
            throw new ModelFileException(what + count + " values cannot fit in the remaining " + in.remaining() + " bytes");
        }
        if (count != inputs) {
            throw new ModelFileException(what + count + " values for a model of " + inputs + " features");
        }
        try {
            return metadata.withMissingValueMeans(readFloats(in, count, name));
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(what + e.getMessage());
        }
    }

    /** A count, then each string as its UTF-8 length and bytes; every length is checked against the bytes left before it is allocated. */
    private static List<String> readStrings(ByteBuffer in, String what, String name) throws ModelFileException {
        int count = in.getInt();
        if (count < 0 || count > in.remaining() / 4) {
            throw new ModelFileException(name + ": metadata: " + count + " " + what + " cannot fit in the remaining " + in.remaining() + " bytes");
        }
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        List<String> strings = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int length = in.getInt();
            if (length < 0 || length > in.remaining()) {
                throw new ModelFileException(name + ": metadata: " + what + " " + i + " of " + length + " bytes cannot fit in the remaining "
                        + in.remaining() + " bytes");
            }
            ByteBuffer utf = in.slice(in.position(), length);
            in.position(in.position() + length);
            try {
                strings.add(decoder.decode(utf).toString());
            } catch (CharacterCodingException e) {
                throw new ModelFileException(name + ": metadata: " + what + " " + i + " is not valid UTF-8");
            }
        }
        return strings;
    }

    private static int positive(int value, String what, String name) throws ModelFileException {
        if (value <= 0) {
            throw new ModelFileException(name + ": " + what + " is " + value + ", must be positive");
        }
        return value;
    }

    private static void sameSize(int in, int out, int layer, String name) throws ModelFileException {
        if (in != out) {
            throw new ModelFileException(name + ": wrong architecture: element-wise layer " + layer + " maps " + in + " to " + out);
        }
    }

    /** {@code n} floats, allocated only once the bytes left are known to hold them (a negative count is refused too). */
    private static float[] readFloats(ByteBuffer in, int n, String name) throws ModelFileException {
        if (n < 0 || (long) n * 4 > in.remaining()) {
            throw new ModelFileException(name + ": the payload ends in the middle of a field (inconsistent model description)");
        }
        float[] values = new float[n];
        in.asFloatBuffer().get(values);
        in.position(in.position() + n * 4);
        return values;
    }

    /** A UTF-8 string of at most 65,535 bytes, allocated only once the bytes left are known to hold it. */
    private static String readUtf(ByteBuffer in, String name) throws ModelFileException {
        int length = Short.toUnsignedInt(in.getShort());
        if (length > in.remaining()) {
            throw new ModelFileException(name + ": the payload ends in the middle of a field (inconsistent model description)");
        }
        byte[] utf = new byte[length];
        in.get(utf);
        return new String(utf, StandardCharsets.UTF_8);
    }
}
