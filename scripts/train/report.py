#!/usr/bin/python3
"""Print the measured-results table of docs/training.md from models/*.tnm.json.

    /usr/bin/python3 scripts/train/report.py [models/*.tnm.json ...]

Each sidecar is written by train.py next to the model it describes; the integer
accuracy in it was measured by eval_int.py on the written file.
"""
import glob
import json
import os
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def main():
    files = sys.argv[1:] or sorted(glob.glob(os.path.join(REPO, "models", "*.tnm.json")))
    print("| model | dataset (test images) | pre-trained float acc | QAT (fake-quant) acc | "
          "integer acc | zeros per layer | zeros in low-precision layers | file bytes | "
          "train time (s) |")
    # train_time_s: wall time of this config's own training (from the end of its initialisation);
    # sidecars written before that rule also count a pre-training run in the same process.
    print("|---|---|---|---|---|---|---|---|---|")
    for f in files:
        s = json.load(open(f))
        z = ", ".join(f"{L['name']} {100 * L['zeros']:.1f}%" for L in s["layers"])
        lp = s.get("low_precision_zeros")
        t = s["train_time_s"] + (s.get("init_time_s") or 0)
        init = s.get("init_float_acc")
        print(f"| {s['name']} | {s['dataset']} ({s['test_images']}) | "
              f"{'' if init is None else f'{100 * init:.2f}%'} | {100 * s['float_acc']:.2f}% | "
              f"{100 * s['int_acc']:.2f}% | {z} | {'' if lp is None else f'{100 * lp:.1f}%'} | "
              f"{s['file_bytes']} | {s['train_time_s']:.0f} (+{s.get('init_time_s') or 0:.0f} pre-train) |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
