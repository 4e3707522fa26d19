"""Turn a trained QNet into a Tern model file header (docs/model_format.md).

Real-valued semantics of the trained network, per conv/fc layer m-th channel:
    z_m = k_m * s_w[m] * s_a * acc_m + c_m
where acc is the exact integer sum of w_int * a_int, s_a the real value of one
input-activation step (1/255 for the 8-bit image), s_w the weight scale, and
k_m, c_m the folded BatchNorm (k = gamma/sqrt(var+eps), c = beta - k*mean) or
(1, bias) without BatchNorm. The next activation is
    a_int = clamp(floor(z_m / s_out + 0.5), 0, 2^b - 1)
          = clamp(floor(F_m * (acc_m + bias_m) + 0.5), ...),
    F_m = k_m s_w s_a / s_out,  bias_m = round(c_m / (k_m s_w s_a)),
and F_m = mult / 2^shift with mult in [2^15, 2^16) (shift capped at 47), which
the spec's  (v*mult + 2^(shift-1)) >> shift  computes exactly. A channel with
F_m < 0 has its integer weights negated (every weight set is symmetric).
A channel whose weights are all zero (or k_m = 0) is exported as a constant.
The last layer (raw) must have one weight scale for all classes and no BN:
logits / (s_w s_a) = acc + round(b / (s_w s_a)), same argmax.
Threshold requant (out_bits 1..2): y >= i  <=>  acc >= ceil((i - 0.5)/F_m - bias'_m).
"""
import math
import sys

import numpy as np
import torch

import quant

I32 = (-2 ** 31, 2 ** 31 - 1)


def mult_shift(f):
    """f > 0 -> (mult, shift) with mult/2^shift ~= f, mult in [2^15, 2^16) when possible."""
    e = math.floor(math.log2(f))
    shift = 15 - e
    if shift < 0:
        raise ValueError(f"requant factor {f} >= 2^16 cannot be represented")
    shift = min(shift, 47)
    mult = int(round(f * 2 ** shift))
    if mult >= 65536:
        shift -= 1
        mult = int(round(f * 2 ** shift))
    return max(1, min(mult, 65535)), shift


def _bn_fold(layer, cout):
    if layer.bn is not None:
        bn = layer.bn
        var = bn.running_var.double().numpy()
        k = bn.weight.detach().double().numpy() / np.sqrt(var + bn.eps)
        c = bn.bias.detach().double().numpy() - k * bn.running_mean.double().numpy()
    else:
        k = np.ones(cout)
        c = layer.bias.detach().double().numpy()
    return k, c


