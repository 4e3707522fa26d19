#!/usr/bin/python3
"""Independent integer-exact evaluator for Tern model files (.tnm).

    /usr/bin/python3 scripts/train/eval_int.py model.tnm [--limit N] [--check-int64 K] [--json]

Reads the file with its own parser (it shares no code with the exporter, only the
dataset loader scripts/train/data.py), validates it against docs/model_format.md and
computes the test accuracy with the spec's integer semantics:

* conv / fc: acc = exact integer sum of w*a over the window (padding contributes 0);
  binary activations (act_bits 1, act_signed) read bit 1 as +1 and 0 as -1;
  SYQ scales multiply the integer weights.
* requant linear: v = acc + bias; y = (v*mult + (shift>0 ? 2^(shift-1) : 0)) >> shift
  in int64 with an arithmetic (floor) shift, then clamp to the out_bits range.
* requant threshold: y = #{i : acc >= t[m][i]}.  raw: y = acc + bias (int32 check).
* maxpool: max over K x K windows, no padding.
* class = argmax of the last layer's output, lowest index on ties.

Accumulation is done with float64 BLAS matrix products, which are exact here
because every operand and every partial sum is an integer of magnitude below
2^53: the evaluator checks max|w| * max|a| * (C*R*S) < 2^53 for every layer and
refuses otherwise. ``--check-int64 K`` recomputes the first K images with pure
int64 numpy arithmetic (slow) and asserts the outputs of every layer match.
"""
import argparse
import gzip
import json
import os
import struct
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data as tern_data  # noqa: E402

ADDNET = {  # thesis Table 6.2 magnitudes; the set is +/- each value
    2: [0, 1, 2, 8, 28, 36, 44, 92],
    3: [0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 12, 13, 14, 16, 23, 29, 30, 32, 63, 69, 70, 72, 87,
        93, 94, 96, 119, 125, 126, 128],
    4: [0, 1, 2, 4, 5, 7, 8, 9, 11, 13, 14, 15, 16, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27,
        28, 29, 30, 31, 32, 33, 34, 36, 37, 38, 39, 40, 46, 48, 54, 58, 64, 69, 70, 71, 74,
        75, 76, 78, 80, 81, 82, 84, 85, 87, 94, 96, 102, 114, 118, 126, 134, 142, 150, 166,
        174, 182, 190, 194, 198, 206, 214, 222, 230, 238, 246, 258, 262, 270, 278, 286, 302,
        310, 318, 326, 334, 382, 398, 446, 450, 526, 566, 574, 582, 614, 622, 654, 662, 670,
        686, 694, 710, 766, 782, 830, 1214],
}


def allowed_values(wt):
    if wt == "int8":
        return set(range(-127, 128))
    if wt == "ternary":
        return {-1, 0, 1}
    if wt == "binary":
        return {-1, 1}
    if wt == "log2":
        return {0} | {s * (1 << e) for s in (1, -1) for e in range(7)}
    if wt.startswith("addnet") and wt[6:] in ("2", "3", "4"):
        mags = ADDNET[int(wt[6:])]
        return set(mags) | {-m for m in mags}
    return None


class FormatError(Exception):
    pass


# docs/model_format.md, "Unknown keys": these objects accept only their own keys (the top level and
# "train" accept any).
KEYS = {
    "input": {"shape", "bits", "signed"},
    "maxpool": {"name", "type", "in", "out", "kernel", "stride", "pad"},
    "conv": {"name", "type", "in", "out", "kernel", "stride", "pad", "weight_type", "weights", "act_bits",
             "act_signed", "syq", "requant"},
    "syq": {"mode", "scales"},
    "linear": {"mode", "bias", "mult", "shift", "out_bits", "out_signed"},
    "threshold": {"mode", "thresholds", "out_bits", "out_signed"},
    "raw": {"mode", "bias"},
}
KEYS["fc"] = KEYS["conv"]


def check_keys(obj, kind, where):
    if not isinstance(obj, dict):
        raise FormatError(f"{where}: expected an object")
    extra = sorted(set(obj) - KEYS[kind])
    if extra:
        raise FormatError(f"{where}: unknown key '{extra[0]}' (allowed: {', '.join(sorted(KEYS[kind]))})")


DT = {"i16": "<i2", "i32": "<i4", "u8": "u1"}


