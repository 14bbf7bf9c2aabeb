"""Benchmark: the year-end position for 1, 10 and 100 tax years.

    uv run python benchmarks/bench_position.py [--years 1 10 100] [--repeat 5]

Each "tax year" is one year of twelve monthly payslips from two employers (one with a tax
code change and a student-loan deduction), evidence gathered from the payslips
(``employments_for_year``) and the position worked out with a profile that has relief-at-
source contributions, Gift Aid and a Plan 2 loan, so every driver is computed. Rates exist for
2016-17 to 2026-27: beyond eleven years the years repeat.

Target: linear growth and under a millisecond per year.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hmrc_sync.paye import StudentLoanPlan
from hmrc_sync.payslips.model import Payslip
from hmrc_sync.taxyear import TaxYear
from hmrc_sync.yearend.evidence import employments_for_year
from hmrc_sync.yearend.position import year_position
from hmrc_sync.yearend.profile import YearProfile

FIRST, LAST = 2016, 2026


def _year_slips(year: TaxYear) -> list[Payslip]:
    slips = []
    for index in range(12):
        month = (index + 3) % 12 + 1
        day = dt.date(year.start_year + (1 if month < 4 else 0), month, 25)
        for employer, pay, code in (("Acme Ltd", "6500", "1257L"), ("Side Job", "900", "BR")):
            slips.append(
                Payslip(
                    pay_date=day,
                    tax_year=year,
                    employer=employer,
                    gross_pay=Decimal(pay),
                    income_tax=Decimal("1100") if employer == "Acme Ltd" else Decimal("180"),
                    national_insurance=Decimal("300"),
                    student_loan=Decimal("190") if employer == "Acme Ltd" else Decimal(0),
                    tax_code=code if index < 6 else ("1100L" if code == "1257L" else code),
                )
            )
    return slips


def run(years: int, repeat: int) -> float:
    cases = []
    for index in range(years):
        year = TaxYear(FIRST + index % (LAST - FIRST + 1))
        plans = (StudentLoanPlan.PLAN2,)
        profile = YearProfile(
            year,
            relief_at_source_contributions=Decimal("4000"),
            gift_aid_payments=Decimal("400"),
            student_loan_plans=plans,
        )
        cases.append((year, _year_slips(year), profile))
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for year, slips, profile in cases:
            year_position(year, employments_for_year(year, slips, [], []), profile)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"{'years':>6} {'total ms':>10} {'ms per year':>12}")
    for years in args.years:
        seconds = run(years, args.repeat)
        print(f"{years:>6} {seconds * 1000:>10.2f} {seconds * 1000 / years:>12.3f}")


if __name__ == "__main__":
    main()
