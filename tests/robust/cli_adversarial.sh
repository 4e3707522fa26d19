#!/usr/bin/env bash
# The tern CLI on adversarial input beyond tests/tools/cli_errors.sh: corrupted and truncated model
# files (every gzip/container/JSON layer), malformed IDX and JSON data files (through TERN_FMNIST_DIR /
# TERN_MNIST_DIR), out-of-range and malformed option values. Each must exit non-zero with a message
# naming the problem and never crash (exit >= 128 = signal; run under ASan/UBSan by `make asan`).
#   cli_adversarial.sh <tern binary> <repo root>
set -u
tern="$1"
root="$2"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail=0
n=0
expect() {  # expect <text in stderr> <args...>: non-zero exit below 128 and the text
  local text="$1"
  shift
  "$tern" "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  n=$((n + 1))
  if [ "$rc" -eq 0 ] || [ "$rc" -ge 128 ] || ! grep -qi -- "$text" "$tmp/err" || grep -q "AddressSanitizer\|runtime error" "$tmp/err"; then
    echo "FAIL: tern $* -> exit $rc (want non-zero < 128 and '$text'), stderr:"; head -c 600 "$tmp/err"; echo; fail=1
  else
    echo "ok: tern $(echo "$*" | sed "s|$tmp/||g") -> $rc: $(head -c 140 "$tmp/err" | tr '\n' ' ')"
  fi
}
model="$root/models/cnn_fmnist_ternary.tnm"
raw="$tmp/raw"
gzip -dc "$model" > "$raw"
mk() { gzip -c > "$tmp/$1"; }   # mk <name>: gzip stdin into a model file
# container layers
printf 'TERNMDL\0' | mk magic_only.tnm;                       expect "bad model file" info "$tmp/magic_only.tnm"
{ printf 'TERNMDL\0\2\0\0\0\10\0\0\0{}'; } | mk version.tnm;  expect "version" info "$tmp/version.tnm"
{ printf 'TERNMDL\0\1\0\0\0\377\377\377\177'; } | mk hugejson.tnm; expect "JSON header length" info "$tmp/hugejson.tnm"
{ printf 'TERNMDL\0\1\0\0\0\20\0\0\0{"layers":[1,2'; } | mk badjson.tnm; expect "JSON" info "$tmp/badjson.tnm"
head -c 40 "$raw" | mk cut_header.tnm;                         expect "truncated" info "$tmp/cut_header.tnm"
head -c $(( $(stat -c %s "$raw") - 1000 )) "$raw" | mk cut_blob.tnm; expect "outside the blob" info "$tmp/cut_blob.tnm"
head -c 2000 "$model" > "$tmp/cut_gzip.tnm";                   expect "bad model file" info "$tmp/cut_gzip.tnm"
cp "$model" "$tmp/flip.tnm"; printf '\377\377\377\377' | dd of="$tmp/flip.tnm" bs=1 seek=5000 conv=notrunc 2>/dev/null
expect "bad model file" info "$tmp/flip.tnm"
: > "$tmp/zero.tnm";                                           expect "bad model file" info "$tmp/zero.tnm"
mkdir "$tmp/dir.tnm";                                          expect "" info "$tmp/dir.tnm"
# JSON values: shapes, ranges, types (header edited in place with python's json, blob kept)
edit() {  # edit <name> <python expression on h>
  /usr/bin/python3 - "$raw" "$tmp/$1" "$2" <<'PY'
import json, struct, sys, gzip
raw = open(sys.argv[1], "rb").read()
jlen = struct.unpack("<I", raw[12:16])[0]
h = json.loads(raw[16:16 + jlen])
b = (16 + jlen + 7) & ~7
exec(sys.argv[3])
js = json.dumps(h).encode()
out = raw[:8] + struct.pack("<II", 1, len(js)) + js
out += b"\0" * ((-len(out)) % 8) + raw[b:]
gzip.open(sys.argv[2], "wb").write(out)
PY
}
edit neg_shape.tnm 'h["input"]["shape"][0] = -3';              expect "shape" info "$tmp/neg_shape.tnm"
edit huge_shape.tnm 'h["layers"][0]["in"] = [65535, 65535, 65535]'; expect "bad model file" info "$tmp/huge_shape.tnm"
edit str_bits.tnm 'h["layers"][0]["act_bits"] = "eight"';     expect "act_bits" info "$tmp/str_bits.tnm"
edit bad_type.tnm 'h["layers"][0]["weight_type"] = "quaternary"'; expect "weight_type" info "$tmp/bad_type.tnm"
edit off.tnm 'h["layers"][0]["weights"]["offset"] = 2**40';   expect "offset\|blob" info "$tmp/off.tnm"
edit dtype.tnm 'h["layers"][0]["weights"]["dtype"] = "f32"';  expect "dtype" info "$tmp/dtype.tnm"
edit nolayers.tnm 'h["layers"] = {}';                          expect "layers" info "$tmp/nolayers.tnm"
edit deep.tnm 'h["layers"][0]["requant"]["mode"] = {"a": [[[[[[[[1]]]]]]]]}'; expect "mode" info "$tmp/deep.tnm"
# data files through the data-set directories
mkdir -p "$tmp/fm" "$tmp/mn/src/digits"
printf 'garbage' | gzip -c > "$tmp/fm/t10k-images-idx3-ubyte.gz"
printf '\0\0\10\1\0\0\0\2\1\2' | gzip -c > "$tmp/fm/t10k-labels-idx1-ubyte.gz"
TERN_FMNIST_DIR="$tmp/fm" expect "IDX" report "$model" --data fashion-mnist --golden-images 4
printf '\0\0\10\3\0\0\0\2\0\0\0\34\0\0\0\34' | gzip -c > "$tmp/fm/t10k-images-idx3-ubyte.gz"
TERN_FMNIST_DIR="$tmp/fm" expect "bytes, header says" report "$model" --data fashion-mnist --golden-images 4
printf '\0\0\10\3\177\377\377\377\0\0\20\0\0\0\20\0' | gzip -c > "$tmp/fm/t10k-images-idx3-ubyte.gz"
TERN_FMNIST_DIR="$tmp/fm" expect "IDX\|size\|bytes" report "$model" --data fashion-mnist --golden-images 4
head -c 20 "$tmp/fm/t10k-labels-idx1-ubyte.gz" > "$tmp/fm/t10k-images-idx3-ubyte.gz"
TERN_FMNIST_DIR="$tmp/fm" expect "gzip\|IDX" report "$model" --data fashion-mnist --golden-images 4
TERN_FMNIST_DIR="$tmp/nonexistent" expect "missing data file" report "$model" --data fashion-mnist --golden-images 4
for d in 0 1 2 3 4 5 6 7 8 9; do printf '[[0,1,2' > "$tmp/mn/src/digits/$d.json"; done
TERN_MNIST_DIR="$tmp/mn" expect "json" report "$model" --data mnist --golden-images 4
for d in 0 1 2 3 4 5 6 7 8 9; do printf '{"not":"a list"}' > "$tmp/mn/src/digits/$d.json"; done
TERN_MNIST_DIR="$tmp/mn" expect "digits\|json\|MNIST" report "$model" --data mnist --golden-images 4
for d in 0 1 2 3 4 5 6 7 8 9; do printf '[[1,2,3]]' > "$tmp/mn/src/digits/$d.json"; done
TERN_MNIST_DIR="$tmp/mn" expect "digits\|json\|MNIST\|784\|pixels" report "$model" --data mnist --golden-images 4
# option values
expect "bitserial" compile "$model" --bitserial -1
expect "bitserial" compile "$model" --bitserial 1,,2
expect "bitserial" compile "$model" --bitserial 99999999999999999999
expect "golden-images" report "$model" --golden-images -5
expect "golden-images" report "$model" --golden-images 1e99
expect "clock" report "$model" --clock-mhz 0
expect "clock" report "$model" --clock-mhz nan --golden-images 4
expect "format" compile "$model" --format ""
expect "rtl-images" run "$model" --rtl-images -1
expect "" info
echo "$n adversarial CLI cases, failures: $fail"
exit $fail
