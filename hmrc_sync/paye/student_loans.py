"""Student and postgraduate loan deductions (paye-domain.md section 4).

Deductions are worked **per pay period and non-cumulatively**, on the same earnings (NIable
pay) and the same earnings period as Class 1 NI [CSLM17070]:

* the period threshold is the annual threshold x weeks / 52 (1, 2 or 4 weeks) or annual /
  12 for monthly pay, **truncated** to the penny (Plan 1 2022-23: £388.36 a week, £1,682.91
  a month);
* the deduction is the rate (9% for plans 1, 2, 4 and 5; 6% for the postgraduate loan) x
  (earnings - threshold), **rounded down to whole pounds**, and never negative
  [CSLM18025].

A plan (1, 2, 4 or 5) and a postgraduate loan are computed independently: call once for
each. ``student_loan_for_year`` is the annual counterpart on the annual threshold (for a
year-end or Self Assessment view).
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from hmrc_sync.paye.frequency import Frequency
from hmrc_sync.paye.money import PENNY, ZERO, check_money, floor_pound
from hmrc_sync.paye.student_loan_rates import StudentLoanPlan, annual_threshold
from hmrc_sync.paye.years import parse_tax_year
from hmrc_sync.taxyear import TaxYear


def student_loan_for_period(
    tax_year: TaxYear | str,
    plan: StudentLoanPlan | str,
    frequency: Frequency | str,
    earnings: Decimal,
) -> Decimal:
    """The student (or postgraduate) loan deduction for one pay period, in whole pounds.

    Parameters:
        tax_year: the tax year the payment date falls in (``TaxYear`` or e.g. ``"2024-25"``).
        plan: ``plan1``, ``plan2``, ``plan4`` (from 2021-22), ``plan5`` (from 2026-27) or
            ``postgraduate`` (from 2019-20).
        frequency: ``weekly``, ``fortnightly``, ``four_weekly`` or ``monthly``.
        earnings: NIable earnings paid in the period (>= 0).

    Returns the deduction as a ``Decimal`` of whole pounds (e.g. ``Decimal("82.00")``).
    Raises ``StudentLoanPlanError`` for an unknown plan or one that did not exist that
    year, ``RatesNotFoundError`` outside 2016-17 to 2026-27, and another
    ``PayeInputError`` for a bad frequency or amount.
    """
    year = parse_tax_year(tax_year)
    loan = StudentLoanPlan.parse(plan)
    freq = Frequency.parse(frequency)
    pay = check_money("earnings", earnings, allow_negative=False)
    threshold = student_loan_period_threshold(year, loan, freq)
    return _deduction(pay, threshold, loan)


def student_loan_period_threshold(
    tax_year: TaxYear | str, plan: StudentLoanPlan | str, frequency: Frequency | str
) -> Decimal:
    """The threshold for one pay period: annual x weeks / 52 or annual / 12, to the penny down."""
    freq = Frequency.parse(frequency)
    annual = annual_threshold(parse_tax_year(tax_year), StudentLoanPlan.parse(plan))
    share = annual / 12 if freq.is_monthly else annual * freq.weeks_per_period / 52
    return share.quantize(PENNY, rounding=ROUND_DOWN)


def student_loan_for_year(
    tax_year: TaxYear | str, plan: StudentLoanPlan | str, annual_income: Decimal
) -> Decimal:
    """The year's repayment on ``annual_income`` against the annual threshold, whole pounds down.

    This is the annual view (e.g. a year-end or Self Assessment check). PAYE itself works
    per period, so the sum of a year's period deductions can differ from it.
    """
    year = parse_tax_year(tax_year)
    loan = StudentLoanPlan.parse(plan)
    income = check_money("annual_income", annual_income)
    return _deduction(income, annual_threshold(year, loan), loan)


def _deduction(earnings: Decimal, threshold: Decimal, plan: StudentLoanPlan) -> Decimal:
    if earnings <= threshold:
        return ZERO
    return floor_pound((earnings - threshold) * plan.rate).quantize(ZERO)
