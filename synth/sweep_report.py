#!/usr/bin/python3
"""Markdown tables and gnuplot PNGs of the design-space sweep (synth/sweep.py -> docs/ppa_sweep.md)."""
import os
import subprocess

import ppa

HEAD_BITS, HEAD_SPARSITY = 4, 0.9   # headline operating point of the throughput table and the plots
BLOCKS = ["decompressor", "MAC lanes", "requantiser", "buffers (FIFOs)", "control"]

# Anchors (docs/ppa_sweep.md "Comparison"): thesis Tables 4.4/4.5 (notes/002_faraone.md), Wang Table 2.
THESIS_ALEXNET = [  # name, device, MHz, LUTs, FPS, FPS/kLUT as published
    ("AlexNet original (thesis Table 4.4)", "KU115", 159, 375037, 3265, 8.70),
    ("AlexNet pruned-30% (Table 4.4)", "KU115", 130, 410073, 5359, 13.14),
    ("AlexNet pruned-40% (Tables 4.4/4.5)", "KU115", 150, 302325, 6172, 20.44),
    ("Li16 AlexNet 16/16-bit (Table 4.5)", "VC709", 156, 273805, 391, 1.43),
    ("Moss17 AlexNet 1/1-bit (Table 4.5)", "Arria 10", 312.5, 427200, 1610, 3.77),
]
# DoReFa AlexNet of the thesis: Table 4.1 gives conv1 (K=12, I=3, N=96, F=54) as 6.24 % of the ops, so
# the whole network is 12*12*3*96*54*54 / 0.0624 = 1.94e9 MACs per image (derived; Eq. 4.5 counts MACs).
ALEXNET_MACS = 12 * 12 * 3 * 96 * 54 * 54 / 0.0624
FINN_CNV = dict(device="Zynq XC7Z045", mhz=200, fps=21900, gop=0.113, device_luts=218600)


def f1(x):
    return f"{x:,.1f}"


def f0(x):
    return f"{x:,.0f}"


def derive(points, cyc):
    """One row per (kind, lanes, bits, sparsity) with area, clocks and throughput."""
    rows = []
    for (k, ln), r in points.items():
        x, a, s = r["xilinx_nodsp"]["total"], r.get("asic"), r["slice_mac"]
        kluts = x["lut"] / 1000.0
        mm2 = a["total"]["area_um2"] / 1e6 if a else None
        f_asic = a["fmax_mhz"] if a else None
        f_ice = s.get("fmax_mhz")
        for key, c in cyc.items():
            kk, l2, b, sp = key.split("|")
            if kk != k or int(l2) != ln:
                continue
            cpi = c["cycles_per_image"]
            bench = [L for L in c["layers"] if L["name"] == "L2"][0]
            ips_asic = f_asic * 1e6 / cpi if a else None
            ips_ice = f_ice * 1e6 / cpi if f_ice else None
            rows.append(dict(kind=k, lanes=ln, bits=int(b), sparsity=float(sp), kluts=kluts, mm2=mm2,
                             ff=x["ff"], carry=x["carry"], bram36=x["bram36"], bram18=x["bram18"],
                             lutram=x["lutram"], f_asic=f_asic, f_ice=f_ice, ice_lut=s["cells"]["lut"],
                             cpi=cpi, cycles_batch=c["cycles_batch"], bench_cycles=bench["cycles"],
                             bench_util=bench["utilisation"], macs=c["macs_per_image"],
                             macs_nz=c["macs_nz_per_image"], nnz=c["nnz"], weights=c["weights"],
                             ips_asic=ips_asic, ips_mm2=ips_asic / mm2 if a else None, ips_ice=ips_ice,
                             ips_klut=(ips_ice / kluts) if ips_ice else None))
    return rows


def pareto(rows, xkey, ykey):
    """Points not dominated (smaller or equal area and higher or equal throughput), by increasing area."""
    front, best = [], -1.0
    for r in sorted(rows, key=lambda r: (r[xkey], -r[ykey])):
        if r[ykey] > best:
            front.append(r)
            best = r[ykey]
    return front


def gnuplot(script, path):
    subprocess.run(["gnuplot"], input=script, text=True, check=True)
    return path


