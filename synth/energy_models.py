#!/usr/bin/python3
"""Energy per inference of the bundled models (docs/energy.md, "Energy per inference of the bundled models").

The models build of tests/energy (Cols=2 Lanes=2 Pack=8 RqUnits=2 as the small energy build, buffers large
enough for every bundled model: BankBytes=16384 CacheWords=512 MaxConvRow=1024; memories black-box SRAM
macros) is mapped to OSU 0.18 um cells like the small build and Verilated with tracing. tern_energy_model_sim
(tests/energy/energy_model_sim.cpp) runs one Fashion-MNIST / MNIST test image of a model on it, checks every
layer bit-exact, and counts toggles per net bit inside the simulator (the VCD stream is parsed as it is
written, never stored) in sampled windows of each layer; every busy cycle is attributed to its layer.

Per layer L (cycles N_L counted exactly, P_L counted cycle pairs, S_L sampled cycles):
    logic_L  = (sum_i leak_i + sum_i clk_i) * N_L * T  +  (N_L / P_L) * sum_i e_i * toggles_L(out_i)
    memory_L = (N_L / S_L) * sum_m (reads_L,m + writes_L,m) * E_access(m)
with the per-cell coefficients of synth/energy.py (OpenSTA report_power -instances at activity 0 and 1) and
the SRAM access model energy.sram_access_pj. With --window 0 every cycle is sampled (no extrapolation).

Usage:
  energy_models.py selftest --sim BIN --netlist NETLIST.v --work DIR   (CTest energy.ModelsFlow; exit 77 = skipped
                   when tern_energy_model_sim was not built)
  energy_models.py --sim BIN --netlist NETLIST.v --work DIR --out results.json
                   [--models cnn_fmnist_ternary,mlp_fmnist_ternary] [--images 0,1] [--window 2000] [--windows 4]
"""
import argparse
import json
import os
import re
import sys
import time
from array import array

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import energy  # noqa: E402
import ppa     # noqa: E402

MODELS_BUILD = "Cols=2 Lanes=2 Pack=8 BankBytes=16384 CacheWords=512 MaxConvRow=1024 RqUnits=2"


def parse_header(path):
    """(name, bit) -> flat index for the netlist's scope (energy.SCOPE below the top), numbering every code of
    the header in order of first appearance, msb first (as tern_energy_model_sim); and the macro scopes."""
    index, codes = {}, {}
    nflat = 0
    scope = []
    for line in open(path):
        t = line.split()
        if not t:
            continue
        if t[0] == "$scope":
            scope.append(t[2])
        elif t[0] == "$upscope":
            scope.pop()
        elif t[0] == "$var":
            width, code, name = int(t[2]), t[3], t[4]
            if code not in codes:
                codes[code] = list(range(nflat, nflat + width))
                nflat += width
            flat = codes[code]
            if len(scope) != len(energy.SCOPE) + 1 or tuple(scope[1:]) != energy.SCOPE:
                continue
            rng = t[5] if len(t) > 6 and t[5].startswith("[") else None
            energy.index_bits(index, name, rng, flat)
        elif t[0] == "$enddefinitions":
            break
    return index, nflat


def macro_of_scope(scope, macros):
    """The netlist macro instance of a VCD scope path ('TOP/tern_top/i_gl/<inst>'), by instance name."""
    last = scope.split("/")[-1]
    for mac in macros:
        if mac["inst"] == last or mac["inst"].replace(".", "_") == last or mac["inst"].endswith(last) and \
                last.endswith("i_macro") and mac["inst"] == "/".join(scope.split("/")[3:]).replace("/", "."):
            return mac
    return None


