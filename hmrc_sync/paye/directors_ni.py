"""Class 1 NI for company directors: the annual earnings period (paye-domain.md 3.1, 3.3).

A director's NI is worked on an **annual earnings period** (pro-rata in the tax year of
appointment), by one of two methods [NIM01615] [CA44]:

* ``standard_annual``: each period, NI due on the earnings of the earnings period to date
  against the annual (or pro-rata) thresholds, minus the NI already paid in it;
* ``alternative``: each period is worked like an ordinary employee's (the per-period
  thresholds and the rates in force on the pay date) and the **last** period of the year
  (or of the directorship) is recalculated on the annual method: annual NI on the year's
  earnings minus the NI already paid.

Annual figures:

* Thresholds are the year's annual LEL, PT, ST, UEL and relief thresholds from
  ``ni_rates``. For a director appointed in the year each is pro-rata: annual x weeks in
  the earnings period / 52, rounded **up** to a whole pound (UEL 50,270 x 48/52 =
  46,403.08 -> 46,404), as in HMRC's directors' test data.
* In 2022-23 and 2023-24, when the rates changed in the year, the annual earnings period
  uses HMRC's blended rates for the whole year (2022-23: PT £11,908, 12.73% / 2.73%,
  married women 6.58%, employer 14.53%; 2023-24: 11.5% and 5.35%) [NIM01615] [NIM01625].
* Each band is rounded to the penny on its own, with HMRC's rule (0.5p or less rounds
  down), exactly as for ordinary employees.

The result of an annual calculation may be **negative**: a refund of NI over-collected
earlier in the earnings period (for example by the alternative method's per-period
figures). One category letter is assumed for the whole earnings period.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

from hmrc_sync.paye.choices import parse_choice
from hmrc_sync.paye.errors import DirectorNiError, PayeInputError, PeriodError
from hmrc_sync.paye.frequency import Frequency
from hmrc_sync.paye.money import ZERO, ceil_pound, check_money
from hmrc_sync.paye.national_insurance import (
    employee_contribution,
    employer_contribution,
    employer_relief_threshold,
    ni_for_period,
)
from hmrc_sync.paye.ni_categories import NiCategory, ni_category
from hmrc_sync.paye.ni_rates import DirectorAnnualRates, director_annual_rates
from hmrc_sync.paye.years import parse_tax_year
from hmrc_sync.taxyear import TaxYear

WEEKS_IN_YEAR = 52
_MAX_PERIOD = 56  # four-weekly period 14 is tax week 56, the largest period number in use


class DirectorNiMethod(StrEnum):
    """How a director's NI is collected during the year. The value is the text accepted."""

    STANDARD_ANNUAL = "standard_annual"
    ALTERNATIVE = "alternative"

    @classmethod
    def parse(cls, value: DirectorNiMethod | str) -> DirectorNiMethod:
        """Accept a method or its text (case-insensitive; ``-`` or space for ``_``)."""
        return parse_choice(cls, value, DirectorNiError, "directors' NI method")


def director_ni_for_period(
    *,
    tax_year: TaxYear | str,
    pay_date: dt.date,
    category: str,
    method: DirectorNiMethod | str,
    period: int,
    gross_pay: Decimal,
    gross_pay_to_date: Decimal,
    employee_ni_to_date: Decimal,
    employer_ni_to_date: Decimal,
    weeks_in_earnings_period: int = WEEKS_IN_YEAR,
    last_period: bool = False,
    frequency: Frequency | str | None = None,
) -> tuple[Decimal, Decimal]:
    """Employee (primary) and employer (secondary) NI on a director's pay in one period.

    Parameters:
        tax_year: the tax year of the payment (``TaxYear`` or text such as ``"2025-26"``).
        pay_date: the payment date; it must fall in ``tax_year``. Under the alternative
            method it selects the per-period rates, as for any employee.
        category: the NI category letter (as for ``ni_for_period``).
        method: ``standard_annual`` or ``alternative``.
        period: the tax period of the payment (week, fortnight, four-week period or
            month number); checked against ``frequency`` when that is given.
        gross_pay: NIable earnings paid in this period (>= 0).
        gross_pay_to_date: NIable earnings in the earnings period so far, **including**
            this period (from appointment, for a director appointed in the year).
        employee_ni_to_date, employer_ni_to_date: NI already paid in the earnings period,
            **before** this period.
        weeks_in_earnings_period: 52, or for a director appointed in the year the tax
            weeks from the week of appointment to the end of the year (pro-rata).
        last_period: under the alternative method, this is the last payment of the year
            (or of the directorship) and the annual recalculation is made. The standard
            annual method ignores it.
        frequency: the pay frequency. Needed by the alternative method for its per-period
            figures (its thresholds depend on it); optional otherwise.

    Returns ``(employee, employer)`` in pounds to the penny; an annual calculation can give
    a negative figure (a refund). Raises ``PayeInputError`` (a ``ValueError``) for a bad
    category, method, date, period, frequency or amount.
    """
    year = parse_tax_year(tax_year)
    how = DirectorNiMethod.parse(method)
    day = _pay_date(pay_date, year)
    letter = ni_category(category, day)
    freq = None if frequency is None else Frequency.parse(frequency)
    _check_period(period, freq)
    weeks = _check_weeks(weeks_in_earnings_period)
    pay = check_money("gross_pay", gross_pay, allow_negative=False)
    pay_to_date = check_money("gross_pay_to_date", gross_pay_to_date, allow_negative=False)
    if pay_to_date < pay:
        raise DirectorNiError(
            f"gross_pay_to_date ({pay_to_date}) includes this period, so it cannot be less "
            f"than gross_pay ({pay})"
        )
    employee_paid = check_money("employee_ni_to_date", employee_ni_to_date)
    employer_paid = check_money("employer_ni_to_date", employer_ni_to_date)

    if how is DirectorNiMethod.ALTERNATIVE and not last_period:
        if freq is None:
            raise DirectorNiError(
                "the alternative method works each period like an employee's and needs the "
                "pay frequency: pass frequency='weekly', 'fortnightly', 'four_weekly' or "
                "'monthly'"
            )
        return ni_for_period(day, letter.letter, freq, pay)
    employee, employer = _annual(pay_to_date, letter, director_annual_rates(year), weeks)
    return employee - employee_paid, employer - employer_paid


