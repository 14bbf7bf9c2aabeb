"""The Grafana panels in deploy/grafana: their shape, their colours, and their SQL run on
PostgreSQL against payslip-ingest's tables and hmrc-sync's, filled by a real reconciliation."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, insert, text
from sqlalchemy.orm import Session

from hmrc_sync.commands.common import make_container
from hmrc_sync.db.engine import make_engine, upgrade
from hmrc_sync.db.models import TaxYearSnapshot
from hmrc_sync.demo.sample_payslips import sample_year
from hmrc_sync.payslips import Payslip
from hmrc_sync.reconcile.store import reconcile_and_store
from hmrc_sync.sync.model import Observation
from hmrc_sync.sync.snapshots import record_availability
from hmrc_sync.taxyear import TaxYear
from tests.support.payslip_ingest import create_payslip_ingest_schema
from tests.unit.reconcile.payroll import run_payroll

PANELS = Path(__file__).resolve().parents[3] / "deploy" / "grafana"
DATASOURCE = {"type": "grafana-postgresql-datasource", "uid": "payslips-pg"}
DASHBOARD = "hmrc-sync.json"  # the whole dashboard on hmrc-sync's own tables: test_dashboard.py
NOW = dt.datetime(2025, 9, 1, 6, 0, tzinfo=dt.UTC)
D = Decimal


def _panel(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((PANELS / name).read_text(encoding="utf-8"))
    return document


def _sql(name: str) -> str:
    (target,) = _panel(name)["targets"]
    sql: str = target["rawSql"]
    return sql


def test_every_panel_uses_the_payslips_datasource_and_raw_sql() -> None:
    files = sorted(p for p in PANELS.glob("*.json") if p.name != DASHBOARD)
    assert [f.name for f in files] == ["hmrc-tax-year-reconciliation.json", "payslip-audit.json"]
    ids = set()
    for path in files:
        panel = json.loads(path.read_text(encoding="utf-8"))
        ids.add(panel["id"])
        assert panel["type"] == "table"
        assert panel["datasource"] == DATASOURCE
        for target in panel["targets"]:
            assert target["datasource"] == DATASOURCE
            assert (target["rawQuery"], target["format"], target["editorMode"]) == (
                True,
                "table",
                "code",
            )
            assert "$__" not in target["rawSql"], "no Grafana macros: the SQL runs as it is"
    assert len(ids) == 2


def _override(panel: dict[str, Any], pattern: str) -> dict[str, Any]:
    for override in panel["fieldConfig"]["overrides"]:
        if override["matcher"]["options"] == pattern:
            return {p["id"]: p["value"] for p in override["properties"]}
    raise AssertionError(f"no override for {pattern}")


def _mapped_colour(mappings: list[dict[str, Any]], value: float) -> str | None:
    """Grafana's value-mapping ranges: the first (by index) whose bounds hold the value."""
    ranges = sorted(
        (m["options"] for m in mappings if m["type"] == "range"),
        key=lambda o: o["result"]["index"],
    )
    for option in ranges:
        if option["from"] <= value <= option["to"]:
            colour: str = option["result"]["color"]
            return colour
    return None


def _threshold_colour(steps: list[dict[str, Any]], value: float) -> str:
    """Grafana's thresholds: the last step whose value is <= the cell (the caveat in
    user-infra.md §1.3: a step below an earlier one is dead)."""
    colour = steps[0]["color"]
    for step in steps[1:]:
        if value >= step["value"]:
            colour = step["color"]
        else:
            break
    return str(colour)


@pytest.mark.parametrize(
    ("name", "limit"), [("hmrc-tax-year-reconciliation.json", 10), ("payslip-audit.json", 1)]
)
def test_a_large_delta_is_red_whichever_its_sign(name: str, limit: float) -> None:
    panel = _panel(name)
    delta = _override(panel, "^delta_")
    assert delta["custom.cellOptions"]["type"] == "color-background"
    for value, colour in (
        (-5000, "red"),
        (-limit - 0.01, "red"),
        (0, "green"),
        (limit - 0.01, "green"),
        (limit + 0.01, "red"),
        (5000, "red"),
    ):
        assert _mapped_colour(delta["mappings"], value) == colour, value
    steps = _override(panel, "^abs_delta_")["thresholds"]["steps"]
    assert _threshold_colour(steps, 0) == "green"
    assert _threshold_colour(steps, 5000) == "red"


