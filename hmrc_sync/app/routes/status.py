"""The owner's status page (``GET /``) and its "Sync now" (``POST /sync/browser``), which runs
a sync with the ``WEB_APP_VIA_SERVER`` fraud-prevention headers."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from hmrc_sync.app.charts import bar_chart, legend, projection_chart, timeline_chart
from hmrc_sync.app.deps import AppState, StateDep
from hmrc_sync.app.pages import OwnerDep, message_page, page
from hmrc_sync.app.security import request_scheme, set_cookie
from hmrc_sync.app.status_view import (
    YearFigures,
    finding_rows,
    money,
    tax_by_month,
    tax_year_label,
    timeline_events,
    year_figures,
)
from hmrc_sync.app.web_fraud import (
    DEVICE_COOKIE,
    DEVICE_COOKIE_MAX_AGE,
    BrowserDataError,
    web_app_context,
)
from hmrc_sync.client.deprecation import ApiDeprecation
from hmrc_sync.client.endpoints import INDIVIDUAL_APIS, ApiName
from hmrc_sync.db.reads import api_notices, last_finished_run, latest_findings, snapshot_history
from hmrc_sync.errors import HmrcSyncError
from hmrc_sync.fraud_headers import WEB_APP_VIA_SERVER, build_web_app_headers
from hmrc_sync.metrics import FINDING_STATUSES
from hmrc_sync.sync.jobs import JobResult, run_sync_job
from hmrc_sync.sync.model import Trigger, YearResult, resolve_tax_years
from hmrc_sync.sync.snapshots import availability_map, latest_snapshots
from hmrc_sync.tokenstore import GrantStatus
from hmrc_sync.yearend.position import Position

log = logging.getLogger(__name__)
router = APIRouter()

BROWSER_FIELDS = (
    "user_agent",
    "screen_width",
    "screen_height",
    "screen_scaling",
    "colour_depth",
    "window_width",
    "window_height",
    "utc_offset_minutes",
)
STATUSES = FINDING_STATUSES
APIS = tuple(api.value for api in INDIVIDUAL_APIS)


_GRANT_CSS = {
    GrantStatus.GRANTED: "ok",
    GrantStatus.EXPIRING_SOON: "warn",
    GrantStatus.EXPIRED: "bad",
    GrantStatus.REAUTHORISATION_REQUIRED: "bad",
}


def _grant_view(state: AppState, now: dt.datetime) -> dict[str, Any] | None:
    current = state.container.token_store.read()
    record = current.value if current else None
    if record is None or record.grant is None:
        return None
    grant = record.grant
    status = record.status(now)
    return {
        "state": status.label,
        "css": _GRANT_CSS.get(status, "bad"),
        "granted_at": f"{grant.granted_at:%Y-%m-%d %H:%M} UTC",
        "expires_at": f"{grant.grant_expires_at:%Y-%m-%d}",
        "days_left": max(0, (grant.grant_expires_at - now).days),
        "access_expires_at": f"{grant.access_token_expires_at:%Y-%m-%d %H:%M} UTC",
        "reason": record.reauthorisation_reason,
    }


def _last_run(state: AppState) -> dict[str, Any] | None:
    with state.container.sessions() as session:
        run = last_finished_run(session)
    if run is None or run.finished_at is None:
        return None
    notices, retired = api_notices(run)
    return {
        "deprecations": [
            ApiDeprecation(
                api,
                str(n.get("version") or ""),
                str(n.get("deprecation") or "true"),
                n.get("sunset"),
                n.get("link"),
            ).describe()
            for api, n in sorted(notices.items())
        ],
        "retired_api": retired,
        "outcome": run.outcome.replace("_", " "),
        "css": "ok" if run.outcome == "ok" else "bad",
        "finished_at": f"{run.finished_at:%Y-%m-%d %H:%M} UTC",
        "trigger": run.trigger,
        "requests": run.requests,
        "snapshots_added": run.snapshots_added,
        "error": run.summary.get("error"),
    }


def _reconciliation(session: Session) -> dict[str, Any]:
    rows = latest_findings(session)
    counts = {status: sum(1 for r in rows if r.status == status) for status in STATUSES}
    years, slips = finding_rows(rows)
    return {
        "counts": counts,
        "year_findings": years,
        "payslip_findings": slips,
        "payslips_needing_attention": [row for row in slips if row.needs_attention],
    }


def _figures_and_positions(state: AppState) -> tuple[YearFigures | None, list[Position], str]:
    """The charts' figures and the year-end positions, from one read of the evidence; on a
    failure the page still renders and says why."""
    from hmrc_sync.reconcile.store import load_input, options_from
    from hmrc_sync.yearend.store import positions_from

    container = state.container
    try:
        data = load_input(container, None, options_from(container))
        return year_figures(data), positions_from(data), ""
    except HmrcSyncError as exc:
        log.warning("status page: figures not available: %s", exc.message)
        return None, [], exc.message


def status_context(state: AppState) -> dict[str, Any]:
    now = dt.datetime.now(dt.UTC)
    with state.container.sessions() as session:
        snapshots = latest_snapshots(session)
        availability = availability_map(session)
        reconciliation = _reconciliation(session)
        withdrawn = {
            (row.tax_year, row.withdrawn_at)
            for row in availability.values()
            if row.withdrawn_at is not None
        }
        timeline = timeline_events(snapshot_history(session), sorted(withdrawn))
    years: dict[str, dict[str, str]] = {}
    for (tax_year, api), row in availability.items():
        years.setdefault(tax_year_label(tax_year), {})[api] = row.state.replace("_", " ")
    figures, positions, figures_error = _figures_and_positions(state)
    return {
        "title": "Status",
        "grant": _grant_view(state, now),
        "last_run": _last_run(state),
        "years": [{"tax_year": y, "states": years[y]} for y in sorted(years, reverse=True)],
        "apis": [(api, ApiName(api).label) for api in APIS],
        "snapshots": snapshots,
        "money": money,
        "tax_year_label": tax_year_label,
        "browser_fields": BROWSER_FIELDS,
        "reconciliation": reconciliation,
        "figures": figures,
        "figures_error": figures_error,
        "positions": positions,
        "bar_chart": bar_chart,
        "projection_chart": projection_chart,
        "timeline": timeline,
        "timeline_chart": timeline_chart,
        "tax_by_month": tax_by_month,
        "legend": legend,
    }


def _with_device_cookie(state: AppState, request: Request, response: Response) -> Response:
    set_cookie(
        response, request, DEVICE_COOKIE, state.container.device_id, max_age=DEVICE_COOKIE_MAX_AGE
    )
    return response


@router.get("/", include_in_schema=False)
def status_page(state: StateDep, request: Request, _owner: OwnerDep) -> Response:
    response = page(state, request, "status.html", **status_context(state))
    return _with_device_cookie(state, request, response)


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin:
        return False
    parts = urlsplit(origin)
    # Behind a TLS edge the connection is plain HTTP: compare with the scheme the browser used.
    return f"{parts.scheme}://{parts.netloc}" == f"{request_scheme(request)}://{request.url.netloc}"


@router.post("/sync/browser", include_in_schema=False)
async def sync_from_browser(state: StateDep, request: Request, _owner: OwnerDep) -> Response:
    if not _same_origin(request):
        return message_page(
            state,
            request,
            status=403,
            title="Refused",
            message="This form must be sent from the status page itself.",
        )
    form: Mapping[str, str] = {k: str(v) for k, v in (await request.form()).items()}
    if "application/json" in request.headers.get("accept", ""):
        return _start_browser_sync(state, request, form)
    return await _run_browser_sync(state, request, form)


def _start_browser_sync(state: AppState, request: Request, form: Mapping[str, str]) -> Response:
    """The page's script: start the sync in the background and answer at once (202) with
    where to ask how it is going; 409 while another runs."""
    container = state.container
    try:
        context = web_app_context(request, form, container.settings, container.device_id)
    except BrowserDataError as exc:
        return JSONResponse({"error": "bad_request", "message": exc.message}, status_code=400)
    years = resolve_tax_years("all")

    def run(progress: Callable[[YearResult], None]) -> JobResult:
        return run_sync_job(
            container,
            years,
            trigger=Trigger.BROWSER,
            connection_method=WEB_APP_VIA_SERVER,
            headers=lambda: build_web_app_headers(context),
            progress=progress,
        )

    job = state.browser_syncs.start(state.sync_lock, len(years), run)
    if job is None:
        return JSONResponse(
            {"error": "busy", "message": "A sync is already running; try again when it ends."},
            status_code=409,
        )
    body = {
        "job": job.job_id,
        "status_url": f"/sync/browser/{job.job_id}",
        "years_asked": len(years),
    }
    response = JSONResponse(body, status_code=202)
    _with_device_cookie(state, request, response)
    return response


@router.get("/sync/browser/{job_id}", include_in_schema=False)
def browser_sync_progress(state: StateDep, job_id: str, _owner: OwnerDep) -> Response:
    """How a "Sync now" is going: the tax years done so far, then the result."""
    job = state.browser_syncs.get(job_id)
    if job is None:
        return JSONResponse(
            {"error": "not_found", "message": "no such sync: reload the status page"},
            status_code=404,
        )
    return JSONResponse(job.as_json(), headers={"Cache-Control": "no-store"})


async def _run_browser_sync(state: AppState, request: Request, form: Mapping[str, str]) -> Response:
    container = state.container
    # The device-id cookie is tied to the stored id, which is what HMRC always receives.
    device_id = container.device_id
    try:
        context = web_app_context(request, form, container.settings, device_id)
    except BrowserDataError as exc:
        return message_page(
            state,
            request,
            status=400,
            title="Sync not started",
            message=exc.message,
        )
    if not state.sync_lock.acquire(blocking=False):
        return message_page(
            state,
            request,
            status=409,
            title="Sync already running",
            message="A sync is already running; try again when it ends.",
        )
    try:
        # The owner asked for everything HMRC may still hold, not just the current year.
        job = await run_in_threadpool(
            run_sync_job,
            container,
            resolve_tax_years("all"),
            trigger=Trigger.BROWSER,
            connection_method=WEB_APP_VIA_SERVER,
            headers=lambda: build_web_app_headers(context),
        )
        report = job.report
    except HmrcSyncError as exc:
        return message_page(
            state,
            request,
            status=503,
            title="Sync failed",
            message=exc.message,
        )
    finally:
        state.sync_lock.release()
    response: HTMLResponse = message_page(
        state,
        request,
        status=200 if report.exit_code == 0 else 502,
        title="Sync finished" if report.exit_code == 0 else "Sync did not complete",
        message=report.summary_line(),
    )
    return _with_device_cookie(state, request, response)
