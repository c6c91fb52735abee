package dev.jvk.nn.onnx;

import static dev.jvk.nn.onnx.TestGraph.Store.DOUBLE_RAW;
import static dev.jvk.nn.onnx.TestGraph.Store.DOUBLE_TYPED;
import static dev.jvk.nn.onnx.TestGraph.Store.FLOAT16_RAW;
import static dev.jvk.nn.onnx.TestGraph.Store.FLOAT16_TYPED;
import static dev.jvk.nn.onnx.TestGraph.Store.FLOAT_RAW;
import static dev.jvk.nn.onnx.TestGraph.Store.FLOAT_TYPED;
import static dev.jvk.nn.onnx.TestGraph.Store.INT64_TYPED;

import java.util.List;
import java.util.SplittableRandom;

/**
 * MLP graphs in the node patterns PyTorch, Keras (tf2onnx) and skl2onnx write, with seeded random
 * weights. {@code OnnxImportTest} compares jvk with the double evaluation of each; bench's tests
 * run the same files in ONNX Runtime.
 */
final class ExporterGraphs {
    private final SplittableRandom random;

    ExporterGraphs(long seed) {
        random = new SplittableRandom(seed);
    }

    double[] values(int n, double scale) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (random.nextDouble() * 2 - 1) * scale;
        }
        return v;
    }

    /** Inputs in [-2, 2). */
    float[] inputs(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (random.nextDouble() * 4 - 2);
        }
        return x;
    }

    /** x[n, 6] -> Gemm (transB=1) 5 -> Relu -> Gemm 3 (output z, not yet declared): a small graph for tests to extend. */
    TestGraph twoLayers(int opset) {
        TestGraph g = new TestGraph();
        g.opset = opset;
        g.input("x", "n", 6);
        g.init("W1", new long[] {5, 6}, values(30, 0.5), FLOAT_RAW);
        g.init("b1", new long[] {5}, values(5, 0.5), FLOAT_RAW);
        g.init("W2", new long[] {5, 3}, values(15, 0.5), FLOAT_RAW);
        g.init("b2", new long[] {3}, values(3, 0.5), FLOAT_RAW);
        g.node("Gemm", "g1", List.of("x", "W1", "b1"), "h", "transB", 1L);
        g.node("Relu", "r", List.of("h"), "hr");
        g.node("Gemm", "g2", List.of("hr", "W2", "b2"), "z");
        return g;
    }

    /** PyTorch's torch.onnx.export of Flatten, Linear (Gemm, transB=1), ReLU, Linear, GELU (the erf sub-graph with Constant nodes), Linear: 16 -> 20 -> 12 -> 5 logits, opset 17. */
    TestGraph pytorch() {
        TestGraph g = new TestGraph();
        g.opset = 17;
        g.producer = "pytorch";
        g.input("input", "batch_size", 1, 4, 4).output("logits");
        g.init("fc1.weight", new long[] {20, 16}, values(320, 0.5), FLOAT_RAW);
        g.init("fc1.bias", new long[] {20}, values(20, 0.5), FLOAT_RAW);
        g.init("fc2.weight", new long[] {12, 20}, values(240, 0.5), FLOAT_RAW);
        g.init("fc2.bias", new long[] {12}, values(12, 0.5), FLOAT_RAW);
        g.init("fc3.weight", new long[] {5, 12}, values(60, 0.5), FLOAT_RAW);
        g.init("fc3.bias", new long[] {5}, values(5, 0.5), FLOAT_RAW);
        g.node("Flatten", "/flatten/Flatten", List.of("input"), "/flatten/Flatten_output_0", "axis", 1L);
        g.node("Gemm", "/fc1/Gemm", List.of("/flatten/Flatten_output_0", "fc1.weight", "fc1.bias"), "/fc1/Gemm_output_0",
                "alpha", 1f, "beta", 1f, "transB", 1L);
        g.node("Relu", "/act1/Relu", List.of("/fc1/Gemm_output_0"), "/act1/Relu_output_0");
        g.node("Gemm", "/fc2/Gemm", List.of("/act1/Relu_output_0", "fc2.weight", "fc2.bias"), "/fc2/Gemm_output_0",
                "alpha", 1f, "beta", 1f, "transB", 1L);
        g.constant("/act2/Constant_output_0", 1.4142135381698608);
        g.node("Div", "/act2/Div", List.of("/fc2/Gemm_output_0", "/act2/Constant_output_0"), "/act2/Div_output_0");
        g.node("Erf", "/act2/Erf", List.of("/act2/Div_output_0"), "/act2/Erf_output_0");
        g.constant("/act2/Constant_1_output_0", 1.0);
        g.node("Add", "/act2/Add", List.of("/act2/Erf_output_0", "/act2/Constant_1_output_0"), "/act2/Add_output_0");
        g.node("Mul", "/act2/Mul", List.of("/fc2/Gemm_output_0", "/act2/Add_output_0"), "/act2/Mul_output_0");
        g.constant("/act2/Constant_2_output_0", 0.5);
        g.node("Mul", "/act2/Mul_1", List.of("/act2/Mul_output_0", "/act2/Constant_2_output_0"), "/act2/Mul_1_output_0");
        g.node("Gemm", "/fc3/Gemm", List.of("/act2/Mul_1_output_0", "fc3.weight", "fc3.bias"), "logits",
                "alpha", 1f, "beta", 1f, "transB", 1L);
        return g;
    }

    /** The spellings of GELU's tanh form {@link #geluTanh} writes. */
    enum GeluTanhForm {
        /** One {@code Gelu} node, approximate="tanh" (opset 20). */
        NODE,
        /** PyTorch's exporter before opset 20: x * (x * x), Mul by 0.044715 first, Add x, Mul by sqrt(2/pi) first, Tanh, Add 1 first, Mul x, Mul by 0.5 first; Constant nodes. */
        TORCHSCRIPT,
        /** transformers' gelu_new and Keras through tf2onnx: Pow(x, 3), Mul 0.044715, Add, Mul sqrt(2/pi), Tanh, Add 1, (x * 0.5) * (1 + t); initializers. */
        POW,
        /** Another association: sqrt(2/pi) x + (sqrt(2/pi) 0.044715) ((x x) x), then ((x - 0) + (x t) * 1) / 2 through Sub and Div. */
        DISTRIBUTED
    }

    /**
     * {@code x -> MatMul W1 + b1 -> GELU, tanh form -> MatMul W2 + b2 -> y}: in features to hidden to out, written in
     * {@code form} with the given constants (0.044715, sqrt(2/pi), 0.5, 3 make the tanh-GELU; anything else does not).
     */
    TestGraph geluTanh(GeluTanhForm form, int opset, int in, int hidden, int out, double cubic, double scale, double half, double exponent) {
        return geluTanh(form, opset, in, hidden, out, cubic, scale, half, exponent, 1, 0);
    }

    /** As above; the {@link GeluTanhForm#DISTRIBUTED} form also with the weight of its x t term (1) and the constant it subtracts from x (0). */
    TestGraph geluTanh(GeluTanhForm form, int opset, int in, int hidden, int out, double cubic, double scale, double half, double exponent,
                       double tanhWeight, double offset) {
        TestGraph g = new TestGraph();
        g.opset = opset;
        g.producer = form == GeluTanhForm.TORCHSCRIPT ? "pytorch" : "test";
        g.input("x", "batch", in).output("y");
        g.init("W1", new long[] {in, hidden}, values(in * hidden, 0.6), FLOAT_RAW);
        g.init("b1", new long[] {hidden}, values(hidden, 0.5), FLOAT_RAW);
        g.init("W2", new long[] {hidden, out}, values(hidden * out, 0.5), FLOAT_RAW);
        g.init("b2", new long[] {out}, values(out, 0.5), FLOAT_RAW);
        g.node("MatMul", "mm1", List.of("x", "W1"), "mm1_out");
        g.node("Add", "bias1", List.of("mm1_out", "b1"), "h");
        switch (form) {
            case NODE -> g.node("Gelu", "gelu", List.of("h"), "g", "approximate", "tanh");
            case TORCHSCRIPT -> {
                g.node("Mul", "/act/Mul", List.of("h", "h"), "/act/Mul_output_0");
                g.node("Mul", "/act/Mul_1", List.of("h", "/act/Mul_output_0"), "/act/Mul_1_output_0");
                g.constant("/act/Constant_output_0", cubic);
                g.node("Mul", "/act/Mul_2", List.of("/act/Constant_output_0", "/act/Mul_1_output_0"), "/act/Mul_2_output_0");
                g.node("Add", "/act/Add", List.of("h", "/act/Mul_2_output_0"), "/act/Add_output_0");
                g.constant("/act/Constant_1_output_0", scale);
                g.node("Mul", "/act/Mul_3", List.of("/act/Constant_1_output_0", "/act/Add_output_0"), "/act/Mul_3_output_0");
                g.node("Tanh", "/act/Tanh", List.of("/act/Mul_3_output_0"), "/act/Tanh_output_0");
                g.constant("/act/Constant_2_output_0", 1.0);
                g.node("Add", "/act/Add_1", List.of("/act/Constant_2_output_0", "/act/Tanh_output_0"), "/act/Add_1_output_0");
                g.node("Mul", "/act/Mul_4", List.of("h", "/act/Add_1_output_0"), "/act/Mul_4_output_0");
                g.constant("/act/Constant_3_output_0", half);
                g.node("Mul", "/act/Mul_5", List.of("/act/Constant_3_output_0", "/act/Mul_4_output_0"), "g");
            }
            case POW -> {
                g.init("three", new long[0], new double[] {exponent}, FLOAT_RAW);
                g.init("cubic", new long[0], new double[] {cubic}, FLOAT_RAW);
                g.init("scale", new long[0], new double[] {scale}, FLOAT_RAW);
                g.init("one", new long[0], new double[] {1}, FLOAT_RAW);
                g.init("half", new long[0], new double[] {half}, FLOAT_RAW);
                g.node("Pow", "pow", List.of("h", "three"), "cube");
                g.node("Mul", "mul_cubic", List.of("cube", "cubic"), "kc");
                g.node("Add", "add_x", List.of("h", "kc"), "inner");
                g.node("Mul", "mul_scale", List.of("inner", "scale"), "arg");
                g.node("Tanh", "tanh", List.of("arg"), "t");
                g.node("Add", "add_one", List.of("t", "one"), "one_plus");
                g.node("Mul", "mul_half", List.of("h", "half"), "half_x");
                g.node("Mul", "mul_last", List.of("half_x", "one_plus"), "g");
            }
            case DISTRIBUTED -> {
                g.init("scale", new long[0], new double[] {scale}, FLOAT_RAW);
                g.init("scaled_cubic", new long[0], new double[] {(float) scale * (float) cubic}, FLOAT_RAW);
                g.init("two", new long[0], new double[] {1 / half}, FLOAT_RAW);
                g.init("zero", new long[0], new double[] {offset}, FLOAT_RAW);
                g.init("tanh_weight", new long[0], new double[] {tanhWeight}, FLOAT_RAW);
                g.node("Mul", "square", List.of("h", "h"), "sq");
                g.node("Mul", "cube", List.of("sq", "h"), "cube");
                g.node("Mul", "linear", List.of("h", "scale"), "lin");
                g.node("Mul", "cubic", List.of("scaled_cubic", "cube"), "cub");
                g.node("Add", "arg", List.of("lin", "cub"), "arg");
                g.node("Tanh", "tanh", List.of("arg"), "t");
                g.node("Mul", "xt", List.of("t", "h"), "xt1");
                g.node("Mul", "weigh", List.of("xt1", "tanh_weight"), "xt");
                g.node("Sub", "minus_zero", List.of("h", "zero"), "h0");
                g.node("Add", "sum", List.of("h0", "xt"), "sum");
                g.node("Div", "halve", List.of("sum", "two"), "g");
            }
        }
        g.node("MatMul", "mm2", List.of("g", "W2"), "mm2_out");
        g.node("Add", "bias2", List.of("mm2_out", "b2"), "y");
        return g;
    }

    /** tf2onnx's Keras Sequential: MatMul + Add with float16 weights cast to float, Relu, Identity (dropout), MatMul + Add (bias first), Softmax: 12 -> 10 -> 4, opset 13. */
    TestGraph keras() {
        TestGraph g = new TestGraph();
        g.opset = 13;
        g.producer = "tf2onnx";
        g.input("input_1", "unk__6", 12).output("dense_1");
        g.init("W1", new long[] {12, 10}, values(120, 0.5), FLOAT16_RAW);
        g.init("b1", new long[] {10}, values(10, 0.5), FLOAT16_TYPED);
        g.init("W2", new long[] {10, 4}, values(40, 0.5), FLOAT_RAW);
        g.init("b2", new long[] {4}, values(4, 0.5), FLOAT_TYPED);
        g.node("Cast", "W1_cast", List.of("W1"), "W1f", "to", 1L);
        g.node("Cast", "b1_cast", List.of("b1"), "b1f", "to", 1L);
        g.node("MatMul", "sequential/dense/MatMul", List.of("input_1", "W1f"), "mm1");
        g.node("Add", "sequential/dense/BiasAdd", List.of("mm1", "b1f"), "add1");
        g.node("Relu", "sequential/dense/Relu", List.of("add1"), "relu1");
        g.node("Identity", "sequential/dropout/Identity", List.of("relu1"), "id1");
        g.node("MatMul", "sequential/dense_1/MatMul", List.of("id1", "W2"), "mm2");
        g.node("Add", "sequential/dense_1/BiasAdd", List.of("b2", "mm2"), "add2");
        g.node("Softmax", "sequential/dense_1/Softmax", List.of("add2"), "dense_1");
        return g;
    }

    /** skl2onnx's StandardScaler + MLPClassifier written as Sub/Div then MatMul, Add, Relu, Tanh, Softmax, with double and typed-field initializers: 8 -> 6 -> 6 -> 3, opset 9. */
    TestGraph sklearn() {
        TestGraph g = new TestGraph();
        g.opset = 9;
        g.producer = "skl2onnx";
        g.input("float_input", "N", 8).output("probabilities");
        g.init("mean", new long[] {8}, values(8, 2), DOUBLE_RAW);
        g.init("std", new long[] {1, 8}, new double[] {0.5, 1, 2, 3, 0.25, 1.5, 4, 0.75}, FLOAT_RAW);
        g.init("coef0", new long[] {8, 6}, values(48, 0.5), FLOAT_TYPED);
        g.init("intercept0", new long[] {1, 6}, values(6, 0.5), DOUBLE_TYPED);
        g.init("coef1", new long[] {6, 6}, values(36, 0.5), FLOAT_RAW);
        g.init("intercept1", new long[] {6}, values(6, 0.5), FLOAT_RAW);
        g.init("coef2", new long[] {6, 3}, values(18, 0.5), FLOAT_RAW);
        g.init("intercept2", new long[] {3}, values(3, 0.5), FLOAT_RAW);
        g.node("Cast", "mean_cast", List.of("mean"), "meanf", "to", 1L);
        g.node("Cast", "i0_cast", List.of("intercept0"), "i0f", "to", 1L);
        g.node("Sub", "Sub", List.of("float_input", "meanf"), "centred");
        g.node("Div", "Div", List.of("centred", "std"), "scaled");
        g.node("MatMul", "MatMul", List.of("scaled", "coef0"), "m0");
        g.node("Add", "Add", List.of("m0", "i0f"), "a0");
        g.node("Relu", "Relu", List.of("a0"), "r0");
        g.node("MatMul", "MatMul1", List.of("r0", "coef1"), "m1");
        g.node("Add", "Add1", List.of("m1", "intercept1"), "a1");
        g.node("Tanh", "Tanh", List.of("a1"), "t1");
        g.node("MatMul", "MatMul2", List.of("t1", "coef2"), "m2");
        g.node("Add", "Add2", List.of("m2", "intercept2"), "a2");
        g.node("Softmax", "Softmax", List.of("a2"), "probabilities");
        return g;
    }

    /**
     * skl2onnx's StandardScaler as {@code ai.onnx.ml.Scaler} (offset and scale attributes), then an
     * MLPRegressor's MatMul, Add, Relu, MatMul, Add: 6 -> 5 -> 2 raw outputs, opset 15.
     */
    TestGraph sklearnScaler() {
        TestGraph g = new TestGraph();
        g.opset = 15;
        g.producer = "skl2onnx";
        g.input("float_input", "N", 6).output("variable");
        float[] offset = new float[6];
        float[] scale = new float[6];
        double[] o = values(6, 3);
        double[] c = values(6, 1);
        for (int i = 0; i < 6; i++) {
            offset[i] = (float) o[i];
            scale[i] = (float) (1.5 + c[i]);
        }
        g.init("coef0", new long[] {6, 5}, values(30, 0.5), FLOAT_RAW);
        g.init("intercept0", new long[] {5}, values(5, 0.5), FLOAT_RAW);
        g.init("coef1", new long[] {5, 2}, values(10, 0.5), FLOAT_RAW);
        g.init("intercept1", new long[] {2}, values(2, 0.5), FLOAT_RAW);
        g.node("Scaler", "Scaler", List.of("float_input"), "scaled", "offset", offset, "scale", scale);
        g.domains.put("Scaler", "ai.onnx.ml");
        g.node("MatMul", "MatMul", List.of("scaled", "coef0"), "m0");
        g.node("Add", "Add", List.of("m0", "intercept0"), "a0");
        g.node("Relu", "Relu", List.of("a0"), "r0");
        g.node("MatMul", "MatMul1", List.of("r0", "coef1"), "m1");
        g.node("Add", "Add1", List.of("m1", "intercept1"), "variable");
        return g;
    }

    /** Gemm with alpha, beta and C [1, out]; LeakyRelu, SiLU (Sigmoid * x), Gelu; Reshape [0, -1]; Dropout with its mask unused; LogSoftmax: [2, 5] -> 9 -> 9 -> 9 -> 7, opset 20. */
    TestGraph everyActivation() {
        TestGraph g = new TestGraph();
        g.opset = 20;
        g.input("x", "batch", 2, 5).output("logp");
        g.init("shape", new long[] {2}, new double[] {0, -1}, INT64_TYPED);
        g.init("W1", new long[] {10, 9}, values(90, 0.5), FLOAT_RAW);
        g.init("c1", new long[] {1, 9}, values(9, 0.5), FLOAT_RAW);
        g.init("W2", new long[] {9, 9}, values(81, 0.5), DOUBLE_RAW);
        g.init("W3", new long[] {9, 9}, values(81, 0.5), FLOAT_RAW);
        g.init("W4", new long[] {9, 7}, values(63, 0.5), FLOAT_RAW);
        g.init("b4", new long[] {}, new double[] {0.25}, FLOAT_RAW);
        g.node("Reshape", "flat", List.of("x", "shape"), "x2");
        g.node("Gemm", "g1", List.of("x2", "W1", "c1"), "h1", "alpha", 0.5f, "beta", 2f);
        g.node("LeakyRelu", "lrelu", List.of("h1"), "a1", "alpha", 0.01f);
        g.node("Cast", "w2cast", List.of("W2"), "W2f", "to", 1L);
        g.node("Gemm", "g2", List.of("a1", "W2f"), "h2");
        g.node("Sigmoid", "sig", List.of("h2"), "s2");
        g.node("Mul", "silu", List.of("s2", "h2"), "a2");
        g.node("MatMul", "g3", List.of("a2", "W3"), "h3");
        g.node("Gelu", "gelu", List.of("h3"), "a3");
        g.node("Dropout", "drop", List.of("a3"), List.of("d3", "mask"));
        g.node("MatMul", "g4", List.of("d3", "W4"), "h4");
        g.node("Add", "bias4", List.of("h4", "b4"), "z");
        g.node("LogSoftmax", "out", List.of("z"), "logp", "axis", -1L);
        return g;
    }
}
