"""ONNX / QONNX graph -> Tern layers, FINN-style (docs/import.md).

The graph is walked once in topological order. Every tensor becomes one of

* ``Const``: a constant (initializers, Constant nodes, folded shape subgraphs); quantised weights
  also carry their integers and scales (value = scale * ints, element by element);
* ``View``: a tensor computed from Tern integers -- either the integers a Tern layer stores
  ("act": value = K * y + L, y the stored integer; a 1-bit tensor with values -a/+a is read by the next
  layer as XNOR operands -1/+1) or the exact integer accumulator of the layer being built ("acc":
  value = steps(acc), a chain of affine maps and clips). ``idx`` maps each element of the graph tensor
  to its place in Tern's C,H,W storage, so Reshape/Flatten/Transpose/Squeeze/... are exact bookkeeping.

Elementwise affine nodes (Mul/Add/Sub/Div/Neg, BatchNormalization, Gemm's alpha/beta and biases)
fold into the steps; Relu/Clip become clip steps; MaxPool on an accumulator is moved behind the
requantiser (exact: the requantiser is monotone); a quantiser node (Quant, BipolarQuant, Trunc,
QuantizeLinear, MultiThreshold) on an accumulator closes the layer (requant.py derives the
thresholds or multiplier/shift/bias); a graph output without a quantiser becomes a ``raw`` layer.
"""
import numpy as np

import reference as ref
import requant
from onnx_graph import GraphError, attrs, check_attrs, label, op_key, tensor_dtype

LOG2_VALUES = {0} | {s * (1 << e) for s in (1, -1) for e in range(7)}
MOVE_OPS = {"onnx:Identity", "onnx:Dropout", "onnx:Reshape", "onnx:Flatten", "onnx:Transpose", "onnx:Squeeze",
            "onnx:Unsqueeze", "onnx:Slice", "onnx:Gather"}
QUANT_OPS = {"qonnx:Quant", "qonnx:BipolarQuant", "qonnx:Trunc", "qonnx:MultiThreshold", "onnx:QuantizeLinear"}
FINAL_OPS = {"onnx:Softmax", "onnx:LogSoftmax", "onnx:ArgMax"}

class Const:
    def __init__(self, val, ints=None, scale=None):
        self.val = np.asarray(val)
        self.ints = ints      # integer weights (same shape as val), when known to be quantised
        self.scale = scale    # value = scale * ints, element by element


class Stored:
    """A tensor Tern stores: shape (C, H, W), the integers ylo..yhi it can hold, its bits and signedness."""

    def __init__(self, shape, ylo, yhi, bits, signed):
        self.shape = tuple(int(d) for d in shape)
        self.ylo, self.yhi, self.bits, self.signed = int(ylo), int(yhi), bits, signed

    def operand_range(self, xnor):
        return (-1, 1) if xnor else (self.ylo, self.yhi)

    def operands(self):
        return np.arange(self.ylo, self.yhi + 1)


class Pending:
    """The conv/fc layer being built: integer weights [M, C, R, S], geometry, accumulator bounds."""

    def __init__(self, node, kind, src, w, geom, lo, hi):
        self.node, self.kind, self.src, self.w, self.geom, self.lo, self.hi = node, kind, src, w, geom, lo, hi
        self.closed = False


class View:
    def __init__(self, kind, src, idx, steps, store_shape, pools=(), pool_at=None, qdtype=None, final=False):
        self.kind = kind                # "act": value = K * y + L of stored integers y; "acc": steps(acc)
        self.src = src                  # Stored index ("act") or Pending ("acc")
        self.idx = idx                  # logical shape -> flat index into store_shape
        self.steps = steps              # [("affine", K, L) | ("clip", lo, hi)], arrays of the logical shape
        self.store_shape = store_shape  # (C, H, W) the indices refer to
        self.pools = list(pools)        # pending max-pools of an accumulator: (kernel, stride)
        self.pool_at = pool_at          # number of steps when the first pending pool was applied
        self.qdtype = qdtype            # an ONNX integer tensor (QuantizeLinear output), else None
        self.final = final              # after Softmax/LogSoftmax/ArgMax: only allowed as the graph output

    @property
    def shape(self):
        return self.idx.shape

    def copy(self, **kw):
        v = View(self.kind, self.src, self.idx, list(self.steps), self.store_shape, self.pools, self.pool_at,
                 self.qdtype, self.final)
        for k, x in kw.items():
            setattr(v, k, x)
        return v


def full(a, shape):
    return np.broadcast_to(np.asarray(a, np.float64), shape).copy()


def recover_ints(vals, axis):
    """Float weights that are integers (|q| <= 127) times one scale per slice along `axis` -- what a
    constant-folded quantiser leaves (torch.onnx.export folds QuantizeLinear/DequantizeLinear of weights).
    Returns (ints, scale array, exact) or None. The largest |q| tried first is 127."""
    w = np.moveaxis(np.asarray(vals, np.float64), axis, 0)
    whole = _recover_slice(w)  # one scale for the whole tensor first (per-tensor quantisation)
    if whole is not None:
        q, s = whole
        return np.moveaxis(q, 0, axis), np.full(vals.shape, s), bool(np.all(q * s == w))
    ints = np.zeros(w.shape, np.int64)
    scale = np.ones(w.shape)
    exact = True
    for m in range(w.shape[0]):
        r = _recover_slice(w[m])
        if r is None:
            return None
        ints[m], scale[m] = r
        exact = exact and bool(np.all(r[0] * r[1] == w[m]))
    return np.moveaxis(ints, 0, axis), np.moveaxis(scale, 0, axis), exact


def _recover_slice(w):
    top = np.abs(w).max(initial=0)
    if top == 0:
        return np.zeros(w.shape, np.int64), 1.0
    for qmax in range(127, 0, -1):
        s = top / qmax
        r = w / s
        if np.all(np.abs(r - np.round(r)) <= 1e-4):
            return np.round(r).astype(np.int64), s
    return None


WEIGHT_TYPES = ("binary", "ternary", "log2", "int8", "addnet2", "addnet3", "addnet4")


def weight_type(w, hint=None):
    """The narrowest Tern weight type whose value set holds every weight (binary, ternary, log2, int8, then
    the AddNet sets for magnitudes above 127); `hint` (a type named by the graph) wins when it holds them."""
    from eval_int import allowed_values  # the value sets of docs/model_format.md
    vals = set(int(v) for v in np.unique(w))
    if hint in WEIGHT_TYPES and vals <= allowed_values(hint):
        return hint
    for t in WEIGHT_TYPES:
        if vals <= allowed_values(t):
            return t
    return None


