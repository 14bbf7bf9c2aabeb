"""/readyz says the database cannot be read without repeating the driver's text (host, port,
user, database name), which anyone who can reach the port could read."""

from __future__ import annotations

from fastapi.testclient import TestClient

from hmrc_sync.app import create_app
from hmrc_sync.bootstrap import bootstrap
from hmrc_sync.settings import load_settings


def test_an_unreachable_database_is_reported_without_driver_text() -> None:
    url = "postgresql://alice:s3cret-word@127.0.0.1:1/payroll_db"
    container = bootstrap(load_settings(database_url=url))
    try:
        with TestClient(create_app(container)) as client:
            answer = client.get("/readyz")
    finally:
        container.close()
    assert answer.status_code == 503
    assert answer.json()["status"] == "unavailable"
    for leak in ("alice", "s3cret-word", "127.0.0.1", "payroll_db", "5432", "port 1"):
        assert leak not in answer.text
