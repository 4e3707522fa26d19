"""Hardened pipeline description: one stage per layer of a Tern model, folding, and the cycle model.

Every stage is a window stage (docs/harden.md): a line buffer of NB rows of the input stream (conv/pool:
min(H, R + stride); fc: 2H, a double-buffered frame, or H with fc_buffers=1; rows continue across frames;
pixels arrive in raster order, one pixel = all C channels per beat), an output scheduler that walks
the output pixels in raster order, and a datapath:
  * conv / fc ("mvau"): K = R*S*C window taps, NF = M/PE output groups x SF = K/SIMD input slices, one
    (group, slice) step per cycle; requantisation per channel on the last slice of a group;
  * maxpool ("pool"): all channels in one cycle.
An fc layer is a window stage whose window is the whole input frame (R = H, S = W, E = F = 1); its weights
are permuted from the format's C,H,W flattening to the stream's (y, x, c) order.

The cycle model (simulate()) steps exactly the control of the generated RTL, cycle by cycle.
"""
import os
import sys

import numpy as np

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(_HERE, "..", "train"))
import eval_int  # noqa: E402  (the Python .tnm loader and validator of scripts/train)


class HardenError(Exception):
    """A model (or folding) the generator cannot harden; the message names the layer."""


def bits_signed(lo, hi):
    """Width of a two's-complement signal holding lo..hi."""
    n = 1
    while not (-(1 << (n - 1)) <= lo and hi <= (1 << (n - 1)) - 1):
        n += 1
    return n


class Stage:
    pass


def load(path, fc_buffers=2):
    """Stages of a model (no folding yet)."""
    try:
        hdr, layers = eval_int.build(path)
    except (eval_int.FormatError, KeyError, ValueError, TypeError, OSError, EOFError) as e:
        raise HardenError(f"{path}: {e}") from e
    C, H, W = hdr["input"]["shape"]
    w_in, sg_in = 8, False
    stages = []
    for i, L in enumerate(layers):
        s = Stage()
        s.index, s.name, s.kind = i, L["name"], L["type"]
        s.C, s.H, s.W = C, H, W
        s.iw, s.isg = w_in, sg_in
        if L["type"] == "maxpool":
            s.kind = "pool"
            s.R = s.S = L["K"]
            s.stride, s.pad = L["stride"], 0
            s.M, s.E, s.F = C, L["out"][1], L["out"][2]
            s.ow, s.osg = w_in, sg_in
            s.wtype = None
        else:
            s.kind = "mvau"
            s.layer_type = L["type"]
            s.wtype = hdr["layers"][i]["weight_type"]
            s.syq = "syq" in hdr["layers"][i]
            w = L["w"]  # [M, C', R, S] effective integer weights (SYQ applied)
            if L["type"] == "fc":
                if w.shape[1] != C * H * W:
                    raise HardenError(f"layer {i} '{s.name}': fc input {w.shape[1]} != {C}*{H}*{W}")
                s.R, s.S, s.stride, s.pad = H, W, 1, 0
                s.M, s.E, s.F = w.shape[0], 1, 1
                w = w.reshape(s.M, C, H, W)
            else:
                s.R, s.S, s.stride, s.pad = L["R"], L["S"], L["stride"], L["pad"]
                s.M, s.E, s.F = L["out"]
            # tap order of the window: k = (r*S + s)*C + c
            s.w = np.ascontiguousarray(w.transpose(0, 2, 3, 1).reshape(s.M, -1)).astype(np.int64)
            s.xnor = L["ab"] == 1 and bool(L["asg"])
            if L["ab"] != w_in:
                raise HardenError(f"layer {i} '{s.name}': act_bits {L['ab']} != incoming {w_in}")
            s.mode = L["mode"]
            if s.mode == "linear":
                s.bias, s.mult, s.shift = L["bias"], L["mult"], L["shift"]
                s.ow, s.osg = L["ob"], L["osg"]
            elif s.mode == "threshold":
                s.th = L["th"]
                s.ow, s.osg = L["ob"], False
            elif s.mode == "raw":
                s.bias = L["bias"]
                s.ow, s.osg = 32, True
            else:
                raise HardenError(f"layer {i} '{s.name}': requant mode '{s.mode}' not supported")
            # operand range and accumulator width
            if s.xnor:
                amax = 1
            elif s.isg:
                amax = 1 << (s.iw - 1)
            else:
                amax = (1 << s.iw) - 1
            s.amax = amax
            accmax = int(np.abs(s.w).sum(axis=1).max()) * amax if s.w.size else 0
            s.accmax = accmax
            s.wa = bits_signed(-accmax, accmax)
        s.K = s.R * s.S * s.C
        s.NB = min(s.H, s.R + s.stride)
        if s.kind == "mvau" and s.layer_type == "fc":
            s.NB = fc_buffers * s.H
        stages.append(s)
        C, H, W = s.M, s.E, s.F
        w_in, sg_in = s.ow, s.osg
    return hdr, stages


