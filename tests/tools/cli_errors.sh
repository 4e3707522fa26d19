#!/usr/bin/env bash
# The tern CLI on bad input: a clear message naming the problem and a non-zero exit, never a crash.
set -u
tern="$1"
root="$2"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail=0
expect() {  # expect <exit code> <text in stderr> <args...>
  local code="$1" text="$2"
  shift 2
  "$tern" "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [ "$rc" -ne "$code" ] || ! grep -q -- "$text" "$tmp/err"; then
    echo "FAIL: tern $* -> exit $rc (want $code), stderr:"; cat "$tmp/err"; fail=1
  else
    echo "ok: tern $* -> $rc: $(head -c 160 "$tmp/err" | tr '\n' ' ')"
  fi
}
expect_ok() {  # expect_ok <text in stdout> <text in stderr> <args...>: exit 0 and both texts
  local out="$1" err="$2"
  shift 2
  "$tern" "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [ "$rc" -ne 0 ] || ! grep -q -- "$out" "$tmp/out" || { [ -n "$err" ] && ! grep -q -- "$err" "$tmp/err"; }; then
    echo "FAIL: tern $* -> exit $rc (want 0, '$out' in stdout, '$err' in stderr), stdout, stderr:"
    grep -v '^| ' "$tmp/out" | head -c 600; grep -- "$out" "$tmp/out"; cat "$tmp/err"; fail=1
  else
    echo "ok: tern $* -> 0: $(grep -m1 -- "$out" "$tmp/out") $([ -z "$err" ] || grep -m1 -- "$err" "$tmp/err")"
  fi
}
model="$root/models/cnn_fmnist_ternary.tnm"
/usr/bin/python3 "$root/tests/tools/tiny_models.py" "$tmp" || { echo "FAIL: tiny_models.py"; exit 1; }
expect 105 "model" info /nonexistent.tnm                           # CLI11 file check
printf 'not a model' > "$tmp/text.tnm"
expect 2 "bad model file" info "$tmp/text.tnm"
head -c 3000 "$model" > "$tmp/trunc.tnm"
expect 2 "bad model file" info "$tmp/trunc.tnm"
gzip -c /dev/null > "$tmp/empty.tnm"
expect 2 "too short" info "$tmp/empty.tnm"
# a gzip stream that ends early is "truncated", not "corrupt" (issue 17)
head -c $(( $(stat -c %s "$model") / 2 )) "$model" > "$tmp/half.tnm"
expect 2 "gzip stream is truncated" info "$tmp/half.tnm"
head -c -4 "$model" > "$tmp/no_isize.tnm"                         # only the trailer's length field missing
expect 2 "gzip stream is truncated" info "$tmp/no_isize.tnm"
# a model whose input is not the data set's image shape: exit 2 naming both, before any work (issue 17)
for cmd in run report; do
  expect 2 "input shape \[1,14,14\] does not match the fashion-mnist images \[1,28,28\]" \
    $cmd "$tmp/input14.tnm" --golden-images 16 --quiet
done
# 1-bit signed linear outputs ({-1, 0}), in the middle (then max-pooled and read by an XNOR layer) and last:
# the RTL agrees with the golden model on every layer, and the RTL accuracy is the golden one (issue 17)
expect_ok "16 / 16 images bit-exact" "" run "$tmp/sign1_mid.tnm" --golden-images 16 --rtl-images 16 --quiet
expect_ok "16 / 16 images bit-exact" "" run "$tmp/sign1_last.tnm" --golden-images 16 --rtl-images 16 --quiet
gold="$(sed -n 's/^| top-1 accuracy (golden model) | \([0-9.]*%\) on 16 .*/\1/p' "$tmp/out")"
rtl="$(sed -n 's/^| RTL accuracy | \([0-9.]*%\) on 16 .*/\1/p' "$tmp/out")"
if [ -z "$gold" ] || [ "$gold" != "$rtl" ]; then echo "FAIL: RTL accuracy '$rtl' != golden '$gold'"; fail=1; fi
# docs/model_format.md rules the RTL must follow too: a max-pool whose (H - K) is not a multiple of the stride
# (E = floor((H - K)/stride) + 1) and an XNOR conv whose padded taps are the value 0 (issue 13)
expect_ok "16 / 16 images bit-exact" "" run "$tmp/pool_rem.tnm" --golden-images 16 --rtl-images 16 --quiet
# tern harden runs the hardened-pipeline generator (scripts/harden/harden.py): a bad model is exit 2 with its
# message, a good one writes the pipeline and prints the cycle model
expect 2 "Not a gzipped file" harden "$tmp/text.tnm" -o "$tmp/h_bad"
expect_ok "pipeline: II 784 cycles/image" "" harden "$tmp/sign1_mid.tnm" -o "$tmp/h_ok"
for f in harden.json hn_sign1_mid.sv hn_sign1_mid.f; do
  [ -s "$tmp/h_ok/$f" ] || { echo "FAIL: tern harden wrote no $f"; fail=1; }
done
# the spec sheet's energy row: measured models quote docs/energy.json with its build; others say so (issue 14)
expect_ok "energy per inference (OSU 0.18 um, simulated switching activity; docs/energy.md) | [0-9]* uJ (logic" "" \
  report "$model" --golden-images 16 --quiet
expect_ok "energy per inference | not measured for sign1_mid" "" report "$tmp/sign1_mid.tnm" --golden-images 16 --quiet
# --format / --bitserial reach every layer they can, and a note names each layer they cannot (issue 17)
binary="$root/models/cnn_fmnist_binary.tnm"
expect_ok "| conv2 | rle8 |" "layer 0 'conv1': --format rle8 not applied (dense used): int8" compile "$binary" --format rle8
expect_ok "| fc1 | rle8 |" "layer 5 'fc2': --format rle8 not applied" compile "$binary" --format rle8
expect_ok "| conv2 | bitmap |" "layer 0 'conv1': --format bitmap not applied" compile "$model" --format bitmap
if grep -q "conv2\|fc1" "$tmp/err"; then echo "FAIL: a note for a ternary layer, which takes bitmap"; fail=1; fi
expect_ok "| xnor | dense |" "layer 2 'xnor': --bitserial not applied: .*XNOR" compile "$tmp/sign1_mid.tnm" --bitserial all
expect_ok "| xnor |" "layer 1 'pool': --bitserial not applied: a maxpool" compile "$tmp/sign1_mid.tnm" --bitserial 1
expect 2 "--format" compile "$model" --format huffman
expect 2 "--bitserial" compile "$model" --bitserial 99
expect 2 "--bitserial" compile "$model" --bitserial x
expect 105 "golden-images" report "$model" --golden-images 0
expect 2 "data set" report "$model" --data cifar
expect 106 "subcommand" frobnicate
exit $fail