def director_annual_ni(
    tax_year: TaxYear | str,
    category: str,
    earnings: Decimal,
    weeks_in_earnings_period: int = WEEKS_IN_YEAR,
) -> tuple[Decimal, Decimal]:
    """Employee and employer NI on a director's earnings for a whole earnings period.

    The annual (or pro-rata) calculation on its own, e.g. for a year-end check against a
    P60: the figure both methods must reach by the end of the year. The category must be
    in use at the end of the tax year.
    """
    year = parse_tax_year(tax_year)
    letter = ni_category(category, year.last_day)
    weeks = _check_weeks(weeks_in_earnings_period)
    pay = check_money("earnings", earnings, allow_negative=False)
    return _annual(pay, letter, director_annual_rates(year), weeks)


def pro_rata_threshold(annual: Decimal, weeks_in_earnings_period: int) -> Decimal:
    """An annual threshold for an earnings period of ``weeks`` tax weeks, up to a whole pound."""
    weeks = _check_weeks(weeks_in_earnings_period)
    return ceil_pound(annual * weeks / WEEKS_IN_YEAR)


def _annual(
    pay: Decimal, category: NiCategory, rates: DirectorAnnualRates, weeks: int
) -> tuple[Decimal, Decimal]:
    if category.no_ni:
        return ZERO, ZERO
    pt, st, uel = (pro_rata_threshold(t, weeks) for t in (rates.pt, rates.st, rates.uel))
    relief = employer_relief_threshold(
        category,
        st=rates.st,
        uel=rates.uel,
        freeport=rates.freeport_threshold,
        investment_zone=rates.investment_zone_threshold,
    )
    start = max(st, pro_rata_threshold(relief, weeks))
    employee = employee_contribution(pay, category, rates, pt=pt, st=st, uel=uel)
    return employee, employer_contribution(pay, rates, start=start, uel=uel)


def _pay_date(pay_date: dt.date, year: TaxYear) -> dt.date:
    if not isinstance(pay_date, dt.date):
        raise PayeInputError(f"pay_date must be a datetime.date, not {type(pay_date).__name__}")
    day = pay_date.date() if isinstance(pay_date, dt.datetime) else pay_date
    if day not in year:
        raise DirectorNiError(
            f"pay date {day.isoformat()} is not in tax year {year} "
            f"({year.first_day.isoformat()} to {year.last_day.isoformat()})"
        )
    return day


def _check_period(period: int, frequency: Frequency | None) -> None:
    if frequency is not None:
        frequency.check_period(period)
        return
    if isinstance(period, bool) or not isinstance(period, int):
        raise PeriodError(f"the period must be an integer, not {period!r}")
    if not 1 <= period <= _MAX_PERIOD:
        raise PeriodError(f"period {period} is out of range: use 1 to {_MAX_PERIOD}")


def _check_weeks(weeks: int) -> int:
    if isinstance(weeks, bool) or not isinstance(weeks, int):
        raise DirectorNiError(f"weeks_in_earnings_period must be an integer, not {weeks!r}")
    if not 1 <= weeks <= WEEKS_IN_YEAR:
        raise DirectorNiError(
            f"weeks_in_earnings_period {weeks} is out of range: use 1 to {WEEKS_IN_YEAR} "
            f"(52 for a director all year, fewer for one appointed in the year)"
        )
    return weeks
