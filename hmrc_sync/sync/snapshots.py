"""Writing what HMRC said: append-only snapshots and per-(year, API) availability, with the
queries that read them back (the latest snapshot per employer, the availability map).

The rules (design.md): a snapshot row is added only when an employer's figures differ from the
latest row for that (tax year, employer); nothing is ever updated or deleted; a 404 after data
was seen marks the API *withdrawn* for that year and leaves every snapshot in place.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hmrc_sync.db.models import Availability, TaxYearSnapshot
from hmrc_sync.sync.model import AvailabilityState, EmployerFigures, Observation
from hmrc_sync.taxyear import TaxYear

SNAPSHOT_LOCK_BASE: Final = 0x686D_7263_0000_0000  # "hmrc" + the tax year's start year


def lock_tax_year(session: Session, tax_year: TaxYear) -> None:
    """Serialise writers of one tax year until the transaction ends (PostgreSQL; SQLite's
    transactions already take the write lock when they begin)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            select(func.pg_advisory_xact_lock(SNAPSHOT_LOCK_BASE + tax_year.start_year))
        )


def latest_snapshot(
    session: Session, tax_year: TaxYear, employer_ref: str
) -> TaxYearSnapshot | None:
    return session.scalars(
        select(TaxYearSnapshot)
        .where(
            TaxYearSnapshot.tax_year == tax_year.storage,
            TaxYearSnapshot.employer_paye_ref == employer_ref,
        )
        .order_by(TaxYearSnapshot.snapshot_date.desc(), TaxYearSnapshot.id.desc())
        .limit(1)
    ).first()


def latest_snapshots(session: Session, tax_year: TaxYear | None = None) -> list[TaxYearSnapshot]:
    """The newest row per (tax year, employer), newest tax year first."""
    query = select(TaxYearSnapshot)
    if tax_year is not None:
        query = query.where(TaxYearSnapshot.tax_year == tax_year.storage)
    newest: dict[tuple[str, str], TaxYearSnapshot] = {}
    for row in session.scalars(query.order_by(TaxYearSnapshot.snapshot_date, TaxYearSnapshot.id)):
        newest[(row.tax_year, row.employer_paye_ref)] = row
    return sorted(newest.values(), key=lambda r: (r.tax_year, r.employer_paye_ref), reverse=True)


def append_if_changed(session: Session, figures: EmployerFigures, now: dt.datetime) -> bool:
    """Add a snapshot row unless the latest one for this employer and year is identical."""
    digest = figures.content_hash()
    latest = latest_snapshot(session, figures.tax_year, figures.employer_paye_ref)
    if latest is not None and latest.content_hash == digest:
        return False
    session.add(
        TaxYearSnapshot(
            tax_year=figures.tax_year.storage,
            employer_paye_ref=figures.employer_paye_ref,
            snapshot_date=now,
            gross_pay=figures.gross_pay,
            income_tax=figures.income_tax,
            ni_contributions=None,  # no HMRC API gives an employee's Class 1 NI
            employer_name=figures.employer_name,
            benefits_in_kind=figures.benefits_in_kind,
            source_api=figures.source_api,
            raw=dict(figures.raw),
            content_hash=digest,
        )
    )
    session.flush()
    return True


def record_availability(
    session: Session,
    tax_year: TaxYear,
    api: str,
    observation: Observation,
    now: dt.datetime,
    *,
    http_status: int | None = None,
    hmrc_code: str | None = None,
) -> AvailabilityState:
    row = session.get(Availability, (tax_year.storage, api))
    if row is None:
        row = Availability(tax_year=tax_year.storage, api=api, state="", last_checked_at=now)
        session.add(row)
    row.last_checked_at = now
    row.last_http_status = http_status
    row.last_hmrc_code = hmrc_code
    if observation is Observation.DATA:
        state = AvailabilityState.AVAILABLE
        row.first_available_at = row.first_available_at or now
        row.last_available_at = now
        row.withdrawn_at = None
    elif observation is Observation.FORBIDDEN:
        state = AvailabilityState.FORBIDDEN
    elif row.first_available_at is not None:
        state = AvailabilityState.WITHDRAWN
        row.withdrawn_at = row.withdrawn_at or now
    else:
        state = AvailabilityState.NOT_YET_AVAILABLE
    row.state = state.value
    session.flush()
    return state


def availability_map(session: Session) -> dict[tuple[str, str], Availability]:
    return {(row.tax_year, row.api): row for row in session.scalars(select(Availability))}
