"""Nothing secret reaches a log line: a sync with a refresh, logged at DEBUG by every logger
(ours, httpx, httpcore, hvac), never shows a token, the client secret or the webhook token."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest

from hmrc_sync.bootstrap import bootstrap
from hmrc_sync.db.engine import upgrade
from hmrc_sync.emulator.config import FaultConfig
from hmrc_sync.taxyear import TaxYear
from tests.support.emulated import employer, emulated_hmrc


def test_debug_logs_of_a_sync_with_refresh_and_retries_hold_no_secret(
    tmp_path: Path, sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "hvac", "hmrc_sync", "sqlalchemy.engine"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    with emulated_hmrc(tmp_path, faults=FaultConfig(throttle_burst=2, error_rate=0.2)) as hmrc:
        hmrc.seed(
            TaxYear(2024), [employer("123/AB45678", "Acme Analytics Ltd", "52000.00", "8232.00")]
        )
        container = bootstrap(
            hmrc.settings(sqlite_url, webhook_token="webhook-secret-value-123-0123456789abcdef")
        )
        upgrade(container.engine)
        first = hmrc.grant(container.token_store, access_expires_in=dt.timedelta(seconds=5))
        report = container.sync_service().run([TaxYear(2024)])
        assert report.exit_code == 0, report.error
        stored = container.token_store.read()
        container.close()
    assert stored is not None
    assert stored.value.grant is not None
    assert first.grant is not None
    secrets = [
        first.grant.access_token.get_secret_value(),
        first.grant.refresh_token.get_secret_value(),
        stored.value.grant.access_token.get_secret_value(),
        stored.value.grant.refresh_token.get_secret_value(),
        hmrc.client_secret,
        "webhook-secret-value-123-0123456789abcdef",
    ]
    assert len(caplog.records) > 20, "the test must actually capture the run's logs"
    text = caplog.text + "".join(str(r.args) for r in caplog.records)
    for secret in secrets:
        assert secret not in text
