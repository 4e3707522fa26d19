#!/usr/bin/env python3
"""Writes the measured part of docs/harden.md (between the GENERATED markers) and docs/harden.json from
the results of sweep.py (build/harden/sweep.json) and ppa_harden.py sparsity (build/harden/sparsity.json).

  scripts/harden/report.py [--sweep build/harden/sweep.json] [--sparsity build/harden/sparsity.json]
"""
import argparse
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
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


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sweep", default=os.path.join(ROOT, "build", "harden", "sweep.json"))
    ap.add_argument("--sparsity", default=os.path.join(ROOT, "build", "harden", "sparsity.json"))
    ap.add_argument("--doc", default=os.path.join(ROOT, "docs", "harden.md"))
    a = ap.parse_args()
    sw = json.load(open(a.sweep)) if os.path.exists(a.sweep) else {}
    sp = json.load(open(a.sparsity)) if os.path.exists(a.sparsity) else {}
    body = "\n\n".join([bundled_table(sw), stage_table(sw, "cnn_fmnist_ternary/fast"),
                        random_summary(sw), "### Area vs sparsity (one layer)", sparsity_table(sp)])
    text = open(a.doc).read()
    i, j = text.index(BEGIN), text.index(END)
    open(a.doc, "w").write(text[:i + len(BEGIN)] + "\n" + body + "\n" + text[j:])
    slim = {"bundled": {k: {kk: vv for kk, vv in v.items() if kk != "log_tail"} for k, v in sw.get("bundled", {}).items()},
            "random": {k: {kk: v.get(kk) for kk in ("pass", "images", "mismatches", "cycle_differences",
                                                    "stall_mismatches", "ii", "latency")}
                       for k, v in sw.get("random", {}).items()},
            "sparsity": sp}
    with open(os.path.join(os.path.dirname(a.doc), "harden.json"), "w") as f:
        json.dump(slim, f, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    main()
