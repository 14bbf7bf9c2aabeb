"""Copy the annual income-tax test data from ../shared into the repository, compactly.

Reads ``../shared/testdata/annual-tax/*.json`` (or ``$HMRC_SYNC_SHARED_DIR/testdata/annual-tax``)
and writes ``tests/data/annual-tax/<same name>.json`` holding only the ids and the figures
the tests use (no ``basis``/``source`` prose; tests/data/README.md says where the data came
from). One case per line, so a change shows as a one-line diff.

    uv run --frozen python scripts/testdata/convert_annual_tax.py [--source DIR] [--dest DIR]

Run it again whenever the shared files change, and commit the output.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, Final

REPO_ROOT: Final = Path(__file__).resolve().parents[2]
DEFAULT_DEST: Final = REPO_ROOT / "tests" / "data" / "annual-tax"

# The fields kept from each file, in this order.
FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "annual-income-tax.json": (
        "id",
        "tax_year",
        "region",
        "employment_income",
        "relief_at_source_contributions",
        "gift_aid_payments",
        "expected_adjusted_net_income",
        "expected_personal_allowance",
        "expected_income_tax",
    ),
    "hmrc-tax-logic-bands-2024-25.json": (
        "id",
        "tax_year",
        "region",
        "band",
        "rate_percent",
        "upper_limit_taxable_income",
    ),
    "hmrc-tax-logic-examples.json": (
        "id",
        "tax_year",
        "region",
        "involves_employment_income",
        "employment_income",
        "total_income",
        "pension_contributions_relief_at_source",
        "gift_aid",
        "expected_personal_allowance",
        "expected_taxable_income",
        "expected_basic_rate_income",
        "expected_higher_rate_income",
        "expected_additional_rate_income",
        "expected_income_tax",
    ),
}


def default_source() -> Path:
    shared = Path(os.environ.get("HMRC_SYNC_SHARED_DIR", REPO_ROOT.parent / "shared"))
    return shared / "testdata" / "annual-tax"


Case = dict[str, Any]


def compact(cases: list[Case], fields: tuple[str, ...], name: str) -> list[Case]:
    """Each case cut down to ``fields``; a missing field or a repeated id is an error."""
    kept: list[Case] = []
    seen: set[str] = set()
    for number, case in enumerate(cases, start=1):
        missing = [field for field in fields if field not in case]
        if missing:
            raise SystemExit(f"{name}: case {number} has no {', '.join(missing)}")
        if case["id"] in seen:
            raise SystemExit(f"{name}: id {case['id']!r} appears twice")
        seen.add(case["id"])
        kept.append({field: case[field] for field in fields})
    return kept


def render(cases: list[Case]) -> str:
    lines = [json.dumps(case, ensure_ascii=False, separators=(", ", ": ")) for case in cases]
    return "[\n" + ",\n".join(lines) + "\n]\n"


def convert(source: Path, dest: Path) -> list[Path]:
    found = sorted(path.name for path in source.glob("*.json"))
    unknown = [name for name in found if name not in FIELDS]
    absent = [name for name in FIELDS if name not in found]
    if unknown or absent:
        raise SystemExit(
            f"{source}: expected exactly {', '.join(FIELDS)}; "
            f"unknown: {unknown or 'none'}, missing: {absent or 'none'}"
        )
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for name, fields in FIELDS.items():
        cases = json.loads((source / name).read_text(encoding="utf-8"))
        target = dest / name
        target.write_text(render(compact(cases, fields, name)), encoding="utf-8")
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=None, help="folder of the shared files")
    parser.add_argument("--dest", type=Path, default=DEFAULT_DEST, help="folder to write")
    args = parser.parse_args(argv)
    source = args.source if args.source is not None else default_source()
    if not source.is_dir():
        print(f"no such folder: {source}", file=sys.stderr)
        return 1
    for path in convert(source, args.dest):
        count = len(json.loads(path.read_text(encoding="utf-8")))
        shown = path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path
        print(f"wrote {shown} ({count} cases)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
