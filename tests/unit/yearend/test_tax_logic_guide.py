"""The HMRC Tax Logic service guide's 2024-25 bands and its one worked example."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Final

import pytest

from hmrc_sync.paye.income_tax_rates import income_tax_rates
from hmrc_sync.paye.taxcode import Region
from hmrc_sync.taxyear import TaxYear
from hmrc_sync.yearend import income_tax_liability
from tests.unit.yearend.data import load

BANDS = load("hmrc-tax-logic-bands-2024-25.json")
EXAMPLES = load("hmrc-tax-logic-examples.json")

# The guide's band codes and the names income_tax_rates gives the same bands.
NAMES: Final = {
    ("rUK", "BRT"): "basic",
    ("rUK", "HRT"): "higher",
    ("rUK", "ART"): "additional",
    ("wales", "BRT"): "basic",
    ("wales", "HRT"): "higher",
    ("wales", "ART"): "additional",
    ("scotland", "SRT"): "starter",
    ("scotland", "BRT"): "basic",
    ("scotland", "IRT"): "intermediate",
    ("scotland", "HRT"): "higher",
    ("scotland", "AVRT"): "advanced",
    ("scotland", "ART"): "top",
}


def _limit(case: dict[str, Any]) -> Decimal | None:
    raw = case["upper_limit_taxable_income"]
    return None if raw is None else Decimal(raw)


@pytest.mark.parametrize("case", BANDS, ids=[case["id"] for case in BANDS])
def test_band_matches_the_rates_table(case: dict[str, Any]) -> None:
    """The one home for rates holds the guide's 2024-25 limit and rate for each band."""
    bands = income_tax_rates(TaxYear.parse(case["tax_year"])).bands_for(Region(case["region"]))
    band = next(band for band in bands if band.name == NAMES[case["region"], case["band"]])
    assert band.percent == Decimal(case["rate_percent"])
    assert band.upper == _limit(case)


@pytest.mark.parametrize(
    "case", [c for c in BANDS if c["upper_limit_taxable_income"] is not None], ids=lambda c: c["id"]
)
def test_income_filling_a_band_stops_at_its_limit(case: dict[str, Any]) -> None:
    """Employment income of PA + limit (under the taper) fills the band exactly, nothing above.

    Below £100,000 the allowance is £12,570; at the £125,140 limit the allowance is nil, so
    income equal to the limit fills it.
    """
    limit = _limit(case)
    assert limit is not None
    allowance = Decimal(12_570) if limit + 12_570 <= 100_000 else Decimal(0)
    liability = income_tax_liability(case["tax_year"], case["region"], limit + allowance)
    assert liability.taxable_income == limit
    last = liability.bands[-1]
    assert last.name == NAMES[case["region"], case["band"]]
    assert last.upper_limit == limit
    assert last.rate == Decimal(case["rate_percent"]) / 100


def test_the_guides_worked_example() -> None:
    """The guide's "Steve the Painter" (2024-25): £45,000 of non-employment income.

    All of it is non-savings income taxed in the same bands as employment income, so the
    same £45,000 as employment income gives the guide's figures: PA 12,570, taxable 32,430,
    all at 20% = £6,486.00.
    """
    (case,) = EXAMPLES
    assert case["involves_employment_income"] is False
    assert case["pension_contributions_relief_at_source"] == case["gift_aid"] == "0.00"
    liability = income_tax_liability(
        case["tax_year"], case["region"], Decimal(case["total_income"])
    )
    assert liability.personal_allowance == Decimal(case["expected_personal_allowance"])
    assert liability.taxable_income == Decimal(case["expected_taxable_income"])
    income_by_band = {band.name: band.income for band in liability.bands}
    assert income_by_band.get("basic", Decimal(0)) == Decimal(case["expected_basic_rate_income"])
    assert income_by_band.get("higher", Decimal(0)) == Decimal(case["expected_higher_rate_income"])
    assert income_by_band.get("additional", Decimal(0)) == Decimal(
        case["expected_additional_rate_income"]
    )
    assert liability.income_tax == Decimal(case["expected_income_tax"])
