"""The TLS terminators under test, each configured the same way: 2 workers (processes or
threads), one certificate (ECDSA P-256 or RSA-2048, the same files), OCSP stapling on, TLS 1.2
and 1.3 with the same AES-128-GCM cipher suites and X25519 first, relaying to the same backend."""
import json
import os
import re
import shutil
import subprocess

from .env import Processes, log, wait_for_port

CIPHERS = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256"
SUITES = "TLS_AES_128_GCM_SHA256"


class Target:
    software = "?"
    mode = "tcp"

    def __init__(self, run, key="ecdsa", port=None):
        self.run = run
        self.key = key
        self.port = port if port is not None else run.ports.take()
        self.process = None
        self.dir = os.path.join(run.work, "targets", f"{self.id}-{key}")
        os.makedirs(self.dir, exist_ok=True)
        self.unavailable = None  # a reason when this target cannot run here
        self.handshake_check = None

    @property
    def id(self):
        """stapled-tcp, hitch, haproxy-tcp, stapled-http, nginx, haproxy-http."""
        return self.software if self.software in ("hitch", "nginx") else f"{self.software}-{self.mode}"

    @property
    def label(self):
        names = {"stapled": "stapled", "hitch": "hitch", "haproxy": "HAProxy", "nginx": "nginx"}
        return f"{names[self.software]} ({self.mode})"

    @property
    def is_stapled(self):
        return self.software == "stapled"

    @property
    def log_path(self):
        return os.path.join(self.run.work, "logs", f"{self.id}-{self.key}.log")

    @property
    def cache_dir(self):
        return os.path.join(self.dir, "cache")

    def reset_cache(self):
        """A cold start: no OCSP response persisted by an earlier process."""
        shutil.rmtree(self.cache_dir, ignore_errors=True)
        os.makedirs(self.cache_dir)

    def argv(self):
        raise NotImplementedError

    def start(self, wait=True):
        """Starts a fresh process; with `wait`, returns once it serves a stapled handshake."""
        self.process = self.run.processes.start(self.argv(), self.log_path)
        if not wait:
            return self.process
        if not wait_for_port(self.port, 20, self.process):
            raise RuntimeError(f"{self.label} did not start listening; see {self.log_path}")
        probe = self.run.tool("probe", "-a", f"127.0.0.1:{self.port}", "-C", self.run.pki.ca, "-t", "20", "-i", "5")
        if not probe.get("first_stapled_ns", -1) >= 0:
            raise RuntimeError(f"{self.label} never stapled within 20 s: {probe}; see {self.log_path}")
        # Lazy per-worker fetchers (nginx) staple only once each worker saw a handshake.
        self.run.tool("handshake", "-a", f"127.0.0.1:{self.port}", "-N", "24", "-c", "4")
        self.handshake_check = self.run.tool("handshake", "-a", f"127.0.0.1:{self.port}", "-C", self.run.pki.ca,
                                             "-N", "8", "-c", "2", "-r", "-p", "/small")
        return self.process

    def stop(self):
        if self.process is not None:
            self.run.processes.stop(self.process)
            self.process = None

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path


class Stapled(Target):
    software = "stapled"

    def __init__(self, run, mode, key="ecdsa", port=None):
        self.mode = mode
        super().__init__(run, key, port)
        self.reset_cache()
        # mode http: keep idle upstream connections for reuse, as nginx's `keepalive 128` (with
        # the default `keepalive 0` stapled opens an upstream connection per request).
        keepalive = "\n    keepalive 128;" if mode == "http" else ""
        self.conf = self.write("stapled.conf", f"""\
workers 2;
log_level warning;
shutdown_timeout 0;
stapling {{
    cache_dir {self.cache_dir};
}}
upstream app {{
    server 127.0.0.1:{run.backend_port};{keepalive}
}}
frontend bench {{
    listen 127.0.0.1:{self.port};
    mode {mode};
    upstream app;
    certificate {run.pki.chain(key)} {run.pki.key(key)};
    protocols TLSv1.2 TLSv1.3;
    ciphers {CIPHERS};
    ciphersuites {SUITES};
    curves X25519:prime256v1;
}}
""")
        check = subprocess.run([run.stapled_bin, "-t", "-c", self.conf], capture_output=True, text=True)
        if check.returncode != 0:
            # The first line is the error: "stapled: FILE:LINE:COL: mode http is not implemented yet; ...".
            lines = (check.stderr + check.stdout).strip().splitlines()
            reason = re.sub(r"^.*?:\d+:\d+: ", "", lines[0]) if lines else f"stapled -t exited {check.returncode}"
            self.unavailable = f"`stapled -t` rejects mode {mode}: {reason}"

    def argv(self):
        return [self.run.stapled_bin, "-c", self.conf]


