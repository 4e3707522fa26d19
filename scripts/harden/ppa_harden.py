#!/usr/bin/env python3
"""PPA of hardened pipelines with the flows of synth/ppa.py (imported, not copied): Yosys 0.23
synth_xilinx -family xc7 -nodsp (LUT/FF/CARRY), and OSU 0.18 um (synth + dfflibmap + abc -D, stat -liberty
area) with OpenSTA worst slack -> Fmax.

  scripts/harden/ppa_harden.py sparsity [--out build/harden/sparsity.json]
      one ternary fc layer (64 -> 32, 8-bit inputs, fully unrolled: one image per cycle) at 50/80/90/95%
      zeros, plain add/sub trees vs CSE: adders, LUT, FF (both), mm^2 and Fmax (CSE designs); each design
      verified first (run_test.py, random images).
  scripts/harden/ppa_harden.py models [--only KEY ...] [--timeout S]
      every bundled model folding verified in docs/harden.json: generate it (same folding), Xilinx 7
      synth_xilinx -nodsp (LUT/FF/CARRY, LUTRAM, BRAM: which weight ROM maps to what), results cached per
      design in build/harden/ppa/<model>__<folding>.json (a rerun resumes; a timeout is recorded as such).
  scripts/harden/ppa_harden.py ice40 [--timeout S]
      can a bundled ternary model fit an iCE40 (HX8K, UP5K)? the weight bits vs the on-chip memory; then
      synth_ice40 + nextpnr-ice40 of the largest thing that fits (build/harden/ppa/ice40.json).
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
import eval_int  # noqa: E402
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


def yosys_in_timeout(d, name, script, timeout):
    path = os.path.join(d, name + ".ys")
    with open(path, "w") as f:
        f.write(script)
    return ppa.run(["yosys", "-q", "-l", name + ".log", "-s", name + ".ys"], os.path.join(d, name + ".stdout"),
                   cwd=d, timeout=timeout)


# LUTs inside each Xilinx 7 distributed-RAM primitive (a RAM32M is 4 LUT6 of a SLICEM, ...)
LUTRAM_LUTS = {"RAM32X1S": 1, "RAM64X1S": 1, "RAM32X1D": 2, "RAM64X1D": 2, "RAM128X1S": 2, "RAM128X1D": 4,
               "RAM256X1S": 4, "RAM32M": 4, "RAM64M": 4, "RAM32M16": 8, "RAM64M8": 8, "RAM32X2S": 2,
               "RAM64X2S": 2, "RAM32X4S": 4, "RAM32X8S": 8}


def rom_mapping(log):
    """memory_libmap's decision per memory (Yosys log): [(memory, primitive)]."""
    out = []
    for m in re.finditer(r"mapping memory (\S+) via (\S+)", open(log, errors="replace").read()):
        out.append((m.group(1), m.group(2)))
    return out


# synth_xilinx's coarse step without `share` (SAT-based resource sharing under exclusive conditions): on
# cnn_fmnist_ternary/fast that pass alone ran 10+ minutes without finishing; everything else is the script.
COARSE_NOSHARE = ("techmap -map +/cmp2lut.v -map +/cmp2lcu.v -D LUT_WIDTH=6\nalumacc\nopt\nmemory -nomap\n"
                  "opt_clean\n")


def xilinx(d, timeout=7200, noshare=False):
    top, files = design_files(d)
    sj = os.path.join(d, "xilinx_stat.json")
    sx = f"synth_xilinx -family xc7 -nodsp -flatten -top {top}"
    synth = (f"{sx} -run :coarse\n{COARSE_NOSHARE}{sx} -run map_memory:\n" if noshare else f"{sx}\n")
    dt = yosys_in_timeout(d, "xilinx", f"read_verilog -sv {' '.join(files)}\nhierarchy -check -top {top}\n"
                  f"{synth}tee -q -o xilinx_stat.json stat -json\n", timeout)
    cells = ppa.load_json(sj)["design"]["num_cells_by_type"]
    r = dict(ppa.xilinx_counts(cells), seconds=round(dt, 1))
    r["lutram_luts"] = sum(n * LUTRAM_LUTS.get(t, 4) for t, n in cells.items()
                           if re.fullmatch(r"RAM\d+[MSX].*|RAM\d+X\d+[SD].*", t))
    r["cells"] = {t: n for t, n in cells.items() if not t.startswith("$")}
    r["rom_mapping"] = rom_mapping(os.path.join(d, "xilinx.log"))
    r["script"] = "synth_xilinx -family xc7 -nodsp -flatten" + (" without its share pass" if noshare else "")
    return r


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


