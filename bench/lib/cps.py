# bench/cps: the highest call rate each system under test carries cleanly (0 failed calls, 0
# retransmissions anywhere, the offered rate achieved), Kamailio's stateful proxy and sipref.
import argparse
import json
import sys

import sipbench as b

SIPREF_TWIML = f"<Response><Dial><Sip>sip:callee@{b.CALLEE}:5060</Sip></Dial></Response>"


def clean(step):
    return (step["exit"] == 0 and step["failed"] == 0 and step["callee_failed"] == 0
            and step["successful"] == step["calls"]
            and step["caller_retransmissions"] == 0 and step["callee_retransmissions"] == 0
            and step.get("sut_retransmissions", 0) == 0 and step["achieved_cps"] >= 0.95 * step["offered_cps"])


class System:
    """One system under test, started once for all its steps."""

    def __init__(self, name, procs):
        self.name, self.procs = name, procs
        if name == "kamailio":
            self.proc, self.target = b.start_kamailio(procs), b.KAMAILIO
        else:
            self.proc, self.target = b.start_sipref(procs, SIPREF_TWIML), b.SIPREF_EDGE

    def step(self, rate, calls, hold_ms, index):
        # An overloaded step leaves legs whose BYE nobody answers (the callee gave up on its 200);
        # they end with the transaction timeout, and the next step starts from an idle sipref.
        settled_s = b.await_sipref_idle() if self.name == "sipref" else 0
        cpu0 = b.cpu_seconds(self.proc.pid)
        sut_retrans0 = self.retransmissions()
        step = b.run_step(self.procs, self.target, rate, calls, hold_ms, name=f"{self.name}-{index}")
        step["sut_cpu_s"] = round(b.cpu_seconds(self.proc.pid) - cpu0, 2)
        step["sut_cpu_us_per_call"] = round(step["sut_cpu_s"] * 1e6 / max(step["successful"], 1), 1)
        step["sut_retransmissions"] = self.retransmissions() - sut_retrans0
        step["settled_before_s"] = settled_s
        step["clean"] = clean(step)
        if self.proc.poll() is not None:
            raise SystemExit(f"bench: {self.name} died during the step at {rate} cps; see {self.procs.work}")
        return step

    def retransmissions(self):
        # Kamailio's tm keeps no counter; its retransmissions show as SIPp retransmissions or
        # duplicates, which fail the step anyway. sipref counts its own on /metrics.
        if self.name != "sipref":
            return 0
        return int(b.metric(b.metrics_text(), "sipref_sip_retransmissions_total"))


def search(system, args):
    """Doubles the rate from --start while clean, then bisects to --resolution."""
    steps, good, bad, rate = [], None, None, args.start
    while rate <= args.max:
        step = system.step(rate, args.calls, args.hold_ms, len(steps))
        steps.append(step)
        b.log(f"{system.name:>8} {rate:>6} cps: {'clean' if step['clean'] else 'NOT clean'} "
              f"(achieved {step['achieved_cps']}, failed {step['failed']}/{step['callee_failed']}, retrans "
              f"{step['caller_retransmissions']}/{step['callee_retransmissions']}/{step['sut_retransmissions']}, "
              f"cpu {step['sut_cpu_us_per_call']} us/call)")
        if step["clean"]:
            good = rate
            if bad is None:
                rate *= 2
                continue
        else:
            bad = rate
        if good is None:
            rate //= 2  # not clean even at the start: go down
            if rate < 10:
                break
            continue
        if bad - good <= max(good * args.resolution, 10):
            break
        rate = (good + bad) // 2
    return good, steps


def main():
    parser = argparse.ArgumentParser(prog="bench/cps", description=__doc__)
    parser.add_argument("--calls", type=int, default=20000, help="calls per step (default 20000)")
    parser.add_argument("--start", type=int, default=250, help="first offered rate, calls/s")
    parser.add_argument("--max", type=int, default=8000, help="highest rate tried")
    parser.add_argument("--resolution", type=float, default=0.1, help="stop bisecting within this fraction")
    parser.add_argument("--hold-ms", type=int, default=0, help="time between ACK and BYE")
    parser.add_argument("--only", choices=["kamailio", "sipref"], help="measure one system")
    parser.add_argument("--keep", action="store_true", help="keep the logs folder")
    args = parser.parse_args()

    results = {}
    for name in ["kamailio", "sipref"] if not args.only else [args.only]:
        procs = b.Processes()
        try:
            system = System(name, procs)
            best, steps = search(system, args)
            best_step = next((s for s in steps if s["offered_cps"] == best), None)
            results[name] = {"max_clean_cps": best, "steps": steps,
                             "cpu_us_per_call_at_max": best_step and best_step["sut_cpu_us_per_call"]}
        finally:
            procs.stop_all()
            b.log(f"{name}: logs in {procs.work}")

    report = {"machine": b.machine(), "calls_per_step": args.calls, "hold_ms": args.hold_ms, "results": results}
    if "kamailio" in results and "sipref" in results and results["kamailio"]["max_clean_cps"]:
        report["ratio_sipref_to_kamailio"] = round(
            (results["sipref"]["max_clean_cps"] or 0) / results["kamailio"]["max_clean_cps"], 2)
    path = b.write_report("cps", report)
    print(f"{'system':<10} {'max clean cps':>13} {'CPU us/call':>12}  steps")
    for name, r in results.items():
        trail = ", ".join(f"{s['offered_cps']}{'' if s['clean'] else '✗'}" for s in r["steps"])
        print(f"{name:<10} {str(r['max_clean_cps']):>13} {str(r['cpu_us_per_call_at_max']):>12}  {trail}")
    if "ratio_sipref_to_kamailio" in report:
        print(f"sipref / kamailio: {report['ratio_sipref_to_kamailio']}")
    print(f"({args.calls} calls per step; written to {path})")


if __name__ == "__main__":
    sys.exit(main())
