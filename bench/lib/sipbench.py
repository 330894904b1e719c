# What bench/cps, bench/pdd, bench/concurrency and bench/soak share: starting the systems under test
# (sipref, Kamailio) and SIPp, running one load step, and reading CPU time, RSS and /metrics.
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, "build", "release")
SCENARIOS = os.path.join(ROOT, "bench", "scenarios")
REPORTS = os.path.join(ROOT, "reports", "bench")

# Bench addresses: apart from the integration tests (127.0.2-10) and the reference profile (127.0.1).
NET = "127.0.30"
SIPREF_EDGE = f"{NET}.1"
KAMAILIO = f"{NET}.2"
WEBHOOK = (f"{NET}.9", 8080)
REST = (f"{NET}.9", 8081)
CALLER = f"{NET}.10"
CALLEE = f"{NET}.20"
DOMAIN = "bench.sip.twilio.local"
SOCKET_BUFFER = 4 * 1024 * 1024


def log(message):
    print(message, file=sys.stderr, flush=True)


class Processes:
    """Background processes with their output in WORK/<name>.log; all stopped on exit."""

    def __init__(self, keep=False):
        self.work = tempfile.mkdtemp(prefix="sipref-bench.")
        self.keep = keep
        self.running = {}

    def start(self, name, argv):
        out = open(os.path.join(self.work, name + ".log"), "w")
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        self.running[name] = proc
        return proc

    def path(self, name):
        return os.path.join(self.work, name)

    def await_line(self, name, pattern, seconds=10):
        deadline = time.monotonic() + seconds
        path = self.path(name + ".log")
        while time.monotonic() < deadline:
            with open(path, errors="replace") as f:
                if re.search(pattern, f.read()):
                    return
            if self.running[name].poll() is not None:
                raise SystemExit(f"bench: {name} exited ({self.running[name].returncode}); see {path}")
            time.sleep(0.05)
        raise SystemExit(f"bench: timed out waiting for /{pattern}/ in {path}")

    def stop(self, name):
        proc = self.running.pop(name, None)
        if proc and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

    def stop_all(self):
        for name in list(self.running):
            self.stop(name)


def cpu_seconds(pid):
    """User + system CPU time of a process and every live process it forked (Kamailio's workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ppid, utime, stime = int(fields[1]), int(fields[11]), int(fields[12])
        if int(entry) == pid or ppid == pid:
            total += (utime + stime) / tick
    return total


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def udp_bound(address, port):
    """Whether something has bound address:port over UDP (read from /proc, no probe packets)."""
    want = "".join(f"{int(b):02X}" for b in reversed(address.split("."))) + f":{port:04X}"
    with open("/proc/net/udp") as f:
        return any(line.split()[1] == want for line in f.readlines()[1:])


def await_bound(address, port, seconds=10, proc=None):
    deadline = time.monotonic() + seconds
    while not udp_bound(address, port):
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"bench: {proc.args[0]} exited ({proc.returncode}) before binding {address}:{port}")
        if time.monotonic() > deadline:
            raise SystemExit(f"bench: nothing bound {address}:{port} within {seconds} s")
        time.sleep(0.02)


def sipref_config(path, status_callback=False, media_ports=(20000, 29998), extra=""):
    """A sipref config for benches: one account, one domain whose voice URL is the bench webhook."""
    status = f"\n    status_callback: http://{WEBHOOK[0]}:{WEBHOOK[1]}/status" if status_callback else ""
    with open(path, "w") as f:
        f.write(f"""accounts:
  - {{ sid: AC0123456789abcdef0123456789abcdef, auth_token: bench-token, enhanced_sip: true }}
edges:
  ashburn: {{ address: {SIPREF_EDGE} }}
domains:
  - name: {DOMAIN}
    sid: SD0123456789abcdef0123456789abcdef
    account: AC0123456789abcdef0123456789abcdef
    voice_url: http://{WEBHOOK[0]}:{WEBHOOK[1]}/voice{status}
