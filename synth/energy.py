#!/usr/bin/python3
"""Energy from simulated switching activity (docs/energy.md).

The small gate-level build (tests/energy: Cols=2 Lanes=2 Pack=8 BankBytes=256 CacheWords=16 MaxConvRow=64
RqUnits=2) is mapped to OSU 0.18 um cells with the ASIC flow's mapping (synth/ppa.py flow_netlist with
macros=True, period=10), its memories kept as black-box SRAM macros (simulation models outside the netlist).
tern_energy_sim (tests/energy/energy_sim.cpp) runs a synthetic layer on the Verilated netlist and writes a VCD
with ONE SAMPLE PER CLOCK CYCLE of every net while the engine is busy. This script:

1. counts, per net bit, the toggles between consecutive cycle samples and the cycles high (zero-delay,
   glitch-free activity: what an RTL/gate simulation without timing gives; glitches are not counted);
2. gets every cell's energy per output transition and its leakage from OpenSTA `report_power -instances`
   (OSU liberty + the macros' timing model, clock at PERIOD_NS) at two global activities, 0 and 1, since
   Debian's OpenSTA 2.0.17 cannot take per-net activities (see `sta_pin_annotation_ignored`); the
   per-instance power is linear in the activity, so
       E = sum_i leak_i * t + sum_i clk_i * cycles * T + sum_i e_i * toggles(output net of i)
   with leak_i the leakage, clk_i the internal power of the clock pins (activity 0 leaves only those),
   e_i = (P_i(1) - P_i(0)) * T the energy per transition of cell i (switching of its output net plus its
   internal energy, input-pin internal energy included: the approximation of this method), t = cycles * T;
3. counts the SRAM macros' reads and writes at their re_i / we_i pins and adds an energy per access from
   the model in `sram_access_pj` (a separate line: the macros have no power model in the netlist);
4. reports annotation coverage: net bits of the netlist found in the VCD / net bits of the netlist, and
   cells whose output net is annotated / cells.

Usage:
  energy.py selftest --sim BIN --netlist NETLIST.v --work DIR     (the CTest energy.ActivityFlow)
  energy_report.py   --sim BIN --netlist NETLIST.v --work DIR --doc docs/energy.md   (make -C synth energy)
  energy.py run      --sim BIN --netlist NETLIST.v --work DIR [-- tern_energy_sim options]
"""
import argparse
import json
import math
import os
import re
import subprocess
import sys
import time
from array import array

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import ppa  # noqa: E402  (the OSU liberty, the macro timing model, run())

PERIOD_NS = 10.0          # clock of the power analysis (100 MHz, the ASIC flow's period)
VDD = 1.8                 # OSU 0.18 um nominal supply
SCOPE = ("tern_top", "i_gl")   # where the netlist's nets sit in the VCD, below the model's top scope (tb::Sim names it "top")
# the sequencer's layer index (which layer each cycle belongs to) under the names synthesis may leave it
# (layer_q drives err_layer_o, so the flattened netlist often keeps only the port's name)
LAYER_NETS = ("i_core.i_seq.layer_q", "i_core.i_seq.err_layer_o", "i_core.err_layer_o")
SMALL_BUILD = "Cols=2 Lanes=2 Pack=8 BankBytes=256 CacheWords=16 MaxConvRow=64 RqUnits=2"

# ----------------------------------------------------------------------------------------------
# SRAM access energy model


