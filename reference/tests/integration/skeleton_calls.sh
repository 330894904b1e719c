#!/usr/bin/env bash
# Walking skeleton end to end: SIPp caller -> sipref -> test webhook (<Dial><Sip>) -> SIPp callee.
# Every call must succeed on both SIPp sides and sipref must log each call's end (both legs torn
# down). Usage: skeleton_calls.sh SIPREF TEST_WEBHOOK SCENARIOS BASE_IP WHO_HANGS_UP CALLS
source "$(dirname "$0")/lib.sh"
sipref=$1 webhook=$2 scenarios=$3 base=$4 hangs_up=$5 calls=$6

cat >"$WORK/sipref.yaml" <<YAML
accounts:
  - { sid: AC0123456789abcdef0123456789abcdef, auth_token: secret-token, enhanced_sip: true }
edges:
  ashburn: { address: $base.1 }
domains:
  - name: example.sip.twilio.local
    sid: SD0123456789abcdef0123456789abcdef
    account: AC0123456789abcdef0123456789abcdef
    voice_url: http://$base.9:8080/voice
rest: { address: $base.1, port: 8088 }
YAML
echo "<Response><Dial><Sip>sip:callee@$base.11:5060</Sip></Dial></Response>" >"$WORK/voice.xml"

if [[ $hangs_up == caller ]]; then
  caller_scenario=caller-hangs-up.xml callee_scenario=callee-answer.xml
else
  caller_scenario=caller-awaits-bye.xml callee_scenario=callee-answer-then-bye.xml
fi

start webhook "$webhook" "$base.9" 8080 "$WORK/voice.xml"
await_line "$WORK/webhook.log" "listening" 10
start sipref "$sipref" --config "$WORK/sipref.yaml"
await_line "$WORK/sipref.log" " ready " 10

sipp -sf "$scenarios/$callee_scenario" -i "$base.11" -p 5060 -m "$calls" -nostdin \
  -timeout 120s -timeout_error -trace_err -error_file "$WORK/callee-errors.log" >"$WORK/callee.log" 2>&1 &
callee=$!
PIDS+=($callee)
sipp "$base.1:5060" -sf "$scenarios/$caller_scenario" -s skeleton -key domain example.sip.twilio.local \
  -i "$base.10" -p 5060 -m "$calls" -r 50 -l 50 -nostdin -timeout 120s -timeout_error \
  -trace_err -error_file "$WORK/caller-errors.log" >"$WORK/caller.log" 2>&1 || {
  echo "FAIL: SIPp caller exited $?" >&2; exit 1; }
wait "$callee" || { echo "FAIL: SIPp callee exited $?" >&2; exit 1; }

await_line "$WORK/sipref.log" "call-ended" 10
ended() { grep -c " call-ended" "$WORK/sipref.log" || true; }
deadline=$((SECONDS + 10))
until [[ $(ended) -ge $calls ]] || ((SECONDS >= deadline)); do sleep 0.05; done
expect_eq "calls ended in sipref" "$calls" "$(ended)"
expect_eq "voice requests served" "$calls" "$(grep -c '^served' "$WORK/webhook.log")"

# /metrics agrees with what happened: every call answered and ended, one post-dial delay and one
# TwiML fetch observed per call. (bash's /dev/tcp: no HTTP client needed.)
metrics() {
  exec 3<>"/dev/tcp/$base.1/8088"
  printf 'GET /metrics HTTP/1.0\r\nHost: sipref\r\n\r\n' >&3
  cat <&3
  exec 3<&-
}
metrics >"$WORK/metrics.txt"
value() { awk -v name="$1" '$1 == name { print $2 }' "$WORK/metrics.txt"; }
expect_eq "sipref_calls_total{status=\"200\"}" "$calls" "$(value 'sipref_calls_total{status="200"}')"
expect_eq "post-dial delays observed" "$calls" "$(value sipref_post_dial_delay_seconds_count)"
expect_eq "webhook fetches observed" "$calls" "$(value sipref_webhook_seconds_count)"
expect_eq "INVITEs received" "$calls" "$(value 'sipref_sip_messages_received_total{method="INVITE"}')"
expect_eq "calls active at the end" 0 "$(value sipref_calls_active)"
echo "$calls calls, caller and callee passed, all ended ($hangs_up hung up); /metrics agrees"
