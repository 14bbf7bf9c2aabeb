"""Reading payslip and P60 CSV files (a header row with payslip-ingest's column names).

Every problem is reported with the file's physical line number (where its record starts): an
unknown or missing column on line 1, then each bad value on its own line, and a byte that is
not UTF-8 or an over-long field on the line that holds it. The file is read one record at a
time (``scan_csv``), never whole. Blank lines are skipped; a UTF-8 byte-order mark (as
spreadsheet programs write) is accepted. Column names match whatever their case and spacing
(``Pay Date`` and ``pay-date`` are ``pay_date``), and the separator is detected from the
header row: a comma, a semicolon or a tab.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Final, Generic, TypeVar

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


MAX_LISTED_PROBLEMS: Final = 100


class ProblemList:
    """Every bad row counted; the first ``MAX_LISTED_PROBLEMS`` kept to show."""

    def __init__(self) -> None:
        self.count = 0
        self.listed: list[RowProblem] = []

    def add(self, problems: Iterable[RowProblem]) -> None:
        for problem in problems:
            self.count += 1
            if len(self.listed) < MAX_LISTED_PROBLEMS:
                self.listed.append(problem)

    def error(self, path: Path) -> PayslipFileError:
        listed = tuple(self.listed)
        return PayslipFileError(problem_summary(path, listed, total=self.count), listed)


def problem_summary(
    path: Path, problems: tuple[RowProblem, ...], *, total: int | None = None
) -> str:
    """Every problem, one a line; with ``total``, those beyond ``problems`` are counted."""
    count = len(problems) if total is None else total
    lines = [f"{path}: {plural(count, 'problem')}; nothing was read from it"]
    lines += [f"  {problem}" for problem in problems]
    if count > len(problems):
        lines.append(f"  … and {count - len(problems)} more")
    return "\n".join(lines)


def read_payslips_csv(path: Path) -> CsvRows[Payslip]:
    return _collect(path, scan_payslips_csv(path))


def read_p60_csv(path: Path) -> CsvRows[P60]:
    return _collect(path, scan_csv(path, P60_COLUMNS, P60_REQUIRED, P60_IGNORED, p60_from_row))


def scan_payslips_csv(path: Path) -> Iterator[CsvRow[Payslip]]:
    """The file's payslips one row at a time (see ``scan_csv``)."""
    return scan_csv(path, PAYSLIP_COLUMNS, PAYSLIP_REQUIRED, PAYSLIP_IGNORED, payslip_from_row)


def _collect(path: Path, scanned: Iterator[CsvRow[T]]) -> CsvRows[T]:
    rows: list[tuple[int, T]] = []
    problems: list[RowProblem] = []
    for row in scanned:
        problems += row.problems
        if row.item is not None:
            rows.append((row.line, row.item))
    return CsvRows(path, tuple(rows), tuple(problems))


@dataclass(frozen=True)
class CsvRow(Generic[T]):
    """One record: the physical line it starts on, and its value or its problems. A header
    row with problems comes as line 1 with no value, and nothing follows it."""

    line: int
    item: T | None
    problems: tuple[RowProblem, ...] = ()


def scan_csv(
    path: Path,
    known: tuple[str, ...],
    required: tuple[str, ...],
    ignored: tuple[str, ...],
    build: Callable[[Mapping[str, Any], str], tuple[T | None, Problems]],
) -> Iterator[CsvRow[T]]:
    """Read ``path`` one record at a time (memory bounded by the longest line, never the
    file). A file that cannot be read as CSV at all (a byte that is not UTF-8, a field over
    ``csv.field_size_limit()`` characters, a line over ``MAX_LINE_BYTES``) raises
    ``PayslipFileError`` naming the physical line."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise PayslipFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    with handle:
        lines = _Lines(handle, path)
        first = next(lines, None)
        if first is None:
            yield CsvRow(1, None, tuple(_header_problems([], known, required, ignored)))
            return
        reader = csv.reader(itertools.chain([first], lines), delimiter=detect_separator(first))
        header = [canonical_column(name, (*known, *ignored)) for name in _next(reader, lines) or []]
        header_problems = _header_problems(header, known, required, ignored)
        if header_problems:
            yield CsvRow(1, None, tuple(header_problems))
            return
        while True:
            line = lines.number + 1
            values = _next(reader, lines)
            if values is None:
                return
            if not any(value.strip() for value in values):
                continue  # a blank line
            if len(values) > len(header):
                yield CsvRow(line, None, (RowProblem(line, None, _TOO_MANY_VALUES),))
                continue
            item, problems = build(dict(zip(header, values, strict=False)), f"{path.name}:{line}")
            yield CsvRow(line, item, tuple(RowProblem(line, c, why) for c, why in problems))


MAX_LINE_BYTES: Final = 1_048_576
_CHUNK_BYTES: Final = 65_536
_LINE_END: Final = re.compile(rb"\r\n|\r|\n")
_TOO_MANY_VALUES: Final = "has more values than the header"


class _Lines:
    """The file's physical lines decoded as UTF-8, one at a time, counted: so that a bad byte
    is reported on its own line (a text stream decodes whole blocks and fails ahead). A line
    ends at ``\\n``, ``\\r\\n`` or a lone ``\\r`` (old Mac spreadsheets), as in a text file."""

    def __init__(self, handle: BinaryIO, path: Path) -> None:
        self._handle = handle
        self._path = path
        self._buffer = b""
        self._start = 0  # where the next line begins in the buffer
        self._eof = False
        self.number = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        raw = self._raw_line()
        if not raw:
            raise StopIteration
        self.number += 1
        if self.number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]  # spreadsheet programs write one
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise self.unreadable(
                f"byte 0x{raw[exc.start]:02x} (byte {exc.start + 1} of the line) is not UTF-8 "
                'text; save the file as UTF-8 ("CSV UTF-8" in a spreadsheet) and import again'
            ) from None

    def _raw_line(self) -> bytes:
        while True:
            found = _LINE_END.search(self._buffer, self._start)
            # A CR at the very end of the buffer may be half of a CRLF: read on first.
            if found and (found.end() < len(self._buffer) or found.group() != b"\r" or self._eof):
                line = self._buffer[self._start : found.end()]
                self._start = found.end()
                return line
            if len(self._buffer) - self._start > MAX_LINE_BYTES:
                self.number += 1
                raise self.unreadable(f"the line is longer than {MAX_LINE_BYTES} bytes")
            if self._eof:
                line = self._buffer[self._start :]
                self._buffer, self._start = b"", 0
                return line
            chunk = self._handle.read(_CHUNK_BYTES)
            self._eof = not chunk
            self._buffer = self._buffer[self._start :] + chunk
            self._start = 0

    def unreadable(self, why: str) -> PayslipFileError:
        problem = RowProblem(self.number, None, why)
        return PayslipFileError(f"{self._path}: {problem}; nothing was read from it", (problem,))


def _next(reader: Iterator[list[str]], lines: _Lines) -> list[str] | None:
    """The next record, or None at the end; a CSV error names the line it happened on."""
    try:
        return next(reader)
    except StopIteration:
        return None
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise lines.unreadable(
                f"a field is longer than {csv.field_size_limit()} characters (an unclosed "
                "quote, or not a payslip file?)"
            ) from None
        raise lines.unreadable(f"unreadable CSV: {exc}") from None


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