# ----------------------------------------------------------------------------- the SQL
_INGEST_COLUMNS = (
    "pay_date",
    "tax_year",
    "employer",
    "gross_pay",
    "net_pay",
    "salary",
    "rsu_vest",
    "pension_sacrifice",
    "taxable_pay",
    "income_tax",
    "national_insurance",
    "ytd_gross",
    "ytd_taxable_pay",
    "ytd_tax_paid",
)


def _insert_payslips(engine: Engine, slips: list[Payslip] | tuple[Payslip, ...]) -> None:
    rows = []
    for slip in slips:
        row = {c: getattr(slip, c) for c in _INGEST_COLUMNS}
        row["tax_year"] = slip.tax_year.storage
        # payslip-ingest requires net pay: the cash a payslip without one would have paid
        cash = slip.gross_pay - slip.income_tax - slip.national_insurance
        row["net_pay"] = slip.net_pay if slip.net_pay is not None else cash
        rows.append(row)
    columns = ", ".join(_INGEST_COLUMNS)
    values = ", ".join(f":{c}" for c in _INGEST_COLUMNS)
    sql = f"INSERT INTO payslip_ingest.payslip ({columns}) VALUES ({values})"  # noqa: S608
    with engine.begin() as connection:
        connection.execute(text(sql), rows)


def _snapshot(year: str, ref: str, when: dt.datetime, pay: Decimal, tax: Decimal) -> dict[str, Any]:
    return {
        "tax_year": year,
        "employer_paye_ref": ref,
        "snapshot_date": when,
        "gross_pay": pay,
        "income_tax": tax,
        "ni_contributions": None,
        "employer_name": "EXAMPLE EMPLOYER LTD",
        "source_api": "individual",
        "raw": {},
        "content_hash": f"{year}{when}",
    }


@pytest.fixture
def filled(postgres_url: str) -> Iterator[tuple[Engine, dict[str, Any]]]:
    """Three years: 2024-25 (sample year, HMRC available), 2023-24 (HMRC not yet), 2022-23
    (HMRC holds £500 less pay than the payslips, then withdrew the year)."""
    engine = make_engine(postgres_url)
    upgrade(engine)
    with engine.begin() as connection:
        create_payslip_ingest_schema(connection)
    sample = sample_year(TaxYear(2024))
    _insert_payslips(engine, sample.payslips)
    early = run_payroll(year=TaxYear(2023), employer="Example Employer Ltd", months=range(1, 4))
    _insert_payslips(engine, early.payslips())
    old = run_payroll(year=TaxYear(2022), employer="Example Employer Ltd")
    _insert_payslips(engine, old.payslips())
    with Session(engine) as session, session.begin():
        session.execute(
            insert(TaxYearSnapshot),
            [
                _snapshot(
                    "2024/25",
                    sample.employer_paye_ref,
                    NOW - dt.timedelta(days=30),
                    D("1.00"),
                    D("1.00"),
                ),
                _snapshot(
                    "2024/25", sample.employer_paye_ref, NOW, sample.taxable_pay, sample.income_tax
                ),
                _snapshot(
                    "2022/23", sample.employer_paye_ref, NOW, old.taxable - D("500.00"), old.tax
                ),
            ],
        )
        for api in ("individual-income", "individual-tax"):
            record_availability(session, TaxYear(2024), api, Observation.DATA, NOW)
            record_availability(session, TaxYear(2023), api, Observation.NOT_FOUND, NOW)
            record_availability(session, TaxYear(2022), api, Observation.DATA, NOW)
            record_availability(session, TaxYear(2022), api, Observation.NOT_FOUND, NOW)
    container = make_container(postgres_url, payslip_source="payslip-ingest")
    try:
        result = reconcile_and_store(container, None, now=NOW)
    finally:
        container.close()
    assert len(result.tax_years) == 3
    try:
        yield engine, {"sample": sample, "early": early, "old": old}
    finally:
        engine.dispose()


def _rows(engine: Engine, sql: str) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(text(sql))]


