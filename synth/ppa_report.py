#!/usr/bin/python3
"""Markdown report of the whole-accelerator PPA flows (docs/ppa.md) from the JSON results of synth/ppa.py."""
import glob
import os

import ppa

BLOCK_NOTES = {
    "decompressors": "per column: tern_feed (weight-cache reader), tern_colseq (row/replay sequencing: pass, "
                     "pixel group, bit-plane), tern_dec_mux + the built decompressors (rtl/decomp), "
                     "tern_decomp_dense8 (Pack 8), tern_wdecode",
    "mac": "Cols x Lanes x tern_pe with their multipliers, packed dot products and bit-serial units (rtl/arith) "
           "and two accumulators each",
    "requant": "tern_rq_pool: RqUnits x tern_requant (bias, multiply, round/shift, clamp, thresholds) shared by "
               "the columns",
    "buffers": "FIFOs (tern_fifo), in flip-flops",
    "control": "everything else: tern_core (sequencer), tern_seq, tern_desc_check, tern_fetch, tern_writer, "
               "tern_mem_arb, tern_pool, tern_stats, tern_regs, tern_column's glue",
    "memories": "activation banks (tern_ram_be, byte strobes), weight caches and index table (tern_ram_1r1w): "
                "SRAM macros in the generic/ASIC flows, counted in bits below",
}


def load(out, name):
    p = os.path.join(out, name + ".json")
    return ppa.load_json(p) if os.path.exists(p) else None


def fmt_int(x):
    return f"{int(round(x)):,}"


def params_str(p):
    return ", ".join(f"{k}={hex(v) if k in ('MacTypes', 'Formats') else v}" for k, v in p.items())


def mem_table(mems):
    lines = ["| memory | width | depth | instances | bits |", "|---|---|---|---|---|"]
    for m in mems:
        kind = "tern_ram_be (byte strobes)" if m.get("kind") == "be" else "tern_ram_1r1w"
        lines.append(f"| {kind} | {m['width']} | {m['depth']} | {m['count']} | {fmt_int(m['bits'])} |")
    lines.append(f"| **total** | | | | **{fmt_int(sum(m['bits'] for m in mems))}** ({sum(m['bits'] for m in mems) / 8192:.1f} KiB) |")
    return lines


def generic_section(r):
    tot = r["total"]
    L = [f"### Generic gates, per block (`{r['config']}`: {params_str(r['params'])})", "",
         f"Yosys `synth -top tern_top` (hierarchy kept), `stat` and `stat -tech cmos`; {r['seconds']:.0f} s.", "",
         "| block | what | cells | % | flip-flops | transistors (no FFs) | % |", "|---|---|---|---|---|---|---|"]
    for b in ppa.BLOCKS:
        v = r["blocks"][b]
        L.append(f"| {b} | {BLOCK_NOTES[b]} | {fmt_int(v['cells'])} | {100 * v['cells'] / max(1, tot['cells']):.1f} | "
                 f"{fmt_int(v['ff'])} | {fmt_int(v['transistors'])} | "
                 f"{100 * v['transistors'] / max(1, tot['transistors']):.1f} |")
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


