#!/usr/bin/env bash
# `make fuzz`: runs every libFuzzer target of a TERN_FUZZ build for a bounded time on a working copy of
# its committed corpus; prints executions, coverage, corpus growth and findings per target. New inputs
# stay in <build>/fuzz-corpus/<target> (copy interesting ones to tests/fuzz/corpus/<target>); crashes go
# to <build>/fuzz-crashes/<target>/ and make the run fail (add them to the corpus as regression tests).
#   run_fuzz.sh <fuzz build dir> <seconds per target>
set -u
build="$1"
secs="${2:-60}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
fail=0
printf '| target | seconds | executions | exec/s | coverage (edges) | corpus in -> out | findings |\n|---|---|---|---|---|---|---|\n' > "$build/fuzz-summary.md"
for t in model idx decode decomp_rtl desc_rtl; do
  bin="$build/tests/fuzz/fuzz_$t"
  work="$build/fuzz-corpus/$t"
  crash="$build/fuzz-crashes/$t"
  mkdir -p "$work" "$crash"
  cp -n "$root/tests/fuzz/corpus/$t/"* "$work/" 2>/dev/null
  n_in=$(ls "$work" | wc -l)
  log="$build/fuzz-$t.log"
  "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=20 -max_len=8192 -print_final_stats=1 \
         -artifact_prefix="$crash/" "$work" >"$log" 2>&1
  rc=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')
  n_out=$(ls "$work" | wc -l)
  finds=$(ls "$crash" | wc -l)
  [ "$rc" -ne 0 ] && fail=1
  printf '| %s | %s | %s | %s | %s | %s -> %s | %s |\n' "$t" "$secs" "${execs:-?}" "$(( ${execs:-0} / secs ))" \
         "${cov:-?}" "$n_in" "$n_out" "$finds$([ $rc -ne 0 ] && echo " (exit $rc, see $log)")" >> "$build/fuzz-summary.md"
done
cat "$build/fuzz-summary.md"
exit $fail