def test_the_year_panel_compares_on_the_taxable_pay_basis(
    filled: tuple[Engine, dict[str, Any]],
) -> None:
    engine, data = filled
    rows = _rows(engine, _sql("hmrc-tax-year-reconciliation.json"))
    assert [r["tax_year"] for r in rows] == ["2024/25", "2023/24", "2022/23"]
    latest, early, old = rows
    sample = data["sample"]
    taxable_on_slips = sum((s.taxable_basis for s in sample.payslips), D(0))
    assert latest["hmrc_taxable_pay"] == sample.taxable_pay, "the latest snapshot"
    assert latest["payslip_taxable_pay"] == taxable_on_slips
    assert latest["delta_taxable_pay"] == D("4700.00"), "one missing month, not RSU or sacrifice"
    assert latest["payslip_gross"] == D("55000.00")
    assert (latest["availability"], latest["status"], latest["payslips"]) == (
        "available",
        "explained",
        11,
    )
    assert "missing_period" in latest["explanations"]
    assert latest["delta_tax"] == sample.income_tax - sum(
        (s.income_tax for s in sample.payslips), D(0)
    )
    assert (early["availability"], early["status"]) == ("not yet available", "explained")
    assert (early["hmrc_taxable_pay"], early["delta_taxable_pay"]) == (None, None)
    assert early["payslip_taxable_pay"] == data["early"].taxable
    assert (old["delta_taxable_pay"], old["abs_delta_taxable_pay"]) == (D("-500.00"), D("500.00"))
    assert (old["availability"], old["status"]) == ("withdrawn", "mismatch")


def test_the_audit_panel_has_one_row_per_payslip_mismatches_first(
    filled: tuple[Engine, dict[str, Any]],
) -> None:
    engine, data = filled
    rows = _rows(engine, _sql("payslip-audit.json"))
    assert len(rows) == 11 + 3 + 12
    order = {"mismatch": 0, "explained": 1, "match": 2}
    assert [order[r["status"]] for r in rows] == sorted(order[r["status"]] for r in rows)
    september = next(r for r in rows if r["pay_date"] == dt.date(2024, 9, 25))
    slip = next(s for s in data["sample"].payslips if s.pay_date == dt.date(2024, 9, 25))
    assert september["status"] == "explained"
    assert september["explanation_code"] == "missing_period"
    assert september["tax_deducted"] == slip.income_tax
    assert september["delta_tax"] == september["tax_expected"] - slip.income_tax
    assert september["abs_delta_tax"] == abs(september["delta_tax"])
    assert september["ni_deducted"] == slip.national_insurance
    assert september["delta_ni"] == D("0.00")
    assert re.match(r"tax: .*missing", september["explanation"])
    april = next(r for r in rows if r["pay_date"] == dt.date(2024, 4, 25))
    assert (april["status"], april["explanation_code"], april["explanation"]) == (
        "match",
        None,
        None,
    )


def test_both_panels_show_review_between_mismatch_and_explained(
    filled: tuple[Engine, dict[str, Any]],
) -> None:
    engine, _ = filled
    with engine.begin() as connection:
        changed = connection.execute(
            text(
                "UPDATE hmrc_sync.reconciliation SET status = 'review' "
                "WHERE tax_year LIKE '2023%' AND scope = 'payslip' AND tax_period = 2 "
                "AND metric = 'tax'"
            )
        ).rowcount
    assert changed == 1
    rows = _rows(engine, _sql("payslip-audit.json"))
    order = {"mismatch": 0, "review": 1, "explained": 2, "match": 3}
    assert [order[r["status"]] for r in rows] == sorted(order[r["status"]] for r in rows)
    assert [r["status"] for r in rows].count("review") == 1
    years = {
        r["tax_year"]: r["status"] for r in _rows(engine, _sql("hmrc-tax-year-reconciliation.json"))
    }
    assert years["2023/24"] == "review", "a review outranks explained"
    assert years["2022/23"] == "mismatch", "a mismatch outranks review"
    for name in ("payslip-audit.json", "hmrc-tax-year-reconciliation.json"):
        document = (Path(__file__).resolve().parents[3] / "deploy" / "grafana" / name).read_text()
        assert '"review": {' in document, f"{name} colours the review status"
