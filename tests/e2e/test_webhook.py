"""`POST /sync` with the webhook token runs a sync (one at a time) and answers its summary."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from hmrc_sync.app import create_app
from hmrc_sync.bootstrap import bootstrap
from hmrc_sync.db.engine import upgrade
from hmrc_sync.db.models import SyncRun
from hmrc_sync.emulator.config import FaultConfig
from hmrc_sync.taxyear import TaxYear
from tests.support.emulated import employer, emulated_hmrc

WEBHOOK = "webhook-token-0123456789-0123456789abcdef"


def test_webhook_runs_one_sync_at_a_time(tmp_path: Path, sqlite_url: str) -> None:
    with emulated_hmrc(tmp_path, faults=FaultConfig(latency_ms=150)) as hmrc:
        hmrc.seed(
            TaxYear(2024), [employer("123/AB45678", "Acme Analytics Ltd", "52000.00", "8232.00")]
        )
        container = bootstrap(hmrc.settings(sqlite_url, webhook_token=WEBHOOK))
        upgrade(container.engine)
        hmrc.grant(container.token_store)
        client = TestClient(create_app(container))
        auth = {"Authorization": f"Bearer {WEBHOOK}"}
        answers: list[tuple[int, dict[str, object]]] = []

        def call() -> None:
            response = client.post("/sync", params={"tax_year": "2024-25"}, headers=auth)
            answers.append((response.status_code, response.json()))

        first = threading.Thread(target=call)
        first.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # wait until the first sync has started
            with container.sessions() as session:
                if session.scalar(select(func.count()).select_from(SyncRun)):
                    break
            time.sleep(0.02)
        busy = client.post("/sync", headers=auth)
        first.join(timeout=60)
        assert busy.status_code == 409
        assert answers[0][0] == 200
        body = answers[0][1]
        assert body["outcome"] == "ok"
        assert body["snapshots_added"] == 1
        assert body["trigger"] == "webhook"
        assert body["connection_method"] == "BATCH_PROCESS_DIRECT"
        bad_year = client.post("/sync", params={"tax_year": "2024-26"}, headers=auth)
        assert bad_year.status_code == 400
        assert "2024-25" in bad_year.json()["message"]
        container.close()
