"""Where the year will end: the tax owed on the year's income against the tax deducted.

``year_position`` compares the year's income-tax liability (``income_tax_liability``, HMRC's
Tax Logic rules) with what the employers deducted (P60s, HMRC's figures or the payslips:
``evidence``), and each student loan due on the year's income with what payroll deducted.
The outcome is an estimate and says so: a refund (HMRC usually repays with a P800 after the
year ends), a bill (collected through the tax code or a Self Assessment return), or about
right. Each driver of a gap is named in plain words with what to do. Inputs the payslips do
not carry come from the ``YearProfile``, never from a guess.

``project_year`` does the same for the current year from the payslips so far: each
employment's regular pay and tax are carried on to 5 April at their average per pay period
("if your pay stays as it is"), plus any bonus the profile states (taxed by PAYE at the
marginal rate of the band it falls in, as PAYE would before any taper is reflected in the
code).

Not covered (and said so): savings interest, dividends, property and self-employment income,
the High Income Child Benefit Charge, tax-free childcare and other reliefs not entered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from typing import Final

from hmrc_sync.paye.frequency import Frequency
from hmrc_sync.paye.money import floor_pound
from hmrc_sync.paye.student_loan_rates import StudentLoanPlan
from hmrc_sync.paye.taxcode import Region, parse_tax_code
from hmrc_sync.payslips.model import Payslip
from hmrc_sync.taxyear import TaxYear
from hmrc_sync.yearend.bands import annual_bands
from hmrc_sync.yearend.evidence import Basis, EmploymentYear
from hmrc_sync.yearend.inputs import rates_for
from hmrc_sync.yearend.liability import Liability, income_tax_liability
from hmrc_sync.yearend.profile import YearProfile
from hmrc_sync.yearend.student_loans import student_loan_due_for_year

_ZERO: Final = Decimal(0)
DEFAULT_TOLERANCE: Final = Decimal("10.00")
NOT_COVERED: Final = (
    "savings interest, dividends, property or self-employment income",
    "the High Income Child Benefit Charge",
    "reliefs and allowances not entered in the year's profile",
)


class Outcome(StrEnum):
    REFUND = "refund"
    BILL = "bill"
    ABOUT_RIGHT = "about_right"


@dataclass(frozen=True, slots=True)
class Driver:
    """One reason the year's deductions differ from what is owed, in plain words."""

    code: str
    text: str
    action: str | None = None


@dataclass(frozen=True, slots=True)
class LoanPosition:
    plan: StudentLoanPlan
    due: Decimal
    deducted: Decimal

    @property
    def difference(self) -> Decimal:
        """Deducted minus due: positive when payroll took too much."""
        return self.deducted - self.due


@dataclass(frozen=True, slots=True)
class Position:
    """A tax year's expected outcome. ``expected_refund`` is positive for a refund and
    negative for a bill (income tax only; student loans are settled with the Student Loans
    Company and reported in ``loans``)."""

    tax_year: TaxYear
    projected: bool
    employments: tuple[EmploymentYear, ...]
    liability: Liability
    tax_deducted: Decimal
    tolerance: Decimal
    loans: tuple[LoanPosition, ...]
    drivers: tuple[Driver, ...]
    assumptions: tuple[str, ...]

    @property
    def employment_income(self) -> Decimal:
        return sum((e.pay for e in self.employments), _ZERO)

    @property
    def expected_refund(self) -> Decimal:
        return self.tax_deducted - self.liability.income_tax

    @property
    def outcome(self) -> Outcome:
        if abs(self.expected_refund) <= self.tolerance:
            return Outcome.ABOUT_RIGHT
        return Outcome.REFUND if self.expected_refund > 0 else Outcome.BILL

    @property
    def bases(self) -> tuple[str, ...]:
        return tuple(sorted({e.basis.value for e in self.employments}))

    def headline(self) -> str:
        amount = f"£{abs(self.expected_refund):,.2f}"
        when = "by 5 April, if your pay stays as it is" if self.projected else "for the year"
        if self.outcome is Outcome.REFUND:
            return (
                f"{self.tax_year.hmrc}: HMRC is likely to refund you about {amount} {when} "
                "(usually by a P800 calculation after the year ends)"
            )
        if self.outcome is Outcome.BILL:
            return (
                f"{self.tax_year.hmrc}: you are likely to owe about {amount} {when} "
                "(collected through your tax code or your Self Assessment return)"
            )
        return (
            f"{self.tax_year.hmrc}: about right {when} (within £{self.tolerance:,.2f}; "
            f"the difference is {amount})"
        )


