"""The main job: for each tax year, ask HMRC, merge per employer, keep what changed.

Per tax year the APIs are called first (no transaction is open while HMRC answers); then one
transaction appends the changed snapshots and records each API's availability, so a failure
part-way through a year writes nothing for that year. Every HTTP request is in ``fetch_log``
whatever happens. Exit codes (``ExitCode``): 0 done, 3 re-authorisation required, 4 HMRC
unavailable, 5 partly done, 1 HMRC refused every year, 2 a setting is missing or HMRC rejects
the UTR or NINO it names (``SA_UTR_INVALID``, ``FORMAT_NINO``), 10 the API version is retired.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from hmrc_sync.client.api import HmrcClient
from hmrc_sync.client.errors import HmrcRejectedSetting
from hmrc_sync.client.records import RequestRecord
from hmrc_sync.db.models import FetchLog, SyncRun
from hmrc_sync.errors import (
    ConfigurationError,
    ExitCode,
    HmrcApiVersionRetired,
    HmrcError,
    HmrcSyncError,
    HmrcUnavailable,
)
from hmrc_sync.sync.individual import fetch_individual_figures
from hmrc_sync.sync.model import (
    ABANDONED,
    STALE_RUN_AFTER,
    ApiCall,
    AvailabilityState,
    EmployerFigures,
    SyncReport,
    SyncSource,
    Trigger,
    YearOutcome,
    YearResult,
    figures_problem,
    resolve_tax_years,
)
from hmrc_sync.sync.mtd import fetch_mtd_figures
from hmrc_sync.sync.snapshots import append_if_changed, lock_tax_year, record_availability
from hmrc_sync.taxyear import TaxYear

log = logging.getLogger(__name__)


class FetchLogRecorder:
    """Writes each request record to ``fetch_log`` at once, in its own transaction."""

    def __init__(self, sessions: sessionmaker[Session], run_id: str) -> None:
        self._sessions = sessions
        self._run_id = run_id
        self.count = 0

    def __call__(self, record: RequestRecord) -> None:
        self.count += 1
        with self._sessions.begin() as session:
            session.add(
                FetchLog(
                    run_id=self._run_id,
                    requested_at=record.requested_at,
                    method=record.method,
                    endpoint=record.endpoint,
                    api=record.api,
                    tax_year=record.tax_year,
                    attempt=record.attempt,
                    http_status=record.http_status,
                    hmrc_code=record.hmrc_code,
                    correlation_id=record.correlation_id,
                    duration_ms=record.duration_ms,
                    outcome=record.outcome,
                )
            )


ClientFactory = Callable[[FetchLogRecorder], HmrcClient]


class SyncService:
    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        client_factory: ClientFactory,
        utr: str | None,
        nino: str | None,
        scopes: Sequence[str],
        connection_method: str,
        preflight: Callable[[], object] = lambda: None,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        """``preflight`` runs before the first request (bootstrap passes "get a valid access
        token"), so a refresh or a dead grant shows up before any API call is made."""
        self._sessions = sessions
        self._client_factory = client_factory
        self._utr = utr
        self._nino = nino
        self._scopes = tuple(scopes)
        self._connection_method = connection_method
        self._preflight = preflight
        self._clock = clock

    def run(
        self,
        tax_years: Sequence[TaxYear] | None = None,
        *,
        source: SyncSource | str = SyncSource.INDIVIDUAL,
        trigger: Trigger | str = Trigger.CLI,
        progress: Callable[[YearResult], None] | None = None,
    ) -> SyncReport:
        """Sync each year in turn; ``progress`` hears of each year as it ends (the status
        page's "Sync now" shows them as they come)."""
        years = list(tax_years) if tax_years else resolve_tax_years("current")
        report = SyncReport(
            run_id=uuid.uuid4().hex,
            trigger=Trigger(trigger),
            connection_method=self._connection_method,
            source=SyncSource(source),
            started_at=self._clock(),
        )
        self._start_run(report)
        recorder = FetchLogRecorder(self._sessions, report.run_id)
        client: HmrcClient | None = None
        try:
            self._check_identifiers(report.source)
            self._preflight()
            client = self._client_factory(recorder)
            for index, year in enumerate(years):
                result = self._sync_year(client, year, report.source)
                report.years.append(result)
                if progress is not None:
                    progress(result)
                if result.unavailable:
                    # HMRC is down: the other years would only spin through their retries.
                    for skipped in years[index + 1 :]:
                        report.years.append(
                            YearResult(
                                skipped, YearOutcome.FAILED, error="skipped: HMRC unavailable"
                            )
                        )
                    break
        except HmrcSyncError as exc:  # re-authorisation (3), budget (4), configuration (2), ...
            report.error = exc.message
            report.exit_code = exc.exit_code
            if isinstance(exc, HmrcApiVersionRetired):
                report.retired_api = exc.api
        except Exception as exc:  # never leave the run open, whatever happened
            log.exception("sync run %s failed unexpectedly", report.run_id)
            report.error = f"the sync failed unexpectedly ({type(exc).__name__}); see the log"
            report.exit_code = ExitCode.FAILED
        else:
            failed = [y for y in report.years if y.outcome is YearOutcome.FAILED]
            if failed and len(failed) == len(report.years):
                # Nothing was done: an outage says so (4); HMRC refusing us is a plain error.
                report.exit_code = (
                    ExitCode.HMRC_UNAVAILABLE
                    if any(y.unavailable for y in failed)
                    else ExitCode.FAILED
                )
                report.error = failed[0].error
            elif failed:
                report.exit_code = ExitCode.PARTIAL
        if client is not None:
            report.deprecations = {
                api: notice.as_json() for api, notice in client.deprecations.items()
            }
            client.close()  # each run's connections end with it
        report.requests = recorder.count
        report.finished_at = self._clock()
        self._finish_run(report)
        log.info("%s", report.summary_line(), extra={"sync": report.as_json()})
        return report

    # ------------------------------------------------------------------ one year
    def _sync_year(self, client: HmrcClient, year: TaxYear, source: SyncSource) -> YearResult:
        """One tax year; whatever HMRC answered, a failure here fails this year only."""
        try:
            return self._fetch_and_store(client, year, source)
        except (HmrcApiVersionRetired, HmrcRejectedSetting):
            raise  # every year would fail the same way: the run stops with its own exit code
        except HmrcError as exc:  # outages, refusals, answers out of bounds
            return YearResult(
                year,
                YearOutcome.FAILED,
                error=exc.message,
                unavailable=isinstance(exc, HmrcUnavailable),
            )
        except SQLAlchemyError as exc:
            log.warning("sync %s: the database refused the year: %s", year.hmrc, type(exc).__name__)
            return YearResult(
                year,
                YearOutcome.FAILED,
                error=f"the database refused {year.hmrc}'s figures ({type(exc).__name__}); "
                "nothing was written for that year",
            )
        except HmrcSyncError:
            raise  # re-authorisation, the budget, the token store: the run's, not the year's
        except Exception as exc:  # a bug met by an answer nobody foresaw: fail the year
            log.exception("sync %s failed unexpectedly", year.hmrc)
            return YearResult(
                year,
                YearOutcome.FAILED,
                error=f"{year.hmrc} failed unexpectedly ({type(exc).__name__}); nothing was "
                "written for that year; please report it with the log",
            )

    def _fetch_and_store(self, client: HmrcClient, year: TaxYear, source: SyncSource) -> YearResult:
        if source is SyncSource.MTD:
            figures, calls = self._fetch_mtd(client, year)
        else:
            figures, calls = self._fetch_individual(client, year)
        for item in figures:
            problem = figures_problem(item)
            if problem:
                return YearResult(
                    year,
                    YearOutcome.FAILED,
                    error=f"HMRC's figures for {year.hmrc} cannot be kept: {problem}; nothing "
                    "was written for that year",
                )
        now = self._clock()
        result = YearResult(year, YearOutcome.SYNCED)
        with self._sessions.begin() as session:
            lock_tax_year(session, year)
            states = {
                api: record_availability(
                    session,
                    year,
                    api,
                    call.observation,
                    now,
                    http_status=call.status,
                    hmrc_code=call.code,
                )
                for api, call in calls.items()
            }
            for item in figures:
                if append_if_changed(session, item, now):
                    result.snapshots_added += 1
        result.availability = {api: state.value for api, state in states.items()}
        result.employers = len(figures)
        if not figures:
            result.outcome = _year_outcome_without_data(states.values())
        return result

    def _fetch_individual(
        self, client: HmrcClient, year: TaxYear
    ) -> tuple[list[EmployerFigures], dict[str, ApiCall]]:
        assert self._utr is not None
        return fetch_individual_figures(client, self._utr, year, self._scopes)

    def _fetch_mtd(
        self, client: HmrcClient, year: TaxYear
    ) -> tuple[list[EmployerFigures], dict[str, ApiCall]]:
        assert self._nino is not None
        return fetch_mtd_figures(client, self._nino, year)

    # ------------------------------------------------------------------ bookkeeping
    def _check_identifiers(self, source: SyncSource) -> None:
        if source is SyncSource.MTD and not self._nino:
            raise ConfigurationError("HMRC_SYNC_NINO is not set: --source mtd needs the NINO")
        if source is not SyncSource.MTD and not self._utr:
            raise ConfigurationError(
                "HMRC_SYNC_UTR is not set: the Individual APIs are keyed by your SA UTR"
            )

    def _start_run(self, report: SyncReport) -> None:
        with self._sessions.begin() as session:
            self._close_abandoned_runs(session, report.started_at)
            session.add(
                SyncRun(
                    run_id=report.run_id,
                    started_at=report.started_at,
                    trigger=report.trigger.value,
                    connection_method=report.connection_method,
                    outcome="running",
                    requests=0,
                    snapshots_added=0,
                    summary={"host": socket.gethostname(), "pid": os.getpid()},
                )
            )

    def _close_abandoned_runs(self, session: Session, now: dt.datetime) -> None:
        """Close runs a killed process left ``running``: older than ``STALE_RUN_AFTER``, or
        started on this host by a process that no longer exists."""
        for row in session.scalars(select(SyncRun).where(SyncRun.outcome == "running")):
            started = row.started_at
            if started.tzinfo is None:
                started = started.replace(tzinfo=dt.UTC)
            if now - started < STALE_RUN_AFTER and not _process_gone(row.summary):
                continue
            row.outcome = ABANDONED
            row.finished_at = now
            row.exit_code = ExitCode.FAILED
            row.summary = {
                **(row.summary or {}),
                "error": "abandoned: the process ended without closing the run (killed?)",
            }
            log.warning("closed sync run %s as abandoned (started %s)", row.run_id, started)

    def _finish_run(self, report: SyncReport) -> None:
        with self._sessions.begin() as session:
            row = session.scalars(select(SyncRun).where(SyncRun.run_id == report.run_id)).one()
            row.finished_at = report.finished_at
            row.outcome = report.outcome
            row.exit_code = report.exit_code
            row.requests = report.requests
            row.snapshots_added = report.snapshots_added
            row.summary = report.as_json()


def _process_gone(summary: Any) -> bool:
    """True when ``summary`` names a process on this host that is no longer running."""
    if not isinstance(summary, dict) or summary.get("host") != socket.gethostname():
        return False
    pid = summary.get("pid")
    if not isinstance(pid, int) or pid <= 0 or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # it exists but belongs to someone else
        return False
    return False


def _year_outcome_without_data(states: Any) -> YearOutcome:
    values = set(states)
    if AvailabilityState.WITHDRAWN in values:
        return YearOutcome.WITHDRAWN
    if values and values <= {AvailabilityState.FORBIDDEN}:
        return YearOutcome.FORBIDDEN
    return YearOutcome.NOT_YET_AVAILABLE
