"""A correctly run monthly payroll, simulated with the PAYE / NI engine (checked separately
against HMRC's test vectors), to build the payslips each scenario starts from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from hmrc_sync.paye import ni_for_period, tax_for_period
from hmrc_sync.payslips import Payslip
from hmrc_sync.reconcile import HmrcEmployment
from hmrc_sync.taxyear import TaxYear

YEAR = TaxYear(2024)
ZERO = Decimal("0.00")


def pay_day(month: int, year: TaxYear = YEAR) -> dt.date:
    """The 25th of tax month ``month`` (1 = April)."""
    calendar = (month + 2) % 12 + 1
    return dt.date(year.start_year + (1 if calendar < 4 else 0), calendar, 25)


@dataclass(frozen=True)
class PaidMonth:
    month: int
    pay_date: dt.date
    taxable: Decimal
    tax: Decimal
    ni: Decimal
    ytd_taxable: Decimal  # as the payroll counts it (P45 pay included)
    ytd_tax: Decimal


@dataclass(frozen=True)
class Payroll:
    year: TaxYear
    employer: str
    months: tuple[PaidMonth, ...]

    @property
    def taxable(self) -> Decimal:
        return sum((m.taxable for m in self.months), ZERO)

    @property
    def tax(self) -> Decimal:
        return sum((m.tax for m in self.months), ZERO)

    @property
    def ni(self) -> Decimal:
        return sum((m.ni for m in self.months), ZERO)

    def month(self, number: int) -> PaidMonth:
        return next(m for m in self.months if m.month == number)

    def payslips(self, skip: Iterable[int] = (), **fields: Any) -> list[Payslip]:
        """Payslips showing taxable pay (gross = taxable unless ``fields`` say otherwise)."""
        return [slip(self, m, **fields) for m in self.months if m.month not in set(skip)]

    def hmrc(
        self, ref: str = "123/AB456", name: str | None = None, **fields: Any
    ) -> HmrcEmployment:
        employment = HmrcEmployment(
            self.year, ref, name or self.employer.upper(), self.taxable, self.tax
        )
        return replace(employment, **fields)


def slip(payroll: Payroll, paid: PaidMonth, **fields: Any) -> Payslip:
    values: dict[str, Any] = {
        "pay_date": paid.pay_date,
        "tax_year": payroll.year,
        "employer": payroll.employer,
        "gross_pay": paid.taxable,
        "taxable_pay": paid.taxable,
        "income_tax": paid.tax,
        "national_insurance": paid.ni,
        "source_ref": f"{payroll.employer}:{paid.month}",
    }
    values.update(fields)
    return Payslip(**values)


def run_payroll(
    *,
    year: TaxYear = YEAR,
    employer: str = "Acme Ltd",
    months: Iterable[int] = range(1, 13),
    pay: Decimal = Decimal("5000.00"),
    extra: Mapping[int, Decimal] | None = None,
    codes: str | Mapping[int, str] = "1257L",
    month1: Iterable[int] = (),
    previous_pay: Decimal = ZERO,
    previous_tax: Decimal = ZERO,
    ni_category: str = "A",
) -> Payroll:
    """Tax and NI month by month as HMRC's rules give them (cumulative unless ``month1``)."""
    pay_to_date, paid_to_date = previous_pay, previous_tax
    paid: list[PaidMonth] = []
    non_cumulative = set(month1)
    for month in months:
        taxable = pay + (extra or {}).get(month, ZERO)
        code = codes if isinstance(codes, str) else codes[month]
        pay_to_date += taxable
        tax = tax_for_period(
            year,
            code,
            "monthly",
            month,
            taxable,
            pay_to_date,
            paid_to_date,
            week1_month1=month in non_cumulative,
        )
        paid_to_date += tax
        day = pay_day(month, year)
        ni = ni_for_period(day, ni_category, "monthly", taxable)[0]
        paid.append(PaidMonth(month, day, taxable, tax, ni, pay_to_date, paid_to_date))
    return Payroll(year, employer, tuple(paid))
