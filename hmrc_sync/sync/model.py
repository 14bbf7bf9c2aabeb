"""The sync's values, pure: what HMRC said for a year, and what a run did.

No I/O here (``tests/unit/test_architecture.py`` checks it): the service, the snapshot writer
and the job runner import these; so do the status page, the metrics and the reconciler.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final

from hmrc_sync.client.bounds import money_problem, text_problem
from hmrc_sync.errors import ExitCode
from hmrc_sync.taxyear import TaxYear


class SyncSource(StrEnum):
    """Which of HMRC's routes a sync reads (``sync --source``)."""

    INDIVIDUAL = "individual"  # the Individual APIs, keyed by SA UTR
    MTD = "mtd"  # Individuals Employments Income (MTD), keyed by NINO


class AvailabilityState(StrEnum):
    NOT_YET_AVAILABLE = "not_yet_available"
    AVAILABLE = "available"
    WITHDRAWN = "withdrawn"
    FORBIDDEN = "forbidden"


class Observation(StrEnum):
    """What one API call for one tax year found."""

    DATA = "data"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"


@dataclass(frozen=True)
class ApiCall:
    """What one API call for one tax year found, with HMRC's status and error code."""

    observation: Observation
    status: int | None = None
    code: str | None = None


@dataclass(frozen=True)
class EmployerFigures:
    """HMRC's figures for one employer in one tax year, merged across the APIs."""

    tax_year: TaxYear
    employer_paye_ref: str
    employer_name: str | None
    gross_pay: Decimal | None
    income_tax: Decimal | None
    benefits_in_kind: Decimal | None
    source_api: str
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def content_hash(self) -> str:
        """A stable hash of the figures (not of the raw documents, whose order may vary)."""
        canonical = {
            "tax_year": self.tax_year.storage,
            "employer_paye_ref": self.employer_paye_ref,
            "employer_name": self.employer_name,
            "gross_pay": _money(self.gross_pay),
            "income_tax": _money(self.income_tax),
            "benefits_in_kind": _money(self.benefits_in_kind),
            "source_api": self.source_api,
        }
        encoded = json.dumps(canonical, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(encoded.encode()).hexdigest()


def figures_problem(figures: EmployerFigures) -> str | None:
    """Why these figures cannot be stored as they are (an amount beyond ``NUMERIC(12,2)``,
    a name with a control character), or None. The client bounds each answer; this bounds
    what the merge made of them (two large entries added together, say)."""
    for name in ("gross_pay", "income_tax", "benefits_in_kind"):
        value = getattr(figures, name)
        problem = None if value is None else money_problem(value, name)
        if problem:
            return problem
    for name in ("employer_paye_ref", "employer_name"):
        text = getattr(figures, name)
        problem = None if text is None else text_problem(text, name)
        if problem:
            return problem
    return None


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.01")))


YEARS_HMRC_MAY_HOLD: Final = 6


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

    def progress_line(self) -> str:
        """The year's line as a sync goes, e.g. ``2024-25 … synced (2 employments, 1 new)``."""
        year = self.tax_year.hmrc
        if self.outcome is YearOutcome.SYNCED:
            employments = f"{self.employers} employment{'s' if self.employers != 1 else ''}"
            return f"{year} … synced ({employments}, {self.snapshots_added} new)"
        if self.outcome is YearOutcome.FAILED and self.error:
            skipped = self.error.startswith("skipped")
            return f"{year} … {self.error}" if skipped else f"{year} … failed: {self.error}"
        return f"{year} … {self.outcome.value.replace('_', ' ')}"


@dataclass
class SyncReport:
    run_id: str
    trigger: Trigger
    connection_method: str
    source: SyncSource
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    years: list[YearResult] = field(default_factory=list)
    requests: int = 0
    error: str | None = None
    exit_code: ExitCode = ExitCode.OK
    # HMRC's deprecation notices seen in this run, per API (ApiDeprecation.as_json()).
    deprecations: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The API whose version HMRC no longer serves, when the run stopped for that.
    retired_api: str | None = None

    @property
    def snapshots_added(self) -> int:
        return sum(year.snapshots_added for year in self.years)

    @property
    def outcome(self) -> str:
        return _OUTCOMES.get(self.exit_code, "failed")

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
            "deprecations": self.deprecations,
            "retired_api": self.retired_api,
        }

    def summary_line(self, *, with_error: bool = True) -> str:
        """One line for the run; ``with_error=False`` when the error is said on its own line."""
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
        if self.error and with_error:
            line += f"; {self.error}"
        return line


def years_out_of_reach(years: list[TaxYear], today: dt.date | None = None) -> str | None:
    """Why a sync of ``years`` would ask HMRC for what it cannot hold, or None: a year that
    has not started, or one older than the six HMRC keeps."""
    served = TaxYear.parse("current", today=today).last(YEARS_HMRC_MAY_HOLD)
    newest, oldest = max(served), min(served)
    for year in years:
        if year > newest:
            return (
                f"{year.hmrc} has not started yet (the current tax year is {newest.hmrc}); "
                "HMRC holds nothing for it"
            )
        if year < oldest:
            return (
                f"{year.hmrc} is older than HMRC serves: the APIs hold the current tax year and "
                f"the five before it ({oldest.hmrc} to {newest.hmrc})"
            )
    return None


def resolve_tax_years(choice: str, today: dt.date | None = None) -> list[TaxYear]:
    """``all`` means every year HMRC may still hold: the current one and the five before."""
    if choice.strip().lower() == "all":
        return TaxYear.parse("current", today=today).last(YEARS_HMRC_MAY_HOLD)
    return [TaxYear.parse(choice, today=today)]


# A run still ``running`` after this long was ended by a killed process (no run lasts it:
# the request budget and HTTP timeouts bound a run to minutes).
STALE_RUN_AFTER: Final = dt.timedelta(hours=6)
ABANDONED: Final = "abandoned"

_OUTCOMES: Final = {
    ExitCode.OK: "ok",
    ExitCode.REAUTHORISE: "reauthorisation_required",
    ExitCode.HMRC_UNAVAILABLE: "hmrc_unavailable",
    ExitCode.PARTIAL: "partial",
    ExitCode.API_VERSION_RETIRED: "api_version_retired",
}
