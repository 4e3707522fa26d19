#!/usr/bin/python3
"""docs/ppa_sweep.md (tables, targets) and docs/img/ppa_*.png (gnuplot) from the sweep records of
synth/sweep.py (docs/ppa_sweep.json)."""
import os
import subprocess

import ppa

BLOCKS = ["decompressors", "mac", "requant", "buffers", "control"]

# Engine v1 baselines, quoted from docs/ppa_sweep.md and README.md as they were before engine v2 replaced them
# (git history: the v1 sweep of commit c28f23a and earlier).
V1_CNN_CYCLES = 256632          # cnn_fmnist_ternary, default v1 build (8 lanes = batch 8), cycles per image
# Best v1 dense-equivalent MACs/cycle/kLUT: "ternary x 8 lanes" of the v1 sweep (LeNet-style CNN with the same
# layer shapes as the bundled CNN: 12,273,152 MACs per image, 90% zero weights, 4-bit activations):
# 157,675 cycles per image, 27,883 Xilinx 7 LUTs (synth_xilinx -nodsp). The v1 table listed 0.236 GMAC/s per
# kLUT at its 84.52 MHz clock; per cycle that is the figure below.
V1_BEST = dict(build="v1 ternary x 8 lanes", macs=12273152, cycles=157675, lut=27883)
V1_BEST_MPC_PER_KLUT = V1_BEST["macs"] / V1_BEST["cycles"] / (V1_BEST["lut"] / 1000.0)


def f0(x):
    return "-" if x is None else f"{x:,.0f}"


def f1(x):
    return "-" if x is None else f"{x:,.1f}"


def f2(x):
    return "-" if x is None else f"{x:,.2f}"


def by_name(recs):
    return {r["name"]: r for r in recs}


def gnuplot(script):
    try:
        subprocess.run(["gnuplot"], input=script, text=True, check=True, capture_output=True)
        return True
    except (OSError, subprocess.CalledProcessError):
        return False


def plots(recs, img):
    os.makedirs(img, exist_ok=True)
    outs = []
    rs = [r for r in recs if r.get("x7_lut_by_block")]
    if rs:
        data = os.path.join(img, "ppa_blocks.dat")
        with open(data, "w") as f:
            f.write("# build " + " ".join(BLOCKS) + " memories\n")
            for r in rs:
                f.write(r["name"] + " " + " ".join(f"{r['x7_lut_by_block'][b]:.0f}" for b in BLOCKS) +
                        f" {r.get('x7_lut_memories', 0):.0f}\n")
        cols = ", ".join(f"'' using {i + 2} title '{b}'" for i, b in enumerate(BLOCKS[1:] + ["memories"], 1))
        name = "ppa_blocks.png"
        if gnuplot(f"""set terminal pngcairo size 1100,650 font ',11' noenhanced
set output '{os.path.join(img, name)}'
set title 'Xilinx 7 LUTs per block (synth_xilinx -nodsp, hierarchical; synthesis estimate)'
set style data histograms
set style histogram rowstacked
set style fill solid 0.8 border -1
set boxwidth 0.7
set ylabel 'LUT'
set key outside right
set grid ytics
set xtics rotate by -30
plot '{data}' using 2:xtic(1) title '{BLOCKS[0]}', {cols}
"""):
            outs.append(name)
        os.remove(data)
    rs = [r for r in recs if r.get("cycles_per_image_batch1") and r.get("x7_lut") and r["kind"] in
          ("ternary-only", "int8-only")]
    if rs:
        data = os.path.join(img, "ppa_scan.dat")
        with open(data, "w") as f:
            for k in ("ternary-only", "int8-only"):
                f.write(f"# {k}\n")
                for r in sorted((r for r in rs if r["kind"] == k), key=lambda r: r["x7_lut"]):
                    f.write(f"{r['x7_lut'] / 1000:.3f} {r['cycles_per_image_batch1']} {r['cols']}x{r['lanes']}\n")
                f.write("\n\n")
        name = "ppa_scan.png"
        if gnuplot(f"""set terminal pngcairo size 1000,650 font ',11' noenhanced
set output '{os.path.join(img, name)}'
set title 'cnn_fmnist_ternary, batch 1: cycles per image vs Xilinx 7 kLUT (Cols x Lanes labelled)'
set xlabel 'Xilinx 7 kLUT (synth_xilinx -nodsp)'
set ylabel 'cycles per image (cycle model)'
set logscale xy
set grid
set key top right
plot '{data}' index 0 using 1:2 with linespoints pt 7 ps 1.3 title 'ternary-only (MacTypes=0x2)', \\
     '{data}' index 1 using 1:2 with linespoints pt 5 ps 1.3 title 'int8-only (MacTypes=0x1)', \\
     '{data}' index 0 using 1:2:3 with labels offset 0,1 font ',9' notitle, \\
     '{data}' index 1 using 1:2:3 with labels offset 0,-1 font ',9' notitle
"""):
            outs.append(name)
        os.remove(data)
    return outs


