"""Income-tax rates and bands per tax year, as data.

Every figure is copied from ``docs/paye-domain.md`` section 2.1 ("Rates table 2016-17 to
2026-27"); each year's ``source`` names the table row and the source keys it cites. Band
limits are amounts of taxable pay *above* the allowance, as HMRC publishes them for payroll;
the last band of each region has no upper limit.

Fixed codes take one band's rate: ``BR`` the band named ``basic``, ``D0`` the band after it,
``D1`` the next, and so on. So rUK D0/D1 are 40%/45%; Scottish SD0..SD3 are intermediate,
higher, advanced and top from 2024-25 (paye-domain.md 2.3: "SD2 = advanced 45% and SD3 =
top 48%"), and before 2018-19, when Scotland had no starter or intermediate band,
SD0/SD1 were higher/top.

Annual figures used by the year-end liability (``hmrc_sync.yearend``) live here too, so there
is one home for rates: the Blind Person's Allowance per year (sources beside the table below),
the £100,000 adjusted-net-income limit where the personal-allowance taper starts, and the
Marriage Allowance transferable amount (derived from the personal allowance).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Final

from hmrc_sync.paye.errors import RatesNotFoundError, TaxCodeError
from hmrc_sync.paye.money import ceil_pound
from hmrc_sync.paye.taxcode import Region
from hmrc_sync.taxyear import TaxYear


@dataclass(frozen=True, slots=True)
class TaxBand:
    """One band: ``percent`` applies to taxable pay up to ``upper`` (annual; None = no limit)."""

    name: str
    percent: Decimal
    upper: Decimal | None

    @property
    def rate(self) -> Decimal:
        return self.percent / 100


# The personal allowance is reduced by £1 for every £2 of adjusted net income over this limit
# (ITA 2007 s.35; HMRC Tax Logic service guide, "Personal Allowance": reducedAllowanceLimit).
# It has been £100,000 in every year since 2010-11.
PERSONAL_ALLOWANCE_INCOME_LIMIT: Final = Decimal(100_000)

# Marriage Allowance: the transferable amount is 10% of the (basic) personal allowance rounded
# up to the next multiple of £10 (ITA 2007 s.55B; gov.uk "Marriage Allowance"; the Tax Logic
# config's marriageAllowanceTransferInAndOutAmount is 1260 for 2024-25).
_MARRIAGE_ALLOWANCE_FRACTION: Final = Decimal("0.10")
_MARRIAGE_ALLOWANCE_STEP: Final = Decimal(10)


@dataclass(frozen=True, slots=True)
class IncomeTaxRates:
    """One tax year's income-tax parameters (PAYE and the year-end liability)."""

    tax_year: TaxYear
    personal_allowance: Decimal
    emergency_code: str
    bands: Mapping[Region, tuple[TaxBand, ...]]
    blind_persons_allowance: Decimal
    source: str = field(compare=False)

    @property
    def marriage_allowance_transferable(self) -> Decimal:
        """10% of the personal allowance rounded up to the next £10 (2024-25: £1,260)."""
        tenths = self.personal_allowance * _MARRIAGE_ALLOWANCE_FRACTION
        return ceil_pound(tenths / _MARRIAGE_ALLOWANCE_STEP) * _MARRIAGE_ALLOWANCE_STEP

    def bands_for(self, region: Region) -> tuple[TaxBand, ...]:
        try:
            return self.bands[region]
        except KeyError:
            held = ", ".join(r.value for r in self.bands)
            raise TaxCodeError(
                f"{_REGION_NAMES[region]} codes do not exist in {self.tax_year.hmrc}: "
                f"that year has rates for {held}"
            ) from None

    def fixed_rate(self, region: Region, fixed_band: str) -> Decimal:
        """The rate of a fixed code (``BR``, ``D0``, ``D1``...) in ``region``."""
        bands = self.bands_for(region)
        names = [band.name for band in bands]
        basic = names.index("basic")
        if fixed_band == "BR":
            return bands[basic].rate
        index = basic + 1 + int(fixed_band[1:])
        if not fixed_band.startswith("D") or index >= len(bands):
            prefix = {Region.SCOTLAND: "S", Region.WALES: "C"}.get(region, "")
            accepted = ", ".join(
                [prefix + "BR"] + [f"{prefix}D{i}" for i in range(len(bands) - basic - 1)]
            )
            raise TaxCodeError(
                f"{prefix}{fixed_band} is not a tax code in {self.tax_year.hmrc}: "
                f"that year's fixed codes are {accepted}"
            )
        return bands[index].rate


