from __future__ import annotations

import json
from decimal import Decimal

import pytest

from hmrc_sync.jsonio import dumps, loads


def test_fractions_are_decimals_and_integers_stay_integers() -> None:
    document = loads('{"a": 22500.00, "b": 3000, "c": [0.1, 1e2], "d": null, "e": true}')
    assert document == {
        "a": Decimal("22500.00"),
        "b": 3000,
        "c": [Decimal("0.1"), Decimal("1E+2")],
        "d": None,
        "e": True,
    }
    assert type(document["b"]) is int
    assert str(document["a"]) == "22500.00"


def test_round_trip_keeps_every_digit() -> None:
    text = '{"pay":99999999999.99,"tax":-0.10,"name":"Caf\\u00e9 \\"Ltd\\"","list":[1,2.50,{}]}'
    written = dumps(loads(text))
    assert loads(written) == loads(text)
    assert "99999999999.99" in written
    assert "-0.10" in written
    assert "2.50" in written
    # and it is ordinary JSON for any other reader
    assert json.loads(written)["name"] == 'Café "Ltd"'


def test_tuples_write_as_arrays() -> None:
    assert dumps({"x": (Decimal("1.10"), "a")}) == '{"x":[1.10,"a"]}'


@pytest.mark.parametrize("bad", [Decimal("NaN"), Decimal("Infinity")])
def test_non_finite_decimals_are_refused(bad: Decimal) -> None:
    with pytest.raises(ValueError, match="not a JSON number"):
        dumps({"x": bad})


def test_non_string_keys_are_refused() -> None:
    with pytest.raises(TypeError, match="keys must be strings"):
        dumps({1: "x"})
