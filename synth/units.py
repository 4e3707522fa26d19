"""Design points synthesised by `make area`: one entry per arithmetic unit configuration.

Each entry: name, top module, parameters, the lane count (for per-lane figures), the comparison group
and whether it is the INT8 baseline of its group. Comparisons are made inside a group, at equal lanes,
activation bits and accumulator width (AccWidth). `anchors(results)` turns the measured rows into the
anchor comparisons appended to docs/area.md (FINN, thesis Fig. 6.8, PULP cc_popcount, bit-serial).
"""

WT = {"int8": 0, "ternary": 1, "binary": 2, "log2": 3, "addnet2": 4, "addnet3": 5, "addnet4": 6}
AK = {"int": 0, "log2": 1, "bipolar": 2}

LANES = 8
ACC = 32


def mac(wtype, lanes=LANES, act_bits=8, acc=ACC, act_kind="int", **extra):
    p = {"WgtType": WT[wtype], "IntBits": 8, "ActBits": act_bits, "ActSigned": 0, "Lanes": lanes,
         "MaxLen": 4096, "AccWidth": acc, "ActKind": AK[act_kind]}
    p.update(extra)
    return p


def mul(wtype, act_bits=8, act_kind="int"):
    return {"WgtType": WT[wtype], "IntBits": 8, "ActBits": act_bits, "ActSigned": 0, "ActKind": AK[act_kind]}


def bitserial(wtype, lanes=LANES, max_bits=8, acc=ACC):
    return {"WgtType": WT[wtype], "IntBits": 8, "Lanes": lanes, "MaxBits": max_bits, "MaxLen": 4096,
            "AccWidth": acc}


UNITS = [
    # name, top, params, lanes, group, baseline
    # --- one product, 8-bit unsigned activation (log-activation: 4-bit code; XNOR: 1 bit)
    ("mul_int8", "tern_mul", mul("int8"), 1, "mul", True),
    ("mul_ternary", "tern_mul", mul("ternary"), 1, "mul", False),
    ("mul_binary", "tern_mul", mul("binary"), 1, "mul", False),
    ("mul_log2", "tern_mul", mul("log2"), 1, "mul", False),
    ("mul_addnet2", "tern_mul", mul("addnet2"), 1, "mul", False),
    ("mul_addnet3", "tern_mul", mul("addnet3"), 1, "mul", False),
    ("mul_addnet4", "tern_mul", mul("addnet4"), 1, "mul", False),
    ("mul_logact", "tern_mul", mul("log2", 4, "log2"), 1, "mul", False),
    ("mul_xnor", "tern_mul", mul("binary", 1, "bipolar"), 1, "mul", False),
    # --- 8-lane MACs, 8-bit activations, 32-bit accumulator (bit-parallel and bit-serial)
    ("mac_int8_l8", "tern_mac", mac("int8"), LANES, "mac8", True),
    ("mac_ternary_l8", "tern_mac", mac("ternary"), LANES, "mac8", False),
    ("mac_binary_l8", "tern_mac", mac("binary"), LANES, "mac8", False),
    ("mac_log2_l8", "tern_mac", mac("log2"), LANES, "mac8", False),
    ("mac_addnet2_l8", "tern_mac", mac("addnet2"), LANES, "mac8", False),
    ("mac_addnet3_l8", "tern_mac", mac("addnet3"), LANES, "mac8", False),
    ("mac_addnet4_l8", "tern_mac", mac("addnet4"), LANES, "mac8", False),
    ("mac_logact_l8", "tern_mac", mac("log2", act_bits=4, act_kind="log2"), LANES, "mac8", False),
    ("mac_xnor_l8", "tern_mac", mac("binary", act_bits=1, act_kind="bipolar"), LANES, "mac8", False),
    ("bs_int8_l8", "tern_mac_bitserial", bitserial("int8"), LANES, "mac8", False),
    ("bs_ternary_l8", "tern_mac_bitserial", bitserial("ternary"), LANES, "mac8", False),
    ("bs_binary_l8", "tern_mac_bitserial", bitserial("binary"), LANES, "mac8", False),
    ("bs_log2_l8", "tern_mac_bitserial", bitserial("log2"), LANES, "mac8", False),
    ("bs_addnet2_l8", "tern_mac_bitserial", bitserial("addnet2"), LANES, "mac8", False),
    ("bs_addnet4_l8", "tern_mac_bitserial", bitserial("addnet4"), LANES, "mac8", False),
    ("bsw_ternary_l8", "tern_mac_bitserial_word", bitserial("ternary"), LANES, "mac8", False),
    ("bsw_int8_l8", "tern_mac_bitserial_word", bitserial("int8"), LANES, "mac8", False),
    # --- 64-lane binary: XNOR-popcount against FINN's 2.5 LUT/op, popcount against PULP's 312 cells
    ("mac_int8_l64", "tern_mac", mac("int8", lanes=64), 64, "mac64", True),
    ("mac_xnor_l64", "tern_mac", mac("binary", lanes=64, act_bits=1, act_kind="bipolar"), 64, "mac64", False),
    ("bs_ternary_l64", "tern_mac_bitserial", bitserial("ternary", lanes=64), 64, "mac64", False),
    ("xnor_popcount_64", "tern_xnor_popcount", {"Lanes": 64}, 64, "anchor", False),
    ("popcount_64", "tern_popcount", {"Width": 64}, 64, "anchor", False),
]

