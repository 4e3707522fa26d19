#!/usr/bin/python3
"""Whole-accelerator PPA flows for tern_top (engine v2, Cols x Lanes): generic Yosys cells, iCE40
(synth_ice40 + nextpnr-ice40 of the WHOLE design), Xilinx 7-series (synth_xilinx) and ASIC (OSU 0.18 um
liberty + OpenSTA). Results go to JSON files under --out (default build/synth); `report` turns them into
docs/ppa.md.

Usage (synth/Makefile drives these):
  ppa.py generic CONFIG | xilinx CONFIG | xilinx_nodsp CONFIG | asic CONFIG | ice40 CONFIG | report | configs
Configurations are defined in CONFIGS below (and by synth/sweep.py for the design-space sweep).

What is counted (docs/ppa.md repeats this):
* Every tern_ram_1r1w (weight caches, index table) and every tern_ram_be (byte-enable RAM: the activation
  banks) is a memory. In the generic and ASIC flows they are black boxes (SRAM macros, the byte-enable ones
  with their byte strobes): their bits are reported, not their gates. In the FPGA flows Yosys infers them as
  block RAM (SB_RAM40_4K, RAMB18/36) or LUT RAM.
* Blocks: decompressors (tern_decomp*, tern_dec_mux, tern_wdecode, and the per-column weight feeder
  tern_feed and row sequencer tern_colseq), mac (tern_pe and the multipliers / bit-serial units inside),
  requant (tern_rq_pool, tern_requant), buffers (tern_fifo, in flip-flops), control (everything else), and
  memories.
* All numbers are Yosys 0.23 synthesis results, except iCE40 Fmax (nextpnr-ice40 place and route) and
  ASIC timing/power (OpenSTA on the synthesised netlist, no placement, wire load not modelled).
"""
import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LIBERTY = "/usr/share/qflow/tech/osu018/osu018_stdcells.lib"
TOP = "tern_top"



def rtl_defaults(top=TOP):
    """Parameter defaults of tern_top as written in its RTL (`parameter int unsigned Name = value`)."""
    path = os.path.join(os.environ.get("TERN_RTL", os.path.join(ROOT, "rtl")), "core", top + ".sv")
    d = {}
    text = re.sub(r"//[^\n]*", "", open(path).read())
    for m in re.finditer(r"parameter\s+(?:int\s+unsigned|int|bit|logic)?\s*(\w+)\s*=\s*([^,\n)]+)", text):
        v = m.group(2).strip()
        v = re.sub(r"^\d*'[sS]?([hdb])", lambda x: {"h": "0x", "d": "", "b": "0b"}[x.group(1).lower()], v)
        d[m.group(1)] = int(v.replace("_", ""), 0)
    return d


RTL_DEFAULTS = rtl_defaults()

# Named configurations of the flows (parameters not listed take the RTL defaults).
CONFIGS = {
    # The RTL default build: 8 columns x 8 lanes, Pack 8, every multiplier type and format, bit-serial, SYQ,
    # statistics, 8 requantisers, 4 KiB lane banks.
    "default": dict(),
    # The iCE40 build: the whole tern_top placed and routed on an HX8K (docs/ppa.md "iCE40 build"): 2 lanes
    # x Pack 8 = 16 ternary MAC slots, int8 for a model's first and last layers, dense and RLE streams.
    "ice40": dict(Cols=1, Lanes=2, Pack=8, BankBytes=1024, CacheWords=256, MaxConvRow=64, AccBits=24,
                  MacTypes=0x03, Formats=0x03, BitSerial=0, Syq=0, Stats=0, RqUnits=1, RqSerial=1),
}

# iCE40 device used for place and route, and the capacities of both iCE40 parts for the fit check.
ICE40_DEVICE = ("hx8k", "ct256")
ICE40_CAPACITY = {"hx8k": dict(lut=7680, ff=7680, bram=32, dsp=0),
                  "up5k": dict(lut=5280, ff=5280, bram=30, dsp=8)}
ICE40_FREQ_MHZ = 100     # nextpnr target (achieved Fmax is reported whatever the target)
ASIC_PERIOD_NS = 10.0    # OpenSTA clock for the slack report
ASIC_ACTIVITY = 0.1      # toggles per clock cycle on every net (report_power -global activity)
SRAM_CLK_Q_NS = 0.16     # macro timing model: clock-to-output = DFFPOSX1 clk->Q (osu018, typical)
SRAM_SETUP_NS = 0.19     #                     setup           = DFFPOSX1 setup


def params_of(cfg):
    p = dict(RTL_DEFAULTS)
    p.update(cfg)
    return p


def rtl_dir():
    return os.environ.get("TERN_RTL", os.path.join(ROOT, "rtl"))


def rtl_files(exclude=(), top=TOP):
    """tern_pkg first, then the files of `top` and of every module it references (files are named
    after their module), so an unrelated file elsewhere in rtl/ cannot break the flows."""
    base = rtl_dir()
    by_name = {}
    for d, _, fs in sorted(os.walk(base)):
        for f in sorted(fs):
            if f.endswith(".sv"):
                by_name.setdefault(f[:-3], os.path.join(d, f))
    files, todo, seen = [], [top], {top, "tern_pkg"}
    while todo:
        path = by_name.get(todo.pop())
        if not path:
            continue
        if os.path.basename(path)[:-3] not in exclude:
            files.append(path)
        with open(path) as f:
            text = re.sub(r"//[^\n]*", "", f.read())
        for ref in re.findall(r"\b(tern_\w+)\b", text):
            if ref in by_name and ref not in seen:
                seen.add(ref)
                todo.append(ref)
    return [by_name["tern_pkg"]] + sorted(files)


def chparams(p, top=TOP):
    return "chparam " + " ".join(f"-set {k} {int(v)}" for k, v in p.items()) + f" {top}\n"


def yosys_version():
    return subprocess.run(["yosys", "-V"], capture_output=True, text=True).stdout.strip()


def run(cmd, log, timeout=7200, cwd=None):
    t0 = time.time()
    with open(log, "w") as lf:
        r = subprocess.run(cmd, stdout=lf, stderr=subprocess.STDOUT, timeout=timeout, cwd=cwd)
    dt = time.time() - t0
    if r.returncode != 0:
        tail = open(log).read()[-4000:]
        raise RuntimeError(f"{' '.join(cmd)} failed (log {log}):\n{tail}")
    return dt


