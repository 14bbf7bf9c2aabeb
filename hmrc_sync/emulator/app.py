"""The emulator's ASGI app factory."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from hmrc_sync.emulator.config import EmulatorConfig
from hmrc_sync.emulator.engine.faults import FaultMiddleware
from hmrc_sync.emulator.engine.grants import OAuthError
from hmrc_sync.emulator.engine.state import Emulator, utc_now
from hmrc_sync.emulator.routes import apis, control, fraud, mtd, oauth
from hmrc_sync.emulator.routes import hmrc_test_support as test_support
from hmrc_sync.emulator.routes.gateway import (
    MATCHING_RESOURCE_NOT_FOUND,
    ApiError,
    add_deprecation_headers,
)
from hmrc_sync.emulator.routes.pages import error_page
from hmrc_sync.emulator.routes.responses import JsonResponse, error_body

_PAGES = (
    "/oauth/authorize",
    "/oauth/start",
    "/oauth/sign-in",
    "/oauth/grantscope",
    "/api-test-login/",
)


def create_emulator_app(
    config: EmulatorConfig | None = None, *, clock: Callable[[], datetime] | None = None
) -> FastAPI:
    """A new emulator: its own state (``app.state.emulator``), routes and middleware.

    ``clock`` returns the current aware datetime (default: the system clock in UTC); tests can
    also move the emulator's time with ``app.state.emulator.advance(timedelta)``.
    """
    config = config or EmulatorConfig()
    emulator = Emulator(config, clock=clock or utc_now)
    app = FastAPI(
        title="HMRC emulator",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.emulator = emulator
    app.add_api_route("/", _home, methods=["GET"], include_in_schema=False)
    for module in (oauth, apis, mtd, test_support, fraud):
        app.include_router(module.router())
    if config.faults.control_api:
        app.include_router(control.router())
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(OAuthError, _oauth_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_middleware(FaultMiddleware, faults=emulator.faults)
    app.middleware("http")(add_deprecation_headers)
    return app


_HOME = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>HMRC emulator</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 2em auto">
<h1>HMRC emulator</h1>
<p>A local stand-in for HMRC's APIs, sign-in pages and test users, for trying and testing
hmrc-sync. Nothing here is HMRC, and no real data is held.</p>
<p>It holds {users} test user(s) and {applications} application(s).</p>
<h2>What to do</h2>
<ol>
<li>Copy the <code>export HMRC_SYNC_...</code> lines that <code>hmrc-sync emulator</code> printed
into your shell.</li>
<li>Run <code>hmrc-sync auth login</code> and sign in with a test user's id and password (also
printed at start; <code>hmrc-sync emulator add-user</code> makes another).</li>
<li>Run <code>hmrc-sync sync --tax-year all</code>, then <code>hmrc-sync status</code>.</li>
</ol>
</body></html>
"""


async def _home(request: Request) -> HTMLResponse:
    emulator: Emulator = request.app.state.emulator
    page = _HOME.format(users=len(emulator.users), applications=len(emulator.applications))
    return HTMLResponse(page)


async def _api_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, ApiError)
    return JsonResponse(error.body(), status_code=error.status, headers=error.headers)


async def _oauth_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, OAuthError)
    return JsonResponse(
        {"error": error.error, "error_description": error.description},
        status_code=error.status,
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    if request.url.path.startswith(_PAGES):
        return HTMLResponse(error_page("invalid_request", "Page not found"), error.status_code)
    if error.status_code == 404:
        status, code, message = MATCHING_RESOURCE_NOT_FOUND
        return JsonResponse(error_body(code, message), status_code=status)
    if error.status_code == 405:
        return JsonResponse(
            error_body("METHOD_NOT_ALLOWED", "The request method is not supported"),
            status_code=405,
        )
    return JsonResponse(error_body("BAD_REQUEST", str(error.detail)), status_code=error.status_code)