# The clock of the images/s columns of the bundled-model table. Xilinx 7 synthesis has no timing in this
# flow and the OSU flow was not run on these designs: 100 MHz is an ASSUMPTION, labelled as such wherever
# it is used (the iCE40 and OSU Fmax of measured designs are reported next to it).
ASSUMED_MHZ = 100.0
# the order the bundled designs are synthesised in (ternary first); every key must be in docs/harden.json
MODEL_ORDER = ["cnn_fmnist_ternary/fast", "mlp_fmnist_ternary/fast", "cnn_fmnist_ternary/small",
               "mlp_fmnist_ternary/small", "cnn_fmnist_ternary/balanced4096", "cnn_mnist_ternary/fast",
               "cnn_fmnist_ternary_a3/fast", "cnn_fmnist_binary/fast", "cnn_fmnist_log2/fast",
               "cnn_fmnist_addnet3/fast"]


def derived(e, mhz=ASSUMED_MHZ):
    """images/s and dense-equivalent throughput per kLUT at `mhz` (LUTs = LUT1..6 + the LUTs of LUTRAM)."""
    x = e.get("xilinx") or {}
    if "lut" not in x:
        return {}
    klut = (x["lut"] + x.get("lutram_luts", 0)) / 1000.0
    ips = mhz * 1e6 / e["ii_cycles"]
    return dict(clock_mhz=mhz, images_per_s=round(ips, 1), images_per_s_per_klut=round(ips / klut, 2),
                dense_macs_per_cycle=round(e["dense_macs_per_image"] / e["ii_cycles"], 1),
                dense_equiv_gmacs_per_klut=round(e["dense_macs_per_image"] * ips / klut / 1e9, 3))


