#!/usr/bin/python3
"""Self-tests of the .tnm writer and the integer evaluator (numpy only, a few seconds).

    /usr/bin/python3 scripts/train/test_eval_int.py

Builds small random models with tnm.py, checks that eval_int.py's forward pass equals a
plain-Python big-integer reference of docs/model_format.md (conv with padding/stride, fc
flattening, maxpool, linear requant with negative values, threshold, raw, binary XNOR
activations, SYQ, every weight type), and that malformed files are rejected.
Prints 'N passed, N failed' and exits non-zero on a failure.
"""
import gzip
import os
import struct
import sys
import tempfile
import traceback

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import eval_int  # noqa: E402
import tnm  # noqa: E402

TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


def values(wt):
    return sorted(eval_int.allowed_values(wt))


def rand_weights(rng, wt, shape):
    v = np.array(values(wt))
    return rng.choice(v, size=shape).astype(np.int16)


def linear_rq(rng, M, bits, signed=False):
    return {"mode": "linear", "bias": rng.integers(-3000, 3000, M).astype(np.int32),
            "mult": rng.integers(1, 65536, M).astype(np.int32),
            "shift": rng.integers(0, 48, M).astype(np.int32) // 2 + 10,
            "out_bits": bits, "out_signed": signed}


def conv(name, C, H, W, M, R, stride, pad, wt, ab, asg, rq, rng, syq=None):
    E = (H + 2 * pad - R) // stride + 1
    L = {"name": name, "type": "conv", "in": [C, H, W], "out": [M, E, E], "kernel": [R, R],
         "stride": stride, "pad": pad, "weight_type": wt, "act_bits": ab, "act_signed": asg,
         "weights": rand_weights(rng, wt, (M, C, R, R)), "requant": rq}
    if syq:
        n = R * R if syq == "pixel" else R
        L["syq"] = {"mode": syq, "scales": rng.integers(1, 256, n).astype(np.uint8)}
    return L


def model(layers, name="t"):
    return {"name": name, "dataset": "fashion-mnist",
            "input": {"shape": [1, 8, 8], "bits": 8, "signed": False}, "classes": 10,
            "train": {"script": "test", "args": "", "seed": 0, "float_acc": 0, "int_acc": 0},
            "layers": layers}


def ref_forward(hdr, img):
    """Plain-Python reference of the spec (big integers, explicit loops)."""
    a = [[[int(img[y][x]) for x in range(len(img[0]))] for y in range(len(img))]]
    for L in hdr["layers"]:
        C, H, W = L["in"] if L["type"] != "fc" else [len(a), len(a[0]), len(a[0][0])]
        if L["type"] == "maxpool":
            K, st = L["kernel"][0], L["stride"]
            E, F = (H - K) // st + 1, (W - K) // st + 1
            a = [[[max(a[c][y * st + i][x * st + j] for i in range(K) for j in range(K))
                   for x in range(F)] for y in range(E)] for c in range(C)]
            continue
        if L["type"] == "fc":
            flat = [a[c][y][x] for c in range(C) for y in range(H) for x in range(W)]
            a = [[[v]] for v in flat]
            C, H, W = len(flat), 1, 1
        w = L["weights"].astype(np.int64)
        if "syq" in L:
            q = L["syq"]["scales"].astype(np.int64)
            R, S = L["kernel"]
            qq = q.reshape(R, S) if L["syq"]["mode"] == "pixel" else np.repeat(q[:, None], S, 1)
            w = w * qq[None, None]
        M, _, R, S = w.shape
        st, pad = L["stride"], L["pad"]
        E, F = (H + 2 * pad - R) // st + 1, (W + 2 * pad - S) // st + 1
        xnor = L["act_bits"] == 1 and L["act_signed"]
        rq = L["requant"]
        out = []
        for m in range(M):
            plane = []
            for y in range(E):
                row = []
                for x in range(F):
                    acc = 0
                    for c in range(C):
                        for r in range(R):
                            for s in range(S):
                                iy, ix = y * st + r - pad, x * st + s - pad
                                if 0 <= iy < H and 0 <= ix < W:
                                    v = a[c][iy][ix]
                                    if xnor:
                                        v = 1 if v else -1
                                    acc += int(w[m, c, r, s]) * v
                    if rq["mode"] == "linear":
                        v = acc + int(rq["bias"][m])
                        sh = int(rq["shift"][m])
                        yv = (v * int(rq["mult"][m]) + ((1 << (sh - 1)) if sh > 0 else 0)) >> sh
                        b = rq["out_bits"]
                        lo, hi = ((-(1 << (b - 1)), (1 << (b - 1)) - 1) if rq["out_signed"]
                                  else (0, (1 << b) - 1))
                        yv = min(max(yv, lo), hi)
                    elif rq["mode"] == "threshold":
                        yv = sum(1 for t in rq["thresholds"][m] if acc >= int(t))
                    else:
                        yv = acc + int(rq["bias"][m])
                    row.append(yv)
                plane.append(row)
            out.append(plane)
        a = out
    return [a[m][0][0] for m in range(len(a))]


