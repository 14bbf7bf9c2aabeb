"""Where payslips and P60s come from, behind one protocol (``HMRC_SYNC_PAYSLIP_SOURCE``).

* ``table`` (default): hmrc-sync's own ``payslip`` and ``p60`` tables, filled by
  ``hmrc-sync payslips import``;
* ``payslip-ingest``: payslip-ingest's ``{schema}.payslip`` and ``{schema}.p60_reference``
  in the same PostgreSQL database, read in a read-only transaction. Columns are discovered,
  so an older payslip-ingest without, say, ``cash_income_tax`` still works; the required
  ones are ``pay_date``, ``gross_pay``, ``income_tax`` and ``national_insurance``;
* ``csv``: the files named by ``HMRC_SYNC_PAYSLIP_CSV`` (and ``HMRC_SYNC_P60_CSV``), read
  on every run.

A row that cannot be read is never skipped silently (it would show up as a missing month):
the source raises ``PayslipFileError`` listing every problem.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Engine, bindparam, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from hmrc_sync.db.engine import is_postgres
from hmrc_sync.db.models import P60Record, PayslipRecord
from hmrc_sync.errors import ConfigurationError, DatabaseError
from hmrc_sync.payslips.csvfile import read_p60_csv, read_payslips_csv
from hmrc_sync.payslips.model import P60, Payslip, PayslipFileError, RowProblem
from hmrc_sync.payslips.rows import (
    P60_COLUMNS,
    P60_REQUIRED,
    PAYSLIP_COLUMNS,
    PAYSLIP_REQUIRED,
    Problems,
    p60_from_row,
    payslip_from_row,
)
from hmrc_sync.settings import PayslipSourceKind, Settings
from hmrc_sync.taxyear import TaxYear

Years = Collection[TaxYear] | None


class PayslipSource(Protocol):
    """Reads payslips and P60s; ``tax_years=None`` means every year it holds."""

    name: str

    def payslips(self, tax_years: Years = None) -> list[Payslip]: ...

    def p60s(self, tax_years: Years = None) -> list[P60]: ...


def _wanted(year: TaxYear, tax_years: Years) -> bool:
    return tax_years is None or year in tax_years


def _collect(built: list[tuple[Any, Problems]], refs: list[str], what: str) -> list[Any]:
    problems = [
        RowProblem(index + 1, column, f"{ref}: {why}")
        for index, ((_, row_problems), ref) in enumerate(zip(built, refs, strict=True))
        for column, why in row_problems
    ]
    if problems:
        message = f"{len(problems)} problem(s) reading {what}:\n" + "\n".join(
            f"  {problem}" for problem in problems
        )
        raise PayslipFileError(message, tuple(problems))
    return [item for item, _ in built if item is not None]


class TableSource:
    """hmrc-sync's own ``payslip`` and ``p60`` tables."""

    name = "table"

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def payslips(self, tax_years: Years = None) -> list[Payslip]:
        query = select(PayslipRecord).order_by(PayslipRecord.pay_date, PayslipRecord.id)
        if tax_years is not None:
            query = query.where(PayslipRecord.tax_year.in_([y.storage for y in tax_years]))
        rows = self._rows(query, PAYSLIP_COLUMNS, "payslip")
        built = [payslip_from_row(values, f"payslip#{values['id']}") for values in rows]
        return _collect(built, [f"payslip#{v['id']}" for v in rows], "the payslip table")

    def p60s(self, tax_years: Years = None) -> list[P60]:
        query = select(P60Record).order_by(P60Record.tax_year, P60Record.employer)
        if tax_years is not None:
            query = query.where(P60Record.tax_year.in_([y.storage for y in tax_years]))
        rows = self._rows(query, P60_COLUMNS, "p60")
        built = [p60_from_row(values, f"p60#{values['id']}") for values in rows]
        return _collect(built, [f"p60#{v['id']}" for v in rows], "the p60 table")

    def _rows(self, query: Any, columns: tuple[str, ...], table: str) -> list[dict[str, Any]]:
        try:
            with Session(self._engine) as session:
                return [_record_values(record, columns) for record in session.scalars(query)]
        except SQLAlchemyError as exc:
            raise DatabaseError(
                f"cannot read hmrc-sync's {table} table ({exc.__class__.__name__}): "
                "run `hmrc-sync migrate` if the database is new"
            ) from None


def _record_values(record: Any, columns: tuple[str, ...]) -> dict[str, Any]:
    values = {column: getattr(record, column, None) for column in columns}
    values["id"] = record.id
    return values


