"""Typed payslips and P60s, whatever their source.

Column names and meanings follow payslip-ingest's tables (user-infra.md §1.5, §1.6 and §4):
every money figure is the payslip's "This Period" value, ``taxable_pay`` is the payslip's
"Taxable Pay" line (``None`` when the slip has no summary block), ``pension_sacrifice`` is the
salary given up (already out of gross on Meta slips), ``rsu_vest`` the notional RSU pay put
through PAYE. hmrc-sync adds optional columns of its own: ``tax_code``, ``ni_category``,
``pay_frequency``, ``tax_period``, ``employer_paye_ref``, and the lines of a full payslip
(``student_loan_plan``, ``postgraduate_loan``, ``pension_type``, ``payrolled_benefits``,
``niable_pay``, ``ytd_national_insurance``, ``ytd_student_loan``, ``director``,
``director_ni_method``, ``paid_after_leaving``). docs/payslips.md describes every column.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

from hmrc_sync.errors import ExitCode, HmrcSyncError
from hmrc_sync.taxyear import TaxYear

ZERO: Final = Decimal("0.00")

STUDENT_LOAN_PLANS: Final = ("plan1", "plan2", "plan4", "plan5")
PENSION_TYPES: Final = ("salary_sacrifice", "net_pay", "relief_at_source")
DIRECTOR_NI_METHODS: Final = ("standard_annual", "alternative")


class PayslipFileError(HmrcSyncError):
    """A payslip or P60 file (or table) has rows that cannot be read; ``problems`` lists them.
    Bad input, so exit 2 like any malformed input."""

    exit_code = ExitCode.CONFIGURATION
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
    student_loan_plan: str | None = None  # plan1, plan2, plan4, plan5
    postgraduate_loan: Decimal = ZERO
    pension_type: str | None = None  # of pension_employee: salary_sacrifice, net_pay, ...
    payrolled_benefits: Decimal = ZERO  # benefits in kind taxed through the payroll
    niable_pay: Decimal | None = None  # "NIable pay" when the payslip prints it
    ytd_national_insurance: Decimal | None = None
    ytd_student_loan: Decimal | None = None
    director: bool = False
    director_ni_method: str | None = None  # standard_annual, alternative
    paid_after_leaving: bool = False
    # Where the row came from, for messages: "payslip_ingest.payslip#12", "slips.csv:4".
    source_ref: str = field(default="", compare=False)

    @property
    def net_pay_pension(self) -> Decimal:
        """The employee's pension contribution when it is recorded as a net-pay arrangement."""
        return self.pension_employee if self.pension_type == "net_pay" else ZERO

    @property
    def taxable_basis(self) -> Decimal:
        """Pay on the P60 / HMRC basis: the payslip's taxable pay, else gross less a
        recorded net-pay pension plus payrolled benefits."""
        if self.taxable_pay is not None:
            return self.taxable_pay
        return self.gross_pay - self.net_pay_pension + self.payrolled_benefits

    @property
    def ni_basis(self) -> Decimal:
        """Class 1 NI-able pay (student loans use it too): the printed NIable pay, else gross
        (net-pay pensions and payrolled benefits do not change it)."""
        if self.niable_pay is not None:
            return self.niable_pay
        if self.taxable_pay is None:
            return self.gross_pay
        return self.taxable_pay + self.net_pay_pension - self.payrolled_benefits


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
    student_loan: Decimal | None = None  # the "Student loan deductions" box (whole pounds)
    postgraduate_loan: Decimal | None = None  # the "Postgraduate loan deductions" box
    source_ref: str = field(default="", compare=False)
