"""A payroll that prints every line of a real payslip, run period by period the way payroll
software does (PAYE cumulative, NI and student loans per period, directors' NI on the annual
earnings period), with switches for the employer errors the reconciler must catch.

Each figure comes from ``hmrc_sync.paye``'s public functions, which are checked on their own
against HMRC's and other payroll libraries' vectors (tests/unit/paye); the reconciler under
test only sees the resulting payslips.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from hmrc_sync.paye import (
    Frequency,
    director_ni_for_period,
    ni_for_period,
    student_loan_for_period,
    tax_for_period,
)
from hmrc_sync.payslips import P60, Payslip
from hmrc_sync.reconcile import HmrcEmployment
from hmrc_sync.taxyear import TaxYear

D = Decimal
ZERO = D("0.00")
YEAR = TaxYear(2024)
PAY = D("3000.00")


@dataclass(frozen=True)
class Job:
    """One employment's year as the payroll runs it (``*_used``: what it wrongly applies)."""

    year: TaxYear = YEAR
    employer: str = "Acme Ltd"
    frequency: str = "monthly"
    first: int = 1
    last: int | None = None  # the last period paid (default: the year's usual last)
    pay: Decimal = PAY
    code: str | dict[int, str] = "1257L"
    print_code: bool = True
    category: str = "A"
    print_category: bool = True
    plan: str | None = None
    print_plan: bool = True
    postgraduate: bool = False
    pension: Decimal = ZERO
    pension_type: str | None = None
    print_pension_type: bool = True
    benefits: Decimal = ZERO
    print_niable: bool = False
    director: str | None = None  # the NI method
    director_from: int = 1
    show_taxable: bool = True
    show_net: bool = True
    after_leaving: int | None = None  # a period paid after leaving
    previous_pay: Decimal = ZERO  # P45 figures the payroll counts (YTD on payslips exclude them)
    previous_tax: Decimal = ZERO
    # Employer errors:
    code_used: str | dict[int, str] | None = None
    month1_used: bool = False
    category_used: str | None = None
    plan_used: str | None = None
    loan_threshold_shift: Decimal = ZERO  # extra pay the loan is worked on (stale threshold)
    ni_on_benefits: bool = False
    tax_on_pay_before_sacrifice: bool = False
    director_as_employee: bool = False
    after_leaving_cumulative: bool = False
    net_short: Decimal = ZERO
    skip: tuple[int, ...] = ()  # periods paid whose payslip is lost
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def freq(self) -> Frequency:
        return Frequency.parse(self.frequency)

    def code_at(self, period: int, used: bool = False) -> str:
        code = self.code_used if used and self.code_used is not None else self.code
        return code if isinstance(code, str) else code[period]


def pay_date(job: Job, period: int) -> dt.date:
    if job.freq is Frequency.MONTHLY:
        calendar = (period + 2) % 12 + 1
        return dt.date(job.year.start_year + (1 if calendar < 4 else 0), calendar, 25)
    return job.year.first_day + dt.timedelta(days=7 * job.freq.weeks_per_period * (period - 1))


@dataclass
class _Run:
    taxable: Decimal = ZERO
    taxed: Decimal = ZERO  # the pay the payroll taxed to date (differs on a sacrifice error)
    tax: Decimal = ZERO
    gross: Decimal = ZERO
    ni: Decimal = ZERO
    loan: Decimal = ZERO
    director_pay: Decimal = ZERO
    director_ni: Decimal = ZERO
    director_er: Decimal = ZERO


@dataclass(frozen=True)
class Year:
    job: Job
    paid: tuple[Payslip, ...]  # every period the payroll ran, lost payslips included

    @property
    def payslips(self) -> tuple[Payslip, ...]:
        return tuple(s for s in self.paid if s.tax_period not in self.job.skip)

    @property
    def taxable(self) -> Decimal:
        """Taxable pay as the payroll (and HMRC) count it, whatever the payslip prints."""
        net_pay_pension = self.job.pension if self.job.pension_type == "net_pay" else ZERO
        return sum(
            (
                s.taxable_pay
                if s.taxable_pay is not None
                else s.gross_pay - net_pay_pension + s.payrolled_benefits
                for s in self.paid
            ),
            ZERO,
        )

    @property
    def tax(self) -> Decimal:
        return sum((s.income_tax for s in self.paid), ZERO)

    @property
    def ni(self) -> Decimal:
        return sum((s.national_insurance for s in self.paid), ZERO)

    def hmrc(self, ref: str = "123/AB456") -> HmrcEmployment:
        return HmrcEmployment(self.job.year, ref, self.job.employer.upper(), self.taxable, self.tax)

    def p60(self, **fields: Any) -> P60:
        loans = sum((s.student_loan for s in self.paid), ZERO)
        p60 = P60(
            self.job.year,
            self.job.employer,
            self.taxable + self.job.previous_pay,
            self.tax + self.job.previous_tax,
            self.ni,
            tax_code=self.job.code_at(12) if self.job.print_code else None,
            previous_pay=self.job.previous_pay or None,
            previous_tax=self.job.previous_tax or None,
            student_loan=loans if self.job.plan else None,
        )
        return replace(p60, **fields)


