"""Class 1 National Insurance for one pay period (paye-domain.md 3.3, exact percentage method).

NI is worked per pay period, not cumulatively, with the thresholds for the pay frequency
and the rates in force on the payment date:

* employee = round((PT..UEL earnings) x rate) + round((earnings above UEL) x additional)
  (in 2016-17, when the ST was above the PT, PT..ST and ST..UEL are rounded separately);
* employer = round((earnings between the employer's start, i.e. the ST or the category's
  upper secondary threshold, and the UEL) x rate) + round((earnings above UEL) x rate);

each part rounded to the penny separately with HMRC's rule (a third decimal of 5 or less
rounds down). Directors' annual earnings periods are in ``directors_ni``, which reuses
the band arithmetic here (``employee_contribution``, ``employer_contribution``).
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Protocol, TypeVar

from hmrc_sync.paye.errors import NiCategoryError, PayeInputError
from hmrc_sync.paye.frequency import Frequency
from hmrc_sync.paye.money import ZERO, check_money, ni_round
from hmrc_sync.paye.ni_categories import EmployeeRate, EmployerRelief, NiCategory, ni_category
from hmrc_sync.paye.ni_rates import NiRegime, ni_regime


def ni_for_period(
    pay_date: dt.date, category: str, frequency: Frequency | str, gross_pay: Decimal
) -> tuple[Decimal, Decimal]:
    """Employee (primary) and employer (secondary) Class 1 NI on one period's earnings.

    Parameters:
        pay_date: the date the earnings are paid; it selects the thresholds and rates
            (e.g. 13.25% from 6 April 2022, the £242 PT from 6 July 2022, 12% again from
            6 November 2022, 10% from 6 January 2024).
        category: the NI category letter: A, B, C, H, J, M, V, Z; the freeport letters F,
            I, L, S (from 6 April 2022); the investment-zone letters N, E, D, K (from
            6 April 2024); or X (no NI).
        frequency: ``weekly``, ``fortnightly``, ``four_weekly`` or ``monthly``: the earnings
            period, which fixes the per-period thresholds.
        gross_pay: NIable earnings paid in the period (>= 0).

    Returns ``(employee, employer)`` in pounds to the penny. Raises ``PayeInputError`` (a
    ``ValueError``) for an unknown category or frequency, a payment date without rates, or
    an amount that is not a non-negative ``Decimal``.
    """
    if not isinstance(pay_date, dt.date):
        raise PayeInputError(f"pay_date must be a datetime.date, not {type(pay_date).__name__}")
    if isinstance(pay_date, dt.datetime):
        pay_date = pay_date.date()
    regime = ni_regime(pay_date)
    letter = ni_category(category, pay_date)
    freq = Frequency.parse(frequency)
    pay = check_money("gross_pay", gross_pay, allow_negative=False)
    if letter.no_ni:
        return ZERO, ZERO
    return _employee(pay, letter, regime, freq), _employer(pay, letter, regime, freq)


class ClassOneRates(Protocol):
    """The percentages the band arithmetic needs (an ``NiRegime`` or a director's year)."""

    @property
    def main(self) -> Decimal: ...
    @property
    def additional(self) -> Decimal: ...
    @property
    def reduced(self) -> Decimal: ...
    @property
    def employer(self) -> Decimal: ...


_Limit = TypeVar("_Limit")


def _band(pay: Decimal, lower: Decimal, upper: Decimal | None) -> Decimal:
    """Earnings above ``lower`` up to and including ``upper``."""
    top = pay if upper is None else min(pay, upper)
    return max(top - lower, Decimal(0))


def _employee(pay: Decimal, category: NiCategory, regime: NiRegime, freq: Frequency) -> Decimal:
    pt, st, uel = (t.per_period(freq) for t in (regime.pt, regime.st, regime.uel))
    return employee_contribution(pay, category, regime, pt=pt, st=st, uel=uel)


def _employer(pay: Decimal, category: NiCategory, regime: NiRegime, freq: Frequency) -> Decimal:
    relief = employer_relief_threshold(
        category,
        st=regime.st,
        uel=regime.uel,
        freeport=regime.freeport_threshold,
        investment_zone=regime.investment_zone_threshold,
    )
    st, uel = regime.st.per_period(freq), regime.uel.per_period(freq)
    return employer_contribution(pay, regime, start=max(st, relief.per_period(freq)), uel=uel)


def employee_contribution(
    pay: Decimal,
    category: NiCategory,
    rates: ClassOneRates,
    *,
    pt: Decimal,
    st: Decimal,
    uel: Decimal,
) -> Decimal:
    """Primary NI on ``pay`` against the limits of its earnings period (per-band rounding)."""
    if category.employee is EmployeeRate.NONE:
        return ZERO
    main = {
        EmployeeRate.MAIN: rates.main,
        EmployeeRate.REDUCED: rates.reduced,
        EmployeeRate.DEFERRED: rates.additional,
    }[category.employee] / 100
    # When the ST lies above the PT (2016-17 only) HMRC's bands are PT..ST and ST..UEL,
    # each rounded on its own (HMRC's 2016-17 category B examples differ by 1p otherwise).
    limits = [pt, st, uel] if pt < st < uel else [pt, uel]
    below = sum(
        (ni_round(_band(pay, low, high) * main) for low, high in itertools.pairwise(limits)),
        start=ZERO,
    )
    above = ni_round(_band(pay, uel, None) * rates.additional / 100)
    return below + above


def employer_contribution(
    pay: Decimal, rates: ClassOneRates, *, start: Decimal, uel: Decimal
) -> Decimal:
    """Secondary NI on ``pay``: from ``start`` (the ST or a relief threshold) to the UEL, and
    above the UEL, each part rounded on its own."""
    below = ni_round(_band(pay, start, uel) * rates.employer / 100)
    above = ni_round(_band(pay, uel, None) * rates.employer / 100)
    return below + above


def employer_relief_threshold(
    category: NiCategory,
    *,
    st: _Limit,
    uel: _Limit,
    freeport: _Limit | None,
    investment_zone: _Limit | None,
) -> _Limit:
    """The threshold below which the employer pays 0% (the ST when there is no relief).

    Works on per-period ``Threshold`` objects and on plain annual amounts alike.
    """
    if category.employer is EmployerRelief.NONE:
        return st
    if category.employer is EmployerRelief.UPPER:
        return uel
    relief = freeport if category.employer is EmployerRelief.FREEPORT else investment_zone
    if relief is None:  # pragma: no cover - categories carry their own first day
        raise NiCategoryError(f"NI category {category.letter} has no relief threshold here")
    return relief
