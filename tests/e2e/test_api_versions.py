"""HMRC retiring or deprecating an API version: a retired version stops the sync with its own
exit code (never "no data yet"); a deprecated one is logged, kept with the run, exported as a
metric and shown on the status page."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from hmrc_sync.app import create_app
from hmrc_sync.bootstrap import bootstrap
from hmrc_sync.db.engine import upgrade
from hmrc_sync.db.models import Availability, SyncRun
from hmrc_sync.emulator.config import VersionNotice
from hmrc_sync.errors import ExitCode
from hmrc_sync.taxyear import TaxYear
from tests.e2e.test_metrics import _samples, _value
from tests.support.emulated import employer, emulated_hmrc

YEAR = TaxYear(2024)
ACME = employer("123/AB45678", "Acme Analytics Ltd", "52000.00", "8232.00")
ADMIN = "an-admin-token-that-is-long-enough-0123456789"


def test_a_retired_version_is_its_own_exit_code_not_no_data(
    tmp_path: Path, sqlite_url: str
) -> None:
    retired = (VersionNotice("individual-income", "1.2"),)
    with emulated_hmrc(tmp_path, retired_versions=retired) as hmrc:
        hmrc.seed(YEAR, [ACME])
        container = bootstrap(hmrc.settings(sqlite_url))
        upgrade(container.engine)
        hmrc.grant(container.token_store)
        try:
            report = container.sync_service().run([YEAR, TaxYear(2023)])
            assert report.exit_code == ExitCode.API_VERSION_RETIRED == 10
            assert report.retired_api == "individual-income"
            assert report.error is not None
            assert "retired" in report.error
            with container.sessions() as session:
                run = session.scalars(select(SyncRun)).one()
                states = {
                    (a.tax_year, a.api): a.state for a in session.scalars(select(Availability))
                }
            assert run.finished_at is not None
            assert run.outcome == "api_version_retired"
            assert ("2024/25", "individual-income") not in states, "never 'not yet available'"
            metrics = _samples(TestClient(create_app(container)).get("/metrics").text)
            assert _value(metrics, "hmrc_sync_last_sync_exit_code") == 10.0
            assert _value(metrics, "hmrc_sync_api_version_retired", api="individual-income") == 1
        finally:
            container.close()


def test_a_deprecated_version_is_logged_exported_and_shown(
    tmp_path: Path, sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    notice = VersionNotice("individual-tax", "1.1", sunset="Fri, 01 Oct 2027 00:00:00 GMT")
    with emulated_hmrc(tmp_path, deprecated_versions=(notice,)) as hmrc:
        hmrc.seed(YEAR, [ACME])
        container = bootstrap(hmrc.settings(sqlite_url, admin_token=ADMIN))
        upgrade(container.engine)
        hmrc.grant(container.token_store)
        try:
            with caplog.at_level(logging.WARNING):
                report = container.sync_service().run([YEAR])
            assert report.exit_code == ExitCode.OK, report.error
            assert set(report.deprecations) == {"individual-tax"}
            assert report.deprecations["individual-tax"]["sunset"] == notice.sunset
            assert any(
                "deprecated version 1.1 of the individual-tax" in r.message for r in caplog.records
            )
            client = TestClient(create_app(container))
            metrics = _samples(client.get("/metrics").text)
            assert _value(metrics, "hmrc_sync_api_deprecated", api="individual-tax") == 1.0
            assert _value(metrics, "hmrc_sync_api_deprecated", api="individual-income") is None
            page = client.get("/", headers={"Authorization": f"Bearer {ADMIN}"})
            assert page.status_code == 200
            assert "deprecated version 1.1 of the individual-tax API" in page.text
            assert "Fri, 01 Oct 2027" in page.text
        finally:
            container.close()
