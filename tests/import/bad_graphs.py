"""Malformed and unsupported graphs for the import tests: (case, file bytes or ModelProto, expected error text,
node the message must name). Each is a small variation of one valid QONNX MLP or CNN."""
import numpy as np
from onnx import TensorProto, helper

from onnx_build import Builder

RNG = np.random.default_rng(7)


def w(*shape):
    return np.clip(np.round(RNG.normal(0, 1, shape)), -1, 1)


def inp(b, flatten=True):
    x = b.node("Flatten", ["x"], "flat", exact_name=True, axis=1) if flatten else "x"
    return b.quant(x, 1.0 / 255.0, 8, signed=False, base="in_quant")


def layer(b, x, W, name, act=True, bits=2):
    z = b.node("MatMul", [x, b.quant(b.const(W), 1.0, bits, narrow=True, base=name + "_wq")], name, exact_name=True)
    if not act:
        return z
    return b.quant(b.node("Relu", [z]), 4.0, 2, signed=False, base=name + "_aq")


def mlp(edit=None, shape=(1, 1, 28, 28)):
    """The valid base: Flatten, input Quant, MatMul(2-bit) + Relu + Quant(2-bit), MatMul -> logits.
    edit(b, stage, x) may replace a stage's output."""
    b = Builder()
    x = inp(b)
    x = layer(b, x, w(784, 16), "fc1")
    if edit:
        x = edit(b, x)
    y = layer(b, x, w(16, 10), "fc2", act=False)
    return b.model("x", list(shape), y)


def conv_case(conv_kw, out_hw, weight_shape=(4, 1, 3, 3), pre=None):
    """input Quant [-> pre] -> Conv 'conv' (conv_kw) -> Relu + Quant -> Flatten -> MatMul -> logits."""
    b = Builder()
    x = b.quant("x", 1.0 / 255.0, 8, signed=False, base="in_quant")
    if pre:
        x = pre(b, x)
    z = b.node("Conv", [x, b.quant(b.const(w(*weight_shape)), 1.0, 2, narrow=True)], "conv", exact_name=True,
               **conv_kw)
    z = b.node("Flatten", [b.quant(b.node("Relu", [z]), 4.0, 2, signed=False, base="conv_aq")], axis=1)
    y = layer(b, z, w(weight_shape[0] * out_hw * out_hw, 10), "fc", act=False)
    return b.model("x", [1, 1, 28, 28], y)


def unary(op, **kw):
    return lambda b, x: b.node(op, [x], "bad", exact_name=True, **kw)


