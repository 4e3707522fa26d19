"""Random small valid Tern models (.tnm) for the hardened-pipeline tests.

Every weight type (SYQ now and then), conv with padding and stride, max-pool, fc, linear (signed and
unsigned outputs, 1..8 bits) and threshold requantisation, XNOR layers after 1-bit outputs; the last layer
is an fc layer (raw or linear) so the output is [classes, 1, 1]. The golden model's loader validates the
file (tern_golden_dump fails on an invalid one).
"""
import math
import os
import random
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "train"))
import eval_int  # noqa: E402
import tnm  # noqa: E402

TYPES = ["int8", "ternary", "binary", "log2", "addnet2", "addnet3", "addnet4"]


def _weights(rng, wt, shape, sparsity):
    vals = sorted(eval_int.allowed_values(wt) - {0})
    w = np.array([rng.choice(vals) for _ in range(int(np.prod(shape)))], dtype=np.int16).reshape(shape)
    if wt != "binary":
        mask = np.array([rng.random() < sparsity for _ in range(w.size)]).reshape(shape)
        w[mask] = 0
    return w


def _requant(rng, L, M, K, amax, wmag, last, allow_threshold=True):
    spread = max(1.0, wmag * amax * math.sqrt(K))
    pick = rng.randrange(10)
    if last and pick < 5:
        return {"mode": "raw", "bias": np.array([rng.randint(-1000, 1000) for _ in range(M)], dtype=np.int32)}, 32, True
    if not last and allow_threshold and pick >= 8:
        ob = rng.randint(1, 2)
        nt = (1 << ob) - 1
        th = np.sort(np.array([[round(rng.gauss(0, spread / 2)) for _ in range(nt)] for _ in range(M)],
                              dtype=np.int32), axis=1)
        return {"mode": "threshold", "thresholds": th, "out_bits": ob, "out_signed": False}, ob, False
    ob = rng.randint(1, 8)
    osg = rng.random() < 0.25
    mult = np.array([rng.randint(1 << 14, 65535) for _ in range(M)], dtype=np.int32)
    shift = np.array([min(47, max(0, round(math.log2(max(1.0, spread * int(m) / 2 ** ob))) + rng.randint(-1, 1)))
                      for m in mult], dtype=np.int32)
    bias = np.array([round(rng.gauss(0, spread / 4)) for _ in range(M)], dtype=np.int32)
    return {"mode": "linear", "bias": bias, "mult": mult, "shift": shift, "out_bits": ob, "out_signed": osg}, ob, osg


def random_model(seed, max_hw=8, max_c=3, max_m=6, layers=(2, 4), types=None):
    rng = random.Random(seed)
    C, H, W = rng.randint(1, max_c), rng.randint(4, max_hw), rng.randint(4, max_hw)
    hdr = {"name": f"random_{seed}", "dataset": "random",
           "input": {"shape": [C, H, W], "bits": 8, "signed": False}, "classes": 0, "layers": []}
    bits, sg = 8, False
    n = rng.randint(*layers)
    for i in range(n):
        last = i == n - 1
        kind = "fc" if last else rng.choice(["conv", "conv", "conv", "pool", "fc"])
        if kind == "pool" and (H < 2 or W < 2):
            kind = "conv"
        name = f"L{i}"
        if kind == "pool":
            k = rng.randint(2, min(3, H, W))
            st = rng.randint(1, k)
            E, F = (H - k) // st + 1, (W - k) // st + 1
            hdr["layers"].append({"name": name, "type": "maxpool", "in": [C, H, W], "out": [C, E, F],
                                  "kernel": [k, k], "stride": st, "pad": 0})
            H, W = E, F
            continue
        wt = rng.choice(types or TYPES)
        asg = sg
        if bits == 1 and not sg and rng.random() < 0.5:
            asg = True  # XNOR layer after a 1-bit unsigned output
        M = rng.randint(2, 10) if last else rng.randint(1, max_m)
        if kind == "fc":
            R = S = 1
            st, pad = 1, 0
            K_in = C * H * W
            shape_in, E, F = [K_in, 1, 1], 1, 1
            wshape = [M, K_in, 1, 1]
        else:
            R, S = rng.randint(1, min(5, H + 2)), rng.randint(1, min(5, W + 2))
            pad = rng.randint(0, min(R, S) - 1)
            while R > H + 2 * pad or S > W + 2 * pad:
                pad += 1
            if pad >= min(R, S):
                R = S = 1
                pad = 0
            st = rng.randint(1, 2)
            E, F = (H + 2 * pad - R) // st + 1, (W + 2 * pad - S) // st + 1
            shape_in = [C, H, W]
            wshape = [M, C, R, S]
        w = _weights(rng, wt, wshape, rng.uniform(0.0, 0.9))
        L = {"name": name, "type": kind, "in": shape_in, "out": [M, E, F], "kernel": [R, S], "stride": st,
             "pad": pad, "weight_type": wt, "weights": w, "act_bits": bits, "act_signed": asg}
        q = None
        if rng.random() < 0.2:
            mode = rng.choice(["pixel", "row"])
            q = np.array([rng.randint(1, 255) for _ in range(R * S if mode == "pixel" else R)], dtype=np.uint8)
            L["syq"] = {"mode": mode, "scales": q}
        amax = 1 if (bits == 1 and asg) else ((1 << (bits - 1)) if asg else (1 << bits) - 1)
        wmag = float(np.abs(w).mean()) * (float(q.mean()) if q is not None else 1.0)
        L["requant"], bits, sg = _requant(rng, L, M, int(np.prod(wshape[1:])), amax, wmag, last)
        hdr["layers"].append(L)
        C, H, W = M, E, F
    hdr["classes"] = C * H * W
    return hdr


def write(path, seed, **kw):
    tnm.write(path, random_model(seed, **kw))
    eval_int.build(path)  # validates (the golden loader validates again)
    return path


if __name__ == "__main__":
    print(write(sys.argv[1], int(sys.argv[2])))
