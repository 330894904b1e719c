# bench/pdd: post-dial delay (caller's INVITE in -> callee's INVITE out, webhook fetch included) and
# webhook latency at half of sipref's measured maximum rate, from sipref's /metrics histograms.
import argparse
import json
import os
import sys

import sipbench as b
from cps import SIPREF_TWIML


def measured_max():
    path = os.path.join(b.REPORTS, "cps.json")
    try:
        with open(path) as f:
            return json.load(f)["results"]["sipref"]["max_clean_cps"]
    except (OSError, KeyError, ValueError):
        return None


def main():
    parser = argparse.ArgumentParser(prog="bench/pdd")
    parser.add_argument("--rate", type=int, help="offered calls/s (default: half of reports/bench/cps.json's "
                                                 "sipref maximum)")
    parser.add_argument("--calls", type=int, default=20000)
    args = parser.parse_args()
    rate = args.rate
    if rate is None:
        best = measured_max()
        if not best:
            raise SystemExit("bench/pdd: no sipref maximum in reports/bench/cps.json; run bench/cps or pass --rate")
        rate = best // 2

    procs = b.Processes()
    try:
        sipref = b.start_sipref(procs, SIPREF_TWIML)
        before = b.metrics_text()
        step = b.run_step(procs, b.SIPREF_EDGE, rate, args.calls, name="pdd")
        after = b.metrics_text()
        if sipref.poll() is not None:
            raise SystemExit(f"bench/pdd: sipref died; see {procs.work}")
    finally:
        procs.stop_all()
    pdd = b.histogram_quantiles(before, after, "sipref_post_dial_delay_seconds")
    webhook = b.histogram_quantiles(before, after, "sipref_webhook_seconds")
    report = {"machine": b.machine(), "offered_cps": rate, "step": step,
              "post_dial_delay_s": pdd, "webhook_s": webhook}
    path = b.write_report("pdd", report)
    ms = lambda v: "-" if v is None else f"{v * 1000:.2f}"
    print(f"{rate} calls/s offered, {step['successful']} answered, {step['failed']} failed")
    print(f"{'histogram':<18} {'count':>6} {'p50 ms':>7} {'p90 ms':>7} {'p99 ms':>7}")
    for name, h in (("post-dial delay", pdd), ("webhook fetch", webhook)):
        print(f"{name:<18} {h['count']:>6} {ms(h['p50']):>7} {ms(h['p90']):>7} {ms(h['p99']):>7}")
    print(f"(quantiles interpolated inside /metrics buckets; written to {path})")


if __name__ == "__main__":
    sys.exit(main())
