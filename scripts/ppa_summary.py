#!/usr/bin/python3
"""Summary of the default build's synthesis results for the `tern` spec sheet.

Usage: ppa_summary.py [--synth build/synth | --sweep build/synth/sweep] [--out docs/ppa_summary.json]
Reads the JSON results `make synth` leaves in build/synth (xilinx-default, asic-default, generic-default),
or with --sweep those of the design-space sweep's `default` point (xilinx_nodsp-default: multipliers in LUTs,
no DSP; asic-default; no generic flow), and writes the few numbers the spec sheet prints: Xilinx 7 LUT/FF/RAMB36/DSP, OSU 0.18 um logic area and
Fmax (OpenSTA), generic cells, memory bits. Every number is copied from those files, none is computed
beyond sums.
"""
import argparse
import json
import os
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--synth", default=os.path.join(root, "build", "synth"))
    ap.add_argument("--sweep", default="", help="take the sweep's default point from this directory instead")
    ap.add_argument("--out", default=os.path.join(root, "docs", "ppa_summary.json"))
    a = ap.parse_args()
    if a.sweep:
        a.synth = a.sweep

    def load(name):
        path = os.path.join(a.synth, name + ".json")
        if not os.path.exists(path):
            sys.exit(f"ppa_summary: {path} missing; run `make synth` first")
        with open(path) as f:
            return json.load(f)

    x7 = load("xilinx_nodsp-default" if a.sweep else "xilinx-default")
    asic = load("asic-default")
    gen = None if a.sweep else load("generic-default")
    if x7["params"] != asic["params"] or (gen and x7["params"] != gen["params"]):
        sys.exit("ppa_summary: the flows were run on different parameters")
    out = {
        "config": "default",
        "params": x7["params"],
        "xilinx7": {k: int(x7["total"][k]) for k in ("lut", "ff", "carry", "bram36", "bram18", "dsp")},
        "asic_osu018": {"logic_area_mm2": round(asic["total"]["area_um2"] / 1e6, 3),
                        "cells": int(asic["total"]["cells"]),
                        "fmax_mhz": asic["fmax_mhz"],
                        "period_ns": asic["period_ns"],
                        "wns_ns": asic["sta"]["wns_ns"] if "sta" in asic else None},
        "xilinx7_flow": "synth_xilinx -nodsp (multipliers in LUTs)" if a.sweep else "synth_xilinx",
        "memory_bits": sum(int(m["bits"]) for m in x7["memories"]),
        "source": ("make -C synth sweep, point default" if a.sweep else "make synth") +
                  " (Yosys 0.23 synthesis; OpenSTA on the unplaced OSU 0.18 um netlist)",
    }
    if gen:
        out["generic"] = {"cells": int(gen["total"]["cells"]), "transistors": int(gen["total"]["transistors"])}
    with open(a.out, "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")
    print(json.dumps(out, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
