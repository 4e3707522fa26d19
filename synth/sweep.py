#!/usr/bin/python3
"""Design-space sweep of the whole v2 accelerator (Cols x Lanes x MAC type x Pack): every build synthesised
for Xilinx 7 (`synth_xilinx -nodsp`, per block), OSU 0.18 um (the full ABC flow of ppa.py + OpenSTA) and,
when it can fit, placed and routed on iCE40 (the whole design); cycles per image of the bundled ternary CNN
and of a dense layer from the cycle model. Writes docs/ppa_sweep.json (one record per build),
docs/ppa_sweep.md and docs/img/ppa_*.png (gnuplot).

  sweep.py [--out DIR] [--cycles PATH/tern_ppa_cycles] [--points NAME,...] [--flows x7,ice40,asic|none]
           [--report-only] [--list] [launcher options: --launcher local|slurm --jobs N --partition P ...]
  sweep.py --shard NAME --flows ... --out DIR --cycles TOOL     (one build point: what each shard runs)
  sweep.py --points NAME,... --update [...]   (re-run those points; their records replace the same-named ones
                                               of the existing docs/ppa_sweep.json, the others are kept as they are)

One shard per build point (scripts/cluster/launch.py; docs/cluster.md): it runs the point's requested flows
in order (Xilinx 7 first, then iCE40, which uses the Xilinx LUT count to skip builds that cannot fit, then
ASIC) and its cycle figures, on this machine (`--launcher local`, `--jobs` points at a time) or as one Slurm
array job (`--launcher slurm`). Every flow of every build is cached as JSON under --out (build/synth/sweep:
<flow>-<name>.json, cycles-<name>.json), so an interrupted sweep resumes where it stopped; launcher status and
logs go to --state (default OUT/launch). The report is written only when every point finished (or with
--allow-incomplete); builds without a flow's result are reported with null fields. `--flows none`: cycle
figures only (no synthesis). `make -C synth sweep` runs it.
"""
import argparse
import json
import os
import subprocess
import sys
import threading
import time

import ppa
import sweep_report

sys.path.insert(0, os.path.join(ppa.ROOT, "scripts", "cluster"))
import launch  # noqa: E402

MAC_TYPE_NAMES = ["int8", "ternary", "binary", "log2", "addnet2", "addnet3", "addnet4"]
MODEL = os.path.join(ppa.ROOT, "models", "cnn_fmnist_ternary.tnm")
BANK_BYTES = {1: 32768, 2: 16384, 4: 8192, 8: 4096}   # per Lanes: the bundled CNN fits (compiler-checked)
GRID = [(1, 1), (1, 8), (4, 4), (8, 8), (16, 8)]       # Cols x Lanes of the ternary-only and int8-only scans
DENSE_NET = "conv3"     # dense benchmark layer: conv 64 -> 64, 3x3, pad 1 on 16x16 (ppa_cycles --net conv3)
ICE40_TRY_X7_LUT = 12000  # synth_ice40 is attempted only below this many x7 LUT6 (HX8K: 7,680 LUT4)
# --flows tags -> ppa flow names, in the order a shard runs them (ice40 uses the x7 result)
FLOW_TAGS = {"x7": "xilinx_nodsp", "ice40": "ice40", "asic": "asic"}


def mask_names(m):
    return [n for i, n in enumerate(MAC_TYPE_NAMES) if m >> i & 1]


def build(name, kind, cols, lanes, pack, mac_types, dense=None, cnn="native", **extra):
    """One sweep build: ppa.py parameters + how its cycles are measured. dense: weight type of the dense
    layer benchmark (None: not measured). cnn: native (the model as it is; types the build lacks are
    compiled as if present and flagged), as_int8 (ternary layers converted to int8 weights)."""
    p = dict(Cols=cols, Lanes=lanes, Pack=pack, MacTypes=mac_types, BitSerial=0, Syq=0,
             BankBytes=BANK_BYTES[lanes], RqUnits=min(4, cols))  # as the default build (RqUnits 4)
    p.update(extra)
    return dict(name=name, kind=kind, params=p, dense=dense, cnn=cnn)


