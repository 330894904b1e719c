#!/usr/bin/env bash
# SIGTERM drains: with one call up, sipref gets SIGTERM; a new INVITE then gets 503 with
# Retry-After and nothing is fetched for it, the live call finishes its TwiML, and sipref exits 0
# once no call is left. Usage: drain.sh SIPREF TEST_WEBHOOK SCENARIOS BASE_IP
source "$(dirname "$0")/lib.sh"
sipref=$1 webhook=$2 scenarios=$3 base=$4

cat >"$WORK/sipref.yaml" <<YAML
accounts:
  - { sid: AC0123456789abcdef0123456789abcdef, auth_token: secret-token }
edges:
  ashburn: { address: $base.1 }
domains:
  - name: example.sip.twilio.local
    sid: SD0123456789abcdef0123456789abcdef
    account: AC0123456789abcdef0123456789abcdef
    voice_url: http://$base.9:8080/voice
limits:
  drain_s: 20
YAML
echo '<Response><Pause length="3"/><Hangup/></Response>' >"$WORK/voice.xml"

start webhook "$webhook" "$base.9" 8080 "$WORK/voice.xml"
await_line "$WORK/webhook.log" "listening" 10
"$sipref" --config "$WORK/sipref.yaml" >"$WORK/sipref.log" 2>&1 &
sipref_pid=$!
PIDS+=($sipref_pid)
await_line "$WORK/sipref.log" " ready " 10

sipp "$base.1:5060" -sf "$scenarios/caller-awaits-bye.xml" -s first -key domain example.sip.twilio.local \
  -i "$base.10" -p 5060 -m 1 -nostdin -timeout 30s -timeout_error >"$WORK/first.log" 2>&1 &
first=$!
PIDS+=($first)
await_line "$WORK/sipref.log" "verb Pause" 10
kill -TERM "$sipref_pid"
await_line "$WORK/sipref.log" "draining" 10
sipp "$base.1:5060" -sf "$scenarios/caller-refused.xml" -s second -key domain example.sip.twilio.local \
  -i "$base.11" -p 5060 -m 1 -nostdin -timeout 30s -timeout_error -trace_msg \
  -message_file "$WORK/second-messages.log" >"$WORK/second.log" 2>&1 || {
  echo "FAIL: the INVITE after SIGTERM was not refused (SIPp exited $?)" >&2; exit 1; }
expect_eq "503 to the INVITE after SIGTERM" 1 "$(grep -c '^SIP/2.0 503' "$WORK/second-messages.log" || true)"
expect_eq "Retry-After on the 503" 1 "$(grep -c '^Retry-After: 30' "$WORK/second-messages.log" || true)"
wait "$first" || { echo "FAIL: the live call did not finish (SIPp exited $?)" >&2; exit 1; }
status=0
wait "$sipref_pid" || status=$?
expect_eq "sipref's exit status after draining" 0 "$status"
expect_eq "voice requests served (only the live call)" 1 "$(grep -c '^served' "$WORK/webhook.log")"
grep -q " drained no call left" "$WORK/sipref.log" || { echo "FAIL: no 'drained' line" >&2; exit 1; }
echo "SIGTERM: the new INVITE got 503 + Retry-After 30, the live call finished, sipref exited 0"
