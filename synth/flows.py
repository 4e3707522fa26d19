#!/usr/bin/python3
"""The flows of `make synth` (`make -C synth all`) as shards of one job (scripts/cluster/launch.py,
docs/cluster.md): generic, xilinx, xilinx_nodsp and asic of the `default` build and ice40 of the `ice40` build,
each `ppa.py FLOW CONFIG --out OUT` writing OUT/FLOW-CONFIG.json; then, when all of them finished (or with
--allow-incomplete), `ppa.py report --doc DOC` (docs/ppa.md).

  flows.py [--out DIR] [--doc PATH] [--flows generic:default,...] [--list] [--launcher local|slurm ...]

A flow reruns when the RTL (every rtl/**/*.sv) or synth/ppa.py changes (its fingerprint), as the make rules
did. Results of an earlier `make -C synth all` or of the per-flow targets (`make -C synth xilinx` ...) are
kept: an OUT/FLOW-CONFIG.json newer than every dependency and newer than its shard's status (or without one)
is adopted, i.e. a status "finished" is written for it (`adopted` in STATE/status/KEY.json) instead of
rerunning the flow. Launcher status and logs: --state (default OUT/launch).
"""
import argparse
import glob
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "scripts", "cluster"))
import launch  # noqa: E402

# (flow, config) of `make -C synth all`, in the order they ran there
FLOWS = [("generic", "default"), ("xilinx", "default"), ("xilinx_nodsp", "default"), ("asic", "default"),
         ("ice40", "ice40")]
PPA = os.path.join(HERE, "ppa.py")
PY = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable  # as synth/Makefile


def deps():
    """What the make rules depended on: every .sv under rtl/ and synth/ppa.py (relative to ROOT, so the
    fingerprint does not depend on where the checkout is; main() runs in ROOT)."""
    rtl = glob.glob(os.path.join(ROOT, "rtl", "**", "*.sv"), recursive=True)
    return sorted(os.path.relpath(p, ROOT) for p in rtl) + [os.path.relpath(PPA, ROOT)]


def shards(out, fingerprint):
    return [launch.Shard(key=f"{flow}-{cfg}", argv=[PY, PPA, flow, cfg, "--out", out],
                         desc=f"ppa.py {flow} {cfg}", outputs=[os.path.join(out, f"{flow}-{cfg}.json")],
                         fingerprint=fingerprint, cwd=HERE)
            for flow, cfg in FLOWS]


def adopt(state, ss, dep_paths):
    """Writes a finished status for results made outside the launcher (make's per-flow targets, an earlier
    `make -C synth all`): an output newer than every dependency and than the shard's status, if any."""
    newest_dep = max(os.path.getmtime(p) for p in dep_paths)
    adopted = []
    for s in ss:
        if launch.finished(state, s):
            continue
        res = s.outputs[0]
        status = launch.status_path(state, s)
        if not os.path.exists(res) or os.path.getmtime(res) <= newest_dep:
            continue
        if os.path.exists(status) and os.path.getmtime(status) >= os.path.getmtime(res):
            continue
        launch.adopt(state, s, f"{res} (written {time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(os.path.getmtime(res)))}) "
                               "is newer than the RTL and ppa.py: kept, not rerun")
        adopted.append(s.key)
    return adopted


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "synth"))
    ap.add_argument("--doc", default=os.path.join(ROOT, "docs", "ppa.md"))
    ap.add_argument("--flows", default="", help="only these FLOW:CONFIG (comma separated; default: all five)")
    ap.add_argument("--list", action="store_true",
                    help="print the shards (key, finished / adoptable / to run, fingerprint, argv) and exit")
    # ASIC and Xilinx flows of the default build take hours and several GB on one core
    launch.add_arguments(ap, jobs_default=1, time_default="08:00:00", mem_default="8G")
    a = ap.parse_args()
    a.out, a.doc = os.path.abspath(a.out), os.path.abspath(a.doc)
    if a.state:
        a.state = os.path.abspath(a.state)
    os.chdir(ROOT)
    opts = launch.options_from(a, state=os.path.join(a.out, "launch"))
    dep_paths = deps()
    fp = launch.fingerprint_files(dep_paths)
    ss = shards(a.out, fp)
    if a.flows:
        want = a.flows.split(",")
        bad = [w for w in want if w not in {s.key.replace("-", ":", 1) for s in ss}]
        if bad:
            ap.error(f"unknown flow(s) {', '.join(bad)} (known: " +
                     ", ".join(f"{f}:{c}" for f, c in FLOWS) + ")")
        ss = [s for s in ss if s.key.replace("-", ":", 1) in want]
    if a.list:
        newest_dep = max(os.path.getmtime(p) for p in dep_paths)
        print(f"# state {opts.state}; fingerprint of {len(dep_paths)} files (rtl/**/*.sv, synth/ppa.py): {fp}")
        for s in ss:
            st = ("finished" if launch.finished(opts.state, s) else
                  "adoptable (result newer than the RTL and ppa.py)"
                  if os.path.exists(s.outputs[0]) and os.path.getmtime(s.outputs[0]) > newest_dep else "to run")
            print(f"{s.key}\t{st}\t{' '.join(s.argv)}")
        return
    os.makedirs(a.out, exist_ok=True)
    kept = adopt(opts.state, ss, dep_paths)
    if kept:
        print(f"flows: kept earlier results (newer than the RTL and ppa.py): {', '.join(kept)}", file=sys.stderr)
    res = launch.run("synth", ss, opts)
    launch.require_complete("synth", res, opts)
    sys.exit(subprocess.run([PY, PPA, "report", "--out", a.out, "--doc", a.doc], cwd=HERE).returncode)


if __name__ == "__main__":
    main()
