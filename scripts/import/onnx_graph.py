"""ONNX graph access shared by Tern's importer, exporter and reference executor (docs/import.md).

Loads a model with Debian's python3-onnx, turns initializers into numpy arrays, sorts the nodes
topologically and names every node the same way in every error message:
``<op_type> node '<name>'`` (the first output's name when the node has none).
"""
import numpy as np
import onnx
from onnx import helper, numpy_helper

# QONNX custom-op domains: the current one, the one of older Brevitas exports and FINN's, which the
# QONNX operator documents use in their examples. All three mean the same Quant/BipolarQuant/Trunc.
QONNX_DOMAINS = ("qonnx.custom_op.general", "onnx.brevitas", "finn.custom_op.general")
ONNX_DOMAINS = ("", "ai.onnx")


class GraphError(Exception):
    """A malformed or unsupported graph; the message names the node (or tensor) and what is wrong."""


def label(node):
    return f"{node.op_type} node '{node.name or (node.output[0] if node.output else '?')}'"


def op_key(node):
    """'onnx:<Op>' for standard operators, 'qonnx:<Op>' for the QONNX domains, else '<domain>:<Op>'."""
    if node.domain in ONNX_DOMAINS:
        return "onnx:" + node.op_type
    if node.domain in QONNX_DOMAINS:
        return "qonnx:" + node.op_type
    return f"{node.domain}:{node.op_type}"


def attrs(node):
    out = {}
    for a in node.attribute:
        v = helper.get_attribute_value(a)
        if isinstance(v, bytes):
            v = v.decode("utf-8")
        elif a.type == onnx.AttributeProto.TENSOR:
            v = numpy_helper.to_array(v)
        out[a.name] = v
    return out


def check_attrs(node, allowed):
    extra = sorted(set(attrs(node)) - set(allowed))
    if extra:
        raise GraphError(f"{label(node)}: attribute(s) {', '.join(extra)} not supported")


def tensor_dtype(elem_type):
    return helper.tensor_dtype_to_np_dtype(elem_type) if hasattr(helper, "tensor_dtype_to_np_dtype") \
        else onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[elem_type]


class Graph:
    """A loaded model: initializers, the one image input, outputs, nodes in topological order."""

    def __init__(self, model, origin="<model>"):
        self.model = model
        self.origin = origin
        g = model.graph
        self.inits = {}
        for t in g.initializer:
            try:
                self.inits[t.name] = numpy_helper.to_array(t)
            except Exception as e:  # noqa: BLE001 - onnx raises several types for broken tensors
                raise GraphError(f"initializer '{t.name}': unreadable ({e})")
        self.inputs = [vi for vi in g.input if vi.name not in self.inits]
        self.outputs = [vi.name for vi in g.output]
        self.opsets = {(imp.domain or ""): imp.version for imp in model.opset_import}
        self.nodes = self._topo_sort(list(g.node))
        self.producer = {o: n for n in self.nodes for o in n.output if o}

    def opset(self):
        return self.opsets.get("", self.opsets.get("ai.onnx", 13))

    def _topo_sort(self, nodes):
        known = set(self.inits) | {vi.name for vi in self.inputs} | {""}
        made = {}
        for n in nodes:
            for o in n.output:
                if o and (o in made or o in self.inits or o in {vi.name for vi in self.inputs}):
                    raise GraphError(f"{label(n)}: output '{o}' is produced twice")
                if o:
                    made[o] = n
        for n in nodes:
            for i in n.input:
                if i not in known and i not in made:
                    raise GraphError(f"{label(n)}: input '{i}' is not produced by any node, initializer or "
                                     f"graph input")
        # Kahn's algorithm, keeping the file order among ready nodes
        waiting = {id(n): sum(1 for i in set(n.input) if i not in known) for n in nodes}
        users = {}
        for n in nodes:
            for i in set(n.input):
                if i not in known:
                    users.setdefault(i, []).append(n)
        ready = [n for n in nodes if waiting[id(n)] == 0]
        order, done = [], set(known)
        while ready:
            n = ready.pop(0)
            order.append(n)
            for o in n.output:
                if o and o not in done:
                    done.add(o)
                    for u in users.get(o, []):
                        waiting[id(u)] -= 1
                        if waiting[id(u)] == 0:
                            ready.append(u)
        if len(order) != len(nodes):
            stuck = next(n for n in nodes if waiting[id(n)] > 0)
            raise GraphError(f"{label(stuck)}: the graph has a cycle through this node")
        for o in self.outputs:
            if o not in done:
                raise GraphError(f"graph output '{o}' is not produced by any node")
        return order

    def input_shape(self):
        """The single image input: (name, dims with None for symbolic ones, numpy dtype)."""
        if len(self.inputs) != 1:
            names = ", ".join(vi.name for vi in self.inputs) or "none"
            raise GraphError(f"the graph must have exactly one (image) input besides initializers, has: {names}")
        vi = self.inputs[0]
        tt = vi.type.tensor_type
        if not vi.type.HasField("tensor_type") or not tt.HasField("shape"):
            raise GraphError(f"graph input '{vi.name}': no tensor shape declared")
        dims = [d.dim_value if d.HasField("dim_value") and d.dim_value > 0 else None for d in tt.shape.dim]
        return vi.name, dims, np.dtype(tensor_dtype(tt.elem_type))


def load(path):
    import warnings
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # protobuf's own warnings about broken input
            model = onnx.load(path)
    except FileNotFoundError:
        raise GraphError("no such file")
    except Exception as e:  # noqa: BLE001 - protobuf DecodeError and friends
        raise GraphError(f"not a readable ONNX model ({type(e).__name__}: {e})")
    if not model.graph.node:
        raise GraphError("the graph has no nodes")
    return Graph(model, path)
