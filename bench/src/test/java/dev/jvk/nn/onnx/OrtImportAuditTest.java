package dev.jvk.nn.onnx;

import static dev.jvk.nn.onnx.TestGraph.Store.FLOAT_RAW;
import static dev.jvk.nn.onnx.TestGraph.Store.INT64_TYPED;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The variants real exporters write (initializers listed as inputs, Gemm's attributes and C shapes, Softmax axes
 * before and from opset 13, Flatten and Reshape of an image input, Dropout/Identity/Cast/Constant forms, the GELU
 * forms (erf and tanh, one node and sub-graphs), batch dimensions, initializer encodings, external data, node order, dead code), each run by ONNX Runtime
 * and by jvk after import: the same outputs within docs/onnx.md's bound, or a refusal by jvk that names why.
 */
class OrtImportAuditTest {
    @TempDir
    Path dir;

    final ExporterGraphs r = new ExporterGraphs(3);

    /** What ONNX Runtime and jvk made of one file: each one's error (null when it ran) and the largest relative difference. */
    record Outcome(String name, String ortError, String jvkError, double worst) {}

    private final org.assertj.core.api.SoftAssertions softly = new org.assertj.core.api.SoftAssertions();

    Outcome run(String name, TestGraph g, long... shape) throws java.io.IOException {
        Path file = g.write(dir.resolve(name + ".onnx"));
        int f = 1;
        for (int i = 1; i < shape.length; i++) {
            f *= (int) shape[i];
        }
        int rows = (int) shape[0];
        float[] x = r.inputs(rows * f);
        String ortError = null;
        float[] theirs = null;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(file.toString());
             OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
             OrtSession.Result res = s.run(Map.of((String) g.inputs.getFirst()[0], in))) {
            FloatBuffer b = ((OnnxTensor) res.get(0)).getFloatBuffer();
            theirs = new float[b.remaining()];
            b.get(theirs);
        } catch (ai.onnxruntime.OrtException e) {
            ortError = e.getMessage();
        }
        try {
            OnnxModel m = OnnxModel.read(file);
            float[] ours = m.mlp().predict(x, rows);
            double worst = Double.NaN;
            if (theirs != null) {
                if (m.logProbabilities()) {
                    for (int i = 0; i < theirs.length; i++) {
                        theirs[i] = (float) Math.exp(theirs[i]);
                    }
                }
                worst = ours.length == theirs.length ? 0 : Double.POSITIVE_INFINITY;
                for (int i = 0; i < ours.length && ours.length == theirs.length; i++) {
                    // docs/onnx.md's bound: 1e-5 relative above 1, absolute below
                    worst = Math.max(worst, Math.abs(ours[i] - theirs[i]) / Math.max(1, Math.abs(theirs[i])));
                }
            }
            return new Outcome(name, ortError, null, worst);
        } catch (OnnxFormatException e) {
            return new Outcome(name, ortError, e.getMessage(), Double.NaN);
        }
    }

    /** ONNX Runtime runs the file and jvk imports it and predicts ORT's outputs within docs/onnx.md's bound. */
    void same(String name, TestGraph g, long... shape) throws java.io.IOException {
        Outcome o = run(name, g, shape);
        softly.assertThat(o.ortError()).as(name + ": ORT").isNull();
        softly.assertThat(o.jvkError()).as(name + ": jvk").isNull();
        if (o.ortError() == null && o.jvkError() == null) {
            softly.assertThat(o.worst()).as(name + ": largest relative difference from ORT").isLessThanOrEqualTo(1e-5);
        }
    }

    /** jvk refuses the file with an error saying why (whatever ORT does with it). */
    void refused(String name, String why, TestGraph g, long... shape) throws java.io.IOException {
        Outcome o = run(name, g, shape);
        softly.assertThat(o.jvkError()).as(name + ": jvk's error").isNotNull().contains(why);
    }

    TestGraph mlp(int opset, Object batch, int in, int hidden, int out) {
        TestGraph g = new TestGraph();
        g.opset = opset;
        g.input("x", batch, in).output("y");
        g.init("W1", new long[] {hidden, in}, r.values(hidden * in, 0.5), FLOAT_RAW);
        g.init("b1", new long[] {hidden}, r.values(hidden, 0.5), FLOAT_RAW);
        g.init("W2", new long[] {hidden, out}, r.values(hidden * out, 0.5), FLOAT_RAW);
        g.init("b2", new long[] {out}, r.values(out, 0.5), FLOAT_RAW);
        return g;
    }

    @Test
    void exporter_variants_run_as_onnx_runtime_runs_them_or_are_refused_by_name() throws Exception {
        // 1. initializers listed as inputs
        for (int ir : new int[] {3, 4, 7}) {
            TestGraph g = mlp(9, "N", 6, 5, 3);
            g.irVersion = ir;
            g.input("W1", 5L, 6L).input("b1", 5L).input("W2", 5L, 3L).input("b2", 3L);
            g.node("Gemm", "g1", List.of("x", "W1", "b1"), "h", "transB", 1L);
            g.node("Relu", "r", List.of("h"), "hr");
            g.node("Gemm", "g2", List.of("hr", "W2", "b2"), "y");
            same("inits_as_inputs_ir" + ir, g, 4, 6);
        }
        // 2. gemm variants
        Object[][] cs = {{"C_N", new long[] {3}}, {"C_1N", new long[] {1, 3}}, {"C_scalar1", new long[] {1}}, {"C_scalar0d", new long[0]}, {"C_none", null}};
        for (Object[] c : cs) {
            for (long tb : new long[] {0, 1}) {
                TestGraph g = new TestGraph();
                g.input("x", "N", 6).output("y");
                g.init("B", tb == 1 ? new long[] {3, 6} : new long[] {6, 3}, r.values(18, 0.5), FLOAT_RAW);
                long[] cd = (long[]) c[1];
                List<String> ins = new ArrayList<>(List.of("x", "B"));
                if (cd != null) {
                    int n = 1;
                    for (long d : cd) n *= (int) d;
                    g.init("C", cd, r.values(n, 0.5), FLOAT_RAW);
                    ins.add("C");
                }
                g.node("Gemm", "g", ins, "y", "alpha", 0.5f, "beta", 2f, "transB", tb);
                same("gemm_" + c[0] + "_transB" + tb, g, 4, 6);
            }
        }
        {
            TestGraph g = new TestGraph();
            g.input("x", 4, 6).output("y");
            g.init("B", new long[] {4, 3}, r.values(12, 0.5), FLOAT_RAW);
            g.node("Gemm", "g", List.of("x", "B"), "y", "transA", 1L);
            refused("gemm_transA", "(transA=1)", g, 4, 6);
        }
        // 3. matmul W first, add bias first [1,N]
        {
            TestGraph g = new TestGraph();
            g.input("x", "N", 4).output("y");
            g.init("W", new long[] {3, 3}, r.values(9, 0.5), FLOAT_RAW);
            g.node("MatMul", "m", List.of("W", "x"), "y");
            refused("matmul_W_first", "multiplies a constant by the data (W x)", g, 3, 4);
            TestGraph h = new TestGraph();
            h.input("x", "N", 4).output("y");
            h.init("W", new long[] {4, 3}, r.values(12, 0.5), FLOAT_RAW);
            h.init("b", new long[] {1, 3}, r.values(3, 0.5), FLOAT_RAW);
            h.node("MatMul", "m", List.of("x", "W"), "xw");
            h.node("Add", "a", List.of("b", "xw"), "y");
            same("add_bias_first_1xN", h, 5, 4);
        }
        // 4. softmax axes
        for (int opset : new int[] {11, 13}) {
            for (String op : new String[] {"Softmax", "LogSoftmax"}) {
                for (Long axis : new Long[] {null, 1L, -1L, 0L}) {
                    TestGraph g = mlp(opset, "N", 6, 5, 4);
                    g.node("Gemm", "g1", List.of("x", "W1", "b1"), "h", "transB", 1L);
                    g.node("Tanh", "r", List.of("h"), "hr");
                    g.node("Gemm", "g2", List.of("hr", "W2", "b2"), "z");
                    if (axis == null) g.node(op, "s", List.of("z"), "y");
                    else g.node(op, "s", List.of("z"), "y", "axis", axis);
                    if (axis != null && axis == 0) {
                        refused(op + opset + "_axis0", "has axis 0; jvk applies softmax over the features", g, 3, 6);
                    } else {
                        same(op + opset + "_axis" + axis, g, 3, 6);
                    }
                }
            }
        }
        // 5. flatten
        for (long axis : new long[] {1, -3, 0, -1}) {
            TestGraph g = new TestGraph();
            g.input("x", "N", 1, 4, 4).output("y");
            g.init("W", new long[] {16, 3}, r.values(48, 0.5), FLOAT_RAW);
            g.node("Flatten", "f", List.of("x"), "xf", "axis", axis);
            g.node("MatMul", "m", List.of("xf", "W"), "y");
            if (axis == 1 || axis == -3) {
                same("flatten4d_axis" + axis, g, 3, 1, 4, 4);
            } else {
                refused("flatten4d_axis" + axis, "jvk keeps one row per sample", g, 3, 1, 4, 4);
            }
        }
        for (long axis : new long[] {1, -1, 0}) {
            TestGraph g = new TestGraph();
            g.input("x", 1, 16).output("y");
            g.init("W", new long[] {16, 3}, r.values(48, 0.5), FLOAT_RAW);
            g.node("Flatten", "f", List.of("x"), "xf", "axis", axis);
            g.node("MatMul", "m", List.of("xf", "W"), "y");
            same("flatten2d_batch1_axis" + axis, g, 1, 16);
        }
        // 6. reshape
        Object[][] rs = {{"m1_16", "N", new double[] {-1, 16}, 3}, {"0_m1", "N", new double[] {0, -1}, 3}, {"1_16_b1", 1L, new double[] {1, 16}, 1},
                {"3_16_b3", 3L, new double[] {3, 16}, 3}, {"m1_16_b1", 1L, new double[] {-1, 16}, 1}};
        for (Object[] c : rs) {
            TestGraph g = new TestGraph();
            g.input("x", c[1], 1, 4, 4).output("y");
            g.init("W", new long[] {16, 3}, r.values(48, 0.5), FLOAT_RAW);
            g.init("shape", new long[] {2}, (double[]) c[2], INT64_TYPED);
            g.node("Reshape", "rs", List.of("x", "shape"), "xf");
            g.node("MatMul", "m", List.of("xf", "W"), "y");
            same("reshape_" + c[0], g, (int) c[3], 1, 4, 4);
        }
        // 7. dropout, identity, cast, constants
        {
            TestGraph g = mlp(13, "N", 6, 5, 3);
            g.init("ratio", new long[0], new double[] {0.3}, FLOAT_RAW);
            g.rawInitializers.add(OnnxExport.rawTensor("training", new long[0], 9, new byte[] {0}));
            g.node("Identity", "i1", List.of("x"), "x1");
            g.node("Identity", "i2", List.of("x1"), "x2");
            g.node("Cast", "c", List.of("x2"), "x3", "to", 1L);
            g.node("Gemm", "g1", List.of("x3", "W1", "b1"), "h", "transB", 1L);
            g.node("Dropout", "d", List.of("h", "ratio", "training"), List.of("hd", "mask"));
            g.node("Relu", "r", List.of("hd"), "hr");
            g.node("Constant", "k1", List.of(), "bf", "value_floats", new float[] {0.5f, -0.25f, 1f});
            g.node("Constant", "k2", List.of(), "sc", "value_float", 2f);
            g.node("MatMul", "m2", List.of("hr", "W2"), "z");
            g.node("Add", "a2", List.of("z", "bf"), "y");
            same("dropout_identity_cast_constants", g, 4, 6);
        }
        {   // value_float as the gelu's half
            TestGraph g = mlp(13, "N", 6, 5, 3);
            g.node("Gemm", "g1", List.of("x", "W1", "b1"), "h", "transB", 1L);
            g.node("Constant", "k", List.of(), "s2", "value_float", (float) (1 / Math.sqrt(2)));
            g.node("Mul", "d", List.of("s2", "h"), "hd");
            g.node("Erf", "e", List.of("hd"), "he");
            g.node("Constant", "k1", List.of(), "one", "value_float", 1f);
            g.node("Add", "p", List.of("one", "he"), "hp");
            g.node("Constant", "k2", List.of(), "half", "value_float", 0.5f);
            g.node("Mul", "hh", List.of("half", "h"), "hx");
            g.node("Mul", "m", List.of("hx", "hp"), "hg");
            g.node("Gemm", "g2", List.of("hg", "W2", "b2"), "y");
            same("gelu_half_first_mul_invsqrt2", g, 4, 6);
        }
        for (String approx : new String[] {"none", "tanh"}) {
            TestGraph g = mlp(20, "N", 6, 5, 3);
            g.node("Gemm", "g1", List.of("x", "W1", "b1"), "h", "transB", 1L);
            g.node("Gelu", "ge", List.of("h"), "hg", "approximate", approx);
            g.node("Gemm", "g2", List.of("hg", "W2", "b2"), "y");
            same("gelu20_" + approx, g, 4, 6);
        }
        // the tanh GELU as one node and as the sub-graphs exporters write (PyTorch's x * (x * x) with Constant nodes, Pow(x, 3),
        // another association through Sub and Div), 40 rows so that the hidden values reach GELU's tails; then each with a
        // constant off, which jvk refuses whatever ORT computes
        double cubic = 0.044715;
        double scale = Math.sqrt(2 / Math.PI);
        for (ExporterGraphs.GeluTanhForm form : ExporterGraphs.GeluTanhForm.values()) {
            int opset = form == ExporterGraphs.GeluTanhForm.NODE ? 20 : 17;
            same("gelu_tanh_" + form, r.geluTanh(form, opset, 6, 9, 3, cubic, scale, 0.5, 3), 40, 6);
            if (form != ExporterGraphs.GeluTanhForm.NODE) {
                refused("gelu_tanh_" + form + "_0.0447", "tanh-GELU", r.geluTanh(form, opset, 6, 9, 3, 0.0447, scale, 0.5, 3), 4, 6);
                refused("gelu_tanh_" + form + "_0.7978", "tanh-GELU", r.geluTanh(form, opset, 6, 9, 3, cubic, 0.7978, 0.5, 3), 4, 6);
            }
        }
        // 9. batch dims
        for (Object b : new Object[] {"batch_size", 1L, ""}) {
            TestGraph g = mlp(13, b, 6, 5, 3);
            g.node("Gemm", "g1", List.of("x", "W1", "b1"), "h", "transB", 1L);
            g.node("Gemm", "g2", List.of("h", "W2", "b2"), "y");
            same("batch_" + b + "_rows1", g, 1, 6);
            if (!b.equals(1L)) {
                same("batch_" + b + "_rows4", g, 4, 6);
            }
        }
        for (int type : new int[] {11, 10}) {
            TestGraph g = mlp(13, "N", 6, 5, 3);
            g.inputType = type;
            g.node("Gemm", "g1", List.of("x", "W1", "b1"), "h", "transB", 1L);
            g.node("Gemm", "g2", List.of("h", "W2", "b2"), "y");
            refused("input_type" + type, "; jvk takes a float tensor", g, 4, 6);
        }
        // 11. storage
        for (TestGraph.Store st : TestGraph.Store.values()) {
            if (st.name().startsWith("INT64")) continue;
            TestGraph g = new TestGraph();
            g.input("x", "N", 6).output("y");
            g.init("B", new long[] {3, 6}, r.values(18, 0.5), st);
            g.init("C", new long[] {3}, r.values(3, 0.5), st);
            if (st.name().startsWith("FLOAT16") || st.name().startsWith("DOUBLE")) {
                g.node("Cast", "cb", List.of("B"), "Bf", "to", 1L);
                g.node("Cast", "cc", List.of("C"), "Cf", "to", 1L);
                g.node("Gemm", "g", List.of("x", "Bf", "Cf"), "y", "transB", 1L);
            } else {
                g.node("Gemm", "g", List.of("x", "B", "C"), "y", "transB", 1L);
            }
            same("store_" + st, g, 4, 6);
        }
        // 13. order, dead code, intermediate output
        {
            TestGraph g = mlp(13, "N", 6, 5, 3);
            g.node("Gemm", "g2", List.of("hr", "W2", "b2"), "y");
            g.node("Relu", "r", List.of("h"), "hr");
            g.node("Gemm", "g1", List.of("x", "W1", "b1"), "h", "transB", 1L);
            same("out_of_order", g, 4, 6);
        }
        {
            TestGraph g = mlp(13, "N", 6, 5, 3);
            g.init("unused", new long[] {2}, new double[] {1, 2}, FLOAT_RAW);
            g.node("Gemm", "g1", List.of("x", "W1", "b1"), "h", "transB", 1L);
            g.node("Relu", "r", List.of("h"), "hr");
            g.node("Sigmoid", "dead", List.of("h"), "hs");
            g.node("Gemm", "g2", List.of("hr", "W2", "b2"), "y");
            same("dead_node", g, 4, 6);
        }
        {
            TestGraph g = mlp(13, "N", 6, 5, 3);
            g.init("unused", new long[] {2}, new double[] {1, 2}, FLOAT_RAW);
            g.node("Gemm", "g1", List.of("x", "W1", "b1"), "h", "transB", 1L);
            g.node("Relu", "r", List.of("h"), "hr");
            g.node("Gemm", "g2", List.of("hr", "W2", "b2"), "y");
            g.node("Sigmoid", "dead", List.of("y"), "ys");
            same("dead_tail_unused_init", g, 4, 6);
        }
        {
            TestGraph g = new TestGraph();
            g.opset = 13;
            g.input("x", "N", 6).output("h");
            g.init("W1", new long[] {5, 6}, r.values(30, 0.5), FLOAT_RAW);
            g.init("W2", new long[] {5, 3}, r.values(15, 0.5), FLOAT_RAW);
            g.node("Gemm", "g1", List.of("x", "W1"), "h", "transB", 1L);
            g.node("Relu", "r", List.of("h"), "hr");
            g.node("Gemm", "g2", List.of("hr", "W2"), "y");
            same("intermediate_output", g, 4, 6);
        }
        {
            TestGraph g = mlp(13, "N", 6, 5, 4);
            g.node("Gemm", "g1", List.of("x", "W1", "b1"), "h", "transB", 1L);
            g.node("Relu", "r", List.of("h"), "hr");
            g.node("Gemm", "g2", List.of("hr", "W2", "b2"), "z");
            g.node("Softmax", "s", List.of("z"), "p");
            g.node("Identity", "i", List.of("p"), "y");
            same("softmax_then_identity", g, 3, 6);
        }
        for (long tb : new long[] {0, 1}) {
            TestGraph g = new TestGraph();
            g.input("x", "N", 4).output("y");
            g.init("B", new long[] {4, 4}, r.values(16, 0.5), FLOAT_RAW);
            g.init("C", new long[] {1, 1}, r.values(1, 0.5), FLOAT_RAW);
            g.node("Gemm", "g", List.of("x", "B", "C"), "y", "transB", tb);
            same("gemm_square_C11_transB" + tb, g, 3, 4);
        }
        {
            TestGraph g = mlp(10, "N", 6, 5, 3);
            g.node("Gemm", "g1", List.of("x", "W1", "b1"), "h", "transB", 1L);
            g.node("Dropout", "d", List.of("h"), "hd", "ratio", 0.4f);
            g.node("Gemm", "g2", List.of("hd", "W2", "b2"), "y");
            same("dropout_opset10_ratio_attr", g, 3, 6);
        }
        {
            TestGraph g = mlp(13, "N", 6, 5, 3);
            g.input("unused_in", "N", 2);
            g.node("Gemm", "g1", List.of("x", "W1", "b1"), "h", "transB", 1L);
            g.node("Gemm", "g2", List.of("h", "W2", "b2"), "y");
            same("unused_second_input", g, 3, 6);
        }
        for (String op : new String[] {"Mul", "Div"}) {
            TestGraph g = mlp(13, "N", 6, 5, 4);
            g.init("T", new long[0], new double[] {0.7}, FLOAT_RAW);
            g.node("Gemm", "g1", List.of("x", "W1", "b1"), "h", "transB", 1L);
            g.node("Relu", "r", List.of("h"), "hr");
            g.node("Gemm", "g2", List.of("hr", "W2", "b2"), "z");
            g.node(op, "t", List.of("z", "T"), "zt");
            g.node("Softmax", "s", List.of("zt"), "y");
            same("temperature_" + op, g, 3, 6);
        }
        {   // torchvision-style per-channel normalisation of an image input before Flatten
            TestGraph g = new TestGraph();
            g.input("x", "N", 3, 2, 2).output("y");
            g.init("mean", new long[] {1, 3, 1, 1}, new double[] {0.485, 0.456, 0.406}, FLOAT_RAW);
            g.init("std", new long[] {3, 1, 1}, new double[] {0.229, 0.224, 0.225}, FLOAT_RAW);
            g.init("W", new long[] {3, 12}, r.values(36, 0.5), FLOAT_RAW);
            g.node("Sub", "sub", List.of("x", "mean"), "xs");
            g.node("Div", "div", List.of("xs", "std"), "xn");
            g.node("Flatten", "f", List.of("xn"), "xf");
            g.node("Gemm", "g", List.of("xf", "W"), "y", "transB", 1L);
            same("image_normalisation", g, 3, 3, 2, 2);
        }
        for (boolean sigmoidFirst : new boolean[] {true, false}) {   // SiLU as x * Sigmoid(x), either operand order
            TestGraph g = mlp(13, "N", 6, 5, 3);
            g.node("Gemm", "g1", List.of("x", "W1", "b1"), "h", "transB", 1L);
            g.node("Sigmoid", "sg", List.of("h"), "hs");
            g.node("Mul", "m", sigmoidFirst ? List.of("hs", "h") : List.of("h", "hs"), "hm");
            g.node("Gemm", "g2", List.of("hm", "W2", "b2"), "y");
            same("silu_sigmoid_first_" + sigmoidFirst, g, 3, 6);
        }
        {   // uint8 weights with a zero point per output column (axis 1) through DequantizeLinear, and a Constant weight
            TestGraph g = new TestGraph();
            g.opset = 13;
            g.input("x", "N", 4).output("y");
            byte[] q = new byte[12];
            for (int i = 0; i < q.length; i++) {
                q[i] = (byte) (i * 37 + 11);
            }
            g.rawInitializers.add(OnnxExport.rawTensor("Wq", new long[] {4, 3}, 2, q));   // UINT8
            g.init("s", new long[] {3}, new double[] {0.01, 0.02, 0.005}, FLOAT_RAW);
            g.rawInitializers.add(OnnxExport.rawTensor("z", new long[] {3}, 2, new byte[] {(byte) 128, 100, (byte) 140}));
            g.node("DequantizeLinear", "dq", List.of("Wq", "s", "z"), "W", "axis", 1L);
            g.node("MatMul", "m", List.of("x", "W"), "xw");
            TestGraph.Init w2 = new TestGraph.Init("W2", new long[] {3, 2}, r.values(6, 0.5), TestGraph.Store.FLOAT_TYPED);
            g.node("Constant", "k", List.of(), "W2c", "value", w2);
            g.node("Relu", "r", List.of("xw"), "h");
            g.node("MatMul", "m2", List.of("h", "W2c"), "y");
            same("dequantize_uint8_axis1_and_constant_weight", g, 3, 4);
        }
        {   // a double input cast to float first (ORT is fed doubles, jvk floats: the same values)
            TestGraph g = mlp(13, "N", 6, 5, 3);
            g.inputType = 11;
            g.node("Cast", "c", List.of("x"), "xf", "to", 1L);
            g.node("Gemm", "g1", List.of("xf", "W1", "b1"), "h", "transB", 1L);
            g.node("Gemm", "g2", List.of("h", "W2", "b2"), "y");
            float[] x = r.inputs(18);
            double[] xd = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                xd[i] = x[i];
            }
            Path file = g.write(dir.resolve("double_input.onnx"));
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession s = env.createSession(file.toString());
                 OnnxTensor in = OnnxTensor.createTensor(env, java.nio.DoubleBuffer.wrap(xd), new long[] {3, 6});
                 OrtSession.Result res = s.run(Map.of("x", in))) {
                FloatBuffer out = ((OnnxTensor) res.get(0)).getFloatBuffer();
                float[] theirs = new float[out.remaining()];
                out.get(theirs);
                float[] ours = OnnxModel.importMlp(file).predict(x, 3);
                softly.assertThat(ours).as("double input").hasSameSizeAs(theirs);
                for (int i = 0; i < Math.min(ours.length, theirs.length); i++) {
                    softly.assertThat((double) ours[i]).as("double input %d", i)
                            .isCloseTo(theirs[i], org.assertj.core.data.Offset.offset(1e-5 * Math.max(1, Math.abs(theirs[i]))));
                }
            }
        }
        {   // external data in a subfolder, at an offset
            java.nio.file.Files.createDirectories(dir.resolve("weights/sub"));
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + 4 * 24 + 16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            b.position(8);
            for (double v : r.values(24, 1)) {
                b.putFloat((float) v);
            }
            java.nio.file.Files.write(dir.resolve("weights/sub/w.bin"), b.array());
            for (long length : new long[] {96, -1}) {   // -1: no length entry, the tensor's own size from the offset
                Path model = OnnxImportTest.externalModel(dir, "weights/sub/w.bin", 8, length);
                float[] x = r.inputs(8);
                OrtEnvironment env = OrtEnvironment.getEnvironment();
                try (OrtSession s = env.createSession(model.toString());
                     OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {2, 4});
                     OrtSession.Result res = s.run(Map.of("x", in))) {
                    FloatBuffer out = ((OnnxTensor) res.get(0)).getFloatBuffer();
                    float[] theirs = new float[out.remaining()];
                    out.get(theirs);
                    float[] ours = OnnxModel.importMlp(model).predict(x, 2);
                    softly.assertThat(ours).as("external data").hasSameSizeAs(theirs);
                    for (int i = 0; i < Math.min(ours.length, theirs.length); i++) {
                        softly.assertThat((double) ours[i]).as("external data %d", i)
                                .isCloseTo(theirs[i], org.assertj.core.data.Offset.offset(1e-5 * Math.max(1, Math.abs(theirs[i]))));
                    }
                }
            }
        }
        softly.assertAll();
    }

    /**
     * PyTorch's classifier exported without its Softmax ([N, 1, 4, 4] flattened, 16 -> 20 -> 12 -> 5 logits): imported with the task
     * classification, jvk's probabilities are within 1e-5 of the softmax, in double, of ONNX Runtime's outputs.
     */
    @Test
    void logits_imported_as_a_classifier_give_the_softmax_of_onnx_runtimes_outputs() throws Exception {
        Path file = r.pytorch().write(dir.resolve("logits.onnx"));
        int rows = 9;
        int k = 5;
        float[] x = r.inputs(rows * 16);
        float[] theirs;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(file.toString());
             OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {rows, 1, 4, 4});
             OrtSession.Result res = s.run(Map.of(s.getInputNames().iterator().next(), in))) {
            FloatBuffer out = ((OnnxTensor) res.get(0)).getFloatBuffer();
            theirs = new float[out.remaining()];
            out.get(theirs);
        }
        float[] ours = OnnxModel.read(file, dev.jvk.nn.ModelMetadata.CLASSIFICATION).mlp().predict(x, rows);
        org.assertj.core.api.Assertions.assertThat(ours).hasSize(rows * k).hasSameSizeAs(theirs);
        for (int row = 0; row < rows; row++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                max = Math.max(max, theirs[row * k + c]);
            }
            double sum = 0;
            for (int c = 0; c < k; c++) {
                sum += Math.exp(theirs[row * k + c] - max);
            }
            for (int c = 0; c < k; c++) {
                double p = Math.exp(theirs[row * k + c] - max) / sum;
                org.assertj.core.api.Assertions.assertThat((double) ours[row * k + c]).as("row %d class %d", row, c)
                        .isCloseTo(p, org.assertj.core.data.Offset.offset(1e-5));
            }
        }
    }
}
