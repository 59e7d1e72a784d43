# cognito-wasm — the two commands are `make test` and `make demo`; see README.md.
SHELL := /bin/bash
export CHROMEDRIVER ?= /usr/bin/chromedriver

.PHONY: setup build size test demo bench-srp emulator

## setup: install what is missing (Chromium, wasm32 target, wasm-bindgen CLI, npm dev tools)
setup:
	@scripts/bootstrap.sh

## build: release wasm + JS glue into pkg/ (the npm package)
build: setup
	@scripts/build.sh

## size: raw, gzip and brotli sizes of the .wasm, the JS glue and their sum
size: build
	@node scripts/size.mjs pkg

## test: every test layer (native core + vectors + emulator, wasm in headless Chromium, Node)
test: setup
	@scripts/test.sh

## demo: the demo page against the local emulator
demo: setup
	@scripts/demo.sh

## bench-srp: SRP sign-in math, Amplify v6 vs JS BigInt vs cognito-wasm, in headless Chromium
bench-srp: setup
	@scripts/bench-srp.sh

## emulator: run the local Cognito + S3 emulator with the demo seed
emulator:
	cargo run -q -p emulator -- --config emulator/seeds/demo.toml --port 47290
