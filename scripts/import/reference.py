"""Reference executor for the ONNX / QONNX subset Tern imports (docs/import.md), in numpy.

Every operator is written from its specification (ONNX operator documents; QONNX
docs/qonnx-custom-ops for Quant, BipolarQuant and Trunc v1/v2; FINN's MultiThreshold), not
from another implementation. Floating-point tensors are evaluated in float64 by default (the
real-number meaning of the graph up to float64 rounding); ``dtype=np.float32`` evaluates them
the way a float32 runtime would. Integer tensors keep their integer types.

The quantiser *level* functions (``quant_level`` and friends) are shared with the importer,
which uses them to place thresholds: the importer and this executor round the same way by
construction, and the tests compare the two on every image.
"""
import numpy as np

from onnx_graph import GraphError, attrs, label, op_key, tensor_dtype

# ----------------------------------------------------------------------------------------------
# Quantiser level functions (integer levels as float arrays) and their value maps.


def rounding(mode, node=None):
    """QONNX rounding modes (case-insensitive): ROUND = half to even, CEIL, FLOOR, UP (away from 0),
    DOWN (towards 0), HALF_UP (half away from 0), HALF_DOWN (half towards 0)."""
    m = str(mode).upper()
    fns = {
        "ROUND": np.round,
        "HALF_EVEN": np.round,
        "CEIL": np.ceil,
        "FLOOR": np.floor,
        "UP": lambda x: np.sign(x) * np.ceil(np.abs(x)),
        "DOWN": np.trunc,
        "HALF_UP": lambda x: np.sign(x) * np.floor(np.abs(x) + 0.5),
        "HALF_DOWN": lambda x: np.sign(x) * np.ceil(np.abs(x) - 0.5),
    }
    if m not in fns:
        where = f"{label(node)}: " if node is not None else ""
        raise GraphError(f"{where}rounding_mode '{mode}' unknown (ROUND, CEIL, FLOOR, UP, DOWN, HALF_UP, HALF_DOWN)")
    return fns[m]


def int_range(signed, narrow, bits):
    """QONNX min_int/max_int: signed [-2^(b-1) (+1 if narrow), 2^(b-1)-1]; unsigned [0, 2^b-1 (-1 if narrow)]."""
    if signed:
        return -(2 ** (bits - 1)) + (1 if narrow else 0), 2 ** (bits - 1) - 1
    return 0, 2 ** bits - 1 - (1 if narrow else 0)


def quant_level(x, scale, zeropt, bits, signed, narrow, mode):
    """Quant: y = x / scale + zeropt, clamped to the integer range, then rounded (spec order)."""
    lo, hi = int_range(signed, narrow, bits)
    y = x / scale + zeropt
    y = np.clip(y, lo, hi)
    return rounding(mode)(y)


def bipolar_level(x):
    """BipolarQuant: +1 where x >= 0, else -1 (before the scale)."""
    return np.where(x >= 0, 1.0, -1.0)


def trunc_level(x, p):
    """Trunc v1 (5 inputs) and v2 (6 inputs, signed/narrow attributes): the output integer level."""
    y = np.round(x / p["scale"] + p["zeropt"])
    y = y / p["trunc_scale"]
    if p["version"] == 2:
        lo, hi = int_range(p["signed"], p["narrow"], p["out_bits"])
        y = np.clip(y, lo, hi)
    return rounding(p["mode"])(y)


def trunc_value(level, p):
    if p["version"] == 1:
        return (level - p["zeropt"]) * p["scale"]
    return (level - p["zeropt"] / p["trunc_scale"]) * p["out_scale"]


def qlinear_level(x, scale, zp, qdtype):
    """QuantizeLinear: saturate(round_half_even(x / scale) + zero_point) to the range of uint8/int8."""
    info = np.iinfo(qdtype)
    return np.clip(np.round(x / scale) + zp, info.min, info.max)


def multithreshold_level(x, thresholds):
    """MultiThreshold (NCHW or NC): how many of its channel's thresholds x reaches (x >= t); thresholds are
    [C, T], or [1, T] for all channels."""
    C, T = thresholds.shape
    shp = [1] * (x.ndim + 1)
    shp[-1] = T
    if C > 1:
        shp[1] = C
    return (x[..., None] >= thresholds.reshape(shp)).sum(axis=-1).astype(np.float64)


# ----------------------------------------------------------------------------------------------
# Geometry shared with the importer.


