# bench/concurrency: sipref's resident memory with N bridged calls held at once (no RTP flowing):
# RSS idle, with every call up, and after they all ended; the difference per call.
import argparse
import resource
import sys
import threading
import time

import sipbench as b
from cps import SIPREF_TWIML


def main():
    parser = argparse.ArgumentParser(prog="bench/concurrency")
    parser.add_argument("--calls", type=int, default=10000)
    parser.add_argument("--rate", type=int, default=400, help="calls/s while ramping up")
    args = parser.parse_args()
    # Each anchored call holds four relay sockets (RTP + RTCP per leg). Where the hard limit on open
    # files cannot be raised (a container), hold as many calls as it allows and say so.
    fd_limit = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    affordable = (fd_limit - 1000) // 4
    capped_by_fd_limit = args.calls > affordable
    if capped_by_fd_limit:
        b.log(f"bench/concurrency: {fd_limit} open files allowed (ulimit -Hn): holding {affordable} calls, "
              f"not {args.calls}")
        args.calls = affordable
    ramp_s = args.calls / args.rate
    hold_ms = int((ramp_s + 20) * 1000)  # the first call is still up when the last one is answered

    procs = b.Processes()
    try:
        # Two relay sockets per leg, two legs per call: a port range for 12,500 calls.
        sipref = b.start_sipref(procs, SIPREF_TWIML, media_ports=(10000, 59998))
        rss_idle = b.rss_kib(sipref.pid)
        peak = {}

        def watch():
            deadline = time.monotonic() + ramp_s + 60
            while time.monotonic() < deadline and sipref.poll() is None:
                text = b.metrics_text()
                if b.metric(text, "sipref_calls_active") >= args.calls and \
                        b.metric(text, "sipref_legs_active") >= 2 * args.calls:
                    peak.update(rss_kib=b.rss_kib(sipref.pid), calls=b.metric(text, "sipref_calls_active"),
                                legs=b.metric(text, "sipref_legs_active"), at_s=round(time.monotonic() - t0, 1))
                    return
                time.sleep(0.5)

        t0 = time.monotonic()
        watcher = threading.Thread(target=watch)
        watcher.start()
        step = b.run_step(procs, b.SIPREF_EDGE, args.rate, args.calls, hold_ms=hold_ms, name="hold",
                          limit=args.calls + 100)
        watcher.join()
        text = b.metrics_text()
        rss_after = b.rss_kib(sipref.pid)
        left = b.metric(text, "sipref_calls_active")
    finally:
        procs.stop_all()
    if not peak:
        raise SystemExit(f"bench/concurrency: never saw {args.calls} calls up at once "
                         f"(SIPp: {step['successful']} answered, {step['failed']} failed); logs in {procs.work}")
    per_call = (peak["rss_kib"] - rss_idle) * 1024 / args.calls
    report = {"machine": b.machine(), "calls": args.calls, "open_files_limit": fd_limit,
              "capped_by_open_files_limit": capped_by_fd_limit, "rss_idle_kib": rss_idle, "peak": peak,
              "rss_after_all_ended_kib": rss_after, "calls_left": left, "bytes_per_call": round(per_call),
              "step": step}
    path = b.write_report("concurrency", report)
    print(f"{'calls held':>10} {'RSS idle KiB':>12} {'RSS held KiB':>12} {'RSS after KiB':>13} {'per call':>10}")
    print(f"{args.calls:>10} {rss_idle:>12} {peak['rss_kib']:>12} {rss_after:>13} {per_call / 1024:>8.1f} KiB")
    print(f"({step['successful']} answered, {step['failed']} failed, {int(left)} left active; written to {path})")
    if capped_by_fd_limit:
        print(f"(capped at {args.calls} calls by the open-files limit {fd_limit}: 4 relay sockets per call)")


if __name__ == "__main__":
    sys.exit(main())
