#!/usr/bin/python3
"""docs/energy.md and docs/energy.json (synth/energy.py report; `make -C synth energy`): the per-mode energy
per non-zero MAC on the small gate-level build, the dense vs sparse layer, an idle run, the annotation
coverage and the method checks.

Usage: energy_report.py --sim BIN --netlist NETLIST.v --work DIR [--doc docs/energy.md]
       energy_report.py --render-only [--doc docs/energy.md]"""
import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import energy  # noqa: E402
import ppa     # noqa: E402

# The measured layer of every mode: layer 1 of `--shape two` (layer 0 int8 writes its activations), 4x4x4 ->
# 4, 3x3 pad 1, every weight non-zero (sparsity 0; binary has no zeros anyway), dense stream.
MODES = [
    ("int8", ["--wtype", "int8"]),
    ("ternary", ["--wtype", "ternary"]),
    ("binary add/sub (8-bit activations)", ["--wtype", "binary"]),
    ("binary XNOR (1-bit signed activations)", ["--wtype", "binary", "--act-bits", "1"]),
    ("log2", ["--wtype", "log2"]),
    ("AddNet-2", ["--wtype", "addnet2"]),
    ("AddNet-3", ["--wtype", "addnet3"]),
    ("AddNet-4", ["--wtype", "addnet4"]),
    ("bit-serial ternary, 2-bit activations", ["--wtype", "ternary", "--bitserial", "1", "--act-bits", "2"]),
    ("bit-serial ternary, 4-bit activations", ["--wtype", "ternary", "--bitserial", "1", "--act-bits", "4"]),
    ("bit-serial ternary, 8-bit activations", ["--wtype", "ternary", "--bitserial", "1", "--act-bits", "8"]),
]
COMMON = ["--shape", "two", "--hw", "4", "--format", "dense", "--sparsity", "0", "--seed", "5"]
FORMATS = {0: "dense", 1: "rle", 2: "bitmap", 3: "csc", 4: "rle8"}


def fj(x):
    return f"{x * 1e15:,.0f}"


def measure(a):
    flow = energy.Flow(a.sim, a.netlist, a.work)
    res = dict(modes=[], build=energy.SMALL_BUILD, period_ns=energy.PERIOD_NS, sram_model=energy.SRAM_MODEL_TEXT)
    res["pin_check_w"] = energy.sta_pin_annotation_ignored(os.path.join(a.work, "sta"))
    co = flow.co
    res["checks"] = dict(zero=co["zero"], a25_sta_w=co["a25_sta_w"], a25_linear_w=co["a25_linear_w"],
                         cells=len(co["coeff"]),
                         leakage_w=sum(c["leak"] for c in co["coeff"].values()),
                         clock_w=sum(c["clk"] for c in co["coeff"].values()))
    for name, args in MODES:
        tag = "mode_" + "".join(ch if ch.isalnum() else "_" for ch in name)[:40]
        try:
            e = flow.run(tag, COMMON + args)
        except RuntimeError as ex:
            res["modes"].append(dict(mode=name, args=args, error=str(ex).splitlines()[-1][:300]))
            print(f"{name}: FAILED {ex}", file=sys.stderr)
            continue
        L = e["sim"]["layers"][1]
        pl = e["per_layer"].get("1")
        if pl is None:
            raise RuntimeError(f"{name}: no cycles attributed to layer 1 (per_layer {list(e['per_layer'])})")
        mem_share = e["memory_j"] * pl["cycles"] / max(1, e["cycles"])  # SRAM energy is not split by layer
        row = dict(mode=name, args=args, layer=L, cycles=pl["cycles"], nz_macs=L["nz_macs"], logic_j=pl["logic_j"],
                   dynamic_j=pl["dynamic_j"], clock_j=pl["clock_j"], leakage_j=pl["leakage_j"],
                   run=dict(cycles=e["cycles"], logic_j=e["logic_j"], memory_j=e["memory_j"],
                            coverage=e["coverage"], memories=e["memories"], per_layer=e["per_layer"]),
                   memory_share_j=mem_share)
        row["logic_per_mac_j"] = pl["logic_j"] / L["nz_macs"]
        row["dynamic_per_mac_j"] = pl["dynamic_j"] / L["nz_macs"]
        res["modes"].append(row)
        print(f"{name}: layer 1 {pl['cycles']} cycles, {L['nz_macs']} nz MACs, logic {pl['logic_j'] * 1e9:.3f} nJ "
              f"= {row['logic_per_mac_j'] * 1e12:.2f} pJ/MAC", file=sys.stderr)
    sp = []
    for tag, args in (("dense_rle", ["--hw", "6", "--wtype", "ternary", "--format", "rle", "--sparsity", "0", "--seed", "3"]),
                      ("sparse_rle", ["--hw", "6", "--wtype", "ternary", "--format", "rle", "--sparsity", "0.9", "--seed", "3"])):
        e = flow.run(tag, args)
        sp.append(dict(tag=tag, args=args, cycles=e["cycles"], logic_j=e["logic_j"], dynamic_j=e["dynamic_j"],
                       clock_j=e["clock_j"], leakage_j=e["leakage_j"], memory_j=e["memory_j"],
                       nz_macs=e["sim"]["layers"][0]["nz_macs"], macs=e["sim"]["layers"][0]["macs"],
                       coverage=e["coverage"], memories=e["memories"]))
    res["sparsity"] = sp
    idle = flow.run("idle", ["--idle", "500"])
    res["idle"] = dict(cycles=idle["cycles"], logic_j=idle["logic_j"], dynamic_j=idle["dynamic_j"],
                       clock_j=idle["clock_j"], leakage_j=idle["leakage_j"], coverage=idle["coverage"])
    return res


