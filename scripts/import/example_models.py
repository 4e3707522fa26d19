"""Quantised ONNX graphs in the shapes real tools export, for the import tests and benchmark.

* ``tfc`` / ``cnn``: QONNX graphs built with onnx.helper the way Brevitas exports FINN's networks:
  an input shape subgraph (Shape/Gather/Unsqueeze/Concat/Reshape), input preprocessing (Mul/Sub),
  an input quantiser, Quant/BipolarQuant on every weight tensor (with a Transpose before MatMul),
  BatchNormalization before each activation quantiser, and a final per-tensor affine (TensorNorm).
* ``qdq_mlp``: the operator set of onnxruntime's static quantisation (QuantizeLinear, QLinearMatMul,
  MatMulInteger + scales, DequantizeLinear).
* ``qlinear_cnn``: QLinearConv / ConvInteger / MaxPool on uint8 tensors.

Parameters are numpy arrays; ``constructed_*`` make them without training: seeded random weights,
BatchNorm statistics calibrated on training images through the reference executor (so every
channel's activations spread over its levels), and a least-squares read-out layer.
"""
import numpy as np
import onnx

import reference as ref
from onnx_build import QONNX, Builder
from onnx_graph import Graph

def flatten_like_brevitas(b, x):
    """x.view(x.shape[0], -1) as torch exports it: a shape subgraph feeding Reshape."""
    s = b.node("Shape", [x])
    n = b.node("Gather", [s, b.const(0, "zero", np.int64)], axis=0)
    n1 = b.node("Unsqueeze", [n, b.const([0], "axes", np.int64)])
    shp = b.node("Concat", [n1, b.const([-1], "minus1", np.int64)], axis=0)
    return b.node("Reshape", [x, shp])


def weight_quant(b, W, wbits, wscale):
    if wbits == 1:
        return b.bipolar(b.const(W, "W"), 1.0, "WeightQuant")
    return b.quant(b.const(W, "W"), wscale, wbits, signed=True, narrow=True, base="WeightQuant")


def act_quant(b, x, abits, ascale, style):
    if abits == 1:
        return b.bipolar(x, ascale, "ActQuant")
    if style == "relu":  # QuantReLU: Relu, then an unsigned quantiser
        return b.quant(b.node("Relu", [x]), ascale, abits, signed=False, base="ActQuant")
    return b.quant(x, ascale, abits, signed=True, base="ActQuant")  # QuantIdentity, signed


def tfc(p, wbits, abits, domain=QONNX, act_style="signed"):
    """FINN TFC: 784-64-64-64-10 MLP. p: W0..W3 [out, in], ws0..ws3 weight scales ([out,1] or scalar),
    bn0..bn2 (gamma, beta, mean, var), as0..as2 activation scales, tn (scale, bias)."""
    b = Builder(domain)
    x = flatten_like_brevitas(b, "global_in")
    if abits == 1:  # bipolar input: 2x - 1, then BipolarQuant
        x = b.node("Sub", [b.node("Mul", [x, b.const(2.0)]), b.const(1.0)])
        x = b.bipolar(x, 1.0, "InputQuant")
    else:  # 8-bit unsigned input quantiser at one pixel step
        x = b.quant(x, 1.0 / 255.0, 8, signed=False, base="InputQuant")
    for i in range(4):
        Wq = weight_quant(b, p[f"W{i}"], wbits, p.get(f"ws{i}", 1.0))
        z = b.node("MatMul", [x, b.node("Transpose", [Wq], perm=[1, 0])])
        if i < 3:
            z = b.batchnorm(z, p[f"bn{i}"])
            x = act_quant(b, z, abits, p.get(f"as{i}", 1.0), act_style)
        else:
            x = b.node("Add", [b.node("Mul", [z, b.const(p["tn"][0])]), b.const(p["tn"][1])], "TensorNorm")
    return b.model("global_in", [1, 1, 28, 28], x)