class Hitch(Target):
    software = "hitch"
    mode = "tcp"

    def __init__(self, run, key="ecdsa", port=None):
        super().__init__(run, key, port)
        self.reset_cache()
        self.conf = self.write("hitch.conf", f"""\
frontend = "[127.0.0.1]:{self.port}"
backend = "[127.0.0.1]:{run.backend_port}"
workers = 2
backlog = 4096
pem-file = "{run.pki.combined(key)}"
ocsp-dir = "{self.cache_dir}"
ocsp-verify-staple = off
tls-protos = TLSv1.2 TLSv1.3
ciphers = "{CIPHERS}"
ciphersuites = "{SUITES}"
ecdh-curve = "X25519:prime256v1"
daemon = off
# Started as root, hitch insists on dropping privileges (Debian's package creates _hitch).
user = "_hitch"
group = "_hitch"
log-level = 1
""")

    def reset_cache(self):
        super().reset_cache()
        shutil.chown(self.cache_dir, "_hitch", "_hitch")  # hitch writes its fetched responses here

    def argv(self):
        return ["hitch", f"--config={self.conf}"]


class HAProxy(Target):
    software = "haproxy"

    def __init__(self, run, mode, key="ecdsa", port=None):
        self.mode = mode
        super().__init__(run, key, port)
        self.reset_cache()
        http = "    timeout http-keep-alive 60s\n" if mode == "http" else ""
        self.conf = self.write("haproxy.cfg", f"""\
global
    nbthread 2
    maxconn 9000
    ssl-default-bind-ciphers {CIPHERS}
    ssl-default-bind-ciphersuites {SUITES}
    ssl-default-bind-options ssl-min-ver TLSv1.2
defaults
    mode {mode}
    timeout connect 5s
    timeout client 60s
    timeout server 60s
{http}frontend bench
    bind 127.0.0.1:{self.port} ssl crt {self.crt} curves X25519:P-256
    default_backend app
backend app
    server s1 127.0.0.1:{run.backend_port}
""")

    @property
    def crt(self):
        return os.path.join(self.cache_dir, "site.pem")

    def reset_cache(self):
        # HAProxy 2.6 neither fetches nor persists responses: operators fetch them with the
        # openssl CLI into CERT.ocsp (ocsp-update arrived in 2.8). That file is its "cache",
        # and it is there before every start, cold or not.
        super().reset_cache()
        shutil.copy(self.run.pki.combined(self.key), self.crt)
        self.run.pki.fetch_response(self.key, self.crt + ".ocsp")

    def argv(self):
        return ["haproxy", "-db", "-f", self.conf]


class Nginx(Target):
    software = "nginx"
    mode = "http"

    def __init__(self, run, key="ecdsa", port=None):
        super().__init__(run, key, port)
        d = self.dir
        os.makedirs(f"{d}/tmp", exist_ok=True)
        self.conf = self.write("nginx.conf", f"""\
daemon off;
master_process on;
user root;
worker_processes 2;
worker_rlimit_nofile 20000;
pid {d}/nginx.pid;
error_log {run.work}/logs/{self.id}-{key}-error.log warn;
events {{ worker_connections 12000; }}
http {{
    access_log off;
    client_body_temp_path {d}/tmp/body;
    proxy_temp_path {d}/tmp/proxy;
    fastcgi_temp_path {d}/tmp/fastcgi;
    uwsgi_temp_path {d}/tmp/uwsgi;
    scgi_temp_path {d}/tmp/scgi;
    keepalive_timeout 60s;
    keepalive_requests 100000000;
    upstream app {{
        server 127.0.0.1:{run.backend_port};
        keepalive 128;
    }}
    server {{
        listen 127.0.0.1:{self.port} ssl backlog=4096;
        ssl_certificate {run.pki.chain(key)};
        ssl_certificate_key {run.pki.key(key)};
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_ciphers {CIPHERS};
        ssl_conf_command Ciphersuites {SUITES};
        ssl_ecdh_curve X25519:prime256v1;
        ssl_stapling on;
        ssl_stapling_verify on;
        ssl_trusted_certificate {run.pki.trusted};
        location / {{
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_buffer_size 16k;
            proxy_buffers 4 16k;
            proxy_max_temp_file_size 0;
        }}
    }}
}}
""")

    def argv(self):
        return ["nginx", "-p", self.dir, "-c", self.conf]


def make_targets(run, key="ecdsa", ports=None):
    """All targets in report order: the tcp group, then the http group."""
    ports = ports or {}
    made = [
        Stapled(run, "tcp", key, ports.get("stapled-tcp")),
        Hitch(run, key, ports.get("hitch")),
        HAProxy(run, "tcp", key, ports.get("haproxy-tcp")),
        Stapled(run, "http", key, ports.get("stapled-http")),
        Nginx(run, key, ports.get("nginx")),
        HAProxy(run, "http", key, ports.get("haproxy-http")),
    ]
    return [t for t in made if not run.only or t.id in run.only]
