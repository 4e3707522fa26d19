#!/usr/bin/python3
"""qflow place and route (graywolf, qrouter, OSU 0.18 um) of a gate-level netlist of tern_top (docs/ppa.md,
"Place and route"). The input is synth/ppa.py's OSU-mapped netlist with the memories as flip-flops
(`ppa.py netlist OUT.v --cells osu018 --map-period 10 --set ...`: qflow has no SRAM macros for OSU 0.18 um),
flattened here; qflow's own synthesis step only re-reads it (its Yosys script reads the liberty as black
boxes, so a mapped netlist passes through) and buffers high-fanout nets (blifFanout).

Every step runs with a time limit; the JSON records which steps completed, their wall time and, for a step
that failed or timed out, the tail of its log:
  pnr.py --netlist NETLIST.v --work DIR [--hours H] [--steps synthesize,place,route,backanno]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import ppa  # noqa: E402

MODULE = "tern_top_gl"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--netlist", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--hours", type=float, default=3.0, help="time limit of each qflow step")
    ap.add_argument("--steps", default="synthesize,place,route,backanno")
    ap.add_argument("--top", default=MODULE, help="top module of the netlist")
    a = ap.parse_args()
    if not os.path.exists(a.netlist):
        raise SystemExit(f"pnr.py: --netlist {a.netlist} does not exist")
    work = os.path.abspath(a.work)
    for d in ("source", "synthesis", "layout", "log"):
        os.makedirs(os.path.join(work, d), exist_ok=True)
    top = a.top
    src = os.path.join(work, "source", top + ".v")
    res = dict(netlist=os.path.abspath(a.netlist), steps=[])
    t0 = time.time()
    ppa.yosys(f"read_liberty -lib {ppa.LIBERTY}\nread_verilog {os.path.abspath(a.netlist)}\n"
              f"hierarchy -top {top}\nflatten\nopt_clean -purge\nwrite_verilog -noattr {src}\n",
              os.path.join(work, "log"), "flatten")
    res["flatten_seconds"] = round(time.time() - t0, 1)
    jpath = os.path.join(work, "pnr.json")
    for step in a.steps.split(","):
        log = os.path.join(work, "log", f"qflow_{step}.log")
        t1 = time.time()
        status = "ok"
        try:
            with open(log, "w") as lf:
                r = subprocess.run(["qflow", step, "-T", "osu018", top], cwd=work, stdout=lf,
                                   stderr=subprocess.STDOUT, timeout=a.hours * 3600)
            if r.returncode != 0:
                status = f"failed (exit {r.returncode})"
        except subprocess.TimeoutExpired:
            status = f"timed out after {a.hours} h"
        text = open(log, errors="replace").read()
        # qflow prints "Error (ignoring):" for non-fatal problems
        if status == "ok" and re.search(r"(?im)^(?!.*ignoring).*\berror\b|stopped due to error", text):
            status = "failed (error in log)"
        res["steps"].append(dict(step=step, status=status, seconds=round(time.time() - t1, 1), log=log,
                                 tail=text[-3000:] if status != "ok" else ""))
        with open(jpath, "w") as f:
            json.dump(res, f, indent=1)
        print(f"{step}: {status} ({time.time() - t1:.0f} s)", flush=True)
        if status != "ok":
            break


if __name__ == "__main__":
    main()
