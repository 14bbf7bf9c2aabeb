"""``hmrc-sync position`` and ``position set`` end to end (CliRunner, a migrated SQLite
database with imported payslips and HMRC's figures), and the metric the web service exports."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
from click.testing import CliRunner, Result
from prometheus_client import generate_latest
from sqlalchemy.orm import Session

from hmrc_sync.bootstrap import bootstrap
from hmrc_sync.cli import HmrcSyncGroup
from hmrc_sync.commands.payslips import payslips
from hmrc_sync.commands.position import position
from hmrc_sync.db.engine import make_engine, upgrade
from hmrc_sync.db.models import TaxYearSnapshot
from hmrc_sync.errors import ExitCode
from hmrc_sync.settings import load_settings
from hmrc_sync.taxyear import TaxYear

YEAR = TaxYear(2024)  # 2024-25: allowance 12,570, basic band 37,700, same as 2025-26


def _cli() -> click.Group:
    return HmrcSyncGroup(name="hmrc-sync", commands={"payslips": payslips, "position": position})


def _invoke(*args: str) -> Result:
    return CliRunner().invoke(_cli(), list(args))


def _position(url: str, profile: Path, *args: str) -> Result:
    """``hmrc-sync position ARGS`` on this database and profile file."""
    return _invoke("position", *args, "--profile", str(profile), "--database-url", url)


def _one_year_json(url: str, profile: Path) -> dict[str, Any]:
    """The single year ``position --tax-year 2024-25 --json`` reports."""
    shown = _position(url, profile, "--tax-year", "2024-25", "--json")
    assert shown.exit_code == 0, shown.output
    (year,) = json.loads(shown.stdout)["positions"]
    assert isinstance(year, dict)
    return year


def _setup(sqlite_url: str, tmp_path: Path) -> Path:
    """One employer: twelve monthly payslips of £9,000 (£108,000) with £2,620 tax each
    (£31,440) and HMRC's matching figures for the year."""
    engine = make_engine(sqlite_url)
    upgrade(engine)
    rows = ["pay_date,employer,gross_pay,income_tax,national_insurance,tax_code"]
    for index in range(12):
        month = 4 + index
        day = dt.date(2024 + (month - 1) // 12, (month - 1) % 12 + 1, 25)
        rows.append(f"{day},Acme Ltd,9000.00,2620.00,300.00,1257L")
    slips = tmp_path / "slips.csv"
    slips.write_text("\n".join(rows) + "\n")
    with Session(engine) as session, session.begin():
        session.add(
            TaxYearSnapshot(
                tax_year=YEAR.storage,
                employer_paye_ref="123/AB456",
                snapshot_date=dt.datetime(2025, 7, 1, tzinfo=dt.UTC),
                gross_pay=Decimal("108000.00"),
                income_tax=Decimal("31440.00"),
                ni_contributions=None,
                employer_name="Acme Ltd",
                source_api="individual",
                raw={},
                content_hash="x",
            )
        )
    engine.dispose()
    result = _invoke("payslips", "import", str(slips), "--database-url", sqlite_url)
    assert result.exit_code == 0, result.output
    return tmp_path / "profile.json"


def test_position_json_and_table_agree_and_the_alert_exit_code(
    sqlite_url: str, tmp_path: Path
) -> None:
    """£108,000: allowance 12,570 - 4,000 = 8,570; taxable 99,430; 7,540 + 61,730 x 40%
    = 24,692; owed 32,232. Deducted 31,440 (HMRC's figure): a bill of £792."""
    profile = _setup(sqlite_url, tmp_path)
    year = _one_year_json(sqlite_url, profile)
    assert year["income_tax"] == "32232.00"
    assert year["tax_deducted"] == "31440.00"
    assert year["expected_refund"] == "-792.00"
    assert year["outcome"] == "bill"
    assert year["bases"] == ["HMRC"]
    assert year["estimate"] is True
    assert {driver["code"] for driver in year["drivers"]} == {"taper"}

    table = _position(sqlite_url, profile, "--tax-year", "2024-25")
    assert "you are likely to owe about £792.00" in table.output
    assert "tax due £32,232.00; tax deducted £31,440.00" in table.output

    alert = _position(sqlite_url, profile, "--alert-above", "500")
    assert alert.exit_code == ExitCode.POSITION_ALERT
    quiet = _position(sqlite_url, profile, "--alert-above", "1000")
    assert quiet.exit_code == 0


def test_position_set_changes_the_estimate(sqlite_url: str, tmp_path: Path) -> None:
    """With £8,000 of gross relief-at-source contributions: adjusted net income 100,000, so the
    full allowance; band 45,700. Taxable 95,430: 9,140 + 49,730 x 40% = 19,892; owed 29,032.
    Deducted 31,440: a refund of £2,408."""
    profile = _setup(sqlite_url, tmp_path)
    saved = _invoke(
        "position",
        "set",
        "--tax-year",
        "2024-25",
        "--relief-at-source",
        "8000",
        "--profile",
        str(profile),
    )
    assert saved.exit_code == 0, saved.output
    assert json.loads(profile.read_text())["years"][0]["relief_at_source_contributions"] == (
        "8000.00"
    )
    year = _one_year_json(sqlite_url, profile)
    assert year["expected_refund"] == "2408.00"
    assert "relief_at_source" in {driver["code"] for driver in year["drivers"]}


def test_bad_input_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    profile = tmp_path / "profile.json"
    result = _invoke(
        "position",
        "set",
        "--tax-year",
        "2024-25",
        "--gift-aid",
        "-3",
        "--profile",
        str(profile),
    )
    assert result.exit_code == 2
    assert "0 or more" in result.output
    assert not profile.exists()
    nothing = _invoke("position", "set", "--tax-year", "2024-25", "--profile", str(profile))
    assert nothing.exit_code == 2
    assert not profile.exists()


def test_the_metric_reports_each_year(sqlite_url: str, tmp_path: Path, monkeypatch: object) -> None:
    _setup(sqlite_url, tmp_path)
    container = bootstrap(load_settings(database_url=sqlite_url))
    try:
        text = generate_latest(container.metrics_registry).decode()
    finally:
        container.close()
    assert 'hmrc_sync_expected_refund_pounds{tax_year="2024-25"} -792.0' in text


def test_the_status_page_shows_the_same_position_as_the_json(
    sqlite_url: str, tmp_path: Path
) -> None:
    from fastapi.testclient import TestClient

    from hmrc_sync.app import create_app

    profile = _setup(sqlite_url, tmp_path)
    shown = _position(sqlite_url, profile, "--json")
    (year,) = json.loads(shown.stdout)["positions"]
    admin = "status-page-admin-token-0123456789abcdef"
    container = bootstrap(load_settings(database_url=sqlite_url, admin_token=admin))
    try:
        with TestClient(create_app(container)) as client:
            page = client.get("/", headers={"Authorization": f"Bearer {admin}"})
    finally:
        container.close()
    assert page.status_code == 200
    assert year["headline"] in page.text
    assert "£32,232.00" in page.text  # the tax due, as the JSON's income_tax
    assert "£31,440.00" in page.text  # the tax deducted