def builds():
    b = []
    for c, ln in GRID:
        b.append(build(f"ternary_{c}x{ln}", "ternary-only", c, ln, 1, 0x02))
    for c, ln in GRID:
        b.append(build(f"int8_{c}x{ln}", "int8-only", c, ln, 1, 0x01, cnn="as_int8",
                       dense="int8" if (c, ln) == (8, 8) else None))
    b.append(dict(name="default", kind="default (RTL defaults)", params={}, dense=None, cnn="native"))
    b.append(build("ternary_p8_8x8", "dense ternary, Pack 8", 8, 8, 8, 0x02, dense="ternary"))
    b.append(build("binary_p8_8x8", "dense binary, Pack 8", 8, 8, 8, 0x04, dense="binary"))
    b.append(dict(name="ice40", kind="iCE40 build", params=dict(ppa.CONFIGS["ice40"]), dense=None, cnn="native",
                  fit_model=os.path.join(ppa.ROOT, "models", "mlp_fmnist_ternary.tnm")))
    return b


BUILDS = {b["name"]: b for b in builds()}
LOCK = threading.Lock()


def log(msg):
    with LOCK:
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def cached(out, flow, name):
    p = os.path.join(out, f"{flow}-{name}.json")
    return ppa.load_json(p) if os.path.exists(p) else None


def reuse_main(out, flow, b):
    """A result of the same flow and parameters from `make -C synth all` (build/synth), if any."""
    r = cached(os.path.dirname(out.rstrip("/")), flow, b["name"])
    if r and r.get("params") == ppa.params_of(b["params"]):
        return r
    return None


def run_flow(flow, b, out):
    name = b["name"]
    r = cached(out, flow, name)
    if r:
        return r
    r = reuse_main(out, flow, b)
    if r:
        ppa.save_json(os.path.join(out, f"{flow}-{name}.json"), r)
        return r
    t0 = time.time()
    log(f"{flow} {name} ...")
    if flow == "xilinx_nodsp":
        r = ppa.flow_xilinx(name, b["params"], out, dsp=False)
    elif flow == "asic":
        r = ppa.flow_asic(name, b["params"], out)
    elif flow == "ice40":
        x7 = cached(out, "xilinx_nodsp", name)
        if x7 and x7["total"]["lut"] > ICE40_TRY_X7_LUT:
            r = dict(flow="ice40", config=name, params=ppa.params_of(b["params"]), device=ppa.ICE40_DEVICE[0],
                     package=ppa.ICE40_DEVICE[1], fits=False, fmax_mhz=None, cells=None, attempted=False,
                     reason=f"not attempted: the Xilinx 7 synthesis alone needs {x7['total']['lut']:,} LUT6 "
                            f"(> {ICE40_TRY_X7_LUT:,}), and the HX8K has {ppa.ICE40_CAPACITY['hx8k']['lut']:,} LUT4",
                     bram_min=ppa.ice40_bram_estimate(
                         {(m['kind'], m['width'], m['depth']): m['count'] for m in x7['memories']}))
            ppa.save_json(os.path.join(out, f"ice40-{name}.json"), r)
        else:
            r = ppa.flow_ice40(name, b["params"], out)
    log(f"{flow} {name} done in {time.time() - t0:.0f} s")
    return r


def cycles_cmd(tool, b, extra):
    p = ppa.params_of(b["params"])
    return [tool, "--cols", str(p["Cols"]), "--lanes", str(p["Lanes"]), "--pack", str(p["Pack"]),
            "--mac-types", str(p["MacTypes"]), "--formats", str(p["Formats"]), "--bank-bytes", str(p["BankBytes"]),
            "--cache-words", str(p["CacheWords"]), "--max-conv-row", str(p["MaxConvRow"]),
            "--acc-bits", str(p["AccBits"]), "--rq-units", str(p["RqUnits"]), "--rq-serial", str(p["RqSerial"]),
            "--hw-bitserial", str(p["BitSerial"]),
            "--syq", str(p["Syq"]), "--stats", str(p["Stats"])] + extra


def run_cycles(tool, b, extra):
    cmd = cycles_cmd(tool, b, extra)
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        return dict(error=r.stderr.strip(), cmd=" ".join(os.path.relpath(c, ppa.ROOT) if c.startswith("/") else c
                                                         for c in cmd))
    return json.loads(r.stdout)


