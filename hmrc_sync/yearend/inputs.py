"""Reading and checking the arguments of the year-end calculations."""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from hmrc_sync.paye.errors import RatesNotFoundError
from hmrc_sync.paye.income_tax_rates import INCOME_TAX_RATES, IncomeTaxRates, income_tax_rates
from hmrc_sync.paye.taxcode import Region
from hmrc_sync.taxyear import TaxYear, TaxYearError
from hmrc_sync.yearend.errors import InvalidAmountError, UnknownRegionError, UnsupportedTaxYearError

_REGIONS: Final = {region.value.lower(): region for region in Region}
ACCEPTED_REGIONS: Final = ", ".join(repr(region.value) for region in Region)


def tax_year_of(value: TaxYear | str) -> TaxYear:
    """A ``TaxYear`` as given, or parsed from text such as ``2024-25``."""
    if isinstance(value, TaxYear):
        return value
    if not isinstance(value, str):
        raise UnsupportedTaxYearError(
            f"a tax year must be a TaxYear or text such as '2024-25', not {type(value).__name__}"
        )
    try:
        return TaxYear.parse(value)
    except TaxYearError as error:
        raise UnsupportedTaxYearError(str(error)) from None


def rates_for(tax_year: TaxYear) -> IncomeTaxRates:
    """The year's income-tax rates, or ``UnsupportedTaxYearError`` naming the years held."""
    try:
        return income_tax_rates(tax_year)
    except RatesNotFoundError:
        first, last = INCOME_TAX_RATES[0].tax_year, INCOME_TAX_RATES[-1].tax_year
        raise UnsupportedTaxYearError(
            f"no income-tax figures are held for {tax_year.hmrc}: "
            f"years {first.hmrc} to {last.hmrc} are supported"
        ) from None


def region_of(value: Region | str) -> Region:
    """A ``Region`` as given, or from its value (``rUK``, ``scotland``, ``wales``; any case)."""
    if isinstance(value, Region):
        return value
    if isinstance(value, str) and (region := _REGIONS.get(value.strip().lower())) is not None:
        return region
    raise UnknownRegionError(f"unknown income-tax region {value!r}: use {ACCEPTED_REGIONS}")


def amount_of(name: str, value: object) -> Decimal:
    """A finite, non-negative money amount (``Decimal`` or ``int``; floats are refused)."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise InvalidAmountError(
            f"{name} must be a Decimal (e.g. Decimal('1234.56')), not {type(value).__name__}"
        )
    amount = Decimal(value)
    if not amount.is_finite():
        raise InvalidAmountError(f"{name} must be a finite amount, not {amount}")
    if amount < 0:
        raise InvalidAmountError(f"{name} must not be negative (got {amount})")
    return amount
