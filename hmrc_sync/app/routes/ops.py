"""Liveness, readiness and metrics."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from hmrc_sync.app.deps import StateDep
from hmrc_sync.db.engine import current_revision, head_revision
from hmrc_sync.errors import HmrcSyncError

log = logging.getLogger(__name__)
router = APIRouter()


@router.get("/healthz", include_in_schema=False)
def healthz() -> dict[str, str]:
    """Liveness: the process answers. Deliberately checks nothing else."""
    return {"status": "ok"}


@router.get("/readyz", include_in_schema=False)
def readyz(state: StateDep) -> JSONResponse:
    """Readiness: the database answers and its migrations are at head."""
    try:
        revision = current_revision(state.container.engine)
    except HmrcSyncError as exc:
        # The driver's text (host, user, database) goes to the log, never to the probe's
        # answer, which anyone who can reach the port may read.
        log.warning("readiness: %s", exc.message)
        return JSONResponse(
            {"status": "unavailable", "reason": "the database cannot be read; see the log"},
            status_code=503,
        )
    head = head_revision()
    if revision != head:
        return JSONResponse(
            {"status": "unavailable", "reason": f"migrations at {revision}, head is {head}"},
            status_code=503,
        )
    return JSONResponse({"status": "ok", "revision": revision})


@router.get("/metrics", include_in_schema=False)
def metrics(state: StateDep) -> Response:
    body = generate_latest(state.container.metrics_registry)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