rest: {{ address: {REST[0]}, port: {REST[1]} }}
media: {{ port_min: {media_ports[0]}, port_max: {media_ports[1]} }}
{extra}""")


def start_sipref(procs, twiml, status_callback=False, media_ports=(20000, 29998), log_level="warning",
                 extra_config=""):
    """The bench webhook serving `twiml`, then sipref; returns sipref's process."""
    with open(procs.path("voice.xml"), "w") as f:
        f.write(twiml)
    procs.start("webhook", [os.path.join(BUILD, "bench", "bench_webhook"), WEBHOOK[0], str(WEBHOOK[1]),
                            procs.path("voice.xml")])
    procs.await_line("webhook", "listening")
    sipref_config(procs.path("sipref.yaml"), status_callback=status_callback, media_ports=media_ports,
                  extra=extra_config)
    proc = procs.start("sipref", [os.path.join(BUILD, "reference", "sipref"), "--config",
                                  procs.path("sipref.yaml"), "--log-level", log_level])
    await_bound(SIPREF_EDGE, 5060, proc=proc)
    return proc


def start_kamailio(procs, children=2):
    """Kamailio 5.6 as a stateful record-routing proxy in front of the bench callee."""
    with open(os.path.join(ROOT, "bench", "kamailio", "proxy.cfg")) as f:
        cfg = f.read()
    for name, value in {"ADDRESS": KAMAILIO, "PORT": "5060", "CALLEE": f"{CALLEE}:5060",
                        "CHILDREN": str(children)}.items():
        cfg = cfg.replace(f"@{name}@", value)
    with open(procs.path("kamailio.cfg"), "w") as f:
        f.write(cfg)
    # Tuned as for production load: the TLSF allocator for shared and private memory (the default
    # qm_malloc is the debugging one: it took most of Kamailio's CPU here) and 512 MiB of shared
    # memory (64 MiB ran out of transactions at a few hundred calls/s, then Kamailio answers 500).
    proc = procs.start("kamailio", ["kamailio", "-DD", "-E", "-x", "tlsf", "-X", "tlsf", "-m", "512", "-M", "16",
                                    "-f", procs.path("kamailio.cfg"),
                                    "-P", procs.path("kamailio.pid"), "-w", procs.work])
    await_bound(KAMAILIO, 5060, proc=proc)
    return proc


def metrics_text():
    with urllib.request.urlopen(f"http://{REST[0]}:{REST[1]}/metrics", timeout=5) as r:
        return r.read().decode()


def metric_values(text, name):
    """{labels-string: value} for every sample of `name` (histogram series: name_bucket etc.)."""
    values = {}
    for line in text.splitlines():
        if line.startswith(name):
            key, value = line.rsplit(" ", 1)
            values[key[len(name):]] = float(value)
    return values


def metric(text, name, labels=""):
    return metric_values(text, name).get(labels, 0.0)


def histogram_quantiles(before, after, name, quantiles=(0.5, 0.9, 0.99)):
    """Quantiles of the observations made between two /metrics scrapes, interpolated linearly
    inside a bucket like Prometheus' histogram_quantile (so only as fine as the buckets)."""
    def buckets(text):
        out = []
        for key, value in metric_values(text, name + "_bucket").items():
            bound = re.search(r'le="([^"]+)"', key).group(1)
            out.append((float("inf") if bound == "+Inf" else float(bound), value))
        return sorted(out)
    b0, b1 = dict(buckets(before)), buckets(after)
    cumulative = [(bound, count - b0.get(bound, 0.0)) for bound, count in b1]
    total = cumulative[-1][1] if cumulative else 0
    result = {"count": int(total)}
    for q in quantiles:
        rank, lower, below = q * total, 0.0, 0.0
        value = None
        for bound, count in cumulative:
            if count >= rank and total > 0:
                if bound == float("inf"):
                    value = lower
                else:
                    inside = count - below
                    value = lower + (bound - lower) * ((rank - below) / inside if inside else 1.0)
                break
            lower, below = bound, count
        result[f"p{round(q * 100)}"] = value
    return result


def sipp_stat(path, column):
    """A cumulative column of SIPp's statistics file (-trace_stat): its last row is the final one."""
    with open(path) as f:
        rows = [line.rstrip("\n").split(";") for line in f if line.strip()]
    header, last = rows[0], rows[-1]
    value = last[header.index(column)]
    return float(value) if re.fullmatch(r"[0-9.]+", value) else value


