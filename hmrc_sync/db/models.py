"""hmrc-sync's tables. The schema is owned by the Alembic migrations; these models mirror them
(an autogenerate check in the tests keeps the two in agreement)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Index, Integer, Text, UniqueConstraint
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
