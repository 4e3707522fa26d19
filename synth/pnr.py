#!/usr/bin/python3
"""qflow place and route (graywolf, qrouter, OSU 0.18 um) of a gate-level netlist of tern_top (docs/ppa.md,
"Place and route"). The input is synth/ppa.py's OSU-mapped netlist with the memories as flip-flops
(`ppa.py netlist OUT.v --cells osu018 --map-period 10 --set ...`: qflow has no SRAM macros for OSU 0.18 um),
flattened here; qflow's own synthesis step only re-reads it (its Yosys script reads the liberty as black
boxes, so a mapped netlist passes through) and buffers high-fanout nets (blifFanout).

Every step runs with a time limit; the JSON (WORK/pnr.json, rewritten after every step) records which steps
completed, their wall time and, for a step that failed or timed out, the tail of its log. From the outputs of
the completed steps it records (all measured here, none assumed):
  synth_only   the input netlist before qflow: cells, flip-flops, cell area (Yosys `stat -liberty`) and
               OpenSTA at --period without placement or wires (worst slack, Fmax, power at --activity)
  synthesize   cells of qflow's netlist after blifFanout buffering (synthesis/TOP.rtlnopwr.v)
  place        die area (DEF DIEAREA), core area (bounding box of the placed rows, fill cells included),
               standard-cell area (LEF SIZE of the non-fill cells) and core utilisation = cell / core area
  route        qrouter's final failed-route count, total routed wire length and vias (routed DEF)
  backanno     OpenSTA of the routed netlist with the SPEF that qflow extracts from qrouter's RC output
               (rc2dly), at --period: worst slack, Fmax and power with the wire capacitances; the same
               netlist without the SPEF beside it; and vesta's (qflow's own) maximum clock frequency.
  pnr.py --netlist NETLIST.v --work DIR [--hours H] [--steps synthesize,place,route,backanno]
         [--period NS] [--summary docs/pnr.json]
  pnr.py --work DIR --reparse      recompute the figures of an existing run (no qflow step is run)
  pnr.py --work DIR --table        the docs/ppa.md tables of a run (markdown)
"""
import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import ppa  # noqa: E402

MODULE = "tern_top_gl"
TECH = "/usr/share/qflow/tech/osu018"
LEF = os.path.join(TECH, "osu018_stdcells.lef")
FILL = re.compile(r"^FILL")


def run_timed(cmd, log, timeout, cwd=None):
    """Runs cmd (at the lowest CPU priority) with its output in log; returns (status, seconds)."""
    t1 = time.time()
    status = "ok"
    with open(log, "w") as lf:
        # own process group: a time limit stops qflow's script and the tools it started (graywolf, qrouter)
        p = subprocess.Popen(["nice", "-n", "19"] + cmd, cwd=cwd, stdout=lf, stderr=subprocess.STDOUT,
                             start_new_session=True)
        try:
            rc = p.wait(timeout=timeout)
            if rc != 0:
                status = f"failed (exit {rc})"
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGTERM)
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
            status = f"timed out after {timeout / 3600:.2f} h"
    return status, round(time.time() - t1, 1)


def lef_sizes(path=LEF):
    """MACRO name -> (width, height) in um."""
    sizes, name = {}, None
    for line in open(path):
        m = re.match(r"\s*MACRO\s+(\S+)", line)
        if m:
            name = m.group(1)
        m = re.match(r"\s*SIZE\s+([\d.]+)\s+BY\s+([\d.]+)", line)
        if m and name:
            sizes[name] = (float(m.group(1)), float(m.group(2)))
            name = None
    return sizes


def netlist_cells(path):
    """Cell type -> instance count of a flat structural Verilog netlist (cells of the liberty only)."""
    areas = ppa.liberty_areas()
    counts = {}
    for m in re.finditer(r"(?m)^\s*(\w+)\s+\\?\S+\s*\(", open(path).read()):
        if m.group(1) in areas or FILL.match(m.group(1)):
            counts[m.group(1)] = counts.get(m.group(1), 0) + 1
    return counts


