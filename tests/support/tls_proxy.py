"""A tiny TLS-terminating reverse proxy for tests: HTTPS in front, plain HTTP to the service.

It does what hmrc-sync's edge (an ingress controller) does: it ends TLS with a self-signed
certificate for ``localhost`` and ``127.0.0.1`` (made at test time by the ``openssl`` command,
so no key is kept in the repository), forwards each request unchanged (``Host`` included) and
adds ``X-Forwarded-Proto: https``, the browser's address appended to ``X-Forwarded-For`` and
its source port as ``X-Forwarded-Port`` (which hmrc-sync reads as the client's public port).
Answers are read whole and sent back with their headers (every ``Set-Cookie`` kept).

::

    with tls_terminating_proxy("http://127.0.0.1:8080", tmp_path) as https_url:
        ...  # https://localhost:PORT, served by the app on 8080
"""

from __future__ import annotations

import http.client
import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from hmrc_sync.emulator.inprocess import free_port

# RFC 9110 7.6.1: hop-by-hop headers are not forwarded.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path


def self_signed_certificate(directory: Path) -> Certificate:
    """A one-day certificate for ``localhost`` and ``127.0.0.1``, made by ``openssl``."""
    openssl = shutil.which("openssl")
    if openssl is None:
        raise RuntimeError("the openssl command is needed to make the test certificate")
    cert, key = directory / "proxy-cert.pem", directory / "proxy-key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return Certificate(cert, key)


def _handler(upstream_host: str, upstream_port: int) -> type[BaseHTTPRequestHandler]:
    class Forward(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _forward(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {
                name: value
                for name, value in self.headers.items()
                if name.lower() not in HOP_BY_HOP
                and not name.lower().startswith(("x-forwarded-proto", "x-forwarded-port"))
            }
            peer, port = self.client_address[:2]
            earlier = self.headers.get("x-forwarded-for")
            headers["X-Forwarded-For"] = f"{earlier}, {peer}" if earlier else str(peer)
            headers["X-Forwarded-Proto"] = "https"
            headers["X-Forwarded-Port"] = str(port)
            connection = http.client.HTTPConnection(upstream_host, upstream_port, timeout=120)
            try:
                connection.request(self.command, self.path, body=body, headers=headers)
                answer = connection.getresponse()
                content = answer.read()
            finally:
                connection.close()
            self.send_response(answer.status, answer.reason)
            for name, value in answer.getheaders():
                if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(content)

        do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = _forward

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the test's own assertions say what went wrong."""

    return Forward


@contextmanager
def tls_terminating_proxy(upstream: str, workdir: Path) -> Iterator[str]:
    """Serve HTTPS on a free loopback port in front of ``upstream`` (``http://host:port``);
    yield ``https://localhost:PORT``."""
    target = urlsplit(upstream)
    if target.scheme != "http" or not target.hostname or not target.port:
        raise ValueError(f"the upstream must be http://host:port, not {upstream!r}")
    certificate = self_signed_certificate(workdir)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate.cert, certificate.key)
    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(target.hostname, target.port))
    server.daemon_threads = True
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, name=f"tls-proxy-{port}", daemon=True)
    thread.start()
    try:
        yield f"https://localhost:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