def load_tnm(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 16 or raw[:8] != b"TERNMDL\x00":
        raise FormatError("bad magic")
    ver, jlen = struct.unpack("<II", raw[8:16])
    if ver != 1:
        raise FormatError(f"unsupported version {ver}")
    if not 1 <= jlen <= 16 << 20 or 16 + jlen > len(raw):
        raise FormatError(f"bad JSON length {jlen}")
    hdr = json.loads(raw[16:16 + jlen].decode("utf-8"))
    b = (16 + jlen + 7) // 8 * 8
    if any(raw[16 + jlen:b]):
        raise FormatError("non-zero header padding")
    blob = raw[b:]

    def tensor(desc, where, dtype=None, shape=None):
        if not isinstance(desc, dict) or set(desc) != {"dtype", "shape", "offset"}:
            raise FormatError(f"{where}: not a tensor descriptor")
        if desc["dtype"] not in DT:
            raise FormatError(f"{where}: bad dtype {desc['dtype']}")
        if dtype and desc["dtype"] != dtype:
            raise FormatError(f"{where}: dtype {desc['dtype']}, expected {dtype}")
        shp = desc["shape"]
        if shape is not None and list(shp) != list(shape):
            raise FormatError(f"{where}: shape {shp}, expected {shape}")
        dt = np.dtype(DT[desc["dtype"]])
        off = desc["offset"]
        n = int(np.prod(shp)) if shp else 1
        if off % dt.itemsize or off < 0 or off + n * dt.itemsize > len(blob):
            raise FormatError(f"{where}: tensor outside blob or misaligned")
        return np.frombuffer(blob, dtype=dt, count=n, offset=off).reshape(shp).astype(np.int64)

    return hdr, tensor


def build(path):
    """Parse and validate; return (header, list of executable layer dicts)."""
    hdr, tensor = load_tnm(path)
    inp = hdr["input"]
    check_keys(inp, "input", "input")
    if inp.get("bits") != 8 or inp.get("signed") is not False:
        raise FormatError("input must be 8-bit unsigned")
    shape = list(inp["shape"])
    bits, signed = 8, False
    layers = []
    for li, L in enumerate(hdr["layers"]):
        nm = f"layer {li} ({L.get('name')})"
        t = L["type"]
        if t in KEYS:
            check_keys(L, t, nm)
        lin, lout = list(L["in"]), list(L["out"])
        if t == "fc" and lin[1:] == [1, 1] and lin[0] == int(np.prod(shape)):
            pass  # flattening fc
        elif lin != shape:
            raise FormatError(f"{nm}: in {lin} does not chain with {shape}")
        E = dict(name=L.get("name"), type=t, inp=lin, out=lout)
        if t == "maxpool":
            K, K2 = L["kernel"]
            st = L["stride"]
            if K != K2:
                raise FormatError(f"{nm}: non-square pool")
            if L.get("pad", 0) != 0:
                raise FormatError(f"{nm}: maxpool has no padding")
            C, H, W = lin
            if lout != [C, (H - K) // st + 1, (W - K) // st + 1]:
                raise FormatError(f"{nm}: bad out shape")
            E.update(K=K, stride=st)
        elif t in ("conv", "fc"):
            R, S = L["kernel"]
            st, pad = L["stride"], L["pad"]
            C, H, W = lin
            M = lout[0]
            if t == "fc" and (R, S, st, pad) != (1, 1, 1, 0):
                raise FormatError(f"{nm}: fc must have kernel [1,1], stride 1, pad 0")
            if H + 2 * pad < R or W + 2 * pad < S:
                raise FormatError(f"{nm}: kernel larger than the padded input")
            # E = floor((H + 2 pad - R) / stride) + 1 (the golden model accepts a remainder too)
            if lout != [M, (H + 2 * pad - R) // st + 1, (W + 2 * pad - S) // st + 1]:
                raise FormatError(f"{nm}: bad out shape {lout}")
            w = tensor(L["weights"], f"{nm}.weights", "i16", [M, C, R, S])
            allowed = allowed_values(L["weight_type"])
            if allowed is None:
                raise FormatError(f"{nm}: unknown weight_type {L['weight_type']}")
            bad = set(np.unique(w).tolist()) - allowed
            if bad:
                raise FormatError(f"{nm}.weights: values {sorted(bad)[:5]} not {L['weight_type']}")
            if "syq" in L:
                check_keys(L["syq"], "syq", f"{nm}.syq")
                mode = L["syq"]["mode"]
                n = R * S if mode == "pixel" else R
                q = tensor(L["syq"]["scales"], f"{nm}.syq.scales", "u8", [n])
                if q.min() < 1:
                    raise FormatError(f"{nm}.syq.scales: 0 not allowed")
                qq = q.reshape(R, S) if mode == "pixel" else np.repeat(q[:, None], S, 1)
                w = w * qq[None, None]
            ab, asg = L["act_bits"], L["act_signed"]
            if not 1 <= ab <= 8 or ab != bits or (signed != "any" and asg != signed):
                raise FormatError(f"{nm}: act_bits/act_signed {ab}/{asg} do not match "
                                  f"the incoming {bits}/{signed}")
            rq = L["requant"]
            mode = rq["mode"]
            if mode in ("linear", "threshold", "raw"):
                check_keys(rq, mode, f"{nm}.requant")
            if mode == "linear":
                bias = tensor(rq["bias"], f"{nm}.requant.bias", "i32", [M])
                mult = tensor(rq["mult"], f"{nm}.requant.mult", "i32", [M])
                shift = tensor(rq["shift"], f"{nm}.requant.shift", "i32", [M])
                if mult.min() < 1 or mult.max() > 65535:
                    raise FormatError(f"{nm}: mult out of range")
                if shift.min() < 0 or shift.max() > 47:
                    raise FormatError(f"{nm}: shift out of range")
                ob = rq["out_bits"]
                if not 1 <= ob <= 8:
                    raise FormatError(f"{nm}: out_bits out of range")
                E.update(bias=bias, mult=mult, shift=shift, ob=ob, osg=bool(rq["out_signed"]))
                bits, signed = ob, bool(rq["out_signed"])
            elif mode == "threshold":
                ob = rq["out_bits"]
                if rq.get("out_signed", False) is not False:
                    raise FormatError(f"{nm}: threshold outputs are unsigned (out_signed must be false)")
                if ob not in (1, 2):
                    raise FormatError(f"{nm}: threshold out_bits must be 1..2")
                th = tensor(rq["thresholds"], f"{nm}.requant.thresholds", "i32", [M, 2 ** ob - 1])
                if np.any(np.diff(th, axis=1) < 0):
                    raise FormatError(f"{nm}: unsorted thresholds")
                E.update(th=th, ob=ob)
                bits, signed = ob, False
                # a 1-bit output may be read by the next layer as signed (XNOR);
                # the next layer declares it, accept either
                if ob == 1:
                    signed = "any"
            elif mode == "raw":
                bias = tensor(rq["bias"], f"{nm}.requant.bias", "i32", [M])
                E.update(bias=bias)
                bits, signed = 32, True
                if li != len(hdr["layers"]) - 1:
                    raise FormatError(f"{nm}: raw requant only on the last layer")
            else:
                raise FormatError(f"{nm}: unknown requant mode {mode}")
            E.update(w=w, R=R, S=S, stride=st, pad=pad, ab=ab, asg=asg, mode=mode)
        else:
            raise FormatError(f"{nm}: unknown type {t}")
        layers.append(E)
        shape = lout
    if shape != [hdr["classes"], 1, 1]:
        raise FormatError(f"last output {shape} is not [classes,1,1]")
    return hdr, layers


def im2col(a, R, S, stride, pad):
    """a: [N, C, H, W] -> [N, E*F, C*R*S] (padding 0), index c*R*S + r*S + s."""
    N, C, H, W = a.shape
    if pad:
        a = np.pad(a, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    E = (H + 2 * pad - R) // stride + 1
    F = (W + 2 * pad - S) // stride + 1
    cols = np.empty((N, C, R, S, E, F), dtype=a.dtype)
    for r in range(R):
        for s in range(S):
            cols[:, :, r, s] = a[:, :, r:r + stride * E:stride, s:s + stride * F:stride]
    return cols.reshape(N, C * R * S, E * F).transpose(0, 2, 1), E, F


def requant(E, acc):
    """acc: int64 [N, M, E, F] -> layer output (int64)."""
    if E["mode"] == "linear":
        v = acc + E["bias"][None, :, None, None]
        mult = E["mult"][None, :, None, None]
        sh = E["shift"][None, :, None, None]
        lim = np.abs(v).max(initial=0) * 65535
        if lim >= 2 ** 62:
            raise OverflowError(f"{E['name']}: v*mult may overflow int64")
        rnd = np.where(sh > 0, np.left_shift(np.int64(1), np.maximum(sh - 1, 0)), 0)
        y = np.right_shift(v * mult + rnd, sh)
        b = E["ob"]
        lo, hi = (-(1 << (b - 1)), (1 << (b - 1)) - 1) if E["osg"] else (0, (1 << b) - 1)
        return np.clip(y, lo, hi)
    if E["mode"] == "threshold":
        th = E["th"]
        return (acc[:, :, None] >= th[None, :, :, None, None]).sum(axis=2).astype(np.int64)
    y = acc + E["bias"][None, :, None, None]
    if y.min(initial=0) < -2 ** 31 or y.max(initial=0) >= 2 ** 31:
        raise OverflowError(f"{E['name']}: raw output exceeds int32")
    return y


def act_values(E, a):
    if E["ab"] == 1 and E["asg"]:
        # the stored low bit: 1 = +1, 0 = -1 (after a 1-bit signed output {-1, 0}: -1 reads as +1, 0 as -1)
        return np.where(a != 0, 1, -1)
    return a


def run_layers(layers, x, exact_int64=False, trace=None):
    a = x.astype(np.int64)[:, None] if x.ndim == 3 else x.astype(np.int64)
    for E in layers:
        if E["type"] == "maxpool":
            K, st = E["K"], E["stride"]
            N, C, H, W = a.shape
            Eo, Fo = (H - K) // st + 1, (W - K) // st + 1
            out = None
            for r in range(K):
                for s in range(K):
                    v = a[:, :, r:r + st * Eo:st, s:s + st * Fo:st]
                    out = v if out is None else np.maximum(out, v)
            a = out
        else:
            if E["type"] == "fc":
                a = a.reshape(a.shape[0], -1, 1, 1)
            av = act_values(E, a)
            w = E["w"]
            M = w.shape[0]
            cols, Eo, Fo = im2col(av, E["R"], E["S"], E["stride"], E["pad"])
            wm = w.reshape(M, -1)
            if exact_int64:
                acc = np.einsum("npk,mk->nmp", cols, wm, dtype=np.int64)
            else:
                bound = int(np.abs(wm).max(initial=0)) * int(np.abs(av).max(initial=0)) * wm.shape[1]
                if bound >= 2 ** 53:
                    raise OverflowError(f"{E['name']}: float64 accumulation not provably exact")
                acc = np.rint(np.matmul(cols.astype(np.float64), wm.T.astype(np.float64)))
                acc = acc.astype(np.int64).transpose(0, 2, 1)
            acc = acc.reshape(a.shape[0], M, Eo, Fo)
            a = requant(E, acc)
        if trace is not None:
            trace.append(a)
    return a


def predict(layers, x, batch=500):
    preds = []
    for i in range(0, len(x), batch):
        y = run_layers(layers, x[i:i + batch]).reshape(min(batch, len(x) - i), -1)
        preds.append(np.argmax(y, axis=1))  # argmax returns the lowest index on ties
    return np.concatenate(preds)


def evaluate(path, limit=None, check_int64=0, verbose=True):
    hdr, layers = build(path)
    _, _, xte, yte = tern_data.load(hdr["dataset"])
    if limit:
        xte, yte = xte[:limit], yte[:limit]
    if check_int64:
        t1, t2 = [], []
        run_layers(layers, xte[:check_int64], False, t1)
        run_layers(layers, xte[:check_int64], True, t2)
        for E, u, v in zip(layers, t1, t2):
            if not np.array_equal(u, v):
                raise AssertionError(f"{E['name']}: float64 and int64 paths differ")
        if verbose:
            print(f"int64 cross-check of {check_int64} images: all layers identical")
    pred = predict(layers, xte)
    acc = float(np.mean(pred == yte))
    stats = []
    for E in layers:
        if "w" in E:
            w = E["w"]
            stats.append((E["name"], int(w.size), float(np.mean(w == 0))))
    return hdr, acc, len(yte), stats


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model")
    ap.add_argument("--limit", type=int, default=0, help="evaluate only the first N test images")
    ap.add_argument("--check-int64", type=int, default=0, metavar="K",
                    help="also verify the first K images with pure int64 arithmetic")
    ap.add_argument("--json", action="store_true", help="print one JSON line")
    ap.add_argument("--min-acc", type=float, default=None, help="exit 1 if accuracy is below")
    args = ap.parse_args()
    try:
        hdr, acc, n, stats = evaluate(args.model, args.limit, args.check_int64, not args.json)
    except (FormatError, KeyError, OverflowError) as e:
        print(f"{args.model}: invalid model: {type(e).__name__}: {e}", file=sys.stderr)
        return 2
    except tern_data.DataError as e:
        print(f"{args.model}: {e}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({"model": args.model, "name": hdr["name"], "dataset": hdr["dataset"],
                          "images": n, "int_acc": acc,
                          "zeros": {s[0]: s[2] for s in stats}}))
    else:
        print(f"{hdr['name']} ({hdr['dataset']}, {n} test images): integer accuracy {acc:.4f}")
        rec = hdr.get("train", {}).get("int_acc")
        if rec is not None:
            print(f"  recorded int_acc {rec:.4f}, float_acc {hdr['train'].get('float_acc')}")
        for name, size, z in stats:
            print(f"  {name:8s} {size:9d} weights, {100 * z:6.2f}% zeros")
    if args.min_acc is not None and acc < args.min_acc:
        print(f"accuracy {acc:.4f} below {args.min_acc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
