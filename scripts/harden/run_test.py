#!/usr/bin/env python3
"""Verify a hardened pipeline against the golden model (docs/harden.md):

  scripts/harden/run_test.py (--model M.tnm | --random SEED) [--fold L=PE,SIMD ...] [--target-cycles N]
                             [--images N] [--work DIR] [--build BUILD]

generate (harden.py) -> verilator --lint-only -Wall -> golden outputs of every layer (BUILD/tools/
tern_golden_dump: the data set's first N test images, or random images for a random model) -> Verilate
the pipeline with scripts/harden/tb_harden.cpp -> run: bit-exact per stage and cycle-exact against the
cycle model back to back, bit-exact again under random input gaps and output stalls. Exit 0 = pass.
"""
import argparse
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import random_tnm  # noqa: E402


def sh(cmd, cwd=None, quiet=False):
    r = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0 or not quiet:
        sys.stdout.write(r.stdout)
    if r.returncode != 0:
        raise SystemExit(f"run_test: command failed ({r.returncode}): {' '.join(cmd)}")
    return r.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--model")
    g.add_argument("--random", type=int)
    ap.add_argument("--fold", action="append")
    ap.add_argument("--target-cycles", type=int)
    ap.add_argument("--images", type=int, default=3)
    ap.add_argument("--work", default=None)
    ap.add_argument("--build", default=os.environ.get("TERN_BUILD", os.path.join(ROOT, "build")))
    ap.add_argument("--dump", help="the tern_golden_dump executable (default BUILD/tools/tern_golden_dump)")
    ap.add_argument("--random-images", type=int, help="with --model: random images (this seed), not the data set")
    ap.add_argument("--types", help="random model: comma list of weight types (default all)")
    ap.add_argument("--no-cse", action="store_true")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--fold-random", action="store_true", help="random PE/SIMD divisors per layer (seeded)")
    a = ap.parse_args()
    t0 = time.time()
    work = a.work or os.path.join(a.build, "harden", f"random_{a.random}" if a.model is None else
                                  os.path.basename(a.model).replace(".tnm", ""))
    if os.path.isdir(work):
        shutil.rmtree(work)
    os.makedirs(work)
    model = a.model
    if model is None:
        model = random_tnm.write(os.path.join(work, "model.tnm"), a.random,
                                 types=a.types.split(",") if a.types else None)
    model = os.path.abspath(model)
    if a.fold_random:
        import random
        import hwmodel
        rng = random.Random(a.seed * 7919 + (a.random or 0))
        _, stages = hwmodel.load(model)
        a.fold = list(a.fold or [])
        for st in stages:
            if st.kind == "mvau":
                pe = rng.choice(hwmodel.divisors(st.M))
                simd = rng.choice(hwmodel.divisors(st.K))
                a.fold.append(f"{st.index}={pe},{simd}")
    gen = [sys.executable, os.path.join(HERE, "harden.py"), model, "-o", work, "--tb-images", str(max(3, a.images))]
    for f in a.fold or []:
        gen += ["--fold", f]
    if a.target_cycles:
        gen += ["--target-cycles", str(a.target_cycles)]
    if a.no_cse:
        gen.append("--no-cse")
    sh(gen)
    top = [f for f in os.listdir(work) if f.endswith(".f")][0][:-2]
    files = open(os.path.join(work, top + ".f")).read().split()
    sh(["verilator", "--lint-only", "-Wall", "--top-module", top] + files, cwd=work)
    print("lint: verilator --lint-only -Wall clean")
    dump = [a.dump or os.path.join(a.build, "tools", "tern_golden_dump"), model, os.path.join(work, "golden.bin"),
            "--images", str(max(3, a.images))]
    if a.model is None:
        dump += ["--random", str(a.random)]
    elif a.random_images is not None:
        dump += ["--random", str(a.random_images)]
    env = dict(os.environ, TERN_ROOT=ROOT)
    r = subprocess.run(dump, env=env, text=True, capture_output=True)
    if r.returncode:
        sys.stdout.write(r.stdout + r.stderr)
        raise SystemExit("run_test: golden dump failed")
    sh(["verilator", "--cc", "--exe", "--build", "-j", "2", "-Wno-fatal", "--top-module", top, "-Mdir", "obj",
        # -O1 (and Verilator's -Os): at -O0 the simulation of a bundled CNN took longer than the build saved
        "-CFLAGS", f"-O1 -I{work}", "-o", "tb"] + files +
       [os.path.join(HERE, "tb_harden.cpp")], cwd=work, quiet=True)
    out = sh([os.path.join(work, "obj", "tb"), "golden.bin", "cycles_expected.txt", "--seed", str(a.seed)], cwd=work)
    print(f"run_test: {'PASS' if 'PASS' in out else 'FAIL'} in {time.time() - t0:.0f} s ({work})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
