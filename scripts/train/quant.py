"""Quantisation-aware layers for Tern (PyTorch, straight-through estimators).

A network is a list of layer specs (see train.py). Each conv/fc layer is a
``QLayer``: shadow float weights -> weight quantiser -> conv/linear -> optional
BatchNorm -> either a k-bit unsigned activation quantiser (ReLU + clip, PACT-style
learnable clip) or a raw output (last layer, logits).

Weight quantisers (``wtype``), all with a straight-through estimator (the
forward pass uses the quantised weight, the gradient is applied to the shadow
weight unchanged):

* ``float``   no quantisation (pre-training only; cannot be exported)
* ``int8``    w_int = round(w / s), s = max|w| / 127 (per layer or per channel)
* ``ternary`` w_int in {-1,0,1}; ``tmode='twn'``: threshold D = twn_t * mean|w|
              (TWN, twn_t = 0.7); ``tmode='eta'``: the thesis recipe, shadow
              weights clipped to [-1, 1] and a fixed threshold D = eta (0.9);
              scale alpha = mean |w| over the non-zero weights
* ``binary``  w_int = +1 if w >= 0 else -1, alpha = mean |w|
* ``log2``    w_int in {0, +-2^e, e = 0..6}: e = round(log2(|w|/s)) clamped to 0..6,
              zero when |w|/s < 2^-0.5 or |w| < log2_zero * mean|w|;
              s found by a quantisation-MSE search
* ``addnetK`` w_int = +- the nearest magnitude of thesis Table 6.2's K-adder set
              to |w|/s; s found by a quantisation-MSE search (K = 2, 3, 4)

Optional SYQ (thesis Ch. 5) for conv layers with ternary/binary weights:
``syq='pixel'`` (one learnable scale per kernel position r*S+s, K^2 per layer)
or ``syq='row'`` (one per kernel row). The scales are fake-quantised to
q = round(255 * a / max a) in 1..255, as stored in the file.

``mask`` (a buffer of 0/1) implements quantisation pruning (Algorithm 1): masked
shadow weights are held at zero.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

ADDNET_SETS = {  # thesis Table 6.2 magnitudes (the set is +/- each)
    2: [0, 1, 2, 8, 28, 36, 44, 92],
    3: [0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 12, 13, 14, 16, 23, 29, 30, 32, 63, 69, 70, 72, 87,
        93, 94, 96, 119, 125, 126, 128],
    4: [0, 1, 2, 4, 5, 7, 8, 9, 11, 13, 14, 15, 16, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27,
        28, 29, 30, 31, 32, 33, 34, 36, 37, 38, 39, 40, 46, 48, 54, 58, 64, 69, 70, 71, 74,
        75, 76, 78, 80, 81, 82, 84, 85, 87, 94, 96, 102, 114, 118, 126, 134, 142, 150, 166,
        174, 182, 190, 194, 198, 206, 214, 222, 230, 238, 246, 258, 262, 270, 278, 286, 302,
        310, 318, 326, 334, 382, 398, 446, 450, 526, 566, 574, 582, 614, 622, 654, 662, 670,
        686, 694, 710, 766, 782, 830, 1214],
}
WTYPES = ("float", "int8", "ternary", "binary", "log2", "addnet2", "addnet3", "addnet4")


def rhu(x):
    """Round half up, as the integer requantiser does (floor(x + 0.5))."""
    return torch.floor(x + 0.5)


class QLayer(nn.Module):
    def __init__(self, kind, cin, cout, k=1, pad=0, stride=1, wtype="int8", tmode="twn",
                 eta=0.9, twn_t=0.7, per_channel=False, syq=None, bn=True, out_bits=8,
                 raw=False, clip_init=4.0, log2_zero=0.0):
        super().__init__()
        assert wtype in WTYPES, wtype
        self.kind, self.cin, self.cout, self.k, self.pad, self.stride = kind, cin, cout, k, pad, stride
        self.wtype, self.tmode, self.eta, self.twn_t = wtype, tmode, eta, twn_t
        self.per_channel, self.syq, self.raw, self.out_bits = per_channel, syq, raw, out_bits
        self.log2_zero = log2_zero
        shape = (cout, cin, k, k) if kind == "conv" else (cout, cin)
        self.weight = nn.Parameter(torch.empty(shape))
        nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if wtype == "ternary" and tmode == "eta":
            with torch.no_grad():
                self.weight.uniform_(-1, 1)
        self.register_buffer("mask", torch.ones(shape))
        self.bn = None
        if bn and not raw:
            self.bn = nn.BatchNorm2d(cout) if kind == "conv" else nn.BatchNorm1d(cout)
            self.bias = None
        else:
            self.bias = nn.Parameter(torch.zeros(cout))
        if not raw:
            self.clip = nn.Parameter(torch.tensor(float(clip_init)))
        if syq:
            assert kind == "conv" and wtype in ("ternary", "binary"), "SYQ needs a ternary/binary conv"
            n = k * k if syq == "pixel" else k
            self.syq_scale = nn.Parameter(torch.ones(n))
            self._syq_init = False
        # scale for log2/addnet (found by an MSE search, refreshed by update_scale)
        self.register_buffer("qscale", torch.ones(cout if per_channel else 1))
        self._scale_ok = False

    # ---------------------------------------------------------------- weights
    def _red(self, t, fn):
        """Reduce over all dims but 0 (per channel) or all dims (per layer), keepdim-shaped."""
        if self.per_channel:
            return fn(t.reshape(t.shape[0], -1), 1).reshape(-1, *([1] * (t.dim() - 1)))
        return fn(t.reshape(1, -1), 1).reshape(*([1] * t.dim()))

    def _levels(self):
        if self.wtype == "log2":
            return torch.tensor([0.0] + [2.0 ** e for e in range(7)])
        return torch.tensor([float(c) for c in ADDNET_SETS[int(self.wtype[6:])]])

    def _q_levels(self, w, s):
        """Quantise |w|/s to the nearest allowed magnitude (sign restored), integer valued."""
        lv = self._levels().to(w.device)
        r = w.abs() / s
        if self.wtype == "log2":
            e = torch.clamp(rhu(torch.log2(torch.clamp(r, min=1e-30))), 0, 6)
            m = torch.where(r < 2 ** -0.5, torch.zeros_like(r), 2.0 ** e)
            if self.log2_zero > 0:
                thr = self.log2_zero * self._red(w.abs(), torch.mean)
                m = torch.where(w.abs() < thr, torch.zeros_like(m), m)
        else:
            mids = (lv[1:] + lv[:-1]) / 2
            idx = torch.bucketize(r, mids)
            m = lv[idx]
        return torch.sign(w) * m

    @torch.no_grad()
    def update_scale(self):
        """MSE-optimal scale for log2/addnet, searched over a geometric grid."""
        if self.wtype not in ("log2",) and not self.wtype.startswith("addnet"):
            return
        w = self.weight * self.mask
        lv = self._levels()
        amax = self._red(w.abs(), torch.amax).clamp(min=1e-12)
        base = amax / lv.max()
        best, best_err = None, None
        for i in range(25):
            f = 2.0 ** (-i / 8.0)  # 1 .. 1/8
            s = base * f
            q = self._q_levels(w, s) * s
            err = self._red((q - w) ** 2, torch.sum)
            if best is None:
                best, best_err = s.clone(), err
            else:
                better = err < best_err
                best = torch.where(better, s, best)
                best_err = torch.where(better, err, best_err)
        self.qscale.copy_(best.reshape(-1))
        self._scale_ok = True

    def quant_int(self):
        """Return (integer weight tensor (float dtype), per-channel scale [cout] or [1])."""
        w = self.weight * self.mask
        wt = self.wtype
        if wt == "int8":
            s = (self._red(w.abs(), torch.amax) / 127).clamp(min=1e-12)
            return torch.clamp(torch.round(w / s), -127, 127), s
        if wt == "ternary":
            d = self.eta if self.tmode == "eta" else self.twn_t * self._red(w.abs(), torch.mean)
            q = torch.sign(w) * (w.abs() > d).float()
            nz = self._red(q.abs(), torch.sum).clamp(min=1)
            s = (self._red(w.abs() * q.abs(), torch.sum) / nz).clamp(min=1e-8)
            return q, s
        if wt == "binary":
            q = torch.where(w >= 0, torch.ones_like(w), -torch.ones_like(w))
            return q, self._red(w.abs(), torch.mean).clamp(min=1e-8)
        if wt == "log2" or wt.startswith("addnet"):
            if not self._scale_ok:
                self.update_scale()
            s = self.qscale.reshape(-1, *([1] * (w.dim() - 1)))
            return self._q_levels(w, s), s
        raise ValueError(wt)

    def syq_q(self):
        """Fake-quantised SYQ scales (float) and their u8 codes."""
        a = self.syq_scale.abs().clamp(min=1e-8)
        amax = a.max().detach()
        code = torch.clamp(torch.round(a / amax * 255), 1, 255)
        aq = a + (code * amax / 255 - a).detach()
        return aq, code

    def qweight(self):
        w = self.weight * self.mask
        if self.wtype == "float":
            return w
        q, s = self.quant_int()
        q, s = q.detach(), s.detach()
        if self.syq:
            if not self._syq_init:  # Eq. 5.12: mean |W| of the subgroup
                with torch.no_grad():
                    a = w.abs().mean(dim=(0, 1))  # [k, k]
                    self.syq_scale.copy_(a.reshape(-1) if self.syq == "pixel" else a.mean(1))
                self._syq_init = True
            aq, _ = self.syq_q()
            pos = aq.reshape(1, 1, self.k, self.k) if self.syq == "pixel" else aq.reshape(1, 1, self.k, 1)
            return pos * (w + (q - w).detach())
        return w + (q * s - w).detach()

    # ---------------------------------------------------------------- forward
    def forward(self, x, pool=None):
        w = self.qweight()
        if self.kind == "conv":
            z = F.conv2d(x, w, self.bias, stride=self.stride, padding=self.pad)
        else:
            z = F.linear(x.flatten(1), w, self.bias)
        if self.bn is not None:
            z = self.bn(z)
        if self.raw:
            return z
        if pool is not None:  # maxpool commutes with the monotone activation quantiser
            z = pool(z)
        return act_quant(z, self.clip, self.out_bits)

    @torch.no_grad()
    def apply_constraints(self):
        if self.wtype == "ternary" and self.tmode == "eta":
            self.weight.clamp_(-1, 1)
        self.weight.mul_(self.mask)


class _ActQ(torch.autograd.Function):
    @staticmethod
    def forward(ctx, z, clip, L):
        s = clip / L
        q = torch.div(z, s).add_(0.5).floor_().clamp_(0, L).mul_(s)
        ctx.save_for_backward(z, clip)
        return q

    @staticmethod
    def backward(ctx, g):
        z, clip = ctx.saved_tensors
        inside = (z > 0) & (z < clip)
        gz = g * inside
        gclip = (g * (z >= clip)).sum().reshape(clip.shape)
        return gz, gclip, None


def act_quant(z, clip, bits):
    """k-bit unsigned activation: a = s * clamp(floor(z/s + 0.5), 0, 2^b-1), s = clip/(2^b-1).
    Gradient: straight through inside (0, clip); the clip gets the PACT gradient."""
    L = float(2 ** bits - 1)
    return _ActQ.apply(z, clip.abs() + 1e-3, L)


def act_scale(layer):
    """The real value of one activation step of this layer's output."""
    return (float(layer.clip.detach().abs()) + 1e-3) / float(2 ** layer.out_bits - 1)