def targets(recs):
    """(target, measured, met?) rows."""
    R = by_name(recs)
    T = []

    def get(n, k):
        return R.get(n, {}).get(k)

    t88 = R.get("ternary_8x8", {})
    if t88.get("x7_lut_by_block"):
        b = t88["x7_lut_by_block"]
        share = (b["mac"] + b["decompressors"]) / t88["x7_lut"]
        T.append(("ternary-only 8x8: (mac + decompressors) >= 50% of x7 LUTs",
                  f"{100 * share:.1f}% ({b['mac']:,.0f} + {b['decompressors']:,.0f} of {t88['x7_lut']:,.0f})",
                  share >= 0.5))
    for c, ln in ((1, 1), (1, 8), (4, 4), (8, 8), (16, 8)):
        t, i = get(f"ternary_{c}x{ln}", "x7_lut"), get(f"int8_{c}x{ln}", "x7_lut")
        if t and i:
            T.append((f"ternary/int8 x7 LUT ratio at {c}x{ln} <= 0.5", f"{t / i:.3f} ({t:,.0f} / {i:,.0f})",
                      t / i <= 0.5))
    for k in ("ternary", "int8"):
        a, b = get(f"{k}_1x1", "cycles_per_image_batch1"), get(f"{k}_8x8", "cycles_per_image_batch1")
        if a and b:
            T.append((f"{k}-only: cycles/image 8x8 <= 1/48 of 1x1", f"1/{a / b:.1f} ({b:,} vs {a:,})", a / b >= 48))
    for n in ("ternary_16x8", "int8_16x8"):
        c = get(n, "cycles_per_image_batch1")
        if c:
            T.append((f"{n}: >= 10x fewer cycles/image than v1's {V1_CNN_CYCLES:,}",
                      f"{c:,} ({V1_CNN_CYCLES / c:.1f}x fewer)", V1_CNN_CYCLES / c >= 10))
    best = max((r for r in recs if r.get("dense_equiv_macs_per_cycle_per_klut")),
               key=lambda r: r["dense_equiv_macs_per_cycle_per_klut"], default=None)
    if best:
        v = best["dense_equiv_macs_per_cycle_per_klut"]
        T.append((f"dense-equivalent MACs/cycle/kLUT >= 10x v1's best ({V1_BEST_MPC_PER_KLUT:.2f}, i.e. "
                  f">= {10 * V1_BEST_MPC_PER_KLUT:.1f})", f"{v:.2f} ({best['name']}; {v / V1_BEST_MPC_PER_KLUT:.1f}x v1)",
                  v >= 10 * V1_BEST_MPC_PER_KLUT))
    i8 = get("int8_8x8", "dense_macs_per_cycle_per_klut")
    for n, k, need in (("binary_p8_8x8", "binary", 8), ("ternary_p8_8x8", "ternary", 4)):
        v = get(n, "dense_macs_per_cycle_per_klut")
        if v and i8:
            T.append((f"dense {k} (Pack 8) >= {need}x int8 MACs/cycle/kLUT at 8x8",
                      f"{v / i8:.2f}x ({v:.2f} vs {i8:.2f})", v / i8 >= need))
    d = R.get("default", {})
    if d.get("asic_fmax_mhz"):
        T.append(("default build ASIC Fmax >= 200 MHz (OSU 0.18 um, OpenSTA)",
                  f"{d['asic_fmax_mhz']:.1f} MHz (critical path `{d.get('asic_crit_start')}` -> "
                  f"`{d.get('asic_crit_end')}`)", d["asic_fmax_mhz"] >= 200))
    else:
        T.append(("default build ASIC Fmax >= 200 MHz (OSU 0.18 um, OpenSTA)",
                  "not measured: the full ASIC flow of the default build (flattened synthesis + delay-targeted "
                  "ABC of the whole 8x8 design) has no result in this sweep's cache yet "
                  "(`sweep.py --points default --flows asic`)" +
                  ("".join(f"; {n}: {R[n]['asic_fmax_mhz']:.1f} MHz" for n in R if R[n].get("asic_fmax_mhz"))),
                  None))
    ic = R.get("ice40", {})
    if ic:
        ok = bool(ic.get("ice40_fits")) and (ic.get("ice40_fmax_mhz") or 0) >= 40 and ic["mac_slots"] >= 16
        T.append(("iCE40: a ternary build with >= 16 MAC slots, whole tern_top placed and routed at >= 40 MHz",
                  f"{ic['mac_slots']} slots, {ic.get('ice40_device')}: " +
                  (f"{ic['ice40_lut4']:,} LUT4, {ic['ice40_bram']} BRAM, {ic['ice40_fmax_mhz']} MHz"
                   if ic.get("ice40_fits") else f"does not fit ({ic.get('ice40_reason')})"), ok))
    return T


