"""The shared fixtures of a run: ports, processes, the test PKI, the OCSP responder and the
plaintext backend, and the versions of everything for the report."""
import os
import platform
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BENCH = os.path.join(ROOT, "bench")


def log(message):
    print(f"bench: {message}", file=sys.stderr, flush=True)


def port_is_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


class Ports:
    """Hands out free loopback ports from a base (kept outside 8000-9999)."""

    def __init__(self, base):
        self.next = base

    def take(self):
        while not port_is_free(self.next):
            self.next += 1
        port = self.next
        self.next += 1
        return port


def wait_for_port(port, timeout=15.0, process=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return False
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.settimeout(0.2)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.01)
    return False


class Processes:
    """Every long-running process the harness starts, so it can stop exactly those."""

    def __init__(self):
        self.running = []

    def start(self, argv, log_path, **kwargs):
        logfile = open(log_path, "ab")
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=logfile, stderr=subprocess.STDOUT,
                                   start_new_session=True, **kwargs)
        logfile.close()
        self.running.append(process)
        return process

    def stop(self, process, grace=5.0):
        """SIGTERM the process, SIGKILL its process group (which it leads) after `grace`."""
        if process.poll() is None:
            try:
                process.send_signal(signal.SIGTERM)
                process.wait(grace)
            except subprocess.TimeoutExpired:
                pass
            except ProcessLookupError:
                pass
        try:
            os.killpg(process.pid, signal.SIGKILL)  # its own group: leftover workers/helpers
        except (ProcessLookupError, PermissionError):
            pass
        try:
            process.wait(2)
        except subprocess.TimeoutExpired:
            pass
        if process in self.running:
            self.running.remove(process)

    def stop_all(self):
        for process in reversed(list(self.running)):
            self.stop(process, grace=3.0)


def run(argv, **kwargs):
    return subprocess.run(argv, check=True, capture_output=True, text=True, **kwargs)


class PKI:
    """Root and intermediate (ECDSA), ECDSA P-256 and RSA-2048 leaves for localhost and
    127.0.0.1 whose AIA names the local responder, a delegated OCSP signer, and every file
    layout the terminators want."""

    def __init__(self, directory, ocsp_url):
        self.dir = directory
        self.ocsp_url = ocsp_url
        run([os.path.join(ROOT, "scripts", "make-demo-pki.sh"), directory, ocsp_url])
        d = directory
        self.ca = f"{d}/ca.pem"
        self.intermediate = f"{d}/intermediate.pem"
        # The trust anchor plus the intermediate: what nginx needs to verify the staple.
        self.trusted = f"{d}/trusted.pem"
        with open(self.trusted, "w") as out:
            out.write(open(self.ca).read() + open(self.intermediate).read())
        # The demo script's ECDSA leaf, and an RSA-2048 leaf issued the same way.
        os.rename(f"{d}/localhost.pem", f"{d}/ecdsa.pem")
        os.rename(f"{d}/localhost.key", f"{d}/ecdsa.key")
        run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", f"{d}/rsa.key"])
        run(["openssl", "req", "-new", "-key", f"{d}/rsa.key", "-subj", "/CN=localhost", "-out", f"{d}/rsa.csr"])
        run(["openssl", "ca", "-batch", "-config", f"{d}/ca.cnf", "-extfile", f"{d}/ca.cnf", "-extensions", "leaf",
             "-days", "90", "-notext", "-in", f"{d}/rsa.csr", "-out", f"{d}/rsa.pem"])
        os.chmod(f"{d}/rsa.key", 0o600)
        for key in ("ecdsa", "rsa"):
            leaf, keyfile = f"{d}/{key}.pem", f"{d}/{key}.key"
            # stapled and nginx: chain file (leaf, intermediate) + key file.
            with open(f"{d}/{key}-chain.pem", "w") as out:
                out.write(open(leaf).read() + open(self.intermediate).read())
            # hitch and HAProxy: one PEM with the chain and the key.
            with open(f"{d}/{key}-combined.pem", "w") as out:
                out.write(open(leaf).read() + open(self.intermediate).read() + open(keyfile).read())
            os.chmod(f"{d}/{key}-combined.pem", 0o644)  # hitch reads it as root; tidy anyway

    def leaf(self, key):
        return f"{self.dir}/{key}.pem"

    def key(self, key):
        return f"{self.dir}/{key}.key"

    def chain(self, key):
        return f"{self.dir}/{key}-chain.pem"

    def combined(self, key):
        return f"{self.dir}/{key}-combined.pem"

    def fetch_response(self, key, out_path):
        """What HAProxy 2.6 operators do (no ocsp-update before 2.8): fetch the response with
        the openssl CLI and drop it next to the certificate as CERT.ocsp."""
        run(["openssl", "ocsp", "-issuer", self.intermediate, "-cert", self.leaf(key), "-url", self.ocsp_url,
             "-no_nonce", "-respout", out_path, "-CAfile", self.ca, "-VAfile", f"{self.dir}/ocsp-responder.pem"])


