"""Bad input raises a clear YearEndInputError (a ValueError)."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from hmrc_sync.yearend import (
    InvalidAmountError,
    UnknownOptionError,
    UnknownRegionError,
    UnsupportedTaxYearError,
    YearEndInputError,
    income_tax_liability,
    student_loan_due_for_year,
)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("employment_income", D(-1)),
        ("relief_at_source_contributions", D("-0.01")),
        ("gift_aid_payments", D(-100)),
    ],
)
def test_negative_amounts(field: str, value: D) -> None:
    arguments: dict[str, Any] = {"employment_income": D(30_000)} | {field: value}
    income = arguments.pop("employment_income")
    with pytest.raises(InvalidAmountError, match=f"{field} must not be negative"):
        income_tax_liability("2024-25", "rUK", income, **arguments)


@pytest.mark.parametrize("value", [30000.0, "30000", True, None, D("NaN"), D("Infinity")])
def test_amounts_must_be_finite_decimals(value: Any) -> None:
    with pytest.raises(InvalidAmountError, match="employment_income"):
        income_tax_liability("2024-25", "rUK", value)


def test_whole_number_amounts_may_be_ints() -> None:
    assert income_tax_liability("2024-25", "rUK", 30_000).income_tax == D("3486.00")


@pytest.mark.parametrize("region", ["england", "UK", "", "ni", 3])
def test_unknown_region(region: Any) -> None:
    with pytest.raises(UnknownRegionError, match="'rUK', 'scotland', 'wales'"):
        income_tax_liability("2024-25", region, D(30_000))


def test_region_text_is_case_insensitive() -> None:
    assert income_tax_liability("2024-25", " Scotland ", D(0)).region.value == "scotland"
    assert income_tax_liability("2024-25", "ruk", D(0)).region.value == "rUK"


@pytest.mark.parametrize("year", ["2015-16", "2027-28", "1999"])
def test_unsupported_year(year: str) -> None:
    with pytest.raises(UnsupportedTaxYearError, match="2016-17 to 2026-27"):
        income_tax_liability(year, "rUK", D(30_000))


@pytest.mark.parametrize("year", ["2024-26", "twenty", 2024])
def test_unreadable_year(year: Any) -> None:
    with pytest.raises(UnsupportedTaxYearError):
        income_tax_liability(year, "rUK", D(30_000))


def test_unknown_marriage_allowance_role() -> None:
    with pytest.raises(UnknownOptionError, match="'transferor', 'recipient'"):
        income_tax_liability("2024-25", "rUK", D(30_000), marriage_allowance="both")


def test_blind_persons_allowance_must_be_a_bool() -> None:
    with pytest.raises(YearEndInputError, match="True or False"):
        income_tax_liability("2024-25", "rUK", D(30_000), blind_persons_allowance="yes")  # type: ignore[arg-type]


def test_student_loan_income_must_not_be_negative() -> None:
    with pytest.raises(InvalidAmountError, match="annual_income"):
        student_loan_due_for_year("2024-25", "plan2", D(-5))


def test_every_error_is_a_value_error() -> None:
    for error in (InvalidAmountError, UnknownOptionError, UnknownRegionError):
        assert issubclass(error, YearEndInputError)
    assert issubclass(UnsupportedTaxYearError, ValueError)
