#!/usr/bin/env python3
"""A fault-injecting OCSP responder for stapled's tests.

Serves OCSP over HTTP (or HTTPS with --tls-cert/--tls-key) on 127.0.0.1, port 0 by default, and
answers every OCSP request (GET or POST, RFC 6960 appendix A) for certificates issued by --issuer.
Its first stdout line is `LISTENING <port>` (flushed); every request is logged as one line on
stderr (`mode=... serial=... method=... status=...`). `GET /_stats` returns `requests=N` (OCSP
requests seen so far, any mode), then `get=N` and `post=N`.

The mode decides the answer. It is --mode, or the content of --control-file when that file exists
and is not empty; the file is re-read before every request, so a test can switch faults at runtime.

Modes (each answers the request's own CertID unless the fault says otherwise):
  good, revoked, unknown      certStatus as named (serials in --revoked are revoked in `good`)
  refuse                      accept the connection and close it at once
  hang                        read the request, never answer until the client closes
  http500                     HTTP 500
  wrong-content-type          a good response sent as text/html
  garbage                     200, application/ocsp-response, random bytes
  oversize                    200, application/ocsp-response, a 1 MiB body
  chunked                     a good response with Transfer-Encoding: chunked
  tryLater, internalError, unauthorized, malformedRequest
                              an unsuccessful OCSPResponse with that responseStatus
  unrelated-key               signed by a freshly generated key; responder id of that key
  delegated-no-eku            signed by a delegated certificate issued by the issuer without
                              id-kp-OCSPSigning (generated on the fly), which is included
  wrong-serial                the SingleResponse names serial + 1
  future-thisupdate           thisUpdate = now + 1 day
  past-nextupdate             thisUpdate = now - 2 h, nextUpdate = now - 1 h
  no-nextupdate               no nextUpdate
  old-thisupdate              thisUpdate = now - 2 days, nextUpdate = now + 1 day
  slow:N                      a good response after N seconds
  max-age:N                   a good response with Cache-Control: max-age=N

A request whose CertID names another issuer gets `unauthorized`; a body that is not an
OCSPRequest gets `malformedRequest`. Nothing a client sends stops the server.
"""

import argparse
import base64
import datetime
import os
import socket
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

MAX_REQUEST_BODY = 64 * 1024
OVERSIZE_BODY = 1024 * 1024

UNSUCCESSFUL = {
    "tryLater": ocsp.OCSPResponseStatus.TRY_LATER,
    "internalError": ocsp.OCSPResponseStatus.INTERNAL_ERROR,
    "unauthorized": ocsp.OCSPResponseStatus.UNAUTHORIZED,
    "malformedRequest": ocsp.OCSPResponseStatus.MALFORMED_REQUEST,
}

SIMPLE_MODES = {
    "good", "revoked", "unknown", "refuse", "hang", "http500", "wrong-content-type", "garbage",
    "oversize", "chunked", "unrelated-key", "delegated-no-eku", "wrong-serial", "future-thisupdate",
    "past-nextupdate", "no-nextupdate", "old-thisupdate",
} | set(UNSUCCESSFUL)


def parse_mode(text):
    """Returns (name, argument) for a mode string, or raises ValueError."""
    text = text.strip()
    if text in SIMPLE_MODES:
        return text, None
    for prefix in ("slow", "max-age"):
        if text.startswith(prefix + ":"):
            value = float(text[len(prefix) + 1:])
            if value < 0:
                raise ValueError(f"negative argument in mode {text!r}")
            return prefix, value
    raise ValueError(f"unknown mode {text!r}")


def log(line):
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def signing_hash(key):
    return None if isinstance(key, (ed25519.Ed25519PrivateKey, ed448.Ed448PrivateKey)) else hashes.SHA256()


def der_element(data, offset):
    """Returns (tag, content_start, content_end) of the DER element at offset."""
    tag = data[offset]
    length = data[offset + 1]
    start = offset + 2
    if length & 0x80:
        count = length & 0x7F
        length = int.from_bytes(data[start:start + count], "big")
        start += count
    return tag, start, start + length


def public_key_bits(certificate):
    """The subjectPublicKey BIT STRING contents (without the unused-bits byte), as RFC 6960 hashes it."""
    spki = certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    _, content, _ = der_element(spki, 0)
    _, _, algorithm_end = der_element(spki, content)
    _, bits_start, bits_end = der_element(spki, algorithm_end)
    return spki[bits_start + 1:bits_end]


