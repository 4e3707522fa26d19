#!/usr/bin/env python3
"""PPA of hardened pipelines with the flows of synth/ppa.py (imported, not copied): Yosys 0.23
synth_xilinx -family xc7 -nodsp (LUT/FF/CARRY), and OSU 0.18 um (synth + dfflibmap + abc -D, stat -liberty
area) with OpenSTA worst slack -> Fmax.

  scripts/harden/ppa_harden.py sparsity [--out build/harden/sparsity.json]
      one ternary fc layer (64 -> 32, 8-bit inputs, fully unrolled: one image per cycle) at 50/80/90/95%
      zeros, plain add/sub trees vs CSE: adders, LUT, FF (both), mm^2 and Fmax (CSE designs); each design
      verified first (run_test.py, random images).
  scripts/harden/ppa_harden.py design DIR      synthesise one generated design directory
"""
import argparse
import json
import os
import re
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "synth"))
sys.path.insert(0, os.path.join(ROOT, "scripts", "train"))
import ppa  # noqa: E402  (synth/ppa.py: run, load_json, xilinx_counts, sta_script, parse_sta, LIBERTY)
import tnm  # noqa: E402


def design_files(d):
    top = [f for f in os.listdir(d) if f.endswith(".f")][0][:-2]
    return top, open(os.path.join(d, top + ".f")).read().split()


def yosys_in(d, name, script):
    """Yosys in the design directory (the weight ROMs are read from there by $readmemh)."""
    path = os.path.join(d, name + ".ys")
    with open(path, "w") as f:
        f.write(script)
    return ppa.run(["yosys", "-q", "-l", name + ".log", "-s", name + ".ys"], os.path.join(d, name + ".stdout"),
                   cwd=d)


def xilinx(d):
    top, files = design_files(d)
    sj = os.path.join(d, "xilinx_stat.json")
    dt = yosys_in(d, "xilinx", f"read_verilog -sv {' '.join(files)}\nhierarchy -check -top {top}\n"
                  f"synth_xilinx -family xc7 -nodsp -flatten -top {top}\ntee -q -o xilinx_stat.json stat -json\n")
    cells = ppa.load_json(sj)["design"]["num_cells_by_type"]
    return dict(ppa.xilinx_counts(cells), seconds=round(dt, 1))


def asic(d, period=ppa.ASIC_PERIOD_NS):
    top, files = design_files(d)
    lib = ppa.LIBERTY
    with open(os.path.join(d, "abc.constr"), "w") as f:
        f.write("set_driving_cell BUFX2\nset_load 0.01\n")
    dt = yosys_in(d, "asic", f"read_verilog -sv {' '.join(files)}\nhierarchy -check -top {top}\n"
                  f"synth -flatten -top {top}\ndfflibmap -liberty {lib}\n"
                  f"abc -D {int(period * 1000)} -constr abc.constr -liberty {lib}\n"
                  f"opt_clean\ntee -q -o asic_stat.json stat -json -liberty {lib}\n"
                  "opt_clean -purge\nsetundef -zero\nsplitnets -ports\n"
                  "write_verilog -noattr -noexpr -nohex -nodec netlist.v\n")
    stat = ppa.load_json(os.path.join(d, "asic_stat.json"))
    areas = {}
    with open(lib) as f:
        for m in re.finditer(r"cell\s*\((\w+)\)\s*\{\s*area\s*:\s*([\d.]+)", f.read()):
            areas[m.group(1)] = float(m.group(2))
    cells = {t.lstrip("\\"): n for t, n in stat["design"]["num_cells_by_type"].items()}
    area = sum(n * areas.get(t, 0.0) for t, n in cells.items())
    script = os.path.join(d, "sta.tcl")
    with open(script, "w") as f:
        f.write(ppa.sta_script(os.path.join(d, "netlist.v"), [lib], period, d, ppa.ASIC_ACTIVITY)
                .replace(f"link_design {ppa.TOP}", f"link_design {top}"))
    log = os.path.join(d, "sta.log")
    dt += ppa.run(["sta", "-no_init", "-no_splash", "-exit", script], log)
    sta = ppa.parse_sta(open(log).read())
    if sta.get("wns_ns") is None:
        raise RuntimeError(f"OpenSTA gave no slack ({log})")
    return dict(area_mm2=round(area / 1e6, 4), fmax_mhz=round(1000.0 / (period - sta["wns_ns"]), 1),
                crit_start=sta.get("crit_start"), crit_end=sta.get("crit_end"), seconds=round(dt, 1))


