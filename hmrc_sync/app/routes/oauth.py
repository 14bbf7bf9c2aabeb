"""The owner's grant flow: ``/owner/login`` → ``/authorize`` → HMRC → ``/callback``.

``state`` is single-use, expires after 10 minutes and is bound to the browser that started
the flow (a signed cookie); PKCE S256 is always on. A bad callback stores nothing and
says what happened, with a link to start again.

The callback answers on ``/callback`` and on the path of ``HMRC_SYNC_REDIRECT_URI`` (the
default is ``/oauth/callback``): see ``callback_paths``. On a laptop, ``/authorize`` opened
on one loopback name (``127.0.0.1``) while the redirect URI names another (``localhost``)
first moves the browser to the redirect URI's origin, since the state cookie is kept per
host and would not be sent back.
"""

from __future__ import annotations

import logging
import re
from typing import Annotated
from urllib.parse import urlsplit, urlunsplit

from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import SecretStr

from hmrc_sync.app.deps import AppState, StateDep
from hmrc_sync.app.pages import (
    message_page,
    owner_login_page,
    require_owner,
    too_many_attempts,
)
from hmrc_sync.app.security import (
    OWNER_COOKIE,
    OWNER_COOKIE_MAX_AGE,
    STATE_COOKIE,
    STATE_MAX_AGE,
    clear_cookie,
    client_key,
    set_cookie,
    tokens_match,
)
from hmrc_sync.errors import AuthorisationError, HmrcSyncError, HmrcUnavailable
from hmrc_sync.oauth import OAuthError, grant_from_response, start_authorization, utcnow

log = logging.getLogger(__name__)
router = APIRouter()
START_AGAIN = ("/authorize", "Start again")


