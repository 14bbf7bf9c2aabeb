"""HMRC's API gateway: the checks every API request passes before an endpoint sees it.

In order (as hmrc/api-gateway and the reference guide describe them):

1. ``Accept`` must be exactly ``application/vnd.hmrc.X.Y+json``, else 406
   ``ACCEPT_HEADER_INVALID``; a well-formed version the API does not serve (or no longer
   serves: ``EmulatorConfig.retired_versions``) gets 404 ``MATCHING_RESOURCE_NOT_FOUND``, as
   HMRC's gateway answers a retired version. A version in ``deprecated_versions`` is served
   with ``Deprecation``, ``Sunset`` and ``Link`` headers;
2. a bearer token: none → 401 ``MISSING_CREDENTIALS``; unknown, expired, revoked or of an
   expired grant → 401 ``INVALID_CREDENTIALS``; an application token on a user-restricted
   endpoint → 401 ``INCORRECT_ACCESS_TOKEN_TYPE``. Application-restricted endpoints take
   both kinds of token, as HMRC's gateway does;
3. the rate limit (:mod:`hmrc_sync.emulator.engine.throttle`) → 429 ``MESSAGE_THROTTLED_OUT``;
4. the application's subscription to the API → 403 ``RESOURCE_FORBIDDEN``;
5. the token's scopes (user-restricted endpoints) → 403 ``INVALID_SCOPE``.

Then the request's ``Gov-*`` headers are recorded for the fraud-prevention validation
feedback, and the read APIs may get an injected 500/503/504.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, cast

from fastapi import Request, Response

from hmrc_sync.emulator.config import ApplicationConfig
from hmrc_sync.emulator.data.catalogue import ApiSpec
from hmrc_sync.emulator.engine.faults import FAULT_BODIES
from hmrc_sync.emulator.engine.grants import AccessToken
from hmrc_sync.emulator.engine.users import TestUser
from hmrc_sync.emulator.routes.responses import error_body
from hmrc_sync.jsonio import JsonObject, JsonValue
from hmrc_sync.taxyear import TaxYear, TaxYearError

if TYPE_CHECKING:
    from hmrc_sync.emulator.engine.state import Emulator

_ACCEPT: Final = re.compile(r"^application/vnd\.hmrc\.([0-9]+\.[0-9]+)\+json$")
_TAX_YEAR: Final = re.compile(r"^[0-9]{4}-[0-9]{2}$")
WWW_AUTHENTICATE: Final = {"WWW-Authenticate": 'Bearer realm="HMRC API Platform"'}


class ApiError(Exception):
    """An HMRC error answer: ``{"code", "message"}`` (plus ``errors`` when several)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        headers: dict[str, str] | None = None,
        errors: list[JsonObject] | None = None,
    ) -> None:
        super().__init__(f"{status} {code}")
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.errors = errors

    def body(self) -> JsonObject:
        body = error_body(self.code, self.message)
        if self.errors:
            items: list[JsonValue] = list(self.errors)
            body["errors"] = items
        return body


ACCEPT_HEADER_INVALID: Final = (
    406,
    "ACCEPT_HEADER_INVALID",
    "The accept header is missing or invalid",
)
MATCHING_RESOURCE_NOT_FOUND: Final = (
    404,
    "MATCHING_RESOURCE_NOT_FOUND",
    "A resource with the name in the request cannot be found in the API",
)
THROTTLED: Final = (
    429,
    "MESSAGE_THROTTLED_OUT",
    "The request for the API is throttled as you have exceeded your quota.",
)


@dataclass(frozen=True)
class Caller:
    """Who is calling: the application, the token and (user-restricted) the test user."""

    application: ApplicationConfig
    token: AccessToken
    user: TestUser | None


def emulator_of(request: Request) -> Emulator:
    return cast("Emulator", request.app.state.emulator)


