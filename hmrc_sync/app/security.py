"""Owner-only access for the web service, and what it sends every browser.

``/authorize`` replaces the stored grant, so only the owner may start it: they present
``HMRC_SYNC_ADMIN_TOKEN`` once (a form, or ``Authorization: Bearer``) and receive a signed,
HttpOnly, SameSite=Strict cookie (``POST /owner/logout`` ends it). ``/sync`` takes
``HMRC_SYNC_WEBHOOK_TOKEN`` as a bearer token. Every comparison is constant-time; no token is
ever logged or echoed; a client that keeps presenting wrong tokens is made to wait
(``WrongTokenBackoff``).

Behind a TLS-terminating edge the request reaches the service as plain HTTP: the scheme the
browser used is taken from ``X-Forwarded-Proto`` only when the direct peer is one of
``HMRC_SYNC_TRUSTED_PROXIES`` (``request_scheme``), and ``HMRC_SYNC_FORCE_SECURE_COOKIES``
makes every cookie ``Secure`` whatever the request says. Every HTML page carries the
``security_headers``: a CSP whose only inline script and style are the templates' own, by hash.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from ipaddress import ip_address, ip_network
from pathlib import Path
from threading import Lock
from typing import Final, Literal

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from pydantic import SecretStr

OWNER_COOKIE: Final = "hmrc_sync_owner"
STATE_COOKIE: Final = "hmrc_sync_oauth_state"
OWNER_COOKIE_MAX_AGE: Final = 12 * 3600
STATE_MAX_AGE: Final = 600


def tokens_match(presented: str | None, expected: SecretStr | None) -> bool:
    if not presented or expected is None:
        return False
    return hmac.compare_digest(presented.encode(), expected.get_secret_value().encode())


def bearer(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, value = authorization.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


class CookieSigner:
    """Signs the owner and state cookies with a key derived from the admin token."""

    def __init__(self, admin_token: SecretStr) -> None:
        key = hashlib.sha256(b"hmrc-sync cookie key\0" + admin_token.get_secret_value().encode())
        self._serializer = URLSafeTimedSerializer(key.hexdigest(), salt="hmrc-sync")

    def sign(self, purpose: str, value: str) -> str:
        return self._serializer.dumps({"p": purpose, "v": value})

    def verify(self, purpose: str, cookie: str | None, max_age: int) -> str | None:
        if not cookie:
            return None
        try:
            payload = self._serializer.loads(cookie, max_age=max_age)
        except BadSignature:
            return None
        if not isinstance(payload, dict) or payload.get("p") != purpose:
            return None
        value = payload.get("v")
        return value if isinstance(value, str) else None


@dataclass
class PendingStates:
    """Single-use OAuth ``state`` values with their PKCE verifiers, expiring after 10 minutes."""

    max_age_s: float = STATE_MAX_AGE
    _items: dict[str, tuple[float, str, str]] = field(default_factory=dict)
    _lock: Lock = field(default_factory=Lock)

    def add(self, state: str, verifier: str, redirect_uri: str) -> None:
        with self._lock:
            self._expire()
            self._items[state] = (time.monotonic(), verifier, redirect_uri)

    def take(self, state: str) -> tuple[str, str] | None:
        """The verifier and redirect URI for ``state``, once; None if unknown, used or expired."""
        with self._lock:
            self._expire()
            item = self._items.pop(state, None)
        return None if item is None else (item[1], item[2])

    def _expire(self) -> None:
        cutoff = time.monotonic() - self.max_age_s
        for key in [k for k, (created, _, _) in self._items.items() if created < cutoff]:
            del self._items[key]


def set_cookie(
    response: Response,
    request: Request,
    name: str,
    value: str,
    *,
    max_age: int,
    samesite: Literal["strict", "lax"] = "strict",
) -> None:
    """An HttpOnly cookie, Secure whenever the service is reached over HTTPS."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite=samesite,
        secure=cookies_secure(request),
    )


def clear_cookie(response: Response, request: Request, name: str) -> None:
    response.delete_cookie(name, httponly=True, samesite="strict", secure=cookies_secure(request))


def _settings_of(request: Request) -> tuple[tuple[str, ...], bool]:
    state = getattr(request.app.state, "hmrc_sync", None)
    settings = getattr(getattr(state, "container", None), "settings", None)
    if settings is None:
        return (), False
    return tuple(settings.trusted_proxies), bool(settings.force_secure_cookies)


