"""The I/O shell's pure helpers: one availability per year, in-year MTD figures' date."""

from __future__ import annotations

import datetime as dt

from hmrc_sync.db.models import Availability
from hmrc_sync.reconcile import YearAvailability
from hmrc_sync.reconcile.store import figures_to, year_availability
from hmrc_sync.taxyear import TaxYear

WHEN = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def _row(year: str, api: str, state: str) -> Availability:
    return Availability(tax_year=year, api=api, state=state, last_checked_at=WHEN)


def test_year_availability_prefers_the_pay_and_tax_apis() -> None:
    rows = [
        _row("2024/25", "individual-income", "available"),
        _row("2024/25", "individual-tax", "not_yet_available"),
        _row("2023/24", "individual-income", "withdrawn"),
        _row("2023/24", "individual-tax", "not_yet_available"),
        _row("2023/24", "national-insurance", "available"),  # earnings only: ignored
        _row("2022/23", "national-insurance", "forbidden"),  # only a non-pay API: used
        _row("2021/22", "individuals-employments-income", "forbidden"),
    ]
    assert year_availability(rows) == {
        TaxYear(2024): YearAvailability.AVAILABLE,
        TaxYear(2023): YearAvailability.WITHDRAWN,
        TaxYear(2022): YearAvailability.FORBIDDEN,
        TaxYear(2021): YearAvailability.FORBIDDEN,
    }


def test_figures_to_reads_the_latest_payment_date_of_mtd_figures() -> None:
    raw = {"financial-details": {"employment": {"pay": {"paymentDate": "2024-09-25"}}}}
    assert figures_to(raw) == dt.date(2024, 9, 25)
    assert figures_to({}) is None
    assert figures_to({"financial-details": {"employment": {"pay": None}}}) is None
    assert figures_to({"financial-details": {"employment": {"pay": {"paymentDate": "x"}}}}) is None
