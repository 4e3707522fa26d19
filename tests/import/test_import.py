#!/usr/bin/python3
"""Import tests (docs/import.md): graphs the project makes itself, imported with `tern import`, compared with
the reference executor image by image and tensor by tensor, and run through the RTL.

    test_import.py --tern build/tools/tern CASE...     (cases: see CASES; prints PASS/FAIL per check)

For a model the import report calls exact: the golden model's class (`tern predict`) equals the reference
executor's on every test image used, every quantised tensor of the graph equals Tern's stored integers
mapped back (value = K * y + L), and the RTL is bit-exact with the golden model (`tern run --rtl-images`).
For an inexact one the same numbers are measured and printed; the checks are that the report names the
inexact layers, that the first deviating tensor stays within the deviation the report states, and that the
golden and integer-evaluator classes agree (both are the integer model).
"""
import argparse
import contextlib
import io
import os
import subprocess
import sys
import tempfile
import time
import traceback

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path[:0] = [os.path.join(REPO, "scripts", "import"), os.path.join(REPO, "scripts", "train"), HERE]

import data as tern_data  # noqa: E402
import eval_int  # noqa: E402
import example_models as em  # noqa: E402
import onnx  # noqa: E402
from onnx import numpy_helper  # noqa: E402
import onnx_graph  # noqa: E402
import streamline  # noqa: E402
import tern_onnx  # noqa: E402

IMAGES = 200      # test images compared per model
RTL_IMAGES = 8    # of which through the RTL


class Ctx:
    def __init__(self, tern, tmp):
        self.tern, self.tmp = tern, tmp
        self.failures = 0
        xtr, ytr, xte, yte = tern_data.load("fashion-mnist")
        self.xtr, self.ytr, self.xte, self.yte = xtr[:2000], ytr[:2000], xte[:IMAGES], yte[:IMAGES]

    def check(self, ok, what):
        print(("PASS " if ok else "FAIL ") + what, flush=True)
        self.failures += 0 if ok else 1
        return ok

    def path(self, name, ext):
        return os.path.join(self.tmp, f"{name}.{ext}")

    def run(self, *args):
        return subprocess.run([self.tern, *args], capture_output=True, text=True)


def import_and_compare(ctx, name, model, exact, input_scale=1.0 / 255.0, min_agree=1.0, rescale=False):
    """`tern import`, then reference vs golden/integer model on IMAGES test images and RTL on RTL_IMAGES."""
    onnx_path = model if isinstance(model, str) else em.save(model, ctx.path(name, "onnx"))
    tnm_path = ctx.path(name, "tnm")
    r = ctx.run("import", onnx_path, "-o", tnm_path, "--input-scale", repr(input_scale),
                *(["--rescale-weights"] if rescale else []))
    if not ctx.check(r.returncode == 0, f"{name}: tern import (exit {r.returncode}) {r.stderr.strip()[-300:]}"):
        return
    print("\n".join("     " + ln for ln in r.stdout.splitlines()))
    g = onnx_graph.load(onnx_path)
    trace = []
    hdr = streamline.import_graph(g, input_scale, name, "fashion-mnist", trace=trace, rescale=rescale)
    report = [x for x in hdr["import"]["report"] if x.get("layer")]
    claimed = all(x["exact"] for x in report)
    ctx.check(claimed == exact, f"{name}: import report says {'exact' if claimed else 'inexact'} "
                                f"(expected {'exact' if exact else 'inexact'})")
    res, _ = tern_onnx.compare(g, tnm_path, ctx.xte, ctx.yte, input_scale, trace, ctx.tern)
    n = res["images"]
    print(f"     {n} images: reference {100 * res['ref_acc']:.1f}%, golden {100 * res['golden_acc']:.1f}%, "
          f"classes equal {res['agree_golden']}/{n}")
    ctx.check(res["golden_vs_int"] == n, f"{name}: golden model == integer evaluator on {res['golden_vs_int']}/{n}")
    tensors = res["tensors"]
    if exact:
        ctx.check(res["agree_golden"] == n, f"{name}: golden class == reference class on {res['agree_golden']}/{n}")
        for k, v in tensors.items():
            ctx.check(v["mismatches"] == 0, f"{name}: tensor {k}: {v['elements'] - v['mismatches']}/{v['elements']} "
                                            f"values equal")
    else:
        bad = [x for x in report if not x["exact"]]
        ctx.check(bool(bad), f"{name}: the report names the inexact layers: {[x['layer'] for x in bad]}")
        first = next(k for k, v in tensors.items() if v["mismatches"]) if any(
            v["mismatches"] for v in tensors.values()) else None
        if first:
            layer = first.split(" = ")[0]
            rep = next(x for x in report if x["layer"] == layer)
            bound = rep.get("max_dev_lsb", 0)
            ctx.check(tensors[first]["max_dev_lsb"] <= bound + 1e-9,
                      f"{name}: first deviating tensor {first}: max deviation {tensors[first]['max_dev_lsb']:.3g} LSB "
                      f"<= the reported {bound} ({tensors[first]['mismatches']}/{tensors[first]['elements']} values)")
        ctx.check(res["agree_golden"] >= min_agree * n,
                  f"{name}: golden class == reference class on {res['agree_golden']}/{n} (measured; >= {min_agree:.0%})")
    r = ctx.run("run", tnm_path, "--rtl-images", str(RTL_IMAGES), "--golden-images", str(RTL_IMAGES), "--quiet")
    ctx.check(r.returncode == 0 and f"{RTL_IMAGES} / {RTL_IMAGES} images bit-exact" in r.stdout,
              f"{name}: RTL bit-exact with the golden model on {RTL_IMAGES} images (exit {r.returncode})"
              + ("" if r.returncode == 0 else " " + r.stderr.strip()[-300:]))


