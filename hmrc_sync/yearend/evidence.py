"""Each employment's pay, tax and student loan for a year, from the best evidence held.

Preference, most complete first: the P60 (the employer's year-end certificate), then HMRC's
figures, then the sum of the payslips. Student-loan deductions come from the payslips (the P60
as recorded here has no student-loan box). Which one was used is kept (``basis``), so the
position can say so. Pure: it takes values, never a database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Final, TypeVar

from hmrc_sync.payslips.model import P60, Payslip
from hmrc_sync.reconcile.matching import employer_key, names_match
from hmrc_sync.reconcile.model import HmrcEmployment
from hmrc_sync.taxyear import TaxYear

_ZERO: Final = Decimal(0)
T = TypeVar("T")


class Basis(StrEnum):
    """Where an employment's year figures came from."""

    P60 = "P60"
    HMRC = "HMRC"
    PAYSLIPS = "payslips"


@dataclass(frozen=True, slots=True)
class EmploymentYear:
    """One employment's figures for the year (or, when ``payslips_only``, so far)."""

    employer: str
    pay: Decimal
    tax: Decimal
    student_loan: Decimal
    basis: Basis
    payslips: tuple[Payslip, ...] = ()
    postgraduate_loan: Decimal = _ZERO

    @property
    def tax_codes(self) -> tuple[str, ...]:
        """The tax codes printed on the payslips, in pay-date order, each once."""
        codes: list[str] = []
        for slip in sorted(self.payslips, key=lambda s: s.pay_date):
            if slip.tax_code and (not codes or codes[-1] != slip.tax_code.upper()):
                codes.append(slip.tax_code.upper())
        return tuple(codes)


def employments_for_year(
    tax_year: TaxYear,
    payslips: Sequence[Payslip],
    p60s: Sequence[P60],
    hmrc: Sequence[HmrcEmployment],
) -> tuple[EmploymentYear, ...]:
    """One ``EmploymentYear`` per employer seen in the year's payslips, P60s or HMRC figures."""
    groups: dict[str, list[Payslip]] = defaultdict(list)
    for slip in payslips:
        if slip.tax_year == tax_year:
            groups[employer_key(slip.employer, slip.employer_paye_ref)].append(slip)
    year_p60s = [p for p in p60s if p.tax_year == tax_year]
    year_hmrc = [h for h in hmrc if h.tax_year == tax_year and h.taxable_pay is not None]
    found: list[EmploymentYear] = []
    for slips in groups.values():
        name, ref = (
            slips[0].employer,
            next((s.employer_paye_ref for s in slips if s.employer_paye_ref), None),
        )
        loan = sum((s.student_loan for s in slips), _ZERO)
        postgraduate = sum((s.postgraduate_loan for s in slips), _ZERO)
        p60 = _take(year_p60s, name, ref, _p60_names)
        employment = _take(year_hmrc, name, ref, _hmrc_names)
        if p60 is not None:
            found.append(
                EmploymentYear(
                    name, p60.gross_pay, p60.income_tax, loan, Basis.P60, tuple(slips), postgraduate
                )
            )
        elif employment is not None and employment.figures_to is None:
            found.append(
                EmploymentYear(
                    name,
                    employment.taxable_pay or _ZERO,
                    employment.income_tax or _ZERO,
                    loan,
                    Basis.HMRC,
                    tuple(slips),
                    postgraduate,
                )
            )
        else:
            pay = sum((s.taxable_basis for s in slips), _ZERO)
            tax = sum((s.income_tax for s in slips), _ZERO)
            found.append(
                EmploymentYear(name, pay, tax, loan, Basis.PAYSLIPS, tuple(slips), postgraduate)
            )
    for p60 in year_p60s:
        found.append(EmploymentYear(p60.employer, p60.gross_pay, p60.income_tax, _ZERO, Basis.P60))
    for employment in year_hmrc:
        if employment.figures_to is None:
            name = employment.employer_name or employment.employer_paye_ref
            tax = employment.income_tax or _ZERO
            found.append(
                EmploymentYear(name, employment.taxable_pay or _ZERO, tax, _ZERO, Basis.HMRC)
            )
    return tuple(sorted(found, key=lambda e: e.employer.lower()))


def _same(name: str | None, ref: str | None, other_name: str | None, other_ref: str | None) -> bool:
    if ref and other_ref:
        return ref.strip().upper() == other_ref.strip().upper()
    return names_match(name, other_name)


def _p60_names(p60: P60) -> tuple[str | None, str | None]:
    return p60.employer, p60.employer_paye_ref


def _hmrc_names(employment: HmrcEmployment) -> tuple[str | None, str | None]:
    return employment.employer_name, employment.employer_paye_ref


def _take(
    items: list[T],
    name: str,
    ref: str | None,
    names: Callable[[T], tuple[str | None, str | None]],
) -> T | None:
    """The first item naming the same employer, removed from ``items`` (each pairs once)."""
    for item in items:
        if _same(name, ref, *names(item)):
            items.remove(item)
            return item
    return None