def yosys(script, outdir, name, reuse_if=None):
    """Runs a Yosys script (kept as <outdir>/<name>.ys, log <name>.log). With PPA_REUSE=1 in the
    environment and `reuse_if` existing, the run is skipped (for re-summarising old results)."""
    if reuse_if and os.environ.get("PPA_REUSE") == "1" and os.path.exists(reuse_if):
        return 0.0
    path = os.path.join(outdir, name + ".ys")
    with open(path, "w") as f:
        f.write(script)
    return run(["yosys", "-q", "-l", os.path.join(outdir, name + ".log"), "-s", path],
               os.path.join(outdir, name + ".stdout"))


def load_json(path):
    """Reads JSON; drops the hierarchy tree that Yosys 0.23 `stat -json` prints unquoted into its output."""
    with open(path) as f:
        lines = [ln for ln in f if '"' in ln or re.fullmatch(r"\s*[{}\[\],]*\s*", ln)]
    return json.loads("".join(lines))


def save_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=1, sort_keys=True)


# ----------------------------------------------------------------------------------------------
# Memories: discovery and macro stand-ins

RAM_MODULES = ("tern_ram_1r1w", "tern_ram_be")   # every instance of these is a memory


def discover_rams(p, outdir):
    """(kind, Width, Depth) -> instance count of every tern_ram_1r1w and tern_ram_be (byte-enable RAM) below
    tern_top for parameters p; kind is "1r1w" or "be"."""
    jpath = os.path.join(outdir, "hier.json")
    yosys("read_verilog -sv " + " ".join(rtl_files()) + "\n" + chparams(p) +
          f"hierarchy -check -top {TOP}\nproc\nwrite_json {jpath}\n", outdir, "hier", reuse_if=jpath)
    d = load_json(jpath)["modules"]
    rams = {}  # module name -> (kind, W, D)
    for name, m in d.items():
        base = m.get("attributes", {}).get("hdlname", "").lstrip("\\") or base_name(name)
        if base in RAM_MODULES:
            pv = m.get("parameter_default_values", {})
            rams[name] = ("be" if base == "tern_ram_be" else "1r1w", int(pv["Width"], 2), int(pv["Depth"], 2))
    counts = {}

    def walk(mod, mult):
        for c in d[mod].get("cells", {}).values():
            t = c["type"]
            if t in rams:
                counts[rams[t]] = counts.get(rams[t], 0) + mult
            elif t in d:
                walk(t, mult)
    walk(TOP, 1)
    return counts


def macro_name(kind, w, dep):
    return f"tern_{'srambe' if kind == 'be' else 'sram'}_w{w}_d{dep}"


