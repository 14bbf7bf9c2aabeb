"""The payslip-ingest source (PostgreSQL, the real column names), the CSV source, the choice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from hmrc_sync.db.engine import make_engine, upgrade
from hmrc_sync.errors import ConfigurationError, DatabaseError
from hmrc_sync.payslips import (
    CsvSource,
    PayslipFileError,
    PayslipIngestSource,
    TableSource,
    make_payslip_source,
)
from hmrc_sync.settings import load_settings
from hmrc_sync.taxyear import TaxYear
from tests.support.payslip_ingest import SCHEMA_DDL, create_payslip_ingest_schema

ROWS = """
INSERT INTO payslip_ingest.payslip (pay_date, tax_year, employer, gross_pay, net_pay, salary,
    bonus, rsu_vest, rsu_offset, pension_sacrifice, taxable_pay, income_tax, cash_income_tax,
    national_insurance, pension_employee, pension_employer, student_loan, other_deductions,
    validated, paperless_doc_id, ytd_gross, ytd_taxable_pay, ytd_tax_paid) VALUES
 ('2024-04-25', '2024/25', 'Meta', 9000.00, 5200.00, 9600.00, 0, 0, 0, 600.00, 9000.00,
  2500.00, NULL, 400.00, 0, 900.00, 0, '{"Private Medical": 25.5}', true, 11, 9000.00,
  9000.00, 2500.00),
 ('2024-05-24', '2024/25', 'Meta', 9000.00, 1000.00, 9600.00, 0, 20000.00, 0, NULL, 29000.00,
  10500.00, 2500.00, 800.00, 0, 900.00, 0, NULL, false, 12, NULL, NULL, NULL),
 ('2024-03-25', '2023/24', 'Meta', 8000.00, 5000.00, NULL, 0, 0, 0, NULL, NULL,
  2000.00, NULL, 350.00, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO payslip_ingest.p60_reference (tax_year, employer, gross_pay, income_tax,
    national_insurance, tax_code, paperless_doc_id) VALUES
 ('2023/24', 'Meta', 96000.00, 24000.00, 4200.00, '1257L', 7)
"""


@pytest.fixture
def ingest_engine(postgres_url: str) -> Iterator[Engine]:
    engine = make_engine(postgres_url)
    upgrade(engine)
    with engine.begin() as connection:
        create_payslip_ingest_schema(connection)
        for statement in ROWS.split(";"):
            connection.execute(text(statement))
    try:
        yield engine
    finally:
        engine.dispose()


def test_payslip_ingest_rows_become_payslips(ingest_engine: Engine) -> None:
    source = PayslipIngestSource(ingest_engine, "payslip_ingest")
    slips = source.payslips()
    assert [s.pay_date for s in slips] == [
        dt.date(2024, 3, 25),
        dt.date(2024, 4, 25),
        dt.date(2024, 5, 24),
    ]
    april = slips[1]
    assert april.tax_year == TaxYear(2024)
    assert april.pension_sacrifice == Decimal("600.00")
    assert april.other_deductions == (("Private Medical", Decimal("25.50")),)
    assert april.ytd_taxable_pay == Decimal("9000.00")
    assert april.paperless_doc_id == 11
    assert april.source_ref.startswith("payslip_ingest.payslip#")
    may = slips[2]
    assert (may.rsu_vest, may.taxable_basis) == (Decimal("20000.00"), Decimal("29000.00"))
    assert may.pension_sacrifice == Decimal("0.00"), "NULL sacrifice reads as 0 (COALESCE)"
    old = slips[0]
    assert old.taxable_pay is None
    assert old.taxable_basis == Decimal("8000.00")
    assert [s.pay_date for s in source.payslips([TaxYear(2023)])] == [dt.date(2024, 3, 25)]
    (p60,) = source.p60s()
    assert (p60.tax_year, p60.employer, p60.tax_code) == (TaxYear(2023), "Meta", "1257L")
    assert source.p60s([TaxYear(2024)]) == []


def test_payslip_ingest_columns_for_the_new_lines_are_read_when_present(
    ingest_engine: Engine,
) -> None:
    source = PayslipIngestSource(ingest_engine, "payslip_ingest")
    assert {s.student_loan_plan for s in source.payslips()} == {None}, "absent columns: defaults"
    with ingest_engine.begin() as connection:
        connection.execute(
            text(
                "ALTER TABLE payslip_ingest.payslip ADD COLUMN student_loan_plan text, "
                "ADD COLUMN postgraduate_loan numeric, ADD COLUMN pension_type text, "
                "ADD COLUMN payrolled_benefits numeric, ADD COLUMN director boolean"
            )
        )
        connection.execute(
            text(
                "UPDATE payslip_ingest.payslip SET student_loan_plan = 'plan2', "
                "postgraduate_loan = 12, pension_type = 'salary_sacrifice', "
                "payrolled_benefits = NULL, director = NULL WHERE pay_date = '2024-04-25'"
            )
        )
    (p60,) = source.p60s()
    april = next(s for s in source.payslips() if s.pay_date == dt.date(2024, 4, 25))
    assert (april.student_loan_plan, april.pension_type) == ("plan2", "salary_sacrifice")
    assert april.postgraduate_loan == Decimal("12.00")
    assert (april.payrolled_benefits, april.director) == (Decimal("0.00"), False)
    assert p60.student_loan is None


def test_the_source_reads_a_configured_schema_and_never_writes(postgres_url: str) -> None:
    engine = make_engine(postgres_url)
    try:
        upgrade(engine)
        with engine.begin() as connection:
            for statement in SCHEMA_DDL.replace("payslip_ingest", "slips_v2").split(";"):
                if statement.strip():
                    connection.execute(text(statement))
            connection.execute(
                text(
                    "INSERT INTO slips_v2.payslip (pay_date, tax_year, employer, gross_pay, "
                    "net_pay, income_tax, national_insurance) VALUES "
                    "('2025-04-25', '2025/26', 'Acme', 100, 90, 5, 5)"
                )
            )
        settings = load_settings(
            database_url=postgres_url, payslip_source="payslip-ingest", payslip_schema="slips_v2"
        )
        source = make_payslip_source(settings, engine)
        assert isinstance(source, PayslipIngestSource)
        (slip,) = source.payslips()
        assert slip.employer == "Acme"
        with engine.connect() as connection:
            count = connection.scalar(text("SELECT count(*) FROM slips_v2.payslip"))
        assert count == 1
    finally:
        engine.dispose()


def test_a_missing_schema_or_column_is_a_clear_database_error(postgres_url: str) -> None:
    engine = make_engine(postgres_url)
    try:
        upgrade(engine)
        with pytest.raises(DatabaseError, match=r"payslip_ingest\.payslip does not exist"):
            PayslipIngestSource(engine, "payslip_ingest").payslips()
        with engine.begin() as connection:
            connection.execute(text("CREATE SCHEMA payslip_ingest"))
            connection.execute(
                text("CREATE TABLE payslip_ingest.payslip (pay_date date, gross_pay numeric)")
            )
        with pytest.raises(DatabaseError, match="no column"):
            PayslipIngestSource(engine, "payslip_ingest").payslips()
    finally:
        engine.dispose()


def test_bad_rows_in_payslip_ingest_are_reported_not_skipped(ingest_engine: Engine) -> None:
    with ingest_engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO payslip_ingest.payslip (pay_date, tax_year, employer, gross_pay, "
                "net_pay, income_tax, national_insurance) VALUES "
                "('2024-04-25', '2023/24', 'Meta', 1, 1, 1.234, 1)"
            )
        )
    with pytest.raises(PayslipFileError) as caught:
        PayslipIngestSource(ingest_engine, "payslip_ingest").payslips()
    assert {p.column for p in caught.value.problems} == {"tax_year", "income_tax"}


def test_deeply_nested_other_deductions_in_payslip_ingest_are_a_row_problem(
    ingest_engine: Engine,
) -> None:
    """A JSON document nested 5,000 deep (PostgreSQL stores it; Python's parser would recurse
    past its limit) is read as text and refused by its shape, naming the row and column."""
    deep = '{"a": ' * 5000 + "1" + "}" * 5000
    with ingest_engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO payslip_ingest.payslip (pay_date, tax_year, employer, gross_pay, "
                "net_pay, income_tax, national_insurance, other_deductions) VALUES "
                "('2024-06-25', '2024/25', 'Meta', 1, 1, 1, 1, CAST(:deep AS jsonb))"
            ),
            {"deep": deep},
        )
    with pytest.raises(PayslipFileError) as caught:
        PayslipIngestSource(ingest_engine, "payslip_ingest").payslips()
    (problem,) = caught.value.problems
    assert problem.column == "other_deductions"
    assert "nested" in problem.reason or "longer than" in problem.reason
    assert len(str(caught.value)) < 1000


def test_payslip_ingest_needs_postgres(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    try:
        settings = load_settings(database_url=sqlite_url, payslip_source="payslip-ingest")
        with pytest.raises(ConfigurationError, match="PostgreSQL"):
            make_payslip_source(settings, engine)
        assert isinstance(make_payslip_source(load_settings(), engine), TableSource)
    finally:
        engine.dispose()


def test_the_csv_source_reads_the_configured_files(sqlite_url: str, tmp_path: Path) -> None:
    slips = tmp_path / "slips.csv"
    slips.write_text(
        "pay_date,employer,gross_pay,income_tax,national_insurance\n"
        "2024-04-25,Acme,100,0,0\n2025-04-25,Acme,100,0,0\n",
        encoding="utf-8",
    )
    engine = make_engine(sqlite_url)
    try:
        with pytest.raises(ConfigurationError, match="HMRC_SYNC_PAYSLIP_CSV"):
            make_payslip_source(load_settings(payslip_source="csv"), engine)
        source = make_payslip_source(
            load_settings(payslip_source="csv", payslip_csv=str(slips)), engine
        )
    finally:
        engine.dispose()
    assert isinstance(source, CsvSource)
    assert [s.tax_year for s in source.payslips([TaxYear(2025)])] == [TaxYear(2025)]
    assert source.p60s() == []
    slips.write_text("pay_date,gross_pay,income_tax,national_insurance\nnope,1,1,1\n")
    with pytest.raises(PayslipFileError, match="line 2, pay_date"):
        source.payslips()
