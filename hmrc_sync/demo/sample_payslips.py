"""A year of sample monthly payslips that shows every common kind of finding.

``sample_year(TaxYear(2024))`` returns twelve months of a correctly run payroll (tax and NI
from the PAYE engine) with, on top of a steady salary:

* a pension **salary sacrifice** every month (``gross_pay`` is before it, as on many
  templates; ``taxable_pay`` after it);
* one **RSU vest** (notional pay: in taxable pay, not in gross);
* one **missing month** (the payslip is left out; HMRC's figures and the P60 still include
  it, and the later payslips' year-to-date figures show it).

``write_payslips_csv`` writes the payslips in the CSV format ``hmrc-sync payslips import``
reads; ``SampleYear`` also carries what HMRC and the P60 would hold for the whole year.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from hmrc_sync.paye import income_tax_rates, ni_for_period, tax_for_period
from hmrc_sync.payslips.model import P60, Payslip
from hmrc_sync.taxyear import TaxYear

CSV_COLUMNS = (
    "pay_date",
    "tax_year",
    "employer",
    "employer_paye_ref",
    "salary",
    "gross_pay",
    "pension_sacrifice",
    "rsu_vest",
    "taxable_pay",
    "income_tax",
    "national_insurance",
    "net_pay",
    "ytd_gross",
    "ytd_taxable_pay",
    "ytd_tax_paid",
    "tax_code",
    "pay_frequency",
)


@dataclass(frozen=True)
class SampleYear:
    tax_year: TaxYear
    employer: str
    employer_paye_ref: str
    payslips: tuple[Payslip, ...]  # the missing month left out
    taxable_pay: Decimal  # the whole year, as HMRC holds it
    income_tax: Decimal
    national_insurance: Decimal
    tax_code: str
    missing_month: int | None

    @property
    def p60(self) -> P60:
        return P60(
            tax_year=self.tax_year,
            employer=self.employer,
            gross_pay=self.taxable_pay,
            income_tax=self.income_tax,
            national_insurance=self.national_insurance,
            tax_code=self.tax_code,
            employer_paye_ref=self.employer_paye_ref,
        )


def pay_date(tax_year: TaxYear, month: int, day: int = 25) -> dt.date:
    """The ``day`` of tax month ``month`` (month 1 = April; 25th by default)."""
    calendar = (month + 2) % 12 + 1
    return dt.date(tax_year.start_year + (1 if calendar < 4 else 0), calendar, day)


def sample_year(
    tax_year: TaxYear,
    *,
    employer: str = "Example Employer Ltd",
    employer_paye_ref: str = "123/EX45678",
    salary: Decimal = Decimal("5000.00"),
    sacrifice: Decimal = Decimal("300.00"),
    rsu_month: int | None = 8,
    rsu_value: Decimal = Decimal("8000.00"),
    missing_month: int | None = 5,
    tax_code: str | None = None,
    ni_category: str = "A",
) -> SampleYear:
    code = tax_code or income_tax_rates(tax_year).emergency_code
    slips = []
    pay_to_date = tax_to_date = ni_to_date = gross_to_date = Decimal("0.00")
    for month in range(1, 13):
        day = pay_date(tax_year, month)
        rsu = rsu_value if month == rsu_month else Decimal("0.00")
        taxable = salary - sacrifice + rsu
        pay_to_date += taxable
        tax = tax_for_period(tax_year, code, "monthly", month, taxable, pay_to_date, tax_to_date)
        ni = ni_for_period(day, ni_category, "monthly", taxable)[0]
        tax_to_date += tax
        ni_to_date += ni
        gross_to_date += salary
        if month == missing_month:
            continue
        slips.append(
            Payslip(
                pay_date=day,
                tax_year=tax_year,
                employer=employer,
                employer_paye_ref=employer_paye_ref,
                salary=salary,
                gross_pay=salary,
                pension_sacrifice=sacrifice,
                rsu_vest=rsu,
                taxable_pay=taxable,
                income_tax=tax,
                national_insurance=ni,
                net_pay=salary - sacrifice - tax - ni,
                ytd_gross=gross_to_date,
                ytd_taxable_pay=pay_to_date,
                ytd_tax_paid=tax_to_date,
                tax_code=code,
                pay_frequency="monthly",
                source_ref=f"sample:{month}",
            )
        )
    return SampleYear(
        tax_year=tax_year,
        employer=employer,
        employer_paye_ref=employer_paye_ref,
        payslips=tuple(slips),
        taxable_pay=pay_to_date,
        income_tax=tax_to_date,
        national_insurance=ni_to_date,
        tax_code=code,
        missing_month=missing_month,
    )


def write_payslips_csv(payslips: tuple[Payslip, ...] | list[Payslip], path: Path) -> Path:
    """Write payslips as a CSV file that ``hmrc-sync payslips import`` reads."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for slip in payslips:
            row = []
            for column in CSV_COLUMNS:
                value = slip.tax_year.storage if column == "tax_year" else getattr(slip, column)
                row.append("" if value is None else str(value))
            writer.writerow(row)
    return path


def write_p60_csv(p60s: tuple[P60, ...] | list[P60], path: Path) -> Path:
    """Write P60s as a CSV file that ``hmrc-sync payslips import --p60`` reads."""
    columns = (
        "tax_year",
        "employer",
        "employer_paye_ref",
        "gross_pay",
        "income_tax",
        "national_insurance",
        "tax_code",
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for p60 in p60s:
            writer.writerow(
                [
                    p60.tax_year.storage if c == "tax_year" else (getattr(p60, c) or "")
                    for c in columns
                ]
            )
    return path
