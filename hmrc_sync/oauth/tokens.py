"""OAuth 2.0 with HMRC: the token endpoint (code exchange, refresh) and refresh-token rotation.

HMRC's refresh tokens are single-use: every refresh returns a new pair and kills the old one,
so a refresh whose answer is lost, or two processes refreshing at once, ends the grant. The
``TokenManager`` follows design.md's protocol:

1. take a cross-process lock;
2. re-read the stored token (another process may have refreshed already);
3. refresh only when the access token expires within a minute (or HMRC just refused it);
4. write the new pair at once, before using it (the store's compare-and-set on the version read
   in step 2);
5. on ``invalid_grant``, record "re-authorisation required" in the store and raise
   ``ReauthorisationRequired`` — never retry in a loop.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

import httpx
from pydantic import SecretStr

from hmrc_sync.errors import (
    AuthorisationError,
    HmrcUnavailable,
    ReauthorisationRequired,
    TokenConflictError,
)
from hmrc_sync.oauth.locks import LockFactory
from hmrc_sync.tokenstore import Grant, TokenRecord, TokenStore, Versioned

log = logging.getLogger(__name__)

REFRESH_LEEWAY: Final = dt.timedelta(minutes=1)
Clock = Callable[[], dt.datetime]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# --------------------------------------------------------------------------- token endpoint
class OAuthError(AuthorisationError):
    """HMRC's token endpoint refused a request (RFC 6749 ``error``)."""

    def __init__(self, error: str, description: str | None, status: int) -> None:
        super().__init__(
            f"HMRC's token endpoint refused the request: {error}"
            + (f" ({description})" if description else "")
        )
        self.error = error
        self.description = description
        self.status = status


@dataclass(frozen=True)
class TokenResponse:
    access_token: SecretStr
    refresh_token: SecretStr | None
    expires_in: int
    scopes: tuple[str, ...]


class TokenEndpoint:
    """``POST /oauth/token``. Given its httpx client (base URL = HMRC's API host)."""

    def __init__(self, http: httpx.Client, client_id: str, client_secret: SecretStr) -> None:
        self._http = http
        self._client_id = client_id
        self._client_secret = client_secret

    def exchange_code(
        self, code: str, redirect_uri: str, code_verifier: SecretStr
    ) -> TokenResponse:
        return self._post(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": code_verifier.get_secret_value(),
            }
        )

    def refresh(self, refresh_token: SecretStr) -> TokenResponse:
        return self._post(
            {"grant_type": "refresh_token", "refresh_token": refresh_token.get_secret_value()}
        )

    def client_credentials(self, scopes: Sequence[str] = ()) -> TokenResponse:
        form = {"grant_type": "client_credentials"}
        if scopes:
            form["scope"] = " ".join(scopes)
        return self._post(form)

    def _post(self, form: dict[str, str]) -> TokenResponse:
        body = {
            **form,
            "client_id": self._client_id,
            "client_secret": self._client_secret.get_secret_value(),
        }
        try:
            response = self._http.post("/oauth/token", data=body)
        except httpx.TransportError as exc:
            raise HmrcUnavailable(
                f"could not reach HMRC's token endpoint ({type(exc).__name__}); try again later"
            ) from None
        if response.status_code >= 500:
            raise HmrcUnavailable(
                f"HMRC's token endpoint answered {response.status_code}; try again later",
                status=response.status_code,
            )
        payload = _json_object(response)
        if response.status_code != 200:
            raise OAuthError(
                str(payload.get("error", f"http_{response.status_code}")),
                _str_or_none(payload.get("error_description")),
                response.status_code,
            )
        try:
            refresh = payload.get("refresh_token")
            return TokenResponse(
                access_token=SecretStr(str(payload["access_token"])),
                refresh_token=SecretStr(str(refresh)) if refresh else None,
                expires_in=int(payload.get("expires_in", 14400)),
                scopes=tuple(str(payload.get("scope", "")).split()),
            )
        except (KeyError, TypeError, ValueError):
            raise AuthorisationError("HMRC's token endpoint sent an unreadable answer") from None


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        payload = response.json()
    except ValueError:
        return {}
    return payload if isinstance(payload, dict) else {}


def _str_or_none(value: object) -> str | None:
    return None if value is None else str(value)


# --------------------------------------------------------------------------- grants
def grant_from_response(
    response: TokenResponse, now: dt.datetime, requested_scopes: Sequence[str]
) -> Grant:
    if response.refresh_token is None:
        raise AuthorisationError("HMRC granted access without a refresh token")
    return Grant(
        access_token=response.access_token,
        refresh_token=response.refresh_token,
        access_token_expires_at=now + dt.timedelta(seconds=response.expires_in),
        granted_at=now,
        scopes=response.scopes or tuple(requested_scopes),
        refreshed_at=None,
    )


