"""The web service (``hmrc-sync serve``): the owner's grant flow, the sync webhook, health.

``create_app(container)`` builds it from the composition root; nothing happens at import time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

from hmrc_sync import __version__
from hmrc_sync.app.deps import TEMPLATES_DIR, AppState
from hmrc_sync.app.pages import install_error_pages, install_owner_check
from hmrc_sync.app.routes import oauth, ops, status, sync
from hmrc_sync.app.security import security_headers
from hmrc_sync.bootstrap import Container


def create_app(container: Container) -> FastAPI:
    app = FastAPI(
        title="hmrc-sync",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.hmrc_sync = AppState.build(container)
    install_owner_check(app)
    app.include_router(ops.router)
    app.include_router(oauth.router)
    oauth.install_callback(app, container.settings.redirect_uri)
    app.include_router(sync.router)
    app.include_router(status.router)
    install_error_pages(app)
    install_security_headers(app)
    return app


def install_security_headers(app: FastAPI) -> None:
    """Every HTML page gets ``security_headers`` (CSP, nosniff, no-store, ...)."""
    headers = security_headers(TEMPLATES_DIR)

    @app.middleware("http")
    async def _headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        if response.headers.get("content-type", "").startswith("text/html"):
            response.headers.update(headers)
        return response