def write(a):
    res = measure(a)
    jpath = os.path.splitext(a.doc)[0] + ".json"
    if a.models_json:
        res["models"] = json.load(open(a.models_json))
    elif os.path.exists(jpath) and "models" in json.load(open(jpath)):
        res["models"] = json.load(open(jpath))["models"]   # the bundled-model runs are kept (energy_models.py)
    jpath = os.path.splitext(a.doc)[0] + ".json"
    with open(jpath, "w") as f:
        json.dump(res, f, indent=1, sort_keys=True, default=str)
    render(res, a.doc)
    print(f"wrote {a.doc} and {jpath}")


def render(res, doc):
    T = res["period_ns"]
    ck = res["checks"]
    L = []
    w = L.append
    w("# Energy from simulated switching activity")
    w("")
    w("Generated by `make -C synth energy` (`synth/energy_report.py`; data in [energy.json](energy.json)). "
      "**Gate-level, synthesis-only** figures: the OSU 0.18 um netlist of Yosys (no placement, no wire "
      "capacitance: pin capacitances only, so real wires would add switching energy), activity from a "
      "zero-delay cycle simulation (no glitches), power from OpenSTA's liberty models, clock "
      f"{1000 / T:.0f} MHz ({T:g} ns). SRAM energy is a model (below), not a measurement.")
    w("")
    w("## Build and method")
    w("")
    w(f"The small gate-level build ({res['build']}; every weight type, format, bit-serial and SYQ) is "
      "synthesised flat to OSU 0.18 um cells with the ASIC flow's mapping (`synth/ppa.py netlist --cells osu018 "
      "--macros --map-period 10`: `abc -D 10000` with buffering, as `make -C synth asic`), its memories kept as "
      "black-box SRAM macros. Verilator compiles that netlist with simulation models of the macros "
      "(`macros_sim.v`, outside the netlist) and VCD tracing of every net (`tests/energy`, target "
      "`tern_energy_sim`). A run samples every net once per clock cycle while the engine is busy; "
      "`synth/energy.py` counts per net bit the toggles between consecutive cycles and the cycles high, and "
      "splits them by layer with the sequencer's layer register (`i_core.i_seq.layer_q`, in the flat netlist "
      "under the name of the port it drives, `i_core.err_layer_o`). Every run's outputs "
      "are checked bit-exact against the functional model before its energy is used.")
    w("")
    pc = res["pin_check_w"]
    w("**Why not `set_power_activity -pins` per net.** Debian's OpenSTA 2.0.17 cannot take per-net "
      "activities: its `set_power_activity -pins` calls an undefined `get_pins_error` (and only loops over input "
      "pins), and the underlying `sta::set_power_pin_activity` values are overwritten by OpenSTA's own activity "
      "propagation (only `-global` and `-input_ports` are honoured; there is no `read_vcd`/`read_saif`). "
      f"Checked on every report: two inverters with their nets annotated 0 and then 1 transition per cycle give "
      f"{pc[0]:.6e} W and {pc[1]:.6e} W ({'identical: annotation ignored' if pc[0] == pc[1] else 'different'}). "
      "So the flow asks OpenSTA for each cell's power at two global activities, 0 and 1 (`report_power "
      "-instances`), and uses that OpenSTA's per-instance power is linear in the activity:")
    w("")
    w("    E = sum_cells leak_i * t  +  sum_cells clk_i * cycles * T  +  sum_cells e_i * toggles(output net of cell i)")
    w("")
    w("with `leak_i` the cell's leakage, `clk_i` its power at activity 0 less leakage (the internal power of "
      "flip-flop clock pins, whose activity OpenSTA always takes from the clock), `e_i = (P_i(1) - P_i(0)) * T` "
      "its energy per transition (switching of the output net's pin capacitance plus internal energy; the "
      "input-pin internal energy of flip-flops' D pins is attributed to Q transitions: the approximation of "
      "this method), `t = cycles * T`. Two cells with two outputs (HAX1/FAX1) take the mean of their "
      "outputs' toggles.")
    w("")
    w("## Checks")
    w("")
    z = ck["zero"]
    w("| check | result |")
    w("|---|---|")
    w(f"| zero activity, no clock (OpenSTA `report_power`, global and input activity 0) | internal "
      f"{z['internal']:.3e} W, switching {z['switching']:.3e} W, leakage {z['leakage']:.3e} W: **leakage only** |")
    w(f"| zero activity in the flow (no transitions, no clock edges) | energy = leakage x time (no clock or "
      f"transition term; CTest `energy.ActivityFlow`) |")
    w(f"| linearity: OpenSTA total at global activity 0.25 vs the per-instance model | {ck['a25_sta_w']:.6e} W vs "
      f"{ck['a25_linear_w']:.6e} W |")
    w(f"| cells in the netlist (OpenSTA instances) | {ck['cells']:,} |")
    w(f"| leakage of the logic | {ck['leakage_w'] * 1e6:.3f} uW |")
    w(f"| clock-pin power at {1000 / T:.0f} MHz (every cycle, busy or not) | {ck['clock_w'] * 1e3:.3f} mW "
      f"= {ck['clock_w'] * T * 1e-9 * 1e12:.2f} pJ per cycle |")
    idle = res["idle"]
    w(f"| idle engine (clock running, no program), {idle['cycles']} cycles | transitions "
      f"{idle['dynamic_j'] / idle['cycles'] * 1e12:.3f} pJ per cycle, clock {idle['clock_j'] / idle['cycles'] * 1e12:.2f} "
      f"pJ per cycle |")
    w("")
    w("## Annotation coverage")
    w("")
    w("Net bits of the netlist (every bit of every wire and port, as written by Yosys) found in the VCD, and "
      "cells whose output net is annotated (a cell without an annotated output would count no transitions):")
    w("")
    w("| run | net bits annotated | fraction | cells annotated | fraction |")
    w("|---|---|---|---|---|")
    rows = [(m["mode"], m["run"]["coverage"]) for m in res["modes"] if "run" in m]
    rows += [(s["tag"], s["coverage"]) for s in res["sparsity"]] + [("idle", idle["coverage"])]
    for name, cv in rows:
        w(f"| {name} | {cv['annotated_bits']:,} / {cv['net_bits']:,} | {cv['fraction']:.4f} | "
          f"{cv['cells_annotated']:,} / {cv['cells']:,} | {cv['cell_fraction']:.4f} |")
    miss = rows[0][1]["cells_missing"] if rows else []
    if miss:
        w("")
        w(f"Cells without an annotated output (first {len(miss)}): {', '.join('`' + x + '`' for x in miss)}.")
    w("")
    w("## Energy per non-zero MAC by mode")
    w("")
    w("Layer 1 of a two-layer program (layer 0: int8 conv writing the activations; layer 1, measured: conv "
      "4x4x4 -> 4, 3x3, pad 1, 144 weights, all non-zero, dense stream, the same shape for every mode); energy "
      "of the cycles the sequencer spends on layer 1 (descriptor, setup, input load, run, statistics record). "
      "Logic = leakage + clock + transitions of the whole gate-level design in those cycles (control, writer and "
      "requantisers included: at this size they dominate, so this is energy per MAC **of the small "
      "accelerator**, not of a multiplier); transitions = the activity-dependent part. The SRAM model's energy is "
      "not split by layer and not in this table (accesses per run: sparsity runs below). M = 4 filters is too "
      "few for packed dense rows, so ternary and binary run one code per lane per cycle like int8 here (pack: "
      "no): the rows differ in the multiplier datapath, the weight decoding and the activations only.")
    w("")
    w("| mode | pack | cycles | nz MACs | logic (nJ) | transitions (nJ) | logic per nz MAC (pJ) | transitions per nz MAC (pJ) | vs int8 (logic) | vs int8 (transitions) |")
    w("|---|---|---|---|---|---|---|---|---|---|")
    base = next((m for m in res["modes"] if m["mode"] == "int8" and "logic_j" in m), None)
    for m in res["modes"]:
        if "error" in m:
            w(f"| {m['mode']} | - | - | - | - | - | not run: {m['error']} | | | |")
            continue
        r1 = m["logic_per_mac_j"] / base["logic_per_mac_j"] if base else float("nan")
        r2 = m["dynamic_per_mac_j"] / base["dynamic_per_mac_j"] if base else float("nan")
        w(f"| {m['mode']} | {'yes' if m['layer']['pack'] else 'no'} | {m['cycles']:,} | {m['nz_macs']:,} | "
          f"{m['logic_j'] * 1e9:.3f} | {m['dynamic_j'] * 1e9:.3f} | {m['logic_per_mac_j'] * 1e12:.2f} | "
          f"{m['dynamic_per_mac_j'] * 1e12:.2f} | {r1:.3f} | {r2:.3f} |")
    w("")
    w("Published figures, for the ratios only (different technologies: this build is OSU 0.18 um at 1.8 V, "
      "gate-level and unplaced, the whole small accelerator per MAC):")
    w("")
    w("| source | technology | binary | ternary | 8-bit | binary / 8-bit | ternary / 8-bit |")
    w("|---|---|---|---|---|---|---|")
    w("| BrainTTA (Molendijk et al., arXiv:2211.11331), peak fJ per op | nanometre-scale CMOS (see the paper) | 35 | 67 | 405 | 0.086 | 0.165 |")
    w("| Horowitz, ISSCC 2014, 45 nm 0.9 V: 8-bit add 0.03 pJ, 8-bit multiply 0.2 pJ | 45 nm | - | - | - | add / multiply = 0.15 | |")
    ours = {m["mode"]: m for m in res["modes"] if "logic_j" in m}
    if base and "binary add/sub (8-bit activations)" in ours and "ternary" in ours:
        b = ours.get("binary XNOR (1-bit signed activations)") or ours["binary add/sub (8-bit activations)"]
        w(f"| this build, logic per nz MAC | OSU 0.18 um, 1.8 V | {b['logic_per_mac_j'] * 1e15:,.0f} | "
          f"{ours['ternary']['logic_per_mac_j'] * 1e15:,.0f} | {base['logic_per_mac_j'] * 1e15:,.0f} | "
          f"{b['logic_per_mac_j'] / base['logic_per_mac_j']:.3f} | "
          f"{ours['ternary']['logic_per_mac_j'] / base['logic_per_mac_j']:.3f} |")
        w(f"| this build, transitions per nz MAC | OSU 0.18 um, 1.8 V | {b['dynamic_per_mac_j'] * 1e15:,.0f} | "
          f"{ours['ternary']['dynamic_per_mac_j'] * 1e15:,.0f} | {base['dynamic_per_mac_j'] * 1e15:,.0f} | "
          f"{b['dynamic_per_mac_j'] / base['dynamic_per_mac_j']:.3f} | "
          f"{ours['ternary']['dynamic_per_mac_j'] / base['dynamic_per_mac_j']:.3f} |")
        w("")
        w("(\"binary\" of this build: the XNOR layer when it ran, else add/sub.) Absolute energies are not "
          "comparable across nodes: to first order dynamic energy scales with C V^2, and 0.18 um at 1.8 V "
          "against 45 nm at 0.9 V is about 4 x 4 = 16x; per MAC, the small build's fixed costs (control, "
          "clock, requantisers) are shared by only 2 x 2 lanes (x 8 on packed rows).")
    w("")
    w("## Energy per inference of the synthetic two-layer programs, split into logic and memory")
    w("")
    w("The whole busy window of each per-mode run above (one inference of the two-layer program: layer 0, "
      "int8 conv 4x4x4 -> 4 writing the activations; layer 1, the mode's conv; then the end descriptor), per "
      "layer (logic) and in total; SRAM = the access model over the whole run:")
    w("")
    w("| program (layer 1 mode) | cycles | layer 0 logic (nJ) | layer 1 logic (nJ) | other cycles logic (nJ) | logic (nJ) | SRAM model (nJ) | total (nJ) |")
    w("|---|---|---|---|---|---|---|---|")
    for m in res["modes"]:
        if "run" not in m:
            continue
        pl = m["run"]["per_layer"]
        l0, l1 = pl.get("0", {}).get("logic_j", 0.0), pl.get("1", {}).get("logic_j", 0.0)
        other = m["run"]["logic_j"] - l0 - l1
        w(f"| {m['mode']} | {m['run']['cycles']:,} | {l0 * 1e9:.1f} | {l1 * 1e9:.1f} | {other * 1e9:.1f} | "
          f"{m['run']['logic_j'] * 1e9:.1f} | {m['run']['memory_j'] * 1e9:.1f} | "
          f"{(m['run']['logic_j'] + m['run']['memory_j']) * 1e9:.1f} |")
    w("")
    w("## Sparsity: the same layer dense and with 90% zeros")
    w("")
    w("One conv layer (4x6x6 -> 4, 3x3, pad 1, ternary, RLE stream, read from the image), the whole busy window:")
    w("")
    w("| layer | cycles | MACs | nz MACs | logic (nJ) | transitions (nJ) | SRAM model (nJ) | total (nJ) |")
    w("|---|---|---|---|---|---|---|---|")
    for s in res["sparsity"]:
        w(f"| {'dense' if s['tag'].startswith('dense') else '90% zeros'} | {s['cycles']:,} | {s['macs']:,} | "
          f"{s['nz_macs']:,} | {s['logic_j'] * 1e9:.3f} | {s['dynamic_j'] * 1e9:.3f} | {s['memory_j'] * 1e9:.3f} | "
          f"{(s['logic_j'] + s['memory_j']) * 1e9:.3f} |")
    w("")
    w("## Memories (SRAM macros): accesses and modelled energy")
    w("")
    w("The macros are black boxes in the netlist (no power model): their reads and writes are counted in the "
      "simulation at their `re_i` / `we_i` pins (cycles with the enable high) and priced with a model: "
      f"{res['sram_model']}. Per access (pJ): " +
      ", ".join(f"{wd} x {dp}: {energy.sram_access_pj(wd, dp):.1f}" for wd, dp in
                sorted({(x['width'], x['depth']) for s in res['sparsity'] for x in s['memories']})) + ".")
    w("")
    w("| run | macro | reads | writes | pJ / access | energy (nJ) |")
    w("|---|---|---|---|---|---|")
    for s in res["sparsity"]:
        for x in s["memories"]:
            w(f"| {s['tag']} | `{x['inst']}` ({x['width']} x {x['depth']}) | {x['reads']} | {x['writes']} | "
              f"{x['pj_per_access']:.1f} | {x['energy_j'] * 1e9:.4f} |")
    w("")
    render_models(res.get("models"), w)
    w("## Commands")
    w("")
    w("```sh")
    w("make -C synth energy          # builds tern_energy_sim (build-energy/), runs this report -> docs/energy.{md,json}")
    w("# bundled models: the models build (tern_energy_model_sim), sampled gate-level runs, then the report")
    w("cmake --build build-energy -j 2 --target tern_energy_model_sim")
    w("/usr/bin/python3 synth/energy_models.py --sim build-energy/tests/energy/tern_energy_model_sim \\")
    w("    --netlist build-energy/tests/energy/Venergym/netlist.v --work build-energy/energy/models \\")
    w("    --out build-energy/energy/models.json --models cnn_fmnist_ternary,mlp_fmnist_ternary --images 0")
    w("/usr/bin/python3 synth/energy_report.py --render-only --models-json build-energy/energy/models.json")
    w("cd build-energy && ctest -R energy.ModelsFlow --output-on-failure   # mlp, 2 x 300-cycle windows: bit-exact, "
      "cycle attribution, coverage (skipped unless tern_energy_model_sim is built)")
    w("cd build-energy && ctest -L energy --output-on-failure     # energy.ActivityFlow: coverage, zero activity, dense > sparse")
    w("/usr/bin/python3 synth/energy.py run --sim build-energy/tests/energy/tern_energy_sim \\")
    w("    --netlist build-energy/tests/energy/Venergy/netlist.v --work build-energy/energy/run -- --wtype ternary --format rle --sparsity 0.5")
    w("```")
    w("")
    w("Not done yet (issue \"Energy per inference ... and placed-and-routed ASIC results\"): qflow place and route (die area, utilisation, wire length, SPEF-based timing and "
      "power), energy and post-route Fmax in `tern run`'s spec sheet.")
    with open(doc, "w") as f:
        f.write("\n".join(L) + "\n")


