"""OAuth 2.0 as HMRC runs it: the authorize journey (pages) and the token endpoint.

Journey (HMRC's sandbox): ``GET /oauth/authorize`` validates the request (HMRC's errors are
shown in the browser as a 400 page) and sends the browser to the start page
(``/oauth/start``, "Continue"), then to ``/oauth/sign-in`` (one action: "Sign in to the HMRC
online service"), then to ``/api-test-login/sign-in``, the test-user form: a ``csrfToken``
bound to a cookie (403 when they differ), 400 "Invalid Parameters" for an empty field or a
``continue`` URL that is not the grant page, 401 with the error summary for wrong
credentials. The sign-in sets a session cookie and continues to ``/oauth/grantscope``;
"Grant authority" redirects (303) to the ``redirect_uri`` with ``code`` and ``state``, "Do not
grant authority" with ``error=access_denied``, HMRC's ``error_description`` and
``error_code=USER_DENIED_AUTHORIZATION``.

``POST /oauth/token`` (form body) answers RFC 6749 JSON with HMRC's codes and messages; see
:mod:`hmrc_sync.emulator.engine.grants` for the rules. It is never rate limited.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from typing import Final
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import QueryParams

from hmrc_sync.emulator.data.catalogue import SCOPES
from hmrc_sync.emulator.engine.faults import DROP_MARKER
from hmrc_sync.emulator.engine.grants import IssuedTokens, OAuthError, PendingAuthorization
from hmrc_sync.emulator.engine.state import Emulator
from hmrc_sync.emulator.routes.gateway import emulator_of
from hmrc_sync.emulator.routes.pages import (
    error_page,
    grant_page,
    sign_in_choice_page,
    sign_in_page,
    start_page,
)
from hmrc_sync.emulator.routes.responses import JsonResponse
from hmrc_sync.jsonio import JsonObject

SESSION_COOKIE: Final = "mdtp"
CSRF_COOKIE: Final = "mdtp-csrf"
SESSION_LIFETIME: Final = timedelta(minutes=15)
PENDING_LIFETIME: Final = timedelta(hours=1)
_CHALLENGE: Final = re.compile(r"^[A-Za-z0-9_-]{43}$")
_CONTINUE: Final = re.compile(r"^/oauth/grantscope\?auth_id=[A-Za-z0-9_-]+$")
NO_STORE: Final = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _problem(error: str, description: str, status: int = 400) -> HTMLResponse:
    return HTMLResponse(error_page(error, description), status_code=status)


# --------------------------------------------------------------------------- authorize
async def authorize(request: Request) -> Response:
    emulator = emulator_of(request)
    params = request.query_params
    problem = _client_problem(emulator, params) or _request_problem(params)
    if problem is not None:
        return problem
    client_id, redirect_uri = str(params["client_id"]), str(params["redirect_uri"])
    scopes = tuple(str(params["scope"]).split())
    challenge = params.get("code_challenge")
    auth_id = secrets.token_urlsafe(16)
    with emulator.lock:
        emulator.tokens.pending[auth_id] = PendingAuthorization(
            client_id=client_id,
            redirect_uri=redirect_uri,
            scopes=scopes,
            state=params.get("state"),
            challenge=challenge,
            expires_at=emulator.now() + PENDING_LIFETIME,
        )
    return RedirectResponse(f"/oauth/start?auth_id={auth_id}", status_code=303)


async def start(request: Request) -> Response:
    auth_id = request.query_params.get("auth_id", "")
    if _pending(request, auth_id) is None:
        return _problem("invalid_request", "The authorisation request is unknown or has expired")
    return HTMLResponse(start_page(f"/oauth/sign-in?auth_id={quote(auth_id, safe='')}"))


async def sign_in_choice(request: Request) -> Response:
    auth_id = request.query_params.get("auth_id", "")
    if _pending(request, auth_id) is None:
        return _problem("invalid_request", "The authorisation request is unknown or has expired")
    target = f"/oauth/grantscope?auth_id={auth_id}"
    sign_in_url = f"/api-test-login/sign-in?continue={quote(target, safe='')}"
    text = emulator_of(request).config.sign_in_button_text
    return HTMLResponse(sign_in_choice_page(sign_in_url, text))


def _client_problem(emulator: Emulator, params: QueryParams) -> HTMLResponse | None:
    """HMRC's answer to an unknown client or redirect URI (shown, never redirected)."""
    client_id = params.get("client_id")
    if not client_id:
        return _problem("invalid_request", "client_id is required")
    application = emulator.applications.get(client_id)
    if application is None:
        return _problem("invalid_request", "client_id is invalid")
    redirect_uri = params.get("redirect_uri")
    if not redirect_uri:
        return _problem("invalid_request", "redirect_uri is required")
    if redirect_uri not in application.redirect_uris:
        return _problem("invalid_request", "redirect_uri is invalid")
    return None


