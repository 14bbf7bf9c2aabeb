"""Read the rates tables of ``docs/paye-domain.md`` (sections 2.1 and 3.1) for tests.

The tests compare the engine's data and results with figures taken straight from the
research document, so a typo in either place shows up as a failure.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

_MONTHS = {
    name: number
    for number, name in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1
    )
}
DASH = "\u2013"  # the doc writes ranges and empty cells with an en dash


def _cells(line: str) -> list[str]:
    return [cell.replace("*", "").strip() for cell in line.strip().strip("|").split("|")]


def _money(text: str) -> Decimal:
    return Decimal(text.replace(",", "").strip())


def _upper(text: str) -> Decimal:
    """The upper limit of a range such as ``32,001-150,000`` (en dash in the doc)."""
    return _money(text.split(DASH)[1])


@dataclass(frozen=True)
class DocTaxYear:
    start_year: int
    personal_allowance: Decimal
    emergency_code: str
    ruk: tuple[tuple[Decimal, Decimal | None], ...]  # (percent, annual upper limit)
    scotland: tuple[tuple[Decimal, Decimal | None], ...]


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


def income_tax_years(doc: Path) -> dict[int, DocTaxYear]:
    ruk: dict[int, tuple[Decimal, str, tuple[tuple[Decimal, Decimal | None], ...]]] = {}
    scotland: dict[int, tuple[tuple[Decimal, Decimal | None], ...]] = {}
    for line in doc.read_text(encoding="utf-8").splitlines():
        if not re.match(r"^\| 20\d\d-\d\d \|", line):
            continue
        cells = _cells(line)
        start = int(cells[0][:4])
        if re.fullmatch(r"\d+L", cells[2]):
            allowance = _money(cells[1].split("/")[0])
            bands = ((Decimal(20), _upper(cells[3])), (Decimal(40), _upper(cells[4])))
            ruk[start] = (allowance, cells[2], (*bands, (Decimal(45), None)))
        elif "%:" in cells[4]:
            rows: list[tuple[Decimal, Decimal | None]] = []
            if cells[1] != DASH:
                rows.append((Decimal(19), _upper(cells[1])))
            rows.append((Decimal(20), _upper(cells[2])))
            if cells[3] != DASH:
                rows.append((Decimal(21), _upper(cells[3])))
            rate, span = cells[4].split("%:")
            rows.append((Decimal(rate), _upper(span)))
            if cells[5] != DASH:
                rows.append((Decimal(45), _upper(cells[5])))
            rows.append((Decimal(cells[6].rstrip("%")), None))
            scotland[start] = tuple(rows)
    return {
        year: DocTaxYear(year, allowance, code, bands, scotland[year])
        for year, (allowance, code, bands) in ruk.items()
    }


def _date(text: str, default_year: int) -> dt.date:
    parts = text.split()
    year = int(parts[2]) if len(parts) > 2 else default_year
    return dt.date(year, _MONTHS[parts[1]], int(parts[0]))


def _threshold(text: str) -> tuple[Decimal, Decimal, Decimal]:
    week, month, year = (_money(part) for part in text.split("/"))
    return week, month, year


def ni_regimes(doc: Path) -> list[DocNiRegime]:
    regimes: list[DocNiRegime] = []
    for line in doc.read_text(encoding="utf-8").splitlines():
        if not re.match(r"^\| 20\d\d-\d\d", line):
            continue
        cells = _cells(line)
        if len(cells) < 7 or "% /" not in cells[5]:
            continue
        start = int(cells[0][:4])
        if match := re.search(r"paid (\d+ \w+(?: \d{4})?)" + DASH + r"(\d+ \w+ \d{4})", cells[0]):
            last = _date(match.group(2), 0)
            first = _date(match.group(1), last.year)
        else:
            first, last = dt.date(start, 4, 6), dt.date(start + 1, 4, 5)
        previous = regimes[-1] if regimes else None
        values: list[tuple[Decimal, Decimal, Decimal]] = []
        for index, cell in enumerate(cells[1:5]):
            if cell == "same":
                assert previous is not None
                values.append((previous.lel, previous.pt, previous.st, previous.uel)[index])
            else:
                values.append(_threshold(cell))
        main, additional = (Decimal(part.strip().rstrip("%")) for part in cells[5].split("/"))
        employer = Decimal(cells[6].rstrip("%"))
        lel, pt, st, uel = values
        regimes.append(DocNiRegime(first, last, lel, pt, st, uel, main, additional, employer))
    return regimes
