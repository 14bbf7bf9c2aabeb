"""/metrics after a scripted series of syncs — success, HMRC down, re-authorisation required —
and the same metrics pushed to a Pushgateway by a CronJob-style run."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from hmrc_sync.app import create_app
from hmrc_sync.bootstrap import bootstrap
from hmrc_sync.db.engine import upgrade
from hmrc_sync.metrics import push_metrics
from hmrc_sync.settings import load_settings
from hmrc_sync.taxyear import TaxYear
from tests.support.emulated import employer, emulated_hmrc

YEAR = TaxYear(2024)


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    values = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            values[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return values


def _value(
    samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str
) -> float | None:
    return samples.get((name, tuple(sorted(labels.items()))))


def test_metrics_follow_success_outage_and_reauthorisation(tmp_path: Path, sqlite_url: str) -> None:
    with emulated_hmrc(tmp_path) as hmrc:
        hmrc.seed(YEAR, [employer("123/AB45678", "Acme Analytics Ltd", "52000.00", "8232.00")])
        container = bootstrap(hmrc.settings(sqlite_url))
        upgrade(container.engine)
        record = hmrc.grant(container.token_store, access_expires_in=dt.timedelta(seconds=5))
        assert record.grant is not None
        client = TestClient(create_app(container))

        before = _samples(client.get("/metrics").text)
        assert _value(before, "hmrc_sync_last_successful_sync_timestamp_seconds") is None
        assert _value(before, "hmrc_sync_reauthorisation_required") == 0.0
        assert _value(before, "hmrc_sync_grant_expiry_timestamp_seconds") == pytest.approx(
            record.grant.grant_expires_at.timestamp()
        )

        ok = container.sync_service().run([YEAR])
        assert ok.exit_code == 0
        after_ok = _samples(client.get("/metrics").text)
        assert ok.finished_at is not None
        assert _value(
            after_ok, "hmrc_sync_last_successful_sync_timestamp_seconds"
        ) == pytest.approx(ok.finished_at.timestamp())
        assert _value(after_ok, "hmrc_sync_last_sync_exit_code") == 0.0
        assert _value(after_ok, "hmrc_sync_token_refreshes_total", outcome="success") == 1.0
        assert (
            _value(after_ok, "hmrc_sync_hmrc_requests_total", api="individual-tax", status="200")
            == 1.0
        )
        assert (
            _value(
                after_ok, "hmrc_sync_hmrc_requests_total", api="national-insurance", status="404"
            )
            == 1.0
        )
        assert (_value(after_ok, "hmrc_sync_sync_duration_seconds") or 0) > 0

        hmrc.emulator.faults.update(error_rate=1.0)  # every API answer is a 5xx: HMRC is down
        down = container.sync_service().run([YEAR])
        assert down.exit_code == 4
        after_down = _samples(client.get("/metrics").text)
        assert _value(after_down, "hmrc_sync_last_sync_exit_code") == 4.0
        assert _value(
            after_down, "hmrc_sync_last_successful_sync_timestamp_seconds"
        ) == pytest.approx(ok.finished_at.timestamp()), "an outage does not move the last success"
        assert (
            sum(
                v
                for (name, labels), v in after_down.items()
                if name == "hmrc_sync_hmrc_requests_total"
                and dict(labels)["status"].startswith("5")
            )
            >= 5
        )

        hmrc.emulator.faults.update(error_rate=0.0)
        hmrc.emulator.revoke_grants(hmrc.user_id)  # the owner revoked access at HMRC
        hmrc.emulator.advance(dt.timedelta(hours=5))
        revoked = container.sync_service().run([YEAR])
        assert revoked.exit_code == 3
        after_revoke = _samples(client.get("/metrics").text)
        assert _value(after_revoke, "hmrc_sync_reauthorisation_required") == 1.0
        assert _value(after_revoke, "hmrc_sync_last_sync_exit_code") == 3.0
        text = client.get("/metrics").text
        assert record.grant.refresh_token.get_secret_value() not in text
        assert all(line.startswith(("#", "hmrc_sync_")) for line in text.splitlines() if line)
        container.close()


class _Gateway(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[str, str, bytes]]] = []

    def do_PUT(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.received.append(("PUT", self.path, body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def pushgateway() -> Iterator[str]:
    _Gateway.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_sync_pushes_its_metrics_to_the_pushgateway(
    tmp_path: Path, sqlite_url: str, pushgateway: str
) -> None:
    with emulated_hmrc(tmp_path) as hmrc:
        hmrc.seed(YEAR, [employer("123/AB45678", "Acme Analytics Ltd", "52000.00", "8232.00")])
        container = bootstrap(hmrc.settings(sqlite_url))
        upgrade(container.engine)
        hmrc.grant(container.token_store)
        assert container.sync_service().run([YEAR]).exit_code == 0
        assert push_metrics(container, pushgateway)
        container.close()
    assert len(_Gateway.received) == 1
    _method, path, body = _Gateway.received[0]
    assert path == "/metrics/job/hmrc-sync"
    pushed = _samples(body.decode())
    assert _value(pushed, "hmrc_sync_last_sync_exit_code") == 0.0
    assert _value(pushed, "hmrc_sync_reauthorisation_required") == 0.0


def test_an_unreachable_pushgateway_does_not_fail_the_sync(tmp_path: Path, sqlite_url: str) -> None:
    from hmrc_sync.emulator.inprocess import free_port

    container = bootstrap(load_settings(database_url=sqlite_url, token_file=tmp_path / "t.json"))
    upgrade(container.engine)
    assert push_metrics(container, f"http://127.0.0.1:{free_port()}") is False
    container.close()