@router.post("/owner/login", include_in_schema=False)
def owner_login(
    state: StateDep,
    request: Request,
    admin_token: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    settings = state.container.settings
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    key = client_key(request)
    wait = state.backoff.retry_after(key)
    if wait is not None:
        log.warning("owner sign-in refused: too many wrong tokens from one client")
        return too_many_attempts(state, request, wait)
    if state.signer is None or not tokens_match(admin_token, settings.admin_token):
        state.backoff.failed(key)
        log.warning("owner sign-in refused")
        return owner_login_page(
            state, request, next_path=target, error="That is not the admin token."
        )
    state.backoff.succeeded(key)
    response = RedirectResponse(target, status_code=303)
    set_cookie(
        response,
        request,
        OWNER_COOKIE,
        state.signer.sign("owner", "owner"),
        max_age=OWNER_COOKIE_MAX_AGE,
    )
    return response


@router.post("/owner/logout", include_in_schema=False)
def owner_logout(state: StateDep, request: Request) -> Response:
    """End the owner's session in this browser (the cookie is cleared; nothing else changes)."""
    response = message_page(
        state,
        request,
        title="Signed out",
        message="You are signed out of hmrc-sync in this browser.",
    )
    clear_cookie(response, request, OWNER_COOKIE)
    return response


LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


def callback_paths(redirect_uri: str) -> tuple[str, ...]:
    """``/callback`` and the redirect URI's own path, where HMRC sends the browser back."""
    path = urlsplit(redirect_uri).path or "/"
    return ("/callback",) if path == "/callback" else ("/callback", path)


def loopback_origin_move(request: Request, redirect_uri: str) -> str | None:
    """Where to send a browser that opened ``/authorize`` on another loopback origin than the
    redirect URI's (``127.0.0.1`` vs ``localhost``), or None. Only loopback names are
    compared: behind a proxy the request's own host says nothing about the browser's."""
    target = urlsplit(redirect_uri)
    here = urlsplit(str(request.url))
    if target.hostname not in LOOPBACK_HOSTS or here.hostname not in LOOPBACK_HOSTS:
        return None
    if (target.scheme, target.netloc) == (here.scheme, here.netloc):
        return None
    return urlunsplit((target.scheme, target.netloc, "/authorize", "", ""))


@router.get("/authorize", include_in_schema=False)
def authorize(state: StateDep, request: Request) -> Response:
    settings = state.container.settings
    moved = loopback_origin_move(request, settings.redirect_uri)
    if moved is not None:
        return RedirectResponse(moved, status_code=303)
    require_owner(state, request)
    if not settings.client_id:
        raise HmrcSyncError("HMRC_SYNC_CLIENT_ID is not set: register an application first")
    pending = start_authorization(
        settings.hmrc_authorize_url, settings.client_id, settings.redirect_uri, settings.scopes
    )
    state.pending.add(pending.state, pending.code_verifier.get_secret_value(), pending.redirect_uri)
    response = RedirectResponse(pending.url, status_code=303)
    signer = state.require_signer()
    set_cookie(
        response,
        request,
        STATE_COOKIE,
        signer.sign("state", pending.state),
        max_age=STATE_MAX_AGE,
        samesite="lax",  # HMRC's redirect back is a top-level cross-site navigation
    )
    return response


@router.get("/callback", include_in_schema=False)
def callback(
    state: StateDep,
    request: Request,
    code: str | None = None,
    error: str | None = None,
) -> Response:
    """HMRC's redirect back. Every failure says what happened and how to go on; only a
    token endpoint HMRC could not answer keeps the attempt, so that reloading retries it."""
    query_state = request.query_params.get("state")
    signer = state.require_signer()
    browser_state = signer.verify("state", request.cookies.get(STATE_COOKIE), STATE_MAX_AGE)
    if not query_state or browser_state != query_state:
        return _refuse(
            state,
            request,
            "This sign-in link is not valid for this browser: it was already used, started "
            "in another browser, or started more than 10 minutes ago. Nothing was changed. "
            "Start again.",
        )
    taken = state.pending.take(query_state)
    if taken is None:
        return _refuse(
            state,
            request,
            "This sign-in link has expired or was already used (each one works once). "
            "Nothing was changed. Start again.",
        )
    if error:
        return _refuse(state, request, _hmrc_error_message(error), title=_hmrc_error_title(error))
    if not code:
        return _refuse(
            state,
            request,
            "HMRC's answer had no authorisation code. Nothing was changed. Start again.",
        )
    verifier, redirect_uri = taken
    container = state.container
    try:
        response = container.token_endpoint.exchange_code(code, redirect_uri, SecretStr(verifier))
    except HmrcUnavailable as exc:
        # HMRC may never have seen the code: keep the attempt so that a reload retries it.
        state.pending.add(query_state, verifier, redirect_uri)
        log.warning("callback: the token exchange failed: %s", exc.message)
        return _refuse(
            state,
            request,
            f"{_sentence(exc.message)} Nothing was changed. Reload this page in a moment to "
            "try again, or start again.",
            title="HMRC could not be reached",
            status=503,
        )
    except AuthorisationError as exc:
        log.warning("callback: HMRC refused the authorisation code: %s", exc.message)
        return _refuse(state, request, _refused_code_message(exc))
    grant = grant_from_response(response, utcnow(), container.settings.scopes)
    try:
        container.token_manager.store_new_grant(grant)
    except HmrcSyncError as exc:
        log.error("callback: the new grant could not be stored: %s", exc.message)
        return _refuse(
            state,
            request,
            f"HMRC granted access, but hmrc-sync could not store it: {_sentence(exc.message)} "
            "Check the token store (the service's log says more), then start again.",
            title="Access not saved",
            status=503,
        )
    log.info("new HMRC grant stored; it expires at %s", grant.grant_expires_at.isoformat())
    confirmation = message_page(
        state,
        request,
        title="Access granted",
        message=f"hmrc-sync can now read your HMRC records until "
        f"{grant.grant_expires_at:%d %B %Y}.",
    )
    clear_cookie(confirmation, request, STATE_COOKIE)
    return confirmation


_ERROR_CODE = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def _hmrc_error_title(error: str) -> str:
    return "Access not granted" if error == "access_denied" else "Authorisation failed"


def _hmrc_error_message(error: str) -> str:
    """What HMRC's ``error`` (RFC 6749 4.1.2.1) means for the owner; an odd value is not
    echoed."""
    if error == "access_denied":
        return (
            "You chose not to grant hmrc-sync access on HMRC's page, so nothing was changed. "
            "Start again if you want to grant it."
        )
    shown = f" ({error})" if _ERROR_CODE.fullmatch(error) else ""
    return f"HMRC did not grant access{shown}. Nothing was changed. Start again."


def _refused_code_message(exc: AuthorisationError) -> str:
    if isinstance(exc, OAuthError) and exc.error == "invalid_grant":
        return (
            "HMRC did not accept the sign-in (its code expires after 10 minutes and works "
            "once). Nothing was changed. Start again."
        )
    return f"{_sentence(exc.message)} Nothing was changed. Start again."


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def install_callback(app: FastAPI, redirect_uri: str) -> None:
    """Answer HMRC's redirect back on the redirect URI's own path too (``/callback`` is on
    the router)."""
    for path in callback_paths(redirect_uri):
        if path != "/callback":
            app.add_api_route(path, callback, methods=["GET"], include_in_schema=False)


def _refuse(
    state: AppState,
    request: Request,
    message: str,
    *,
    title: str = "Authorisation failed",
    status: int = 400,
) -> HTMLResponse:
    return message_page(
        state, request, status=status, title=title, message=message, link=START_AGAIN
    )
