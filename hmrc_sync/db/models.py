"""hmrc-sync's tables. The schema is owned by the Alembic migrations; these models mirror them
(an autogenerate check in the tests keeps the two in agreement)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    Index,
    Integer,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from hmrc_sync.db.base import Base, BigId, JsonDocument, Money, UtcDateTime


class TaxYearSnapshot(Base):
    """What HMRC held for one employer in one tax year, at one moment. Append-only.

    The first six columns are the dashboard's contract (Panel 10 in user-infra.md).
    ``ni_contributions`` stays NULL: no HMRC API gives an employee's Class 1 NI.
    """

    __tablename__ = "tax_year_snapshot"
    __table_args__ = (
        UniqueConstraint("tax_year", "employer_paye_ref", "snapshot_date"),
        Index("ix_tax_year_snapshot_latest", "tax_year", "employer_paye_ref", "snapshot_date"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    tax_year: Mapped[str] = mapped_column(Text)
    employer_paye_ref: Mapped[str] = mapped_column(Text)
    snapshot_date: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    gross_pay: Mapped[Decimal | None] = mapped_column(Money)
    income_tax: Mapped[Decimal | None] = mapped_column(Money)
    ni_contributions: Mapped[Decimal | None] = mapped_column(Money)
    employer_name: Mapped[str | None] = mapped_column(Text)
    benefits_in_kind: Mapped[Decimal | None] = mapped_column(Money)
    source_api: Mapped[str] = mapped_column(Text)
    raw: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    content_hash: Mapped[str] = mapped_column(Text)


class FetchLog(Base):
    """One row per HTTP request made to HMRC (retries included). Never holds a token."""

    __tablename__ = "fetch_log"
    __table_args__ = (Index("ix_fetch_log_requested_at", "requested_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    run_id: Mapped[str | None] = mapped_column(Text)
    requested_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    method: Mapped[str] = mapped_column(Text)
    endpoint: Mapped[str] = mapped_column(Text)
    api: Mapped[str | None] = mapped_column(Text)
    tax_year: Mapped[str | None] = mapped_column(Text)
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    http_status: Mapped[int | None] = mapped_column(Integer)
    hmrc_code: Mapped[str | None] = mapped_column(Text)
    correlation_id: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(Text)


class Availability(Base):
    """Whether HMRC serves data for a (tax year, API), as last seen.

    ``not_yet_available``: 404 and never any data; ``available``: data served;
    ``withdrawn``: 404 after data was served (HMRC processed the SA return — the snapshots stay);
    ``forbidden``: HMRC refused this API for this user (e.g. not signed up to MTD).
    """

    __tablename__ = "availability"

    tax_year: Mapped[str] = mapped_column(Text, primary_key=True)
    api: Mapped[str] = mapped_column(Text, primary_key=True)
    state: Mapped[str] = mapped_column(Text)
    last_checked_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    first_available_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    last_available_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    last_http_status: Mapped[int | None] = mapped_column(Integer)
    last_hmrc_code: Mapped[str | None] = mapped_column(Text)


class SyncRun(Base):
    """One run of ``sync`` (CLI, CronJob or the web service): when, why, and how it ended."""

    __tablename__ = "sync_run"
    __table_args__ = (Index("ix_sync_run_started_at", "started_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(Text, unique=True)
    started_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    trigger: Mapped[str] = mapped_column(Text)
    connection_method: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(Text)
    exit_code: Mapped[int | None] = mapped_column(Integer)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    snapshots_added: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[dict[str, Any]] = mapped_column(JsonDocument)


class PayslipRecord(Base):
    """A payslip imported by ``hmrc-sync payslips import`` (the ``table`` payslip source).

    The columns are payslip-ingest's (user-infra.md §1.5) plus hmrc-sync's own: ``tax_code``,
    ``ni_category``, ``pay_frequency``, ``tax_period`` and ``employer_paye_ref``. The natural
    key is (employer, pay_date, occurrence): ``occurrence`` counts identical (employer,
    pay_date) pairs within one file, so re-importing a file adds nothing while a payslip that
    really appears twice is kept twice (and reported as a duplicate by the reconciler).
    """

    __tablename__ = "payslip"
    __table_args__ = (
        UniqueConstraint("employer", "pay_date", "occurrence"),
        Index("ix_payslip_tax_year", "tax_year"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    pay_date: Mapped[dt.date] = mapped_column(Date)
    tax_year: Mapped[str] = mapped_column(Text)
    employer: Mapped[str] = mapped_column(Text)
    occurrence: Mapped[int] = mapped_column(Integer)
    gross_pay: Mapped[Decimal] = mapped_column(Money)
    net_pay: Mapped[Decimal | None] = mapped_column(Money)
    salary: Mapped[Decimal | None] = mapped_column(Money)
    bonus: Mapped[Decimal] = mapped_column(Money)
    rsu_vest: Mapped[Decimal] = mapped_column(Money)
    rsu_offset: Mapped[Decimal] = mapped_column(Money)
    pension_sacrifice: Mapped[Decimal] = mapped_column(Money)
    taxable_pay: Mapped[Decimal | None] = mapped_column(Money)
    income_tax: Mapped[Decimal] = mapped_column(Money)
    cash_income_tax: Mapped[Decimal | None] = mapped_column(Money)
    national_insurance: Mapped[Decimal] = mapped_column(Money)
    pension_employee: Mapped[Decimal] = mapped_column(Money)
    pension_employer: Mapped[Decimal] = mapped_column(Money)
    student_loan: Mapped[Decimal] = mapped_column(Money)
    other_deductions: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    validated: Mapped[bool | None] = mapped_column(Boolean)
    paperless_doc_id: Mapped[int | None] = mapped_column(Integer)
    ytd_gross: Mapped[Decimal | None] = mapped_column(Money)
    ytd_taxable_pay: Mapped[Decimal | None] = mapped_column(Money)
    ytd_tax_paid: Mapped[Decimal | None] = mapped_column(Money)
    tax_code: Mapped[str | None] = mapped_column(Text)
    ni_category: Mapped[str | None] = mapped_column(Text)
    pay_frequency: Mapped[str | None] = mapped_column(Text)
    tax_period: Mapped[int | None] = mapped_column(Integer)
    employer_paye_ref: Mapped[str | None] = mapped_column(Text)
    # The lines of a full payslip (migration 0004; docs/payslips.md).
    student_loan_plan: Mapped[str | None] = mapped_column(Text)
    postgraduate_loan: Mapped[Decimal] = mapped_column(Money, server_default="0")
    pension_type: Mapped[str | None] = mapped_column(Text)
    payrolled_benefits: Mapped[Decimal] = mapped_column(Money, server_default="0")
    niable_pay: Mapped[Decimal | None] = mapped_column(Money)
    ytd_national_insurance: Mapped[Decimal | None] = mapped_column(Money)
    ytd_student_loan: Mapped[Decimal | None] = mapped_column(Money)
    director: Mapped[bool] = mapped_column(Boolean, server_default=false())
    director_ni_method: Mapped[str | None] = mapped_column(Text)
    paid_after_leaving: Mapped[bool] = mapped_column(Boolean, server_default=false())
    imported_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    source_file: Mapped[str | None] = mapped_column(Text)


class P60Record(Base):
    """A P60 imported by ``hmrc-sync payslips import --p60``; one per (tax year, employer)."""

    __tablename__ = "p60"
    __table_args__ = (UniqueConstraint("tax_year", "employer"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    tax_year: Mapped[str] = mapped_column(Text)
    employer: Mapped[str] = mapped_column(Text)
    gross_pay: Mapped[Decimal] = mapped_column(Money)
    income_tax: Mapped[Decimal] = mapped_column(Money)
    national_insurance: Mapped[Decimal] = mapped_column(Money)
    tax_code: Mapped[str | None] = mapped_column(Text)
    paperless_doc_id: Mapped[int | None] = mapped_column(Integer)
    employer_paye_ref: Mapped[str | None] = mapped_column(Text)
    previous_pay: Mapped[Decimal | None] = mapped_column(Money)
    previous_tax: Mapped[Decimal | None] = mapped_column(Money)
    student_loan: Mapped[Decimal | None] = mapped_column(Money)
    postgraduate_loan: Mapped[Decimal | None] = mapped_column(Money)
    imported_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    source_file: Mapped[str | None] = mapped_column(Text)


class ReconciliationFinding(Base):
    """One finding of the last reconciliation of a tax year (read by the Grafana panels).

    Each run replaces the rows of the tax years it covered. ``scope`` is ``year`` (one
    employer's year) or ``payslip``; ``metric`` is ``gross``, ``taxable_pay``, ``tax``,
    ``ni``, ``student_loan``, ``postgraduate_loan`` or ``net_pay``; ``basis`` names what the
    payslips were compared with (``hmrc``, ``p60`` or ``expected``, i.e. recomputed with
    HMRC's rules). ``difference`` is that reference minus the payslip value. ``status`` is
    ``match``, ``explained`` (by something recorded), ``review`` (a cause was only inferred)
    or ``mismatch``.
    """

    __tablename__ = "reconciliation"
    __table_args__ = (
        Index("ix_reconciliation_tax_year", "tax_year", "scope"),
        Index("ix_reconciliation_run_id", "run_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    tax_year: Mapped[str] = mapped_column(Text)
    employer: Mapped[str] = mapped_column(Text)
    employer_paye_ref: Mapped[str | None] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(Text)
    metric: Mapped[str] = mapped_column(Text)
    basis: Mapped[str] = mapped_column(Text)
    pay_date: Mapped[dt.date | None] = mapped_column(Date)
    tax_period: Mapped[int | None] = mapped_column(Integer)
    payslip_ref: Mapped[str | None] = mapped_column(Text)
    hmrc_value: Mapped[Decimal | None] = mapped_column(Money)
    p60_value: Mapped[Decimal | None] = mapped_column(Money)
    payslip_value: Mapped[Decimal | None] = mapped_column(Money)
    expected_value: Mapped[Decimal | None] = mapped_column(Money)
    difference: Mapped[Decimal | None] = mapped_column(Money)
    status: Mapped[str] = mapped_column(Text)
    explanation_code: Mapped[str | None] = mapped_column(Text)
    explanation: Mapped[str | None] = mapped_column(Text)
    availability: Mapped[str | None] = mapped_column(Text)
