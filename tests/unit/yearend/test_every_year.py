"""Every tax year 2016-17 to 2026-27 and every region: properties that follow from the rules.

None of these expectations comes from running the code: each is what HMRC's rules say for
the year's published allowance and first band (income_tax_rates / paye-domain.md 2.1).
"""

from __future__ import annotations

import itertools
from decimal import Decimal as D

import pytest

from hmrc_sync.paye.income_tax_rates import income_tax_rates
from hmrc_sync.taxyear import TaxYear
from hmrc_sync.yearend import income_tax_liability

YEARS = [TaxYear(start) for start in range(2016, 2027)]
REGIONS = ("rUK", "scotland", "wales")
# Personal allowances 2016-17 .. 2026-27 (paye-domain.md 2.1).
ALLOWANCE = dict(
    zip(range(2016, 2027), (11_000, 11_500, 11_850, 12_500, 12_500) + (12_570,) * 6, strict=True)
)


def _first_rate(year: TaxYear, region: str) -> D:
    """Scotland's starter rate (19%) from 2018-19; otherwise the 20% basic rate."""
    return D("0.19") if region == "scotland" and year.start_year >= 2018 else D("0.20")


@pytest.mark.parametrize(("year", "region"), list(itertools.product(YEARS, REGIONS)), ids=str)
def test_first_pounds_above_the_allowance(year: TaxYear, region: str) -> None:
    """At the allowance: no tax. £100 more: £100 at the year's first rate."""
    allowance = ALLOWANCE[year.start_year]
    at = income_tax_liability(year, region, D(allowance))
    assert at.personal_allowance == allowance
    assert at.income_tax == 0
    above = income_tax_liability(year, region, D(allowance + 100))
    assert above.income_tax == 100 * _first_rate(year, region)


@pytest.mark.parametrize("year", YEARS, ids=str)
def test_wales_equals_rUK(year: TaxYear) -> None:
    """Welsh taxpayers pay rUK rates on non-savings income in every year (as rUK before
    2019-20, at equal Welsh rates since)."""
    for pay in (D(30_000), D(80_000), D(200_000)):
        wales = income_tax_liability(year, "wales", pay, gift_aid_payments=D(400))
        ruk = income_tax_liability(year, "rUK", pay, gift_aid_payments=D(400))
        assert wales.income_tax == ruk.income_tax
        assert wales.bands == ruk.bands


@pytest.mark.parametrize("year", YEARS, ids=str)
def test_allowance_gone_at_twice_the_allowance_above_100000(year: TaxYear) -> None:
    allowance = ALLOWANCE[year.start_year]
    assert income_tax_rates(year).personal_allowance == allowance
    gone = income_tax_liability(year, "rUK", D(100_000 + 2 * allowance))
    assert gone.personal_allowance == 0
    one_left = income_tax_liability(year, "rUK", D(100_000 + 2 * allowance - 1))
    assert one_left.personal_allowance == 1


@pytest.mark.parametrize("year", YEARS, ids=str)
def test_tax_never_falls_as_pay_rises(year: TaxYear) -> None:
    for region in REGIONS:
        taxes = [
            income_tax_liability(year, region, D(pay)).income_tax
            for pay in range(0, 260_000, 2_500)
        ]
        assert taxes == sorted(taxes)


# Blind Person's Allowance by year, from gov.uk "Blind Person's Allowance" and the sources
# cited in income_tax_rates (2016-17 .. 2026-27).
BLIND = (2_290, 2_320, 2_390, 2_450, 2_500, 2_520, 2_600, 2_870, 3_070, 3_130, 3_250)


@pytest.mark.parametrize("year", YEARS, ids=str)
def test_blind_persons_allowance_adds_to_the_allowance(year: TaxYear) -> None:
    """Pay equal to PA + BPA is tax-free; £10 more costs £10 at the year's first rate."""
    blind = BLIND[year.start_year - 2016]
    free = D(ALLOWANCE[year.start_year] + blind)
    at = income_tax_liability(year, "rUK", free, blind_persons_allowance=True)
    assert at.blind_persons_allowance == blind
    assert at.income_tax == 0
    above = income_tax_liability(year, "rUK", free + 10, blind_persons_allowance=True)
    assert above.income_tax == D("2.00")
