"""Student and postgraduate loan repayments on a year's income (the annual basis).

This is the Self Assessment / year-end view (HMRC Tax Logic, "Student loans"): income
rounded down to whole pounds; repayment = ``roundDown(max(income - threshold, 0) x rate, 0)``
with 9% for Plans 1, 2, 4 and 5 and 6% for postgraduate loans. A plan loan and a
postgraduate loan are computed independently. (PAYE deducts per pay period instead, on each
period's earnings, so the annual figure differs when pay is uneven.)

Annual thresholds (£), from HMRC's published rates and thresholds for employers as collected
in docs/paye-domain.md section 4 ([PE-SL], [CODA-CFG], [PT-REF], [KASHFLOW23],
[KINGSOAK26]); the Tax Logic config taxyear24-25.yml agrees for 2024-25 (24,990 / 27,295 /
21,000 / 31,395). Plan 4 starts in 2021-22, postgraduate loans in 2019-20, Plan 5 in 2026-27.
"""

# TODO: one home with paye.student_loans (per-period deductions are being added there on
# another branch); keep this table until the two can share thresholds.

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from hmrc_sync.paye.money import floor_pound
from hmrc_sync.taxyear import TaxYear
from hmrc_sync.yearend.errors import UnknownOptionError, UnsupportedTaxYearError
from hmrc_sync.yearend.inputs import amount_of, tax_year_of


class StudentLoanPlan(StrEnum):
    PLAN_1 = "plan1"
    PLAN_2 = "plan2"
    PLAN_4 = "plan4"
    PLAN_5 = "plan5"
    POSTGRADUATE = "postgraduate"


PLAN_RATE: Final = Decimal("0.09")
POSTGRADUATE_RATE: Final = Decimal("0.06")

# fmt: off
_THRESHOLDS: Final = MappingProxyType({
    StudentLoanPlan.PLAN_1: MappingProxyType({
        2016: 17_495, 2017: 17_775, 2018: 18_330, 2019: 18_935, 2020: 19_390, 2021: 19_895,
        2022: 20_195, 2023: 22_015, 2024: 24_990, 2025: 26_065, 2026: 26_900,
    }),
    StudentLoanPlan.PLAN_2: MappingProxyType({
        2016: 21_000, 2017: 21_000, 2018: 25_000, 2019: 25_725, 2020: 26_575, 2021: 27_295,
        2022: 27_295, 2023: 27_295, 2024: 27_295, 2025: 28_470, 2026: 29_385,
    }),
    StudentLoanPlan.PLAN_4: MappingProxyType({
        2021: 25_000, 2022: 25_375, 2023: 27_660, 2024: 31_395, 2025: 32_745, 2026: 33_795,
    }),
    StudentLoanPlan.PLAN_5: MappingProxyType({2026: 25_000}),
    StudentLoanPlan.POSTGRADUATE: MappingProxyType(
        dict.fromkeys(range(2019, 2027), 21_000)
    ),
})
# fmt: on

_ALIASES: Final = {
    "plan1": StudentLoanPlan.PLAN_1,
    "plan2": StudentLoanPlan.PLAN_2,
    "plan4": StudentLoanPlan.PLAN_4,
    "plan5": StudentLoanPlan.PLAN_5,
    "postgraduate": StudentLoanPlan.POSTGRADUATE,
    "postgrad": StudentLoanPlan.POSTGRADUATE,
    "pgl": StudentLoanPlan.POSTGRADUATE,
}
ACCEPTED_PLANS: Final = ", ".join(repr(plan.value) for plan in StudentLoanPlan)


def student_loan_plan(value: StudentLoanPlan | str) -> StudentLoanPlan:
    """A plan as given, or from text: ``plan1``, ``Plan 2``, ``plan_4``, ``postgraduate``..."""
    if isinstance(value, StudentLoanPlan):
        return value
    if isinstance(value, str):
        key = "".join(value.lower().split()).replace("_", "").replace("-", "")
        if (plan := _ALIASES.get(key)) is not None:
            return plan
    raise UnknownOptionError(f"unknown student-loan plan {value!r}: use {ACCEPTED_PLANS}")


def student_loan_threshold(tax_year: TaxYear | str, plan: StudentLoanPlan | str) -> Decimal:
    """The plan's annual repayment threshold for the year."""
    year, which = tax_year_of(tax_year), student_loan_plan(plan)
    thresholds = _THRESHOLDS[which]
    try:
        return Decimal(thresholds[year.start_year])
    except KeyError:
        first, last = TaxYear(min(thresholds)), TaxYear(max(thresholds))
        raise UnsupportedTaxYearError(
            f"no {which.value} threshold is held for {year.hmrc}: "
            f"years {first.hmrc} to {last.hmrc} are supported for {which.value}"
        ) from None


def student_loan_due_for_year(
    tax_year: TaxYear | str, plan: StudentLoanPlan | str, annual_income: Decimal
) -> Decimal:
    """The year's repayment on ``annual_income``: rate x excess over the threshold, whole £."""
    which = student_loan_plan(plan)
    threshold = student_loan_threshold(tax_year, which)
    income = floor_pound(amount_of("annual_income", annual_income))
    rate = POSTGRADUATE_RATE if which is StudentLoanPlan.POSTGRADUATE else PLAN_RATE
    return floor_pound(max(income - threshold, Decimal(0)) * rate)
