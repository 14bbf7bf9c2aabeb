"""HMRC's error answers turned into hmrc-sync's typed errors, with messages that say what to do.

The classes here refine those in ``hmrc_sync.errors``::

    ConfigurationError
    └── InvalidIdentifier          a UTR, NINO or employment ID that HMRC could never accept
    HmrcError
    ├── HmrcBadRequest             400: HMRC rejected a parameter
    │   └── HmrcRejectedSetting    400 SA_UTR_INVALID / FORMAT_NINO: the UTR or NINO the user
    │                              configured (exit 2, like any configuration error)
    ├── HmrcUnauthorised           401: HMRC rejected the access token
    ├── HmrcForbidden              403: the grant or the application may not use this API
    │   └── HmrcNotSignedUpToMtd   403 CLIENT_OR_AGENT_NOT_AUTHORISED (MTD APIs)
    ├── HmrcResponseInvalid        a success answer that is not the JSON HMRC documents
    ├── HmrcNotFound               (hmrc_sync.errors) 404 with the endpoint's "no data" code
    ├── HmrcApiVersionRetired      (hmrc_sync.errors) 404 MATCHING_RESOURCE_NOT_FOUND from the
    │                              gateway: the version asked for is retired or unknown
    └── HmrcUnavailable            (hmrc_sync.errors) 429/5xx/network failures after every retry

Messages are built from HMRC's codes, the API name and the tax year only. HMRC's own message
text is quoted only for codes this module does not know, and with any credential removed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from hmrc_sync.errors import (
    ConfigurationError,
    ExitCode,
    HmrcApiVersionRetired,
    HmrcError,
    HmrcNotFound,
    HmrcUnavailable,
)


class InvalidIdentifier(ConfigurationError):
    default_message = "an identifier for HMRC is malformed"


class HmrcBadRequest(HmrcError):
    default_message = "HMRC rejected the request"


class HmrcRejectedSetting(HmrcBadRequest):
    """HMRC refused an identifier that came from the user's settings (HMRC_SYNC_UTR or
    HMRC_SYNC_NINO): every tax year would fail the same way, and only the user can fix it."""

    exit_code = ExitCode.CONFIGURATION
    default_message = "HMRC rejected an identifier from your settings"


class HmrcUnauthorised(HmrcError):
    default_message = "HMRC rejected the access token"


class HmrcForbidden(HmrcError):
    default_message = "HMRC refused access to this API"


class HmrcNotSignedUpToMtd(HmrcForbidden):
    default_message = "this user is not signed up to MTD Income Tax; use --source individual"


class HmrcResponseInvalid(HmrcError):
    default_message = "HMRC's answer was not in the documented format"


@dataclass(frozen=True, slots=True)
class RequestContext:
    """What a message may say about the request: never the path (it holds the UTR/NINO)."""

    method: str
    api: str
    version: str
    tax_year: str | None
    not_found_code: str = "NOT_FOUND"

    def describe(self) -> str:
        year = f" {self.tax_year}" if self.tax_year else ""
        return f"{self.method} {self.api}{year}"


_AUTH_STATUS = "run `hmrc-sync auth status`, and `hmrc-sync auth login` if the grant is gone"

# code -> (the status HMRC sends it with, the error class, what to tell the user)
_KNOWN_CODES: Final[dict[str, tuple[int, type[HmrcError], str]]] = {
    "SA_UTR_INVALID": (
        400,
        HmrcRejectedSetting,
        "HMRC says the UTR in HMRC_SYNC_UTR is not valid; check it against the 10-digit "
        "Unique Taxpayer Reference on your Self Assessment letters or in your tax account",
    ),
    "TAX_YEAR_INVALID": (400, HmrcBadRequest, "HMRC rejected the tax year {tax_year}"),
    "FORMAT_TAX_YEAR": (400, HmrcBadRequest, "HMRC rejected the tax year {tax_year}"),
    "FORMAT_NINO": (
        400,
        HmrcRejectedSetting,
        "HMRC says the National Insurance number in HMRC_SYNC_NINO is not valid; check it "
        "against your payslips, P60 or tax account",
    ),
    "FORMAT_EMPLOYMENT_ID": (
        400,
        HmrcBadRequest,
        "HMRC rejected the employment ID; use the IDs from HMRC's list of employments",
    ),
    "FORMAT_SOURCE": (
        400,
        HmrcBadRequest,
        "HMRC rejected the financial-details source; use latest, hmrc-held or user",
    ),
    "RULE_TAX_YEAR_NOT_SUPPORTED": (
        400,
        HmrcBadRequest,
        "the {api} API does not cover tax year {tax_year} (MTD data starts in 2021-22); "
        "use --source individual for earlier years",
    ),
    "RULE_TAX_YEAR_RANGE_INVALID": (
        400,
        HmrcBadRequest,
        "HMRC rejected the tax year {tax_year}: a tax year must span exactly one year",
    ),
    "RULE_INCORRECT_GOV_TEST_SCENARIO": (
        400,
        HmrcBadRequest,
        "the sandbox rejected the Gov-Test-Scenario header; remove it or use a listed scenario",
    ),
    "INVALID_CREDENTIALS": (
        401,
        HmrcUnauthorised,
        "HMRC rejected the access token (expired, revoked or issued for another environment); "
        + _AUTH_STATUS,
    ),
    "MISSING_CREDENTIALS": (
        401,
        HmrcUnauthorised,
        "no access token reached HMRC; run `hmrc-sync auth login` to grant access",
    ),
    "UNAUTHORIZED": (
        401,
        HmrcUnauthorised,
        "HMRC will not show this taxpayer's data to the user who granted access; check that "
        "HMRC_SYNC_UTR belongs to that person, or sign in as the owner with `hmrc-sync auth login`",
    ),
    "INCORRECT_ACCESS_TOKEN_TYPE": (
        401,
        HmrcUnauthorised,
        "the {api} API needs a user's access token, not an application token; "
        "run `hmrc-sync auth login`",
    ),
    "CLIENT_OR_AGENT_NOT_AUTHORISED": (
        403,
        HmrcNotSignedUpToMtd,
        "this user is not signed up to MTD Income Tax; use --source individual "
        "(HMRC serves the {api} API only to MTD users)",
    ),
    "INVALID_SCOPE": (
        403,
        HmrcForbidden,
        "the grant does not include the scope the {api} API needs; add it to HMRC_SYNC_SCOPES "
        "and run `hmrc-sync auth login` again",
    ),
    "RESOURCE_FORBIDDEN": (
        403,
        HmrcForbidden,
        "the application is not subscribed to the {api} API; subscribe it on the HMRC "
        "Developer Hub (your application's API subscriptions)",
    ),
    "FORBIDDEN": (
        403,
        HmrcForbidden,
        "HMRC says the access token is not authorised for this taxpayer; check that "
        "HMRC_SYNC_UTR and HMRC_SYNC_NINO belong to the person who granted access",
    ),
    "HTTPS_REQUIRED": (
        403,
        HmrcForbidden,
        "HMRC only accepts HTTPS; check HMRC_SYNC_API_BASE_URL",
    ),
    "NOT_FOUND": (
        404,
        HmrcNotFound,
        "HMRC holds no {api} data for tax year {tax_year}: it appears after HMRC's end-of-year "
        "PAYE reconciliation (June to November) and goes once the Self Assessment return is "
        "processed",
    ),
    "MATCHING_RESOURCE_NOT_FOUND": (
        404,
        HmrcApiVersionRetired,
        "HMRC's gateway does not serve version {version} of the {api} API (it has been "
        'retired); upgrade hmrc-sync. This is not "no data yet": nothing was recorded',
    ),
    "METHOD_NOT_ALLOWED": (
        405,
        HmrcError,
        "HMRC does not allow this method on the {api} API; this is a bug in hmrc-sync",
    ),
    "ACCEPT_HEADER_INVALID": (
        406,
        HmrcError,
        "HMRC no longer accepts version {version} of the {api} API (it may be retired); "
        "upgrade hmrc-sync",
    ),
    "RULE_REQUEST_CANNOT_BE_FULFILLED": (
        422,
        HmrcError,
        "HMRC cannot fulfil this {api} request for tax year {tax_year} at the moment; "
        "try again later",
    ),
}

_BY_STATUS: Final[dict[int, tuple[type[HmrcError], str]]] = {
    400: (HmrcBadRequest, "HMRC rejected the request to the {api} API"),
    401: (HmrcUnauthorised, "HMRC rejected the access token; " + _AUTH_STATUS),
    403: (HmrcForbidden, "HMRC refused access to the {api} API"),
    # Only the endpoint's own not-found code means "no data": any other 404 is an error.
    404: (HmrcError, 'HMRC answered the {api} API with 404 without its "no data" code'),
}

_QUOTE_LIMIT: Final = 200
# How HMRC's gateway words its MATCHING_RESOURCE_NOT_FOUND (an unknown context or version);
# an API that uses the same code for "no data" words it otherwise ("Matching resource not found").
_GATEWAY_NOT_FOUND_TEXT: Final = "a resource with the name in the request can"
_MTD_NOT_FOUND_TEXT: Final = "HMRC found no matching {api} resource for tax year {tax_year}"


def _is_no_data(
    context: RequestContext, status: int, code: str | None, message: str | None
) -> bool:
    """A 404 that means "no data for this request" rather than "no such API version".

    Only the endpoint's own not-found code counts; ``MATCHING_RESOURCE_NOT_FOUND`` counts only
    for the APIs that document it as their not-found answer, and never in the gateway's words.
    """
    if status != 404 or code != context.not_found_code:
        return False
    if code != "MATCHING_RESOURCE_NOT_FOUND":
        return True
    return not (message or "").strip().lower().startswith(_GATEWAY_NOT_FOUND_TEXT)


def error_for_status(
    context: RequestContext,
    *,
    status: int,
    code: str | None,
    hmrc_message: str | None,
    correlation_id: str | None,
    secrets: Iterable[str] = (),
) -> HmrcError:
    """The typed error for an HMRC answer that is not retried (or not retryable)."""
    fields = {
        "api": context.api,
        "version": context.version,
        "tax_year": context.tax_year or "(none)",
    }
    known = _KNOWN_CODES.get(code or "")
    if code == "MATCHING_RESOURCE_NOT_FOUND" and _is_no_data(context, status, code, hmrc_message):
        known = (404, HmrcNotFound, _MTD_NOT_FOUND_TEXT)
    if known is not None and known[0] == status:
        cls, text = known[1], known[2].format(**fields)
    else:
        cls, template = _BY_STATUS.get(
            status, (HmrcError, "HMRC answered the {api} API with an error")
        )
        text = template.format(**fields)
        quoted = quote_hmrc_message(hmrc_message, secrets)
        if quoted:
            text += f"; HMRC said: {quoted}"
    message = f"{text} ({_detail(context, status, code, correlation_id)})"
    return cls(message, status=status, code=code, correlation_id=correlation_id, api=context.api)


def unavailable_error(
    context: RequestContext,
    *,
    attempts: int,
    status: int | None,
    code: str | None,
    correlation_id: str | None,
    failure: str | None = None,
    wait_requested: float | None = None,
) -> HmrcUnavailable:
    """The error after the last retry (or when HMRC asks for a longer wait than allowed)."""
    times = "once" if attempts == 1 else f"{attempts} times"
    if wait_requested is not None:
        text = (
            f"HMRC asked hmrc-sync to wait {wait_requested:.0f} s before trying again, longer "
            "than a run waits; try again later"
        )
    elif status is None:
        text = (
            f"could not reach HMRC ({failure or 'network error'}; tried {times}); check the "
            "network and HMRC_SYNC_API_BASE_URL, or try again later"
        )
    elif status == 429:
        text = (
            f"HMRC kept refusing requests as over the rate limit (tried {times}); the limit of "
            "3 requests per second is shared by every copy of hmrc-sync using the same client "
            "ID, so check that only one runs at a time, then try again"
        )
    elif code == "SCHEDULED_MAINTENANCE":
        text = f"HMRC is down for scheduled maintenance (tried {times}); try again later"
    else:
        text = f"HMRC is unavailable (tried {times}); try again later"
    message = f"{text} ({_detail(context, status, code, correlation_id)})"
    return HmrcUnavailable(message, status=status, code=code, correlation_id=correlation_id)


def invalid_response_error(
    context: RequestContext, *, status: int, problem: str, correlation_id: str | None
) -> HmrcResponseInvalid:
    message = (
        f"HMRC's answer was not in the documented format ({problem}); HMRC may have changed "
        f"the {context.api} API, so upgrade hmrc-sync or report it "
        f"({_detail(context, status, None, correlation_id)})"
    )
    return HmrcResponseInvalid(message, status=status, code=None, correlation_id=correlation_id)


def quote_hmrc_message(text: str | None, secrets: Iterable[str] = ()) -> str | None:
    """HMRC's message made safe to show: credentials removed, one line, bounded length."""
    if not text:
        return None
    cleaned = redact(text, secrets)
    cleaned = " ".join("".join(ch if ch.isprintable() else " " for ch in cleaned).split())
    if len(cleaned) > _QUOTE_LIMIT:
        cleaned = cleaned[: _QUOTE_LIMIT - 1] + "…"
    return repr(cleaned)


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret (and the token part of ``Bearer <token>``) replaced."""
    pieces: set[str] = set()
    for secret in secrets:
        if not secret:
            continue
        pieces.add(secret)
        scheme, _, token = secret.partition(" ")
        if token and scheme.lower() in ("bearer", "basic"):
            pieces.add(token.strip())
    for piece in sorted(pieces, key=len, reverse=True):
        if len(piece) >= 4:
            text = text.replace(piece, "[redacted]")
    return text


def _detail(
    context: RequestContext, status: int | None, code: str | None, correlation_id: str | None
) -> str:
    parts = [context.describe()]
    if status is not None:
        parts.append(f"HTTP {status}" + (f" {code}" if code else ""))
    if correlation_id:
        parts.append(f"HMRC correlation id {correlation_id}")
    return "; ".join(parts)