def cycles_of(tool, b, out):
    """Cycle-model results of build b (cached in cycles-<name>.json): the bundled CNN, and the dense layer."""
    path = os.path.join(out, f"cycles-{b['name']}.json")
    if os.path.exists(path):
        return ppa.load_json(path)
    res = {}
    extra = ["--model", MODEL, "--add-missing-types"]
    if b["cnn"] == "as_int8":
        extra.append("--as-int8")
    res["cnn"] = run_cycles(tool, b, extra)
    if b.get("fit_model"):
        res["fit_model"] = run_cycles(tool, b, ["--model", b["fit_model"]])
    if b["dense"]:
        res["dense"] = run_cycles(tool, b, ["--net", DENSE_NET, "--wtype", b["dense"], "--sparsity", "0",
                                            "--format", "dense"])
    ppa.save_json(path, res)
    return res


def record(b, out, cyc):
    """One docs/ppa_sweep.json record."""
    p = ppa.params_of(b["params"])
    x7, asic, ice = (cached(out, f, b["name"]) or reuse_main(out, f, b) for f in ("xilinx_nodsp", "asic", "ice40"))
    r = dict(name=b["name"], kind=b["kind"], cols=p["Cols"], lanes=p["Lanes"], pack=p["Pack"],
             mac_slots=p["Cols"] * p["Lanes"] * p["Pack"], mac_types=mask_names(p["MacTypes"]),
             formats=p["Formats"], bitserial=p["BitSerial"], syq=p["Syq"], stats=p["Stats"], rq_units=p["RqUnits"],
             rq_serial=p["RqSerial"], bank_bytes=p["BankBytes"], cache_words=p["CacheWords"], max_conv_row=p["MaxConvRow"],
             acc_bits=p["AccBits"], params=p)
    if x7:
        t = x7["total"]
        r.update(x7_lut=t["lut"], x7_ff=t["ff"], x7_carry=t["carry"], x7_lutram=t["lutram"],
                 x7_bram=t["bram36"] + t["bram18"] / 2.0, x7_bram36=t["bram36"], x7_bram18=t["bram18"],
                 x7_lut_by_block={k: x7["blocks"][k]["lut"] for k in ppa.BLOCKS if k != "memories"},
                 x7_lut_memories=x7["blocks"]["memories"]["lut"], x7_seconds=x7.get("seconds"),
                 x7_lut_by_module={m: dict(instances=v["instances"], lut=v["lut"], block=ppa.classify(m))
                                   for m, v in sorted(x7["modules"].items(), key=lambda kv: -kv[1]["lut"])
                                   if v["lut"] > 0},
                 memory_bits=sum(m["bits"] for m in x7["memories"]))
    else:
        r.update(x7_lut=None, x7_ff=None, x7_bram=None, x7_lut_by_block=None)
    if asic:
        s = asic["sta"]
        r.update(asic_mm2=round(asic["total"]["area_um2"] / 1e6, 4), asic_fmax_mhz=asic["fmax_mhz"],
                 asic_crit_start=s.get("crit_start"), asic_crit_end=s.get("crit_end"),
                 asic_seconds=asic.get("seconds"))
    else:
        r.update(asic_mm2=None, asic_fmax_mhz=None, asic_note="ASIC flow not run within the sweep's time budget")
    if ice:
        r.update(ice40_device=f"{ice['device']}-{ice['package']}", ice40_fits=ice["fits"],
                 ice40_lut4=(ice.get("cells") or {}).get("lut"), ice40_ff=(ice.get("cells") or {}).get("ff"),
                 ice40_bram=(ice.get("cells") or {}).get("bram"), ice40_bram_min=ice.get("bram_min"),
                 ice40_fmax_mhz=ice.get("fmax_mhz") if ice["fits"] else None,
                 ice40_reason=ice.get("reason"), ice40_seconds=ice.get("seconds"),
                 ice40_by_instance=ice.get("by_instance"))
    else:
        r.update(ice40_device=None, ice40_fits=None, ice40_lut4=None, ice40_bram=None, ice40_fmax_mhz=None,
                 ice40_reason="iCE40 flow not run")
    cnn = cyc.get("cnn", {})
    kl = r["x7_lut"] / 1000.0 if r.get("x7_lut") else None
    if "cycles_per_image" in cnn:
        cpi = cnn["cycles_per_image"]
        r.update(cycles_per_image_batch1=cpi, cnn_macs_per_image=cnn["macs_per_image"],
                 cnn_types_added=mask_names(cnn.get("types_added", 0)),
                 cnn_layers=[{k: L[k] for k in ("name", "wtype", "format", "packed", "cycles", "macs", "nnz")}
                             for L in cnn["layers"]],
                 dense_equiv_macs_per_cycle=round(cnn["macs_per_image"] / cpi, 3))
        r["dense_equiv_macs_per_cycle_per_klut"] = round(r["dense_equiv_macs_per_cycle"] / kl, 4) if kl else None
        if r.get("asic_fmax_mhz"):
            r["images_per_s_asic"] = round(r["asic_fmax_mhz"] * 1e6 / cpi, 1)
        if r.get("ice40_fmax_mhz"):
            r["images_per_s_ice40"] = round(r["ice40_fmax_mhz"] * 1e6 / cpi, 1)
    else:
        r.update(cycles_per_image_batch1=None, cnn_error=cnn.get("error"))
    fm = cyc.get("fit_model")
    if fm and "cycles_per_image" in fm:
        r.update(fit_model=fm["model"], fit_model_cycles_per_image=fm["cycles_per_image"],
                 fit_model_macs_per_image=fm["macs_per_image"])
    if b["dense"]:
        d = cyc.get("dense", {})
        if "layers" in d:
            L0 = d["layers"][0]
            r.update(dense_type=b["dense"], dense_layer="conv 64->64 3x3 pad 1 on 16x16, dense weights, format dense",
                     dense_packed=L0["packed"], dense_cycles=L0["cycles"], dense_macs=L0["macs"],
                     dense_macs_per_cycle=round(L0["macs"] / L0["cycles"], 3))
            r["dense_macs_per_cycle_per_klut"] = round(r["dense_macs_per_cycle"] / kl, 4) if kl else None
        else:
            r.update(dense_type=b["dense"], dense_error=d.get("error"))
    return r