def sram_access_pj(width_bits, depth_words):
    """Energy of one access (read or write) of a width x depth SRAM at 0.18 um, 1.8 V -- a MODEL, not a
    measurement. Source: M. Horowitz, "Computing's energy problem (and what we can do about it)", ISSCC 2014,
    45 nm, 0.9 V: a 64-bit access of an 8 KB SRAM costs 10 pJ, 32 KB 20 pJ, 1 MB 100 pJ -- i.e. about
    10 pJ * sqrt(capacity / 8 KB) (bit-line and word-line length grow with the square root of the capacity).
    Scaled per bit of the word (width / 64) and to 0.18 um / 1.8 V by constant-field CV^2 scaling:
    C ~ feature size (180/45 = 4x), V^2 (1.8/0.9)^2 = 4x, so x16:
        E = 10 pJ * sqrt(width * depth / 8 / 8192) * (width / 64) * 16.
    Tiny arrays (here 16 to 512 words) are below the table's range, where periphery dominates; the formula
    extrapolates and is stated as such."""
    cap_bytes = width_bits * depth_words / 8.0
    return 10.0 * math.sqrt(cap_bytes / 8192.0) * (width_bits / 64.0) * 16.0


SRAM_MODEL_TEXT = ("Horowitz ISSCC 2014 (45 nm, 0.9 V: 64-bit access of an 8 KB SRAM 10 pJ, 32 KB 20 pJ, 1 MB "
                   "100 pJ ~ 10 pJ x sqrt(capacity / 8 KB)), per bit of the word (x width/64), scaled to 0.18 um "
                   "1.8 V by C x V^2 (x4 x4 = x16): E = 160 pJ x sqrt(bytes / 8192) x width / 64 per access, "
                   "reads and writes alike (a model, extrapolated below 8 KB)")

# ----------------------------------------------------------------------------------------------
# Netlist


def norm(name):
    """Net or instance name as the VCD and OpenSTA print it (Verilog escape and trailing space dropped)."""
    name = name.strip()
    return name[1:].strip() if name.startswith("\\") else name


def split_bits(expr, widths):
    """Net bits of a connection expression: 'a', 'a[3]', '\\a.b [3]', '{ x, y[2:0] }', constants -> None."""
    expr = expr.strip()
    if not expr:
        return []
    if expr.startswith("{"):
        out = []
        for part in re.findall(r"\d+'[bh][0-9a-fA-FxXzZ]+|\\\S+\s*(?:\[[\d:]+\])?|[\w$.]+\s*(?:\[[\d:]+\])?", expr[1:-1]):
            out += split_bits(part, widths)
        return out
    m = re.match(r"^(\d+)'[bh]([0-9a-fA-FxXzZ]+)$", expr)
    if m:
        return [None] * int(m.group(1))
    m = re.match(r"^(\\\S+|[\w$.]+)\s*(?:\[(\d+)(?::(\d+))?\])?$", expr)
    if not m:
        raise ValueError(f"cannot parse connection '{expr}'")
    base = norm(m.group(1))
    if m.group(2) is None:
        w = widths.get(base)
        if w is None:
            raise ValueError(f"undeclared net '{base}'")
        msb, lsb = w
        if msb == lsb and msb is None:
            return [(base, None)]
        step = -1 if msb >= lsb else 1
        return [(base, i) for i in range(msb, lsb + step, step)]
    hi = int(m.group(2))
    lo = int(m.group(3)) if m.group(3) is not None else hi
    step = -1 if hi >= lo else 1
    return [(base, i) for i in range(hi, lo + step, step)]


