"""Reading what HMRC answered: error bodies, correlation ids, and why a body was rejected."""

from __future__ import annotations

from typing import Any, Final

import httpx
from pydantic import ValidationError

from hmrc_sync.client.bounds import MAX_BODY_BYTES, AnswerRejected
from hmrc_sync.client.errors import redact
from hmrc_sync.jsonio import loads

# HMRC's MTD APIs send X-CorrelationId; the platform and the emulator may use the others.
CORRELATION_HEADERS: Final = ("X-CorrelationId", "X-Correlation-ID", "CorrelationId")
_MAX_FIELD: Final = 128


def json_object(document: Any) -> dict[str, Any]:
    """``document`` if it is a JSON object (the parser for untyped answers)."""
    if not isinstance(document, dict):
        raise ValueError("expected a JSON object")
    return document


def correlation_id(response: httpx.Response, secrets: list[str]) -> str | None:
    for name in CORRELATION_HEADERS:
        value = response.headers.get(name)
        if value:
            return clean(str(value), secrets)
    return None


def error_body(response: httpx.Response, secrets: list[str]) -> tuple[str | None, str | None]:
    """HMRC's ``{"code", "message"}`` (or OAuth's ``{"error", "error_description"}``).

    The code is cleaned here; the message is quoted (and cleaned) only where it is shown.
    """
    if len(response.content) > MAX_BODY_BYTES:
        return None, None
    try:
        body = loads(response.content)
    except (ValueError, RecursionError):
        return None, None
    if not isinstance(body, dict):
        return None, None
    code = body.get("code", body.get("error"))
    message = body.get("message", body.get("error_description"))
    return (
        clean(code, secrets) if isinstance(code, str) else None,
        message if isinstance(message, str) else None,
    )


def clean(value: str, secrets: list[str]) -> str | None:
    """A short value from HMRC, bounded and with any credential removed."""
    return redact(value, secrets)[:_MAX_FIELD] or None


def describe_problem(exc: ValueError) -> str:
    """Why a success body was rejected, by HMRC's field names (never the values)."""
    if isinstance(exc, AnswerRejected):
        return str(exc)
    if isinstance(exc, ValidationError):
        errors = exc.errors(include_url=False, include_input=False)
        issues = [
            f"{'.'.join(str(part) for part in error['loc']) or '(document)'}: {error['msg']}"
            for error in errors[:3]
        ]
        more = len(errors) - 3
        return "; ".join(issues) + (f"; and {more} more" if more > 0 else "")
    return "the body is not a JSON document of the expected kind"
