#!/usr/bin/env bash
# Builds the npm package into pkg/, two wasm modules from the same sources:
#   cognito_wasm_bg.wasm          the `cognito-wasm` entry (user pools, hosted UI, session)
#   cognito_wasm_storage_bg.wasm  the `cognito-wasm/storage` entry: the same plus the storage
#                                 code (cargo feature `storage`: identity pools, SigV4, S3)
# each: release wasm → wasm-bindgen (--target web) → wasm-opt -Oz; then the hand-written JS (js/)
# beside the generated glue. The storage build has a target directory of its own, so switching
# features never rebuilds the other.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${OUT:-pkg}
TARGET_DIR=${CARGO_TARGET_DIR:-target}
mkdir -p "$OUT"
rm -f "$OUT"/cognito_wasm*

# build NAME TARGET_DIR [CARGO_FEATURES]
build() {
  local name=$1 dir=$2 features=${3:-}
  cargo build --quiet --release --target wasm32-unknown-unknown -p cognito-wasm --target-dir "$dir" \
    ${features:+--features "$features"}
  wasm-bindgen --target web --out-dir "$OUT" --out-name "$name" \
    "$dir/wasm32-unknown-unknown/release/cognito_wasm.wasm"
  node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-multivalue --enable-reference-types --enable-simd \
    "$OUT/${name}_bg.wasm" -o "$OUT/${name}_bg.wasm"
}
build cognito_wasm "$TARGET_DIR"
build cognito_wasm_storage "$TARGET_DIR/storage" storage

for f in index.js storage.js auth.js load.js wasm-storage.js credentials.js s3.js upload.js signer.js transport.js index.d.ts storage.d.ts; do
  [ -f "js/$f" ] && cp "js/$f" "$OUT/$f"
done
# The package's own README and the license.
cp js/README.pkg.md "$OUT/README.md"
cp LICENSE "$OUT/LICENSE"
echo "built $OUT/"
