# bench/soak: sipref for a long run at half its maximum rate with SIPp dropping packets on both
# sides and a mix of callees (busy, no answer, answer, answer + REFER). Passes when, at the end,
# sipref holds no call, leg or transaction, every dialled call's status callbacks are numbered
# 0..n-1 with a terminal one, and RSS is within 5% of its value after warm-up.
import argparse
import json
import sys
import threading
import time
import urllib.request

import sipbench as b
from pdd import measured_max

STATUS = f"http://{b.WEBHOOK[0]}:{b.WEBHOOK[1]}/status"
# The same document for /voice and /refer: a transfer dials the mixed callee again.
TWIML = (f'<Response><Dial timeout="1" referUrl="/refer"><Sip statusCallback="{STATUS}" '
         f'statusCallbackEvent="initiated ringing answered completed">sip:callee@{b.CALLEE}:5060</Sip>'
         f'</Dial></Response>')
# No Dial buffer: an unanswered leg is cancelled after timeout="1", not 6 s.
EXTRA_CONFIG = "timers: { dial_buffer_s: 0 }\n"


def gauges(sipref_pid):
    text = b.metrics_text()
    return {"rss_kib": b.rss_kib(sipref_pid), "calls": int(b.metric(text, "sipref_calls_active")),
            "legs": int(b.metric(text, "sipref_legs_active")),
            "transactions": int(b.metric(text, "sipref_transactions_active"))}


def main():
    parser = argparse.ArgumentParser(prog="bench/soak")
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--rate", type=int, help="calls/s (default: half of reports/bench/cps.json's sipref maximum)")
    parser.add_argument("--lost", type=int, default=2, help="percent of packets each SIPp side drops")
    parser.add_argument("--warmup-s", type=int, default=60, help="RSS reference taken this long after the start")
    parser.add_argument("--log-level", default="warning", help="sipref's (info: one line per event)")
    args = parser.parse_args()
    rate = args.rate or ((measured_max() or 0) // 2)
    if not rate:
        raise SystemExit("bench/soak: no sipref maximum in reports/bench/cps.json; run bench/cps or pass --rate")
    calls = int(rate * args.minutes * 60)

    procs = b.Processes()
    samples, reference = [], {}
    try:
        sipref = b.start_sipref(procs, TWIML, media_ports=(10000, 59998), extra_config=EXTRA_CONFIG,
                                  log_level=args.log_level)
        lossy = ["-lost", str(args.lost), "-buff_size", str(b.SOCKET_BUFFER), "-nostdin"]
        procs.start("callee", ["sipp", "-sf", f"{b.SCENARIOS}/uas-mix.xml", "-i", b.CALLEE, "-p", "5060",
                               "-key", "refer_to", f"sip:callee@{b.CALLEE}:5060", *lossy])
        b.await_bound(b.CALLEE, 5060)
        started = time.monotonic()
        caller = procs.start("caller", [
            "sipp", f"{b.SIPREF_EDGE}:5060", "-sf", f"{b.SCENARIOS}/uac-soak.xml", "-s", "soak",
            "-key", "domain", b.DOMAIN, "-i", b.CALLER, "-p", "5060", "-m", str(calls), "-r", str(rate),
            "-l", str(rate * 20), "-timeout", f"{int(args.minutes * 60 + 120)}s",
            "-trace_stat", "-stf", procs.path("caller.csv"), "-fd", "5", *lossy])

        stop_sampling = threading.Event()

        def sample():
            while not stop_sampling.wait(5):
                g = gauges(sipref.pid)
                g["t_s"] = round(time.monotonic() - started)
                samples.append(g)
                if not reference and g["t_s"] >= args.warmup_s:
                    reference.update(g)
                b.log(f"soak t={g['t_s']}s rss={g['rss_kib']}KiB calls={g['calls']} legs={g['legs']} "
                      f"transactions={g['transactions']}")

        sampler = threading.Thread(target=sample)
        sampler.start()
        caller.wait()
        # Lingering transactions end 64*T1 = 32 s after their last message; wait for all of it.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            final = gauges(sipref.pid)
            if final["calls"] == 0 and final["legs"] == 0 and final["transactions"] == 0:
                break
            time.sleep(1)
        stop_sampling.set()
        sampler.join()
        final = gauges(sipref.pid)
        with urllib.request.urlopen(f"http://{b.WEBHOOK[0]}:{b.WEBHOOK[1]}/summary", timeout=10) as r:
            callbacks = json.load(r)
        if sipref.poll() is not None:
            raise SystemExit(f"bench/soak: sipref died; logs in {procs.work}")
    finally:
        procs.stop_all()

    csv = procs.path("caller.csv")
    sipp = {"placed": calls, "successful": int(b.sipp_stat(csv, "SuccessfulCall(C)")),
            "failed": int(b.sipp_stat(csv, "FailedCall(C)")),
            "retransmissions": int(b.sipp_stat(csv, "Retransmissions(C)")), "exit": caller.returncode}
    rss_change = (final["rss_kib"] - reference["rss_kib"]) / reference["rss_kib"] if reference else None
    verdicts = {
        "nothing left in sipref": final["calls"] == 0 and final["legs"] == 0 and final["transactions"] == 0,
        "callbacks contiguous with a terminal event": callbacks["calls"] > 0 and callbacks["not_contiguous"] == 0
                                                      and callbacks["duplicated"] == 0
                                                      and callbacks["without_terminal"] == 0,
        "RSS within 5% of warm-up": rss_change is not None and abs(rss_change) <= 0.05,
    }
    report = {"machine": b.machine(), "minutes": args.minutes, "rate": rate, "lost_percent": args.lost,
              "sipp_caller": sipp, "final": final, "rss_after_warmup": reference, "rss_change": rss_change,
              "callbacks": callbacks, "verdicts": verdicts, "samples": samples}
    path = b.write_report("soak", report)
    print(f"{args.minutes} min at {rate} calls/s, {args.lost}% loss each side: {sipp['successful']} calls succeeded, "
          f"{sipp['failed']} failed, {sipp['retransmissions']} caller retransmissions")
    print(f"sipref at the end: {final['calls']} calls, {final['legs']} legs, {final['transactions']} transactions")
    print(f"status callbacks: {callbacks['callbacks']} for {callbacks['calls']} dialled calls; "
          f"{callbacks['not_contiguous']} not contiguous, {callbacks['duplicated']} duplicated, "
          f"{callbacks['without_terminal']} without a terminal event")
    if reference:
        print(f"RSS: {reference['rss_kib']} KiB after warm-up (t={reference['t_s']} s), {final['rss_kib']} KiB "
              f"at the end ({rss_change * 100:+.1f}%)")
    for what, ok in verdicts.items():
        print(f"{'PASS' if ok else 'FAIL'}  {what}")
    print(f"(written to {path}; logs in {procs.work})")
    return 0 if all(verdicts.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
