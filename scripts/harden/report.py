#!/usr/bin/env python3
"""Writes the measured part of docs/harden.md (between the GENERATED markers) and docs/harden.json from
the results of sweep.py (build/harden/sweep.json) and ppa_harden.py sparsity (build/harden/sparsity.json).

  scripts/harden/report.py [--sweep build/harden/sweep.json] [--sparsity build/harden/sparsity.json]
"""
import argparse
import json
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
HX8K, UP5K_B, UP5K_S = 32 * 4096, 30 * 4096, 4 * 256 * 1024
BEGIN, END = "<!-- BEGIN GENERATED (scripts/harden/report.py) -->", "<!-- END GENERATED -->"


# The programmable engine's cycles per image on its default build (8x8, batch 1), as README.md states them
# ("Cycles per image of every bundled model on the current default build (cycle model = RTL)"); not
# re-measured here. cnn_mnist_ternary was not re-run on engine v2.
ENGINE_CYCLES = {"cnn_fmnist_ternary": 66176, "cnn_fmnist_ternary_a3": 65739, "cnn_fmnist_binary": 72286,
                 "mlp_fmnist_ternary": 142119, "cnn_fmnist_log2": 283065, "cnn_fmnist_addnet3": 444528}


def fold_str(stages):
    return ", ".join(f"{s['name']} {s['PE']}x{s['SIMD']}" for s in stages if s["kind"] == "mvau")


def bundled_table(sw):
    rows = ["| model / folding | PE x SIMD per conv/fc layer | II (cycles/image) | engine cycles/image (README) | "
            "latency (cycles) | dense MACs/cycle | weight ROM bits | unrolled-layer adders plain -> CSE (non-zeros) | verified |",
            "|---|---|---|---|---|---|---|---|---|"]
    for key, r in sorted(sw.get("bundled", {}).items()):
        d = r.get("design", {})
        cm = d.get("cycle_model", {})
        st = cm.get("stages", [])
        rom = sum(s.get("rom_bits") or 0 for s in st)
        tree = [(s["name"], s["adders_plain"], s["adders_cse"], s["nonzero"]) for s in st
                if s.get("adders_plain") is not None]
        tree_s = ", ".join(f"{nm} {a} -> {c} ({n})" for nm, a, c, n in tree) if tree else "-"
        macs = d.get("dense_macs_per_image")
        ii = cm.get("ii")
        ver = (f"{r.get('images')} images: {r.get('mismatches')} mismatches, {r.get('cycle_differences')} cycle "
               f"differences; stalls: {r.get('stall_mismatches')} mismatches" if r.get("pass") else "**FAIL**")
        eng = ENGINE_CYCLES.get(key.split("/")[0])
        rows.append(f"| {key} | {fold_str(st)} | {ii:,} | {f'{eng:,}' if eng else 'not re-run'} | "
                    f"{cm.get('latency'):,} | {macs / ii:.1f} | {rom:,} | {tree_s} | {ver} |" if ii and macs else
                    f"| {key} | | | | | | | | {ver} |")
    return "\n".join(rows)


def stage_table(sw, key):
    r = sw["bundled"].get(key)
    if not r or "design" not in r:
        return ""
    rows = [f"Stages of `{key}` (cycle model = RTL):", "",
            "| stage | kind | PE | SIMD | NF | SF | datapath cycles/frame | II | latency |", "|---|---|---|---|---|---|---|---|---|"]
    for s in r["design"]["cycle_model"]["stages"]:
        rows.append(f"| {s['name']} | {s['kind']} | {s['PE']} | {s['SIMD']} | {s['NF']} | {s['SF']} | "
                    f"{s['datapath_cycles_per_frame']} | {s['ii']} | {s['latency']} |")
    return "\n".join(rows)


def random_summary(sw):
    rs = sw.get("random", {})
    if not rs:
        return "Random models: not run."
    ok = sum(1 for r in rs.values() if r["pass"])
    imgs = sum(r.get("images", 0) for r in rs.values())
    return (f"Random models (`scripts/harden/random_tnm.py`, seeds 1..{len(rs) // 2}, each fully unrolled and at a "
            f"random PE x SIMD folding): **{ok} of {len(rs)} designs pass** ({imgs} random images in all; bit-exact "
            f"in every stage, 0 cycle differences, bit-exact under random stalls).")


