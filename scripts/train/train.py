#!/usr/bin/python3
"""Train a quantised network and export it as a Tern model file (.tnm).

    /usr/bin/python3 scripts/train/train.py --config NAME [--out models/NAME.tnm] [--seed 1]
    /usr/bin/python3 scripts/train/train.py --smoke [--out build/smoke.tnm]
    /usr/bin/python3 scripts/train/train.py --list

Named configs are in CONFIGS below (every hyper-parameter lives there; see
docs/training.md). A config may name another config in "init": that one is
trained first (or loaded from build/train_ckpt/) and its weights start this one
("pre-train, then quantise"). Training follows the thesis's Algorithm 1 where a
config has a "prune" phase: (1) quantisation-aware training with threshold eta and
L2 on the quantised weights, (2) quantisation pruning with mask |w| > sigma,
(3) retraining with the pruned weights held at zero.

After training, the network is exported (scripts/train/export.py), re-loaded and
evaluated by the independent integer evaluator (scripts/train/eval_int.py), and
both accuracies are written into the file's "train" field; a sidecar
<out>.json holds per-layer statistics and timings.

Runs on ONE CPU thread (torch.set_num_threads(1)), deterministic for a seed.
"""
import argparse
import copy
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import data as tern_data  # noqa: E402
import eval_int  # noqa: E402
import export  # noqa: E402
import quant  # noqa: E402
import tnm  # noqa: E402

REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
CKPT_DIR = os.path.join(REPO, "build", "train_ckpt")

# ------------------------------------------------------------------ configs


def cnn(w_mid="ternary", a_mid=8, c1=32, c2=64, f1=512, tmode="eta", eta=0.9, syq=None,
        fc1_type=None, a_fc1=8, **kw):
    """LeNet-style CNN for 28x28: conv5x5(1->c1) pool conv5x5(c1->c2) pool fc(c2*49->f1) fc(f1->10)."""
    q = dict(tmode=tmode, eta=eta, **kw)
    return [
        dict(type="conv", name="conv1", out=c1, k=5, pad=2, wtype="int8", per_channel=True,
             out_bits=a_mid, clip=4.0),
        dict(type="pool", name="pool1", k=2),
        dict(type="conv", name="conv2", out=c2, k=5, pad=2, wtype=w_mid, out_bits=a_mid,
             clip=4.0, syq=syq, **q),
        dict(type="pool", name="pool2", k=2),
        dict(type="fc", name="fc1", out=f1, wtype=fc1_type or w_mid, out_bits=a_fc1, clip=4.0, **q),
        dict(type="fc", name="fc2", out=10, wtype="int8", raw=True),
    ]


def mlp(w_hidden="ternary", first="int8", width=1024, tmode="eta", eta=0.9, **kw):
    q = dict(tmode=tmode, eta=eta, **kw)
    first_q = q if first == w_hidden else {}
    return [
        dict(type="fc", name="fc1", out=width, wtype=first, out_bits=8, clip=4.0,
             per_channel=(first == "int8"), **first_q),
        dict(type="fc", name="fc2", out=width, wtype=w_hidden, out_bits=8, clip=4.0, **q),
        dict(type="fc", name="fc3", out=width, wtype=w_hidden, out_bits=8, clip=4.0, **q),
        dict(type="fc", name="fc4", out=10, wtype="int8", raw=True),
    ]