def year_position(
    tax_year: TaxYear,
    employments: Sequence[EmploymentYear],
    profile: YearProfile | None = None,
    *,
    tolerance: Decimal = DEFAULT_TOLERANCE,
    projected: bool = False,
    extra_assumptions: Sequence[str] = (),
) -> Position:
    """The position for a year whose employments' figures are known (or projected)."""
    profile = profile or YearProfile(tax_year)
    region, region_note = _region(profile, employments)
    income = sum((e.pay for e in employments), _ZERO)
    liability = _liability(tax_year, region, income, profile)
    deducted = sum((e.tax for e in employments), _ZERO)
    loans = tuple(
        LoanPosition(
            plan,
            student_loan_due_for_year(tax_year, plan, income),
            _loan_deducted(employments, plan),
        )
        for plan in profile.student_loan_plans
    )
    assumptions = (
        "This is an estimate from the figures hmrc-sync holds; HMRC's own calculation decides.",
        region_note,
        *(_basis_note(e) for e in employments),
        *extra_assumptions,
        "Not covered: " + "; ".join(NOT_COVERED) + ".",
    )
    position = Position(
        tax_year=tax_year,
        projected=projected,
        employments=tuple(employments),
        liability=liability,
        tax_deducted=deducted,
        tolerance=tolerance,
        loans=loans,
        drivers=(),
        assumptions=tuple(assumptions),
    )
    return replace(position, drivers=_drivers(position, profile, region))


def project_year(
    tax_year: TaxYear,
    employments: Sequence[EmploymentYear],
    profile: YearProfile | None = None,
    *,
    tolerance: Decimal = DEFAULT_TOLERANCE,
) -> Position:
    """The current year carried on to 5 April from the payslips so far (from each
    employment's last payslip, at its pay frequency)."""
    profile = profile or YearProfile(tax_year)
    region, _ = _region(profile, employments)
    projected = [_carried_on(e, tax_year) for e in employments]
    notes = [
        "Projected to 5 April at each employment's average regular pay and tax per pay period "
        "so far: if your pay stays as it is.",
    ]
    if profile.expected_bonus > 0 and projected:
        income = sum((e.pay for e in projected), _ZERO)
        rate = _paye_marginal_rate(tax_year, region, income)
        tax = floor_pound(profile.expected_bonus * rate)
        first = projected[0]
        projected[0] = replace(first, pay=first.pay + profile.expected_bonus, tax=first.tax + tax)
        notes.append(
            f"Includes the stated bonus or vest of £{profile.expected_bonus:,.2f}, with PAYE "
            f"deducting about £{tax:,.2f} ({rate * 100:.0f}%) from it."
        )
    return year_position(
        tax_year,
        projected,
        profile,
        tolerance=tolerance,
        projected=True,
        extra_assumptions=notes,
    )


# --------------------------------------------------------------------------- the parts
def _liability(
    tax_year: TaxYear, region: Region, income: Decimal, profile: YearProfile
) -> Liability:
    return income_tax_liability(
        tax_year,
        region,
        max(income, _ZERO),
        relief_at_source_contributions=profile.relief_at_source_contributions,
        gift_aid_payments=profile.gift_aid_payments,
        marriage_allowance=profile.marriage_allowance,
        blind_persons_allowance=profile.blind_persons_allowance,
    )


def _region(profile: YearProfile, employments: Sequence[EmploymentYear]) -> tuple[Region, str]:
    if profile.region is not None:
        return profile.region, f"Income-tax region: {_REGION_NAMES[profile.region]} (as entered)."
    codes = [code for e in employments for code in e.tax_codes]
    for code in reversed(codes):
        try:
            region = parse_tax_code(code).region
        except ValueError:
            continue
        return region, (
            f"Income-tax region: {_REGION_NAMES[region]} (from the tax code {code} on your "
            "payslips)."
        )
    return Region.REST_OF_UK, (
        "Income-tax region: England or Northern Ireland assumed (no tax code with an S or C "
        "prefix was printed and none was entered); set it with `position set --region`."
    )


_REGION_NAMES: Final = {
    Region.REST_OF_UK: "England or Northern Ireland",
    Region.SCOTLAND: "Scotland",
    Region.WALES: "Wales",
}


def _basis_note(employment: EmploymentYear) -> str:
    source = {
        Basis.P60: "its P60",
        Basis.HMRC: "HMRC's figures",
        Basis.PAYSLIPS: f"{len(employment.payslips)} payslips",
    }[employment.basis]
    return (
        f"{employment.employer}: pay £{employment.pay:,.2f} and tax £{employment.tax:,.2f} "
        f"from {source}."
    )


def _loan_deducted(employments: Sequence[EmploymentYear], plan: StudentLoanPlan) -> Decimal:
    """What payroll took for ``plan``: payslips record a plan loan and a postgraduate loan
    separately (``student_loan``, ``postgraduate_loan``)."""
    if plan is StudentLoanPlan.POSTGRADUATE:
        return sum((e.postgraduate_loan for e in employments), _ZERO)
    return sum((e.student_loan for e in employments), _ZERO)


def _paye_marginal_rate(tax_year: TaxYear, region: Region, income: Decimal) -> Decimal:
    """The rate of the band ``income`` reaches with a full personal allowance (PAYE's view)."""
    rates = rates_for(tax_year)
    taxable = income - rates.personal_allowance
    for band in annual_bands(rates, region):
        if band.upper is None or taxable <= band.upper:
            return band.rate
    return annual_bands(rates, region)[-1].rate


