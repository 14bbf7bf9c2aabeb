"""The year's income-tax liability on employment income, by HMRC's Tax Logic rules.

The steps, each with the rounding the HMRC Tax Logic service guide specifies:

1. Employment income for the year (P60 pay, all employments) **rounded down** to whole pounds.
2. Gross Gift Aid = payments x 100/80 rounded **up** to a whole pound (``gift_aid``).
3. Adjusted net income = employment income - gross relief-at-source contributions - gross
   Gift Aid.
4. Personal allowance, tapered by £1 for every £2 of adjusted net income over £100,000
   (``personal_allowance``); a Marriage Allowance transferor gives up the transferable
   amount; the Blind Person's Allowance is added untapered. Total allowances are rounded up
   to a whole pound; taxable income = employment income - total allowances (not below 0).
5. Band limits extended by gross Gift Aid and gross relief-at-source contributions; each
   band's tax rounded down to the penny; the bands summed (``bands``).
6. Tax reductions: the Marriage Allowance reducer of a recipient, not below zero.
7. The Gift Aid charge: when the tax after reductions is less than the basic-rate tax on
   the gross gifts, the difference is charged (``gift_aid``).

Relief-at-source contributions are taken **gross** (what the scheme received including the
basic-rate relief it claimed), as the guide and HMRC's Reliefs API do.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from hmrc_sync.paye.money import PENNY, ceil_pound, floor_pound
from hmrc_sync.paye.taxcode import Region
from hmrc_sync.taxyear import TaxYear
from hmrc_sync.yearend.bands import (
    BandTax,
    annual_bands,
    basic_rate_limit,
    extended_bands,
    tax_by_band,
)
from hmrc_sync.yearend.errors import YearEndInputError
from hmrc_sync.yearend.gift_aid import gift_aid_charge, gift_aid_tax, gross_gift_aid
from hmrc_sync.yearend.inputs import amount_of, rates_for, region_of, tax_year_of
from hmrc_sync.yearend.marriage_allowance import (
    MarriageAllowance,
    marriage_allowance_reducer,
    marriage_allowance_role,
)
from hmrc_sync.yearend.personal_allowance import tapered_personal_allowance

_ZERO: Final = Decimal(0)


@dataclass(frozen=True, slots=True)
class Liability:
    """One person's income-tax liability for a tax year; money in pounds, to the penny.

    ``personal_allowance`` is the allowance after the taper; ``total_allowances`` is that,
    less any Marriage Allowance transferred out, plus any Blind Person's Allowance.
    ``income_tax_charged`` is the sum of the bands' tax; ``income_tax`` is the year's
    liability after the Marriage Allowance reducer and including the Gift Aid charge.
    ``adjusted_net_income`` follows the guide's arithmetic, so it is negative when the
    reliefs exceed the income; only its excess over £100,000 has any effect.
    ``notes`` explains anything asked for but not given (e.g. Marriage Allowance refused).
    """

    tax_year: TaxYear
    region: Region
    employment_income: Decimal
    relief_at_source_contributions: Decimal
    gross_gift_aid: Decimal
    adjusted_net_income: Decimal
    personal_allowance: Decimal
    marriage_allowance_transferred: Decimal
    blind_persons_allowance: Decimal
    total_allowances: Decimal
    taxable_income: Decimal
    bands: tuple[BandTax, ...]
    income_tax_charged: Decimal
    marriage_allowance_reducer: Decimal
    gift_aid_tax: Decimal
    gift_aid_charge: Decimal
    income_tax: Decimal
    notes: tuple[str, ...] = ()


def income_tax_liability(
    tax_year: TaxYear | str,
    region: Region | str,
    employment_income: Decimal,
    *,
    relief_at_source_contributions: Decimal = _ZERO,
    gift_aid_payments: Decimal = _ZERO,
    marriage_allowance: MarriageAllowance | str | None = None,
    blind_persons_allowance: bool = False,
) -> Liability:
    """The income-tax liability on a year's employment income (see the module docstring).

    ``tax_year`` is a ``TaxYear`` or text such as ``2024-25`` (2016-17 to 2026-27);
    ``region`` is ``rUK``, ``scotland`` or ``wales``; ``relief_at_source_contributions`` are
    gross; ``gift_aid_payments`` are as paid (net); ``marriage_allowance`` is None,
    ``transferor`` or ``recipient``. Bad input raises ``YearEndInputError`` (a ValueError).
    """
    year = tax_year_of(tax_year)
    rates = rates_for(year)
    where = region_of(region)
    income = floor_pound(amount_of("employment_income", employment_income))
    pension = amount_of("relief_at_source_contributions", relief_at_source_contributions)
    gifts = gross_gift_aid(amount_of("gift_aid_payments", gift_aid_payments))
    role = marriage_allowance_role(marriage_allowance)
    if not isinstance(blind_persons_allowance, bool):
        raise YearEndInputError(
            f"blind_persons_allowance must be True or False, not {blind_persons_allowance!r}"
        )

    adjusted_net_income = income - gifts - pension
    allowance = tapered_personal_allowance(rates.personal_allowance, adjusted_net_income)
    blind = rates.blind_persons_allowance if blind_persons_allowance else _ZERO
    bands = extended_bands(annual_bands(rates, where), floor_pound(gifts) + pension)
    limit_band, limit = basic_rate_limit(bands)
    notes: list[str] = []

    transferred = _ZERO
    if role is MarriageAllowance.TRANSFEROR:
        if income - allowance - blind <= limit:
            transferred = min(rates.marriage_allowance_transferable, allowance)
        else:
            notes.append(
                "Marriage Allowance not transferred: income less allowances exceeds the "
                f"{limit_band}-rate limit of £{limit:,}, so the transferor would be liable "
                "above it"
            )
    total_allowances = ceil_pound(allowance - transferred + blind)
    taxable_income = max(income - total_allowances, _ZERO)
    band_taxes = tax_by_band(taxable_income, bands)
    charged = sum((band.tax for band in band_taxes), _ZERO)

    reducer = _ZERO
    if role is MarriageAllowance.RECIPIENT:
        if taxable_income <= limit:
            full_reducer = marriage_allowance_reducer(rates.marriage_allowance_transferable)
            reducer = min(full_reducer, charged)
        else:
            notes.append(
                f"Marriage Allowance reducer not given: taxable income exceeds the "
                f"{limit_band}-rate limit of £{limit:,}, so the recipient is liable at the "
                "higher rate or above and not entitled (ITA 2007 s.55B)"
            )
    after_reductions = max(charged - reducer, _ZERO)
    tax_on_gifts = gift_aid_tax(gifts)
    charge = gift_aid_charge(tax_on_gifts, after_reductions)

    return Liability(
        tax_year=year,
        region=where,
        employment_income=_money(income),
        relief_at_source_contributions=_money(pension),
        gross_gift_aid=_money(gifts),
        adjusted_net_income=_money(adjusted_net_income),
        personal_allowance=_money(allowance),
        marriage_allowance_transferred=_money(transferred),
        blind_persons_allowance=_money(blind),
        total_allowances=_money(total_allowances),
        taxable_income=_money(taxable_income),
        bands=band_taxes,
        income_tax_charged=_money(charged),
        marriage_allowance_reducer=_money(reducer),
        gift_aid_tax=_money(tax_on_gifts),
        gift_aid_charge=_money(charge),
        income_tax=_money(after_reductions + charge),
        notes=tuple(notes),
    )


def _money(amount: Decimal) -> Decimal:
    return amount.quantize(PENNY)
