"""Tern requantisers from a graph's per-channel accumulator -> level function (docs/import.md).

A Tern conv/fc layer has an exact integer accumulator `acc`. The imported graph maps it, channel by
channel, through a monotone chain (scales, biases, BatchNormalization, ReLU/Clip) into a quantiser
that outputs an integer *level*. Because acc is an integer in a known range [lo, hi], that map is
a staircase fully described by its thresholds T_l = min{acc : level(acc) >= l}, found here by
binary search on the very level function the reference executor uses.

* ``threshold`` requant (2..4 levels): Tern stores #{i : acc >= t_i}, so t_i = T_l is exact.
* ``linear`` requant (more levels): Tern computes clamp(floor((acc + bias) * mult / 2^shift + 1/2)),
  whose thresholds are ceil((l - 1/2) * 2^shift / mult) - bias. The search looks for integers
  (mult <= 65535, 1 <= shift <= 47, bias) that put every Tern threshold on the graph's inside
  [lo, hi]; the result is checked exactly (integer arithmetic) and, when no such parameters exist,
  the nearest ones are kept and the deviation is measured and reported.
"""
from fractions import Fraction

import numpy as np

INT32_MIN, INT32_MAX = -(2 ** 31), 2 ** 31 - 1
MAX_MULT, MAX_SHIFT = 65535, 47


