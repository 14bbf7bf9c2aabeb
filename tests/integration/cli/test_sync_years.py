"""`sync --tax-year` refuses years HMRC cannot hold, before any request or database access."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from hmrc_sync.cli import cli
from hmrc_sync.taxyear import TaxYear


@pytest.mark.parametrize(
    ("offset", "problem"), [(1, "has not started yet"), (6, "older than HMRC serves")]
)
def test_years_hmrc_cannot_hold_are_refused(offset: int, problem: str) -> None:
    current = TaxYear.parse("current")
    year = TaxYear(current.start_year + 1) if offset == 1 else TaxYear(current.start_year - offset)
    result = CliRunner().invoke(
        cli,
        ["sync", "--tax-year", year.hmrc],
        env={"HMRC_SYNC_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/never-reached"},
    )
    assert result.exit_code == 2, result.output
    assert problem in result.output
    assert year.hmrc in result.output