def export_layer(layer, name, in_shape, s_a, in_bits, in_signed, thresholds=False, warn=print):
    """Return (layer dict for the header, out_shape, s_out, out_bits)."""
    q, s = layer.quant_int()
    q = q.detach().double().numpy()
    cout = layer.cout
    s_w = np.broadcast_to(s.detach().double().numpy().reshape(-1), (cout,)).copy()
    syq = None
    if layer.syq:
        aq, code = layer.syq_q()
        code = code.detach().numpy().astype(np.uint8)
        amax = float(layer.syq_scale.detach().abs().clamp(min=1e-8).max())
        s_w = np.full(cout, amax / 255.0)
        syq = {"mode": layer.syq, "scales": code}
    if layer.kind == "conv":
        w = q
        C, H, W = in_shape
        R = S = layer.k
        E = (H + 2 * layer.pad - R) // layer.stride + 1
        Fo = (W + 2 * layer.pad - S) // layer.stride + 1
        out_shape = [cout, E, Fo]
        lin = list(in_shape)
        kern, stride, pad = [R, S], layer.stride, layer.pad
    else:
        n_in = int(np.prod(in_shape))
        w = q.reshape(cout, n_in, 1, 1)
        out_shape = [cout, 1, 1]
        lin = [n_in, 1, 1]
        kern, stride, pad = [1, 1], 1, 0
    w = w.copy()
    k, c = _bn_fold(layer, cout)
    L = {"name": name, "type": "conv" if layer.kind == "conv" else "fc", "in": lin,
         "out": out_shape, "kernel": kern, "stride": stride, "pad": pad,
         "weight_type": layer.wtype, "act_bits": in_bits, "act_signed": in_signed}
    if layer.raw:
        if layer.bn is not None or (layer.per_channel and not np.allclose(s_w, s_w[0])):
            raise ValueError(f"{name}: a raw last layer needs one weight scale and no BN")
        f = s_w[0] * s_a
        bias = np.clip(np.round(c / f), *I32).astype(np.int32)
        L["weights"] = w.astype(np.int16)
        if syq:
            L["syq"] = syq
        L["requant"] = {"mode": "raw", "bias": bias}
        return L, out_shape, None, 32
    s_out = quant.act_scale(layer)
    b = layer.out_bits
    bias = np.zeros(cout, np.int64)
    mult = np.zeros(cout, np.int64)
    shift = np.zeros(cout, np.int64)
    th = np.zeros((cout, 2 ** b - 1), np.int64)
    nconst = 0
    for m in range(cout):
        g = k[m] * s_w[m] * s_a  # real value of one accumulator step
        const = not np.any(w[m]) or g == 0
        if not const:
            if g < 0:
                w[m] = -w[m]
                g = -g
            f = g / s_out
            bm = c[m] / g
            if abs(bm) > 2 ** 30 or f >= 2 ** 16:
                const = True
        if const:
            # output does not depend on the input: y = clamp(round(c/s_out))
            nconst += 1
            w[m] = 0
            y = int(np.clip(math.floor(c[m] / s_out + 0.5), 0, 2 ** b - 1))
            bias[m], mult[m], shift[m] = y, 1, 0
            th[m] = [(-2 ** 31 if i < y else 2 ** 31 - 1) for i in range(1, 2 ** b)]
            continue
        bias[m] = int(round(bm))
        mult[m], shift[m] = mult_shift(f)
        for i in range(1, 2 ** b):
            th[m, i - 1] = int(np.clip(math.ceil((i - 0.5) / f - bm), *I32))
    if nconst:
        warn(f"[export] {name}: {nconst} constant channel(s)")
    L["weights"] = np.rint(w).astype(np.int16)
    if syq:
        L["syq"] = syq
    if thresholds and b <= 2:
        L["requant"] = {"mode": "threshold", "thresholds": th.astype(np.int32), "out_bits": b}
    else:
        L["requant"] = {"mode": "linear", "bias": bias.astype(np.int32),
                        "mult": mult.astype(np.int32), "shift": shift.astype(np.int32),
                        "out_bits": b, "out_signed": False}
    return L, out_shape, s_out, b


def export_net(net, name, dataset, train_info, thresholds=False, warn=print):
    layers = []
    shape, s_a, bits, signed = [1, 28, 28], 1.0 / 255.0, 8, False
    for i, (spec, mod) in enumerate(zip(net.specs, net.mods)):
        if spec["type"] == "pool":
            C, H, W = shape
            K = spec.get("k", 2)
            st = spec.get("stride", K)
            out = [C, (H - K) // st + 1, (W - K) // st + 1]
            layers.append({"name": spec["name"], "type": "maxpool", "in": list(shape), "out": out,
                           "kernel": [K, K], "stride": st})
            shape = out
            continue
        if mod.wtype == "float":
            raise ValueError(f"{spec['name']}: float weights cannot be exported")
        L, shape, s_a, bits = export_layer(mod, spec["name"], shape, s_a, bits, signed,
                                           thresholds, warn)
        layers.append(L)
    return {"name": name, "dataset": dataset,
            "input": {"shape": [1, 28, 28], "bits": 8, "signed": False},
            "classes": 10, "train": train_info, "layers": layers}
