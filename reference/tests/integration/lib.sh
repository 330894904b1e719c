# Shared helpers for the integration tests: start processes in the background, await log lines
# (never fixed sleeps), and stop everything on exit. Sourced by the *.sh tests beside it.
set -euo pipefail

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sipref-it.XXXXXX")
PIDS=()

cleanup() {
  local status=$?
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ $status -ne 0 ]]; then
    echo "--- test failed (exit $status); logs in $WORK ---"
    for f in "$WORK"/*.log; do [[ -f $f ]] && { echo "== $f (last 40 lines)"; tail -n 40 "$f"; }; done
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

# start NAME CMD...: runs CMD in the background with its output in $WORK/NAME.log.
start() {
  local name=$1; shift
  "$@" >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
}

# await_line FILE REGEX SECONDS: waits until FILE has a line matching REGEX.
await_line() {
  local file=$1 regex=$2 seconds=$3
  local deadline=$((SECONDS + seconds))
  until grep -Eq -- "$regex" "$file" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      echo "timed out after ${seconds}s waiting for /$regex/ in $file" >&2
      return 1
    fi
    sleep 0.05
  done
}

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
  if [[ "$2" != "$3" ]]; then
    echo "FAIL: $1: expected '$2', got '$3'" >&2
    return 1
  fi
}
