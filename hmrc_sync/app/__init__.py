"""The web service (``hmrc-sync serve``): the owner's grant flow, the sync webhook, health.

``create_app(container)`` builds it from the composition root; nothing happens at import time.
"""

from __future__ import annotations

from fastapi import FastAPI

from hmrc_sync import __version__
from hmrc_sync.app.deps import AppState
from hmrc_sync.app.pages import install_owner_check
from hmrc_sync.app.routes import oauth, ops, status, sync
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
    return app
