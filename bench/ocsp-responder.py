#!/usr/bin/env python3
"""OCSP responder for the benchmark: `openssl ocsp` answers, this only serves HTTP.

`openssl ocsp -port` listens on every interface (no host option in OpenSSL 3.0), serves one
request at a time and can hang on a bare connect. This wraps the same signing in a threaded
HTTP server bound to 127.0.0.1: each request (GET with the base64 request in the path, or POST)
is answered by `openssl ocsp -index ... -reqin REQ -respout RESP`. One log line per request on
stderr (time, client, method, status, bytes, ms), so the log shows who fetched when.

    ocsp-responder.py --port P --pki DIR [--minutes 1440]

DIR is a PKI made by scripts/make-demo-pki.sh (index.txt, intermediate.pem, ocsp-responder.*).
"""
import argparse
import base64
import http.server
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pki", required=True)
    parser.add_argument("--minutes", type=int, default=1440, help="nextUpdate - thisUpdate")
    args = parser.parse_args()
    pki = os.path.abspath(args.pki)

    def sign(request_der):
        with tempfile.TemporaryDirectory() as tmp:
            req, resp = os.path.join(tmp, "req.der"), os.path.join(tmp, "resp.der")
            with open(req, "wb") as f:
                f.write(request_der)
            subprocess.run(
                ["openssl", "ocsp", "-index", f"{pki}/index.txt", "-CA", f"{pki}/intermediate.pem",
                 "-rsigner", f"{pki}/ocsp-responder.pem", "-rkey", f"{pki}/ocsp-responder.key",
                 "-reqin", req, "-respout", resp, "-nmin", str(args.minutes)],
                check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=10)
            with open(resp, "rb") as f:
                return f.read()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def answer(self, request_der):
            started = time.monotonic()
            try:
                body, status = sign(request_der), 200
            except Exception:  # a malformed request: openssl refuses it
                body, status = b"", 400
            self.send_response(status)
            self.send_header("Content-Type", "application/ocsp-response")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "max-age=3600")
            self.end_headers()
            self.wfile.write(body)
            ua = self.headers.get("User-Agent", "-")
            print(f"{time.time():.3f} {self.client_address[0]}:{self.client_address[1]} {self.command} "
                  f"{status} {len(body)}B {(time.monotonic() - started) * 1000:.1f}ms ua={ua}",
                  file=sys.stderr, flush=True)

        def do_GET(self):
            encoded = urllib.parse.unquote(self.path.lstrip("/").split("/")[-1])
            try:
                der = base64.b64decode(encoded + "=" * (-len(encoded) % 4))
            except ValueError:
                der = b""
            self.answer(der)

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            self.answer(self.rfile.read(length))

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(f"ocsp-responder: listening on 127.0.0.1:{args.port}", file=sys.stderr, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
