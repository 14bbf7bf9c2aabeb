"""Student and postgraduate loan deductions.

Every vector in ``tests/data/student-loans`` (Coda.Payroll and Payetools cases, see
``tests/data/README.md``) is one test. The other expectations are worked by hand in the
comments from HMRC's published thresholds (paye-domain.md section 4, and HMRC's 2024-25 to
2026-27 figures for employers) and the method: period threshold = annual x weeks / 52 or
annual / 12, cut to the penny; deduction = rate x (earnings - threshold), down to whole
pounds.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from hmrc_sync.paye import (
    STUDENT_LOAN_YEARS,
    AmountError,
    FrequencyError,
    PayeInputError,
    RatesNotFoundError,
    StudentLoanPlan,
    StudentLoanPlanError,
    student_loan_for_period,
    student_loan_for_year,
    student_loan_period_threshold,
    student_loan_year,
)
from hmrc_sync.taxyear import TaxYear

D = Decimal
DATA = Path(__file__).resolve().parents[2] / "data" / "student-loans"


def _cases() -> list[Any]:
    params = []
    for path in sorted(DATA.glob("*.json")):
        for case in json.loads(path.read_text(encoding="utf-8")):
            params.append(pytest.param(case, id=f"{path.stem}::{case['id']}"))
    return params


@pytest.mark.parametrize("case", _cases())
def test_student_loan_vector(case: dict[str, Any]) -> None:
    actual = student_loan_for_period(
        case["tax_year"], case["plan"], case["frequency"], D(case["period_earnings"])
    )
    assert actual == D(case["expected_deduction"]), case
    if case["expected_period_threshold"] is not None:
        threshold = student_loan_period_threshold(case["tax_year"], case["plan"], case["frequency"])
        assert threshold == D(case["expected_period_threshold"]), case


def test_every_vector_file_is_loaded() -> None:
    """tests/data/README.md: 52, 52, 104 and 125 cases (none silently missed)."""
    counts = {
        path.stem: len(json.loads(path.read_text(encoding="utf-8"))) for path in DATA.glob("*.json")
    }
    assert counts == {
        "student-loans-2016-17": 52,
        "student-loans-2018-19": 52,
        "student-loans-2021-22": 104,
        "student-loans-2022-23": 125,
    }


# Annual thresholds typed from paye-domain.md section 4 (and, for 2024-25 to 2026-27,
# HMRC's figures for employers): plan1, plan2, plan4, plan5, postgraduate; None = no plan.
# fmt: off
ANNUAL: dict[int, tuple[int | None, ...]] = {
    2016: (17_495, 21_000, None, None, None),
    2017: (17_775, 21_000, None, None, None),
    2018: (18_330, 25_000, None, None, None),
    2019: (18_935, 25_725, None, None, 21_000),
    2020: (19_390, 26_575, None, None, 21_000),
    2021: (19_895, 27_295, 25_000, None, 21_000),
    2022: (20_195, 27_295, 25_375, None, 21_000),
    2023: (22_015, 27_295, 27_660, None, 21_000),
    2024: (24_990, 27_295, 31_395, None, 21_000),
    2025: (26_065, 28_470, 32_745, None, 21_000),
    2026: (26_900, 29_385, 33_795, 25_000, 21_000),
}
# fmt: on
PLANS = ("plan1", "plan2", "plan4", "plan5", "postgraduate")


@pytest.mark.parametrize("start", sorted(ANNUAL))
def test_annual_thresholds_for_every_year(start: int) -> None:
    expected = {
        StudentLoanPlan(plan): D(amount)
        for plan, amount in zip(PLANS, ANNUAL[start], strict=True)
        if amount is not None
    }
    assert dict(student_loan_year(TaxYear(start)).thresholds) == expected


def test_years_held_are_2016_17_to_2026_27() -> None:
    assert [year.start_year for year in STUDENT_LOAN_YEARS] == list(range(2016, 2027))


# HMRC's published per-period thresholds (weekly, monthly).
@pytest.mark.parametrize(
    ("year", "plan", "weekly", "monthly"),
    [
        ("2024-25", "plan1", "480.57", "2082.50"),  # 24,990 / 52 = 480.576..; / 12 = 2,082.50
        ("2024-25", "plan2", "524.90", "2274.58"),  # 27,295 / 52 = 524.903..; / 12 = 2,274.583..
        ("2024-25", "plan4", "603.75", "2616.25"),
        ("2024-25", "postgraduate", "403.84", "1750.00"),  # 21,000 / 52 = 403.846..
        ("2025-26", "plan1", "501.25", "2172.08"),  # 26,065 / 12 = 2,172.083..
        ("2025-26", "plan2", "547.50", "2372.50"),
        ("2025-26", "plan4", "629.71", "2728.75"),  # 32,745 / 52 = 629.711..
        ("2026-27", "plan1", "517.30", "2241.66"),  # 26,900 / 12 = 2,241.666.. (cut, not rounded)
        ("2026-27", "plan2", "565.09", "2448.75"),  # 29,385 / 52 = 565.096..
        ("2026-27", "plan4", "649.90", "2816.25"),  # 33,795 / 52 = 649.903..
        ("2026-27", "plan5", "480.76", "2083.33"),  # 25,000 / 52 = 480.769..; / 12 = 2,083.333..
    ],
)
def test_weekly_and_monthly_thresholds_are_cut_to_the_penny(
    year: str, plan: str, weekly: str, monthly: str
) -> None:
    assert student_loan_period_threshold(year, plan, "weekly") == D(weekly)
    assert student_loan_period_threshold(year, plan, "monthly") == D(monthly)


def test_two_and_four_weekly_thresholds_are_annual_fractions_not_multiples() -> None:
    # 2024-25 postgraduate: 21,000 x 2 / 52 = 807.692.. -> 807.69 (2 x 403.84 = 807.68);
    # 21,000 x 4 / 52 = 1,615.384.. -> 1,615.38 (4 x 403.84 = 1,615.36).
    assert student_loan_period_threshold("2024-25", "postgraduate", "fortnightly") == D("807.69")
    assert student_loan_period_threshold("2024-25", "postgraduate", "four_weekly") == D("1615.38")


@pytest.mark.parametrize(
    ("year", "plan", "frequency", "earnings", "expected"),
    [
        # 2024-25 (fortnightly Plan 4: 31,395 x 2 / 52 = 1,207.50)
        ("2024-25", "plan1", "monthly", "3000", "82"),  # 917.50 x 9% = 82.575
        ("2024-25", "plan2", "weekly", "700", "15"),  # 175.10 x 9% = 15.759
        ("2024-25", "plan4", "fortnightly", "1500", "26"),  # 292.50 x 9% = 26.325
        ("2024-25", "postgraduate", "four_weekly", "2000", "23"),  # 384.62 x 6% = 23.0772
        ("2024-25", "postgraduate", "monthly", "3000", "75"),  # 1,250 x 6% = 75
        # 2025-26
        ("2025-26", "plan1", "monthly", "2500", "29"),  # 327.92 x 9% = 29.5128
        ("2025-26", "plan2", "monthly", "2500", "11"),  # 127.50 x 9% = 11.475
        ("2025-26", "plan4", "weekly", "700", "6"),  # 70.29 x 9% = 6.3261
        ("2025-26", "postgraduate", "weekly", "500", "5"),  # 96.16 x 6% = 5.7696
        # 2026-27, including the new Plan 5 (four-weekly Plan 2: 29,385 x 4 / 52 = 2,260.38..)
        ("2026-27", "plan5", "monthly", "3000", "82"),  # 916.67 x 9% = 82.5003
        ("2026-27", "plan5", "weekly", "491.87", "0"),  # 11.11 x 9% = 0.9999
        ("2026-27", "plan5", "weekly", "491.88", "1"),  # 11.12 x 9% = 1.0008
        ("2026-27", "plan1", "monthly", "3000", "68"),  # 758.34 x 9% = 68.2506
        ("2026-27", "plan2", "four_weekly", "3000", "66"),  # 739.62 x 9% = 66.5658
    ],
)
def test_deductions_are_whole_pounds_rounded_down(
    year: str, plan: str, frequency: str, earnings: str, expected: str
) -> None:
    assert student_loan_for_period(year, plan, frequency, D(earnings)) == D(expected)


def test_the_result_is_a_decimal_in_pounds_and_pence() -> None:
    result = student_loan_for_period("2024-25", "plan1", "monthly", D("3000"))
    assert isinstance(result, Decimal)
    assert str(result) == "82.00"


@pytest.mark.parametrize(
    ("year", "plan", "frequency", "earnings"),
    [
        ("2024-25", "plan1", "monthly", "0"),
        ("2024-25", "plan1", "monthly", "2000"),  # below £2,082.50
        ("2024-25", "plan1", "monthly", "2082.50"),  # exactly at the threshold
        ("2024-25", "plan1", "monthly", "2093.61"),  # 11.11 x 9% = 0.9999
        ("2026-27", "plan5", "weekly", "480.76"),
        ("2019-20", "postgraduate", "monthly", "1750"),
    ],
)
def test_nothing_is_due_at_or_below_the_threshold(
    year: str, plan: str, frequency: str, earnings: str
) -> None:
    assert student_loan_for_period(year, plan, frequency, D(earnings)) == 0


def test_a_plan_and_a_postgraduate_loan_are_worked_independently() -> None:
    # 2024-25, £3,000 in a month: Plan 2 (3,000 - 2,274.58) x 9% = 65.2878 -> 65;
    # postgraduate (3,000 - 1,750) x 6% = 75. Each on the whole of the earnings.
    pay = D("3000")
    assert student_loan_for_period("2024-25", "plan2", "monthly", pay) == 65
    assert student_loan_for_period("2024-25", "postgraduate", "monthly", pay) == 75


def test_non_cumulative_a_high_month_is_not_balanced_by_a_low_one() -> None:
    # 2024-25 Plan 1: £1,000 then £5,000. Per period: 0, then (5,000 - 2,082.50) x 9% =
    # 262.575 -> 262. Averaged (£3,000 twice) it would be 82 + 82 = 164.
    low = student_loan_for_period("2024-25", "plan1", "monthly", D("1000"))
    high = student_loan_for_period("2024-25", "plan1", "monthly", D("5000"))
    assert (low, high) == (0, 262)


@pytest.mark.parametrize(
    ("plan", "year", "first"),
    [
        ("plan4", "2020-21", "2021-22"),
        ("plan4", "2016-17", "2021-22"),
        ("postgraduate", "2018-19", "2019-20"),
        ("plan5", "2025-26", "2026-27"),
        ("plan5", "2016-17", "2026-27"),
    ],
)
def test_a_plan_before_it_existed_is_refused(plan: str, year: str, first: str) -> None:
    with pytest.raises(StudentLoanPlanError, match=rf"{plan} did not exist in {year}.*{first}"):
        student_loan_for_period(year, plan, "monthly", D("3000"))
    with pytest.raises(StudentLoanPlanError):
        student_loan_for_year(year, plan, D("40000"))


def test_plan_errors_are_paye_input_errors() -> None:
    with pytest.raises(PayeInputError) as raised:
        student_loan_for_period("2025-26", "plan5", "monthly", D("3000"))
    assert isinstance(raised.value, ValueError)


@pytest.mark.parametrize(
    ("text", "plan"),
    [
        ("plan1", StudentLoanPlan.PLAN1),
        ("Plan 1", StudentLoanPlan.PLAN1),
        ("PLAN_2", StudentLoanPlan.PLAN2),
        ("plan-4", StudentLoanPlan.PLAN4),
        (" plan5 ", StudentLoanPlan.PLAN5),
        ("postgraduate", StudentLoanPlan.POSTGRADUATE),
        ("PGL", StudentLoanPlan.POSTGRADUATE),
        ("postgrad", StudentLoanPlan.POSTGRADUATE),
        (StudentLoanPlan.PLAN2, StudentLoanPlan.PLAN2),
    ],
)
def test_plan_parsing(text: str, plan: StudentLoanPlan) -> None:
    assert StudentLoanPlan.parse(text) is plan


@pytest.mark.parametrize("text", ["plan3", "", "1", "undergraduate"])
def test_unknown_plans_are_refused_with_the_accepted_values(text: str) -> None:
    with pytest.raises(StudentLoanPlanError, match=r"'plan1', 'plan2', 'plan4', 'plan5'"):
        StudentLoanPlan.parse(text)


def test_rates_are_nine_and_six_percent() -> None:
    assert {plan: plan.rate for plan in StudentLoanPlan} == {
        StudentLoanPlan.PLAN1: D("0.09"),
        StudentLoanPlan.PLAN2: D("0.09"),
        StudentLoanPlan.PLAN4: D("0.09"),
        StudentLoanPlan.PLAN5: D("0.09"),
        StudentLoanPlan.POSTGRADUATE: D("0.06"),
    }


@pytest.mark.parametrize("year", ["2024-25", "2024/25", "2024", TaxYear(2024)])
def test_the_tax_year_may_be_a_tax_year_or_its_text(year: TaxYear | str) -> None:
    assert student_loan_for_period(year, "plan1", "monthly", D("3000")) == 82


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(PayeInputError, match="not a tax year"):
        student_loan_for_period("2024-26", "plan1", "monthly", D("3000"))
    with pytest.raises(RatesNotFoundError, match="2016-17 to 2026-27"):
        student_loan_for_period("2015-16", "plan1", "monthly", D("3000"))
    with pytest.raises(RatesNotFoundError, match="2016-17 to 2026-27"):
        student_loan_for_period("2027-28", "plan1", "monthly", D("3000"))
    with pytest.raises(FrequencyError):
        student_loan_for_period("2024-25", "plan1", "annually", D("3000"))
    with pytest.raises(AmountError, match="Decimal"):
        student_loan_for_period("2024-25", "plan1", "monthly", 3000.0)  # type: ignore[arg-type]
    with pytest.raises(AmountError, match="negative"):
        student_loan_for_period("2024-25", "plan1", "monthly", D("-1"))


# ----------------------------------------------------------------------------- annual helper
@pytest.mark.parametrize(
    ("year", "plan", "income", "expected"),
    [
        ("2024-25", "plan2", "35000", "693"),  # (35,000 - 27,295) x 9% = 693.45
        ("2024-25", "plan1", "30000", "450"),  # (30,000 - 24,990) x 9% = 450.90
        ("2024-25", "postgraduate", "40000", "1140"),  # 19,000 x 6%
        ("2024-25", "plan4", "31395", "0"),  # at the threshold
        ("2025-26", "plan1", "26076.10", "0"),  # 11.10 x 9% = 0.999
        ("2025-26", "plan1", "26076.12", "1"),  # 11.12 x 9% = 1.0008
        ("2026-27", "plan5", "40000", "1350"),  # 15,000 x 9%
        ("2020-21", "plan2", "30000", "308"),  # (30,000 - 26,575) x 9% = 308.25
        ("2016-17", "plan1", "20000", "225"),  # (20,000 - 17,495) x 9% = 225.45
        ("2024-25", "plan1", "-5000", "0"),  # a loss: nothing, never negative
    ],
)
def test_annual_repayment_on_the_annual_threshold(
    year: str, plan: str, income: str, expected: str
) -> None:
    result = student_loan_for_year(year, plan, D(income))
    assert result == D(expected)
    assert str(result).endswith(".00")


def test_annual_and_per_period_figures_can_differ() -> None:
    # 2024-25 Plan 1, £3,000 a month: 12 x 82 = 984 by PAYE (each month floored), while
    # on the year's £36,000: (36,000 - 24,990) x 9% = 990.90 -> 990.
    monthly = student_loan_for_period("2024-25", "plan1", "monthly", D("3000"))
    assert monthly * 12 == 984
    assert student_loan_for_year("2024-25", "plan1", D("36000")) == 990
