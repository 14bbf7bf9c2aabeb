"""Web sign-in with the default settings on a laptop: the callback answers on the redirect
URI's own path, ``/authorize`` moves the browser to the redirect URI's loopback origin first,
and with no admin token the page says how to set one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from hmrc_sync.app import create_app
from hmrc_sync.bootstrap import bootstrap
from hmrc_sync.settings import Settings, load_settings

ADMIN = "admin-token-for-tests-0123456789abcdef"


def _settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": f"sqlite:///{tmp_path / 'db.sqlite'}",
        "admin_token": ADMIN,
        "client_id": "client-id",
        "client_secret": "client-secret-xyz",
        "api_base_url": "http://hmrc.invalid",
        "token_file": tmp_path / "token.json",
    }
    return load_settings(**{**values, **overrides})


@pytest.fixture
def make_client(tmp_path: Path) -> Iterator[Any]:
    containers = []

    def make(base_url: str, **overrides: Any) -> TestClient:
        container = bootstrap(_settings(tmp_path, **overrides))
        containers.append(container)
        return TestClient(create_app(container), base_url=base_url)

    yield make
    for container in containers:
        container.close()


def test_the_default_redirect_uri_is_the_default() -> None:
    assert Settings.model_fields["redirect_uri"].default == "http://localhost:8080/oauth/callback"


@pytest.mark.parametrize("path", ["/oauth/callback", "/callback"])
def test_the_callback_answers_on_the_default_redirect_path_and_on_callback(
    make_client: Any, path: str
) -> None:
    client = make_client("http://localhost:8080")
    response = client.get(f"{path}?state=unknown&code=abc")
    assert response.status_code == 400, "answered by the callback, not a 404"
    assert "not valid for this browser" in response.text


def test_a_custom_redirect_path_is_answered(make_client: Any) -> None:
    client = make_client("http://localhost:8080", redirect_uri="http://localhost:8080/hmrc/return")
    assert client.get("/hmrc/return?state=x&code=y").status_code == 400
    assert client.get("/oauth/callback?state=x&code=y").status_code == 404


def test_authorize_on_127_moves_the_browser_to_the_redirect_uris_origin(
    make_client: Any,
) -> None:
    client = make_client("http://127.0.0.1:8080")
    response = client.get("/authorize", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "http://localhost:8080/authorize"


def test_authorize_on_the_redirect_origin_is_not_moved(make_client: Any) -> None:
    client = make_client("http://localhost:8080")
    response = client.get("/authorize", follow_redirects=False)
    assert response.status_code == 401, "the owner sign-in, on the right origin"


def test_behind_a_proxy_the_request_host_is_never_compared(make_client: Any) -> None:
    client = make_client("http://10.0.0.5:8080", redirect_uri="https://sync.example/callback")
    response = client.get("/authorize", follow_redirects=False)
    assert response.status_code == 401


def test_with_no_admin_token_the_page_says_how_to_set_one(make_client: Any) -> None:
    client = make_client("http://localhost:8080", admin_token=None)
    response = client.get("/authorize", follow_redirects=False)
    assert response.status_code == 503
    assert "HMRC_SYNC_ADMIN_TOKEN" in response.text
    assert "restart hmrc-sync serve" in response.text
    assert 'name="admin_token"' not in response.text, "no form that can never succeed"
