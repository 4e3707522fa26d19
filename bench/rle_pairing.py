#!/usr/bin/env python3
"""RLE variant study (not built): what if the decompressor read an escape together with the entry after
it in one cycle? Applies the RLE format rules of docs/formats.md to random ternary rows of 1024 elements
(64 rows per sparsity) and prints bits per non-zero (header included, word padding excluded) and
non-zeros per cycle for: the fewest-bits gap width, the default rule (escapes <= n/64, one cycle each),
and the same rule applied to escape pairs when an escape shares its cycle with the next field.

Usage: /usr/bin/python3 bench/rle_pairing.py   (docs/compression.md quotes it)
"""
import random


def costs(gaps, g, payload_bits):
    m = (1 << g) - 1
    bits = esc = single = paired = 0
    for gap in gaps:
        e = (gap - 1) // m        # escapes before this non-zero
        esc += e
        bits += e * g + g + payload_bits
        single += e               # an escape costs a cycle
        paired += e // 2          # an escape shares its cycle with the next field
    return bits, esc, single, paired


def main():
    random.seed(1)
    length, rows_per_point = 1024, 64
    hdr = 3 + length.bit_length()
    print("| zeros | fewest bits: bits/nz, nz/cycle | default (1 cycle per escape) | escape pairs, budget 1/64 |")
    print("|---|---|---|---|")
    for zeros in (0.5, 0.8, 0.9, 0.95, 0.98):
        rows = []
        for _ in range(rows_per_point):
            pos = [i for i in range(length) if random.random() > zeros]
            prev, gaps = -1, []
            for p in pos:
                gaps.append(p - prev)
                prev = p
            rows.append(gaps)
        nz = sum(len(r) for r in rows)

        def choose(which, budget):
            tb = tc = 0
            for gaps in rows:
                opts = []
                for g in range(1, 9):
                    b, _, single, paired = costs(gaps, g, 1)
                    opts.append((b + hdr, single if which == "single" else paired))
                ok = [o for o in opts if budget is None or o[1] <= budget * len(gaps)]
                best = min(ok) if ok else min(opts, key=lambda o: (o[1], o[0]))
                tb += best[0]
                tc += best[1]
            return tb / nz, nz / (nz + tc)

        f = choose("single", None)
        d = choose("single", 1 / 64)
        p = choose("paired", 1 / 64)
        print(f"| {zeros:.0%} | {f[0]:.2f}, {f[1]:.3f} | {d[0]:.2f}, {d[1]:.3f} | {p[0]:.2f}, {p[1]:.3f} |")


if __name__ == "__main__":
    main()
