#!/usr/bin/env bash
# make bench-srp: the SRP part of make bench alone (Amplify v6 vs plain JS BigInt vs
# cognito-wasm in one headless Chromium page; bench/srp/), printed and not written anywhere.
exec "$(dirname "$0")/bench.sh" srp "$@"