class ModelFlow:
    def __init__(self, sim, netlist, work, reuse=False):
        self.reuse = reuse
        for p, what in ((sim, "--sim (tern_energy_model_sim)"), (netlist, "--netlist")):
            if not os.path.exists(p):
                raise SystemExit(f"energy_models.py: {what} {p} does not exist (cmake --build BUILD --target "
                                 "tern_energy_model_sim)")
        self.sim, self.netlist, self.work = sim, netlist, work
        macros_lib = os.path.join(netlist + ".d", "macros.lib")
        self.nl = energy.parse_netlist(netlist)
        sdir = os.path.join(work, "sta")
        os.makedirs(sdir, exist_ok=True)
        sta_nl = os.path.join(sdir, "netlist_sta.v")
        if not os.path.exists(sta_nl) or os.path.getmtime(sta_nl) < os.path.getmtime(netlist):
            energy.write_sta_netlist(netlist, sta_nl, self.nl["widths"])
        t0 = time.time()
        self.co = energy.sta_coefficients(sta_nl, macros_lib, self.nl["top"], sdir)
        print(f"OpenSTA coefficients: {len(self.co['coeff'])} instances ({time.time() - t0:.0f} s)", file=sys.stderr)

    def run(self, model, image, window, windows):
        tag = f"{os.path.splitext(os.path.basename(model))[0]}_img{image}_w{window}x{windows}"
        pre = os.path.join(self.work, tag)
        t0 = time.time()
        if self.reuse and all(os.path.exists(pre + x) for x in (".json", ".hdr", ".bin")):
            print(f"{tag}: reusing the simulation's results in {self.work}", file=sys.stderr)
        else:
            ppa.run([self.sim, "--model", model, "--out", pre, "--image", str(image), "--window", str(window),
                     "--windows", str(windows)], pre + ".log", timeout=6 * 3600)
        wall = time.time() - t0
        info = json.load(open(pre + ".json"))
        index, nflat = parse_header(pre + ".hdr")
        if nflat != info["nflat"]:
            raise RuntimeError(f"{tag}: header numbering {nflat} net bits, simulator {info['nflat']}")
        nlay = len(info["layers"])
        tog = array("I")
        with open(pre + ".bin", "rb") as f:
            tog.fromfile(f, nflat * nlay)
        if not self.reuse:
            os.remove(pre + ".bin")
        return self.energy(info, index, tog, nflat, tag, wall)

    def energy(self, info, index, tog, nflat, tag, wall):
        T = energy.PERIOD_NS * 1e-9
        coeff = self.co["coeff"]
        leak = sum(c["leak"] for c in coeff.values())
        clk = sum(c["clk"] for c in coeff.values())
        cells = []
        missing = 0
        for c in self.nl["cells"]:
            outs = [index.get(b) for b in c["out"]]
            if not outs or any(o is None for o in outs):
                missing += 1
                continue
            cells.append((coeff[c["inst"]]["e"], outs))
        annotated = sum(1 for b in self.nl["bits"] if b in index)
        mac_of = []
        for s in info["macros"]:
            mac = macro_of_scope(s, self.nl["macros"])
            if mac is None:
                raise RuntimeError(f"{tag}: VCD scope {s} matches no SRAM macro of the netlist")
            mm = re.match(r"tern_(sram|srambe)_w(\d+)_d(\d+)", mac["type"])
            mac_of.append((mac["inst"], int(mm.group(2)), int(mm.group(3))))
        layers = []
        for L, li in enumerate(info["layers"]):
            base = L * nflat
            dyn = 0.0
            for e, outs in cells:
                if len(outs) == 1:
                    dyn += e * tog[base + outs[0]]
                else:
                    dyn += e * sum(tog[base + o] for o in outs) / len(outs)
            N, P, S = li["cycles"], li["pairs"], li["samples"]
            scale_t = N / P if P else 0.0
            scale_s = N / S if S else 0.0
            mem = []
            mem_j = 0.0
            for k, (inst, w, d) in enumerate(mac_of):
                pj = energy.sram_access_pj(w, d)
                r, wr = li["reads"][k] * scale_s, li["writes"][k] * scale_s
                mem.append(dict(inst=inst, width=w, depth=d, reads=r, writes=wr, pj_per_access=pj))
                mem_j += (r + wr) * pj * 1e-12
            row = dict(name=li["name"], cycles=N, samples=S, pairs=P, sampled_fraction=S / N if N else 0.0,
                       leakage_j=leak * N * T, clock_j=clk * N * T, dynamic_sampled_j=dyn,
                       dynamic_j=dyn * scale_t, dynamic_per_cycle_j=dyn / P if P else 0.0,
                       memory_j=mem_j, memories=mem,
                       reads=sum(x["reads"] for x in mem), writes=sum(x["writes"] for x in mem))
            row["logic_j"] = row["leakage_j"] + row["clock_j"] + row["dynamic_j"]
            row["total_j"] = row["logic_j"] + mem_j
            for k in ("wtype", "format", "pack", "act_bits", "macs", "nz_macs", "stats", "op"):
                if k in li:
                    row[k] = li[k]
            layers.append(row)
        out = dict(tag=tag, model=info["model"], dataset=info["dataset"], image=info["image"], label=info["label"],
                   predicted=info["class"], window=info["window"], windows=info["windows"],
                   busy_cycles=info["busy_cycles"], bit_exact=info["bit_exact"], stats_equal=info["stats_equal"],
                   sim_seconds=info["sim_seconds"], wall_seconds=wall, layers=layers,
                   coverage=dict(net_bits=len(self.nl["bits"]), annotated_bits=annotated,
                                 fraction=annotated / max(1, len(self.nl["bits"])), cells=len(self.nl["cells"]),
                                 cells_annotated=len(cells), cell_fraction=len(cells) / max(1, len(self.nl["cells"]))))
        for k in ("leakage_j", "clock_j", "dynamic_j", "logic_j", "memory_j", "total_j", "cycles", "samples", "macs",
                  "nz_macs"):
            out[k] = sum(x.get(k, 0) for x in layers)
        return out


