"""A failed ``/callback`` says what happened, stores nothing, and leaves the owner a way on:
"Start again" (``/authorize``) always, and a reload that retries when HMRC's token endpoint
could not be reached."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from hmrc_sync.app import create_app
from hmrc_sync.bootstrap import bootstrap
from hmrc_sync.errors import TokenStoreError
from hmrc_sync.settings import load_settings

ADMIN = "admin-token-for-the-callback-tests-0123456789"
SECRET = "client-secret-of-the-callback-tests"
START_AGAIN = '<a href="/authorize">Start again</a>'
Answer = Callable[[httpx.Request], httpx.Response]


def _granted(_: httpx.Request) -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "access_token": "access-token-from-hmrc",
            "refresh_token": "refresh-token-from-hmrc",
            "expires_in": 14400,
            "scope": "read:individual-tax",
        },
    )


@dataclass
class TokenEndpoint:
    """HMRC's ``POST /oauth/token`` as the test wants it to answer, next answer first."""

    answers: list[Answer] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/oauth/token"
        self.codes.append(parse_qs(request.content.decode())["code"][0])
        return (self.answers.pop(0) if self.answers else _granted)(request)


@dataclass
class Owner:
    client: TestClient
    hmrc: TokenEndpoint
    token_file: Path

    def start(self) -> str:
        """Open ``/authorize`` as the signed-in owner; the ``state`` HMRC will send back."""
        started = self.client.get("/authorize", follow_redirects=False)
        assert started.status_code == 303
        state: str = parse_qs(urlsplit(started.headers["location"]).query)["state"][0]
        return state

    def back(self, **params: str) -> httpx.Response:
        answer: httpx.Response = self.client.get("/callback", params=params)
        return answer


@pytest.fixture
def owner(tmp_path: Path) -> Iterator[Owner]:
    hmrc = TokenEndpoint()
    settings = load_settings(
        database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
        admin_token=ADMIN,
        client_id="client-id",
        client_secret=SECRET,
        api_base_url="https://hmrc.example",
        token_file=tmp_path / "token.json",
    )
    container = bootstrap(settings, transport=httpx.MockTransport(hmrc))
    with TestClient(create_app(container), base_url="https://sync.example") as client:
        signed_in = client.post(
            "/owner/login", data={"admin_token": ADMIN, "next": "/"}, follow_redirects=False
        )
        assert signed_in.status_code == 303
        yield Owner(client, hmrc, tmp_path / "token.json")
    container.close()


def _says(response: httpx.Response, status: int, *phrases: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "content-security-policy" in response.headers
    for phrase in phrases:
        assert phrase in response.text, response.text
    for hidden in (SECRET, ADMIN, "Traceback"):
        assert hidden not in response.text


def test_declining_on_hmrcs_page_says_so_and_the_owner_can_start_again(owner: Owner) -> None:
    state = owner.start()
    declined = owner.back(error="access_denied", state=state)
    _says(declined, 400, "Access not granted", "chose not to grant", START_AGAIN)
    assert owner.hmrc.codes == []
    # Starting again works at once.
    second = owner.start()
    assert second != state
    _says(owner.back(code="code-2", state=second), 200, "Access granted")
    assert owner.token_file.exists()


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        ("server_error", "(server_error)"),
        ("invalid_scope", "(invalid_scope)"),
        ("<script>alert(1)</script>", "HMRC did not grant access. Nothing was changed."),
    ],
)
def test_another_error_from_hmrc_is_named_when_it_is_a_plain_code(
    owner: Owner, error: str, shown: str
) -> None:
    response = owner.back(error=error, state=owner.start())
    _says(response, 400, "Authorisation failed", shown, START_AGAIN)
    assert "<script>alert" not in response.text
    assert not owner.token_file.exists()


def test_no_code_says_so(owner: Owner) -> None:
    _says(owner.back(state=owner.start()), 400, "had no authorisation code", START_AGAIN)
    assert owner.hmrc.codes == []