def cell_summary(counts):
    areas = ppa.liberty_areas()
    logic = {t: n for t, n in counts.items() if not FILL.match(t)}
    return dict(cells=sum(logic.values()),
                flip_flops=sum(n for t, n in logic.items() if t.startswith(("DFF", "LATCH"))),
                buffers=sum(n for t, n in logic.items() if t.startswith(("BUF", "CLKBUF"))),
                fill_cells=sum(n for t, n in counts.items() if FILL.match(t)),
                cell_area_um2=round(sum(n * areas.get(t, 0.0) for t, n in logic.items()), 1),
                by_type=dict(sorted(logic.items())))


def parse_def(path):
    """Die, core (placed-cell bounding box) and standard-cell area, utilisation; for a routed DEF also the
    routed wire length per layer and the via count."""
    text = open(path).read()
    unit = float(re.search(r"UNITS\s+DISTANCE\s+MICRONS\s+(\d+)", text).group(1))
    d = [float(x) / unit for x in re.search(r"DIEAREA\s*\(\s*(-?\d+)\s+(-?\d+)\s*\)\s*\(\s*(-?\d+)\s+(-?\d+)\s*\)",
                                            text).groups()]
    sizes = lef_sizes()
    comp = re.search(r"(?s)^COMPONENTS\s+\d+\s*;(.*?)^END COMPONENTS", text, re.M).group(1)
    cell_area, n_cells, n_fill = 0.0, 0, 0
    x0 = y0 = float("inf")
    x1 = y1 = float("-inf")
    for m in re.finditer(r"-\s+(\S+)\s+(\S+)\s+\+\s+(?:PLACED|FIXED)\s+\(\s*(-?\d+)\s+(-?\d+)\s*\)", comp):
        w, h = sizes.get(m.group(2), (0.0, 0.0))
        x, y = float(m.group(3)) / unit, float(m.group(4)) / unit
        x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x + w), max(y1, y + h)
        if FILL.match(m.group(2)):
            n_fill += 1
        else:
            n_cells += 1
            cell_area += w * h
    die = (d[2] - d[0]) * (d[3] - d[1])
    core = (x1 - x0) * (y1 - y0)
    r = dict(die_um=[round(d[2] - d[0], 2), round(d[3] - d[1], 2)], die_area_mm2=round(die / 1e6, 4),
             core_um=[round(x1 - x0, 2), round(y1 - y0, 2)], core_area_mm2=round(core / 1e6, 4),
             cells=n_cells, fill_cells=n_fill, cell_area_mm2=round(cell_area / 1e6, 4),
             utilisation=round(cell_area / core, 4) if core > 0 else None)
    nets = re.search(r"(?s)^NETS\s+\d+\s*;(.*?)^END NETS", text, re.M)
    if nets and "ROUTED" in nets.group(1):
        per_layer, vias = {}, 0
        # one wire statement: "ROUTED|NEW layer ( x y ) ( x y ) ... [VIA]"
        for m in re.finditer(r"(?:ROUTED|NEW)\s+(\w+)((?:\s*\(\s*[-\d*]+\s+[-\d*]+(?:\s+[-\d]+)?\s*\))+)\s*(\w+)?",
                             nets.group(1)):
            pts = re.findall(r"\(\s*([-\d*]+)\s+([-\d*]+)", m.group(2))
            px = py = None
            length = 0.0
            for xs, ys in pts:
                x = px if xs == "*" else float(xs)
                y = py if ys == "*" else float(ys)
                if px is not None:
                    length += abs(x - px) + abs(y - py)
                px, py = x, y
            per_layer[m.group(1)] = per_layer.get(m.group(1), 0.0) + length / unit
            if m.group(3):
                vias += 1
        r.update(wire_length_mm=round(sum(per_layer.values()) / 1000, 3),
                 wire_length_mm_by_layer={k: round(v / 1000, 3) for k, v in sorted(per_layer.items())}, vias=vias,
                 routed_nets=len(re.findall(r"(?m)^\s*-\s+\S+", nets.group(1))))
    return r


def parse_route_log(text):
    r = {}
    m = re.search(r"Final:\s*(No failed routes!|Failed net routes:\s*(\d+))", text)
    if m:
        r["failed_routes"] = 0 if m.group(2) is None else int(m.group(2))
    stages = re.findall(r"Progress: Stage (\d) total routes completed: (\d+)", text)
    if stages:
        r["route_stages"] = [dict(stage=int(s), routes_completed=int(n)) for s, n in stages]
    m = re.search(r"Running qrouter (\S+)", text)
    if m:
        r["qrouter_version"] = m.group(1)
    # qrouter does no DRC: qflow's DRC is a separate magic step (not run here)
    return r


