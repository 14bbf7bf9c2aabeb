"""The installed-app OAuth callback: a one-shot HTTP server on the redirect URI's port,
bound to loopback only, that waits for HMRC's redirect and hands back ``code`` and ``state``."""

from __future__ import annotations

import html
import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

from hmrc_sync.errors import AuthorisationError, ConfigurationError

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1", "[::1]")


@dataclass(frozen=True)
class CallbackResult:
    code: str | None
    state: str | None
    error: str | None
    error_description: str | None


def loopback_address(redirect_uri: str) -> tuple[str, int, str]:
    parts = urlsplit(redirect_uri)
    if parts.scheme != "http" or parts.hostname not in LOOPBACK_HOSTS:
        raise ConfigurationError(
            f"HMRC_SYNC_REDIRECT_URI must be an http://localhost:PORT/... address for "
            f"`auth login` (got {redirect_uri!r}); a hosted service uses `serve` and /authorize"
        )
    host = "::1" if parts.hostname in ("::1", "[::1]") else "127.0.0.1"
    return host, parts.port or 80, parts.path or "/"


class _Handler(BaseHTTPRequestHandler):
    server: _CallbackServer
    page: ClassVar[str] = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>hmrc-sync</title>"
        "</head><body><main><h1>{title}</h1><p>{message}</p></main></body></html>"
    )

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path != self.server.expected_path:
            self.send_error(404, "Not the OAuth callback")
            return
        query = parse_qs(parts.query)

        def first(name: str) -> str | None:
            values = query.get(name)
            return values[0] if values else None

        result = CallbackResult(
            first("code"), first("state"), first("error"), first("error_description")
        )
        expected = self.server.expected_state
        if expected is not None and result.state != expected:
            # Not this sign-in's answer (a stale tab, or someone else's link): say so and keep
            # waiting for the real one, rather than failing the owner's attempt.
            self._answer(
                400,
                "Not this sign-in",
                "This link does not belong to the sign-in hmrc-sync is waiting for; "
                "finish the sign-in in the window it opened.",
            )
            return
        if result.error:
            title, message = "Access not granted", "You can close this window."
        else:
            title, message = (
                "Access granted",
                "hmrc-sync has your authorisation. You can close this window.",
            )
        self._answer(200, title, message)
        self.server.deliver(result)

    def _answer(self, status: int, title: str, message: str) -> None:
        body = self.page.format(title=html.escape(title), message=html.escape(message)).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default access log: the query string holds the authorisation code."""


class _CallbackServer(HTTPServer):
    def __init__(self, host: str, port: int, path: str, expected_state: str | None) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, port), _Handler)
        self.expected_path = path
        self.expected_state = expected_state
        self.result: CallbackResult | None = None
        self.arrived = threading.Event()

    def deliver(self, result: CallbackResult) -> None:
        if self.result is None:
            self.result = result
            self.arrived.set()


class LoopbackCallback:
    """Start with ``with LoopbackCallback(uri, state) as cb:``; then ``cb.wait(timeout)``.

    With ``expected_state``, a callback carrying any other state is answered 400 and ignored:
    the listener keeps waiting for this sign-in's own answer."""

    def __init__(self, redirect_uri: str, expected_state: str | None = None) -> None:
        self._host, self._port, self._path = loopback_address(redirect_uri)
        self._expected_state = expected_state
        self._server: _CallbackServer | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> LoopbackCallback:
        try:
            self._server = _CallbackServer(self._host, self._port, self._path, self._expected_state)
        except OSError as exc:
            raise ConfigurationError(
                f"cannot listen on {self._host}:{self._port} for the OAuth callback "
                f"({exc.strerror}); stop whatever uses that port or change "
                "HMRC_SYNC_REDIRECT_URI (and register it)"
            ) from None
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def wait(self, timeout_s: float) -> CallbackResult:
        assert self._server is not None
        if not self._server.arrived.wait(timeout_s):
            raise AuthorisationError(
                f"no answer from HMRC within {timeout_s:.0f} s; run `hmrc-sync auth login` again"
            )
        assert self._server.result is not None
        return self._server.result
