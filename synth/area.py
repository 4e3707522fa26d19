#!/usr/bin/env python3
"""Yosys area of every arithmetic unit in four targets; writes a markdown table (docs/area.md).

Targets: generic gates (`synth; stat`, plus `stat -tech cmos` transistors), iCE40 (`synth_ice40`),
Xilinx 7-series (`synth_xilinx`, with and without DSP inference) and ASIC with the OSU 0.18 um
standard-cell liberty (`dfflibmap` + `abc -liberty`, area in um^2). These are synthesis numbers, not
place-and-route numbers.
"""
import argparse
import concurrent.futures as cf
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import units as unit_defs  # noqa: E402
from units import UNITS  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIBERTY = "/usr/share/qflow/tech/osu018/osu018_stdcells.lib"


def rtl_sources(top):
    """tern_pkg plus the files of `top` and of every module it references (files are named after their
    module), so that an unrelated file elsewhere in rtl/ cannot break a unit's synthesis."""
    pkg = os.path.join(ROOT, "rtl", "common", "tern_pkg.sv")
    by_name = {}
    for d, _, fs in sorted(os.walk(os.path.join(ROOT, "rtl"))):
        for f in sorted(fs):
            if f.endswith(".sv"):
                by_name.setdefault(f[:-3], os.path.join(d, f))
    files, todo, seen = [pkg], [top], {top, "tern_pkg"}
    while todo:
        path = by_name.get(todo.pop())
        if not path:
            continue
        files.append(path)
        for ref in re.findall(r"\b(tern_\w+)\b", open(path).read()):
            if ref in by_name and ref not in seen:
                seen.add(ref)
                todo.append(ref)
    return files


def yosys(script):
    with tempfile.NamedTemporaryFile("w", suffix=".ys", delete=False) as f:
        f.write(script)
        path = f.name
    try:
        r = subprocess.run(["yosys", "-q", "-s", path], capture_output=True, text=True, timeout=3600)
    finally:
        os.unlink(path)
    if r.returncode != 0:
        raise RuntimeError("yosys failed:\n" + (r.stderr or r.stdout)[-3000:])
    return r.stdout


def cell_counts(text):
    """Parses the last `stat` block's cell table into {cell: count} plus totals."""
    cells = {}
    blocks = text.split("Number of cells:")
    if len(blocks) < 2:
        return cells
    last = blocks[-1]
    m = re.match(r"\s*(\d+)", last)
    cells["_total"] = int(m.group(1)) if m else 0
    for line in last.splitlines()[1:]:
        m = re.match(r"\s+(\S+)\s+(\d+)\s*$", line)
        if m:
            cells[m.group(1)] = int(m.group(2))
        elif line.strip() and not line.startswith(" "):
            break
    mt = re.search(r"Estimated number of transistors:\s+(\d+)", text)
    if mt:
        cells["_transistors"] = int(mt.group(1))
    ma = re.search(r"Chip area for (?:top )?module '[^']*':\s+([\d.]+)", text)
    if ma:
        cells["_area"] = float(ma.group(1))
    return cells


def synth_unit(unit):
    name, top, params, lanes, group, baseline = unit
    read = "read_verilog -sv " + " ".join(rtl_sources(top)) + "\n"
    chp = "".join(f"chparam -set {k} {v} {top}\n" for k, v in params.items())
    head = read + chp + f"hierarchy -check -top {top}\n"
    res = {"name": name, "top": top, "params": params, "lanes": lanes, "group": group, "baseline": baseline}
    out = yosys(head + f"synth -flatten -top {top}\ntee -o /dev/stdout stat\ntee -o /dev/stdout stat -tech cmos\n")
    g = cell_counts(out.split("Estimated number of transistors")[0])
    res["gen_cells"] = g.get("_total", 0)
    res["gen_ff"] = sum(v for k, v in g.items() if "DFF" in k or "_SDFF" in k or "DLATCH" in k)
    res["transistors"] = cell_counts(out).get("_transistors", 0)
    out = yosys(head + f"synth_ice40 -flatten -top {top}\ntee -o /dev/stdout stat\n")
    c = cell_counts(out)
    res["ice_lut"] = c.get("SB_LUT4", 0)
    res["ice_carry"] = c.get("SB_CARRY", 0)
    res["ice_ff"] = sum(v for k, v in c.items() if k.startswith("SB_DFF"))
    res["ice_ram"] = sum(v for k, v in c.items() if k.startswith("SB_RAM"))
    for tag, extra in (("x7", ""), ("x7n", " -nodsp")):
        out = yosys(head + f"synth_xilinx -flatten -family xc7{extra} -top {top}\ntee -o /dev/stdout stat\n")
        c = cell_counts(out)
        res[f"{tag}_lut"] = sum(v for k, v in c.items() if re.fullmatch(r"LUT\d", k))
        res[f"{tag}_carry"] = c.get("CARRY4", 0)
        res[f"{tag}_ff"] = sum(v for k, v in c.items() if re.fullmatch(r"FD[A-Z]*", k))
        res[f"{tag}_dsp"] = c.get("DSP48E1", 0)
        res[f"{tag}_bram"] = sum(v for k, v in c.items() if k.startswith("RAMB"))
    out = yosys(head + f"synth -flatten -top {top}\ndfflibmap -liberty {LIBERTY}\nabc -liberty {LIBERTY}\n"
                f"opt_clean\ntee -o /dev/stdout stat -liberty {LIBERTY}\n")
    res["asic_um2"] = cell_counts(out).get("_area", 0.0)
    return res