def observations(R):
    """Why the cycle targets are missed, from the per-layer cycles of the records."""
    L = []
    t1, t8, t16, i8 = (R.get(n, {}) for n in ("ternary_1x1", "ternary_8x8", "ternary_16x8", "int8_8x8"))
    if not (t1.get("cnn_layers") and t8.get("cnn_layers")):
        return L
    lay = {n: {x["name"]: x for x in R[n]["cnn_layers"]} for n in ("ternary_1x1", "ternary_8x8", "ternary_16x8",
                                                                     "int8_8x8") if R.get(n, {}).get("cnn_layers")}
    L += ["", "## Reading the cycle results", "",
          "Per-layer cycles of the bundled CNN (cycle model, batch 1):", "",
          "| layer | " + " | ".join(lay) + " |", "|---|" + "---|" * len(lay)]
    for name in [x["name"] for x in t1["cnn_layers"]]:
        L.append(f"| {name} | " + " | ".join(f"{lay[b][name]['cycles']:,}" for b in lay) + " |")
    L.append("")
    f1 = {b: lay[b]["fc1"]["cycles"] for b in lay if "fc1" in lay[b]}
    if "ternary_8x8" in f1 and "ternary_16x8" in f1:
        L.append(f"fc1 (3136 -> 512, {lay['ternary_8x8']['fc1']['nnz']:,} non-zero ternary weights streamed once per "
                 f"image) takes {f1['ternary_8x8']:,} cycles at 8x8 and {f1['ternary_16x8']:,} at 16x8: at batch 1 "
                 "every fc weight is used once, so the layer is bound by the 64-bit weight-stream port (about one "
                 "stream word per cycle), not by the MAC array; adding columns does not shorten it. It is "
                 f"{100 * f1['ternary_8x8'] / t8['cycles_per_image_batch1']:.0f}% of the 8x8 and "
                 f"{100 * f1['ternary_16x8'] / t16['cycles_per_image_batch1']:.0f}% of the 16x8 cycles per image, "
                 "which is why 8x8 is not 48x faster than 1x1 and 16x8 not 10x faster than v1 (v1 counted cycles "
                 "per image at batch 8, which shares each fc weight fetch over 8 images). The int8-only build "
                 f"streams the same fc1 weights as 8-bit RLE codes (more words): {f1.get('int8_8x8', 0):,} cycles.")
        L.append("")
    return L


