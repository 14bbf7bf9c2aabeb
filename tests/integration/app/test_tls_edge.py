"""Behind a TLS-terminating edge: the scheme from trusted proxies only, Secure cookies, the
same-origin check of "Sync now", security headers on every page, slow wrong tokens, sign-out."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from hmrc_sync.app import create_app
from hmrc_sync.app.deps import AppState
from hmrc_sync.app.security import WrongTokenBackoff
from hmrc_sync.bootstrap import bootstrap
from hmrc_sync.db.engine import upgrade
from hmrc_sync.errors import ConfigurationError
from hmrc_sync.settings import load_settings

ADMIN = "admin-token-for-the-tls-edge-tests-0123456789"
WEBHOOK = "webhook-token-for-the-tls-edge-tests-0123456789"
EDGE = "10.10.0.7"  # the ingress controller's pod address

MakeClient = Callable[..., TestClient]


@pytest.fixture
def make_client(tmp_path: Path) -> Iterator[MakeClient]:
    made: list[tuple[TestClient, Any]] = []

    def make(
        peer: str = EDGE, base_url: str = "http://sync.example", **settings: Any
    ) -> TestClient:
        values: dict[str, Any] = {
            "database_url": f"sqlite:///{tmp_path / 'db.sqlite'}",
            "admin_token": ADMIN,
            "webhook_token": WEBHOOK,
            "client_id": "client-id",
            "client_secret": "client-secret-xyz",
            "api_base_url": "http://hmrc.invalid",
            "token_file": tmp_path / "token.json",
            "trusted_proxies": ("10.10.0.0/16",),
        }
        container = bootstrap(load_settings(**{**values, **settings}))
        upgrade(container.engine)
        client = TestClient(create_app(container), base_url=base_url, client=(peer, 41000))
        made.append((client, container))
        return client

    yield make
    for client, container in made:
        client.close()
        container.close()


def _login(client: TestClient, headers: dict[str, str] | None = None) -> Any:
    return client.post(
        "/owner/login",
        data={"admin_token": ADMIN, "next": "/"},
        headers=headers or {},
        follow_redirects=False,
    )


def test_forwarded_https_from_a_trusted_proxy_makes_cookies_secure(make_client: MakeClient) -> None:
    response = _login(make_client(), {"X-Forwarded-Proto": "https"})
    assert response.status_code == 303
    assert "secure" in response.headers["set-cookie"].lower()


def test_forwarded_https_from_anyone_else_is_ignored(make_client: MakeClient) -> None:
    response = _login(make_client(peer="203.0.113.9"), {"X-Forwarded-Proto": "https"})
    assert "secure" not in response.headers["set-cookie"].lower()


def test_secure_cookies_can_be_forced(make_client: MakeClient) -> None:
    response = _login(make_client(peer="203.0.113.9", force_secure_cookies=True))
    assert "secure" in response.headers["set-cookie"].lower()


def test_sync_now_passes_the_same_origin_check_behind_the_edge(make_client: MakeClient) -> None:
    client = make_client()
    headers = {
        "X-Forwarded-Proto": "https",
        "Origin": "https://sync.example",
        "Authorization": f"Bearer {ADMIN}",
    }
    response = client.post("/sync/browser", data={}, headers=headers)
    # Past the same-origin check: the form is judged on its browser data (400), not refused.
    assert response.status_code == 400, response.text
    assert "must be sent from the status page" not in response.text
    spoofed = make_client(peer="203.0.113.9")
    refused = spoofed.post("/sync/browser", data={}, headers=headers)
    assert refused.status_code == 403


@pytest.mark.parametrize("path", ["/", "/authorize", "/callback?state=x"])
def test_every_html_page_carries_the_security_headers(make_client: MakeClient, path: str) -> None:
    client = make_client()
    response = client.get(path, follow_redirects=False)
    assert response.headers["content-type"].startswith("text/html"), path
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy
    assert "script-src 'sha256-" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["cache-control"] == "no-store"


def test_the_status_pages_inline_script_is_the_one_hashed(make_client: MakeClient) -> None:
    import base64
    import hashlib
    import re

    client = make_client()
    page = client.get("/", headers={"Authorization": f"Bearer {ADMIN}"})
    assert page.status_code == 200
    scripts = re.findall(r"<script>(.*?)</script>", page.text, re.DOTALL)
    assert scripts
    policy = page.headers["content-security-policy"]
    for body in scripts:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy


@pytest.mark.parametrize("name", ["admin_token", "webhook_token"])
def test_short_tokens_are_refused_at_start(tmp_path: Path, name: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        load_settings(database_url=f"sqlite:///{tmp_path / 'db'}", **{name: "x" * 31})
    assert "at least 32 characters" in caught.value.message
    assert "x" * 31 not in caught.value.message


def test_wrong_tokens_are_slowed_down_per_client(make_client: MakeClient) -> None:
    client = make_client(peer="203.0.113.9")
    now = [1000.0]
    state: AppState = client.app.state.hmrc_sync  # type: ignore[attr-defined]
    state.backoff = WrongTokenBackoff(clock=lambda: now[0])
    wrong = {"Authorization": "Bearer wrong"}
    for _ in range(4):
        assert client.post("/sync", headers=wrong).status_code == 401
    # Now even the right token waits, from this client only.
    right = {"Authorization": f"Bearer {WEBHOOK}"}
    slowed = client.post("/sync?tax_year=not-a-year", headers=right)
    assert slowed.status_code == 429
    assert int(slowed.headers["retry-after"]) >= 1
    other = make_client(peer="198.51.100.4")
    other.app.state.hmrc_sync.backoff = state.backoff  # type: ignore[attr-defined]
    assert other.post("/sync?tax_year=not-a-year", headers=right).status_code == 400
    for _ in range(3):
        client.post("/owner/login", data={"admin_token": "wrong", "next": "/"})
    assert _login(client).status_code == 429
    now[0] += 3600
    assert client.post("/sync?tax_year=not-a-year", headers=right).status_code == 400


def test_the_owner_can_sign_out(make_client: MakeClient) -> None:
    client = make_client()
    _login(client)
    assert client.get("/").status_code == 200
    signed_out = client.post("/owner/logout")
    assert signed_out.status_code == 200
    assert "signed out" in signed_out.text
    assert client.get("/").status_code == 401
