"""National Insurance category letters (paye-domain.md 3.1 "Category rate variants", 3.2)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from hmrc_sync.paye.errors import NiCategoryError


class EmployeeRate(StrEnum):
    """Which employee rate applies between the PT and the UEL."""

    MAIN = "main"  # the main rate (12%, 13.25%, 10%, 8%...)
    REDUCED = "reduced"  # married women's reduced rate
    DEFERRED = "deferred"  # deferment: the additional rate (2%) on all earnings above PT
    NONE = "none"  # over State Pension age: no employee NI


class EmployerRelief(StrEnum):
    """Where the employer pays 0% above the secondary threshold."""

    NONE = "none"
    UPPER = "upper"  # up to the UEL-level UST/AUST/VUST: under 21, apprentice, veteran
    FREEPORT = "freeport"  # up to the freeport upper secondary threshold
    INVESTMENT_ZONE = "investment_zone"  # up to the investment-zone upper secondary threshold


@dataclass(frozen=True, slots=True)
class NiCategory:
    letter: str
    meaning: str
    employee: EmployeeRate
    employer: EmployerRelief
    first_day: dt.date | None = None  # first payment date the letter may be used
    no_ni: bool = False  # category X


_2022: Final = dt.date(2022, 4, 6)
_2024: Final = dt.date(2024, 4, 6)

_ME, _RE, _DE, _NO = (
    EmployeeRate.MAIN,
    EmployeeRate.REDUCED,
    EmployeeRate.DEFERRED,
    EmployeeRate.NONE,
)
_ER = EmployerRelief

# fmt: off
CATEGORIES: Final = MappingProxyType({c.letter: c for c in (
    NiCategory("A", "standard", _ME, _ER.NONE),
    NiCategory("B", "married woman or widow with the reduced-rate election", _RE, _ER.NONE),
    NiCategory("C", "over State Pension age", _NO, _ER.NONE),
    NiCategory("H", "apprentice under 25", _ME, _ER.UPPER),
    NiCategory("J", "deferment", _DE, _ER.NONE),
    NiCategory("M", "under 21", _ME, _ER.UPPER),
    NiCategory("V", "veteran in the first 12 months of civilian work", _ME, _ER.UPPER, _2022),
    NiCategory("Z", "under 21 with deferment", _DE, _ER.UPPER),
    NiCategory("F", "freeport, standard", _ME, _ER.FREEPORT, _2022),
    NiCategory("I", "freeport, married woman's reduced rate", _RE, _ER.FREEPORT, _2022),
    NiCategory("L", "freeport, deferment", _DE, _ER.FREEPORT, _2022),
    NiCategory("S", "freeport, over State Pension age", _NO, _ER.FREEPORT, _2022),
    NiCategory("N", "investment zone, standard", _ME, _ER.INVESTMENT_ZONE, _2024),
    NiCategory("E", "investment zone, married woman's reduced rate", _RE, _ER.INVESTMENT_ZONE,
               _2024),
    NiCategory("D", "investment zone, deferment", _DE, _ER.INVESTMENT_ZONE, _2024),
    NiCategory("K", "investment zone, over State Pension age", _NO, _ER.INVESTMENT_ZONE, _2024),
    NiCategory("X", "no NI due (e.g. under 16)", _NO, _ER.NONE, no_ni=True),
)})
# fmt: on


def ni_category(letter: str, pay_date: dt.date) -> NiCategory:
    """The category for ``letter`` (case-insensitive), checked against the payment date."""
    key = letter.strip().upper() if isinstance(letter, str) else ""
    category = CATEGORIES.get(key)
    if category is None:
        accepted = ", ".join(CATEGORIES)
        raise NiCategoryError(f"unknown NI category {letter!r}: use one of {accepted}")
    if category.first_day is not None and pay_date < category.first_day:
        raise NiCategoryError(
            f"NI category {key} ({category.meaning}) is only used for payments from "
            f"{category.first_day.isoformat()}, not {pay_date.isoformat()}"
        )
    return category