def sparsity_table(sp):
    if not sp:
        return "Area vs sparsity: not run."
    rows = [f"One ternary fc layer, 64 -> 32 outputs, 8-bit inputs, fully unrolled (one image per cycle), the same "
            f"random weights with more zeros; {sp.get('yosys', '')}; Xilinx 7 `synth_xilinx -nodsp -flatten`, "
            "OSU 0.18 um `synth; dfflibmap; abc -D 10000` + OpenSTA (no wire load). Every design verified first "
            "(8 random images, bit- and cycle-exact).", "",
            "| zeros | non-zeros | trees | adders | adders / non-zero | LUT | FF | CARRY4 | OSU mm^2 | Fmax MHz | "
            "images/s at Fmax | verified |", "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for key in sorted(k for k in sp if "/" in k):
        e = sp[key]
        x, a = e["xilinx"], e.get("asic")
        asic_s = (f"{a['area_mm2']} | {a['fmax_mhz']} | {a['fmax_mhz'] * 1e6 / e['ii'] / 1e6:.1f} M" if a else
                  "not run | not run | -")
        rows.append(f"| {int(e['zeros'] * 100)}% | {e['nonzero']} | {key.split('/')[1]} | {e['adders']} | "
                    f"{e['adders'] / e['nonzero']:.3f} | {x['lut']} | {x['ff']} | {x['carry']} | {asic_s} | "
                    f"{'yes' if e['verified'] else 'NO'} |")
    return "\n".join(rows)


TARGET_GMACS_PER_KLUT = 39.6   # the thesis's pruned AlexNet design (issue 12, docs/ppa_sweep.md context)
ASSUMED_MHZ = 100.0            # must equal ppa_harden.ASSUMED_MHZ: the labelled clock assumption


def load_ppa(d):
    out = {}
    if os.path.isdir(d):
        for f in sorted(os.listdir(d)):
            if f.endswith(".json") and "__" in f:
                e = json.load(open(os.path.join(d, f)))
                out[e["key"]] = e
    return out


def engine_rows(ps):
    rows = []
    for r in ps.get("records", []):
        if r["name"] not in ("default", "ternary_8x8"):
            continue
        klut = r["x7_lut"] / 1000.0
        cyc, macs = r["cycles_per_image_batch1"], r["cnn_macs_per_image"]
        e = dict(build=r["name"], x7_lut=r["x7_lut"], x7_ff=r["x7_ff"], x7_bram36=r["x7_bram36"],
                 cycles_per_image=cyc, dense_macs_per_image=macs, asic_fmax_mhz=r.get("asic_fmax_mhz"))
        for tag, mhz in (("assumed", ASSUMED_MHZ), ("asic", r.get("asic_fmax_mhz"))):
            if mhz:
                ips = mhz * 1e6 / cyc
                e[f"images_per_s_{tag}"] = round(ips, 1)
                e[f"dense_equiv_gmacs_per_klut_{tag}"] = round(macs * ips / klut / 1e9, 4)
        rows.append(e)
    return rows


def rom_kinds(e, sw, ppa_dir):
    """Each weight ROM and what Yosys' memory_libmap made of it (from the design's xilinx.log)."""
    log = os.path.join(ppa_dir, e["key"].replace("/", "__"), "xilinx.log")
    text = open(log, errors="replace").read() if os.path.exists(log) else ""
    via = {m.group(1): m.group(2).replace("$__XILINX_", "").rstrip("_")
           for m in re.finditer(r"mapping memory (\S+) via (\S+)", text)}
    ff = set(re.findall(r"using FF mapping for memory (\S+)", text))
    idx = {s["name"]: s["index"] for s in sw.get("bundled", {}).get(e["key"], {}).get("design", {})
           .get("cycle_model", {}).get("stages", [])}
    out = []
    for nm, r in e.get("roms", {}).items():
        mem = f"hn_{e['key'].split('/')[0]}.i_s{idx.get(nm)}.rom"  # the generator's default top name
        kind = via.get(mem) or ("logic (FF mapping: registers + LUTs)" if mem in ff else "not reached")
        out.append((nm, r, kind))
    return out


def ppa_table(pp, eng, ice, sw, ppa_dir):
    if not pp:
        return "PPA of the bundled models: not run."
    rows = [f"`scripts/harden/ppa_harden.py models`: each design generated with the folding of the table above "
            "(weight ROMs read synchronously, see Architecture) and synthesised with Yosys 0.23 `synth_xilinx "
            "-family xc7 -nodsp -flatten`: a **synthesis estimate, no place and route**, and no timing. The clock of "
            f"the images/s columns is therefore an **assumption: {ASSUMED_MHZ:.0f} MHz** (not measured for these "
            "designs; the OSU 0.18 um flow was not run on them, and the measured Fmax of related designs are listed "
            "below the table). LUT = LUT1..LUT6 + the LUTs inside LUTRAM primitives (RAM32M = 4, ...); BRAM36 = "
            "RAMB36E1 + RAMB18E1/2. Dense-equivalent MACs = M·K·E·F of every conv/fc layer, zeros included. "
            f"Target: {TARGET_GMACS_PER_KLUT} dense-equivalent GMAC/s per kLUT (issue 12).", "",
            "| model / folding | x7 LUT (of which LUTRAM) | FF | CARRY4 | BRAM36 | weight ROM bits -> mapped to | II (cycles) | "
            f"clock (basis) | images/s | images/s per kLUT | dense MACs/cycle | dense GMAC/s per kLUT | >= {TARGET_GMACS_PER_KLUT}? | "
            "clock for 39.6 | Yosys time |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for key in sorted(pp):
        e = pp[key]
        x = e.get("xilinx")
        rom_s = "; ".join(f"{nm} {r['words']}x{r['width']} -> {kind}" for nm, r, kind in rom_kinds(e, sw, ppa_dir))
        if not x:
            mpc = e['dense_macs_per_image'] / e['ii_cycles']
            rows.append(f"| {key} | {e['status']} | | | | {e['rom_bits']:,}: {rom_s} | {e['ii_cycles']:,} | "
                        f"{ASSUMED_MHZ:.0f} MHz (assumed) | {ASSUMED_MHZ * 1e6 / e['ii_cycles']:,.0f} | | {mpc:.1f} | "
                        f"not measured | met at {ASSUMED_MHZ:.0f} MHz iff <= {mpc * ASSUMED_MHZ / 1e3 / TARGET_GMACS_PER_KLUT:,.1f} kLUT "
                        f"(computed, not synthesised) | | > {e['timeout_s'] // 60} min |")
            continue
        map_s = rom_s

        klut = (x["lut"] + x["lutram_luts"]) / 1000.0
        need = TARGET_GMACS_PER_KLUT * 1e9 * klut * e["ii_cycles"] / e["dense_macs_per_image"] / 1e6
        g = e["dense_equiv_gmacs_per_klut"]
        rows.append(f"| {key} | {x['lut'] + x['lutram_luts']:,} ({x['lutram_luts']:,}) | {x['ff']:,} | {x['carry']:,} | "
                    f"{x['bram36_equiv']:g} | {e['rom_bits']:,} -> {map_s} | {e['ii_cycles']:,} | "
                    f"{e['clock_mhz']:.0f} MHz (assumed) | {e['images_per_s']:,.0f} | {e['images_per_s_per_klut']:,.1f} | "
                    f"{e['dense_macs_per_cycle']:,.1f} | {g:.2f} | {'yes' if g >= TARGET_GMACS_PER_KLUT else 'no'} | "
                    f"{need:,.0f} MHz | {x['seconds'] / 60:.0f} min |")
    for r in eng:
        ga = r.get("dense_equiv_gmacs_per_klut_assumed")
        gs = r.get("dense_equiv_gmacs_per_klut_asic")
        asic_s = (f"; at its OSU Fmax {r['asic_fmax_mhz']} MHz: {r['images_per_s_asic']:,.0f} images/s, {gs:.3f}"
                  if gs else "")
        rows.append(f"| engine `{r['build']}` (docs/ppa_sweep.json, cnn_fmnist_ternary) | {r['x7_lut']:,.0f} | "
                    f"{r['x7_ff']:,.0f} | | {r['x7_bram36']:g} | - | {r['cycles_per_image']:,} | "
                    f"{ASSUMED_MHZ:.0f} MHz (assumed){asic_s} | {r['images_per_s_assumed']:,.0f} | "
                    f"{r['images_per_s_assumed'] / (r['x7_lut'] / 1000):,.1f} | "
                    f"{r['dense_macs_per_image'] / r['cycles_per_image']:,.1f} | {ga:.3f} | no | | |")
    return "\n".join(rows)


def ice40_section(ice):
    if not ice:
        return "iCE40: not run."
    rows = ["`scripts/harden/ppa_harden.py ice40`. Can the smallest folding of a bundled ternary model fit an iCE40? "
            "A folded stage keeps its weights in on-chip memory (the generator's ROMs: 2 bits per ternary or "
            "binary weight, 8 per int8 weight); a fully unrolled one needs at least one LUT4 per non-zero weight. "
            "Entropy = N·H(weight values) per layer, the fewest bits of any lossless coding (no such coder is "
            f"generated). HX8K: {HX8K:,} bits of block RAM; UP5K: {UP5K_B:,} bits block RAM + {UP5K_S:,} bits SPRAM.",
            "", "| model | weights | non-zeros | ROM bits (generator) | ROM / HX8K BRAM | entropy bits | entropy / UP5K "
            "(BRAM+SPRAM) | non-zeros / HX8K LUT4 | fits? |", "|---|---|---|---|---|---|---|---|---|"]
    for m, f in ice.get("fit", {}).items():
        t = f["total"]
        up = f["up5k_bram_bits"] + f["up5k_spram_bits"]
        verdict = ("no: the generated ROMs are {:.1f}x the UP5K's memory{}".format(
            t["rom_bits_2b"] / up, "; only an ideal entropy coder (not generated, and its decoder not counted) "
            "would get under the UP5K's total ({:.0%})".format(t["entropy_bits"] / up) if f["fits_up5k"] else
            ", and even the entropy bound is {:.1f}x it".format(t["entropy_bits"] / up)))
        rows.append(f"| {m} | {t['weights']:,} | {t['nonzero']:,} | {t['rom_bits_2b']:,} | {f['rom_over_hx8k']}x | "
                    f"{t['entropy_bits']:,} | {f['entropy_over_up5k']} | {f['nonzero_over_hx8k_luts']}x | {verdict} |")
    ds = ice.get("designs", {})
    if ds:
        rows += ["", "So no folding of either bundled ternary model fits an iCE40 with the generated ROMs. Instead, "
                 "placed and routed: a **random small ternary model** (`scripts/harden/random_tnm.py`, fully unrolled; "
                 "it is **not a bundled model**; the bundled CNN's conv1 alone could not be generated as a model "
                 "because the loader wants a [classes, 1, 1] output), verified first (`run_test.py`: 3 random images, "
                 "bit- and cycle-exact, and under stalls), then `synth_ice40` + `nextpnr-ice40 --hx8k --package ct256` "
                 "inside synth/ppa.py's place-and-route boundary (inputs scanned in, outputs registered and XOR-folded; "
                 "its registers are included in the counts). Frames/s = nextpnr Fmax / II.", "",
                 "| design | verified | SB_LUT4 | SB_DFF | SB_RAM40_4K | SB_CARRY | fits HX8K | nextpnr Fmax MHz | II (cycles/frame) | "
                 "frames/s at Fmax |", "|---|---|---|---|---|---|---|---|---|---|"]
        for k, e in sorted(ds.items()):
            c = e.get("cells", {})
            rows.append(f"| {k} | {'yes' if e.get('verified') else 'NO'} | {c.get('lut', 0):,} | {c.get('ff', 0):,} | "
                        f"{c.get('bram', 0)} | {c.get('carry', 0):,} | {'yes' if e.get('fits') else 'no: ' + str(e.get('reason'))} | "
                        f"{e.get('fmax_mhz') or '-'} | {e['ii_cycles']:,} | "
                        f"{format(e['frames_per_s_at_fmax'], ',.0f') if e.get('frames_per_s_at_fmax') else '-'} |")
    return "\n".join(rows)


def flat_ppa(e):
    """The fields of docs/harden.json's ppa_models entries (the Yosys cell counts kept under xilinx)."""
    x = e.get("xilinx") or {}
    out = dict(e)
    if "lut" in x:
        out.update(x7_lut=x["lut"] + x["lutram_luts"], x7_lut_logic=x["lut"], x7_lutram_luts=x["lutram_luts"],
                   x7_ff=x["ff"], x7_carry=x["carry"], x7_bram36=x["bram36_equiv"],
                   clock_basis=f"{e['clock_mhz']:g} MHz assumed (no timing in the x7 flow; synthesis estimate, "
                               "no place and route)")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sweep", default=os.path.join(ROOT, "build", "harden", "sweep.json"))
    ap.add_argument("--sparsity", default=os.path.join(ROOT, "build", "harden", "sparsity.json"))
    ap.add_argument("--doc", default=os.path.join(ROOT, "docs", "harden.md"))
    ap.add_argument("--ppa", default=os.path.join(ROOT, "build", "harden", "ppa"))
    a = ap.parse_args()
    # the sweep and sparsity results already in docs/harden.json are kept when their build files are absent
    old_path = os.path.join(os.path.dirname(a.doc), "harden.json")
    old = json.load(open(old_path)) if os.path.exists(old_path) else {}
    sw = json.load(open(a.sweep)) if os.path.exists(a.sweep) else {k: old.get(k, {}) for k in ("bundled", "random")}
    sp = json.load(open(a.sparsity)) if os.path.exists(a.sparsity) else old.get("sparsity", {})
    pp = load_ppa(a.ppa) or old.get("ppa_models", {})
    ij = os.path.join(a.ppa, "ice40.json")
    ice = json.load(open(ij)) if os.path.exists(ij) else old.get("ice40", {})
    pj = os.path.join(ROOT, "docs", "ppa_sweep.json")
    eng = engine_rows(json.load(open(pj))) if os.path.exists(pj) else []
    body = "\n\n".join([bundled_table(sw), stage_table(sw, "cnn_fmnist_ternary/fast"),
                        random_summary(sw), "### Area vs sparsity (one layer)", sparsity_table(sp),
                        "### PPA of the bundled models", ppa_table(pp, eng, ice, sw, a.ppa),
                        "### iCE40", ice40_section(ice)])
    text = open(a.doc).read()
    i, j = text.index(BEGIN), text.index(END)
    open(a.doc, "w").write(text[:i + len(BEGIN)] + "\n" + body + "\n" + text[j:])
    slim = {"bundled": {k: {kk: vv for kk, vv in v.items() if kk != "log_tail"} for k, v in sw.get("bundled", {}).items()},
            "random": {k: {kk: v.get(kk) for kk in ("pass", "images", "mismatches", "cycle_differences",
                                                    "stall_mismatches", "ii", "latency")}
                       for k, v in sw.get("random", {}).items()},
            "sparsity": sp,
            "ppa_models": {k: flat_ppa(v) for k, v in pp.items()},
            "ppa_engine": eng,
            "ice40": {"fit": ice.get("fit", {}),
                      "designs": {k: {kk: vv for kk, vv in v.items() if kk != "by_instance"}
                                  for k, v in ice.get("designs", {}).items()}},
            "ppa_target": {"dense_equiv_gmacs_per_klut": TARGET_GMACS_PER_KLUT, "assumed_clock_mhz": ASSUMED_MHZ}}
    with open(os.path.join(os.path.dirname(a.doc), "harden.json"), "w") as f:
        json.dump(slim, f, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    main()
