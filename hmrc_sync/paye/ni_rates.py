"""Class 1 National Insurance thresholds and rates by payment date, as data.

Every figure is copied from ``docs/paye-domain.md`` section 3.1 ("Thresholds and rates
2016-17 to 2026-27"); each regime's ``source`` names the table row and its source keys.
Rates follow the **payment date** [NIM01610], so 2022-23 has three regimes and 2023-24 two.

Thresholds are HMRC's own weekly and monthly figures (not annual / 52 or / 12). For
two-weekly and four-weekly pay HMRC's figure is the annual amount x 2/52 or x 4/52
**rounded up** to a whole pound: that reproduces every two- and four-weekly threshold in
HMRC's test data (paye-domain.md 3.1, "Two-weekly and four-weekly thresholds", e.g. PT
£967 four-weekly, not 4 x £242; ST £193 two-weekly in 2025-26) and the 2016-17 to 2021-22
HMRC NI examples carried in Coda.Payroll's tests (e.g. 2018-19 UEL £1,783 two-weekly,
not 2 x £892).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Final

from hmrc_sync.paye.errors import RatesNotFoundError
from hmrc_sync.paye.frequency import Frequency
from hmrc_sync.paye.money import ceil_pound
from hmrc_sync.taxyear import TaxYear


@dataclass(frozen=True, slots=True)
class Threshold:
    """One threshold as HMRC publishes it: per week, per month and per year (pounds)."""

    weekly: Decimal
    monthly: Decimal
    annual: Decimal

    def per_period(self, frequency: Frequency) -> Decimal:
        if frequency is Frequency.WEEKLY:
            return self.weekly
        if frequency is Frequency.MONTHLY:
            return self.monthly
        return ceil_pound(self.annual * frequency.weeks_per_period / 52)


@dataclass(frozen=True, slots=True)
class NiRegime:
    """Thresholds and rates for payments made from ``first_day`` to ``last_day``.

    Percentages: ``main`` employee rate between PT and UEL, ``additional`` above the UEL
    (and the deferment rate throughout), ``reduced`` the married women's rate (category
    B), ``employer`` the secondary rate. ``relief_threshold`` is the freeport /
    investment-zone upper secondary threshold (None before those reliefs existed).
    """

    first_day: dt.date
    last_day: dt.date
    lel: Threshold
    pt: Threshold
    st: Threshold
    uel: Threshold
    main: Decimal
    additional: Decimal
    reduced: Decimal
    employer: Decimal
    freeport_threshold: Threshold | None
    investment_zone_threshold: Threshold | None
    source: str = field(compare=False)

    def covers(self, day: dt.date) -> bool:
        return self.first_day <= day <= self.last_day


def _t(weekly: int, monthly: int, annual: int) -> Threshold:
    return Threshold(Decimal(weekly), Decimal(monthly), Decimal(annual))


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# The freeport and investment-zone upper secondary threshold, £25,000 a year (£481 a week,
# £2,083 a month) [PT-REF] [HAZLE22]; two-/four-weekly £962/£1,924 as in HMRC's 2025-26 data.
_RELIEF: Final = _t(481, 2_083, 25_000)

_LEL_2022: Final = _t(123, 533, 6_396)
_PT_2022_JULY: Final = _t(242, 1_048, 12_570)
_ST_2022: Final = _t(175, 758, 9_100)
_UEL_2021: Final = _t(967, 4_189, 50_270)
_ST_2025: Final = _t(96, 417, 5_000)

_12, _2, _5_85, _13_8 = Decimal("12"), Decimal("2"), Decimal("5.85"), Decimal("13.8")
_13_25, _3_25, _7_1, _15_05 = Decimal("13.25"), Decimal("3.25"), Decimal("7.1"), Decimal("15.05")
_8, _1_85, _15 = Decimal("8"), Decimal("1.85"), Decimal("15")

# fmt: off
NI_REGIMES: Final[tuple[NiRegime, ...]] = (
    NiRegime(_d("2016-04-06"), _d("2017-04-05"),
             _t(112, 486, 5_824), _t(155, 672, 8_060), _t(156, 676, 8_112), _t(827, 3_583, 43_000),
             _12, _2, _5_85, _13_8, None, None,
             "paye-domain.md 3.1 row 2016-17 [G-RT16] [PAPERZZ16]; B 5.85% [NIM01610]"),
    NiRegime(_d("2017-04-06"), _d("2018-04-05"),
             _t(113, 490, 5_876), _t(157, 680, 8_164), _t(157, 680, 8_164), _t(866, 3_750, 45_000),
             _12, _2, _5_85, _13_8, None, None,
             "paye-domain.md 3.1 row 2017-18 [G-RT17] [TAXATION17]"),
    NiRegime(_d("2018-04-06"), _d("2019-04-05"),
             _t(116, 503, 6_032), _t(162, 702, 8_424), _t(162, 702, 8_424), _t(892, 3_863, 46_350),
             _12, _2, _5_85, _13_8, None, None,
             "paye-domain.md 3.1 row 2018-19 [GMT18] [G-RT18]"),
    NiRegime(_d("2019-04-06"), _d("2020-04-05"),
             _t(118, 512, 6_136), _t(166, 719, 8_632), _t(166, 719, 8_632), _t(962, 4_167, 50_000),
             _12, _2, _5_85, _13_8, None, None,
             "paye-domain.md 3.1 row 2019-20 [TANDEM19] [ASPIRE20]"),
    NiRegime(_d("2020-04-06"), _d("2021-04-05"),
             _t(120, 520, 6_240), _t(183, 792, 9_500), _t(169, 732, 8_788), _t(962, 4_167, 50_000),
             _12, _2, _5_85, _13_8, None, None,
             "paye-domain.md 3.1 row 2020-21 [FLEET21] [ASPIRE20]"),
    NiRegime(_d("2021-04-06"), _d("2022-04-05"),
             _t(120, 520, 6_240), _t(184, 797, 9_568), _t(170, 737, 8_840), _UEL_2021,
             _12, _2, _5_85, _13_8, None, None,
             "paye-domain.md 3.1 row 2021-22 [FLEET21] [AWEB21]"),
    NiRegime(_d("2022-04-06"), _d("2022-07-05"),
             _LEL_2022, _t(190, 823, 9_880), _ST_2022, _UEL_2021,
             _13_25, _3_25, _7_1, _15_05, _RELIEF, None,
             "paye-domain.md 3.1 row '2022-23, paid 6 Apr-5 Jul 2022' [PT-REF] [NIM01610] "
             "[HAZLE22]; B 7.1% [NIM01610]"),
    NiRegime(_d("2022-07-06"), _d("2022-11-05"),
             _LEL_2022, _PT_2022_JULY, _ST_2022, _UEL_2021,
             _13_25, _3_25, _7_1, _15_05, _RELIEF, None,
             "paye-domain.md 3.1 row '2022-23, paid 6 Jul-5 Nov 2022' [PT-REF] [NIM01610]"),
    NiRegime(_d("2022-11-06"), _d("2023-04-05"),
             _LEL_2022, _PT_2022_JULY, _ST_2022, _UEL_2021,
             _12, _2, _5_85, _13_8, _RELIEF, None,
             "paye-domain.md 3.1 row '2022-23, paid 6 Nov 2022-5 Apr 2023' [PT-REF] [NIM01610]"),
    NiRegime(_d("2023-04-06"), _d("2024-01-05"),
             _LEL_2022, _PT_2022_JULY, _ST_2022, _UEL_2021,
             _12, _2, _5_85, _13_8, _RELIEF, None,
             "paye-domain.md 3.1 row '2023-24, paid 6 Apr 2023-5 Jan 2024' [G-RT23] [CIPP-2324] "
             "[NIM01625]"),
    NiRegime(_d("2024-01-06"), _d("2024-04-05"),
             _LEL_2022, _PT_2022_JULY, _ST_2022, _UEL_2021,
             Decimal("10"), _2, Decimal("3.85"), _13_8, _RELIEF, None,
             "paye-domain.md 3.1 row '2023-24, paid 6 Jan-5 Apr 2024' [NIM01625] [PT-REF]; "
             "B 3.85% [NIM01625] [CLAYSHAW] (not Payetools' 5.85%, see 9)"),
    NiRegime(_d("2024-04-06"), _d("2025-04-05"),
             _LEL_2022, _PT_2022_JULY, _ST_2022, _UEL_2021,
             _8, _2, _1_85, _13_8, _RELIEF, _RELIEF,
             "paye-domain.md 3.1 row 2024-25 [PT-REF] [CLAYSHAW]; B 1.85%"),
    NiRegime(_d("2025-04-06"), _d("2026-04-05"),
             _t(125, 542, 6_500), _PT_2022_JULY, _ST_2025, _UEL_2021,
             _8, _2, _1_85, _15, _RELIEF, _RELIEF,
             "paye-domain.md 3.1 row 2025-26 [PT-REF] [PAYOPT25]"),
    NiRegime(_d("2026-04-06"), _d("2027-04-05"),
             _t(129, 559, 6_708), _PT_2022_JULY, _ST_2025, _UEL_2021,
             _8, _2, _1_85, _15, _RELIEF, _RELIEF,
             "paye-domain.md 3.1 row 2026-27 [PAYPACKET26] [PE-LEL] [PAYFIT-LEL]; reliefs "
             "assumed unchanged from 2025-26"),
)
# fmt: on


def ni_regime(pay_date: dt.date) -> NiRegime:
    """The regime in force on a payment date, or ``RatesNotFoundError``."""
    for regime in NI_REGIMES:
        if regime.covers(pay_date):
            return regime
    first, last = NI_REGIMES[0].first_day, NI_REGIMES[-1].last_day
    raise RatesNotFoundError(
        f"no National Insurance rates are held for payments on {pay_date.isoformat()}: "
        f"payment dates {first.isoformat()} to {last.isoformat()} are supported"
    )


# ----------------------------------------------------------------------------- directors
@dataclass(frozen=True, slots=True)
class DirectorAnnualRates:
    """Class 1 figures for a director's annual earnings period in one tax year.

    Thresholds are annual amounts in pounds (pro-rata for a director appointed in the year
    is the caller's job); the rates are percentages as in ``NiRegime``. ``freeport_threshold``
    and ``investment_zone_threshold`` are the annual upper secondary thresholds of those
    reliefs (None before they existed).
    """

    start_year: int
    lel: Decimal
    pt: Decimal
    st: Decimal
    uel: Decimal
    main: Decimal
    additional: Decimal
    reduced: Decimal
    employer: Decimal
    freeport_threshold: Decimal | None
    investment_zone_threshold: Decimal | None
    source: str = field(compare=False)


@dataclass(frozen=True, slots=True)
class DirectorBlendedRates:
    """HMRC's annual-earnings-period figures for a year whose rates changed mid-year.

    ``pt`` replaces the annual primary threshold where that changed too (None: unchanged).
    """

    start_year: int
    pt: Decimal | None
    main: Decimal
    additional: Decimal
    reduced: Decimal
    employer: Decimal
    source: str = field(compare=False)


# paye-domain.md 3.1 "Directors use an annual earnings period and blended rates in changed
# years". 2022-23: 214 days at the April rates and 151 at the November ones, e.g. main
# (214 x 13.25 + 151 x 12) / 365 = 12.73; the PT is £11,908 all year (£229 a week for
# pro-rata) [NIM01615] [NIM01620]. 2023-24: 275 days at 12% and 91 at 10% gives 11.5%, and
# 5.35% for the married women's rate; the additional and secondary rates did not change
# [NIM01625] (NICs (Reduction in Rates) Act 2023, Schedule para 1(3) and (5)).
DIRECTOR_BLENDED_RATES: Final = MappingProxyType(
    {
        2022: DirectorBlendedRates(
            2022, Decimal(11_908), Decimal("12.73"), Decimal("2.73"), Decimal("6.58"),
            Decimal("14.53"),
            "paye-domain.md 3.1 directors 2022-23 [NIM01615] [NIM01620]",
        ),
        2023: DirectorBlendedRates(
            2023, None, Decimal("11.5"), _2, Decimal("5.35"), _13_8,
            "paye-domain.md 3.1 directors 2023-24 [NIM01625]; NICs (Reduction in Rates) Act "
            "2023 Sch. para 1",
        ),
    }
)  # fmt: skip


def director_annual_rates(tax_year: TaxYear) -> DirectorAnnualRates:
    """A director's annual figures for ``tax_year``, or ``RatesNotFoundError``.

    Outside the blended years every regime of a year has the same annual thresholds and
    rates, so they are the regime's in force on the last day of the year (5 April). In
    2022-23 and 2023-24 the blended rates (and 2022-23's £11,908 PT) apply to the whole
    annual earnings period: to the standard annual method all year and to the alternative
    method's year-end recalculation [NIM01615].
    """
    first, last = NI_REGIMES[0].first_day, NI_REGIMES[-1].last_day
    if not (first <= tax_year.first_day and tax_year.last_day <= last):
        raise RatesNotFoundError(
            f"no National Insurance rates are held for {tax_year}: tax years "
            f"{TaxYear.containing(first)} to {TaxYear.containing(last)} are supported"
        )
    start_year = tax_year.start_year
    regime = ni_regime(tax_year.last_day)
    blended = DIRECTOR_BLENDED_RATES.get(start_year)
    rates = (
        (regime.main, regime.additional, regime.reduced, regime.employer)
        if blended is None
        else (blended.main, blended.additional, blended.reduced, blended.employer)
    )
    pt = regime.pt.annual if blended is None or blended.pt is None else blended.pt
    source = regime.source if blended is None else f"{blended.source}; thresholds {regime.source}"
    return DirectorAnnualRates(
        start_year,
        regime.lel.annual,
        pt,
        regime.st.annual,
        regime.uel.annual,
        *rates,
        _annual_or_none(regime.freeport_threshold),
        _annual_or_none(regime.investment_zone_threshold),
        source,
    )


def _annual_or_none(threshold: Threshold | None) -> Decimal | None:
    return None if threshold is None else threshold.annual
