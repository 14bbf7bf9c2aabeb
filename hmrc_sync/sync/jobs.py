"""One sync job, however it was started (CLI or CronJob, webhook, status page, demo): sync the
years, then reconcile them against the payslips and store the findings.

Reconciliation never fails the sync: a payslip problem is reported beside the sync's own
outcome (``reconcile`` has its own exit code for alerting).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from hmrc_sync.bootstrap import Container, HeaderSource
from hmrc_sync.errors import ExitCode, HmrcSyncError
from hmrc_sync.fraud_headers.model import ConnectionMethod
from hmrc_sync.reconcile.model import ReconcileResult, Status
from hmrc_sync.sync.model import SyncReport, SyncSource, Trigger, YearResult
from hmrc_sync.taxyear import TaxYear

log = logging.getLogger(__name__)


@dataclass
class JobResult:
    report: SyncReport
    reconciliation: ReconcileResult | None = None
    reconcile_error: str | None = None

    @property
    def exit_code(self) -> ExitCode:
        return self.report.exit_code

    def reconciliation_line(self) -> str | None:
        if self.reconcile_error:
            return f"reconcile not done: {self.reconcile_error}"
        result = self.reconciliation
        if result is None or not result.findings:
            return None
        counts = {status: result.count(status) for status in Status}
        return (
            f"reconcile: {counts[Status.MATCH]} match, {counts[Status.EXPLAINED]} explained, "
            f"{counts[Status.REVIEW]} to review, {counts[Status.MISMATCH]} mismatch"
        )

    def as_json(self) -> dict[str, Any]:
        body = self.report.as_json()
        if self.reconciliation is not None:
            body["reconciliation"] = {
                status.value: self.reconciliation.count(status) for status in Status
            }
        if self.reconcile_error:
            body["reconcile_error"] = self.reconcile_error
        return body


def run_sync_job(
    container: Container,
    tax_years: Sequence[TaxYear],
    *,
    source: SyncSource | str = SyncSource.INDIVIDUAL,
    trigger: Trigger = Trigger.CLI,
    connection_method: ConnectionMethod = ConnectionMethod.BATCH_PROCESS_DIRECT,
    headers: HeaderSource | None = None,
    progress: Callable[[YearResult], None] | None = None,
) -> JobResult:
    from hmrc_sync.reconcile.store import reconcile_and_store

    service = container.sync_service(connection_method=connection_method, headers=headers)
    job = JobResult(service.run(tax_years, source=source, trigger=trigger, progress=progress))
    if job.report.exit_code not in (ExitCode.OK, ExitCode.PARTIAL):
        return job
    try:
        job.reconciliation = reconcile_and_store(container, tax_years)
    except HmrcSyncError as exc:
        job.reconcile_error = exc.message
        # Info, not a warning: every caller says it in its own output (the CLI's line, the
        # JSON answer, the page), and a terminal should read it once.
        log.info("reconciliation after sync failed: %s", exc.message)
    return job
