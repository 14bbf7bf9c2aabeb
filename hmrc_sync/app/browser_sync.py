""" "Sync now" in the background: the page starts a sync, then asks how it is going.

One sync at a time (the app's ``sync_lock``); a second request while one runs is refused
politely. Each started sync is a ``BrowserSync`` the page polls by its id: the tax years done
so far, then the result. Only the last few are kept, in memory.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from hmrc_sync.errors import HmrcSyncError
from hmrc_sync.sync.jobs import JobResult
from hmrc_sync.sync.model import YearResult

KEEP: Final = 8


@dataclass
class BrowserSync:
    """One "Sync now": its years as they finish, then its outcome."""

    job_id: str
    years_asked: int
    years: list[dict[str, Any]] = field(default_factory=list)
    state: str = "running"  # running, done, failed
    summary: str = ""
    reconciliation: str | None = None
    exit_code: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "job": self.job_id,
            "state": self.state,
            "years_asked": self.years_asked,
            "years": list(self.years),
            "summary": self.summary,
            "reconciliation": self.reconciliation,
            "exit_code": self.exit_code,
        }


class BrowserSyncs:
    """The syncs started from the page, by id (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: OrderedDict[str, BrowserSync] = OrderedDict()

    def get(self, job_id: str) -> BrowserSync | None:
        with self._lock:
            return self._jobs.get(job_id)

    def start(
        self,
        sync_lock: threading.Lock,
        years_asked: int,
        run: Callable[[Callable[[YearResult], None]], JobResult],
    ) -> BrowserSync | None:
        """Run ``run`` in a thread (it is given the per-year callback); None when a sync is
        already running."""
        if not sync_lock.acquire(blocking=False):
            return None
        job = BrowserSync(secrets.token_urlsafe(12), years_asked)
        with self._lock:
            self._jobs[job.job_id] = job
            while len(self._jobs) > KEEP:
                self._jobs.popitem(last=False)

        def year_done(result: YearResult) -> None:
            with self._lock:
                job.years.append(result.as_json())

        def work() -> None:
            try:
                outcome = run(year_done)
                with self._lock:
                    job.summary = outcome.report.summary_line()
                    job.reconciliation = outcome.reconciliation_line()
                    job.exit_code = int(outcome.exit_code)
                    job.state = "done"
            except HmrcSyncError as exc:
                with self._lock:
                    job.summary, job.exit_code = exc.message, int(exc.exit_code)
                    job.state = "failed"
            except Exception:  # the page must hear that it ended, whatever happened
                with self._lock:
                    job.summary, job.state = "the sync stopped on an unexpected error", "failed"
            finally:
                sync_lock.release()

        threading.Thread(target=work, name=f"browser-sync-{job.job_id}", daemon=True).start()
        return job
