#!/usr/bin/env bash
# limits.max_calls / limits.max_cps: with one call up and the limit at 1, the next INVITE (sent at
# once, within the same second) gets 503 with Retry-After (5 s for max_calls, 1 s for max_cps)
# and nothing is fetched for it; the first call is untouched.
# Usage: max_calls.sh SIPREF TEST_WEBHOOK SCENARIOS BASE_IP [max_calls|max_cps]
source "$(dirname "$0")/lib.sh"
sipref=$1 webhook=$2 scenarios=$3 base=$4 limit=${5:-max_calls}
retry_after=$([[ $limit == max_cps ]] && echo 1 || echo 5)

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
  $limit: 1
YAML
echo '<Response><Pause length="3"/><Hangup/></Response>' >"$WORK/voice.xml"

start webhook "$webhook" "$base.9" 8080 "$WORK/voice.xml"
await_line "$WORK/webhook.log" "listening" 10
start sipref "$sipref" --config "$WORK/sipref.yaml"
await_line "$WORK/sipref.log" " ready " 10

sipp "$base.1:5060" -sf "$scenarios/caller-awaits-bye.xml" -s first -key domain example.sip.twilio.local \
  -i "$base.10" -p 5060 -m 1 -nostdin -timeout 30s -timeout_error >"$WORK/first.log" 2>&1 &
first=$!
PIDS+=($first)
await_line "$WORK/sipref.log" "inbound-call" 10
sipp "$base.1:5060" -sf "$scenarios/caller-refused.xml" -s second -key domain example.sip.twilio.local \
  -i "$base.11" -p 5060 -m 1 -nostdin -timeout 30s -timeout_error -trace_msg \
  -message_file "$WORK/second-messages.log" >"$WORK/second.log" 2>&1 || {
  echo "FAIL: the second caller was not refused (SIPp exited $?)" >&2; exit 1; }
expect_eq "503 to the second INVITE" 1 "$(grep -c '^SIP/2.0 503' "$WORK/second-messages.log" || true)"
expect_eq "Retry-After on the 503" 1 "$(grep -c "^Retry-After: $retry_after" "$WORK/second-messages.log" || true)"
wait "$first" || { echo "FAIL: the first call did not complete (SIPp exited $?)" >&2; exit 1; }
expect_eq "voice requests served (only the first call)" 1 "$(grep -c '^served' "$WORK/webhook.log")"
echo "$limit 1: the second INVITE got 503 + Retry-After $retry_after, the first call completed"
