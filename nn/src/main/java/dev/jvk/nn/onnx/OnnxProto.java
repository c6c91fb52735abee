package dev.jvk.nn.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The subset of {@code onnx.proto3} that a feed-forward graph uses, as records, and its decoding
 * from the wire format. Field numbers are ONNX's (public, stable since IR version 3). Tensor data is
 * not decoded here: a {@link Tensor} keeps a view of its message, decoded only when the graph uses
 * it ({@link TensorData}), so parsing allocates in proportion to the bytes read and never to what a
 * tensor's dimensions claim.
 */
final class OnnxProto {
    // TensorProto.DataType
    static final int FLOAT = 1;
    static final int UINT8 = 2;
    static final int INT8 = 3;
    static final int INT32 = 6;
    static final int INT64 = 7;
    static final int STRING = 8;
    static final int BOOL = 9;
    static final int FLOAT16 = 10;
    static final int DOUBLE = 11;
    static final int BFLOAT16 = 16;

    // AttributeProto.AttributeType
    static final int ATTR_FLOAT = 1;
    static final int ATTR_INT = 2;
    static final int ATTR_STRING = 3;
    static final int ATTR_TENSOR = 4;
    static final int ATTR_FLOATS = 6;
    static final int ATTR_INTS = 7;
    static final int ATTR_STRINGS = 8;

    /** More dimensions than any tensor jvk could use; bounds what a hostile {@code dims} list costs. */
    static final int MAX_RANK = 32;

    private OnnxProto() {}

    /** The operators jvk maps, each name once, for the nodes that name them. */
    private static final Map<String, String> KNOWN_OPS = new java.util.HashMap<>();

    static {
        GraphMatcher.OPS.forEach(op -> KNOWN_OPS.put(op, op));
        GraphMatcher.ML_OPS.forEach(op -> KNOWN_OPS.put(op, op));
    }

    record Model(long irVersion, Map<String, Long> opsets, String producer, String producerVersion, Graph graph,
                 Map<String, String> metadata) {}

    record Graph(String name, List<Node> nodes, Map<String, Tensor> initializers, List<ValueInfo> inputs,
                 List<ValueInfo> outputs) {}

    record Node(int index, String name, String opType, String domain, List<String> inputs, List<String> outputs,
                Map<String, Attribute> attributes) {
        /** How errors name the node: {@code node 'fc1' (Gemm)}, or by its position when unnamed. */
        String label() {
            return (name.isEmpty() ? "node #" + index : "node '" + name + "'") + " (" + opType + ")";
        }

        /** The input at {@code i}, or "" when absent (ONNX's empty name for an omitted optional input). */
        String input(int i) {
            return i < inputs.size() ? inputs.get(i) : "";
        }
    }

    record Attribute(String name, int type, float f, long i, String s, Tensor t, float[] floats, long[] ints, List<String> strings) {}

    /**
     * A tensor's header and where its whole {@code TensorProto} message is in the file, for {@link TensorData}: the
     * offsets rather than a view, which would cost the heap more than a small tensor's bytes.
     */
    record Tensor(String name, long[] dims, int dataType, boolean external, Map<String, String> externalData,
                  ByteBuffer file, int start, int length) {
        /** A view of the {@code TensorProto} message's bytes. */
        ByteBuffer body() {
            return file.slice(start, length).order(ByteOrder.LITTLE_ENDIAN);
        }

        long elements() {
            long n = 1;
            for (long d : dims) {
                n = d == 0 || n == 0 ? 0 : (Long.MAX_VALUE / d < n ? -1 : n * d);
                if (n < 0) {
                    return -1;
                }
            }
            return n;
        }

        @Override
        public String toString() {
            return "tensor '" + name + "' " + Arrays.toString(dims);
        }
    }

    /** A dimension: its value, or -1 with a symbolic {@code param} (possibly empty) when it is not fixed. */
    record Dim(long value, String param) {}

    /** A graph input or output; {@code shape} is null when the file gives none. */
    record ValueInfo(String name, boolean tensor, int elemType, List<Dim> shape) {}