def check(request: Request, api: ApiSpec) -> Caller:
    """Run the gateway's checks for ``api``; raise :class:`ApiError` or return the caller."""
    emulator = emulator_of(request)
    match = _ACCEPT.match(request.headers.get("accept", ""))
    if match is None:
        raise ApiError(*ACCEPT_HEADER_INVALID)
    _check_version(request, emulator, api, match.group(1))
    record, application = _authenticate(request, emulator, api)
    if not api.emulator_only:
        if api.read_api and emulator.faults.take_throttle_burst():
            raise ApiError(*THROTTLED)
        if not emulator.rate_limit.try_accept(application.client_id):
            raise ApiError(*THROTTLED)
        if api.name not in application.subscriptions:
            raise ApiError(
                403,
                "RESOURCE_FORBIDDEN",
                "The application is not subscribed to the API which it is attempting to invoke",
            )
    if api.access == "user" and api.scope not in record.scopes:
        raise ApiError(
            403,
            "INVALID_SCOPE",
            "Cannot access the required resource. Ensure this token has all the required scopes.",
        )
    if not api.emulator_only:
        emulator.record_request(
            application.client_id,
            api.name,
            _route_of(request),
            request.method,
            request.url.path,
            fraud_headers(request),
        )
    if api.read_api:
        status = emulator.faults.error_status()
        if status is not None:
            raise ApiError(status, *FAULT_BODIES[status])
    user = emulator.users.get(record.user_id) if record.user_id else None
    return Caller(application, record, user)


def _check_version(request: Request, emulator: Emulator, api: ApiSpec, version: str) -> None:
    config = emulator.config
    retired = {(n.api, n.version) for n in config.retired_versions}
    if version not in api.versions or (api.name, version) in retired:
        raise ApiError(*MATCHING_RESOURCE_NOT_FOUND)
    for notice in config.deprecated_versions:
        if (notice.api, notice.version) == (api.name, version):
            request.state.deprecation_headers = notice.headers()


async def add_deprecation_headers(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Middleware: the deprecation headers :func:`check` chose, on the answer (errors too)."""
    response = await call_next(request)
    headers: dict[str, str] | None = getattr(request.state, "deprecation_headers", None)
    if headers:
        response.headers.update(headers)
    return response


def _authenticate(
    request: Request, emulator: Emulator, api: ApiSpec
) -> tuple[AccessToken, ApplicationConfig]:
    header = request.headers.get("authorization")
    if not header:
        raise ApiError(401, "MISSING_CREDENTIALS", "Authentication information is not provided")
    scheme, _, token = header.partition(" ")
    with emulator.lock:
        record = (
            emulator.tokens.resolve(token.strip(), emulator.now())
            if scheme.lower() == "bearer" and token.strip()
            else None
        )
        application = emulator.applications.get(record.client_id) if record else None
    if record is None or application is None:
        raise ApiError(
            401,
            "INVALID_CREDENTIALS",
            "Invalid Authentication information provided",
            headers=WWW_AUTHENTICATE,
        )
    if api.access == "user" and not record.user_restricted:
        raise ApiError(
            401,
            "INCORRECT_ACCESS_TOKEN_TYPE",
            "The access token type used is not supported when invoking the API",
        )
    return record, application


def _route_of(request: Request) -> str:
    route: Any = request.scope.get("route")
    return str(getattr(route, "path", request.url.path))


def fraud_headers(request: Request) -> tuple[tuple[str, str], ...]:
    """The request's ``Gov-*`` headers, names in lower case, in the order sent."""
    return tuple(
        (name, value) for name, value in request.headers.items() if name.lower().startswith("gov-")
    )


def hmrc_tax_year(text: str) -> TaxYear | None:
    """A tax year written ``YYYY-YY`` with consecutive years, or None."""
    if not _TAX_YEAR.match(text):
        return None
    try:
        return TaxYear.parse(text)
    except TaxYearError:
        return None
