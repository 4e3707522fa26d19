#!/usr/bin/python3
"""Small Tern model files (docs/model_format.md) for the CLI tests; standard library only.

    tiny_models.py <output directory>

writes
  input14.tnm     a valid model whose input [1,14,14] is not the Fashion-MNIST image shape [1,28,28]
  sign1_mid.tnm   conv -> linear requant to 1-bit *signed* ({-1, 0}) -> maxpool -> XNOR fc -> raw logits
  sign1_last.tnm  fc 784 -> 10 whose (last) output is a 1-bit signed linear requant
  pool_rem.tnm    a 3x3/2 max-pool whose (H - K) is not a multiple of the stride, then an XNOR conv with padding
"""
import gzip
import json
import random
import struct
import sys


class Blob:
    def __init__(self):
        self.data = bytearray()

    def tensor(self, dtype, shape, values):
        fmt = {"i16": "<h", "i32": "<i", "u8": "<B"}[dtype]
        while len(self.data) % 8:
            self.data.append(0)
        off = len(self.data)
        for v in values:
            self.data += struct.pack(fmt, v)
        return {"dtype": dtype, "shape": shape, "offset": off}


def write(path, in_shape, layers_fn):
    blob = Blob()
    header = {"name": path.rsplit("/", 1)[-1][:-4], "dataset": "fashion-mnist",
              "input": {"shape": in_shape, "bits": 8, "signed": False}, "classes": 10,
              "layers": layers_fn(blob)}
    js = json.dumps(header).encode()
    raw = bytearray(b"TERNMDL\0" + struct.pack("<II", 1, len(js)) + js)
    while len(raw) % 8:
        raw.append(0)
    with open(path, "wb") as f:
        f.write(gzip.compress(bytes(raw + blob.data), mtime=0))


def fc(blob, rng, name, C, M, wt, act_bits, act_signed, requant):
    values = [-1, 1] if wt == "binary" else list(range(-3, 4))
    return {"name": name, "type": "fc", "in": [C, 1, 1], "out": [M, 1, 1], "kernel": [1, 1], "stride": 1, "pad": 0,
            "weight_type": wt, "act_bits": act_bits, "act_signed": act_signed,
            "weights": blob.tensor("i16", [M, C, 1, 1], [rng.choice(values) for _ in range(M * C)]),
            "requant": requant}


def raw_requant(blob, M):
    return {"mode": "raw", "bias": blob.tensor("i32", [M], [0] * M)}


def sign1_requant(blob, M):
    # y = clamp(acc, -1, 0): -1 where the accumulator is negative, else 0
    return {"mode": "linear", "out_bits": 1, "out_signed": True, "bias": blob.tensor("i32", [M], [0] * M),
            "mult": blob.tensor("i32", [M], [1] * M), "shift": blob.tensor("i32", [M], [0] * M)}


def main():
    out = sys.argv[1]
    rng = random.Random(17)
    write(f"{out}/input14.tnm", [1, 14, 14],
          lambda b: [fc(b, rng, "fc", 196, 10, "int8", 8, False, raw_requant(b, 10))])

    def mid(b):
        conv = {"name": "conv", "type": "conv", "in": [1, 28, 28], "out": [4, 14, 14], "kernel": [2, 2], "stride": 2,
                "pad": 0, "weight_type": "ternary", "act_bits": 8, "act_signed": False,
                "weights": b.tensor("i16", [4, 1, 2, 2], [rng.choice([-1, 1]) for _ in range(16)]),
                "requant": sign1_requant(b, 4)}
        pool = {"name": "pool", "type": "maxpool", "in": [4, 14, 14], "out": [4, 7, 7], "kernel": [2, 2], "stride": 2}
        return [conv, pool, fc(b, rng, "xnor", 196, 10, "binary", 1, True, raw_requant(b, 10))]

    write(f"{out}/sign1_mid.tnm", [1, 28, 28], mid)
    write(f"{out}/sign1_last.tnm", [1, 28, 28],
          lambda b: [fc(b, rng, "fc", 784, 10, "int8", 8, False, sign1_requant(b, 10))])

    def pool_rem(b):
        # docs/model_format.md: E = floor((H - K) / stride) + 1; here (28 - 3) / 2 leaves a row and a column
        # that no window covers, and an XNOR conv with padding reads its padded taps as the value 0
        conv = {"name": "conv", "type": "conv", "in": [1, 28, 28], "out": [4, 28, 28], "kernel": [3, 3], "stride": 1,
                "pad": 1, "weight_type": "ternary", "act_bits": 8, "act_signed": False,
                "weights": b.tensor("i16", [4, 1, 3, 3], [rng.choice([-1, 0, 1]) for _ in range(36)]),
                "requant": {"mode": "threshold", "out_bits": 1,
                            "thresholds": b.tensor("i32", [4, 1], [rng.randint(-200, 200) for _ in range(4)])}}
        pool = {"name": "pool", "type": "maxpool", "in": [4, 28, 28], "out": [4, 13, 13], "kernel": [3, 3],
                "stride": 2}
        xconv = {"name": "xnor_conv", "type": "conv", "in": [4, 13, 13], "out": [8, 13, 13], "kernel": [3, 3],
                 "stride": 1, "pad": 1, "weight_type": "binary", "act_bits": 1, "act_signed": True,
                 "weights": b.tensor("i16", [8, 4, 3, 3], [rng.choice([-1, 1]) for _ in range(288)]),
                 "requant": {"mode": "linear", "out_bits": 4, "out_signed": True,
                             "bias": b.tensor("i32", [8], [0] * 8), "mult": b.tensor("i32", [8], [1] * 8),
                             "shift": b.tensor("i32", [8], [1] * 8)}}
        return [conv, pool, xconv, fc(b, rng, "fc", 8 * 13 * 13, 10, "int8", 4, True, raw_requant(b, 10))]

    write(f"{out}/pool_rem.tnm", [1, 28, 28], pool_rem)


if __name__ == "__main__":
    main()
