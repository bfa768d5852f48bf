"""The five measurements. Each runs `rounds` rounds; a round visits every target once, in an
order rotated by one per round, so slow drifts of the shared machine hit every target alike.
Every measurement records the target's CPU (its whole process tree), the load generator's, and
everybody else's (/proc/stat minus both): the noise from other tenants of the machine."""
import json
import re
import subprocess
import time

from .env import log
from .procfs import Sample, tree_pss_kib

SIGALGS = {"ecdsa": "ECDSA+SHA256", "rsa": "rsa_pss_rsae_sha256:rsa_pkcs1_sha256"}


def rotate(items, round_index):
    if not items:
        return items
    k = round_index % len(items)
    return items[k:] + items[:k]


def measured(target, argv, **kwargs):
    """Runs a load generator to completion; returns (completed process, CPU deltas)."""
    fixtures = target.run.fixture_pids
    before = Sample(target.process.pid, fixtures)
    done = subprocess.run(argv, capture_output=True, text=True, **kwargs)
    after = Sample(target.process.pid, fixtures)
    if target.process.poll() is not None:
        raise RuntimeError(f"{target.label} exited during a measurement; see {target.log_path}")
    return done, after.delta(before)


# ---- 1. keep-alive small requests --------------------------------------------------------

def _wrk_ms(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def parse_wrk(output):
    result = {"requests": int(re.search(r"(\d+) requests in", output).group(1)),
              "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}
    for pct in ("50", "99"):
        m = re.search(rf"^\s+{pct}%\s+(\S+)", output, re.M)
        result[f"p{pct}_ms"] = _wrk_ms(m.group(1)) if m else None
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    result["socket_errors"] = sum(int(x) for x in errors.groups()) if errors else 0
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    result["non_2xx"] = int(non2xx.group(1)) if non2xx else 0
    return result


def keepalive(run, targets):
    def wrk(target, seconds):
        url = f"https://127.0.0.1:{target.port}/small"
        return measured(target, ["wrk", "-t1", f"-c{run.connections}", f"-d{seconds}s", "--latency", url],
                        timeout=seconds + 60)

    for target in targets:
        wrk(target, run.warmup)  # first connections, buffer pools, upstream keep-alive pools
    rows = []
    for r in range(run.rounds):
        for target in rotate(targets, r):
            done, cpu = wrk(target, run.duration)
            if done.returncode != 0:
                raise RuntimeError(f"wrk failed against {target.label}: {done.stderr}")
            row = {"target": target.id, "round": r + 1, **parse_wrk(done.stdout), **cpu}
            row["cpu_us_per_request"] = row["target_cpu_s"] * 1e6 / max(1, row["requests"])
            rows.append(row)
            log(f"keep-alive  round {r + 1} {target.label:15} {row['rps']:9.0f} req/s  "
                f"{row['cpu_us_per_request']:6.1f} µs/req  others {row['others_cores']:.2f} cores")
    return rows


# ---- 2. full handshakes --------------------------------------------------------------------

def handshakes(run, targets, key):
    rows = []
    for r in range(run.rounds):
        for target in rotate(targets, r):
            argv = [run.tool_path, "handshake", "-a", f"127.0.0.1:{target.port}", "-s", SIGALGS[key],
                    "-C", run.pki.ca, "-c", str(run.hs_concurrency), "-d", str(run.hs_duration)]
            if run.hs_request:
                argv += ["-r", "-p", "/small"]
            done, cpu = measured(target, argv, timeout=run.hs_duration + 60)
            result = json.loads(done.stdout)
            row = {"target": target.id, "key": key, "round": r + 1, **result, **cpu}
            row["cpu_us_per_handshake"] = row["target_cpu_s"] * 1e6 / max(1, result["ok"])
            row["handshakes_per_s"] = result["ok"] / max(1e-9, result["elapsed_s"])
            row["stapled_pct"] = 100.0 * result["staple_good"] / max(1, result["ok"])
            rows.append(row)
            log(f"handshake {key:5} round {r + 1} {target.label:15} {result['ok']:6} ok "
                f"{row['cpu_us_per_handshake']:7.1f} µs/hs  resumed {result['resumed']}  "
                f"stapled {row['stapled_pct']:.0f}%  failed {result['failed']}  "
                f"others {row['others_cores']:.2f} cores")
    return rows


# ---- 3. bulk ----------------------------------------------------------------------------------

def bulk(run, targets):
    rows = []
    for r in range(run.rounds):
        for target in rotate(targets, r):
            argv = ["curl", "-sS", "-o", "/dev/null", "--cacert", run.pki.ca, "--resolve",
                    f"localhost:{target.port}:127.0.0.1", f"https://localhost:{target.port}/big",
                    "-w", "%{http_code} %{size_download} %{time_total}"]
            done, cpu = measured(target, argv, timeout=600)
            code, size, seconds = done.stdout.split()
            size, seconds = int(size), float(seconds)
            if code != "200" or size != run.big_bytes:
                raise RuntimeError(f"bulk download from {target.label}: HTTP {code}, {size} bytes; {done.stderr}")
            row = {"target": target.id, "round": r + 1, "bytes": size, "seconds": seconds, **cpu}
            row["mb_per_s"] = size / seconds / 1e6
            row["cpu_s_per_gb"] = row["target_cpu_s"] / (size / 1e9)
            rows.append(row)
            log(f"bulk        round {r + 1} {target.label:15} {row['mb_per_s']:7.0f} MB/s  "
                f"{row['cpu_s_per_gb']:5.2f} CPU s/GB  others {row['others_cores']:.2f} cores")
    return rows


# ---- 4. memory per idle connection ---------------------------------------------------------

def memory(run, targets):
    rows = []
    for r in range(run.rounds):
        for target in rotate(targets, r):
            target.start()  # fresh process (reused allocations would hide growth)
            try:
                time.sleep(0.5)
                before = tree_pss_kib(target.process.pid)
                hold = subprocess.Popen(
                    [run.tool_path, "hold", "-a", f"127.0.0.1:{target.port}", "-N", str(run.idle_connections),
                     "-c", "8", "-p", "/small"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
                try:
                    result = json.loads(hold.stdout.readline())
                    time.sleep(1.0)  # let the server finish its side (tickets, upstream replies)
                    after = tree_pss_kib(target.process.pid)
                    alive = target.process.poll() is None
                finally:
                    hold.stdin.close()
                    hold.wait(30)
                if not alive:
                    raise RuntimeError(f"{target.label} exited while holding connections; see {target.log_path}")
            finally:
                target.stop()
            held = result["held"]
            row = {"target": target.id, "round": r + 1, "held": held, "pss_before_kib": before,
                   "pss_after_kib": after, "failed": result["failed"] + result["request_failures"],
                   "first_error": result["first_error"]}
            row["kib_per_connection"] = (after - before) / max(1, held)
            rows.append(row)
            log(f"memory      round {r + 1} {target.label:15} {held:5} held  "
                f"{before / 1024:6.1f} -> {after / 1024:6.1f} MiB  {row['kib_per_connection']:5.1f} KiB/conn")
    return rows


# ---- 5. start-up -------------------------------------------------------------------------------

def startup(run, targets):
    rows = []
    for r in range(run.rounds):
        for target in rotate(targets, r):
            target.reset_cache()  # cold: no response persisted by a previous process
            probe = subprocess.Popen([run.tool_path, "probe", "-a", f"127.0.0.1:{target.port}", "-C", run.pki.ca,
                                      "-t", "30", "-i", "1"], stdout=subprocess.PIPE, text=True)
            time.sleep(0.05)  # the probe is knocking before the exec
            exec_ns = time.monotonic_ns()
            target.start(wait=False)
            try:
                output, _ = probe.communicate(timeout=40)
            finally:
                target.stop()
            result = json.loads(output)
            first = result["first_handshake_ns"]
            stapled = result["first_stapled_ns"]
            row = {"target": target.id, "round": r + 1,
                   "first_handshake_ms": (first - exec_ns) / 1e6 if first >= 0 else None,
                   "first_stapled": result["first_stapled"],
                   "first_stapled_ms": (stapled - exec_ns) / 1e6 if stapled >= 0 else None,
                   "handshakes_until_stapled": result["ok"]}
            rows.append(row)
            log(f"start-up    round {r + 1} {target.label:15} first handshake "
                f"{row['first_handshake_ms'] or -1:7.1f} ms (stapled: {row['first_stapled']}), "
                f"first stapled {row['first_stapled_ms'] or -1:7.1f} ms after {result['ok']} handshakes")
    return rows
