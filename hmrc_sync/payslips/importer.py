"""``hmrc-sync payslips import``: CSV files into hmrc-sync's own ``payslip`` / ``p60`` tables.

* **All or nothing.** A file with any bad row imports nothing (every problem is reported
  with its line number) unless ``skip_bad`` is set, in which case the good rows are imported
  and the bad lines listed. Everything happens in one transaction.
* **Streamed.** A payslip file is read, checked and written one batch of rows at a time in
  that transaction (rolled back on a bad row), so a large file never sits in memory.
* **Idempotent.** A payslip's key is (employer, pay date, occurrence), where occurrence
  counts the same (employer, pay date) within the file; a P60's key is (tax year,
  employer). Importing the same file again adds nothing; a row whose figures changed is
  updated in place.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, select, tuple_
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from hmrc_sync.db.models import P60Record, PayslipRecord
from hmrc_sync.errors import DatabaseError
from hmrc_sync.payslips.csvfile import (
    CsvRows,
    ProblemList,
    plural,
    problem_summary,
    read_p60_csv,
    scan_payslips_csv,
)
from hmrc_sync.payslips.model import P60, Payslip, PayslipFileError, RowProblem
from hmrc_sync.payslips.rows import P60_COLUMNS, PAYSLIP_COLUMNS

T = TypeVar("T")
Record = PayslipRecord | P60Record


@dataclass(frozen=True)
class ImportReport:
    path: Path
    kind: str  # "payslips" or "P60s"
    added: int
    updated: int
    unchanged: int
    skipped: tuple[RowProblem, ...] = ()
    unlisted: int = 0  # skipped problems beyond those listed in ``skipped``

    def summary_line(self) -> str:
        line = (
            f"{self.path.name}: {plural(self.added, self.kind[:-1], self.kind)} added, "
            f"{self.updated} updated, {self.unchanged} unchanged"
        )
        if self.skipped:
            lines = sorted({problem.line for problem in self.skipped})
            line += f"; {plural(len(lines), 'bad line')} skipped: " + ", ".join(map(str, lines))
            if self.unlisted:
                line += f" and {self.unlisted} more problem(s)"
        return line


def import_payslips_csv(
    engine: Engine, path: Path, *, skip_bad: bool = False, now: dt.datetime | None = None
) -> ImportReport:
    """Stream ``path`` into the ``payslip`` table: each row is read, checked and written in
    batches inside one transaction, which is rolled back when any row is bad (unless
    ``skip_bad``), so memory stays bounded by a batch and the import is still all or nothing."""
    moment = now or dt.datetime.now(dt.UTC)
    writer = _BatchWriter(moment, str(path.resolve()))
    found = ProblemList()
    occurrences: Counter[tuple[str, dt.date]] = Counter()
    try:
        with Session(engine) as session, session.begin():
            for row in scan_payslips_csv(path):
                if row.line == 1 and row.problems:  # the header: nothing can be read
                    raise PayslipFileError(problem_summary(path, row.problems), row.problems)
                found.add(row.problems)
                if row.item is None or (found.count and not skip_bad):
                    continue  # keep reading to report every bad line, but write no more
                slip = row.item
                occurrences[(slip.employer, slip.pay_date)] += 1
                key = (slip.employer, slip.pay_date, occurrences[(slip.employer, slip.pay_date)])
                writer.add(session, key, _payslip_values(slip))
            if found.count and not skip_bad:
                raise found.error(path)  # inside the transaction: everything written is undone
            writer.flush(session)
    except IntegrityError:
        raise DatabaseError(
            f"importing {path.name} collided with another import running at the same "
            "time; nothing was imported: run it again"
        ) from None
    except SQLAlchemyError as exc:
        raise DatabaseError(
            f"cannot import {path.name} ({exc.__class__.__name__}): nothing was imported; "
            "run `hmrc-sync migrate` if the database is new"
        ) from None
    counts = writer.counts
    return ImportReport(
        path,
        "payslips",
        counts["added"],
        counts["updated"],
        counts["unchanged"],
        tuple(found.listed),
        unlisted=found.count - len(found.listed),
    )


BATCH_ROWS = 500
_COMPARED = tuple(column for column in PAYSLIP_COLUMNS if column != "id")


class _BatchWriter:
    """Adds or updates payslips ``BATCH_ROWS`` at a time, looking up only each batch's
    (employer, pay date) pairs, and lets go of each batch once it is flushed."""

    def __init__(self, moment: dt.datetime, source_file: str) -> None:
        self._moment = moment
        self._source_file = source_file
        self._batch: list[tuple[tuple[str, dt.date, int], dict[str, Any]]] = []
        self.counts: Counter[str] = Counter({"added": 0, "updated": 0, "unchanged": 0})

    def add(self, session: Session, key: tuple[str, dt.date, int], values: dict[str, Any]) -> None:
        self._batch.append((key, values))
        if len(self._batch) >= BATCH_ROWS:
            self.flush(session)

    def flush(self, session: Session) -> None:
        if not self._batch:
            return
        pairs = sorted({(key[0], key[1]) for key, _ in self._batch})
        query = select(PayslipRecord).where(
            tuple_(PayslipRecord.employer, PayslipRecord.pay_date).in_(pairs)
        )
        stored = {(r.employer, r.pay_date, r.occurrence): r for r in session.scalars(query)}
        for key, values in self._batch:
            record = stored.get(key)
            if record is None:
                extra = {"imported_at": self._moment, "source_file": self._source_file}
                session.add(PayslipRecord(occurrence=key[2], **values, **extra))
                self.counts["added"] += 1
            elif any(getattr(record, column) != values.get(column) for column in _COMPARED):
                for column, value in values.items():
                    setattr(record, column, value)
                record.imported_at = self._moment
                record.source_file = self._source_file
                self.counts["updated"] += 1
            else:
                self.counts["unchanged"] += 1
        session.flush()
        session.expunge_all()  # written (in the open transaction): no need to keep them
        self._batch.clear()


def import_p60_csv(
    engine: Engine, path: Path, *, skip_bad: bool = False, now: dt.datetime | None = None
) -> ImportReport:
    read = read_p60_csv(path)
    p60s = _usable(read, skip_bad)
    keyed = [((p60.tax_year.storage, p60.employer), _p60_values(p60)) for p60 in p60s]
    duplicates = [key for key, count in Counter(key for key, _ in keyed).items() if count > 1]
    if duplicates:
        lines = [
            RowProblem(line, "employer", f"a second P60 for {p60.employer} in {p60.tax_year}")
            for line, p60 in read.rows
            if (p60.tax_year.storage, p60.employer) in duplicates
        ]
        raise PayslipFileError(
            f"{path}: one P60 per tax year and employer; nothing was imported\n"
            + "\n".join(f"  {problem}" for problem in lines),
            tuple(lines),
        )

    def existing(session: Session) -> dict[Any, Record]:
        rows = session.scalars(select(P60Record))
        return {(r.tax_year, r.employer): r for r in rows}

    def build(key: Any, values: dict[str, Any]) -> Record:
        return P60Record(**values)

    return _upsert(engine, read, "P60s", keyed, existing, build, P60_COLUMNS, now)


def _usable(read: CsvRows[T], skip_bad: bool) -> list[T]:
    header_broken = any(problem.line == 1 for problem in read.problems)
    if read.problems and (header_broken or not skip_bad):
        read.raise_for_problems()
    return read.items


def _upsert(
    engine: Engine,
    read: CsvRows[Any],
    kind: str,
    keyed: Sequence[tuple[Any, dict[str, Any]]],
    existing: Callable[[Session], dict[Any, Record]],
    build: Callable[[Any, dict[str, Any]], Record],
    columns: Iterable[str],
    now: dt.datetime | None,
) -> ImportReport:
    moment = now or dt.datetime.now(dt.UTC)
    source_file = str(read.path.resolve())
    added = updated = unchanged = 0
    compared = [c for c in columns if c not in ("id",)]
    try:
        with Session(engine) as session, session.begin():
            stored = existing(session)
            for key, values in keyed:
                record = stored.get(key)
                if record is None:
                    session.add(
                        build(key, {**values, "imported_at": moment, "source_file": source_file})
                    )
                    added += 1
                elif any(getattr(record, c) != values.get(c) for c in compared):
                    for column, value in values.items():
                        setattr(record, column, value)
                    record.imported_at = moment
                    record.source_file = source_file
                    updated += 1
                else:
                    unchanged += 1
    except IntegrityError:
        raise DatabaseError(
            f"importing {read.path.name} collided with another import running at the same "
            "time; nothing was imported: run it again"
        ) from None
    except SQLAlchemyError as exc:
        raise DatabaseError(
            f"cannot import {read.path.name} ({exc.__class__.__name__}): nothing was imported; "
            "run `hmrc-sync migrate` if the database is new"
        ) from None
    return ImportReport(read.path, kind, added, updated, unchanged, read.problems)


def _payslip_values(slip: Payslip) -> dict[str, Any]:
    values: dict[str, Any] = {c: getattr(slip, c) for c in PAYSLIP_COLUMNS}
    values["tax_year"] = slip.tax_year.storage
    values["other_deductions"] = (
        {label: str(amount) for label, amount in slip.other_deductions}
        if slip.other_deductions
        else None
    )
    return values


def _p60_values(p60: P60) -> dict[str, Any]:
    values: dict[str, Any] = {c: getattr(p60, c) for c in P60_COLUMNS}
    values["tax_year"] = p60.tax_year.storage
    return values
