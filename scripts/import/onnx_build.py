"""A small helper to write ONNX / QONNX graphs with onnx.helper (shared by the exporter and the examples)."""
import numpy as np
from onnx import TensorProto, helper, numpy_helper

QONNX = "qonnx.custom_op.general"


class Builder:
    def __init__(self, domain=QONNX):
        self.nodes, self.inits, self.domain, self.n = [], [], domain, 0

    def name(self, base):
        self.n += 1
        return f"{base}_{self.n}"

    def const(self, arr, base="c", dtype=np.float32):
        nm = self.name(base)
        self.inits.append(numpy_helper.from_array(np.asarray(arr, dtype=dtype), nm))
        return nm

    def node(self, op, inputs, base=None, domain="", n_out=1, exact_name=False, **kw):
        nm = base if exact_name else self.name(base or op)
        outs = [f"{nm}_out{i}" if i else f"{nm}_out" for i in range(n_out)]
        self.nodes.append(helper.make_node(op, inputs, outs, name=nm, domain=domain, **kw))
        return outs[0] if n_out == 1 else outs

    def quant(self, x, scale, bits, signed=True, narrow=False, zeropt=0.0, mode="ROUND", base="Quant",
              exact_name=False):
        return self.node("Quant", [x, self.const(scale, "scale"), self.const(zeropt, "zeropt"),
                                   self.const(float(bits), "bitwidth")], base, domain=self.domain,
                         exact_name=exact_name, signed=int(signed), narrow=int(narrow), rounding_mode=mode)

    def bipolar(self, x, scale=1.0, base="BipolarQuant"):
        return self.node("BipolarQuant", [x, self.const(scale, "scale")], base, domain=self.domain)

    def batchnorm(self, x, bn, base="BatchNorm"):
        g, b, m, v = bn
        return self.node("BatchNormalization", [x, self.const(g), self.const(b), self.const(m), self.const(v)],
                         base, epsilon=1e-4)

    def model(self, x_name, x_shape, y, opset=13, extra_domains=()):
        g = helper.make_graph(self.nodes, "tern_example", [helper.make_tensor_value_info(x_name, TensorProto.FLOAT,
                                                                                          x_shape)],
                              [helper.make_tensor_value_info(y, TensorProto.FLOAT, None)], self.inits)
        ops = [helper.make_opsetid("", opset)] + [helper.make_opsetid(d, 1) for d in (self.domain,) + extra_domains]
        m = helper.make_model(g, opset_imports=ops, producer_name="tern-example")
        m.ir_version = 8
        return m