def cases():
    out = []

    def add(name, model, text, node):
        out.append((name, model, text, node))

    add("not_onnx", b"this is not a protobuf \x00\xff\x12", "not a readable ONNX model", None)
    add("sigmoid", mlp(unary("Sigmoid")), "operator ai.onnx:Sigmoid is not supported by the importer", "bad")
    add("custom_domain", mlp(lambda b, x: b.node("Foo", [x], "bad", exact_name=True, domain="com.example")),
        "operator com.example:Foo is not supported", "bad")

    def residual(b, x):
        return b.node("Add", [x, x], "bad", exact_name=True)
    add("residual", mlp(residual), "combines two activation tensors", "bad")

    def concat(b, x):
        return b.node("Concat", [x, x], "bad", exact_name=True, axis=1)
    add("concat", mlp(concat), "operator ai.onnx:Concat is not supported by the importer", "bad")

    def softmax_mid(b, x):
        return b.node("Softmax", [x], "smax", exact_name=True, axis=1)
    add("softmax_mid", mlp(softmax_mid), "follows Softmax", "fc2")

    b = Builder()  # two MatMuls in a row, no quantiser between
    x = layer(b, inp(b), w(784, 16), "fc1", act=False)
    y = layer(b, x, w(16, 10), "fc2", act=False)
    add("no_quantiser", b.model("x", [1, 1, 28, 28], y), "unquantised output of layer node 'fc1'", "fc2")

    b = Builder()
    x = inp(b)
    z = b.node("MatMul", [x, b.const(RNG.normal(0, 1, (784, 10)))], "float_mm", exact_name=True)
    add("float_weights", b.model("x", [1, 1, 28, 28], z), "float without a quantiser", "float_mm")

    b = Builder()
    x = inp(b)
    z = b.node("MatMul", [x, b.quant(b.const(np.round(RNG.normal(0, 100, (784, 10)))), 1.0, 9, narrow=True)],
               "wide_mm", exact_name=True)
    add("weights_9bit", b.model("x", [1, 1, 28, 28], z), "weights reach", "wide_mm")

    b = Builder()
    x = inp(b)
    z = b.node("MatMul", [x, b.quant(b.const(w(784, 16)), 1.0, 2, narrow=True)], "fc1", exact_name=True)
    z = b.quant(z, 1.0, 16, signed=True, base="act16", exact_name=True)
    y = layer(b, z, w(16, 10), "fc2", act=False)
    add("act_16bit", b.model("x", [1, 1, 28, 28], y), "Tern activations have at most 8 bits", "act16")

    b = Builder()
    x = inp(b)
    z = layer(b, x, w(784, 16), "fc1", act=False)
    z = b.quant(b.node("Relu", [z]), RNG.uniform(1, 4, (1, 16)), 2, signed=False, base="perch_aq")
    y = layer(b, z, w(16, 10), "fc2", act=False)
    add("per_channel_act_scale", b.model("x", [1, 1, 28, 28], y), "is not one number for the whole tensor", "fc2")

    b = Builder()
    x = inp(b)
    z = layer(b, layer(b, x, w(784, 16), "fc1"), w(16, 10), "fc2", act=False)
    g, bb, mu, var = RNG.uniform(0.5, 2, 10), np.zeros(10), np.zeros(10), np.ones(10)
    y = b.batchnorm(z, (g, bb, mu, var), "final_bn")
    add("per_class_scale", b.model("x", [1, 1, 28, 28], y), "scaled differently per class", "fc2")

    b = Builder()
    x = inp(b)
    z = b.node("MatMul", [x, b.quant(b.const(w(784, 10)), RNG.uniform(1, 2, (784, 1)), 2, narrow=True)],
               "rowscale", exact_name=True)
    add("weight_scale_per_input", b.model("x", [1, 1, 28, 28], z), "is not one number", "rowscale")

    b = Builder()
    x = inp(b)
    z = b.node("MatMul", [x, x], "mm2", exact_name=True)
    add("activation_weights", b.model("x", [1, 1, 28, 28], z), "weights (second input) must be constant", "mm2")

    b = Builder()
    x = b.node("Flatten", ["x"], axis=1)
    x = b.node("Quant", [x, b.const(1.0 / 255), b.const(0.0), b.const(8.0)], "stoch", exact_name=True,
               domain=b.domain, signed=0, narrow=0, rounding_mode="STOCHASTIC")
    add("rounding_mode", b.model("x", [1, 1, 28, 28], layer(b, x, w(784, 10), "fc", act=False)),
        "rounding_mode 'STOCHASTIC' unknown", "stoch")

    def four_channels(b, x):
        z = b.node("Conv", [x, b.quant(b.const(w(4, 1, 1, 1)), 1.0, 2, narrow=True)], kernel_shape=[1, 1])
        return b.quant(b.node("Relu", [z]), 4.0, 2, signed=False)
    add("grouped_conv", conv_case({"kernel_shape": [3, 3], "group": 2}, 26, (4, 2, 3, 3), pre=four_channels),
        "group=2: grouped/depthwise convolution is not supported", "conv")
    add("dilated_conv", conv_case({"kernel_shape": [3, 3], "dilations": [2, 2]}, 24), "dilations [2, 2]", "conv")
    add("asymmetric_pads", conv_case({"kernel_shape": [3, 3], "pads": [1, 1, 0, 0]}, 27), "pads all four sides",
        "conv")

    def offset(b, x):  # x - 0.5: the conv's zero padding would not be Tern's stored 0
        return b.node("Sub", [x, b.const(0.5)])
    add("pad_with_offset", conv_case({"kernel_shape": [3, 3], "pads": [1, 1, 1, 1]}, 28, pre=offset),
        "pads an input whose value 0 is not the stored integer 0", "conv")

    b = Builder()
    x = b.quant("x", 1.0 / 255.0, 8, signed=False, base="in_quant")
    z = b.node("Conv", [x, b.quant(b.const(w(4, 1, 3, 3)), 1.0, 2, narrow=True)], "conv", exact_name=True,
               kernel_shape=[3, 3])
    z = b.quant(b.node("Relu", [z]), 4.0, 2, signed=False)
    z = b.node("MaxPool", [z], "ceilpool", exact_name=True, kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1)
    y = layer(b, b.node("Flatten", [z], axis=1), w(4 * 13 * 13, 10), "fc", act=False)
    add("maxpool_ceil", b.model("x", [1, 1, 28, 28], y), "ceil_mode=1 adds a partial window", "ceilpool")
    b = Builder()  # conv -> MaxPool -> BatchNorm with a negative gamma -> quantiser: max would have to be min
    x = b.quant("x", 1.0 / 255.0, 8, signed=False, base="in_quant")
    z = b.node("Conv", [x, b.quant(b.const(w(4, 1, 3, 3)), 1.0, 2, narrow=True)], "conv", exact_name=True,
               kernel_shape=[3, 3])
    z = b.node("MaxPool", [z], "pool", exact_name=True, kernel_shape=[2, 2], strides=[2, 2])
    z = b.batchnorm(z, (np.array([1.0, -1.0, 1.0, 1.0]), np.zeros(4), np.zeros(4), np.ones(4)))
    z = b.quant(b.node("Relu", [z]), 4.0, 2, signed=False, base="pool_aq", exact_name=True)
    y = layer(b, b.node("Flatten", [z], axis=1), w(4 * 13 * 13, 10), "fc", act=False)
    add("pool_then_negative_scale", b.model("x", [1, 1, 28, 28], y), "decreases after MaxPool 'pool'", "pool_aq")
    b = Builder()
    x = b.quant("x", 1.0 / 255.0, 8, signed=False, base="in_quant")
    z = b.node("AveragePool", [x], "avg", exact_name=True, kernel_shape=[2, 2], strides=[2, 2])
    y = layer(b, b.node("Flatten", [z], axis=1), w(196, 10), "fc", act=False)
    add("average_pool", b.model("x", [1, 1, 28, 28], y), "AveragePool is not supported", "avg")

    add("input_32x32", mlp(shape=(1, 1, 32, 32)), "784 values", None)

    m = mlp()
    m.graph.node[3].input[0] = "missing_tensor"
    add("dangling_input", m, "input 'missing_tensor' is not produced", None)

    m = mlp()
    m.graph.input.append(helper.make_tensor_value_info("y2", TensorProto.FLOAT, [1, 10]))
    add("two_inputs", m, "exactly one (image) input", None)

    m = mlp()
    last = m.graph.node[-1]
    m.graph.node[1].input[0] = last.output[0]  # a loop back from the end
    add("cycle", m, "cycle", None)
    return out