def mean(xs):
    xs = list(xs)
    return sum(xs) / len(xs) if xs else 0.0


def render_models(m, w):
    """Section: energy per inference of the bundled models (synth/energy_models.py results)."""
    w("## Energy per inference of the bundled models")
    w("")
    if not m or not m.get("runs"):
        w("**Not measured yet.** The bundled models do not fit the small build above; the models build and its "
          "flow (synth/energy_models.py, tests/energy/energy_model_sim.cpp) are described in the commands below.")
        w("")
        return
    runs = m["runs"]
    ck = m["checks"]
    wins = sorted({(r["window"], r["windows"]) for r in runs})
    w(f"**Synthesis estimate, no place and route, pin capacitance only** (no wire load, zero-delay activity: no "
      f"glitches), clock {m['period_ns']:g} ns; SRAM energy is the access model above, not a measurement.")
    w("")
    w(f"**Build.** The small build's array (Cols=2 Lanes=2 Pack=8 RqUnits=2, every weight type, format, "
      f"bit-serial and SYQ) with buffers that fit every bundled model: `{m['build']}` (the compiler's limits at "
      "this array: cnn `pool1` reads an input band of 14,336 bytes per lane bank, cnn `conv2` has C*R*S = 800 > "
      "MaxConvRow 256, the AddNet-3 `fc1` filter needs 485 weight-cache words). The memories are black-box SRAM "
      "macros, so the larger buffers add only address and index width to the logic: this build's netlist has "
      f"{ck['cells']:,} cells, leakage {ck['leakage_w'] * 1e6:.3f} uW, clock-pin power "
      f"{ck['clock_w'] * 1e3:.3f} mW ({ck['clock_w'] * m['period_ns'] * 1e3:.2f} pJ per cycle); OpenSTA at "
      f"activity 0.25 {ck['a25_sta_w']:.6e} W vs the per-instance linear model {ck['a25_linear_w']:.6e} W; zero "
      f"activity without clock: internal {ck['zero']['internal']:.3e} W, switching {ck['zero']['switching']:.3e} W, "
      f"leakage {ck['zero']['leakage']:.3e} W.")
    w("")
    wtxt = " or ".join(f"{n} windows of {ww:,} cycles" for ww, n in wins if ww) or "every cycle"
    if any(ww == 0 for ww, _ in wins):
        wtxt += " (runs marked 'every cycle' count all cycles: not used here)"
    w("**Method.** `tern_energy_model_sim` runs one test image of the model's data set (Fashion-MNIST or MNIST "
      "test split, image index in the tables) on the Verilated gate-level netlist of this build, compiled as "
      "`tern run` compiles it (rle requested, the compiler's automatic per-layer format choice). Activity is "
      "counted **inside the simulator**: Verilator's VCD output goes to a parser in the same process "
      "(a `VerilatedVcdFile` subclass; no VCD is stored), which counts per net bit the toggles between "
      "consecutive sampled cycles, per layer. Whole inferences are 0.5 to 0.7 million cycles at this array size; "
      "the gate-level model runs ~3,700 cycles/s without tracing but ~120 cycles/s with every cycle traced and "
      f"counted (about 70 min per image), so each layer is **sampled**: {wtxt}, spread evenly over the layer (starting at offsets k x cycles / "
      "windows, from the cycle model, whose statistics records the RTL's match); a layer no longer than "
      "the windows together is sampled on every cycle. A toggle is counted only between two consecutive sampled "
      "cycles. Every busy cycle is attributed to its layer (a layer ends with the write of the last word of its "
      "statistics record at the memory port; `end` = the end descriptor after the last layer), so the cycle "
      "counts are exact, and each layer's energy is **extrapolated** from its samples:")
    w("")
    w("    logic_L  = (leakage + clock-pin power) x N_L x T  +  (N_L / P_L) x sum_cells e_i x toggles_L(output of i)")
    w("    memory_L = (N_L / S_L) x sum_macros (reads_L + writes_L) x E_access(macro)")
    w("")
    w("with N_L the layer's cycles, P_L its counted cycle pairs, S_L its sampled cycles, e_i the OpenSTA energy per "
      "output transition of cell i (as above), and the SRAM reads / writes counted at the macro models' `re_i` / "
      "`we_i` in the sampled cycles. Energy per inference = the sum over the layers. Every run's layer outputs "
      "are checked bit-exact against the functional model and the reference network, and its per-layer statistics "
      "records against the cycle model's (a failing run gives no figure).")
    w("")
    # per model (mean over its images)
    # per model and image the run with the most sampled cycles (an every-cycle run when there is one)
    best = {}
    for r in runs:
        k = (r["model"], r["image"])
        if k not in best or r["samples"] > best[k]["samples"]:
            best[k] = r
    by = {}
    for (name, _), r in sorted(best.items()):
        by.setdefault(name, []).append(r)
    w("### Per model (mean over the images run)")
    w("")
    w("Per image the run with the most sampled cycles (an every-cycle run where there is one).")
    w("")
    w("Logic = leakage + clock-pin power (every cycle: the netlist has no clock gating) + transitions; at this "
      "array size the clock term is the largest, so energy per inference follows the cycle count.")
    w("")
    w("| model | data set | images | cycles per image | sampled cycles | logic (uJ) | of which clock (uJ) | "
      "of which transitions (uJ) | memory, SRAM model (uJ) | total per image (uJ) | nz MACs | total per nz MAC (pJ) | "
      "logic per nz MAC (pJ) |")
    w("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, rs in sorted(by.items()):
        cyc, lj, dj, mj, tj = (mean(r[k] for r in rs) for k in ("cycles", "logic_j", "dynamic_j", "memory_j", "total_j"))
        nz = mean(r["nz_macs"] for r in rs)
        smp = mean(r["samples"] for r in rs)
        cj = mean(r["clock_j"] for r in rs)
        w(f"| {name} | {rs[0]['dataset']} | {len(rs)} | {cyc:,.0f} | {smp:,.0f} ({smp / cyc:.1%}) | {lj * 1e6:.3f} | "
          f"{cj * 1e6:.3f} | "
          f"{dj * 1e6:.3f} | {mj * 1e6:.3f} | **{tj * 1e6:.3f}** | {nz:,.0f} | {tj / nz * 1e12:.1f} | "
          f"{lj / nz * 1e12:.1f} |")
    w("")
    w("### Per run")
    w("")
    w("| model | image | label | predicted | bit-exact | statistics = cycle model | sampling | cycles | logic (uJ) | "
      "memory (uJ) | total (uJ) | net bits annotated | cells annotated | simulation (s) |")
    w("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in sorted(runs, key=lambda r: (r["model"], r["image"], r["window"])):
        cv = r["coverage"]
        w(f"| {r['model']} | {r['image']} | {r['label']} | {r['predicted']} | {'yes' if r['bit_exact'] else 'NO'} | "
          f"{'yes' if r['stats_equal'] else 'NO'} | "
          f"{(str(r['windows']) + ' x ' + format(r['window'], ',')) if r['window'] else 'every cycle'} | {r['cycles']:,} | {r['logic_j'] * 1e6:.3f} | "
          f"{r['memory_j'] * 1e6:.3f} | {r['total_j'] * 1e6:.3f} | {cv['annotated_bits']:,} / {cv['net_bits']:,} | "
          f"{cv['cells_annotated']:,} / {cv['cells']:,} | {r['sim_seconds']:.0f} |")
    w("")
    w("### Per layer")
    w("")
    w("The first image of each model in the table above. Transitions per cycle = the sampled "
      "activity-dependent energy per cycle (the figure extrapolated); logic = leakage + clock + transitions.")
    w("")
    for name, rs in sorted(by.items()):
        r = rs[0]
        samp = f"{r['windows']} x {r['window']:,}-cycle windows per layer" if r["window"] else "every cycle counted"
        w(f"**{name}** (image {r['image']}, {samp}):")
        w("")
        w("| layer | type | format | cycles | sampled | transitions per cycle (pJ) | logic (nJ) | memory (nJ) | "
          "SRAM accesses | total (nJ) | nz MACs | logic per nz MAC (pJ) | memory per nz MAC (pJ) | total per nz MAC (pJ) |")
        w("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for L in r["layers"]:
            op = {1: "conv", 2: "fc", 3: "maxpool"}.get(L.get("op"), "end")
            typ = f"{op} {L.get('wtype', '')}".strip()
            nz = L.get("nz_macs", 0)
            per = (lambda x: f"{x / nz * 1e12:.1f}" if nz else "-")
            w(f"| {L['name']} | {typ} | {L.get('format', '-') if nz else '-'} | {L['cycles']:,} | {L['samples']:,} | "
              f"{L['dynamic_per_cycle_j'] * 1e12:.1f} | {L['logic_j'] * 1e9:.1f} | {L['memory_j'] * 1e9:.1f} | "
              f"{L['reads'] + L['writes']:,.0f} | {L['total_j'] * 1e9:.1f} | {nz:,} | {per(L['logic_j'])} | "
              f"{per(L['memory_j'])} | {per(L['total_j'])} |")
        w("")
    import glob
    done = {r["model"] for r in runs}
    rest = sorted(os.path.splitext(os.path.basename(x))[0] for x in glob.glob(os.path.join(ppa.ROOT, "models", "*.tnm")))
    rest = [x for x in rest if x not in done]
    if rest:
        w("Not run yet on this build (each fits it by the compiler and cycle model, `tern_ppa_cycles`: 0.57 to "
          "0.66 M cycles per image, the log2 and AddNet-3 models 2.4 M and 3.4 M; about 10 to 18 min of gate-level "
          "simulation per 0.6 M cycles on the shared 2-core machine): " + ", ".join(f"`{x}`" for x in rest) + ".")
        w("")
    val = m.get("validation")
    if val:
        w("### Check of the sampling")
        w("")
        w(val["text"])
        w("")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sim")
    ap.add_argument("--netlist")
    ap.add_argument("--work")
    ap.add_argument("--doc", default=os.path.join(ppa.ROOT, "docs", "energy.md"))
    ap.add_argument("--render-only", action="store_true", help="re-render the Markdown from the JSON beside it")
    ap.add_argument("--models-json", help="results of synth/energy_models.py (bundled models on the models build): "
                    "stored in docs/energy.json under 'models' and rendered")
    a = ap.parse_args()
    if a.render_only:
        jpath = os.path.splitext(a.doc)[0] + ".json"
        res = json.load(open(jpath))
        if a.models_json:
            res["models"] = json.load(open(a.models_json))
            with open(jpath, "w") as f:
                json.dump(res, f, indent=1, sort_keys=True, default=str)
        render(res, a.doc)
        return
    if not (a.sim and a.netlist and a.work):
        ap.error("--sim, --netlist and --work are required (unless --render-only)")
    a.work = os.path.abspath(a.work)
    write(a)


if __name__ == "__main__":
    main()
