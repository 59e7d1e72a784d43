#!/usr/bin/env bash
# make demo: the demo photo-upload page (www/) against the local emulator.
#   builds the npm package (scripts/build.sh) and the emulator, starts the emulator with
#   emulator/seeds/demo.toml on 127.0.0.1:$DEMO_EMULATOR_PORT (47290) keeping its state in
#   .emulator-data/ (photos, users and identities survive restarts), serves www/ and pkg/ on
#   http://localhost:$DEMO_PORT (8000) with www/serve.mjs, prints the URL and the demo accounts,
#   and stops both on Ctrl-C.
# www/config.js names the emulator's URL: with another DEMO_EMULATOR_PORT, change it there too.
set -uo pipefail
cd "$(dirname "$0")/.."

PORT=${DEMO_PORT:-8000}
EMU_PORT=${DEMO_EMULATOR_PORT:-47290}
DATA=.emulator-data
SEED=emulator/seeds/demo.toml
LOG=$(mktemp -t demo-emulator.XXXXXX.log)

EMU_PID=
WEB_PID=
stop() {
  trap - EXIT INT TERM
  for pid in $WEB_PID $EMU_PID; do
    kill "$pid" 2>/dev/null
  done
  for pid in $WEB_PID $EMU_PID; do
    wait "$pid" 2>/dev/null
  done
  rm -f "$LOG"
}
trap stop EXIT
trap 'echo; echo "make demo: stopping"; exit 0' INT TERM

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$EMU_PORT" "$PORT"; do
  if port_busy "$p"; then
    echo "make demo: 127.0.0.1:$p is already in use (another 'make demo' or 'make emulator'?); stop it first." >&2
    exit 1
  fi
done

echo "make demo: building the npm package (scripts/build.sh)…"
if ! scripts/build.sh; then
  echo "make demo: the build failed" >&2
  exit 1
fi
echo "make demo: building the emulator…"
if ! cargo build --quiet -p emulator; then
  echo "make demo: building the emulator failed" >&2
  exit 1
fi
target_dir=$(cargo metadata --format-version 1 --no-deps 2>/dev/null |
  sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
BIN="${target_dir:-target}/debug/emulator"

# The emulator: its one stdout line goes to the log (parsed below); stderr (the codes it
# "sends", why it refused a sign-in) to this terminal.
mkdir -p "$DATA"
"$BIN" --config "$SEED" --port "$EMU_PORT" --data-dir "$DATA" --no-stdin-watch </dev/null >"$LOG" &
EMU_PID=$!
EMU_URL=
for _ in $(seq 1 300); do
  EMU_URL=$(sed -n 's/^emulator listening on \(http:\/\/[^ ]*\).*/\1/p' "$LOG" | head -n1)
  [ -n "$EMU_URL" ] && break
  kill -0 "$EMU_PID" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$EMU_URL" ]; then
  echo "make demo: the emulator did not start:" >&2
  cat "$LOG" >&2
  exit 1
fi

node www/serve.mjs --port "$PORT" --quiet </dev/null &
WEB_PID=$!
for _ in $(seq 1 100); do
  port_busy "$PORT" && break
  kill -0 "$WEB_PID" 2>/dev/null || break
  sleep 0.1
done
if ! port_busy "$PORT"; then
  echo "make demo: the page server did not start" >&2
  exit 1
fi

cat <<EOF

  Photo locker — the cognito-wasm demo

    open      http://localhost:$PORT/
    sign in   demo / Passw0rd!          (groups: photographers)
              totp / Passw0rd!          (then a TOTP code: $EMU_URL/__admin/totp?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
                                         or add JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP to an authenticator app)
    sign up   any username; the emulator prints the confirmation code below
              (also at $EMU_URL/__admin/codes?username=NAME)

    emulator  $EMU_URL (state in $DATA/: delete it to start afresh, or to
              pick up users added to $SEED since it was made)

  Ctrl-C stops everything.

EOF

# Until Ctrl-C, or until either process ends on its own.
wait -n "$EMU_PID" "$WEB_PID"
status=$?
echo "make demo: a server stopped unexpectedly (exit $status)" >&2
exit 1
