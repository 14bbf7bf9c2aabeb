"""Tax codes: parsing PAYE code text into a typed value.

Grammar (paye-domain.md section 2.3, HMRC's pattern in the Individuals Income API schema)::

    code     := [country] body [ws] [basis]
    country  := "S" (Scotland) | "C" (Wales) | ""  (England and Northern Ireland)
    body     := number suffix     number 1-999999, no leading zero; suffix L, M, N or T
              | "0T"              no allowance
              | "K" number        negative allowance ("additional pay")
              | "BR" | "D" digit  whole pay at one band's rate (SBR, SD0..SD3, CBR, CD0, CD1)
              | "NT"              no tax
    basis    := "W1" | "M1" | "X" | "W1/M1"    week 1 / month 1 (non-cumulative)

Letters are case-insensitive and surrounding spaces are ignored. Whether a fixed code such
as ``SD3`` or a Welsh ``C`` code exists depends on the tax year; the income-tax rates check
that (``IncomeTaxRates.bands_for`` / ``fixed_rate``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from hmrc_sync.paye.errors import TaxCodeError

MAX_CODE_NUMBER: Final = 999_999

ACCEPTED_FORMS: Final = (
    "an optional S (Scotland) or C (Wales) prefix, then 1257L-style codes (number + L, M, N "
    "or T), 0T, K codes (K + number), BR, D0-D3, or NT, optionally followed by W1, M1, X or "
    "W1/M1 for the week 1 / month 1 basis"
)

_CODE = re.compile(
    r"""
    ^(?P<country>[SC]?)
    (?:
        (?P<number>[1-9][0-9]{0,5})(?P<suffix>[LMNT])
      | (?P<zero_t>0T)
      | K(?P<k_number>[1-9][0-9]{0,5})
      | (?P<basic>BR)
      | D(?P<d_index>[0-9])
      | (?P<no_tax>NT)
    )
    \s*(?P<basis>W1/M1|W1|M1|X)?$
    """,
    re.VERBOSE,
)


class Region(StrEnum):
    """Which income-tax rates a code uses; the values match the test vectors' ``region``."""

    REST_OF_UK = "rUK"
    SCOTLAND = "scotland"
    WALES = "wales"


class CodeKind(StrEnum):
    ALLOWANCE = "allowance"  # number + L/M/N/T, and 0T (allowance 0)
    K = "K"  # additional pay instead of free pay
    FIXED = "fixed"  # BR, D0, D1, ... whole pay at one rate
    NO_TAX = "NT"


_REGION_PREFIX: Final = {"": Region.REST_OF_UK, "S": Region.SCOTLAND, "C": Region.WALES}
_PREFIX_OF: Final = {region: prefix for prefix, region in _REGION_PREFIX.items()}


@dataclass(frozen=True, slots=True)
class TaxCode:
    """A parsed tax code.

    ``number`` is the code number (allowance / 10, or the K number; 0 for 0T and unused for
    fixed codes). ``fixed_band`` is set for fixed codes: ``"BR"`` or ``"D0"``, ``"D1"``...
    ``week1_month1`` is true when the code text carried W1, M1, X or W1/M1.
    """

    region: Region
    kind: CodeKind
    number: int = 0
    suffix: str = ""
    fixed_band: str = ""
    week1_month1: bool = False

    @classmethod
    def parse(cls, text: str) -> TaxCode:
        if not isinstance(text, str):
            raise TaxCodeError(f"a tax code must be text, not {type(text).__name__}")
        normalised = " ".join(text.upper().split())
        match = _CODE.match(normalised)
        if match is None:
            raise TaxCodeError(f"{text!r} is not a tax code: use {ACCEPTED_FORMS}")
        region = _REGION_PREFIX[match["country"]]
        basis = match["basis"] is not None
        if match["number"] is not None:
            return cls(region, CodeKind.ALLOWANCE, int(match["number"]), match["suffix"], "", basis)
        if match["zero_t"] is not None:
            return cls(region, CodeKind.ALLOWANCE, 0, "T", "", basis)
        if match["k_number"] is not None:
            return cls(region, CodeKind.K, int(match["k_number"]), "", "", basis)
        if match["basic"] is not None:
            return cls(region, CodeKind.FIXED, 0, "", "BR", basis)
        if match["d_index"] is not None:
            return cls(region, CodeKind.FIXED, 0, "", f"D{match['d_index']}", basis)
        return cls(region, CodeKind.NO_TAX, 0, "", "", basis)

    @property
    def is_cumulative(self) -> bool:
        return not self.week1_month1

    @property
    def body(self) -> str:
        """The code without its basis marker, e.g. ``S1257L``, ``CK585``, ``SD2``."""
        if self.kind is CodeKind.ALLOWANCE:
            core = f"{self.number}{self.suffix}"
        elif self.kind is CodeKind.K:
            core = f"K{self.number}"
        elif self.kind is CodeKind.FIXED:
            core = self.fixed_band
        else:
            core = "NT"
        return _PREFIX_OF[self.region] + core

    def __str__(self) -> str:
        return f"{self.body} W1/M1" if self.week1_month1 else self.body


def parse_tax_code(text: str | TaxCode) -> TaxCode:
    """Parse tax-code text (a ``TaxCode`` is returned as it is)."""
    return text if isinstance(text, TaxCode) else TaxCode.parse(text)