def plots(rows, points, img):
    os.makedirs(img, exist_ok=True)
    head = [r for r in rows if r["bits"] == HEAD_BITS and r["sparsity"] == HEAD_SPARSITY]
    # Binary has no zero weights: its points use sparsity 0 (all weights non-zero).
    head += [r for r in rows if r["kind"] == "binary" and r["bits"] == HEAD_BITS and r["sparsity"] == 0.0]
    outs = []
    for xkey, ykey, xl, yl, name in (("mm2", "ips_asic", "ASIC standard-cell area (mm^2, OSU 0.18 um, memories excluded)",
                                      "images/s at OpenSTA Fmax", "ppa_pareto_asic.png"),
                                     ("kluts", "ips_ice", "Xilinx 7 kLUT (synth_xilinx -nodsp, BRAM separate)",
                                      "images/s at iCE40 MAC-slice Fmax", "ppa_pareto_fpga.png")):
        hr = [r for r in head if r[ykey]]
        if not hr:
            continue
        data = os.path.join(img, name + ".dat")
        with open(data, "w") as f:
            for k in sorted({r["kind"] for r in hr}):
                f.write(f"# {k}\n")
                for r in sorted((r for r in hr if r["kind"] == k), key=lambda r: r["lanes"]):
                    f.write(f"{r[xkey]:.5f} {r[ykey]:.3f} {k}-{r['lanes']}\n")
                f.write("\n\n")
            f.write("# pareto\n")
            for r in pareto(hr, xkey, ykey):
                f.write(f"{r[xkey]:.5f} {r[ykey]:.3f} {r['kind']}-{r['lanes']}\n")
        kinds = sorted({r["kind"] for r in hr})
        series = ", ".join(f"'{data}' index {i} using 1:2 with linespoints pt 7 ps 1.2 title '{k}'"
                           for i, k in enumerate(kinds))
        script = f"""set terminal pngcairo size 1000,700 font ',11' noenhanced
set output '{os.path.join(img, name)}'
set title 'LeNet-style CNN 28x28, {int(HEAD_SPARSITY * 100)}% zero weights, {HEAD_BITS}-bit hidden activations: area vs sustained throughput'
set xlabel '{xl}'
set ylabel '{yl}'
set logscale y
set grid
set key outside right
plot {series}, '{data}' index {len(kinds)} using 1:2 with steps lw 2 lc rgb 'black' title 'Pareto front', '{data}' index {len(kinds)} using 1:2:3 with labels offset 0,1 font ',8' notitle
"""
        gnuplot(script, name)
        os.remove(data)
        outs.append(name)
    # per-MAC-type breakdown (Xilinx LUTs by block) at the largest lane count present
    lmax = max(ln for (_, ln) in points)
    data = os.path.join(img, "breakdown.dat")
    kinds = [k for k in ("int8", "ternary", "binary", "log2", "addnet2", "addnet3", "addnet4", "bitserial")
             if (k, lmax) in points]
    with open(data, "w") as f:
        f.write("# kind " + " ".join(b.replace(" ", "_") for b in BLOCKS) + "\n")
        for k in kinds:
            bl = points[(k, lmax)]["xilinx_nodsp"]["blocks"]
            f.write(k + " " + " ".join(f"{bl[b]['lut']:.0f}" for b in BLOCKS) + "\n")
    name = "ppa_breakdown.png"
    cols = ", ".join(f"'' using {i + 2} title '{b}'" for i, b in enumerate(BLOCKS[1:], 1))
    script = f"""set terminal pngcairo size 1000,650 font ',11' noenhanced
set output '{os.path.join(img, name)}'
set title 'Xilinx 7 LUTs per block, {lmax} lanes, one MAC type per build (synth_xilinx -nodsp, hierarchical)'
set style data histograms
set style histogram rowstacked
set style fill solid 0.8 border -1
set boxwidth 0.7
set ylabel 'LUT'
set key outside right
set grid ytics
set xtics rotate by -30
plot '{data}' using 2:xtic(1) title '{BLOCKS[0]}', {cols}
"""
    gnuplot(script, name)
    os.remove(data)
    outs.append(name)
    return outs