# Thesis Fig. 6.8 sweep: one product at 4/8/12/16-bit activations (8-bit ones are the "mul" rows).
SWEEP_BITS = (4, 8, 12, 16)
SWEEP_TYPES = ("int8", "addnet2", "addnet3", "addnet4")
for _t in SWEEP_TYPES:
    for _b in SWEEP_BITS:
        if _b != 8:
            UNITS.append((f"mul_{_t}_a{_b}", "tern_mul", mul(_t, _b), 1, "sweep", False))


def _row(results, name):
    for r in results:
        if r["name"] == name:
            return r
    return None


def _fit(xs, ys):
    """Least-squares slope and intercept."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else float("nan")
    return slope, my - slope * mx


def anchors(results):
    """Markdown: the measured numbers next to the published anchors (docs/area.md, synth/area_notes.md)."""
    out = ["## Anchors (measured here, next to the published figures)", ""]
    # Thesis Fig. 6.8: LUT per activation bit on Xilinx without DSPs.
    out += ["### Thesis Fig. 6.8: one product, LUTs per activation bit (Xilinx 7, `-nodsp`)", "",
            "Published: generic 8 x w_in multiplier ~7.4 LUT per bit of w_in; 2/3/4-Add RCCM ~2/3/4 LUT "
            "per bit. Measured: LUT6-class cells (LUT1..LUT6, MUXF7/F8 not counted) of one `tern_mul` at each "
            "activation width; slope = least-squares LUT per added activation bit (the per-lane code decoder "
            "is the intercept, not the slope).", "",
            "| unit | " + " | ".join(f"A={b} LUT" for b in SWEEP_BITS) + " | " +
            " | ".join(f"A={b} LUT/bit" for b in SWEEP_BITS) + " | slope LUT/bit | intercept |",
            "|---|" + "---|" * (2 * len(SWEEP_BITS) + 2)]
    for t in SWEEP_TYPES:
        rows = [_row(results, f"mul_{t}" if b == 8 else f"mul_{t}_a{b}") for b in SWEEP_BITS]
        if any(r is None for r in rows):
            continue
        luts = [r["x7n_lut"] for r in rows]
        slope, icpt = _fit(list(SWEEP_BITS), luts)
        label = {"int8": "INT8 weight (generic multiplier)", "addnet2": "AddNet 2-Add",
                 "addnet3": "AddNet 3-Add", "addnet4": "AddNet 4-Add"}[t]
        out.append(f"| {label} | " + " | ".join(str(v) for v in luts) + " | " +
                   " | ".join(f"{v / b:.1f}" for v, b in zip(luts, SWEEP_BITS)) + f" | {slope:.2f} | {icpt:.1f} |")
    out.append("")
    # FINN XNOR-popcount.
    xp = _row(results, "xnor_popcount_64")
    xm = _row(results, "mac_xnor_l64")
    if xp:
        out += ["### FINN: XNOR-popcount ~2.5 LUT per op (5 LUT per binary MAC)", "",
                "One binary MAC = 2 ops (XNOR + add). Measured on Xilinx 7 (`-nodsp`) and iCE40:", "",
                "| unit | x7 LUT | x7 LUT/op | x7 LUT/MAC | iCE40 LUT4/MAC |", "|---|---|---|---|---|"]
        for r in (xp, xm):
            if r:
                lanes = r["lanes"]
                out.append(f"| {r['name']} | {r['x7n_lut']} | {r['x7n_lut'] / (2 * lanes):.2f} | "
                           f"{r['x7n_lut'] / lanes:.2f} | {r['ice_lut'] / lanes:.2f} |")
        out.append("")
    pc = _row(results, "popcount_64")
    if pc:
        out += ["### PULP `cc_popcount`, 64 inputs: 312 Yosys cells", "",
                f"`tern_popcount` (Width=64, flat sum as cc_popcount recommends): **{pc['gen_cells']}** generic "
                f"Yosys cells (`synth -flatten`), {pc['x7n_lut']} Xilinx LUTs, {pc['ice_lut']} iCE40 LUT4, "
                f"{pc['asic_um2']:.0f} um^2 (OSU 0.18 um).", ""]
    # Bit-serial per lane against INT8.
    base = _row(results, "mac_int8_l8")
    if base:
        out += ["### Bit-serial MAC per lane against the INT8 bit-parallel MAC (8 lanes, 32-bit acc)", "",
                "A beat of b-bit activations takes b cycles on the bit-serial MAC and 1 cycle on the INT8 "
                "one, so (area x cycles per beat) relative to INT8 = (area ratio) x b; below 1 the bit-serial "
                "MAC does more work per unit area.", "",
                "| unit | x7 LUT/lane (nodsp) | ratio | ASIC um^2/lane | ratio | ASIC area x cycles, b=8 "
                "| b=4 | b=3 | b=1 |",
                "|---|---|---|---|---|---|---|---|---|"]
        for r in results:
            if r["top"].startswith("tern_mac_bitserial") and r["lanes"] == LANES:
                rl = r["x7n_lut"] / base["x7n_lut"] if base["x7n_lut"] else float("nan")
                ra = r["asic_um2"] / base["asic_um2"] if base["asic_um2"] else float("nan")
                out.append(f"| {r['name']} | {r['x7n_lut'] / r['lanes']:.1f} | {rl:.2f} | "
                           f"{r['asic_um2'] / r['lanes']:.0f} | {ra:.2f} | {ra * 8:.2f} | {ra * 4:.2f} | "
                           f"{ra * 3:.2f} | {ra:.2f} |")
        out.append("")
    return "\n".join(out) + "\n"