def parse_netlist(path, liberty=ppa.LIBERTY):
    """Nets (bits), cells with their output nets, the SRAM macros' pins and the assign aliases of the flat
    netlist written by ppa.flow_netlist (write_verilog -noattr -noexpr)."""
    text = open(path).read()
    mods = re.findall(r"^module\s+(\S+?)\s*\(", text, re.M)
    if len(mods) != 1:
        raise ValueError(f"{path}: {len(mods)} modules ({', '.join(mods[:3])}...); expected one flat module "
                         "(synth/ppa.py netlist --macros flattens every module)")
    m = re.search(r"\bmodule\s+([\w$]+)\s*\(.*?\);(.*)\bendmodule", text, re.S)
    if not m:
        raise ValueError(f"{path}: no module")
    top, body = m.group(1), m.group(2)
    outputs = {}
    lib = open(liberty).read()
    for cm in re.finditer(r"\n\s*cell\s*\((\w+)\)\s*\{", lib):
        nxt = re.search(r"\n\s*cell\s*\(", lib[cm.end():])
        cb = lib[cm.end(): cm.end() + nxt.start()] if nxt else lib[cm.end():]
        outputs[cm.group(1)] = [p for p, d in re.findall(r"pin\s*\((\w+)\)\s*\{\s*direction\s*:\s*(\w+)", cb)
                                if d == "output"]
    widths, ports = {}, {}
    stmts = [s.strip() for s in body.split(";")]
    for s in stmts:
        dm = re.match(r"^(wire|input|output|inout|reg)\s+(?:\[(\d+):(\d+)\]\s+)?(\\\S+|[\w$.]+)\s*$", s)
        if dm:
            n = norm(dm.group(4))
            widths[n] = (int(dm.group(2)), int(dm.group(3))) if dm.group(2) else (None, None)
            if dm.group(1) in ("input", "output"):
                ports[n] = dm.group(1)
    cells, macros, assigns = [], [], []
    for s in stmts:
        am = re.match(r"^assign\s+(.*?)\s*=\s*(.*)$", s, re.S)
        if am:
            assigns.append((split_bits(am.group(1), widths), split_bits(am.group(2), widths)))
            continue
        im = re.match(r"^(\w+)\s+(\\\S+|[\w$.]+)\s*\((.*)\)$", s, re.S)
        if not im or im.group(1) in ("wire", "input", "output", "inout", "reg", "assign"):
            continue
        ctype, inst, conns = im.group(1), norm(im.group(2)), im.group(3)
        pins = {pm.group(1): split_bits(pm.group(2), widths)
                for pm in re.finditer(r"\.(\w+)\s*\(((?:[^()]|\([^()]*\))*)\)", conns)}
        if ctype.startswith(("tern_sram_", "tern_srambe_")):
            macros.append(dict(type=ctype, inst=inst, pins=pins))
        elif ctype in outputs:
            cells.append(dict(type=ctype, inst=inst, out=[b for p in outputs[ctype] for b in pins.get(p, []) if b]))
        else:
            raise ValueError(f"{path}: instance {inst} of unknown cell {ctype}")
    bits = set()
    for n, (msb, lsb) in widths.items():
        if msb is None:
            bits.add((n, None))
        else:
            step = -1 if msb >= lsb else 1
            bits.update((n, i) for i in range(msb, lsb + step, step))
    return dict(top=top, bits=bits, widths=widths, ports=ports, cells=cells, macros=macros, assigns=assigns)


def vname(bit):
    """Verilog text of a net bit (escaped when needed) or a constant 0 (None)."""
    if bit is None:
        return "1'b0"
    n, i = bit
    base = n if re.fullmatch(r"[A-Za-z_][\w$]*", n) else "\\" + n + " "
    return base if i is None else f"{base}[{i}]"


def write_sta_netlist(src, dst, widths):
    """A copy of the netlist for OpenSTA 2.0.17, whose Verilog reader rejects assignments to concatenations
    (`assign { a, b } = ...`, written by Yosys for aliases and undriven bits): every assign becomes one
    assign per bit. Everything else is unchanged."""
    text = open(src).read()

    def per_bit(m):
        lhs, rhs = split_bits(m.group(1), widths), split_bits(m.group(2), widths)
        if len(lhs) != len(rhs):
            raise ValueError(f"assign of {len(rhs)} bits to {len(lhs)}: {m.group(0)[:200]}")
        return "\n".join(f"  assign {vname(a)} = {vname(b)};" for a, b in zip(lhs, rhs) if a is not None)
    out = re.sub(r"^  assign\s+(.*?)\s*=\s*(.*?);$", per_bit, text, flags=re.M | re.S)
    with open(dst, "w") as f:
        f.write(out)


# ----------------------------------------------------------------------------------------------
# VCD: toggles and cycles high per bit, per layer



