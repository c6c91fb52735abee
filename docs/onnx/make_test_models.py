"""Writes the ONNX files that jvk's import is tested against, with the outputs their own tools gave.

Run once by hand (the tests never run Python); the files it writes are committed:

    python docs/onnx/make_test_models.py nn/src/test/resources/dev/jvk/nn/onnx/real

Needs torch (CPU), onnx and onnxruntime. For each model NAME it writes NAME.onnx and NAME.expected.txt:
a line "rows R inputs F outputs C", then R lines of inputs (flattened per sample), then R lines of
the outputs, each value the shortest decimal that reads back as the same float32.

- pytorch_*: real torch.nn.Sequential MLPs with seeded random weights, exported by torch.onnx.export
  (the TorchScript exporter, as most files in use were written; batch dimension dynamic). Expected
  outputs are PyTorch's own, in eval mode.
- tf2onnx_* and skl2onnx_*: graphs laid out the way tf2onnx writes a Keras Sequential (MatMul + Add,
  float16 weights cast to float, Keras's LeakyReLU alpha 0.3, Reshape as Flatten) and the way
  skl2onnx writes a StandardScaler + MLPClassifier pipeline (ai.onnx.ml Scaler, MatMul, Add, Relu,
  Softmax, float weights from a real scikit-learn fit), built with the onnx package's
  helpers. Neither tool is installed here, so the expected outputs are ONNX Runtime's.

With --big FILE it writes one more file instead: a 4096-4096-2048-10 PyTorch MLP (about 100 MB,
Gemm with transB=1), the model bench's import measurement reads.
"""
import os
import sys

import numpy as np
import onnx
import onnxruntime
import torch
from onnx import TensorProto, helper, numpy_helper
from torch import nn

ROWS = 7


def write_expected(path, x, y):
    x = np.asarray(x, dtype=np.float32).reshape(x.shape[0], -1)
    y = np.asarray(y, dtype=np.float32).reshape(y.shape[0], -1)
    with open(path, "w") as f:
        f.write(f"rows {x.shape[0]} inputs {x.shape[1]} outputs {y.shape[1]}\n")
        for block in (x, y):
            for row in block:
                f.write(" ".join(np.format_float_positional(v, unique=True, trim="-") for v in row) + "\n")


def run_ort(path, x):
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: x})[0]


def export_torch(out, name, model, input_shape, opset):
    torch.manual_seed(1)
    x = torch.randn(ROWS, *input_shape)
    model.eval()
    with torch.no_grad():
        y = model(x)
    path = os.path.join(out, name + ".onnx")
    torch.onnx.export(model, (x,), path, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, opset_version=opset, dynamo=False)
    ort = run_ort(path, x.numpy())
    assert np.allclose(ort, y.numpy(), rtol=1e-5, atol=1e-6), name + ": ONNX Runtime disagrees with PyTorch"
    write_expected(os.path.join(out, name + ".expected.txt"), x.numpy(), y.numpy())


def pytorch_models(out):
    torch.manual_seed(0)
    export_torch(out, "pytorch_flatten_relu_tanh_softmax", nn.Sequential(
        nn.Flatten(), nn.Linear(20, 32), nn.ReLU(), nn.Linear(32, 16), nn.Tanh(), nn.Linear(16, 5), nn.Softmax(dim=1)),
        (1, 5, 4), 17)
    torch.manual_seed(0)
    gelu = nn.Sequential(nn.Linear(12, 24), nn.GELU(), nn.Linear(24, 16), nn.Sigmoid(), nn.Linear(16, 3))
    export_torch(out, "pytorch_gelu_sigmoid_regressor", gelu, (12,), 17)   # GELU as Div, Erf, Add, Mul, Mul
    export_torch(out, "pytorch_gelu_opset20", gelu, (12,), 20)             # GELU as one Gelu node
    torch.manual_seed(0)
    export_torch(out, "pytorch_leaky_relu_dropout_log_softmax", nn.Sequential(
        nn.Linear(10, 16), nn.LeakyReLU(0.2), nn.Dropout(0.5), nn.Linear(16, 8), nn.LeakyReLU(), nn.Linear(8, 4),
        nn.LogSoftmax(dim=1)), (10,), 11)


def save(out, name, graph, opsets, producer, x):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid(d, v) for d, v in opsets],
                              producer_name=producer[0], producer_version=producer[1])
    model.ir_version = 7
    onnx.checker.check_model(model)
    path = os.path.join(out, name + ".onnx")
    onnx.save(model, path)
    write_expected(os.path.join(out, name + ".expected.txt"), x, run_ort(path, x))