def staircase(level_fn, lo, hi, levels):
    """T[m, j] = smallest integer a in [lo_m, hi_m] with level_fn(a)[m] >= levels[j], or hi_m + 1.

    level_fn maps an int64 array [M, n] of accumulators to the levels [M, n]; it must be
    non-decreasing in a for every channel."""
    L = len(levels)
    a = np.repeat(np.asarray(lo, np.int64)[:, None], L, 1)
    b = np.repeat(np.asarray(hi, np.int64)[:, None] + 1, L, 1)
    tgt = np.asarray(levels, np.float64)[None, :]
    while True:
        open_ = a < b
        if not open_.any():
            return a
        mid = np.where(open_, (a + b) // 2, a)
        ok = level_fn(mid) >= tgt
        b = np.where(open_ & ok, mid, b)
        a = np.where(open_ & ~ok, mid + 1, a)


def ceil_div(n, d):
    return -((-n) // d)


def tern_linear_threshold(level, bias, mult, shift):
    """Smallest acc with Tern's linear output >= level (before the clamp), integer arithmetic (numpy int64
    arrays of levels are fine: |level| <= 128 and shift <= 47 keep every product below 2^55)."""
    rnd = (1 << (shift - 1)) if shift > 0 else 0
    return ceil_div(level * (1 << shift) - rnd, mult) - bias


def _tern_targets(ymin, ymax, bias, mult, shift, lo, hi):
    return np.clip(tern_linear_threshold(np.arange(ymin + 1, ymax + 1, dtype=np.int64), bias, mult, shift),
                   lo, hi + 1)


def representation(qlo, qhi):
    """Candidate (out_bits, out_signed, offset) for levels qlo..qhi, stored as level - offset."""
    cands = []
    if qlo >= 0:
        cands.append((max(1, int(qhi).bit_length()), False, 0))
    else:
        b = 1
        while not (-(1 << (b - 1)) <= qlo and qhi <= (1 << (b - 1)) - 1):
            b += 1
        cands.append((b, True, 0))
    cands.append((max(1, int(qhi - qlo).bit_length()), False, int(qlo)))
    return [c for c in cands if c[0] <= 8]


def _targets(T, qlo_m, qhi_m, qlo, lo, hi, ymin, ymax, off):
    """Graph thresholds for Tern output levels ymin+1..ymax of one channel, clipped to [lo, hi+1]."""
    out = []
    for y in range(ymin + 1, ymax + 1):
        lvl = y + off
        if lvl <= qlo_m:
            out.append(lo)
        elif lvl > qhi_m:
            out.append(hi + 1)
        else:
            out.append(int(T[lvl - qlo - 1]))
    return out


def _x_interval(targets, ymin, bias, lo, hi, k=1):
    """Interval of x = 2^shift/mult (accumulator units per level) for which every Tern threshold
    ceil((y - 1/2) x) - bias matches its target; (low, low_open, high, high_open), bounds as Fractions.

    Target t in (lo, hi]: t - 1 < (y - 1/2) x - bias <= t; t == lo (always reached): (y - 1/2) x - bias <= lo;
    t == hi + 1 (never reached): (y - 1/2) x - bias > hi. With c2 = 2y - 1 each is a bound on x. With the
    weights scaled by k the accumulator is k times the graph's and only multiples of k occur, so a Tern
    threshold anywhere in (k (t - 1), k t] is exact."""
    t = np.asarray(targets, np.int64)
    c2 = 2 * (ymin + 1 + np.arange(len(t), dtype=np.int64)) - 1
    up = np.where(t == hi + 1, np.iinfo(np.int64).max, k * np.where(t == lo, lo, t) + bias)  # c x <= up
    has_up = t <= hi
    dn = np.where(t == hi + 1, k * hi, k * (t - 1)) + bias                                  # c x > dn
    has_dn = t > lo
    # x <= 2 up / c2 (c2 > 0) or x >= 2 up / c2 (c2 < 0); x > 2 dn / c2 (c2 > 0) or x < 2 dn / c2 (c2 < 0)
    hsel = [(has_up & (c2 > 0), up, False), (has_dn & (c2 < 0), dn, True)]
    lsel = [(has_dn & (c2 > 0), dn, True), (has_up & (c2 < 0), up, False)]

    def gather(sel):
        num = np.concatenate([2 * v[m] for m, v, _ in sel])
        den = np.concatenate([c2[m] for m, _, _ in sel])
        strict = np.concatenate([np.full(int(m.sum()), st) for m, _, st in sel])
        return num, den, strict

    def extreme(bounds, pick_min):
        num, den, strict = bounds
        if not len(num):
            return None, False
        vals = num / den
        best = vals.min() if pick_min else vals.max()
        near = np.flatnonzero(np.abs(vals - best) <= 1e-9 * max(1.0, abs(best)))
        cand = [(Fraction(int(num[k]), int(den[k])), bool(strict[k])) for k in near]
        v = min(c[0] for c in cand) if pick_min else max(c[0] for c in cand)
        return v, any(c[1] for c in cand if c[0] == v)

    highs, lows = gather(hsel), gather(lsel)
    high, high_open = extreme(highs, True)
    low, low_open = extreme(lows, False)
    if low is None or low < 0 or (low == 0 and not low_open):
        low, low_open = Fraction(0), True
    return low, low_open, high, high_open


def _pick_mult_shift(iv, x0):
    """(mult, shift) with 2^shift/mult inside the interval, closest to x0; None if none exists."""
    low, low_open, high, high_open = iv
    best = None
    for sh in range(1, MAX_SHIFT + 1):
        p = 1 << sh
        # x = p/mult <= high  <=> mult >= p/high ; x > low <=> mult < p/low
        mmin = 1 if high is None else max(1, ceil_div(p * high.denominator, high.numerator))
        if high is not None and high_open and Fraction(p, mmin) >= high:
            mmin += 1
        if low > 0:
            mmax = ceil_div(p * low.denominator, low.numerator) - 1
            if not low_open and Fraction(p, mmax + 1) == low:
                mmax += 1
        else:
            mmax = MAX_MULT
        mmax = min(mmax, MAX_MULT)
        if mmin > mmax:
            continue
        m = int(min(max(round(p / x0), mmin), mmax)) if x0 > 0 else mmax
        err = abs(Fraction(p, m) - Fraction(x0))
        if best is None or err < best[0]:
            best = (err, m, sh)
    return None if best is None else (best[1], best[2])


def _fit(targets, ymin, lo, hi):
    """Least-squares slope/intercept of the interior targets: t ~ (y - 1/2) x - bias."""
    pts = [(ymin + 1 + k - 0.5, t) for k, t in enumerate(targets) if lo < t <= hi]
    if len(pts) >= 2:
        c = np.array([p[0] for p in pts])
        t = np.array([p[1] for p in pts], dtype=np.float64)
        x = float(np.polyfit(c, t, 1)[0])
        return x, [float(np.median(c * x - t))], pts
    return None, [], pts


def _deviation(tern_t, targets, lo, hi):
    """Largest |y_tern - y_graph| over lo..hi and the number of accumulator values that differ; both are step
    functions counting the thresholds at or below the accumulator."""
    a_t = np.sort(np.clip(np.asarray(tern_t, np.int64), lo, hi + 1))
    g_t = np.sort(np.clip(np.asarray(targets, np.int64), lo, hi + 1))
    pts = np.unique(np.concatenate([[lo], a_t, g_t]))
    pts = pts[pts <= hi]
    d = np.searchsorted(a_t, pts, side="right") - np.searchsorted(g_t, pts, side="right")
    width = np.diff(np.append(pts, hi + 1))
    return int(np.abs(d).max(initial=0)), int(width[d != 0].sum())


def linear_params(T, qlo_m, qhi_m, qlo, lo, hi, rep, x_hint, k=1):
    """Per-channel (bias, mult, shift) for a linear requant in representation rep; exactness report. k > 1:
    for weights scaled by k (accumulator k times the graph's); then only exact channels are searched."""
    b, signed, off = rep
    ymin, ymax = (-(1 << (b - 1)), (1 << (b - 1)) - 1) if signed else (0, (1 << b) - 1)
    M = len(lo)
    bias = np.zeros(M, np.int64)
    mult = np.ones(M, np.int64)
    shift = np.ones(M, np.int64)
    bad = []
    for m in range(M):
        lo_m, hi_m = int(lo[m]), int(hi[m])
        tg = _targets(T[m], int(qlo_m[m]), int(qhi_m[m]), qlo, lo_m, hi_m, ymin, ymax, off)
        x0, b0s, pts = _fit([k * t for t in tg], ymin, k * lo_m, k * hi_m)
        if x0 is None or x0 <= 0:
            x0 = k * x_hint[m] if x_hint is not None and np.isfinite(x_hint[m]) and x_hint[m] > 0 else None
        if x0 is None:  # a constant output (or one step without a slope hint): make x wider than the range
            x0 = float(1 << max(1, int(hi_m - lo_m + 1).bit_length() + 1))
        if not b0s:
            if pts:
                b0s = [pts[0][0] * x0 - pts[0][1]]
            else:  # constant level c = the first level not always reached, minus one
                c = ymin + sum(1 for t in tg if t <= lo_m)
                b0s = [c * x0 - (lo_m + hi_m) / 2.0]
        cands = []
        for b0 in b0s:
            for d in (0, -1, 1, -2, 2, -3, 3):
                v = int(np.floor(b0)) + d
                if v not in cands:
                    cands.append(v)
        found = None
        for bv in cands:
            if not (-(1 << 30) <= bv <= (1 << 30)):
                continue
            iv = _x_interval(tg, ymin, bv, lo_m, hi_m, k)
            if iv[2] is not None and (iv[0] > iv[2] or (iv[0] == iv[2] and (iv[1] or iv[3]))):
                continue
            ms = _pick_mult_shift(iv, x0)
            if ms is None:
                continue
            tt = _tern_targets(ymin, ymax, bv, ms[0], ms[1], k * lo_m, k * hi_m)
            if np.array_equal(ceil_div(tt, k), tg):
                found = (bv, ms[0], ms[1])
                break
        if found is None and k > 1:
            return None
        if found is None:  # no exact parameters: the candidates with the smallest measured deviation
            best = None
            for xc in {x0, x_hint[m] if x_hint is not None and np.isfinite(x_hint[m]) and x_hint[m] > 0 else x0}:
                sh = MAX_SHIFT
                while sh > 1 and round((1 << sh) / xc) > MAX_MULT:
                    sh -= 1
                mu = int(min(max(round((1 << sh) / xc), 1), MAX_MULT))
                for bv in cands:
                    bv = int(np.clip(bv, -(1 << 30), 1 << 30))
                    tt = _tern_targets(ymin, ymax, bv, mu, sh, lo_m, hi_m).tolist()
                    worst, count = _deviation(tt, tg, lo_m, hi_m)
                    if best is None or (worst, count) < best[0]:
                        best = ((worst, count), (bv, mu, sh))
            (worst, count), found = best
            bad.append({"channel": m, "max_dev": worst, "acc_values": count, "acc_range": hi_m - lo_m + 1})
        bias[m], mult[m], shift[m] = found
    return bias, mult, shift, bad


def derive(level_fn, lo, hi, bipolar=False, x_hint=None, scale=1):
    """Requant for one layer. level_fn: int64 [M, n] accumulators -> levels (non-decreasing). scale k > 1:
    a linear requant for the weights multiplied by k, or None when that is not exact either.

    Returns (requant dict with numpy tensors, offset, (ylo, yhi) stored range, report dict); the
    stored value is level - offset (bipolar: stored 1 means level +1, 0 means -1)."""
    lo = np.asarray(lo, np.int64)
    hi = np.asarray(hi, np.int64)
    qlo_m = level_fn(lo[:, None])[:, 0]
    qhi_m = level_fn(hi[:, None])[:, 0]
    if np.any(qlo_m > qhi_m):
        raise ValueError("level function is not non-decreasing")
    if bipolar:
        T = staircase(level_fn, lo, hi, [1])
        rq = {"mode": "threshold", "out_bits": 1, "thresholds": T.astype(np.int32)}
        return rq, None, (int(qlo_m.min() > 0), int(qhi_m.max() > 0)), {"mode": "threshold", "exact": True}
    qlo, qhi = int(qlo_m.min()), int(qhi_m.max())
    n = qhi - qlo + 1
    if n > 256:
        raise OverflowError(f"the output has {n} levels ({qlo}..{qhi}); Tern activations have at most 8 bits")
    T = staircase(level_fn, lo, hi, np.arange(qlo + 1, qhi + 1)) if n > 1 else np.zeros((len(lo), 0), np.int64)
    if n <= 4:
        bits = 1 if n <= 2 else 2
        th = np.concatenate([T, np.repeat(hi[:, None] + 1, (1 << bits) - 1 - T.shape[1], 1)], axis=1)
        if th.min(initial=0) < INT32_MIN or th.max(initial=0) > INT32_MAX:
            raise OverflowError("thresholds exceed int32")
        rq = {"mode": "threshold", "out_bits": bits, "thresholds": th.astype(np.int32)}
        return rq, qlo, (0, qhi - qlo), {"mode": "threshold", "exact": True}
    reps = representation(qlo, qhi)
    if not reps:
        raise OverflowError(f"the output has {n} levels ({qlo}..{qhi}); Tern activations have at most 8 bits")
    best = None
    for rep in reps:
        r = linear_params(T, qlo_m, qhi_m, qlo, lo, hi, rep, x_hint, scale)
        if r is None:
            continue
        bias, mult, shift, bad = r
        if best is None or len(bad) < len(best[4]):
            best = (rep, bias, mult, shift, bad)
        if not bad:
            break
    if best is None:
        return None
    rep, bias, mult, shift, bad = best
    b, signed, off = rep
    rq = {"mode": "linear", "out_bits": b, "out_signed": signed, "bias": bias.astype(np.int32),
          "mult": mult.astype(np.int32), "shift": shift.astype(np.int32)}
    report = {"mode": "linear", "exact": not bad}
    if bad:
        report.update(inexact_channels=len(bad), channels=len(lo), max_dev_lsb=max(d["max_dev"] for d in bad),
                      acc_values=sum(d["acc_values"] for d in bad),
                      acc_range=int(sum(int(h) - int(l_) + 1 for l_, h in zip(lo, hi))))
    return rq, off, (qlo - off, qhi - off), report


def derive_raw(K, L, sign):
    """Last layer without a quantiser: logits = K_m * acc + L_m. Tern's raw output acc' + bias keeps the
    argmax when K is one positive number for all classes (after `sign`): bias = round(L / K), or
    round((L - L_0) / K) when only that is exact."""
    K = np.asarray(K, np.float64) * sign
    if not np.all(K == K[0]) or K[0] == 0:
        return None
    def fit(q):
        bias = np.round(q)
        err = np.abs(q - bias)
        return bias, err, bool(np.all(err <= 1e-9 * np.maximum(1.0, np.abs(q))))

    bias, err, exact = fit(np.asarray(L, np.float64) / K[0])
    if not exact:  # an offset shared by every class does not move the argmax: only differences to class 0 count
        bias, err, exact = fit((np.asarray(L, np.float64) - float(L[0])) / K[0])
    if np.abs(bias).max(initial=0) > INT32_MAX:
        raise OverflowError("raw output bias exceeds int32")
    report = {"mode": "raw", "exact": exact}
    if not exact:
        report["max_bias_rounding"] = float(err.max())
    return {"mode": "raw", "bias": bias.astype(np.int32)}, report