def parse_flows(text):
    """--flows: comma-separated tags of FLOW_TAGS, or `none` -> ppa flow names in run order."""
    tags = [t for t in text.split(",") if t and t != "none"]
    bad = [t for t in tags if t not in FLOW_TAGS]
    if bad:
        raise SystemExit(f"sweep.py: unknown flow(s) {','.join(bad)} (x7, ice40, asic or none)")
    return [f for t, f in FLOW_TAGS.items() if t in tags]


def flows_arg(flows):
    return ",".join(t for t, f in FLOW_TAGS.items() if f in flows) or "none"


def run_shard(name, flows, out, tool):
    """One build point: its requested flows in order (x7, ice40, asic), then its cycle figures. Every step
    runs even if an earlier one failed; the exit code is 1 if any failed."""
    b = BUILDS.get(name)
    if b is None:
        log(f"unknown build point '{name}' (known: {', '.join(BUILDS)})")
        return 2
    os.makedirs(out, exist_ok=True)
    failed = []
    for flow in flows:
        try:
            run_flow(flow, b, out)
        except Exception as e:  # the other flows still run; the shard fails
            log(f"{flow} {name} FAILED: {str(e)[:2000]}")
            failed.append(flow)
    if not os.path.exists(tool):
        log(f"cycles {name} FAILED: cycle tool {tool} missing (cmake --build ... --target tern_ppa_cycles)")
        failed.append("cycles")
    else:
        try:
            cycles_of(tool, b, out)
        except Exception as e:
            log(f"cycles {name} FAILED: {str(e)[:2000]}")
            failed.append("cycles")
    if failed:
        log(f"{name}: failed: {', '.join(failed)}")
        return 1
    log(f"{name}: done ({', '.join(flows) or 'no flows'} + cycles)")
    return 0


def shard_of(b, flows, out, tool):
    name = b["name"]
    argv = [sys.executable, os.path.abspath(__file__), "--shard", name, "--flows", flows_arg(flows),
            "--out", out, "--cycles", tool]
    outputs = [os.path.join(out, f"cycles-{name}.json")] + [os.path.join(out, f"{f}-{name}.json") for f in flows]
    # The point's definition: a changed build reruns its shard (the flow caches themselves are never
    # invalidated, as before: delete OUT/<flow>-<name>.json to redo a flow).
    definition = dict(b, params=ppa.params_of(b["params"]))
    if "fit_model" in definition:
        definition["fit_model"] = os.path.relpath(definition["fit_model"], ppa.ROOT)
    return launch.Shard(key=name, argv=argv, desc=f"{b['kind']}; flows {flows_arg(flows)} + cycles",
                        outputs=outputs, fingerprint=launch.fingerprint_files([], json.dumps(definition, sort_keys=True)),
                        cwd=ppa.ROOT)