def test_an_unknown_state_or_another_browsers_link_says_start_again(owner: Owner) -> None:
    owner.start()
    _says(owner.back(code="c", state="made-up"), 400, "not valid for this browser", START_AGAIN)
    assert owner.hmrc.codes == []


def test_a_used_link_cannot_be_reused_but_says_start_again(owner: Owner) -> None:
    state = owner.start()
    _says(owner.back(code="code-1", state=state), 200, "Access granted")
    _says(
        owner.back(code="code-1", state=state),
        400,
        "already used",
        "Start again",
    )
    assert owner.hmrc.codes == ["code-1"]


def test_an_expired_attempt_says_start_again(owner: Owner) -> None:
    from hmrc_sync.app.security import PendingStates

    owner.client.app.state.hmrc_sync.pending = PendingStates(max_age_s=0)  # type: ignore[attr-defined]
    _says(owner.back(code="c", state=owner.start()), 400, "expired", START_AGAIN)
    assert owner.hmrc.codes == []


def _invalid_grant(_: httpx.Request) -> httpx.Response:
    return httpx.Response(
        400, json={"error": "invalid_grant", "error_description": "code is invalid"}
    )


def _invalid_client(_: httpx.Request) -> httpx.Response:
    return httpx.Response(401, json={"error": "invalid_client"})


def test_hmrc_refusing_the_code_says_start_again(owner: Owner) -> None:
    owner.hmrc.answers = [_invalid_grant]
    state = owner.start()
    refused = owner.back(code="stale", state=state)
    _says(refused, 400, "HMRC did not accept the sign-in", START_AGAIN)
    assert not owner.token_file.exists()
    # The attempt is over (HMRC has seen the code): a reload is told to start again.
    _says(owner.back(code="stale", state=state), 400, "already used")
    _says(owner.back(code="fresh", state=owner.start()), 200, "Access granted")


def test_another_refusal_names_hmrcs_error(owner: Owner) -> None:
    owner.hmrc.answers = [_invalid_client]
    refused = owner.back(code="c", state=owner.start())
    _says(refused, 400, "refused the request: invalid_client", START_AGAIN)


def _network_down(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


def _unavailable(_: httpx.Request) -> httpx.Response:
    return httpx.Response(503, text="upstream unavailable")


@pytest.mark.parametrize(
    ("failure", "said"),
    [(_network_down, "Could not reach HMRC"), (_unavailable, "answered 503")],
)
def test_an_unreachable_token_endpoint_keeps_the_attempt_so_a_reload_retries(
    owner: Owner, failure: Answer, said: str
) -> None:
    owner.hmrc.answers = [failure]
    state = owner.start()
    failed = owner.back(code="code-1", state=state)
    _says(failed, 503, "HMRC could not be reached", said, "Reload this page", START_AGAIN)
    assert not owner.token_file.exists()
    retried = owner.back(code="code-1", state=state)  # the browser's reload
    _says(retried, 200, "Access granted")
    assert owner.hmrc.codes == ["code-1", "code-1"]
    stored = json.loads(owner.token_file.read_text())
    assert "refresh-token-from-hmrc" in json.dumps(stored)


def test_a_grant_that_cannot_be_stored_says_so(
    owner: Owner, monkeypatch: pytest.MonkeyPatch
) -> None:
    container = owner.client.app.state.hmrc_sync.container  # type: ignore[attr-defined]

    def store_down(_: object) -> None:
        raise TokenStoreError("the token file cannot be written (read-only file system)")

    monkeypatch.setattr(container.token_manager, "store_new_grant", store_down)
    response = owner.back(code="c", state=owner.start())
    _says(
        response,
        503,
        "Access not saved",
        "could not store it: The token file cannot be written (read-only file system).",
        START_AGAIN,
    )
    assert "access-token-from-hmrc" not in response.text
