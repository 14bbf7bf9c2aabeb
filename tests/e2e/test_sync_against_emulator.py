"""The main job end to end: hmrc-sync against the HMRC emulator over real HTTP."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hmrc_sync.bootstrap import Container, bootstrap
from hmrc_sync.db.engine import make_engine, upgrade
from hmrc_sync.db.models import FetchLog, SyncRun, TaxYearSnapshot
from hmrc_sync.emulator.config import FaultConfig
from hmrc_sync.errors import ExitCode
from hmrc_sync.taxyear import TaxYear
from hmrc_sync.tokenstore import FileTokenStore
from tests.support.emulated import EmulatedHmrc, employer, emulated_hmrc

YEAR = TaxYear(2024)
ACME = employer("123/AB45678", "Acme Analytics Ltd", "52000.00", "8232.00")
BOREALIS = employer("456/CD98765", "Borealis Systems plc", "1000.00", "0.00")


@pytest.fixture
def hmrc(tmp_path: Path) -> Iterator[EmulatedHmrc]:
    with emulated_hmrc(tmp_path) as emulated:
        emulated.seed(YEAR, [ACME, BOREALIS])
        yield emulated


def _container(hmrc: EmulatedHmrc, database_url: str) -> Container:
    container = bootstrap(hmrc.settings(database_url))
    upgrade(container.engine)
    return container


def _snapshots(container: Container) -> list[TaxYearSnapshot]:
    with container.sessions() as session:
        return list(session.scalars(select(TaxYearSnapshot).order_by(TaxYearSnapshot.id)))


def test_sync_keeps_one_row_per_employer_and_only_adds_changed_ones(
    hmrc: EmulatedHmrc, database_url: str
) -> None:
    container = _container(hmrc, database_url)
    hmrc.grant(container.token_store)
    try:
        first = container.sync_service().run([YEAR])
        assert first.exit_code == ExitCode.OK, first.error
        rows = _snapshots(container)
        assert [(r.tax_year, r.employer_paye_ref, r.gross_pay, r.income_tax) for r in rows] == [
            ("2024/25", "123/AB45678", Decimal("52000.00"), Decimal("8232.00")),
            ("2024/25", "456/CD98765", Decimal("1000.00"), Decimal("0.00")),
        ]
        assert all(r.ni_contributions is None for r in rows), "HMRC gives no NI: never invented"
        assert rows[0].employer_name == "Acme Analytics Ltd"
        assert rows[0].raw["individual-income"]["employments"][0]["payFromEmployment"] == Decimal(
            "52000.00"
        )

        # A CronJob-style run sends the BATCH_PROCESS_DIRECT headers on every API request.
        for api in ("individual-tax", "individual-income", "individual-employment"):
            verdicts = hmrc.fraud_verdicts(api, "BATCH_PROCESS_DIRECT")
            assert verdicts, f"no request to {api} was recorded"
            for verdict in verdicts:
                assert verdict.code != "INVALID_HEADERS", verdict.as_hmrc_json()

        unchanged = container.sync_service().run([YEAR])
        assert unchanged.snapshots_added == 0
        assert len(_snapshots(container)) == 2

        hmrc.seed(
            YEAR, [employer("123/AB45678", "Acme Analytics Ltd", "52500.00", "8332.00"), BOREALIS]
        )
        changed = container.sync_service().run([YEAR])
        assert changed.snapshots_added == 1
        rows = _snapshots(container)
        assert len(rows) == 3
        assert (rows[2].employer_paye_ref, rows[2].gross_pay) == (
            "123/AB45678",
            Decimal("52500.00"),
        )
    finally:
        container.close()


def test_not_yet_available_then_withdrawn_never_deletes(
    hmrc: EmulatedHmrc, sqlite_url: str
) -> None:
    container = _container(hmrc, sqlite_url)
    hmrc.grant(container.token_store)
    later = TaxYear(2025)
    try:
        report = container.sync_service().run([later])
        assert report.exit_code == ExitCode.OK
        assert report.years[0].outcome == "not_yet_available"
        container.sync_service().run([YEAR])
        hmrc.emulator.withdraw(hmrc.utr, YEAR)
        withdrawn = container.sync_service().run([YEAR])
        assert withdrawn.exit_code == ExitCode.OK
        assert withdrawn.years[0].outcome == "withdrawn"
        assert withdrawn.years[0].availability["individual-tax"] == "withdrawn"
        assert len(_snapshots(container)) == 2, "a 404 never deletes a snapshot"
    finally:
        container.close()


def test_hmrc_faults_are_retried_logged_and_never_duplicate(
    tmp_path: Path, sqlite_url: str
) -> None:
    faults = FaultConfig(error_rate=0.2, throttle_burst=3, latency_ms=30)
    with emulated_hmrc(tmp_path, faults=faults) as hmrc:
        hmrc.seed(YEAR, [ACME, BOREALIS])
        container = _container(hmrc, sqlite_url)
        hmrc.grant(container.token_store)
        try:
            report = container.sync_service().run([YEAR])
            assert report.exit_code == ExitCode.OK, report.error
            again = container.sync_service().run([YEAR])
            assert again.exit_code == ExitCode.OK, again.error
            assert len(_snapshots(container)) == 2
            with container.sessions() as session:
                outcomes = session.execute(
                    select(FetchLog.outcome, FetchLog.http_status, func.count()).group_by(
                        FetchLog.outcome, FetchLog.http_status
                    )
                ).all()
            by_outcome = {(outcome, status): count for outcome, status, count in outcomes}
            assert by_outcome.get(("retry", 429), 0) >= 3, by_outcome
            assert (
                sum(c for (o, s), c in by_outcome.items() if o == "retry" and s and s >= 500) >= 1
            )
            # Two runs of four APIs with data; National Insurance has none for this user (404).
            assert by_outcome[("ok", 200)] == 8
            assert by_outcome[("not_found", 404)] == 2
        finally:
            container.close()


def test_hmrc_down_is_a_clean_failure_with_nothing_written(tmp_path: Path, sqlite_url: str) -> None:
    with emulated_hmrc(tmp_path) as hmrc:
        hmrc.seed(YEAR, [ACME])
        url = hmrc.url
        settings_values = hmrc.settings_values(sqlite_url)
    # The emulator has stopped: nothing listens on its port any more.
    container = bootstrap(hmrc.settings(sqlite_url, api_base_url=url))
    upgrade(container.engine)
    store = FileTokenStore(Path(settings_values["token_file"]))
    assert store.read() is None
    try:
        from pydantic import SecretStr

        from hmrc_sync.tokenstore import Grant, TokenRecord

        now = dt.datetime.now(dt.UTC)
        store.write(
            TokenRecord.new().with_grant(
                Grant(
                    SecretStr("a" * 20),
                    SecretStr("r" * 20),
                    now + dt.timedelta(hours=1),
                    now,
                    ("read:individual-tax",),
                )
            ),
            expected_version=None,
        )
        report = container.sync_service().run([YEAR, YEAR.previous()])
        assert report.exit_code == ExitCode.HMRC_UNAVAILABLE
        assert report.years[1].error == "skipped: HMRC unavailable"
        assert _snapshots(container) == []
        with container.sessions() as session:
            run = session.scalars(select(SyncRun)).one()
        assert run.outcome == "hmrc_unavailable"
    finally:
        container.close()


def _run_cli(
    hmrc: EmulatedHmrc, database_url: str, *args: str, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*hmrc.cli(), *args],
        env=hmrc.env(database_url, **env),
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def test_dropped_refresh_answer_ends_in_reauthorisation_required(
    tmp_path: Path, sqlite_url: str
) -> None:
    with emulated_hmrc(tmp_path, faults=FaultConfig(drop_after_refresh=1)) as hmrc:
        hmrc.seed(YEAR, [ACME])
        engine = make_engine(sqlite_url)
        upgrade(engine)
        engine.dispose()
        store = FileTokenStore(tmp_path / "token.json")
        record = hmrc.grant(store, access_expires_in=dt.timedelta(seconds=10))
        result = _run_cli(hmrc, sqlite_url, "sync", "--tax-year", "2024-25")
        assert result.returncode == ExitCode.REAUTHORISE, result.stderr
        assert "re-authorisation required" in result.stdout + result.stderr
        assert len(hmrc.refreshes) == 1, "the refresh happened once at HMRC, then was lost"
        status = _run_cli(hmrc, sqlite_url, "auth", "status")
        assert status.returncode == ExitCode.REAUTHORISE
        assert "reauthorisation_required" in status.stdout
        again = _run_cli(hmrc, sqlite_url, "sync", "--tax-year", "2024-25")
        assert again.returncode == ExitCode.REAUTHORISE
        assert len(hmrc.refreshes) == 1, "a flagged grant is never retried in a loop"
        assert record.grant is not None
        for output in (result, status, again):
            text = output.stdout + output.stderr
            assert record.grant.refresh_token.get_secret_value() not in text
            assert record.grant.access_token.get_secret_value() not in text
            assert hmrc.client_secret not in text