def run_step(procs, target, rate, calls, hold_ms=0, name="step", lost=0, caller_scenario="uac.xml",
             callee_scenarios=(("uas.xml", CALLEE),), limit=None, callee_keys=()):
    """One load step: SIPp callee(s), then a SIPp caller placing `calls` calls at `rate` per second to
    `target` (address of the system under test). Returns what both SIPp sides counted."""
    common = ["-nostdin", "-buff_size", str(SOCKET_BUFFER), "-trace_stat", "-fd", "1"]
    lossy = ["-lost", str(lost)] if lost else []
    callees = []
    for i, (scenario, address) in enumerate(callee_scenarios):
        callee_name = f"{name}-callee{i}"
        # One callee takes every call and exits after the last (SIPp writes its final statistics
        # then); several share the calls, so they run until stopped.
        count = ["-m", str(calls)] if len(callee_scenarios) == 1 else []
        procs.start(callee_name, ["sipp", "-sf", os.path.join(SCENARIOS, scenario), "-i", address,
                                  "-p", "5060", "-stf", procs.path(callee_name + ".csv"), *count, *common,
                                  *lossy, *[arg for key, value in callee_keys for arg in ("-key", key, value)]])
        callees.append(callee_name)
        await_bound(address, 5060)
    seconds = calls / rate
    caller_name = f"{name}-caller"
    started = time.monotonic()
    caller = procs.start(caller_name, [
        "sipp", f"{target}:5060", "-sf", os.path.join(SCENARIOS, caller_scenario), "-s", "bench",
        "-key", "domain", DOMAIN, "-i", CALLER, "-p", "5060", "-m", str(calls), "-r", str(rate),
        "-rp", "1000", "-d", str(hold_ms), "-l", str(limit or max(1000, int(rate * (hold_ms / 1000 + 4)))),
        "-timeout", f"{int(seconds + hold_ms / 1000 + 60)}s", "-timeout_error",
        "-stf", procs.path(caller_name + ".csv"), *common, *lossy,
        "-trace_err", "-error_file", procs.path(caller_name + "-errors.log")])
    caller.wait()
    elapsed = time.monotonic() - started
    for callee_name in callees:
        proc = procs.running[callee_name]
        try:
            proc.wait(40 if len(callees) == 1 else 0.1)  # the last BYE's 200 may still be on its way
        except subprocess.TimeoutExpired:
            pass
        procs.stop(callee_name)
    csv = procs.path(caller_name + ".csv")
    result = {
        "offered_cps": rate, "calls": calls, "exit": caller.returncode, "elapsed_s": round(elapsed, 2),
        "successful": int(sipp_stat(csv, "SuccessfulCall(C)")), "failed": int(sipp_stat(csv, "FailedCall(C)")),
        "caller_retransmissions": int(sipp_stat(csv, "Retransmissions(C)")),
        "callee_retransmissions": sum(int(sipp_stat(procs.path(c + ".csv"), "Retransmissions(C)"))
                                      for c in callees),
        "callee_failed": sum(int(sipp_stat(procs.path(c + ".csv"), "FailedCall(C)")) for c in callees),
    }
    result["achieved_cps"] = round(result["successful"] / max(elapsed - hold_ms / 1000, 0.001), 1)
    return result


def await_sipref_idle(seconds=60):
    """Waits until sipref holds no call and no leg (a BYE nobody answers ends after 64*T1 = 32 s);
    returns how long that took, or None when it did not happen in time."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        text = metrics_text()
        if metric(text, "sipref_calls_active") == 0 and metric(text, "sipref_legs_active") == 0:
            return round(time.monotonic() - started, 1)
        time.sleep(0.2)
    return None


def write_report(name, report):
    os.makedirs(REPORTS, exist_ok=True)
    path = os.path.join(REPORTS, name + ".json")
    with open(path, "w") as f:
        json.dump(report, f, indent=2)
    return path


def machine():
    with open("/proc/cpuinfo") as f:
        model = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "?")
    return {"cores": os.cpu_count(), "cpu": model, "kernel": os.uname().release,
            "load_average_at_start": os.getloadavg()}