def fix_spef(spef, netlist, out):
    """qflow's SPEF (rc2dly -D :) as OpenSTA reads it: internal nodes "N_K" -> "*N:K", bus delimiter [] as
    in the netlist, the capacitance unit
    that rc2dly writes (the liberty's pF, declared as FF), and bus-bit net names of the DEF ("x[3]") renamed as qflow's netlist spells them
    ("x_3_") where only that spelling exists. Returns the number of name-map entries left unmatched."""
    v = open(netlist).read()
    names = {x.strip().lstrip("\\").strip() for x in re.findall(r"\.\w+\(\s*([^()]*?)\s*\)", v)}
    names |= {x.lstrip("\\") for x in re.findall(r"(?m)^\s*\w+\s+(\\?\S+)\s*\(", v)}
    t = open(spef).read()
    t = re.sub(r"(?m)^\*BUS_DELIMITER <>", "*BUS_DELIMITER []", t)
    # rc2dly writes its capacitances in the liberty's unit (pF for OSU 0.18 um) under a "1 FF" header
    t = re.sub(r"(?m)^\*C_UNIT 1 FF", "*C_UNIT 1 PF", t)
    t = re.sub(r"(?m)(?<![\w*:\[])(\d+)_(\d+)\b", r"*\1:\2", t)
    head, sep, body = t.partition("*D_NET")
    unmatched = [0]

    def fix(m):
        n = m.group(2)
        if n in names:
            return m.group(0)
        c = re.sub(r"\[(\d+)\]", r"_\1_", n)
        if c in names:
            return m.group(1) + c
        unmatched[0] += 1
        return m.group(0)
    pre, ports_sep, ports = head.partition("*PORTS")  # the name map ends where the port list begins
    pre = re.sub(r"(?m)^(\*\d+ )(\S+)$", fix, pre)
    with open(out, "w") as f:
        f.write(pre + ports_sep + ports + sep + body)
    return unmatched[0]


def sta(netlist, top, period, activity, log, spef=None):
    """OpenSTA: worst slack at `period` (ns), Fmax = 1 / (period - WNS), power at `activity` toggles per
    cycle, with the SPEF's parasitics when given (else ideal wires)."""
    tcl = log[:-4] + ".tcl"
    lines = [f"read_liberty {ppa.LIBERTY}", f"read_verilog {netlist}", f"link_design {top}",
             f"create_clock -name clk -period {period} [get_ports clk_i]",
             "set_input_delay 0 -clock clk [delete_from_list [all_inputs] [get_ports clk_i]]",
             "set_output_delay 0 -clock clk [all_outputs]", "set_load 0.01 [all_outputs]"]
    if spef:
        lines.append(f"read_spef {spef}")
    lines += ["puts \"@@WNS [sta::worst_slack_cmd max]\"", "puts \"@@TNS [sta::total_negative_slack_cmd max]\"",
              "report_checks -path_delay max -digits 3",
              f"set_power_activity -global -activity {activity}", "report_power -digits 4", "exit", ""]
    with open(tcl, "w") as f:
        f.write("\n".join(lines))
    status, dt = run_timed(["sta", "-no_init", "-no_splash", "-exit", tcl], log, 3600)
    text = open(log, errors="replace").read()
    r = ppa.parse_sta(text)
    r.pop("endpoints", None)
    r.pop("endpoint_groups", None)
    r.update(status=status, seconds=dt, period_ns=period, activity=activity, log=log,
             spef=spef, spef_warnings=len(re.findall(r"(?m)^Warning: .*\.spef", text)))
    if r.get("wns_ns") is not None:
        r["fmax_mhz"] = round(1000.0 / (period - r["wns_ns"]), 2)
    return r


def synth_only(work, top):
    """Cells and cell area of the input netlist (flattened, before qflow): counted per liberty cell, and
    Yosys `stat -liberty`'s chip area."""
    so = cell_summary(netlist_cells(os.path.join(work, "sta", top + "_input.v")))
    st = ppa.load_json(os.path.join(work, "sta", "input_stat.json"))["design"]
    so["yosys_cells"] = st.get("num_cells")
    m = re.search(r"Chip area for (?:top )?module .*?:\s*([\d.]+)",
                  open(os.path.join(work, "sta", "input_stat_liberty.txt")).read())
    so["yosys_chip_area_um2"] = float(m.group(1)) if m else None
    return so


