"""Owner-only access for the web service.

``/authorize`` replaces the stored grant, so only the owner may start it: they present
``HMRC_SYNC_ADMIN_TOKEN`` once (a form, or ``Authorization: Bearer``) and receive a signed,
HttpOnly, SameSite=Strict cookie. ``/sync`` takes ``HMRC_SYNC_WEBHOOK_TOKEN`` as a bearer token.
Every comparison is constant-time; no token is ever logged or echoed.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass, field
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
        secure=request.url.scheme == "https",
    )
