"""The main job: for each tax year, ask HMRC, merge per employer, keep what changed.

Per tax year the APIs are called first (no transaction is open while HMRC answers); then one
transaction appends the changed snapshots and records each API's availability, so a failure
part-way through a year writes nothing for that year. Every HTTP request is in ``fetch_log``
whatever happens. Exit codes (design.md): 0 done, 3 re-authorisation required, 4 HMRC
unavailable, 5 partly done.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from hmrc_sync.client.api import HmrcClient
from hmrc_sync.client.records import RequestRecord
from hmrc_sync.db.models import FetchLog, SyncRun
from hmrc_sync.errors import (
    ConfigurationError,
    HmrcError,
    HmrcNotFound,
    HmrcSyncError,
    HmrcUnavailable,
    ReauthorisationRequired,
)
from hmrc_sync.normalise import SOURCE_INDIVIDUAL, SOURCE_MTD, merge_individual
from hmrc_sync.normalise_mtd import fetch_mtd_figures
from hmrc_sync.snapshots import (
    ApiCall,
    AvailabilityState,
    EmployerFigures,
    Observation,
    append_if_changed,
    lock_tax_year,
    record_availability,
)
from hmrc_sync.taxyear import TaxYear

log = logging.getLogger(__name__)

YEARS_HMRC_MAY_HOLD: Final = 6

EXIT_OK: Final = 0
EXIT_REAUTHORISE: Final = ReauthorisationRequired.exit_code
EXIT_UNAVAILABLE: Final = HmrcUnavailable.exit_code
EXIT_PARTIAL: Final = 5
EXIT_FAILED: Final = HmrcSyncError.exit_code

T = TypeVar("T")


class Trigger(StrEnum):
    CLI = "cli"
    WEBHOOK = "webhook"
    BROWSER = "browser"


class YearOutcome(StrEnum):
    SYNCED = "synced"
    NOT_YET_AVAILABLE = "not_yet_available"
    WITHDRAWN = "withdrawn"
    FORBIDDEN = "forbidden"
    FAILED = "failed"


@dataclass
class YearResult:
    tax_year: TaxYear
    outcome: YearOutcome
    employers: int = 0
    snapshots_added: int = 0
    availability: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    unavailable: bool = field(default=False, repr=False)

    def as_json(self) -> dict[str, Any]:
        return {
            "tax_year": self.tax_year.hmrc,
            "outcome": self.outcome.value,
            "employers": self.employers,
            "snapshots_added": self.snapshots_added,
            "availability": self.availability,
            "error": self.error,
        }


@dataclass
class SyncReport:
    run_id: str
    trigger: Trigger
    connection_method: str
    source: str
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    years: list[YearResult] = field(default_factory=list)
    requests: int = 0
    error: str | None = None
    exit_code: int = EXIT_OK

    @property
    def snapshots_added(self) -> int:
        return sum(year.snapshots_added for year in self.years)

    @property
    def outcome(self) -> str:
        return {
            EXIT_OK: "ok",
            EXIT_REAUTHORISE: "reauthorisation_required",
            EXIT_UNAVAILABLE: "hmrc_unavailable",
            EXIT_PARTIAL: "partial",
        }.get(self.exit_code, "failed")

    @property
    def duration_s(self) -> float:
        end = self.finished_at or self.started_at
        return (end - self.started_at).total_seconds()

    def as_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "outcome": self.outcome,
            "exit_code": self.exit_code,
            "trigger": self.trigger.value,
            "connection_method": self.connection_method,
            "source": self.source,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "duration_s": round(self.duration_s, 3),
            "requests": self.requests,
            "snapshots_added": self.snapshots_added,
            "years": [year.as_json() for year in self.years],
            "error": self.error,
        }

    def summary_line(self) -> str:
        parts = []
        for year in self.years:
            text = f"{year.tax_year.hmrc} {year.outcome.value.replace('_', ' ')}"
            if year.outcome is YearOutcome.SYNCED:
                text += f" ({year.employers} employer{'s' if year.employers != 1 else ''}, "
                text += f"{year.snapshots_added} new)"
            parts.append(text)
        line = (
            f"sync {self.outcome}: {self.snapshots_added} new snapshot"
            f"{'s' if self.snapshots_added != 1 else ''}, {self.requests} HMRC requests in "
            f"{self.duration_s:.1f} s"
        )
        if parts:
            line += "; " + "; ".join(parts)
        if self.error:
            line += f"; {self.error}"
        return line


def resolve_tax_years(choice: str, today: dt.date | None = None) -> list[TaxYear]:
    """``all`` means every year HMRC may still hold: the current one and the five before."""
    if choice.strip().lower() == "all":
        return TaxYear.parse("current", today=today).last(YEARS_HMRC_MAY_HOLD)
    return [TaxYear.parse(choice, today=today)]


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

API_SCOPES: Final = {
    "individual-tax": "read:individual-tax",
    "individual-income": "read:individual-income",
    "individual-employment": "read:individual-employment",
    "individual-benefits": "read:individual-benefits",
    "national-insurance": "read:national-insurance",
}


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
        source: str = SOURCE_INDIVIDUAL,
        trigger: Trigger | str = Trigger.CLI,
    ) -> SyncReport:
        years = list(tax_years) if tax_years else resolve_tax_years("current")
        report = SyncReport(
            run_id=uuid.uuid4().hex,
            trigger=Trigger(trigger),
            connection_method=self._connection_method,
            source=source,
            started_at=self._clock(),
        )
        self._start_run(report)
        recorder = FetchLogRecorder(self._sessions, report.run_id)
        started = time.monotonic()
        try:
            self._check_identifiers(source)
            self._preflight()
            client = self._client_factory(recorder)
            for index, year in enumerate(years):
                result = self._sync_year(client, year, source)
                report.years.append(result)
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
        else:
            failed = [y for y in report.years if y.outcome is YearOutcome.FAILED]
            if failed and len(failed) == len(report.years):
                # Nothing was done: an outage says so (4); HMRC refusing us is a plain error.
                report.exit_code = (
                    EXIT_UNAVAILABLE if any(y.unavailable for y in failed) else EXIT_FAILED
                )
                report.error = failed[0].error
            elif failed:
                report.exit_code = EXIT_PARTIAL
        report.requests = recorder.count
        report.finished_at = self._clock()
        self._finish_run(report)
        log.info(
            "%s",
            report.summary_line(),
            extra={"sync": report.as_json(), "elapsed_s": time.monotonic() - started},
        )
        return report

    # ------------------------------------------------------------------ one year
    def _sync_year(self, client: HmrcClient, year: TaxYear, source: str) -> YearResult:
        try:
            if source == SOURCE_MTD:
                figures, calls = self._fetch_mtd(client, year)
            else:
                figures, calls = self._fetch_individual(client, year)
        except HmrcError as exc:  # outages and refusals fail this year only
            return YearResult(
                year,
                YearOutcome.FAILED,
                error=exc.message,
                unavailable=isinstance(exc, HmrcUnavailable),
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
        utr = self._utr
        calls: dict[str, ApiCall] = {}
        wanted = {api for api, scope in API_SCOPES.items() if scope in self._scopes}

        def fetch(api: str, method: Callable[[str, TaxYear], T]) -> T | None:
            if api not in wanted:
                return None
            try:
                value = method(utr, year)
            except HmrcNotFound as exc:
                calls[api] = ApiCall(Observation.NOT_FOUND, exc.status, exc.code)
                return None
            except HmrcError as exc:
                if exc.status == 403 and exc.code in ("INVALID_SCOPE", "RESOURCE_FORBIDDEN"):
                    calls[api] = ApiCall(Observation.FORBIDDEN, exc.status, exc.code)
                    return None
                raise
            calls[api] = ApiCall(Observation.DATA, 200)
            return value

        tax = fetch("individual-tax", client.get_individual_tax)
        income = fetch("individual-income", client.get_individual_income)
        employment = fetch("individual-employment", client.get_individual_employment)
        benefits = fetch("individual-benefits", client.get_individual_benefits)
        ni = fetch("national-insurance", client.get_national_insurance)
        if tax is None and income is None:
            return [], calls
        figures = merge_individual(
            year,
            tax=tax,
            income=income,
            employment=employment,
            benefits=benefits,
            national_insurance=ni,
        )
        return figures, calls

    def _fetch_mtd(
        self, client: HmrcClient, year: TaxYear
    ) -> tuple[list[EmployerFigures], dict[str, ApiCall]]:
        assert self._nino is not None
        return fetch_mtd_figures(client, self._nino, year)

    # ------------------------------------------------------------------ bookkeeping
    def _check_identifiers(self, source: str) -> None:
        if source == SOURCE_MTD and not self._nino:
            raise ConfigurationError("HMRC_SYNC_NINO is not set: --source mtd needs the NINO")
        if source != SOURCE_MTD and not self._utr:
            raise ConfigurationError(
                "HMRC_SYNC_UTR is not set: the Individual APIs are keyed by your SA UTR"
            )

    def _start_run(self, report: SyncReport) -> None:
        with self._sessions.begin() as session:
            session.add(
                SyncRun(
                    run_id=report.run_id,
                    started_at=report.started_at,
                    trigger=report.trigger.value,
                    connection_method=report.connection_method,
                    outcome="running",
                    requests=0,
                    snapshots_added=0,
                    summary={},
                )
            )

    def _finish_run(self, report: SyncReport) -> None:
        with self._sessions.begin() as session:
            row = session.scalars(select(SyncRun).where(SyncRun.run_id == report.run_id)).one()
            row.finished_at = report.finished_at
            row.outcome = report.outcome
            row.exit_code = report.exit_code
            row.requests = report.requests
            row.snapshots_added = report.snapshots_added
            row.summary = report.as_json()


def _year_outcome_without_data(states: Any) -> YearOutcome:
    values = set(states)
    if AvailabilityState.WITHDRAWN in values:
        return YearOutcome.WITHDRAWN
    if values and values <= {AvailabilityState.FORBIDDEN}:
        return YearOutcome.FORBIDDEN
    return YearOutcome.NOT_YET_AVAILABLE
