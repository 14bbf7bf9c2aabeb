"""``hmrc-sync payslips import`` and ``hmrc-sync reconcile`` end to end (CliRunner), and the
reconciliation table they fill."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from hmrc_sync.cli import HmrcSyncGroup
from hmrc_sync.commands.common import make_container
from hmrc_sync.commands.payslips import payslips
from hmrc_sync.commands.reconcile import reconcile
from hmrc_sync.db.engine import make_engine, upgrade
from hmrc_sync.db.models import ReconciliationFinding, TaxYearSnapshot
from hmrc_sync.demo.sample_payslips import (
    SampleYear,
    sample_year,
    write_p60_csv,
    write_payslips_csv,
)
from hmrc_sync.reconcile.store import reconcile_and_store
from hmrc_sync.sync.model import Observation
from hmrc_sync.sync.snapshots import record_availability
from hmrc_sync.taxyear import TaxYear

YEAR = TaxYear(2024)
WHEN = dt.datetime(2025, 8, 1, 6, 0, tzinfo=dt.UTC)


def _cli() -> click.Group:
    """The two commands under hmrc-sync's own group (its error handling and exit codes)."""
    return HmrcSyncGroup(name="hmrc-sync", commands={"payslips": payslips, "reconcile": reconcile})


def _invoke(url: str, *args: str) -> Result:
    return CliRunner().invoke(_cli(), [*args, "--database-url", url])


def _seed_hmrc(engine: Engine, sample: SampleYear, tax_offset: Decimal = Decimal(0)) -> None:
    with Session(engine) as session, session.begin():
        session.add(
            TaxYearSnapshot(
                tax_year=YEAR.storage,
                employer_paye_ref=sample.employer_paye_ref,
                snapshot_date=WHEN,
                gross_pay=sample.taxable_pay,
                income_tax=sample.income_tax + tax_offset,
                ni_contributions=None,
                employer_name=sample.employer.upper(),
                source_api="individual",
                raw={},
                content_hash="x",
            )
        )
        for api in ("individual-income", "individual-tax"):
            record_availability(session, YEAR, api, Observation.DATA, WHEN)


def _stored(engine: Engine) -> list[ReconciliationFinding]:
    with Session(engine) as session:
        return list(session.scalars(select(ReconciliationFinding)))


@pytest.fixture
def sample() -> SampleYear:
    return sample_year(YEAR)


def test_import_then_reconcile_explains_everything(
    sqlite_url: str, tmp_path: Path, sample: SampleYear
) -> None:
    engine = make_engine(sqlite_url)
    upgrade(engine)
    _seed_hmrc(engine, sample)
    slips = write_payslips_csv(sample.payslips, tmp_path / "slips.csv")
    p60s = write_p60_csv([sample.p60], tmp_path / "p60.csv")

    first = _invoke(sqlite_url, "payslips", "import", str(slips))
    assert first.exit_code == 0, first.output
    assert "11 payslips added, 0 updated, 0 unchanged" in first.output
    again = _invoke(sqlite_url, "payslips", "import", str(slips))
    assert "0 payslips added, 0 updated, 11 unchanged" in again.output
    assert _invoke(sqlite_url, "payslips", "import", "--p60", str(p60s)).exit_code == 0
    listing = _invoke(sqlite_url, "payslips", "list")
    assert "2024-25  Example Employer Ltd: 11 payslips" in listing.output

    result = _invoke(sqlite_url, "reconcile")
    assert result.exit_code == 0, result.output
    assert "Tax year 2024-25  (HMRC data: available)" in result.output
    assert "[missing_period]" in result.output
    assert "everything matches or is explained by what is on record." in result.output
    stored = _stored(engine)
    assert {row.tax_year for row in stored} == {"2024/25"}
    assert len({row.run_id for row in stored}) == 1
    year_rows = [r for r in stored if r.scope == "year" and r.basis == "hmrc"]
    assert {r.metric: r.status for r in year_rows} == {
        "taxable_pay": "explained",
        "gross": "explained",
        "tax": "explained",
    }
    pay = next(r for r in year_rows if r.metric == "taxable_pay")
    assert (pay.hmrc_value, pay.difference, pay.availability) == (
        sample.taxable_pay,
        Decimal("4700.00"),
        "available",
    )

    rerun = _invoke(sqlite_url, "reconcile", "--tax-year", "2024-25", "--csv")
    assert rerun.exit_code == 0
    restored = _stored(engine)
    assert len(restored) == len(stored), "a run replaces the year's rows"
    assert {r.run_id for r in restored} != {r.run_id for r in stored}
    engine.dispose()