def start_responder(processes, pki_dir, port, log_path):
    process = processes.start([sys.executable, os.path.join(BENCH, "ocsp-responder.py"), "--port", str(port),
                               "--pki", pki_dir], log_path)
    if not wait_for_port(port, 10, process):
        raise SystemExit(f"bench: the OCSP responder did not start; see {log_path}")
    return process


BACKEND_CONF = """\
# The plaintext backend every terminator relays to: a 100-byte page and a 1 GiB file.
daemon off;
master_process on;
user root;
worker_processes 1;
worker_rlimit_nofile 20000;
pid {work}/backend.pid;
error_log {work}/logs/backend-error.log warn;
events {{ worker_connections 16000; }}
http {{
    access_log off;
    client_body_temp_path {work}/tmp/body;
    proxy_temp_path {work}/tmp/proxy;
    fastcgi_temp_path {work}/tmp/fastcgi;
    uwsgi_temp_path {work}/tmp/uwsgi;
    scgi_temp_path {work}/tmp/scgi;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 600s;
    keepalive_requests 100000000;
    server {{
        listen 127.0.0.1:{port} backlog=4096;
        root {work}/www;
        location = /small {{ default_type text/html; try_files /small.html =404; }}
        location = /big {{ try_files /big.bin =404; }}
    }}
}}
"""


def start_backend(processes, work, port, big_bytes):
    os.makedirs(f"{work}/www", exist_ok=True)
    os.makedirs(f"{work}/tmp", exist_ok=True)
    with open(f"{work}/www/small.html", "w") as f:
        head, tail = "<html><body>", "</body></html>\n"
        f.write(head + "x" * (100 - len(head) - len(tail)) + tail)
    assert os.path.getsize(f"{work}/www/small.html") == 100
    # Sparse: served from the page cache's zero page, no disk involved, no disk space used.
    with open(f"{work}/www/big.bin", "wb") as f:
        f.truncate(big_bytes)
    conf = f"{work}/backend.conf"
    with open(conf, "w") as f:
        f.write(BACKEND_CONF.format(work=work, port=port))
    process = processes.start(["nginx", "-p", work, "-c", conf], f"{work}/logs/backend.log")
    if not wait_for_port(port, 10, process):
        raise SystemExit(f"bench: the backend did not start; see {work}/logs/")
    return process


def first_line(argv):
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=20)
        text = (result.stdout + result.stderr).strip().splitlines()
        return text[0].strip() if text else "?"
    except (OSError, subprocess.TimeoutExpired):
        return "not found"


def repository_state():
    """The commit of the working tree, and whether Sources or Package.swift differ from it."""
    commit = first_line(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--", "Sources", "Package.swift"],
                           capture_output=True, text=True).stdout.strip()
    return commit + (" with Sources modified" if dirty else "")


def machine_and_versions(stapled_bin):
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kib = int(f.readline().split()[1])
    os_name = "?"
    if os.path.exists("/etc/os-release"):
        for line in open("/etc/os-release"):
            if line.startswith("PRETTY_NAME="):
                os_name = line.split("=", 1)[1].strip().strip('"')
    # run.sh sets STAPLED_COMMIT when it builds the binary; a binary given as STAPLED_BIN is
    # described by its path (the repository may have moved on since it was built).
    built_from = os.environ.get("STAPLED_COMMIT")
    if built_from:
        origin = f"built from {built_from}"
    else:
        origin = f"binary {os.path.relpath(stapled_bin, ROOT)}, repository at " + repository_state()
    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "os": os_name,
        "kernel": platform.release(),
        "stapled": f"{first_line([stapled_bin, '--version'])} ({origin})",
        "swift": first_line(["swift", "--version"]),
        "openssl": first_line(["openssl", "version"]),
        "hitch": first_line(["hitch", "--version"]),
        "haproxy": first_line(["haproxy", "-v"]),
        "nginx": first_line(["nginx", "-v"]),
        "wrk": first_line(["wrk", "-v"]),
        "curl": first_line(["curl", "--version"]),
        "nofile_limit": " / ".join(str(v) for v in resource.getrlimit(resource.RLIMIT_NOFILE)),
    }


def have(tool):
    return shutil.which(tool) is not None
