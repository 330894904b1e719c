#!/usr/bin/env bash
# The provider's official helper library (twilio-node, from npm) as a real client of sipref: REST
# calls, TwiML, signatures, checked by helper_library.js. Args: SIPREF SCENARIOS BASE_IP BUILD_DIR
source "$(dirname "$0")/lib.sh"
sipref=$1 scenarios=$2 base=$3
build=$(mkdir -p "$4" && cd "$4" && pwd)  # absolute: node resolves the library from it
here=$(cd "$(dirname "$0")" && pwd)
library="$build/helper-library"
started=$SECONDS

account=AC9a0c1e2b3d4f5a6b7c8d9e0f1a2b3c4d
auth_token=helper-library-token-0123456789ab

for tool in node npm; do
  command -v $tool >/dev/null || { echo "FAIL: $tool is not installed" >&2; exit 1; }
done

# The library lives in the build tree and is installed once: reruns need no registry.
# A failed install fails the test: skipping would hide that the check never ran.
install_helper_library() {
  local manifest='{ "name": "sipref-helper-library-test", "private": true,
  "dependencies": { "twilio": "^5" } }'
  mkdir -p "$library"
  [[ -f $library/package.json && $(<"$library/package.json") == "$manifest" ]] ||
    printf '%s\n' "$manifest" >"$library/package.json"
  if node -e 'process.exit(require(process.argv[1]).version.startsWith("5.") ? 0 : 1)' \
      "$library/node_modules/twilio/package.json" 2>/dev/null; then
    return 0
  fi
  echo "installing twilio@5 from $(npm config get registry 2>/dev/null) into $library"
  if ! (cd "$library" && npm install --no-audit --no-fund --loglevel=error) \
      >"$WORK/npm-install.out" 2>&1; then
    echo "FAIL: 'npm install twilio@5' in $library failed (is the registry reachable?):" >&2
    cat "$WORK/npm-install.out" >&2
    exit 1
  fi
}
install_helper_library
twilio_version=$(node -p 'require(process.argv[1]).version' \
  "$library/node_modules/twilio/package.json")
echo "twilio-node $twilio_version from $library"

# The webhook server's port: a free one on this test's own address, so nothing else races for it.
webhook_port=$(node -e '
  const server = require("net").createServer().listen(0, process.argv[1], () => {
    console.log(server.address().port); server.close(); });' "$base.1")

cat >"$WORK/sipref.yaml" <<YAML
accounts:
  - sid: $account
    auth_token: $auth_token
    debugger_webhook: http://$base.1:$webhook_port/debugger
    enhanced_sip: true
edges:
  ashburn: { address: $base.1 }
rest: { address: $base.1, port: 8080 }
YAML

start sipref "$sipref" --config "$WORK/sipref.yaml"
sipref_pid=${PIDS[-1]}
await_line "$WORK/sipref.log" " ready " 10

# start_callee NAME SCENARIO ADDRESS: one call, every message kept in NAME-messages.log for the JS.
start_callee() {
  local name=$1 scenario=$2 address=$3
  sipp -sf "$scenarios/$scenario" -i "$address" -p 5060 -m 1 -nostdin -timeout 120s -timeout_error \
    -trace_err -error_file "$WORK/$name-errors.log" \
    -trace_msg -message_file "$WORK/$name-messages.log" >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
}
# .40 and up: the conformance unit tests hold 127.0.9.11-39 (SIPp runner, capture, managed target).
start_callee callee callee-answer.xml "$base.40"
callee_pid=${PIDS[-1]}
start_callee agent callee-answer-x-case-helper-await-bye.xml "$base.41"
agent_pid=${PIDS[-1]}

cat >"$WORK/helper-library.json" <<JSON
{
  "library": "$library",
  "restBase": "http://$base.1:8080",
  "accountSid": "$account",
  "authToken": "$auth_token",
  "webhookAddress": "$base.1",
  "webhookPort": $webhook_port,
  "calleeUri": "sip:callee@$base.40:5060",
  "agentUri": "sip:agent@$base.41:5060",
  "calleeMessages": "$WORK/callee-messages.log",
  "agentMessages": "$WORK/agent-messages.log"
}
JSON
node "$here/helper_library.js" "$WORK/helper-library.json" || {
  echo "FAIL: helper_library.js exited $?" >&2; exit 1; }

# await_exit PID WHAT SECONDS: the SIPp party must finish its scenario, and pass it, in time.
await_exit() {
  local pid=$1 what=$2 seconds=$3
  local deadline=$((SECONDS + seconds))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      echo "FAIL: $what still running after ${seconds}s" >&2
      return 1
    fi
    sleep 0.05
  done
  wait "$pid" || { echo "FAIL: $what exited $? (see its errors log)" >&2; return 1; }
}
await_exit "$callee_pid" "SIPp callee (answers, awaits BYE)" 10
await_exit "$agent_pid" "SIPp agent (requires X-Case: helper, awaits BYE)" 10
kill -0 "$sipref_pid" 2>/dev/null || { echo "FAIL: sipref is no longer running" >&2; exit 1; }
echo "helper library test passed with twilio-node $twilio_version in $((SECONDS - started))s"