_REGION_NAMES: Final = {
    Region.REST_OF_UK: "rest-of-UK",
    Region.SCOTLAND: "Scottish (S)",
    Region.WALES: "Welsh (C)",
}


def _bands(*rows: tuple[str, str, int | None]) -> tuple[TaxBand, ...]:
    return tuple(
        TaxBand(name, Decimal(percent), None if upper is None else Decimal(upper))
        for name, percent, upper in rows
    )


def _year(
    start: int,
    allowance: int,
    code: str,
    source: str,
    *,
    ruk: tuple[TaxBand, ...],
    scotland: tuple[TaxBand, ...],
    wales: bool,
) -> IncomeTaxRates:
    bands = {Region.REST_OF_UK: ruk, Region.SCOTLAND: scotland}
    if wales:
        # Welsh rates have equalled England's every year since they began in 2019-20
        # (paye-domain.md 2.1: [CODA] WelshBrackets 2019-2022; HMRC's Welsh results equal
        # rUK's for 2022-23 to 2026-27 [PTTS] [PT-IT26] [PAYEPY]).
        bands[Region.WALES] = ruk
    return IncomeTaxRates(
        TaxYear(start),
        Decimal(allowance),
        code,
        MappingProxyType(bands),
        _BLIND_PERSONS_ALLOWANCE[start],
        source,
    )


# Blind Person's Allowance, added to the personal allowance and never tapered (ITA 2007 s.38).
# gov.uk "Blind Person's Allowance: what you'll get" (2017-18 £2,320, 2018-19 £2,390; later
# editions 2024-25 £3,070, 2025-26 £3,130); 2016-17 £2,290 (unchanged from 2015-16: the
# September 2015 CPI was negative); 2019-20 £2,450, 2020-21 £2,500, 2021-22 £2,520, 2022-23
# £2,600, 2023-24 £2,870 (CPI uprating announced in the 2022 Autumn Statement); HMRC's Tax Logic
# config taxyear24-25.yml blindPersonAllowance 3070; 2026-27 £3,250 (September 2025 CPI 3.8%,
# rounded up to £10).
_BLIND_PERSONS_ALLOWANCE: Final = MappingProxyType(
    {
        start: Decimal(amount)
        for start, amount in (
            (2016, 2_290),
            (2017, 2_320),
            (2018, 2_390),
            (2019, 2_450),
            (2020, 2_500),
            (2021, 2_520),
            (2022, 2_600),
            (2023, 2_870),
            (2024, 3_070),
            (2025, 3_130),
            (2026, 3_250),
        )
    }
)


# rUK bands: "20% basic / 40% higher / 45% additional" columns of the first table in 2.1.
_RUK_2016: Final = _bands(
    ("basic", "20", 32_000), ("higher", "40", 150_000), ("additional", "45", None)
)
_RUK_2017: Final = _bands(
    ("basic", "20", 33_500), ("higher", "40", 150_000), ("additional", "45", None)
)
_RUK_2018: Final = _bands(
    ("basic", "20", 34_500), ("higher", "40", 150_000), ("additional", "45", None)
)
_RUK_2019: Final = _bands(
    ("basic", "20", 37_500), ("higher", "40", 150_000), ("additional", "45", None)
)
_RUK_2021: Final = _bands(
    ("basic", "20", 37_700), ("higher", "40", 150_000), ("additional", "45", None)
)
_RUK_2023: Final = _bands(
    ("basic", "20", 37_700), ("higher", "40", 125_140), ("additional", "45", None)
)


def _scottish_5(
    starter: int, basic: int, intermediate: int, higher: int, rate_higher: str, rate_top: str
) -> tuple[TaxBand, ...]:
    """Scotland 2018-19 to 2023-24: starter, basic, intermediate, higher, top."""
    return _bands(
        ("starter", "19", starter),
        ("basic", "20", basic),
        ("intermediate", "21", intermediate),
        ("higher", rate_higher, higher),
        ("top", rate_top, None),
    )


