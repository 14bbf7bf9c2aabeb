"""PAYE income tax and Class 1 National Insurance, per pay period, as HMRC computes them.

A pure, table-driven engine (no I/O): rates live as data in ``income_tax_rates`` and
``ni_rates`` (tax years 2016-17 to 2026-27), the algorithms in ``income_tax`` and
``national_insurance``. Money is ``Decimal`` in and out.

* ``tax_for_period(tax_year, tax_code, frequency, period, gross_pay, gross_pay_to_date,
  tax_paid_to_date, week1_month1=False)`` -> tax this period (negative = refund).
* ``ni_for_period(pay_date, category, frequency, gross_pay)`` -> (employee, employer).

Invalid input raises ``PayeInputError`` (a ``ValueError``) or one of its subclasses.
"""

from hmrc_sync.paye.errors import (
    AmountError,
    FrequencyError,
    NiCategoryError,
    PayeInputError,
    PeriodError,
    RatesNotFoundError,
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
from hmrc_sync.paye.ni_rates import NI_REGIMES, NiRegime, Threshold, ni_regime
from hmrc_sync.paye.taxcode import CodeKind, Region, TaxCode, parse_tax_code

__all__ = [
    "CATEGORIES",
    "INCOME_TAX_RATES",
    "NI_REGIMES",
    "AmountError",
    "CodeKind",
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
    "TaxBand",
    "TaxCode",
    "TaxCodeError",
    "Threshold",
    "income_tax_rates",
    "ni_category",
    "ni_for_period",
    "ni_regime",
    "one_period_free_pay",
    "parse_tax_code",
    "tax_for_period",
]
