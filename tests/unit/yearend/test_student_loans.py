"""Annual student-loan repayments: thresholds for every year and hand-computed repayments."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from hmrc_sync.taxyear import TaxYear
from hmrc_sync.yearend import (
    StudentLoanPlan,
    UnknownOptionError,
    UnsupportedTaxYearError,
    student_loan_due_for_year,
    student_loan_threshold,
)

# docs/paye-domain.md section 4 (HMRC's published annual thresholds), column by column.
PLAN_1 = (17_495, 17_775, 18_330, 18_935, 19_390, 19_895, 20_195, 22_015, 24_990, 26_065, 26_900)
PLAN_2 = (21_000, 21_000, 25_000, 25_725, 26_575, 27_295, 27_295, 27_295, 27_295, 28_470, 29_385)
PLAN_4 = (25_000, 25_375, 27_660, 31_395, 32_745, 33_795)  # from 2021-22


@pytest.mark.parametrize("start", range(2016, 2027))
def test_thresholds_every_year(start: int) -> None:
    year = TaxYear(start)
    assert student_loan_threshold(year, "plan1") == PLAN_1[start - 2016]
    assert student_loan_threshold(year, "plan2") == PLAN_2[start - 2016]
    if start >= 2021:
        assert student_loan_threshold(year, "plan4") == PLAN_4[start - 2021]
    if start >= 2019:
        assert student_loan_threshold(year, "postgraduate") == 21_000
    if start >= 2026:
        assert student_loan_threshold(year, "plan5") == 25_000


def test_plan_2_annual_repayment() -> None:
    """£35,000 on Plan 2 in 2024-25: (35,000 - 27,295) = 7,705 x 9% = 693.45 -> £693.

    2025-26 (threshold 28,470): 6,530 x 9% = 587.70 -> £587.
    """
    assert student_loan_due_for_year("2024-25", StudentLoanPlan.PLAN2, D(35_000)) == D(693)
    assert student_loan_due_for_year("2025-26", "plan2", D(35_000)) == D(587)


def test_other_plans() -> None:
    """Plan 1 2016-17 £20,000: 2,505 x 9% = 225.45 -> 225. Postgraduate 2024-25 £35,000:
    14,000 x 6% = 840. Plan 4 2024-25 £40,000: 8,605 x 9% = 774.45 -> 774. Plan 5 2026-27
    £30,000: 5,000 x 9% = 450.
    """
    assert student_loan_due_for_year("2016-17", "plan1", D(20_000)) == D(225)
    assert student_loan_due_for_year("2024-25", "postgraduate", D(35_000)) == D(840)
    assert student_loan_due_for_year("2024-25", "Plan 4", D(40_000)) == D(774)
    assert student_loan_due_for_year("2026-27", "plan_5", D(30_000)) == D(450)


def test_nothing_below_the_threshold_and_income_rounded_down_first() -> None:
    """Below the threshold: 0. £27,306.99 on Plan 2 2024-25 counts as £27,306 (the guide
    rounds PAYE income down): 11 x 9% = 0.99 -> 0 (unrounded it would be 1.0791 -> 1).
    """
    assert student_loan_due_for_year("2024-25", "plan2", D(20_000)) == D(0)
    assert student_loan_due_for_year("2024-25", "plan2", D("27306.99")) == D(0)
    assert student_loan_due_for_year("2024-25", "plan2", D(27_307)) == D(1)


@pytest.mark.parametrize(
    ("year", "plan"),
    [("2020-21", "plan4"), ("2025-26", "plan5"), ("2018-19", "postgraduate"), ("2027-28", "plan1")],
)
def test_plan_not_available_in_year(year: str, plan: str) -> None:
    with pytest.raises(UnsupportedTaxYearError, match="supported"):
        student_loan_due_for_year(year, plan, D(50_000))


def test_unknown_plan() -> None:
    with pytest.raises(UnknownOptionError, match="plan3"):
        student_loan_due_for_year("2024-25", "plan3", D(50_000))
