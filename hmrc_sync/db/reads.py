"""Read models: the queries the status page, the metrics and ``status`` share.

One definition each, so two views never disagree about, say, which run was the last one.
(The snapshot and availability reads live beside their writer, in ``hmrc_sync.sync.snapshots``.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hmrc_sync.db.models import FetchLog, ReconciliationFinding, SyncRun, TaxYearSnapshot

SUCCESSFUL_OUTCOMES: Final = ("ok",)


def last_finished_run(session: Session) -> SyncRun | None:
    """The sync run that finished last (by its finish time; the later id breaks a tie)."""
    return session.scalars(
        select(SyncRun)
        .where(SyncRun.finished_at.is_not(None))
        .order_by(SyncRun.finished_at.desc(), SyncRun.id.desc())
        .limit(1)
    ).first()


def api_notices(run: SyncRun | None) -> tuple[dict[str, dict[str, Any]], str | None]:
    """The last run's deprecation notices per API and the API whose version was retired."""
    if run is None or not isinstance(run.summary, dict):
        return {}, None
    raw = run.summary.get("deprecations")
    deprecations = (
        {str(api): dict(notice) for api, notice in raw.items() if isinstance(notice, dict)}
        if isinstance(raw, dict)
        else {}
    )
    retired = run.summary.get("retired_api")
    return deprecations, str(retired) if retired else None


def last_successful_finish(session: Session) -> dt.datetime | None:
    """When the last run that ended with exit code 0 finished."""
    return session.scalar(
        select(func.max(SyncRun.finished_at)).where(SyncRun.outcome.in_(SUCCESSFUL_OUTCOMES))
    )


def request_counts(session: Session) -> Sequence[tuple[str | None, int | None, int]]:
    """HTTP requests to HMRC by API and status (None when no answer came)."""
    rows = session.execute(
        select(FetchLog.api, FetchLog.http_status, func.count()).group_by(
            FetchLog.api, FetchLog.http_status
        )
    ).all()
    return [(api, status, count) for api, status, count in rows]


def finding_counts(session: Session) -> dict[str, int]:
    """The latest reconciliation's findings by status."""
    rows = session.execute(
        select(ReconciliationFinding.status, func.count()).group_by(ReconciliationFinding.status)
    ).all()
    return {str(status): int(count) for status, count in rows}


def latest_findings(session: Session) -> Sequence[ReconciliationFinding]:
    """Every finding of the latest reconciliation, newest tax year first."""
    return session.scalars(
        select(ReconciliationFinding).order_by(
            ReconciliationFinding.tax_year.desc(), ReconciliationFinding.id
        )
    ).all()


def snapshot_history(session: Session) -> Sequence[tuple[str, str, dt.datetime]]:
    """(tax year, employer, when) of every snapshot kept, oldest first: the page's timeline."""
    rows = session.execute(
        select(
            TaxYearSnapshot.tax_year,
            func.coalesce(TaxYearSnapshot.employer_name, TaxYearSnapshot.employer_paye_ref),
            TaxYearSnapshot.snapshot_date,
        ).order_by(TaxYearSnapshot.snapshot_date, TaxYearSnapshot.id)
    ).all()
    return [(year, employer, when) for year, employer, when in rows]
