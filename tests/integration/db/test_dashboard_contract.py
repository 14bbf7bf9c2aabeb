"""The dashboard's Panel 10 SQL, exactly as written in user-infra.md (copied to
tests/data/dashboard/panel-10.sql), runs on our tables."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert, text

from hmrc_sync.db.engine import make_engine, upgrade
from hmrc_sync.db.models import TaxYearSnapshot
from tests.support.payslip_ingest import create_payslip_ingest_schema


def _snapshot(tax_year: str, ref: str, day: int, gross: str, tax: str) -> dict[str, object]:
    return {
        "tax_year": tax_year,
        "employer_paye_ref": ref,
        "snapshot_date": dt.datetime(2025, 7, day, 6, 0, tzinfo=dt.UTC),
        "gross_pay": Decimal(gross),
        "income_tax": Decimal(tax),
        "ni_contributions": None,
        "source_api": "individual",
        "raw": {},
        "content_hash": f"{tax_year}{ref}{day}",
    }


def test_panel_10_runs_unmodified_and_returns_the_latest_snapshot(
    postgres_url: str, published: Path
) -> None:
    sql = (published / "dashboard" / "panel-10.sql").read_text(encoding="utf-8").strip()
    assert sql.startswith("WITH latest AS")
    assert "hmrc_sync.tax_year_snapshot" in sql
    engine = make_engine(postgres_url)
    try:
        upgrade(engine)
        with engine.begin() as connection:
            create_payslip_ingest_schema(connection)
            connection.execute(
                text(
                    "INSERT INTO payslip_ingest.payslip (pay_date, tax_year, employer, gross_pay,"
                    " net_pay, income_tax, national_insurance) VALUES "
                    "('2024-04-25', '2024/25', 'Meta', 4000.00, 3000.00, 600.00, 250.00),"
                    "('2024-05-25', '2024/25', 'Meta', 4000.00, 3000.00, 600.00, 250.00),"
                    "('2023-04-25', '2023/24', 'Meta', 3000.00, 2500.00, 400.00, 200.00)"
                )
            )
            connection.execute(
                insert(TaxYearSnapshot),
                [
                    _snapshot("2024/25", "123/AB456", 1, "7900.00", "1150.00"),
                    _snapshot("2024/25", "123/AB456", 2, "8000.00", "1200.00"),  # latest
                    _snapshot("2023/24", "123/AB456", 1, "3000.00", "400.00"),
                    _snapshot("2022/23", "999/ZZ1", 1, "100.00", "0.00"),  # no payslips
                ],
            )
        with engine.connect() as connection:
            rows = [row._asdict() for row in connection.execute(text(sql))]
    finally:
        engine.dispose()

    assert [(r["tax_year"], r["employer_paye_ref"]) for r in rows] == [
        ("2024/25", "123/AB456"),
        ("2023/24", "123/AB456"),
        ("2022/23", "999/ZZ1"),
    ]
    latest = rows[0]
    assert latest["snapshot_date"] == dt.datetime(2025, 7, 2, 6, 0, tzinfo=dt.UTC)
    assert latest["hmrc_gross"] == Decimal("8000.00")
    assert latest["computed_gross"] == Decimal("8000.00")
    assert latest["delta_gross"] == Decimal("0.00")
    assert latest["hmrc_tax"] == Decimal("1200.00")
    assert latest["delta_tax"] == Decimal("0.00")
    assert latest["hmrc_ni"] is None
    assert latest["computed_ni"] == Decimal("500.00")
    assert latest["delta_ni"] is None, "HMRC gives no NI: the delta stays NULL, never invented"
    assert rows[2]["computed_gross"] is None, "a year without payslips has nothing to compare"
