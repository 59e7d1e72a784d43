#!/usr/bin/env bash
# Runs the end-to-end flows that depend on engine behaviour (tests/engines/: the hosted-UI
# redirect round trip, cross-tab refresh with and without Web Locks, cross-tab sign-out) once per
# browser engine, through WebDriver classic, each engine against a fresh emulator:
#   scripts/e2e-engines.sh [ENGINE...] [-- NODE_TEST_ARGS...]
# ENGINE is chromium, firefox or webkit; with none given, $ENGINES (space- or comma-separated)
# or all three. NODE_TEST_ARGS default to tests/engines/ (e.g. -- tests/engines/tabs.test.mjs).
# Needs the built package (pkg/, scripts/build.sh). Each engine prints node --test's TAP
# (ending in its "# pass N" / "# fail M" lines), then one line
#   e2e[ENGINE]: N passed, M failed (T s)
# and the script exits non-zero if any engine failed. See docs/engines.md.
#
# Drivers (override the paths with the same variables), each started here on 127.0.0.1 and a free
# port, and always stopped; the tests reach it through WEBDRIVER_URL:
#   chromium  CHROMEDRIVER=/usr/bin/chromedriver (launches headless Chromium, webdriver.json's flags)
#   firefox   GECKODRIVER=~/.cargo/bin/geckodriver (launches firefox-esr -headless, webdriver.json's prefs)
#   webkit    Xvfb (on a free display) and WEBKITWEBDRIVER=/usr/bin/WebKitWebDriver, which
#             launches WebKitGTK's MiniBrowser --automation on that display.
#
# Every process started for an engine (this script's per-engine child, the emulator, node, the
# driver, the browser and its helpers, Xvfb) carries a per-run tag in its environment. Whatever
# of them is still alive when the engine is done, or when this script is interrupted (INT, TERM,
# e.g. from `timeout`), is stopped by pid, so no browser outlives the run.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SELF=$ROOT/scripts/e2e-engines.sh

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

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---------------------------------------------------------------------------------------------
# Internal: one engine, run as a child process (its environment carries the tag):
#   e2e-engines.sh --engine ENGINE SCRATCH_DIR NODE_TEST_ARGS...
if [ "${1:-}" = --engine ]; then
  engine=$2 scratch=$3; shift 3
  xvfb_pid= driver_pid=
  trap 'stop_pid "$driver_pid"; stop_pid "$xvfb_pid"' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  need() { [ -x "$1" ] || { echo "e2e-engines: $2 not found at $1 (run scripts/bootstrap.sh)" >&2; exit 1; }; }

  unset DISPLAY WAYLAND_DISPLAY
  # Browser profiles and other temp files land in the scratch dir and go with it.
  export TMPDIR=$scratch
  log=$scratch/driver.log
  case $engine in
    chromium) need "$CHROMEDRIVER_BIN" chromedriver ;;
    firefox) need "$GECKODRIVER_BIN" geckodriver ;;
    webkit)
      need "$WEBKITWEBDRIVER_BIN" WebKitWebDriver
      command -v Xvfb >/dev/null || { echo "e2e-engines: Xvfb not found (run scripts/bootstrap.sh)" >&2; exit 1; }
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
        echo "e2e-engines: Xvfb did not start:" >&2; cat "$scratch/xvfb.log" >&2; exit 1
      fi
      export DISPLAY=":$(tr -d '[:space:]' <"$scratch/display")" ;;
  esac

  # The driver on 127.0.0.1 and a free port.
  for _ in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 40000))
    port_busy "$port" && continue
    case $engine in
      chromium) cmd=("$CHROMEDRIVER_BIN" --port="$port" --log-level=WARNING) ;;
      firefox) cmd=("$GECKODRIVER_BIN" --host 127.0.0.1 --port "$port" --log warn) ;;
      # A session left open (a test that timed out mid-way) must not lock the next one out.
      webkit) cmd=("$WEBKITWEBDRIVER_BIN" --host=127.0.0.1 --port="$port" --replace-on-new-session) ;;
    esac
    "${cmd[@]}" </dev/null >"$log" 2>&1 &
    driver_pid=$!
    for _ in $(seq 1 300); do
      port_busy "$port" && break 2
      kill -0 "$driver_pid" 2>/dev/null || break
      sleep 0.1
    done
    stop_pid "$driver_pid"; driver_pid=
  done
  if [ -z "$driver_pid" ]; then
    echo "e2e-engines: the $engine driver did not start:" >&2; cat "$log" >&2; exit 1
  fi
  export E2E_ENGINE=$engine WEBDRIVER_URL="http://127.0.0.1:$port"
  # One test file at a time: a driver serves one session at a time (geckodriver, WebKitWebDriver).
  scripts/with-emulator.sh node --test --test-reporter=tap --test-concurrency=1 "$@" </dev/null
  status=$?
  if [ $status -ne 0 ] && [ -s "$log" ]; then
    echo "e2e-engines: $engine driver log (tail):" >&2; tail -n 30 "$log" >&2
  fi
  exit $status
