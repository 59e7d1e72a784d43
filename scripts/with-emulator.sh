#!/usr/bin/env bash
# Runs a command against a fresh emulator:
#   scripts/with-emulator.sh CMD [ARGS...]
# builds and starts the emulator with emulator/seeds/test.toml on 127.0.0.1:$EMULATOR_PORT
# (default 47291), waits for its "emulator listening on URL" line, exports EMULATOR_URL, runs
# CMD, always stops the emulator, and exits with CMD's exit code.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ $# -eq 0 ]; then
  echo "usage: scripts/with-emulator.sh CMD [ARGS...]" >&2
  exit 2
fi

PORT=${EMULATOR_PORT:-47291}
SEED=${EMULATOR_SEED:-emulator/seeds/test.toml}
LOG=$(mktemp -t emulator.XXXXXX.log)

if ! cargo build --quiet -p emulator; then
  echo "with-emulator: building the emulator failed" >&2
  exit 1
fi

target_dir=$(cargo metadata --format-version 1 --no-deps 2>/dev/null |
  sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
BIN="${target_dir:-target}/debug/emulator"

"$BIN" --config "$SEED" --port "$PORT" --no-stdin-watch </dev/null >"$LOG" 2>&1 &
EMU_PID=$!

stop() {
  if kill -0 "$EMU_PID" 2>/dev/null; then
    kill "$EMU_PID" 2>/dev/null
    wait "$EMU_PID" 2>/dev/null
  fi
  rm -f "$LOG"
}
trap stop EXIT
trap 'exit 130' INT TERM

URL=
for _ in $(seq 1 300); do
  URL=$(sed -n 's/^emulator listening on \(http:\/\/[^ ]*\).*/\1/p' "$LOG" | head -n1)
  [ -n "$URL" ] && break
  if ! kill -0 "$EMU_PID" 2>/dev/null; then
    echo "with-emulator: the emulator exited before listening:" >&2
    cat "$LOG" >&2
    exit 1
  fi
  sleep 0.1
done
if [ -z "$URL" ]; then
  echo "with-emulator: no 'emulator listening on' line within 30 s:" >&2
  cat "$LOG" >&2
  exit 1
fi

export EMULATOR_URL=$URL
echo "with-emulator: $URL (pid $EMU_PID)" >&2
"$@"
status=$?
if [ $status -ne 0 ]; then
  echo "with-emulator: command failed ($status); emulator log:" >&2
  tail -n 40 "$LOG" >&2
fi
exit $status
