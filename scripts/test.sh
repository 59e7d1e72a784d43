#!/usr/bin/env bash
# Runs every test layer, goes on past a failing layer so one run shows everything, and exits
# non-zero if any layer failed.
set -uo pipefail
cd "$(dirname "$0")/.."
export CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver}
# Debug-built wasm runs the SRP math unoptimised; give each browser test file room on a busy 2-core
# machine (the runner's default is 20 s).
export WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-180}

failed=()
layer() {
  local name=$1; shift
  printf '\n=== %s: %s\n' "$name" "$*"
  if "$@"; then printf '=== %s: ok\n' "$name"; else printf '=== %s: FAILED\n' "$name"; failed+=("$name"); fi
}

# 1. Native: the protocol core against the known-answer vectors, the session logic, the emulator.
layer native cargo test --workspace
# 2. Browser: the same vectors compiled to wasm, and the user-pool flows against the emulator,
#    in headless Chromium (wasm-bindgen-test).
layer wasm scripts/with-emulator.sh cargo test --target wasm32-unknown-unknown -p cognito-wasm
# 3. Node: the built npm package driven from Node's test runner against the emulator.
layer build scripts/build.sh
if [ -d tests/node ]; then
  layer node scripts/with-emulator.sh node --test tests/node/
fi

echo
if [ ${#failed[@]} -gt 0 ]; then
  echo "make test: FAILED layers: ${failed[*]}"
  exit 1
fi
echo "make test: all layers passed"
