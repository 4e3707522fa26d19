#!/usr/bin/env python3
"""Self-tests of the hardened-pipeline generator (no simulation; run_test.py does that):
CSE keeps every output's coefficients and never adds adders; a folding or model that cannot be hardened
fails with exit status 2 and a message naming the layer; the cycle model's datapath bound holds."""
import os
import random
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import cse  # noqa: E402
import hwmodel  # noqa: E402
import random_tnm  # noqa: E402

fails = 0


def expect(cond, what):
    global fails
    print(("ok   " if cond else "FAIL ") + what)
    fails += 0 if cond else 1


# 1. CSE: exact and never worse, at several densities
rng = random.Random(5)
for dens in (0.5, 0.2, 0.1, 0.05):
    rows = [{k: rng.choice((-1, 1)) for k in range(120) if rng.random() < dens} for _ in range(40)]
    c = cse.extract(120, rows)
    cse.check(c, rows)
    expect(c.adders() <= cse.adders_plain(rows), f"CSE density {dens}: {cse.adders_plain(rows)} -> {c.adders()} adders")


# 2. errors naming the layer
def harden(args):
    with tempfile.TemporaryDirectory() as d:
        r = subprocess.run([sys.executable, os.path.join(HERE, "harden.py")] + args + ["-o", d, "-q"],
                           capture_output=True, text=True)
    return r.returncode, r.stderr


mlp = os.path.join(ROOT, "models", "mlp_fmnist_ternary.tnm")
cnn = os.path.join(ROOT, "models", "cnn_fmnist_ternary.tnm")
rc, err = harden([mlp])
expect(rc == 2 and "'fc1'" in err, f"unfolded MLP refused naming fc1: {err.strip()}")
rc, err = harden([mlp, "--fold", "fc1=16,49", "--fold", "fc2=3,64"])
expect(rc == 2 and "'fc2'" in err and "PE 3" in err, f"PE not dividing M: {err.strip()}")
rc, err = harden([mlp, "--fold", "fc1=16,49", "--fold", "fc2=16,64", "--fold", "fc3=16,7"])
expect(rc == 2 and "'fc3'" in err and "SIMD 7" in err, f"SIMD not dividing K: {err.strip()}")
rc, err = harden([cnn, "--fold", "pool1=1,1"])
expect(rc == 2 and "'pool1'" in err, f"folding a max-pool: {err.strip()}")
rc, err = harden([cnn, "--fold", "nope=1,1"])
expect(rc == 2 and "nope" in err, f"unknown layer: {err.strip()}")
with tempfile.TemporaryDirectory() as d:
    bad = os.path.join(d, "bad.tnm")
    with open(bad, "wb") as f:
        f.write(b"not a model")
    rc, err = harden([bad])
    expect(rc == 2 and "bad.tnm" in err, f"not a model: {err.strip()}")

# 3. cycle model: a pipeline is never faster than its slowest datapath, random models and foldings
for seed in range(1, 9):
    with tempfile.TemporaryDirectory() as d:
        p = random_tnm.write(os.path.join(d, "m.tnm"), seed)
        _, stages = hwmodel.load(p)
    fr = random.Random(seed)
    fold = {s.index: (fr.choice(hwmodel.divisors(s.M)), fr.choice(hwmodel.divisors(s.K)))
            for s in stages if s.kind == "mvau"}
    hwmodel.apply_folding(stages, fold)
    rep = hwmodel.cycle_report(stages, 3)
    bound = max(hwmodel.stage_ii(s) for s in stages)
    expect(rep["ii"] >= bound, f"random {seed}: II {rep['ii']} >= slowest datapath {bound}")

print("FAIL" if fails else "PASS")
sys.exit(1 if fails else 0)