def index_bits(index, name, rng, flat):
    """Maps each bit of VCD variable `name` (declared range `rng` like "[7:0]", or None for a scalar) to its
    flat net-bit number from `flat` (the variable's bits, most significant first as Verilator lists them)."""
    if rng:
        hi, _, lo = rng[1:-1].partition(":")
        hi, lo = int(hi), int(lo or hi)
        step = -1 if hi >= lo else 1
        for k, b in enumerate(range(hi, lo + step, step)):
            index[(name, b)] = flat[k]
    else:
        index[(name, None)] = flat[0]

def parse_vcd(path, samples, layer_nets=LAYER_NETS):
    """One sample per cycle (tern_energy_sim: time = 10 x sample; Verilator writes only the samples with
    changes, so `samples`, the number dumped, closes the window). Returns dict(samples, index: (name, bit) -> flat index,
    toggles: {layer: array}, high: array (cycles high over the window), layer_cycles: {layer: cycles}).
    A toggle is a change between consecutive samples, attributed to the layer of the later sample. Without
    any of `layer_nets` in the VCD every cycle counts as layer 0."""
    index, ids = {}, {}   # ids: vcd id -> list of flat indices, msb first
    nflat = 0
    scope = []
    f = open(path)
    for line in f:
        t = line.split()
        if not t:
            continue
        if t[0] == "$scope":
            scope.append(t[2])
        elif t[0] == "$upscope":
            scope.pop()
        elif t[0] == "$var":
            if len(scope) != len(SCOPE) + 1 or tuple(scope[1:]) != SCOPE:
                continue
            width, code, name = int(t[2]), t[3], t[4]
            rng = t[5] if len(t) > 6 and t[5].startswith("[") else None
            if code in ids:   # an alias of a net already listed: same bits
                flat = ids[code]
            else:
                flat = list(range(nflat, nflat + width))
                nflat += width
                ids[code] = flat
            index_bits(index, name, rng, flat)
        elif t[0] == "$enddefinitions":
            break
    value = [0] * nflat
    high = array("q", [0] * nflat)
    since = [0] * nflat          # sample at which the bit last went high
    toggles = {}
    layer_cycles = {}
    layer_bits = []
    for name in layer_nets:
        layer_bits = [x for x in (index.get((name, b)) for b in range(16)) if x is not None]
        if layer_bits:
            break
    layer = None
    cur_sample = 0               # samples are numbered from 1 (time = (sample - 1) * 10)
    pending = []

    def close_sample(upto):
        """Closes the current sample (its toggles go to its layer) and counts the unchanged samples after it
        up to `upto` (exclusive) for the same layer."""
        nonlocal layer
        layer = sum(value[x] << k for k, x in enumerate(layer_bits)) if layer_bits else 0
        layer_cycles[layer] = layer_cycles.get(layer, 0) + (upto - cur_sample)
        cur = toggles.setdefault(layer, array("q", [0] * nflat))
        for x in pending:
            cur[x] += 1
        pending.clear()

    def change(x, v):
        if v != value[x]:
            if cur_sample > 1:
                pending.append(x)
            if v:
                since[x] = cur_sample
            else:
                high[x] += cur_sample - since[x]
            value[x] = v

    for line in f:
        c = line[0]
        if c == "#":
            s_new = int(line[1:]) // 10 + 1
            if cur_sample:
                close_sample(s_new)
            cur_sample = s_new
            continue
        if c in "01xzXZ":
            flat = ids.get(line[1:].strip())
            if flat is not None:
                change(flat[0], 1 if c == "1" else 0)
        elif c == "b":
            bits, code = line[1:].split()
            flat = ids.get(code)
            if flat is None:
                continue
            bits = bits.rjust(len(flat), "0")
            for k, x in enumerate(flat):
                change(x, 1 if bits[k] == "1" else 0)
    samples = max(samples, cur_sample)
    if cur_sample:
        close_sample(samples + 1)
    for x in range(nflat):
        if value[x]:
            high[x] += samples + 1 - since[x]
    return dict(samples=samples, index=index, toggles=toggles, high=high, layer_cycles=layer_cycles)


