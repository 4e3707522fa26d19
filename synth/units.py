"""Design points synthesised by `make area`: one entry per arithmetic unit configuration.

Each entry: name, top module, parameters, the lane count (for per-lane figures), the MAC type it
represents and whether it is the INT8 baseline of its comparison group. Comparisons are made at equal
lanes, activation bits and accumulator width (AccWidth) inside a group.
"""

WT = {"int8": 0, "ternary": 1, "binary": 2, "log2": 3, "addnet2": 4, "addnet3": 5, "addnet4": 6}

LANES = 8
ACC = 32


def mac(wtype, lanes=LANES, act_bits=8, acc=ACC, **extra):
    p = {"WgtType": WT[wtype], "IntBits": 8, "ActBits": act_bits, "ActSigned": 0, "Lanes": lanes,
         "MaxLen": 4096, "AccWidth": acc}
    p.update(extra)
    return p


UNITS = [
    # name, top, params, lanes, group, baseline
    ("mac_int8_l8", "tern_mac", mac("int8"), LANES, "mac8", True),
    ("mac_ternary_l8", "tern_mac", mac("ternary"), LANES, "mac8", False),
    ("mac_binary_l8", "tern_mac", mac("binary"), LANES, "mac8", False),
    ("mul_int8", "tern_mul", {"WgtType": 0, "IntBits": 8, "ActBits": 8, "ActSigned": 0}, 1, "mul", True),
    ("mul_ternary", "tern_mul", {"WgtType": 1, "IntBits": 8, "ActBits": 8, "ActSigned": 0}, 1, "mul", False),
    ("mul_binary", "tern_mul", {"WgtType": 2, "IntBits": 8, "ActBits": 8, "ActSigned": 0}, 1, "mul", False),
]
