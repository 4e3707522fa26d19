#!/usr/bin/env python3
"""Verilator line/branch/toggle coverage per RTL module from the .dat files a coverage build's tests wrote.

Usage: coverage_report.py BUILD_DIR [--tests "test_a test_b ..."] [--waivers FILE] [--out docs/coverage.md]
         [--json docs/coverage.json]
Merges BUILD_DIR/coverage/*.dat (verilator_coverage --write) and counts, per module, the source points hit
at least once: line (statement and branch) points and toggle points separately. A source point is one
place of the RTL (file, line, column, kind, signal bit); it counts as hit if any instance of the module in
any Verilated configuration of any test reached it. Waived line points (FILE: unreachable code, or code
Verilator cannot count, each with its reason) leave the denominator and are listed; a waived point that was hit is an error (the waiver is
wrong).
"""
import argparse
import collections
import glob
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TARGET = 90.0


def parse(path):
    """Yields (fields, count) for each point of a Verilator coverage .dat file."""
    with open(path, "rb") as f:
        for raw in f:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if not line.startswith("C '"):
                continue
            key, _, count = line[3:].rpartition("' ")
            fields = {}
            for item in key.split("\x01"):
                if "\x02" in item:
                    k, v = item.split("\x02", 1)
                    fields[k] = v
            yield fields, int(count)


def source_points(merged):
    """{(kind, module, file, line, column, comment): hits} over every instance and configuration."""
    pts = collections.Counter()
    for fields, count in parse(merged):
        page = fields.get("page", "")
        kind = "toggle" if page.startswith("v_toggle") else "line"
        module = page.split("/", 1)[1] if "/" in page else fields.get("f", "?")
        # Verilator names a parameterised module `name__<params>`: one row per RTL module
        module = module.split("__", 1)[0]
        key = (kind, module, fields.get("f", "?"), int(fields.get("l", 0)), fields.get("n", ""), fields.get("o", ""))
        pts[key] += count
    return pts


def load_waivers(path):
    """[(module, point kind, source-line regex, reason)] from lines `module | kind | regex | reason` (# comments);
    kind is Verilator's name of the point (if, elsif, else, case, block, ...)."""
    out = []
    with open(path) as f:
        for n, raw in enumerate(f, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) != 4 or not all(parts):
                sys.exit(f"coverage_report: {path}:{n}: expected `module | kind | regex | reason`")
            out.append((parts[0], parts[1], re.compile(parts[2]), parts[3]))
    return out


_src_cache = {}


def source_line(path, n):
    if path not in _src_cache:
        try:
            with open(path) as f:
                _src_cache[path] = f.read().split("\n")
        except OSError:
            _src_cache[path] = []
    lines = _src_cache[path]
    return lines[n - 1].strip() if 0 < n <= len(lines) else ""


def summarise(pts, waivers):
    """Per-module [hit, total] for line and toggle points, the waived points and the misses."""
    stats = collections.defaultdict(lambda: {"line": [0, 0], "toggle": [0, 0]})
    waived, misses, bad = [], collections.defaultdict(list), []
    used = set()
    for (kind, module, path, ln, _col, comment), hits in sorted(pts.items()):
        if kind == "line":
            text = source_line(path, ln)
            w = next((i for i, (m, k, rx, _) in enumerate(waivers)
                      if m == module and k == comment and rx.search(text)), None)
            if w is not None:
                used.add(w)
                rec = {"module": module, "line": ln, "kind": comment, "source": text, "reason": waivers[w][3],
                       "hits": hits}
                (bad if hits else waived).append(rec)
                continue
            if not hits:
                misses[module].append(f"{os.path.basename(path)}:{ln} ({comment}) `{text}`")
        s = stats[module][kind]
        s[1] += 1
        s[0] += 1 if hits else 0
    unused = [f"{m} | {k} | {rx.pattern}" for i, (m, k, rx, _) in enumerate(waivers) if i not in used]
    return stats, waived, misses, bad, unused


def pct(v):
    return 100.0 * v[0] / v[1] if v[1] else None