# ----------------------------------------------------------------------------------------------
# OpenSTA: per-instance leakage, clock power and energy per transition


def sta_head(netlist, macros_lib, top, clock=True):
    lines = [f"read_liberty {ppa.LIBERTY}", f"read_liberty {macros_lib}", f"read_verilog {netlist}",
             f"link_design {top}"]
    if clock:
        lines.append(f"create_clock -name clk -period {PERIOD_NS} [get_ports clk_i]")
    lines.append("set_load 0.01 [all_outputs]")
    return lines


def parse_total(text):
    m = re.search(r"^Total\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)", text, re.M)
    if not m:
        raise RuntimeError("no Total line in the OpenSTA power report")
    return dict(internal=float(m.group(1)), switching=float(m.group(2)), leakage=float(m.group(3)),
                total=float(m.group(4)))


def parse_instances(text):
    out = {}
    for line in text.splitlines():
        t = line.split()
        if len(t) == 5:
            try:
                vals = [float(x) for x in t[:4]]
            except ValueError:
                continue
            out[norm(t[4])] = vals
    return out


def sta_coefficients(netlist, macros_lib, top, work):
    """Per instance: leakage (W), clock internal power at activity 0 (W), energy per transition (J), from
    OpenSTA report_power -instances at global activity 0 and 1; plus the consistency checks: OpenSTA's total
    at activity 0.25 vs the linear model, and with no clock and zero activity (leakage only). Cached in work."""
    cache = os.path.join(work, "sta_coeff.json")
    if os.path.exists(cache) and os.path.getmtime(cache) > os.path.getmtime(netlist):
        return json.load(open(cache))
    os.makedirs(work, exist_ok=True)
    script = sta_head(netlist, macros_lib, top)
    files = {}
    for tag, act in (("a0", 0.0), ("a1", 1.0)):
        files[tag] = os.path.join(work, f"power_{tag}.txt")
        script += [f"set_power_activity -global -activity {act} -duty 0.5",
                   f"report_power -instances [get_cells *] -digits 8 > {files[tag]}"]
    files["a25"] = os.path.join(work, "power_a25.txt")
    script += ["set_power_activity -global -activity 0.25 -duty 0.5", f"report_power -digits 8 > {files['a25']}",
               "exit"]
    tcl = os.path.join(work, "coeff.tcl")
    open(tcl, "w").write("\n".join(script) + "\n")
    t0 = time.time()
    ppa.run(["sta", "-no_init", "-no_splash", "-exit", tcl], os.path.join(work, "coeff.log"))
    bad = [ln for ln in open(os.path.join(work, "coeff.log")) if "syntax error" in ln or "module" in ln and "not found" in ln]
    if bad:
        raise RuntimeError(f"OpenSTA could not read the netlist ({os.path.join(work, 'coeff.log')}): {bad[0].strip()}")
    # zero activity, no clock: every transition count 0 -> leakage only
    zfile = os.path.join(work, "power_zero.txt")
    ztcl = os.path.join(work, "zero.tcl")
    open(ztcl, "w").write("\n".join(sta_head(netlist, macros_lib, top, clock=False) + [
        "set_power_activity -input -activity 0 -duty 0", "set_power_activity -global -activity 0 -duty 0",
        f"report_power -digits 8 > {zfile}", "exit"]) + "\n")
    ppa.run(["sta", "-no_init", "-no_splash", "-exit", ztcl], os.path.join(work, "zero.log"))
    p0 = parse_instances(open(files["a0"]).read())
    p1 = parse_instances(open(files["a1"]).read())
    if not p0 or set(p0) != set(p1):
        raise RuntimeError(f"OpenSTA instance power reports differ or are empty ({files['a0']}, {files['a1']})")
    T = PERIOD_NS * 1e-9
    coeff = {k: dict(leak=p0[k][2], clk=p0[k][0] + p0[k][1], e=(p1[k][3] - p0[k][3]) * T) for k in p0}
    a25 = parse_total(open(files["a25"]).read())
    lin = sum(c["leak"] + c["clk"] + 0.25 * c["e"] / T for c in coeff.values())
    res = dict(coeff=coeff, a25_sta_w=a25["total"], a25_linear_w=lin, zero=parse_total(open(zfile).read()),
               seconds=round(time.time() - t0, 1), period_ns=PERIOD_NS)
    json.dump(res, open(cache, "w"))
    return res