def digest(algorithm, data):
    h = hashes.Hash(algorithm)
    h.update(data)
    return h.finalize()


class Responder:
    """Signing material and the request counters, shared by every handler thread."""

    def __init__(self, args):
        self.args = args
        self.issuer = x509.load_pem_x509_certificate(open(args.issuer, "rb").read())
        self.issuer_key = serialization.load_pem_private_key(open(args.issuer_key, "rb").read(), None)
        self.responder_cert = None
        self.responder_key = None
        if args.responder_cert:
            self.responder_cert = x509.load_pem_x509_certificate(open(args.responder_cert, "rb").read())
            self.responder_key = serialization.load_pem_private_key(open(args.responder_key, "rb").read(), None)
        self.revoked = {int(s, 16) for s in args.revoked.split(",") if s.strip()} if args.revoked else set()
        self.lock = threading.Lock()
        self.counts = {"requests": 0, "get": 0, "post": 0}
        self._generated = {}

    def count(self, method):
        with self.lock:
            self.counts["requests"] += 1
            if method in ("get", "post"):
                self.counts[method] += 1

    def stats(self):
        with self.lock:
            return "".join(f"{k}={v}\n" for k, v in self.counts.items())

    def current_mode(self):
        """The control file's content when present and not empty, else --mode."""
        text = self.args.mode
        if self.args.control_file:
            try:
                with open(self.args.control_file) as f:
                    content = f.read().strip()
                if content:
                    text = content
            except OSError:
                pass
        try:
            return parse_mode(text)
        except ValueError as error:
            log(f"bad mode ({error}); answering good")
            return "good", None

    def generated(self, name):
        """Keys and certificates made on first use: the unrelated key and the delegated responder without EKU."""
        with self.lock:
            if name not in self._generated:
                key = ec.generate_private_key(ec.SECP256R1())
                now = utcnow()
                builder = (
                    x509.CertificateBuilder()
                    .public_key(key.public_key())
                    .serial_number(x509.random_serial_number())
                    .not_valid_before(now - datetime.timedelta(hours=1))
                    .not_valid_after(now + datetime.timedelta(days=1))
                )
                if name == "unrelated-key":
                    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "unrelated OCSP key")])
                    cert = builder.subject_name(subject).issuer_name(subject).sign(key, hashes.SHA256())
                else:
                    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "delegated responder without EKU")])
                    cert = (
                        builder.subject_name(subject)
                        .issuer_name(self.issuer.subject)
                        .sign(self.issuer_key, signing_hash(self.issuer_key))
                    )
                self._generated[name] = (cert, key)
            return self._generated[name]

    def dummy_certificate(self, serial):
        """A certificate with this serial 'issued' by the issuer, for cryptography < 43 (no add_response_by_hash)."""
        key = self.generated("unrelated-key")[1]
        now = utcnow()
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"serial {serial:x}")])
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.issuer.subject)
            .public_key(key.public_key())
            .serial_number(serial)
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .sign(key, hashes.SHA256())
        )

    def issued_by_issuer(self, request):
        algorithm = request.hash_algorithm
        return (
            request.issuer_name_hash == digest(algorithm, self.issuer.subject.public_bytes())
            and request.issuer_key_hash == digest(algorithm, public_key_bits(self.issuer))
        )

    def build(self, request, mode, argument):
        """(DER OCSPResponse, what it says) for this request in this mode."""
        if mode in UNSUCCESSFUL:
            return ocsp.OCSPResponseBuilder.build_unsuccessful(UNSUCCESSFUL[mode]).public_bytes(
                serialization.Encoding.DER), mode
        if not self.issued_by_issuer(request):
            return ocsp.OCSPResponseBuilder.build_unsuccessful(
                ocsp.OCSPResponseStatus.UNAUTHORIZED).public_bytes(
                serialization.Encoding.DER), "unauthorized (CertID of another issuer)"

        now = utcnow()
        this_update = now
        next_update = now + datetime.timedelta(seconds=self.args.validity)
        if mode == "future-thisupdate":
            this_update = now + datetime.timedelta(days=1)
            next_update = this_update + datetime.timedelta(seconds=self.args.validity)
        elif mode == "past-nextupdate":
            this_update = now - datetime.timedelta(hours=2)
            next_update = now - datetime.timedelta(hours=1)
        elif mode == "no-nextupdate":
            next_update = None
        elif mode == "old-thisupdate":
            this_update = now - datetime.timedelta(days=2)
            next_update = now + datetime.timedelta(days=1)

        serial = request.serial_number + (1 if mode == "wrong-serial" else 0)
        status = ocsp.OCSPCertStatus.GOOD
        revocation_time = None
        if mode == "revoked" or (mode != "unknown" and serial in self.revoked):
            status = ocsp.OCSPCertStatus.REVOKED
            revocation_time = now - datetime.timedelta(hours=1)
        elif mode == "unknown":
            status = ocsp.OCSPCertStatus.UNKNOWN

        builder = ocsp.OCSPResponseBuilder()
        if hasattr(builder, "add_response_by_hash"):
            builder = builder.add_response_by_hash(
                issuer_name_hash=request.issuer_name_hash,
                issuer_key_hash=request.issuer_key_hash,
                serial_number=serial,
                algorithm=request.hash_algorithm,
                cert_status=status,
                this_update=this_update,
                next_update=next_update,
                revocation_time=revocation_time,
                revocation_reason=None,
            )
        else:
            builder = builder.add_response(
                cert=self.dummy_certificate(serial),
                issuer=self.issuer,
                algorithm=request.hash_algorithm,
                cert_status=status,
                this_update=this_update,
                next_update=next_update,
                revocation_time=revocation_time,
                revocation_reason=None,
            )

        if mode in ("unrelated-key", "delegated-no-eku"):
            signer_cert, signer_key = self.generated(mode)
            builder = builder.responder_id(ocsp.OCSPResponderEncoding.HASH, signer_cert)
            if mode == "delegated-no-eku":
                builder = builder.certificates([signer_cert])
        elif self.responder_cert is not None:
            signer_cert, signer_key = self.responder_cert, self.responder_key
            builder = builder.responder_id(ocsp.OCSPResponderEncoding.HASH, signer_cert).certificates([signer_cert])
        else:
            signer_cert, signer_key = self.issuer, self.issuer_key
            builder = builder.responder_id(ocsp.OCSPResponderEncoding.HASH, signer_cert)

        for extension in request.extensions:
            if isinstance(extension.value, x509.OCSPNonce):
                builder = builder.add_extension(extension.value, critical=False)

        response = builder.sign(signer_key, signing_hash(signer_key))
        return response.public_bytes(serialization.Encoding.DER), status.name.lower()


