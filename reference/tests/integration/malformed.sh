#!/usr/bin/env bash
# Bad input never hurts: malformed_probe sends its corpus of malformed messages over UDP and TCP,
# each followed by an OPTIONS that must get 200; sipref must then still be alive, with no crash
# traces in its log. Usage: malformed.sh SIPREF MALFORMED_PROBE [PROBE OPTIONS] (--sample N, --all …)
source "$(dirname "$0")/lib.sh"
sipref=$1 probe=$2
shift 2

cat >"$WORK/sipref.yaml" <<YAML
accounts:
  - { sid: AC0123456789abcdef0123456789abcdef, auth_token: secret-token }
edges:
  ashburn: { address: 127.0.5.1 }
domains:
  - name: example.sip.twilio.local
    sid: SD0123456789abcdef0123456789abcdef
    account: AC0123456789abcdef0123456789abcdef
    voice_url: http://127.0.5.9:8080/voice  # never asked: no call is placed
YAML

start sipref "$sipref" --config "$WORK/sipref.yaml"
sipref_pid=${PIDS[-1]}
await_line "$WORK/sipref.log" " ready " 10

probe_status=0
"$probe" "$@" 127.0.5.1 5060 || probe_status=$?

kill -0 "$sipref_pid" 2>/dev/null || { echo "FAIL: sipref is gone after the malformed messages" >&2; exit 1; }
# A handler that threw is caught and logged (transport.handler_failed): bad input still hurt there.
crash="terminate called|Assertion|Sanitizer|handler_failed"
if grep -Eq "$crash" "$WORK/sipref.log"; then
  echo "FAIL: sipref logged a crash trace:" >&2
  grep -E "$crash" "$WORK/sipref.log" >&2
  exit 1
fi
echo "sipref still serving; logged $(grep -c 'transport.malformed' "$WORK/sipref.log") malformed" \
  "and $(grep -c 'transport.over_limit' "$WORK/sipref.log") over a limit"
exit "$probe_status"