def sta_pin_annotation_ignored(work):
    """Checks (and documents) that this OpenSTA ignores per-pin activities: a two-inverter circuit whose
    inner net is annotated 0 and then 1 transitions per cycle gives the same power. Returns the two totals
    (W); equal totals mean per-net `set_power_activity` cannot be used, hence the per-instance method."""
    os.makedirs(work, exist_ok=True)
    v = os.path.join(work, "pin_check.v")
    open(v, "w").write("module pin_check (clk, a, y);\ninput clk; input a; output y;\nwire n1;\n"
                       "INVX1 u1 (.A(a), .Y(n1));\nINVX8 u2 (.A(n1), .Y(y));\nendmodule\n")
    totals = []
    for act in (0.0, 1.0):
        out = os.path.join(work, f"pin_check_{act}.txt")
        tcl = os.path.join(work, "pin_check.tcl")
        open(tcl, "w").write("\n".join([
            f"read_liberty {ppa.LIBERTY}", f"read_verilog {v}", "link_design pin_check",
            f"create_clock -name clk -period {PERIOD_NS} [get_ports clk]", "set_load 0.05 [all_outputs]",
            f"sta::set_power_pin_activity [get_pins u1/Y] {act} 0.5",
            f"sta::set_power_pin_activity [get_pins u2/Y] {act} 0.5",
            f"report_power -digits 8 > {out}", "exit"]) + "\n")
        ppa.run(["sta", "-no_init", "-no_splash", "-exit", tcl], os.path.join(work, "pin_check.log"))
        totals.append(parse_total(open(out).read())["total"])
    return totals


# ----------------------------------------------------------------------------------------------
# Energy of one simulation


def energy_of(nl, vcd, co):
    """Energy (J) of the sampled window, per layer, with coverage and SRAM accesses."""
    T = PERIOD_NS * 1e-9
    idx = vcd["index"]
    n = vcd["samples"]
    # net bits of the netlist present in the VCD
    annotated = sum(1 for b in nl["bits"] if b in idx)
    coeff = co["coeff"]
    leak = sum(c["leak"] for c in coeff.values())
    clk = sum(c["clk"] for c in coeff.values())
    cells_annot, cells_missing, missing_names = 0, 0, []
    layers = sorted(vcd["toggles"])
    dyn = {lay: 0.0 for lay in layers}
    toggles_total = 0
    for c in nl["cells"]:
        k = coeff.get(c["inst"])
        if k is None:
            raise RuntimeError(f"instance {c['inst']} missing in the OpenSTA report")
        outs = [idx.get(b) for b in c["out"]]
        if not outs or any(o is None for o in outs):
            cells_missing += 1
            if len(missing_names) < 10:
                missing_names.append(c["inst"])
            continue
        cells_annot += 1
        for lay in layers:
            tg = sum(vcd["toggles"][lay][o] for o in outs) / len(outs)
            dyn[lay] += k["e"] * tg
            toggles_total += tg
    per_layer = {}
    for lay in layers:
        cyc = vcd["layer_cycles"].get(lay, 0)
        per_layer[lay] = dict(cycles=cyc, leakage_j=leak * cyc * T, clock_j=clk * cyc * T, dynamic_j=dyn[lay])
        per_layer[lay]["logic_j"] = sum(per_layer[lay][k] for k in ("leakage_j", "clock_j", "dynamic_j"))
    # SRAM accesses: cycles with re_i / we_i high (one sample per cycle: the value at the clock edge)
    mem = []
    for mac in nl["macros"]:
        mm = re.match(r"tern_(sram|srambe)_w(\d+)_d(\d+)", mac["type"])
        w, d = int(mm.group(2)), int(mm.group(3))
        acc = {}
        for pin in ("re_i", "we_i"):
            b = mac["pins"].get(pin, [None])[0]
            acc[pin] = vcd["high"][idx[b]] if b in idx else (None if b is not None else 0)
        e = sram_access_pj(w, d)
        mem.append(dict(inst=mac["inst"], width=w, depth=d, reads=acc["re_i"], writes=acc["we_i"], pj_per_access=e,
                        energy_j=((acc["re_i"] or 0) + (acc["we_i"] or 0)) * e * 1e-12))
    logic = sum(v["logic_j"] for v in per_layer.values())
    memory = sum(x["energy_j"] for x in mem)
    return dict(samples=n, cycles=n, seconds=n * T, logic_j=logic,
                leakage_j=sum(v["leakage_j"] for v in per_layer.values()),
                clock_j=sum(v["clock_j"] for v in per_layer.values()),
                dynamic_j=sum(v["dynamic_j"] for v in per_layer.values()),
                memory_j=memory, total_j=logic + memory,
                mean_activity=(toggles_total / max(1, cells_annot) / max(1, n)),
                coverage=dict(net_bits=len(nl["bits"]), annotated_bits=annotated,
                              fraction=annotated / max(1, len(nl["bits"])),
                              cells=len(nl["cells"]), cells_annotated=cells_annot,
                              cell_fraction=cells_annot / max(1, len(nl["cells"])), cells_missing=missing_names),
                per_layer={str(k): v for k, v in per_layer.items()}, memories=mem,
                power_w=(logic + memory) / max(1e-30, n * T))