def _scottish_6(starter: int, basic: int) -> tuple[TaxBand, ...]:
    """Scotland from 2024-25: six bands; intermediate/higher/advanced limits unchanged since."""
    return _bands(
        ("starter", "19", starter),
        ("basic", "20", basic),
        ("intermediate", "21", 31_092),
        ("higher", "42", 62_430),
        ("advanced", "45", 125_140),
        ("top", "48", None),
    )


# fmt: off
INCOME_TAX_RATES: Final[tuple[IncomeTaxRates, ...]] = (
    _year(2016, 11_000, "1100L",
          "paye-domain.md 2.1 rows 2016-17 [G-RT16]; Scotland = rUK (Scottish rate 10%) [SCOT20]",
          ruk=_RUK_2016, scotland=_RUK_2016, wales=False),
    _year(2017, 11_500, "1150L",
          "paye-domain.md 2.1 rows 2017-18 [G-RT17]; Scotland [G-RT17] [CODA] ScottishBrackets",
          ruk=_RUK_2017,
          scotland=_bands(("basic", "20", 31_500), ("higher", "40", 150_000), ("top", "45", None)),
          wales=False),
    _year(2018, 11_850, "1185L", "paye-domain.md 2.1 rows 2018-19 [G-RT18]",
          ruk=_RUK_2018, scotland=_scottish_5(2_000, 12_150, 31_580, 150_000, "41", "46"),
          wales=False),
    _year(2019, 12_500, "1250L", "paye-domain.md 2.1 rows 2019-20 [G-RT19-copy] [SCOT20]",
          ruk=_RUK_2019, scotland=_scottish_5(2_049, 12_444, 30_930, 150_000, "41", "46"),
          wales=True),
    _year(2020, 12_500, "1250L", "paye-domain.md 2.1 rows 2020-21 [G-RT20]",
          ruk=_RUK_2019, scotland=_scottish_5(2_085, 12_658, 30_930, 150_000, "41", "46"),
          wales=True),
    _year(2021, 12_570, "1257L", "paye-domain.md 2.1 rows 2021-22 [G-RT21]",
          ruk=_RUK_2021, scotland=_scottish_5(2_097, 12_726, 31_092, 150_000, "41", "46"),
          wales=True),
    _year(2022, 12_570, "1257L", "paye-domain.md 2.1 rows 2022-23 [G-RT22-copy] [PT-REF]",
          ruk=_RUK_2021, scotland=_scottish_5(2_162, 13_118, 31_092, 150_000, "41", "46"),
          wales=True),
    _year(2023, 12_570, "1257L", "paye-domain.md 2.1 rows 2023-24 [G-RT23]",
          ruk=_RUK_2023, scotland=_scottish_5(2_162, 13_118, 31_092, 125_140, "42", "47"),
          wales=True),
    _year(2024, 12_570, "1257L", "paye-domain.md 2.1 rows 2024-25 [G-RT24-copy] [PT-REF] [CAM]",
          ruk=_RUK_2023, scotland=_scottish_6(2_306, 13_991), wales=True),
    _year(2025, 12_570, "1257L", "paye-domain.md 2.1 rows 2025-26 [G-RT25-copy]",
          ruk=_RUK_2023, scotland=_scottish_6(2_827, 14_921), wales=True),
    _year(2026, 12_570, "1257L",
          "paye-domain.md 2.1 rows 2026-27 [PAYFIT26] [MONEYSOFT26] [ICB-SCOT26] [PAYEPY]",
          ruk=_RUK_2023, scotland=_scottish_6(3_967, 16_956), wales=True),
)
# fmt: on

_BY_START_YEAR: Final = MappingProxyType(
    {rates.tax_year.start_year: rates for rates in INCOME_TAX_RATES}
)


def income_tax_rates(tax_year: TaxYear) -> IncomeTaxRates:
    """The year's rates, or ``RatesNotFoundError`` naming the years held."""
    try:
        return _BY_START_YEAR[tax_year.start_year]
    except KeyError:
        first, last = INCOME_TAX_RATES[0].tax_year, INCOME_TAX_RATES[-1].tax_year
        raise RatesNotFoundError(
            f"no income-tax rates are held for {tax_year.hmrc}: "
            f"years {first.hmrc} to {last.hmrc} are supported"
        ) from None