def _carried_on(employment: EmploymentYear, tax_year: TaxYear) -> EmploymentYear:
    slips = employment.payslips
    if not slips:
        return employment
    frequency = _frequency(slips)
    remaining = _periods_left(frequency, tax_year, max(s.pay_date for s in slips))
    regular = [s for s in slips if s.bonus == 0 and s.rsu_vest == 0] or list(slips)
    pay_each = sum((s.taxable_basis for s in regular), _ZERO) / len(regular)
    tax_each = sum((s.income_tax for s in regular), _ZERO) / len(regular)
    loan_each = sum((s.student_loan for s in regular), _ZERO) / len(regular)
    postgraduate_each = sum((s.postgraduate_loan for s in regular), _ZERO) / len(regular)
    return replace(
        employment,
        pay=(employment.pay + pay_each * remaining).quantize(Decimal("0.01")),
        tax=(employment.tax + tax_each * remaining).quantize(Decimal("0.01")),
        student_loan=(employment.student_loan + loan_each * remaining).quantize(Decimal("1")),
        postgraduate_loan=(employment.postgraduate_loan + postgraduate_each * remaining).quantize(
            Decimal("1")
        ),
        basis=Basis.PAYSLIPS,
    )


def _frequency(slips: Sequence[Payslip]) -> Frequency:
    for slip in slips:
        if slip.pay_frequency:
            try:
                return Frequency.parse(slip.pay_frequency)
            except ValueError:
                continue
    return Frequency.MONTHLY


def _periods_left(frequency: Frequency, tax_year: TaxYear, last_paid: dt.date) -> int:
    """Regular paydays after the last payslip, to 5 April."""
    end = tax_year.last_day
    if frequency.is_monthly:
        return max(0, 12 - tax_year.tax_month(min(last_paid, end)))
    days = (end - last_paid).days
    return max(0, days // (7 * frequency.weeks_per_period))


# --------------------------------------------------------------------------- drivers
def _drivers(position: Position, profile: YearProfile, region: Region) -> tuple[Driver, ...]:
    found: list[Driver] = []
    liability = position.liability
    full = rates_for(position.tax_year).personal_allowance
    if liability.personal_allowance < full:
        found.append(
            Driver(
                "taper",
                f"Your adjusted net income is £{liability.adjusted_net_income:,.0f}, over "
                f"£100,000, so your personal allowance falls from £{full:,.0f} to "
                f"£{liability.personal_allowance:,.0f} (in effect a 60% rate on that slice). "
                "PAYE collects this only once your tax code reflects it, so a bonus or vest "
                "late in the year often leaves tax to pay.",
                "Check the code in your personal tax account, or pay through Self Assessment.",
            )
        )
    if len(position.employments) > 1:
        names = ", ".join(e.employer for e in position.employments)
        found.append(
            Driver(
                "two_jobs",
                f"You had {len(position.employments)} employments this year ({names}). Each "
                "employer taxes only its own pay, so a second job on the wrong code (or your "
                "allowance given to both) leaves the year's tax wrong.",
                "Check that only one job has your personal allowance (the others on BR or D0).",
            )
        )
    for employment in position.employments:
        codes = employment.tax_codes
        if len(codes) > 1:
            found.append(
                Driver(
                    "code_changed",
                    f"Your tax code at {employment.employer} changed during the year "
                    f"({' → '.join(codes)}); pay before the change was taxed on the old code, "
                    "and a code that changed late may not have caught up by 5 April.",
                )
            )
    found.extend(_relief_drivers(position, profile, region))
    found.extend(_loan_drivers(position))
    return tuple(found)


def _relief_drivers(position: Position, profile: YearProfile, region: Region) -> list[Driver]:
    if not (profile.relief_at_source_contributions or profile.gift_aid_payments):
        return []
    without = _liability(
        position.tax_year,
        region,
        position.employment_income,
        replace(profile, relief_at_source_contributions=_ZERO, gift_aid_payments=_ZERO),
    )
    relief = without.income_tax - position.liability.income_tax
    if relief <= 0:
        return []
    return [
        Driver(
            "relief_at_source",
            f"Your relief-at-source pension contributions and Gift Aid lower the year's tax "
            f"by £{relief:,.2f} (they extend your basic-rate band and reduce the income the "
            "allowance taper looks at); PAYE does not give this relief.",
            "Claim it on a Self Assessment return, or ask HMRC to adjust your tax code.",
        )
    ]


def _loan_drivers(position: Position) -> list[Driver]:
    found = []
    for loan in position.loans:
        if abs(loan.difference) < 1:
            continue
        side = "more" if loan.difference > 0 else "less"
        found.append(
            Driver(
                f"student_loan_{loan.plan.value}",
                f"Payroll deducted £{loan.deducted:,.0f} for your {loan.plan.value} student "
                f"loan, £{abs(loan.difference):,.0f} {side} than the £{loan.due:,.0f} due on "
                "the year's income (payroll works each pay period on its own threshold).",
                "The Student Loans Company settles the difference after the year ends; "
                "a refund of an over-deduction can be claimed from it.",
            )
        )
    return found
