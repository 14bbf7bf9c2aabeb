"""``--json`` on the commands that report something: ``status`` and ``payslips list`` (money
exact, through ``hmrc_sync.jsonio``), and ``reconcile``/``position``, whose old ``--format``
still works but is deprecated."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from hmrc_sync import jsonio
from hmrc_sync.cli import cli
from hmrc_sync.db.engine import head_revision, make_engine, upgrade
from hmrc_sync.demo.sample_payslips import sample_year, write_p60_csv, write_payslips_csv
from hmrc_sync.settings import default_token_file
from hmrc_sync.taxyear import TaxYear

YEAR = TaxYear(2024)


def _run(url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "--database-url", url])


def _migrated(url: str) -> str:
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def test_status_json_for_a_database_not_there_yet(sqlite_url: str) -> None:
    result = _run(sqlite_url, "status", "--json")
    assert result.exit_code == 1
    state = json.loads(result.stdout)
    assert state["exists"] is False
    assert state["revision"] is None
    assert state["snapshots"] is None
    assert state["database"].endswith("hmrc-sync.db")
    assert not Path(sqlite_url.removeprefix("sqlite:///")).exists(), "status never creates it"


def test_status_json_for_a_migrated_database(sqlite_url: str) -> None:
    result = _run(_migrated(sqlite_url), "status", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "database": sqlite_url,
        "exists": True,
        "revision": head_revision(),
        "head": head_revision(),
        "up_to_date": True,
        "snapshots": 0,
        "last_sync": None,
        "grant": {
            "state": "not_granted",
            "expires_at": None,
            "store": f"file {default_token_file()}",
        },
    }
    text = _run(sqlite_url, "status")
    assert f"migrations: {head_revision()} (up to date)" in text.stdout


def test_payslips_list_json_keeps_every_amount_exact(sqlite_url: str, tmp_path: Path) -> None:
    sample = sample_year(YEAR)
    _migrated(sqlite_url)
    slips = write_payslips_csv(sample.payslips, tmp_path / "slips.csv")
    p60s = write_p60_csv([sample.p60], tmp_path / "p60.csv")
    assert _run(sqlite_url, "payslips", "import", str(slips)).exit_code == 0
    assert _run(sqlite_url, "payslips", "import", "--p60", str(p60s)).exit_code == 0

    result = _run(sqlite_url, "payslips", "list", "--json")
    assert result.exit_code == 0, result.output
    listed = jsonio.loads(result.stdout)
    assert isinstance(listed, dict)
    assert listed["source"] == "table"
    shown = listed["payslips"]
    assert isinstance(shown, list)
    assert len(shown) == len(sample.payslips)
    by_date = {slip["pay_date"]: slip for slip in shown if isinstance(slip, dict)}
    for slip in sample.payslips:
        row = by_date[slip.pay_date.isoformat()]
        assert row["tax_year"] == "2024-25"
        assert row["gross_pay"] == slip.gross_pay
        assert row["income_tax"] == slip.income_tax
        assert isinstance(row["gross_pay"], Decimal), "a number, never a float"
    p60s_shown = listed["p60s"]
    assert isinstance(p60s_shown, list)
    (p60,) = p60s_shown
    assert isinstance(p60, dict)
    assert p60["gross_pay"] == sample.p60.gross_pay
    assert f'"gross_pay":{sample.p60.gross_pay}' in result.stdout, "digit for digit"


def test_payslips_list_json_when_there_are_none(sqlite_url: str) -> None:
    result = _run(_migrated(sqlite_url), "payslips", "list", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"source": "table", "payslips": [], "p60s": []}


@pytest.mark.parametrize("command", ["reconcile", "position"])
def test_json_and_the_deprecated_format_give_the_same_document(
    sqlite_url: str, command: str
) -> None:
    _migrated(sqlite_url)
    flag = _run(sqlite_url, command, "--json")
    old = _run(sqlite_url, command, "--format", "json")
    assert flag.exit_code == old.exit_code, flag.output
    assert "deprecated" not in flag.stderr
    assert "Warning: --format is deprecated; use --json" in old.stderr
    first, second = json.loads(flag.stdout), json.loads(old.stdout)
    for document in (first, second):  # a fresh run id or time is no difference
        document.pop("generated_at", None)
    assert first.keys() == second.keys()
    help_text = _run(sqlite_url, command, "--help").stdout
    assert "--json" in help_text
    assert "--format" not in help_text, "hidden while deprecated"


@pytest.mark.parametrize(
    "args",
    [
        ["reconcile", "--json", "--csv"],
        ["reconcile", "--json", "--format", "csv"],
        ["position", "--json", "--format", "table"],
    ],
)
def test_two_outputs_at_once_are_refused(sqlite_url: str, args: list[str]) -> None:
    result = _run(sqlite_url, *args)
    assert result.exit_code == 2
    assert "choose one output" in result.output


def test_reconcile_csv(sqlite_url: str) -> None:
    result = _run(_migrated(sqlite_url), "reconcile", "--csv")
    assert result.exit_code == 9
    assert result.stdout.splitlines()[0].startswith("tax_year,")


REPORTING = [
    ["status"],
    ["payslips", "list"],
    ["reconcile"],
    ["position"],
    ["sync"],
    ["auth", "status"],
    ["fraud-headers"],
    ["config"],
]


@pytest.mark.parametrize("path", REPORTING, ids=" ".join)
def test_every_reporting_command_takes_json(path: list[str]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "--json" in result.output
    assert "--format" not in result.output
