"""OAuth state: grants, access tokens, authorization codes, pending authorizations, sessions.

Tokens are opaque random strings handed to the client once; the emulator keeps only their
SHA-256 hashes (also in the state file), so neither memory dumps of the state nor the state
file hold a usable token. Nothing here logs a token or puts one in an exception message.

The rules are HMRC's (``hmrc-api.md`` §1): codes are single-use and short-lived, refresh tokens
single-use and rotated on every refresh, a refresh kills the previous access token, a second
refresh while one is in flight is refused, and a grant lasts a fixed time from the grant.
All methods are called with the emulator's lock held.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_hex(16)


def pkce_s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class OAuthError(Exception):
    """An RFC 6749 error answer from the token endpoint (or an authorize page)."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}")
        self.status = status
        self.error = error
        self.description = description


@dataclass
class Grant:
    grant_id: str
    client_id: str
    user_id: str
    scopes: tuple[str, ...]
    granted_at: datetime
    expires_at: datetime
    refresh_hash: str
    revoked: bool = False
    refreshing: bool = field(default=False, compare=False)

    def live(self, now: datetime) -> bool:
        return not self.revoked and now < self.expires_at


@dataclass
class AccessToken:
    client_id: str
    scopes: tuple[str, ...]
    expires_at: datetime
    grant_id: str | None = None
    user_id: str | None = None
    revoked: bool = False

    @property
    def user_restricted(self) -> bool:
        return self.grant_id is not None


@dataclass
class AuthCode:
    client_id: str
    user_id: str
    scopes: tuple[str, ...]
    redirect_uri: str
    challenge: str | None
    expires_at: datetime
    used: bool = False


@dataclass
class PendingAuthorization:
    """An authorize request waiting for sign-in and the grant decision."""

    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    state: str | None
    challenge: str | None
    expires_at: datetime


@dataclass(frozen=True)
class IssuedTokens:
    """Plain tokens for one answer of the token endpoint (never stored, never in a repr)."""

    access_token: str = field(repr=False)
    expires_in: int
    refresh_token: str | None = field(default=None, repr=False)
    scopes: tuple[str, ...] = ()