def write_macros(counts, outdir):
    """Replacements of tern_ram_1r1w and tern_ram_be that instantiate one black-box macro per (Width, Depth)
    (the byte-enable RAM's macro has the byte strobes wbe_i), the black boxes themselves, and a Liberty
    timing model of the macros for OpenSTA."""
    sv = ["// Generated by synth/ppa.py: tern_ram_1r1w / tern_ram_be as SRAM macros (black boxes) for "
          "generic/ASIC synthesis."]
    for kind, mod in (("1r1w", "tern_ram_1r1w"), ("be", "tern_ram_be")):
        be = kind == "be"
        sv += [f"module {mod} #(", "  parameter int unsigned Width = 64,", "  parameter int unsigned Depth = 1024,",
               "  localparam int unsigned AddrBits = (Depth <= 1) ? 1 : $clog2(Depth)", ") (",
               "  input  logic clk_i, input logic we_i, input logic [AddrBits-1:0] waddr_i,",
               "  input  logic [Width-1:0] wdata_i," + (" input logic [Width/8-1:0] wbe_i," if be else ""),
               "  input  logic re_i, input logic [AddrBits-1:0] raddr_i,",
               "  output logic [Width-1:0] rdata_o", ");"]
        first = True
        for (k, w, dep) in sorted(counts):
            if k != kind:
                continue
            kw = "if" if first else "else if"
            first = False
            sv.append(f"  {kw} (Width == {w} && Depth == {dep}) begin : gen_w{w}_d{dep}")
            sv.append(f"    {macro_name(k, w, dep)} i_macro (.clk_i, .we_i, .waddr_i, .wdata_i, "
                      f"{'.wbe_i, ' if be else ''}.re_i, .raddr_i, .rdata_o);")
            sv.append("  end")
        sv.append("endmodule")
    lib = ["/* Generated by synth/ppa.py: timing model of the SRAM macros standing in for tern_ram_1r1w and",
           f"   tern_ram_be. Registered read: clk->rdata {SRAM_CLK_Q_NS} ns, input setup {SRAM_SETUP_NS} ns (the",
           "   DFFPOSX1 values of osu018_stdcells.lib); area 0 (memories are reported in bits). */",
           "library (tern_macros) {", "  delay_model : table_lookup;", '  time_unit : "1ns";',
           '  voltage_unit : "1V";', '  current_unit : "1uA";', "  capacitive_load_unit (1,pf);",
           '  leakage_power_unit : "1nW";', '  pulling_resistance_unit : "1kohm";',
           "  nom_process : 1;", "  nom_voltage : 1.8;", "  nom_temperature : 25;"]
    widths = set()
    for (k, w, dep) in counts:
        widths.add(w)
        widths.add(max(1, math.ceil(math.log2(dep))))
        if k == "be":
            widths.add(w // 8)
    for n in sorted(widths):
        lib.append(f"  type (bus{n}) {{ base_type : array; data_type : bit; bit_width : {n}; "
                   f"bit_from : {n - 1}; bit_to : 0; downto : true; }}")

    def setup_arc():
        return ('timing () { related_pin : "clk_i"; timing_type : setup_rising; '
                f'rise_constraint (scalar) {{ values ("{SRAM_SETUP_NS}"); }} '
                f'fall_constraint (scalar) {{ values ("{SRAM_SETUP_NS}"); }} }}')

    for (k, w, dep) in sorted(counts):
        a = max(1, math.ceil(math.log2(dep)))
        be = k == "be"
        name = macro_name(k, w, dep)
        sv += ["", "(* blackbox *)",
               f"module {name} (input logic clk_i, input logic we_i, input logic [{a - 1}:0] waddr_i,",
               f"  input logic [{w - 1}:0] wdata_i," + (f" input logic [{w // 8 - 1}:0] wbe_i," if be else ""),
               f"  input logic re_i, input logic [{a - 1}:0] raddr_i,",
               f"  output logic [{w - 1}:0] rdata_o);", "endmodule"]
        lib += [f"  cell ({name}) {{", "    area : 0;", "    dont_touch : true;",
                "    pin (clk_i) { direction : input; capacitance : 0.01; clock : true; }",
                f"    pin (we_i) {{ direction : input; capacitance : 0.01; {setup_arc()} }}",
                f"    pin (re_i) {{ direction : input; capacitance : 0.01; {setup_arc()} }}"]
        buses = [("waddr_i", a), ("raddr_i", a), ("wdata_i", w)] + ([("wbe_i", w // 8)] if be else [])
        for pin, n in buses:
            if n == 1:
                lib.append(f"    pin ({pin}) {{ direction : input; capacitance : 0.01; {setup_arc()} }}")
            else:
                lib.append(f"    bus ({pin}) {{ bus_type : bus{n}; direction : input; capacitance : 0.01; "
                           f"{setup_arc()} }}")
        lib.append(f"    bus (rdata_o) {{ bus_type : bus{w}; direction : output; "
                   'timing () { related_pin : "clk_i"; timing_type : rising_edge; '
                   f'cell_rise (scalar) {{ values ("{SRAM_CLK_Q_NS}"); }} cell_fall (scalar) {{ values ("{SRAM_CLK_Q_NS}"); }} '
                   'rise_transition (scalar) { values ("0.1"); } fall_transition (scalar) { values ("0.1"); } } }')
        lib.append("  }")
    lib.append("}")
    with open(os.path.join(outdir, "macros.sv"), "w") as f:
        f.write("\n".join(sv) + "\n")
    with open(os.path.join(outdir, "macros.lib"), "w") as f:
        f.write("\n".join(lib) + "\n")


def mem_summary(counts):
    rows = []
    for (k, w, dep), n in sorted(counts.items()):
        rows.append(dict(kind=k, width=w, depth=dep, count=n, bits=w * dep * n))
    return rows


def ice40_bram_estimate(counts):
    """SB_RAM40_4K blocks the memories need at least: 256 x 16 bit each (a 64-bit word spans 4 blocks; with
    byte strobes the 16-bit blocks use bit masks, so the same count); deeper memories take ceil(D/256) times
    as many (the 512 x 8 and 1024 x 4 / 2048 x 2 shapes give the same bits per block)."""
    return sum(n * math.ceil(w / 16) * math.ceil(dep / 256) for (k, w, dep), n in counts.items())


def macro_sources(p, outdir):
    counts = discover_rams(p, outdir)
    write_macros(counts, outdir)
    return rtl_files(exclude=RAM_MODULES) + [os.path.join(outdir, "macros.sv")], counts


# ----------------------------------------------------------------------------------------------
# Hierarchical statistics -> blocks

BLOCKS = ["decompressors", "mac", "requant", "buffers", "control", "memories"]
BLOCK_TITLES = {"decompressors": "decompressors (feeders, row sequencers, decoders)", "mac": "MAC array (PEs)",
                "requant": "requantisers", "buffers": "buffers (FIFOs)", "control": "control",
                "memories": "memories"}


def base_name(mod):
    """tern_xxx from '$paramod$hash\\tern_xxx', '$paramod\\tern_xxx\\P=V', '\\tern_xxx' or a macro name."""
    m = mod.lstrip("\\")
    if m.startswith("$paramod"):
        parts = m.split("\\")
        m = parts[1] if len(parts) > 1 else m
    return m


def classify(base):
    """Block of a module (None: the block of its parent). tern_feed (weight-cache reader) and tern_colseq
    (per-column row/replay sequencing: pass, pixel group, bit-plane) are the index/row sequencing side of
    the weight path, so they count with the decompressors."""
    if base.startswith(("tern_sram_", "tern_srambe_")) or base in RAM_MODULES:
        return "memories"
    if base.startswith("tern_decomp") or base in ("tern_dec_mux", "tern_wdecode", "tern_feed", "tern_colseq"):
        return "decompressors"
    if (base in ("tern_pe", "tern_pack_tree") or base.startswith(("tern_mul", "tern_mac", "tern_bitserial")) or
            base in ("tern_dot", "tern_popcount", "tern_xnor_popcount")):
        return "mac"
    if base.startswith("tern_requant") or base == "tern_rq_pool":
        return "requant"
    if base.startswith("tern_fifo"):
        return "buffers"
    if base.startswith("tern_"):
        return "control"
    return None


def hier_totals(stat, metric_fns):
    """Attributes every primitive cell of the hierarchy (stat -json output) to a block and to a module
    instance path. metric_fns: name -> f(cell_type, count) -> value. Returns (blocks, modules), where
    modules maps base module name -> dict(instances, per-instance metrics)."""
    mods = {k.lstrip("\\"): v for k, v in stat["modules"].items()}
    blocks = {b: {k: 0.0 for k in metric_fns} for b in BLOCKS}
    per_mod = {}
    own_cache = {}

    def own(mod):
        if mod not in own_cache:
            o = {k: 0.0 for k in metric_fns}
            for t, n in mods[mod].get("num_cells_by_type", {}).items():
                if t.lstrip("\\") in mods:
                    continue
                for k, f in metric_fns.items():
                    o[k] += f(t, n)
            own_cache[mod] = o
        return own_cache[mod]

    def walk(mod, mult, block):
        b = classify(base_name(mod)) or block
        o = own(mod)
        for k in metric_fns:
            blocks[b][k] += mult * o[k]
        e = per_mod.setdefault(base_name(mod), {"instances": 0, **{k: 0.0 for k in metric_fns}})
        e["instances"] += mult
        for k in metric_fns:
            e[k] += mult * o[k]
        for t, n in mods[mod].get("num_cells_by_type", {}).items():
            if t.lstrip("\\") in mods:
                walk(t.lstrip("\\"), mult * n, b)
    walk(TOP, 1, "control")
    return blocks, per_mod


def is_ff(t):
    return bool(re.search(r"DFF|DLATCH|SR_|FD[A-Z]*$|SB_DFF", t)) or re.fullmatch(r"FD[A-Z]*", t) is not None


# ----------------------------------------------------------------------------------------------
# Flows

def outdir_for(out, flow, cfgname):
    d = os.path.join(out, f"{flow}-{cfgname}")
    os.makedirs(d, exist_ok=True)
    return d


def flow_generic(cfgname, cfg, out):
    p = params_of(cfg)
    od = outdir_for(out, "generic", cfgname)
    srcs, counts = macro_sources(p, od)
    sj, cj = os.path.join(od, "stat.json"), os.path.join(od, "cmos.json")
    dt = yosys("read_verilog -sv " + " ".join(srcs) + "\n" + chparams(p) +
               f"hierarchy -check -top {TOP}\nsynth -top {TOP}\n"
               f"tee -q -o {sj} stat -json\ntee -q -o {cj} stat -json -tech cmos\n", od, "generic", reuse_if=cj)
    stat, cmos = load_json(sj), load_json(cj)
    fns = {"cells": lambda t, n: n if t.startswith("$") else 0,
           "ff": lambda t, n: n if t.startswith("$") and is_ff(t) else 0}
    blocks, mods = hier_totals(stat, fns)
    # Transistor estimates (stat -tech cmos, flip-flops excluded by Yosys) are per module, own cells
    # only; they are attributed to blocks through the same hierarchy walk as a pseudo cell type.
    cm = {k.lstrip("\\"): v for k, v in cmos["modules"].items()}
    pseudo = {}
    for m, v in cm.items():
        est = str(v.get("estimated_num_transistors", "0")).rstrip("+")
        subs = {t.lstrip("\\"): n for t, n in v.get("num_cells_by_type", {}).items() if t.lstrip("\\") in cm}
        pseudo[m] = dict(num_cells_by_type=dict(subs, __tr=int(est) if est.isdigit() else 0))
    tblocks, tmods = hier_totals({"modules": pseudo}, {"transistors": lambda t, n: n if t == "__tr" else 0})
    for b in blocks:
        blocks[b]["transistors"] = tblocks[b]["transistors"]
    for m in mods:
        mods[m]["transistors"] = tmods.get(m, {}).get("transistors", 0)
    res = dict(flow="generic", config=cfgname, params=p, seconds=round(dt, 1), blocks=blocks, modules=mods,
               memories=mem_summary(counts),
               total=dict(cells=sum(b["cells"] for b in blocks.values()),
                          ff=sum(b["ff"] for b in blocks.values()),
                          transistors=sum(b["transistors"] for b in blocks.values())))
    save_json(os.path.join(out, f"generic-{cfgname}.json"), res)
    return res


def xilinx_counts(cells):
    lut = sum(n for t, n in cells.items() if re.fullmatch(r"LUT\d", t))
    return dict(lut=lut,
                lutram=sum(n for t, n in cells.items() if re.fullmatch(r"RAM\d+[MSX].*|RAM\d+X\d+[SD].*", t)),
                srl=sum(n for t, n in cells.items() if t.startswith("SRL")),
                muxf=sum(n for t, n in cells.items() if t.startswith("MUXF")),
                carry=cells.get("CARRY4", 0),
                ff=sum(n for t, n in cells.items() if re.fullmatch(r"FD[A-Z]*", t)),
                bram36=cells.get("RAMB36E1", 0), bram18=cells.get("RAMB18E1", 0),
                dsp=cells.get("DSP48E1", 0))


def flow_xilinx(cfgname, cfg, out, dsp=True):
    p = params_of(cfg)
    tag = "xilinx" if dsp else "xilinx_nodsp"
    od = outdir_for(out, tag, cfgname)
    counts = discover_rams(p, od)
    sj = os.path.join(od, "stat.json")
    dt = yosys("read_verilog -sv " + " ".join(rtl_files()) + "\n" + chparams(p) +
               f"hierarchy -check -top {TOP}\nsynth_xilinx -family xc7 {'' if dsp else '-nodsp'} -top {TOP}\n"
               f"tee -q -o {sj} stat -json\n", od, "xilinx", reuse_if=sj)
    stat = load_json(sj)
    keys = ["lut", "lutram", "srl", "muxf", "carry", "ff", "bram36", "bram18", "dsp"]

    def f_of(k):
        return lambda t, n: xilinx_counts({t: n})[k]
    blocks, mods = hier_totals(stat, {k: f_of(k) for k in keys})
    total = {k: sum(b[k] for b in blocks.values()) for k in keys}
    res = dict(flow=tag, config=cfgname, params=p, seconds=round(dt, 1), blocks=blocks, modules=mods,
               memories=mem_summary(counts), total=total)
    save_json(os.path.join(out, f"{tag}-{cfgname}.json"), res)
    return res


def sta_script(netlist, libs, period, outdir, activity, power_only=False):
    head = [*[f"read_liberty {l}" for l in libs],
            f"read_verilog {netlist}",
            f"link_design {TOP}",
            f"create_clock -name clk -period {period} [get_ports clk_i]",
            "set_input_delay 0 -clock clk [delete_from_list [all_inputs] [get_ports clk_i]]",
            "set_output_delay 0 -clock clk [all_outputs]",
            "set_load 0.01 [all_outputs]"]
    timing = ["puts \"@@WNS [sta::worst_slack_cmd max]\"",
              "puts \"@@TNS [sta::total_negative_slack_cmd max]\"",
              "report_checks -path_delay max -digits 3 -fields {fanout cap slew net}",
              "report_checks -path_delay max -group_count 200 -endpoint_count 1 -unique_paths_to_endpoint -format end"]
    power = [f"set_power_activity -global -activity {activity}", "report_power -digits 4"]
    return "\n".join(head + ([] if power_only else timing) + power + ["exit", ""])


def ff_outputs(netlist):
    """Flip-flop instance -> the net on its Q pin (the register's RTL name survives on that net)."""
    m = {}
    if not os.path.exists(netlist):
        return m
    text = open(netlist).read()
    for cell in re.finditer(r"\b(?:DFFPOSX1|DFFNEGX1|DFFSR|LATCH)\s+(\S+)\s*\((.*?)\);", text, re.S):
        q = re.search(r"\.Q\(([^)]*)\)", cell.group(2))
        if q:
            m[cell.group(1).lstrip("\\")] = q.group(1).strip().lstrip("\\")
    return m


def parse_sta(text, names=None):
    """WNS/TNS, the worst path, the worst endpoints (named after their register's Q net when `names`
    maps flip-flop instances to nets), and the power report of an OpenSTA log."""
    names = names or {}
    r = {}
    m = re.search(r"@@WNS\s+(\S+)", text)  # sta::worst_slack_cmd answers in seconds
    r["wns_ns"] = round(float(m.group(1)) * 1e9, 4) if m else None
    m = re.search(r"@@TNS\s+(\S+)", text)
    r["tns_ns"] = round(float(m.group(1)) * 1e9, 4) if m else None
    # critical path: startpoint/endpoint and data arrival of the first report_checks
    m = re.search(r"Startpoint: (\S+).*?Endpoint: (\S+).*?([\d.]+)\s+data arrival time", text, re.S)
    if m:
        r["crit_start"], r["crit_end"] = names.get(m.group(1), m.group(1)), names.get(m.group(2), m.group(2))
        r["crit_arrival_ns"] = float(m.group(3))
    # endpoint list (-format end): "pin (cell)  required  arrival  slack"
    ends = []
    for line in text.splitlines():
        mm = re.match(r"^(\S+)\s+\((\w+)\)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)", line)
        if mm:
            inst, _, pin = mm.group(1).rpartition("/")
            ep = names.get(inst.lstrip("\\"), inst) if inst else mm.group(1)
            ends.append(dict(endpoint=ep, pin=pin, cell=mm.group(2), required=float(mm.group(3)),
                             arrival=float(mm.group(4)), slack=float(mm.group(5))))
    r["endpoints"] = ends
    # the same grouped by register (bit index and pin dropped), worst slack first
    groups = {}
    for e in ends:
        g = re.sub(r"\[\d+\]", "[*]", e["endpoint"]).replace(" ", "")
        if g not in groups or e["slack"] < groups[g]["slack"]:
            groups[g] = dict(register=g, slack=e["slack"], bits=groups.get(g, {}).get("bits", 0))
        groups[g]["bits"] += 1
    r["endpoint_groups"] = sorted(groups.values(), key=lambda x: x["slack"])
    m = re.search(r"^Total\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)", text, re.M)
    if m:
        r["power_w"] = dict(internal=float(m.group(1)), switching=float(m.group(2)), leakage=float(m.group(3)),
                            total=float(m.group(4)))
    return r


def liberty_areas(path=None):
    """Cell -> area (um2) of every cell of the liberty (default LIBERTY). The area may follow other attributes
    (cell_footprint in the OSU 0.18 um buffers and inverters): before 8 December 2026 the ASIC flow read only
    areas right after the cell's brace and so left BUFX*, CLKBUF* and INVX* out of its cell counts and areas."""
    with open(path or LIBERTY) as f:
        return {m.group(1): float(m.group(2))
                for m in re.finditer(r"cell\s*\((\w+)\)\s*\{[^{}]*?\barea\s*:\s*([\d.]+)", f.read())}


def flow_asic(cfgname, cfg, out, period=ASIC_PERIOD_NS, activity=ASIC_ACTIVITY, fast=False):
    """Flattened synthesis to OSU 0.18 um cells (ABC delay-targeted at `period`, with buffering), then
    OpenSTA: worst slack at `period`, endpoints of the worst paths, power at `activity`. fast=True (the
    design-space sweep) uses ABC's fast script (`abc -fast`: map, buffer, up/down-size, no choice
    computation): several times quicker on the whole design. (Plain `abc -liberty` without -D is no
    option: it leaves nets of fanout >1000 unbuffered and OpenSTA then reports paths of ~300 ns.)"""
    p = params_of(cfg)
    od = outdir_for(out, "asic", cfgname)
    srcs, counts = macro_sources(p, od)
    sj, nl, constr = os.path.join(od, "stat.json"), os.path.join(od, "netlist.v"), os.path.join(od, "abc.constr")
    with open(constr, "w") as f:  # ABC: inputs driven by a BUFX2, outputs loaded with 10 fF
        f.write("set_driving_cell BUFX2\nset_load 0.01\n")
    dt = yosys("read_verilog -sv " + " ".join(srcs) + "\n" + chparams(p) +
               f"hierarchy -check -top {TOP}\nsynth -flatten -top {TOP}\n"
               f"dfflibmap -liberty {LIBERTY}\n" +
               f"abc {'-fast ' if fast else ''}-D {int(period * 1000)} -constr {constr} -liberty {LIBERTY}\n" +
               f"opt_clean\ntee -q -o {sj} stat -json -liberty {LIBERTY}\n"
               "opt_clean -purge\nsetundef -zero\nsplitnets -ports\n"
               f"write_verilog -noattr -noexpr -nohex -nodec {nl}\n", od, "asic", reuse_if=nl)
    stat = load_json(sj)
    areas = liberty_areas()
    cells = {t.lstrip("\\"): n for t, n in stat["design"]["num_cells_by_type"].items()}
    total = dict(area_um2=sum(n * areas.get(t, 0.0) for t, n in cells.items()),
                 cells=sum(n for t, n in cells.items() if t in areas),
                 ff=sum(n for t, n in cells.items() if t.startswith(("DFF", "LATCH"))),
                 macros=sum(n for t, n in cells.items() if t.startswith("tern_sram_")))
    total["ff_area_um2"] = sum(n * areas.get(t, 0.0) for t, n in cells.items() if t.startswith(("DFF", "LATCH")))
    script = os.path.join(od, "sta.tcl")
    with open(script, "w") as f:
        f.write(sta_script(nl, [LIBERTY, os.path.join(od, "macros.lib")], period, od, activity))
    slog = os.path.join(od, "sta.log")
    dts = run(["sta", "-no_init", "-no_splash", "-exit", script], slog)
    sta = parse_sta(open(slog).read(), ff_outputs(nl))
    if sta.get("wns_ns") is None:
        raise RuntimeError(f"OpenSTA gave no slack (log {slog})")
    fmax = 1000.0 / (period - sta["wns_ns"])
    # power again with the clock at Fmax (same activity per cycle)
    pscript = os.path.join(od, "sta_fmax.tcl")
    with open(pscript, "w") as f:
        f.write(sta_script(nl, [LIBERTY, os.path.join(od, "macros.lib")], round(1000.0 / fmax, 3), od, activity,
                           power_only=True))
    plog = os.path.join(od, "sta_fmax.log")
    dts += run(["sta", "-no_init", "-no_splash", "-exit", pscript], plog)
    sta["power_at_fmax_w"] = parse_sta(open(plog).read()).get("power_w")
    res = dict(flow="asic", config=cfgname, params=p, seconds=round(dt + dts, 1), total=total, abc="-fast -D" if fast else "-D",
               memories=mem_summary(counts), period_ns=period, activity=activity, sta=sta,
               fmax_mhz=round(fmax, 2))
    save_json(os.path.join(out, f"asic-{cfgname}.json"), res)
    return res


def ice40_counts(cells):
    return dict(lut=cells.get("SB_LUT4", 0), carry=cells.get("SB_CARRY", 0),
                ff=sum(n for t, n in cells.items() if t.startswith("SB_DFF")),
                bram=sum(n for t, n in cells.items() if t.startswith("SB_RAM")),
                dsp=cells.get("SB_MAC16", 0))


def flow_ice40(cfgname, cfg, out, device=None):
    """The WHOLE accelerator on iCE40: synth_ice40 (no DSPs) of tern_top inside the place-and-route boundary
    of write_wrapper (an iCE40 has too few pins for tern_top's ports), checked against the HX8K and UP5K
    capacities; if it fits `device` (default ICE40_DEVICE), nextpnr-ice40 places and routes it (Fmax,
    utilisation). When it does not fit, `reason` says which resource is short."""
    p = params_of(cfg)
    od = outdir_for(out, "ice40", cfgname)
    counts = discover_rams(p, od)
    res = ice40_pnr(TOP, p, rtl_files(), od, device=device)
    c = res["cells"]
    res.update(flow="ice40", config=cfgname, params=p, total=c, memories=mem_summary(counts),
               bram_min=ice40_bram_estimate(counts),
               fits_parts={dev: c["lut"] <= cap["lut"] and c["ff"] <= cap["ff"] and c["bram"] <= cap["bram"]
                           and c["dsp"] <= cap["dsp"] for dev, cap in ICE40_CAPACITY.items()})
    save_json(os.path.join(out, f"ice40-{cfgname}.json"), res)
    return res


def liberty_function_to_verilog(f):
    """Liberty boolean function ('!' not, '+' or, '^' xor, '*' or juxtaposition and) to Verilog."""
    toks = re.findall(r"[A-Za-z_][A-Za-z0-9_]*|[()!+^*&|']", f)
    out, prev_operand = [], False
    for t in toks:
        starts_operand = t == "(" or t == "!" or re.match(r"[A-Za-z_]", t)
        if prev_operand and starts_operand:
            out.append("&")
        if t == "!":
            out.append("~")
        elif t in ("+", "|"):
            out.append("|")
        elif t in ("*", "&"):
            out.append("&")
        elif t == "'":  # postfix complement of the previous operand
            out.insert(len(out) - 1, "~")
        else:
            out.append(t)
        prev_operand = t == ")" or t == "'" or bool(re.match(r"[A-Za-z_]", t))
    return " ".join(out)


def write_cell_models(path, liberty=LIBERTY):
    """Verilator-friendly Verilog models of the combinational, flip-flop and latch cells of a liberty
    (the vendor's osu018_stdcells.v uses sequential UDPs, which Verilator does not support)."""
    text = open(liberty).read()
    out = ["// Generated by synth/ppa.py from " + os.path.basename(liberty) + ": cell models for simulation."]
    for m in re.finditer(r"\n\s*cell\s*\((\w+)\)\s*\{", text):
        name = m.group(1)
        # the cell body: up to the next top-level cell
        nxt = re.search(r"\n\s*cell\s*\(", text[m.end():])
        body = text[m.end(): m.end() + nxt.start()] if nxt else text[m.end():]
        pins = re.findall(r"pin\s*\((\w+)\)\s*\{(.*?)\n\s{2}\}", body, re.S)
        if not pins or "three_state" in body:
            continue  # FILL, tri-state buffers: not used by the flows
        ports, decls, stmts = [], [], []
        for pn, pb in pins:
            d = re.search(r"direction\s*:\s*(\w+)", pb).group(1)
            ports.append(pn)
            decls.append(f"  {'input' if d == 'input' else 'output'} wire {pn};")
            fm = re.search(r'function\s*:\s*"([^"]*)"', pb)
            if d == "output" and fm:
                stmts.append(f"  assign {pn} = {liberty_function_to_verilog(fm.group(1))};")
        ff = re.search(r"ff\s*\((\w+),(\w+)\)\s*\{(.*?)\}", body, re.S)
        lt = re.search(r"latch\s*\((\w+),(\w+)\)\s*\{(.*?)\}", body, re.S)
        if ff:
            iq, iqn, fb = ff.groups()
            ns = re.search(r'next_state\s*:\s*"([^"]*)"', fb).group(1)
            ck = re.search(r'clocked_on\s*:\s*"([^"]*)"', fb).group(1)
            clr = re.search(r'clear\s*:\s*"([^"]*)"', fb)
            pre = re.search(r'preset\s*:\s*"([^"]*)"', fb)
            edge = "negedge" if ck.startswith("(!") else "posedge"
            clk = re.sub(r"[()!]", "", ck)
            sens = [f"{edge} {clk}"]
            body_v = []
            for cond, val in ((clr, "1'b0"), (pre, "1'b1")):
                if cond:
                    c = cond.group(1)
                    sig = re.sub(r"[()!]", "", c)
                    sens.append(f"{'negedge' if '!' in c else 'posedge'} {sig}")
                    body_v.append((liberty_function_to_verilog(c), val))
            decls.append(f"  reg {iq};")
            decls.append(f"  wire {iqn} = ~{iq};")
            chain = "".join(f"if ({c}) {iq} <= {v}; else " for c, v in body_v)
            stmts.insert(0, f"  always @({' or '.join(sens)}) {chain}{iq} <= {liberty_function_to_verilog(ns)};")
        elif lt:
            iq, iqn, lb = lt.groups()
            en = re.search(r'enable\s*:\s*"([^"]*)"', lb).group(1)
            di = re.search(r'data_in\s*:\s*"([^"]*)"', lb).group(1)
            decls.append(f"  reg {iq};")
            decls.append(f"  wire {iqn} = ~{iq};")
            stmts.insert(0, f"  always @* if ({liberty_function_to_verilog(en)}) {iq} = {liberty_function_to_verilog(di)};")
        out.append(f"module {name} ({', '.join(ports)});")
        out += decls + stmts + ["endmodule"]
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def write_macro_sim_models(counts, path):
    """Behavioural simulation models of the black-box SRAM macros of write_macros (registered read; the
    byte-enable macros write only the strobed bytes): the same behaviour as tern_ram_1r1w / tern_ram_be, for a
    gate-level simulation whose memories stay macros (synth/energy.py counts their accesses at their pins)."""
    out = ["// Generated by synth/ppa.py: simulation models of the SRAM macros (black boxes in synthesis)."]
    for (k, w, dep) in sorted(counts):
        a = max(1, math.ceil(math.log2(dep)))
        be = k == "be"
        out += [f"module {macro_name(k, w, dep)} (input wire clk_i, input wire we_i, input wire [{a - 1}:0] waddr_i,",
                f"  input wire [{w - 1}:0] wdata_i," + (f" input wire [{w // 8 - 1}:0] wbe_i," if be else ""),
                f"  input wire re_i, input wire [{a - 1}:0] raddr_i, output reg [{w - 1}:0] rdata_o);",
                f"  reg [{w - 1}:0] mem_q [0:{dep - 1}];",
                "  integer b;",
                "  always @(posedge clk_i) begin",
                (f"    if (we_i) for (b = 0; b < {w // 8}; b = b + 1) if (wbe_i[b]) mem_q[waddr_i][b*8 +: 8] <= wdata_i[b*8 +: 8];"
                 if be else "    if (we_i) mem_q[waddr_i] <= wdata_i;"),
                "    if (re_i) rdata_o <= mem_q[raddr_i];",
                "  end", "endmodule"]
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def flow_netlist(p, path, workdir, cells="generic", macros=False, period=None):
    """Gate-level netlist of tern_top for simulation (tests/gate): flattened Yosys synthesis, memories
    mapped to flip-flops, module renamed tern_top_gl, the engine's `busy` net exposed as an output port
    (the testbench polls it). cells = generic (Yosys internal gates) or osu018 (mapped to the liberty).
    macros=True keeps the memories as the black-box SRAM macros of the ASIC flow (write_macros) and writes
    their simulation models to macros_sim.v beside the netlist, and macros.lib (OpenSTA) to workdir, and
    flattens the modules marked keep_hierarchy too (one flat module: synth/energy.py's net names);
    period (ns, osu018 only) maps with the ASIC flow's delay target and buffering (abc -D, flow_asic)
    instead of plain `abc -liberty`. Returns the Yosys run time."""
    os.makedirs(workdir, exist_ok=True)
    srcs = rtl_files()
    if macros:
        srcs, counts = macro_sources(p, workdir)
        write_macro_sim_models(counts, os.path.join(os.path.dirname(path), "macros_sim.v"))
    script = ("read_verilog -sv " + " ".join(srcs) + "\n" + chparams(p) + f"hierarchy -check -top {TOP}\n" +
              ("setattr -mod -unset keep_hierarchy\n" if macros else "") +
              f"proc\nexpose {TOP}/busy\nsynth -flatten -top {TOP}\n")
    if cells == "osu018":
        abc = f"abc -liberty {LIBERTY}"
        if period:
            constr = os.path.join(workdir, "abc.constr")
            with open(constr, "w") as f:  # as flow_asic: inputs driven by a BUFX2, outputs loaded with 10 fF
                f.write("set_driving_cell BUFX2\nset_load 0.01\n")
            abc = f"abc -D {int(period * 1000)} -constr {constr} -liberty {LIBERTY}"
        script += (f"dfflibmap -liberty {LIBERTY}\n{abc}\nopt_clean\n")
    script += (f"rename -top {TOP}_gl\nopt_clean -purge\n" + ("setundef -zero\n" if macros else "") +
               f"tee -q -o {os.path.join(workdir, 'stat.json')} stat -json\n"
               f"write_verilog -noattr {'-noexpr -nohex -nodec ' if macros else ''}{path}.tmp\n")
    if cells == "osu018":
        write_cell_models(os.path.join(os.path.dirname(path), "cells.v"))
    dt = yosys(script, workdir, "netlist")
    os.replace(path + ".tmp", path)
    return dt


# ----------------------------------------------------------------------------------------------
# iCE40 place and route of the whole design

def port_list(top, p, srcs, od):
    jpath = os.path.join(od, "ports.json")
    yosys("read_verilog -sv " + " ".join(srcs) + "\n" + (chparams(p, top) if p else "") +
          f"hierarchy -check -top {top}\nproc\nwrite_json {jpath}\n", od, "ports")
    mods = load_json(jpath)["modules"]
    m = [v for k, v in mods.items() if k.lstrip("\\") == top or v.get("attributes", {}).get("top")][0]
    ports = []
    for name, v in m["ports"].items():
        ports.append((name, v["direction"], len(v["bits"])))
    return ports


def write_wrapper(top, p, ports, path):
    """A boundary for place and route: every input of `top` comes from a shift register fed by one pin,
    every output is registered and folded by registered 4-input XORs into one pin, so each path is
    register to register and no logic can be optimised away."""
    ins = [(n, w) for n, d, w in ports if d == "input" and n != "clk_i"]
    outs = [(n, w) for n, d, w in ports if d == "output"]
    ni = sum(w for _, w in ins)
    no = sum(w for _, w in outs)
    lines = ["// Generated by synth/ppa.py: place-and-route boundary (scan-in inputs, XOR-folded outputs).",
             "module tern_ppa_wrap (input wire clk, input wire sin, output wire sout);",
             f"  reg [{ni - 1}:0] in_q;",
             f"  always @(posedge clk) in_q <= {{in_q[{max(ni - 2, 0)}:0], sin}};" if ni > 1 else
             "  always @(posedge clk) in_q <= sin;",
             f"  wire [{no - 1}:0] out_w;", f"  reg [{no - 1}:0] out_q;", "  always @(posedge clk) out_q <= out_w;"]
    pa = ", ".join(f".{k}({int(v)})" for k, v in p.items())
    conns = []
    if any(n == "clk_i" for n, _, _ in ports):
        conns.append(".clk_i(clk)")
    o = 0
    for n, w in ins:
        conns.append(f".{n}(in_q[{o + w - 1}:{o}])")
        o += w
    o = 0
    for n, w in outs:
        conns.append(f".{n}(out_w[{o + w - 1}:{o}])")
        o += w
    lines.append(f"  {top} {'#(' + pa + ') ' if pa else ''}i_dut ({', '.join(conns)});")
    level, width, src = 0, no, "out_q"
    while width > 1:
        nw = (width + 3) // 4
        lines.append(f"  reg [{nw - 1}:0] x{level}_q;")
        lines.append("  always @(posedge clk) begin")
        for i in range(nw):
            hi = min(width, 4 * i + 4) - 1
            lines.append(f"    x{level}_q[{i}] <= ^{src}[{hi}:{4 * i}];")
        lines.append("  end")
        src, width, level = f"x{level}_q", nw, level + 1
    lines.append(f"  assign sout = {src}[0];")
    lines.append("endmodule")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return ni, no


def ice40_breakdown(netlist_json):
    """SB_LUT4 and SB_DFF* of the flattened iCE40 netlist per tern_core sub-instance (i_fetch, i_writer,
    gen_col[k], ...), attributed by the hierarchical name of the net each cell drives. LUTs whose output
    has no RTL name (ABC-internal nets) are counted as 'unnamed'; the boundary (wrapper) is 'boundary'."""
    d = load_json(netlist_json)["modules"]["tern_ppa_wrap"]
    bit2name = {}
    for n, v in d["netnames"].items():
        if n.startswith("$"):
            continue
        for b in v["bits"]:
            if isinstance(b, int) and (b not in bit2name or len(n) < len(bit2name[b])):
                bit2name[b] = n
    out = {}
    for c in d["cells"].values():
        t = c["type"]
        if t.startswith("SB_RAM"):
            names = sorted(bit2name[b] for b in c["connections"].get("RDATA", []) if isinstance(b, int) and b in bit2name)
            g = names[0].split(".mem_q")[0] if names else "unnamed"
            g = re.sub(r"\[\d+\]", "[*]", g[len("i_dut."):] if g.startswith("i_dut.") else g)
            e = out.setdefault("bram:" + g, {"lut": 0, "ff": 0, "bram": 0})
            e["bram"] += 1
            continue
        if t.startswith("SB_DFF"):
            kind, pin = "ff", "Q"
        elif t == "SB_LUT4":
            kind, pin = "lut", "O"
        else:
            continue
        n = bit2name.get(c["connections"][pin][0])
        if n is None:
            g = "unnamed"
        elif not n.startswith("i_dut."):
            g = "boundary"
        else:
            parts = n.split(".")
            g = ".".join(parts[1:3]) if len(parts) > 3 else ".".join(parts[1:-1]) or "tern_top"
            g = re.sub(r"\[\d+\]", "[*]", g)
        e = out.setdefault(g, {"lut": 0, "ff": 0})
        e[kind] += 1
    return out


def ice40_pnr(top, p, srcs, od, device=None):
    """synth_ice40 of `top` (parameters p) inside write_wrapper's boundary, then nextpnr-ice40 on `device`
    ((name, package), default ICE40_DEVICE) if the cells fit. Returns cells, fit (with the reason when it
    does not), Fmax, utilisation, critical path and run times."""
    ports = port_list(top, p, srcs, od)
    wrap = os.path.join(od, "wrap.v")
    ni, no = write_wrapper(top, p, ports, wrap)
    sj, nj = os.path.join(od, "stat.json"), os.path.join(od, "netlist.json")
    dt = yosys("read_verilog -sv " + " ".join(srcs) + f"\nread_verilog {wrap}\n"
               "hierarchy -check -top tern_ppa_wrap\nsynth_ice40 -top tern_ppa_wrap "
               f"-json {nj}\ntee -q -o {sj} stat -json\n", od, "synth", reuse_if=nj)
    cells = ice40_counts(load_json(sj)["design"]["num_cells_by_type"])
    by_inst = ice40_breakdown(nj)
    dev, pkg = device or ICE40_DEVICE
    rep = os.path.join(od, "nextpnr.json")
    res = dict(top=top, device=dev, package=pkg, boundary=dict(inputs=ni, outputs=no), cells=cells,
               by_instance=by_inst, synth_seconds=round(dt, 1), seconds=round(dt, 1))
    cap = ICE40_CAPACITY[dev]
    short = [f"{cells[k]:,} {name} > {cap[k]:,}" for k, name in
             (("lut", "SB_LUT4"), ("ff", "SB_DFF"), ("bram", "SB_RAM40_4K"), ("dsp", "SB_MAC16"))
             if cells[k] > cap[k]]
    if short:
        res.update(fits=False, fmax_mhz=None, reason=f"synth_ice40: {', '.join(short)} ({dev.upper()})")
        return res
    try:
        dtp = run(["nextpnr-ice40", f"--{dev}", "--package", pkg, "--json", nj, "--freq", str(ICE40_FREQ_MHZ),
                   "--seed", "1", "--timing-allow-fail", "--pcf-allow-unconstrained", "--report", rep],
                  os.path.join(od, "nextpnr.log"))
    except RuntimeError as e:
        log = open(os.path.join(od, "nextpnr.log")).read()
        if "Unable to place" in log or "failed to place" in log or "no bels" in log.lower() or "route" in log[-2000:]:
            res.update(fits=False, fmax_mhz=None, reason="nextpnr-ice40 failed: " + log.strip().splitlines()[-1][:200])
            return res
        raise e
    r = load_json(rep)
    fm = r.get("fmax", {})
    clk = [v for k, v in fm.items() if "clk" in k]
    res.update(fits=True, fmax_mhz=round(clk[0]["achieved"], 2) if clk else None, pnr_seconds=round(dtp, 1),
               seconds=round(dt + dtp, 1),
               utilization={k: v for k, v in r.get("utilization", {}).items() if v.get("used", 0)})
    crit = r.get("critical_paths", [])
    if crit:
        path = crit[0].get("path", [])
        res["crit_from"] = path[0]["from"]["cell"] if path else None
        res["crit_to"] = path[-1]["to"]["cell"] if path else None
        res["crit_delay_ns"] = round(sum(x.get("delay", 0) for x in path), 3) if path else None
    return res


# ----------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("flow", choices=["generic", "xilinx", "xilinx_nodsp", "asic", "ice40", "report",
                                     "configs", "netlist"])
    ap.add_argument("args", nargs="*")
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "synth"))
    ap.add_argument("--doc", default=os.path.join(ROOT, "docs", "ppa.md"))
    ap.add_argument("--period", type=float, default=ASIC_PERIOD_NS)
    ap.add_argument("--set", action="append", default=[], help="netlist: parameter Name=Value")
    ap.add_argument("--cells", default="generic", choices=["generic", "osu018"], help="netlist: cell library")
    ap.add_argument("--macros", action="store_true", help="netlist: memories as black-box SRAM macros")
    ap.add_argument("--map-period", type=float, default=None,
                    help="netlist (osu018): map with the ASIC flow's delay target (ns) and buffering")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    if a.flow == "configs":
        for k, v in CONFIGS.items():
            print(k, params_of(v))
        return
    if a.flow == "netlist":  # ppa.py netlist OUT.v --set Lanes=2 ...
        p = params_of({kv.split("=")[0]: int(kv.split("=")[1], 0) for kv in a.set})
        dt = flow_netlist(p, os.path.abspath(a.args[0]), os.path.abspath(a.args[0]) + ".d", a.cells,
                          macros=a.macros, period=a.map_period)
        print(f"netlist {a.args[0]}: {dt:.0f} s")
        return
    if a.flow == "report":
        import ppa_report
        ppa_report.write(a.out, a.doc)
        return
    cfgname = a.args[0]
    cfg = CONFIGS[cfgname]
    if a.flow == "generic":
        r = flow_generic(cfgname, cfg, a.out)
    elif a.flow == "xilinx":
        r = flow_xilinx(cfgname, cfg, a.out, dsp=True)
    elif a.flow == "xilinx_nodsp":
        r = flow_xilinx(cfgname, cfg, a.out, dsp=False)
    elif a.flow == "asic":
        r = flow_asic(cfgname, cfg, a.out, period=a.period)
    else:
        r = flow_ice40(cfgname, cfg, a.out)
    print(json.dumps({k: v for k, v in r.items() if k not in ("modules",)}, indent=1, sort_keys=True)[:3000])


if __name__ == "__main__":
    main()