def analyse(res, work, top, period, activity):
    """Figures of every completed step (from qflow's outputs in work/)."""
    syn = os.path.join(work, "synthesis")
    lay = os.path.join(work, "layout")
    done = {s["step"] for s in res["steps"] if s["status"] == "ok"}
    seen = {s["step"] for s in res["steps"]}
    nl = os.path.join(syn, top + ".rtlnopwr.v")
    if "synthesize" in done and os.path.exists(os.path.join(syn, top + "_synth.rtlnopwr.v")):
        res["synthesize"] = cell_summary(netlist_cells(os.path.join(syn, top + "_synth.rtlnopwr.v")))
    elif "synthesize" in done and os.path.exists(nl):
        res["synthesize"] = cell_summary(netlist_cells(nl))
    if "place" in done:
        d = os.path.join(lay, top + "_unroute.def")
        d = d if os.path.exists(d) else os.path.join(lay, top + ".def")
        if os.path.exists(d):
            res["place"] = parse_def(d)
    if "route" in seen:
        log = os.path.join(work, "log", "qflow_route.log")
        r = parse_route_log(open(log, errors="replace").read()) if os.path.exists(log) else {}
        for d in (os.path.join(lay, top + "_route.def"), os.path.join(lay, top + ".def")):
            if os.path.exists(d) and "ROUTED" in open(d).read():
                r.update({k: v for k, v in parse_def(d).items()
                          if k in ("wire_length_mm", "wire_length_mm_by_layer", "vias", "routed_nets")})
                r["def"] = d
                break
        res["route"] = r
    if "backanno" in done:
        log = os.path.join(work, "log", "qflow_backanno.log")
        b = {}
        text = open(log, errors="replace").read()
        m = re.search(r"Computed maximum clock frequency \(zero margin\) = ([\d.]+) MHz", text)
        if m:
            b["vesta_fmax_mhz"] = float(m.group(1))
        spef = os.path.join(syn, top + ".spef")
        if os.path.exists(spef) and os.path.exists(nl):
            fixed = os.path.join(work, "sta", top + "_sta.spef")
            os.makedirs(os.path.dirname(fixed), exist_ok=True)
            b["spef_unmatched_names"] = fix_spef(spef, nl, fixed)
            b["with_spef"] = sta(nl, top, period, activity, os.path.join(work, "sta", "routed_spef.log"), fixed)
            b["without_spef"] = sta(nl, top, period, activity, os.path.join(work, "sta", "routed_ideal.log"))
        res["backanno"] = b


