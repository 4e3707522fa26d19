"""Tern model (.tnm) -> QONNX graph (docs/import.md, "Export").

The graph computes exactly what the integer model computes (under exact / float64 arithmetic):

* input ``x`` = pixel / 255 (float [N, 1, 28, 28]); Mul 255 and an 8-bit unsigned Quant give the pixels;
* conv/fc: the integer weights (SYQ scales multiplied in) as an initializer behind Quant (narrow, signed,
  scale 1; BipolarQuant for binary weights), Conv or Flatten + MatMul; an XNOR layer first maps its
  1-bit input to -1/+1 (Mul, Add);
* ``linear`` requant: Add bias, Mul mult/2^shift, Add 1/2 (0 when shift = 0), Quant(scale 1,
  rounding FLOOR, out_bits, out_signed) -- floor((acc + bias) * mult / 2^shift + 1/2), clamped;
* ``threshold`` requant: MultiThreshold (QONNX domain) with the thresholds;
* ``raw``: Add bias; maxpool: MaxPool.
"""
import numpy as np
from onnx import TensorProto, helper

from onnx_build import QONNX, Builder


def weight_bits(w):
    m = int(np.abs(w).max(initial=1))
    return max(2, m.bit_length() + 1)


def export(hdr, layers):
    """hdr: the .tnm JSON header; layers: eval_int.build()'s executable layers (weights incl. SYQ)."""
    b = Builder(QONNX)
    x = b.node("Mul", ["x", b.const(255.0, "to_pixels")], "pixels")
    x = b.quant(x, 1.0, 8, signed=False, base="input_quant")
    prev_signed = False  # of the tensor the next layer reads
    for L, E in zip(hdr["layers"], layers):
        nm = L.get("name") or E["type"]
        if E["type"] == "maxpool":
            x = b.node("MaxPool", [x], nm, exact_name=True, kernel_shape=[E["K"], E["K"]], strides=[E["stride"]] * 2)
            continue
        if E["ab"] == 1 and E["asg"]:  # XNOR: the stored low bit 1 -> +1, 0 -> -1
            k, c = (-2.0, -1.0) if prev_signed else (2.0, -1.0)
            x = b.node("Add", [b.node("Mul", [x, b.const(k)]), b.const(c)], nm + "_xnor_operand")
        w = E["w"].astype(np.float64)
        M = w.shape[0]
        if L["weight_type"] == "binary" and L.get("syq") is None:
            wq = b.bipolar(b.const(w, nm + "_W"), 1.0, nm + "_wquant")
        else:
            wq = b.quant(b.const(w, nm + "_W"), 1.0, weight_bits(w), signed=True, narrow=True, base=nm + "_wquant")
        if E["type"] == "conv":
            p = E["pad"]
            acc = b.node("Conv", [x, wq], nm, exact_name=True, kernel_shape=[E["R"], E["S"]],
                         strides=[E["stride"]] * 2, pads=[p, p, p, p])
            cshape = [1, M, 1, 1]
        else:
            x = b.node("Flatten", [x], nm + "_flatten", axis=1)
            wt = b.node("Transpose", [b.node("Reshape", [wq, b.const([M, -1], "shape", np.int64)])], perm=[1, 0])
            acc = b.node("MatMul", [x, wt], nm, exact_name=True)
            cshape = [1, M]
        b.nodes[-1].doc_string = f"tern weight_type={L['weight_type']}"  # read back by the importer
        for key in ("bias", "th"):
            v = E.get(key)
            if v is not None and np.abs(v).max(initial=0) >= 2 ** 24 and np.abs(v).max(initial=0) < 2 ** 31 - 1:
                raise ValueError(f"layer '{nm}': {key} values reach {int(np.abs(v).max())}, more than float32 holds "
                                 f"exactly (2^24); this model cannot be exported exactly")
        if E["mode"] == "linear":
            sh = E["shift"].astype(np.float64)
            f = E["mult"].astype(np.float64) / np.exp2(sh)
            z = b.node("Add", [acc, b.const(E["bias"].reshape(cshape).astype(np.float64))], nm + "_bias")
            z = b.node("Mul", [z, b.const(f.reshape(cshape))], nm + "_mult_shift")
            z = b.node("Add", [z, b.const(np.where(sh > 0, 0.5, 0.0).reshape(cshape))], nm + "_round")
            x = b.quant(z, 1.0, E["ob"], signed=E["osg"], narrow=False, mode="FLOOR", base=nm + "_requant")
            prev_signed = E["osg"]
        elif E["mode"] == "threshold":
            x = b.node("MultiThreshold", [acc, b.const(E["th"].astype(np.float64), nm + "_thresholds")],
                       nm + "_requant", domain=QONNX, out_dtype=f"UINT{E['ob']}")
            prev_signed = False
        else:
            x = b.node("Add", [acc, b.const(E["bias"].reshape(cshape).astype(np.float64))], nm + "_bias")
    y = b.node("Flatten", [x], "logits", axis=1)
    g = helper.make_graph(b.nodes, hdr.get("name", "tern"),
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N"] + list(hdr["input"]["shape"]))],
                          [helper.make_tensor_value_info(y, TensorProto.FLOAT, ["N", hdr["classes"]])], b.inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid(QONNX, 1)],
                          producer_name="tern export")
    m.ir_version = 8
    m.doc_string = "Exported from a Tern model (docs/import.md): input x = pixel / 255."
    return m
