#!/usr/bin/env bash
# Runs every test layer, goes on past a failing layer so one run shows everything, prints the
# summed counts, and exits non-zero if any layer failed.
set -uo pipefail
cd "$(dirname "$0")/.."
export CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver}
# Debug-built wasm runs the SRP math unoptimised; give each browser test file room on a busy 2-core
# machine (the runner's default is 20 s).
export MAKE_TEST=1
export WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-180}

out=$(mktemp -t make-test.XXXXXX)
trap 'rm -f "$out"' EXIT
failed=()
layer() {
  local name=$1; shift
  printf '\n=== %s: %s\n' "$name" "$*"
  if "$@" 2>&1 | tee -a "$out"; then printf '=== %s: ok\n' "$name"; else printf '=== %s: FAILED\n' "$name"; failed+=("$name"); fi
}

# 1. Native: the protocol core against the known-answer vectors, the session logic, the emulator.
layer native cargo test --workspace
# 2. Browser: the same vectors compiled to wasm, and the user-pool flows against the emulator,
#    once per engine (wasm-bindgen-test; see docs/engines.md). ENGINES="chromium firefox webkit"
#    by default; e.g. ENGINES=chromium runs fewer.
engines=${ENGINES:-chromium firefox webkit}
for e in ${engines//,/ }; do layer "wasm-$e" scripts/wasm-browsers.sh "$e"; done
# 3. Node: the built npm package, from Node and from a Chromium page, against the emulator.
layer build scripts/build.sh
# 4. Size: each npm entry as an app bundles it, against the figure recorded in
#    scripts/size-budget.json (fails when an entry grows more than 1 %).
layer size node scripts/size.mjs --check
# One file at a time: the files share the emulator (its faults, clock and counters).
layer node scripts/with-emulator.sh node --test --test-concurrency=1 tests/node/
# 5. End to end per engine: the built package's hosted-UI redirects and cross-tab refresh and
#    sign-out in Chromium, Firefox and WebKit through WebDriver (tests/engines/, docs/engines.md).
#    After the build layer, so the pages load the package this run built.
for e in ${engines//,/ }; do layer "e2e-$e" scripts/e2e-engines.sh "$e"; done

# Sum the runners' own counts: cargo's "test result: ok. N passed; M failed" and node's "# pass N".
read -r passed nfailed < <(awk '
  /^test result: / { for (i = 1; i < NF; i++) { if ($(i+1) ~ /^passed;?$/) p += $i; if ($(i+1) ~ /^failed;?$/) f += $i } }
  /^# pass [0-9]+$/ { p += $3 }
  /^# fail [0-9]+$/ { f += $3 }
  END { print p + 0, f + 0 }' "$out")
echo
if [ ${#failed[@]} -gt 0 ]; then
  echo "make test: FAILED layers: ${failed[*]}"
  [ "$nfailed" -gt 0 ] || nfailed=${#failed[@]}
  echo "total: $passed passed, ${nfailed} failed"
  exit 1
fi
echo "make test: all layers passed"
echo "total: $passed passed, $nfailed failed"
