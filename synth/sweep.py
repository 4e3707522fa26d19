#!/usr/bin/python3
"""Design-space sweep of the whole accelerator: MAC type x lanes (synthesised: Xilinx 7 LUTs, ASIC um^2 and
OpenSTA Fmax, iCE40 place-and-route Fmax of the MAC slice) x activation bits x weight sparsity (cycles of a
benchmark network from the cycle model). Writes docs/ppa_sweep.md and docs/img/ppa_*.png (gnuplot).

  sweep.py [--out DIR] [--cycles PATH/tern_ppa_cycles] [--points kind:lanes,...] [--jobs N] [--report-only]

Every synthesis point is cached as JSON under --out, so an interrupted sweep resumes where it stopped.
The default points (POINTS) are every MAC kind at 8 lanes plus a lane scan of three kinds: about
40 minutes on 2 cores with --jobs 2 (Xilinx ~2-3 min, ASIC ~3-5 min, iCE40 slice ~1-2 min per point).
Activation bits and sparsity only change cycles (the cycle model), so they cost nothing to sweep.
"""
import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
import time

import ppa

# MAC kinds: name -> (MacTypes, BitSerial, weight type of the benchmark network)
KINDS = {
    "int8": (0x01, 0, "int8"),
    "ternary": (0x02, 0, "ternary"),
    "binary": (0x04, 0, "binary"),
    "log2": (0x08, 0, "log2"),
    "addnet2": (0x10, 0, "addnet2"),
    "addnet3": (0x20, 0, "addnet3"),
    "addnet4": (0x40, 0, "addnet4"),
    "bitserial": (0x00, 1, "ternary"),
}
# Synthesised points (kind, lanes): every kind at 8 lanes (the per-MAC-type breakdown), and a lane scan
# of ternary, int8 and bit-serial (Pareto front over lanes). Other points: --points.
POINTS = ([(k, 8) for k in KINDS] + [(k, ln) for ln in (2, 1) for k in ("ternary", "int8", "bitserial")])
ACT_BITS = [2, 4, 8]
SPARSITY = [0.0, 0.5, 0.9]
NET = "lenet"                  # LeNet-style CNN 28x28x1 (bench/ppa/ppa_cycles.cpp)
BENCH_LAYER = "L2"             # its conv2 (32x14x14 -> 64, 5x5, pad 2): the benchmark layer


def hw_config(kind, lanes):
    mt, bs, _ = KINDS[kind]
    return dict(Lanes=lanes, MacTypes=mt, BitSerial=bs, Syq=0)  # buffers, formats, AccBits: RTL defaults


def cfg_name(kind, lanes):
    return f"{kind}_l{lanes}"


FLOWS = ("xilinx_nodsp", "slice_mac", "asic")


def synth_point(kind, lanes, out, log, flows=FLOWS):
    """Xilinx -nodsp (hierarchical, per block), iCE40 MAC-slice P&R, ASIC (flat, OpenSTA); cached."""
    name = cfg_name(kind, lanes)
    cfg = hw_config(kind, lanes)
    res = {}
    for flow, fn in (("xilinx_nodsp", lambda: ppa.flow_xilinx(name, cfg, out, dsp=False)),
                     ("slice_mac", lambda: ppa.flow_slice("mac", name, cfg, out)),
                     ("asic", lambda: ppa.flow_asic(name, cfg, out, fast=True))):
        if flow not in flows:
            continue
        path = os.path.join(out, f"{flow}-{name}.json")
        if os.path.exists(path):
            res[flow] = ppa.load_json(path)
            continue
        t0 = time.time()
        print(f"[{time.strftime('%H:%M:%S')}] {flow} {name} ...", file=log, flush=True)
        res[flow] = fn()
        print(f"[{time.strftime('%H:%M:%S')}] {flow} {name} done in {time.time() - t0:.0f} s", file=log, flush=True)
    return res


def cached_point(kind, lanes, out):
    r = {}
    for flow in FLOWS:
        p = os.path.join(out, f"{flow}-{cfg_name(kind, lanes)}.json")
        if os.path.exists(p):
            r[flow] = ppa.load_json(p)
    return r


def cycles(tool, kind, lanes, bits, sparsity):
    _, bs, wt = KINDS[kind]
    cmd = [tool, "--net", NET, "--wtype", wt, "--lanes", str(lanes), "--act-bits", str(bits),
           "--sparsity", str(sparsity)]
    if bs:
        cmd.append("--bitserial")
    r = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(r.stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(ppa.ROOT, "build", "synth", "sweep"))
    ap.add_argument("--cycles", default=os.path.join(ppa.ROOT, "build-ppa", "bench", "ppa", "tern_ppa_cycles"))
    ap.add_argument("--points", default=",".join(f"{k}:{ln}" for k, ln in POINTS), help="kind:lanes,...")
    ap.add_argument("--jobs", type=int, default=1, help="points synthesised in parallel")
    ap.add_argument("--doc", default=os.path.join(ppa.ROOT, "docs", "ppa_sweep.md"))
    ap.add_argument("--img", default=os.path.join(ppa.ROOT, "docs", "img"))
    ap.add_argument("--report-only", action="store_true", help="use cached points only")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    todo = [(k, int(ln)) for k, ln in (x.split(":") for x in a.points.split(","))]
    points = {}
    log = sys.stderr
    t0 = time.time()
    if not a.report_only:
        # FPGA flows of every point first, then the (slower) ASIC flow of every point, so an interrupted
        # sweep has the LUT figures of all points; points without an ASIC result are reported without one.
        with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as ex:
            futs = [ex.submit(synth_point, k, ln, a.out, log, FLOWS[:2]) for (k, ln) in todo]
            futs += [ex.submit(synth_point, k, ln, a.out, log, FLOWS[2:]) for (k, ln) in todo]
            for f in futs:
                f.result()
        print(f"[{time.strftime('%H:%M:%S')}] {len(todo)} points synthesised in {time.time() - t0:.0f} s",
              file=log, flush=True)
    for (k, ln) in todo:
        r = cached_point(k, ln, a.out)
        if "xilinx_nodsp" in r and "slice_mac" in r:
            points[(k, ln)] = r
    cyc_path = os.path.join(a.out, "cycles.json")
    cyc = ppa.load_json(cyc_path) if os.path.exists(cyc_path) else {}
    for (k, ln) in points:
        for b in ACT_BITS:
            for s in SPARSITY:
                if k == "binary" and s > 0:
                    continue
                key = f"{k}|{ln}|{b}|{s}"
                if key not in cyc:
                    cyc[key] = cycles(a.cycles, k, ln, b, s)
    ppa.save_json(cyc_path, cyc)
    import sweep_report
    sweep_report.write(points, cyc, a)


if __name__ == "__main__":
    main()
