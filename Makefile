# cognito-wasm — the two commands are `make test` and `make demo`; see README.md.
SHELL := /bin/bash
export CHROMEDRIVER ?= /usr/bin/chromedriver

.PHONY: setup build size test demo bench bench-srp emulator fuzz

## setup: install what is missing (Chromium, Firefox ESR + geckodriver, WebKitGTK's driver + Xvfb,
## wasm32 target, wasm-bindgen CLI, npm dev tools)
setup:
	@scripts/bootstrap.sh

## build: release wasm + JS glue into pkg/ (the npm package)
build: setup
	@scripts/build.sh

## size: each npm entry as an app bundles it (JS minified + wasm; raw, gzip, brotli) against the
## figures recorded in scripts/size-budget.json, which `make test` enforces
size: build
	@node scripts/size.mjs

## test: every test layer (native core + vectors + emulator; wasm in Chromium, Firefox and WebKit;
## the package's size; Node and Playwright against the emulator)
test: setup
	@scripts/test.sh

## fuzz: the differential tests against their oracle crates (serde_json, base64, num-bigint):
##       each proptest target for FUZZ_SECONDS (default 60), then the libFuzzer targets in fuzz/
##       when nightly and cargo-fuzz are installed; `make test` runs the proptest ones briefly
fuzz:
	@scripts/fuzz.sh

## demo: the demo page against the local emulator
demo: setup
	@scripts/demo.sh

## bench: cognito-wasm against the incumbents (size, SRP CPU, SigV4, 100 MiB uploads, cold start),
## one run in headless Chromium; writes bench/RESULTS.md, bench/charts/ and the README's table
bench: build
	@scripts/bench.sh

## bench-srp: the SRP part of make bench alone (Amplify v6 vs JS BigInt vs cognito-wasm), printed
bench-srp: setup
	@scripts/bench-srp.sh

## emulator: run the local Cognito + S3 emulator with the demo seed
emulator:
	cargo run -q -p emulator -- --config emulator/seeds/demo.toml --port 47290