def case_qonnx_tfc(ctx):
    """FINN TFC 784-64-64-64-10, Brevitas-style QONNX: bipolar (XNOR) and 2-bit weights/activations."""
    m, _ = em.constructed_tfc(1, 1, ctx.xtr, ctx.ytr)
    import_and_compare(ctx, "tfc_w1a1", m, exact=True)
    m, _ = em.constructed_tfc(2, 2, ctx.xtr, ctx.ytr)
    import_and_compare(ctx, "tfc_w2a2", m, exact=True)
    m, _ = em.constructed_tfc(2, 2, ctx.xtr, ctx.ytr, act_style="relu")
    for n in m.graph.node:  # the older Brevitas domain
        if n.domain == em.QONNX:
            n.domain = "onnx.brevitas"
    m.opset_import[1].domain = "onnx.brevitas"
    import_and_compare(ctx, "tfc_w2a2_relu_brevitas_domain", m, exact=True)


def case_qonnx_cnn(ctx):
    """A CNV-style CNN: 8-bit signed input quantiser, 2-bit weights, QuantReLU, BipolarQuant, XNOR conv with
    padding, max-pools, bipolar read-out, TensorNorm; and conv -> MaxPool -> BN -> ReLU -> Quant (the pool
    moved behind the requantiser), a strided conv with a 4-bit (linear) output."""
    m, _ = em.constructed_cnn(ctx.xtr[:1000], ctx.ytr[:1000])
    import_and_compare(ctx, "cnn_qonnx", m, exact=True)
    m, _ = em.constructed_pool_first_cnn(ctx.xtr[:1000], ctx.ytr[:1000])
    import_and_compare(ctx, "cnn_pool_before_bn", m, exact=False, min_agree=0.85)
    import_and_compare(ctx, "cnn_pool_before_bn_rescaled", m, exact=True, rescale=True)


def case_qonnx_trunc(ctx):
    """Trunc v2 as the activation quantiser, domain onnx.brevitas."""
    m, _ = em.constructed_trunc_mlp(ctx.xtr, ctx.ytr)
    import_and_compare(ctx, "trunc_mlp", m, exact=True)


