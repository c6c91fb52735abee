"""Times in ONNX Runtime the graphs an int8-dynamic 784-256-128-10 ReLU classifier could be exported as.

One-off measurement behind the choice in OnnxExport (figures: bench/RESULTS-onnx.md); needs numpy, onnx, onnxruntime:

    python docs/onnx/int8_dynamic_graphs.py f32,dq,rowf,rowq,rowi,dql

- f32:  the dequantized weights as float initializers, Gemm (the float model's cost);
- dq:   DequantizeLinear of the int8 weights + Gemm, float activations (what jvk writes for weight-only int8);
- rowf: each row quantized as jvk does (Abs, ReduceMax, Div, Max, Div, Clip, Round), Gemm on the integer values,
        scales in double (what jvk writes for int8-dynamic);
- rowq: the same with QuantizeLinear (per-row scale along axis 0) and Cast in place of Div, Clip, Round;
- rowi: rowf's quantization, then Cast to int8 and MatMulInteger (int8 x int8), its int32 sums cast through int64
        (MatMulInteger -> Cast to double -> Mul is fused by ONNX Runtime 1.30 into MatMulIntegerToFloat, which then
        refuses the double and the session fails to load);
- dql:  DynamicQuantizeLinear + MatMulInteger as onnxruntime's quantize_dynamic writes it: one uint8 scale and zero
        point per tensor, so not jvk's arithmetic (printed: its largest difference from jvk's).
Each graph's outputs are first compared with a numpy model of jvk's arithmetic; then 3 rounds of 7 timed blocks,
one thread, median, min and max per call.
"""
import sys, time, numpy as np, onnx, onnxruntime as ort
from onnx import helper as h, TensorProto as T, numpy_helper as nh
KINDS = sys.argv[1].split(",")
rng = np.random.default_rng(1)
sizes = [784, 256, 128, 10]
layers = []
for i in range(3):
    w = rng.normal(0, 1/np.sqrt(sizes[i]), (sizes[i+1], sizes[i])).astype(np.float32)  # out x in
    s = (np.abs(w).max(axis=1) / np.float32(127)).astype(np.float32)
    q = np.clip(np.rint(w / s[:, None]), -127, 127).astype(np.int8)
    b = rng.normal(0, 0.1, sizes[i+1]).astype(np.float32)
    layers.append((q, s, b))
scale = (rng.random(784).astype(np.float32) * 0.02 + 0.001).astype(np.float32)

def c(name, arr): return nh.from_array(arr, name)

