"""The rotation protocol, against a real file token store and a scripted token endpoint."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from pydantic import SecretStr

from hmrc_sync.errors import HmrcUnavailable, ReauthorisationRequired
from hmrc_sync.oauth import (
    HmrcAuth,
    OAuthError,
    TokenEndpoint,
    TokenManager,
    pkce_challenge,
    start_authorization,
)
from hmrc_sync.tokenstore import FileTokenStore, Grant, TokenRecord

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


@contextmanager
def no_lock() -> Iterator[None]:
    yield


class ScriptedTokenEndpoint:
    """HMRC's token endpoint as a MockTransport handler: rotates single-use refresh tokens."""

    def __init__(self, refresh_token: str) -> None:
        self.valid_refresh = refresh_token
        self.calls = 0
        self.fail_next: list[Callable[[], httpx.Response]] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        form = parse_qs(request.content.decode())
        assert form["client_id"] == ["client"]
        if self.fail_next:
            return self.fail_next.pop(0)()
        if form["grant_type"] != ["refresh_token"]:
            return httpx.Response(400, json={"error": "unsupported_grant_type"})
        if form["refresh_token"] != [self.valid_refresh]:
            return httpx.Response(
                400,
                json={"error": "invalid_grant", "error_description": "refresh_token is invalid"},
            )
        self.valid_refresh = f"refresh-{self.calls}"
        return httpx.Response(
            200,
            json={
                "access_token": f"access-{self.calls}",
                "refresh_token": self.valid_refresh,
                "expires_in": 14400,
                "token_type": "bearer",
                "scope": "read:individual-tax",
            },
        )


def _grant(access: str, refresh: str, expires_in: dt.timedelta) -> Grant:
    return Grant(
        access_token=SecretStr(access),
        refresh_token=SecretStr(refresh),
        access_token_expires_at=NOW + expires_in,
        granted_at=NOW - dt.timedelta(days=30),
        scopes=("read:individual-tax",),
    )


@pytest.fixture
def store(tmp_path: Path) -> FileTokenStore:
    return FileTokenStore(tmp_path / "tokens" / "token.json")


def _manager(store: FileTokenStore, endpoint: ScriptedTokenEndpoint) -> TokenManager:
    http = httpx.Client(
        base_url="https://hmrc.test", transport=httpx.MockTransport(endpoint.handler)
    )
    return TokenManager(
        store, TokenEndpoint(http, "client", SecretStr("client-secret")), no_lock, clock=lambda: NOW
    )


def _put(store: FileTokenStore, grant: Grant) -> None:
    store.write(TokenRecord.new().with_grant(grant), expected_version=None)


def test_a_fresh_token_is_used_without_refreshing(store: FileTokenStore) -> None:
    _put(store, _grant("access-0", "refresh-0", dt.timedelta(hours=2)))
    endpoint = ScriptedTokenEndpoint("refresh-0")
    assert _manager(store, endpoint).access_token().get_secret_value() == "access-0"
    assert endpoint.calls == 0


def test_an_expiring_token_is_refreshed_and_the_new_pair_stored_first(
    store: FileTokenStore,
) -> None:
    _put(store, _grant("access-0", "refresh-0", dt.timedelta(seconds=30)))
    endpoint = ScriptedTokenEndpoint("refresh-0")
    token = _manager(store, endpoint).access_token()
    assert token.get_secret_value() == "access-1"
    stored = store.read()
    assert stored is not None
    assert stored.value.grant is not None
    assert stored.value.grant.refresh_token.get_secret_value() == "refresh-1"
    assert stored.value.grant.access_token_expires_at == NOW + dt.timedelta(hours=4)
    assert stored.value.grant.granted_at == NOW - dt.timedelta(days=30), "refresh keeps granted_at"
    assert endpoint.calls == 1


def test_invalid_grant_marks_reauthorisation_required_and_never_loops(
    store: FileTokenStore,
) -> None:
    _put(store, _grant("access-0", "stale", dt.timedelta(seconds=0)))
    endpoint = ScriptedTokenEndpoint("something-else")
    manager = _manager(store, endpoint)
    with pytest.raises(ReauthorisationRequired, match="refresh_token is invalid"):
        manager.access_token()
    stored = store.read()
    assert stored is not None
    assert stored.value.reauthorisation_required
    calls = endpoint.calls
    with pytest.raises(ReauthorisationRequired):
        manager.access_token()
    assert endpoint.calls == calls, "a flagged grant is not retried"