def case_ort_qoperator(ctx):
    """onnxruntime-style QOperator graphs: QuantizeLinear, MatMulInteger, QLinearMatMul, DequantizeLinear,
    QLinearConv (int32 bias), ConvInteger; float scales, so the 8-bit requantisers are inexact."""
    m, _ = em.constructed_ort_mlp(ctx.xtr, ctx.ytr)
    import_and_compare(ctx, "ort_mlp", m, exact=False, min_agree=0.97)
    m, _ = em.constructed_qlinear_cnn(ctx.xtr[:1000], ctx.ytr[:1000])
    import_and_compare(ctx, "qlinear_cnn", m, exact=False, min_agree=0.97)


def case_torch_qdq(ctx):
    """torch.onnx.export of a fake-quantised CNN: with constant folding (float weights recovered) and power-of-
    two scales, and without folding (QuantizeLinear/DequantizeLinear on the weights) and data-derived scales.
    QuantizeLinear rounds half to even, Tern's linear requantiser half up: inexact at ties."""
    p, _ = em.constructed_torch_cnn(ctx.xtr[:1000], ctx.ytr[:1000], ctx.path("torch_po2", "onnx"), po2=True)
    import_and_compare(ctx, "torch_po2", p, exact=False, min_agree=0.97)
    p, _ = em.constructed_torch_cnn(ctx.xtr[:1000], ctx.ytr[:1000], ctx.path("torch_obs", "onnx"), po2=False)
    import_and_compare(ctx, "torch_obs", p, exact=False, min_agree=0.97)


def case_errors(ctx):
    """Malformed and unsupported graphs: exit 2 and a message naming the node; never a traceback."""
    import bad_graphs
    for name, model, text, node in bad_graphs.cases():
        path = ctx.path("bad_" + name, "onnx")
        if isinstance(model, bytes):
            with open(path, "wb") as f:
                f.write(model)
        else:
            onnx.save(model, path)
        out = ctx.path("bad_" + name, "tnm")
        if name in ("not_onnx", "sigmoid", "residual", "grouped_conv"):  # through the C++ `tern import`
            r = ctx.run("import", path, "-o", out)
            code, err = r.returncode, r.stderr.strip()
        else:  # the same Python entry point in this process (no interpreter start-up per case)
            buf = io.StringIO()
            with contextlib.redirect_stderr(buf):
                try:
                    code = tern_onnx.main(["import", path, "-o", out])
                except Exception:  # noqa: BLE001 - a crash is what this test must not see
                    code, buf = -1, io.StringIO(traceback.format_exc())
            err = buf.getvalue().strip()
        ok = code == 2 and text in err and "Traceback" not in err and (node is None or f"'{node}'" in err)
        ctx.check(ok and not os.path.exists(out), f"errors: {name}: exit {code}: {err[-400:]}")
    # random mutations of valid graphs: every outcome is a valid model (exit 0) or an error (exit 2)
    rng = np.random.default_rng(21)
    codes = {0: 0, 2: 0}
    bases = [bad_graphs.mlp(), em.constructed_tfc(1, 1, ctx.xtr[:500], ctx.ytr[:500])[0]]
    for k in range(60):
        m = onnx.ModelProto()
        m.CopyFrom(bases[k % 2])
        mutate(m, rng)
        path, out = ctx.path(f"mut{k}", "onnx"), ctx.path(f"mut{k}", "tnm")
        onnx.save(m, path)
        buf = io.StringIO()
        with contextlib.redirect_stderr(buf), contextlib.redirect_stdout(io.StringIO()):
            try:
                code = tern_onnx.main(["import", path, "-o", out])
            except Exception:  # noqa: BLE001
                code, buf = -1, io.StringIO(traceback.format_exc())
        if code == 0:
            try:
                eval_int.build(out)
            except Exception as e:  # noqa: BLE001
                code, buf = -2, io.StringIO(f"written model invalid: {e}")
        if code not in codes:
            ctx.check(False, f"errors: mutation {k}: exit {code}: {buf.getvalue()[-600:]}")
        else:
            codes[code] += 1
    ctx.check(True, f"errors: 60 random graph mutations: {codes[0]} imported (and valid), {codes[2]} rejected with "
                    f"a message, none crashed")