def cnn(p, domain=QONNX):
    """Small CNV-style CNN: input 2x-1 -> 8-bit signed input quantiser -> conv 3x3 (2-bit weights, 16) ->
    BN -> QuantReLU 2 bit -> MaxPool 2 -> conv 3x3 pad 1 (2-bit weights, 16) -> BN -> BipolarQuant ->
    MaxPool 2 -> conv 3x3 pad 1 (bipolar weights, XNOR, 32) -> BN -> BipolarQuant -> flatten ->
    MatMul (bipolar weights, 10) -> TensorNorm."""
    b = Builder(domain)
    x = b.node("Sub", [b.node("Mul", ["global_in", b.const(2.0)]), b.const(1.0)])
    x = b.quant(x, 2.0 ** -7, 8, signed=True, narrow=False, base="InputQuant")
    x = b.node("Conv", [x, weight_quant(b, p["W0"], 2, p["ws0"])], kernel_shape=[3, 3], pads=[0, 0, 0, 0])
    x = act_quant(b, b.batchnorm(x, p["bn0"]), 2, p["as0"], "relu")
    x = b.node("MaxPool", [x], kernel_shape=[2, 2], strides=[2, 2])
    x = b.node("Conv", [x, weight_quant(b, p["W1"], 2, p["ws1"])], kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    x = act_quant(b, b.batchnorm(x, p["bn1"]), 1, 1.0, "")
    x = b.node("MaxPool", [x], kernel_shape=[2, 2], strides=[2, 2])
    x = b.node("Conv", [x, weight_quant(b, p["W2"], 1, 1.0)], kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    x = act_quant(b, b.batchnorm(x, p["bn2"]), 1, 1.0, "")
    x = flatten_like_brevitas(b, x)
    z = b.node("MatMul", [x, b.node("Transpose", [weight_quant(b, p["W3"], 1, 1.0)], perm=[1, 0])])
    y = b.node("Add", [b.node("Mul", [z, b.const(p["tn"][0])]), b.const(p["tn"][1])], "TensorNorm")
    return b.model("global_in", [1, 1, 28, 28], y)


# ------------------------------------------------------------------------------------------------
# Constructed parameters (no training).


def _probe(model, images, tensor, input_scale=1.0 / 255.0):
    """Values of one tensor of the graph for a batch of images (reference executor)."""
    g = Graph(model)
    r = ref.Reference(g)
    outs = []
    for i in range(0, len(images), 256):
        env = r.run(ref.batch_input(g, images[i:i + 256], input_scale), keep=True)
        outs.append(env[tensor])
    return np.concatenate(outs)


def _bn_input(model, k):
    bns = [n for n in model.graph.node if n.op_type == "BatchNormalization"]
    return bns[k].input[0]


def _calibrate(builder_fn, p, n_bn, images, rng, negative=0.15):
    """BatchNorm k: mean/var from the data, gamma in +-[0.6, 1.4] (some negative), small beta."""
    for k in range(n_bn):
        z = _probe(builder_fn(p), images, _bn_input(builder_fn(p), k))
        ax = (0,) + tuple(range(2, z.ndim))
        M = z.shape[1]
        g = rng.uniform(0.6, 1.4, M) * np.where(rng.random(M) < negative, -1.0, 1.0)
        p[f"bn{k}"] = (g, rng.normal(0, 0.3, M), z.mean(axis=ax), z.var(axis=ax) + 1e-3)
    return p


def _readout(builder_fn, p, key, bits, images, labels, rng):
    """Least-squares read-out of the features into the last layer, quantised to `bits` (1: sign, 2: ternary)."""
    m = builder_fn(p)
    last = [n for n in m.graph.node if n.op_type == "MatMul"][-1]
    F = _probe(m, images, last.input[0]).reshape(len(images), -1)
    Y = np.eye(10)[labels] * 2 - 1
    W = np.linalg.lstsq(np.c_[F, np.ones(len(F))], Y, rcond=None)[0][:-1].T  # [10, K]
    if bits == 1:
        p[key] = np.where(W >= 0, 1.0, -1.0)
    else:
        d = 0.7 * np.abs(W).mean()
        p[key] = np.sign(W) * (np.abs(W) > d)
    return p


def constructed_tfc(wbits, abits, images, labels, seed=1, act_style="signed"):
    rng = np.random.default_rng(seed)
    dims = [784, 64, 64, 64, 10]
    p = {}
    for i in range(4):
        p[f"W{i}"] = rng.normal(0, 1.0, (dims[i + 1], dims[i]))
        if wbits == 2:
            p[f"ws{i}"] = rng.uniform(0.5, 2.0, (dims[i + 1], 1)) if i < 3 else np.float32(0.25)
            p[f"W{i}"] = p[f"W{i}"] * p[f"ws{i}"]
    for k in range(3):
        p[f"bn{k}"] = (np.ones(64), np.zeros(64), np.zeros(64), np.ones(64))
        p[f"as{k}"] = 0.5 if abits == 2 else 1.0
    p["tn"] = (0.37, 0.2)

    def fn(q):
        return tfc(q, wbits, abits, act_style=act_style)

    p = _calibrate(fn, p, 3, images[:512], rng)
    p = _readout(fn, p, "W3", wbits, images, labels, rng)
    if wbits == 2:
        p["W3"] = p["W3"] * 0.25
    return fn(p), p


def constructed_cnn(images, labels, seed=2):
    rng = np.random.default_rng(seed)
    p = {"W0": rng.normal(0, 1, (16, 1, 3, 3)), "ws0": rng.uniform(0.5, 2, (16, 1, 1, 1)),
         "W1": rng.normal(0, 1, (16, 16, 3, 3)), "ws1": np.float32(0.5),
         "W2": rng.normal(0, 1, (32, 16, 3, 3)), "W3": rng.normal(0, 1, (10, 32 * 6 * 6)),
         "as0": 0.75, "tn": (0.5, -0.1)}
    p["W0"] = p["W0"] * p["ws0"]
    p["W1"] = p["W1"] * p["ws1"]
    for k, M in enumerate((16, 16, 32)):
        p[f"bn{k}"] = (np.ones(M), np.zeros(M), np.zeros(M), np.ones(M))
    p = _calibrate(cnn, p, 3, images[:256], rng)
    p = _readout(cnn, p, "W3", 1, images, labels, rng)
    return cnn(p), p


def save(model, path):
    onnx.save(model, path)
    return path