# phases: list of {"epochs", "lr", optional "prune": {...}}; lq2 = lambda of the
# L2 penalty on quantised weights (decoupled: w -= lr * lq2 * w_q each step)
CONFIGS = {
    # ---- float pre-training (8-bit activations, float weights); not exported
    "cnn_fmnist_float": dict(dataset="fashion-mnist", arch=cnn(w_mid="float"), aug="flipcrop",
                             phases=[dict(epochs=6, lr=2e-3)], export=False),
    "cnn_mnist_float": dict(dataset="mnist", arch=cnn(w_mid="float"), aug="crop",
                            phases=[dict(epochs=15, lr=2e-3)], export=False),
    "mlp_fmnist_float": dict(dataset="fashion-mnist", arch=mlp(w_hidden="float"), aug="flip",
                             phases=[dict(epochs=8, lr=1e-3)], export=False),
    # ---- bundled models
    "mlp_fmnist_ternary": dict(
        dataset="fashion-mnist", arch=mlp(), aug="flip", init="mlp_fmnist_float",
        init_sparsity=0.9, lq2=0.05,
        phases=[dict(epochs=6, lr=1e-3),
                dict(epochs=4, lr=5e-4, prune=dict(sigma=0.9, target=0.9))]),
    "cnn_fmnist_ternary": dict(
        dataset="fashion-mnist", arch=cnn(), aug="flipcrop", init="cnn_fmnist_float",
        init_sparsity=0.85, lq2=0.05,
        phases=[dict(epochs=4, lr=1e-3),
                dict(epochs=3, lr=5e-4, prune=dict(sigma=0.9, target=0.85))]),
    "cnn_fmnist_log2": dict(
        dataset="fashion-mnist", arch=cnn(w_mid="log2", log2_zero=0.5), aug="flipcrop",
        init="cnn_fmnist_float", phases=[dict(epochs=4, lr=5e-4)]),
    "cnn_fmnist_ternary_a3": dict(
        dataset="fashion-mnist", arch=cnn(a_mid=3), aug="flipcrop", init="cnn_fmnist_float",
        init_sparsity=0.85, lq2=0.05, clip_reinit={"conv1": 2.0, "conv2": 2.0},
        phases=[dict(epochs=4, lr=1e-3),
                dict(epochs=3, lr=5e-4, prune=dict(sigma=0.9, target=0.85))]),
    "cnn_fmnist_addnet3": dict(
        dataset="fashion-mnist", arch=cnn(w_mid="addnet3"), aug="flipcrop",
        init="cnn_fmnist_float", phases=[dict(epochs=3, lr=5e-4)]),
    "cnn_fmnist_binary": dict(
        dataset="fashion-mnist", arch=cnn(w_mid="binary"), aug="flipcrop",
        init="cnn_fmnist_float", phases=[dict(epochs=4, lr=1e-3)]),
    "cnn_fmnist_ternary_syq": dict(
        dataset="fashion-mnist", arch=cnn(syq="pixel"), aug="flipcrop", init="cnn_fmnist_float",
        init_sparsity=0.85, lq2=0.05,
        phases=[dict(epochs=4, lr=1e-3),
                dict(epochs=3, lr=5e-4, prune=dict(sigma=0.9, target=0.85))]),
    "cnn_mnist_ternary": dict(
        dataset="mnist", arch=cnn(), aug="crop", init="cnn_mnist_float",
        init_sparsity=0.85, lq2=0.05,
        phases=[dict(epochs=10, lr=1e-3),
                dict(epochs=8, lr=5e-4, prune=dict(sigma=0.9, target=0.85))]),
    # ---- smoke test: tiny CNN, every layer kind, a few hundred steps
    "smoke": dict(
        dataset="fashion-mnist",
        arch=[dict(type="conv", name="conv1", out=4, k=5, pad=2, wtype="int8", per_channel=True,
                   out_bits=8, clip=4.0),
              dict(type="pool", name="pool1", k=2),
              dict(type="conv", name="conv2", out=8, k=3, pad=1, wtype="ternary", tmode="eta",
                   out_bits=3, clip=2.0, syq="pixel"),
              dict(type="pool", name="pool2", k=2),
              dict(type="fc", name="fc1", out=32, wtype="log2", out_bits=2, clip=2.0),
              dict(type="fc", name="fc2", out=10, wtype="int8", raw=True)],
        aug="none", train_subset=12800, batch=64, lq2=1e-3, thresholds=True,
        phases=[dict(epochs=1, lr=3e-3), dict(epochs=0.5, lr=1e-3, prune=dict(sigma=0.9))]),
}

# ------------------------------------------------------------------ model


