"""docs/payslips.md documents every payslip and P60 column, each with an example."""

from __future__ import annotations

import re
from pathlib import Path

from hmrc_sync.payslips.rows import P60_COLUMNS, PAYSLIP_COLUMNS

DOC = Path(__file__).resolve().parents[3] / "docs" / "payslips.md"


def _documented(section: str) -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    body = text.split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in body.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and cells[0].startswith("`"):
            for name in re.findall(r"`([a-z0-9_]+)`", cells[0]):
                rows[name] = cells[-1]
    return rows


def test_every_payslip_column_has_a_row_with_an_example() -> None:
    rows = _documented("Payslip columns")
    assert set(PAYSLIP_COLUMNS) <= set(rows), set(PAYSLIP_COLUMNS) - set(rows)
    assert all(rows[name] for name in PAYSLIP_COLUMNS), "an example for every column"


def test_every_p60_column_has_a_row_with_an_example() -> None:
    rows = _documented("P60 columns")
    assert set(P60_COLUMNS) <= set(rows), set(P60_COLUMNS) - set(rows)
    assert all(rows[name] for name in P60_COLUMNS)