def test_a_lost_refresh_answer_is_retried_once_then_ends_in_reauthorisation(
    store: FileTokenStore,
) -> None:
    """HMRC rotated the token but the answer never arrived: the old token is dead."""
    _put(store, _grant("access-0", "refresh-0", dt.timedelta(seconds=0)))
    endpoint = ScriptedTokenEndpoint("refresh-0")

    def rotated_then_dropped() -> httpx.Response:
        endpoint.valid_refresh = "refresh-lost"
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.")

    endpoint.fail_next.append(rotated_then_dropped)
    with pytest.raises(ReauthorisationRequired):
        _manager(store, endpoint).access_token()
    assert endpoint.calls == 2
    stored = store.read()
    assert stored is not None
    assert stored.value.reauthorisation_required


def test_a_lost_request_that_never_reached_hmrc_succeeds_on_the_second_try(
    store: FileTokenStore,
) -> None:
    _put(store, _grant("access-0", "refresh-0", dt.timedelta(seconds=0)))
    endpoint = ScriptedTokenEndpoint("refresh-0")

    def dropped() -> httpx.Response:
        raise httpx.ConnectError("connection refused")

    endpoint.fail_next.append(dropped)
    assert _manager(store, endpoint).access_token().get_secret_value() == "access-2"


def test_hmrc_5xx_on_refresh_is_unavailable_not_reauthorisation(store: FileTokenStore) -> None:
    _put(store, _grant("access-0", "refresh-0", dt.timedelta(seconds=0)))
    endpoint = ScriptedTokenEndpoint("refresh-0")
    endpoint.fail_next.append(lambda: httpx.Response(503, json={"code": "SERVER_ERROR"}))
    with pytest.raises(HmrcUnavailable):
        _manager(store, endpoint).access_token()
    stored = store.read()
    assert stored is not None
    assert not stored.value.reauthorisation_required
    assert endpoint.calls == 1


def test_rejected_token_already_replaced_by_another_process_is_not_refreshed(
    store: FileTokenStore,
) -> None:
    _put(store, _grant("access-new", "refresh-new", dt.timedelta(hours=3)))
    endpoint = ScriptedTokenEndpoint("refresh-new")
    token = _manager(store, endpoint).refresh_after_rejection(SecretStr("access-old"))
    assert token.get_secret_value() == "access-new"
    assert endpoint.calls == 0


def test_no_grant_says_how_to_get_one(store: FileTokenStore) -> None:
    with pytest.raises(ReauthorisationRequired, match="hmrc-sync auth login"):
        _manager(store, ScriptedTokenEndpoint("x")).access_token()


def test_auth_flow_refreshes_once_on_invalid_credentials(store: FileTokenStore) -> None:
    _put(store, _grant("access-0", "refresh-0", dt.timedelta(hours=2)))
    endpoint = ScriptedTokenEndpoint("refresh-0")
    seen: list[str] = []

    def api(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["Authorization"])
        if request.headers["Authorization"] == "Bearer access-0":
            return httpx.Response(
                401,
                json={
                    "code": "INVALID_CREDENTIALS",
                    "message": "Invalid Authentication information provided",
                },
            )
        return httpx.Response(200, json={"ok": True})

    auth = HmrcAuth(_manager(store, endpoint))
    with httpx.Client(transport=httpx.MockTransport(api), auth=auth) as client:
        assert client.get("https://hmrc.test/x").status_code == 200
    assert seen == ["Bearer access-0", "Bearer access-1"]


def test_token_endpoint_errors_are_rfc6749_and_carry_no_secret() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            401,
            json={"error": "invalid_client", "error_description": "invalid client id or secret"},
        )

    http = httpx.Client(base_url="https://hmrc.test", transport=httpx.MockTransport(handler))
    endpoint = TokenEndpoint(http, "client", SecretStr("super-secret-value"))
    with pytest.raises(OAuthError) as info:
        endpoint.refresh(SecretStr("refresh-secret-value"))
    assert info.value.error == "invalid_client"
    text = str(info.value) + repr(info.value)
    assert "super-secret-value" not in text
    assert "refresh-secret-value" not in text


def test_pkce_challenge_matches_rfc_7636_appendix_b() -> None:
    assert (
        pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    )


def test_authorization_url_has_state_and_pkce_and_fresh_values_each_time() -> None:
    first = start_authorization(
        "https://hmrc.test/oauth/authorize", "client", "http://localhost:8080/cb", ["a", "b"]
    )
    second = start_authorization(
        "https://hmrc.test/oauth/authorize", "client", "http://localhost:8080/cb", ["a", "b"]
    )
    query = parse_qs(urlsplit(first.url).query)
    assert query["response_type"] == ["code"]
    assert query["scope"] == ["a b"]
    assert query["state"] == [first.state]
    assert query["code_challenge_method"] == ["S256"]
    assert query["code_challenge"] == [pkce_challenge(first.code_verifier.get_secret_value())]
    assert 43 <= len(first.code_verifier.get_secret_value()) <= 128
    assert first.state != second.state
    assert "client_secret" not in first.url
    assert json.dumps(repr(first)).count(first.code_verifier.get_secret_value()) == 0