def simulate(sim, work, tag, args):
    os.makedirs(work, exist_ok=True)
    vcd, js = os.path.join(work, tag + ".vcd"), os.path.join(work, tag + ".json")
    log = os.path.join(work, tag + ".log")
    ppa.run([sim, "--vcd", vcd, "--json", js] + args, log)
    info = json.load(open(js))
    return vcd, info


class Flow:
    def __init__(self, sim, netlist, work):
        for p, what in ((sim, "--sim (tern_energy_sim)"), (netlist, "--netlist")):
            if not os.path.exists(p):
                raise SystemExit(f"energy.py: {what} {p} does not exist (build tests/energy first: "
                                 "cmake --build BUILD --target tern_energy_sim)")
        self.sim, self.netlist, self.work = sim, netlist, work
        self.macros_lib = os.path.join(netlist + ".d", "macros.lib")
        if not os.path.exists(self.macros_lib):
            raise SystemExit(f"energy.py: {self.macros_lib} missing: the netlist was not built with --macros")
        self.nl = parse_netlist(netlist)
        sdir = os.path.join(work, "sta")
        os.makedirs(sdir, exist_ok=True)
        sta_nl = os.path.join(sdir, "netlist_sta.v")
        if not os.path.exists(sta_nl) or os.path.getmtime(sta_nl) < os.path.getmtime(netlist):
            write_sta_netlist(netlist, sta_nl, self.nl["widths"])
        self.co = sta_coefficients(sta_nl, self.macros_lib, self.nl["top"], sdir)

    def run(self, tag, args, keep_vcd=False):
        vcd_path, info = simulate(self.sim, self.work, tag, args)
        vcd = parse_vcd(vcd_path, info["samples"])
        if not keep_vcd:
            os.remove(vcd_path)
        e = energy_of(self.nl, vcd, self.co)
        e["sim"] = info
        e["args"] = args
        return e


# ----------------------------------------------------------------------------------------------
# Self test (CTest energy.ActivityFlow)

COVERAGE_MIN = 0.99   # annotated net bits / net bits of the netlist, and cells with an annotated output / cells