def _request_problem(params: QueryParams) -> HTMLResponse | None:
    """HMRC's answer to a malformed request: response type, secret, scopes, PKCE."""
    response_type = params.get("response_type")
    if not response_type:
        return _problem("invalid_request", "response_type is required")
    if response_type != "code":
        return _problem("unsupported_response_type", "response_type must be 'code'")
    if "client_secret" in params:
        return _problem("invalid_request", "client_secret should NOT be present")
    scopes = tuple((params.get("scope") or "").split())
    if not scopes:
        return _problem("invalid_request", "scope is required")
    if any(scope not in SCOPES for scope in scopes):
        return _problem("invalid_scope", "scope is invalid")
    challenge = params.get("code_challenge")
    method = params.get("code_challenge_method")
    if (challenge is None) != (method is None):
        return _problem(
            "invalid_request", "code_challenge and code_challenge_method must be sent together"
        )
    if method is not None and method != "S256":
        return _problem("invalid_request", "code_challenge_method is invalid")
    if challenge is not None and not _CHALLENGE.match(challenge):
        return _problem("invalid_request", "code_challenge is invalid")
    return None


def _to_sign_in(continue_url: str) -> RedirectResponse:
    return RedirectResponse(
        f"/api-test-login/sign-in?continue={quote(continue_url, safe='')}", status_code=303
    )


# --------------------------------------------------------------------------- sign in
def _form_page(continue_url: str, request: Request, error: str | None, status: int) -> Response:
    """The test-user form, with a CSRF token bound to the browser (a cookie)."""
    token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
    response = HTMLResponse(sign_in_page(continue_url, token, error), status_code=status)
    response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="lax", path="/")
    return response


async def sign_in_form(request: Request) -> Response:
    continue_url = request.query_params.get("continue", "")
    if not _CONTINUE.match(continue_url):
        return _problem("invalid_request", "Invalid Parameters")
    return _form_page(continue_url, request, None, 200)


async def sign_in(request: Request) -> Response:
    form = await request.form()
    user_id, password, continue_url, csrf = (
        str(form.get(name) or "") for name in ("userId", "password", "continue", "csrfToken")
    )
    expected = request.cookies.get(CSRF_COOKIE)
    if not expected or not secrets.compare_digest(csrf, expected):
        return _problem("forbidden", "Forbidden: the form's CSRF token is missing or wrong", 403)
    if not (user_id and password and continue_url) or not _CONTINUE.match(continue_url):
        return _problem("invalid_request", "Invalid Parameters")
    emulator = emulator_of(request)
    user = emulator.sign_in(user_id, password)
    if user is None:
        return _form_page(continue_url, request, "Invalid user ID or password. Try again.", 401)
    session = secrets.token_urlsafe(24)
    with emulator.lock:
        emulator.tokens.sessions[session] = (user.user_id, emulator.now() + SESSION_LIFETIME)
    response = RedirectResponse(continue_url, status_code=303)
    response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="lax", path="/")
    return response


# --------------------------------------------------------------------------- grant
def _signed_in_user(request: Request) -> str | None:
    emulator = emulator_of(request)
    session = request.cookies.get(SESSION_COOKIE)
    with emulator.lock:
        found = emulator.tokens.sessions.get(session or "")
    if found is None or emulator.now() >= found[1]:
        return None
    return found[0]


def _pending(request: Request, auth_id: str) -> PendingAuthorization | None:
    emulator = emulator_of(request)
    with emulator.lock:
        pending = emulator.tokens.pending.get(auth_id)
    if pending is None or emulator.now() >= pending.expires_at:
        return None
    return pending


async def grant_form(request: Request) -> Response:
    auth_id = request.query_params.get("auth_id", "")
    pending = _pending(request, auth_id)
    if pending is None:
        return _problem("invalid_request", "The authorisation request is unknown or has expired")
    user_id = _signed_in_user(request)
    if user_id is None:
        return _to_sign_in(f"/oauth/grantscope?auth_id={auth_id}")
    application = emulator_of(request).applications[pending.client_id]
    scopes = [(key, SCOPES[key]) for key in pending.scopes]
    return HTMLResponse(grant_page(auth_id, application.name, scopes, user_id))