def mutate(m, rng):
    """One random change: an attribute dropped or set to a strange value, an input rewired, an initializer
    truncated, an operator renamed."""
    nodes = list(m.graph.node)
    n = nodes[rng.integers(len(nodes))]
    kind = rng.integers(5)
    if kind == 0 and len(n.attribute):
        del n.attribute[int(rng.integers(len(n.attribute)))]
    elif kind == 1 and len(n.attribute):
        a = n.attribute[int(rng.integers(len(n.attribute)))]
        if a.type == onnx.AttributeProto.INT:
            a.i = int(rng.choice([-1, 0, 2, 7, 1000]))
        elif a.type == onnx.AttributeProto.INTS:
            del a.ints[:]
            a.ints.extend(int(v) for v in rng.integers(-2, 5, int(rng.integers(0, 5))))
        elif a.type == onnx.AttributeProto.STRING:
            a.s = b"NOPE"
    elif kind == 2 and len(n.input):
        names = [o for x in nodes for o in x.output] + [t.name for t in m.graph.initializer]
        n.input[int(rng.integers(len(n.input)))] = str(rng.choice(names))
    elif kind == 3 and len(m.graph.initializer):
        t = m.graph.initializer[int(rng.integers(len(m.graph.initializer)))]
        arr = numpy_helper.to_array(t).reshape(-1)
        arr = arr[:max(0, len(arr) - int(rng.integers(1, 3)))] if rng.integers(2) else arr[::-1].copy()
        t.CopyFrom(numpy_helper.from_array(arr, t.name))
    else:
        n.op_type = str(rng.choice(["Relu", "MatMul", "Quant", "Add", "MaxPool", "Transpose", "Flatten"]))


def case_roundtrip(ctx):
    """`tern export` of Tern models -> QONNX; the reference executor on the exported graph == the golden model;
    `tern import` of it gives back the same weights (up to per-channel sign), the same classes and outputs."""
    subprocess.run([sys.executable, os.path.join(REPO, "tests", "tools", "tiny_models.py"), ctx.tmp], check=True)
    models = [os.path.join(REPO, "models", "mlp_fmnist_ternary.tnm"), os.path.join(REPO, "models",
                                                                                     "cnn_fmnist_addnet3.tnm"),
              ctx.path("sign1_mid", "tnm"), ctx.path("pool_rem", "tnm")]
    m, _ = em.constructed_tfc(1, 1, ctx.xtr, ctx.ytr)
    em.save(m, ctx.path("rt_tfc", "onnx"))
    r = ctx.run("import", ctx.path("rt_tfc", "onnx"), "-o", ctx.path("rt_tfc", "tnm"), "--quiet")
    ctx.check(r.returncode == 0, "roundtrip: import of tfc_w1a1")
    models.append(ctx.path("rt_tfc", "tnm"))
    for src in models:
        name = os.path.splitext(os.path.basename(src))[0]
        onnx_path, back = ctx.path(name + "_exported", "onnx"), ctx.path(name + "_back", "tnm")
        r = ctx.run("export", src, "-o", onnx_path, "--quiet")
        if not ctx.check(r.returncode == 0, f"roundtrip {name}: tern export (exit {r.returncode}) {r.stderr[-300:]}"):
            continue
        g = onnx_graph.load(onnx_path)
        n = 64
        gold, glog = tern_onnx.golden_predict(ctx.tern, src, n, "fashion-mnist")
        from reference import classify
        rcls, rout = classify(g, ctx.xte[:n], 1.0 / 255.0)
        ctx.check(np.array_equal(rcls, gold) and np.array_equal(rout, glog),
                  f"roundtrip {name}: exported graph (reference executor) == golden model: classes and all "
                  f"{glog.size} outputs on {n} images")
        r = ctx.run("import", onnx_path, "-o", back, "--quiet")
        if not ctx.check(r.returncode == 0, f"roundtrip {name}: re-import (exit {r.returncode}) {r.stderr[-300:]}"):
            continue
        h0, l0 = eval_int.build(src)
        h1, l1 = eval_int.build(back)
        same = len(l0) == len(l1)
        for a, b, La, Lb in zip(l0, l1, h0["layers"], h1["layers"]):
            same = same and a["type"] == b["type"] and La["name"] == Lb["name"]
            if "w" in a and same:
                s = np.sign((a["w"] * b["w"]).reshape(a["w"].shape[0], -1).sum(axis=1))
                same = same and La["weight_type"] == Lb["weight_type"] and \
                    np.array_equal(a["w"], b["w"] * np.where(s < 0, -1, 1)[:, None, None, None])
        ctx.check(same, f"roundtrip {name}: re-imported layers, names, weight types and weights (up to sign) equal")
        gold2, glog2 = tern_onnx.golden_predict(ctx.tern, back, n, "fashion-mnist")
        ctx.check(np.array_equal(gold, gold2) and np.array_equal(glog - glog[:, :1], glog2 - glog2[:, :1]),
                  f"roundtrip {name}: re-imported model: same classes and logits (up to a common offset) on {n} "
                  f"images")


