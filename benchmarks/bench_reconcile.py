"""Benchmark: the reconciler on 1, 10 and 100 tax years of monthly payslips.

    uv run python benchmarks/bench_reconcile.py [--years 1 10 100] [--repeat 3]

Each "tax year" is one employer's year built by ``hmrc_sync.demo.sample_payslips.sample_year``:
eleven monthly payslips (one month missing, one RSU vest, a salary sacrifice every month),
HMRC's figures and a P60 for the whole year, so every year has explained gaps and the audit
walks its alternative paths for the months after the gap. PAYE rates exist for 2016-17 to
2026-27, so beyond eleven years the years repeat with a new employer each time round (100
"tax years" are 100 employer-years over those eleven years, up to ten employers a year).

Every payslip carries every optional line (``with_every_line``: Plan 2 and postgraduate loans,
a relief-at-source pension, NIable pay, net pay), so the audit checks student loans, pensions
and net pay as well as tax and NI.

Three figures per size, best of ``--repeat`` runs:

* **audit**: ``reconcile`` with payslips only, i.e. the per-payslip PAYE and NI
  recomputation: payslip periods per second;
* **reconcile**: ``reconcile`` with HMRC's figures and the P60s too (the whole comparison);
* **store**: writing the findings to a SQLite ``reconciliation`` table.

Target: linear growth, i.e. the time per payslip stays flat from 1 to 100 years.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hmrc_sync.db.engine import make_engine, upgrade
from hmrc_sync.demo.sample_payslips import SampleYear, sample_year
from hmrc_sync.paye import PayeInputError, student_loan_for_period
from hmrc_sync.payslips import Payslip
from hmrc_sync.reconcile import (
    HmrcEmployment,
    ReconcileInput,
    ReconcileResult,
    Status,
    YearAvailability,
    reconcile,
)
from hmrc_sync.reconcile.store import store_result
from hmrc_sync.taxyear import TaxYear

FIRST, YEARS_WITH_RATES = 2016, 11
T = TypeVar("T")


def build(count: int) -> list[SampleYear]:
    samples = []
    for index in range(count):
        round_, offset = divmod(index, YEARS_WITH_RATES)
        samples.append(
            sample_year(
                TaxYear(FIRST + offset),
                employer=f"Employer {round_ + 1} Ltd",
                employer_paye_ref=f"{100 + round_}/BENCH{round_}",
            )
        )
    return samples


def inputs(samples: list[SampleYear], with_references: bool) -> ReconcileInput:
    years = tuple(sorted({s.tax_year for s in samples}, reverse=True))
    hmrc = tuple(
        HmrcEmployment(
            s.tax_year, s.employer_paye_ref, s.employer.upper(), s.taxable_pay, s.income_tax
        )
        for s in samples
    )
    return ReconcileInput(
        tax_years=years,
        hmrc=hmrc if with_references else (),
        availability=dict.fromkeys(years, YearAvailability.AVAILABLE),
        payslips=tuple(with_every_line(slip) for s in samples for slip in s.payslips),
        p60s=tuple(s.p60 for s in samples) if with_references else (),
    )


def with_every_line(slip: Payslip) -> Payslip:
    """The payslip with every optional line on: Plan 2 and postgraduate loans (worked out with
    HMRC's rules), a relief-at-source pension, the NI year to date and net pay to match, so
    the audit checks student loans, pension type, NIable pay and net pay on every payslip."""
    year, pay = slip.tax_year, slip.ni_basis
    plan = "plan2"
    loan = student_loan_for_period(year, plan, "monthly", pay)
    try:
        postgraduate = student_loan_for_period(year, "postgraduate", "monthly", pay)
    except PayeInputError:  # postgraduate loans are collected from 2019-20
        postgraduate = Decimal("0.00")
    pension = Decimal("100.00")
    net = (slip.net_pay or Decimal(0)) - loan - postgraduate - pension
    return replace(
        slip,
        student_loan=loan,
        student_loan_plan=plan,
        postgraduate_loan=postgraduate,
        pension_employee=pension,
        pension_type="relief_at_source",
        niable_pay=slip.ni_basis,
        net_pay=net,
        director=False,
        paid_after_leaving=False,
    )


def best(repeat: int, work: Callable[[], T]) -> tuple[float, T]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    assert result is not None
    return min(times), result


def store_seconds(result: ReconcileResult, repeat: int) -> float:
    with tempfile.TemporaryDirectory() as workdir:
        engine = make_engine(f"sqlite:///{Path(workdir) / 'bench.db'}")
        upgrade(engine)
        now = dt.datetime.now(dt.UTC)
        seconds, _ = best(repeat, lambda: store_result(engine, result, run_id="bench", now=now))
        engine.dispose()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    header = (
        f"{'years':>5} {'payslips':>8} {'findings':>8} {'audit s':>8} {'periods/s':>10} "
        f"{'reconcile s':>11} {'ms/year':>8} {'µs/payslip':>10} {'store s':>8}"
    )
    print(header)
    print("-" * len(header))
    baseline = None
    for count in args.years:
        samples = build(count)
        audit_only, with_references = inputs(samples, False), inputs(samples, True)
        payslips = len(with_references.payslips)
        audit_s, _ = best(args.repeat, lambda: reconcile(audit_only))  # noqa: B023
        full_s, result = best(args.repeat, lambda: reconcile(with_references))  # noqa: B023
        if not result.ok:
            wrong = [f for f in result.findings if f.status in (Status.MISMATCH, Status.REVIEW)]
            raise SystemExit(f"unexpected findings at {count} years: {wrong[:3]}")
        per_slip = full_s / payslips * 1e6
        baseline = baseline or per_slip
        print(
            f"{count:>5} {payslips:>8} {len(result.findings):>8} {audit_s:>8.3f} "
            f"{payslips / audit_s:>10.0f} {full_s:>11.3f} {full_s / count * 1e3:>8.1f} "
            f"{per_slip:>10.0f} {store_seconds(result, args.repeat):>8.3f}"
        )
    print(
        f"\nµs/payslip relative to the first size: flat means linear growth (baseline "
        f"{baseline:.0f} µs)."
    )


if __name__ == "__main__":
    main()
