#!/usr/bin/env python3
"""Every bundled model hardened at two foldings and verified (run_test.py: bit-exact per stage on the first
test images, cycle-exact against the cycle model, random stalls); random models too. Results (with the
cycle model of each design) go to a JSON file that docs/harden.md is written from (report.py).

  scripts/harden/sweep.py [--images 3] [--random 20] [--out build/harden/sweep.json] [--only NAME]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))

CNN_FAST = ["conv1=32,25", "conv2=16,200", "fc1=16,196", "fc2=10,64"]
CNN_SMALL = ["conv1=8,25", "conv2=8,100", "fc1=8,98", "fc2=10,32"]
FOLDINGS = {
    "mlp_fmnist_ternary": {"fast": ["fc1=16,49", "fc2=16,64", "fc3=16,64", "fc4=10,16"],
                           "small": ["fc1=8,49", "fc2=8,32", "fc3=8,32", "fc4=10,16"]},
}
EXTRA = {"cnn_fmnist_ternary": {"balanced4096": "--target-cycles=4096"},
         "mlp_fmnist_ternary": {"balanced2048": "--target-cycles=2048"}}
for _m in ("cnn_fmnist_ternary", "cnn_fmnist_ternary_a3", "cnn_mnist_ternary", "cnn_fmnist_binary",
           "cnn_fmnist_log2", "cnn_fmnist_addnet3"):
    FOLDINGS[_m] = {"fast": CNN_FAST, "small": CNN_SMALL}
for _m, _e in EXTRA.items():
    FOLDINGS[_m].update(_e)


def run_one(args, work):
    t0 = time.time()
    r = subprocess.run([sys.executable, os.path.join(HERE, "run_test.py")] + args + ["--work", work],
                       capture_output=True, text=True)
    out = r.stdout + r.stderr
    res = {"args": args, "rc": r.returncode, "seconds": round(time.time() - t0, 1),
           "pass": r.returncode == 0 and "run_test: PASS" in out}
    m = re.search(r"back to back: (\d+) images, (\d+) cycles, latency (\d+), II (\d+).*?, (\d+) mismatches, "
                  r"(\d+) cycle differences", out)
    if m:
        res.update(images=int(m.group(1)), latency=int(m.group(3)), ii=int(m.group(4)),
                   mismatches=int(m.group(5)), cycle_differences=int(m.group(6)))
    m = re.search(r"random gaps/stalls \(seed \d+\): (\d+) cycles, (\d+) mismatches", out)
    if m:
        res["stall_mismatches"] = int(m.group(2))
    hj = os.path.join(work, "harden.json")
    if os.path.exists(hj):
        res["design"] = json.load(open(hj))
    if not res["pass"]:
        res["log_tail"] = out[-3000:]
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--images", type=int, default=3)
    ap.add_argument("--random", type=int, default=20, help="random models (seeds 1..N), unrolled and folded")
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "harden", "sweep.json"))
    ap.add_argument("--only", help="regex on model/folding name")
    a = ap.parse_args()
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    results = json.load(open(a.out)) if os.path.exists(a.out) else {"bundled": {}, "random": {}}
    base = os.path.join(ROOT, "build", "harden", "sweep")
    for name, folds in FOLDINGS.items():
        for fname, fold in folds.items():
            if a.only and not re.search(a.only, f"{name}/{fname}"):
                continue
            args = ["--model", os.path.join(ROOT, "models", name + ".tnm"), "--images", str(a.images)]
            if isinstance(fold, str):
                args.append(fold)
            else:
                for f in fold:
                    args += ["--fold", f]
            res = run_one(args, os.path.join(base, f"{name}-{fname}"))
            results["bundled"][f"{name}/{fname}"] = res
            print(f"{name}/{fname}: {'PASS' if res['pass'] else 'FAIL'} {res.get('ii')} cycles/image "
                  f"({res['seconds']} s)", flush=True)
            json.dump(results, open(a.out, "w"), indent=1)
    if a.random:
        for seed in range(1, a.random + 1):
            for kind, extra in (("unrolled", []), ("folded", ["--fold-random"])):
                res = run_one(["--random", str(seed)] + extra, os.path.join(base, f"random{seed}-{kind}"))
                res.pop("design", None) if res["pass"] else None
                results["random"][f"{seed}/{kind}"] = res
                print(f"random {seed}/{kind}: {'PASS' if res['pass'] else 'FAIL'} ({res['seconds']} s)", flush=True)
                json.dump(results, open(a.out, "w"), indent=1)
    bad = [k for k, v in list(results["bundled"].items()) + list(results["random"].items()) if not v["pass"]]
    print(f"{len(bad)} failed: {bad}" if bad else "all passed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