def test_an_unexplained_mismatch_exits_6(
    sqlite_url: str, tmp_path: Path, sample: SampleYear
) -> None:
    engine = make_engine(sqlite_url)
    upgrade(engine)
    _seed_hmrc(engine, sample, tax_offset=Decimal("250.00"))
    slips = write_payslips_csv(sample.payslips, tmp_path / "slips.csv")
    assert _invoke(sqlite_url, "payslips", "import", str(slips)).exit_code == 0

    table = _invoke(sqlite_url, "reconcile")
    assert table.exit_code == 6
    assert "1 difference(s) nothing on record accounts for" in table.stderr
    assert "exit 6" in table.stderr
    as_json = _invoke(sqlite_url, "reconcile", "--json", "--tax-year", "all")
    assert as_json.exit_code == 6
    document = json.loads(as_json.stdout)
    assert document["summary"]["mismatch"] == 1
    loose = _invoke(sqlite_url, "reconcile", "--tolerance", "2000")
    assert loose.exit_code == 0
    (tax,) = [r for r in _stored(engine) if r.metric == "tax" and r.basis == "hmrc"]
    assert tax.status == "match"
    engine.dispose()


def test_bad_options_and_bad_files_are_refused(sqlite_url: str, tmp_path: Path) -> None:
    engine = make_engine(sqlite_url)
    upgrade(engine)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "pay_date,gross_pay,income_tax,national_insurance\n"
        "2024-04-25,100,0,0\n2024-05-25,abc,0,0\n2024-13-25,100,0,0\n",
        encoding="utf-8",
    )
    result = _invoke(sqlite_url, "payslips", "import", str(bad))
    assert result.exit_code == 2
    assert "line 3, gross_pay" in result.stderr
    assert "line 4, pay_date" in result.stderr
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(ReconciliationFinding)) == 0
    assert _invoke(sqlite_url, "reconcile", "--tolerance", "-1").exit_code == 2
    assert _invoke(sqlite_url, "reconcile", "--tax-code", "1257Q").exit_code == 2
    assert _invoke(sqlite_url, "reconcile", "--tax-year", "2024-26").exit_code == 2
    engine.dispose()


def test_an_empty_database_has_nothing_to_reconcile(sqlite_url: str) -> None:
    upgrade(make_engine(sqlite_url))
    table = _invoke(sqlite_url, "reconcile")
    assert table.exit_code == 9, table.output
    assert "Nothing to reconcile" in table.output
    assert "everything matches" not in table.output
    as_json = _invoke(sqlite_url, "reconcile", "--json")
    assert as_json.exit_code == 9
    document = json.loads(as_json.stdout[as_json.stdout.index("{\n") :])
    assert document["summary"] == {"match": 0, "explained": 0, "review": 0, "mismatch": 0}
    assert document["verdict"] == "nothing to reconcile"


def test_help_lists_the_exit_codes(sqlite_url: str) -> None:
    text = _invoke(sqlite_url, "reconcile", "--help").output
    for line in ("0  everything matches", "6  a mismatch", "8  no mismatch", "9  nothing to"):
        assert line in text


def test_reconcile_needs_a_migrated_database(sqlite_url: str) -> None:
    result = _invoke(sqlite_url, "reconcile")
    assert result.exit_code == 1
    assert "hmrc-sync migrate" in result.stderr


def test_reconcile_and_store_on_each_database(database_url: str, sample: SampleYear) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    _seed_hmrc(engine, sample)
    container = make_container(database_url)
    try:
        result = reconcile_and_store(container, [YEAR], now=WHEN)
        assert result.tax_years == (YEAR,)
        stored = _stored(engine)
        assert len(stored) == len(result.findings)
        # No payslips: HMRC's employer is on one side only, which is explained.
        assert {(r.metric, r.status, r.explanation_code) for r in stored} == {
            ("taxable_pay", "review", "employer_hmrc_only"),
            ("tax", "review", "employer_hmrc_only"),
        }
        assert all(r.created_at == WHEN for r in stored)
        assert reconcile_and_store(container, [TaxYear(2023)], now=WHEN).findings == ()
        assert len(_stored(engine)) == len(stored), "other years' rows are left alone"
    finally:
        container.close()
        engine.dispose()