def layer_model(path, zeros, seed=1, c_in=64, m_out=32):
    rng = np.random.default_rng(seed)
    w = rng.choice(np.array([-1, 1], dtype=np.int16), size=(m_out, c_in, 1, 1))
    w[rng.random(w.shape) < zeros] = 0
    spread = max(1.0, float(np.abs(w).mean()) * 255 * np.sqrt(c_in))
    mult = rng.integers(1 << 14, 65535, m_out).astype(np.int32)
    shift = np.array([max(0, round(np.log2(max(1.0, spread * int(m) / 256)))) for m in mult], dtype=np.int32)
    hdr = {"name": f"fc_sparsity_{int(round(zeros * 100))}", "dataset": "random",
           "input": {"shape": [c_in, 1, 1], "bits": 8, "signed": False}, "classes": m_out,
           "layers": [{"name": "fc", "type": "fc", "in": [c_in, 1, 1], "out": [m_out, 1, 1], "kernel": [1, 1],
                       "stride": 1, "pad": 0, "weight_type": "ternary", "weights": w, "act_bits": 8,
                       "act_signed": False,
                       "requant": {"mode": "linear", "bias": rng.integers(-100, 100, m_out).astype(np.int32),
                                   "mult": mult, "shift": shift, "out_bits": 8, "out_signed": False}}]}
    tnm.write(path, hdr)
    return path, int(np.count_nonzero(w))


def sparsity(out):
    base = os.path.join(ROOT, "build", "harden", "sparsity")
    os.makedirs(base, exist_ok=True)
    res = json.load(open(out)) if os.path.exists(out) else {}
    res["yosys"] = ppa.yosys_version()
    for zeros in (0.5, 0.8, 0.9, 0.95):
        model, nz = layer_model(os.path.join(base, f"fc_{int(zeros * 100)}.tnm"), zeros)
        for kind in ("plain", "cse"):
            key = f"{int(zeros * 100)}/{kind}"
            d = os.path.join(base, f"fc_{int(zeros * 100)}_{kind}")
            cmd = [sys.executable, os.path.join(HERE, "run_test.py"), "--model", model, "--random-images", "7",
                   "--images", "8", "--work", d] + (["--no-cse"] if kind == "plain" else [])
            r = subprocess.run(cmd, capture_output=True, text=True)
            ok = r.returncode == 0 and "run_test: PASS" in r.stdout
            st = json.load(open(os.path.join(d, "harden.json")))["cycle_model"]["stages"][0]
            e = dict(zeros=zeros, nonzero=nz, verified=ok, adders=st["adders_cse"], adders_plain=st["adders_plain"],
                     ii=json.load(open(os.path.join(d, "harden.json")))["cycle_model"]["ii"])
            e["xilinx"] = xilinx(d)
            if kind == "cse":  # the OSU flow for the shared trees only (time)
                e["asic"] = asic(d)
            res[key] = e
            print(key, json.dumps(e), flush=True)
            json.dump(res, open(out, "w"), indent=1)
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    sp = sub.add_parser("sparsity")
    sp.add_argument("--out", default=os.path.join(ROOT, "build", "harden", "sparsity.json"))
    dp = sub.add_parser("design")
    dp.add_argument("dir")
    dp.add_argument("--asic", action="store_true")
    a = ap.parse_args()
    if a.cmd == "sparsity":
        sparsity(a.out)
    else:
        r = {"xilinx": xilinx(a.dir)}
        if a.asic:
            r["asic"] = asic(a.dir)
        print(json.dumps(r, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
