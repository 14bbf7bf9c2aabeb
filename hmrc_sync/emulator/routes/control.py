"""The control API, mounted only when ``FaultConfig.control_api`` is on (``--control-api``).

Not HMRC; no authentication (the emulator is a local test tool). JSON in and out:

* ``GET /emulator/control/faults`` → the faults in force;
* ``PATCH /emulator/control/faults`` with any of ``latency_ms``, ``error_rate``,
  ``error_statuses``, ``throttle_burst``, ``token_endpoint_down``, ``drop_after_refresh``,
  ``refresh_delay_ms`` → the faults now in force (400 on an unknown name or bad value);
* ``POST /emulator/control/clock`` with ``{"advanceSeconds": N}`` → ``{"now": ISO time}``
  (moves the emulator's clock: token, code and grant expiry, availability dates);
* ``POST /emulator/control/grants/revoke`` with ``{"userId": ..., "clientId": ...?}`` →
  ``{"revoked": N}`` (the user revoked the application's authority);
* ``POST /emulator/control/rate-limit/reset`` → ``{}`` (forget the accepted requests).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request, Response

from hmrc_sync.emulator.routes.gateway import ApiError, emulator_of
from hmrc_sync.emulator.routes.responses import JsonResponse
from hmrc_sync.jsonio import JsonError, loads


async def _body(request: Request) -> dict[str, Any]:
    try:
        body = loads(await request.body() or b"{}")
    except JsonError:
        raise ApiError(400, "INVALID_REQUEST", "Invalid JSON") from None
    if not isinstance(body, dict):
        raise ApiError(400, "INVALID_REQUEST", "The body must be a JSON object")
    return body


async def get_faults(request: Request) -> Response:
    return JsonResponse(emulator_of(request).faults.as_json())


async def change_faults(request: Request) -> Response:
    changes = await _body(request)
    faults = emulator_of(request).faults
    try:
        faults.update(**{key: _plain(value) for key, value in changes.items()})
    except (TypeError, ValueError) as error:
        raise ApiError(400, "INVALID_REQUEST", str(error)) from None
    return JsonResponse(faults.as_json())


def _plain(value: Any) -> Any:
    """JSON numbers arrive as Decimal; the fault settings are ints and floats."""
    return float(value) if isinstance(value, Decimal) else value


async def move_clock(request: Request) -> Response:
    body = await _body(request)
    seconds = _plain(body.get("advanceSeconds"))
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise ApiError(400, "INVALID_REQUEST", "advanceSeconds must be a number")
    now = emulator_of(request).advance(timedelta(seconds=seconds))
    return JsonResponse({"now": now.isoformat()})


async def revoke(request: Request) -> Response:
    body = await _body(request)
    user_id, client_id = body.get("userId"), body.get("clientId")
    if not isinstance(user_id, str) or (client_id is not None and not isinstance(client_id, str)):
        raise ApiError(400, "INVALID_REQUEST", "userId (and optionally clientId) are strings")
    return JsonResponse({"revoked": emulator_of(request).revoke_grants(user_id, client_id)})


async def reset_rate_limit(request: Request) -> Response:
    emulator_of(request).rate_limit.reset()
    return JsonResponse({})


def router() -> APIRouter:
    """This module's routes, built for each app (nothing is built at import)."""
    routes = APIRouter(prefix="/emulator/control")
    routes.add_api_route("/faults", get_faults, methods=["GET"])
    routes.add_api_route("/faults", change_faults, methods=["PATCH"])
    routes.add_api_route("/clock", move_clock, methods=["POST"])
    routes.add_api_route("/grants/revoke", revoke, methods=["POST"])
    routes.add_api_route("/rate-limit/reset", reset_rate_limit, methods=["POST"])
    return routes