class Quantiser:
    """A quantiser node applied to a view: per-channel level function and value map (value = A*level + B)."""

    def __init__(self, node, kind, level, value_ab, direction, pre_slope=None, qdtype=None, bipolar=False):
        self.node, self.kind, self.level, self.value_ab = node, kind, level, value_ab
        self.direction, self.pre_slope, self.qdtype, self.bipolar = direction, pre_slope, qdtype, bipolar


class Importer:
    def __init__(self, graph, input_scale=1.0 / 255.0, name="imported", dataset="fashion-mnist", rescale=False):
        self.g = graph
        self.rescale = rescale
        self.ref = ref.Reference(graph, check=False)  # constant folding with the reference's operators
        self.input_scale = input_scale
        self.name, self.dataset = name, dataset
        self.env = {k: Const(self.ref.cast(v)) for k, v in graph.inits.items()}
        self.stored = []
        self.layers = []
        self.report = []
        self.pending = None
        self.names = set()
        # for the tests: (graph tensor, Tern layer index, idx, K, L) with tensor = K * stored[idx] + L
        self.trace = []
        self.notes = []

    # ------------------------------------------------------------------ helpers
    def fail(self, node, msg):
        raise GraphError(f"{label(node)}: {msg}")

    def layer_name(self, node, suffix=""):
        base = "".join(ch if ch.isalnum() or ch in "_-." else "_" for ch in (node.name or node.output[0]))[:48]
        base = (base or "layer") + suffix
        n, k = base, 1
        while n in self.names:
            k += 1
            n = f"{base}_{k}"
        self.names.add(n)
        return n

    def per_channel(self, node, arr, view, what, default):
        """Values of a logical-shape array per Tern channel of the view's storage; must not vary inside one."""
        a = np.broadcast_to(np.asarray(arr, np.float64), view.shape).reshape(-1)
        C, H, W = view.store_shape
        ch = view.idx.reshape(-1) // (H * W)
        out = np.full(C, np.nan)
        out[ch] = a
        if not np.array_equal(out[ch], a, equal_nan=True):
            self.fail(node, f"{what} varies within one channel; Tern folds it per output channel only")
        out[np.isnan(out)] = default
        return out

    def uniform(self, node, arr, what):
        a = np.asarray(arr, np.float64).reshape(-1)
        if a.size and not np.all(a == a[0]):
            self.fail(node, f"{what} is not one number for the whole tensor (per-tensor scaling is required here)")
        return float(a[0]) if a.size else 1.0

    def const(self, node, v, what):
        if not isinstance(v, Const):
            self.fail(node, f"{what} must be a constant (an initializer or a folded subgraph)")
        return v.val

    def get(self, name):
        return self.env[name] if name else None

    # ------------------------------------------------------------------ the walk
    def run(self):
        in_name, dims, dt = self.g.input_shape()
        n = int(np.prod([d or 1 for d in dims]))
        if (dims[0] not in (None, 1)) or n != 784:
            raise GraphError(f"graph input '{in_name}' {dims}: Tern's data sets have one 28x28 grey image per "
                             f"batch row (784 values, batch 1 or symbolic)")
        shape = [1] + [d or 1 for d in dims[1:]]
        scale = self.input_scale if dt.kind == "f" else 1.0
        self.stored.append(Stored((1, 28, 28), 0, 255, 8, False))
        idx = np.arange(784).reshape(shape)
        self.env[in_name] = View("act", 0, idx, [("affine", full(scale, shape), full(0.0, shape))], (1, 28, 28),
                                 qdtype=dt if dt.kind in "iu" else None)
        for node in self.g.nodes:
            self.visit(node)
        if len(self.g.outputs) != 1:
            raise GraphError(f"the graph must have one output (the class scores), has {len(self.g.outputs)}")
        self.finish(self.env[self.g.outputs[0]], self.g.outputs[0])
        return self.header()

    def visit(self, node):
        try:
            self.visit_node(node)
        except GraphError:
            raise
        except (KeyError, IndexError, ValueError, TypeError, ZeroDivisionError, OverflowError) as e:
            # a malformed node the specific checks did not anticipate: still an error naming it, not a crash
            raise GraphError(f"{label(node)}: cannot import this node ({type(e).__name__}: {e})")

    def visit_node(self, node):
        key = op_key(node)
        ins = [self.get(i) for i in node.input]
        views = [v for v in ins if isinstance(v, View)]
        if any(v.final for v in views) and key not in FINAL_OPS:
            self.fail(node, "follows Softmax/LogSoftmax/ArgMax; only the graph output may")
        if not views:
            outs = self.fold(node, key, ins)
        else:
            handler = HANDLERS.get(key)
            if handler is None:
                self.fail(node, f"operator {node.domain or 'ai.onnx'}:{node.op_type} is not supported by the "
                                f"importer on activations (supported: {', '.join(supported_on_activations())})")
            outs = handler(self, node, ins)
        for o, v in zip(node.output, outs):
            if o:
                self.env[o] = v

    # ------------------------------------------------------------------ constants
    def fold(self, node, key, ins):
        at = attrs(node)
        vals = [v.val if isinstance(v, Const) else None for v in ins]
        if key == "qonnx:Quant" and isinstance(ins[0], Const):
            sc, zp, bits, sg, nr, mode = ref.quant_params(node, vals, at)
            lvl = ref.quant_level(vals[0], sc, zp, bits, sg, nr, mode)
            sc_f, zp_f = full(sc, lvl.shape), full(zp, lvl.shape)
            if not np.all(zp_f == np.round(zp_f)):
                self.fail(node, "a weight zero point must be an integer")
            return [Const((lvl - zp_f) * sc_f, (lvl - zp_f).astype(np.int64), sc_f)]
        if key == "qonnx:BipolarQuant":
            lvl = ref.bipolar_level(vals[0])
            return [Const(lvl * vals[1], lvl.astype(np.int64), full(vals[1], lvl.shape))]
        if key == "onnx:DequantizeLinear":
            x = np.asarray(vals[0])
            if x.dtype.kind not in "iu":
                self.fail(node, "input must be an integer tensor")
            axis = at.get("axis", 1)
            sc = ref.per_axis(node, vals[1], x.ndim, axis, "x_scale")
            zp = ref.per_axis(node, vals[2] if len(vals) > 2 and vals[2] is not None else 0, x.ndim, axis,
                              "x_zero_point")
            ints = x.astype(np.int64) - np.asarray(zp).astype(np.int64)
            return [Const(ints * self.ref.cast(sc), ints, full(sc, x.shape))]
        if key in MOVE_OPS | {"onnx:Cast"} and isinstance(ins[0], Const) and ins[0].ints is not None:
            c = ins[0]
            v = self.ref.eval_node(node, [c.val] + vals[1:], at)[0]
            i = self.ref.eval_node(node, [c.ints] + vals[1:], at)[0] if key != "onnx:Cast" else c.ints
            s = self.ref.eval_node(node, [c.scale] + vals[1:], at)[0] if key != "onnx:Cast" else c.scale
            return [Const(v, i, s)]
        if key not in ref.OPS:
            self.fail(node, f"operator {node.domain or 'ai.onnx'}:{node.op_type} is not supported")
        return [Const(v) if v is not None else None for v in self.ref.eval_node(node, vals, at)]

    # ------------------------------------------------------------------ views: data movement
    def move(self, node, ins):
        v = ins[0]
        if not isinstance(v, View) or any(isinstance(x, View) for x in ins[1:]):
            self.fail(node, "only the data input may be an activation")
        at = attrs(node)
        rest = [x.val if isinstance(x, Const) else None for x in ins[1:]]

        def ap(a):
            return self.ref.eval_node(node, [np.broadcast_to(a, v.shape).copy()] + rest, at)[0]

        idx = ap(v.idx)
        if len(np.unique(idx)) != idx.size:
            self.fail(node, "repeats elements of an activation tensor; not supported")
        steps = [(s[0], ap(s[1]), ap(s[2])) for s in v.steps]
        out = v.copy(idx=idx, steps=steps)
        return [out] + [None] * (len(node.output) - 1)

    def shape_of(self, node, ins):
        v = ins[0]
        s = np.asarray(v.shape, np.int64)
        at = attrs(node)
        if "start" in at or "end" in at:
            s = s[at.get("start", 0):at.get("end", len(s))]
        return [Const(s)]

    def cast(self, node, ins):
        dt = np.dtype(tensor_dtype(attrs(node)["to"]))
        v = ins[0]
        if dt.kind != "f":
            self.fail(node, f"casts an activation to {dt}; only float casts are supported")
        return [v.copy(qdtype=None)]

    # ------------------------------------------------------------------ views: elementwise
    def affine(self, node, v, K, L):
        """value' = K * value + L (K, L broadcastable constants)."""
        if v.qdtype is not None:
            self.fail(node, f"arithmetic on an integer ({v.qdtype}) tensor; dequantise it first")
        shp = np.broadcast_shapes(v.shape, np.shape(K), np.shape(L))
        if tuple(shp) != tuple(v.shape):
            self.fail(node, f"a constant of shape {list(np.shape(K))}/{list(np.shape(L))} broadcasts the "
                            f"activation {list(v.shape)} to {list(shp)}")
        K, L = full(K, v.shape), full(L, v.shape)
        steps = list(v.steps)
        if steps and steps[-1][0] == "affine" and len(steps) != v.pool_at:  # never merge across a pending pool
            _, K0, L0 = steps[-1]
            steps[-1] = ("affine", K * K0, K * L0 + L)
        else:
            steps.append(("affine", K, L))
        return v.copy(steps=steps)

    def arith(self, node, ins):
        a, b = ins[0], ins[1] if len(ins) > 1 else None
        k = node.op_type
        if k == "Neg":
            return [self.affine(node, a, -1.0, 0.0)]
        if isinstance(a, View) and isinstance(b, View):
            self.fail(node, "combines two activation tensors (a residual or branch); Tern runs a chain of layers")
        v, c, first = (a, b.val, True) if isinstance(a, View) else (b, a.val, False)
        if k == "Add":
            return [self.affine(node, v, 1.0, c)]
        if k == "Sub":
            return [self.affine(node, v, 1.0, -c) if first else self.affine(node, v, -1.0, c)]
        if k == "Mul":
            return [self.affine(node, v, c, 0.0)]
        if k == "Div":
            if not first:
                self.fail(node, "divides a constant by an activation")
            return [self.affine(node, v, 1.0 / np.asarray(c, np.float64), 0.0)]
        self.fail(node, "unsupported arithmetic")

    def batchnorm(self, node, ins):
        check_attrs(node, {"epsilon", "momentum", "training_mode", "spatial"})
        at = attrs(node)
        if at.get("training_mode", 0):
            self.fail(node, "training_mode is set")
        v = ins[0]
        sc, b, mean, var = (np.asarray(self.const(node, x, "BatchNormalization parameters"), np.float64)
                            for x in ins[1:5])
        eps = float(np.float32(at.get("epsilon", 1e-5)))
        shp = [1, -1] + [1] * (len(v.shape) - 2)
        k = sc / np.sqrt(var + eps)
        return [self.affine(node, v, k.reshape(shp), (b - mean * k).reshape(shp))]

    def relu_clip(self, node, ins):
        v = ins[0]
        if node.op_type == "Relu":
            lo, hi = 0.0, np.inf
        else:
            at = attrs(node)
            lo = ins[1].val if len(ins) > 1 and ins[1] is not None else at.get("min", -np.inf)
            hi = ins[2].val if len(ins) > 2 and ins[2] is not None else at.get("max", np.inf)
        if v.kind == "act":
            st = self.stored[v.src]
            _, K, L = v.steps[0]
            vals = [K * o + L for o in st.operand_range(False)]
            if len(v.steps) == 1 and all(np.all(x >= lo) and np.all(x <= hi) for x in vals):
                return [v]  # a no-op on every value the tensor can hold
            # otherwise it must be followed by a quantiser (requantise_stored runs the whole chain)
        return [v.copy(steps=list(v.steps) + [("clip", full(lo, v.shape), full(hi, v.shape))])]

    def final(self, node, ins):
        v = ins[0]
        at = attrs(node)
        if node.op_type == "ArgMax" and at.get("select_last_index", 0):
            self.fail(node, "select_last_index=1: Tern's class is the lowest index among ties")
        return [v.copy(final=True)]

    # ------------------------------------------------------------------ layers
    def operand_view(self, node, x, what="input"):
        if x.kind != "act":
            self.fail(node, f"its {what} is the unquantised output of layer node "
                            f"'{x.src.node.name or x.src.node.output[0]}': Tern layers read integers, so a "
                            f"quantiser (Quant, BipolarQuant, QuantizeLinear, MultiThreshold) must come between")
        if self.pending is not None and not self.pending.closed:
            self.fail(node, "starts a layer while the previous one has no quantiser yet (branching graph)")
        if x.src != len(self.stored) - 1:
            self.fail(node, "reads a tensor that is not the latest layer's output; Tern runs layers as a chain")
        self.plain_act(node, x)
        if x.qdtype is not None:
            self.fail(node, f"reads an integer ({x.qdtype}) tensor as floats; use MatMulInteger/ConvInteger, "
                            f"QLinearMatMul/QLinearConv or a DequantizeLinear first")
        st = self.stored[x.src]
        _, K, L = x.steps[0]
        A = self.uniform(node, K, f"the scale of its {what}")
        # A 1-bit tensor whose two values are -a and +a is read by an XNOR layer as -1/+1 (exact, also for the
        # zero padding of a conv): unsigned {0, 1} with L = -K/2, or signed {-1, 0} with L = K/2.
        if st.bits == 1 and A != 0:
            half = A / 2.0
            if not st.signed and np.all(L == -half):
                return st, half, np.zeros_like(L), True
            if st.signed and np.all(L == half):
                return st, -half, np.zeros_like(L), True
        return st, A, L, False

    def plain_act(self, node, v):
        """A stored tensor read as it is (value = K * y + L): no pending Relu/Clip, which needs a quantiser."""
        if v.kind == "act" and len(v.steps) != 1:
            self.fail(node, "reads a stored tensor through a Relu/Clip that changes it; Tern can only apply that "
                            "in a requantiser, so a quantiser must follow the Relu/Clip")

    def weights_of(self, node, w, axis, what="weights"):
        """Integer weights with a scale per output channel (`axis`)."""
        if not isinstance(w, Const):
            self.fail(node, f"{what} must be constant")
        if w.ints is not None:
            return w
        vals = np.asarray(w.val)
        if vals.dtype.kind in "iu":
            return Const(vals.astype(np.float64), vals.astype(np.int64), np.ones(vals.shape))
        rec = recover_ints(vals, axis)
        if rec is None:
            self.fail(node, f"{what} are float without a quantiser (Quant, BipolarQuant, QuantizeLinear + "
                            f"DequantizeLinear) and not integers -127..127 times one scale per output channel; "
                            f"Tern needs integer weights")
        ints, scale, exact = rec
        self.notes.append(f"{label(node)}: {what} recovered from float values as integers times a per-channel "
                          f"scale ({'exactly' if exact else 'up to float32 rounding'}; a constant-folded quantiser)")
        return Const(vals, ints, scale)

    def acc_bounds(self, w, st, padded, xnor):
        lo_v, hi_v = st.operand_range(xnor)
        a, b = w * lo_v, w * hi_v
        mn, mx = np.minimum(a, b), np.maximum(a, b)
        if padded:
            mn, mx = np.minimum(mn, 0), np.maximum(mx, 0)
        ax = tuple(range(1, w.ndim))
        return mn.sum(axis=ax).astype(np.int64), mx.sum(axis=ax).astype(np.int64)

    def start_layer(self, node, kind, st, w_tern, geom, K_elem, L_elem, out_shape, xsrc, xnor):
        padded = geom.get("pad", 0) > 0
        lo, hi = self.acc_bounds(w_tern, st, padded, xnor)
        P = Pending(node, kind, xsrc, w_tern, geom, lo, hi)
        P.xnor = xnor
        self.pending = P
        M = w_tern.shape[0]
        store = (M, out_shape[2] if len(out_shape) == 4 else 1, out_shape[3] if len(out_shape) == 4 else 1)
        idx = np.arange(int(np.prod(out_shape))).reshape(out_shape)
        return View("acc", P, idx, [("affine", full(K_elem, out_shape), full(L_elem, out_shape))], store)

    def fc(self, node, x, wc, alpha=1.0, transB=False):
        st, A, L, xnor = self.operand_view(node, x)
        wc = self.weights_of(node, wc, 0 if transB else 1)
        wf, wi, ws = wc.val, wc.ints, wc.scale
        if transB:
            wf, wi, ws = wf.T, wi.T, ws.T
        if x.shape[0] != 1 or len(x.shape) != 2 or wf.ndim != 2 or wf.shape[0] != x.shape[1]:
            self.fail(node, f"expects activations [1, K] times weights [K, M], got {list(x.shape)} x {list(wf.shape)}")
        K, M = wf.shape
        sw = np.array([self.uniform(node, ws[:, m], f"the weight scale of output {m}") for m in range(M)])
        n_in = int(np.prod(st.shape))
        w = np.zeros((M, n_in), np.int64)
        w[:, x.idx.reshape(-1)] = wi.T
        beta = (L.reshape(-1)[:, None] * wf).sum(axis=0) * alpha  # offsets of the inputs (preprocessing, zero points)
        return self.start_layer(node, "fc", st, w.reshape(M, n_in, 1, 1), {"pad": 0, "stride": 1, "R": 1, "S": 1},
                                (A * sw * alpha).reshape(1, M), beta.reshape(1, M), (1, M), x.src, xnor)

    def conv(self, node, x, wc, at):
        st, A, L, xnor = self.operand_view(node, x)
        wc = self.weights_of(node, wc, 0)
        check_attrs(node, {"kernel_shape", "strides", "pads", "dilations", "group", "auto_pad"})
        if len(x.shape) != 4 or x.shape[0] != 1 or tuple(x.shape[1:]) != st.shape or \
                not np.array_equal(x.idx.reshape(-1), np.arange(x.idx.size)):
            self.fail(node, f"reads {list(x.shape)}; a Tern conv reads the previous layer's [C,H,W] output as it is "
                            f"stored ({list(st.shape)})")
        (R, S), stv, dl, pads, E, F = ref.conv_geometry(node, x.shape, wc.val.shape, at)
        if int(at.get("group", 1)) != 1:
            self.fail(node, f"group={at['group']}: grouped/depthwise convolution is not supported")
        if list(dl) != [1, 1]:
            self.fail(node, f"dilations {list(dl)} not supported")
        if stv[0] != stv[1]:
            self.fail(node, f"strides {list(stv)}: Tern needs the same stride in both directions")
        if len(set(pads)) != 1:
            self.fail(node, f"pads {list(pads)}: Tern pads all four sides equally")
        wf, wi, ws = wc.val, wc.ints, wc.scale
        M = wf.shape[0]
        sw = np.array([self.uniform(node, ws[m], f"the weight scale of output channel {m}") for m in range(M)])
        Lc = self.per_channel(node, L, x, "the input offset", 0.0)
        pad = int(pads[0])
        if pad and np.any(Lc != 0):
            self.fail(node, "pads an input whose value 0 is not the stored integer 0 (an offset from input "
                            "preprocessing or a zero point): Tern's padding would be wrong at the borders")
        beta = (wf * Lc[None, :, None, None]).sum(axis=(1, 2, 3))
        return self.start_layer(node, "conv", st, wi, {"pad": pad, "stride": int(stv[0]), "R": R, "S": S},
                                (A * sw).reshape(1, M, 1, 1), beta.reshape(1, M, 1, 1), (1, M, E, F), x.src, xnor)

    def matmul(self, node, ins):
        if isinstance(ins[1], View):
            self.fail(node, "the weights (second input) must be constant")
        return [self.fc(node, ins[0], ins[1])]

    def gemm(self, node, ins):
        check_attrs(node, {"alpha", "beta", "transA", "transB"})
        at = attrs(node)
        if at.get("transA", 0):
            self.fail(node, "transA=1 is not supported")
        v = self.fc(node, ins[0], ins[1], float(at.get("alpha", 1.0)), bool(at.get("transB", 0)))
        if len(ins) > 2 and ins[2] is not None:
            c = np.asarray(self.const(node, ins[2], "the bias C"), np.float64) * float(at.get("beta", 1.0))
            v = self.affine(node, v, 1.0, c.reshape(1, -1) if c.size == v.shape[1] else c)
        return [v]

    def conv_node(self, node, ins):
        v = self.conv(node, ins[0], ins[1], attrs(node))
        if len(ins) > 2 and ins[2] is not None:
            b = np.asarray(self.const(node, ins[2], "the bias"), np.float64)
            v = self.affine(node, v, 1.0, b.reshape(1, -1, 1, 1))
        return [v]

    # --- integer operators: expressed with the same pieces
    def dequant_view(self, node, x, sc, zp):
        if x.qdtype is None:
            self.fail(node, "dequantises a tensor that is not an integer tensor")
        v = x.copy(qdtype=None)
        return self.affine(node, v, sc, -np.asarray(sc, np.float64) * np.asarray(zp, np.float64))

    def dequantize_linear(self, node, ins):
        at = attrs(node)
        x = ins[0]
        axis = at.get("axis", 1)
        sc = ref.per_axis(node, self.const(node, ins[1], "x_scale"), len(x.shape), axis, "x_scale")
        zp = ref.per_axis(node, self.const(node, ins[2], "x_zero_point") if len(ins) > 2 and ins[2] is not None
                          else 0, len(x.shape), axis, "x_zero_point")
        return [self.dequant_view(node, x, sc, zp)]

    def int_weights(self, node, w, zp):
        wv = np.asarray(self.const(node, w, "the integer weights"))
        zp = np.asarray(zp if zp is not None else 0).astype(np.int64)
        if zp.ndim == 1 and zp.size > 1 and wv.ndim == 4:
            zp = zp.reshape(-1, 1, 1, 1)
        ints = wv.astype(np.int64) - zp
        return ints

    def matmul_integer(self, node, ins):
        a = ins[0]
        azp = ins[2].val if len(ins) > 2 and ins[2] is not None else 0
        if np.asarray(azp).size != 1:
            self.fail(node, "a per-row zero point of A is not supported")
        ints = self.int_weights(node, ins[1], ins[3].val if len(ins) > 3 and ins[3] is not None else None)
        x = self.dequant_view(node, a, 1.0, float(np.asarray(azp).reshape(())))
        return [self.fc(node, x, Const(ints.astype(np.float64), ints, np.ones(ints.shape))).copy(qdtype=np.dtype(np.int32))]

    def conv_integer(self, node, ins):
        xzp = ins[2].val if len(ins) > 2 and ins[2] is not None else 0
        ints = self.int_weights(node, ins[1], ins[3].val if len(ins) > 3 and ins[3] is not None else None)
        x = self.dequant_view(node, ins[0], 1.0, float(np.asarray(xzp).reshape(())))
        return [self.conv(node, x, Const(ints.astype(np.float64), ints, np.ones(ints.shape)), attrs(node))
                .copy(qdtype=np.dtype(np.int32))]

    def qlinear(self, node, ins):
        at = attrs(node)
        x, xs, xzp, w, ws, wzp, ys, yzp = ins[:8]
        x = self.dequant_view(node, x, self.const(node, xs, "the input scale"), self.const(node, xzp, "zero point"))
        ints = self.int_weights(node, w, self.const(node, wzp, "the weight zero point"))
        wsv = np.asarray(self.const(node, ws, "the weight scale"), np.float64)
        if node.op_type == "QLinearMatMul":
            scale = np.broadcast_to(wsv.reshape(1, -1) if wsv.size > 1 else wsv, ints.shape)
            v = self.fc(node, x, Const(ints * scale, ints, scale))
        else:
            scale = np.broadcast_to(wsv.reshape(-1, 1, 1, 1) if wsv.size > 1 else wsv, ints.shape)
            v = self.conv(node, x, Const(ints * scale, ints, scale), at)
            if len(ins) > 8 and ins[8] is not None:
                b = np.asarray(self.const(node, ins[8], "the bias"), np.float64).reshape(1, -1, 1, 1)
                xsv = np.asarray(xs.val, np.float64)
                v = self.affine(node, v, 1.0, b * xsv * wsv.reshape(1, -1, 1, 1))
        return self.quantise(node, [v, ys, yzp], qlinear=True)

    # --- max-pool
    def maxpool(self, node, ins):
        check_attrs(node, {"kernel_shape", "strides", "pads", "dilations", "ceil_mode", "auto_pad",
                           "storage_order"})
        at = attrs(node)
        v = ins[0]
        if len(node.output) > 1 and node.output[1]:
            self.fail(node, "the Indices output is not supported")
        k = list(at["kernel_shape"])
        st = list(at.get("strides", [1, 1]))
        dl = list(at.get("dilations", [1, 1]))
        if len(v.shape) != 4 or v.shape[0] != 1 or not np.array_equal(v.idx.reshape(-1), np.arange(v.idx.size)):
            self.fail(node, "pools a tensor that is not a layer's [C,H,W] output as stored")
        C, H, W = v.store_shape
        pads = ref.spatial_pads(node, (H, W), k, st, dl, at)
        if k[0] != k[1] or st[0] != st[1] or list(dl) != [1, 1]:
            self.fail(node, f"kernel {k}, strides {st}, dilations {dl}: Tern max-pools square windows with one stride")
        if any(pads):
            self.fail(node, f"pads {list(pads)}: Tern's max-pool has no padding")
        E, F = (H - k[0]) // st[0] + 1, (W - k[0]) // st[0] + 1
        if int(at.get("ceil_mode", 0)) and (ref.pool_out(H, k[0], st[0], 1, 0, 0, 1) != E or
                                            ref.pool_out(W, k[0], st[0], 1, 0, 0, 1) != F):
            self.fail(node, "ceil_mode=1 adds a partial window; Tern's max-pool drops it (floor)")
        idx = np.arange(C * E * F).reshape(1, C, E, F)
        if v.kind == "act":
            self.plain_act(node, v)
            s = self.stored[v.src]
            if v.src != len(self.stored) - 1 or (self.pending is not None and not self.pending.closed):
                self.fail(node, "pools a tensor that is not the latest layer's output")
            Kc = self.per_channel(node, v.steps[0][1], v, "the scale", 1.0)
            if np.any(Kc < 0):
                self.fail(node, "pools a tensor with a negative scale (the max would become a min)")
            self.emit_pool(node, k[0], st[0], s)
            steps = [("affine", full(self.per_channel(node, v.steps[0][1], v, "the scale", 1.0).reshape(1, C, 1, 1),
                                      idx.shape),
                      full(self.per_channel(node, v.steps[0][2], v, "the offset", 0.0).reshape(1, C, 1, 1), idx.shape))]
            return [View("act", len(self.stored) - 1, idx, steps, (C, E, F), qdtype=v.qdtype)] + \
                [None] * (len(node.output) - 1)
        steps = [(s[0], full(self.per_channel(node, s[1], v, "a scale", 1.0).reshape(1, C, 1, 1), idx.shape),
                  full(self.per_channel(node, s[2], v, "an offset", 0.0).reshape(1, C, 1, 1), idx.shape))
                 for s in v.steps]
        out = v.copy(idx=idx, steps=steps, store_shape=(C, E, F), pools=v.pools + [(k[0], st[0], node)],
                     pool_at=v.pool_at if v.pool_at is not None else len(v.steps))
        return [out] + [None] * (len(node.output) - 1)

    def emit_pool(self, node, k, s, st):
        C, H, W = st.shape
        E, F = (H - k) // s + 1, (W - k) // s + 1
        self.layers.append({"name": self.layer_name(node), "type": "maxpool", "in": [C, H, W], "out": [C, E, F],
                            "kernel": [k, k], "stride": s, "pad": 0})
        self.report.append({"layer": self.layers[-1]["name"], "nodes": [node.name or node.output[0]],
                            "type": "maxpool", "exact": True})
        self.stored.append(Stored((C, E, F), st.ylo, st.yhi, st.bits, st.signed))

    # ------------------------------------------------------------------ quantisers
    def quantiser(self, node, ins, v, qlinear=False):
        key = op_key(node)
        at = attrs(node)

        def pc(a, what, d):
            return self.per_channel(node, a, v, what, d)[:, None]

        if key == "onnx:QuantizeLinear" or qlinear:
            sc_in, zp_in = (ins[1], ins[2] if len(ins) > 2 else None)
            axis = at.get("axis", 1)
            sc = ref.per_axis(node, self.const(node, sc_in, "y_scale"), len(v.shape), axis, "y_scale")
            zpv = self.const(node, zp_in, "y_zero_point") if zp_in is not None else np.zeros((), np.uint8)
            qdt = np.asarray(zpv).dtype
            zp = ref.per_axis(node, zpv, len(v.shape), axis, "y_zero_point").astype(np.float64)
            S, Z = pc(sc, "y_scale", 1.0), pc(zp, "y_zero_point", 0.0)
            if np.any(S <= 0):
                self.fail(node, "y_scale must be positive")
            return Quantiser(node, "qlinear", lambda x: ref.qlinear_level(x, S, Z, qdt),
                             (np.ones(len(S)), np.zeros(len(S))), np.ones(len(S)), 1.0 / S[:, 0], qdtype=qdt)
        vals = [x.val if isinstance(x, Const) else None for x in ins]
        if any(isinstance(x, View) for x in ins[1:]):
            self.fail(node, "quantiser parameters must be constants")
        if key == "qonnx:Quant":
            check_attrs(node, {"signed", "narrow", "rounding_mode"})
            sc, zp, bits, sg, nr, mode = ref.quant_params(node, vals, at)
            S, Z = pc(sc, "the scale", 1.0), pc(zp, "the zero point", 0.0)
            if np.any(S == 0):
                self.fail(node, "scale 0")
            return Quantiser(node, "quant", lambda x: ref.quant_level(x, S, Z, bits, sg, nr, mode),
                             (S[:, 0], -S[:, 0] * Z[:, 0]), np.sign(S[:, 0]), 1.0 / np.abs(S[:, 0]))
        if key == "qonnx:BipolarQuant":
            S = pc(vals[1], "the scale", 1.0)
            return Quantiser(node, "bipolar", ref.bipolar_level, (S[:, 0], np.zeros(len(S))), np.ones(len(S)),
                             bipolar=True)
        if key == "qonnx:Trunc":
            p = ref.trunc_params(node, vals, at, self.ref)
            for k in ("scale", "zeropt", "trunc_scale") + (("out_scale",) if p["version"] == 2 else ()):
                p[k] = pc(p[k], k, 0.0 if k == "zeropt" else 1.0)
            osc = p["scale"] if p["version"] == 1 else p["out_scale"]
            zpo = p["zeropt"] if p["version"] == 1 else p["zeropt"] / p["trunc_scale"]
            if np.any(p["scale"] <= 0):
                self.fail(node, "scale must be positive")
            return Quantiser(node, "trunc", lambda x: ref.trunc_level(x, p), (osc[:, 0], -(osc * zpo)[:, 0]),
                             np.ones(len(osc)), 1.0 / (p["scale"][:, 0] * p["trunc_scale"][:, 0]))
        if key == "qonnx:MultiThreshold":
            check_attrs(node, {"out_dtype", "out_scale", "out_bias", "data_layout"})
            th = np.asarray(vals[1], np.float64)
            C = v.store_shape[0]
            if th.ndim != 2 or th.shape[0] not in (1, v.shape[1] if len(v.shape) > 1 else 1):
                self.fail(node, f"thresholds of shape {list(th.shape)} do not match {list(v.shape)} (NCHW/NC)")
            if np.any(np.diff(th, axis=1) < 0):
                self.fail(node, "thresholds must be ascending per channel")
            # thresholds per logical channel (axis 1) -> per Tern channel
            if th.shape[0] > 1:
                shp = [1, -1] + [1] * (len(v.shape) - 2)
                tcols = [self.per_channel(node, th[:, j].reshape(shp), v, "thresholds", np.inf)
                         for j in range(th.shape[1])]
                T = np.stack(tcols, axis=1)
            else:
                T = np.repeat(th, C, axis=0)
            os_, ob = float(at.get("out_scale", 1.0)), float(at.get("out_bias", 0.0))
            return Quantiser(node, "multithreshold", lambda x: (x[..., None] >= T[:, None, :]).sum(-1).astype(float),
                             (np.full(C, os_), np.full(C, ob)), np.ones(C))
        self.fail(node, "not a quantiser")

    def quantise(self, node, ins, qlinear=False):
        v = ins[0]
        q = self.quantiser(node, ins, v, qlinear)
        if v.kind == "act":
            return [self.requantise_stored(node, v, q)]
        return [self.close_layer(node, v, q)]

    def chain_fn(self, node, v, M):
        """Per-channel steps (arrays [M, 1]) and the composite sign / slope of the affine part."""
        steps = []
        sign = np.ones(M)
        slope = np.ones(M)
        for i, (kind, a, b) in enumerate(v.steps):
            A = self.per_channel(node, a, v, "a scale" if kind == "affine" else "a clip bound",
                                 1.0 if kind == "affine" else -np.inf)[:, None]
            B = self.per_channel(node, b, v, "an offset" if kind == "affine" else "a clip bound",
                                 0.0 if kind == "affine" else np.inf)[:, None]
            steps.append((kind, A, B))
            if kind == "affine":
                sign *= np.sign(A[:, 0])
                slope *= np.abs(A[:, 0])
        return steps, sign, slope

    @staticmethod
    def apply_steps(steps, x):
        for kind, A, B in steps:
            x = A * x + B if kind == "affine" else np.minimum(np.maximum(x, A), B)
        return x

    def close_layer(self, node, v, q):
        P = v.src
        if P is not self.pending or P.closed:
            self.fail(node, "quantises an accumulator twice")
        M = P.w.shape[0]
        steps, sign, slope = self.chain_fn(node, v, M)
        if v.pools:
            after = np.ones(M)
            for kind, A, _ in steps[v.pool_at:]:
                if kind == "affine":
                    after *= np.sign(A[:, 0])
            if np.any(after * q.direction < 0):
                self.fail(node, f"decreases after MaxPool '{v.pools[0][2].name}' (the max would become a min)")
        sgn = np.where(sign * q.direction < 0, -1, 1)
        lo = np.where(sgn > 0, P.lo, -P.hi)
        hi = np.where(sgn > 0, P.hi, -P.lo)

        def level_fn(a):
            return q.level(self.apply_steps(steps, (a * sgn[:, None]).astype(np.float64)))

        hint = None
        if q.pre_slope is not None:
            with np.errstate(divide="ignore"):
                hint = 1.0 / (slope * np.asarray(q.pre_slope).reshape(-1))
        try:
            rq, off, (ylo, yhi), rep = requant.derive(level_fn, lo, hi, q.bipolar, hint)
        except (OverflowError, ValueError) as e:
            self.fail(node, str(e))
        k = self.rescaled(P, rq, rep, level_fn, lo, hi, hint)
        if k > 1:
            rq, off, (ylo, yhi), rep = requant.derive(level_fn, lo, hi, False, hint, scale=k)
            rep["rescaled"] = k
        A_out, B_out = (np.asarray(x, np.float64).reshape(-1) for x in q.value_ab)
        if q.bipolar:
            bits, signed, ylo, yhi = 1, False, 0, 1
        elif rq["mode"] == "threshold":
            bits, signed = rq["out_bits"], False
        else:
            bits, signed = rq["out_bits"], rq["out_signed"]
        self.emit_layer(P, sgn * k, rq, rep, node)
        self.stored.append(Stored(self.layer_out_shape(P), ylo, yhi, bits, signed))
        for k, s, pnode in v.pools:
            self.emit_pool(pnode, k, s, self.stored[-1])
        shp = v.shape
        if q.bipolar:  # stored 1 = level +1, 0 = level -1
            K, L = 2 * A_out, B_out - A_out
        else:
            K, L = A_out, A_out * off + B_out
        Kf = full(K[v.idx // (v.store_shape[1] * v.store_shape[2])], shp)
        Lf = full(L[v.idx // (v.store_shape[1] * v.store_shape[2])], shp)
        self.trace.append((node.output[0], len(self.layers) - 1, v.idx, Kf, Lf))
        return View("act", len(self.stored) - 1, v.idx, [("affine", Kf, Lf)], v.store_shape, qdtype=q.qdtype)

    def rescaled(self, P, rq, rep, level_fn, lo, hi, hint):
        """With --rescale-weights: a k in 2..8 (powers of two first) for which weights * k (still a Tern
        weight type) give an exact linear requantiser where k = 1 does not (the integer bias then has 1/k of
        an accumulator step, and the multiplier k times the range); else 1."""
        if rep["exact"] or rq["mode"] != "linear":
            return 1
        if not self.rescale:
            if weight_type(P.w * 2) is not None:
                rep["hint"] = "--rescale-weights may make it exact"
            return 1
        for k in (2, 4, 8, 3, 5, 6, 7):  # powers of two first: they keep binary/ternary/log2 weights log2
            if weight_type(P.w * k) is not None and requant.derive(level_fn, lo, hi, False, hint, scale=k):
                return k
        return 1

    def layer_out_shape(self, P):
        M = P.w.shape[0]
        if P.kind == "fc":
            return (M, 1, 1)
        C, H, W = self.stored[P.src].shape
        R, S, pad, s = P.geom["R"], P.geom["S"], P.geom["pad"], P.geom["stride"]
        return (M, (H + 2 * pad - R) // s + 1, (W + 2 * pad - S) // s + 1)

    def emit_layer(self, P, sgn, rq, rep, qnode):
        st = self.stored[P.src]
        w = P.w * sgn.reshape(-1, 1, 1, 1).astype(np.int64)  # sign normalisation (and --rescale-weights)
        hint = P.node.doc_string[len("tern weight_type="):] if P.node.doc_string.startswith("tern weight_type=") \
            else None
        wt = weight_type(w, hint)
        if wt is None:
            raise GraphError(f"{label(P.node)}: weights reach {int(np.abs(w).max())}; no Tern weight type holds "
                             f"them (int8: -127..127; AddNet sets: docs/model_format.md)")
        C, H, W = st.shape
        M = w.shape[0]
        if P.kind == "fc":
            L_in, L_out, kern = [int(C * H * W), 1, 1], [M, 1, 1], [1, 1]
        else:
            L_in, L_out, kern = [C, H, W], list(self.layer_out_shape(P)), [P.geom["R"], P.geom["S"]]
        layer = {"name": self.layer_name(P.node), "type": P.kind, "in": L_in, "out": L_out, "kernel": kern,
                 "stride": P.geom["stride"], "pad": P.geom["pad"], "weight_type": wt,
                 "weights": w.reshape(M, L_in[0], kern[0], kern[1]).astype(np.int16),
                 "act_bits": 1 if P.xnor else st.bits, "act_signed": bool(P.xnor or st.signed),
                 "requant": rq}
        self.layers.append(layer)
        nodes = [P.node.name or P.node.output[0]] + ([qnode.name or qnode.output[0]] if qnode is not None else [])
        rep = dict(rep, layer=layer["name"], nodes=nodes, type=P.kind, weight_type=wt,
                   negated_channels=int((sgn < 0).sum()))
        self.report.append(rep)
        P.closed = True

    def requantise_stored(self, node, v, q):
        """A quantiser on a stored tensor: folded when it maps every stored value to an integer-affine level,
        else an identity 1x1 layer (C -> C, weight 1) is inserted so the requantiser can do it."""
        st = self.stored[v.src]
        ops = st.operands().astype(np.float64)
        C = st.shape[0]
        steps, _, _ = self.chain_fn(node, v, C)
        lv = q.level(self.apply_steps(steps, np.repeat(ops[None, :], C, 0)))
        if len(ops) > 1:
            k = (lv[:, 1:] - lv[:, :-1]) / (ops[1:] - ops[:-1])[None, :]
            k0 = k[:, :1]
            if np.all(k == k0) and np.all(k0 == np.round(k0)):
                c0 = lv[:, :1] - k0 * ops[None, :1]
                A_out, B_out = (np.asarray(x, np.float64).reshape(-1, 1) for x in q.value_ab)
                Kn, Ln = (A_out * k0)[:, 0], (A_out * c0 + B_out)[:, 0]
                ch = v.idx // (v.store_shape[1] * v.store_shape[2])
                self.report.append({"layer": None, "nodes": [node.name or node.output[0]], "type": "folded",
                                    "exact": True, "note": "quantiser is an integer-affine map of the stored values"})
                return v.copy(steps=[("affine", full(Kn[ch], v.shape), full(Ln[ch], v.shape))], qdtype=q.qdtype)
        if v.src != len(self.stored) - 1 or (self.pending is not None and not self.pending.closed):
            self.fail(node, "requantises a tensor that is not the latest layer's output")
        if not np.array_equal(v.idx.reshape(-1), np.arange(v.idx.size)) and len(v.shape) == 4:
            self.fail(node, "requantises a reordered tensor")
        w = np.eye(C, dtype=np.int64).reshape(C, C, 1, 1)
        lo, hi = self.acc_bounds(w, st, False, False)
        P = Pending(node, "conv", v.src, w, {"pad": 0, "stride": 1, "R": 1, "S": 1}, lo, hi)
        P.xnor = False
        self.pending = P
        # the accumulator is the operand; the view's value is K * operand + L per element
        acc_view = View("acc", P, v.idx, list(v.steps), st.shape)
        out = self.close_layer(node, acc_view, q)
        self.report[-1]["note"] = f"inserted: identity 1x1 conv ({C} -> {C} channels, weight 1) to requantise a stored tensor"
        return out

    # ------------------------------------------------------------------ the end
    def finish(self, v, name):
        if not isinstance(v, View):
            raise GraphError(f"graph output '{name}' is a constant")
        if v.kind == "acc":
            P = v.src
            M = P.w.shape[0]
            if v.pools:
                raise GraphError(f"graph output '{name}': a MaxPool of the logits without a quantiser is not "
                                 f"supported")
            if any(s[0] == "clip" for s in v.steps):
                raise GraphError(f"graph output '{name}': ReLU/Clip on the logits changes ties of the argmax; "
                                 f"end the graph with the affine logits or a quantiser")
            if v.idx.size != M or not np.array_equal(np.sort(v.idx.reshape(-1)), np.arange(M)) or \
                    not np.array_equal(v.idx.reshape(-1), np.arange(M)):
                raise GraphError(f"graph output '{name}': the class scores must be the last layer's outputs in order")
            steps, sign, _ = self.chain_fn(P.node, v, M)
            K, L = np.ones(M), np.zeros(M)
            for _, A, B in steps:
                K, L = A[:, 0] * K, A[:, 0] * L + B[:, 0]
            sgn = np.where(sign < 0, -1, 1)
            r = requant.derive_raw(K, L, sgn)
            if r is None:
                raise GraphError(f"{label(P.node)}: the class scores are scaled differently per class (per-channel "
                                 f"weight scale or a per-class affine at the end); Tern's raw output keeps one "
                                 f"scale for all classes. Quantise the last layer per tensor or end the graph with "
                                 f"a quantiser")
            rq, rep = r
            self.emit_layer(P, sgn, rq, rep, None)
            self.stored.append(Stored((M, 1, 1), 0, 0, 32, True))
            K0 = K[0] * sgn[0]
            self.trace.append((name, len(self.layers) - 1, v.idx, full(K0, v.shape),
                               (L - K0 * rq["bias"]).reshape(v.shape)))
            return
        if v.src != len(self.stored) - 1 or len(self.layers) == 0 or len(v.steps) != 1:
            raise GraphError(f"graph output '{name}' is not the output of the last layer (as stored)")
        n = int(np.prod(self.stored[-1].shape))
        if v.idx.size != n or not np.array_equal(v.idx.reshape(-1), np.arange(n)):
            raise GraphError(f"graph output '{name}': the class scores must be the last layer's outputs in order")
        K = np.asarray(v.steps[0][1]).reshape(-1)
        L = np.asarray(v.steps[0][2]).reshape(-1)
        if not (np.all(K == K[0]) and K[0] > 0 and np.all(L == L[0])):
            raise GraphError(f"graph output '{name}': the quantised class scores have a per-class scale or offset; "
                             f"Tern's argmax needs one positive scale and offset for all classes")

    def header(self):
        classes = int(np.prod(self.stored[-1].shape))
        return {"name": self.name, "dataset": self.dataset, "input": {"shape": [1, 28, 28], "bits": 8, "signed": False},
                "classes": classes, "layers": self.layers,
                "import": {"source": self.g.origin, "input_scale": self.input_scale, "report": self.report,
                           "notes": self.notes}}


HANDLERS = {k: Importer.move for k in MOVE_OPS}
HANDLERS.update({
    "onnx:Shape": Importer.shape_of, "onnx:Cast": Importer.cast,
    "onnx:Add": Importer.arith, "onnx:Sub": Importer.arith, "onnx:Mul": Importer.arith, "onnx:Div": Importer.arith,
    "onnx:Neg": Importer.arith, "onnx:BatchNormalization": Importer.batchnorm,
    "onnx:Relu": Importer.relu_clip, "onnx:Clip": Importer.relu_clip,
    "onnx:MatMul": Importer.matmul, "onnx:Gemm": Importer.gemm, "onnx:Conv": Importer.conv_node,
    "onnx:MatMulInteger": Importer.matmul_integer, "onnx:ConvInteger": Importer.conv_integer,
    "onnx:QLinearMatMul": Importer.qlinear, "onnx:QLinearConv": Importer.qlinear,
    "onnx:DequantizeLinear": Importer.dequantize_linear, "onnx:MaxPool": Importer.maxpool,
})
HANDLERS.update({k: Importer.quantise for k in QUANT_OPS})
HANDLERS.update({k: Importer.final for k in FINAL_OPS})


def supported_on_activations():
    return sorted({k.split(":")[1] for k in HANDLERS})


def import_graph(graph, input_scale=1.0 / 255.0, name="imported", dataset="fashion-mnist", trace=None,
                 rescale=False):
    """The .tnm header (numpy tensors inside) for a graph; `trace`, a list, receives the test trace."""
    imp = Importer(graph, input_scale, name, dataset, rescale)
    header = imp.run()
    if trace is not None:
        trace.extend(imp.trace)
    return header
