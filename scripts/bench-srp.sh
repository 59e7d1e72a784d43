#!/usr/bin/env bash
# SRP client-math benchmark: Amplify v6 vs plain JS BigInt vs cognito-wasm, each timed 30 times
# in one headless Chromium page. Builds a bench-only wasm (cargo feature `bench`), runs
# wasm-bindgen --target web and wasm-opt -Oz (npm binaryen), bundles the JS baselines with
# esbuild, serves bench/srp/build on 127.0.0.1 and prints the tables. Everything it starts
# (server, browser) is stopped by bench/srp/run.mjs before it exits.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bench="$root/bench/srp"
out="$bench/build"
cd "$root"

if [ ! -x "$bench/node_modules/.bin/esbuild" ] || [ ! -d "$bench/node_modules/playwright-core" ]; then
  (cd "$bench" && npm install --no-audit --no-fund)
fi

cargo build --release --target wasm32-unknown-unknown --features bench --lib
rm -rf "$out" && mkdir -p "$out/pkg"
wasm-bindgen --target web --out-dir "$out/pkg" target/wasm32-unknown-unknown/release/cognito_wasm.wasm
features=(--enable-simd --enable-bulk-memory --enable-sign-ext --enable-mutable-globals
          --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue)
opt="$bench/node_modules/.bin/wasm-opt"
# A copy that keeps the name section, only to attribute code bytes to the SRP functions.
"$opt" -Oz -g "${features[@]}" "$out/pkg/cognito_wasm_bg.wasm" -o "$bench/build-names.wasm"
"$opt" -Oz "${features[@]}" --strip-debug --strip-producers "$out/pkg/cognito_wasm_bg.wasm" -o "$out/pkg/cognito_wasm_bg.wasm"

"$bench/node_modules/.bin/esbuild" "$bench/libs.mjs" --bundle --format=esm --minify \
  --platform=browser --log-level=warning --outfile="$out/libs.js"
cp "$bench/index.html" "$bench/page.mjs" "$out/"
cp "$root/tests/fixtures/srp/cognito-srp-vectors.json" "$out/vectors.json"

node "$bench/run.mjs"
