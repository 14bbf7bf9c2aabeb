"""deploy/grafana/hmrc-sync.json: a whole dashboard that imports anywhere (a data-source
variable, no fixed uid) and reads only hmrc-sync's own tables; each panel's SQL run on
PostgreSQL against those tables, filled by a real import, snapshots and reconciliation."""

from __future__ import annotations

import datetime as dt
import inspect
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
from hmrc_sync.db.models import SyncRun, TaxYearSnapshot
from hmrc_sync.demo.sample_payslips import sample_year, write_p60_csv, write_payslips_csv
from hmrc_sync.payslips import import_p60_csv, import_payslips_csv
from hmrc_sync.reconcile.store import reconcile_and_store
from hmrc_sync.sync.model import Observation
from hmrc_sync.sync.snapshots import record_availability
from hmrc_sync.taxyear import TaxYear

DASHBOARD = Path(__file__).resolve().parents[3] / "deploy" / "grafana" / "hmrc-sync.json"
VARIABLE_DS = {"type": "grafana-postgresql-datasource", "uid": "${datasource}"}
PROMETHEUS_DS = {"type": "prometheus", "uid": "${prometheus}"}
YEAR = TaxYear(2024)
NOW = dt.datetime(2025, 9, 1, 6, 0, tzinfo=dt.UTC)


def _dashboard() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    return document


def _panels() -> dict[str, dict[str, Any]]:
    return {panel["title"]: panel for panel in _dashboard()["panels"]}


def test_the_dashboard_imports_anywhere() -> None:
    dashboard = _dashboard()
    assert dashboard["schemaVersion"] >= 36
    assert dashboard["uid"] == "hmrc-sync"
    variables = {v["name"]: (v["type"], v["query"]) for v in dashboard["templating"]["list"]}
    assert variables == {
        "datasource": ("datasource", "grafana-postgresql-datasource"),
        "prometheus": ("datasource", "prometheus"),
    }
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    for panel in _sql_panels():
        assert panel["datasource"] == VARIABLE_DS, panel["title"]
        assert panel["description"], panel["title"]
        assert set(panel["gridPos"]) == {"h", "w", "x", "y"}
        assert panel["gridPos"]["x"] + panel["gridPos"]["w"] <= 24
        for target in panel["targets"]:
            assert target["datasource"] == VARIABLE_DS
            assert target["rawQuery"] is True
    assert "payslips-pg" not in DASHBOARD.read_text(encoding="utf-8")


def _sql_panels() -> list[dict[str, Any]]:
    return [p for p in _dashboard()["panels"] if p["datasource"]["type"] != "prometheus"]


def test_the_position_panel_reads_hmrc_sync_s_metric() -> None:
    from hmrc_sync.metrics import StateCollector

    (panel,) = [p for p in _dashboard()["panels"] if p["datasource"] == PROMETHEUS_DS]
    (target,) = panel["targets"]
    assert target["datasource"] == PROMETHEUS_DS
    metric = re.search(r"hmrc_sync_[a-z_]+", target["expr"])
    assert metric is not None
    assert metric.group(0) == "hmrc_sync_expected_refund_pounds"
    exported = Path(inspect.getfile(StateCollector)).read_text(encoding="utf-8")
    assert f'"{metric.group(0)}"' in exported


def test_every_panel_reads_only_hmrc_sync_tables() -> None:
    for panel in _sql_panels():
        (target,) = panel["targets"]
        tables = set(re.findall(r"\b(?:FROM|JOIN)\s+([a-z_]+\.[a-z_]+)", target["rawSql"]))
        assert tables, panel["title"]
        assert all(table.startswith("hmrc_sync.") for table in tables), tables
        assert "$__" not in target["rawSql"], "no Grafana macros: the SQL runs as it is"


