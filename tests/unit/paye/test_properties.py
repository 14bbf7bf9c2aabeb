"""Property tests for the PAYE / NI engine."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from hmrc_sync.paye import (
    NI_REGIMES,
    Frequency,
    Region,
    income_tax_rates,
    ni_for_period,
    one_period_free_pay,
    tax_for_period,
)
from hmrc_sync.taxyear import TaxYear

PENNY = Decimal("0.01")

years = st.integers(min_value=2016, max_value=2026).map(TaxYear)
pennies = st.integers(min_value=0, max_value=5_000_000).map(lambda p: Decimal(p) / 100)
tables = st.sampled_from([(Frequency.MONTHLY, 12), (Frequency.WEEKLY, 52)])
pay_dates = st.dates(min_value=NI_REGIMES[0].first_day, max_value=NI_REGIMES[-1].last_day)
categories = st.sampled_from("ABCHJMVZX")


def annual_tax(taxable: Decimal, year: TaxYear, region: Region) -> Decimal:
    tax, lower = Decimal(0), Decimal(0)
    for band in income_tax_rates(year).bands_for(region):
        top = taxable if band.upper is None else min(taxable, band.upper)
        if top > lower:
            tax += (top - lower) * band.rate
        if band.upper is not None:
            lower = band.upper
    return tax


@settings(deadline=None)
@given(
    year=years,
    scottish=st.booleans(),
    number=st.integers(min_value=0, max_value=2_000),
    table=tables,
    pay=st.integers(min_value=0, max_value=2_000_000).map(lambda p: Decimal(p) / 100),
)
def test_a_year_of_equal_pay_matches_annual_tax_from_the_bands(
    year: TaxYear, scottish: bool, number: int, table: tuple[Frequency, int], pay: Decimal
) -> None:
    """Twelve months (or 52 weeks) of equal pay cost the annual tax on the year's pay less
    the code's allowance, short by at most the pound the last period floors away."""
    frequency, periods = table
    region = Region.SCOTLAND if scottish else Region.REST_OF_UK
    code = ("S" if scottish else "") + (f"{number}L" if number else "0T")
    paid = Decimal(0)
    for period in range(1, periods + 1):
        paid += tax_for_period(year, code, frequency, period, pay, pay * period, paid)
    allowance = one_period_free_pay(number, periods) * periods
    expected = annual_tax(max(pay * periods - allowance, Decimal(0)), year, region)
    assert Decimal(0) <= expected - paid < Decimal("0.49")


@settings(deadline=None)
@given(
    year=years,
    number=st.integers(min_value=1, max_value=3_000),
    pays=st.lists(pennies, min_size=1, max_size=12),
    scottish=st.booleans(),
)
def test_k_codes_never_take_more_than_half_of_pay(
    year: TaxYear, number: int, pays: list[Decimal], scottish: bool
) -> None:
    code = ("S" if scottish else "") + f"K{number}"
    to_date = paid = Decimal(0)
    for period, pay in enumerate(pays, start=1):
        to_date += pay
        tax = tax_for_period(year, code, "monthly", period, pay, to_date, paid)
        assert tax <= pay / 2
        paid += tax


@settings(deadline=None)
@given(
    year=years,
    number=st.integers(min_value=0, max_value=2_000),
    table=tables,
    period=st.integers(min_value=1, max_value=12),
    pay=pennies,
    to_date=pennies,
    paid=pennies,
)
def test_week1_month1_depends_on_this_periods_pay_only(
    year: TaxYear,
    number: int,
    table: tuple[Frequency, int],
    period: int,
    pay: Decimal,
    to_date: Decimal,
    paid: Decimal,
) -> None:
    code = f"{number}L" if number else "0T"
    frequency, _ = table
    first = tax_for_period(year, code, frequency, 1, pay, pay, Decimal(0), True)
    later = tax_for_period(year, code, frequency, period, pay, to_date, paid, True)
    assert later == first
    assert Decimal(0) <= first <= pay / 2


@settings(deadline=None)
@given(
    year=st.integers(min_value=2019, max_value=2026).map(TaxYear),
    number=st.integers(min_value=0, max_value=2_000),
    period=st.integers(min_value=1, max_value=12),
    pay=pennies,
    to_date=pennies,
    paid=pennies,
)
def test_welsh_codes_equal_rest_of_uk_codes(
    year: TaxYear, number: int, period: int, pay: Decimal, to_date: Decimal, paid: Decimal
) -> None:
    body = f"{number}L" if number else "0T"
    welsh = tax_for_period(year, "C" + body, "monthly", period, pay, to_date, paid)
    assert welsh == tax_for_period(year, body, "monthly", period, pay, to_date, paid)


@settings(deadline=None)
@given(
    day=pay_dates,
    category=categories,
    frequency=st.sampled_from(list(Frequency)),
    pay=pennies,
    extra=st.integers(min_value=1, max_value=100_000).map(lambda p: Decimal(p) / 100),
)
def test_ni_never_falls_as_pay_rises(
    day: dt.date, category: str, frequency: Frequency, pay: Decimal, extra: Decimal
) -> None:
    if category == "V" and day < dt.date(2022, 4, 6):
        return
    low = ni_for_period(day, category, frequency, pay)
    high = ni_for_period(day, category, frequency, pay + extra)
    assert high[0] >= low[0]
    assert high[1] >= low[1]


@settings(deadline=None)
@given(day=pay_dates, frequency=st.sampled_from(list(Frequency)), pay=pennies)
def test_category_a_ni_is_within_pennies_of_the_exact_percentage(
    day: dt.date, frequency: Frequency, pay: Decimal
) -> None:
    regime = next(r for r in NI_REGIMES if r.covers(day))
    pt, st_, uel = (t.per_period(frequency) for t in (regime.pt, regime.st, regime.uel))
    exact_employee = (
        max(min(pay, uel) - pt, Decimal(0)) * regime.main / 100
        + max(pay - uel, Decimal(0)) * regime.additional / 100
    )
    exact_employer = max(pay - st_, Decimal(0)) * regime.employer / 100
    employee, employer = ni_for_period(day, "A", frequency, pay)
    assert abs(employee - exact_employee) <= 2 * PENNY
    assert abs(employer - exact_employer) <= 2 * PENNY
