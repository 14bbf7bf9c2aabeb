"""The rates tables of ``docs/paye-domain.md`` (sections 2.1 and 3.1), for tests.

``scripts/testdata/convert_published.py`` parses the research document's tables into
``tests/data/paye-rates/rates.json``; this module reads that copy. The tests compare the
engine's data and results with those figures, so a typo in either place shows up as a
failure.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

Bands = tuple[tuple[Decimal, Decimal | None], ...]  # (percent, annual upper limit)


@dataclass(frozen=True)
class DocTaxYear:
    start_year: int
    personal_allowance: Decimal
    emergency_code: str
    ruk: Bands
    scotland: Bands


@dataclass(frozen=True)
class DocNiRegime:
    first_day: dt.date
    last_day: dt.date
    lel: tuple[Decimal, Decimal, Decimal]  # week, month, year
    pt: tuple[Decimal, Decimal, Decimal]
    st: tuple[Decimal, Decimal, Decimal]
    uel: tuple[Decimal, Decimal, Decimal]
    main: Decimal
    additional: Decimal
    employer: Decimal


def _load(rates: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(rates.read_text(encoding="utf-8"))
    return loaded


def _bands(rows: list[list[str | None]]) -> Bands:
    return tuple(
        (Decimal(str(rate)), None if upper is None else Decimal(upper)) for rate, upper in rows
    )


def _threshold(values: list[str]) -> tuple[Decimal, Decimal, Decimal]:
    week, month, year = (Decimal(value) for value in values)
    return week, month, year


def income_tax_years(rates: Path) -> dict[int, DocTaxYear]:
    return {
        row["start_year"]: DocTaxYear(
            row["start_year"],
            Decimal(row["personal_allowance"]),
            row["emergency_code"],
            _bands(row["ruk"]),
            _bands(row["scotland"]),
        )
        for row in _load(rates)["income_tax_years"]
    }


def ni_regimes(rates: Path) -> list[DocNiRegime]:
    return [
        DocNiRegime(
            dt.date.fromisoformat(row["first_day"]),
            dt.date.fromisoformat(row["last_day"]),
            _threshold(row["lel"]),
            _threshold(row["pt"]),
            _threshold(row["st"]),
            _threshold(row["uel"]),
            Decimal(row["main"]),
            Decimal(row["additional"]),
            Decimal(row["employer"]),
        )
        for row in _load(rates)["ni_regimes"]
    ]