def area_observations(R):
    t, i = R.get("ternary_8x8", {}), R.get("int8_8x8", {})
    L = []
    if t.get("x7_lut_by_block") and i.get("x7_lut_by_block"):
        tb, ib = t["x7_lut_by_block"], i["x7_lut_by_block"]
        rest = i["x7_lut"] - ib["mac"]
        L += ["", "## Reading the area results", "",
              f"At 8x8 the MAC block is {tb['mac']:,.0f} LUTs for ternary and {ib['mac']:,.0f} for int8 "
              f"({tb['mac'] / ib['mac']:.2f}x), but everything else is about the same in both builds "
              f"({t['x7_lut'] - tb['mac']:,.0f} and {rest:,.0f} LUTs): even a free ternary MAC array would leave "
              f"the whole-design ratio at {rest / i['x7_lut']:.2f}, so the <= 0.5 target needs the shared logic "
              "to shrink, not the multipliers. The largest modules of the ternary build (table below) are the "
              "per-column row sequencers (tern_colseq: pixel-group geometry and the addressing context (stride, pad, pitches) of every "
              "replay), the requantisers (one per column here, RqUnits = 8), the pooling unit and the writer; "
              "the PEs themselves are about a tenth of the build."]
    return L


def flow_seconds(recs):
    return sum((r.get(k) or 0) for r in recs for k in ("x7_seconds", "asic_seconds", "ice40_seconds"))