class GrantRegistry:
    """The emulator's side of OAuth: the grants, tokens, codes and sessions it has issued
    (hashes only). Not the product's token store (``hmrc_sync.tokenstore.TokenStore``)."""

    def __init__(
        self, *, access_lifetime: timedelta, grant_lifetime: timedelta, code_lifetime: timedelta
    ) -> None:
        self.access_lifetime = access_lifetime
        self.grant_lifetime = grant_lifetime
        self.code_lifetime = code_lifetime
        self.grants: dict[str, Grant] = {}
        self.access: dict[str, AccessToken] = {}
        self.codes: dict[str, AuthCode] = {}
        self.pending: dict[str, PendingAuthorization] = {}
        self.sessions: dict[str, tuple[str, datetime]] = {}

    # ----------------------------------------------------------------- access tokens
    def _issue_access(
        self, now: datetime, client_id: str, scopes: tuple[str, ...], grant: Grant | None
    ) -> str:
        token = new_token()
        self.access[token_hash(token)] = AccessToken(
            client_id=client_id,
            scopes=scopes,
            expires_at=now + self.access_lifetime,
            grant_id=grant.grant_id if grant else None,
            user_id=grant.user_id if grant else None,
        )
        return token

    @property
    def expires_in(self) -> int:
        return int(self.access_lifetime.total_seconds())

    def issue_application_token(
        self, now: datetime, client_id: str, scopes: tuple[str, ...]
    ) -> IssuedTokens:
        token = self._issue_access(now, client_id, scopes, None)
        return IssuedTokens(token, self.expires_in, scopes=scopes)

    def resolve(self, token: str, now: datetime) -> AccessToken | None:
        """The live access token, or None (unknown, expired, revoked, or its grant is over)."""
        record = self.access.get(token_hash(token))
        if record is None or record.revoked or now >= record.expires_at:
            return None
        if record.grant_id is not None:
            grant = self.grants.get(record.grant_id)
            if grant is None or not grant.live(now):
                return None
        return record

    # ----------------------------------------------------------------- codes and grants
    def new_code(self, now: datetime, pending: PendingAuthorization, user_id: str) -> str:
        code = new_token()
        self.codes[token_hash(code)] = AuthCode(
            client_id=pending.client_id,
            user_id=user_id,
            scopes=pending.scopes,
            redirect_uri=pending.redirect_uri,
            challenge=pending.challenge,
            expires_at=now + self.code_lifetime,
        )
        return code

    def redeem_code(
        self, now: datetime, client_id: str, code: str, redirect_uri: str, verifier: str | None
    ) -> IssuedTokens:
        record = self.codes.get(token_hash(code))
        if record is None or record.used or now >= record.expires_at:
            raise OAuthError(400, "invalid_request", "code is invalid")
        if record.client_id != client_id:
            raise OAuthError(400, "invalid_request", "code is invalid")
        if not hmac.compare_digest(record.redirect_uri, redirect_uri):
            raise OAuthError(400, "invalid_request", "redirect_uri is invalid")
        if record.challenge is None and verifier is not None:
            raise OAuthError(400, "invalid_request", "code_verifier should NOT be present")
        if record.challenge is not None:
            if verifier is None:
                raise OAuthError(400, "invalid_request", "code_verifier is required")
            if not _verifier_well_formed(verifier):
                raise OAuthError(400, "invalid_request", "code_verifier is malformed")
            if not hmac.compare_digest(pkce_s256(verifier), record.challenge):
                raise OAuthError(400, "invalid_grant", "code_verifier is invalid")
        record.used = True
        return self.new_grant(now, client_id, record.user_id, record.scopes)

    def new_grant(
        self,
        now: datetime,
        client_id: str,
        user_id: str,
        scopes: tuple[str, ...],
        *,
        refresh_token: str | None = None,
        access_token: str | None = None,
    ) -> IssuedTokens:
        refresh = refresh_token or new_token()
        grant = Grant(
            grant_id=secrets.token_hex(8),
            client_id=client_id,
            user_id=user_id,
            scopes=scopes,
            granted_at=now,
            expires_at=now + self.grant_lifetime,
            refresh_hash=token_hash(refresh),
        )
        self.grants[grant.grant_id] = grant
        if access_token is None:
            access = self._issue_access(now, client_id, scopes, grant)
        else:
            access = access_token
            self.access[token_hash(access)] = AccessToken(
                client_id, scopes, now + self.access_lifetime, grant.grant_id, user_id
            )
        return IssuedTokens(access, self.expires_in, refresh, scopes)

    # ----------------------------------------------------------------- refresh
    def begin_refresh(self, now: datetime, client_id: str, refresh_token: str) -> Grant:
        wanted = token_hash(refresh_token)
        grant = next((g for g in self.grants.values() if g.refresh_hash == wanted), None)
        if grant is None or grant.client_id != client_id or not grant.live(now):
            raise OAuthError(400, "invalid_grant", "refresh_token is invalid")
        if grant.refreshing:
            raise OAuthError(400, "invalid_request", "Refresh operation is already in progress")
        grant.refreshing = True
        return grant

    def finish_refresh(self, now: datetime, grant: Grant) -> IssuedTokens:
        """Rotate: a new refresh token replaces the old one; the grant's access tokens die."""
        grant.refreshing = False
        for record in self.access.values():
            if record.grant_id == grant.grant_id:
                record.revoked = True
        refresh = new_token()
        grant.refresh_hash = token_hash(refresh)
        access = self._issue_access(now, grant.client_id, grant.scopes, grant)
        return IssuedTokens(access, self.expires_in, refresh)

    def abort_refresh(self, grant: Grant) -> None:
        grant.refreshing = False

    def revoke(self, user_id: str, client_id: str | None = None) -> int:
        count = 0
        for grant in self.grants.values():
            if grant.user_id == user_id and client_id in (None, grant.client_id):
                grant.revoked = True
                count += 1
        return count

    # ----------------------------------------------------------------- housekeeping
    def purge(self, now: datetime) -> None:
        """Forget what can never be used again (keeps the state file small)."""
        self.access = {h: t for h, t in self.access.items() if not t.revoked and now < t.expires_at}
        self.codes = {h: c for h, c in self.codes.items() if not c.used and now < c.expires_at}
        self.pending = {k: p for k, p in self.pending.items() if now < p.expires_at}
        self.sessions = {k: s for k, s in self.sessions.items() if now < s[1]}

    def to_json(self) -> dict[str, Any]:
        return {
            "grants": [
                {
                    "grantId": g.grant_id,
                    "clientId": g.client_id,
                    "userId": g.user_id,
                    "scopes": list(g.scopes),
                    "grantedAt": g.granted_at.isoformat(),
                    "expiresAt": g.expires_at.isoformat(),
                    "refreshHash": g.refresh_hash,
                    "revoked": g.revoked,
                }
                for g in self.grants.values()
            ],
            "accessTokens": [
                {
                    "hash": h,
                    "clientId": t.client_id,
                    "scopes": list(t.scopes),
                    "expiresAt": t.expires_at.isoformat(),
                    "grantId": t.grant_id,
                    "userId": t.user_id,
                }
                for h, t in self.access.items()
            ],
        }

    def load_json(self, data: dict[str, Any]) -> None:
        for g in data.get("grants", []):
            self.grants[g["grantId"]] = Grant(
                grant_id=g["grantId"],
                client_id=g["clientId"],
                user_id=g["userId"],
                scopes=tuple(g["scopes"]),
                granted_at=datetime.fromisoformat(g["grantedAt"]),
                expires_at=datetime.fromisoformat(g["expiresAt"]),
                refresh_hash=g["refreshHash"],
                revoked=bool(g["revoked"]),
            )
        for t in data.get("accessTokens", []):
            self.access[t["hash"]] = AccessToken(
                client_id=t["clientId"],
                scopes=tuple(t["scopes"]),
                expires_at=datetime.fromisoformat(t["expiresAt"]),
                grant_id=t["grantId"],
                user_id=t["userId"],
            )


def _verifier_well_formed(verifier: str) -> bool:
    allowed = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    return 43 <= len(verifier) <= 128 and set(verifier) <= allowed
