"""FastAPI dependencies as ``Annotated`` aliases, and the per-app state they read."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates

from hmrc_sync.app.browser_sync import BrowserSyncs
from hmrc_sync.app.security import CookieSigner, PendingStates, WrongTokenBackoff
from hmrc_sync.bootstrap import Container
from hmrc_sync.errors import ConfigurationError

TEMPLATES_DIR = Path(__file__).parent / "templates"


@dataclass
class AppState:
    container: Container
    templates: Jinja2Templates
    signer: CookieSigner | None
    pending: PendingStates = field(default_factory=PendingStates)
    sync_lock: threading.Lock = field(default_factory=threading.Lock)
    browser_syncs: BrowserSyncs = field(default_factory=BrowserSyncs)
    backoff: WrongTokenBackoff = field(default_factory=WrongTokenBackoff)

    @classmethod
    def build(cls, container: Container) -> AppState:
        admin = container.settings.admin_token
        return cls(
            container=container,
            templates=Jinja2Templates(directory=str(TEMPLATES_DIR)),
            signer=CookieSigner(admin) if admin is not None else None,
        )

    def require_signer(self) -> CookieSigner:
        if self.signer is None:
            raise ConfigurationError(
                "HMRC_SYNC_ADMIN_TOKEN is not set: the owner pages are disabled until it is"
            )
        return self.signer


def _state(request: Request) -> AppState:
    state = request.app.state.hmrc_sync
    assert isinstance(state, AppState)
    return state


StateDep = Annotated[AppState, Depends(_state)]
