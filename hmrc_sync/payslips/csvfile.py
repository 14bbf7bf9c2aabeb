"""Reading payslip and P60 CSV files (a header row with payslip-ingest's column names).

Every problem is reported with the file's line number: an unknown or missing column on line 1,
then each bad value on its own line. Blank lines are skipped; a UTF-8 byte-order mark (as
spreadsheet programs write) is accepted. Column names match whatever their case and spacing
(``Pay Date`` and ``pay-date`` are ``pay_date``), and the separator is detected from the
header row: a comma, a semicolon or a tab.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from hmrc_sync.payslips.model import P60, Payslip, PayslipFileError, RowProblem
from hmrc_sync.payslips.rows import (
    P60_COLUMNS,
    P60_IGNORED,
    P60_REQUIRED,
    PAYSLIP_COLUMNS,
    PAYSLIP_IGNORED,
    PAYSLIP_REQUIRED,
    Problems,
    p60_from_row,
    payslip_from_row,
)

T = TypeVar("T")


@dataclass(frozen=True)
class CsvRows(Generic[T]):
    """What one file held: the good rows with their line numbers, and every problem."""

    path: Path
    rows: tuple[tuple[int, T], ...]
    problems: tuple[RowProblem, ...]

    @property
    def items(self) -> list[T]:
        return [item for _, item in self.rows]

    def raise_for_problems(self) -> None:
        if self.problems:
            raise PayslipFileError(problem_summary(self.path, self.problems), self.problems)


def plural(count: int, word: str, words: str | None = None) -> str:
    """``1 problem``, ``2 problems``."""
    return f"{count} {word if count == 1 else (words or word + 's')}"


SEPARATORS = (",", ";", "\t")


def detect_separator(header_line: str) -> str:
    """The separator the header row uses most (a comma when it uses none)."""
    counts = {separator: header_line.count(separator) for separator in SEPARATORS}
    best = max(SEPARATORS, key=lambda separator: counts[separator])
    return best if counts[best] else ","


def canonical_column(name: str, known: tuple[str, ...]) -> str:
    """``name`` as the known column it means, matched without regard to case, spaces, hyphens
    or underscores (``Pay Date`` -> ``pay_date``); unchanged (stripped) when none matches."""
    wanted = _column_key(name)
    return next((column for column in known if _column_key(column) == wanted), name.strip())


def _column_key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "_", name.strip().lower()).strip("_")


def problem_summary(path: Path, problems: tuple[RowProblem, ...]) -> str:
    lines = [f"{path}: {plural(len(problems), 'problem')}; nothing was read from it"]
    lines += [f"  {problem}" for problem in problems]
    return "\n".join(lines)


def read_payslips_csv(path: Path) -> CsvRows[Payslip]:
    return _read(path, PAYSLIP_COLUMNS, PAYSLIP_REQUIRED, PAYSLIP_IGNORED, payslip_from_row)


def read_p60_csv(path: Path) -> CsvRows[P60]:
    return _read(path, P60_COLUMNS, P60_REQUIRED, P60_IGNORED, p60_from_row)


def _read(
    path: Path,
    known: tuple[str, ...],
    required: tuple[str, ...],
    ignored: tuple[str, ...],
    build: Callable[[Mapping[str, Any], str], tuple[T | None, Problems]],
) -> CsvRows[T]:
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise PayslipFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    rows: list[tuple[int, T]] = []
    problems: list[RowProblem] = []
    with handle:
        try:
            separator = detect_separator(handle.readline())
            handle.seek(0)
        except UnicodeDecodeError as exc:
            raise PayslipFileError(f"{path}: line 1: not a CSV file: {exc}") from None
        reader = csv.DictReader(handle, delimiter=separator)
        try:
            header = [
                canonical_column(name, (*known, *ignored)) for name in reader.fieldnames or []
            ]
        except (csv.Error, UnicodeDecodeError) as exc:
            raise PayslipFileError(f"{path}: line 1: not a CSV file: {exc}") from None
        problems += _header_problems(header, known, required, ignored)
        if problems:
            return CsvRows(path, (), tuple(problems))
        reader.fieldnames = header
        try:
            for record in reader:
                line = reader.line_num
                if None in record:
                    problems.append(RowProblem(line, None, "has more values than the header"))
                    continue
                if not any((value or "").strip() for value in record.values()):
                    continue
                item, row_problems = build(record, f"{path.name}:{line}")
                problems += [RowProblem(line, column, why) for column, why in row_problems]
                if item is not None:
                    rows.append((line, item))
        except (csv.Error, UnicodeDecodeError) as exc:
            problems.append(RowProblem(reader.line_num, None, f"unreadable CSV: {exc}"))
    return CsvRows(path, tuple(rows), tuple(problems))


def _header_problems(
    header: list[str], known: tuple[str, ...], required: tuple[str, ...], ignored: tuple[str, ...]
) -> list[RowProblem]:
    if not header:
        return [RowProblem(1, None, "the file is empty: expected a header row of column names")]
    problems = []
    unknown = [name for name in header if name not in known and name not in ignored]
    if unknown:
        problems.append(
            RowProblem(
                1,
                None,
                f"unknown {_columns(unknown)} {', '.join(map(repr, unknown))}; "
                f"known columns are {', '.join(known)}",
            )
        )
    missing = [name for name in required if name not in header]
    if missing:
        problems.append(
            RowProblem(1, None, f"missing required {_columns(missing)} {', '.join(missing)}")
        )
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if duplicated:
        problems.append(
            RowProblem(1, None, f"{_columns(duplicated)} named twice: {', '.join(duplicated)}")
        )
    return problems


def _columns(names: list[str]) -> str:
    return "column" if len(names) == 1 else "columns"