def selftest(a):
    flow = Flow(a.sim, a.netlist, a.work)
    co = flow.co
    ok = True

    def check(cond, msg):
        nonlocal ok
        print(("PASS " if cond else "FAIL ") + msg)
        ok = ok and cond
    z = co["zero"]
    check(z["internal"] + z["switching"] <= 1e-6 * z["leakage"] and z["leakage"] > 0,
          f"zero activity, no clock: OpenSTA internal {z['internal']:.3e} + switching {z['switching']:.3e} W "
          f"vs leakage {z['leakage']:.3e} W (leakage only)")
    check(abs(co["a25_sta_w"] - co["a25_linear_w"]) <= 1e-3 * co["a25_sta_w"],
          f"linearity: OpenSTA at activity 0.25 {co['a25_sta_w']:.6e} W, per-instance model {co['a25_linear_w']:.6e} W")
    dense = flow.run("dense", ["--shape", "fc", "--wtype", "ternary", "--format", "rle", "--sparsity", "0", "--seed", "3"])
    sparse = flow.run("sparse", ["--shape", "fc", "--wtype", "ternary", "--format", "rle", "--sparsity", "0.9", "--seed", "3"])
    idle = flow.run("idle", ["--idle", "200"])
    for tag, e in (("dense", dense), ("sparse", sparse), ("idle", idle)):
        cv = e["coverage"]
        print(f"{tag}: {e['cycles']} cycles, logic {e['logic_j'] * 1e9:.3f} nJ (leakage {e['leakage_j'] * 1e9:.4f}, "
              f"clock {e['clock_j'] * 1e9:.3f}, transitions {e['dynamic_j'] * 1e9:.3f}), SRAM {e['memory_j'] * 1e9:.3f} nJ; "
              f"coverage {cv['annotated_bits']}/{cv['net_bits']} net bits = {cv['fraction']:.4f}, "
              f"cells {cv['cells_annotated']}/{cv['cells']}")
        check(cv["fraction"] >= COVERAGE_MIN and cv["cell_fraction"] >= COVERAGE_MIN,
              f"{tag}: annotation coverage {cv['fraction']:.4f} of the net bits, {cv['cell_fraction']:.4f} of the "
              f"cells >= {COVERAGE_MIN}")
    zero_e = energy_of(flow.nl, dict(samples=0, index={}, toggles={}, high=[], layer_cycles={}), co)
    check(zero_e["dynamic_j"] == 0 and zero_e["clock_j"] == 0,
          "zero activity (no transitions, no clock edges): energy = leakage only")
    check(idle["dynamic_j"] < 0.05 * dense["dynamic_j"] / dense["cycles"] * idle["cycles"],
          f"idle engine: transition energy per cycle {idle['dynamic_j'] / idle['cycles'] * 1e12:.3f} pJ "
          f"< 5% of the dense layer's {dense['dynamic_j'] / dense['cycles'] * 1e12:.3f} pJ")
    check(dense["total_j"] > sparse["total_j"],
          f"dense layer {dense['total_j'] * 1e9:.3f} nJ > 90%-zero layer {sparse['total_j'] * 1e9:.3f} nJ")
    check(dense["dynamic_j"] / dense["cycles"] > sparse["dynamic_j"] / sparse["cycles"],
          "transition energy per cycle: dense > 90%-zero")
    json.dump(dict(dense=dense, sparse=sparse, idle=idle), open(os.path.join(a.work, "selftest.json"), "w"),
              indent=1, default=str)
    if not ok:
        sys.exit(1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cmd", choices=["selftest", "run"])
    ap.add_argument("--sim", required=True)
    ap.add_argument("--netlist", required=True)
    ap.add_argument("--work", required=True)
    a, rest = ap.parse_known_args()
    a.work = os.path.abspath(a.work)
    if a.cmd == "selftest":
        if rest:
            ap.error(f"unexpected arguments {rest}")
        selftest(a)
    else:
        flow = Flow(a.sim, a.netlist, a.work)
        rest = [x for x in rest if x != "--"]
        e = flow.run("run", rest)
        print(json.dumps(e, indent=1, default=str))


if __name__ == "__main__":
    main()
