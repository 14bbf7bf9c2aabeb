""" "Sync now" in the background: one at a time, years reported as they end, the result or
the failure kept for the page to read."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from hmrc_sync.app.browser_sync import KEEP, BrowserSync, BrowserSyncs
from hmrc_sync.errors import ReauthorisationRequired
from hmrc_sync.sync.model import YearOutcome, YearResult
from hmrc_sync.taxyear import TaxYear


def _finished(syncs: BrowserSyncs, job: BrowserSync) -> dict[str, Any]:
    for _ in range(200):
        state = syncs.get(job.job_id)
        assert state is not None
        if state.state != "running":
            return state.as_json()
        time.sleep(0.01)
    raise AssertionError("the sync never ended")


def _job_result(exit_code: int = 0) -> Any:
    report = SimpleNamespace(summary_line=lambda: "sync ok: 1 new snapshot")
    return SimpleNamespace(
        report=report, exit_code=exit_code, reconciliation_line=lambda: "reconcile: 2 match"
    )


def test_years_are_reported_as_they_end_then_the_result() -> None:
    lock, syncs = threading.Lock(), BrowserSyncs()
    release = threading.Event()

    def run(progress: Callable[[YearResult], None]) -> Any:
        progress(YearResult(TaxYear(2024), YearOutcome.SYNCED, employers=1, snapshots_added=1))
        release.wait(5)
        return _job_result()

    job = syncs.start(lock, 6, run)
    assert job is not None
    for _ in range(200):
        if job.as_json()["years"]:
            break
        time.sleep(0.01)
    running = job.as_json()
    assert running["state"] == "running"
    assert running["years"][0]["tax_year"] == "2024-25"
    assert syncs.start(lock, 6, run) is None  # a second one is refused while the first runs
    release.set()
    done = _finished(syncs, job)
    assert (done["state"], done["exit_code"]) == ("done", 0)
    assert done["summary"] == "sync ok: 1 new snapshot"
    assert done["reconciliation"] == "reconcile: 2 match"
    assert lock.acquire(blocking=False)  # released for the next one


def test_a_failure_is_kept_and_the_lock_released() -> None:
    lock, syncs = threading.Lock(), BrowserSyncs()

    def refused(progress: Callable[[YearResult], None]) -> Any:
        raise ReauthorisationRequired()

    job = syncs.start(lock, 6, refused)
    assert job is not None
    done = _finished(syncs, job)
    assert (done["state"], done["exit_code"]) == ("failed", 3)
    assert "re-authorisation required" in done["summary"]

    def broken(progress: Callable[[YearResult], None]) -> Any:
        raise RuntimeError("boom")

    job = syncs.start(lock, 6, broken)
    assert job is not None
    assert _finished(syncs, job)["summary"] == "the sync stopped on an unexpected error"
    assert lock.acquire(blocking=False)


def test_only_the_last_few_syncs_are_kept() -> None:
    lock, syncs = threading.Lock(), BrowserSyncs()
    jobs = []
    for _ in range(KEEP + 2):
        job = syncs.start(lock, 1, lambda progress: _job_result())
        assert job is not None
        _finished(syncs, job)
        jobs.append(job)
    assert syncs.get(jobs[0].job_id) is None
    assert syncs.get(jobs[-1].job_id) is not None