def case_reference_ops(ctx):
    """The reference executor against the operator documents: the QONNX rounding-mode table, integer ranges,
    BipolarQuant at 0, Trunc, QuantizeLinear's half-to-even and saturation, Conv/MaxPool geometry."""
    import reference as R
    table = {  # QONNX Quant document, "Rounding modes"
        "ROUND": [6, 2, 2, 1, 1, -1, -1, -2, -2, -6], "CEIL": [6, 3, 2, 2, 1, -1, -1, -1, -2, -5],
        "FLOOR": [5, 2, 1, 1, 1, -1, -2, -2, -3, -6], "UP": [6, 3, 2, 2, 1, -1, -2, -2, -3, -6],
        "DOWN": [5, 2, 1, 1, 1, -1, -1, -1, -2, -5], "HALF_UP": [6, 3, 2, 1, 1, -1, -1, -2, -3, -6],
        "HALF_DOWN": [5, 2, 2, 1, 1, -1, -1, -2, -2, -5]}
    x = np.array([5.5, 2.5, 1.6, 1.1, 1.0, -1.0, -1.1, -1.6, -2.5, -5.5])
    for mode, want in table.items():
        ctx.check(np.array_equal(R.rounding(mode)(x), want), f"reference: rounding_mode {mode} = the spec's table")
    ctx.check([R.int_range(s, n, 8) for s, n in ((1, 1), (1, 0), (0, 0), (0, 1))] ==
              [(-127, 127), (-128, 127), (0, 255), (0, 254)], "reference: Quant min_int/max_int (spec examples)")
    q = R.quant_level(np.array([-300.0, -1.5, 0.49, 1.5, 300.0]), 1.0, 0.0, 8, True, True, "ROUND")
    ctx.check(np.array_equal(q, [-127, -2, 0, 2, 127]), "reference: Quant clamps to the narrow range, half to even")
    ctx.check(np.array_equal(R.bipolar_level(np.array([-0.1, 0.0, 0.1])), [-1, 1, 1]), "reference: BipolarQuant(0) = +1")
    p = {"version": 2, "scale": 0.5, "zeropt": 0.0, "trunc_scale": 4.0, "signed": True, "narrow": False,
         "out_bits": 4, "mode": "FLOOR", "out_scale": 2.0}
    ctx.check(np.array_equal(R.trunc_level(np.array([3.0, -3.0, 100.0]), p), [1, -2, 7]),
              "reference: Trunc v2 (round(x/s), /2^k, clamp, floor)")
    ctx.check(np.array_equal(R.qlinear_level(np.array([0.5, 1.5, 2.5, 300.0, -3.0]), 1.0, 0.0, np.uint8),
                             [0, 2, 2, 255, 0]), "reference: QuantizeLinear half to even, saturating")
    rng = np.random.default_rng(11)
    xa, wa = rng.normal(size=(2, 3, 7, 6)), rng.normal(size=(4, 3, 3, 2))
    at = {"strides": [2, 1], "pads": [1, 0, 2, 1]}
    y = R.conv2d(None, xa, wa, at)
    xp = np.pad(xa, ((0, 0), (0, 0), (1, 2), (0, 1)))
    direct = np.zeros(y.shape)
    for n_ in range(2):
        for m in range(4):
            for e in range(y.shape[2]):
                for f in range(y.shape[3]):
                    direct[n_, m, e, f] = (xp[n_, :, 2 * e:2 * e + 3, f:f + 2] * wa[m]).sum()
    ctx.check(y.shape == (2, 4, 4, 6) and np.allclose(y, direct), "reference: Conv = direct loops (strides, pads)")
    ctx.check((R.pool_out(28, 3, 2, 1, 0, 0, 0), R.pool_out(28, 3, 2, 1, 0, 0, 1), R.pool_out(6, 2, 2, 1, 0, 1, 1))
              == (13, 14, 3), "reference: MaxPool output sizes (floor, ceil, ceil window in the end padding)")


