"""Year-end calculations: the income-tax liability and student-loan repayments for a year.

Pure functions on ``Decimal`` money (no I/O), for tax years 2016-17 to 2026-27, following
HMRC's Tax Logic service guide. Rates come from ``hmrc_sync.paye.income_tax_rates``.

* ``income_tax_liability(tax_year, region, employment_income, *, ...)`` -> ``Liability``
* ``student_loan_due_for_year(tax_year, plan, annual_income)`` -> repayment in whole pounds

Invalid input raises ``YearEndInputError`` (a ``ValueError``) or one of its subclasses.
"""

from hmrc_sync.yearend.bands import BandTax
from hmrc_sync.yearend.errors import (
    InvalidAmountError,
    UnknownOptionError,
    UnknownRegionError,
    UnsupportedTaxYearError,
    YearEndInputError,
)
from hmrc_sync.yearend.liability import Liability, income_tax_liability
from hmrc_sync.yearend.marriage_allowance import MarriageAllowance
from hmrc_sync.yearend.student_loans import (
    StudentLoanPlan,
    student_loan_due_for_year,
    student_loan_threshold,
)

__all__ = [
    "BandTax",
    "InvalidAmountError",
    "Liability",
    "MarriageAllowance",
    "StudentLoanPlan",
    "UnknownOptionError",
    "UnknownRegionError",
    "UnsupportedTaxYearError",
    "YearEndInputError",
    "income_tax_liability",
    "student_loan_due_for_year",
    "student_loan_threshold",
]
