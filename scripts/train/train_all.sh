#!/bin/sh
# Train every bundled model (serially, one CPU thread each) and write models/*.tnm.
#   sh scripts/train/train_all.sh [config ...]      (default: all bundled configs)
# Logs go to build/train_logs/<config>.log; pre-trained float checkpoints are cached
# in build/train_ckpt/ (delete them to retrain from scratch).
set -e
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
mkdir -p build/train_logs models
CONFIGS="$*"
[ -n "$CONFIGS" ] || CONFIGS="cnn_fmnist_ternary cnn_fmnist_log2 cnn_fmnist_ternary_a3 cnn_mnist_ternary mlp_fmnist_ternary cnn_fmnist_addnet3 cnn_fmnist_binary"
for c in $CONFIGS; do
  echo "== $c  (log: build/train_logs/$c.log)"
  $PY scripts/train/train.py --config "$c" --seed 1 > "build/train_logs/$c.log" 2>&1
  tail -n 1 "build/train_logs/$c.log"
  $PY scripts/train/eval_int.py "models/$c.tnm"
done