class PayslipIngestSource:
    """payslip-ingest's tables in the same PostgreSQL database (read-only)."""

    name = "payslip-ingest"

    def __init__(self, engine: Engine, schema: str) -> None:
        if not is_postgres(engine):
            raise ConfigurationError(
                "HMRC_SYNC_PAYSLIP_SOURCE=payslip-ingest needs HMRC_SYNC_DATABASE_URL to be the "
                "PostgreSQL database that holds payslip-ingest's tables"
            )
        self._engine = engine
        self._schema = schema

    def payslips(self, tax_years: Years = None) -> list[Payslip]:
        rows = self._read("payslip", PAYSLIP_COLUMNS, PAYSLIP_REQUIRED, "pay_date", tax_years)
        refs = [f"{self._schema}.payslip#{row.get('id', index)}" for index, row in enumerate(rows)]
        built = [payslip_from_row(row, ref) for row, ref in zip(rows, refs, strict=True)]
        return _collect(built, refs, f"{self._schema}.payslip")

    def p60s(self, tax_years: Years = None) -> list[P60]:
        rows = self._read("p60_reference", P60_COLUMNS, P60_REQUIRED, "tax_year", tax_years)
        refs = [
            f"{self._schema}.p60_reference#{row.get('id', index)}" for index, row in enumerate(rows)
        ]
        built = [p60_from_row(row, ref) for row, ref in zip(rows, refs, strict=True)]
        return _collect(built, refs, f"{self._schema}.p60_reference")

    def _read(
        self,
        table: str,
        known: tuple[str, ...],
        required: tuple[str, ...],
        order: str,
        tax_years: Years,
    ) -> list[Mapping[str, Any]]:
        qualified = f'"{self._schema}"."{table}"'
        try:
            with self._engine.connect() as connection:
                connection.execute(text("SET TRANSACTION READ ONLY"))
                present = set(
                    connection.scalars(
                        text(
                            "SELECT column_name FROM information_schema.columns "
                            "WHERE table_schema = :schema AND table_name = :table"
                        ),
                        {"schema": self._schema, "table": table},
                    )
                )
                if not present:
                    raise DatabaseError(
                        f"table {self._schema}.{table} does not exist (or cannot be read) in "
                        "this database: is HMRC_SYNC_DATABASE_URL payslip-ingest's database, "
                        "and HMRC_SYNC_PAYSLIP_SCHEMA its schema?"
                    )
                missing = [column for column in required if column not in present]
                if missing:
                    raise DatabaseError(
                        f"{self._schema}.{table} has no column(s) {', '.join(missing)}"
                    )
                columns = [_selected(c) for c in ("id", *known) if c in present]
                sql = f"SELECT {', '.join(columns)} FROM {qualified}"  # noqa: S608 - names checked
                params: dict[str, Any] = {}
                if tax_years is not None:
                    sql += " WHERE tax_year IN :years"
                    params["years"] = [year.storage for year in tax_years]
                statement = text(sql + f" ORDER BY {order}" + (", id" if "id" in present else ""))
                if params:
                    statement = statement.bindparams(bindparam("years", expanding=True))
                rows: list[Mapping[str, Any]] = [
                    dict(row._mapping) for row in connection.execute(statement, params)
                ]
                connection.rollback()
                return rows
        except SQLAlchemyError as exc:
            original = getattr(exc, "orig", None) or exc
            first_line = str(original).strip().splitlines()[0] if str(original).strip() else ""
            from hmrc_sync.db.engine import engine_url
            from hmrc_sync.db.urls import scrub

            said = scrub(first_line, engine_url(self._engine)) or exc.__class__.__name__
            raise DatabaseError(f"cannot read {self._schema}.{table}: {said}") from None


def _selected(column: str) -> str:
    """A JSON column is read as its text, so that ``parse_deductions`` bounds its size and
    nesting before anything parses it (the driver's own parser recurses once per level)."""
    return f"{column}::text AS {column}" if column == "other_deductions" else column


class CsvSource:
    """Payslip and P60 CSV files, read on every run."""

    name = "csv"

    def __init__(self, payslip_csv: Path, p60_csv: Path | None) -> None:
        self._payslip_csv = payslip_csv
        self._p60_csv = p60_csv

    def payslips(self, tax_years: Years = None) -> list[Payslip]:
        read = read_payslips_csv(self._payslip_csv)
        read.raise_for_problems()
        return [slip for slip in read.items if _wanted(slip.tax_year, tax_years)]

    def p60s(self, tax_years: Years = None) -> list[P60]:
        if self._p60_csv is None:
            return []
        read = read_p60_csv(self._p60_csv)
        read.raise_for_problems()
        return [p60 for p60 in read.items if _wanted(p60.tax_year, tax_years)]


def make_payslip_source(settings: Settings, engine: Engine) -> PayslipSource:
    """The source ``HMRC_SYNC_PAYSLIP_SOURCE`` names."""
    kind = settings.payslip_source
    if kind is PayslipSourceKind.PAYSLIP_INGEST:
        return PayslipIngestSource(engine, settings.payslip_schema)
    if kind is PayslipSourceKind.CSV:
        if settings.payslip_csv is None:
            raise ConfigurationError(
                "HMRC_SYNC_PAYSLIP_SOURCE=csv needs HMRC_SYNC_PAYSLIP_CSV: the path of the "
                "payslips CSV file (HMRC_SYNC_P60_CSV optionally names a P60 file)"
            )
        return CsvSource(settings.payslip_csv, settings.p60_csv)
    return TableSource(engine)