def models(keys, timeout):
    verified = json.load(open(os.path.join(ROOT, "docs", "harden.json")))["bundled"]
    base = os.path.join(ROOT, "build", "harden", "ppa")
    os.makedirs(base, exist_ok=True)
    out = {}
    for key in keys or MODEL_ORDER:
        v = verified[key]
        fname = os.path.join(base, key.replace("/", "__") + ".json")
        if os.path.exists(fname):
            out[key] = json.load(open(fname))
            print(key, "cached", flush=True)
            continue
        name = key.split("/")[0]
        fold = [x for x in v["args"][v["args"].index("--images") + 2:]]
        d = os.path.join(base, key.replace("/", "__"))
        gen = [sys.executable, os.path.join(HERE, "harden.py"), os.path.join(ROOT, "models", name + ".tnm"),
               "-o", d, "-q"] + fold
        subprocess.run(gen, check=True)
        hj = json.load(open(os.path.join(d, "harden.json")))
        cm = hj["cycle_model"]
        e = dict(key=key, fold_args=fold, ii_cycles=cm["ii"], latency_cycles=cm["latency"],
                 dense_macs_per_image=hj["dense_macs_per_image"],
                 rom_bits=sum(s.get("rom_bits") or 0 for s in cm["stages"]),
                 roms={s["name"]: dict(words=s["NF"] * s["SF"], width=(s.get("rom_bits") or 0) // (s["NF"] * s["SF"]))
                       for s in cm["stages"] if s.get("rom_bits")},
                 verified_in_docs=bool(v.get("pass")), yosys=ppa.yosys_version(), timeout_s=timeout,
                 flow="synth_xilinx -family xc7 -nodsp -flatten, share pass skipped (synthesis estimate, no place "
                      "and route)")
        try:
            e["xilinx"] = xilinx(d, timeout, noshare=True)
            e["status"] = "ok"
        except subprocess.TimeoutExpired:
            e["status"] = f"timeout: Yosys synth_xilinx did not finish in {timeout} s"
        except RuntimeError as err:
            e["status"] = "error: " + str(err)[-300:]
        x = e.get("xilinx")
        if x:
            x["bram36_equiv"] = x["bram36"] + x["bram18"] / 2
        e.update(derived(e))
        json.dump(e, open(fname, "w"), indent=1)
        out[key] = e
        print(key, json.dumps({k: v for k, v in e.items() if k not in ("xilinx", "roms")}),
              json.dumps({k: v for k, v in (x or {}).items() if k not in ("cells",)}), flush=True)
    return out


HX8K_BRAM_BITS = 32 * 4096                  # 32 SB_RAM40_4K
UP5K_BRAM_BITS, UP5K_SPRAM_BITS = 30 * 4096, 4 * 256 * 1024   # 30 SB_RAM40_4K + 4 SB_SPRAM256KA


def entropy_bits(w):
    """N * H(value distribution): a lower bound on the bits of any lossless coding of the weights."""
    _, n = np.unique(w, return_counts=True)
    p = n / n.sum()
    return float(-(n * np.log2(p)).sum())


def ice40_fit(name):
    """Can the bundled model's weights fit an iCE40's on-chip memory at any folding? A folded stage needs
    its weights in memory (2 bits per ternary weight in the generator's ROM; at best the entropy of the
    weight values); a fully unrolled one needs logic for each non-zero weight (an adder each, >= 1 LUT4)."""
    import hwmodel
    _, stages = hwmodel.load(os.path.join(ROOT, "models", name + ".tnm"))
    rows, tot = [], dict(weights=0, nonzero=0, rom_bits_2b=0, entropy_bits=0.0)
    for s in stages:
        if s.kind != "mvau":
            continue
        wb = 2 if s.wtype in ("ternary", "binary") else 8
        r = dict(layer=s.name, wtype=s.wtype, weights=int(s.w.size), nonzero=int(np.count_nonzero(s.w)),
                 rom_bits=int(s.w.size) * wb, entropy_bits=round(entropy_bits(s.w)))
        rows.append(r)
        tot["weights"] += r["weights"]
        tot["nonzero"] += r["nonzero"]
        tot["rom_bits_2b"] += r["rom_bits"]
        tot["entropy_bits"] += r["entropy_bits"]
    tot["entropy_bits"] = round(tot["entropy_bits"])
    up5k = UP5K_BRAM_BITS + UP5K_SPRAM_BITS
    return dict(model=name, layers=rows, total=tot, hx8k_bram_bits=HX8K_BRAM_BITS, up5k_bram_bits=UP5K_BRAM_BITS,
                up5k_spram_bits=UP5K_SPRAM_BITS,
                fits_hx8k=tot["entropy_bits"] <= HX8K_BRAM_BITS, fits_up5k=tot["entropy_bits"] <= up5k,
                rom_over_hx8k=round(tot["rom_bits_2b"] / HX8K_BRAM_BITS, 1),
                entropy_over_up5k=round(tot["entropy_bits"] / up5k, 2),
                nonzero_over_hx8k_luts=round(tot["nonzero"] / 7680, 1))


def layer_alone(src, layer, path):
    """A one-layer model: layer `layer` of the bundled model `src` with its own weights and requantisation
    (input = the model's input; classes = the layer's output size)."""
    hdr, tensor = eval_int.load_tnm(src)

    def res(obj, where):
        if isinstance(obj, dict) and set(obj) == {"dtype", "shape", "offset"}:
            return tensor(obj, where).astype(np.dtype(eval_int.DT[obj["dtype"]]).newbyteorder("="))
        if isinstance(obj, dict):
            return {k: res(v, where + "." + k) for k, v in obj.items()}
        if isinstance(obj, list):
            return [res(v, where) for v in obj]
        return obj
    L = [x for x in hdr["layers"] if x["name"] == layer][0]
    C, H, W = L["out"]
    new = {"name": f"{hdr['name']}_{layer}", "dataset": hdr["dataset"], "input": hdr["input"],
           "classes": C * H * W, "layers": [res(L, layer)]}
    tnm.write(path, new)
    return path


RANDOM_SEEDS_ICE40 = [1]


def ice40(timeout):
    base = os.path.join(ROOT, "build", "harden", "ppa", "ice40")
    os.makedirs(base, exist_ok=True)
    fname = os.path.join(ROOT, "build", "harden", "ppa", "ice40.json")
    res = json.load(open(fname)) if os.path.exists(fname) else {}
    res["fit"] = {m: ice40_fit(m) for m in ("mlp_fmnist_ternary", "cnn_fmnist_ternary")}
    for m, f in res["fit"].items():
        print(m, json.dumps(f["total"]), "fits HX8K", f["fits_hx8k"], "UP5K", f["fits_up5k"], flush=True)
    json.dump(res, open(fname, "w"), indent=1)
    # The bundled conv1 alone cannot be hardened as a model (the loader wants a [classes, 1, 1] output), so
    # the placed-and-routed design is a random small ternary model (scripts/harden/random_tnm.py, fully
    # unrolled): NOT a bundled model.
    for seed in RANDOM_SEEDS_ICE40:
        key = f"random_{seed}_ternary/unrolled"
        if res.get("designs", {}).get(key, {}).get("fits") is not None:
            print(key, "cached", flush=True)
            continue
        d = os.path.join(base, f"random_{seed}")
        cmd = [sys.executable, os.path.join(HERE, "run_test.py"), "--random", str(seed), "--types", "ternary",
               "--images", "3", "--work", d,
               "--build", os.environ.get("TERN_BUILD", os.path.join(ROOT, "build"))]
        r = subprocess.run(cmd, capture_output=True, text=True)
        e = dict(model=f"random_tnm.py seed {seed}, ternary weights, fully unrolled (NOT a bundled model)",
                 verified=r.returncode == 0 and "run_test: PASS" in r.stdout,
                 verify_tail=r.stdout.strip().splitlines()[-3:])
        hj = json.load(open(os.path.join(d, "harden.json")))
        e["ii_cycles"] = hj["cycle_model"]["ii"]
        e["dense_macs_per_image"] = hj["dense_macs_per_image"]
        top, files = design_files(d)
        cwd = os.getcwd()
        os.chdir(d)  # $readmemh reads the ROM from the design directory
        try:
            e.update(ppa.ice40_pnr(top, {}, files, os.path.abspath(d)))
        finally:
            os.chdir(cwd)
        if e.get("fmax_mhz"):
            e["frames_per_s_at_fmax"] = round(e["fmax_mhz"] * 1e6 / e["ii_cycles"], 1)
        res.setdefault("designs", {})[key] = e
        json.dump(res, open(fname, "w"), indent=1)
        print(key, json.dumps({k: v for k, v in e.items() if k not in ("by_instance", "utilization")}), flush=True)
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    sp = sub.add_parser("sparsity")
    sp.add_argument("--out", default=os.path.join(ROOT, "build", "harden", "sparsity.json"))
    mp = sub.add_parser("models")
    mp.add_argument("--only", action="append", help="a key of docs/harden.json's bundled (model/folding)")
    mp.add_argument("--timeout", type=int, default=1500, help="seconds per Yosys run")
    ip = sub.add_parser("ice40")
    ip.add_argument("--timeout", type=int, default=1500)
    dp = sub.add_parser("design")
    dp.add_argument("dir")
    dp.add_argument("--asic", action="store_true")
    a = ap.parse_args()
    if a.cmd == "sparsity":
        sparsity(a.out)
    elif a.cmd == "ice40":
        ice40(a.timeout)
    elif a.cmd == "models":
        models(a.only, a.timeout)
    else:
        r = {"xilinx": xilinx(a.dir)}
        if a.asic:
            r["asic"] = asic(a.dir)
        print(json.dumps(r, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