def write_tmp(hdr):
    fd, path = tempfile.mkstemp(suffix=".tnm")
    os.close(fd)
    tnm.write(path, hdr)
    return path


def check_against_ref(hdr, rng, n=6):
    path = write_tmp(hdr)
    try:
        _, layers = eval_int.build(path)
        imgs = rng.integers(0, 256, (n, 8, 8)).astype(np.uint8)
        got = eval_int.run_layers(layers, imgs).reshape(n, -1)
        got64 = eval_int.run_layers(layers, imgs, exact_int64=True).reshape(n, -1)
        for i in range(n):
            ref = ref_forward(hdr, imgs[i])
            assert got[i].tolist() == ref, (got[i].tolist(), ref)
            assert got64[i].tolist() == ref
    finally:
        os.unlink(path)


@test
def every_weight_type_linear():
    rng = np.random.default_rng(1)
    for wt in ("int8", "ternary", "binary", "log2", "addnet2", "addnet3", "addnet4"):
        hdr = model([
            conv("c1", 1, 8, 8, 3, 3, 1, 1, wt, 8, False, linear_rq(rng, 3, 4), rng),
            {"name": "p", "type": "maxpool", "in": [3, 8, 8], "out": [3, 4, 4], "kernel": [2, 2], "stride": 2},
            conv("c2", 3, 4, 4, 4, 2, 2, 0, wt, 4, False, linear_rq(rng, 4, 3, signed=True), rng),
            {"name": "f", "type": "fc", "in": [16, 1, 1], "out": [10, 1, 1], "kernel": [1, 1], "stride": 1,
             "pad": 0, "weight_type": "int8", "act_bits": 3, "act_signed": True,
             "weights": rand_weights(rng, "int8", (10, 16, 1, 1)),
             "requant": {"mode": "raw", "bias": rng.integers(-100, 100, 10).astype(np.int32)}},
        ])
        check_against_ref(hdr, rng)


@test
def threshold_xnor_syq():
    rng = np.random.default_rng(2)
    th = np.sort(rng.integers(-2000, 2000, (4, 1)), axis=1).astype(np.int32)
    th2 = np.sort(rng.integers(-20, 20, (5, 3)), axis=1).astype(np.int32)
    hdr = model([
        conv("c1", 1, 8, 8, 4, 5, 1, 2, "ternary", 8, False, {"mode": "threshold", "thresholds": th, "out_bits": 1},
             rng, syq="pixel"),
        conv("c2", 4, 8, 8, 5, 3, 2, 1, "binary", 1, True, {"mode": "threshold", "thresholds": th2, "out_bits": 2},
             rng, syq="row"),
        {"name": "f", "type": "fc", "in": [80, 1, 1], "out": [10, 1, 1], "kernel": [1, 1], "stride": 1, "pad": 0,
         "weight_type": "log2", "act_bits": 2, "act_signed": False,
         "weights": rand_weights(rng, "log2", (10, 80, 1, 1)),
         "requant": {"mode": "raw", "bias": np.zeros(10, np.int32)}},
    ])
    check_against_ref(hdr, rng)


