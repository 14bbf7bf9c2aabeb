"""Student and postgraduate loan repayments on a year's income (the annual basis).

This is the Self Assessment / year-end view (HMRC Tax Logic, "Student loans"): income
rounded down to whole pounds; repayment = ``roundDown(max(income - threshold, 0) x rate, 0)``
with 9% for Plans 1, 2, 4 and 5 and 6% for postgraduate loans. A plan loan and a
postgraduate loan are computed independently. (PAYE deducts per pay period instead, on each
period's earnings, so the annual figure differs when pay is uneven.)

The plans and their annual thresholds are ``hmrc_sync.paye.student_loan_rates`` (the one
home of both, shared with the per-period deductions); the Tax Logic config taxyear24-25.yml
agrees for 2024-25 (24,990 / 27,295 / 21,000 / 31,395). Plan 4 starts in 2021-22,
postgraduate loans in 2019-20, Plan 5 in 2026-27.
"""

from __future__ import annotations

from decimal import Decimal

from hmrc_sync.paye.errors import PayeInputError, StudentLoanPlanError
from hmrc_sync.paye.money import floor_pound
from hmrc_sync.paye.student_loan_rates import StudentLoanPlan, annual_threshold
from hmrc_sync.taxyear import TaxYear
from hmrc_sync.yearend.errors import UnknownOptionError, UnsupportedTaxYearError
from hmrc_sync.yearend.inputs import amount_of, tax_year_of

__all__ = [
    "StudentLoanPlan",
    "student_loan_due_for_year",
    "student_loan_plan",
    "student_loan_threshold",
]


def student_loan_plan(value: StudentLoanPlan | str) -> StudentLoanPlan:
    """A plan as given, or from text: ``plan1``, ``Plan 2``, ``plan_4``, ``postgraduate``..."""
    try:
        return StudentLoanPlan.parse(value)
    except StudentLoanPlanError as error:
        raise UnknownOptionError(str(error)) from None


def student_loan_threshold(tax_year: TaxYear | str, plan: StudentLoanPlan | str) -> Decimal:
    """The plan's annual repayment threshold for the year."""
    year, which = tax_year_of(tax_year), student_loan_plan(plan)
    try:
        return annual_threshold(year, which)
    except PayeInputError as error:  # no such plan that year, or a year outside the tables
        raise UnsupportedTaxYearError(f"{error}; other years are supported") from None


def student_loan_due_for_year(
    tax_year: TaxYear | str, plan: StudentLoanPlan | str, annual_income: Decimal
) -> Decimal:
    """The year's repayment on ``annual_income``: rate x excess over the threshold, whole £."""
    which = student_loan_plan(plan)
    threshold = student_loan_threshold(tax_year, which)
    income = floor_pound(amount_of("annual_income", annual_income))
    return floor_pound(max(income - threshold, Decimal(0)) * which.rate)
