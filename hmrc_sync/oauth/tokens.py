"""OAuth 2.0 with HMRC: the token endpoint (code exchange, refresh) and refresh-token rotation.

HMRC's refresh tokens are single-use: every refresh returns a new pair and kills the old one,
so a refresh whose answer is lost, or two processes refreshing at once, ends the grant. The
``TokenManager`` follows design.md's protocol:

1. take a cross-process lock;
2. re-read the stored token (another process may have refreshed already);
3. refresh only when the access token expires within a minute (or HMRC just refused it);
4. write the new pair at once, before using it (the store's compare-and-set on the version read
   in step 2);
5. on ``invalid_grant``, re-read the store first (another process whose lock silently
   dropped may have rotated the token and be writing it), and only when nothing changed
   record "re-authorisation required" and raise ``ReauthorisationRequired`` — never retry in
   a loop.

Local faults never lose the grant: before the call to HMRC the recovery file is reserved (the
disk is proven writable) and the lock is checked; after it, the store's write is retried and,
if it still fails, the new pair goes into the recovery file, which the next run adopts.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

import httpx
from pydantic import SecretStr

from hmrc_sync.errors import (
    AuthorisationError,
    ConfigurationError,
    HmrcSyncError,
    HmrcUnavailable,
    ReauthorisationRequired,
    TokenConflictError,
    TokenStoreError,
)
from hmrc_sync.oauth.locks import HeldLock, LockFactory
from hmrc_sync.oauth.recovery import RecoveryFile
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

    def check_client(self) -> None:
        """Ask for an application token (``client_credentials``) to prove the client id and
        secret before anyone is sent to sign in: HMRC answers ``invalid_client`` at once for
        a wrong pair, where a sign-in would only fail after the owner had granted access.

        Raises ``ConfigurationError`` (exit 2) when HMRC refuses the pair, ``HmrcUnavailable``
        (exit 4) when the token endpoint cannot be reached. Any other refusal (this grant
        type not allowed for the application, say) proves nothing either way and is ignored.
        """
        try:
            self.client_credentials()
        except OAuthError as exc:
            if exc.error == "invalid_client" or exc.status == 401:
                raise ConfigurationError(
                    "HMRC does not recognise HMRC_SYNC_CLIENT_ID and HMRC_SYNC_CLIENT_SECRET "
                    f"({exc.error}): copy both from your application on HMRC's Developer Hub "
                    "(or from what `hmrc-sync emulator` prints), and check that "
                    "HMRC_SYNC_API_BASE_URL is the environment the application belongs to "
                    "(sandbox or production)"
                ) from None
            log.warning("the client-credentials check was refused (%s); going on", exc.error)

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
                f"could not reach HMRC's token endpoint ({type(exc).__name__}); check the "
                "network and HMRC_SYNC_API_BASE_URL, or try again later"
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
        recovery: RecoveryFile | None = None,
        write_attempts: int = 3,
        reread_wait_s: float = 0.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._store = store
        self._endpoint = endpoint
        self._lock = lock
        self._clock = clock
        self._on_refresh = on_refresh or (lambda _ok: None)
        self._recovery = recovery
        self._write_attempts = max(1, write_attempts)
        self._reread_wait_s = reread_wait_s
        self._sleep = sleep

    def access_token(self) -> SecretStr:
        if self._recovery is not None and self._recovery.load() is not None:
            with self._lock():
                self._adopt_recovered()
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
        with self._lock() as held:
            self._adopt_recovered()
            current = self._read()  # step 2: another process may have refreshed already
            grant = self._usable_grant(current)
            if stale is None and not self._expiring(grant):
                return grant.access_token
            if stale is not None and grant.access_token.get_secret_value() != (
                stale.get_secret_value()
            ):
                return grant.access_token
            if self._recovery is not None:
                self._recovery.reserve()  # the disk takes the new pair even if the store won't
            _check_held(held, "before asking HMRC")
            try:
                response = self._call_refresh(grant.refresh_token)
            except OAuthError as exc:
                self._on_refresh(False)
                if exc.error == "invalid_grant":
                    rotated = self._rotated_elsewhere(grant)
                    if rotated is not None:
                        return rotated
                    self._mark_reauthorisation_required(current, exc.description or exc.error)
                raise
            except HmrcUnavailable:
                self._on_refresh(False)
                raise
            if response.refresh_token is None:
                self._on_refresh(False)
                raise AuthorisationError("HMRC refreshed the token without a new refresh token")
            if held is not None and not held.still_held():
                log.warning(
                    "the refresh lock was lost while HMRC answered; saving the new pair anyway "
                    "(it is the only valid one)"
                )
            now = self._clock()
            renewed = grant.refreshed(
                access_token=response.access_token,
                refresh_token=response.refresh_token,
                access_token_expires_at=now + dt.timedelta(seconds=response.expires_in),
                refreshed_at=now,
            )
            self._persist(current, replace(current.value, grant=renewed))  # step 4
            self._on_refresh(True)
            log.info("access token refreshed; expires at %s", renewed.access_token_expires_at)
            return renewed.access_token

    def _persist(self, current: Versioned[TokenRecord], record: TokenRecord) -> None:
        """Write the new pair before it is used: retried, else kept in the recovery file."""
        failure: HmrcSyncError | None = None
        for attempt in range(self._write_attempts):
            try:
                self._store.write(record, expected_version=current.version)
                return
            except TokenConflictError:
                self._on_refresh(False)
                self._keep_in_recovery(record)
                raise AuthorisationError(
                    "the token store changed while refreshing (held lock bypassed?); "
                    "the new pair was kept in the recovery file and the next run uses it; "
                    "run `hmrc-sync auth status`"
                ) from None
            except (TokenStoreError, ConfigurationError) as exc:  # a path gone unwritable too
                failure = exc
                log.warning("could not save the refreshed token (attempt %d)", attempt + 1)
                self._sleep(0.2 * (attempt + 1))
        self._on_refresh(False)
        kept = self._keep_in_recovery(record)
        where = f"kept in {self._recovery.path}" if kept and self._recovery else "LOST"
        raise TokenStoreError(
            f"{failure.message if failure else 'the token store failed'}; HMRC had already "
            f"rotated the token, so the new pair was {where}"
            + ("; the next run adopts it (no re-authorisation needed)" if kept else "")
        )

    def _keep_in_recovery(self, record: TokenRecord) -> bool:
        if self._recovery is None:
            return False
        try:
            self._recovery.save(record)
        except TokenStoreError:
            log.error("the refreshed token could not be kept in the recovery file either")
            return False
        log.warning("the refreshed token was kept in the recovery file %s", self._recovery.path)
        return True

    def _adopt_recovered(self) -> None:
        """Under the lock: move a pair kept in the recovery file into the store."""
        if self._recovery is None:
            return
        recovered = self._recovery.load()
        if recovered is None or recovered.grant is None:
            return
        current = self._store.read()
        stored = current.value.grant if current is not None else None
        newer = stored is None or (recovered.grant.refreshed_at or recovered.grant.granted_at) > (
            stored.refreshed_at or stored.granted_at
        )
        if newer:
            base = current.value if current is not None else recovered
            self._store.write(
                replace(
                    base,
                    grant=recovered.grant,
                    reauthorisation_required=False,
                    reauthorisation_reason=None,
                ),
                expected_version=current.version if current is not None else None,
            )
            log.warning("adopted the token pair kept in the recovery file %s", self._recovery.path)
        self._recovery.clear()

    def _rotated_elsewhere(self, used: Grant) -> SecretStr | None:
        """After ``invalid_grant``: the access token another process stored with a newer pair
        (waiting up to ``reread_wait_s`` for a writer whose lock dropped), or None."""
        for waited in range(int(self._reread_wait_s / 0.25) + 1):
            if waited:
                self._sleep(0.25)
            current = self._store.read()
            grant = current.value.grant if current is not None else None
            if grant is not None and (
                grant.refresh_token.get_secret_value() != used.refresh_token.get_secret_value()
            ):
                log.warning("HMRC refused the refresh token, but another process had rotated it")
                return grant.access_token
            if self._recovery is not None:
                recovered = self._recovery.load()
                if recovered is not None and recovered.grant is not None:
                    self._adopt_recovered()
                    return recovered.grant.access_token
        return None

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


def _check_held(held: HeldLock | None, when: str) -> None:
    if held is not None and not held.still_held():
        raise TokenStoreError(
            f"the refresh lock was lost {when} (its database connection dropped); nothing was "
            "refreshed and the grant is intact; run again"
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