@pytest.fixture
def filled(postgres_url: str, tmp_path: Path) -> Iterator[Engine]:
    """2024-25: the sample year imported into hmrc-sync's own payslip and P60 tables, HMRC's
    figures (a first snapshot, then the final one), a reconciliation and two sync runs."""
    engine = make_engine(postgres_url)
    upgrade(engine)
    sample = sample_year(YEAR)
    slips, p60s = tmp_path / "slips.csv", tmp_path / "p60.csv"
    write_payslips_csv(sample.payslips, slips)
    write_p60_csv([sample.p60], p60s)
    import_payslips_csv(engine, slips)
    import_p60_csv(engine, p60s)
    with Session(engine) as session, session.begin():
        session.execute(
            insert(TaxYearSnapshot),
            [
                {
                    "tax_year": YEAR.storage,
                    "employer_paye_ref": sample.employer_paye_ref,
                    "snapshot_date": when,
                    "gross_pay": pay,
                    "income_tax": tax,
                    "ni_contributions": None,
                    "employer_name": sample.employer,
                    "source_api": "individual",
                    "raw": {},
                    "content_hash": str(when),
                }
                for when, pay, tax in (
                    (NOW - dt.timedelta(days=30), Decimal("1000.00"), Decimal("100.00")),
                    (NOW, sample.taxable_pay, sample.income_tax),
                )
            ],
        )
        for api in ("individual-income", "individual-tax"):
            record_availability(session, YEAR, api, Observation.DATA, NOW)
        for day, outcome, code in ((1, "hmrc_unavailable", 4), (2, "ok", 0)):
            session.add(
                SyncRun(
                    run_id=f"run-{day}",
                    started_at=NOW + dt.timedelta(days=day),
                    finished_at=NOW + dt.timedelta(days=day, minutes=1),
                    trigger="cli",
                    connection_method="BATCH_PROCESS_DIRECT",
                    outcome=outcome,
                    exit_code=code,
                    requests=5,
                    snapshots_added=0,
                    summary={},
                )
            )
    container = make_container(postgres_url, payslip_source="table")
    try:
        reconcile_and_store(container, [YEAR])
    finally:
        container.close()
    try:
        yield engine
    finally:
        engine.dispose()


def _rows(engine: Engine, title: str) -> list[dict[str, Any]]:
    (target,) = _panels()[title]["targets"]
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(text(target["rawSql"]))]


@pytest.mark.postgres
def test_the_panels_show_hmrc_the_p60_and_the_payslips(filled: Engine) -> None:
    sample = sample_year(YEAR)
    (pay,) = _rows(filled, "Pay per tax year: HMRC, P60 and payslips")
    assert pay["tax_year"] == YEAR.storage
    assert pay["HMRC"] == sample.taxable_pay  # the latest snapshot, not the first
    assert pay["P60"] == sample.p60.gross_pay
    assert pay["Payslips"] == sum(s.taxable_basis for s in sample.payslips)
    (tax,) = _rows(filled, "Tax per tax year: HMRC, P60 and payslips")
    assert tax["HMRC"] == sample.income_tax
    assert tax["Payslips"] == sum(s.income_tax for s in sample.payslips)

    (verdict,) = _rows(filled, "Reconciliation per tax year")
    with filled.connect() as connection:
        stored = dict(
            connection.execute(
                text("SELECT status, COUNT(*) FROM hmrc_sync.reconciliation GROUP BY status")
            ).all()
        )
    for status in ("match", "explained", "review", "mismatch"):
        assert verdict[status] == stored.get(status, 0)
    assert verdict["verdict"] in {"match", "explained", "review", "mismatch"}

    attention = _rows(filled, "Needs attention: mismatches and reviews")
    assert len(attention) == stored.get("mismatch", 0) + stored.get("review", 0)

    timeline = _rows(filled, "HMRC's figures over time")
    assert [row["pay"] for row in timeline] == [sample.taxable_pay, Decimal("1000.00")]
    states = {
        row["api"]: row["state"] for row in _rows(filled, "What HMRC serves per tax year and API")
    }
    assert states == {"individual-income": "available", "individual-tax": "available"}
    runs = _rows(filled, "Recent syncs")
    assert [run["outcome"] for run in runs] == ["ok", "hmrc_unavailable"]
    (since,) = _rows(filled, "Days since the last successful sync")
    assert since["days"] > 0
