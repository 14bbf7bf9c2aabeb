"""Tax-code grammar: every accepted form, normalisation, and rejected forms."""

from __future__ import annotations

import pytest

from hmrc_sync.paye import CodeKind, Region, TaxCode, TaxCodeError, parse_tax_code

R, S, W = Region.REST_OF_UK, Region.SCOTLAND, Region.WALES
A, K, F, NT = CodeKind.ALLOWANCE, CodeKind.K, CodeKind.FIXED, CodeKind.NO_TAX


@pytest.mark.parametrize(
    ("text", "region", "kind", "number", "suffix", "fixed", "week1"),
    [
        ("1257L", R, A, 1257, "L", "", False),
        ("1383M", R, A, 1383, "M", "", False),
        ("1131N", R, A, 1131, "N", "", False),
        ("500T", R, A, 500, "T", "", False),
        ("0T", R, A, 0, "T", "", False),
        ("K585", R, K, 585, "", "", False),
        ("BR", R, F, 0, "", "BR", False),
        ("D0", R, F, 0, "", "D0", False),
        ("D1", R, F, 0, "", "D1", False),
        ("NT", R, NT, 0, "", "", False),
        ("S1257L", S, A, 1257, "L", "", False),
        ("S0T", S, A, 0, "T", "", False),
        ("SK630", S, K, 630, "", "", False),
        ("SBR", S, F, 0, "", "BR", False),
        ("SD0", S, F, 0, "", "D0", False),
        ("SD1", S, F, 0, "", "D1", False),
        ("SD2", S, F, 0, "", "D2", False),
        ("SD3", S, F, 0, "", "D3", False),
        ("C1257L", W, A, 1257, "L", "", False),
        ("CK45", W, K, 45, "", "", False),
        ("CBR", W, F, 0, "", "BR", False),
        ("CD0", W, F, 0, "", "D0", False),
        ("CD1", W, F, 0, "", "D1", False),
        ("1257L W1", R, A, 1257, "L", "", True),
        ("1257L M1", R, A, 1257, "L", "", True),
        ("1257L X", R, A, 1257, "L", "", True),
        ("1257LX", R, A, 1257, "L", "", True),
        ("1257L W1/M1", R, A, 1257, "L", "", True),
        ("S1257LM1", S, A, 1257, "L", "", True),
        ("K585 W1", R, K, 585, "", "", True),
        ("BR M1", R, F, 0, "", "BR", True),
        ("0T X", R, A, 0, "T", "", True),
        ("999999L", R, A, 999_999, "L", "", False),
        ("  s1257l  m1 ", S, A, 1257, "L", "", True),
        ("c1257l", W, A, 1257, "L", "", False),
    ],
)
def test_accepted_forms(
    text: str,
    region: Region,
    kind: CodeKind,
    number: int,
    suffix: str,
    fixed: str,
    week1: bool,
) -> None:
    code = parse_tax_code(text)
    assert (code.region, code.kind, code.number, code.suffix, code.fixed_band) == (
        region,
        kind,
        number,
        suffix,
        fixed,
    )
    assert code.week1_month1 is week1
    assert code.is_cumulative is not week1


@pytest.mark.parametrize(
    ("text", "rendered"),
    [
        ("s1257l m1", "S1257L W1/M1"),
        ("K585", "K585"),
        ("CBR", "CBR"),
        ("0T", "0T"),
        ("SD2 X", "SD2 W1/M1"),
        ("NT", "NT"),
    ],
)
def test_renders_a_canonical_form_that_parses_back(text: str, rendered: str) -> None:
    code = parse_tax_code(text)
    assert str(code) == rendered
    assert parse_tax_code(str(code)) == code


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "1257",  # no suffix
        "L",
        "01257L",  # leading zero
        "0L",  # only 0T may start with 0
        "1257P",  # historic suffixes ended before 2016-17
        "1257V",
        "1257Y",
        "1257K",
        "K0",
        "K",
        "K01",
        "KBR",
        "1000000L",  # more than six digits
        "K1000000",
        "D",
        "DX0",
        "XBR",  # unknown country prefix
        "N1257L",
        "SS1257L",
        "1257L W2",
        "1257L M2",
        "1257L W1 M1",
        "1257L/W1",
        "W1",
        "BR1",
        "1257 L",
        "12 57L",
    ],
)
def test_rejected_forms_say_what_is_accepted(text: str) -> None:
    with pytest.raises(TaxCodeError, match="is not a tax code: use an optional S") as raised:
        TaxCode.parse(text)
    assert isinstance(raised.value, ValueError)


def test_non_text_is_refused() -> None:
    with pytest.raises(TaxCodeError, match="must be text"):
        TaxCode.parse(1257)  # type: ignore[arg-type]


def test_parse_returns_an_existing_tax_code_unchanged() -> None:
    code = TaxCode.parse("K585")
    assert parse_tax_code(code) is code
