"""PAYE income tax and Class 1 National Insurance, per pay period, as HMRC computes them.

A pure, table-driven engine (no I/O): rates live as data in ``income_tax_rates`` and
``ni_rates`` (tax years 2016-17 to 2026-27), the algorithms in ``income_tax`` and
``national_insurance``. Money is ``Decimal`` in and out.

* ``tax_for_period(tax_year, tax_code, frequency, period, gross_pay, gross_pay_to_date,
  tax_paid_to_date, week1_month1=False)`` -> tax this period (negative = refund).
* ``ni_for_period(pay_date, category, frequency, gross_pay)`` -> (employee, employer).
* ``student_loan_for_period(tax_year, plan, frequency, earnings)`` -> the period's student
  or postgraduate loan deduction in whole pounds (per period, non-cumulative; plans
  ``plan1``, ``plan2``, ``plan4``, ``plan5``, ``postgraduate``; thresholds as data in
  ``student_loan_rates``); ``student_loan_for_year(tax_year, plan, annual_income)`` is the
  annual counterpart.
* ``director_ni_for_period(*, tax_year, pay_date, category, method, period, gross_pay,
  gross_pay_to_date, employee_ni_to_date, employer_ni_to_date, weeks_in_earnings_period=52,
  last_period=False, frequency=None)`` -> a director's (employee, employer) NI on the annual
  earnings period, by the ``standard_annual`` or ``alternative`` method (``directors_ni``).

Invalid input raises ``PayeInputError`` (a ``ValueError``) or one of its subclasses.
"""

from hmrc_sync.paye.directors_ni import (
    DirectorNiMethod,
    director_annual_ni,
    director_ni_for_period,
)
from hmrc_sync.paye.errors import (
    AmountError,
    DirectorNiError,
    FrequencyError,
    NiCategoryError,
    PayeInputError,
    PeriodError,
    RatesNotFoundError,
    StudentLoanPlanError,
    TaxCodeError,
)
from hmrc_sync.paye.frequency import Frequency
from hmrc_sync.paye.income_tax import one_period_free_pay, tax_for_period
from hmrc_sync.paye.income_tax_rates import (
    INCOME_TAX_RATES,
    IncomeTaxRates,
    TaxBand,
    income_tax_rates,
)
from hmrc_sync.paye.national_insurance import ni_for_period
from hmrc_sync.paye.ni_categories import CATEGORIES, NiCategory, ni_category
from hmrc_sync.paye.ni_rates import (
    DIRECTOR_BLENDED_RATES,
    NI_REGIMES,
    DirectorAnnualRates,
    NiRegime,
    Threshold,
    director_annual_rates,
    ni_regime,
)
from hmrc_sync.paye.student_loan_rates import (
    STUDENT_LOAN_YEARS,
    StudentLoanPlan,
    StudentLoanYear,
    student_loan_year,
)
from hmrc_sync.paye.student_loans import (
    student_loan_for_period,
    student_loan_for_year,
    student_loan_period_threshold,
)
from hmrc_sync.paye.taxcode import CodeKind, Region, TaxCode, parse_tax_code

__all__ = [
    "CATEGORIES",
    "DIRECTOR_BLENDED_RATES",
    "INCOME_TAX_RATES",
    "NI_REGIMES",
    "STUDENT_LOAN_YEARS",
    "AmountError",
    "CodeKind",
    "DirectorAnnualRates",
    "DirectorNiError",
    "DirectorNiMethod",
    "Frequency",
    "FrequencyError",
    "IncomeTaxRates",
    "NiCategory",
    "NiCategoryError",
    "NiRegime",
    "PayeInputError",
    "PeriodError",
    "RatesNotFoundError",
    "Region",
    "StudentLoanPlan",
    "StudentLoanPlanError",
    "StudentLoanYear",
    "TaxBand",
    "TaxCode",
    "TaxCodeError",
    "Threshold",
    "director_annual_ni",
    "director_annual_rates",
    "director_ni_for_period",
    "income_tax_rates",
    "ni_category",
    "ni_for_period",
    "ni_regime",
    "one_period_free_pay",
    "parse_tax_code",
    "student_loan_for_period",
    "student_loan_for_year",
    "student_loan_period_threshold",
    "student_loan_year",
    "tax_for_period",
]
