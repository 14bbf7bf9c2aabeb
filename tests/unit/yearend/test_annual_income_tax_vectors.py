"""Every case in tests/data/annual-tax/annual-income-tax.json, to the penny.

The expected figures were computed from HMRC's published rates and the Tax Logic rules and
cross-checked against PolicyEngine UK (tests/data/README.md, "Annual income tax").
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from hmrc_sync.yearend import income_tax_liability
from tests.unit.yearend.data import load

CASES = load("annual-income-tax.json")


def test_the_copy_holds_every_case() -> None:
    assert len(CASES) == 330
    assert {case["tax_year"] for case in CASES} == {"2023-24", "2025-26", "2026-27"}
    assert {case["region"] for case in CASES} == {"rUK", "scotland", "wales"}


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_case(case: dict[str, Any]) -> None:
    liability = income_tax_liability(
        case["tax_year"],
        case["region"],
        Decimal(case["employment_income"]),
        relief_at_source_contributions=Decimal(case["relief_at_source_contributions"]),
        gift_aid_payments=Decimal(case["gift_aid_payments"]),
    )
    assert liability.adjusted_net_income == Decimal(case["expected_adjusted_net_income"])
    assert liability.personal_allowance == Decimal(case["expected_personal_allowance"])
    assert liability.income_tax == Decimal(case["expected_income_tax"])
    # Every result is in pounds and pence.
    assert liability.income_tax.as_tuple().exponent == -2
