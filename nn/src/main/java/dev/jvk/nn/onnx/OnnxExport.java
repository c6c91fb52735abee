package dev.jvk.nn.onnx;

import dev.jvk.nn.ActivationLayer;
import dev.jvk.nn.Dense;
import dev.jvk.nn.Dropout;
import dev.jvk.nn.Layer;
import dev.jvk.nn.Mlp;
import dev.jvk.nn.QuantizedDense;
import dev.jvk.nn.SoftmaxCrossEntropy;
import dev.jvk.nn.data.FeatureScaling;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes an {@link Mlp} as an ONNX graph: for a model that stores missing-value means, {@code IsNaN} and
 * {@code Where} that put the training mean in place of a NaN (a missing value) before anything else, as
 * jvk's predict fills a missing cell; {@code Sub} and {@code Mul} for the input scaling (the
 * same float operations jvk performs, so bitwise the same scaled input), one {@code Gemm} per
 * {@link Dense} (weights {@code in x out} as B, bias as C), the activations ({@code Gelu} from opset
 * 20, with {@code approximate="tanh"} for the tanh form; before that the sub-graphs PyTorch writes, erf's and
 * {@code 0.5 x (1 + Tanh(sqrt(2/pi) (x + 0.044715 Pow(x, 3))))}; SiLU as {@code Sigmoid} and {@code Mul}),
 * dropout left out (the identity at inference), a {@code Softmax} output for classifiers, and for a regressor
 * trained on standardised targets {@code Mul} and {@code Add} that map its outputs back, as {@link Mlp#predict} does. A
 * {@link QuantizedDense} keeps its stored weights: int8 through {@code DequantizeLinear} (one scale
 * per output unit), bf16 through {@code Cast}, then {@code Gemm} with {@code transB=1}; an int8-dynamic
 * layer as the sub-graph of float operations that quantizes each input row as jvk does
 * ({@code dynamicLayer}).
 */
final class OnnxExport {
    static final int DEFAULT_OPSET = 17;
    static final int MIN_OPSET = 13;
    static final String MISSING_MEANS = "missing.means";

    private OnnxExport() {}

    private record NodeSpec(String op, List<String> inputs, String output, List<ProtoWriter> attributes) {}

    static byte[] encode(Mlp mlp, Map<String, String> metadata, int opset) {
        List<NodeSpec> nodes = new ArrayList<>();
        ProtoWriter graph = new ProtoWriter();
        String x = "input";
        float[] means = mlp.metadata().missingValueMeans();
        if (means.length > 0) {
            // IsNaN (opset 9, 13, 20) and Where (9, 16) cover every opset the export writes; Where copies, so bitwise the fill
            graph.message(5, tensor(MISSING_MEANS, new long[] {means.length}, means));
            nodes.add(new NodeSpec("IsNaN", List.of(x), "input.missing", List.of()));
            nodes.add(new NodeSpec("Where", List.of("input.missing", MISSING_MEANS, x), "filled", List.of()));
            x = "filled";
        }
        FeatureScaling scaling = mlp.scaling();
        if (scaling.kind() != FeatureScaling.Kind.NONE) {
            graph.message(5, tensor("scaling.shift", new long[] {scaling.features()}, scaling.shift()));
            graph.message(5, tensor("scaling.scale", new long[] {scaling.features()}, scaling.scale()));
            nodes.add(new NodeSpec("Sub", List.of(x, "scaling.shift"), "shifted", List.of()));
            nodes.add(new NodeSpec("Mul", List.of("shifted", "scaling.scale"), "scaled", List.of()));
            x = "scaled";
        }
        boolean geluConstants = false;
        boolean geluTanhConstants = false;
        boolean dynamicConstants = false;
        int index = 0;
        for (Layer layer : mlp.layers()) {
            index++;
            String out = "layer" + index;
            switch (layer) {
                case Dense d -> {
                    String w = "dense" + index + ".weight";
                    String b = "dense" + index + ".bias";
                    graph.message(5, tensor(w, new long[] {d.inputSize(), d.outputSize()}, d.weights()));
                    graph.message(5, tensor(b, new long[] {d.outputSize()}, d.bias()));
                    nodes.add(new NodeSpec("Gemm", List.of(x, w, b), out, List.of()));
                }
                case QuantizedDense q when q.format() == QuantizedDense.Format.INT8_DYNAMIC -> {
                    if (!dynamicConstants) {
                        dynamicConstants(graph, opset);
                        dynamicConstants = true;
                    }
                    dynamicLayer(graph, nodes, q, "dense" + index + ".", x, out, opset);
                }
                case QuantizedDense q -> {
                    // weight-only quantization, as jvk computes it: the activations stay float, so the faithful graph
                    // widens the stored weights to float (QLinearMatMul and MatMulInteger would quantize the activations)
                    String w = "dense" + index + ".weight";
                    String b = "dense" + index + ".bias";
                    long[] dims = {q.outputSize(), q.inputSize()};   // out x in, as the layer stores them: Gemm's transB=1
                    if (q.format() == QuantizedDense.Format.INT8) {
                        graph.message(5, rawTensor(w + ".int8", dims, OnnxProto.INT8, q.int8Weights()));
                        graph.message(5, tensor(w + ".scale", new long[] {q.outputSize()}, q.scales()));
                        graph.message(5, rawTensor(w + ".zero_point", new long[] {q.outputSize()}, OnnxProto.INT8, new byte[q.outputSize()]));
                        nodes.add(new NodeSpec("DequantizeLinear", List.of(w + ".int8", w + ".scale", w + ".zero_point"), w,
                                List.of(intAttribute("axis", 0))));
                    } else {
                        short[] weights = q.bf16Weights();
                        ByteBuffer bits = ByteBuffer.allocate(weights.length * 2).order(ByteOrder.LITTLE_ENDIAN);
                        bits.asShortBuffer().put(weights);
                        graph.message(5, rawTensor(w + ".bf16", dims, OnnxProto.BFLOAT16, bits.array()));
                        nodes.add(new NodeSpec("Cast", List.of(w + ".bf16"), w, List.of(intAttribute("to", OnnxProto.FLOAT))));
                    }
                    graph.message(5, tensor(b, new long[] {q.outputSize()}, q.bias()));
                    nodes.add(new NodeSpec("Gemm", List.of(x, w, b), out, List.of(intAttribute("transB", 1))));
                }
                case ActivationLayer a -> {
                    switch (a.activation()) {
                        case RELU -> nodes.add(new NodeSpec("Relu", List.of(x), out, List.of()));
                        case LEAKY_RELU -> nodes.add(new NodeSpec("LeakyRelu", List.of(x), out,
                                List.of(floatAttribute("alpha", a.slope()))));
                        case TANH -> nodes.add(new NodeSpec("Tanh", List.of(x), out, List.of()));
                        case SIGMOID -> nodes.add(new NodeSpec("Sigmoid", List.of(x), out, List.of()));
                        case SILU -> {
                            nodes.add(new NodeSpec("Sigmoid", List.of(x), out + ".sigmoid", List.of()));
                            nodes.add(new NodeSpec("Mul", List.of(x, out + ".sigmoid"), out, List.of()));
                        }
                        case GELU -> {
                            if (opset >= 20) {
                                nodes.add(new NodeSpec("Gelu", List.of(x), out, List.of()));
                            } else {
                                if (!geluConstants) {
                                    graph.message(5, tensor("gelu.sqrt2", new long[0], new float[] {(float) Math.sqrt(2)}));
                                    graph.message(5, tensor("gelu.one", new long[0], new float[] {1f}));
                                    graph.message(5, tensor("gelu.half", new long[0], new float[] {0.5f}));
                                    geluConstants = true;
                                }
                                // x * 0.5 * (1 + erf(x / sqrt 2)), in the order PyTorch's exporter writes it
                                nodes.add(new NodeSpec("Div", List.of(x, "gelu.sqrt2"), out + ".div", List.of()));
                                nodes.add(new NodeSpec("Erf", List.of(out + ".div"), out + ".erf", List.of()));
                                nodes.add(new NodeSpec("Add", List.of(out + ".erf", "gelu.one"), out + ".add", List.of()));
                                nodes.add(new NodeSpec("Mul", List.of(x, out + ".add"), out + ".mul", List.of()));
                                nodes.add(new NodeSpec("Mul", List.of(out + ".mul", "gelu.half"), out, List.of()));
                            }
                        }
                        case GELU_TANH -> {
                            if (opset >= 20) {
                                nodes.add(new NodeSpec("Gelu", List.of(x), out, List.of(stringAttribute("approximate", "tanh"))));
                            } else {
                                if (!geluTanhConstants) {
                                    graph.message(5, tensor("gelu_tanh.three", new long[0], new float[] {3f}));
                                    graph.message(5, tensor("gelu_tanh.cubic", new long[0], new float[] {0.044715f}));
                                    graph.message(5, tensor("gelu_tanh.scale", new long[0], new float[] {(float) Math.sqrt(2 / Math.PI)}));
                                    graph.message(5, tensor("gelu_tanh.one", new long[0], new float[] {1f}));
                                    graph.message(5, tensor("gelu_tanh.half", new long[0], new float[] {0.5f}));
                                    geluTanhConstants = true;
                                }
                                // (x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3)))) * 0.5: PyTorch's steps, with Pow for the
                                // cube as transformers' gelu_new and tf2onnx write it (and ONNX Runtime fuses into FastGelu)
                                nodes.add(new NodeSpec("Pow", List.of(x, "gelu_tanh.three"), out + ".cube", List.of()));
                                nodes.add(new NodeSpec("Mul", List.of(out + ".cube", "gelu_tanh.cubic"), out + ".cubic", List.of()));
                                nodes.add(new NodeSpec("Add", List.of(x, out + ".cubic"), out + ".inner", List.of()));
                                nodes.add(new NodeSpec("Mul", List.of(out + ".inner", "gelu_tanh.scale"), out + ".argument", List.of()));
                                nodes.add(new NodeSpec("Tanh", List.of(out + ".argument"), out + ".tanh", List.of()));
                                nodes.add(new NodeSpec("Add", List.of(out + ".tanh", "gelu_tanh.one"), out + ".add", List.of()));
                                nodes.add(new NodeSpec("Mul", List.of(x, out + ".add"), out + ".mul", List.of()));
                                nodes.add(new NodeSpec("Mul", List.of(out + ".mul", "gelu_tanh.half"), out, List.of()));
                            }
                        }
                    }
                }
                case Dropout d -> {
                    continue;   // the identity at inference
                }
            }
            x = out;
        }
        boolean classifier = mlp.loss() instanceof SoftmaxCrossEntropy;
        String output = classifier ? "probabilities" : "output";
        if (classifier) {
            nodes.add(new NodeSpec("Softmax", List.of(x), output, List.of(intAttribute("axis", 1))));
        } else if (mlp.metadata().targetStd().length > 0) {
            // the targets were standardised for training: predict maps the outputs back, y * std + mean, two roundings
            graph.message(5, tensor("target.std", new long[] {mlp.classes()}, mlp.metadata().targetStd()));
            graph.message(5, tensor("target.mean", new long[] {mlp.classes()}, mlp.metadata().targetMean()));
            nodes.add(new NodeSpec("Mul", List.of(x, "target.std"), "output.unstandardised", List.of()));
            nodes.add(new NodeSpec("Add", List.of("output.unstandardised", "target.mean"), output, List.of()));
        } else {
            NodeSpec last = nodes.removeLast();
            nodes.add(new NodeSpec(last.op(), last.inputs(), output, last.attributes()));
        }
        for (NodeSpec n : nodes) {
            ProtoWriter node = new ProtoWriter();
            for (String in : n.inputs()) {
                node.string(1, in);
            }
            node.string(2, n.output()).string(3, n.output()).string(4, n.op());
            for (ProtoWriter a : n.attributes()) {
                node.message(5, a);
            }
            graph.message(1, node);
        }
        graph.string(2, "jvk_mlp");
        graph.message(11, valueInfo("input", mlp.inputs()));
        graph.message(12, valueInfo(output, mlp.classes()));

        ProtoWriter model = new ProtoWriter()
                .varint(1, irVersion(opset))
                .string(2, "jvk")
                .string(3, "0.1.0")
                .message(7, graph)
                .message(8, new ProtoWriter().string(1, "").varint(2, opset));
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            model.message(14, new ProtoWriter().string(1, e.getKey()).string(2, e.getValue()));
        }
        return model.toByteArray();
    }

    private static final String DYNAMIC_127 = "dynamic.127";
    private static final String DYNAMIC_MINUS_127 = "dynamic.minus127";
    private static final String DYNAMIC_MIN_SCALE = "dynamic.min_scale";
    private static final String DYNAMIC_AXES = "dynamic.axes";

    /** The constants every int8-dynamic layer's sub-graph shares. */
    private static void dynamicConstants(ProtoWriter graph, int opset) {
        graph.message(5, tensor(DYNAMIC_127, new long[0], new float[] {127f}));
        graph.message(5, tensor(DYNAMIC_MINUS_127, new long[0], new float[] {-127f}));
        graph.message(5, tensor(DYNAMIC_MIN_SCALE, new long[0], new float[] {Float.MIN_VALUE}));
        if (opset >= 18) {
            graph.message(5, rawTensor(DYNAMIC_AXES, new long[] {1}, OnnxProto.INT64, new byte[] {1, 0, 0, 0, 0, 0, 0, 0}));
        }
    }

    /**
     * An int8-dynamic layer as the float operations jvk performs ({@link QuantizedDense}, {@code LowPrecision.quantizeInt8Rows}):
     * row scale {@code t = max(max|x| / 127, MIN_VALUE)}, {@code q = rint(clamp(x / t, -127, 127))}, the integer sums
     * {@code q . Q^T}, then {@code (float) (sum * (t * s_j))} in double, then the bias. jvk gives an all-zero row the
     * scale 1 where this gives MIN_VALUE: any positive scale quantizes it to zeros, so the outputs are the same. At the
     * float range's two ends jvk moves t by one float (a row whose max|x| is below ~1.5e-36, where the quotient rounds
     * the largest element past 127, or so near MAX_VALUE that 127 t overflows); the graph keeps the plain formula, so
     * such a row's outputs may differ by a quantization step there. The
     * sums run through a float Gemm on integer-valued floats, exact while every partial sum stays below 2^24 (inputs
     * up to {@code QuantizedDense.EXACT_FLOAT_TERMS}); ONNX Runtime ran this graph faster than {@code MatMulInteger}
     * on int8 and than {@code DequantizeLinear} with float activations at batch 1 (bench/RESULTS-onnx.md).
     */
    private static void dynamicLayer(ProtoWriter graph, List<NodeSpec> nodes, QuantizedDense q, String p, String x, String out,
                                     int opset) {
        double[] scales = new double[q.outputSize()];
        for (int j = 0; j < scales.length; j++) {
            scales[j] = q.scales()[j];
        }
        ByteBuffer scaleBytes = ByteBuffer.allocate(scales.length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        scaleBytes.asDoubleBuffer().put(scales);
        graph.message(5, rawTensor(p + "weight.int8", new long[] {q.outputSize(), q.inputSize()}, OnnxProto.INT8, q.int8Weights()));
        graph.message(5, rawTensor(p + "weight.scale", new long[] {q.outputSize()}, OnnxProto.DOUBLE, scaleBytes.array()));
        graph.message(5, tensor(p + "bias", new long[] {q.outputSize()}, q.bias()));
        nodes.add(new NodeSpec("Abs", List.of(x), p + "abs", List.of()));
        if (opset >= 18) {   // ReduceMax takes its axes as an input from opset 18, as an attribute before
            nodes.add(new NodeSpec("ReduceMax", List.of(p + "abs", DYNAMIC_AXES), p + "abs_max", List.of(intAttribute("keepdims", 1))));
        } else {
            nodes.add(new NodeSpec("ReduceMax", List.of(p + "abs"), p + "abs_max",
                    List.of(intsAttribute("axes", 1), intAttribute("keepdims", 1))));
        }
        nodes.add(new NodeSpec("Div", List.of(p + "abs_max", DYNAMIC_127), p + "row_scale.quotient", List.of()));
        nodes.add(new NodeSpec("Max", List.of(p + "row_scale.quotient", DYNAMIC_MIN_SCALE), p + "row_scale", List.of()));
        nodes.add(new NodeSpec("Div", List.of(x, p + "row_scale"), p + "divided", List.of()));
        nodes.add(new NodeSpec("Clip", List.of(p + "divided", DYNAMIC_MINUS_127, DYNAMIC_127), p + "clipped", List.of()));
        nodes.add(new NodeSpec("Round", List.of(p + "clipped"), p + "input.int8", List.of()));   // half to even, as rint
        nodes.add(new NodeSpec("Cast", List.of(p + "weight.int8"), p + "weight.int8_values", List.of(intAttribute("to", OnnxProto.FLOAT))));
        nodes.add(new NodeSpec("Gemm", List.of(p + "input.int8", p + "weight.int8_values"), p + "sums",
                List.of(intAttribute("transB", 1))));
        nodes.add(new NodeSpec("Cast", List.of(p + "sums"), p + "sums.double", List.of(intAttribute("to", OnnxProto.DOUBLE))));
        nodes.add(new NodeSpec("Cast", List.of(p + "row_scale"), p + "row_scale.double", List.of(intAttribute("to", OnnxProto.DOUBLE))));
        // t * s_j is exact in double (24 + 24 significant bits); the product with the sum rounds once, then to float
        nodes.add(new NodeSpec("Mul", List.of(p + "row_scale.double", p + "weight.scale"), p + "scales", List.of()));
        nodes.add(new NodeSpec("Mul", List.of(p + "sums.double", p + "scales"), p + "product.double", List.of()));
        nodes.add(new NodeSpec("Cast", List.of(p + "product.double"), p + "product", List.of(intAttribute("to", OnnxProto.FLOAT))));
        nodes.add(new NodeSpec("Add", List.of(p + "product", p + "bias"), out, List.of()));
    }

    /** The IR version that goes with an opset (ONNX's versioning table), the oldest a runtime must read. */
    static int irVersion(int opset) {
        return opset <= 14 ? 7 : opset <= 18 ? 8 : opset <= 20 ? 9 : 10;
    }

    static ProtoWriter tensor(String name, long[] dims, float[] values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        return rawTensor(name, dims, OnnxProto.FLOAT, raw.array());
    }

    /** A tensor of {@code type} whose values are {@code raw}, little-endian. */
    static ProtoWriter rawTensor(String name, long[] dims, int type, byte[] raw) {
        ProtoWriter t = new ProtoWriter();
        if (dims.length > 0) {
            t.packedVarints(1, dims);
        }
        return t.varint(2, type).string(8, name).bytes(9, raw);
    }

    static ProtoWriter valueInfo(String name, long features) {
        ProtoWriter shape = new ProtoWriter()
                .message(1, new ProtoWriter().string(2, "batch"))
                .message(1, new ProtoWriter().varint(1, features));
        ProtoWriter tensorType = new ProtoWriter().varint(1, OnnxProto.FLOAT).message(2, shape);
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
    }

    static ProtoWriter intAttribute(String name, long value) {
        return new ProtoWriter().string(1, name).varint(3, value).varint(20, OnnxProto.ATTR_INT);
    }

    static ProtoWriter intsAttribute(String name, long... values) {
        ProtoWriter a = new ProtoWriter().string(1, name);
        for (long v : values) {
            a.varint(8, v);
        }
        return a.varint(20, OnnxProto.ATTR_INTS);
    }

    static ProtoWriter stringAttribute(String name, String value) {
        return new ProtoWriter().string(1, name).string(4, value).varint(20, OnnxProto.ATTR_STRING);
    }

    static ProtoWriter floatAttribute(String name, float value) {
        return new ProtoWriter().string(1, name).float32(2, value).varint(20, OnnxProto.ATTR_FLOAT);
    }
}
