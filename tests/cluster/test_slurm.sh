#!/usr/bin/env bash
# Tern's Slurm launcher against a real Slurm (`make test-slurm`; docs/cluster.md): starts a single-node cluster on
# 127.0.0.1 (tests/cluster/slurm_cluster.sh: Debian slurm-wlm + munge), then
#   1. a small seeded RTL regression with the local and the Slurm launcher: equal merged results, 0 mismatches;
#   2. rerun on Slurm: every shard already finished, nothing submitted, same results (resumable);
#   3. a small design-space sweep (the cycle figures of every sweep point) with both launchers: equal records;
#   4. a Slurm task cancelled while it runs: reported with its seed range, reason and log; no summary written;
# and stops the daemons it started (also on failure).
#   tests/cluster/test_slurm.sh [BUILD]      (BUILD/tests/accel/tern_regress, BUILD/bench/ppa/tern_ppa_cycles)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
work="$build/test-slurm"
cluster="$work/cluster"
rm -rf "$work/regress-local" "$work/regress-slurm" "$work/regress-cancel" "$work/sweep-local" "$work/sweep-slurm"
mkdir -p "$work"
for t in tests/accel/tern_regress bench/ppa/tern_ppa_cycles; do
  [[ -x "$build/$t" ]] || { echo "test_slurm: $build/$t missing (make test-slurm builds it)" >&2; exit 1; }
done

fail() { echo "test_slurm: FAIL: $*" >&2; exit 1; }
cleanup() { "$root/tests/cluster/slurm_cluster.sh" stop "$cluster" >/dev/null 2>&1 || true; }
trap cleanup EXIT
eval "$("$root/tests/cluster/slurm_cluster.sh" start "$cluster" | grep '^SLURM_CONF=')"
export SLURM_CONF
grep -q 'SlurmctldHost=localhost(127.0.0.1)' "$SLURM_CONF" || fail "the cluster is not on the loopback address"
sinfo -h -N -o '%N %T'

regress() {  # regress OUTDIR LAUNCHER [more scripts/regress options]
  local out=$1 launcher=$2
  shift 2
  "$root/scripts/regress" --build "$build" --first 1 --seeds 18 --shard-size 3 --out "$out" --launcher "$launcher" \
    --jobs 2 --throttle 2 --time 00:20:00 --mem 1G "$@"
}

echo "== 1. regression, local vs Slurm"
regress "$work/regress-local" local >"$work/regress-local.txt"
regress "$work/regress-slurm" slurm >"$work/regress-slurm.txt"
cmp "$work/regress-local/regress.json" "$work/regress-slurm/regress.json" || fail "local and Slurm regression results differ"
python3 - "$work/regress-slurm" <<'PY' || fail "regression summary"
import glob, json, os, sys
d = sys.argv[1]
s = json.load(open(os.path.join(d, "regress.json")))
assert s["programs"] == 18 and s["mismatch_count"] == 0, s
assert s["by_build"] == {"small": 6, "c2l8": 6, "xrand": 6}, s["by_build"]
st = [json.load(open(p)) for p in glob.glob(os.path.join(d, "launch", "status", "*.json"))]
assert len(st) == 6 and all(x["launcher"] == "slurm" and x["slurm_job"] and x["rc"] == 0 for x in st), st
print(f"  {s['programs']} programs, {s['layers']} layers, {s['runs']} runs, 0 mismatches; 6 Slurm tasks")
PY

echo "== 2. resume on Slurm"
regress "$work/regress-slurm" slurm >"$work/regress-resume.txt" 2>"$work/regress-resume.err"
grep -q '6 already finished, 0 to run' "$work/regress-resume.err" || fail "rerun did not resume: $(head -3 "$work/regress-resume.err")"
grep -q 'submitted Slurm' "$work/regress-resume.err" && fail "rerun submitted a job"
cmp "$work/regress-local/regress.json" "$work/regress-slurm/regress.json" || fail "results changed on resume"

echo "== 3. sweep (cycle figures of every point), local vs Slurm"
sweep() {  # sweep OUTDIR LAUNCHER
  python3 "$root/synth/sweep.py" --flows none --out "$1" --cycles "$build/bench/ppa/tern_ppa_cycles" \
    --json "$1/ppa_sweep.json" --doc "$1/ppa_sweep.md" --img "$1/img" --launcher "$2" --jobs 2 --time 00:20:00 \
    --mem 1G >"$1.txt" 2>&1 || { tail -20 "$1.txt" >&2; fail "sweep with launcher $2"; }
}
mkdir -p "$work/sweep-local" "$work/sweep-slurm"
sweep "$work/sweep-local" local
sweep "$work/sweep-slurm" slurm
python3 - "$work/sweep-local/ppa_sweep.json" "$work/sweep-slurm/ppa_sweep.json" <<'PY' || fail "sweep records differ"
import json, sys
def strip(o):  # wall times differ between runs
    if isinstance(o, dict):
        return {k: strip(v) for k, v in o.items() if not k.endswith("seconds")}
    return [strip(v) for v in o] if isinstance(o, list) else o
a, b = (strip(json.load(open(p))) for p in sys.argv[1:])
assert len(a["records"]) >= 10, len(a["records"])
assert a == b, "sweep results differ"
assert all(r.get("cycles_per_image_batch1") for r in a["records"] if r["name"] != "ice40"), "cycle figures missing"
print(f"  {len(a['records'])} sweep points, records equal")
PY

echo "== 4. a Slurm task cancelled while running: reported, no summary"
"$root/scripts/regress" --build "$build" --first 1000 --seeds 400 --shard-size 400 --out "$work/regress-cancel" \
  --launcher slurm --time 00:20:00 >"$work/regress-cancel.txt" 2>"$work/regress-cancel.err" &
pid=$!
for _ in $(seq 300); do
  [[ -f "$work/regress-cancel/launch/logs/seeds-1000-1400.log" ]] && break
  sleep 0.2
done
[[ -f "$work/regress-cancel/launch/logs/seeds-1000-1400.log" ]] || fail "the task never started"
sleep 1
scancel --name tern-regress
rc=0
wait $pid || rc=$?
[[ $rc -ne 0 ]] || fail "a cancelled regression exited 0"
grep -q 'shard seeds-1000-1400 (seeds 1000..1399) FAILED: terminated by SIGTERM' "$work/regress-cancel.err" ||
  fail "cancelled task not reported: $(cat "$work/regress-cancel.err")"
grep -q 'log .*seeds-1000-1400.log' "$work/regress-cancel.err" || fail "no log path in the report"
grep -q 'no report written' "$work/regress-cancel.err" || fail "merge did not refuse"
[[ ! -f "$work/regress-cancel/regress.json" ]] || fail "a summary was written from incomplete results"
echo "  $(grep FAILED "$work/regress-cancel.err")"

echo "test_slurm: PASS"
