"""Copy the payroll test vectors from ``../shared`` into the repository, figures only.

Reads ``../shared/testdata/student-loans/*.json`` and ``../shared/testdata/directors-ni/*.json``
(the developers' set described in ``../shared/testdata/README-payroll.md``, sections 1 and 2)
and writes compact copies, keeping only the fields the unit tests use, to
``tests/data/student-loans/`` and ``tests/data/directors-ni/`` under the same file names.
The tests read those copies, never ``../shared``.

Usage (from the repository root)::

    uv run --frozen python scripts/testdata/convert_payroll_vectors.py [--shared DIR]

``--shared`` defaults to ``$HMRC_SYNC_SHARED_DIR`` or the ``shared`` folder beside the
checkout. The output is deterministic: running it twice gives the same files. Sources and
licences of the figures are in ``tests/data/README.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
OUTPUT = REPO_ROOT / "tests" / "data"

STUDENT_LOAN_FIELDS = (
    "id",
    "tax_year",
    "plan",
    "frequency",
    "period_earnings",
    "expected_period_threshold",
    "expected_deduction",
)
DIRECTORS_NI_FIELDS = (
    "id",
    "tax_year",
    "method",
    "category",
    "frequency",
    "period",
    "pay_date",
    "weeks_in_earnings_period",
    "gross_pay",
    "gross_pay_to_date",
    "employee_ni_to_date_before",
    "employer_ni_to_date_before",
    "expected_employee",
    "expected_employer",
    "expected_employee_to_date",
    "expected_employer_to_date",
    "known_issue",
)
# Fields that hold money as a string with two decimals (null allowed where marked).
MONEY = {
    "period_earnings": False,
    "expected_period_threshold": True,
    "expected_deduction": False,
    "gross_pay": False,
    "gross_pay_to_date": False,
    "employee_ni_to_date_before": False,
    "employer_ni_to_date_before": False,
    "expected_employee": False,
    "expected_employer": False,
    "expected_employee_to_date": False,
    "expected_employer_to_date": False,
}
KINDS = {"student-loans": STUDENT_LOAN_FIELDS, "directors-ni": DIRECTORS_NI_FIELDS}


class VectorError(ValueError):
    """A source file does not have the shape the README describes."""


def default_shared() -> Path:
    return Path(os.environ.get("HMRC_SYNC_SHARED_DIR", REPO_ROOT.parent / "shared"))


def compact(case: dict[str, Any], fields: Sequence[str], where: str) -> dict[str, Any]:
    """The case with only ``fields``, in that order; money checked to be 2-dp strings."""
    missing = [name for name in fields if name not in case]
    if missing:
        raise VectorError(f"{where}: missing field(s) {', '.join(missing)}")
    kept = {name: case[name] for name in fields}
    for name, nullable in MONEY.items():
        if name not in kept:
            continue
        value = kept[name]
        if value is None and nullable:
            continue
        try:
            amount = Decimal(value)
        except (InvalidOperation, TypeError) as exc:
            raise VectorError(f"{where}: {name} is not an amount: {value!r}") from exc
        if not isinstance(value, str) or amount.as_tuple().exponent != -2:
            raise VectorError(f"{where}: {name} must be a string with two decimals: {value!r}")
    return kept


def render(cases: list[dict[str, Any]]) -> str:
    """A JSON array with one case per line (small, and readable in a diff)."""
    lines = [json.dumps(case, ensure_ascii=False) for case in cases]
    return "[\n" + ",\n".join(lines) + "\n]\n"


def convert(shared: Path, output: Path) -> dict[str, int]:
    """Write every converted file; return the number of cases per output file."""
    written: dict[str, int] = {}
    for kind, fields in KINDS.items():
        sources = sorted((shared / "testdata" / kind).glob("*.json"))
        if not sources:
            raise VectorError(f"no {kind} vectors under {shared / 'testdata' / kind}")
        target = output / kind
        target.mkdir(parents=True, exist_ok=True)
        for source in sources:
            cases = json.loads(source.read_text(encoding="utf-8"))
            if not isinstance(cases, list) or not cases:
                raise VectorError(f"{source}: expected a non-empty JSON array")
            kept = [
                compact(case, fields, f"{source.name} case {index}")
                for index, case in enumerate(cases, 1)
            ]
            ids = [case["id"] for case in kept]
            if len(set(ids)) != len(ids):
                raise VectorError(f"{source}: case ids are not unique")
            (target / source.name).write_text(render(kept), encoding="utf-8")
            written[f"{kind}/{source.name}"] = len(kept)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--shared", type=Path, default=None, help="the shared folder")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="default: tests/data")
    args = parser.parse_args(argv)
    shared = args.shared if args.shared is not None else default_shared()
    try:
        written = convert(shared, args.output)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for name, count in written.items():
        print(f"{name}: {count} cases")
    print(f"total: {sum(written.values())} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