def tf2onnx_keras(out):
    """Keras: Flatten, Dense(24, relu), Dense(12) + LeakyReLU() (alpha 0.3), Dense(4, softmax); float16 weights."""
    rng = np.random.default_rng(3)
    w = [rng.normal(0, 0.4, s).astype(np.float16) for s in ((3 * 6, 24), (24, 12), (12, 4))]
    b = [rng.normal(0, 0.1, s).astype(np.float16) for s in (24, 12, 4)]
    inits, nodes = [], []
    inits.append(numpy_helper.from_array(np.array([-1, 18], dtype=np.int64), "const_fold_opt__12"))
    nodes.append(helper.make_node("Reshape", ["input_1", "const_fold_opt__12"], ["sequential/flatten/Reshape:0"],
                                  name="sequential/flatten/Reshape"))
    x = "sequential/flatten/Reshape:0"
    layer_names = ["dense", "dense_1", "dense_2"]
    for i, layer in enumerate(layer_names):
        scope = f"sequential/{layer}"
        inits.append(numpy_helper.from_array(w[i], f"{scope}/MatMul/ReadVariableOp:0"))
        inits.append(numpy_helper.from_array(b[i], f"{scope}/BiasAdd/ReadVariableOp:0"))
        nodes.append(helper.make_node("Cast", [f"{scope}/MatMul/ReadVariableOp:0"], [f"{scope}/Cast:0"], to=TensorProto.FLOAT,
                                      name=f"{scope}/Cast"))
        nodes.append(helper.make_node("Cast", [f"{scope}/BiasAdd/ReadVariableOp:0"], [f"{scope}/Cast_1:0"],
                                      to=TensorProto.FLOAT, name=f"{scope}/Cast_1"))
        nodes.append(helper.make_node("MatMul", [x, f"{scope}/Cast:0"], [f"{scope}/MatMul:0"], name=f"{scope}/MatMul"))
        nodes.append(helper.make_node("Add", [f"{scope}/MatMul:0", f"{scope}/Cast_1:0"], [f"{scope}/BiasAdd:0"],
                                      name=f"{scope}/BiasAdd"))
        x = f"{scope}/BiasAdd:0"
        if i == 0:
            nodes.append(helper.make_node("Relu", [x], [f"{scope}/Relu:0"], name=f"{scope}/Relu"))
            x = f"{scope}/Relu:0"
        elif i == 1:
            nodes.append(helper.make_node("LeakyRelu", [x], ["sequential/leaky_re_lu/LeakyRelu:0"], alpha=0.3,
                                          name="sequential/leaky_re_lu/LeakyRelu"))
            x = "sequential/leaky_re_lu/LeakyRelu:0"
    nodes.append(helper.make_node("Softmax", [x], ["dense_2"], axis=-1, name="sequential/dense_2/Softmax"))
    graph = helper.make_graph(nodes, "tf2onnx", [helper.make_tensor_value_info("input_1", TensorProto.FLOAT, ["unk__20", 3, 6])],
                              [helper.make_tensor_value_info("dense_2", TensorProto.FLOAT, ["unk__21", 4])], inits)
    data = np.random.default_rng(4).normal(0, 1, (ROWS, 3, 6)).astype(np.float32)
    save(out, "tf2onnx_keras_float16_leaky_softmax", graph, [("", 13)], ("tf2onnx", "1.16.1 15c810"), data)


def skl2onnx_pipeline(out):
    """StandardScaler + MLPClassifier(hidden 16-8, relu) fitted on a seeded three-class problem."""
    from sklearn.neural_network import MLPClassifier
    from sklearn.preprocessing import StandardScaler
    rng = np.random.default_rng(5)
    x = rng.normal(0, 1, (300, 6)) * np.array([1, 10, 0.1, 3, 1, 50]) + np.array([0, 5, 1, -2, 0, 100])
    y = (x[:, 0] + x[:, 1] / 10 > 0.5).astype(int) + (x[:, 3] > -2).astype(int)
    scaler = StandardScaler().fit(x)
    mlp = MLPClassifier(hidden_layer_sizes=(16, 8), max_iter=300, random_state=0).fit(scaler.transform(x), y)
    inits = []
    nodes = [helper.make_node("Scaler", ["float_input"], ["variable"], domain="ai.onnx.ml", name="Scaler",
                              offset=scaler.mean_.astype(np.float32).tolist(),
                              scale=(1 / scaler.scale_).astype(np.float32).tolist())]
    v = "variable"
    for i, (coef, intercept) in enumerate(zip(mlp.coefs_, mlp.intercepts_)):
        suffix = "" if i == 0 else str(i)
        inits.append(numpy_helper.from_array(coef.astype(np.float32), f"coefficient{suffix}"))
        inits.append(numpy_helper.from_array(intercept.astype(np.float32).reshape(1, -1), f"intercepts{suffix}"))
        nodes.append(helper.make_node("MatMul", [v, f"coefficient{suffix}"], [f"mul_result{suffix}"], name=f"MatMul{suffix}"))
        nodes.append(helper.make_node("Add", [f"mul_result{suffix}", f"intercepts{suffix}"], [f"add_result{suffix}"],
                                      name=f"Add{suffix}"))
        v = f"add_result{suffix}"
        if i < len(mlp.coefs_) - 1:
            nodes.append(helper.make_node("Relu", [v], [f"next_activations{suffix}"], name=f"Relu{suffix}"))
            v = f"next_activations{suffix}"
    nodes.append(helper.make_node("Softmax", [v], ["probabilities"], axis=1, name="Softmax"))
    graph = helper.make_graph(nodes, "pipeline_mlp", [helper.make_tensor_value_info("float_input", TensorProto.FLOAT, [None, 6])],
                              [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [None, 3])], inits)
    data = x[:ROWS].astype(np.float32)
    save(out, "skl2onnx_scaler_mlp_classifier", graph, [("", 13), ("ai.onnx.ml", 1)], ("skl2onnx", "1.17.0"), data)


def big(path):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4096, 4096), nn.ReLU(), nn.Linear(4096, 2048), nn.ReLU(), nn.Linear(2048, 10),
                          nn.Softmax(dim=1)).eval()
    torch.onnx.export(model, (torch.randn(1, 4096),), path, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, opset_version=17, dynamo=False)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--big":
        big(sys.argv[2])
    else:
        out = sys.argv[1]
        os.makedirs(out, exist_ok=True)
        pytorch_models(out)
        tf2onnx_keras(out)
        skl2onnx_pipeline(out)
