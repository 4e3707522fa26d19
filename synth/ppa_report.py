#!/usr/bin/python3
"""Markdown report of the whole-accelerator PPA flows (docs/ppa.md) from the JSON results of synth/ppa.py."""
import glob
import json
import os
import subprocess

import ppa

BLOCK_NOTES = {
    "decompressor": "tern_dec_mux + the built decompressors (rtl/decomp) + tern_wdecode",
    "MAC lanes": "Lanes x tern_lane with their multipliers (rtl/arith) and accumulators",
    "requantiser": "Lanes x tern_requant (bias, multiply, round/shift, clamp, thresholds)",
    "buffers (FIFOs)": "word, parameter, nnz and output FIFOs (tern_fifo), in flip-flops",
    "control": "tern_engine's own logic (sequencer, CHECK, index/address generation, pipeline, pool, "
               "counters), tern_wfetch, tern_regs",
    "memories (macros)": "activation banks, index table, weight cache: SRAM macros, counted in bits below",
}


def load(out, name):
    p = os.path.join(out, name + ".json")
    return ppa.load_json(p) if os.path.exists(p) else None


def fmt_int(x):
    return f"{int(round(x)):,}"


def params_str(p):
    return ", ".join(f"{k}={hex(v) if k in ('MacTypes', 'Formats') else v}" for k, v in p.items())


def mem_table(mems):
    lines = ["| memory (tern_ram_1r1w) | width | depth | instances | bits |", "|---|---|---|---|---|"]
    names = {}
    for m in mems:
        lines.append(f"| {m['width']} x {m['depth']} | {m['width']} | {m['depth']} | {m['count']} | {fmt_int(m['bits'])} |")
    lines.append(f"| **total** | | | | **{fmt_int(sum(m['bits'] for m in mems))}** ({sum(m['bits'] for m in mems) / 8192:.1f} KiB) |")
    return lines


def generic_section(r):
    tot = r["total"]
    L = [f"### Generic gates, per block (`{r['config']}`: {params_str(r['params'])})", "",
         f"Yosys `synth -top tern_top` (hierarchy kept), `stat` and `stat -tech cmos`; {r['seconds']:.0f} s.", "",
         "| block | what | cells | % | flip-flops | transistors (no FFs) | % |", "|---|---|---|---|---|---|---|"]
    for b in ppa.BLOCKS:
        v = r["blocks"][b]
        L.append(f"| {b} | {BLOCK_NOTES[b]} | {fmt_int(v['cells'])} | {100 * v['cells'] / tot['cells']:.1f} | "
                 f"{fmt_int(v['ff'])} | {fmt_int(v['transistors'])} | {100 * v['transistors'] / tot['transistors']:.1f} |")
    L.append(f"| **total** | | **{fmt_int(tot['cells'])}** | | **{fmt_int(tot['ff'])}** | **{fmt_int(tot['transistors'])}** | |")
    L += ["", "Per module (all instances together):", "",
          "| module | instances | cells | flip-flops | transistors |", "|---|---|---|---|---|"]
    for m, v in sorted(r["modules"].items(), key=lambda kv: -kv[1]["cells"]):
        if v["cells"] == 0:
            continue
        L.append(f"| {m} | {v['instances']} | {fmt_int(v['cells'])} | {fmt_int(v['ff'])} | {fmt_int(v['transistors'])} |")
    L += ["", "Memories (black boxes in this flow):", ""] + mem_table(r["memories"]) + [""]
    return L