    static Model model(ByteBuffer file, String fileName) throws OnnxFormatException {
        ProtoReader r = ProtoReader.of(file, fileName + ": ModelProto");
        long ir = 0;
        Map<String, Long> opsets = new LinkedHashMap<>();
        String producer = "";
        String producerVersion = "";
        Graph graph = null;
        Map<String, String> metadata = new LinkedHashMap<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> ir = r.integer();
                case 2 -> producer = r.string();
                case 3 -> producerVersion = r.string();
                case 7 -> {
                    if (graph != null) {
                        throw r.error("the model has two graphs");
                    }
                    graph = graph(r.nested("GraphProto"));
                }
                case 8 -> {
                    ProtoReader o = r.nested("OperatorSetIdProto");
                    String domain = "";
                    long version = 0;
                    while (o.next()) {
                        switch (o.field()) {
                            case 1 -> domain = o.string();
                            case 2 -> version = o.integer();
                            default -> o.skip();
                        }
                    }
                    opsets.put(domain, version);
                }
                case 14 -> {
                    String[] kv = entry(r.nested("StringStringEntryProto"));
                    metadata.put(kv[0], kv[1]);
                }
                default -> r.skip();
            }
        }
        if (graph == null) {
            throw new OnnxFormatException(fileName + ": not an ONNX model (no graph; ir_version " + ir + ")");
        }
        return new Model(ir, opsets, producer, producerVersion, graph, metadata);
    }

    private static Graph graph(ProtoReader r) throws OnnxFormatException {
        String name = "";
        List<Node> nodes = new ArrayList<>();
        Map<String, Tensor> initializers = new LinkedHashMap<>();
        List<ValueInfo> inputs = new ArrayList<>();
        List<ValueInfo> outputs = new ArrayList<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> nodes.add(node(r.nested("NodeProto"), nodes.size()));
                case 2 -> name = r.string();
                case 5 -> {
                    Tensor t = tensor(r.nested("TensorProto"));
                    if (initializers.put(t.name(), t) != null) {
                        throw r.error("two initializers are named '" + t.name() + "'");
                    }
                }
                case 11 -> inputs.add(valueInfo(r.nested("ValueInfoProto")));
                case 12 -> outputs.add(valueInfo(r.nested("ValueInfoProto")));
                case 15 -> throw r.error("sparse initializers are not supported");
                default -> r.skip();
            }
        }
        return new Graph(name, nodes, initializers, inputs, outputs);
    }

    private static Node node(ProtoReader r, int index) throws OnnxFormatException {
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        String name = "";
        String op = "";
        String domain = "";
        Map<String, Attribute> attributes = new LinkedHashMap<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> inputs.add(r.string());
                case 2 -> outputs.add(r.string());
                case 3 -> name = r.string();
                case 4 -> op = r.string();
                case 5 -> {
                    Attribute a = attribute(r.nested("AttributeProto"));
                    attributes.put(a.name(), a);
                }
                case 7 -> domain = r.string();
                default -> r.skip();
            }
        }
        if (op.isEmpty()) {
            // refused here, not after the whole list: a two-byte empty node would otherwise cost the heap ~100 times its size
            throw r.error("node #" + index + (name.isEmpty() ? "" : " '" + name + "'") + " has no op_type");
        }
        // the shared empty list and map where a node has none, and the operator's name shared with every node of that
        // operator: a node costs the heap a few times the bytes it was read from
        String known = KNOWN_OPS.get(op);
        return new Node(index, name, known != null ? known : op, domain, inputs.isEmpty() ? List.of() : inputs, outputs.isEmpty() ? List.of() : outputs,
                attributes.isEmpty() ? Map.of() : attributes);
    }

    private static Attribute attribute(ProtoReader r) throws OnnxFormatException {
        String name = "";
        int type = 0;
        float f = 0;
        long i = 0;
        String s = "";
        Tensor t = null;
        FloatList floats = new FloatList();
        LongList ints = new LongList();
        List<String> strings = new ArrayList<>();   // each read from at least one byte of the file
        while (r.next()) {
            switch (r.field()) {
                case 1 -> name = r.string();
                case 20 -> type = (int) r.integer();
                case 2 -> f = r.float32();
                case 3 -> i = r.integer();
                case 4 -> s = r.string();
                case 5 -> t = tensor(r.nested("TensorProto"));
                case 7 -> {
                    if (r.wireType() == ProtoReader.LENGTH) {
                        ProtoReader p = r.nested("packed floats");
                        while (p.remaining() > 0) {
                            floats.add(Float.intBitsToFloat(p.fixed32()));
                        }
                    } else {
                        floats.add(r.float32());
                    }
                }
                case 8 -> varints(r, ints, Integer.MAX_VALUE);
                case 9 -> strings.add(r.string());   // ZipMap's classlabels_strings
                default -> r.skip();   // graphs, sparse tensors, type protos: no op jvk maps has them
            }
        }
        return new Attribute(name, type, f, i, s, t, floats.toArray(), ints.toArray(), List.copyOf(strings));
    }

    static Tensor tensor(ProtoReader r) throws OnnxFormatException {
        String name = "";
        LongList dims = new LongList();
        int type = 0;
        boolean external = false;
        Map<String, String> externalData = new LinkedHashMap<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> varints(r, dims, MAX_RANK);
                case 2 -> type = (int) r.integer();
                case 3 -> throw r.error("segmented tensors are not supported");
                case 8 -> name = r.string();
                case 13 -> {
                    String[] kv = entry(r.nested("StringStringEntryProto"));
                    externalData.put(kv[0], kv[1]);
                }
                case 14 -> external = r.integer() == 1;
                default -> r.skip();
            }
        }
        long[] d = dims.toArray();
        for (long v : d) {
            if (v < 0) {
                throw r.error("tensor '" + name + "' has a negative dimension " + Arrays.toString(d));
            }
        }
        // the shared empty map where there is no external data: a tensor costs the heap a few times the bytes it was read from
        return new Tensor(name, d, type, external, externalData.isEmpty() ? Map.of() : externalData, r.buffer(),
                r.start(), r.size());
    }

    private static ValueInfo valueInfo(ProtoReader r) throws OnnxFormatException {
        String name = "";
        boolean tensor = false;
        int elemType = 0;
        List<Dim> shape = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> name = r.string();
                case 2 -> {
                    ProtoReader type = r.nested("TypeProto");
                    while (type.next()) {
                        if (type.field() != 1) {
                            type.skip();
                            continue;
                        }
                        tensor = true;
                        ProtoReader t = type.nested("TypeProto.Tensor");
                        while (t.next()) {
                            switch (t.field()) {
                                case 1 -> elemType = (int) t.integer();
                                case 2 -> shape = shape(t.nested("TensorShapeProto"));
                                default -> t.skip();
                            }
                        }
                    }
                }
                default -> r.skip();
            }
        }
        return new ValueInfo(name, tensor, elemType, shape);
    }

    private static List<Dim> shape(ProtoReader r) throws OnnxFormatException {
        List<Dim> dims = new ArrayList<>();
        while (r.next()) {
            if (r.field() != 1) {
                r.skip();
                continue;
            }
            if (dims.size() == MAX_RANK) {
                throw r.error("a shape has more than " + MAX_RANK + " dimensions");
            }
            ProtoReader d = r.nested("TensorShapeProto.Dimension");
            long value = -1;
            String param = "";
            while (d.next()) {
                switch (d.field()) {
                    case 1 -> value = d.integer();
                    case 2 -> param = d.string();
                    default -> d.skip();
                }
            }
            dims.add(new Dim(value, param));
        }
        return dims;
    }

    private static String[] entry(ProtoReader r) throws OnnxFormatException {
        String key = "";
        String value = "";
        while (r.next()) {
            switch (r.field()) {
                case 1 -> key = r.string();
                case 2 -> value = r.string();
                default -> r.skip();
            }
        }
        return new String[] {key, value};
    }

    /** A repeated varint field, packed or not, appended to {@code into} (at most {@code max} values). */
    static void varints(ProtoReader r, LongList into, int max) throws OnnxFormatException {
        if (r.wireType() == ProtoReader.LENGTH) {
            ProtoReader p = r.nested("packed varints");
            while (p.remaining() > 0) {
                into.add(p.varint(), max, r);
            }
        } else {
            into.add(r.integer(), max, r);
        }
    }

    /** A growing long array; every value added was read from at least one byte of the file. */
    static final class LongList {
        private static final long[] NONE = new long[0];
        private long[] values = NONE;   // most lists are empty (a scalar's dims): nothing allocated for them
        private int size;

        void add(long v, int max, ProtoReader r) throws OnnxFormatException {
            if (size == max) {
                throw r.error("more than " + max + " values in a repeated field");
            }
            if (size == values.length) {
                values = Arrays.copyOf(values, Math.max(4, 2 * size));
            }
            values[size++] = v;
        }

        long[] toArray() {
            return size == 0 ? NONE : Arrays.copyOf(values, size);
        }
    }

    /** A growing float array; every value added was read from four bytes of the file. */
    static final class FloatList {
        private static final float[] NONE = new float[0];
        private float[] values = NONE;
        private int size;

        void add(float v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, Math.max(4, 2 * size));
            }
            values[size++] = v;
        }

        float[] toArray() {
            return size == 0 ? NONE : Arrays.copyOf(values, size);
        }
    }
}
