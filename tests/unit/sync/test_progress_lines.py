"""The line each tax year gets as a sync goes, and the summary without its error (said once,
on its own line, by the CLI)."""

from __future__ import annotations

import datetime as dt

import pytest

from hmrc_sync.errors import ExitCode
from hmrc_sync.sync.model import SyncReport, SyncSource, Trigger, YearOutcome, YearResult
from hmrc_sync.taxyear import TaxYear

YEAR = TaxYear(2024)


@pytest.mark.parametrize(
    ("result", "line"),
    [
        (
            YearResult(YEAR, YearOutcome.SYNCED, employers=2, snapshots_added=1),
            "2024-25 … synced (2 employments, 1 new)",
        ),
        (
            YearResult(YEAR, YearOutcome.SYNCED, employers=1, snapshots_added=0),
            "2024-25 … synced (1 employment, 0 new)",
        ),
        (YearResult(YEAR, YearOutcome.NOT_YET_AVAILABLE), "2024-25 … not yet available"),
        (
            YearResult(YEAR, YearOutcome.FAILED, error="HMRC refused it"),
            "2024-25 … failed: HMRC refused it",
        ),
        (
            YearResult(YEAR, YearOutcome.FAILED, error="skipped: HMRC unavailable"),
            "2024-25 … skipped: HMRC unavailable",
        ),
    ],
)
def test_each_outcome_has_its_line(result: YearResult, line: str) -> None:
    assert result.progress_line() == line


def test_the_summary_can_leave_the_error_to_its_own_line() -> None:
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    report = SyncReport(
        run_id="r",
        trigger=Trigger.CLI,
        connection_method="BATCH_PROCESS_DIRECT",
        source=SyncSource.INDIVIDUAL,
        started_at=start,
        finished_at=start,
        error="no HMRC grant is stored yet",
        exit_code=ExitCode.REAUTHORISE,
    )
    assert report.summary_line().endswith("; no HMRC grant is stored yet")
    assert "grant" not in report.summary_line(with_error=False)