def xilinx_section(rs):
    L = []
    for r in rs:
        tot = r["total"]
        dsp = "with DSP inference" if r["flow"] == "xilinx" else "`-nodsp` (multipliers in LUTs)"
        L += [f"### Xilinx 7-series, {dsp} (`{r['config']}`)", "",
              f"Yosys `synth_xilinx -family xc7` (hierarchy kept; synthesis estimate, no place and route); "
              f"{r['seconds']:.0f} s. BRAM: RAMB36E1/RAMB18E1 as inferred by Yosys; LUT RAM and SRLs listed.", "",
              "| block | LUT | CARRY4 | FF | LUT RAM | SRL | MUXF7/8 | RAMB36 | RAMB18 | DSP48E1 |",
              "|---|---|---|---|---|---|---|---|---|---|"]
        for b in ppa.BLOCKS:
            v = r["blocks"][b]
            L.append(f"| {b} | {fmt_int(v['lut'])} | {fmt_int(v['carry'])} | {fmt_int(v['ff'])} | {fmt_int(v['lutram'])} | "
                     f"{fmt_int(v['srl'])} | {fmt_int(v['muxf'])} | {fmt_int(v['bram36'])} | {fmt_int(v['bram18'])} | "
                     f"{fmt_int(v['dsp'])} |")
        L.append(f"| **total** | **{fmt_int(tot['lut'])}** | {fmt_int(tot['carry'])} | {fmt_int(tot['ff'])} | "
                 f"{fmt_int(tot['lutram'])} | {fmt_int(tot['srl'])} | {fmt_int(tot['muxf'])} | {fmt_int(tot['bram36'])} | "
                 f"{fmt_int(tot['bram18'])} | {fmt_int(tot['dsp'])} |")
        L.append("")
    return L


def asic_section(r):
    s, tot = r["sta"], r["total"]
    bits = sum(m["bits"] for m in r["memories"])
    L = [f"### ASIC, OSU 0.18 um (`{r['config']}`)", "",
         "Yosys `synth -flatten`, `dfflibmap` and `abc -D <period> -liberty` (delay-targeted mapping with ABC's "
         "buffering and sizing; inputs assumed driven by BUFX2, outputs loaded with 10 fF) on "
         "`/usr/share/qflow/tech/osu018/osu018_stdcells.lib` (typical corner, 1.8 V, 25 C; cell areas in um^2). "
         "OpenSTA on the synthesised netlist: ideal clock, no wire load (no placement), I/O constrained "
         f"at 0 ns to the clock. Memories are SRAM macros with a flip-flop-like timing model (clk->rdata "
         f"{ppa.SRAM_CLK_Q_NS} ns, setup {ppa.SRAM_SETUP_NS} ns, area 0): their {fmt_int(bits)} bits are not in "
         f"the area. {r['seconds']:.0f} s.", "",
         "| metric | value |", "|---|---|",
         f"| standard-cell area | **{tot['area_um2'] / 1e6:.3f} mm^2** ({fmt_int(tot['area_um2'])} um^2) |",
         f"| of which flip-flops | {tot['ff_area_um2'] / 1e6:.3f} mm^2 ({fmt_int(tot['ff'])} DFFs) |",
         f"| cells | {fmt_int(tot['cells'])} (+ {tot['macros']} SRAM macros) |",
         f"| clock target | {r['period_ns']} ns ({1000 / r['period_ns']:.0f} MHz) |",
         f"| worst slack (setup) | {s['wns_ns']:.3f} ns |",
         f"| total negative slack | {s['tns_ns']:.1f} ns |",
         f"| critical path delay | {s.get('crit_arrival_ns', 0):.3f} ns (data arrival) |",
         f"| **Fmax** = 1 / (period - worst slack) | **{r['fmax_mhz']:.1f} MHz** |",
         f"| critical path | `{s.get('crit_start', '?')}` -> `{s.get('crit_end', '?')}` |"]
    if s.get("power_w"):
        pw = s["power_w"]
        L.append(f"| power at {r['period_ns']} ns, activity {r['activity']} (OpenSTA `report_power`) | "
                 f"{pw['total'] * 1e3:.1f} mW (internal {pw['internal'] * 1e3:.1f}, switching {pw['switching'] * 1e3:.1f}, "
                 f"leakage {pw['leakage'] * 1e6:.2f} uW) |")
    L += ["", "Worst endpoints, grouped by register (the 200 worst endpoint pins):", "",
          "| register | worst slack (ns) | bits among the 200 |", "|---|---|---|"]
    for g in s.get("endpoint_groups", [])[:12]:
        L.append(f"| `{g['register']}` | {g['slack']:.3f} | {g['bits']} |")
    L.append("")
    return L


