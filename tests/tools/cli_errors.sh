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
model="$root/models/cnn_fmnist_ternary.tnm"
expect 105 "model" info /nonexistent.tnm                           # CLI11 file check
printf 'not a model' > "$tmp/text.tnm"
expect 2 "bad model file" info "$tmp/text.tnm"
head -c 3000 "$model" > "$tmp/trunc.tnm"
expect 2 "bad model file" info "$tmp/trunc.tnm"
gzip -c /dev/null > "$tmp/empty.tnm"
expect 2 "too short" info "$tmp/empty.tnm"
expect 2 "--format" compile "$model" --format huffman
expect 2 "--bitserial" compile "$model" --bitserial 99
expect 2 "--bitserial" compile "$model" --bitserial x
expect 105 "golden-images" report "$model" --golden-images 0
expect 2 "data set" report "$model" --data cifar
expect 106 "subcommand" frobnicate
exit $fail
