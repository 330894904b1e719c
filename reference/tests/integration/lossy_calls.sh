#!/usr/bin/env bash
# The SIP core under packet loss: SIPp (uac-lossy.xml with -lost 10: it drops 10% of what it sends
# and receives) places CALLS calls on test_ua. Every call must succeed, retransmissions must have
# happened on both sides, and test_ua must end with no dialogs and no transactions left.
# Usage: lossy_calls.sh TEST_UA SCENARIOS BASE_IP CALLS
source "$(dirname "$0")/lib.sh"
ua=$1 scenarios=$2 base=$3 calls=$4

start test_ua "$ua" "$base.1" 5060
ua_pid=${PIDS[-1]}
await_line "$WORK/test_ua.log" "^test_ua ready" 10

sipp "$base.1:5060" -sf "$scenarios/uac-lossy.xml" -s lossy -i "$base.10" -p 5060 \
  -m "$calls" -r 100 -l 200 -lost 10 -nostdin -timeout 90s -timeout_error \
  -trace_err -error_file "$WORK/sipp-errors.log" -trace_stat -stf "$WORK/sipp-stat.csv" \
  -trace_screen -screen_file "$WORK/sipp-screen.log" >"$WORK/sipp.log" 2>&1 || {
  echo "FAIL: SIPp exited $? (non-zero: some call failed or the run timed out)" >&2; exit 1; }

# stat NAME: a cumulative column of SIPp's statistics file (its last row is the final dump).
stat() {
  awk -F';' -v name="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) col = i }
                          END { print (col ? $col : "missing") }' "$WORK/sipp-stat.csv"
}
expect_eq "SIPp successful calls" "$calls" "$(stat 'SuccessfulCall(C)')"
expect_eq "SIPp failed calls" 0 "$(stat 'FailedCall(C)')"
sipp_retrans=$(stat 'Retransmissions(C)')
if ! [[ $sipp_retrans =~ ^[0-9]+$ ]] || ((sipp_retrans == 0)); then
  echo "FAIL: SIPp retransmitted nothing ($sipp_retrans): the loss was not exercised" >&2; exit 1
fi

# The last calls' transactions linger for 64*T1 = 32 s after their final response (timer J for
# the BYE, RFC 6026's timer L for the answered INVITE); SIGUSR1 makes test_ua print its state,
# so poll it until everything has drained or the deadline passes.
summaries() { grep -c '^test_ua: ' "$WORK/test_ua.log" || true; }
summary() { grep '^test_ua: ' "$WORK/test_ua.log" | tail -n 1; }
drained() { [[ $(summary) == *" active_dialogs=0 live_transactions=0 "* ]]; }
deadline=$((SECONDS + 45))
while :; do
  seen=$(summaries)
  kill -USR1 "$ua_pid"
  until (($(summaries) > seen)) || ((SECONDS >= deadline)); do sleep 0.05; done
  drained || ((SECONDS >= deadline)) || { sleep 0.5; continue; }
  break
done

kill -TERM "$ua_pid"
wait "$ua_pid" || { echo "FAIL: test_ua exited $? after SIGTERM" >&2; exit 1; }
final=$(summary)
field() { sed -nE "s/.* $1=([0-9]+).*/\1/p" <<<"$final"; }
expect_eq "test_ua calls answered" "$calls" "$(field calls)"
expect_eq "test_ua dialogs left" 0 "$(field active_dialogs)"
expect_eq "test_ua transactions left" 0 "$(field live_transactions)"
(($(field ok_retransmissions) > 0)) || {
  echo "FAIL: test_ua never retransmitted a 2xx: no ACK was lost" >&2; exit 1; }
echo "$calls calls under 10% loss, 0 failed; SIPp retransmissions: $sipp_retrans; $final"
