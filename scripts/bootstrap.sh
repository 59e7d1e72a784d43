#!/usr/bin/env bash
# Installs what the build and the tests need, and only what is missing. Idempotent; quick when warm.
# Called by every make target; safe to run by hand. Needs no standard input.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130   # must equal the `wasm-bindgen` pin in Cargo.toml
GECKODRIVER_VERSION=0.37.1     # any recent geckodriver drives Firefox ESR; pinned for repeatable installs

say() { printf '[bootstrap] %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }

# 1. Debian packages: the three browser engines and their drivers for the wasm tests
#    (docs/engines.md): Chromium + chromedriver, Firefox ESR (its driver, geckodriver, is step 4),
#    WebKitGTK's WebDriver (brings the MiniBrowser it drives) + Xvfb for MiniBrowser's display.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v firefox-esr >/dev/null 2>&1 || missing+=(firefox-esr)
command -v WebKitWebDriver >/dev/null 2>&1 || missing+=(webkit2gtk-driver)
command -v Xvfb >/dev/null 2>&1 || missing+=(xvfb)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} (apt)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" </dev/null >/dev/null
fi

# 2. Rust target for the browser build.
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# 3. wasm-bindgen CLI matching the crate's pin (a cold install takes ~9 minutes).
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (found: ${have:-none}); this takes a while once"
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION" --force
fi

# 4. geckodriver (Firefox's WebDriver) from crates.io, only when absent (a cold build takes minutes).
#    Without --locked (the crate's dependencies resolve from crates.io). Never npm's
#    `geckodriver`: it downloads a binary from GitHub at install time.
if ! command -v geckodriver >/dev/null 2>&1 && [ ! -x "${CARGO_HOME:-$HOME/.cargo}/bin/geckodriver" ]; then
  say "installing geckodriver $GECKODRIVER_VERSION (cargo); this takes a while once"
  cargo install geckodriver --version "=$GECKODRIVER_VERSION"
fi

# 5. npm development tools (wasm-opt from the npm `binaryen` package, never Debian's; playwright-core).
stamp=node_modules/.bootstrap-stamp
if [ ! -f "$stamp" ] || [ package.json -nt "$stamp" ] || { [ -f package-lock.json ] && [ package-lock.json -nt "$stamp" ]; }; then
  say "installing npm dev tools"
  if [ -f package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
  else
    npm install --no-audit --no-fund --loglevel=error
  fi
  touch "$stamp"
fi
