"""An error no route handles: a 500 with the message page (security headers, no traceback, no
secret, a reference also logged with the traceback) for a browser, and JSON for machines."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hmrc_sync.app import create_app
from hmrc_sync.bootstrap import bootstrap
from hmrc_sync.db.engine import upgrade
from hmrc_sync.errors import TokenStoreError
from hmrc_sync.settings import load_settings

ADMIN = "admin-token-for-the-error-page-tests-0123456789"
WEBHOOK = "webhook-token-for-the-error-page-tests-0123456789"
SECRET = "client-secret-that-must-stay-hidden"
FAILURE = f"boom: the failing part said {SECRET}"
OWNER = {"Authorization": f"Bearer {ADMIN}"}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = load_settings(
        database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
        admin_token=ADMIN,
        webhook_token=WEBHOOK,
        client_id="client-id",
        client_secret=SECRET,
        api_base_url="http://hmrc.invalid",
        token_file=tmp_path / "token.json",
    )
    container = bootstrap(settings)
    upgrade(container.engine)
    with TestClient(create_app(container), base_url="https://sync.example") as test_client:
        yield test_client
    container.close()


def _fail(*_: object, **__: object) -> None:
    raise RuntimeError(FAILURE)


def _reference(text: str) -> str:
    found = re.search(r"reference ([0-9a-f]{12})", text)
    assert found, text
    return found.group(1)


def _logged(caplog: pytest.LogCaptureFixture, reference: str) -> logging.LogRecord:
    records = [r for r in caplog.records if reference in r.getMessage()]
    assert len(records) == 1, [r.getMessage() for r in caplog.records]
    return records[0]


def test_a_failing_page_shows_the_message_page_and_logs_the_traceback(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr("hmrc_sync.app.routes.status.status_context", _fail)
    with caplog.at_level(logging.ERROR, logger="hmrc_sync.app"):
        response = client.get("/", headers=OWNER)
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>Something went wrong</h1>" in response.text
    assert "Try again" in response.text
    assert "check the service&#39;s log for reference" in response.text
    for hidden in ("Traceback", "RuntimeError", "boom", SECRET, ADMIN):
        assert hidden not in response.text
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"
    record = _logged(caplog, _reference(response.text))
    assert record.exc_info is not None
    assert record.exc_info[0] is RuntimeError
    assert "GET /" in record.getMessage()


def test_an_hmrc_sync_error_says_what_failed(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def store_down(*_: object) -> None:
        raise TokenStoreError("the token file cannot be read (permission denied)")

    monkeypatch.setattr("hmrc_sync.app.routes.status.status_context", store_down)
    response = client.get("/", headers=OWNER)
    assert response.status_code == 500
    assert "the token file cannot be read (permission denied)" in response.text


def test_a_failing_post_links_back_to_the_status_page(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("hmrc_sync.app.routes.oauth.tokens_match", _fail)
    response = client.post("/owner/login", data={"admin_token": ADMIN, "next": "/"})
    assert response.status_code == 500
    assert '<a href="/">Back to the status page</a>' in response.text


@pytest.mark.parametrize(
    ("method", "path", "target", "headers"),
    [
        ("GET", "/metrics", "hmrc_sync.app.routes.ops.generate_latest", {}),
        ("GET", "/readyz", "hmrc_sync.app.routes.ops.current_revision", {}),
        (
            "POST",
            "/sync",
            "hmrc_sync.app.routes.sync.run_sync_job",
            {"Authorization": f"Bearer {WEBHOOK}"},
        ),
    ],
)
def test_machine_routes_answer_json_without_a_traceback(
    client: TestClient,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    method: str,
    path: str,
    target: str,
    headers: dict[str, str],
) -> None:
    monkeypatch.setattr(target, _fail)
    with caplog.at_level(logging.ERROR, logger="hmrc_sync.app"):
        response = client.request(method, path, headers=headers)
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["error"] == "internal_error"
    assert f"reference {body['reference']}" in body["message"]
    for hidden in ("Traceback", "RuntimeError", "boom", SECRET, WEBHOOK):
        assert hidden not in response.text
    record = _logged(caplog, body["reference"])
    assert record.exc_info is not None
    assert f"{method} {path}" in record.getMessage()


@pytest.mark.parametrize(
    ("path", "accept", "expected"),
    [
        ("/healthz", "*/*", True),
        ("/sync/browser/abc", "*/*", True),
        ("/sync/browser", "application/json", True),
        ("/sync/browser", "text/html", False),
        ("/", "text/html,application/xhtml+xml", False),
    ],
)
def test_which_requests_get_json(path: str, accept: str, expected: bool) -> None:
    from starlette.requests import Request

    from hmrc_sync.app.pages import wants_json

    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "headers": [(b"accept", accept.encode())],
    }
    assert wants_json(Request(scope)) is expected
