"""Student and postgraduate loan plans, rates and annual thresholds, as data.

Every threshold is copied from ``docs/paye-domain.md`` section 4 ("Student and
postgraduate loans"); each year's ``source`` names the row and its source keys. The
2024-25 to 2026-27 figures were checked against HMRC's figures for employers as reproduced
in employers' notices; 2026-27 (confirmed January 2026, e.g. the ATT's employer update):
Plan 1 £26,900, Plan 2 £29,385, Plan 4 £33,795, Plan 5 £25,000, postgraduate £21,000.

Plans exist from: Plan 1 and Plan 2 throughout (Plan 2 deductions began in April 2016),
the postgraduate loan from 6 April 2019, Plan 4 (Scotland) from 6 April 2021 and Plan 5
(England, courses from August 2023) from 6 April 2026.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from hmrc_sync.paye.choices import parse_choice, squashed
from hmrc_sync.paye.errors import RatesNotFoundError, StudentLoanPlanError
from hmrc_sync.taxyear import TaxYear


class StudentLoanPlan(StrEnum):
    """A repayment plan. The value is the text the API accepts."""

    PLAN1 = "plan1"
    PLAN2 = "plan2"
    PLAN4 = "plan4"
    PLAN5 = "plan5"
    POSTGRADUATE = "postgraduate"

    @classmethod
    def parse(cls, value: StudentLoanPlan | str) -> StudentLoanPlan:
        """Accept a plan or its text: case-insensitive, spaces, ``-`` and ``_`` ignored.

        ``"Plan 1"``, ``"plan_2"`` and ``"PLAN4"`` are accepted, as are ``"pgl"`` and
        ``"postgrad"`` for the postgraduate loan.
        """
        return parse_choice(
            cls,
            value,
            StudentLoanPlanError,
            "student loan plan",
            normalise=squashed,
            aliases=_ALIASES,
        )

    @property
    def rate(self) -> Decimal:
        """The deduction rate as a fraction: 9% for plans 1, 2, 4 and 5, 6% for PGL."""
        return POSTGRADUATE_RATE if self is StudentLoanPlan.POSTGRADUATE else PLAN_RATE


_ALIASES: Final = MappingProxyType({"pgl": "postgraduate", "postgrad": "postgraduate"})

# paye-domain.md section 4: "Rates: 9% for Plans 1, 2, 4 and 5; 6% for the postgraduate loan".
PLAN_RATE: Final = Decimal("0.09")
POSTGRADUATE_RATE: Final = Decimal("0.06")


@dataclass(frozen=True, slots=True)
class StudentLoanYear:
    """The annual thresholds (pounds) of the plans that existed in one tax year."""

    start_year: int
    thresholds: MappingProxyType[StudentLoanPlan, Decimal]
    source: str = field(compare=False)

    @property
    def tax_year(self) -> TaxYear:
        return TaxYear(self.start_year)


_P1, _P2, _P4, _P5, _PG = (
    StudentLoanPlan.PLAN1,
    StudentLoanPlan.PLAN2,
    StudentLoanPlan.PLAN4,
    StudentLoanPlan.PLAN5,
    StudentLoanPlan.POSTGRADUATE,
)


def _year(start: int, source: str, **thresholds: int) -> StudentLoanYear:
    amounts = {StudentLoanPlan(plan): Decimal(amount) for plan, amount in thresholds.items()}
    return StudentLoanYear(start, MappingProxyType(amounts), source)


_DOC = "paye-domain.md 4 row"

# fmt: off
STUDENT_LOAN_YEARS: Final[tuple[StudentLoanYear, ...]] = (
    _year(2016, f"{_DOC} 2016-17 [PE-SL] [CODA-CFG]", plan1=17_495, plan2=21_000),
    _year(2017, f"{_DOC} 2017-18 [PE-SL] [CODA-CFG]", plan1=17_775, plan2=21_000),
    _year(2018, f"{_DOC} 2018-19 [PE-SL] [CODA-CFG]", plan1=18_330, plan2=25_000),
    _year(2019, f"{_DOC} 2019-20 [PE-SL] [CODA-CFG]; not [TANDEM19]'s 18,924 (see 9)",
          plan1=18_935, plan2=25_725, postgraduate=21_000),
    _year(2020, f"{_DOC} 2020-21 [PE-SL] [CODA-CFG]",
          plan1=19_390, plan2=26_575, postgraduate=21_000),
    _year(2021, f"{_DOC} 2021-22 [PE-SL] [CODA-CFG]",
          plan1=19_895, plan2=27_295, plan4=25_000, postgraduate=21_000),
    _year(2022, f"{_DOC} 2022-23 [PT-REF] [PE-SL]",
          plan1=20_195, plan2=27_295, plan4=25_375, postgraduate=21_000),
    _year(2023, f"{_DOC} 2023-24 [PT-REF] [KASHFLOW23]",
          plan1=22_015, plan2=27_295, plan4=27_660, postgraduate=21_000),
    _year(2024, f"{_DOC} 2024-25 [PT-REF]",
          plan1=24_990, plan2=27_295, plan4=31_395, postgraduate=21_000),
    _year(2025, f"{_DOC} 2025-26 [PT-REF]",
          plan1=26_065, plan2=28_470, plan4=32_745, postgraduate=21_000),
    _year(2026, f"{_DOC} 2026-27 [KINGSOAK26] [PE-SL]; confirmed by HMRC for employers in "
                "January 2026 (ATT employer update)",
          plan1=26_900, plan2=29_385, plan4=33_795, plan5=25_000, postgraduate=21_000),
)
# fmt: on

_BY_YEAR: Final = MappingProxyType({year.start_year: year for year in STUDENT_LOAN_YEARS})


def student_loan_year(tax_year: TaxYear) -> StudentLoanYear:
    """The year's thresholds, or ``RatesNotFoundError`` naming the years held."""
    year = _BY_YEAR.get(tax_year.start_year)
    if year is None:
        first, last = STUDENT_LOAN_YEARS[0].tax_year, STUDENT_LOAN_YEARS[-1].tax_year
        raise RatesNotFoundError(
            f"no student loan thresholds are held for {tax_year}: "
            f"tax years {first} to {last} are supported"
        )
    return year


def annual_threshold(tax_year: TaxYear, plan: StudentLoanPlan) -> Decimal:
    """The plan's annual threshold; ``StudentLoanPlanError`` if the plan did not exist then."""
    year = student_loan_year(tax_year)
    threshold = year.thresholds.get(plan)
    if threshold is None:
        first = next(y.tax_year for y in STUDENT_LOAN_YEARS if plan in y.thresholds)
        raise StudentLoanPlanError(
            f"student loan {plan.value} did not exist in {tax_year}: HMRC collects it "
            f"through PAYE from {first} (6 April {first.start_year})"
        )
    return threshold
