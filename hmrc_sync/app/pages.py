"""The web layer's shared pieces: rendering a page, the one message page, the owner check
as a FastAPI dependency (``OwnerDep``) that raises instead of returning a refusal, and the
answer to an error nothing else handled (``install_error_pages``)."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Annotated, Final

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

from hmrc_sync.app.deps import AppState, StateDep
from hmrc_sync.app.security import (
    OWNER_COOKIE,
    OWNER_COOKIE_MAX_AGE,
    bearer,
    client_key,
    tokens_match,
)
from hmrc_sync.errors import HmrcSyncError

log = logging.getLogger(__name__)

BACK_TO_STATUS = ("/", "Back to the status page")
OWNER_PAGES_SETUP = (
    "The owner pages need HMRC_SYNC_ADMIN_TOKEN, and it is not set. Choose a long random "
    "token (for example: python3 -c 'import secrets; print(secrets.token_urlsafe(32))'), "
    "set HMRC_SYNC_ADMIN_TOKEN to it (environment or .env), restart hmrc-sync serve, and "
    "sign in here with it."
)


def page(
    state: AppState, request: Request, name: str, status: int = 200, **context: object
) -> HTMLResponse:
    return state.templates.TemplateResponse(request, name, context, status_code=status)


def message_page(
    state: AppState,
    request: Request,
    *,
    title: str,
    message: str,
    status: int = 200,
    link: tuple[str, str] = BACK_TO_STATUS,
) -> HTMLResponse:
    """A short page: a title, a sentence, and one link onwards (``link`` is URL and text)."""
    url, text = link
    return page(
        state,
        request,
        "message.html",
        status,
        title=title,
        message=message,
        link=url,
        link_text=text,
    )


def is_owner(state: AppState, request: Request) -> bool:
    settings = state.container.settings
    if state.signer is None:
        return False
    presented = bearer(request.headers.get("authorization"))
    if presented is not None:
        key = client_key(request)
        if state.backoff.retry_after(key) is not None:
            return False
        if tokens_match(presented, settings.admin_token):
            state.backoff.succeeded(key)
            return True
        state.backoff.failed(key)
    cookie = request.cookies.get(OWNER_COOKIE)
    return state.signer.verify("owner", cookie, OWNER_COOKIE_MAX_AGE) == "owner"


def too_many_attempts(state: AppState, request: Request, wait: float) -> HTMLResponse:
    """The answer to a client that must wait after wrong tokens (429, with Retry-After)."""
    response = message_page(
        state,
        request,
        status=429,
        title="Too many attempts",
        message=f"Too many wrong tokens from this address; try again in {wait:.0f} seconds.",
    )
    response.headers["Retry-After"] = str(max(1, round(wait)))
    return response


class OwnerRequired(Exception):
    """Raised by ``require_owner``; answered with the 401 sign-in page."""

    def __init__(self, state: AppState) -> None:
        super().__init__("owner sign-in required")
        self.state = state


def require_owner(state: StateDep, request: Request) -> None:
    if not is_owner(state, request):
        raise OwnerRequired(state)


OwnerDep = Annotated[None, Depends(require_owner)]


def owner_login_page(
    state: AppState, request: Request, *, next_path: str, error: str | None
) -> HTMLResponse:
    return page(
        state,
        request,
        "owner_login.html",
        401,
        title="Owner sign-in",
        next=next_path,
        error=error,
    )


def install_owner_check(app: FastAPI) -> None:
    """Answer ``OwnerRequired`` with the sign-in page (or say the admin token is missing)."""

    async def refused(request: Request, exc: Exception) -> HTMLResponse:
        assert isinstance(exc, OwnerRequired)
        state = exc.state
        if state.signer is None:  # no form could ever succeed: say how to set the token
            return message_page(
                state,
                request,
                status=503,
                title="Set an admin token first",
                message=OWNER_PAGES_SETUP,
                link=("/", "Reload"),
            )
        return owner_login_page(state, request, next_path=request.url.path, error=None)

    app.add_exception_handler(OwnerRequired, refused)


# --------------------------------------------------------------------------- unhandled errors
API_PATHS: Final = frozenset({"/sync", "/metrics", "/healthz", "/readyz"})
"""Paths machines call: an unhandled error there is answered in JSON, never with a page."""


def wants_json(request: Request) -> bool:
    path = request.url.path
    return (
        path in API_PATHS
        or path.startswith("/sync/browser/")
        or "application/json" in request.headers.get("accept", "")
    )


def error_reference() -> str:
    """A short id shown to the owner and logged with the traceback, to find one in the other."""
    return secrets.token_hex(6)


def unhandled_error(request: Request, error: Exception) -> Response:
    """Log ``error`` with its traceback under a new reference, and answer 500 without either:
    the message page for a browser, JSON for the webhook, probes and the page's script. Only
    an ``HmrcSyncError``'s message is shown (those never carry secrets); anything else is
    described in general terms."""
    reference = error_reference()
    log.error(
        "unhandled error answering %s %s (reference %s)",
        request.method,
        request.url.path,  # never the query: it may hold an authorisation code
        reference,
        exc_info=error,
    )
    what = error.message if isinstance(error, HmrcSyncError) else "an unexpected error"
    if wants_json(request):
        return JSONResponse(
            {
                "error": "internal_error",
                "message": f"hmrc-sync failed: {what}; try again, and if it keeps failing "
                f"check the service's log for reference {reference}",
                "reference": reference,
            },
            status_code=500,
        )
    message = (
        f"hmrc-sync could not finish this request ({what}). Try again; if it keeps failing, "
        f"check the service's log for reference {reference}."
    )
    link = (request.url.path, "Try again") if request.method == "GET" else BACK_TO_STATUS
    state = getattr(request.app.state, "hmrc_sync", None)
    try:
        assert isinstance(state, AppState)
        return message_page(
            state, request, status=500, title="Something went wrong", message=message, link=link
        )
    except Exception:  # the page itself failed: plain text still helps
        log.exception("the error page could not be rendered (reference %s)", reference)
        return PlainTextResponse(message, status_code=500)


def install_error_pages(app: FastAPI) -> None:
    """Answer any exception a route lets through with ``unhandled_error``. Installed before
    the security headers, so its pages carry them too."""

    @app.middleware("http")
    async def _errors(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        try:
            return await call_next(request)
        except Exception as error:  # the last line: answered and logged
            return unhandled_error(request, error)
