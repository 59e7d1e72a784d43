#!/usr/bin/env bash
# Packs the built npm package (pkg/, from `make build`) as examples/cognito-wasm.tgz, the file the
# examples depend on ("cognito-wasm": "file:../cognito-wasm.tgz"), exactly what `npm publish`
# would upload. Run it again after a rebuild, then `npm install` in an example.
set -euo pipefail
cd "$(dirname "$0")"
[ -f ../pkg/cognito_wasm_bg.wasm ] || { echo "pkg/ is not built: run 'make build' first" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
npm pack ../pkg --pack-destination "$tmp" --silent >/dev/null
mv "$tmp"/cognito-wasm-*.tgz cognito-wasm.tgz
echo "examples/cognito-wasm.tgz: $(sha256sum cognito-wasm.tgz | cut -c1-16)…"
