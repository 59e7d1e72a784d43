#!/usr/bin/env bash
# make bench: cognito-wasm against the incumbents (size, SRP CPU, SigV4, uploads, cold start),
# written to bench/RESULTS.md, bench/charts/ and the README's benchmark block (bench/README.md).
#
#   scripts/bench.sh [PART ...]      PART: size srp sigv4 upload coldstart (default: all of them)
#   BENCH_SMOKE=1 scripts/bench.sh   a few iterations of everything, results under bench/out/smoke/
#                                    (what tests/node/bench_smoke.test.mjs runs in make test)
#
# Installs bench/'s npm packages when any is missing (npm ci from bench/package-lock.json), then
# builds what the selected parts need, each in a target directory of its own under target/bench
# (so nothing that make build or make test uses is rebuilt): the SRP bench wasm (cargo feature
# `bench`), copies of the shipped wasm that keep their function names (where the bytes go), and
# the emulator (release; not when EMULATOR_URL names a running one). Then bench/run.mjs measures.
# pkg/ must be built for every part but srp (make bench depends on make build).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

smoke=${BENCH_SMOKE:-0}
out=bench/out
[ "$smoke" = 1 ] && out=bench/out/smoke
parts=("$@")
# want PART: whether this run measures PART.
want() { [ ${#parts[@]} -eq 0 ] || printf '%s\n' "${parts[@]}" | grep -qx "$1"; }

# Every part but the SRP one measures the built package.
if { want size || want sigv4 || want upload || want coldstart; } && [ ! -f pkg/index.js ]; then
  echo "bench: pkg/ is not built (make build)" >&2
  exit 1
fi

# 1. The incumbents and the tools, from bench/package-lock.json, only when something is missing.
if ! node bench/lib/deps.mjs; then
  (cd bench && npm ci --no-audit --no-fund --loglevel=error)
fi

targets="$root/target/bench"
opt=bench/node_modules/.bin/wasm-opt
features=(--enable-simd --enable-bulk-memory --enable-sign-ext --enable-mutable-globals
          --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue)

# wasm_build DIR PROFILE OUTDIR NAME [FEATURES]: cargo build of the SDK's wasm into target DIR,
# then wasm-bindgen --target web into OUTDIR as NAME.js + NAME_bg.wasm.
wasm_build() {
  local dir=$1 profile=$2 outdir=$3 name=$4 feats=${5:-}
  local flag=()
  [ "$profile" = release ] && flag=(--release)
  cargo build --quiet "${flag[@]}" --target wasm32-unknown-unknown -p cognito-wasm --lib --target-dir "$dir" \
    ${feats:+--features "$feats"}
  rm -rf "$outdir" && mkdir -p "$outdir"
  wasm-bindgen --target web --out-dir "$outdir" --out-name "$name" \
    "$dir/wasm32-unknown-unknown/$profile/cognito_wasm.wasm"
}

# 2. The SRP part's wasm: the SDK plus the bench entry points (cargo feature `bench`). The smoke
#    run takes the unoptimised build (seconds when warm); a full run the release build, -Oz as
#    shipped, and a copy with names to count the SRP code's bytes.
if want srp; then
  if [ "$smoke" = 1 ]; then
    wasm_build "$targets/srp" debug "$out/srp/pkg" cognito_wasm bench
  else
    wasm_build "$targets/srp" release "$out/srp/pkg" cognito_wasm bench
    "$opt" -Oz -g "${features[@]}" "$out/srp/pkg/cognito_wasm_bg.wasm" -o "$out/srp/names.wasm"
    "$opt" -Oz "${features[@]}" --strip-debug --strip-producers "$out/srp/pkg/cognito_wasm_bg.wasm" -o "$out/srp/pkg/cognito_wasm_bg.wasm"
  fi
fi

# 3. Where the bytes go (full runs): each built entry's wasm made as scripts/build.sh makes it,
#    but wasm-opt keeps the function names (-g). twiggy adds its view when it is installed (it is
#    tried once with cargo install; the part does without it).
if want size && [ "$smoke" != 1 ]; then
  names() { # names NAME TARGET_DIR [FEATURES]
    wasm_build "$2" release "$out/size/build" "$1" "${3:-}"
    "$opt" -Oz -g --strip-producers "${features[@]}" "$out/size/build/${1}_bg.wasm" -o "$out/size/${1}_bg.names.wasm"
  }
  names cognito_wasm "$targets/auth"
  [ -f pkg/storage.js ] && names cognito_wasm_storage "$targets/storage" storage
  if ! command -v twiggy >/dev/null; then
    cargo install --quiet --locked twiggy || echo "bench: twiggy could not be installed; the size part does without it" >&2
  fi
fi

# 4. The emulator for the SigV4, upload and cold-start parts: a release build (its MD5 of every
#    uploaded part would be the bottleneck in a debug build), started by bench/run.mjs on a free
#    port. Not built when EMULATOR_URL names one that runs already (make test's, for the smoke).
if { want sigv4 || want upload || want coldstart; } && [ -z "${EMULATOR_URL:-}" ]; then
  cargo build --quiet --release -p emulator --target-dir "$targets/emulator"
  export EMULATOR_BIN="$targets/emulator/release/emulator"
fi

smoke_flag=()
[ "$smoke" = 1 ] && smoke_flag=(--smoke)
exec node bench/run.mjs "${smoke_flag[@]}" "$@"