def ice40_section(rs, slices):
    dev, pkg = ppa.ICE40_DEVICE
    capx, capu = ppa.ICE40_CAPACITY["hx8k"], ppa.ICE40_CAPACITY["up5k"]
    L = [f"### iCE40{dev.upper()} ({pkg}): whole-accelerator fit check, placed-and-routed datapath slices", "",
         "Yosys `synth_ice40` (flattened, no DSP inference: the HX8K has none) of `tern_top` inside a "
         "place-and-route boundary (synth/ppa.py `write_wrapper`: every input from a scan shift register fed by one "
         "pin, every output registered and XOR-folded to one pin; tern_top's ~400 ports do not fit the package, "
         "and this keeps every path register to register without optimising logic away; the boundary adds about "
         "one flip-flop per port bit). If the cells fit the HX8K, `nextpnr-ice40 "
         f"--{dev} --package {pkg} --freq {ppa.ICE40_FREQ_MHZ} --seed 1` places and routes it; Fmax is nextpnr's "
         "achieved frequency for the clock after routing.", "",
         "| config | LUT4 | SB_CARRY | flip-flops | SB_RAM40_4K | fits HX8K (7680 LUT, 32 BRAM) | "
         "fits UP5K (5280 LUT, 30 BRAM) | placed and routed | **Fmax (MHz)** | logic cells used (nextpnr) | "
         "synth + P&R s |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rs:
        c = r["cells"]
        fp = r.get("fits_parts", {})
        u = r.get("utilization", {}).get("ICESTORM_LC")
        ulc = f"{u['used']} / {u['available']}" if u else "-"
        fm = f"**{r['fmax_mhz']:.1f}**" if r.get("fmax_mhz") else "-"
        L.append(f"| `{r['config']}` | {fmt_int(c['lut'])} | {fmt_int(c['carry'])} | {fmt_int(c['ff'])} | {c['bram']} | "
                 f"{'yes' if fp.get('hx8k') else '**no**'} | {'yes' if fp.get('up5k') else '**no**'} | "
                 f"{'yes' if r.get('fmax_mhz') else 'no'} | {fm} | {ulc} | {r['seconds']:.0f} |")
    L.append("")
    for r in rs:
        if r.get("crit_from"):
            L += [f"`{r['config']}` critical path (nextpnr): `{r['crit_from']}` -> `{r['crit_to']}`"
                  f" ({r.get('crit_delay_ns', 0):.1f} ns).", ""]
        L += [f"`{r['config']}` memories:", ""] + mem_table(r["memories"]) + [""]
    if slices:
        L += [f"Datapath slices, placed and routed the same way on the {dev.upper()} (the MAC slice of the default "
              "build is `synth/rtl/tern_ppa_mac.sv`: weight decoder, the engine's weight registers, Lanes x tern_lane):",
              "", "| slice | config | parameters | LUT4 | CARRY | FF | BRAM | fits | Fmax (MHz) | P&R s |",
              "|---|---|---|---|---|---|---|---|---|---|"]
        for s in slices:
            cc = s["cells"]
            par = ", ".join(f"{k}={hex(v) if k in ('MacTypes', 'Formats') else v}" for k, v in s["params"].items())
            fm = f"**{s['fmax_mhz']:.1f}**" if s.get("fmax_mhz") else "-"
            L.append(f"| {s['slice']} (`{s['top']}`) | {s['config']} | {par} | {fmt_int(cc['lut'])} | {fmt_int(cc['carry'])} | "
                     f"{fmt_int(cc['ff'])} | {cc['bram']} | {'yes' if s['fits'] else 'no'} | {fm} | "
                     f"{s.get('pnr_seconds', '-')} |")
        L.append("")
    return L


def write(out, doc):
    L = ["# Whole-accelerator PPA: area, timing, power", "",
         "Generated by `make synth` (`make -C synth all`: `synth/ppa.py` per flow, then `synth/ppa.py report`) with "
         f"{ppa.yosys_version()}, nextpnr-ice40 and OpenSTA. **All areas are synthesis estimates** (Yosys), not "
         "place-and-route results; iCE40 Fmax comes from nextpnr-ice40 place and route, ASIC timing and power from "
         "OpenSTA on the synthesised (unplaced) netlist. The design-space sweep is in "
         "[ppa_sweep.md](ppa_sweep.md); the gate-level check is described at the end.", "",
         "What is counted: the activation banks, index table and weight cache (every `tern_ram_1r1w`) are memories, "
         "reported in bits. The generic and ASIC flows keep them as black-box SRAM macros (no gates, no area); the "
         "FPGA flows infer block RAM (or LUT RAM) from the same RTL. FIFOs are flip-flops and count as buffers. "
         "Blocks are Yosys module instances (hierarchy kept), attributed as listed in the first table.", ""]
    cfgs = {}
    for name in ("generic-default", "xilinx-default", "xilinx_nodsp-default", "asic-default", "ice40-ice40",
                 "slice_mac-ternary8"):
        r = load(out, name)
        if r:
            cfgs[r["config"]] = r["params"]
    L += ["## Configurations", "", "| name | parameters |", "|---|---|"]
    for k, v in cfgs.items():
        L.append(f"| `{k}` | {params_str(v)} |")
    L.append("")
    L += ["## Results", ""]
    r = load(out, "generic-default")
    if r:
        L += generic_section(r)
    xs = [x for x in (load(out, "xilinx-default"), load(out, "xilinx_nodsp-default")) if x]
    L += xilinx_section(xs)
    r = load(out, "asic-default")
    if r:
        L += asic_section(r)
    rs = [x for x in (load(out, "ice40-ice40"), load(out, "ice40-default")) if x]
    slices = [ppa.load_json(p) for p in sorted(glob.glob(os.path.join(out, "slice_*.json")))]
    if rs:
        L += ice40_section(rs, slices)
    g = load(out, "generic-ice40")
    r = load(out, "ice40-ice40")
    if g and r:
        ctl = g["blocks"]["control"]["cells"] + g["blocks"]["buffers (FIFOs)"]["cells"]
        L += [f"Why the whole accelerator is not placed and routed on an iCE40: even the smallest legal build "
              f"(`ice40` above: 1 lane, ternary only, one format, minimum buffers) needs {fmt_int(r['cells']['lut'])} "
              f"LUT4, {r['cells']['lut'] / ppa.ICE40_CAPACITY['hx8k']['lut']:.1f}x the HX8K's 7,680 (the largest "
              "iCE40 nextpnr supports). The datapath is not the problem: the generic synthesis of that build "
              f"(`synth/ppa.py generic ice40`) puts {fmt_int(ctl)} of its {fmt_int(g['total']['cells'])} cells "
              f"({100 * ctl / g['total']['cells']:.0f}%) in the control path and FIFOs (tern_engine's sequencer, "
              "descriptor CHECK, address generation, 64-bit statistics counters; tern_wfetch; tern_regs), which "
              "no build parameter shrinks. So the iCE40 Fmax figures are for the datapath slices that do fit; "
              "the whole design's clock is the ASIC OpenSTA figure above (and its critical path is in the control).",
              ""]
    times = [(x["flow"] + ("-" + x["slice"] if x.get("slice") else ""), x["config"], x["seconds"])
             for x in (ppa.load_json(p) for p in sorted(glob.glob(os.path.join(out, "*.json"))))
             if "seconds" in x and "flow" in x]
    if times:
        L += ["## Run times", "",
              "Wall seconds of each flow in the last `make -C synth all` (2 cores shared with other builds):", "",
              "| flow | config | seconds |", "|---|---|---|"]
        L += [f"| {f} | `{c}` | {s:.0f} |" for f, c, s in times]
        L += [f"| **sum** | | **{sum(s for _, _, s in times):.0f}** ({sum(s for _, _, s in times) / 60:.1f} min) |", ""]
    notes = os.path.join(ppa.HERE, "ppa_notes.md")
    if os.path.exists(notes):
        L += [open(notes).read()]
    with open(doc, "w") as f:
        f.write("\n".join(L).rstrip() + "\n")
    print(f"wrote {doc}")
