package dev.jvk.nn.onnx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX graph described in the test, written to a file the way exporters write them (with the
 * package's {@link ProtoWriter}: the wire format is simple, the field numbers are ONNX's), and
 * evaluated independently in double precision by {@link #evaluate}, which reads this description,
 * never the file.
 */
final class TestGraph {
    /** How an initializer is stored. */
    enum Store { FLOAT_RAW, FLOAT_TYPED, DOUBLE_RAW, DOUBLE_TYPED, FLOAT16_RAW, FLOAT16_TYPED, INT64_RAW, INT64_TYPED }

    record Init(String name, long[] dims, double[] values, Store store) {}

    record Node(String op, String name, List<String> inputs, List<String> outputs, Map<String, Object> attributes) {}

    int opset = 17;
    /** The model's IR version (3 and 4: every initializer also listed among the graph's inputs, as older exporters wrote). */
    int irVersion = 8;
    /** The element type of the graph's inputs (1 float, 10 float16, 11 double). */
    int inputType = 1;
    String producer = "test";
    final List<Node> nodes = new ArrayList<>();
    final Map<String, Init> inits = new LinkedHashMap<>();
    final List<Object[]> inputs = new ArrayList<>();    // name, dims (Long or String)
    final List<String> outputs = new ArrayList<>();
    final Map<String, Object[]> outputDims = new HashMap<>();
    final Map<String, String> metadata = new LinkedHashMap<>();
    /** Node name to operator domain, for nodes outside the default one. */
    final Map<String, String> domains = new HashMap<>();
    /** Output name to its TypeProto, for outputs that are not float tensors (labels, ZipMap's sequence of maps). */
    final Map<String, ProtoWriter> outputTypes = new HashMap<>();
    /** Initializers written as given (external data, hostile claims, class labels); the oracle does not see them. */
    final List<ProtoWriter> rawInitializers = new ArrayList<>();

    TestGraph input(String name, Object... dims) {
        Object[] entry = new Object[dims.length + 1];
        entry[0] = name;
        System.arraycopy(dims, 0, entry, 1, dims.length);
        inputs.add(entry);
        return this;
    }

    TestGraph output(String name) {
        outputs.add(name);
        return this;
    }

    /** An output whose declared shape is {@code dims} (numbers fixed, strings symbolic), as exporters write it. */
    TestGraph output(String name, Object... dims) {
        outputDims.put(name, dims);
        return output(name);
    }

    /** An initializer; its values are rounded to what {@code store} can hold, as the file will carry them. */
    TestGraph init(String name, long[] dims, double[] values, Store store) {
        double[] held = values.clone();
        for (int i = 0; i < held.length; i++) {
            held[i] = switch (store) {
                case FLOAT_RAW, FLOAT_TYPED -> (float) held[i];
                case FLOAT16_RAW, FLOAT16_TYPED -> Float.float16ToFloat(Float.floatToFloat16((float) held[i]));
                default -> held[i];
            };
        }
        inits.put(name, new Init(name, dims, held, store));
        return this;
    }

    TestGraph node(String op, String name, List<String> in, String out, Object... attributes) {
        return node(op, name, in, List.of(out), attributes);
    }

    TestGraph node(String op, String name, List<String> in, List<String> out, Object... attributes) {
        Map<String, Object> a = new LinkedHashMap<>();
        for (int i = 0; i < attributes.length; i += 2) {
            a.put((String) attributes[i], attributes[i + 1]);
        }
        nodes.add(new Node(op, name, in, out, a));
        return this;
    }

    /** A Constant node holding a float scalar (PyTorch writes its literals this way). */
    TestGraph constant(String out, double value) {
        Init t = new Init(out, new long[0], new double[] {(float) value}, Store.FLOAT_RAW);
        return node("Constant", out, List.of(), out, "value", t);
    }

    // ---- writing ----

    byte[] bytes() {
        ProtoWriter graph = new ProtoWriter();
        for (Node n : nodes) {
            ProtoWriter node = new ProtoWriter();
            n.inputs().forEach(i -> node.string(1, i));
            n.outputs().forEach(o -> node.string(2, o));
            node.string(3, n.name()).string(4, n.op());
            if (domains.containsKey(n.name())) {
                node.string(7, domains.get(n.name()));
            }
            for (Map.Entry<String, Object> e : n.attributes().entrySet()) {
                ProtoWriter a = new ProtoWriter().string(1, e.getKey());
                switch (e.getValue()) {
                    case Long l -> a.varint(3, l).varint(20, 2);
                    case Integer i -> a.varint(3, i).varint(20, 2);
                    case Double d -> a.float32(2, d.floatValue()).varint(20, 1);
                    case Float f -> a.float32(2, f).varint(20, 1);
                    case String s -> a.string(4, s).varint(20, 3);
                    case Init t -> a.message(5, tensor(t)).varint(20, 4);
                    case float[] floats -> {
                        for (float f : floats) {
                            a.float32(7, f);
                        }
                        a.varint(20, 6);
                    }
                    case ProtoWriter g -> a.message(6, g).varint(20, 5);
                    case long[] ints -> {
                        for (long l : ints) {
                            a.varint(8, l);
                        }
                        a.varint(20, 7);
                    }
                    case String[] strings -> {
                        for (String str : strings) {
                            a.string(9, str);
                        }
                        a.varint(20, 8);
                    }
                    default -> throw new IllegalArgumentException("attribute " + e);
                }
                node.message(5, a);
            }
            graph.message(1, node);
        }
        graph.string(2, "test");
        for (Init t : inits.values()) {
            graph.message(5, tensor(t));
        }
        rawInitializers.forEach(t -> graph.message(5, t));
        for (Object[] in : inputs) {
            ProtoWriter type = new ProtoWriter().message(1, new ProtoWriter().varint(1, inputType).message(2, shape(in, 1)));
            graph.message(11, new ProtoWriter().string(1, (String) in[0]).message(2, type));
        }
        for (String out : outputs) {
            ProtoWriter tensorType = new ProtoWriter().varint(1, 1);
            if (outputDims.containsKey(out)) {
                tensorType.message(2, shape(outputDims.get(out), 0));
            }
            ProtoWriter type = outputTypes.getOrDefault(out, new ProtoWriter().message(1, tensorType));
            graph.message(12, new ProtoWriter().string(1, out).message(2, type));
        }
        ProtoWriter model = new ProtoWriter().varint(1, irVersion).string(2, producer).message(7, graph)
                .message(8, new ProtoWriter().string(1, "").varint(2, opset));
        if (!domains.isEmpty()) {
            model.message(8, new ProtoWriter().string(1, "ai.onnx.ml").varint(2, 1));
        }
        metadata.forEach((k, v) -> model.message(14, new ProtoWriter().string(1, k).string(2, v)));
        return model.toByteArray();
    }

    /** A TensorShapeProto of {@code dims} from index {@code from}: numbers fixed, strings symbolic. */
    private static ProtoWriter shape(Object[] dims, int from) {
        ProtoWriter shape = new ProtoWriter();
        for (int i = from; i < dims.length; i++) {
            ProtoWriter d = new ProtoWriter();
            if (dims[i] instanceof String p) {
                d.string(2, p);
            } else {
                d.varint(1, ((Number) dims[i]).longValue());
            }
            shape.message(1, d);
        }
        return shape;
    }

    /** A TypeProto of a tensor of {@code elemType} and shape {@code [N]} (a label output). */
    static ProtoWriter tensorType(int elemType) {
        return new ProtoWriter().message(1, new ProtoWriter().varint(1, elemType)
                .message(2, new ProtoWriter().message(1, new ProtoWriter().string(2, "N"))));
    }

    /** The TypeProto of ZipMap's output: a sequence of maps from {@code keyType} (7 int64, 8 string) to float. */
    static ProtoWriter sequenceOfMaps(int keyType) {
        ProtoWriter map = new ProtoWriter().varint(1, keyType).message(2, new ProtoWriter().message(1, new ProtoWriter().varint(1, 1)));
        return new ProtoWriter().message(4, new ProtoWriter().message(1, new ProtoWriter().message(5, map)));
    }

    /** A 1-D int32 initializer in {@code int32_data} (how onnx.helper writes class labels). */
    static ProtoWriter int32Tensor(String name, long... values) {
        ProtoWriter w = new ProtoWriter().varint(1, values.length).varint(2, 6).string(8, name);
        return w.packedVarints(5, values);
    }

    /** A 1-D string initializer in {@code string_data}. */
    static ProtoWriter stringTensor(String name, String... values) {
        ProtoWriter w = new ProtoWriter().varint(1, values.length).varint(2, 8).string(8, name);
        for (String v : values) {
            w.string(6, v);
        }
        return w;
    }

    Path write(Path file) throws IOException {
        Files.write(file, bytes());
        return file;
    }

    static ProtoWriter tensor(Init t) {
        ProtoWriter w = new ProtoWriter();
        for (long d : t.dims()) {
            w.varint(1, d);   // unpacked, as some writers do; the reader takes both
        }
        int type = switch (t.store()) {
            case FLOAT_RAW, FLOAT_TYPED -> 1;
            case DOUBLE_RAW, DOUBLE_TYPED -> 11;
            case FLOAT16_RAW, FLOAT16_TYPED -> 10;
            case INT64_RAW, INT64_TYPED -> 7;
        };
        w.varint(2, type).string(8, t.name());
        double[] v = t.values();
        switch (t.store()) {
            case FLOAT_RAW -> {
                ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                for (double x : v) {
                    b.putFloat((float) x);
                }
                w.bytes(9, b.array());
            }
            case FLOAT_TYPED -> {
                for (double x : v) {
                    w.float32(4, (float) x);   // one tag per value (unpacked)
                }
            }
            case DOUBLE_RAW -> {
                ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                for (double x : v) {
                    b.putDouble(x);
                }
                w.bytes(9, b.array());
            }
            case DOUBLE_TYPED -> {
                ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                for (double x : v) {
                    b.putDouble(x);
                }
                w.bytes(10, b.array());   // packed
            }
            case FLOAT16_RAW -> {
                ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                for (double x : v) {
                    b.putShort(Float.floatToFloat16((float) x));
                }
                w.bytes(9, b.array());
            }
            case FLOAT16_TYPED -> {
                long[] bits = new long[v.length];
                for (int i = 0; i < v.length; i++) {
                    bits[i] = Float.floatToFloat16((float) v[i]) & 0xFFFF;
                }
                w.packedVarints(5, bits);
            }
            case INT64_RAW -> {
                ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                for (double x : v) {
                    b.putLong((long) x);
                }
                w.bytes(9, b.array());
            }
            case INT64_TYPED -> {
                long[] l = new long[v.length];
                for (int i = 0; i < v.length; i++) {
                    l[i] = (long) v[i];
                }
                w.packedVarints(7, l);
            }
        }
        return w;
    }

    // ---- the oracle: the graph evaluated in double, node by node ----

    record Arr(long[] dims, double[] v) {
        int size() {
            return v.length;
        }
    }

    /** The graph's first output for {@code rows} samples of {@code x}, in double. */
    double[] evaluate(float[] x, int rows) {
        return evaluate(x, rows, outputs.getFirst());
    }

    /**
     * The value {@code output} for {@code rows} samples of {@code x}, in double. Nodes reading what the oracle does not
     * compute (labels: ArgMax, ArrayFeatureExtractor, ZipMap, and what follows them) are left out.
     */
    double[] evaluate(float[] x, int rows, String output) {
        Map<String, Arr> values = new HashMap<>();
        inits.values().forEach(t -> values.put(t.name(), new Arr(t.dims(), t.values())));
        Object[] in = inputs.getFirst();
        long[] dims = new long[in.length - 1];
        dims[0] = rows;
        int features = 1;
        for (int i = 2; i < in.length; i++) {
            dims[i - 1] = ((Number) in[i]).longValue();
            features *= (int) dims[i - 1];
        }
        double[] xv = new double[rows * features];
        for (int i = 0; i < xv.length; i++) {
            xv[i] = x[i];
        }
        values.put((String) in[0], new Arr(dims, xv));
        for (Node n : nodes) {
            List<Arr> a = new ArrayList<>();
            boolean computed = !List.of("ArgMax", "ArrayFeatureExtractor", "ZipMap").contains(n.op());
            for (String i : n.inputs()) {
                a.add(i.isEmpty() ? null : values.get(i));
                computed &= i.isEmpty() || values.containsKey(i);
            }
            if (computed) {
                values.put(n.outputs().getFirst(), apply(n, a));
            }
        }
        return values.get(output).v();
    }

    private Arr apply(Node n, List<Arr> a) {
        Map<String, Object> at = n.attributes();
        return switch (n.op()) {
            case "Identity", "Dropout" -> a.get(0);
            case "Constant" -> {
                Init t = (Init) at.get("value");
                yield new Arr(t.dims(), t.values());
            }
            case "Cast" -> {
                long to = ((Number) at.get("to")).longValue();
                double[] v = a.get(0).v().clone();
                if (to == 1) {
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (float) v[i];
                    }
                }
                yield new Arr(a.get(0).dims(), v);
            }
            case "Scaler" -> {
                float[] offset = (float[]) at.get("offset");
                float[] scale = (float[]) at.get("scale");
                Arr x = a.get(0);
                int f = (int) x.dims()[x.dims().length - 1];
                double[] out = new double[x.size()];
                for (int i = 0; i < out.length; i++) {
                    int c = i % f;
                    out[i] = ((double) x.v()[i] - offset[offset.length == 1 ? 0 : c]) * scale[scale.length == 1 ? 0 : c];
                }
                yield new Arr(x.dims(), out);
            }
            case "Relu" -> map(a.get(0), v -> Math.max(0, v));
            case "LeakyRelu" -> {
                double alpha = ((Number) at.getOrDefault("alpha", 0.01f)).floatValue();
                yield map(a.get(0), v -> v >= 0 ? v : alpha * v);
            }
            case "Tanh" -> map(a.get(0), Math::tanh);
            case "Sigmoid" -> map(a.get(0), v -> 1 / (1 + Math.exp(-v)));
            case "Erf" -> map(a.get(0), TestGraph::erf);
            case "Gelu" -> "tanh".equals(at.get("approximate"))
                    ? map(a.get(0), v -> 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))))
                    : map(a.get(0), v -> 0.5 * v * (1 + erf(v / Math.sqrt(2))));
            case "Pow" -> binary(a.get(0), a.get(1), Math::pow);
            case "Add" -> binary(a.get(0), a.get(1), Double::sum);
            case "Sub" -> binary(a.get(0), a.get(1), (p, q) -> p - q);
            case "Mul" -> binary(a.get(0), a.get(1), (p, q) -> p * q);
            case "Div" -> binary(a.get(0), a.get(1), (p, q) -> p / q);
            case "Concat" -> {   // of [rows, p] and [rows, q] along axis 1
                Arr p = a.get(0);
                Arr q = a.get(1);
                int rows = (int) p.dims()[0];
                int pc = p.size() / rows;
                int qc = q.size() / rows;
                double[] out = new double[p.size() + q.size()];
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(p.v(), r * pc, out, r * (pc + qc), pc);
                    System.arraycopy(q.v(), r * qc, out, r * (pc + qc) + pc, qc);
                }
                yield new Arr(new long[] {rows, pc + qc}, out);
            }
            case "Flatten" -> {
                long[] d = a.get(0).dims();
                yield new Arr(new long[] {d[0], a.get(0).size() / d[0]}, a.get(0).v());
            }
            case "Reshape" -> {
                long[] s = a.get(1).v().length == 0 ? new long[0] : Arrays.stream(a.get(1).v()).mapToLong(d -> (long) d).toArray();
                long[] d = a.get(0).dims();
                long known = 1;
                int infer = -1;
                for (int i = 0; i < s.length; i++) {
                    if (s[i] == 0) {
                        s[i] = d[i];
                    }
                    if (s[i] == -1) {
                        infer = i;
                    } else {
                        known *= s[i];
                    }
                }
                if (infer >= 0) {
                    s[infer] = a.get(0).size() / known;
                }
                yield new Arr(s, a.get(0).v());
            }
            case "MatMul" -> gemm(a.get(0), a.get(1), null, false, false, 1, 1);
            case "Gemm" -> gemm(a.get(0), a.get(1), a.size() > 2 ? a.get(2) : null,
                    ((Number) at.getOrDefault("transA", 0L)).longValue() != 0,
                    ((Number) at.getOrDefault("transB", 0L)).longValue() != 0,
                    ((Number) at.getOrDefault("alpha", 1f)).floatValue(), ((Number) at.getOrDefault("beta", 1f)).floatValue());
            case "Softmax", "LogSoftmax" -> {
                Arr x = a.get(0);
                int cols = (int) x.dims()[x.dims().length - 1];
                double[] out = new double[x.size()];
                for (int r = 0; r < x.size() / cols; r++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int c = 0; c < cols; c++) {
                        max = Math.max(max, x.v()[r * cols + c]);
                    }
                    double sum = 0;
                    for (int c = 0; c < cols; c++) {
                        sum += Math.exp(x.v()[r * cols + c] - max);
                    }
                    for (int c = 0; c < cols; c++) {
                        double z = x.v()[r * cols + c] - max;
                        out[r * cols + c] = n.op().equals("Softmax") ? Math.exp(z) / sum : z - Math.log(sum);
                    }
                }
                yield new Arr(x.dims(), out);
            }
            default -> throw new IllegalArgumentException("the oracle has no " + n.op());
        };
    }

    private static Arr map(Arr x, java.util.function.DoubleUnaryOperator f) {
        double[] out = new double[x.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = f.applyAsDouble(x.v()[i]);
        }
        return new Arr(x.dims(), out);
    }

    /** Numpy broadcasting of two arrays. */
    private static Arr binary(Arr p, Arr q, java.util.function.DoubleBinaryOperator f) {
        int rank = Math.max(p.dims().length, q.dims().length);
        long[] d = new long[rank];
        long[] pd = aligned(p.dims(), rank);
        long[] qd = aligned(q.dims(), rank);
        int size = 1;
        for (int i = 0; i < rank; i++) {
            d[i] = Math.max(pd[i], qd[i]);
            size *= (int) d[i];
        }
        double[] out = new double[size];
        int[] idx = new int[rank];
        for (int j = 0; j < size; j++) {
            out[j] = f.applyAsDouble(p.v()[flat(idx, pd)], q.v()[flat(idx, qd)]);
            for (int i = rank - 1; i >= 0 && ++idx[i] == d[i]; i--) {
                idx[i] = 0;
            }
        }
        return new Arr(d, out);
    }

    private static long[] aligned(long[] dims, int rank) {
        long[] a = new long[rank];
        Arrays.fill(a, 1);
        System.arraycopy(dims, 0, a, rank - dims.length, dims.length);
        return a;
    }

    private static int flat(int[] idx, long[] dims) {
        int at = 0;
        for (int i = 0; i < dims.length; i++) {
            at = at * (int) dims[i] + (dims[i] == 1 ? 0 : idx[i]);
        }
        return at;
    }

    private static Arr gemm(Arr a, Arr b, Arr c, boolean ta, boolean tb, double alpha, double beta) {
        int m = (int) (ta ? a.dims()[1] : a.dims()[0]);
        int k = (int) (ta ? a.dims()[0] : a.dims()[1]);
        int n = (int) (tb ? b.dims()[0] : b.dims()[1]);
        double[] out = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (ta ? a.v()[p * m + i] : a.v()[i * k + p]) * (tb ? b.v()[j * k + p] : b.v()[p * n + j]);
                }
                out[i * n + j] = alpha * s;
            }
        }
        Arr r = new Arr(new long[] {m, n}, out);
        return c == null ? r : binary(r, map(c, v -> beta * v), Double::sum);
    }

    /** erf in double: its Taylor series near 0, the continued fraction of erfc further out. */
    static double erf(double x) {
        double ax = Math.abs(x);
        if (ax < 2.5) {
            double term = x;
            double sum = x;
            for (int n = 1; n < 100; n++) {
                term *= -x * x / n;
                sum += term / (2 * n + 1);
            }
            return 2 / Math.sqrt(Math.PI) * sum;
        }
        double f = ax;
        for (int k = 80; k >= 1; k--) {
            f = ax + (k / 2.0) / f;
        }
        double erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
        return Math.signum(x) * (1 - erfc);
    }
}
