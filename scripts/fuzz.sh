#!/usr/bin/env bash
# make fuzz: runs each differential target (tests/differential_<target>.rs: the hand-written JSON
# reader, base64/hex, JWT decoding and Montgomery arithmetic against their oracle crates) for about
# FUZZ_SECONDS (default 60) with fresh random seeds, and prints per property and per target the
# cases run and the minutes spent. PROPTEST_CASES, when set, caps the cases of each property.
#
# The build is optimised (so minutes buy many cases) but keeps debug assertions and overflow checks
# (an arithmetic overflow is a finding, not a silent wrap): a `fuzz` profile defined here, beside
# dev and release in the target directory. A failure prints proptest's shrunk input and the seed to
# replay it (FUZZ_SEED=<seed>); each one becomes a named regression test in the target's file.
set -uo pipefail
cd "$(dirname "$0")/.."
export FUZZ_SECONDS=${FUZZ_SECONDS:-60}
targets=(${FUZZ_TARGETS:-json encoding jwt montgomery})
profile=(--profile fuzz --config 'profile.fuzz.inherits="dev"' --config 'profile.fuzz.opt-level=3'
  --config 'profile.fuzz.debug=false' --config 'profile.fuzz.incremental=false')

tests=()
for t in "${targets[@]}"; do tests+=(--test "differential_$t"); done
echo "fuzz: building ${targets[*]} (optimised, overflow checks on)"
cargo test -q "${profile[@]}" -p cognito-wasm --no-run "${tests[@]}" || exit 1

failed=()
total_cases=0
for t in "${targets[@]}"; do
  log=$(mktemp -t fuzz.XXXXXX)
  start=$(date +%s.%N)
  cargo test -q "${profile[@]}" -p cognito-wasm --test "differential_$t" -- --test-threads=1 --nocapture >"$log" 2>&1
  rc=$?
  end=$(date +%s.%N)
  # (libtest's progress dots may precede a line: match the line's text, not its start)
  lines=$(grep -oE 'fuzz [^ ]+: [0-9]+ cases in [0-9.]+ min' "$log")
  [ -n "$lines" ] && sed 's/^/  /' <<<"$lines"
  cases=$(awk '{ s += $3 } END { print s + 0 }' <<<"$lines")
  total_cases=$((total_cases + cases))
  awk -v t="$t" -v c="$cases" -v a="$start" -v b="$end" -v rc="$rc" \
    'BEGIN { printf "target %s: %d cases in %.2f min%s\n", t, c, (b - a) / 60, rc ? " FAILED" : "" }'
  if [ "$rc" -ne 0 ]; then
    failed+=("$t")
    grep -E -B2 -A25 'panicked at|minimal input' "$log" | head -120
  fi
  rm -f "$log"
done
echo
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED targets: ${failed[*]} ($total_cases cases run)"
  exit 1
fi
echo "fuzz: ${#targets[@]} targets, $total_cases cases, no disagreement"
