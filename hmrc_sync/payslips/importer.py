"""``hmrc-sync payslips import``: CSV files into hmrc-sync's own ``payslip`` / ``p60`` tables.

* **All or nothing.** A file with any bad row imports nothing (every problem is reported
  with its line number) unless ``skip_bad`` is set, in which case the good rows are imported
  and the bad lines listed. Everything happens in one transaction.
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

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from hmrc_sync.db.models import P60Record, PayslipRecord
from hmrc_sync.errors import DatabaseError
from hmrc_sync.payslips.csvfile import CsvRows, plural, read_p60_csv, read_payslips_csv
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

    def summary_line(self) -> str:
        line = (
            f"{self.path.name}: {plural(self.added, self.kind[:-1], self.kind)} added, "
            f"{self.updated} updated, {self.unchanged} unchanged"
        )
        if self.skipped:
            lines = sorted({problem.line for problem in self.skipped})
            line += f"; {plural(len(lines), 'bad line')} skipped: " + ", ".join(map(str, lines))
        return line


def import_payslips_csv(
    engine: Engine, path: Path, *, skip_bad: bool = False, now: dt.datetime | None = None
) -> ImportReport:
    read = read_payslips_csv(path)
    slips = _usable(read, skip_bad)
    occurrences: Counter[tuple[str, dt.date]] = Counter()
    keyed: list[tuple[tuple[str, dt.date, int], dict[str, Any]]] = []
    for slip in slips:
        occurrences[(slip.employer, slip.pay_date)] += 1
        key = (slip.employer, slip.pay_date, occurrences[(slip.employer, slip.pay_date)])
        keyed.append((key, _payslip_values(slip)))
    years = {values["tax_year"] for _, values in keyed}

    def existing(session: Session) -> dict[Any, Record]:
        query = select(PayslipRecord).where(PayslipRecord.tax_year.in_(years))
        return {(r.employer, r.pay_date, r.occurrence): r for r in session.scalars(query)}

    def build(key: Any, values: dict[str, Any]) -> Record:
        return PayslipRecord(occurrence=key[2], **values)

    return _upsert(engine, read, "payslips", keyed, existing, build, PAYSLIP_COLUMNS, now)


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
