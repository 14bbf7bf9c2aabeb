"""Copy HMRC's published data that the tests read from ``../shared`` into ``tests/data``.

Four sets, data only (sources and licences in ``tests/data/README.md``):

* ``hmrc-fixtures/``: HMRC's example response bodies, sandbox scenarios and JSON schemas
  (JSON files, byte for byte) and the API definitions the tests read (OAS YAML files, with
  their prose removed: every string-valued ``description`` and ``summary`` is dropped; the
  paths, responses, examples, error codes and schemas the tests check are kept).
* ``hmrc-vectors/``: HMRC's PAYE income-tax and NI test vectors, without the ``source``
  note, one case per line.
* ``paye-rates/rates.json``: the figures of ``docs/paye-domain.md`` sections 2.1 and 3.1
  (income-tax bands, personal allowances, emergency codes, NI thresholds and rates),
  parsed from its tables.
* ``dashboard/panel-10.sql``: the dashboard's Panel 10 query as ``docs/user-infra.md``
  (section 1.2) quotes it.

Usage (from the repository root)::

    uv run --frozen python scripts/testdata/convert_published.py [--shared DIR]

``--shared`` defaults to ``$HMRC_SYNC_SHARED_DIR`` or the ``shared`` folder beside the
checkout. The output is deterministic; re-run it and commit the result when ``../shared``
changes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import sys
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
OUTPUT = REPO_ROOT / "tests" / "data"

IEI = "individuals-employments-income-api/resources/public/api/conf/2.0"
# Files (or globs) under ../shared/hmrc-fixtures that the tests read.
FIXTURES = (
    "api-documentation-frontend/public/common/schemas/tax-year.json",
    "api-platform-test-user/resources/public/api/conf/1.0/examples/create-individual-*.json",
    "api-platform-test-user/resources/public/api/conf/1.0/schemas/*.json",
    "individual-benefits/resolved.1.1.yaml",
    "individual-benefits/resources/public/api/conf/1.1/application.yaml",
    "individual-employment/resolved.1.2.yaml",
    "individual-employment/resources/public/api/conf/1.2/application.yaml",
    "individual-income/resolved.1.2.yaml",
    "individual-income/resources/public/api/conf/1.2/application.yaml",
    "individual-tax/resources/public/api/conf/1.1/application.yaml",
    f"{IEI}/common/errors.yaml",
    f"{IEI}/common/headers.yaml",
    f"{IEI}/employments_financial_details_retrieve.yaml",
    f"{IEI}/employments_list.yaml",
    f"{IEI}/employments_retrieve.yaml",
    f"{IEI}/examples/employments/*.json",
    f"{IEI}/examples/employments/financialDetails/*.json",
    f"{IEI}/schemas/*.json",
    f"{IEI}/schemas/employments_financial_retrieve_response/*/*.json",
    "national-insurance-des-stub/resources/public/api/conf/1.0/application.yaml",
    "national-insurance-des-stub/resources/public/scenarios/*.json",
    "national-insurance/resolved.1.1.yaml",
    "national-insurance/resources/public/api/conf/1.1/application.yaml",
    "paye-des-stub/resources/public/api/conf/*/application.yaml",
    "paye-des-stub/resources/public/scenarios/*/*.json",
    "txm-fph-validator-api/resolved.1.0.yaml",
)
PROSE_KEYS = frozenset({"description", "summary"})


class _TextLoader(yaml.SafeLoader):
    """Safe loading that keeps timestamps as the text HMRC wrote (they are re-quoted)."""


_TextLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
VECTOR_DROP = frozenset({"source"})

_MONTHS = {
    name: number
    for number, name in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1
    )
}
DASH = "\u2013"  # paye-domain.md writes ranges and empty cells with an en dash


class ConversionError(ValueError):
    """A source file is missing or does not have the expected shape."""


def default_shared() -> Path:
    return Path(os.environ.get("HMRC_SYNC_SHARED_DIR", REPO_ROOT.parent / "shared"))


# --- hmrc-fixtures -----------------------------------------------------------------------


def without_prose(node: Any) -> Any:
    """``node`` with every string-valued ``description``/``summary`` key removed."""
    if isinstance(node, dict):
        return {
            key: without_prose(value)
            for key, value in node.items()
            if not (key in PROSE_KEYS and isinstance(value, str))
        }
    if isinstance(node, list):
        return [without_prose(item) for item in node]
    return node


def copy_fixtures(shared: Path, output: Path) -> int:
    root = shared / "hmrc-fixtures"
    count = 0
    for pattern in FIXTURES:
        sources = sorted(root.glob(pattern))
        if not sources:
            raise ConversionError(f"nothing matches hmrc-fixtures/{pattern} under {root}")
        for source in sources:
            target = output / "hmrc-fixtures" / source.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            if source.suffix == ".yaml":
                text = source.read_text(encoding="utf-8")
                document = without_prose(yaml.load(text, Loader=_TextLoader))  # noqa: S506
                text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
                target.write_text(text, encoding="utf-8")
            else:
                shutil.copyfile(source, target)
            count += 1
    return count


# --- hmrc-vectors ------------------------------------------------------------------------


def copy_vectors(shared: Path, output: Path) -> int:
    sources = sorted((shared / "testdata" / "hmrc-vectors").glob("*.json"))
    if not sources:
        raise ConversionError(f"no vectors under {shared / 'testdata' / 'hmrc-vectors'}")
    target = output / "hmrc-vectors"
    target.mkdir(parents=True, exist_ok=True)
    count = 0
    for source in sources:
        cases = json.loads(source.read_text(encoding="utf-8"))
        kept = [{k: v for k, v in case.items() if k not in VECTOR_DROP} for case in cases]
        lines = [json.dumps(case, ensure_ascii=False) for case in kept]
        (target / source.name).write_text("[\n" + ",\n".join(lines) + "\n]\n", "utf-8")
        count += len(kept)
    return count


# --- paye-domain.md rate tables ----------------------------------------------------------


def _cells(line: str) -> list[str]:
    return [cell.replace("*", "").strip() for cell in line.strip().strip("|").split("|")]


def _money(text: str) -> str:
    return str(Decimal(text.replace(",", "").strip()))


def _upper(text: str) -> str:
    """The upper limit of a range such as ``32,001-150,000`` (en dash in the doc)."""
    return _money(text.split(DASH)[1])


def _scottish_bands(cells: list[str]) -> list[list[str | None]]:
    rows: list[list[str | None]] = []
    if cells[1] != DASH:
        rows.append(["19", _upper(cells[1])])
    rows.append(["20", _upper(cells[2])])
    if cells[3] != DASH:
        rows.append(["21", _upper(cells[3])])
    rate, span = cells[4].split("%:")
    rows.append([rate.strip(), _upper(span)])
    if cells[5] != DASH:
        rows.append(["45", _upper(cells[5])])
    rows.append([cells[6].rstrip("%"), None])
    return rows


def income_tax_years(document: str) -> list[dict[str, Any]]:
    ruk: dict[int, dict[str, Any]] = {}
    scotland: dict[int, list[list[str | None]]] = {}
    for line in document.splitlines():
        if not re.match(r"^\| 20\d\d-\d\d \|", line):
            continue
        cells = _cells(line)
        start = int(cells[0][:4])
        if re.fullmatch(r"\d+L", cells[2]):
            bands = [["20", _upper(cells[3])], ["40", _upper(cells[4])], ["45", None]]
            ruk[start] = {
                "start_year": start,
                "personal_allowance": _money(cells[1].split("/")[0]),
                "emergency_code": cells[2],
                "ruk": bands,
            }
        elif "%:" in cells[4]:
            scotland[start] = _scottish_bands(cells)
    return [{**ruk[year], "scotland": scotland[year]} for year in sorted(ruk)]


def _date(text: str, default_year: int) -> dt.date:
    parts = text.split()
    year = int(parts[2]) if len(parts) > 2 else default_year
    return dt.date(year, _MONTHS[parts[1]], int(parts[0]))


def _regime_span(first_cell: str) -> tuple[dt.date, dt.date]:
    start = int(first_cell[:4])
    if match := re.search(r"paid (\d+ \w+(?: \d{4})?)" + DASH + r"(\d+ \w+ \d{4})", first_cell):
        last = _date(match.group(2), 0)
        return _date(match.group(1), last.year), last
    return dt.date(start, 4, 6), dt.date(start + 1, 4, 5)


def ni_regimes(document: str) -> list[dict[str, Any]]:
    regimes: list[dict[str, Any]] = []
    for line in document.splitlines():
        if not re.match(r"^\| 20\d\d-\d\d", line):
            continue
        cells = _cells(line)
        if len(cells) < 7 or "% /" not in cells[5]:
            continue
        first, last = _regime_span(cells[0])
        row: dict[str, Any] = {"first_day": first.isoformat(), "last_day": last.isoformat()}
        for name, cell in zip(("lel", "pt", "st", "uel"), cells[1:5], strict=True):
            if cell == "same":
                if not regimes:
                    raise ConversionError(f"'same' in the first NI row: {line!r}")
                row[name] = regimes[-1][name]
            else:
                row[name] = [_money(part) for part in cell.split("/")]
        main, additional = (part.strip().rstrip("%") for part in cells[5].split("/"))
        row.update(main=main, additional=additional, employer=cells[6].rstrip("%"))
        regimes.append(row)
    return regimes


def convert_rates(shared: Path, output: Path) -> int:
    document = (shared / "docs" / "paye-domain.md").read_text(encoding="utf-8")
    years, regimes = income_tax_years(document), ni_regimes(document)
    if not years or not regimes:
        raise ConversionError("no rate tables found in docs/paye-domain.md")
    target = output / "paye-rates"
    target.mkdir(parents=True, exist_ok=True)
    body = {"income_tax_years": years, "ni_regimes": regimes}
    (target / "rates.json").write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
    return len(years) + len(regimes)


# --- dashboard panel SQL -----------------------------------------------------------------


def convert_panel(shared: Path, output: Path) -> int:
    document = (shared / "docs" / "user-infra.md").read_text(encoding="utf-8")
    heading = "### 1.2 Panel 10"
    if heading not in document:
        raise ConversionError(f"no {heading!r} in docs/user-infra.md")
    start = document.index(heading)
    match = re.search(r"```sql\n(.*?)\n```", document[start:], re.DOTALL)
    if match is None:
        raise ConversionError(f"no SQL block after {heading!r}")
    target = output / "dashboard"
    target.mkdir(parents=True, exist_ok=True)
    (target / "panel-10.sql").write_text(match.group(1) + "\n", encoding="utf-8")
    return 1


def convert(shared: Path, output: Path) -> dict[str, int]:
    return {
        "hmrc-fixtures files": copy_fixtures(shared, output),
        "hmrc-vectors cases": copy_vectors(shared, output),
        "paye-rates rows": convert_rates(shared, output),
        "dashboard queries": convert_panel(shared, output),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--shared", type=Path, default=None, help="the shared folder")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="default: tests/data")
    args = parser.parse_args(argv)
    shared = args.shared if args.shared is not None else default_shared()
    try:
        written = convert(shared, args.output)
    except (OSError, ValueError, KeyError, IndexError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for name, count in written.items():
        print(f"{name}: {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
