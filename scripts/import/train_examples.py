"""Quick quantisation-aware training of the example networks (for the import benchmark, not the tests).

The PyTorch modules mirror the graphs of example_models.py operator for operator (same quantisers, same
rounding, BatchNorm epsilon 1e-4), so the trained parameters drop into ``tfc()``, ``cnn()`` and
``torch_qdq_cnn()``. Straight-through estimators: sign -> hardtanh gradient, round -> identity inside the
clamp. One CPU thread, seeded.
"""
import numpy as np
import torch
from torch import nn

EPS = 1e-4


class RoundSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return torch.round(x)

    @staticmethod
    def backward(ctx, g):
        return g


class SignSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.where(x >= 0, torch.ones_like(x), -torch.ones_like(x))

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * (x.abs() <= 1).to(g.dtype)


def quant(x, s, lo, hi):
    """Quant (ROUND = half to even, as torch.round): s * clamp(round(x / s), lo, hi)."""
    return s * torch.clamp(RoundSTE.apply(x / s), lo, hi)


def wscale(W, per_channel):
    a = W.detach().abs()
    return (a.mean(dim=tuple(range(1, W.dim())), keepdim=True) if per_channel else a.mean()) * 1.0


class TFC(nn.Module):
    def __init__(self, wbits, abits):
        super().__init__()
        self.wbits, self.abits = wbits, abits
        dims = [784, 64, 64, 64, 10]
        self.W = nn.ParameterList([nn.Parameter(torch.randn(dims[i + 1], dims[i]) * (1 / dims[i]) ** 0.5)
                                   for i in range(4)])
        self.bn = nn.ModuleList([nn.BatchNorm1d(64, eps=EPS) for _ in range(3)])
        self.tn = nn.Parameter(torch.tensor([1.0, 0.0]))
        self.as_ = 0.5

    def wq(self, i):
        W = self.W[i]
        if self.wbits == 1:
            return SignSTE.apply(W)
        s = wscale(W, i < 3)
        return quant(W, s, -1, 1)

    def forward(self, x):
        x = x.reshape(x.shape[0], -1)
        x = SignSTE.apply(2 * x - 1) if self.abits == 1 else x
        for i in range(4):
            z = x @ self.wq(i).t()
            if i < 3:
                z = self.bn[i](z)
                x = SignSTE.apply(z) if self.abits == 1 else quant(z, self.as_, -2, 1)
        return z * self.tn[0] + self.tn[1]

    def params(self):
        p = {}
        for i in range(4):
            W = self.W[i].detach().double().numpy()
            p[f"W{i}"] = W
            if self.wbits == 2:
                p[f"ws{i}"] = wscale(self.W[i], i < 3).double().numpy().reshape(-1, 1) if i < 3 \
                    else np.float32(wscale(self.W[i], False).item())
        for k in range(3):
            b = self.bn[k]
            p[f"bn{k}"] = (b.weight.detach().double().numpy(), b.bias.detach().double().numpy(),
                           b.running_mean.double().numpy(), b.running_var.double().numpy())
            p[f"as{k}"] = self.as_
        p["tn"] = (float(self.tn[0]), float(self.tn[1]))
        return p


