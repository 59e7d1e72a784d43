#!/usr/bin/env bash
# make fuzz: runs each differential target (tests/differential_<target>.rs: the hand-written JSON
# reader, base64/hex, JWT decoding, Montgomery arithmetic, CRC32/CRC64NVME and the S3 XML reader
# against their oracle crates) for about
# FUZZ_SECONDS (default 60) with fresh random seeds, and prints per property and per target the
# cases run and the minutes spent. PROPTEST_CASES, when set, caps the cases of each property.
#
# The build is optimised (so minutes buy many cases) but keeps debug assertions and overflow checks
# (an arithmetic overflow is a finding, not a silent wrap): a `fuzz` profile defined here, beside
# dev and release in the target directory. A failure prints proptest's shrunk input and the seed to
# replay it (FUZZ_SEED=<seed>); each one becomes a named regression test in the target's file.
#
# Then, when a nightly toolchain with cargo-fuzz is installed (`rustup toolchain install nightly`,
# `cargo install cargo-fuzz`), the libFuzzer targets in fuzz/ run the same agreement checks
# (tests/support/oracle.rs) coverage-guided, FUZZ_SECONDS each; FUZZ_LIBFUZZER=0 skips them.
set -uo pipefail
cd "$(dirname "$0")/.."
export FUZZ_SECONDS=${FUZZ_SECONDS:-60}
targets=(${FUZZ_TARGETS:-json encoding jwt montgomery checksum s3_xml})
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

# libFuzzer: coverage-guided, on the same checks (fuzz/fuzz_targets/<target>.rs).
lf_targets=(${FUZZ_LIBFUZZER_TARGETS:-json base64 jwt montgomery})
lf_runs=0
if [ "${FUZZ_LIBFUZZER:-1}" = 0 ]; then
  echo "libfuzzer: skipped (FUZZ_LIBFUZZER=0)"
elif ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "libfuzzer: skipped (needs a nightly toolchain and cargo-fuzz:" \
    "rustup toolchain install nightly && cargo install cargo-fuzz)"
else
  # cargo-fuzz finds its binaries under fuzz/target: no shared target directory here.
  unset CARGO_TARGET_DIR
  echo "libfuzzer: building ${lf_targets[*]} (nightly, release + debug assertions, ASan)"
  build_log=$(mktemp -t fuzz-build.XXXXXX)
  if ! cargo +nightly fuzz build -a >"$build_log" 2>&1; then
    tail -20 "$build_log"
    failed+=(libfuzzer-build)
  else
    for t in "${lf_targets[@]}"; do
      log=$(mktemp -t fuzz.XXXXXX)
      mkdir -p "fuzz/corpus/$t"
      dict=()
      [ -f "fuzz/dicts/$t.dict" ] && dict=("-dict=$PWD/fuzz/dicts/$t.dict")
      start=$(date +%s.%N)
      cargo +nightly fuzz run -a "$t" -- -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 \
        "${dict[@]}" >"$log" 2>&1
      rc=$?
      end=$(date +%s.%N)
      runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
      runs=${runs:-0}
      lf_runs=$((lf_runs + runs))
      awk -v t="$t" -v c="$runs" -v a="$start" -v b="$end" -v rc="$rc" \
        'BEGIN { printf "libfuzzer %s: %d runs in %.2f min%s\n", t, c, (b - a) / 60, rc ? " FAILED" : "" }'
      if [ "$rc" -ne 0 ]; then
        failed+=("libfuzzer-$t")
        grep -E -A12 "panicked at|ERROR: |Test unit written" "$log" | head -60
      fi
      rm -f "$log"
    done
  fi
  rm -f "$build_log"
fi

echo
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED targets: ${failed[*]} ($total_cases cases run)"
  exit 1
fi
echo "fuzz: ${#targets[@]} proptest targets, $total_cases cases; $lf_runs libFuzzer runs; no disagreement"
