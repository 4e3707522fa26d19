#!/usr/bin/python3
"""Bring your own network: ONNX / QONNX <-> Tern model files (docs/import.md).

    tern_onnx.py import MODEL.onnx -o MODEL.tnm [--data mnist|fashion-mnist] [--input-scale 1/255] [--name N]
    tern_onnx.py export MODEL.tnm -o MODEL.onnx
    tern_onnx.py check MODEL.onnx MODEL.tnm [--images N] [--tern build/tools/tern] [--float32] [--json FILE]

`tern import` and `tern export` run the first two. `check` runs the graph through the reference
executor and the .tnm through the integer evaluator (scripts/train/eval_int.py) and, with --tern,
the C++ golden model (`tern predict`); it prints the class agreement, the accuracy of each and,
for every quantised tensor of the graph, whether Tern's stored integers reproduce it exactly.
Exit status: 0 done, 1 the model disagrees where the import report says exact, 2 bad input.
"""
import argparse
import json
import os
import subprocess
import sys
from fractions import Fraction

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(REPO, "scripts", "train"))

import data as tern_data  # noqa: E402
import eval_int  # noqa: E402
import onnx_graph  # noqa: E402
import reference  # noqa: E402
import streamline  # noqa: E402
import tnm  # noqa: E402
from onnx_graph import GraphError  # noqa: E402


def parse_scale(s):
    try:
        v = float(Fraction(s))
    except (ValueError, ZeroDivisionError):
        raise argparse.ArgumentTypeError(f"'{s}' is not a number or fraction such as 1/255")
    if not v > 0:
        raise argparse.ArgumentTypeError("must be positive")
    return v


def summary_lines(report):
    out = []
    for r in report:
        if r.get("layer") is None:
            out.append(f"  (folded) {', '.join(r['nodes'])}: {r.get('note', '')}")
            continue
        how = "exact" if r["exact"] else "INEXACT"
        extra = ""
        if r.get("mode") == "linear" and not r["exact"]:
            extra = (f": {r['inexact_channels']}/{r['channels']} channels differ by up to {r['max_dev_lsb']} LSB "
                     f"on {r['acc_values']} of {r['acc_range']} accumulator values")
        if r.get("hint"):
            extra += f" ({r['hint']})"
        if r.get("rescaled"):
            extra += f" (weights x{r['rescaled']})"
        if r.get("mode") == "raw" and not r["exact"]:
            extra = f": biases rounded by up to {r['max_bias_rounding']:.3f} accumulator units"
        wt = f" {r['weight_type']}" if r.get("weight_type") else ""
        out.append(f"  {r['layer']}: {r['type']}{wt}, {r.get('mode', '')} <- {' + '.join(r['nodes'])}: {how}{extra}"
                   + (f" ({r['note']})" if r.get("note") else ""))
    return out


def do_import(args):
    g = onnx_graph.load(args.model)
    name = args.name or os.path.splitext(os.path.basename(args.model))[0]
    hdr = streamline.import_graph(g, args.input_scale, name, args.data, rescale=args.rescale_weights)
    tmp = args.output + ".tmp"
    tnm.write(tmp, hdr)
    try:
        eval_int.build(tmp)  # the independent loader must accept what we wrote
    except (eval_int.FormatError, KeyError) as e:
        os.unlink(tmp)
        raise GraphError(f"internal error: the written model does not validate: {e}")
    os.replace(tmp, args.output)
    rep = hdr["import"]["report"]
    exact = all(r["exact"] for r in rep)
    if not args.quiet:
        print(f"{args.output}: {len([L for L in hdr['layers']])} Tern layers from {len(g.nodes)} graph nodes, "
              f"{'exact' if exact else 'NOT exact (see docs/import.md)'}")
        print("\n".join(summary_lines(rep)))
    return 0


def do_export(args):
    import onnx
    import onnx_export
    hdr, layers = eval_int.build(args.model)
    try:
        m = onnx_export.export(hdr, layers)
    except ValueError as e:
        raise GraphError(str(e))
    onnx.save(m, args.output)
    if not args.quiet:
        print(f"{args.output}: QONNX graph, {len(m.graph.node)} nodes, input x = pixel/255 [N,1,28,28]")
    return 0


def golden_predict(tern, model, n, data):
    """Classes from the C++ golden model (`tern predict`)."""
    r = subprocess.run([tern, "predict", model, "--images", str(n), "--data", data], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"tern predict failed ({r.returncode}): {r.stderr.strip()}")
    rows = [ln.split() for ln in r.stdout.splitlines() if ln and not ln.startswith("#")]
    return np.array([int(t[1]) for t in rows]), np.array([[int(v) for v in t[2:]] for t in rows])


