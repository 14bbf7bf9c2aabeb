"""Owner-only pages and the webhook refuse everyone else, and a bad callback stores nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from hmrc_sync.app import create_app
from hmrc_sync.app.security import PendingStates
from hmrc_sync.bootstrap import bootstrap
from hmrc_sync.settings import load_settings

ADMIN = "admin-token-for-tests-123-0123456789abcdef"
WEBHOOK = "webhook-token-for-tests-456-0123456789abcdef"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = load_settings(
        database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
        admin_token=ADMIN,
        webhook_token=WEBHOOK,
        client_id="client-id",
        client_secret="client-secret-xyz",
        api_base_url="http://hmrc.invalid",
        token_file=tmp_path / "token.json",
    )
    container = bootstrap(settings)
    with TestClient(create_app(container), base_url="https://sync.example") as test_client:
        yield test_client
    container.close()


def _sign_in(client: TestClient) -> None:
    response = client.post(
        "/owner/login", data={"admin_token": ADMIN, "next": "/authorize"}, follow_redirects=False
    )
    assert response.status_code == 303


def test_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_authorize_without_the_admin_token_is_401(client: TestClient) -> None:
    response = client.get("/authorize", follow_redirects=False)
    assert response.status_code == 401
    assert "Admin token" in response.text
    wrong = client.post("/owner/login", data={"admin_token": "nope", "next": "/authorize"})
    assert wrong.status_code == 401
    assert client.get("/authorize", follow_redirects=False).status_code == 401


def test_owner_cookie_is_signed_httponly_and_samesite(client: TestClient) -> None:
    response = client.post(
        "/owner/login", data={"admin_token": ADMIN, "next": "/authorize"}, follow_redirects=False
    )
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=strict" in cookie
    assert "secure" in cookie
    assert ADMIN.lower() not in cookie
    client.cookies.set("hmrc_sync_owner", "forged-value")
    assert client.get("/authorize", follow_redirects=False).status_code == 401


def test_authorize_redirects_to_hmrc_with_state_and_pkce(client: TestClient) -> None:
    _sign_in(client)
    response = client.get("/authorize", follow_redirects=False)
    assert response.status_code == 303
    target = urlsplit(response.headers["location"])
    assert (
        f"{target.scheme}://{target.netloc}{target.path}" == "http://hmrc.invalid/oauth/authorize"
    )
    query = parse_qs(target.query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["client_id"] == ["client-id"]
    assert query["state"][0]


def test_bearer_admin_token_also_works(client: TestClient) -> None:
    response = client.get(
        "/authorize", headers={"Authorization": f"Bearer {ADMIN}"}, follow_redirects=False
    )
    assert response.status_code == 303


@pytest.mark.parametrize("kind", ["wrong", "missing", "other-browser"])
def test_callback_with_a_bad_state_is_400_and_stores_nothing(
    client: TestClient, tmp_path: Path, kind: str
) -> None:
    _sign_in(client)
    started = client.get("/authorize", follow_redirects=False)
    state = parse_qs(urlsplit(started.headers["location"]).query)["state"][0]
    if kind == "wrong":
        response = client.get("/callback", params={"code": "c", "state": state + "x"})
    elif kind == "missing":
        response = client.get("/callback", params={"code": "c"})
    else:
        client.cookies.clear()
        response = client.get("/callback", params={"code": "c", "state": state})
    assert response.status_code == 400
    assert not (tmp_path / "token.json").exists()


def test_callback_state_is_single_use_and_expires(client: TestClient, tmp_path: Path) -> None:
    _sign_in(client)
    started = client.get("/authorize", follow_redirects=False)
    state = parse_qs(urlsplit(started.headers["location"]).query)["state"][0]
    denied = client.get("/callback", params={"error": "access_denied", "state": state})
    assert denied.status_code == 400
    assert "chose not to grant" in denied.text
    reused = client.get("/callback", params={"code": "c", "state": state})
    assert reused.status_code == 400
    assert "already used" in reused.text
    # An expired state: the pending store forgets states older than its max age.
    client.app.state.hmrc_sync.pending = PendingStates(max_age_s=0)  # type: ignore[attr-defined]
    again = client.get("/authorize", follow_redirects=False)
    state = parse_qs(urlsplit(again.headers["location"]).query)["state"][0]
    expired = client.get("/callback", params={"code": "c", "state": state})
    assert expired.status_code == 400
    assert not (tmp_path / "token.json").exists()


@pytest.mark.parametrize(
    "header", [None, "Bearer wrong-token", f"Basic {WEBHOOK}", "Bearer ", f"Bearer {ADMIN}"]
)
def test_sync_needs_the_webhook_token(client: TestClient, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    response = client.post("/sync", headers=headers)
    assert response.status_code == 401
    assert WEBHOOK not in response.text