def spatial_pads(node, in_hw, kernel, strides, dilations, at):
    """ONNX auto_pad/pads for a 2-D window op: returns (top, left, bottom, right)."""
    auto = at.get("auto_pad", "NOTSET")
    if auto in ("NOTSET", ""):
        p = list(at.get("pads", [0, 0, 0, 0]))
        if len(p) != 4:
            raise GraphError(f"{label(node)}: pads {p} is not 2-D (4 values)")
        return p[0], p[1], p[2], p[3]
    if auto == "VALID":
        return 0, 0, 0, 0
    if auto in ("SAME_UPPER", "SAME_LOWER"):
        out = []
        for d in range(2):
            o = -(-in_hw[d] // strides[d])
            total = max(0, (o - 1) * strides[d] + (kernel[d] - 1) * dilations[d] + 1 - in_hw[d])
            small, big = total // 2, total - total // 2
            out.append((small, big) if auto == "SAME_UPPER" else (big, small))
        return out[0][0], out[1][0], out[0][1], out[1][1]
    raise GraphError(f"{label(node)}: auto_pad '{auto}' unknown")


def pool_out(size, k, s, d, p0, p1, ceil_mode):
    eff = (k - 1) * d + 1
    num = size + p0 + p1 - eff
    o = (-(-num // s) if ceil_mode else num // s) + 1
    if ceil_mode and (o - 1) * s >= size + p0:
        o -= 1  # the last window would start in the end padding
    return o


def window_cols(x, kernel, strides, dil, pads, E, F, fill):
    """x [N,C,H,W] -> [N, C, R, S, E, F] windows (padding = fill)."""
    N, C, H, W = x.shape
    pt, pl, pb, pr = pads
    R, S = kernel
    need_h = (E - 1) * strides[0] + (R - 1) * dil[0] + 1
    need_w = (F - 1) * strides[1] + (S - 1) * dil[1] + 1
    xp = np.full((N, C, max(H + pt + pb, pt + need_h), max(W + pl + pr, pl + need_w)), fill, dtype=x.dtype)
    xp[:, :, pt:pt + H, pl:pl + W] = x
    cols = np.empty((N, C, R, S, E, F), dtype=x.dtype)
    for r in range(R):
        for s in range(S):
            y0, x0 = r * dil[0], s * dil[1]
            cols[:, :, r, s] = xp[:, :, y0:y0 + strides[0] * (E - 1) + 1:strides[0],
                                  x0:x0 + strides[1] * (F - 1) + 1:strides[1]]
    return cols


def conv_geometry(node, x_shape, w_shape, at):
    if len(x_shape) != 4 or len(w_shape) != 4:
        raise GraphError(f"{label(node)}: only 2-D convolutions (NCHW input, MCRS weights) are supported")
    R, S = w_shape[2], w_shape[3]
    ks = list(at.get("kernel_shape", [R, S]))
    if ks != [R, S]:
        raise GraphError(f"{label(node)}: kernel_shape {ks} does not match the weights {[R, S]}")
    st = list(at.get("strides", [1, 1]))
    dl = list(at.get("dilations", [1, 1]))
    pads = spatial_pads(node, x_shape[2:], (R, S), st, dl, at)
    E = (x_shape[2] + pads[0] + pads[2] - ((R - 1) * dl[0] + 1)) // st[0] + 1
    F = (x_shape[3] + pads[1] + pads[3] - ((S - 1) * dl[1] + 1)) // st[1] + 1
    if E < 1 or F < 1:
        raise GraphError(f"{label(node)}: the kernel does not fit the padded input")
    return (R, S), st, dl, pads, E, F


def conv2d(node, x, w, at):
    """Cross-correlation as ONNX Conv defines it (groups, strides, dilations, zero padding)."""
    (R, S), st, dl, pads, E, F = conv_geometry(node, x.shape, w.shape, at)
    group = int(at.get("group", 1))
    N, C = x.shape[:2]
    M, Cg = w.shape[:2]
    if C != Cg * group or M % group:
        raise GraphError(f"{label(node)}: input channels {C}, weight channels {Cg}, group {group} do not match")
    Mg = M // group
    dt = np.result_type(x.dtype, w.dtype)
    cols = window_cols(x.astype(dt), (R, S), st, dl, pads, E, F, 0)
    out = np.empty((N, M, E, F), dtype=dt)
    for g in range(group):
        c = cols[:, g * Cg:(g + 1) * Cg].reshape(N, Cg * R * S, E * F)
        wm = w[g * Mg:(g + 1) * Mg].reshape(Mg, -1).astype(dt)
        out[:, g * Mg:(g + 1) * Mg] = np.matmul(wm, c).reshape(N, Mg, E, F)
    return out


# ----------------------------------------------------------------------------------------------
# Operators.

OPS = {}


def op(*names):
    def deco(fn):
        for n in names:
            OPS[n] = fn
        return fn
    return deco


def scalar(node, v, what):
    a = np.asarray(v)
    if a.size != 1:
        raise GraphError(f"{label(node)}: {what} must be a scalar, has shape {list(a.shape)}")
    return a.reshape(())


def per_axis(node, v, ndim, axis, what):
    """A scale/zero point that is a scalar or 1-D along `axis`, reshaped to broadcast over ndim dims."""
    a = np.asarray(v)
    if a.ndim == 0 or a.size == 1:
        return a.reshape(())
    if a.ndim != 1:
        raise GraphError(f"{label(node)}: {what} must be a scalar or 1-D, has shape {list(a.shape)}")
    shp = [1] * ndim
    shp[axis % ndim] = a.size
    return a.reshape(shp)


@op("onnx:Identity", "onnx:Dropout")
def _identity(node, ins, at, ctx):
    if node.op_type == "Dropout" and len(ins) > 2 and ins[2] is not None and bool(np.asarray(ins[2])):
        raise GraphError(f"{label(node)}: training_mode is set")
    return [ins[0]] + [np.ones(np.shape(ins[0]), dtype=bool)] * (len(node.output) - 1)


@op("onnx:Constant")
def _constant(node, ins, at, ctx):
    for k in ("value", "value_float", "value_floats", "value_int", "value_ints"):
        if k in at:
            return [ctx.cast(np.asarray(at[k]))]
    raise GraphError(f"{label(node)}: no supported value attribute")


@op("onnx:ConstantOfShape")
def _constant_of_shape(node, ins, at, ctx):
    v = np.asarray(at.get("value", np.zeros(1, np.float32))).reshape(-1)[:1]
    return [ctx.cast(np.full(tuple(int(d) for d in ins[0]), v[0], dtype=v.dtype))]


@op("onnx:Cast")
def _cast(node, ins, at, ctx):
    dt = np.dtype(tensor_dtype(at["to"]))
    return [ctx.cast(np.asarray(ins[0]).astype(dt))]


def _arith(fn):
    def run(node, ins, at, ctx):
        a, b = np.asarray(ins[0]), np.asarray(ins[1])
        return [fn(a, b)]
    return run


def _div(a, b):
    if a.dtype.kind in "iu" and b.dtype.kind in "iu":
        return np.fix(a / b).astype(np.result_type(a, b))
    return a / b


OPS["onnx:Add"] = _arith(np.add)
OPS["onnx:Sub"] = _arith(np.subtract)
OPS["onnx:Mul"] = _arith(np.multiply)
OPS["onnx:Div"] = _arith(_div)


@op("onnx:Neg")
def _neg(node, ins, at, ctx):
    return [-np.asarray(ins[0])]


@op("onnx:Relu")
def _relu(node, ins, at, ctx):
    return [np.maximum(ins[0], 0)]


@op("onnx:Clip")
def _clip(node, ins, at, ctx):
    lo = ins[1] if len(ins) > 1 and ins[1] is not None else at.get("min", -np.inf)
    hi = ins[2] if len(ins) > 2 and ins[2] is not None else at.get("max", np.inf)
    return [np.minimum(np.maximum(ins[0], lo), hi)]


@op("onnx:Softmax", "onnx:LogSoftmax")
def _softmax(node, ins, at, ctx):
    x = np.asarray(ins[0])
    axis = at.get("axis", -1 if ctx.opset >= 13 else 1)
    if ctx.opset < 13:  # older opsets flatten from `axis` on
        shp = x.shape
        x2 = x.reshape(int(np.prod(shp[:axis % x.ndim])), -1)
        return [_softmax_last(x2, node.op_type).reshape(shp)]
    return [np.moveaxis(_softmax_last(np.moveaxis(x, axis, -1), node.op_type), -1, axis)]


def _softmax_last(x, kind):
    z = x - x.max(axis=-1, keepdims=True)
    if kind == "LogSoftmax":
        return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


@op("onnx:ArgMax")
def _argmax(node, ins, at, ctx):
    x = np.asarray(ins[0])
    axis = at.get("axis", 0)
    if at.get("select_last_index", 0):
        r = x.shape[axis] - 1 - np.argmax(np.flip(x, axis), axis=axis)
    else:
        r = np.argmax(x, axis=axis)
    if at.get("keepdims", 1):
        r = np.expand_dims(r, axis)
    return [r.astype(np.int64)]


@op("onnx:MatMul")
def _matmul(node, ins, at, ctx):
    return [np.matmul(ins[0], ins[1])]


@op("onnx:Gemm")
def _gemm(node, ins, at, ctx):
    a, b = np.asarray(ins[0]), np.asarray(ins[1])
    if a.ndim != 2 or b.ndim != 2:
        raise GraphError(f"{label(node)}: Gemm needs 2-D A and B")
    if at.get("transA", 0):
        a = a.T
    if at.get("transB", 0):
        b = b.T
    y = at.get("alpha", 1.0) * (a @ b)
    if len(ins) > 2 and ins[2] is not None:
        y = y + at.get("beta", 1.0) * np.asarray(ins[2])
    return [y]


@op("onnx:Conv")
def _conv(node, ins, at, ctx):
    y = conv2d(node, np.asarray(ins[0]), np.asarray(ins[1]), at)
    if len(ins) > 2 and ins[2] is not None:
        y = y + np.asarray(ins[2]).reshape(1, -1, 1, 1)
    return [y]


@op("onnx:MaxPool")
def _maxpool(node, ins, at, ctx):
    x = np.asarray(ins[0])
    if x.ndim != 4:
        raise GraphError(f"{label(node)}: only 2-D max-pooling (NCHW) is supported")
    k = list(at["kernel_shape"])
    st = list(at.get("strides", [1, 1]))
    dl = list(at.get("dilations", [1, 1]))
    pads = spatial_pads(node, x.shape[2:], k, st, dl, at)
    cm = int(at.get("ceil_mode", 0))
    E = pool_out(x.shape[2], k[0], st[0], dl[0], pads[0], pads[2], cm)
    F = pool_out(x.shape[3], k[1], st[1], dl[1], pads[1], pads[3], cm)
    fill = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    cols = window_cols(x, k, st, dl, pads, E, F, fill)
    return [cols.max(axis=(2, 3))] + [None] * (len(node.output) - 1)


@op("onnx:BatchNormalization")
def _batchnorm(node, ins, at, ctx):
    if at.get("training_mode", 0):
        raise GraphError(f"{label(node)}: training_mode is set")
    x, sc, b, mean, var = (np.asarray(v) for v in ins[:5])
    eps = at.get("epsilon", 1e-5)
    shp = [1, -1] + [1] * (x.ndim - 2)
    eps = ctx.cast(np.asarray(eps, dtype=np.float32))
    y = (x - mean.reshape(shp)) / np.sqrt(var.reshape(shp) + eps) * sc.reshape(shp) + b.reshape(shp)
    return [y]


@op("onnx:Reshape")
def _reshape(node, ins, at, ctx):
    x = np.asarray(ins[0])
    shp = [int(d) for d in np.asarray(ins[1]).reshape(-1)]
    if not at.get("allowzero", 0):
        shp = [x.shape[i] if d == 0 else d for i, d in enumerate(shp)]
    try:
        return [x.reshape(shp)]
    except ValueError:
        raise GraphError(f"{label(node)}: cannot reshape {list(x.shape)} to {shp}")


@op("onnx:Flatten")
def _flatten(node, ins, at, ctx):
    x = np.asarray(ins[0])
    axis = at.get("axis", 1) % (x.ndim + 1) if x.ndim else 0
    return [x.reshape(int(np.prod(x.shape[:axis])), int(np.prod(x.shape[axis:])))]


@op("onnx:Transpose")
def _transpose(node, ins, at, ctx):
    x = np.asarray(ins[0])
    return [np.transpose(x, at.get("perm", list(range(x.ndim))[::-1]))]


def _axes(node, ins, at, ctx):
    if len(ins) > 1 and ins[1] is not None:
        return [int(a) for a in np.asarray(ins[1]).reshape(-1)]
    return list(at["axes"]) if "axes" in at else None


@op("onnx:Squeeze")
def _squeeze(node, ins, at, ctx):
    x = np.asarray(ins[0])
    axes = _axes(node, ins, at, ctx)
    return [np.squeeze(x, axis=tuple(a % x.ndim for a in axes)) if axes else np.squeeze(x)]


@op("onnx:Unsqueeze")
def _unsqueeze(node, ins, at, ctx):
    x = np.asarray(ins[0])
    axes = _axes(node, ins, at, ctx)
    n = x.ndim + len(axes)
    for a in sorted(a % n for a in axes):
        x = np.expand_dims(x, a)
    return [x]


@op("onnx:Concat")
def _concat(node, ins, at, ctx):
    return [np.concatenate([np.asarray(v) for v in ins if v is not None], axis=at["axis"])]


@op("onnx:Gather")
def _gather(node, ins, at, ctx):
    x, idx = np.asarray(ins[0]), np.asarray(ins[1])
    axis = at.get("axis", 0)
    idx = np.where(idx < 0, idx + x.shape[axis], idx)
    return [np.take(x, idx, axis=axis)]


@op("onnx:Shape")
def _shape(node, ins, at, ctx):
    s = np.asarray(np.shape(ins[0]), dtype=np.int64)
    return [s[at.get("start", 0):at.get("end", len(s))] if ("start" in at or "end" in at) else s]


@op("onnx:Slice")
def _slice(node, ins, at, ctx):
    x = np.asarray(ins[0])
    if len(ins) > 1:
        starts, ends = np.asarray(ins[1]).reshape(-1), np.asarray(ins[2]).reshape(-1)
        axes = np.asarray(ins[3]).reshape(-1) if len(ins) > 3 and ins[3] is not None else range(len(starts))
        steps = np.asarray(ins[4]).reshape(-1) if len(ins) > 4 and ins[4] is not None else [1] * len(starts)
    else:
        starts, ends = at["starts"], at["ends"]
        axes = at.get("axes", range(len(starts)))
        steps = [1] * len(starts)
    sl = [slice(None)] * x.ndim
    for s, e, a, st in zip(starts, ends, axes, steps):
        sl[int(a) % x.ndim] = slice(int(s), int(e), int(st))
    return [x[tuple(sl)]]


# --- standard quantisation operators


def _qdtype(zp):
    return np.asarray(zp).dtype if zp is not None else np.dtype(np.uint8)


@op("onnx:QuantizeLinear")
def _quantize_linear(node, ins, at, ctx):
    x = np.asarray(ins[0])
    zp = ins[2] if len(ins) > 2 else None
    qdt = _qdtype(zp)
    if qdt not in (np.dtype(np.uint8), np.dtype(np.int8)):
        raise GraphError(f"{label(node)}: zero point type {qdt} (uint8 or int8 supported)")
    axis = at.get("axis", 1)
    sc = per_axis(node, ins[1], x.ndim, axis, "y_scale")
    z = per_axis(node, zp if zp is not None else np.zeros((), qdt), x.ndim, axis, "y_zero_point")
    return [qlinear_level(x, sc, z.astype(np.float64), qdt).astype(qdt)]


@op("onnx:DequantizeLinear")
def _dequantize_linear(node, ins, at, ctx):
    x = np.asarray(ins[0])
    axis = at.get("axis", 1)
    sc = per_axis(node, ins[1], x.ndim, axis, "x_scale")
    zp = ins[2] if len(ins) > 2 and ins[2] is not None else np.zeros((), x.dtype)
    z = per_axis(node, zp, x.ndim, axis, "x_zero_point")
    return [(x.astype(np.int64) - z.astype(np.int64)).astype(ctx.dtype) * ctx.cast(sc)]


def _int_matmul(a, b):
    return np.matmul(a.astype(np.int64), b.astype(np.int64))


def _zp(ins, i, like):
    return np.asarray(ins[i]).astype(np.int64) if len(ins) > i and ins[i] is not None else np.zeros((), np.int64)


@op("onnx:MatMulInteger")
def _matmul_integer(node, ins, at, ctx):
    a, b = np.asarray(ins[0]), np.asarray(ins[1])
    azp = _zp(ins, 2, a)
    bzp = _zp(ins, 3, b)
    if azp.ndim == 1 and azp.size > 1:
        azp = azp.reshape(-1, 1)  # per row of A
    return [_int_matmul(a.astype(np.int64) - azp, b.astype(np.int64) - bzp).astype(np.int32)]


def _int_conv(node, x, w, xzp, wzp, at):
    if wzp.ndim == 1 and wzp.size > 1:
        wzp = wzp.reshape(-1, 1, 1, 1)
    # the accumulation is exact in int64; padding contributes (x_zero_point - x_zero_point) = 0
    return conv2d(node, x.astype(np.int64) - xzp, w.astype(np.int64) - wzp, at)


@op("onnx:ConvInteger")
def _conv_integer(node, ins, at, ctx):
    x, w = np.asarray(ins[0]), np.asarray(ins[1])
    return [_int_conv(node, x, w, _zp(ins, 2, x), _zp(ins, 3, w), at).astype(np.int32)]


def _requantize(node, acc, real_scale, y_scale, y_zp):
    qdt = np.asarray(y_zp).dtype
    return qlinear_level(acc * real_scale, y_scale, np.asarray(y_zp).astype(np.float64), qdt).astype(qdt)


@op("onnx:QLinearMatMul")
def _qlinear_matmul(node, ins, at, ctx):
    a, a_s, a_zp, b, b_s, b_zp, y_s, y_zp = ins[:8]
    acc = _int_matmul(np.asarray(a).astype(np.int64) - np.asarray(a_zp).astype(np.int64),
                      np.asarray(b).astype(np.int64) - np.asarray(b_zp).astype(np.int64))
    real = ctx.cast(np.asarray(a_s)) * ctx.cast(np.asarray(b_s))
    return [_requantize(node, acc.astype(ctx.dtype), real, ctx.cast(np.asarray(y_s)), y_zp)]


@op("onnx:QLinearConv")
def _qlinear_conv(node, ins, at, ctx):
    x, x_s, x_zp, w, w_s, w_zp, y_s, y_zp = ins[:8]
    acc = _int_conv(node, np.asarray(x), np.asarray(w), np.asarray(x_zp).astype(np.int64),
                    np.asarray(w_zp).astype(np.int64), at)
    if len(ins) > 8 and ins[8] is not None:
        acc = acc + np.asarray(ins[8]).astype(np.int64).reshape(1, -1, 1, 1)
    real = ctx.cast(np.asarray(x_s)) * per_axis(node, ctx.cast(np.asarray(w_s)), 4, 1, "w_scale")
    return [_requantize(node, acc.astype(ctx.dtype), real, ctx.cast(np.asarray(y_s)), y_zp)]


# --- QONNX operators


def quant_params(node, ins, at):
    """Quant's inputs and attributes, checked: (scale, zeropt, bits, signed, narrow, rounding_mode)."""
    bits = float(scalar(node, ins[3], "bitwidth"))
    if bits != int(bits) or not 1 <= bits <= 32:
        raise GraphError(f"{label(node)}: bitwidth {bits} is not an integer in 1..32")
    mode = at.get("rounding_mode", "ROUND")
    rounding(mode, node)
    return (np.asarray(ins[1]), np.asarray(ins[2]), int(bits), bool(at.get("signed", 1)),
            bool(at.get("narrow", 0)), mode)


@op("qonnx:Quant")
def _quant(node, ins, at, ctx):
    sc, zp, bits, sg, nr, mode = quant_params(node, ins, at)
    lvl = quant_level(np.asarray(ins[0]), ctx.cast(sc), ctx.cast(zp), bits, sg, nr, mode)
    return [(lvl - ctx.cast(zp)) * ctx.cast(sc)]


@op("qonnx:BipolarQuant")
def _bipolar(node, ins, at, ctx):
    return [bipolar_level(np.asarray(ins[0])).astype(ctx.dtype) * ctx.cast(np.asarray(ins[1]))]


def trunc_params(node, ins, at, ctx):
    if len(ins) == 5:
        sc, zp, ib, ob = ins[1:5]
        p = {"version": 1, "out_scale": None}
    elif len(ins) == 6:
        sc, zp, ib, osc, ob = ins[1:6]
        p = {"version": 2, "out_scale": ctx.cast(np.asarray(osc))}
    else:
        raise GraphError(f"{label(node)}: Trunc has 5 (v1) or 6 (v2) inputs, not {len(ins)}")
    ib, ob = float(scalar(node, ib, "in_bitwidth")), float(scalar(node, ob, "out_bitwidth"))
    mode = at.get("rounding_mode", "FLOOR")
    rounding(mode, node)
    p.update(scale=ctx.cast(np.asarray(sc)), zeropt=ctx.cast(np.asarray(zp)), in_bits=int(ib), out_bits=int(ob),
             mode=mode, signed=bool(at.get("signed", 1)), narrow=bool(at.get("narrow", 0)))
    if p["version"] == 1:
        p["trunc_scale"] = 2.0 ** (p["in_bits"] - p["out_bits"])
    else:
        p["trunc_scale"] = 2.0 ** np.round(np.log2(p["out_scale"] / p["scale"]))
    return p


@op("qonnx:Trunc")
def _trunc(node, ins, at, ctx):
    p = trunc_params(node, ins, at, ctx)
    return [trunc_value(trunc_level(np.asarray(ins[0]), p), p)]


@op("qonnx:MultiThreshold")
def _multithreshold(node, ins, at, ctx):
    x, th = np.asarray(ins[0]), np.asarray(ins[1])
    if at.get("data_layout", "NCHW") != "NCHW":
        raise GraphError(f"{label(node)}: data_layout {at['data_layout']} (NCHW supported)")
    lvl = multithreshold_level(x, th)
    return [lvl * at.get("out_scale", 1.0) + at.get("out_bias", 0.0)]


# ----------------------------------------------------------------------------------------------


class Reference:
    """Runs a Graph on a batch of inputs; ``run(x, keep=True)`` returns every tensor by name."""

    def __init__(self, graph, dtype=np.float64, check=True):
        self.graph = graph
        self.dtype = np.dtype(dtype)
        self.opset = graph.opset()
        self.consts = {k: self.cast(v) for k, v in graph.inits.items()}
        self.node_attrs = [attrs(n) for n in graph.nodes]
        for n in graph.nodes:
            if check and op_key(n) not in OPS:
                raise GraphError(f"{label(n)}: operator {n.domain or 'ai.onnx'}:{n.op_type} is not supported")

    def cast(self, v):
        v = np.asarray(v)
        return v.astype(self.dtype) if v.dtype.kind == "f" else v

    def eval_node(self, node, ins, at=None):
        at = attrs(node) if at is None else at
        try:
            return OPS[op_key(node)](node, ins, at, self)
        except GraphError:
            raise
        except (ValueError, IndexError, KeyError, TypeError) as e:
            raise GraphError(f"{label(node)}: cannot evaluate ({type(e).__name__}: {e})")

    def run(self, x, keep=False):
        env = dict(self.consts)
        name = self.graph.inputs[0].name
        env[name] = self.cast(x)
        for node, at in zip(self.graph.nodes, self.node_attrs):
            outs = self.eval_node(node, [env[i] if i else None for i in node.input], at)
            for o, v in zip(node.output, outs):
                if o:
                    env[o] = v
        return env if keep else [env[o] for o in self.graph.outputs]


def batch_input(graph, images, input_scale):
    """uint8 images [N,28,28] -> the graph input (pixel * input_scale) in the input's declared shape."""
    _, dims, dt = graph.input_shape()
    per = int(np.prod([d for d in dims[1:]])) if all(d is not None for d in dims[1:]) else None
    n = images.shape[0]
    if per != images[0].size:
        raise GraphError(f"graph input shape {dims} does not hold one {list(images.shape[1:])} image per batch row")
    x = images.reshape([n] + [d or 1 for d in dims[1:]])
    if dt.kind == "f":
        return x.astype(np.float64) * input_scale
    return x.astype(dt)


def batch_size(graph, ref, probe, input_scale, batch=64):
    """`batch` when the graph runs on a batch of two images (a symbolic batch dimension, or shape
    subgraphs that follow it), else 1."""
    _, dims, _ = graph.input_shape()
    try:
        x = batch_input(graph, probe, input_scale)
        if dims[0] == 1:
            x = x.reshape((len(probe),) + x.shape[1:])
        out = np.asarray(ref.run(x)[0])
        return batch if out.shape[0] == len(probe) else 1
    except (GraphError, ValueError):
        return 1


def classify(graph, images, input_scale, dtype=np.float64, batch=256):
    """Class (argmax of the flattened output, lowest index on ties) per image, and the output values."""
    ref = Reference(graph, dtype)
    step = batch_size(graph, ref, images[:2], input_scale, batch)
    outs = []
    for i in range(0, len(images), step):
        y = ref.run(batch_input(graph, images[i:i + step], input_scale))[0]
        outs.append(np.asarray(y).reshape(min(step, len(images) - i), -1))
    out = np.concatenate(outs)
    return np.argmax(out, axis=1), out