def fmt_params(p):
    return " ".join(f"{k}={v}" for k, v in p.items())


def table(results):
    yv = subprocess.run(["yosys", "-V"], capture_output=True, text=True).stdout.strip()
    lines = [
        "# Area of the arithmetic units",
        "",
        "Generated by `make area` (`/usr/bin/python3 synth/area.py --out docs/area.md`) with " + yv + ".",
        "All figures are **synthesis** estimates (no place and route). Generic = Yosys internal gates after",
        "`synth -flatten`; transistors = `stat -tech cmos` (flip-flops excluded by Yosys); iCE40 = `synth_ice40`;",
        "Xilinx = `synth_xilinx -family xc7` (with DSP inference, and `-nodsp`); ASIC = OSU 0.18 um standard cells",
        "(`qflow-tech-osu018`, `osu018_stdcells.lib`) via `dfflibmap` + `abc -liberty`, area in um^2.",
        "",
        "| unit | params | lanes | gen cells | gen FF | transistors | iCE40 LUT4 | iCE40 CARRY | iCE40 FF "
        "| x7 LUT | x7 CARRY4 | x7 FF | x7 DSP | x7 LUT (nodsp) | x7 CARRY4 (nodsp) | ASIC um^2 |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['name']} | {fmt_params(r['params'])} | {r['lanes']} | {r['gen_cells']} | {r['gen_ff']} | "
            f"{r['transistors']} | {r['ice_lut']} | {r['ice_carry']} | {r['ice_ff']} | {r['x7_lut']} | "
            f"{r['x7_carry']} | {r['x7_ff']} | {r['x7_dsp']} | {r['x7n_lut']} | {r['x7n_carry']} | "
            f"{r['asic_um2']:.0f} |")
    lines += ["", "## Per lane, relative to the INT8 baseline of the same group", "",
              "Ratios are (unit per lane) / (INT8 baseline per lane) at equal lanes, activation bits and "
              "accumulator width.", "",
              "| unit | group | x7 LUT/lane (nodsp) | ratio | iCE40 LUT/lane | ratio | ASIC um^2/lane | ratio "
              "| gen cells/lane | ratio |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    base = {r["group"]: r for r in results if r["baseline"]}
    for r in results:
        b = base.get(r["group"])
        if not b:
            continue
        def per(x, rr):
            return rr[x] / rr["lanes"]
        def ratio(x):
            return per(x, r) / per(x, b) if per(x, b) else float("nan")
        lines.append(
            f"| {r['name']} | {r['group']} | {per('x7n_lut', r):.1f} | {ratio('x7n_lut'):.2f} | "
            f"{per('ice_lut', r):.1f} | {ratio('ice_lut'):.2f} | {per('asic_um2', r):.0f} | {ratio('asic_um2'):.2f} | "
            f"{per('gen_cells', r):.1f} | {ratio('gen_cells'):.2f} |")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", default="docs/area.md")
    ap.add_argument("--only", default="", help="comma-separated unit names")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--extra", default="", help="a markdown file appended to the table (anchors, notes)")
    args = ap.parse_args()
    units = [u for u in UNITS if not args.only or u[0] in args.only.split(",")]
    with cf.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        results = list(ex.map(synth_unit, units))
    text = table(results)
    anchors = getattr(unit_defs, "anchors", None)  # anchor comparisons defined in synth/units.py
    if anchors:
        text += "\n" + anchors(results)
    extra = args.extra or os.path.join(ROOT, "synth", "area_notes.md")
    if os.path.exists(extra):
        text += "\n" + open(extra).read()
    with open(args.out, "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
