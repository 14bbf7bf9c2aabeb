"""``POST /sync``: the webhook that runs a sync (bearer ``HMRC_SYNC_WEBHOOK_TOKEN``)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from hmrc_sync.app.deps import StateDep
from hmrc_sync.app.security import bearer, client_key, tokens_match
from hmrc_sync.errors import HmrcSyncError
from hmrc_sync.sync.jobs import run_sync_job
from hmrc_sync.sync.model import Trigger, resolve_tax_years

log = logging.getLogger(__name__)
router = APIRouter()


@router.post("/sync", include_in_schema=False)
def run_sync(state: StateDep, request: Request, tax_year: str = "current") -> JSONResponse:
    """Run a sync for ``?tax_year=`` (``current`` by default; ``all``, ``previous`` or a year)."""
    settings = state.container.settings
    key = client_key(request)
    wait = state.backoff.retry_after(key)
    if wait is not None:
        return JSONResponse(
            {"error": "too_many_attempts", "message": "too many wrong tokens; try again later"},
            status_code=429,
            headers={"Retry-After": str(max(1, round(wait)))},
        )
    if not tokens_match(bearer(request.headers.get("authorization")), settings.webhook_token):
        state.backoff.failed(key)
        return JSONResponse(
            {"error": "unauthorized", "message": "a valid webhook bearer token is required"},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
    state.backoff.succeeded(key)
    try:
        years = resolve_tax_years(tax_year)
    except ValueError as exc:
        return JSONResponse({"error": "bad_request", "message": str(exc)}, status_code=400)
    if not state.sync_lock.acquire(blocking=False):
        return JSONResponse(
            {"error": "busy", "message": "a sync is already running; try again when it ends"},
            status_code=409,
        )
    try:
        job = run_sync_job(state.container, years, trigger=Trigger.WEBHOOK)
        body: dict[str, Any] = job.as_json()
        return JSONResponse(body, status_code=200 if job.exit_code == 0 else 502)
    except HmrcSyncError as exc:
        return JSONResponse(
            {"error": type(exc).__name__, "message": exc.message, "exit_code": exc.exit_code},
            status_code=503,
        )
    finally:
        state.sync_lock.release()
