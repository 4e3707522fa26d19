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


def pool_first_cnn(p, domain=QONNX):
    """The PyTorch habit: conv -> MaxPool -> BatchNorm -> ReLU -> quantiser (the pool on the accumulator, moved
    behind Tern's requantiser), then a 4-bit QuantReLU conv (linear requant), flatten, 2-bit MatMul."""
    b = Builder(domain)
    x = b.quant("global_in", 1.0 / 255.0, 8, signed=False, base="InputQuant")
    x = b.node("Conv", [x, weight_quant(b, p["W0"], 2, 1.0)], kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    x = b.node("MaxPool", [x], kernel_shape=[2, 2], strides=[2, 2])
    x = act_quant(b, b.batchnorm(x, p["bn0"]), 2, 1.0, "relu")
    x = b.node("Conv", [x, weight_quant(b, p["W1"], 2, 1.0)], kernel_shape=[3, 3], strides=[2, 2])
    x = act_quant(b, b.batchnorm(x, p["bn1"]), 4, 0.25, "relu")
    x = b.node("Flatten", [x], axis=1)
    y = b.node("MatMul", [x, b.node("Transpose", [weight_quant(b, p["W2"], 2, 1.0)], perm=[1, 0])])
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


def constructed_pool_first_cnn(images, labels, seed=8):
    rng = np.random.default_rng(seed)
    p = {"W0": rng.normal(0, 1, (8, 1, 3, 3)), "W1": rng.normal(0, 1, (8, 8, 3, 3)),
         "W2": rng.normal(0, 1, (10, 8 * 6 * 6))}
    for k in range(2):
        p[f"bn{k}"] = (np.ones(8), np.zeros(8), np.zeros(8), np.ones(8))
    p = _calibrate(pool_first_cnn, p, 2, images[:256], rng, negative=0.0)
    p = _readout(pool_first_cnn, p, "W2", 2, images, labels, rng)
    return pool_first_cnn(p), p


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


# ------------------------------------------------------------------------------------------------
# Standard quantised ONNX.


def ort_mlp(p):
    """onnxruntime-style QOperator MLP 784-64-32-10: QuantizeLinear (uint8 input) -> MatMulInteger + Cast +
    Mul(scale) + Add(bias) + Relu -> QuantizeLinear -> QLinearMatMul -> DequantizeLinear -> MatMul on
    QuantizeLinear/DequantizeLinear weights + Add(bias). p: W0 [784,64], W1 [64,32], W2 [32,10] int8
    arrays, s0, s1 (activation scales), sw0, sw1, sw2 (weight scales), b0 [64], b2 [10] float."""
    b = Builder()
    x = b.node("Flatten", ["x"], axis=1)
    xq = b.node("QuantizeLinear", [x, b.const(1.0 / 255.0), b.const(0, "zp", np.uint8)])
    acc = b.node("MatMulInteger", [xq, b.const(p["W0"], "W0", np.int8), b.const(0, "zp", np.uint8),
                                   b.const(0, "zp", np.int8)])
    z = b.node("Mul", [b.node("Cast", [acc], to=1), b.const((1.0 / 255.0) * p["sw0"])])
    z = b.node("Relu", [b.node("Add", [z, b.const(p["b0"])])])
    h = b.node("QuantizeLinear", [z, b.const(p["s0"]), b.const(0, "zp", np.uint8)])
    h = b.node("QLinearMatMul", [h, b.const(p["s0"]), b.const(0, "zp", np.uint8), b.const(p["W1"], "W1", np.int8),
                                 b.const(p["sw1"]), b.const(0, "zp", np.int8), b.const(p["s1"]),
                                 b.const(0, "zp", np.uint8)])
    h = b.node("DequantizeLinear", [h, b.const(p["s1"]), b.const(0, "zp", np.uint8)])
    w2 = b.node("DequantizeLinear", [b.node("QuantizeLinear", [b.const(p["W2"] * p["sw2"], "W2"), b.const(p["sw2"]),
                                                                b.const(0, "zp", np.int8)]),
                                     b.const(p["sw2"]), b.const(0, "zp", np.int8)])
    y = b.node("Add", [b.node("MatMul", [h, w2]), b.const(p["b2"])])
    return b.model("x", ["N", 1, 28, 28], y)


def qlinear_cnn(p):
    """QOperator CNN: QuantizeLinear -> QLinearConv (int32 bias, pad 1) -> MaxPool on uint8 -> ConvInteger +
    Cast + Mul + Relu -> QuantizeLinear -> DequantizeLinear -> Flatten -> Gemm (QDQ weights, bias)."""
    b = Builder()
    xq = b.node("QuantizeLinear", ["x", b.const(1.0 / 255.0), b.const(0, "zp", np.uint8)])
    h = b.node("QLinearConv", [xq, b.const(1.0 / 255.0), b.const(p.get("xzp", 0), "zp", np.uint8),
                               b.const(p["W0"], "W0", np.int8), b.const(p["sw0"]), b.const(0, "zp", np.int8),
                               b.const(p["s0"]), b.const(0, "zp", np.uint8), b.const(p["b0"], "B0", np.int32)],
               kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    h = b.node("MaxPool", [h], kernel_shape=[2, 2], strides=[2, 2])
    acc = b.node("ConvInteger", [h, b.const(p["W1"], "W1", np.int8), b.const(0, "zp", np.uint8)],
                 kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2])
    z = b.node("Relu", [b.node("Mul", [b.node("Cast", [acc], to=1), b.const(p["s0"] * p["sw1"])])])
    h = b.node("DequantizeLinear", [b.node("QuantizeLinear", [z, b.const(p["s1"]), b.const(0, "zp", np.uint8)]),
                                    b.const(p["s1"]), b.const(0, "zp", np.uint8)])
    h = b.node("Flatten", [h], axis=1)
    w2 = b.node("DequantizeLinear", [b.const(p["W2"], "W2", np.int8), b.const(p["sw2"]), b.const(0, "zp", np.int8)])
    y = b.node("Gemm", [h, w2, b.const(p["b2"])], transB=1)
    return b.model("x", ["N", 1, 28, 28], y)


def trunc_mlp(p, domain="onnx.brevitas"):
    """Older Brevitas export (domain onnx.brevitas): 8-bit input quantiser, 2-bit weights, ReLU and the
    accumulator reduced by Trunc v2 (unsigned 4-bit out, FLOOR) as the activation quantiser, and a raw
    last layer. p: W0 [784,64] and W1 [64,10] in {-1,0,1}, ws0, ws1 scalar weight scales."""
    b = Builder(domain)
    x = flatten_like_brevitas(b, "global_in")
    x = b.quant(x, 1.0 / 255.0, 8, signed=False, base="InputQuant")
    w0 = b.quant(b.const(p["W0"] * p["ws0"]), p["ws0"], 2, signed=True, narrow=True, base="WeightQuant")
    z = b.node("MatMul", [x, w0])
    s_acc = (1.0 / 255.0) * p["ws0"]
    x = b.node("Trunc", [b.node("Relu", [z]), b.const(s_acc), b.const(0.0), b.const(16.0),
                         b.const(s_acc * 2.0 ** p["k"]), b.const(4.0)], "AccTrunc", domain=domain,
               rounding_mode="FLOOR", signed=0, narrow=0)
    w1 = b.quant(b.const(p["W1"] * p["ws1"]), p["ws1"], 2, signed=True, narrow=True, base="WeightQuant")
    y = b.node("MatMul", [x, w1])
    return b.model("global_in", [1, 1, 28, 28], y)


def torch_qdq_cnn(p, path, fold=True):
    """A fake-quantised PyTorch CNN exported with torch.onnx.export (QuantizeLinear/DequantizeLinear pairs):
    uint8 input, conv 3x3 pad 1 (8, per-channel int8 weights) + ReLU + uint8 QDQ, max-pool 2, conv 3x3 pad 1
    (16) + ReLU + QDQ, max-pool 2, flatten, linear (per-tensor int8 weights, bias). With po2, every scale is a
    power of two and every bias a multiple of its accumulator step (the exact case). fold: torch's constant
    folding, which turns the weights' QuantizeLinear/DequantizeLinear into float constants."""
    import torch

    def fq(x, s, lo=0, hi=255):
        return torch.fake_quantize_per_tensor_affine(x, float(s), 0, lo, hi)

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            for k in range(3):
                setattr(self, f"w{k}", torch.nn.Parameter(torch.tensor(p[f"W{k}"], dtype=torch.float32)))
                setattr(self, f"b{k}", torch.nn.Parameter(torch.tensor(p[f"b{k}"], dtype=torch.float32)))
            for k in range(2):
                self.register_buffer(f"sw{k}", torch.tensor(p[f"sw{k}"], dtype=torch.float32))
                self.register_buffer(f"zp{k}", torch.zeros(len(p[f"sw{k}"]), dtype=torch.int32))

        def forward(self, x):
            x = fq(x, 1.0 / 255.0)
            for k in range(2):
                w = torch.fake_quantize_per_channel_affine(getattr(self, f"w{k}"), getattr(self, f"sw{k}"),
                                                           getattr(self, f"zp{k}"), 0, -128, 127)
                x = torch.nn.functional.conv2d(x, w, getattr(self, f"b{k}"), padding=1)
                x = torch.nn.functional.max_pool2d(fq(torch.relu(x), p[f"s{k}"]), 2)
            w = fq(self.w2, p["sw2"], -128, 127)
            return torch.nn.functional.linear(torch.flatten(x, 1), w, self.b2)

    torch.onnx.export(Net().eval(), torch.zeros(1, 1, 28, 28), path, opset_version=13, input_names=["x"],
                      output_names=["logits"], dynamic_axes={"x": {0: "N"}, "logits": {0: "N"}},
                      do_constant_folding=fold)
    return path


def _po2(x, up=False):
    return 2.0 ** (np.ceil(np.log2(x)) if up else np.round(np.log2(x)))


def constructed_torch_cnn(images, labels, path, po2=True, seed=3):
    """Seeded random conv weights, activation scales from the data (max / 255, rounded to a power of two when
    po2), a least-squares read-out; exported through torch."""
    rng = np.random.default_rng(seed)
    p = {}
    x = images.astype(np.float64)[:, None] / 255.0
    for k, (C, M) in enumerate(((1, 8), (8, 16))):
        W = rng.normal(0, 1, (M, C, 3, 3))
        sw = np.abs(W).reshape(M, -1).max(axis=1) / 127.0
        sw = _po2(sw, up=True) if po2 else sw
        Wq = np.clip(np.round(W / sw[:, None, None, None]), -127, 127) * sw[:, None, None, None]
        z = ref.conv2d(None, x, Wq, {"pads": [1, 1, 1, 1]})
        b = -z.mean(axis=(0, 2, 3)) * 0.5
        s_in = 1.0 / 255.0 if k == 0 else p["s0"]
        if po2:
            b = np.round(b / (s_in * sw)) * (s_in * sw)  # a multiple of the accumulator step
        z = np.maximum(z + b[None, :, None, None], 0)
        s = float(np.percentile(z, 99.9) / 255.0)
        s = _po2(s) if po2 else s
        x = np.clip(np.round(z / s), 0, 255) * s
        x = x.reshape(x.shape[0], M, 14 if k == 0 else 7, 2, 14 if k == 0 else 7, 2).max(axis=(3, 5))
        p.update({f"W{k}": W, f"sw{k}": sw, f"b{k}": b, f"s{k}": s})
    F = x.reshape(len(x), -1)
    Y = np.eye(10)[labels] * 2 - 1
    W2 = np.linalg.lstsq(np.c_[F, np.ones(len(F))], Y, rcond=None)[0]
    sw2 = float(np.abs(W2[:-1]).max() / 127.0)
    b2 = W2[-1]
    if po2:
        sw2 = _po2(sw2, up=True)
        b2 = np.round(b2 / (p["s1"] * sw2)) * (p["s1"] * sw2)
    p.update({"W2": np.clip(np.round(W2[:-1].T / sw2), -127, 127) * sw2, "sw2": sw2, "b2": b2})
    return torch_qdq_cnn(p, path, fold=po2), p


def _readout_int8(F, labels):
    """Least-squares read-out [K, 10] quantised to int8 with a per-tensor scale; (W int8, scale, bias)."""
    W = np.linalg.lstsq(np.c_[F, np.ones(len(F))], np.eye(10)[labels] * 2 - 1, rcond=None)[0]
    sw = float(np.abs(W[:-1]).max() / 127.0)
    return np.clip(np.round(W[:-1] / sw), -127, 127).astype(np.int8), sw, W[-1]


def constructed_ort_mlp(images, labels, seed=4):
    rng = np.random.default_rng(seed)
    x = images.reshape(len(images), -1).astype(np.float64)
    W0 = np.clip(np.round(rng.normal(0, 40, (784, 64))), -127, 127).astype(np.int8)
    W1 = np.clip(np.round(rng.normal(0, 40, (64, 32))), -127, 127).astype(np.int8)
    p = {"W0": W0, "W1": W1, "sw0": 2.0 ** -9, "sw1": 0.0073}
    z = x @ W0.astype(np.float64) * (p["sw0"] / 255.0)
    p["b0"] = -np.median(z, axis=0)
    h = np.maximum(z + p["b0"], 0)
    p["s0"] = float(np.percentile(h, 99.5) / 255.0)
    q = np.clip(np.round(h / p["s0"]), 0, 255)
    h1 = q @ W1.astype(np.float64) * p["s0"] * p["sw1"]
    p["s1"] = float(np.percentile(h1, 99.5) / 255.0)
    F = np.clip(np.round(h1 / p["s1"]), 0, 255) * p["s1"]
    W2, p["sw2"], p["b2"] = _readout_int8(F, labels)
    p["W2"] = W2.astype(np.float64)
    return ort_mlp(p), p


def constructed_qlinear_cnn(images, labels, seed=5, xzp=0):
    rng = np.random.default_rng(seed)
    x = images[:, None].astype(np.float64)
    W0 = np.clip(np.round(rng.normal(0, 50, (8, 1, 3, 3))), -127, 127).astype(np.int8)
    W1 = np.clip(np.round(rng.normal(0, 30, (16, 8, 3, 3))), -127, 127).astype(np.int8)
    p = {"W0": W0, "W1": W1, "sw0": 2.0 ** -7, "sw1": 2.0 ** -8, "xzp": xzp}
    acc = ref.conv2d(None, x, W0.astype(np.float64), {"pads": [1, 1, 1, 1]})
    p["b0"] = np.round(-np.median(acc, axis=(0, 2, 3)) * 0.5).astype(np.int32)
    z = (acc + p["b0"][None, :, None, None]) * (p["sw0"] / 255.0)
    p["s0"] = float(2.0 ** np.round(np.log2(np.percentile(z, 99.5) / 255.0)))
    q = np.clip(np.round(z / p["s0"]), 0, 255)
    q = q.reshape(len(q), 8, 14, 2, 14, 2).max(axis=(3, 5))
    acc1 = ref.conv2d(None, q, W1.astype(np.float64), {"pads": [1, 1, 1, 1], "strides": [2, 2]})
    z1 = np.maximum(acc1 * p["s0"] * p["sw1"], 0)
    p["s1"] = float(np.percentile(z1, 99.5) / 255.0)
    F = (np.clip(np.round(z1 / p["s1"]), 0, 255) * p["s1"]).reshape(len(q), -1)
    W2, p["sw2"], p["b2"] = _readout_int8(F, labels)
    p["W2"] = W2.T.copy()
    return qlinear_cnn(p), p


def constructed_trunc_mlp(images, labels, seed=6):
    rng = np.random.default_rng(seed)
    x = images.reshape(len(images), -1).astype(np.float64)
    W0 = np.clip(np.round(rng.normal(0, 0.8, (784, 64))), -1, 1)
    acc = x @ W0
    k = int(np.round(np.log2(acc.std() / 4)))
    F = np.clip(np.floor(np.maximum(acc, 0) / 2 ** k), 0, 15)
    W = np.linalg.lstsq(np.c_[F, np.ones(len(F))], np.eye(10)[labels] * 2 - 1, rcond=None)[0][:-1]
    W1 = np.sign(W) * (np.abs(W) > 0.7 * np.abs(W).mean())
    return trunc_mlp({"W0": W0, "W1": W1, "ws0": 0.5, "ws1": 0.25, "k": k}), k