def write(recs, a, wall):
    imgs = plots(recs, a.img)
    R = by_name(recs)
    L = ["# Design-space sweep, engine v2: Cols x Lanes x MAC type x Pack", "",
         f"Generated by `make -C synth sweep` (`synth/sweep.py` + `synth/sweep_report.py`; records in "
         f"[ppa_sweep.json](ppa_sweep.json)). Run time: the flows recorded here took {flow_seconds(recs) / 60:.0f} min "
         "of wall time in all (their `*_seconds` fields; one point per Slurm task or local job, on 2 cores shared "
         "with other jobs, so wall times are not CPU times). Every flow of every build is cached under `build/synth/sweep/`, so an interrupted sweep resumes; builds whose flows "
         "have not run yet show '-' / null. "
         f"{ppa.yosys_version()}; flows as in [ppa.md](ppa.md), definitions in [metrics.md](metrics.md).", "",
         "**Builds.** ternary-only (`MacTypes=0x2`) and int8-only (`MacTypes=0x1`) at Cols x Lanes = 1x1, 1x8, 4x4, "
         "8x8, 16x8, both with `Pack=1 BitSerial=0 Syq=0`, every format (`Formats=0x1f`), statistics on, "
         "`RqUnits=min(4, Cols)` (as the default build), `BankBytes` 32768 / 8192 / 4096 for 1 / 4 / 8 lanes (the bundled CNN fits: "
         "checked by the compiler), other parameters at the RTL defaults (CacheWords 512, MaxConvRow 1024, "
         "AccBits 32); the `default` build (RTL defaults: 8x8, Pack 8, every type and format, bit-serial, SYQ); "
         "the dense-type builds `ternary_p8_8x8` (`MacTypes=0x2 Pack=8`) and `binary_p8_8x8` (`MacTypes=0x4 "
         "Pack=8`) (the int8 dense build is `int8_8x8`); and the `ice40` build of [ppa.md](ppa.md).", "",
         "**Area and clock.** Xilinx 7: `synth_xilinx -family xc7 -nodsp` (multipliers in LUTs, hierarchy kept "
         "for the per-block split; block RAM counted separately as RAMB36-equivalents); a **synthesis estimate**, "
         "no place and route. ASIC: the full flow of ppa.py (OSU 0.18 um, `abc -D 10000` with buffering and "
         "sizing, memories as SRAM macros excluded from the area) and OpenSTA on the unplaced netlist (no wire "
         "load): Fmax = 1 / (10 ns - worst slack). iCE40: the whole tern_top inside the scan-in / XOR-out "
         "boundary of ppa.py, `synth_ice40` + nextpnr-ice40 on the HX8K (ct256), only where it can fit (builds "
         "whose Xilinx synthesis alone exceeds 12,000 LUT6 are not attempted; the reason is recorded).", "",
         "**Cycles** from the cycle model (equal to the RTL's statistics cycle for cycle, tests/v2), batch 1: "
         "`models/cnn_fmnist_ternary.tnm` (conv5x5 1->32 int8, pool, conv5x5 32->64 ternary, pool, fc 3136->512 "
         "ternary, fc 512->10 int8; 12,273,152 dense MACs per image, 88% zero ternary weights) compiled for each "
         "build by `bench/ppa/tern_ppa_cycles` with the compiler's format choice (RLE for ternary, dense for int8). "
         "A ternary-only build has no int8 multiplier for conv1 and fc2 (0.5% of the MACs): those two layers are "
         "compiled as if it had one (`cnn_types_added` in the JSON; at Pack 1 an entry takes one cycle whatever "
         "the multiplier). int8-only builds run the same CNN with its ternary layers converted to int8 weights "
         "of the same values (-1/0/+1) in the same RLE streams (`--as-int8`). Dense-equivalent MACs/cycle = dense "
         "MACs of the model (zeros included) / cycles per image. Dense-type figures: one conv layer 64->64, 3x3, "
         "pad 1, on 16x16x64 (9,437,184 MACs), all weights non-zero of the build's type, dense format, packed "
         "(8 codes per lane per cycle) where the build has Pack 8.", ""]
    no_x7 = [r["name"] for r in recs if not r.get("x7_lut")]
    no_asic = [r["name"] for r in recs if not r.get("asic_mm2")]
    if no_x7 or no_asic:
        L += ["**Coverage of this run.** " +
              (f"Xilinx 7 synthesis not run yet for: {', '.join(no_x7)} (their cycle figures are complete; "
               "LUT-based figures are '-'). " if no_x7 else "") +
              (f"ASIC flow not run yet for: {', '.join(no_asic)}. " if no_asic else "") +
              "`make -C synth sweep` resumes and fills them in.", ""]
    # targets
    T = targets(recs)
    L += ["## Targets (engine v2 issue), measured vs target", "",
          "| target | measured | met |", "|---|---|---|"]
    for t, m, ok in T:
        L.append(f"| {t} | {m} | {'not measured' if ok is None else 'yes' if ok else '**no**'} |")
    L += ["", f"v1 baselines (quoted from the v1 `docs/ppa_sweep.md` / README before this sweep replaced them): "
          f"cnn_fmnist_ternary {V1_CNN_CYCLES:,} cycles per image on the default v1 build (8 lanes, batch 8); best "
          f"v1 dense-equivalent throughput per area: {V1_BEST['build']}, LeNet-style CNN with the bundled CNN's "
          f"shapes ({V1_BEST['macs']:,} MACs), 90% zero weights, {V1_BEST['cycles']:,} cycles per image, "
          f"{V1_BEST['lut']:,} x7 LUTs -> {V1_BEST_MPC_PER_KLUT:.2f} MACs/cycle/kLUT (the v1 table: 0.236 GMAC/s "
          "per kLUT at 84.52 MHz).", ""]
    # hardware table
    L += ["## Hardware per build", "",
          "| build | Cols x Lanes | Pack | MAC slots | MAC types | x7 LUT | x7 FF | x7 BRAM36 | LUT decomp | LUT mac | "
          "LUT requant | LUT buffers | LUT control | ASIC mm^2 | ASIC Fmax (MHz) | iCE40 (HX8K) |",
          "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in recs:
        b = r.get("x7_lut_by_block") or {}
        if r.get("ice40_fits"):
            ice = f"fits: {r['ice40_lut4']:,} LUT4, {r['ice40_bram']} BRAM, **{r['ice40_fmax_mhz']} MHz**"
        elif r.get("ice40_lut4"):
            ice = f"no: {r['ice40_reason']}"
        elif r.get("ice40_reason") == "iCE40 flow not run":
            ice = "-"
        else:
            ice = f"no ({r.get('ice40_reason')})" if r.get("ice40_reason") else "-"
        L.append(f"| {r['name']} | {r['cols']}x{r['lanes']} | {r['pack']} | {r['mac_slots']} | "
                 f"{', '.join(r['mac_types'])} | {f0(r.get('x7_lut'))} | {f0(r.get('x7_ff'))} | "
                 f"{f1(r.get('x7_bram'))} | " + " | ".join(f0(b.get(k)) for k in BLOCKS) +
                 f" | {f2(r.get('asic_mm2'))} | {f1(r.get('asic_fmax_mhz'))} | {ice} |")
    L += ["", "MAC slots = Cols x Lanes x Pack (codes multiplied per cycle at most). LUT columns: the Xilinx 7 "
          "LUTs of each block (ppa.py: decompressors = tern_decomp*, tern_dec_mux, tern_wdecode, tern_feed, "
          "tern_colseq; mac = tern_pe and its multipliers; requant = tern_rq_pool/tern_requant; buffers = "
          "tern_fifo; control = everything else); LUT RAM of the memories is not in them. '-': that flow has not run "
          "for that build yet (see Coverage above).", ""]
    # throughput table
    L += ["## Throughput on the bundled CNN (batch 1)", "",
          "| build | cycles / image | dense-equiv MACs / cycle | per kLUT (x7) | img/s at ASIC Fmax | "
          "img/s at iCE40 Fmax | notes |", "|---|---|---|---|---|---|---|"]
    for r in recs:
        note = []
        if r.get("cnn_types_added"):
            note.append("compiled with " + "+".join(r["cnn_types_added"]) + " added for the cycle model")
        if r["kind"] == "int8-only":
            note.append("ternary layers as int8 weights")
        if r.get("cnn_error"):
            note.append("does not compile: " + r["cnn_error"])
        if r.get("fit_model_cycles_per_image"):
            note.append(f"{r['fit_model']} (fits): {r['fit_model_cycles_per_image']:,} cycles / image")
        L.append(f"| {r['name']} | {f0(r.get('cycles_per_image_batch1'))} | {f1(r.get('dense_equiv_macs_per_cycle'))} | "
                 f"{f2(r.get('dense_equiv_macs_per_cycle_per_klut'))} | {f0(r.get('images_per_s_asic'))} | "
                 f"{f0(r.get('images_per_s_ice40'))} | {'; '.join(note)} |")
    # dense table
    dense = [r for r in recs if r.get("dense_type")]
    if dense:
        i8 = R.get("int8_8x8", {}).get("dense_macs_per_cycle_per_klut")
        L += ["", "## Dense throughput per type at 8x8 (equal-LUT comparison)", "",
              "| build | weight type | packed | layer cycles | MACs / cycle | x7 LUT | MACs / cycle / kLUT | vs int8 |",
              "|---|---|---|---|---|---|---|---|"]
        for r in dense:
            v = r.get("dense_macs_per_cycle_per_klut")
            L.append(f"| {r['name']} | {r['dense_type']} | {'yes' if r.get('dense_packed') else 'no'} | "
                     f"{f0(r.get('dense_cycles'))} | {f1(r.get('dense_macs_per_cycle'))} | {f0(r.get('x7_lut'))} | "
                     f"{f2(v)} | {f'{v / i8:.2f}x' if v and i8 else '-'} |")
    L += observations(R)
    L += area_observations(R)
    t = R.get("ternary_8x8", {})
    if t.get("x7_lut_by_module"):
        L += ["", "## Where the LUTs are: ternary_8x8 by module", "",
              "Xilinx 7 LUTs of every module (all instances), with the block it counts in; the largest first.", "",
              "| module | instances | LUT | % of the build | block |", "|---|---|---|---|---|"]
        for m, v in list(t["x7_lut_by_module"].items())[:20]:
            L.append(f"| {m} | {v['instances']:.0f} | {v['lut']:,.0f} | {100 * v['lut'] / t['x7_lut']:.1f} | "
                     f"{v['block']} |")
    if imgs:
        L += ["", "## Plots", ""]
        for im in imgs:
            L += [f"![{im}](img/{im})", ""]
    ar = [r for r in recs if r.get("asic_fmax_mhz")]
    if ar:
        L += ["", "## ASIC critical paths (OpenSTA, OSU 0.18 um, unplaced)", "",
              "| build | Fmax (MHz) | startpoint | endpoint |", "|---|---|---|---|"]
        for r in ar:
            L.append(f"| {r['name']} | {r['asic_fmax_mhz']:.1f} | `{r.get('asic_crit_start')}` | "
                     f"`{r.get('asic_crit_end')}` |")
        L.append("")
        if not R.get("default", {}).get("asic_fmax_mhz"):
            L.append("The default build's ASIC flow has no result in this run, so the 200 MHz target is not "
                     "measured; the smaller builds above share its control path (sequencer, fetcher, counters), "
                     "which is where their worst paths end.")
    with open(a.doc, "w") as f:
        f.write("\n".join(L).rstrip() + "\n")
    print(f"wrote {a.doc}")