def validation_text(res):
    """Two samplings of the same model and image (when both are in the results): per layer, the transition
    energy extrapolated from the sparser sampling against the denser one (against every cycle where the denser
    run counted every cycle of the layer), and the whole inference's logic, memory and total."""
    runs = res["runs"]
    pairs = []
    for dense in runs:
        for sparse in runs:
            if sparse is not dense and sparse["model"] == dense["model"] and sparse["image"] == dense["image"] \
                    and sparse["samples"] < dense["samples"]:
                pairs.append((dense, sparse))
    if not pairs:
        return None

    def samp(r):
        return f"{r['windows']} x {r['window']:,}" if r["window"] else "every cycle"
    out = ["The same image run twice with different samplings: per layer, the transition energy extrapolated from the "
           "sparser sampling (A) against the denser one (B; 'all' = every cycle of the layer counted in B), and the "
           "whole inference. The differences estimate the sampling error of the figures above.", "",
           "| model | image | A | B | layer | cycles | sampled A | sampled B | transitions A (nJ) | transitions B (nJ) | "
           "A vs B |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for dense, sparse in pairs:
        for a, b in zip(sparse["layers"], dense["layers"]):
            err = (a["dynamic_j"] - b["dynamic_j"]) / b["dynamic_j"] if b["dynamic_j"] else 0.0
            sb = "all" if b["samples"] == b["cycles"] else f"{b['samples']:,}"
            out.append(f"| {dense['model']} | {dense['image']} | {samp(sparse)} | {samp(dense)} | {a['name']} | "
                       f"{b['cycles']:,} | {a['samples']:,} | {sb} | {a['dynamic_j'] * 1e9:.1f} | "
                       f"{b['dynamic_j'] * 1e9:.1f} | {err:+.2%} |")
        for k, what in (("dynamic_j", "transitions"), ("logic_j", "logic"), ("memory_j", "memory"),
                        ("total_j", "total")):
            err = (sparse[k] - dense[k]) / dense[k] if dense[k] else 0.0
            out.append(f"| {dense['model']} | {dense['image']} | {samp(sparse)} | {samp(dense)} | **{what}, "
                       f"inference** | {dense['cycles']:,} | {sparse['samples']:,} | {dense['samples']:,} | "
                       f"{sparse[k] * 1e9:.1f} | {dense[k] * 1e9:.1f} | {err:+.2%} |")
    return dict(text="\n".join(out))


def selftest(a):
    """A short sampled run of mlp_fmnist_ternary (every layer sampled in two windows of 300 cycles): bit-exact,
    statistics records equal, every busy cycle attributed to a layer, the layer attribution against the
    statistics record, annotation coverage, SRAM accesses and transitions counted in every weight layer."""
    if not os.path.exists(a.sim):
        print(f"SKIP: {a.sim} not built (cmake --build BUILD --target tern_energy_model_sim)")
        sys.exit(77)
    flow = ModelFlow(a.sim, a.netlist, a.work)
    e = flow.run(os.path.join(ppa.ROOT, "models", "mlp_fmnist_ternary.tnm"), 0, 300, 2)
    ok = True

    def check(cond, msg):
        nonlocal ok
        print(("PASS " if cond else "FAIL ") + msg)
        ok = ok and cond
    check(e["bit_exact"] and e["stats_equal"], "every layer bit-exact; statistics records = the cycle model's")
    # the testbench's busy count runs from the CTRL.start write to busy low (a few cycles of the start
    # handshake more than the cycles with busy high that are attributed)
    check(0 <= e["busy_cycles"] - e["cycles"] <= 8,
          f"busy cycles attributed to layers {e['cycles']} vs the run's busy cycles {e['busy_cycles']}")
    for L in e["layers"]:
        if "stats" not in L:
            continue
        st = L["stats"][0]
        check(st <= L["cycles"] <= st + 200,
              f"{L['name']}: attributed {L['cycles']} cycles, statistics record {st} (+ the record's write)")
        check(L["pairs"] > 0 and L["samples"] >= L["pairs"] and L["samples"] <= L["cycles"],
              f"{L['name']}: {L['samples']} sampled cycles, {L['pairs']} counted pairs")
        if L.get("nz_macs"):
            check(L["dynamic_sampled_j"] > 0 and L["reads"] > 0,
                  f"{L['name']}: transitions {L['dynamic_sampled_j'] * 1e9:.3f} nJ and {L['reads']:.0f} SRAM reads counted")
    cv = e["coverage"]
    check(cv["fraction"] >= energy.COVERAGE_MIN and cv["cell_fraction"] >= energy.COVERAGE_MIN,
          f"annotation coverage {cv['fraction']:.4f} of the net bits, {cv['cell_fraction']:.4f} of the cells")
    print(f"mlp_fmnist_ternary image 0: {e['cycles']} cycles, logic {e['logic_j'] * 1e6:.3f} uJ, memory "
          f"{e['memory_j'] * 1e6:.3f} uJ (sampled {e['samples']} cycles)")
    if not ok:
        sys.exit(1)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "selftest":
        ap = argparse.ArgumentParser()
        ap.add_argument("cmd")
        ap.add_argument("--sim", required=True)
        ap.add_argument("--netlist", required=True)
        ap.add_argument("--work", required=True)
        a = ap.parse_args()
        a.work = os.path.abspath(a.work)
        os.makedirs(a.work, exist_ok=True)
        selftest(a)
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sim", required=True)
    ap.add_argument("--netlist", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--out", required=True, help="results JSON (appended to: one entry per model and image)")
    ap.add_argument("--models", default="cnn_fmnist_ternary,mlp_fmnist_ternary")
    ap.add_argument("--images", default="0")
    ap.add_argument("--window", type=int, default=2000)
    ap.add_argument("--windows", type=int, default=4)
    ap.add_argument("--reuse", action="store_true", help="use a simulation's results already in --work (and keep them)")
    a = ap.parse_args()
    a.work = os.path.abspath(a.work)
    os.makedirs(a.work, exist_ok=True)
    flow = ModelFlow(a.sim, a.netlist, a.work, a.reuse)
    res = json.load(open(a.out)) if os.path.exists(a.out) else dict(runs=[])
    res.update(build=MODELS_BUILD, period_ns=energy.PERIOD_NS, sram_model=energy.SRAM_MODEL_TEXT,
               checks=dict(zero=flow.co["zero"], a25_sta_w=flow.co["a25_sta_w"], a25_linear_w=flow.co["a25_linear_w"],
                           cells=len(flow.co["coeff"]),
                           leakage_w=sum(c["leak"] for c in flow.co["coeff"].values()),
                           clock_w=sum(c["clk"] for c in flow.co["coeff"].values())))
    for m in a.models.split(","):
        path = m if m.endswith(".tnm") else os.path.join(ppa.ROOT, "models", m + ".tnm")
        for img in (int(x) for x in a.images.split(",")):
            e = flow.run(path, img, a.window, a.windows)
            res["runs"] = [r for r in res["runs"] if r["tag"] != e["tag"]] + [e]
            res["validation"] = validation_text(res)
            with open(a.out, "w") as f:
                json.dump(res, f, indent=1, sort_keys=True)
            print(f"{e['tag']}: {e['cycles']} cycles ({e['samples']} sampled, {e['sim_seconds']:.0f} s sim), logic "
                  f"{e['logic_j'] * 1e6:.3f} uJ, memory {e['memory_j'] * 1e6:.3f} uJ, total {e['total_j'] * 1e6:.3f} uJ",
                  file=sys.stderr)
            for L in e["layers"]:
                print(f"   {L['name']:8s} {L['cycles']:8d} cyc  sampled {L['samples']:6d}  logic {L['logic_j'] * 1e9:10.1f} nJ"
                      f"  mem {L['memory_j'] * 1e9:9.1f} nJ  dyn/cyc {L['dynamic_per_cycle_j'] * 1e12:8.1f} pJ", file=sys.stderr)


if __name__ == "__main__":
    main()
