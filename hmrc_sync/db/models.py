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
    nicable_earnings: Mapped[Decimal | None] = mapped_column(Money)
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