def cookies_secure(request: Request) -> bool:
    proxies, forced = _settings_of(request)
    return forced or request_scheme(request, proxies) == "https"


def trusted_peer(peer: str | None, proxies: tuple[str, ...]) -> bool:
    """True when ``peer`` is an address inside one of ``proxies`` (addresses or networks)."""
    if peer is None:
        return False
    try:
        address = ip_address(peer)
    except ValueError:
        return False
    return any(address in ip_network(proxy, strict=False) for proxy in proxies)


def request_scheme(request: Request, proxies: tuple[str, ...] | None = None) -> str:
    """The scheme the browser used: ``X-Forwarded-Proto`` (its first value) when the direct
    peer is a trusted proxy, else the scheme of the connection itself."""
    if proxies is None:
        proxies = _settings_of(request)[0]
    peer = request.client.host if request.client else None
    forwarded = request.headers.get("x-forwarded-proto")
    if forwarded and trusted_peer(peer, proxies):
        scheme = forwarded.split(",")[0].strip().lower()
        if scheme in ("http", "https"):
            return scheme
    return request.url.scheme


def client_key(request: Request) -> str:
    """Who is asking, for rate limiting: the address our trusted edge saw, else the peer."""
    proxies = _settings_of(request)[0]
    peer = request.client.host if request.client else "unknown"
    if trusted_peer(peer, proxies):
        hops = [hop.strip() for hop in request.headers.get("x-forwarded-for", "").split(",")]
        for hop in reversed(hops):
            if hop and not trusted_peer(hop, proxies):
                return hop
    return peer


@dataclass
class WrongTokenBackoff:
    """Per-client backoff after wrong tokens: the first ``free`` mistakes cost nothing, then
    each one doubles the wait (from ``base_s`` up to ``max_s``). A right token resets it."""

    free: int = 3
    base_s: float = 1.0
    max_s: float = 300.0
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, tuple[int, float]] = field(default_factory=dict)
    _lock: Lock = field(default_factory=Lock)

    def retry_after(self, key: str) -> float | None:
        """Seconds the client must still wait, or None when it may try now."""
        with self._lock:
            count, until = self._failures.get(key, (0, 0.0))
        wait = until - self.clock()
        return wait if count > self.free and wait > 0 else None

    def failed(self, key: str) -> None:
        with self._lock:
            count, _ = self._failures.get(key, (0, 0.0))
            count += 1
            delay = min(self.max_s, self.base_s * 2 ** max(0, count - self.free - 1))
            self._failures[key] = (count, self.clock() + delay)
            if len(self._failures) > 10_000:  # bounded memory under a spray of addresses
                oldest = min(self._failures, key=lambda k: self._failures[k][1])
                del self._failures[oldest]

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


# --------------------------------------------------------------------------- headers
_INLINE: Final = re.compile(r"<(script|style)>(.*?)</\1>", re.DOTALL)


def inline_hashes(templates: Path) -> dict[str, list[str]]:
    """``'sha256-…'`` of every inline script and style block in the templates (which must be
    static text: a template expression inside one would change its hash)."""
    found: dict[str, list[str]] = {"script": [], "style": []}
    for path in sorted(templates.glob("*.html")):
        for kind, body in _INLINE.findall(path.read_text(encoding="utf-8")):
            if "{{" in body or "{%" in body:
                raise ValueError(f"{path.name}: an inline {kind} must be static to be hashed")
            digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            found[kind].append(f"'sha256-{digest}'")
    return found


def security_headers(templates: Path) -> dict[str, str]:
    """The headers every HTML page carries."""
    hashes = inline_hashes(templates)
    policy = "; ".join(
        (
            "default-src 'none'",
            "script-src " + " ".join(hashes["script"] or ["'none'"]),
            "style-src " + " ".join(hashes["style"] or ["'none'"]),
            "img-src 'self'",
            "connect-src 'self'",  # the status page asks how its "Sync now" is going
            "base-uri 'none'",
            "frame-ancestors 'none'",
        )
    )
    return {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",  # "no-referrer" would send Origin: null
        "Cache-Control": "no-store",
        "X-Frame-Options": "DENY",
    }