def case_requant_brute_force(ctx):
    """requant.derive on random monotone chains (affine, ReLU, Quant with random scale/zero point/bits/rounding):
    Tern's integer requantiser (eval_int) equals the level function on every accumulator value in range when
    the report says exact, and stays within the reported deviation otherwise."""
    import reference as R
    import requant
    rng = np.random.default_rng(5)
    exact_n = total = 0
    for trial in range(60):
        M = 3
        lo = rng.integers(-3000, 0, M)
        hi = lo + rng.integers(1, 6000, M)
        K = rng.choice([1.0, -1.0]) * 2.0 ** rng.integers(-9, -3, M) * (1 if trial % 2 else rng.uniform(0.5, 2, M))
        L = rng.normal(0, 3, M) if trial % 3 else np.round(rng.normal(0, 50, M)) * np.abs(K)
        bits = int(rng.choice([1, 2, 3, 4, 8]))
        signed, relu = bool(rng.integers(2)), bool(rng.integers(2))
        mode = str(rng.choice(["ROUND", "FLOOR", "CEIL", "HALF_UP"]))
        sgn = np.where(K < 0, -1, 1)
        lo2, hi2 = np.where(sgn > 0, lo, -hi), np.where(sgn > 0, hi, -lo)

        def level(a):
            v = K[:, None] * (a * sgn[:, None]) + L[:, None]
            v = np.maximum(v, 0) if relu else v
            return R.quant_level(v, 1.0, 0.0, bits, signed, False, mode)

        rq, off, _, rep = requant.derive(level, lo2, hi2)
        E = {"mode": rq["mode"], "name": "t"}
        if rq["mode"] == "linear":
            E.update(bias=rq["bias"].astype(np.int64), mult=rq["mult"].astype(np.int64),
                     shift=rq["shift"].astype(np.int64), ob=rq["out_bits"], osg=rq["out_signed"])
        else:
            E.update(th=rq["thresholds"].astype(np.int64))
        worst = 0
        for m in range(M):
            a = np.arange(lo2[m], hi2[m] + 1)
            accm = np.zeros((1, M, len(a), 1), np.int64)
            accm[0, m, :, 0] = a
            y = eval_int.requant(E, accm)[0, m, :, 0]
            want = level(np.repeat(a[None, :], M, 0))[m] - off
            worst = max(worst, int(np.abs(y - want).max()))
        total += 1
        exact_n += rep["exact"]
        if rep["exact"] and worst:
            ctx.check(False, f"requant trial {trial}: reported exact but deviates by {worst} ({rq['mode']})")
        if not rep["exact"] and worst > rep["max_dev_lsb"]:
            ctx.check(False, f"requant trial {trial}: deviation {worst} above the reported {rep['max_dev_lsb']}")
    ctx.check(True, f"requant: {total} random chains checked on every accumulator value; {exact_n} exact, "
                    f"{total - exact_n} within their reported deviation")


CASES = {k[5:]: v for k, v in globals().items() if k.startswith("case_")}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tern", required=True)
    ap.add_argument("cases", nargs="+", choices=sorted(CASES))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="tern_import_") as tmp:
        ctx = Ctx(os.path.abspath(args.tern), tmp)
        for c in args.cases:
            t = time.time()
            print(f"== {c}: {CASES[c].__doc__.split(chr(10))[0]}", flush=True)
            CASES[c](ctx)
            print(f"== {c}: {time.time() - t:.1f} s", flush=True)
    print(f"{'FAILED' if ctx.failures else 'OK'}: {ctx.failures} failed check(s)")
    return 1 if ctx.failures else 0


if __name__ == "__main__":
    sys.exit(main())
