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

EMU_PID=
stop() {
  if [ -n "$EMU_PID" ] && kill -0 "$EMU_PID" 2>/dev/null; then
    kill "$EMU_PID" 2>/dev/null
    wait "$EMU_PID" 2>/dev/null
  fi
  rm -f "$LOG"
}
trap stop EXIT
trap 'exit 130' INT TERM

# Whether something listens on 127.0.0.1:$PORT (bash's /dev/tcp: a connect that succeeds).
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

# Starts the emulator and waits for its "listening" line. A port still held (the emulator of
# the previous test layer winding down, seen once in a full make test) is waited for, up to
# 15 s, and the start tried again.
URL=
for attempt in 1 2 3; do
  for _ in $(seq 1 150); do port_busy || break; sleep 0.1; done
  : >"$LOG"
  "$BIN" --config "$SEED" --port "$PORT" --no-stdin-watch </dev/null >"$LOG" 2>&1 &
  EMU_PID=$!
  for _ in $(seq 1 300); do
    URL=$(sed -n 's/^emulator listening on \(http:\/\/[^ ]*\).*/\1/p' "$LOG" | head -n1)
    [ -n "$URL" ] && break
    kill -0 "$EMU_PID" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$URL" ] && break
  if kill -0 "$EMU_PID" 2>/dev/null; then
    echo "with-emulator: no 'emulator listening on' line within 30 s:" >&2
    cat "$LOG" >&2
    exit 1
  fi
  wait "$EMU_PID" 2>/dev/null
  if ! grep -q "Address already in use" "$LOG" || [ "$attempt" = 3 ]; then
    echo "with-emulator: the emulator exited before listening:" >&2
    cat "$LOG" >&2
    exit 1
  fi
  echo "with-emulator: 127.0.0.1:$PORT is still in use; trying again" >&2
  sleep 1
done

export EMULATOR_URL=$URL
echo "with-emulator: $URL (pid $EMU_PID)" >&2
"$@"
status=$?
if [ $status -ne 0 ]; then
  echo "with-emulator: command failed ($status); emulator log:" >&2
  tail -n 40 "$LOG" >&2
fi
exit $status