def build(kind):
    nodes, inits = [], []
    inits.append(c("scaling.scale", scale))
    nodes.append(h.make_node("Mul", ["input", "scaling.scale"], ["scaled"]))
    x = "scaled"
    inits += [c("c127", np.array(127, np.float32)), c("cmin", np.array(np.finfo(np.float32).smallest_subnormal, np.float32)),
              c("c0", np.array(0, np.float32)), c("c1", np.array(1, np.float32)), c("cm127", np.array(-127, np.float32)),
              c("axes1", np.array([1], np.int64))]
    for i, (q, s, b) in enumerate(layers):
        p = f"l{i}."
        inits.append(c(p + "b", b))
        out = p + "out"
        if kind == "dq":
            inits += [c(p + "q", q), c(p + "s", s), c(p + "zp", np.zeros(len(s), np.int8))]
            nodes.append(h.make_node("DequantizeLinear", [p + "q", p + "s", p + "zp"], [p + "w"], axis=0))
            nodes.append(h.make_node("Gemm", [x, p + "w", p + "b"], [out], transB=1))
        elif kind == "f32":
            w = (q.astype(np.float32) * s[:, None]).astype(np.float32)
            inits.append(c(p + "w", w))
            nodes.append(h.make_node("Gemm", [x, p + "w", p + "b"], [out], transB=1))
        elif kind == "rowq":
            nodes += [h.make_node("Abs", [x], [p + "abs"]),
                      h.make_node("ReduceMax", [p + "abs"], [p + "m"], axes=[1], keepdims=0),
                      h.make_node("Div", [p + "m", "c127"], [p + "t0"]),
                      h.make_node("Max", [p + "t0", "cmin"], [p + "t1"]),
                      h.make_node("Mul", [p + "t1", "c0"], [p + "zf"]),
                      h.make_node("Cast", [p + "zf"], [p + "zp"], to=T.INT8),
                      h.make_node("QuantizeLinear", [x, p + "t1", p + "zp"], [p + "qx8"], axis=0),
                      h.make_node("Cast", [p + "qx8"], [p + "qx"], to=T.FLOAT),
                      h.make_node("Unsqueeze", [p + "t1", "axes1"], [p + "t"])]
            inits.append(c(p + "q", q))
            nodes.append(h.make_node("Cast", [p + "q"], [p + "qf"], to=T.FLOAT))
            nodes.append(h.make_node("Gemm", [p + "qx", p + "qf"], [p + "sum"], transB=1))
            inits.append(c(p + "sd", s.astype(np.float64)))
            nodes += [h.make_node("Cast", [p + "sum"], [p + "sumd"], to=T.DOUBLE),
                      h.make_node("Cast", [p + "t"], [p + "td"], to=T.DOUBLE),
                      h.make_node("Mul", [p + "td", p + "sd"], [p + "ts"]),
                      h.make_node("Mul", [p + "sumd", p + "ts"], [p + "yd"]),
                      h.make_node("Cast", [p + "yd"], [p + "yf"], to=T.FLOAT),
                      h.make_node("Add", [p + "yf", p + "b"], [out])]
        elif kind in ("rowf", "rowi"):
            nodes += [h.make_node("Abs", [x], [p + "abs"]),
                      h.make_node("ReduceMax", [p + "abs"], [p + "m"], axes=[1], keepdims=1),
                      h.make_node("Div", [p + "m", "c127"], [p + "t0"]),
                      h.make_node("Max", [p + "t0", "cmin"], [p + "t"]),
                      h.make_node("Div", [x, p + "t"], [p + "r"]),
                      h.make_node("Clip", [p + "r", "cm127", "c127"], [p + "cl"]),
                      h.make_node("Round", [p + "cl"], [p + "qx"])]
            if kind == "rowf":
                inits.append(c(p + "q", q))
                nodes.append(h.make_node("Cast", [p + "q"], [p + "qf"], to=T.FLOAT))
                nodes.append(h.make_node("Gemm", [p + "qx", p + "qf"], [p + "sum"], transB=1))
            else:
                inits.append(c(p + "qT", np.ascontiguousarray(q.T)))
                nodes.append(h.make_node("Cast", [p + "qx"], [p + "qx8"], to=T.INT8))
                nodes.append(h.make_node("MatMulInteger", [p + "qx8", p + "qT"], [p + "sum0"]))
                nodes.append(h.make_node("Cast", [p + "sum0"], [p + "sum"], to=T.INT64))
            inits.append(c(p + "sd", s.astype(np.float64)))
            nodes += [h.make_node("Cast", [p + "sum"], [p + "sumd"], to=T.DOUBLE),
                      h.make_node("Cast", [p + "t"], [p + "td"], to=T.DOUBLE),
                      h.make_node("Mul", [p + "td", p + "sd"], [p + "ts"]),
                      h.make_node("Mul", [p + "sumd", p + "ts"], [p + "yd"]),
                      h.make_node("Cast", [p + "yd"], [p + "yf"], to=T.FLOAT),
                      h.make_node("Add", [p + "yf", p + "b"], [out])]
        elif kind == "dql":   # ORT quantize_dynamic style: per-tensor uint8
            inits += [c(p + "qT", np.ascontiguousarray(q.T)), c(p + "s", s)]
            nodes += [h.make_node("DynamicQuantizeLinear", [x], [p + "xq", p + "xs", p + "xz"]),
                      h.make_node("MatMulInteger", [p + "xq", p + "qT", p + "xz"], [p + "sum"]),
                      h.make_node("Cast", [p + "sum"], [p + "sumf"], to=T.FLOAT),
                      h.make_node("Mul", [p + "xs", p + "s"], [p + "ts"]),
                      h.make_node("Mul", [p + "sumf", p + "ts"], [p + "yf"]),
                      h.make_node("Add", [p + "yf", p + "b"], [out])]
        x = out
        if i < 2:
            nodes.append(h.make_node("Relu", [x], [p + "relu"])); x = p + "relu"
    nodes.append(h.make_node("Softmax", [x], ["probabilities"], axis=1))
    g = h.make_graph(nodes, "m", [h.make_tensor_value_info("input", T.FLOAT, ["batch", 784])],
                     [h.make_tensor_value_info("probabilities", T.FLOAT, ["batch", 10])], inits)
    m = h.make_model(g, opset_imports=[h.make_opsetid("", 17)], ir_version=8)
    onnx.checker.check_model(m)
    return m

def jvk(xin):
    x = xin * scale
    for i, (q, s, b) in enumerate(layers):
        m = np.abs(x).max(axis=1, keepdims=True)
        t = np.where(m == 0, np.float32(1), np.maximum(m / np.float32(127), np.float32(1e-45))).astype(np.float32)
        qx = np.rint(np.clip(x / t, -127, 127)).astype(np.int64)
        sums = qx @ q.T.astype(np.int64)
        y = (sums * (t.astype(np.float64) * s.astype(np.float64))).astype(np.float32) + b
        x = np.maximum(y, 0) if i < 2 else y
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)

xs = {B: (rng.random((B, 784)) * 255).astype(np.float32) for B in (1, 128)}
ref = {B: jvk(xs[B]) for B in xs}
opts = ort.SessionOptions(); opts.intra_op_num_threads = 1; opts.inter_op_num_threads = 1
sess = {k: ort.InferenceSession(build(k).SerializeToString(), opts, providers=["CPUExecutionProvider"]) for k in KINDS}
for k, s_ in sess.items():
    for B in xs:
        y = s_.run(None, {"input": xs[B]})[0]
        print(k, B, "max |ort - jvk-arith|", np.abs(y - ref[B]).max())
res = {}
for rnd in range(3):
    for k, s_ in sess.items():
        for B in xs:
            feed = {"input": xs[B]}
            n = 4000 if B == 1 else 200
            for _ in range(n // 4): s_.run(None, feed)
            ts = []
            for _ in range(7):
                t0 = time.perf_counter()
                for _ in range(n): s_.run(None, feed)
                ts.append((time.perf_counter() - t0) / n * 1e6)
            res.setdefault((k, B), []).extend(ts)
for (k, B), ts in sorted(res.items(), key=lambda a: (a[0][1], a[0][0])):
    print(f"{k:5s} batch {B:4d}: median {np.median(ts):8.2f} us  min {min(ts):8.2f}  max {max(ts):8.2f}")
