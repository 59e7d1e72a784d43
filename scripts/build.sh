#!/usr/bin/env bash
# Builds the npm package into pkg/: release wasm → wasm-bindgen (--target web) → wasm-opt -Oz →
# the hand-written entry (js/) beside the generated glue.
set -euo pipefail
cd "$(dirname "$0")/.."

FEATURES=${FEATURES:-}
OUT=${OUT:-pkg}
cargo build --quiet --release --target wasm32-unknown-unknown -p cognito-wasm ${FEATURES:+--features "$FEATURES"}
TARGET_DIR=${CARGO_TARGET_DIR:-target}
mkdir -p "$OUT"
rm -f "$OUT"/cognito_wasm*
wasm-bindgen --target web --out-dir "$OUT" --out-name cognito_wasm \
  "$TARGET_DIR/wasm32-unknown-unknown/release/cognito_wasm.wasm"
node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-multivalue --enable-reference-types --enable-simd \
  "$OUT/cognito_wasm_bg.wasm" -o "$OUT/cognito_wasm_bg.wasm"
for f in index.js auth.js index.d.ts; do
  [ -f "js/$f" ] && cp "js/$f" "$OUT/$f"
done
echo "built $OUT/"