def decode_get_path(path):
    """The OCSPRequest in a GET path: the URL-encoded base64 after the responder's base path.

    The base path is unknown, and '/' may appear unencoded in the base64, so every suffix of the
    path segments is tried, longest first.
    """
    segments = path.split("/")
    for index in range(1, len(segments)):
        encoded = urllib.parse.unquote("/".join(segments[index:]))
        if not encoded:
            continue
        try:
            der = base64.b64decode(encoded, validate=True)
            return ocsp.load_der_ocsp_request(der)
        except Exception:
            continue
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ocsp-fault-responder"
    sys_version = ""

    def log_message(self, format, *args):  # noqa: A002 - BaseHTTPRequestHandler's signature
        pass

    def handle(self):
        try:
            super().handle()
        except (ConnectionError, ssl.SSLError, socket.timeout, OSError) as error:
            log(f"connection error: {error!r}")

    def handle_one_request(self):
        # The mode is read before the request, so that `refuse` can close without reading.
        self.mode, self.argument = self.server.responder.current_mode()
        if self.mode == "refuse":
            self.server.responder.count("refuse")
            log("mode=refuse serial=- method=- status=closed")
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        super().handle_one_request()

    def do_GET(self):
        path = urllib.parse.urlsplit(self.path).path if "://" in self.path else self.path.split("?", 1)[0]
        if path == "/_stats":
            self.send_bytes(200, "text/plain", self.server.responder.stats().encode())
            return
        self.server.responder.count("get")
        self.answer("GET", decode_get_path(path))

    def do_POST(self):
        self.server.responder.count("post")
        length = self.headers.get("Content-Length")
        request = None
        try:
            size = int(length)
            if 0 <= size <= MAX_REQUEST_BODY:
                request = ocsp.load_der_ocsp_request(self.rfile.read(size))
            else:
                self.close_connection = True
        except Exception:
            self.close_connection = True
        self.answer("POST", request)

    def answer(self, method, request):
        mode, argument = self.mode, self.argument
        serial = f"{request.serial_number:x}" if request is not None else "-"
        label = mode if argument is None else f"{mode}:{argument:g}"
        responder = self.server.responder

        if mode == "hang":
            log(f"mode={label} serial={serial} method={method} status=hang")
            self.wait_for_client_close()
            return
        if mode == "slow":
            time.sleep(argument)
        if mode == "http500":
            log(f"mode={label} serial={serial} method={method} status=500")
            self.send_bytes(500, "text/plain", b"internal server error\n")
            return
        if mode == "garbage":
            log(f"mode={label} serial={serial} method={method} status=200 body=garbage")
            self.send_bytes(200, "application/ocsp-response", os.urandom(300))
            return
        if mode == "oversize":
            log(f"mode={label} serial={serial} method={method} status=200 body=oversize")
            self.send_bytes(200, "application/ocsp-response", os.urandom(OVERSIZE_BODY))
            return

        if request is None:
            body = ocsp.OCSPResponseBuilder.build_unsuccessful(
                ocsp.OCSPResponseStatus.MALFORMED_REQUEST).public_bytes(serialization.Encoding.DER)
            log(f"mode={label} serial=- method={method} status=200 ocsp=malformedRequest (unparsable request)")
        else:
            try:
                body, outcome = responder.build(request, mode, argument)
            except Exception as error:
                log(f"mode={label} serial={serial} method={method} status=500 error={error!r}")
                self.send_bytes(500, "text/plain", f"cannot build the response: {error!r}\n".encode())
                return
            log(f"mode={label} serial={serial} method={method} status=200 ocsp={outcome}")

        content_type = "text/html" if mode == "wrong-content-type" else "application/ocsp-response"
        extra = {"Cache-Control": f"max-age={int(argument)}"} if mode == "max-age" else {}
        self.send_bytes(200, content_type, body, extra, chunked=(mode == "chunked"))

    def send_bytes(self, code, content_type, body, extra_headers=None, chunked=False):
        try:
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            for name, value in (extra_headers or {}).items():
                self.send_header(name, value)
            if chunked:
                self.send_header("Transfer-Encoding", "chunked")
            else:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if chunked:
                middle = max(1, len(body) // 2)
                for piece in (body[:middle], body[middle:]):
                    if piece:
                        self.wfile.write(f"{len(piece):x};ext=1\r\n".encode() + piece + b"\r\n")
                self.wfile.write(b"0\r\nX-Trailer: yes\r\n\r\n")
            else:
                self.wfile.write(body)
            self.wfile.flush()
        except (ConnectionError, ssl.SSLError, OSError) as error:
            log(f"client went away while sending: {error!r}")
            self.close_connection = True

    def wait_for_client_close(self):
        self.close_connection = True
        try:
            self.connection.settimeout(None)
            while self.connection.recv(4096):
                pass
        except (ConnectionError, ssl.SSLError, OSError):
            pass


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        log(f"error handling a request from {client_address}: {sys.exc_info()[1]!r}")


class Server6(Server):
    address_family = socket.AF_INET6


def main():
    parser = argparse.ArgumentParser(description="Fault-injecting OCSP responder for tests.")
    parser.add_argument("--issuer", required=True, help="issuer certificate (PEM)")
    parser.add_argument("--issuer-key", required=True, help="issuer private key (PEM)")
    parser.add_argument("--responder-cert", help="delegated responder certificate (PEM)")
    parser.add_argument("--responder-key", help="delegated responder private key (PEM)")
    parser.add_argument("--validity", type=int, default=3600, help="nextUpdate - thisUpdate in seconds")
    parser.add_argument("--mode", default="good", help="the fault mode (see the module documentation)")
    parser.add_argument("--control-file", help="a file whose content, if present, overrides --mode")
    parser.add_argument("--revoked", help="comma-separated hex serials reported revoked in mode good")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: any free port)")
    parser.add_argument("--tls-cert", help="serve HTTPS with this certificate chain (PEM)")
    parser.add_argument("--tls-key", help="private key for --tls-cert (PEM)")
    args = parser.parse_args()
    if bool(args.responder_cert) != bool(args.responder_key):
        parser.error("--responder-cert and --responder-key go together")
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    try:
        parse_mode(args.mode)
    except ValueError as error:
        parser.error(str(error))

    server_class = Server6 if ":" in args.host else Server
    server = server_class((args.host, args.port), Handler)
    server.responder = Responder(args)
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        # The handshake happens in the handler thread, so a silent client cannot block accept().
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)

    print(f"LISTENING {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