def report(stats, waived, misses, tests, nfiles):
    rows = ["| module | line/branch points hit | % | toggle points hit | % |", "|---|---|---|---|---|"]
    tot = {"line": [0, 0], "toggle": [0, 0]}
    for mod in sorted(stats):
        st = stats[mod]
        for k in tot:
            tot[k][0] += st[k][0]
            tot[k][1] += st[k][1]
        f = {k: (f"{pct(st[k]):.1f}" if st[k][1] else "-") for k in st}
        rows.append(f"| {mod} | {st['line'][0]}/{st['line'][1]} | {f['line']} | "
                    f"{st['toggle'][0]}/{st['toggle'][1]} | {f['toggle']} |")
    rows.append(f"| **all** | {tot['line'][0]}/{tot['line'][1]} | {pct(tot['line']):.1f} | "
                f"{tot['toggle'][0]}/{tot['toggle'][1]} | {pct(tot['toggle']):.1f} |")
    low = sorted((pct(st["line"]), m) for m, st in stats.items() if st["line"][1] and pct(st["line"]) < TARGET)
    nmod = sum(1 for st in stats.values() if st["line"][1])
    text = ["# RTL coverage", "",
            "Generated by `make coverage`: Verilator line, branch and toggle coverage in a coverage build "
            f"(`-DTERN_COVERAGE=ON`) of the simulation tests {', '.join(f'`{t}`' for t in tests)}; "
            f"{nfiles} coverage files (one per simulation) merged with `verilator_coverage`. A *source point* is "
            "one place of the RTL (statement, branch arm, or one bit of a signal for toggles); it counts as hit if "
            "any instance of the module in any Verilated configuration reached it (the block tests Verilate "
            "each block alone, the accelerator tests the whole `tern_top`, the arithmetic tests every unit). "
            "Waived points (unreachable code, listed below with their reasons) are not counted.", "",
            *rows, ""]
    if low:
        text.append(f"Below {TARGET:.0f}% line/branch ({len(low)} of {nmod} modules with line/branch points): " +
                    ", ".join(f"`{m}` {p:.1f}%" for p, m in low) + ".")
    else:
        text.append(f"Every module with line/branch points ({nmod}) is at or above {TARGET:.0f}% line/branch "
                    "coverage after waivers.")
    text += ["", f"## Waived line/branch points ({len(waived)})", "",
             "Code no legal run can reach, or code the tests reach that Verilator cannot count (the reason says "
             "which and how it is checked instead); each checked not counted in this run (a counted waived point "
             "fails the report, as does a waiver that matches no point). Source: `scripts/coverage_waivers.txt`.", "",
             "| module | line | point | source | reason |", "|---|---|---|---|---|"]
    for w in waived:
        src = w["source"].replace("|", "\\|")
        text.append(f"| {w['module']} | {w['line']} | {w['kind']} | `{src}` | {w['reason']} |")
    text += ["", "## Line/branch points not hit", ""]
    if not any(misses.values()):
        text.append("None.")
    for mod in sorted(misses):
        text.append(f"* `{mod}`: " + "; ".join(misses[mod]))
    text += ["", "Toggle coverage is reported, not targeted: the upper bits of 48/64-bit counters, 32-bit "
             "addresses and register fields never toggle in test programs of a few thousand cycles.", "",
             "`verilator_coverage --annotate DIR BUILD-cov/coverage_merged.dat` shows every point in its source.", ""]
    return "\n".join(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("build")
    ap.add_argument("--tests", default="", help="names of the tests that ran (for the report's text)")
    ap.add_argument("--waivers", default=os.path.join(HERE, "coverage_waivers.txt"))
    ap.add_argument("--out", default="")
    ap.add_argument("--json", default="")
    a = ap.parse_args()
    files = sorted(glob.glob(os.path.join(a.build, "coverage", "*.dat")))
    if not files:
        sys.exit(f"coverage_report: no {a.build}/coverage/*.dat (build with -DTERN_COVERAGE=ON and run the tests)")
    merged = os.path.join(a.build, "coverage_merged.dat")
    subprocess.run(["verilator_coverage", "--write", merged] + files, check=True, capture_output=True)
    stats, waived, misses, bad, unused = summarise(source_points(merged), load_waivers(a.waivers))
    if bad:
        sys.exit("coverage_report: waived points were hit (wrong waivers):\n" +
                 "\n".join(f"  {b['module']}:{b['line']} `{b['source']}` hit {b['hits']}x" for b in bad))
    if unused:
        sys.exit("coverage_report: waivers matching no coverage point (stale):\n  " + "\n  ".join(unused))
    text = report(stats, waived, misses, a.tests.split(), len(files))
    print(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)
    if a.json:
        rec = {"files": len(files), "tests": a.tests.split(), "target_pct": TARGET,
               "modules": {m: {"line_hit": st["line"][0], "line_points": st["line"][1], "line_pct": pct(st["line"]),
                               "toggle_hit": st["toggle"][0], "toggle_points": st["toggle"][1],
                               "toggle_pct": pct(st["toggle"])} for m, st in sorted(stats.items())},
               "waived": waived, "missed": {m: v for m, v in misses.items() if v}}
        with open(a.json, "w") as f:
            json.dump(rec, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
