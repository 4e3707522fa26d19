#!/usr/bin/python3
"""Writes the seed corpus of fuzz_model: small valid model containers (uncompressed .tnm, the bytes
parse_model() reads), written with scripts/train/tnm.py. Run once; the files are committed."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "train"))
import tnm  # noqa: E402

out = os.path.join(os.path.dirname(__file__), "corpus", "model")
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(7)
VALUES = {"ternary": [-1, 0, 1], "binary": [-1, 1], "int8": list(range(-128, 128)),
          "log2": [0, 1, -1, 2, -2, 4, -4, 64, -64], "addnet2": [0, 1, -1, 3, -3, 2, -2]}


def conv(C, H, W, M, K, stride, pad, wt, mode, syq=None, fc=False):
    E = (H + 2 * pad - K) // stride + 1
    F = (W + 2 * pad - K) // stride + 1
    w = rng.choice(VALUES[wt], size=(M, C, K, K)).astype(np.int16)
    if wt != "binary":
        w[rng.random(w.shape) < 0.6] = 0
    L = {"name": "l", "type": "fc" if fc else "conv", "in": [C, H, W], "out": [M, E, F], "kernel": [K, K],
         "stride": stride, "pad": pad, "weight_type": wt, "act_bits": 8, "act_signed": False, "weights": w}
    if syq:
        L["syq"] = {"mode": syq, "scales": rng.integers(1, 255, size=K * K if syq == "pixel" else K).astype(np.uint8)}
    if mode == "linear":
        L["requant"] = {"mode": "linear", "out_bits": 8, "out_signed": False,
                        "bias": rng.integers(-50, 50, size=M).astype(np.int32),
                        "mult": rng.integers(1, 300, size=M).astype(np.int32),
                        "shift": rng.integers(4, 12, size=M).astype(np.int32)}
    elif mode == "threshold":
        t = np.sort(rng.integers(-100, 100, size=(M, 3)), axis=1).astype(np.int32)
        L["requant"] = {"mode": "threshold", "out_bits": 2, "thresholds": t}
    else:
        L["requant"] = {"mode": "raw", "bias": rng.integers(-50, 50, size=M).astype(np.int32)}
    return L, (M, E, F)


def model(layers, shape):
    return {"name": "seed", "dataset": "none", "input": {"shape": list(shape), "bits": 8, "signed": False},
            "classes": 4, "layers": layers}


seeds = []
l1, s1 = conv(1, 6, 6, 2, 3, 1, 1, "ternary", "linear")
seeds.append(model([l1], (1, 6, 6)))
l1, s1 = conv(2, 5, 5, 3, 3, 2, 0, "int8", "linear", syq="pixel")
p = {"name": "p", "type": "maxpool", "in": list(s1), "out": [s1[0], 1, 1], "kernel": [2, 2], "stride": 2}
l2, _ = conv(s1[0], 1, 1, 4, 1, 1, 0, "binary", "raw", fc=True)
seeds.append(model([l1, p, l2], (2, 5, 5)))
l1, s1 = conv(1, 4, 4, 2, 2, 1, 0, "log2", "threshold", syq="row")
seeds.append(model([l1], (1, 4, 4)))
l1, s1 = conv(3, 1, 1, 4, 1, 1, 0, "addnet2", "linear", fc=True)
seeds.append(model([l1], (3, 1, 1)))
for i, s in enumerate(seeds):
    with open(os.path.join(out, f"seed{i}.tnm.raw"), "wb") as f:
        f.write(tnm.encode(s))
print(f"wrote {len(seeds)} seeds to {out}")
