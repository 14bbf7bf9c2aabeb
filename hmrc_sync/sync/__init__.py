"""The main job: ask HMRC for each tax year, keep what changed, reconcile.

* ``model``: the values, pure (``EmployerFigures``, ``Observation``, ``ApiCall``,
  ``AvailabilityState``, ``YearResult``, ``SyncReport``, ``SyncSource``, ``Trigger``);
* ``individual`` and ``mtd``: each route's fetch-and-normalise step (the merge is pure);
* ``snapshots``: the append-only snapshot writer and availability, and their read queries;
* ``service``: ``SyncService``, one run over several tax years, with its ``fetch_log``;
* ``jobs``: ``run_sync_job``, a sync then a reconciliation (the CLI, webhook and status page).

The I/O parts are imported on first use, so ``import hmrc_sync.sync.model`` stays pure.
"""

from typing import TYPE_CHECKING

from hmrc_sync import lazy_exports
from hmrc_sync.sync.model import (
    ApiCall,
    AvailabilityState,
    EmployerFigures,
    Observation,
    SyncReport,
    SyncSource,
    Trigger,
    YearOutcome,
    YearResult,
    resolve_tax_years,
)

if TYPE_CHECKING:
    from hmrc_sync.sync.jobs import JobResult, run_sync_job
    from hmrc_sync.sync.service import FetchLogRecorder, SyncService

_LAZY = {
    "FetchLogRecorder": "hmrc_sync.sync.service",
    "JobResult": "hmrc_sync.sync.jobs",
    "SyncService": "hmrc_sync.sync.service",
    "run_sync_job": "hmrc_sync.sync.jobs",
}
__getattr__ = lazy_exports(__name__, _LAZY)

__all__ = [
    "ApiCall",
    "AvailabilityState",
    "EmployerFigures",
    "FetchLogRecorder",
    "JobResult",
    "Observation",
    "SyncReport",
    "SyncService",
    "SyncSource",
    "Trigger",
    "YearOutcome",
    "YearResult",
    "resolve_tax_years",
    "run_sync_job",
]
