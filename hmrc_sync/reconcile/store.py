"""The I/O shell around the pure reconciler: load, reconcile, store.

``reconcile_and_store(container, tax_years)`` reads the latest HMRC snapshots and the
availability table, the payslips and P60s from the configured source, runs
``hmrc_sync.reconcile.reconcile`` and replaces those tax years' rows in the
``reconciliation`` table (one transaction; on PostgreSQL under an advisory lock, so a
``sync`` and a ``reconcile`` running together cannot interleave their rows). ``sync`` calls
it after each run; ``hmrc-sync reconcile`` is the command line around it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from hmrc_sync.client.endpoints import PAY_APIS
from hmrc_sync.db.engine import is_postgres
from hmrc_sync.db.models import Availability, ReconciliationFinding, TaxYearSnapshot
from hmrc_sync.errors import DatabaseError
from hmrc_sync.payslips import make_payslip_source
from hmrc_sync.reconcile import (
    HmrcEmployment,
    ReconcileInput,
    ReconcileOptions,
    ReconcileResult,
    YearAvailability,
    reconcile,
)
from hmrc_sync.reconcile.report import finding_values
from hmrc_sync.sync.snapshots import latest_snapshots
from hmrc_sync.taxyear import TaxYear, uk_today

if TYPE_CHECKING:
    from hmrc_sync.bootstrap import Container

# Any fixed 64-bit key distinct from the migration lock; "hmrc-rec" in ASCII.
STORE_LOCK_KEY: Final = 0x686D_7263_2D72_6563
# The APIs whose answers carry pay and tax; the others (names, benefits, NI earnings) do not
# decide whether a year's figures are available.
_PRECEDENCE: Final = (
    YearAvailability.AVAILABLE,
    YearAvailability.WITHDRAWN,
    YearAvailability.NOT_YET_AVAILABLE,
    YearAvailability.FORBIDDEN,
)


def year_availability(rows: Iterable[Availability]) -> dict[TaxYear, YearAvailability]:
    """One state per tax year: available if any pay/tax API served data, else withdrawn, ..."""
    states: dict[str, set[str]] = defaultdict(set)
    fallback: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        (states if row.api in PAY_APIS else fallback)[row.tax_year].add(row.state)
    result = {}
    for year in set(states) | set(fallback):
        seen = states.get(year) or fallback[year]
        state = next((s for s in _PRECEDENCE if s.value in seen), YearAvailability.NOT_FETCHED)
        result[TaxYear.parse(year)] = state
    return result


def figures_to(raw: Mapping[str, Any]) -> dt.date | None:
    """The latest payment date in-year (MTD) figures include, when the raw answer says."""
    try:
        payment = raw["financial-details"]["employment"]["pay"]["paymentDate"]
        return dt.date.fromisoformat(str(payment))
    except (KeyError, TypeError, ValueError):
        return None


def hmrc_employments(snapshots: Iterable[TaxYearSnapshot]) -> list[HmrcEmployment]:
    return [
        HmrcEmployment(
            tax_year=TaxYear.parse(row.tax_year),
            employer_paye_ref=row.employer_paye_ref,
            employer_name=row.employer_name,
            taxable_pay=row.gross_pay,
            income_tax=row.income_tax,
            snapshot_date=row.snapshot_date,
            figures_to=figures_to(row.raw or {}),
        )
        for row in snapshots
    ]


def options_from(container: Container, **overrides: Any) -> ReconcileOptions:
    settings = container.settings
    values: dict[str, Any] = {
        "tolerance": settings.reconcile_tolerance,
        "tax_code": settings.tax_code,
        "ni_category": settings.ni_category,
    }
    values.update({key: value for key, value in overrides.items() if value is not None})
    return ReconcileOptions(**values)


def load_input(
    container: Container,
    tax_years: Collection[TaxYear] | None,
    options: ReconcileOptions,
) -> ReconcileInput:
    """Everything the reconciler needs; ``tax_years=None`` means every year with any data."""
    source = make_payslip_source(container.settings, container.engine)
    payslips = source.payslips(tax_years)
    p60s = source.p60s(tax_years)
    try:
        with Session(container.engine) as session:
            snapshots = [
                row
                for row in latest_snapshots(session)
                if tax_years is None or TaxYear.parse(row.tax_year) in tax_years
            ]
            availability = year_availability(session.scalars(select(Availability)))
    except SQLAlchemyError as exc:
        raise DatabaseError(f"cannot read HMRC's snapshots: {exc.__class__.__name__}") from None
    employments = hmrc_employments(snapshots)
    years = (
        set(tax_years)
        if tax_years is not None
        else (
            {h.tax_year for h in employments}
            | {s.tax_year for s in payslips}
            | {p.tax_year for p in p60s}
        )
    )
    return ReconcileInput(
        tax_years=tuple(sorted(years, reverse=True)),
        hmrc=tuple(employments),
        availability={year: state for year, state in availability.items() if year in years},
        payslips=tuple(payslips),
        p60s=tuple(p60s),
        options=options,
    )


def store_result(engine: Engine, result: ReconcileResult, *, run_id: str, now: dt.datetime) -> int:
    """Replace the stored findings of ``result``'s tax years; returns the rows written."""
    years = [year.storage for year in result.tax_years]
    rows = []
    for finding in result.findings:
        values = finding_values(finding)
        values["tax_year"] = finding.tax_year.storage
        rows.append(ReconciliationFinding(run_id=run_id, created_at=now, **values))
    try:
        with Session(engine) as session, session.begin():
            if is_postgres(engine):
                session.execute(select(func.pg_advisory_xact_lock(STORE_LOCK_KEY)))
            session.execute(
                delete(ReconciliationFinding).where(ReconciliationFinding.tax_year.in_(years))
            )
            session.add_all(rows)
    except SQLAlchemyError as exc:
        raise DatabaseError(
            f"cannot store the reconciliation ({exc.__class__.__name__}): "
            "run `hmrc-sync migrate` if the database is older than this version"
        ) from None
    return len(rows)


def reconcile_and_store(
    container: Container,
    tax_years: Collection[TaxYear] | None = None,
    *,
    tolerance: Decimal | None = None,
    tax_code: str | None = None,
    now: dt.datetime | None = None,
) -> ReconcileResult:
    """Reconcile ``tax_years`` (every year with data when None or empty) and store it.

    Raises ``PayslipFileError`` when the payslip source has unreadable rows,
    ``ConfigurationError`` when the source is misconfigured and ``DatabaseError`` when the
    database cannot be read or written: all ``HmrcSyncError``, so ``sync`` can catch them.
    """
    moment = now or dt.datetime.now(dt.UTC)
    options = options_from(
        container, tolerance=tolerance, tax_code=tax_code, as_of=uk_today(moment)
    )
    data = load_input(container, tax_years or None, options)
    result = reconcile(data)
    store_result(container.engine, result, run_id=uuid.uuid4().hex, now=moment)
    return result