@test
def rounding_and_negative_shift():
    # y = (v*mult + 2^(shift-1)) >> shift with floor semantics on negative values
    E = {"mode": "linear", "bias": np.array([0]), "mult": np.array([3]), "shift": np.array([2]),
         "ob": 8, "osg": True, "name": "x"}
    acc = np.array([-7, -6, -5, -2, -1, 0, 1, 2, 5, 6]).reshape(1, 1, 1, -1)
    got = eval_int.requant(E, acc).ravel().tolist()
    want = [(v * 3 + 2) >> 2 for v in acc.ravel().tolist()]
    assert got == want, (got, want)
    assert want[:3] == [-5, -4, -4]  # floor(-4.75), floor(-4.0), floor(-3.25)


def expect_reject(hdr, raw_patch=None):
    path = write_tmp(hdr)
    try:
        if raw_patch:
            with gzip.open(path, "rb") as f:
                raw = bytearray(f.read())
            raw_patch(raw)
            with gzip.open(path, "wb") as f:
                f.write(bytes(raw))
        try:
            eval_int.build(path)
        except (eval_int.FormatError, KeyError, ValueError):
            return
        raise AssertionError("malformed model accepted")
    finally:
        os.unlink(path)


def small(rng, **kw):
    c = conv("c1", 1, 8, 8, 10, 8, 1, 0, kw.get("wt", "ternary"), 8, False, linear_rq(rng, 10, 8), rng)
    c["out"] = [10, 1, 1]
    return model([c])


@test
def rejects_malformed():
    rng = np.random.default_rng(3)
    good = small(rng)
    path = write_tmp(good)
    eval_int.build(path)
    os.unlink(path)
    bad = small(rng)
    bad["layers"][0]["weights"][0, 0, 0, 0] = 2
    expect_reject(bad)  # 2 is not ternary
    bad = small(rng, wt="log2")
    bad["layers"][0]["weights"][0, 0, 0, 0] = 3
    expect_reject(bad)  # 3 is not a power of two
    bad = small(rng)
    bad["layers"][0]["requant"]["mult"][0] = 65536
    expect_reject(bad)
    bad = small(rng)
    bad["layers"][0]["requant"]["shift"][0] = 48
    expect_reject(bad)
    bad = small(rng)
    bad["layers"][0]["out"] = [10, 2, 2]
    expect_reject(bad)  # shapes
    bad = small(rng)
    bad["layers"][0]["act_bits"] = 4
    expect_reject(bad)  # input is 8-bit
    expect_reject(small(rng), lambda raw: raw.__setitem__(0, ord("X")))  # magic
    expect_reject(small(rng), lambda raw: raw.__setitem__(slice(8, 12), struct.pack("<I", 2)))  # version
    expect_reject(small(rng), lambda raw: raw.__delitem__(slice(len(raw) - 8, len(raw))))  # truncated
    bad = small(rng)
    bad["layers"][0]["requant"] = {"mode": "threshold", "out_bits": 2,
                                   "thresholds": np.array([[3, 2, 1]] * 10, np.int32)}
    expect_reject(bad)  # unsorted
    # unknown keys (docs/model_format.md): rejected in a layer and its requant, ignored at the top level
    bad = small(rng)
    bad["layers"][0]["act_sigend"] = True
    expect_reject(bad)
    bad = small(rng)
    bad["layers"][0]["requant"]["rounding"] = "even"
    expect_reject(bad)
    ok = small(rng)
    ok["import"] = {"source": "x.onnx"}
    path = write_tmp(ok)
    eval_int.build(path)
    os.unlink(path)


def main():
    passed = failed = 0
    for fn in TESTS:
        try:
            fn()
            passed += 1
            print(f"PASS {fn.__name__}")
        except Exception:  # noqa: BLE001
            failed += 1
            print(f"FAIL {fn.__name__}")
            traceback.print_exc()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
