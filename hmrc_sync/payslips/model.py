"""Typed payslips and P60s, whatever their source.

Column names and meanings follow payslip-ingest's tables (user-infra.md §1.5, §1.6 and §4):
every money figure is the payslip's "This Period" value, ``taxable_pay`` is the payslip's
"Taxable Pay" line (``None`` when the slip has no summary block), ``pension_sacrifice`` is the
salary given up (already out of gross on Meta slips), ``rsu_vest`` the notional RSU pay put
through PAYE. hmrc-sync adds a few optional columns of its own: ``tax_code``,
``ni_category``, ``pay_frequency``, ``tax_period`` and ``employer_paye_ref``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

from hmrc_sync.errors import HmrcSyncError
from hmrc_sync.taxyear import TaxYear

ZERO: Final = Decimal("0.00")


class PayslipFileError(HmrcSyncError):
    """A payslip or P60 file (or table) has rows that cannot be read; ``problems`` lists them."""

    default_message = "the payslip data has errors"

    def __init__(self, message: str | None = None, problems: tuple[RowProblem, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One bad row: the file's line number, the column (if one is to blame) and why."""

    line: int
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", {self.column}" if self.column else "")
        return f"{where}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Payslip:
    """One payslip. Money is ``Decimal``; absent optional money is ``None`` or zero as noted."""

    pay_date: dt.date
    tax_year: TaxYear
    employer: str
    gross_pay: Decimal
    income_tax: Decimal
    national_insurance: Decimal
    net_pay: Decimal | None = None
    taxable_pay: Decimal | None = None
    salary: Decimal | None = None
    bonus: Decimal = ZERO
    rsu_vest: Decimal = ZERO
    rsu_offset: Decimal = ZERO
    pension_sacrifice: Decimal = ZERO
    pension_employee: Decimal = ZERO
    pension_employer: Decimal = ZERO
    student_loan: Decimal = ZERO
    cash_income_tax: Decimal | None = None
    ytd_gross: Decimal | None = None
    ytd_taxable_pay: Decimal | None = None
    ytd_tax_paid: Decimal | None = None
    other_deductions: tuple[tuple[str, Decimal], ...] = ()
    validated: bool | None = None
    paperless_doc_id: int | None = None
    tax_code: str | None = None
    ni_category: str | None = None
    pay_frequency: str | None = None
    tax_period: int | None = None
    employer_paye_ref: str | None = None
    # Where the row came from, for messages: "payslip_ingest.payslip#12", "slips.csv:4".
    source_ref: str = field(default="", compare=False)

    @property
    def taxable_basis(self) -> Decimal:
        """Pay on the P60 / HMRC basis: ``COALESCE(taxable_pay, gross_pay)``."""
        return self.gross_pay if self.taxable_pay is None else self.taxable_pay


@dataclass(frozen=True, slots=True)
class P60:
    """One P60 (end-of-year certificate) for one employment.

    ``previous_pay`` / ``previous_tax`` are the "In previous employment(s)" boxes, when the
    source records them (payslip-ingest's ``p60_reference`` does not).
    """

    tax_year: TaxYear
    employer: str
    gross_pay: Decimal
    income_tax: Decimal
    national_insurance: Decimal
    tax_code: str | None = None
    paperless_doc_id: int | None = None
    employer_paye_ref: str | None = None
    previous_pay: Decimal | None = None
    previous_tax: Decimal | None = None
    source_ref: str = field(default="", compare=False)