def ice40_section(rs):
    dev, pkg = ppa.ICE40_DEVICE
    L = [f"### iCE40 {dev.upper()} ({pkg}): the whole accelerator placed and routed", "",
         "Yosys `synth_ice40` (flattened, no DSP inference: the HX8K has none) of the WHOLE `tern_top` inside a "
         "place-and-route boundary (synth/ppa.py `write_wrapper`: every input from a scan shift register fed by one "
         "pin, every output registered and XOR-folded to one pin; tern_top's ~300 ports do not fit the package, "
         "and this keeps every path register to register without optimising logic away; the boundary adds about "
         "one flip-flop per port bit). If the cells fit the HX8K, `nextpnr-ice40 "
         f"--{dev} --package {pkg} --freq {ppa.ICE40_FREQ_MHZ} --seed 1` places and routes it; Fmax is nextpnr's "
         "achieved frequency for the clock after routing (a place-and-route result, not an estimate).", "",
         "| config | LUT4 | SB_CARRY | flip-flops | SB_RAM40_4K (min. from the memories) | fits HX8K (7680 LUT, 32 BRAM) | "
         "fits UP5K (5280 LUT, 30 BRAM) | placed and routed | **Fmax (MHz)** | logic cells used (nextpnr) | "
         "synth + P&R s |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rs:
        c = r["cells"]
        fp = r.get("fits_parts", {})
        u = r.get("utilization", {}).get("ICESTORM_LC")
        ulc = f"{u['used']} / {u['available']}" if u else "-"
        fm = f"**{r['fmax_mhz']:.1f}**" if r.get("fmax_mhz") else "-"
        L.append(f"| `{r['config']}` | {fmt_int(c['lut'])} | {fmt_int(c['carry'])} | {fmt_int(c['ff'])} | {c['bram']} "
                 f"({r.get('bram_min', '-')}) | {'yes' if fp.get('hx8k') else '**no**'} | "
                 f"{'yes' if fp.get('up5k') else '**no**'} | {'yes' if r.get('fmax_mhz') else 'no: ' + str(r.get('reason'))} | "
                 f"{fm} | {ulc} | {r['seconds']:.0f} |")
    L.append("")
    for r in rs:
        if r.get("crit_from"):
            L += [f"`{r['config']}` critical path (nextpnr): `{r['crit_from']}` -> `{r['crit_to']}`"
                  f" ({r.get('crit_delay_ns', 0):.1f} ns).", ""]
        L += [f"`{r['config']}` memories (each 64-bit word needs at least 4 SB_RAM40_4K, 256 x 16 bit each):", ""] + \
            mem_table(r["memories"]) + [""]
        bi = {k: v for k, v in (r.get("by_instance") or {}).items() if not k.startswith("bram:")}
        br = {k[5:]: v["bram"] for k, v in (r.get("by_instance") or {}).items() if k.startswith("bram:")}
        if br:
            L += [f"`{r['config']}` block RAMs by the memory they hold (named by their read-data net): " +
                  ", ".join(f"`{k}` {v}" for k, v in sorted(br.items(), key=lambda kv: -kv[1])) + ".", ""]
        if bi:
            tot = sum(v["lut"] for v in bi.values())
            L += [f"`{r['config']}`: where the LUT4s are (the flattened netlist's cells attributed by the hierarchical "
                  "name of the net each drives; `gen_col[*]` is the column: weight feeder, row sequencer, "
                  "decompressors and its PEs):", "",
                  "| instance | LUT4 | % | flip-flops |", "|---|---|---|---|"]
            for k, v in sorted(bi.items(), key=lambda kv: -kv[1]["lut"]):
                L.append(f"| `{k}` | {fmt_int(v['lut'])} | {100 * v['lut'] / max(1, tot):.1f} | {fmt_int(v['ff'])} |")
            L.append("")
    return L


def ice40_build_section(out, r):
    """The iCE40 build: does the whole design place and route, and a bundled model on its RTL
    (`make -C synth ice40-run` writes ice40-run.json with the tern CLI's spec sheet)."""
    p = ppa.params_of(ppa.CONFIGS["ice40"])
    slots = p["Cols"] * p["Lanes"] * p["Pack"]
    L = ["## iCE40 build", "",
         f"`ice40` ({params_str(p)}): {p['Cols']} column x {p['Lanes']} lanes x Pack {p['Pack']} = {slots} ternary MAC "
         "slots (8 packed ternary codes per lane per cycle on dense rows), the int8 multiplier for a model's first "
         "and last layers, dense and RLE streams, no bit-serial datapath, no SYQ, no statistics record, one "
         "serial requantiser (`RqSerial`: 24 cycles per output, a third of `tern_requant`'s LUTs), buffers just large enough for `models/mlp_fmnist_ternary.tnm` (the compiler's limits: "
         "fc1's int8 rows need CacheWords 256; the bundled CNNs need larger lane banks: with BankBytes 1024 or 2048 "
         "the compiler stops at \"layer 1 'pool1': input band of 14336 bytes (7 output rows per lane) exceeds the "
         "lane bank\").", ""]
    if r:
        c = r["cells"]
        cap = ppa.ICE40_CAPACITY["hx8k"]
        bi = {k: v for k, v in (r.get("by_instance") or {}).items() if not k.startswith("bram:")}
        fifo_br = sum(v["bram"] for k, v in (r.get("by_instance") or {}).items()
                      if k.startswith("bram:") and ".i_ck" in k)
        col = sum(v["lut"] for k, v in bi.items() if "gen_col" in k)
        rest = sum(v["lut"] for k, v in bi.items() if "gen_col" not in k and k != "boundary")
        col_share = f"{100 * col / max(1, col + rest):.0f}%"
        if r.get("fits"):
            L.append(f"**Placed and routed** on the {r['device'].upper()} ({r['package']}): {fmt_int(c['lut'])} LUT4, "
                     f"{c['bram']} SB_RAM40_4K, **{r['fmax_mhz']} MHz** (nextpnr-ice40).")
        else:
            L.append(f"**Does not fit** the HX8K, the largest iCE40 nextpnr supports: {r.get('reason')}. The whole "
                     f"design needs {c['lut'] / cap['lut']:.2f}x the HX8K's LUT4s ({c['bram']} block RAMs where the "
                     f"memories need at least {r.get('bram_min')}; the writer's chunk FIFO `i_ck` takes {fifo_br}), "
                     "so no iCE40 Fmax exists for it; the table above shows where the LUT4s are. The datapath is "
                     f"not the problem: the column with its 16 MAC slots is {col_share} of the LUTs, and everything "
                     f"outside the column (and the boundary) already needs {fmt_int(rest)} LUT4 "
                     f"({rest / cap['lut']:.2f}x the HX8K): the descriptor check, the writer, the serial "
                     "requantiser, the sequencer, the pooling unit and the memory-port arbiter are most of it. "
                     "Done so far for this build: the serial requantiser (`RqSerial`, replacing the 3-stage "
                     "`tern_requant`) and a chunk FIFO that keeps only what a raw chunk of `RqUnits` channels "
                     "needs (`tern_writer` RawCh); measured before both: 13,181 LUT4 and 38 block RAMs, with the "
                     "serial requantiser alone: 11,551 LUT4 (synth_ice40 runs of 7 December 2026). "
                     "Fitting an HX8K needs more RTL work in the control blocks (e.g. a writer and check for a "
                     "narrower address space, a serial band computation).")
        L.append("")
    run = load(out, "ice40-run")
    txt = os.path.join(out, "ice40-run.txt")
    if run and run.get("rtl"):
        rt = run["rtl"]
        L.append(f"A bundled model on this build's RTL (`make -C synth ice40-run`: the `tern` CLI built against a "
                 f"Verilated model of this configuration, `tern_ice40`): `{run['model']}`, "
                 f"**{rt['agree']} / {rt['images']} images bit-exact** in every layer against the golden model and "
                 f"the reference inference, RTL top-1 {100 * rt['correct'] / max(1, rt['images']):.1f}% on those "
                 f"images; {fmt_int(run['cycles_per_image'])} cycles per image (cycle model, batch 1), "
                 f"{fmt_int(rt.get('run_cycles_per_image', 0))} cycles per image on the RTL " +
                 ("(its run counter, start to done)." if rt.get("stats_record") else
                  "(busy cycles from start to done as the testbench counts them: this build has no counters)."))
        if r and r.get("fmax_mhz"):
            L.append(f"At the placed-and-routed {r['fmax_mhz']} MHz: "
                     f"{r['fmax_mhz'] * 1e6 / run['cycles_per_image']:.1f} images/s.")
        else:
            L.append("No placed-and-routed clock exists for this build (it does not fit), so no measured images/s "
                     "is stated for the iCE40; at the 40 MHz target it would be "
                     f"{40e6 / run['cycles_per_image']:.1f} images/s (a target clock, not a measurement).")
        L.append("")
        if os.path.exists(txt):
            L += ["Spec sheet of that run:", "", "```", open(txt).read().strip(), "```", ""]
    return L


def write(out, doc):
    L = ["# Whole-accelerator PPA: area, timing, power", "",
         "Generated by `make synth` (`make -C synth all`: `synth/ppa.py` per flow, then `synth/ppa.py report`) with "
         f"{ppa.yosys_version()}, nextpnr-ice40 and OpenSTA. **All areas are synthesis estimates** (Yosys), not "
         "place-and-route results; iCE40 Fmax comes from nextpnr-ice40 place and route, ASIC timing and power from "
         "OpenSTA on the synthesised (unplaced) netlist. The design-space sweep is in "
         "[ppa_sweep.md](ppa_sweep.md); the gate-level check is described at the end.", "",
         "What is counted (engine v2: tern_top is a Cols x Lanes array): the activation banks (every `tern_ram_be`, "
         "the byte-enable RAM) and the weight caches and index table (every `tern_ram_1r1w`) are memories, "
         "reported in bits. The generic and ASIC flows keep them as black-box SRAM macros (no gates, no area; the "
         "byte-enable macros have their byte strobes); the FPGA flows infer block RAM (or LUT RAM) from the same "
         "RTL. FIFOs are flip-flops and count as buffers. Blocks are Yosys module instances (hierarchy kept), "
         "attributed as listed in the first table.", ""]
    cfgs = {}
    for name in ("generic-default", "xilinx-default", "xilinx_nodsp-default", "asic-default", "ice40-ice40"):
        r = load(out, name)
        if r:
            cfgs[r["config"]] = r["params"]
    L += ["## Configurations", "", "| name | parameters |", "|---|---|"]
    for k, v in cfgs.items():
        L.append(f"| `{k}` | {params_str(v)} |")
    L.append("")
    L += ["## Results", ""]
    missing = [(n, t) for n, t in (("generic-default", "generic"), ("xilinx-default", "xilinx"),
                                   ("xilinx_nodsp-default", "xilinx"), ("asic-default", "asic"),
                                   ("ice40-ice40", "ice40")) if not load(out, n)]
    if missing:
        L += ["Not run yet (no result in `build/synth`): " + ", ".join(f"`{n}` (`make -C synth {t}`)" for n, t in missing) +
              ". The per-build Xilinx, ASIC and iCE40 figures of the design-space sweep are in "
              "[ppa_sweep.md](ppa_sweep.md).", ""]
    r = load(out, "generic-default")
    if r:
        L += generic_section(r)
    xs = [x for x in (load(out, "xilinx-default"), load(out, "xilinx_nodsp-default")) if x]
    L += xilinx_section(xs)
    r = load(out, "asic-default")
    if r:
        L += asic_section(r)
    rs = [x for x in (load(out, "ice40-ice40"),) if x]
    if rs:
        L += ice40_section(rs)
    L += ice40_build_section(out, load(out, "ice40-ice40"))
    times = [(x["flow"], x["config"], x["seconds"])
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