def merge(todo, a, wall):
    """docs/ppa_sweep.json + .md from the cached results (--update: into the existing records)."""
    recs = []
    for b in todo:
        have = os.path.exists(os.path.join(a.out, f"cycles-{b['name']}.json"))
        cyc = cycles_of(a.cycles, b, a.out) if have or os.path.exists(a.cycles) else {}
        recs.append(record(b, a.out, cyc))
    if a.update:
        fresh = {r["name"]: r for r in recs}
        old = ppa.load_json(a.json)["records"]
        missing = [n for n in fresh if n not in {r["name"] for r in old}]
        recs = [fresh.get(r["name"], r) for r in old] + [fresh[n] for n in missing]
    with open(a.json, "w") as f:
        json.dump(dict(generated_by="make -C synth sweep (synth/sweep.py)", yosys=ppa.yosys_version(),
                       flow_seconds=round(sweep_report.flow_seconds(recs)), model=os.path.relpath(MODEL, ppa.ROOT),
                       v1_baseline=dict(cnn_cycles_per_image=sweep_report.V1_CNN_CYCLES,
                                        best_dense_equiv_macs_per_cycle_per_klut=round(
                                            sweep_report.V1_BEST_MPC_PER_KLUT, 3), best_build=sweep_report.V1_BEST),
                       targets=[dict(target=t, measured=m, met=ok) for t, m, ok in sweep_report.targets(recs)],
                       records=recs),
                  f, indent=1)
    print(f"wrote {a.json}")
    sweep_report.write(recs, a, wall)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(ppa.ROOT, "build", "synth", "sweep"))
    ap.add_argument("--cycles", default=os.path.join(ppa.ROOT, "build-ppa", "bench", "ppa", "tern_ppa_cycles"))
    ap.add_argument("--points", default=",".join(BUILDS), help="build names, comma separated")
    ap.add_argument("--flows", default="x7,ice40,asic",
                    help="flows to run: x7,ice40,asic or none (cycle figures only); cached results are always used")
    ap.add_argument("--doc", default=os.path.join(ppa.ROOT, "docs", "ppa_sweep.md"))
    ap.add_argument("--json", default=os.path.join(ppa.ROOT, "docs", "ppa_sweep.json"))
    ap.add_argument("--img", default=os.path.join(ppa.ROOT, "docs", "img"))
    ap.add_argument("--report-only", action="store_true", help="use cached results only (no shards run)")
    ap.add_argument("--update", action="store_true",
                    help="merge the --points records into the existing --json (other records kept as they are)")
    ap.add_argument("--list", action="store_true", help="print the shards (key, finished, argv) and exit")
    ap.add_argument("--shard", metavar="NAME", help="run one build point (what each shard of the sweep runs)")
    # a Slurm task runs every flow of one point in turn: hours for the 8x8 and 16x8 builds
    launch.add_arguments(ap, jobs_default=1, time_default="12:00:00", mem_default="8G")
    a = ap.parse_args()
    a.out, a.cycles = os.path.abspath(a.out), os.path.abspath(a.cycles)
    flows = parse_flows(a.flows)
    if a.shard:
        sys.exit(run_shard(a.shard, flows, a.out, a.cycles))
    os.makedirs(a.out, exist_ok=True)
    unknown = [n for n in a.points.split(",") if n not in BUILDS]
    if unknown:
        ap.error(f"unknown point(s) {', '.join(unknown)} (known: {', '.join(BUILDS)})")
    todo = [BUILDS[n] for n in a.points.split(",")]
    opts = launch.options_from(a, state=os.path.join(a.out, "launch"))
    shards = [shard_of(b, flows, a.out, a.cycles) for b in todo]
    if a.list:
        for s in shards:
            print(f"{s.key}\t{'finished' if launch.finished(opts.state, s) else 'to run'}\t{' '.join(s.argv)}")
        return
    # driver wall time of the sweep (accumulated over resumed runs; with Slurm it includes queueing)
    tpath = os.path.join(a.out, "wall_seconds.json")
    wall = ppa.load_json(tpath)["seconds"] if os.path.exists(tpath) else 0.0
    if not a.report_only:
        t0 = time.time()
        res = launch.run("sweep", shards, opts)
        wall += time.time() - t0
        ppa.save_json(tpath, dict(seconds=wall))
        launch.require_complete("sweep", res, opts)
    merge(todo, a, wall)


if __name__ == "__main__":
    main()