def run_year(job: Job) -> Year:
    last = job.last or job.freq.periods_per_year
    periods = list(range(job.first, last + 1))
    if job.after_leaving is not None:
        periods.append(job.after_leaving)
    totals = _Run(taxable=job.previous_pay, taxed=job.previous_pay, tax=job.previous_tax)
    slips = [_period(job, period, totals) for period in periods]
    return Year(job, tuple(slips))


def _period(job: Job, period: int, run: _Run) -> Payslip:
    day = pay_date(job, period)
    leaving = period == job.after_leaving
    sacrifice = job.pension if job.pension_type == "salary_sacrifice" else ZERO
    net_pay_pension = job.pension if job.pension_type == "net_pay" else ZERO
    gross = job.pay - sacrifice
    niable = gross
    taxable = gross - net_pay_pension + job.benefits
    run.taxable += taxable
    taxed_pay = taxable + (sacrifice if job.tax_on_pay_before_sacrifice else ZERO)
    run.taxed += taxed_pay
    if leaving and not job.after_leaving_cumulative:
        tax = tax_for_period(job.year, "0T", job.freq, period, taxable, taxable, ZERO, True)
    else:
        tax = tax_for_period(
            job.year,
            job.code_at(period, used=True),
            job.freq,
            period,
            taxed_pay,
            run.taxed,
            run.tax,
            week1_month1=job.month1_used,
            payrolled_benefits=job.benefits,
        )
    run.tax += tax
    ni = _ni(job, period, day, niable, leaving, run)
    loan = pgl = ZERO
    if not leaving and job.plan:
        loan = student_loan_for_period(
            job.year, job.plan_used or job.plan, job.freq, niable + job.loan_threshold_shift
        )
    if not leaving and job.postgraduate:
        pgl = student_loan_for_period(job.year, "postgraduate", job.freq, niable)
    run.gross += gross
    run.ni += ni
    run.loan += loan + pgl
    pension_out = ZERO if job.pension_type == "salary_sacrifice" else job.pension
    values: dict[str, Any] = {
        "pay_date": day,
        "tax_year": job.year,
        "employer": job.employer,
        "gross_pay": gross,
        "income_tax": tax,
        "national_insurance": ni,
        "taxable_pay": taxable if job.show_taxable else None,
        "net_pay": (gross - tax - ni - loan - pgl - pension_out - job.net_short)
        if job.show_net
        else None,
        "pension_employee": job.pension,
        "pension_type": job.pension_type if job.print_pension_type else None,
        "payrolled_benefits": job.benefits,
        "niable_pay": niable if job.print_niable else None,
        "student_loan": loan,
        "student_loan_plan": job.plan if job.plan and job.print_plan else None,
        "postgraduate_loan": pgl,
        "tax_code": job.code_at(period) if job.print_code and not leaving else None,
        "ni_category": job.category if job.print_category else None,
        "pay_frequency": job.frequency,
        "tax_period": period,
        "ytd_gross": run.gross,
        "ytd_taxable_pay": run.taxable - job.previous_pay,
        "ytd_tax_paid": run.tax - job.previous_tax,
        "ytd_national_insurance": run.ni,
        "director": bool(job.director) and period >= job.director_from,
        "director_ni_method": job.director
        if job.director and period >= job.director_from
        else None,
        "paid_after_leaving": leaving,
        "source_ref": f"{job.employer} period {period}",
    }
    values.update(job.extra)
    return Payslip(**values)


def _ni(job: Job, period: int, day: dt.date, niable: Decimal, leaving: bool, run: _Run) -> Decimal:
    letter = job.category_used or job.category
    base = niable + (job.benefits if job.ni_on_benefits else ZERO)
    if job.director and period >= job.director_from and not job.director_as_employee:
        run.director_pay += base
        weeks = 52
        if job.director_from > 1:
            weeks = 52 - job.year.tax_week(pay_date(job, job.director_from)) + 1
        employee, employer = director_ni_for_period(
            tax_year=job.year,
            pay_date=day,
            category=letter,
            method=job.director,
            period=period,
            gross_pay=base,
            gross_pay_to_date=run.director_pay,
            employee_ni_to_date=run.director_ni,
            employer_ni_to_date=run.director_er,
            weeks_in_earnings_period=weeks,
            last_period=period == (job.last or job.freq.periods_per_year),
            frequency=job.freq,
        )
        run.director_ni += employee
        run.director_er += employer
        return employee
    frequency = Frequency.WEEKLY if leaving else job.freq
    return ni_for_period(day, letter, frequency, base)[0]
