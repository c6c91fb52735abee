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
