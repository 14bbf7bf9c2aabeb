"""A hostile or absurd HMRC answer fails that tax year, never the run: the other years are
synced, the run exits 5 and is closed, and nothing absurd reaches the database (on SQLite and
PostgreSQL alike). A ``running`` row left by a killed process is closed by the next run."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from hmrc_sync.bootstrap import Container, bootstrap
from hmrc_sync.db.engine import upgrade
from hmrc_sync.db.models import SyncRun, TaxYearSnapshot
from hmrc_sync.errors import ExitCode
from hmrc_sync.taxyear import TaxYear
from tests.support.emulated import EmulatedHmrc, employer, emulated_hmrc

YEARS = (TaxYear(2022), TaxYear(2023), TaxYear(2024))
HOSTILE_YEAR = TaxYear(2023)
CORRELATION = "c0ffee00-hostile-answer"

Rewrite = Callable[[dict[str, object]], bytes]


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


def _with_pay(raw: str) -> Rewrite:
    def rewrite(body: dict[str, object]) -> bytes:
        text = json.dumps(body)
        return text.replace('"payFromEmployment": 52000.0', f'"payFromEmployment": {raw}').encode()

    return rewrite


def _with_member(raw: str) -> Rewrite:
    def rewrite(body: dict[str, object]) -> bytes:
        return (json.dumps(body)[:-1] + f', "surprise": {raw}}}').encode()

    return rewrite


# Each hostile answer, applied to Individual Income's answer for one tax year.
HOSTILE: dict[str, Rewrite] = {
    "pay 1e15": _with_pay("1e15"),
    "pay 1e400": _with_pay("1e400"),
    "pay with three decimals": _with_pay("52000.001"),
    "NaN in an unknown member": _with_member("NaN"),
    "NUL in a string": _with_member('"Acme\\u0000Ltd"'),
    "control character in a string": _with_member('"line\\u001bbreak"'),
    "deeply nested member": _with_member(_deep(100)),
    "absurdly nested member": _with_member(_deep(100_000)),
    "a huge string": _with_member('"' + "x" * 3_000_000 + '"'),
}


class HostileTransport(httpx.HTTPTransport):
    def __init__(self, rewrite: Rewrite) -> None:
        super().__init__()
        self._rewrite = rewrite

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        path = request.url.path
        if path.startswith("/individual-income/") and path.endswith(HOSTILE_YEAR.hmrc):
            response.read()
            if response.status_code == 200:
                body = json.loads(response.content)
                return httpx.Response(
                    200,
                    content=self._rewrite(body),
                    headers={"Content-Type": "application/json", "X-CorrelationId": CORRELATION},
                    request=request,
                )
        return response


@pytest.fixture
def hmrc(tmp_path: Path) -> Iterator[EmulatedHmrc]:
    with emulated_hmrc(tmp_path, rate_limit=0) as emulated:
        for year in YEARS:
            emulated.seed(
                year, [employer("123/AB45678", "Acme Analytics Ltd", "52000.00", "100.00")]
            )
        yield emulated


def _container(hmrc: EmulatedHmrc, url: str, transport: httpx.BaseTransport | None) -> Container:
    container = bootstrap(hmrc.settings(url), transport=transport)
    upgrade(container.engine)
    hmrc.grant(container.token_store)
    return container


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_answer_fails_one_year_only(
    hmrc: EmulatedHmrc, database_url: str, case: str
) -> None:
    container = _container(hmrc, database_url, HostileTransport(HOSTILE[case]))
    try:
        report = container.sync_service().run(list(YEARS))
        assert report.exit_code == ExitCode.PARTIAL, report.error
        outcomes = {year.tax_year: year for year in report.years}
        assert [outcomes[y].outcome.value for y in YEARS] == ["synced", "failed", "synced"]
        error = outcomes[HOSTILE_YEAR].error
        assert error is not None
        assert CORRELATION in error
        with container.sessions() as session:
            run = session.scalars(select(SyncRun)).one()
            stored = list(session.scalars(select(TaxYearSnapshot)))
        assert run.finished_at is not None
        assert run.outcome == "partial"
        assert run.exit_code == ExitCode.PARTIAL
        assert sorted(row.tax_year for row in stored) == ["2022/23", "2024/25"]
    finally:
        container.close()


def test_a_running_row_left_by_a_killed_process_is_closed_as_abandoned(
    hmrc: EmulatedHmrc, database_url: str
) -> None:
    container = _container(hmrc, database_url, None)
    try:
        long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
        with container.sessions.begin() as session:
            session.add(
                SyncRun(
                    run_id="killed",
                    started_at=long_ago,
                    trigger="cli",
                    connection_method="BATCH_PROCESS_DIRECT",
                    outcome="running",
                    requests=0,
                    snapshots_added=0,
                    summary={},
                )
            )
        report = container.sync_service().run([YEARS[0]])
        assert report.exit_code == ExitCode.OK, report.error
        with container.sessions() as session:
            killed = session.scalars(select(SyncRun).where(SyncRun.run_id == "killed")).one()
            running = session.scalars(select(SyncRun).where(SyncRun.outcome == "running")).all()
        assert killed.outcome == "abandoned"
        assert killed.finished_at is not None
        assert killed.exit_code == ExitCode.FAILED
        assert running == []
    finally:
        container.close()