def compare(graph, tnm_path, images, labels, input_scale, trace, tern=None, dtype=np.float64, data="fashion-mnist"):
    """Reference executor vs integer model, image by image and tensor by tensor."""
    ref = reference.Reference(graph, dtype)
    hdr, layers = eval_int.build(tnm_path)
    res = {"images": len(images)}
    ref_cls, int_cls, tensor_bad, tensor_total = [], [], {}, {}
    max_dev = {}
    step = reference.batch_size(graph, ref, images[:2], input_scale)
    for i in range(0, len(images), step):
        x = images[i:i + step]
        env = ref.run(reference.batch_input(graph, x, input_scale), keep=True)
        out = np.asarray(env[graph.outputs[0]]).reshape(len(x), -1)
        ref_cls.append(np.argmax(out, axis=1))
        tr = []
        y = eval_int.run_layers(layers, x, trace=tr)
        int_cls.append(np.argmax(y.reshape(len(x), -1), axis=1))
        for tensor, li, idx, K, L in trace:
            want = np.asarray(env[tensor], np.float64).reshape(len(x), -1)
            got = tr[li].reshape(len(x), -1)[:, idx.reshape(-1)] * K.reshape(1, -1) + L.reshape(1, -1)
            tol = 1e-9 * max(1.0, float(np.abs(want).max(initial=0)))
            bad = np.abs(got - want) > tol
            key = f"{hdr['layers'][li]['name']} = {tensor}"
            tensor_bad[key] = tensor_bad.get(key, 0) + int(bad.sum())
            tensor_total[key] = tensor_total.get(key, 0) + int(bad.size)
            scale = np.abs(K).max(initial=0) or 1.0
            max_dev[key] = max(max_dev.get(key, 0.0), float(np.abs(got - want).max(initial=0) / scale))
    ref_cls, int_cls = np.concatenate(ref_cls), np.concatenate(int_cls)
    res.update(ref_acc=float(np.mean(ref_cls == labels)), int_acc=float(np.mean(int_cls == labels)),
               agree_int=int(np.sum(ref_cls == int_cls)),
               tensors={k: {"mismatches": tensor_bad[k], "elements": tensor_total[k], "max_dev_lsb": max_dev[k]}
                        for k in tensor_bad})
    if tern:
        gcls, glogits = golden_predict(tern, tnm_path, len(images), data)
        if len(gcls) != len(images):
            raise RuntimeError(f"tern predict returned {len(gcls)} classes for {len(images)} images")
        res.update(golden_acc=float(np.mean(gcls == labels)), agree_golden=int(np.sum(gcls == ref_cls)),
                   golden_vs_int=int(np.sum(gcls == int_cls)))
    res["exact_claimed"] = all(r["exact"] for r in hdr.get("import", {}).get("report", []))
    return res, ref_cls


def do_check(args):
    g = onnx_graph.load(args.model)
    _, _, xte, yte = tern_data.load(args.data)
    n = min(args.images, len(xte))
    trace = []
    streamline.import_graph(g, args.input_scale, "check", args.data, trace=trace)
    res, _ = compare(g, args.tnm, xte[:n], yte[:n], args.input_scale, trace, args.tern,
                     np.float32 if args.float32 else np.float64, args.data)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(res, f, indent=1)
    print(f"{n} {args.data} test images: reference accuracy {100 * res['ref_acc']:.2f}%, integer model "
          f"{100 * res['int_acc']:.2f}%, classes equal on {res['agree_int']}/{n}"
          + (f"; golden (tern predict) {100 * res['golden_acc']:.2f}%, classes equal to the reference on "
             f"{res['agree_golden']}/{n}" if "golden_acc" in res else ""))
    for k, v in res["tensors"].items():
        print(f"  {k}: {v['elements'] - v['mismatches']}/{v['elements']} values equal"
              + (f" (max deviation {v['max_dev_lsb']:.3g} LSB)" if v["mismatches"] else ""))
    disagree = res["agree_int"] != n or res.get("agree_golden", n) != n or \
        any(v["mismatches"] for v in res["tensors"].values())
    return 1 if (disagree and res["exact_claimed"]) else 0


def main(argv=None):
    ap = argparse.ArgumentParser(prog="tern", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    pi = sub.add_parser("import", help="ONNX/QONNX -> .tnm")
    pi.add_argument("model")
    pi.add_argument("-o", "--output", required=True)
    pi.add_argument("--data", default="fashion-mnist", choices=["fashion-mnist", "mnist"])
    pi.add_argument("--input-scale", type=parse_scale, default=1.0 / 255.0,
                    help="graph input = pixel * scale for a float input (default 1/255)")
    pi.add_argument("--name")
    pi.add_argument("--rescale-weights", action="store_true",
                    help="multiply a layer's weights by a small integer (2..8, within Tern's weight types) when "
                         "that makes an inexact linear requantiser exact (docs/import.md)")
    pi.add_argument("--quiet", action="store_true")
    pe = sub.add_parser("export", help=".tnm -> QONNX")
    pe.add_argument("model")
    pe.add_argument("-o", "--output", required=True)
    pe.add_argument("--quiet", action="store_true")
    pc = sub.add_parser("check", help="reference executor vs imported model on test images")
    pc.add_argument("model")
    pc.add_argument("tnm")
    pc.add_argument("--data", default="fashion-mnist", choices=["fashion-mnist", "mnist"])
    pc.add_argument("--input-scale", type=parse_scale, default=1.0 / 255.0)
    pc.add_argument("--images", type=int, default=1000)
    pc.add_argument("--tern", help="the tern binary, to compare the C++ golden model too")
    pc.add_argument("--float32", action="store_true", help="evaluate the graph in float32 instead of float64")
    pc.add_argument("--json")
    args = ap.parse_args(argv)
    try:
        return {"import": do_import, "export": do_export, "check": do_check}[args.cmd](args)
    except GraphError as e:
        print(f"tern {args.cmd}: {args.model}: {e}", file=sys.stderr)
        return 2
    except (MemoryError, RecursionError) as e:
        print(f"tern {args.cmd}: {args.model}: graph too large to import ({type(e).__name__})", file=sys.stderr)
        return 2
    except (eval_int.FormatError, tern_data.DataError, OSError, RuntimeError) as e:
        print(f"tern {args.cmd}: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