def markdown(res):
    """docs/ppa.md tables of a run: the steps, and post-route beside synthesis-only figures."""
    def f(x, fmt="{:,}"):
        return "n/a" if x is None else fmt.format(x)
    out = ["| step | status | wall time |", "|---|---|---|",
           f"| flatten (Yosys) | ok | {f(res.get('flatten_seconds'), '{:.0f} s')} |"]
    for s in res["steps"]:
        out.append(f"| qflow {s['step']} | {s['status']} | {s['seconds'] / 60:.1f} min |")
    so, sy = res.get("synth_only", {}), res.get("synthesize", {})
    pl, ro, ba = res.get("place", {}), res.get("route", {}), res.get("backanno", {})
    ws, wo, si = ba.get("with_spef", {}), ba.get("without_spef", {}), so.get("sta", {})

    def pw(r):
        p = (r or {}).get("power_w")
        return None if not p else p["total"] * 1e3
    out += ["", "| figure | synthesis only (input netlist, no placement) | after qflow synthesize "
            "| placed / routed |", "|---|---|---|---|",
            f"| standard cells | {f(so.get('cells'))} | {f(sy.get('cells'))} | {f(pl.get('cells'))} "
            f"(+ {f(pl.get('fill_cells'))} fill) |",
            f"| flip-flops | {f(so.get('flip_flops'))} | {f(sy.get('flip_flops'))} | |",
            f"| cell area (mm2) | {f(so.get('cell_area_um2') and so['cell_area_um2'] / 1e6, '{:.3f}')} "
            f"(Yosys `stat -liberty`: {f(so.get('yosys_chip_area_um2') and so['yosys_chip_area_um2'] / 1e6, '{:.3f}')}) "
            f"| {f(sy.get('cell_area_um2') and sy['cell_area_um2'] / 1e6, '{:.3f}')} | {f(pl.get('cell_area_mm2'), '{:.3f}')} |",
            f"| die area (mm2) | | | {f(pl.get('die_area_mm2'), '{:.3f}')} "
            f"({' x '.join(f'{x:,.0f}' for x in pl.get('die_um', []))} um) |",
            f"| core area (mm2), utilisation | | | {f(pl.get('core_area_mm2'), '{:.3f}')}, "
            f"{f(pl.get('utilisation') and pl['utilisation'] * 100, '{:.1f} %')} |",
            (f"| routed wire length | | | {f(ro.get('wire_length_mm'), '{:,.1f} mm')} "
             f"({', '.join(f'{k} {v:,.1f}' for k, v in ro.get('wire_length_mm_by_layer', {}).items())}), "
             f"{f(ro.get('vias'))} vias |" if ro.get("wire_length_mm") is not None else
             "| routed wire length | | | n/a (not routed) |"),
            f"| failed routes (qrouter) | | | {f(ro.get('failed_routes'))} |",
            f"| worst slack at {res.get('period_ns')} ns (OpenSTA) | {f(si.get('wns_ns'), '{:.3f} ns')} "
            f"| | {f(ws.get('wns_ns'), '{:.3f} ns')} with SPEF ({f(wo.get('wns_ns'), '{:.3f} ns')} same netlist, "
            f"ideal wires) |",
            f"| Fmax (OpenSTA) | {f(si.get('fmax_mhz'), '{:.1f} MHz')} | | {f(ws.get('fmax_mhz'), '{:.1f} MHz')} "
            f"with SPEF ({f(wo.get('fmax_mhz'), '{:.1f} MHz')} ideal wires; vesta {f(ba.get('vesta_fmax_mhz'), '{:.1f} MHz')}) |",
            f"| power at {res.get('period_ns')} ns, activity {res.get('activity')} (OpenSTA) | "
            f"{f(pw(si), '{:.1f} mW')} | | {f(pw(ws), '{:.1f} mW')} with SPEF ({f(pw(wo), '{:.1f} mW')} ideal wires) |"]
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--netlist")
    ap.add_argument("--work", required=True)
    ap.add_argument("--hours", type=float, default=3.0, help="time limit of each qflow step")
    ap.add_argument("--steps", default="synthesize,place,route,backanno")
    ap.add_argument("--top", default=MODULE, help="top module of the netlist")
    ap.add_argument("--period", type=float, default=ppa.ASIC_PERIOD_NS, help="OpenSTA clock period (ns)")
    ap.add_argument("--activity", type=float, default=ppa.ASIC_ACTIVITY, help="OpenSTA toggles per cycle")
    ap.add_argument("--params", default="", help="build parameters, recorded in the JSON")
    ap.add_argument("--summary", help="also write the JSON here (e.g. docs/pnr.json)")
    ap.add_argument("--reparse", action="store_true", help="recompute the figures of an existing run")
    ap.add_argument("--graywolf-fast", type=int, default=0,
                    help="TimberWolfSC `fast` factor: annealing moves per cell and iteration divided by N "
                         "(0: qflow's .par unchanged)")
    ap.add_argument("--table", action="store_true", help="print the docs/ppa.md tables of WORK/pnr.json")
    ap.add_argument("--resume", action="store_true",
                    help="keep the flatten/synthesis-only results and the completed steps of WORK/pnr.json; run "
                         "the remaining steps of --steps")
    a = ap.parse_args()
    work = os.path.abspath(a.work)
    top = a.top
    jpath = os.path.join(work, "pnr.json")

    def save():
        for path in [jpath] + ([a.summary] if a.summary else []):
            with open(path, "w") as f:
                json.dump(res, f, indent=1)

    if a.table:
        print(markdown(json.load(open(jpath))))
        return
    if a.reparse:
        res = json.load(open(jpath))
        if not os.path.exists(os.path.join(work, "sta", "input_stat_liberty.txt")):
            ppa.yosys(f"read_liberty -lib {ppa.LIBERTY}\nread_verilog {os.path.join(work, 'sta', top + '_input.v')}\n"
                      f"hierarchy -top {top}\ntee -q -o {os.path.join(work, 'sta', 'input_stat_liberty.txt')} "
                      f"stat -liberty {ppa.LIBERTY}\n", os.path.join(work, "log"), "stat_liberty")
        sta_in = res.get("synth_only", {}).get("sta")
        res["synth_only"] = synth_only(work, top)
        res["synth_only"]["sta"] = sta_in
        analyse(res, work, top, a.period, a.activity)
        save()
        return
    if not a.netlist or not os.path.exists(a.netlist):
        raise SystemExit(f"pnr.py: --netlist {a.netlist} does not exist")
    for d in ("source", "synthesis", "layout", "log", "sta"):
        os.makedirs(os.path.join(work, d), exist_ok=True)
    src = os.path.join(work, "source", top + ".v")
    stanl = os.path.join(work, "sta", top + "_input.v")
    sj = os.path.join(work, "sta", "input_stat.json")
    if a.graywolf_fast:
        # qflow copies the tech .par only when the layout one is missing or older
        par = open(os.path.join(TECH, "osu018.par")).read()
        with open(os.path.join(work, "layout", top + ".par"), "w") as f:
            f.write(par + f"\n# pnr.py --graywolf-fast: annealing moves per cell divided by {a.graywolf_fast}\n"
                    f"TWSC*fast : {a.graywolf_fast}\n")
    steps = a.steps.split(",")
    if a.resume and os.path.exists(jpath):
        res = json.load(open(jpath))
        res["steps"] = [s for s in res["steps"] if s["status"] == "ok" and s["step"] in steps]
        steps = [s for s in steps if s not in {x["step"] for x in res["steps"]}]
        res["graywolf_fast"] = a.graywolf_fast
        return run_steps(a, res, work, top, steps, save)
    res = dict(netlist=os.path.abspath(a.netlist), params=a.params, qflow_tech="osu018", period_ns=a.period,
               activity=a.activity, graywolf_fast=a.graywolf_fast, steps=[])
    t0 = time.time()
    ppa.yosys(f"read_liberty -lib {ppa.LIBERTY}\nread_verilog {os.path.abspath(a.netlist)}\n"
              f"hierarchy -top {top}\nflatten\nopt_clean -purge\nwrite_verilog -noattr {src}\n"
              f"tee -q -o {sj} stat -json\n"
              f"tee -q -o {os.path.join(work, 'sta', 'input_stat_liberty.txt')} stat -liberty {ppa.LIBERTY}\n"
              f"setundef -zero\nsplitnets -ports\nwrite_verilog -noattr -noexpr -nohex -nodec {stanl}\n",
              os.path.join(work, "log"), "flatten")
    res["flatten_seconds"] = round(time.time() - t0, 1)
    # synthesis-only figures of the same netlist: Yosys cells/area, OpenSTA without placement or wires
    res["synth_only"] = synth_only(work, top)
    res["synth_only"]["sta"] = sta(stanl, top, a.period, a.activity, os.path.join(work, "sta", "input_ideal.log"))
    so = res["synth_only"]
    save()
    print(f"synthesis only: {so['cells']} cells, {so['cell_area_um2'] / 1e6:.3f} mm2, "
          f"Fmax {so['sta'].get('fmax_mhz')} MHz", flush=True)
    run_steps(a, res, work, top, steps, save)


def run_steps(a, res, work, top, steps, save):
    for step in steps:
        log = os.path.join(work, "log", f"qflow_{step}.log")
        status, dt = run_timed(["qflow", step, "-T", "osu018", top], log, a.hours * 3600, cwd=work)
        text = open(log, errors="replace").read()
        # qflow prints "Error (ignoring):" for non-fatal problems
        if status == "ok" and re.search(r"(?im)^(?!.*ignoring).*\berror\b|stopped due to error", text):
            status = "failed (error in log)"
        res["steps"].append(dict(step=step, status=status, seconds=dt, log=log,
                                 tail=text[-3000:] if status != "ok" else ""))
        try:
            analyse(res, work, top, a.period, a.activity)
        except Exception as e:  # a figure that cannot be parsed must not lose the step's record
            res.setdefault("parse_errors", []).append(f"{step}: {e!r}")
        save()
        print(f"{step}: {status} ({dt:.0f} s)", flush=True)
        if status != "ok":
            break


if __name__ == "__main__":
    main()
