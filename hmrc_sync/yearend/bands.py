"""The year's bands for non-savings income, their extension, and the tax in each band.

Band limits are amounts of taxable income (after allowances), as in ``income_tax_rates``.

* **Which bands.** Scotland and rUK as held in ``income_tax_rates``. Welsh rates exist from
  2019-20 and have equalled rUK's every year; before 2019-20 a Welsh taxpayer simply paid
  rUK rates, so Wales uses the rUK bands then.
* **Extension** (HMRC Tax Logic, "Income Tax Liability" > "Threshold Extension"): gross Gift
  Aid and gross relief-at-source pension contributions raise every band limit except the
  excluded ones: for rUK/Wales the basic (37,700) *and* higher (125,140) limits both rise;
  for Scotland every limit rises except the starter limit. The top band has no limit.
* **Tax per band** = ``roundDown(income in the band x rate, 2)``; the bands are summed.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Final

from hmrc_sync.paye.income_tax_rates import IncomeTaxRates, TaxBand
from hmrc_sync.paye.money import floor_penny
from hmrc_sync.paye.taxcode import Region

# Scotland's starter limit is the one limit the extension leaves alone ("SRT" in the guide).
_NOT_EXTENDED: Final = frozenset({"starter"})
_ZERO: Final = Decimal(0)


@dataclass(frozen=True, slots=True)
class BandTax:
    """The tax in one band: ``income`` (taxable income in the band) x ``rate``, down to the penny.

    ``upper_limit`` is the band's limit in taxable income after any extension (None for the
    top band); ``rate`` is a fraction (0.20 for 20%).
    """

    name: str
    rate: Decimal
    upper_limit: Decimal | None
    income: Decimal
    tax: Decimal


def annual_bands(rates: IncomeTaxRates, region: Region) -> tuple[TaxBand, ...]:
    """The year's bands for ``region`` (Wales before 2019-20 = rUK)."""
    if region is Region.WALES and Region.WALES not in rates.bands:
        return rates.bands_for(Region.REST_OF_UK)
    return rates.bands_for(region)


def extended_bands(bands: tuple[TaxBand, ...], extension: Decimal) -> tuple[TaxBand, ...]:
    """The bands with every limit but the starter limit (and the open top) raised."""
    if extension == _ZERO:
        return bands
    return tuple(
        band
        if band.upper is None or band.name in _NOT_EXTENDED
        else replace(band, upper=band.upper + extension)
        for band in bands
    )


def basic_rate_limit(bands: tuple[TaxBand, ...]) -> tuple[str, Decimal]:
    """The name and limit of the band just below the higher rate.

    That is the basic band, or Scotland's intermediate band (from 2018-19). A taxpayer
    whose taxable income is within its limit is not liable at the higher rate or above,
    which is the Marriage Allowance condition (Scottish taxpayers may pay the starter,
    basic or intermediate rate).
    """
    for band, following in itertools.pairwise(bands):
        if following.name == "higher" and band.upper is not None:
            return band.name, band.upper
    raise ValueError(f"no band below a higher band in {[band.name for band in bands]}")


def tax_by_band(taxable_income: Decimal, bands: tuple[TaxBand, ...]) -> tuple[BandTax, ...]:
    """Allocate ``taxable_income`` to the bands in order; only the bands used are returned."""
    used: list[BandTax] = []
    lower = _ZERO
    for band in bands:
        top = taxable_income if band.upper is None else min(taxable_income, band.upper)
        income = top - lower
        if income <= _ZERO:
            break
        tax = floor_penny(income * band.rate)
        used.append(BandTax(band.name, band.rate, band.upper, income, tax))
        lower = top
    return tuple(used)
