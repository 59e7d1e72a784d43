#!/usr/bin/env bash
# Runs the whole wasm-bindgen-test browser suite once per engine, each against a fresh emulator:
#   scripts/wasm-browsers.sh [ENGINE...] [-- CARGO_TEST_ARGS...]
# ENGINE is chromium, firefox or webkit; with none given, $ENGINES (space- or comma-separated)
# or all three. CARGO_TEST_ARGS default to --tests (e.g. -- --test srp_vectors runs one file).
# Each engine prints cargo's own "test result:" lines, then one line
#   wasm[ENGINE]: N passed, M failed (T s)
# and the script exits non-zero if any engine failed. See docs/engines.md.
#
# Drivers (override the paths with the same variables):
#   chromium  CHROMEDRIVER=/usr/bin/chromedriver, spawned by wasm-bindgen-test-runner
#   firefox   GECKODRIVER=~/.cargo/bin/geckodriver, spawned by the runner (which adds -headless)
#   webkit    Xvfb (on a free display) and WEBKITWEBDRIVER=/usr/bin/WebKitWebDriver on 127.0.0.1,
#             both started here and always stopped; the runner attaches via SAFARIDRIVER_REMOTE
#             and WebKitWebDriver launches WebKitGTK's MiniBrowser --automation itself.
# Chromium's and Firefox's capabilities (offline flags and prefs) are both in webdriver.json;
# the runner sends WebKitWebDriver none.
#
# Every process started for an engine (this script's per-engine child, the emulator, cargo, the
# runner, drivers, browsers and their helpers, Xvfb) carries a per-run tag in its environment.
# Whatever of them is still alive when the engine is done, or when this script is interrupted
# (INT, TERM, e.g. from `timeout`), is stopped by pid, so no browser outlives the run.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SELF=$ROOT/scripts/wasm-browsers.sh

# Debug-built wasm runs the SRP math unoptimised: room for each test file on a busy 2-core machine.
export WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-180}
# The runner gives a driver it spawns 5 s to bind its port by default; a loaded machine needs more.
export WASM_BINDGEN_TEST_DRIVER_TIMEOUT=${WASM_BINDGEN_TEST_DRIVER_TIMEOUT:-30}

CHROMEDRIVER_BIN=${CHROMEDRIVER:-/usr/bin/chromedriver}
GECKODRIVER_BIN=${GECKODRIVER:-$(command -v geckodriver || echo "${CARGO_HOME:-$HOME/.cargo}/bin/geckodriver")}
WEBKITWEBDRIVER_BIN=${WEBKITWEBDRIVER:-$(command -v WebKitWebDriver || echo /usr/bin/WebKitWebDriver)}

stop_pid() {
  local pid=$1
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}

# ---------------------------------------------------------------------------------------------
# Internal: one engine, run as a child process (its environment carries the tag):
#   wasm-browsers.sh --engine ENGINE SCRATCH_DIR CARGO_TEST_ARGS...
if [ "${1:-}" = --engine ]; then
  engine=$2 scratch=$3; shift 3
  xvfb_pid= wkd_pid=
  trap 'stop_pid "$wkd_pid"; stop_pid "$xvfb_pid"' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  need() { [ -x "$1" ] || { echo "wasm-browsers: $2 not found at $1 (run scripts/bootstrap.sh)" >&2; exit 1; }; }

  # Only this engine's driver may be visible to the runner (it tries *_REMOTE first, then
  # GECKODRIVER, SAFARIDRIVER, CHROMEDRIVER, MSEDGEDRIVER, then PATH).
  for d in CHROMEDRIVER GECKODRIVER SAFARIDRIVER MSEDGEDRIVER; do unset "$d" "${d}_REMOTE" "${d}_ARGS"; done
  unset DISPLAY WAYLAND_DISPLAY
  # Browser profiles and other temp files land in the scratch dir and go with it.
  export TMPDIR=$scratch
  export WASM_BINDGEN_TEST_WEBDRIVER_JSON=${WASM_BINDGEN_TEST_WEBDRIVER_JSON:-$ROOT/webdriver.json}
  case $engine in
    chromium)
      need "$CHROMEDRIVER_BIN" chromedriver
      export CHROMEDRIVER=$CHROMEDRIVER_BIN ;;
    firefox)
      need "$GECKODRIVER_BIN" geckodriver
      export GECKODRIVER=$GECKODRIVER_BIN
      export GECKODRIVER_ARGS="--host 127.0.0.1 --log warn" ;;
    webkit)
      need "$WEBKITWEBDRIVER_BIN" WebKitWebDriver
      command -v Xvfb >/dev/null || { echo "wasm-browsers: Xvfb not found (run scripts/bootstrap.sh)" >&2; exit 1; }
      # MiniBrowser is a GTK app: it needs an X display, and gets throwaway XDG dirs.
      export XDG_CONFIG_HOME=$scratch/xdg/config XDG_CACHE_HOME=$scratch/xdg/cache \
             XDG_DATA_HOME=$scratch/xdg/data XDG_RUNTIME_DIR=$scratch/xdg/runtime NO_AT_BRIDGE=1
      mkdir -p "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
      chmod 700 "$XDG_RUNTIME_DIR"

      # Xvfb on the first free display (-displayfd), Unix socket only.
      Xvfb -displayfd 3 -nolisten tcp -screen 0 1280x1024x24 3>"$scratch/display" \
        </dev/null >"$scratch/xvfb.log" 2>&1 &
      xvfb_pid=$!
      for _ in $(seq 1 100); do
        [ -s "$scratch/display" ] && break
        kill -0 "$xvfb_pid" 2>/dev/null || break
        sleep 0.1
      done
      if [ ! -s "$scratch/display" ]; then
        echo "wasm-browsers: Xvfb did not start:" >&2; cat "$scratch/xvfb.log" >&2; exit 1
      fi
      export DISPLAY=":$(tr -d '[:space:]' <"$scratch/display")"

      # WebKitWebDriver on 127.0.0.1 and a free port. The runner opens one session per test file
      # and ends it by closing its window; should a file leave its session open (a timeout),
      # --replace-on-new-session still lets the next file in.
      for _ in 1 2 3 4 5; do
        port=$((20000 + RANDOM % 40000))
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue   # taken
        "$WEBKITWEBDRIVER_BIN" --host=127.0.0.1 --port="$port" --replace-on-new-session \
          </dev/null >"$scratch/webkitwebdriver.log" 2>&1 &
        wkd_pid=$!
        for _ in $(seq 1 100); do
          (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break 2
          kill -0 "$wkd_pid" 2>/dev/null || break
          sleep 0.1
        done
        stop_pid "$wkd_pid"; wkd_pid=
      done
      if [ -z "$wkd_pid" ]; then
        echo "wasm-browsers: WebKitWebDriver did not start:" >&2; cat "$scratch/webkitwebdriver.log" >&2; exit 1
      fi
      export SAFARIDRIVER_REMOTE="http://127.0.0.1:$port" ;;
  esac
  scripts/with-emulator.sh cargo test --target wasm32-unknown-unknown -p cognito-wasm "$@" </dev/null
  status=$?
  if [ "$engine" = webkit ] && [ $status -ne 0 ] && [ -s "$scratch/webkitwebdriver.log" ]; then
    echo "wasm-browsers: WebKitWebDriver log (tail):" >&2; tail -n 30 "$scratch/webkitwebdriver.log" >&2
  fi
  exit $status
fi

# ---------------------------------------------------------------------------------------------
engines=()
cargo_args=()
while [ $# -gt 0 ]; do
  case $1 in
    --) shift; cargo_args=("$@"); break ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) engines+=("$1"); shift ;;
  esac