def divisors(n):
    return [d for d in range(1, n + 1) if n % d == 0]


MAX_UNROLLED = 1 << 18  # weight positions of one fully unrolled layer (constant trees) before we refuse


def apply_folding(stages, fold=None, target_cycles=None, max_unrolled=MAX_UNROLLED):
    """fold: {stage index or name: (PE, SIMD)}; otherwise the cheapest folding whose cycles per frame
    (E*F*NF*SF) reach target_cycles (default: fully unrolled)."""
    fold = fold or {}
    unknown = [k for k in fold if k not in {s.index for s in stages} | {s.name for s in stages}]
    if unknown:
        raise HardenError(f"--fold: no layer named {unknown[0]!r} (layers: {', '.join(s.name for s in stages)})")
    for s in stages:
        if s.kind == "pool" and (s.index in fold or s.name in fold):
            raise HardenError(f"layer {s.index} '{s.name}': a maxpool stage has no folding (all channels per cycle)")
    for s in stages:
        if s.kind == "pool":
            s.PE, s.SIMD, s.NF, s.SF = s.M, s.K, 1, 1
            continue
        pe_simd = fold.get(s.index, fold.get(s.name))
        if pe_simd is None:
            if target_cycles is None:
                pe_simd = (s.M, s.K)
            else:
                per_px = max(1, target_cycles // (s.E * s.F))
                best = None
                for pe in divisors(s.M):
                    for simd in divisors(s.K):
                        steps = (s.M // pe) * (s.K // simd)
                        if steps <= per_px:
                            cost = (pe * simd, -steps)
                            if best is None or cost < best[0]:
                                best = (cost, (pe, simd))
                pe_simd = best[1] if best else (s.M, s.K)
        pe, simd = pe_simd
        if pe < 1 or s.M % pe:
            raise HardenError(f"layer {s.index} '{s.name}': PE {pe} does not divide M = {s.M}")
        if simd < 1 or s.K % simd:
            raise HardenError(f"layer {s.index} '{s.name}': SIMD {simd} does not divide K = R*S*C = {s.K}")
        s.PE, s.SIMD, s.NF, s.SF = pe, simd, s.M // pe, s.K // simd
        s.unrolled = s.NF == 1 and s.SF == 1
        if s.unrolled and s.M * s.K > max_unrolled:
            raise HardenError(f"layer {s.index} '{s.name}': fully unrolled it has {s.M * s.K} weight positions in "
                              f"logic (limit {max_unrolled}); fold it: --fold {s.name}=PE,SIMD or --target-cycles N")
    return stages


def tables(s):
    """Per output row/column: first input row kept, the input pixel that completes the window."""
    first_row = [max(0, oy * s.stride - s.pad) for oy in range(s.E)]
    need_y = [min(oy * s.stride - s.pad + s.R - 1, s.H - 1) for oy in range(s.E)]
    need_x = [min(ox * s.stride - s.pad + s.S - 1, s.W - 1) for ox in range(s.F)]
    need_y[-1], need_x[-1] = s.H - 1, s.W - 1  # the frame's last output waits for the whole frame
    return first_row, need_y, need_x


def stage_ii(s):
    """Cycles per frame of the stage's datapath when never starved or blocked."""
    return s.E * s.F * s.NF * s.SF


def simulate(stages, n_images, in_gap=None, out_stall=None, max_cycles=None):
    """Cycle-exact model of the generated control. Source: image pixels back to back (valid every cycle
    unless in_gap(t)); sink ready every cycle unless out_stall(t). Returns per stage and image the cycle
    of the first accepted input beat and of the last output beat."""
    n = len(stages)
    tab = [tables(s) for s in stages]
    st = [dict(iy=0, ix=0, diff=0, oy=0, ox=0, nf=0, sf=0, ov=0) for _ in stages]
    in_beats = [s.H * s.W for s in stages]
    in_cnt = [0] * n
    out_cnt = [0] * n
    first_in = [[None] * n_images for _ in stages]
    last_out = [[None] * n_images for _ in stages]
    src_left = n_images * stages[0].H * stages[0].W
    t = 0
    limit = max_cycles or 10 ** 9
    while out_cnt[-1] < n_images * stages[-1].E * stages[-1].F:
        if t > limit:
            raise RuntimeError("cycle model: no progress")
        in_ready = []
        win = []
        for i, s in enumerate(stages):
            q = st[i]
            fr, ny, nx = tab[i]
            # diff = input frame - output frame (0..2): rows of the next frame enter once they overwrite
            # nothing the current output still needs
            lim = fr[q["oy"]] + s.NB
            in_ready.append((q["diff"] == 0 and q["iy"] < lim) or (q["diff"] == 1 and q["iy"] + s.H < lim))
            win.append(q["diff"] > 0 or q["iy"] > ny[q["oy"]] or (q["iy"] == ny[q["oy"]] and q["ix"] > nx[q["ox"]]))
        for i, s in enumerate(stages):
            q = st[i]
            in_valid = (src_left > 0 and not (in_gap and in_gap(t))) if i == 0 else bool(st[i - 1]["ov"])
            out_ready = (not (out_stall and out_stall(t))) if i == n - 1 else in_ready[i + 1]
            in_fire = in_valid and in_ready[i]
            last_step = q["nf"] == s.NF - 1 and q["sf"] == s.SF - 1
            step = win[i] and (not last_step or not q["ov"] or out_ready)
            out_fire = q["ov"] and out_ready
            q["_in"], q["_step"], q["_last"], q["_out"] = in_fire, step, last_step, out_fire
        for i, s in enumerate(stages):
            q = st[i]
            if q["_in"]:
                img = in_cnt[i] // in_beats[i]
                if in_cnt[i] % in_beats[i] == 0:
                    first_in[i][img] = t
                in_cnt[i] += 1
                if i == 0:
                    src_left -= 1
            if q["_out"]:
                img = out_cnt[i] // (s.E * s.F)
                out_cnt[i] += 1
                if out_cnt[i] % (s.E * s.F) == 0:
                    last_out[i][img] = t
            ov = q["ov"]
            if q["_out"]:
                ov = 0
            if q["_step"] and q["_last"]:
                ov = 1
            diff = q["diff"]
            if q["_in"]:
                if q["ix"] == s.W - 1:
                    q["ix"] = 0
                    if q["iy"] == s.H - 1:
                        q["iy"] = 0
                        diff += 1
                    else:
                        q["iy"] += 1
                else:
                    q["ix"] += 1
            if q["_step"]:
                if q["sf"] == s.SF - 1:
                    q["sf"] = 0
                    q["nf"] = 0 if q["nf"] == s.NF - 1 else q["nf"] + 1
                else:
                    q["sf"] += 1
                if q["_last"]:
                    if q["ox"] == s.F - 1:
                        q["ox"] = 0
                        if q["oy"] == s.E - 1:
                            q["oy"] = 0
                            diff -= 1
                        else:
                            q["oy"] += 1
                    else:
                        q["ox"] += 1
            q["ov"], q["diff"] = ov, diff
        t += 1
    return first_in, last_out


def cycle_report(stages, n_images=3):
    """II and latency per stage and for the pipeline, from the cycle model with images back to back."""
    n_images = max(n_images, 3)
    fi, lo = simulate(stages, n_images)
    rep = {"images": n_images, "stages": []}
    for i, s in enumerate(stages):
        rep["stages"].append({
            "index": s.index, "name": s.name, "kind": s.kind,
            "PE": s.PE, "SIMD": s.SIMD, "NF": s.NF, "SF": s.SF,
            "datapath_cycles_per_frame": stage_ii(s),
            "latency": lo[i][0] - fi[i][0] + 1,
            "ii": lo[i][-1] - lo[i][-2],
        })
    rep["latency"] = lo[-1][0] - fi[0][0] + 1
    rep["ii"] = lo[-1][-1] - lo[-1][-2]
    rep["first_in"], rep["last_out"] = fi, lo
    return rep


def dense_macs(stages):
    return sum(s.M * s.K * s.E * s.F for s in stages if s.kind == "mvau")