class QNet(nn.Module):
    def __init__(self, arch):
        super().__init__()
        self.specs = copy.deepcopy(arch)
        mods = []
        shape = [1, 28, 28]
        for sp in self.specs:
            if sp["type"] == "pool":
                k = sp.get("k", 2)
                mods.append(nn.MaxPool2d(k, sp.get("stride", k)))
                shape = [shape[0], (shape[1] - k) // sp.get("stride", k) + 1,
                         (shape[2] - k) // sp.get("stride", k) + 1]
                continue
            kind = sp["type"]
            cin = shape[0] if kind == "conv" else int(np.prod(shape))
            m = quant.QLayer(kind, cin, sp["out"], k=sp.get("k", 1), pad=sp.get("pad", 0),
                             stride=sp.get("stride", 1), wtype=sp["wtype"],
                             tmode=sp.get("tmode", "twn"), eta=sp.get("eta", 0.9),
                             twn_t=sp.get("twn_t", 0.7), per_channel=sp.get("per_channel", False),
                             syq=sp.get("syq"), bn=sp.get("bn", True), out_bits=sp.get("out_bits", 8),
                             raw=sp.get("raw", False), clip_init=sp.get("clip", 4.0),
                             log2_zero=sp.get("log2_zero", 0.0))
            mods.append(m)
            if kind == "conv":
                k, p, s = sp.get("k", 1), sp.get("pad", 0), sp.get("stride", 1)
                shape = [sp["out"], (shape[1] + 2 * p - k) // s + 1, (shape[2] + 2 * p - k) // s + 1]
            else:
                shape = [sp["out"], 1, 1]
        self.mods = nn.ModuleList(mods)

    def qlayers(self):
        return [m for m in self.mods if isinstance(m, quant.QLayer)]

    def forward(self, x_u8):
        x = x_u8.float().unsqueeze(1) / 255.0
        i, n = 0, len(self.mods)
        while i < n:
            m = self.mods[i]
            if isinstance(m, quant.QLayer) and i + 1 < n and isinstance(self.mods[i + 1], nn.MaxPool2d):
                x = m(x, pool=self.mods[i + 1])  # same result as pooling afterwards, 4x cheaper
                i += 2
            else:
                x = m(x)
                i += 1
        return x


# ------------------------------------------------------------------ training


def augment(x, kind, gen):
    """x: uint8 tensor [N,28,28]. flip: random horizontal flip; crop: pad 2 + random 28x28 crop."""
    if kind in ("flip", "flipcrop"):
        f = torch.rand(x.shape[0], generator=gen) < 0.5
        x = torch.where(f[:, None, None], x.flip(2), x)
    if kind in ("crop", "flipcrop"):
        n = x.shape[0]
        xp = F.pad(x, (2, 2, 2, 2))
        dy = torch.randint(0, 5, (n,), generator=gen)
        dx = torch.randint(0, 5, (n,), generator=gen)
        ar = torch.arange(28)
        rows = (dy[:, None] + ar)[:, :, None]
        cols = (dx[:, None] + ar)[:, None, :]
        x = xp[torch.arange(n)[:, None, None], rows, cols]
    return x


@torch.no_grad()
def evaluate(net, x, y, batch=1000):
    net.eval()
    correct = 0
    for i in range(0, len(x), batch):
        out = net(x[i:i + batch])
        correct += int((out.argmax(1) == y[i:i + batch]).sum())
    return correct / len(x)


def sparsity(net):
    out = {}
    for sp, m in zip(net.specs, net.mods):
        if isinstance(m, quant.QLayer) and m.wtype != "float":
            q, _ = m.quant_int()
            out[sp["name"]] = float((q == 0).float().mean())
    return out


def train_phase(net, cfg, ph, xtr, ytr, xte, yte, gen, log):
    batch = cfg.get("batch", 128)
    n = len(xtr)
    steps_per_epoch = n // batch
    total = max(1, int(round(ph["epochs"] * steps_per_epoch)))
    wd = cfg.get("wd", 5e-5)
    qparams, other, clips = [], [], []
    for m in net.qlayers():
        qparams.append(m.weight)
        for nm, p in m.named_parameters():
            if nm == "weight":
                continue
            (clips if nm == "clip" else other).append(p)
    groups = [dict(params=qparams, weight_decay=0.0), dict(params=other, weight_decay=0.0),
              dict(params=clips, weight_decay=cfg.get("clip_wd", 1e-4))]
    opt = torch.optim.Adam(groups, lr=ph["lr"])
    lq2 = cfg.get("lq2", 0.0)
    step = 0
    t0 = time.time()
    while step < total:
        perm = torch.randperm(n, generator=gen)
        for i in range(steps_per_epoch):
            if step >= total:
                break
            lr = ph["lr"] * 0.5 * (1 + math.cos(math.pi * step / total))
            for g in opt.param_groups:
                g["lr"] = lr
            idx = perm[i * batch:(i + 1) * batch]
            xb = augment(xtr[idx], cfg.get("aug", "none"), gen)
            net.train()
            out = net(xb)
            loss = F.cross_entropy(out, ytr[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            with torch.no_grad():
                for m in net.qlayers():
                    if m.weight.grad is not None:
                        m.weight.grad.mul_(m.mask)
                        if m.wtype in ("float", "int8"):
                            m.weight.grad.add_(m.weight, alpha=wd)
            opt.step()
            with torch.no_grad():
                for m in net.qlayers():
                    if lq2 > 0 and m.wtype in ("ternary", "binary"):
                        # Eq. 3.3-3.5: L2 on the quantised weights, gradient lambda * w_q
                        q, _ = m.quant_int()
                        m.weight.sub_(lr * lq2 * q)
                    m.apply_constraints()
                    if step % 50 == 0:
                        m.update_scale()
            step += 1
            if step % 200 == 0 or step == total:
                log(f"  step {step}/{total} loss {loss.item():.4f} lr {lr:.2e} "
                    f"{time.time() - t0:.0f}s")
    for m in net.qlayers():
        m.update_scale()


def quant_prune(net, pr, log):
    """Algorithm 1 step 2: mask = |w| > sigma (sigma raised to reach `target` zeros if given)."""
    with torch.no_grad():
        for sp, m in zip(net.specs, net.mods):
            if not isinstance(m, quant.QLayer) or m.wtype not in ("ternary",):
                continue
            w = m.weight * m.mask
            sigma = pr.get("sigma", m.eta) if m.tmode == "eta" else 0.0
            if m.tmode != "eta":
                sigma = float(m.twn_t * w.abs().mean())
            if pr.get("target"):
                qv = float(torch.quantile(w.abs().flatten()[::max(1, w.numel() // 1000000)],
                                          pr["target"]))
                sigma = max(sigma, qv)
            m.mask.copy_((w.abs() > sigma).float())
            m.apply_constraints()
            log(f"  prune {sp['name']}: sigma {sigma:.4f}, kept {float(m.mask.mean()):.4f}")


def init_from(net, src, cfg, log):
    """Copy a pre-trained network's parameters; rescale shadow weights for eta-mode ternary."""
    with torch.no_grad():
        for sp, m, ms in zip(net.specs, net.mods, src.mods):
            if not isinstance(m, quant.QLayer):
                continue
            sd = {k: v for k, v in ms.state_dict().items() if k not in ("mask", "qscale")}
            if "syq_scale" in sd and not m.syq:
                del sd["syq_scale"]
            m.load_state_dict(sd, strict=False)
            if m.wtype == "ternary" and m.tmode == "eta":
                p = cfg.get("init_sparsity", 0.8)
                a = ms.weight.abs().flatten()
                qv = float(torch.quantile(a[::max(1, a.numel() // 1000000)], p))
                m.weight.copy_(torch.clamp(ms.weight * (m.eta / max(qv, 1e-12)), -1, 1))
            if sp["name"] in cfg.get("clip_reinit", {}):
                m.clip.fill_(cfg["clip_reinit"][sp["name"]])
            m._scale_ok = False
            m.update_scale()
    log(f"  initialised from pre-trained weights; zeros {json.dumps(sparsity(net))}")


def ckpt_path(name, seed):
    return os.path.join(CKPT_DIR, f"{name}_seed{seed}.pt")


def run(name, seed, out=None, log=print, smoke=False):
    cfg = CONFIGS[name]
    torch.manual_seed(seed)
    np.random.seed(seed)
    gen = torch.Generator().manual_seed(seed)
    t_start = time.time()
    xtr, ytr, xte, yte = tern_data.load(cfg["dataset"])
    if cfg.get("train_subset"):
        xtr, ytr = xtr[:0], ytr[:0]
        xtr_all, ytr_all, _, _ = tern_data.load(cfg["dataset"])
        sel = torch.randperm(len(xtr_all), generator=torch.Generator().manual_seed(seed))
        sel = sel[:cfg["train_subset"]].numpy()
        xtr, ytr = xtr_all[sel], ytr_all[sel]
    xtr, ytr = torch.from_numpy(np.array(xtr)), torch.from_numpy(np.array(ytr))
    xte_t, yte_t = torch.from_numpy(np.array(xte)), torch.from_numpy(np.array(yte))
    net = QNet(cfg["arch"])
    info = {}
    if cfg.get("init"):
        src_name = cfg["init"]
        p = ckpt_path(src_name, seed)
        if not os.path.exists(p):
            log(f"[{name}] pre-training {src_name} first")
            run(src_name, seed, log=log)
        src = QNet(CONFIGS[src_name]["arch"])
        blob = torch.load(p)
        src.load_state_dict(blob["state"])
        info["init"] = src_name
        info["init_float_acc"] = blob["acc"]
        info["init_time_s"] = blob.get("time_s")
        init_from(net, src, cfg, log)
    t_start = time.time()  # training time of this config only (pre-training is init_time_s)
    for pi, ph in enumerate(cfg["phases"]):
        if ph.get("prune"):
            quant_prune(net, ph["prune"], log)
        log(f"[{name}] phase {pi}: {ph}")
        train_phase(net, cfg, ph, xtr, ytr, xte_t, yte_t, gen, log)
        acc = evaluate(net, xte_t, yte_t)
        log(f"[{name}] phase {pi} done: test acc {acc:.4f}, zeros {json.dumps(sparsity(net))}")
    float_acc = evaluate(net, xte_t, yte_t)
    t_train = time.time() - t_start
    if not cfg.get("export", True):
        os.makedirs(CKPT_DIR, exist_ok=True)
        torch.save({"state": net.state_dict(), "acc": float_acc, "time_s": t_train},
                   ckpt_path(name, seed))
        log(f"[{name}] saved {ckpt_path(name, seed)} (acc {float_acc:.4f}, {t_train:.0f}s)")
        return {"float_acc": float_acc}
    out = out or os.path.join(REPO, "models", name + ".tnm")
    args = f"--config {name} --seed {seed}" if not smoke else f"--smoke --seed {seed}"
    train_info = {"script": "scripts/train/train.py", "args": args, "seed": seed,
                  "float_acc": round(float_acc, 4), "int_acc": None}
    hdr = export.export_net(net, name, cfg["dataset"], train_info,
                            thresholds=cfg.get("thresholds", False), warn=log)
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    tnm.write(out, hdr)
    # independent check of the written file, then record the integer accuracy
    _, int_acc, nimg, stats = eval_int.evaluate(out, verbose=False)
    train_info["int_acc"] = round(int_acc, 4)
    hdr = export.export_net(net, name, cfg["dataset"], train_info,
                            thresholds=cfg.get("thresholds", False), warn=lambda *a: None)
    tnm.write(out, hdr)
    _, int_acc2, _, _ = eval_int.evaluate(out, verbose=False)
    assert int_acc2 == int_acc
    side = {"name": name, "dataset": cfg["dataset"], "seed": seed, "test_images": nimg,
            "float_acc": float_acc, "int_acc": int_acc, "train_time_s": round(t_train, 1),
            "file_bytes": os.path.getsize(out),
            "layers": [{"name": s[0], "weights": s[1], "zeros": s[2]} for s in stats],
            **info, "config": json.loads(json.dumps(cfg, default=str))}
    qz = [(s[1], s[2]) for s, L in zip(stats, [L for L in hdr["layers"] if L["type"] != "maxpool"])
          if L["weight_type"] in ("ternary", "binary", "log2") or L["weight_type"].startswith("addnet")]
    if qz:
        side["low_precision_zeros"] = sum(a * b for a, b in qz) / sum(a for a, _ in qz)
    with open(out + ".json", "w") as f:
        json.dump(side, f, indent=1)
    log(f"[{name}] wrote {out} ({side['file_bytes']} bytes): float acc {float_acc:.4f}, "
        f"integer acc {int_acc:.4f}, low-precision zeros {side.get('low_precision_zeros')}, "
        f"{t_train:.0f}s")
    return side


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", help="named config (see --list)")
    ap.add_argument("--out", help="output .tnm (default models/<config>.tnm; smoke: build/smoke.tnm)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--smoke", action="store_true", help="tiny model, few hundred steps, < 60 s")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--threads", type=int, default=1, help="torch threads (default 1; keep it 1)")
    args = ap.parse_args()
    if args.list:
        for k, v in CONFIGS.items():
            print(f"{k:26s} {v['dataset']:14s} init={v.get('init')}")
        return 0
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    name = "smoke" if args.smoke else args.config
    if name not in CONFIGS:
        ap.error(f"unknown config {name!r}; --list shows them")
    out = args.out or (os.path.join(REPO, "build", "smoke.tnm") if args.smoke else None)
    log = lambda s: print(s, flush=True)  # noqa: E731
    try:
        side = run(name, args.seed, out, log, smoke=args.smoke)
    except tern_data.DataError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.smoke:
        gap = abs(side["float_acc"] - side["int_acc"])
        ok = side["int_acc"] > 0.6 and gap < 0.02
        print(f"smoke {'OK' if ok else 'FAILED'}: float {side['float_acc']:.4f} "
              f"int {side['int_acc']:.4f} gap {gap:.4f}")
        return 0 if ok else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