fi

# ---------------------------------------------------------------------------------------------
engines=()
node_args=()
while [ $# -gt 0 ]; do
  case $1 in
    --) shift; node_args=("$@"); break ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) engines+=("$1"); shift ;;
  esac
done
if [ ${#engines[@]} -eq 0 ]; then
  list=${ENGINES:-chromium firefox webkit}
  read -ra engines <<<"${list//,/ }"
fi
for e in "${engines[@]}"; do
  case $e in chromium|firefox|webkit) ;; *) echo "e2e-engines: unknown engine '$e' (chromium, firefox, webkit)" >&2; exit 2 ;; esac
done
[ ${#node_args[@]} -gt 0 ] || node_args=(tests/engines/)
if [ ! -f pkg/index.js ] || [ ! -f pkg/cognito_wasm_bg.wasm ]; then
  echo "e2e-engines: pkg/ is not built (scripts/build.sh)" >&2
  exit 1
fi

TAG="e2e-engines-$$-$RANDOM"
scratch=

# Stops every process still carrying this run's tag (found through /proc/PID/environ), by pid.
sweep() {
  local pids=() alive=() pid names=
  for pid in $(grep -lsxzF "E2E_ENGINES_TAG=$TAG" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3); do
    [ "$pid" = $$ ] || pids+=("$pid")
  done
  [ ${#pids[@]} -gt 0 ] || return 0
  for pid in "${pids[@]}"; do names+=" $(cat /proc/"$pid"/comm 2>/dev/null || echo "?")"; done
  echo "e2e-engines: stopping ${#pids[@]} leftover process(es):$names" >&2
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

# Runs the flows in one engine; prints node's output and the summary line; returns its status.
run_engine() {
  local engine=$1 log status start secs passed failed
  scratch=$(mktemp -d -t "e2e-$engine.XXXXXX")
  log=$scratch/out.log
  start=$(date +%s)
  # In the background and waited for, so that INT/TERM reach the traps at once.
  { E2E_ENGINES_TAG=$TAG "$SELF" --engine "$engine" "$scratch" "${node_args[@]}" 2>&1 | tee "$log"; } &
  wait $!
  status=$?
  secs=$(( $(date +%s) - start ))
  sweep
  read -r passed failed < <(awk '
    /^# pass [0-9]+$/ { p += $3 }
    /^# fail [0-9]+$/ { f += $3 }
    END { print p + 0, f + 0 }' "$log")
  rm -rf "$scratch"; scratch=
  if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    echo "e2e[$engine]: $passed passed, $failed failed, exit $status (${secs} s)"
  else
    echo "e2e[$engine]: $passed passed, $failed failed (${secs} s)"
  fi
  return "$status"
}

overall=0
for engine in "${engines[@]}"; do
  printf -- '--- e2e[%s]\n' "$engine"
  run_engine "$engine" || overall=1
done
exit $overall