done
if [ ${#engines[@]} -eq 0 ]; then
  list=${ENGINES:-chromium firefox webkit}
  read -ra engines <<<"${list//,/ }"
fi
for e in "${engines[@]}"; do
  case $e in chromium|firefox|webkit) ;; *) echo "wasm-browsers: unknown engine '$e' (chromium, firefox, webkit)" >&2; exit 2 ;; esac
done
# --tests: the integration tests and the lib's unit tests, not the doc-tests: rustdoc hands each
# wasm32 doc-test to wasm-bindgen-test-runner as a plain program, which finds no
# #[wasm_bindgen_test] in it, prints "no tests to run!" and exits 0, so it would count as passed
# without running (the native layer runs the doc-tests for real).
[ ${#cargo_args[@]} -gt 0 ] || cargo_args=(--tests)

TAG="wasm-browsers-$$-$RANDOM"
scratch=

# Stops every process still carrying this run's tag (found through /proc/PID/environ), by pid.
sweep() {
  local pids=() alive=() pid names=
  for pid in $(grep -lsxzF "WASM_BROWSERS_TAG=$TAG" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3); do
    [ "$pid" = $$ ] || pids+=("$pid")
  done
  [ ${#pids[@]} -gt 0 ] || return 0
  for pid in "${pids[@]}"; do names+=" $(cat /proc/"$pid"/comm 2>/dev/null || echo "?")"; done
  echo "wasm-browsers: stopping ${#pids[@]} leftover process(es):$names" >&2
  kill -TERM "${pids[@]}" 2>/dev/null
  for _ in $(seq 1 30); do
    alive=()
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive+=("$pid"); done
    [ ${#alive[@]} -gt 0 ] || return 0
    sleep 0.1
  done
  kill -KILL "${alive[@]}" 2>/dev/null
}

cleanup() {
  sweep
  [ -n "$scratch" ] && rm -rf "$scratch"
  scratch=
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Runs the suite in one engine; prints cargo's output and the summary line; returns its status.
run_engine() {
  local engine=$1 log status start secs passed failed
  scratch=$(mktemp -d -t "wasm-$engine.XXXXXX")
  log=$scratch/out.log
  start=$(date +%s)
  # In the background and waited for, so that INT/TERM reach the traps at once.
  { WASM_BROWSERS_TAG=$TAG "$SELF" --engine "$engine" "$scratch" "${cargo_args[@]}" 2>&1 | tee "$log"; } &
  wait $!
  status=$?
  secs=$(( $(date +%s) - start ))
  sweep
  read -r passed failed < <(awk '
    /^test result: / { for (i = 1; i < NF; i++) { if ($(i+1) ~ /^passed;?$/) p += $i; if ($(i+1) ~ /^failed;?$/) f += $i } }
    END { print p + 0, f + 0 }' "$log")
  rm -rf "$scratch"; scratch=
  if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    echo "wasm[$engine]: $passed passed, $failed failed, exit $status (${secs} s)"
  else
    echo "wasm[$engine]: $passed passed, $failed failed (${secs} s)"
  fi
  return "$status"
}

overall=0
for engine in "${engines[@]}"; do
  printf -- '--- wasm[%s]\n' "$engine"
  run_engine "$engine" || overall=1
done
exit $overall
