"""Every tax year 2016-17 to 2026-27 gives plausible figures for typical salaries.

The expectations are computed here from the annual figures in paye-domain.md (read by
``doc_tables``), not from the engine's data: a year's PAYE over twelve months must come
within a few pounds of tax on (salary - personal allowance) through the doc's bands, and
each month's NI within a penny of (pay - threshold) x rate from the doc's monthly figures.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from hmrc_sync.paye import ni_for_period, tax_for_period
from tests.unit.paye.doc_tables import income_tax_years, ni_regimes

YEARS = range(2016, 2027)


@pytest.fixture(scope="module")
def doc(published: Path) -> Path:
    return published / "paye-rates" / "rates.json"


def annual_tax(taxable: Decimal, bands: tuple[tuple[Decimal, Decimal | None], ...]) -> Decimal:
    tax, lower = Decimal(0), Decimal(0)
    for percent, upper in bands:
        top = taxable if upper is None else min(taxable, upper)
        if top > lower:
            tax += (top - lower) * percent / 100
        lower = upper if upper is not None else lower
    return tax


def year_of_paye(start: int, code: str, frequency: str, periods: int, salary: Decimal) -> Decimal:
    pay = (salary / periods).quantize(Decimal("0.01"))
    paid = Decimal(0)
    for period in range(1, periods + 1):
        paid += tax_for_period(f"{start}", code, frequency, period, pay, pay * period, paid)
    return paid


# The code gives (number x 10 + 9) a year plus pennies of rounding, i.e. about £10 more
# allowance than the PA (about £4.80 at 48%); taxable pay is floored to £1; splitting the
# salary into periods loses up to a penny a period.
TOLERANCE = Decimal(6)


@pytest.mark.parametrize("start", YEARS)
@pytest.mark.parametrize("salary", [Decimal(30_000), Decimal(60_000), Decimal(180_000)])
@pytest.mark.parametrize(("frequency", "periods"), [("monthly", 12), ("weekly", 52)])
def test_paye_for_a_year_matches_the_annual_bands(
    doc: Path, start: int, salary: Decimal, frequency: str, periods: int
) -> None:
    year = income_tax_years(doc)[start]
    expected = annual_tax(salary - year.personal_allowance, year.ruk)
    actual = year_of_paye(start, year.emergency_code, frequency, periods, salary)
    assert abs(actual - expected) <= TOLERANCE, (start, salary, actual, expected)


@pytest.mark.parametrize("start", YEARS)
@pytest.mark.parametrize("salary", [Decimal(16_000), Decimal(30_000), Decimal(90_000)])
def test_scottish_paye_matches_the_scottish_bands(doc: Path, start: int, salary: Decimal) -> None:
    year = income_tax_years(doc)[start]
    expected = annual_tax(salary - year.personal_allowance, year.scotland)
    actual = year_of_paye(start, "S" + year.emergency_code, "monthly", 12, salary)
    assert abs(actual - expected) <= TOLERANCE, (start, salary, actual, expected)


@pytest.mark.parametrize("start", YEARS)
def test_typical_salary_is_plausible(doc: Path, start: int) -> None:
    """£30,000: all of it above the allowance at the basic rate, about 13-17% overall."""
    year = income_tax_years(doc)[start]
    actual = year_of_paye(start, year.emergency_code, "monthly", 12, Decimal(30_000))
    assert Decimal(3_000) < actual < Decimal(4_000)


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.mark.parametrize("start", YEARS)
def test_monthly_ni_on_a_typical_salary(doc: Path, start: int) -> None:
    """£2,500 a month (above PT and ST, below UEL), paid on the 25th of each month."""
    regimes = ni_regimes(doc)
    pay = Decimal(2_500)
    for month in range(12):
        day = dt.date(start + (month + 3) // 12, (month + 3) % 12 + 1, 25)
        row = next(r for r in regimes if r.first_day <= day <= r.last_day)
        employee, employer = ni_for_period(day, "A", "monthly", pay)
        assert abs(employee - _round((pay - row.pt[1]) * row.main / 100)) <= Decimal("0.01")
        assert abs(employer - _round((pay - row.st[1]) * row.employer / 100)) <= Decimal("0.01")


@pytest.mark.parametrize("start", YEARS)
def test_weekly_ni_above_the_uel(doc: Path, start: int) -> None:
    regimes = ni_regimes(doc)
    day = dt.date(start, 10, 1)
    row = next(r for r in regimes if r.first_day <= day <= r.last_day)
    pay = Decimal(1_500)
    expected = (row.uel[0] - row.pt[0]) * row.main / 100 + (pay - row.uel[0]) * row.additional / 100
    employee, _ = ni_for_period(day, "A", "weekly", pay)
    assert abs(employee - expected) <= Decimal("0.02")
