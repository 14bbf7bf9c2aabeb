"""Loading the repository's copies of the annual-tax test data (never ../shared)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

ANNUAL_TAX: Final = Path(__file__).resolve().parents[2] / "data" / "annual-tax"


def load(name: str) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads((ANNUAL_TAX / name).read_text(encoding="utf-8"))
    return cases