async def grant_decision(request: Request) -> Response:
    form = await request.form()
    auth_id, decision = (str(form.get(name) or "") for name in ("auth_id", "decision"))
    user_id = _signed_in_user(request)
    if user_id is None:
        return _to_sign_in(f"/oauth/grantscope?auth_id={auth_id}")
    if decision not in ("grant", "deny"):
        return _problem("invalid_request", "Choose whether to grant authority")
    emulator = emulator_of(request)
    with emulator.lock:
        pending = _pending(request, auth_id)
        emulator.tokens.pending.pop(auth_id, None)
        if pending is None:
            return _problem(
                "invalid_request", "The authorisation request is unknown or has expired"
            )
        if decision == "grant":
            answer = {"code": emulator.tokens.new_code(emulator.now(), pending, user_id)}
        else:
            answer = {
                "error": "access_denied",
                "error_description": "user denied the authorization",
                "error_code": "USER_DENIED_AUTHORIZATION",
            }
    if pending.state is not None:
        answer["state"] = pending.state
    separator = "&" if "?" in pending.redirect_uri else "?"
    return RedirectResponse(
        f"{pending.redirect_uri}{separator}{urlencode(answer)}", status_code=303
    )


# --------------------------------------------------------------------------- token
def _token_answer(issued: IssuedTokens, *, with_scope: bool) -> JsonResponse:
    body: JsonObject = {
        "access_token": issued.access_token,
        "token_type": "bearer",
        "expires_in": issued.expires_in,
    }
    if issued.refresh_token is not None:
        body["refresh_token"] = issued.refresh_token
    if with_scope and issued.scopes:
        body["scope"] = " ".join(issued.scopes)
    return JsonResponse(body, headers=NO_STORE)


async def token(request: Request) -> Response:
    emulator = emulator_of(request)
    if emulator.faults.token_endpoint_down():
        raise OAuthError(503, "temporarily_unavailable", "The service is temporarily unavailable")
    form = await request.form()
    values = {key: value for key, value in form.items() if isinstance(value, str)}
    for name in ("client_id", "client_secret", "grant_type"):
        if not values.get(name):
            raise OAuthError(400, "invalid_request", f"{name} is required")
    client_id, grant_type = values["client_id"], values["grant_type"]
    if emulator.authenticate_client(client_id, values["client_secret"]) is None:
        raise OAuthError(401, "invalid_client", "invalid client id or secret")
    if grant_type == "authorization_code":
        if not values.get("redirect_uri"):
            raise OAuthError(400, "invalid_request", "redirect_uri is required")
        if not values.get("code"):
            raise OAuthError(400, "invalid_request", "code is required for given grant_type")
        with emulator.changing():
            issued = emulator.tokens.redeem_code(
                emulator.now(),
                client_id,
                values["code"],
                values["redirect_uri"],
                values.get("code_verifier"),
            )
        return _token_answer(issued, with_scope=True)
    if grant_type == "refresh_token":
        return await _refresh(request, client_id, values.get("refresh_token"))
    if grant_type == "client_credentials":
        scopes = tuple(values.get("scope", "").split())
        if any(scope not in SCOPES for scope in scopes):
            raise OAuthError(400, "invalid_scope", "scope is invalid")
        with emulator.changing():
            issued = emulator.tokens.issue_application_token(emulator.now(), client_id, scopes)
        return _token_answer(issued, with_scope=True)
    raise OAuthError(400, "invalid_request", "unsupported grant_type")


async def _refresh(request: Request, client_id: str, refresh_token: str | None) -> Response:
    emulator = emulator_of(request)
    if not refresh_token:
        raise OAuthError(400, "invalid_request", "refresh_token is required")
    with emulator.lock:
        grant = emulator.tokens.begin_refresh(emulator.now(), client_id, refresh_token)
    try:
        await emulator.faults.refresh_delay()
    except BaseException:
        with emulator.lock:
            emulator.tokens.abort_refresh(grant)
        raise
    with emulator.changing():
        issued = emulator.tokens.finish_refresh(emulator.now(), grant)
    response = _token_answer(issued, with_scope=False)
    if emulator.faults.take_drop_after_refresh():
        response.headers[DROP_MARKER.decode()] = "1"
    return response


def router() -> APIRouter:
    """This module's routes, built for each app (nothing is built at import)."""
    routes = APIRouter()
    routes.add_api_route("/oauth/authorize", authorize, methods=["GET"])
    routes.add_api_route("/oauth/start", start, methods=["GET"])
    routes.add_api_route("/oauth/sign-in", sign_in_choice, methods=["GET"])
    routes.add_api_route("/api-test-login/sign-in", sign_in_form, methods=["GET"])
    routes.add_api_route("/api-test-login/sign-in", sign_in, methods=["POST"])
    routes.add_api_route("/oauth/grantscope", grant_form, methods=["GET"])
    routes.add_api_route("/oauth/grantscope", grant_decision, methods=["POST"])
    routes.add_api_route("/oauth/token", token, methods=["POST"])
    return routes