class CNN(nn.Module):
    """example_models.cnn(): input 2x-1 -> 8-bit signed quantiser (2^-7) -> conv 3x3 (2-bit, 16) -> BN ->
    ReLU + 2-bit -> pool -> conv 3x3 pad 1 (2-bit, 16) -> BN -> sign -> pool -> conv 3x3 pad 1 (binary, 32)
    -> BN -> sign -> fc (binary) -> TensorNorm."""

    def __init__(self):
        super().__init__()
        self.W0 = nn.Parameter(torch.randn(16, 1, 3, 3) / 3)
        self.W1 = nn.Parameter(torch.randn(16, 16, 3, 3) / 12)
        self.W2 = nn.Parameter(torch.randn(32, 16, 3, 3) / 12)
        self.W3 = nn.Parameter(torch.randn(10, 32 * 6 * 6) / 34)
        self.bn = nn.ModuleList([nn.BatchNorm2d(c, eps=EPS) for c in (16, 16, 32)])
        self.tn = nn.Parameter(torch.tensor([0.1, 0.0]))
        self.as0 = 0.75

    def forward(self, x):
        x = quant(2 * x - 1, 2.0 ** -7, -128, 127)
        x = nn.functional.conv2d(x, quant(self.W0, wscale(self.W0, True), -1, 1))
        x = nn.functional.max_pool2d(quant(torch.relu(self.bn[0](x)), self.as0, 0, 3), 2)
        x = nn.functional.conv2d(x, quant(self.W1, wscale(self.W1, False), -1, 1), padding=1)
        x = nn.functional.max_pool2d(SignSTE.apply(self.bn[1](x)), 2)
        x = nn.functional.conv2d(x, SignSTE.apply(self.W2), padding=1)
        x = SignSTE.apply(self.bn[2](x)).flatten(1)
        return (x @ SignSTE.apply(self.W3).t()) * self.tn[0] + self.tn[1]

    def params(self):
        d = lambda t: t.detach().double().numpy()  # noqa: E731
        p = {"W0": d(self.W0), "ws0": d(wscale(self.W0, True)), "W1": d(self.W1),
             "ws1": np.float32(wscale(self.W1, False).item()), "W2": d(self.W2), "W3": d(self.W3),
             "as0": self.as0, "tn": (float(self.tn[0]), float(self.tn[1]))}
        for k, b in enumerate(self.bn):
            p[f"bn{k}"] = (d(b.weight), d(b.bias), b.running_mean.double().numpy(), b.running_var.double().numpy())
        return p


class QDQCNN(nn.Module):
    """example_models.torch_qdq_cnn() with trainable weights: per-channel int8 conv weights (scale max/127),
    uint8 activations with scales tracked as a running 99.9th percentile, per-tensor int8 linear weights."""

    def __init__(self):
        super().__init__()
        self.c0, self.c1 = nn.Conv2d(1, 8, 3, padding=1), nn.Conv2d(8, 16, 3, padding=1)
        self.fc = nn.Linear(16 * 7 * 7, 10)
        self.register_buffer("s", torch.tensor([0.02, 0.02]))

    def forward(self, x):
        x = torch.fake_quantize_per_tensor_affine(x, 1.0 / 255.0, 0, 0, 255)
        for k, c in enumerate((self.c0, self.c1)):
            sw = (c.weight.detach().abs().flatten(1).max(1).values / 127.0).clamp(min=1e-8)
            w = torch.fake_quantize_per_channel_affine(c.weight, sw, torch.zeros(len(sw), dtype=torch.int32), 0,
                                                       -128, 127)
            z = torch.relu(nn.functional.conv2d(x, w, c.bias, padding=1))
            if self.training:
                self.s[k] = 0.9 * self.s[k] + 0.1 * torch.quantile(z.detach().flatten()[::97], 0.999) / 255.0
            x = nn.functional.max_pool2d(torch.fake_quantize_per_tensor_affine(z, float(self.s[k]), 0, 0, 255), 2)
        sw = float(self.fc.weight.detach().abs().max() / 127.0)
        w = torch.fake_quantize_per_tensor_affine(self.fc.weight, sw, 0, -128, 127)
        return nn.functional.linear(x.flatten(1), w, self.fc.bias)

    def params(self):
        p = {}
        for k, c in enumerate((self.c0, self.c1)):
            p[f"W{k}"] = c.weight.detach().double().numpy()
            p[f"sw{k}"] = (c.weight.detach().abs().flatten(1).max(1).values / 127.0).double().numpy()
            p[f"b{k}"] = c.bias.detach().double().numpy()
            p[f"s{k}"] = float(self.s[k])
        p["W2"] = self.fc.weight.detach().double().numpy()
        p["sw2"] = float(self.fc.weight.detach().abs().max() / 127.0)
        p["b2"] = self.fc.bias.detach().double().numpy()
        return p


def train(net, xtr, ytr, epochs, lr=2e-3, batch=128, seed=1, log=print):
    torch.manual_seed(seed)
    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(seed)
    X = torch.tensor(xtr, dtype=torch.float32)[:, None] / 255.0
    Y = torch.tensor(ytr)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    steps = epochs * ((len(X) + batch - 1) // batch)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    net.train()
    for ep in range(epochs):
        perm = torch.randperm(len(X), generator=g)
        tot = 0.0
        for i in range(0, len(X), batch):
            idx = perm[i:i + batch]
            loss = nn.functional.cross_entropy(net(X[idx]), Y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            tot += float(loss) * len(idx)
        log(f"  epoch {ep + 1}/{epochs}: loss {tot / len(X):.3f}")
    net.eval()
    return net
