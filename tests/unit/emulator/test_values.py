"""Pure parts of the emulator: Decimal-safe JSON, identifiers, body shapes, figures."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from hmrc_sync import jsonio
from hmrc_sync.emulator.data import identifiers
from hmrc_sync.emulator.data.figures import EmployerFigures, annual_bodies
from hmrc_sync.emulator.data.shapes import ANNUAL_SUMMARY, problems
from hmrc_sync.jsonio import JsonValue


def test_json_keeps_every_digit_and_refuses_floats() -> None:
    text = '{"a":36.50,"b":22500.00,"c":325,"d":[true,null,"x"],"e":-0.01,"f":1E+2}'
    value = jsonio.loads(text)
    assert value == {
        "a": Decimal("36.50"),
        "b": Decimal("22500.00"),
        "c": 325,
        "d": [True, None, "x"],
        "e": Decimal("-0.01"),
        "f": Decimal("1E+2"),
    }
    assert jsonio.dumps(value) == text
    with pytest.raises(jsonio.JsonError):
        jsonio.dumps({"a": 0.1})
    with pytest.raises(jsonio.JsonError):
        jsonio.loads('{"a": NaN}')
    with pytest.raises(jsonio.JsonError):
        jsonio.loads("{")


def test_hmrc_example_identifiers_are_valid() -> None:
    # HMRC's published examples: Create Test User (1000057161, PE938808A, XJIT00000328268)
    # and the Individual * APIs' path parameter (2234567890).
    assert identifiers.is_sa_utr("1000057161")
    assert identifiers.is_sa_utr("2234567890")
    assert identifiers.is_sa_utr("K2234567890")
    assert not identifiers.is_sa_utr("1234567890")
    assert not identifiers.is_sa_utr("223456789")
    assert identifiers.is_nino("PE938808A")
    assert identifiers.is_nino("TC663795B")
    for bad in ("PE938808", "DA123456A", "GB123456A", "AO123456A", "AB123456E"):
        assert not identifiers.is_nino(bad)


def test_generated_identifiers_are_valid_and_reproducible() -> None:
    first, second = random.Random(5), random.Random(5)
    for _ in range(200):
        utr = identifiers.new_sa_utr(first)
        assert identifiers.is_sa_utr(utr)
        assert utr == identifiers.new_sa_utr(second)
        assert identifiers.is_nino(identifiers.new_nino(first))
        identifiers.new_nino(second)
        mtd = identifiers.new_mtd_it_id(first)
        assert mtd.startswith("X")
        assert mtd[2:4] == "IT"
        assert len(mtd) == 15
        identifiers.new_mtd_it_id(second)
        assert identifiers.is_employment_id(identifiers.new_employment_id(first))
        identifiers.new_employment_id(second)


def test_shape_problems_name_the_field() -> None:
    tax = ANNUAL_SUMMARY["individual-tax"]
    good: dict[str, JsonValue] = {
        "pensionsAnnuitiesAndOtherStateBenefits": {},
        "refunds": {"taxRefundedOrSetOff": Decimal("1.50")},
        "employments": [{"employerPayeReference": "1/A", "taxTakenOffPay": 0}],
    }
    assert problems(good, tax) == []
    bad: dict[str, JsonValue] = {
        **good,
        "employments": [{"employerPayeReference": "1/A", "taxTakenOffPay": True}],
    }
    assert problems(bad, tax) == ["employments[0].taxTakenOffPay must be a number"]
    assert problems([], tax) == ["the body must be an object"]


def test_figures_make_the_four_bodies() -> None:
    bodies = annual_bodies(
        [EmployerFigures("123/AB456", "Acme", Decimal("100.10"), Decimal("20.02"), False)]
    )
    for api, body in bodies.items():
        assert problems(body, ANNUAL_SUMMARY[api]) == [], api
    assert bodies["individual-income"]["employments"] == [
        {"employerPayeReference": "123/AB456", "payFromEmployment": Decimal("100.10")}
    ]
    with pytest.raises(TypeError):
        EmployerFigures("1/A", "X", 1.5, Decimal(0))  # type: ignore[arg-type]