def write(points, cyc, a):
    rows = derive(points, cyc)
    imgs = plots(rows, points, a.img) if rows else []
    L = ["# Design-space sweep: MAC type x lanes x activation bits x sparsity", "",
         "Generated by `make -C synth sweep` (`synth/sweep.py`; it builds `bench/ppa/tern_ppa_cycles` in `build-ppa/` "
         "and caches every synthesis point under `build/synth/sweep/`, so an interrupted sweep resumes). "
         f"{ppa.yosys_version()}; definitions in [metrics.md](metrics.md), flows in [ppa.md](ppa.md).", "",
         "**Builds.** One MAC type per build (`MacTypes` = that type only, `BitSerial=0`; the `bitserial` build has "
         "no bit-parallel multiplier, `MacTypes=0 BitSerial=1`, and runs ternary weights), no SYQ (`Syq=0`), every "
         f"decompressor (`Formats={hex(any_params(points)['Formats'])}`), buffers of the default build (ActDepth "
         f"{any_params(points)['ActDepth']}, MaxRowLen {any_params(points)['MaxRowLen']}, CacheWords "
         f"{any_params(points)['CacheWords']}: LeNet fits), AccBits {any_params(points)['AccBits']}. Synthesised "
         f"points (MAC type x lanes): {', '.join(f'{k} x {ln}' for (k, ln) in points)}: every type at 8 lanes and "
         "a lane scan of three, chosen so the sweep runs in under an hour on 2 cores; any other point is one "
         "`sweep.py --points kind:lanes` away. Activation bits (2, 4, 8) and weight sparsity (0, 50, 90% zeros) "
         "change only the cycles, so every synthesised point is evaluated at all nine.", "",
         "**Area** (synthesis, not place and route): Xilinx 7 LUT/FF/CARRY4 from `synth_xilinx -family xc7 -nodsp` "
         "(multipliers in LUTs, hierarchy kept; block RAM counted separately); ASIC um^2 of OSU 0.18 um standard cells "
         "(flattened; ABC's fast delay-targeted script `abc -fast -D 10000` with buffering and sizing, instead of "
         "the full script of docs/ppa.md, to keep each point to a few minutes; the SRAM macros of the buffers are "
         "excluded and are the same in every build: 4.45 Mbit). Points whose ASIC run did not finish within the "
         "sweep's time budget show '-' in the ASIC columns.", "",
         "**Clock.** ASIC: OpenSTA Fmax of the whole synthesised design (1 / (10 ns - worst slack); with the "
         "fast mapping it can differ from the full-script figure of docs/ppa.md, and the critical path is "
         "mostly in the shared control, so it varies little across MAC types). FPGA: "
         "nextpnr-ice40 (HX8K) Fmax of the build's MAC slice (weight decoder + lanes, `synth/rtl/tern_ppa_mac.sv`): "
         "the whole accelerator does not fit any iCE40 (docs/ppa.md), so this clock covers the datapath only and is "
         "an **upper bound** for the whole design on an iCE40; a 7-series device would clock higher.", "",
         "**Cycles** from the cycle model (equal to the RTL with an ideal memory, tests/accel) for the LeNet-style "
         "CNN (28x28x1: conv5x5-32, pool2, conv5x5-64, pool2, fc512, fc10; batch = lanes, one image per lane) with "
         "synthetic weights of the build's type (zeros at the stated probability; binary weights have none), "
         "hidden activations of the stated bits (the input image is 8-bit), RLE streams when there are zeros, "
         "dense otherwise. Benchmark layer = conv2 (32x14x14 -> 64, 5x5, pad 2). Synthetic weights: no accuracy "
         "applies; sustained throughput = clock / cycles per image (Sze Sec. VIII; no peak figures).", ""]
    if not rows:
        L.append("No sweep point has been synthesised yet.")
    else:
        L += ["## Hardware per build", "",
              "| MAC type | lanes | x7 LUT | x7 FF | CARRY4 | RAMB36 | RAMB18 | LUT RAM | MAC-lanes LUT / lane | "
              "ASIC mm^2 | ASIC Fmax (MHz) | iCE40 MAC-slice LUT4 | iCE40 Fmax (MHz) |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for (k, ln), r in sorted(points.items(), key=lambda kv: (list(ppa_kinds()).index(kv[0][0]), kv[0][1])):
            x, asic, s = r["xilinx_nodsp"], r.get("asic"), r["slice_mac"]
            t = x["total"]
            lane = x["blocks"]["MAC lanes"]["lut"] / ln
            am = f"{asic['total']['area_um2'] / 1e6:.3f} | {asic['fmax_mhz']:.1f}" if asic else "- | -"
            L.append(f"| {k} | {ln} | {f0(t['lut'])} | {f0(t['ff'])} | {f0(t['carry'])} | {t['bram36']:.0f} | {t['bram18']:.0f} | "
                     f"{f0(t['lutram'])} | {f0(lane)} | {am} | "
                     f"{f0(s['cells']['lut'])} | {s['fmax_mhz'] if s.get('fmax_mhz') else '-'} |")
        L += ["", f"## Sustained throughput at {HEAD_BITS}-bit activations, {int(HEAD_SPARSITY * 100)}% zero weights", "",
              "Binary builds: all weights non-zero. img/s = clock / cycles per image; per area with the areas above.", "",
              "| MAC type | lanes | cycles / image | conv2 cycles / batch | conv2 utilisation | img/s (ASIC Fmax) | "
              "img/s per mm^2 | img/s (iCE40 slice Fmax) | img/s per kLUT (x7) |",
              "|---|---|---|---|---|---|---|---|---|"]
        head = [r for r in rows if r["bits"] == HEAD_BITS and
                (r["sparsity"] == HEAD_SPARSITY or (r["kind"] == "binary" and r["sparsity"] == 0.0))]
        for r in sorted(head, key=lambda r: (list(ppa_kinds()).index(r["kind"]), r["lanes"])):
            L.append(f"| {r['kind']} | {r['lanes']} | {f0(r['cpi'])} | {f0(r['bench_cycles'])} | {r['bench_util']:.3f} | "
                     f"{f1(r['ips_asic']) if r['ips_asic'] else '-'} | {f1(r['ips_mm2']) if r['ips_mm2'] else '-'} | "
                     f"{f1(r['ips_ice']) if r['ips_ice'] else '-'} | "
                     f"{f1(r['ips_klut']) if r['ips_klut'] else '-'} |")
        best_mm2 = max((r for r in head if r["ips_mm2"]), key=lambda r: r["ips_mm2"], default=None)
        best_klut = max((r for r in head if r["ips_klut"]), key=lambda r: r["ips_klut"], default=None)
        L.append("")
        if best_mm2:
            L.append(f"Best img/s per mm^2: **{best_mm2['kind']} x {best_mm2['lanes']} lanes, {f1(best_mm2['ips_mm2'])}**.")
        if best_klut:
            L.append(f"Best img/s per kLUT: **{best_klut['kind']} x {best_klut['lanes']} lanes, "
                     f"{f1(best_klut['ips_klut'])}**.")
        L += ["", "### Pareto fronts and per-block area", ""]
        for im in imgs:
            L.append(f"![{im}](img/{im})")
            L.append("")
        lmax = max(ln for (_, ln) in points)
        L += [f"## Cycles per image vs activation bits and sparsity ({lmax} lanes)", "",
              "Bit-parallel builds take one cycle per non-zero weight whatever the activation width; the bit-serial "
              "build takes one cycle per non-zero weight and activation bit (the 8-bit first layer always takes 8). "
              "Sparse streams skip zeros (RLE).", ""]
        combos = [(b, s) for s in (0.0, 0.5, 0.9) for b in (2, 4, 8)]
        L.append("| MAC type | " + " | ".join(f"{b}b, {int(s * 100)}% zeros" for b, s in combos) + " |")
        L.append("|---|" + "---|" * len(combos))
        for k in ppa_kinds():
            cells = []
            for b, s in combos:
                rr = [r for r in rows if r["kind"] == k and r["lanes"] == lmax and r["bits"] == b and r["sparsity"] == s]
                cells.append(f0(rr[0]["cpi"]) if rr else "-")
            if any(c != "-" for c in cells):
                L.append(f"| {k} | " + " | ".join(cells) + " |")
        L += ["", comparison(head), ""]
    with open(a.doc, "w") as f:
        f.write("\n".join(L).rstrip() + "\n")
    print(f"wrote {a.doc}")


def any_params(points):
    return next(iter(points.values()))["xilinx_nodsp"]["params"]


def ppa_kinds():
    import sweep
    return sweep.KINDS


def comparison(head):
    L = ["## Comparison with FINN-style designs (thesis Tables 4.4/4.5, Wang et al. Table 2)", "",
         "| design | network | device / flow | clock (MHz) | LUTs | images/s | images/s per kLUT | "
         "GMAC/s per kLUT (dense-equivalent) |", "|---|---|---|---|---|---|---|---|"]
    for name, dev, mhz, luts, fps, fpk in THESIS_ALEXNET:
        L.append(f"| {name} | AlexNet (ImageNet) | {dev}, place and route | {mhz} | {luts:,} | {fps:,} | {fpk} | "
                 f"{fps * ALEXNET_MACS / 1e9 / (luts / 1000):.1f} (DoReFa AlexNet only) |" if "thesis" in name or "Table 4.4" in name or "Tables 4.4" in name
                 else f"| {name} | AlexNet (ImageNet) | {dev}, place and route | {mhz} | {luts:,} | {fps:,} | {fpk} | - |")
    fc = FINN_CNV
    L.append(f"| FINN CNV (Wang Table 2) | CNV (CIFAR-10), {fc['gop']} Gop/image | {fc['device']}, on board | {fc['mhz']} | "
             f"not in Table 2 (device: {fc['device_luts']:,}) | {fc['fps']:,} | >= {fc['fps'] / (fc['device_luts'] / 1000):.0f} "
             f"(whole device) | >= {fc['fps'] * fc['gop'] / 2 / (fc['device_luts'] / 1000):.1f} |")
    best = sorted((r for r in head if r["ips_klut"]), key=lambda r: -r["ips_klut"])[:3]
    for r in best:
        L.append(f"| Tern {r['kind']} x {r['lanes']} lanes | LeNet-style 28x28 ({r['macs'] / 1e6:.1f} M MACs/image, "
                 f"{int(r['sparsity'] * 100)}% zeros) | Xilinx 7 synthesis LUTs, iCE40 slice Fmax | {r['f_ice']:.0f} | "
                 f"{r['kluts'] * 1000:,.0f} | {f1(r['ips_ice'])} | {f1(r['ips_klut'])} | "
                 f"{r['ips_ice'] * r['macs'] / 1e9 / r['kluts']:.3f} |")
    ratio = ""
    if best:
        t = best[0]
        tern_gmac = t["ips_ice"] * t["macs"] / 1e9 / t["kluts"]
        th = THESIS_ALEXNET[2]
        th_gmac = th[4] * ALEXNET_MACS / 1e9 / (th[3] / 1000)
        ratio = (f" The images/s per kLUT of the best Tern build ({f1(t['ips_klut'])}) is close to the thesis's "
                 f"{th[5]} only because LeNet needs {ALEXNET_MACS / t['macs']:.0f}x fewer MACs per image than AlexNet: "
                 f"in dense-equivalent MACs per second per kLUT Tern is {th_gmac / tern_gmac:.0f}x lower "
                 f"({tern_gmac:.3f} vs {th_gmac:.1f} GMAC/s per kLUT), and {fc['fps'] * fc['gop'] / 2 / (fc['device_luts'] / 1000) / tern_gmac:.0f}x "
                 "below the FINN CNV lower bound.")
    L += ["", "What differs (read the rows with these in mind)." + ratio, "",
          "* **Architecture.** FINN and the thesis's designs are dataflow pipelines with one hardware stage per layer "
          "and thousands of XNOR/add-sub PEs working in parallel, all weights in on-chip BRAM. Tern is one "
          "time-multiplexed engine with `Lanes` MACs (at most 8 MACs per cycle), weights streamed from off-chip memory "
          "every layer, and a general control path (descriptor checks, 64-bit statistics counters, five "
          "decompressors) that is most of the LUTs of every build (table above). Its work per LUT is therefore "
          "about two orders of magnitude lower; that is the cost of generality and of at most 8 MACs per cycle, "
          "not of the arithmetic.",
          "* **Network.** AlexNet (1.94 G MACs per image, derived from thesis Table 4.1) and CNV (0.113 Gop per "
          "image) vs a LeNet-style CNN of about 12 M MACs; FPS per kLUT is not comparable across networks, MAC/s per "
          "LUT (last column, counting zero weights as MACs) is closer.",
          "* **Precision.** Thesis AlexNet 1-bit weights / 2-bit activations (DoReFa), FINN CNV binary; Tern rows "
          "use the build's weight type with 4-bit hidden activations and 90% zero weights (skipped by RLE).",
          "* **Device and flow.** Thesis/FINN: Xilinx KU115 or Zynq XC7Z045 (6-input LUTs), vendor place and route at "
          "the stated clock. Tern: Yosys `synth_xilinx` LUT counts (synthesis estimate, no place and route, "
          "multipliers in LUTs) with the clock of an iCE40 HX8K placement of the MAC slice (a slower device; "
          "control excluded), so neither the LUTs nor the clock is a routed 7-series result.",
          "* **Memory.** FINN's BRAM holds every weight; Tern's BRAM holds the activation banks (2 x 32768 x 64 bit), "
          "the index table and the weight cache, and is not in the LUT figure.",
          "* **Batch.** Tern's throughput assumes a full batch of `Lanes` images (one per lane); FINN processes "
          "one image at a time in a pipeline."]
    return "\n".join(L)
