"""The engine's rate tables equal the tables in docs/paye-domain.md, row for row."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from pathlib import Path

import pytest

from hmrc_sync.paye import (
    INCOME_TAX_RATES,
    NI_REGIMES,
    Frequency,
    RatesNotFoundError,
    Region,
    income_tax_rates,
    ni_regime,
)
from hmrc_sync.taxyear import TaxYear
from tests.unit.paye.doc_tables import income_tax_years, ni_regimes

YEARS = range(2016, 2027)  # 2016-17 .. 2026-27


@pytest.fixture(scope="module")
def doc(published: Path) -> Path:
    return published / "paye-rates" / "rates.json"


def test_doc_tables_cover_every_year(doc: Path) -> None:
    assert sorted(income_tax_years(doc)) == list(YEARS)
    regimes = ni_regimes(doc)
    assert regimes[0].first_day == dt.date(2016, 4, 6)
    assert regimes[-1].last_day == dt.date(2027, 4, 5)
    for before, after in itertools.pairwise(regimes):
        assert after.first_day == before.last_day + dt.timedelta(days=1)


@pytest.mark.parametrize("start", YEARS)
def test_income_tax_rates_match_the_doc(doc: Path, start: int) -> None:
    expected = income_tax_years(doc)[start]
    rates = income_tax_rates(TaxYear(start))
    assert rates.personal_allowance == expected.personal_allowance
    assert rates.emergency_code == expected.emergency_code
    ruk = tuple((band.percent, band.upper) for band in rates.bands_for(Region.REST_OF_UK))
    assert ruk == expected.ruk
    scottish = tuple((band.percent, band.upper) for band in rates.bands_for(Region.SCOTLAND))
    assert scottish == expected.scotland
    if start >= 2019:  # Welsh rates begin in 2019-20 and have equalled England's since
        assert rates.bands_for(Region.WALES) == rates.bands_for(Region.REST_OF_UK)
    else:
        assert Region.WALES not in rates.bands


def test_every_ni_regime_matches_the_doc(doc: Path) -> None:
    expected = ni_regimes(doc)
    assert len(NI_REGIMES) == len(expected)
    for regime, row in zip(NI_REGIMES, expected, strict=True):
        assert (regime.first_day, regime.last_day) == (row.first_day, row.last_day)
        for ours, theirs in (
            (regime.lel, row.lel),
            (regime.pt, row.pt),
            (regime.st, row.st),
            (regime.uel, row.uel),
        ):
            assert (ours.weekly, ours.monthly, ours.annual) == theirs, regime.source
        assert (regime.main, regime.additional, regime.employer) == (
            row.main,
            row.additional,
            row.employer,
        )


# paye-domain.md 3.1 "Two-weekly and four-weekly thresholds as used in HMRC's test data".
@pytest.mark.parametrize(
    ("pay_date", "lel", "pt", "uel", "st"),
    [
        (dt.date(2022, 4, 6), (246, 492), (380, 760), (1934, 3867), (350, 700)),
        (dt.date(2022, 7, 6), (246, 492), (484, 967), (1934, 3867), (350, 700)),
        (dt.date(2023, 4, 6), (246, 492), (484, 967), (1934, 3867), (350, 700)),
        (dt.date(2025, 4, 6), (250, 500), (484, 967), (1934, 3867), (193, 385)),
    ],
)
def test_two_and_four_weekly_thresholds_are_hmrcs(
    pay_date: dt.date,
    lel: tuple[int, int],
    pt: tuple[int, int],
    uel: tuple[int, int],
    st: tuple[int, int],
) -> None:
    regime = ni_regime(pay_date)
    for threshold, (fortnightly, four_weekly) in (
        (regime.lel, lel),
        (regime.pt, pt),
        (regime.uel, uel),
        (regime.st, st),
    ):
        assert threshold.per_period(Frequency.FORTNIGHTLY) == fortnightly
        assert threshold.per_period(Frequency.FOUR_WEEKLY) == four_weekly


def test_weekly_and_monthly_thresholds_are_the_published_figures_not_annual_fractions() -> None:
    regime = ni_regime(dt.date(2025, 4, 6))
    assert regime.pt.per_period(Frequency.WEEKLY) == Decimal(242)  # 12,570 / 52 = 241.73
    assert regime.uel.per_period(Frequency.MONTHLY) == Decimal(4189)  # 50,270 / 12 = 4,189.17
    assert regime.st.per_period(Frequency.WEEKLY) == Decimal(96)  # 5,000 / 52 = 96.15


def test_every_source_cites_the_doc_row() -> None:
    for rates in INCOME_TAX_RATES:
        assert "paye-domain.md 2.1" in rates.source
    for regime in NI_REGIMES:
        assert "paye-domain.md 3.1" in regime.source


@pytest.mark.parametrize("text", ["2015-16", "2027-28"])
def test_years_without_rates_are_refused_with_the_supported_range(text: str) -> None:
    with pytest.raises(RatesNotFoundError, match=r"2016-17 to 2026-27") as raised:
        income_tax_rates(TaxYear.parse(text))
    assert isinstance(raised.value, ValueError)


@pytest.mark.parametrize("day", [dt.date(2016, 4, 5), dt.date(2027, 4, 6)])
def test_pay_dates_without_ni_rates_are_refused(day: dt.date) -> None:
    with pytest.raises(RatesNotFoundError, match=r"2016-04-06 to 2027-04-05"):
        ni_regime(day)