class TokenManager:
    """Hands out a valid access token, refreshing by the rotation protocol when needed."""

    def __init__(
        self,
        store: TokenStore,
        endpoint: TokenEndpoint,
        lock: LockFactory,
        *,
        clock: Clock = utcnow,
        on_refresh: Callable[[bool], None] | None = None,
    ) -> None:
        self._store = store
        self._endpoint = endpoint
        self._lock = lock
        self._clock = clock
        self._on_refresh = on_refresh or (lambda _ok: None)

    def access_token(self) -> SecretStr:
        current = self._read()
        grant = self._usable_grant(current)
        if not self._expiring(grant):
            return grant.access_token
        return self._refresh(stale=None)

    def refresh_after_rejection(self, rejected: SecretStr) -> SecretStr:
        """HMRC refused ``rejected`` (401): refresh unless another process already did."""
        return self._refresh(stale=rejected)

    def store_new_grant(self, grant: Grant) -> None:
        """Replace whatever is stored with a fresh grant (after the owner's consent)."""
        with self._lock():
            current = self._store.read()
            if current is None:
                self._store.write(TokenRecord.new().with_grant(grant), expected_version=None)
            else:
                self._store.write(current.value.with_grant(grant), expected_version=current.version)

    # ------------------------------------------------------------------ internals
    def _read(self) -> Versioned[TokenRecord]:
        current = self._store.read()
        if current is None or current.value.grant is None:
            raise ReauthorisationRequired(
                "no HMRC grant is stored yet: run `hmrc-sync auth login` "
                "(or open /authorize on the service) to grant access"
            )
        return current

    def _usable_grant(self, current: Versioned[TokenRecord]) -> Grant:
        record = current.value
        if record.reauthorisation_required:
            raise ReauthorisationRequired(
                ReauthorisationRequired.default_message
                + (
                    f" (HMRC said: {record.reauthorisation_reason})"
                    if record.reauthorisation_reason
                    else ""
                )
            )
        assert record.grant is not None
        return record.grant

    def _expiring(self, grant: Grant) -> bool:
        return grant.access_token_expires_at - self._clock() <= REFRESH_LEEWAY

    def _refresh(self, stale: SecretStr | None) -> SecretStr:
        with self._lock():
            current = self._read()  # step 2: another process may have refreshed already
            grant = self._usable_grant(current)
            if stale is None and not self._expiring(grant):
                return grant.access_token
            if stale is not None and grant.access_token.get_secret_value() != (
                stale.get_secret_value()
            ):
                return grant.access_token
            try:
                response = self._call_refresh(grant.refresh_token)
            except OAuthError as exc:
                self._on_refresh(False)
                if exc.error == "invalid_grant":
                    self._mark_reauthorisation_required(current, exc.description or exc.error)
                raise
            except HmrcUnavailable:
                self._on_refresh(False)
                raise
            if response.refresh_token is None:
                self._on_refresh(False)
                raise AuthorisationError("HMRC refreshed the token without a new refresh token")
            now = self._clock()
            renewed = grant.refreshed(
                access_token=response.access_token,
                refresh_token=response.refresh_token,
                access_token_expires_at=now + dt.timedelta(seconds=response.expires_in),
                refreshed_at=now,
            )
            try:  # step 4: persist before use
                self._store.write(
                    replace(current.value, grant=renewed), expected_version=current.version
                )
            except TokenConflictError:
                self._on_refresh(False)
                raise AuthorisationError(
                    "the token store changed while refreshing (held lock bypassed?); "
                    "the new token could not be saved — run `hmrc-sync auth status`"
                ) from None
            self._on_refresh(True)
            log.info("access token refreshed; expires at %s", renewed.access_token_expires_at)
            return renewed.access_token

    def _call_refresh(self, refresh_token: SecretStr) -> TokenResponse:
        """One refresh, and at most one more when the first answer was lost in transit.

        If HMRC did rotate the token before the connection dropped, the second attempt gets
        ``invalid_grant`` and the grant is recorded as needing re-authorisation; if the first
        never reached HMRC, the second succeeds. Either way there is no loop.
        """
        try:
            return self._endpoint.refresh(refresh_token)
        except HmrcUnavailable as exc:
            if exc.status is not None:  # HMRC answered with 5xx: nothing was rotated
                raise
            log.warning("the refresh answer was lost in transit; trying once more")
            return self._endpoint.refresh(refresh_token)

    def _mark_reauthorisation_required(self, current: Versioned[TokenRecord], reason: str) -> None:
        record = current.value.requiring_reauthorisation(reason)
        try:
            self._store.write(record, expected_version=current.version)
        except TokenConflictError:
            log.warning("could not record re-authorisation required: the store changed")
        raise ReauthorisationRequired(
            ReauthorisationRequired.default_message + f" (HMRC said: {reason})"
        )


# --------------------------------------------------------------------------- httpx.Auth
class HmrcAuth(httpx.Auth):
    """Adds ``Authorization: Bearer``; after a 401 ``INVALID_CREDENTIALS`` refreshes once and
    retries the request once."""

    requires_response_body = True

    def __init__(self, manager: TokenManager) -> None:
        self._manager = manager

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """httpx reads the 401's body for us (``requires_response_body``) before we see it."""
        token = self._manager.access_token()
        request.headers["Authorization"] = f"Bearer {token.get_secret_value()}"
        response = yield request
        if response.status_code == 401 and _hmrc_code(response) == "INVALID_CREDENTIALS":
            token = self._manager.refresh_after_rejection(token)
            request.headers["Authorization"] = f"Bearer {token.get_secret_value()}"
            yield request


def _hmrc_code(response: httpx.Response) -> str | None:
    code = _json_object(response).get("code")
    return str(code) if code is not None else None
